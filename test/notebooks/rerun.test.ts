/**
 * Cells re-run in one tslab kernel, as analysts do: the query provider, TI
 * lookup and Pivot cells each run twice in a row, then the parameters changed
 * (another data folder, the TI feed edited on disk) and only the `qp` and `ti`
 * cells run again, not the Pivot cell. The pivots must answer from the new
 * folder and feed (they read the old ones), the repeated cells must print
 * nothing on stderr (no MaxListenersExceededWarning, no type error), and no
 * SIGINT listener may be left behind.
 *
 * Needs what `npm test` sets up: dist/ (or `HUNTLAB_MODULE`, an absolute path
 * to another build's index.js), the tslab kernel in .jupyter/, Python with nbclient.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import pl from "nodejs-polars";
import { LAB_DATA_DIR, PACKAGE_ROOT } from "../../src/common/paths";
import { tempDir } from "../helpers/tmp";
import { nbclientPython } from "./huntHelpers";

const JUPYTER_DIR = path.join(PACKAGE_ROOT, ".jupyter");
const MODULE = JSON.stringify(process.env.HUNTLAB_MODULE ?? "huntlab");

function missing(): string | undefined {
  const why = !nbclientPython()
    ? "Python with nbclient is missing"
    : !fs.existsSync(path.join(JUPYTER_DIR, "kernels", "tslab", "kernel.json"))
      ? "the tslab kernel is not registered in .jupyter/ (npm test does it)"
      : !process.env.HUNTLAB_MODULE && !fs.existsSync(path.join(PACKAGE_ROOT, "dist", "index.js"))
        ? "dist/ is not built (npm run build)"
        : undefined;
  if (why && process.env.CI) throw new Error(why);
  return why;
}

const code = (source: string) => ({ cell_type: "code", source, metadata: {}, outputs: [], execution_count: null });

test("re-run cells in tslab: pivots follow the re-made qp and ti, nothing on stderr, no listener left", { skip: missing(), timeout: 300_000 }, () => {
  const dir = tempDir("huntlab-rerun-");
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
  const input = path.join(dir, "rerun.ipynb");
  const output = path.join(dir, "rerun.out.ipynb");
  const lab = JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, "notebooks", "HuntingLab.ipynb"), "utf8")) as { metadata: unknown };
  fs.writeFileSync(input, j({ nbformat: 4, nbformat_minor: 5, metadata: lab.metadata, cells }));
  const r = spawnSync(nbclientPython() as string, [path.join(PACKAGE_ROOT, "scripts", "execute_notebook.py"), input, output, "--kernel", "tslab", "--cwd", path.join(PACKAGE_ROOT, "notebooks")], {
    encoding: "utf8",
    env: { ...process.env, JUPYTER_PATH: [JUPYTER_DIR, process.env.JUPYTER_PATH].filter(Boolean).join(path.delimiter), PATH: [path.dirname(process.execPath), process.env.PATH].join(path.delimiter) },
  });
  assert.equal(r.status, 0, `runner failed: ${r.stderr}`);
  const report = JSON.parse(r.stdout) as { problems: { cell: number; kind: string; text: string }[] };
  assert.deepEqual(report.problems, []);
  const executed = JSON.parse(fs.readFileSync(output, "utf8")) as { cells: { outputs: { text?: string | string[] }[] }[] };
  const text = executed.cells.map((c) => c.outputs.map((o) => (Array.isArray(o.text) ? o.text.join("") : (o.text ?? ""))).join(""));
  const checks = text.filter((t) => t.includes("logons "));
  assert.equal(checks.length, 2, text.join("\n---\n"));
  assert.match(checks[0], new RegExp(`logons ${all.height}\\nseverity high`));
  assert.match(checks[1], /logons 3\nseverity information/, "the pivots answered from the old folder or feed");
  assert.match(text.join("\n"), /LocalData pivots now use the LocalData QueryProvider just made/);
  assert.match(text.at(-1) ?? "", /sigint listeners 0/);
});
