/**
 * scripts/python.mjs: how scripts and tests pick a Python. Runs the machine's
 * own interpreters (python3 is on every machine the suite runs on).
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import { spawnSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { findPython, hasModules, pythonCandidates } from "../../scripts/python.mjs";

const python3 = findPython(["json"], { candidates: ["python3", "/usr/bin/python3"] });

test("candidates: HUNTLAB_PYTHON first, then python3, Debian's, python; an unset variable is left out", () => {
  assert.deepEqual(pythonCandidates({ HUNTLAB_PYTHON: "/opt/py/bin/python" }), ["/opt/py/bin/python", "python3", "/usr/bin/python3", "python"]);
  assert.deepEqual(pythonCandidates({}), ["python3", "/usr/bin/python3", "python"]);
  assert.deepEqual(pythonCandidates({ HUNTLAB_PYTHON: "" }), ["python3", "/usr/bin/python3", "python"]);
});

test("hasModules: every module must be found; a missing interpreter is no error, only false", { skip: python3 ? false : "no python3" }, () => {
  assert.equal(hasModules(python3!, ["json", "os.path"]), true);
  assert.equal(hasModules(python3!, ["json", "no_such_module_huntlab"]), false);
  assert.equal(hasModules(path.join(os.tmpdir(), "no-such-python-huntlab"), ["json"]), false);
  // A name is passed as data, not spliced into code.
  assert.equal(hasModules(python3!, ["json')); import sys; sys.exit(0) #"]), false);
});

test("findPython: the first candidate with the modules, skipping those without; undefined when none has them", { skip: python3 ? false : "no python3" }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "huntlab-python-"));
  try {
    // An interpreter that runs but has nothing: exits 1 for any check.
    const bare = path.join(dir, "bare-python");
    fs.writeFileSync(bare, "#!/bin/sh\nexit 1\n", { mode: 0o755 });
    assert.equal(findPython(["json"], { candidates: [path.join(dir, "missing"), bare, python3!] }), python3);
    assert.equal(findPython(["no_such_module_huntlab"], { candidates: [bare, python3!] }), undefined);
    // HUNTLAB_PYTHON wins when it has the modules.
    assert.equal(findPython(["json"], { env: { ...process.env, HUNTLAB_PYTHON: python3! } }), python3);
    assert.equal(findPython(["json"], { env: { PATH: process.env.PATH, HUNTLAB_PYTHON: bare } }) !== bare, true);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("findPython gives the interpreter a candidate runs, not a shim in front of it (pyenv's: ~0.45 CPU-s a call)", { skip: python3 ? false : "no python3" }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "huntlab-python-shim-"));
  try {
    // A shim as pyenv's is: a script that execs the interpreter.
    const shim = path.join(dir, "python3");
    fs.writeFileSync(shim, `#!/bin/sh\nexec ${JSON.stringify(python3)} "$@"\n`, { mode: 0o755 });
    const real = spawnSync(python3!, ["-c", "import sys; print(sys.executable)"], { encoding: "utf8" }).stdout.trim();
    assert.ok(path.isAbsolute(real), real);
    assert.equal(findPython(["json"], { candidates: [shim] }), real);
    assert.equal(findPython(["json"], { candidates: [shim, python3!] }), real);
    assert.equal(findPython(["no_such_module_huntlab"], { candidates: [shim] }), undefined);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("hasModules: a bare folder of the module's name on the path (a checkout's own nbconvert-like folder) is no module", { skip: python3 ? false : "no python3" }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "huntlab-python-ns-"));
  try {
    fs.mkdirSync(path.join(dir, "no_such_module_huntlab"));
    fs.writeFileSync(path.join(dir, "real_module_huntlab.py"), "");
    const env = { ...process.env, PYTHONPATH: dir };
    // find_spec answers a namespace package for the folder: such a Python was taken to have nbconvert.
    assert.equal(hasModules(python3!, ["no_such_module_huntlab"], env), false);
    assert.equal(hasModules(python3!, ["real_module_huntlab"], env), true);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
