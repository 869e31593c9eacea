/**
 * Finding a Python: the one place scripts and tests pick the interpreter that
 * runs notebooks (nbclient), drives kernels (jupyter_client) or makes `.venv`.
 */
import { spawnSync } from "node:child_process";

/** Where to look, in order: `HUNTLAB_PYTHON`, `python3` on the PATH, Debian's, then `python`. */
export function pythonCandidates(env = process.env) {
  return [env.HUNTLAB_PYTHON, "python3", "/usr/bin/python3", "python"].filter(Boolean);
}

/**
 * Whether `python` runs and finds every module of `modules`. The modules are
 * looked up (importlib's `find_spec`), not imported: importing nbclient costs
 * ~0.3 s of CPU, the lookup ~0.05 s, and every caller imports them anyway.
 */
export function hasModules(python, modules, env = process.env) {
  const names = modules.map((m) => JSON.stringify(m)).join(", ");
  // A folder of that name in the working directory is a namespace package to find_spec (no origin): not the module.
  const check = `import importlib.util as u, sys; ok = lambda s: s is not None and s.origin not in (None, "namespace"); sys.exit(0 if all(ok(u.find_spec(m)) for m in (${names},)) else 1)`;
  return spawnSync(python, ["-c", check], { env, stdio: "ignore", timeout: 60_000 }).status === 0;
}

/** The first of `candidates` (default {@link pythonCandidates}) that has every module of `modules`, or undefined. */
export function findPython(modules, { env = process.env, candidates = pythonCandidates(env) } = {}) {
  return [...new Set(candidates)].find((py) => hasModules(py, modules, env));
}
