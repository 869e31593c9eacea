/**
 * The notebook's "Enrich data" cells, run in the real tslab kernel with a
 * configured (fake) key: the GreyNoise cell goes online — to a loopback twin
 * that echoes the key back in its answers — and no form of the key may
 * appear anywhere in the executed notebook (outputs, HTML, errors).
 *
 * Needs what `npm test` sets up: the compiled library (dist/), the tslab
 * kernel in .jupyter/, Python with nbclient. Skipped outside CI when missing.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { PACKAGE_ROOT, LAB_DATA_DIR } from "../../src/common/paths";
import { FAKE_ID, FAKE_KEY, startTwin, tempDir, writeConfig, type Handler } from "../context/tiTwins";
import { greyNoiseCommunity } from "../context/tiServices";
import { nbclientPython } from "./huntHelpers";

const JUPYTER_DIR = path.join(PACKAGE_ROOT, ".jupyter");

function missing(): string | undefined {
  const why = !nbclientPython()
    ? "Python with nbclient is missing"
    : !fs.existsSync(path.join(JUPYTER_DIR, "kernels", "tslab", "kernel.json"))
      ? "the tslab kernel is not registered in .jupyter/ (npm test does it)"
      : !fs.existsSync(path.join(PACKAGE_ROOT, "dist", "context", "tiLookup.js"))
        ? "dist/ is not built (npm run build)"
        : !fs.existsSync(path.join(PACKAGE_ROOT, "node_modules", "huntlab"))
          ? "node_modules/huntlab is missing (npm test links it)"
          : undefined;
  if (why && process.env.CI) throw new Error(why);
  return why;
}

interface Cell {
  cell_type: string;
  source: string | string[];
  metadata: Record<string, unknown>;
  outputs?: unknown[];
  execution_count?: number | null;
}

/** The enrich section's cells after a set-up cell that does what the earlier sections do. */
function enrichNotebook(): { nbformat: number; nbformat_minor: number; metadata: unknown; cells: Cell[] } {
  const lab = JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, "notebooks", "HuntingLab.ipynb"), "utf8")) as { nbformat: number; nbformat_minor: number; metadata: unknown; cells: Cell[] };
  const enrich = lab.cells.filter((c) => c.metadata.huntlab_section === "enrich");
  assert.ok(enrich.some((c) => c.cell_type === "code"), "the notebook has no enrich section");
  // The lab imports each name once, where it is first used (an `nbconvert --to script` export is one module): the
  // earlier sections' imports (`checkResult`, …), as a learner's kernel holds them.
  const earlier = lab.cells.slice(0, lab.cells.indexOf(enrich[0])).filter((c) => c.cell_type === "code");
  const imports = earlier.flatMap((c) => (Array.isArray(c.source) ? c.source.join("") : c.source).split("\n").filter((l) => l.startsWith("import ")));
  assert.ok(imports.some((l) => /\bQueryProvider\b/.test(l)), "the sections before enrich import no QueryProvider");
  const setup: Cell = {
    cell_type: "code",
    source: imports.join("\n") + '\nconst dataPaths: string[] = ["../data"];\nconst qp = new QueryProvider("LocalData", { dataPaths: dataPaths, queryPaths: ["../data"] });\nconst timeRange: { start?: string; end?: string } = {};',
    metadata: {},
    outputs: [],
    execution_count: null,
  };
  return { ...lab, cells: [setup, ...enrich.map((c) => ({ ...c, outputs: c.cell_type === "code" ? [] : undefined }))] };
}

/** GreyNoise that also repeats the key it received in every answer. */
const echoingGreyNoise: Handler = async (req) => {
  const reply = await greyNoiseCommunity(req);
  const body = (reply.json ?? {}) as Record<string, unknown>;
  return { ...reply, json: { ...body, classification: "malicious", message: `key seen: ${String(req.headers.key)}`, name: `echo ${JSON.stringify(req.headers)}` }, status: 200 };
};

test("the enrich cells in tslab with a configured key: GreyNoise goes online, the key shows nowhere", { skip: missing(), timeout: 300_000 }, async () => {
  const twin = await startTwin(echoingGreyNoise);
  const dir = tempDir("huntlab-nb-");
  try {
    const configPath = writeConfig(dir, {
      LocalTI: { Provider: "LocalTI", Primary: true, Args: { Path: path.join(LAB_DATA_DIR, "ti") } },
      GreyNoise: { Provider: "GreyNoise", Args: { AuthKey: { EnvironmentVar: "GREYNOISE_AUTH" } }, BaseUrl: twin.url, Retries: 0 },
      XForce: { Provider: "XForce", Args: { ApiID: FAKE_ID, AuthKey: FAKE_KEY }, BaseUrl: `${twin.url}/xf/${FAKE_KEY}` },
    });
    const input = path.join(dir, "enrich.ipynb");
    const output = path.join(dir, "enrich.out.ipynb");
    fs.writeFileSync(input, JSON.stringify(enrichNotebook()));
    const child = spawn(nbclientPython() as string, [path.join(PACKAGE_ROOT, "scripts", "execute_notebook.py"), input, output, "--kernel", "tslab", "--cwd", path.join(PACKAGE_ROOT, "notebooks")], {
      env: {
        ...process.env,
        MSTICPYCONFIG: configPath,
        GREYNOISE_AUTH: FAKE_KEY,
        JUPYTER_PATH: [JUPYTER_DIR, process.env.JUPYTER_PATH].filter(Boolean).join(path.delimiter),
        PATH: [path.dirname(process.execPath), process.env.PATH].join(path.delimiter),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    assert.equal(code, 0, `runner failed: ${stderr}`);
    const report = JSON.parse(stdout) as { problems: { cell: number; kind: string; text: string }[] };
    assert.deepEqual(report.problems, []);
    // The online path really ran, with the key.
    assert.ok(twin.requests.length >= 1, "GreyNoise was not queried");
    assert.ok(twin.requests.every((r) => r.headers.key === FAKE_KEY));
    const executed = fs.readFileSync(output, "utf8");
    assert.match(executed, /hl-tib/, "the GreyNoise browser was shown");
    assert.match(executed, /key seen: \*\*\*\*/, "the echoed key was masked");
    const forbidden = [FAKE_KEY, FAKE_ID, encodeURIComponent(FAKE_KEY), Buffer.from(FAKE_KEY).toString("base64").replace(/=+$/, ""), Buffer.from(`${FAKE_ID}:${FAKE_KEY}`).toString("base64").replace(/=+$/, "")];
    for (const secret of forbidden) assert.ok(!executed.includes(secret), `the executed notebook contains a form of the key (${secret.slice(0, 6)}…)`);
  } finally {
    await twin.close();
  }
});
