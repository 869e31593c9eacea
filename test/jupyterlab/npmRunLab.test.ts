/**
 * `npm run lab` (scripts/run.mjs lab) serves JupyterLab 4 with the huntlab
 * kernels (tslab's on a Node ≥ 22), prints the URL with its token last, and stops on Ctrl-C with its
 * kernels; and the choice of Jupyter (scripts/lab.mjs) follows the documented
 * order.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, test } from "node:test";
import { findJupyterLab, givenToken, labCandidates, pickServerUrl, provisionVenvLab, sshTunnelHint } from "../../scripts/lab.mjs";
import { freePort, jupyterPath, processesMentioning, provisionLab, ROOT } from "./labServer";
import { within } from "../helpers/race";

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number, output: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}:\n${output()}`);
}

describe("npm run lab", { timeout: 600_000 }, () => {
  test("serves JupyterLab 4 (/lab answers 200) with the huntlab kernels, URL last; Ctrl-C stops it and its kernels", { timeout: 480_000 }, async () => {
    provisionLab();
    const port = await freePort();
    const token = `huntlab-${process.pid}-${Date.now()}`;
    const runtime = fs.mkdtempSync(path.join(os.tmpdir(), "huntlab-lab-runtime-"));
    const child = spawn(process.execPath, [path.join(ROOT, "scripts", "run.mjs"), "lab", "--no-browser", `--port=${port}`, "--ip=127.0.0.1"], {
      cwd: ROOT,
      // A runtime folder of its own: kernel connection files (and so kernel command lines) mention it.
      env: { ...process.env, JUPYTER_TOKEN: token, JUPYTER_RUNTIME_DIR: runtime, JUPYTER_PATH: jupyterPath() },
      // Its own process group, so the test can send Ctrl-C's SIGINT to the whole group as a terminal does.
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    const base = `http://127.0.0.1:${port}`;
    const url = `${base}/lab?token=${token}`;
    try {
      await waitFor("the URL", () => (output.includes(url) || child.exitCode !== null ? true : undefined), 300_000, () => output);
      assert.equal(child.exitCode, null, `npm run lab exited:\n${output}`);
      // Printed last, once startup output has settled (nothing new for 4 s).
      let seen = "";
      await waitFor("startup output to settle", async () => {
        const settled = seen === output;
        seen = output;
        if (!settled) await new Promise((r) => setTimeout(r, 4000));
        return settled ? true : undefined;
      }, 60_000, () => output);
      const lines = output.trim().split("\n").map((l) => l.trim()).filter(Boolean);
      assert.equal(lines[lines.length - 1], url, `the URL is not the last line:\n${lines.slice(-6).join("\n")}`);
      assert.match(output, /JupyterLab 4\.\d+/);

      const lab = await fetch(url);
      assert.equal(lab.status, 200);
      assert.match(await lab.text(), /JupyterLab/);
      const headers = { Authorization: `token ${token}` };
      const specs = (await (await fetch(`${base}/api/kernelspecs`, { headers })).json()) as { kernelspecs: Record<string, { spec: { argv: string[]; display_name: string } }> };
      assert.equal(specs.kernelspecs.tslab?.spec.display_name, "TypeScript (huntlab)");
      // The tslab kernel runs on a Node polars can load (≥ 22), whatever Node started `npm run lab`.
      const kernelNode = spawnSync(specs.kernelspecs.tslab.spec.argv[0], ["--version"], { encoding: "utf8" }).stdout.trim();
      assert.ok(Number(kernelNode.replace(/^v/, "").split(".")[0]) >= 22, `kernel Node is ${kernelNode}`);
      if (fs.existsSync(path.join(ROOT, ".jupyter", "kernels", "deno"))) assert.equal(specs.kernelspecs.deno?.spec.display_name, "Deno (huntlab)");
      const contents = (await (await fetch(`${base}/api/contents`, { headers })).json()) as { content: { name: string }[] };
      assert.ok(contents.content.some((c) => c.name === "HuntingLab.ipynb"), "not serving notebooks/");

      // A running kernel, as a user's open notebook has.
      const started = await fetch(`${base}/api/kernels`, { method: "POST", headers, body: JSON.stringify({ name: "tslab" }) });
      assert.equal(started.status, 201);
      const kernels = await waitFor("the kernel process", () => (processesMentioning(runtime).length ? processesMentioning(runtime) : undefined), 60_000, () => output);
      assert.ok(kernels.length >= 1);

      // Ctrl-C: SIGINT to the terminal's foreground process group.
      const interrupted = Date.now();
      process.kill(-(child.pid as number), "SIGINT");
      const code = await within(exited, 60_000, () => "timeout" as const);
      assert.equal(code, 0, `npm run lab did not exit cleanly on Ctrl-C (${code}):\n${output.slice(-2000)}`);
      console.log(`stopped ${Date.now() - interrupted} ms after Ctrl-C`);
      await waitFor("the kernels to exit", () => (processesMentioning(runtime).length === 0 ? true : undefined), 10_000, () => `left running: ${processesMentioning(runtime).join(", ")}`);
      await assert.rejects(fetch(`${base}/api/status`), "the server still answers");
    } finally {
      // On a failure: stop it as a user would (Jupyter runs in a process group of its own, which a
      // SIGKILL of npm run lab's group would leave running), then kill what is left.
      if (child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(-(child.pid as number), "SIGTERM");
        } catch {
          /* gone */
        }
        await within(exited, 40_000, () => undefined);
      }
      try {
        process.kill(-(child.pid as number), "SIGKILL");
      } catch {
        /* gone, as it should be */
      }
      for (const pid of processesMentioning(runtime)) process.kill(pid, "SIGKILL");
      fs.rmSync(runtime, { recursive: true, force: true });
    }
  });
});

