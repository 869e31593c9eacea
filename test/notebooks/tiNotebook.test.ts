/**
 * Two parts of the lab's TI and pivot cells, run in ONE tslab kernel, each with its own checks and reading only
 * its own cells (metadata `huntlab_test_part`): a tslab start, huntlab's import and the runner cost ~4 CPU-s;
 * they ran in a kernel each before (the re-run part was rerun.test.ts). The re-run part goes first, as it ran alone, and its last
 * cell counts the SIGINT listeners before the enrich part runs; the enrich part's set-up cell makes its own
 * `dataPaths`, `qp` and `timeRange`, as the earlier sections would.
 *
 * Cells re-run in one tslab kernel, as analysts do: the query provider, TI
 * lookup and Pivot cells each run twice in a row, then the parameters changed
 * (another data folder, the TI feed edited on disk) and only the `qp` and `ti`
 * cells run again, not the Pivot cell. The pivots must answer from the new
 * folder and feed (they read the old ones), the repeated cells must print
 * nothing on stderr (no MaxListenersExceededWarning, no type error), and no
 * SIGINT listener may be left behind. (Its TILookup reads its own config file,
 * not the kernel's MSTICPYCONFIG.)
 *
 * The notebook's "Enrich data" cells, run in the real tslab kernel with a
 * configured (fake) key: the GreyNoise cell goes online — to a loopback twin
 * that echoes the key back in its answers — and no form of the key may
 * appear anywhere in the executed notebook (outputs, HTML, errors).
 *
 * Needs what `npm test` sets up: the compiled library (dist/, or `HUNTLAB_MODULE`, an absolute path to another
 * build's index.js, for the re-run part), the tslab kernel in .jupyter/, Python with nbclient. Skipped outside
 * CI when missing.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import pl from "nodejs-polars";
import { PACKAGE_ROOT, LAB_DATA_DIR } from "../../src/common/paths";
import { FAKE_ID, FAKE_KEY, startTwin, tempDir, writeConfig, type Handler } from "../context/tiTwins";
import { greyNoiseCommunity } from "../context/tiServices";
import { nbclientPython } from "./huntHelpers";

const JUPYTER_DIR = path.join(PACKAGE_ROOT, ".jupyter");
const MODULE = JSON.stringify(process.env.HUNTLAB_MODULE ?? "huntlab");

function missing(): string | undefined {
  const why = !nbclientPython()
    ? "Python with nbclient is missing"
    : !fs.existsSync(path.join(JUPYTER_DIR, "kernels", "tslab", "kernel.json"))
      ? "the tslab kernel is not registered in .jupyter/ (npm test does it)"
      : !process.env.HUNTLAB_MODULE && !fs.existsSync(path.join(PACKAGE_ROOT, "dist", "context", "tiLookup.js"))
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
  outputs?: { output_type?: string; text?: string | string[] }[];
  execution_count?: number | null;
}

/** Marks each part's cells, so that each test reads its own. */
const PART = "huntlab_test_part";
const code = (source: string): Cell => ({ cell_type: "code", source, metadata: {}, outputs: [], execution_count: null });
const part = (name: string, cells: Cell[]): Cell[] => cells.map((c) => ({ ...c, metadata: { ...c.metadata, [PART]: name } }));

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

/** The re-run part's cells, on a copy of the lab's logons (folder a, then b: three rows) and TI feed; `all` is folder a's logons. */
function rerunCells(dir: string): { cells: Cell[]; all: pl.DataFrame } {
  const [a, b] = [path.join(dir, "a"), path.join(dir, "b")];
  fs.mkdirSync(a);
  fs.mkdirSync(b);
  fs.copyFileSync(path.join(LAB_DATA_DIR, "host_logons.parquet"), path.join(a, "host_logons.parquet"));
  const all = pl.readParquet(path.join(a, "host_logons.parquet"));
  all.head(3).writeParquet(path.join(b, "host_logons.parquet"));
  fs.mkdirSync(path.join(dir, "ti"));
  const feed = path.join(dir, "ti", "feed.csv");
  fs.copyFileSync(path.join(LAB_DATA_DIR, "ti", "lab_indicators.csv"), feed);
  const config = path.join(dir, "config.yaml");
  fs.writeFileSync(config, "TIProviders:\n  LocalTI:\n    Args:\n      Path: ti\n    Primary: true\n    Provider: LocalTI\n");

  const j = JSON.stringify;
  const qpCell = `const qp = new QueryProvider("LocalData", { dataPaths: dataPaths, queryPaths: [${j(path.join(LAB_DATA_DIR, "queries"))}] });`;
  const tiCell = `const ti = new TILookup({ configPath: ${j(config)} });`;
  const pivotCell = "const pivot = new Pivot({ providers: [qp, ti] });";
  const checkCell = [
    'const host = new entities.Host({ HostName: "Msticalertswin1" });',
    'console.log("logons", (await entities.Host.LocalData.WindowsSecurity.list_host_logons(host)).height);',
    'console.log("severity", String((await entities.Ip.ti.lookupIp("131.107.147.209", { progress: false })).getColumn("Severity").get(0)));',
  ].join("\n");
  const cells = [
    code(`import fs from "node:fs";\nimport { QueryProvider, TILookup, Pivot, entities } from ${MODULE};`),
    code(`let dataPaths: string[] = [${j(a)}];`),
    ...[qpCell, qpCell, tiCell, tiCell, pivotCell, pivotCell, checkCell].map(code),
    // The parameters changed: another folder, and the feed edited on disk. Only the qp and ti cells are run again.
    code(`dataPaths = [${j(b)}];\nfs.writeFileSync(${j(feed)}, fs.readFileSync(${j(feed)}, "utf8").replace("131.107.147.209,ipv4,high", "131.107.147.209,ipv4,information"));`),
    ...[qpCell, tiCell, checkCell].map(code),
    code('console.log("sigint listeners", process.listenerCount("SIGINT"));'),
  ];
  return { cells, all };
}

