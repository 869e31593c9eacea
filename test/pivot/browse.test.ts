/**
 * `pivot.browse()`: one HtmlView listing every attached function (static
 * fallback included), its call example and text form; values are escaped.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { QueryProvider } from "../../src/data/queryProvider";
import { TILookup } from "../../src/context/tiLookup";
import { Pivot } from "../../src/pivot";
import { PivotBrowser, pivotCallExample, pivotKey } from "../../src/vis/pivotBrowser";
import { JUPYTER_DISPLAY } from "../../src/display/protocol";

describe("pivot.browse()", () => {
  // Made when the suite starts, not when the file is loaded: the Pivot attached last follows every QueryProvider made
  // after it (a re-run cell's), so in npm test's shared process another file's `new QueryProvider("LocalData", {
  // queryPaths })` replaced this one's provider, and its pivots were the other file's queries.
  let pivot: Pivot;
  before(() => {
    pivot = new Pivot({ providers: [new QueryProvider("LocalData"), new TILookup({ providers: ["LocalTI"] })] });
  });

  it("lists every attached function, util first, then ti, then queries", () => {
    const view = pivot.browse({ title: "Pivots" });
    const keys = view.entries.map(pivotKey);
    assert.deepEqual(keys.length, pivot.listPivots().length);
    const ip = keys.filter((k) => k.startsWith("Ip."));
    assert.deepEqual(ip, ["Ip.util.geoLoc", "Ip.util.ipType", "Ip.util.whois", "Ip.ti.lookupIp", "Ip.ti.lookupIp_LocalTI", "Ip.LocalData.Azure.list_all_signins_geo", "Ip.LocalData.Network.list_azure_network_flows_by_ip", "Ip.LocalData.WindowsSecurity.list_host_logons"]);
    const bundle = view[JUPYTER_DISPLAY]();
    const page = String(bundle["text/html"]);
    for (const k of keys) assert.ok(page.includes(`<code class="hl-pb-key">${k}</code>`), k);
    assert.match(page, /hl-view-pivot-browser/);
    assert.match(String(bundle["text/plain"]), /^Account\.util\.accountParts — /m);
  });

  it("gives copy-ready calls for values and DataFrames", () => {
    const e = pivot.browse().entries.find((x) => pivotKey(x) === "Ip.util.geoLoc")!;
    assert.equal(pivotCallExample(e), 'await entities.Ip.util.geoLoc("203.0.113.7");\nawait entities.Ip.util.geoLoc(df, { column: "Address", join: "left" });');
  });

  it("text: one line per function, however long its description or whatever it holds (line breaks and bidi as escapes, cut)", () => {
    const entry = { entity: "Ip", namespace: "LocalData", family: "F", name: "q1", description: "", inputAttribute: "Address", inputColumn: "c", parameters: [], outputColumns: [], source: "s", batching: "b" };
    const text = new PivotBrowser([
      { ...entry, description: "one\nIp.LocalData.F.fake — made up\r\u202e" },
      { ...entry, name: "q\u20282", description: "x".repeat(5000) },
    ]).toText();
    const lines = text.split("\n");
    assert.equal(lines.length, 2, text.slice(0, 400));
    assert.ok(lines.every((l) => l.length < 500), String(lines.map((l) => l.length)));
    assert.ok(!/[\r\u2028\u202e]/.test(text), "no raw hidden characters");
    assert.equal(lines[0], "Ip.LocalData.F.q1 — one\\nIp.LocalData.F.fake — made up\\r\\u202e");
    assert.match(lines[1], /^Ip\.LocalData\.F\.q\\u20282 — x+…$/);
  });

  it("escapes what it shows", () => {
    const view = new PivotBrowser([
      { entity: "Ip", namespace: "LocalData", family: "F<b>", name: "q<script>", description: "<img src=x onerror=alert(1)>", inputAttribute: "Address", inputColumn: "c", parameters: [], outputColumns: ["<i>"], source: "s", batching: "b" },
    ]);
    const page = view.toHtml();
    assert.ok(!page.includes("<img src=x"));
    assert.ok(!page.includes("q<script>"));
    assert.ok(page.includes("&lt;img src=x onerror=alert(1)&gt;"));
  });
});
