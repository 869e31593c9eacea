import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { inspect } from "node:util";
import pl from "nodejs-polars";
import { QueryProvider } from "../../src/data/queryProvider";
import { toMimeBundle } from "../../src/display/display";
import { buildProcessTree } from "../../src/transform/processTree";
import { ProcessTreePlotError, plotProcessTree } from "../../src/vis/processTree";
import { generate4688 } from "../helpers/processEvents";

const ROOT = join(__dirname, "../..");
const qp = new QueryProvider("LocalData", { dataPaths: [join(ROOT, "data")], queryPaths: [join(ROOT, "data")] });
const EVIL = `<img src=x onerror="alert(1)"><script>alert(2)</script>`;

function payload(html: string): { nodes: { n: string; c: string; u: string; l: number; p: number }[]; expanded: number[] } {
  const m = /var CONFIG = (\{.*\});\n/.exec(html);
  assert.ok(m, "config in the script");
  return (JSON.parse(m[1]) as { data: { json: never } }).data.json;
}

describe("plotProcessTree", () => {
  it("renders the lab tree: static image, escaped static table, one script, text", async () => {
    const tree = buildProcessTree(await qp.WindowsSecurity.get_process_tree());
    const plot = plotProcessTree(tree, { legendCol: "SubjectUserName", showTable: true });
    const bundle = toMimeBundle(plot);
    const html = bundle["text/html"] as string;
    assert.match(html, /<img class="hl-view-img" alt="Process tree: 18 of 18 processes" src="data:image\/png;base64,/);
    assert.equal(html.match(/<script>/g)?.length, 1);
    // static table: one row per process
    assert.equal(html.match(/<tr><td>/g)?.length, 18);
    assert.match(bundle["text/plain"] as string, /^Process tree: 18 processes, 1 root\(s\), depth 3, coloured by SubjectUserName\nsvchost\.exe \[0x498\] \(inferred\)\n {2}cmd\.exe \[0x12f4\]/);
    assert.equal(inspect(plot), "Process tree: 18 processes, 1 root(s), depth 3, coloured by SubjectUserName");
    const data = payload(html);
    assert.equal(data.nodes.length, 18);
    assert.deepEqual(data.nodes.slice(0, 2).map((n) => [n.n, n.p, n.l]), [["svchost.exe", -1, 1], ["cmd.exe", 0, 2]]);
  });

  it("escapes hostile command lines, account names and images everywhere", () => {
    const df = pl.DataFrame({
      EventID: [4688, 4688],
      TimeGenerated: [new Date("2024-01-01T10:00:00Z"), new Date("2024-01-01T10:00:01Z")],
      Computer: ["h", "h"],
      NewProcessId: ["0x10", "0x20"],
      NewProcessName: ["C:\\a\\cmd.exe", `C:\\a\\${EVIL}.exe`],
      ProcessId: ["0x1", "0x10"],
      ParentProcessName: ["C:\\a\\svc.exe", "C:\\a\\cmd.exe"],
      CommandLine: [EVIL, `</script><script>alert(3)</script>`],
      SubjectUserName: [EVIL, "bob"],
      SubjectLogonId: ["0x1", "0x1"],
    });
    const html = toMimeBundle(plotProcessTree(df, { legendCol: "SubjectUserName", showTable: true }))["text/html"] as string;
    assert.ok(!html.includes("<img src=x"));
    assert.ok(!html.includes("<script>alert"));
    assert.ok(!html.includes("</script><script>"));
    assert.equal(html.match(/<script>/g)?.length, 1);
    assert.ok(html.includes("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&lt;script&gt;"));
    const data = payload(html);
    assert.equal(data.nodes.find((n) => n.l === 2)?.c, EVIL);
  });

  it("opens a 10,000-process tree folded to a few levels", () => {
    const { df } = generate4688(10_000, { seed: 3 });
    const tree = buildProcessTree(df);
    const plot = plotProcessTree(tree, { showTable: true });
    const html = plot.toHtml();
    const data = payload(html.replace(/"data":\{"gz":"([^"]+)"\}/, (_m, gz: string) => `"data":{"json":${require("node:zlib").gunzipSync(Buffer.from(gz, "base64")).toString()}}`));
    assert.equal(data.nodes.length, tree.height);
    const open = new Set(data.expanded);
    const visible = data.nodes.filter((n) => n.p < 0 || open.has(n.p)).length;
    assert.ok(visible <= 300 && visible > 100, `visible ${visible}`);
    assert.ok(html.length < 2_000_000, `output ${html.length} bytes`);
    // The static table lists the first 500 processes and says how many more there are.
    assert.match(html, /more processes not listed/);
  });

  it("rejects an unknown legend column, suggesting the right one", async () => {
    const tree = buildProcessTree(await qp.WindowsSecurity.get_process_tree());
    assert.throws(() => plotProcessTree(tree, { legendCol: "SubjectUsername" }), (e: Error) => e instanceof ProcessTreePlotError && /SubjectUserName/.test(e.message));
  });
});
