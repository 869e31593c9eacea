/** What the Deno kernel's notebook tests share: the kernel's JUPYTER_PATH, the module the cells import, when to skip. */
import fs from "node:fs";
import path from "node:path";
import { PACKAGE_ROOT } from "../../src/common/paths";
import { kernelSpecRegistered } from "../helpers/kernelSpecs";
import { nbclientPython } from "./huntHelpers";

const JUPYTER_DIR = path.join(PACKAGE_ROOT, ".jupyter");
export const JUPYTER_PATH = [process.env.JUPYTER_PATH, JUPYTER_DIR].filter(Boolean).join(path.delimiter);
/** The module the cells import, as source text: huntlab, or `HUNTLAB_MODULE` (a build elsewhere). */
export const MODULE = JSON.stringify(process.env.HUNTLAB_MODULE ?? "huntlab");

/** Why a Deno notebook test cannot run here (a failure under CI, where it must), or undefined. */
export function denoMissing(): string | undefined {
  const why = !nbclientPython()
    ? "Python with nbclient is missing"
    : !kernelSpecRegistered("deno", JUPYTER_PATH)
      ? "Deno's kernel is not registered (npm test does it)"
      : !process.env.HUNTLAB_MODULE && !fs.existsSync(path.join(PACKAGE_ROOT, "dist", "index.js"))
        ? "dist/ is not built (npm run build)"
        : undefined;
  if (why && process.env.CI) throw new Error(why);
  return why;
}

/** A code cell of `source`, not yet run. */
export const code = (source: string) => ({ cell_type: "code", source, metadata: {}, outputs: [], execution_count: null });