describe("choosing Jupyter (scripts/lab.mjs)", () => {
  /** A fake `jupyter` that reports the given app versions. */
  function fakeJupyter(dir: string, name: string, versions: Record<string, string>): string {
    const file = path.join(dir, name);
    const cases = Object.entries(versions).map(([app, v]) => `  ${app}) echo "${v}" ;;`).join("\n");
    fs.writeFileSync(file, `#!/bin/sh\n[ "$2" = "--version" ] || exit 2\ncase "$1" in\n${cases}\n  *) exit 1 ;;\nesac\n`, { mode: 0o755 });
    return file;
  }

  test("$JUPYTER, then the active venv (or conda environment other than base), then the project's .venv, then PATH; JupyterLab 3 is passed over", () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "huntlab-choose-"));
    try {
      const root = path.join(tmp, "project");
      const venvBin = path.join(tmp, "active", "bin");
      const pathBin = path.join(tmp, "path-bin");
      const projectBin = path.join(root, ".venv", "bin");
      for (const d of [venvBin, pathBin, projectBin]) fs.mkdirSync(d, { recursive: true });
      const explicit = fakeJupyter(tmp, "jupyter-explicit", { lab: "3.6.7" });
      const active = fakeJupyter(venvBin, "jupyter", { lab: "4.2.0" });
      const onPath = fakeJupyter(pathBin, "jupyter", { notebook: "6.4.12" });
      const project = fakeJupyter(projectBin, "jupyter", { lab: "4.6.4" });
      const env = { PATH: `${pathBin}:/usr/bin:/bin`, JUPYTER: explicit, VIRTUAL_ENV: path.join(tmp, "active") };
      assert.deepEqual(labCandidates({ root, env }).map((c) => c.jupyter), [explicit, active, project, onPath]);
      const skipped: string[] = [];
      const found = findJupyterLab({ root, env, log: (m) => skipped.push(m) });
      assert.equal(found?.jupyter, active, "JupyterLab 3 from $JUPYTER is passed over for the active venv's 4");
      assert.equal(found?.version, "4.2.0");
      assert.match(skipped.join("\n"), /JupyterLab 3\.6\.7 from \$JUPYTER is older than 4/);
      // Without the active venv: the project's .venv, before PATH.
      assert.equal(findJupyterLab({ root, env: { PATH: env.PATH } })?.jupyter, project);
      // A JupyterLab 4 on PATH (pip's ~/.local/bin, conda's base) is not preferred to the project's .venv, which
      // npm test drives (it was: an older 4.x the user never chose served the lab); without a .venv it is used.
      const pathLab = path.join(tmp, "path-lab");
      fs.mkdirSync(pathLab);
      const otherLab = fakeJupyter(pathLab, "jupyter", { lab: "4.0.13" });
      assert.equal(findJupyterLab({ root, env: { PATH: `${pathLab}:/usr/bin:/bin` } })?.jupyter, project);
      assert.equal(findJupyterLab({ root: path.join(tmp, "no-venv"), env: { PATH: `${pathLab}:/usr/bin:/bin` } })?.jupyter, otherLab);
      // An activated conda environment is a choice; conda's base, active in every shell, is not.
      const conda = path.join(tmp, "conda-env");
      fs.mkdirSync(path.join(conda, "bin"), { recursive: true });
      const condaLab = fakeJupyter(path.join(conda, "bin"), "jupyter", { lab: "4.3.0" });
      assert.equal(findJupyterLab({ root, env: { PATH: env.PATH, CONDA_PREFIX: conda, CONDA_DEFAULT_ENV: "hunting" } })?.jupyter, condaLab);
      assert.equal(findJupyterLab({ root, env: { PATH: env.PATH, CONDA_PREFIX: conda, CONDA_DEFAULT_ENV: "base" } })?.jupyter, project);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  test("--no-install: a project without JupyterLab in .venv is refused, with the command to run by hand", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "huntlab-noinstall-"));
    try {
      const result = provisionVenvLab({ root, install: false });
      assert.ok("error" in result);
      assert.match(result.error, /--no-install/);
      assert.match(result.error, /python3 -m venv .*\.venv .*pip install --timeout 10 --retries 1 "jupyterlab>=4,<5"/);
      assert.equal(fs.existsSync(path.join(root, ".venv")), false, "nothing was created");
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  test("the URL shown is the server's own, with its token, on the loopback address", () => {
    const log = [
      "https://jupyterlab.readthedocs.io/en/latest/",
      "http://localhost:8888/lab?token=abc",
      "http://127.0.0.1:8888/lab?token=abc",
    ];
    assert.equal(pickServerUrl(log), "http://127.0.0.1:8888/lab?token=abc");
    assert.equal(pickServerUrl(["http://myhost:8899/lab"]), "http://myhost:8899/lab");
    assert.equal(pickServerUrl(["https://jupyter.org/"]), undefined);
    // A token given through $JUPYTER_TOKEN or an option is printed masked: the shown URL gets it back.
    assert.equal(pickServerUrl(["http://127.0.0.1:8888/lab?token=..."], "s3cret"), "http://127.0.0.1:8888/lab?token=s3cret");
    assert.equal(givenToken(["--port=1", "--IdentityProvider.token=abc"], {}), "abc");
    assert.equal(givenToken([], { JUPYTER_TOKEN: "xyz" }), "xyz");
  });

  test("over SSH, the command that tunnels the URL's port to the user's machine; none on the machine itself or for a URL not on loopback", () => {
    const url = "http://127.0.0.1:8890/lab?token=abc";
    assert.equal(
      sshTunnelHint(url, { SSH_CONNECTION: "192.0.2.7 50022 198.51.100.4 22" }, "hunter"),
      "over SSH: on your own machine run  ssh -N -L 8890:127.0.0.1:8890 hunter@198.51.100.4  and open the URL there",
    );
    // A server whose sshd listens elsewhere, over IPv6.
    assert.match(sshTunnelHint(url, { SSH_CONNECTION: "2001:db8::7 50022 2001:db8::4 2222" }, "hunter") ?? "", / -p 2222 hunter@\[2001:db8::4\] /);
    assert.equal(sshTunnelHint(url, {}, "hunter"), undefined);
    assert.equal(sshTunnelHint("http://lab.example:8890/lab?token=abc", { SSH_CONNECTION: "192.0.2.7 1 198.51.100.4 22" }, "hunter"), undefined);
  });
});
