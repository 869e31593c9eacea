/** Whether a Jupyter kernel spec is registered, for the tests that skip without one. */
import fs from "node:fs";
import path from "node:path";

/**
 * Whether the kernel spec `name` (`tslab`, `deno`) is in one of the Jupyter
 * folders of `jupyterPath`, a JUPYTER_PATH-style list. Default: the
 * environment's JUPYTER_PATH (npm test puts the project's `.jupyter` first).
 */
export function kernelSpecRegistered(name: string, jupyterPath = process.env.JUPYTER_PATH ?? ""): boolean {
  return jupyterPath.split(path.delimiter).some((dir) => dir !== "" && fs.existsSync(path.join(dir, "kernels", name, "kernel.json")));
}
