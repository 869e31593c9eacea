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
  return interpreterWith(python, modules, env) !== undefined;
}

/**
 * The interpreter `python` runs (its `sys.executable`) when it finds every module of `modules`, else undefined; the
 * same check as {@link hasModules}, which prints the path on success.
 */
function interpreterWith(python, modules, env) {
  const names = modules.map((m) => JSON.stringify(m)).join(", ");
  // A folder of that name in the working directory is a namespace package to find_spec (no origin): not the module.
  const check = `import importlib.util as u, sys; ok = lambda s: s is not None and s.origin not in (None, "namespace"); all(ok(u.find_spec(m)) for m in (${names},)) or sys.exit(1); print(sys.executable)`;
  const run = spawnSync(python, ["-c", check], { env, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 60_000 });
  if (run.status !== 0) return undefined;
  // sys.executable can be empty (an embedded Python): the name given then.
  return run.stdout.trim() || python;
}

/**
 * The first of `candidates` (default {@link pythonCandidates}) that has every module of `modules`, as the interpreter
 * it runs (`sys.executable`), or undefined. `python3` on the PATH may be a pyenv shim, a shell script costing ~0.45 s
 * of CPU per call against ~0.07 s for the interpreter: a caller spawning it again and again pays that every time. A
 * venv's Python stays the venv's (its own bin/python, not the base one it links to).
 */
export function findPython(modules, { env = process.env, candidates = pythonCandidates(env) } = {}) {
  for (const py of new Set(candidates)) {
    const found = interpreterWith(py, modules, env);
    if (found !== undefined) return found;
  }
  return undefined;
}