interface Run {
  code: number | null;
  stderr: string;
  problems: { cell: number; kind: string; text: string }[];
  /** The executed notebook's text, and each part's cells. */
  executed: string;
  rerun: Cell[];
  enrich: Cell[];
  /** Folder a's logons (the re-run part's first answer). */
  all: pl.DataFrame;
}

let twin: Awaited<ReturnType<typeof startTwin>> | undefined;
let shared: Promise<Run> | undefined;

/** Both parts in one tslab kernel (the first test to ask starts it; the twin serves from this process meanwhile, so the runner is not waited for synchronously). */
function sharedRun(): Promise<Run> {
  shared ??= (async () => {
    twin = await startTwin(echoingGreyNoise);
    const dir = tempDir("huntlab-nb-");
    const configPath = writeConfig(dir, {
      LocalTI: { Provider: "LocalTI", Primary: true, Args: { Path: path.join(LAB_DATA_DIR, "ti") } },
      GreyNoise: { Provider: "GreyNoise", Args: { AuthKey: { EnvironmentVar: "GREYNOISE_AUTH" } }, BaseUrl: twin.url, Retries: 0 },
      XForce: { Provider: "XForce", Args: { ApiID: FAKE_ID, AuthKey: FAKE_KEY }, BaseUrl: `${twin.url}/xf/${FAKE_KEY}` },
    });
    const rerunDir = path.join(dir, "rerun");
    fs.mkdirSync(rerunDir);
    const rerun = rerunCells(rerunDir);
    const enrich = enrichNotebook();
    const input = path.join(dir, "enrich.ipynb");
    const output = path.join(dir, "enrich.out.ipynb");
    fs.writeFileSync(input, JSON.stringify({ ...enrich, cells: [...part("rerun", rerun.cells), ...part("enrich", enrich.cells)] }));
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
    const problems = code === 0 ? (JSON.parse(stdout) as { problems: Run["problems"] }).problems : [];
    const executed = fs.existsSync(output) ? fs.readFileSync(output, "utf8") : "";
    const cells = executed ? (JSON.parse(executed) as { cells: Cell[] }).cells : [];
    const of = (name: string) => cells.filter((c) => c.metadata[PART] === name);
    return { code, stderr, problems, executed, rerun: of("rerun"), enrich: of("enrich"), all: rerun.all };
  })();
  return shared;
}

/** The problems of one part's cells (the report's cell is an index into the whole notebook). */
async function problemsOf(name: "rerun" | "enrich"): Promise<Run["problems"]> {
  const r = await sharedRun();
  assert.equal(r.code, 0, `runner failed: ${r.stderr}`);
  const all = [...r.rerun, ...r.enrich];
  return r.problems.filter((p) => (all[p.cell]?.metadata[PART] ?? name) === name);
}

after(async () => {
  await twin?.close();
});

test("re-run cells in tslab: pivots follow the re-made qp and ti, nothing on stderr, no listener left", { skip: missing(), timeout: 300_000 }, async () => {
  assert.deepEqual(await problemsOf("rerun"), []);
  const { rerun, all } = await sharedRun();
  assert.equal(rerun.length, 14, "the re-run part's cells");
  const text = rerun.map((c) => (c.outputs ?? []).map((o) => (Array.isArray(o.text) ? o.text.join("") : (o.text ?? ""))).join(""));
  const checks = text.filter((t) => t.includes("logons "));
  assert.equal(checks.length, 2, text.join("\n---\n"));
  assert.match(checks[0], new RegExp(`logons ${all.height}\\nseverity high`));
  assert.match(checks[1], /logons 3\nseverity information/, "the pivots answered from the old folder or feed");
  assert.match(text.join("\n"), /LocalData pivots now use the LocalData QueryProvider just made/);
  assert.match(text.at(-1) ?? "", /sigint listeners 0/);
});

test("the enrich cells in tslab with a configured key: GreyNoise goes online, the key shows nowhere", { skip: missing(), timeout: 300_000 }, async () => {
  assert.deepEqual(await problemsOf("enrich"), []);
  const { enrich, executed } = await sharedRun();
  assert.ok(enrich.length > 1, "the enrich part's cells");
  // The online path really ran, with the key.
  assert.ok(twin!.requests.length >= 1, "GreyNoise was not queried");
  assert.ok(twin!.requests.every((r) => r.headers.key === FAKE_KEY));
  const enrichText = JSON.stringify(enrich);
  assert.match(enrichText, /hl-tib/, "the GreyNoise browser was shown");
  assert.match(enrichText, /key seen: \*\*\*\*/, "the echoed key was masked");
  // The whole executed notebook (both parts' cells), as the enrich cells alone were checked before.
  const forbidden = [FAKE_KEY, FAKE_ID, encodeURIComponent(FAKE_KEY), Buffer.from(FAKE_KEY).toString("base64").replace(/=+$/, ""), Buffer.from(`${FAKE_ID}:${FAKE_KEY}`).toString("base64").replace(/=+$/, "")];
  for (const secret of forbidden) assert.ok(!executed.includes(secret), `the executed notebook contains a form of the key (${secret.slice(0, 6)}…)`);
});
