/**
 * The frames huntlab returns carry the rich last-value hook (withRichLastValue),
 * and so do the frames derived from them through their own methods, so that a
 * cell ending with one shows huntlab's table in tslab. (The kernel side of the
 * hook is tested in kernels.test.ts; here: which results have it.) Frames polars
 * makes itself do not.
 */
import assert from "node:assert/strict";
import path from "node:path";
import { inspect } from "node:util";
import { test } from "node:test";
import pl from "nodejs-polars";
import { IoCExtract, QueryProvider, TILookup, base64UnpackDf, buildProcessTree, runPipeline, timeseriesAnomaliesStl } from "../../src/index";
import { JUPYTER_DISPLAY } from "../../src/display/protocol";
import { LAB_DATA_DIR, PACKAGE_ROOT } from "../../src/common/paths";

// polars' frames have a Jupyter.display of their own: what tells huntlab's hook is the inspect text.
const rich = (df: unknown) => typeof df === "object" && df !== null && JUPYTER_DISPLAY in df && /\d+ rows? × \d+ columns?/.test(inspect(df, { depth: 2 }));

test("query results, trees, indicators, base64, TI results, anomalies and pipelines are rich; so are their head/filter/select", async () => {
  const qp = new QueryProvider("LocalData", { dataPaths: [LAB_DATA_DIR], queryPaths: [LAB_DATA_DIR] });
  const procs = await qp.WindowsSecurity.list_host_processes();
  const logons = await qp.WindowsSecurity.list_host_logons();
  const series = await qp.Network.get_network_summary();
  const results: Record<string, unknown> = {
    query: procs,
    tree: buildProcessTree(procs),
    iocs: new IoCExtract().extract(procs, { columns: ["CommandLine"] }),
    base64: base64UnpackDf(procs, { column: "CommandLine" }),
    ti: await new TILookup({ configPath: path.join(PACKAGE_ROOT, "msticpyconfig.yaml") }).lookupIocs(logons, { obsCol: "IpAddress", progress: false }),
    anomalies: timeseriesAnomaliesStl(series),
    pipeline: await runPipeline(logons.head(3), "pipelines: {p: {steps: []}}", { pipeline: "p" }),
  };
  for (const [name, df] of Object.entries(results)) {
    assert.ok(rich(df), `${name} is rich`);
    const frame = df as pl.DataFrame;
    assert.ok(rich(frame.head(2)), `${name}.head() is rich`);
    assert.ok(rich(frame.select(frame.columns[0])), `${name}.select() is rich`);
    // Outside tslab's last-value print the text is huntlab's table with its shape line.
    assert.match(inspect(frame.head(2)), /2 rows × \d+ columns/, name);
    assert.match(inspect(pl.DataFrame({ a: [1] })), /shape: \(1, 1\)/);
  }
  assert.ok(!rich(pl.DataFrame({ a: [1] })), "polars' own frames are left alone");
});
