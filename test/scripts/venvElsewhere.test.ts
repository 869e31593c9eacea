/**
 * scripts/lab.mjs venvScriptElsewhere: a checkout copied or moved with its .venv (teaching.md's prepared folder
 * copied to each machine, an instructor's copy) has venv scripts that name the old place's Python. `npm run lab`
 * then ran another copy's JupyterLab without a word, or, the old place gone, said JupyterLab was "not installed".
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { findJupyterLab, provisionVenvLab, venvPythonUnrunnable, venvScriptElsewhere } from "../../scripts/lab.mjs";

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "huntlab-venv-elsewhere-"));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** A venv's bin/ as pip writes it: the script names its Python by absolute path (sh `exec` form for a path with spaces). */
function fakeVenv(venv: string, named = venv): string {
  fs.mkdirSync(path.join(venv, "bin"), { recursive: true });
  const python = path.join(named, "bin", "python3");
  const body = /\s/.test(python) ? `#!/bin/sh\n'''exec' "${python}" "$0" "$@"\n' '''\nimport sys\n` : `#!${python}\nimport sys\n`;
  fs.writeFileSync(path.join(venv, "bin", "jupyter"), body, { mode: 0o755 });
  fs.writeFileSync(path.join(venv, "bin", "python3"), "", { mode: 0o755 });
  return path.join(venv, "bin", "jupyter");
}

test("a venv's own scripts are its own, whatever the path (spaces: pip's sh form) or a link to the venv", { skip: process.platform === "win32" ? "POSIX scripts" : false }, () => {
  for (const name of ["plain", "my lab/Jägerin's $HOME (copy)"]) {
    const venv = path.join(scratch, name, ".venv");
    assert.equal(venvScriptElsewhere(venv, fakeVenv(venv)), undefined, name);
  }
  // A checkout whose .venv is a link to the venv (a worktree sharing one): the same folder.
  const linked = path.join(scratch, "worktree");
  fs.mkdirSync(linked);
  fs.symlinkSync(path.join(scratch, "plain", ".venv"), path.join(linked, ".venv"));
  assert.equal(venvScriptElsewhere(path.join(linked, ".venv"), path.join(linked, ".venv", "bin", "jupyter")), undefined);
  // Not a Python script (a wrapper): nothing to say.
  const wrapper = path.join(scratch, "wrapper");
  fs.writeFileSync(wrapper, "#!/bin/sh\nexec jupyter \"$@\"\n");
  assert.equal(venvScriptElsewhere(path.join(scratch, "plain", ".venv"), wrapper), undefined);
});

test("a copied .venv names the other copy's Python; a moved one names a Python that is gone, and is refused with what to do", { skip: process.platform === "win32" ? "POSIX scripts" : false }, () => {
  const original = path.join(scratch, "instructor", ".venv");
  const copy = path.join(scratch, "student copy", ".venv");
  fakeVenv(original);
  fs.cpSync(path.join(scratch, "instructor"), path.join(scratch, "student copy"), { recursive: true });
  assert.deepEqual(venvScriptElsewhere(copy, path.join(copy, "bin", "jupyter")), { interpreter: path.join(original, "bin", "python3"), gone: false });
  const moved = path.join(scratch, "moved", ".venv");
  fakeVenv(moved, path.join(scratch, "gone", ".venv"));
  assert.deepEqual(venvScriptElsewhere(moved, path.join(moved, "bin", "jupyter")), { interpreter: path.join(scratch, "gone", ".venv", "bin", "python3"), gone: true });
  // npm run lab: no pip install into it, but why and what to do (it said "JupyterLab 4 is not installed in .venv").
  for (const install of [false, true]) {
    const r = provisionVenvLab({ root: path.join(scratch, "moved"), install });
    assert.ok("error" in r);
    assert.match(r.error, /\.venv was made in another place \(it was copied or moved\): its scripts name \S+gone\/\.venv\/bin\/python3, which is not there; delete .+ and run `npm run lab` again/);
  }
  // The copy whose original is there is used (it runs), with a word saying whose Python it runs.
  const said: string[] = [];
  findJupyterLab({ root: path.join(scratch, "student copy"), env: { PATH: "/usr/bin:/bin" }, log: (m) => said.push(m) });
  assert.match(said.join("\n"), /student copy\/\.venv was made in another place \(it was copied or moved\): its scripts run \S+instructor\/\.venv\/bin\/python3, another copy's/);
});

/**
 * A .venv made by another user (root, from pyenv's Python under /root) for a student who runs `npm run lab`: its
 * `bin/python` links to a Python the student may not run. It said JupyterLab 4 "is not installed in .venv" and fell
 * back to classic Notebook 6; it is installed but cannot run, and the fix is another venv, not pip.
 */
test("a .venv whose Python this user cannot run (EACCES) or that is gone (ENOENT) is told apart from one without JupyterLab", { skip: process.platform === "win32" ? "POSIX venvs" : false }, () => {
  const cases = [
    // A file no one may execute: EACCES even for root, as /root/.pyenv is for a student.
    { name: "made by root", code: "EACCES", target: (dir: string) => {
      fs.writeFileSync(path.join(dir, "python3.11"), "#!/bin/sh\n", { mode: 0o644 });
      return path.join(dir, "python3.11");
    } },
    { name: "base removed", code: "ENOENT", target: (dir: string) => path.join(dir, "removed", "python3.11") },
  ] as const;
  for (const c of cases) {
    const root = path.join(scratch, c.name);
    const venv = path.join(root, ".venv");
    const jupyter = fakeVenv(venv);
    const base = path.join(scratch, `${c.name} base`);
    fs.mkdirSync(base);
    fs.rmSync(path.join(venv, "bin", "python3"));
    fs.symlinkSync(c.target(base), path.join(venv, "bin", "python3"));
    fs.symlinkSync("python3", path.join(venv, "bin", "python"));
    assert.deepEqual(venvPythonUnrunnable(venv), { interpreter: c.target(base), code: c.code }, c.name);
    // Not "not installed", not a pip install into it: why, and what to do.
    for (const install of [false, true]) {
      const r = provisionVenvLab({ root, install });
      assert.ok("error" in r, c.name);
      assert.match(r.error, new RegExp(`\\.venv has JupyterLab installed, but its Python, .+python3\\.11, (cannot be run by|is not there).*\\(${c.code}`), c.name);
      assert.match(r.error, /delete .+\.venv and run `npm run lab` again as /);
      assert.doesNotMatch(r.error, /not installed/);
    }
    assert.equal(findJupyterLab({ root, env: { PATH: "/nonexistent" } }), undefined);
    assert.ok(fs.existsSync(jupyter));
  }
  // A venv whose Python runs is nothing to say.
  const fine = path.join(scratch, "runs", ".venv");
  fakeVenv(fine);
  fs.writeFileSync(path.join(fine, "bin", "python3"), "#!/bin/sh\nexit 0\n", { mode: 0o755 });
  fs.symlinkSync("python3", path.join(fine, "bin", "python"));
  assert.equal(venvPythonUnrunnable(fine), undefined);
});
