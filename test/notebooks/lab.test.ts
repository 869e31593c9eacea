/**
 * `npm run lab` starts a Jupyter server on notebooks/ with the project's tslab
 * kernel registered (JupyterLab 4 from the project's .venv; see scripts/lab.mjs).
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { test } from "node:test";

const ROOT = path.resolve(__dirname, "..", "..");

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

async function getJson(url: string): Promise<unknown> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.json();
}

const hasJupyter = spawnSync("jupyter", ["--version"], { stdio: "ignore" }).status === 0;

test("npm run lab serves the notebooks with the TypeScript (huntlab) kernel", { skip: !hasJupyter && !process.env.CI && "Jupyter is not installed", timeout: 120_000 }, async () => {
  const port = await freePort();
  const token = "huntlab-test-token";
  const child = spawn(process.execPath, [path.join(ROOT, "scripts", "run.mjs"), "lab", "--no-browser", `--port=${port}`, "--ip=127.0.0.1"], {
    cwd: ROOT,
    env: { ...process.env, JUPYTER_TOKEN: token },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  try {
    const base = `http://127.0.0.1:${port}`;
    let specs: { kernelspecs: Record<string, { spec: { argv: string[]; display_name: string } }> } | undefined;
    const deadline = Date.now() + 90_000;
    while (!specs && Date.now() < deadline) {
      if (child.exitCode !== null) assert.fail(`npm run lab exited with ${child.exitCode}:\n${output}`);
      try {
        specs = (await getJson(`${base}/api/kernelspecs?token=${token}`)) as typeof specs;
      } catch {
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    assert.ok(specs, `no Jupyter server on port ${port}:\n${output}`);
    const tslab = specs.kernelspecs.tslab;
    assert.ok(tslab, `tslab kernel not registered; kernels: ${Object.keys(specs.kernelspecs).join(", ")}`);
    assert.equal(tslab.spec.display_name, "TypeScript (huntlab)");
    const nodeVersion = spawnSync(tslab.spec.argv[0], ["--version"], { encoding: "utf8" }).stdout.trim();
    assert.ok(Number(nodeVersion.replace(/^v/, "").split(".")[0]) >= 22, `kernel Node is ${nodeVersion}`);
    const contents = (await getJson(`${base}/api/contents?token=${token}`)) as { content: { name: string }[] };
    assert.ok(contents.content.some((c) => c.name === "HuntingLab.ipynb"), "the server does not serve notebooks/");
  } finally {
    try {
      process.kill(-(child.pid as number), "SIGTERM");
    } catch {
      /* already gone */
    }
  }
});
