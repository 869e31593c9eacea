/**
 * The process tree's ends (Sysmon 5: `ProcessEndTime`) in plotProcessTree: the model, the wire, the tip, details
 * and table texts, the static tables, and a tree without ends drawn exactly as before (its payload unchanged).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { gunzipSync } from "node:zlib";
import pl from "nodejs-polars";
import { buildProcessTree } from "../../src/transform/processTree";
import { durationText, lifetimeText } from "../../src/transform/processLifetime";
import { decodeProcesses, encodeProcesses } from "../../src/vis/client/processTreeWire";
import { detailFields, endedText, tableCells, tooltipText, type ProcessNode } from "../../src/vis/client/processTreeText";
import type { ProcessTreeWire } from "../../src/vis/client/views/processTree";
import { plotProcessTree, processTreeModel } from "../../src/vis/processTree";
import { normalizeHtmlViewIds } from "../helpers/snapshot";
import { EXPECTED_ENDS, sysmonEndEvents } from "../helpers/sysmonEnds";

const RLO = "\u202E";
/** A hostile "time" (times are cut at 40 characters, as the start times are). */
const EVIL_END = `<img src=x onerror=alert(1)>${RLO}`;

/** The config element's data as sent (decompressed), not decoded. */
function wireOf(html: string): ProcessTreeWire {
  const m = /<script type="application\/json" class="hl-view-config">(.*?)<\/script>/s.exec(html);
  assert.ok(m, "config element in the output");
  const data = (JSON.parse(m[1]) as { data: { json: ProcessTreeWire } | { gz: string } }).data;
  return "gz" in data ? (JSON.parse(gunzipSync(Buffer.from(data.gz, "base64")).toString()) as ProcessTreeWire) : data.json;
}

function staticPart(html: string): string {
  const start = html.indexOf('<div class="hl-view-static">');
  const end = html.indexOf('<script type="application/json"');
  assert.ok(start > 0 && end > start, "static part before the config");
  return html.slice(start, end);
}

/** The rows of a static table, as cell texts. */
function tableRows(html: string): string[][] {
  return [...html.matchAll(/<tr>(.*?)<\/tr>/gs)].map((m) => [...m[1].matchAll(/<t[dh][^>]*>(.*?)<\/t[dh]>/gs)].map((c) => c[1]));
}

const node = (over: Partial<ProcessNode>): ProcessNode => ({ p: -1, n: "cmd.exe", f: "C:\\cmd.exe", i: "0x10", c: "", u: "", t: "2026-11-02 14:00:02.000", l: 1, k: "#440154", g: "", x: 0, ...over });

describe("process ends in the process tree view", () => {
  it("each process of a Sysmon 1 + 5 tree gets its end time and lifetime: ran 3.2 s, 2 h 5 min, no end seen, an end before its start said to be out of order", () => {
    const model = processTreeModel(buildProcessTree(sysmonEndEvents()));
    assert.equal(model.showsEnds, true);
    const seen = Object.fromEntries(model.nodes.map((n) => [n.n, { end: n.e, lifetime: n.d }]));
    assert.deepEqual(seen, EXPECTED_ENDS);
    assert.ok(!model.nodes.some((n) => /-\d/.test(n.d ?? "")), "no negative duration");
    assert.deepEqual(model.tableColumns.slice(-3), ["Time", "Ended", "Lifetime"]);
  });

  it("a parent rebuilt by the tree (started before the log) shows the end its event 5 gives, and no lifetime: its start is not in the data", () => {
    const events = sysmonEndEvents();
    // explorer.exe (GUID 8), cmd.exe's parent, whose creation is not in the data, ends at 15:00.
    const explorerEnd = events.head(1).withColumns(
      pl.lit(5).cast(pl.Int64).alias("EventID"),
      pl.lit("{6d1a2f3e-5b00-6570-0008-000000000a08}").alias("ProcessGuid"),
      pl.lit(3000).cast(pl.Int64).alias("ProcessId"),
      pl.lit("C:\\Windows\\explorer.exe").alias("Image"),
      pl.lit(new Date(Date.UTC(2026, 10, 2, 15))).cast(pl.Datetime("ms")).alias("UtcTime"),
    );
    const model = processTreeModel(buildProcessTree(pl.concat([events, explorerEnd], { how: "vertical" })));
    const explorer = model.nodes.find((n) => n.n === "explorer.exe");
    assert.deepEqual([explorer?.x, explorer?.t, explorer?.e, explorer?.d], [1, "", "2026-11-02 15:00:00.000", ""]);
    assert.match(tooltipText(explorer!), /\nEnded: 2026-11-02 15:00:00\.000$/);
  });

  it("the tip, details and table cells say the end and lifetime; a process without an end says so", () => {
    const ended = node({ e: "2026-11-02 14:00:05.200", d: "ran 3.2 s" });
    assert.equal(endedText(ended), "2026-11-02 14:00:05.200 (ran 3.2 s)");
    assert.match(tooltipText(ended), /\nTime: 2026-11-02 14:00:02\.000\nEnded: 2026-11-02 14:00:05\.200 \(ran 3\.2 s\)$/);
    assert.deepEqual(detailFields(ended, "Level").find(([h]) => h === "Ended"), ["Ended", "2026-11-02 14:00:05.200 (ran 3.2 s)"]);
    assert.deepEqual(tableCells(ended, false).slice(-3), ["2026-11-02 14:00:02.000", "2026-11-02 14:00:05.200", "ran 3.2 s"]);
    const running = node({ e: "", d: "no end seen" });
    assert.match(tooltipText(running), /\nEnded: no end seen$/);
    assert.deepEqual(tableCells(running, true).slice(-2), ["", "no end seen"]);
    // An end whose start is unknown: the end alone.
    assert.equal(endedText(node({ e: "2026-11-02 14:00:05.200", d: "" })), "2026-11-02 14:00:05.200");
    // A tree without ends: no Ended line, field or cells (as before).
    const plain = node({});
    assert.doesNotMatch(tooltipText(plain), /Ended/);
    assert.ok(!detailFields(plain, "Level").some(([h]) => h === "Ended"));
    assert.equal(tableCells(plain, false).length, 6);
    // Data text: hidden characters revealed.
    assert.match(tooltipText(node({ e: `x${RLO}`, d: "" })), /Ended: x\\u202e$/);
  });

  it("the wire carries ends as two more text columns, decoded unchanged; without ends it has neither", () => {
    const model = processTreeModel(buildProcessTree(sysmonEndEvents()));
    const wire = encodeProcesses(model.nodes);
    assert.equal(wire.e?.length, model.nodes.length);
    assert.equal(wire.d?.length, model.nodes.length);
    assert.deepEqual(decodeProcesses(JSON.parse(JSON.stringify(wire))), model.nodes);
    const plain = [node({}), node({ p: 0, l: 2 })];
    const plainWire = encodeProcesses(plain);
    assert.ok(!("e" in plainWire) && !("d" in plainWire), Object.keys(plainWire).join());
    assert.deepEqual(decodeProcesses(JSON.parse(JSON.stringify(plainWire))), plain);
  });

  it("a tree whose ProcessEndTime is all null (or absent) is drawn exactly as before: the same payload, table and style", () => {
    const tree = buildProcessTree(sysmonEndEvents()).drop("ProcessEndTime");
    const nulls = tree.withColumns(pl.lit(null).cast(pl.Datetime("ms")).alias("ProcessEndTime"));
    const without = normalizeHtmlViewIds(plotProcessTree(tree, { showTable: true }).toHtml());
    const withNulls = normalizeHtmlViewIds(plotProcessTree(nulls, { showTable: true }).toHtml());
    assert.equal(JSON.stringify(wireOf(withNulls)), JSON.stringify(wireOf(without)));
    assert.equal(withNulls, without);
    assert.doesNotMatch(staticPart(without), /Ended|Lifetime/);
    assert.doesNotMatch(/<style>[\s\S]*?<\/style>/.exec(without)?.[0] ?? "", /nth-last-child/);
    assert.ok(!("e" in wireOf(without).processes));
  });

  it("the static table and the text alternative end with Ended and Lifetime; the times never wrap", () => {
    const tree = buildProcessTree(sysmonEndEvents());
    for (const showTable of [true, false]) {
      const html = plotProcessTree(tree, { showTable }).toHtml();
      const rows = tableRows(staticPart(html));
      assert.deepEqual(rows[0].slice(-3), ["Time", "Ended", "Lifetime"], `showTable ${showTable}`);
      const byName = Object.fromEntries(rows.slice(1).map((r) => [r[1].replace(/^(\u00a0)+| \(inferred\)$/g, ""), r.slice(-2)]));
      assert.deepEqual(byName, Object.fromEntries(Object.entries(EXPECTED_ENDS).map(([name, e]) => [name, [e.end, e.lifetime]])), `showTable ${showTable}`);
      assert.match(html, /table\.hl-pt-table td:nth-last-child\(-n\+3\),[^{]*table\.hl-pt-static-table td:nth-last-child\(-n\+3\)\{white-space:nowrap\}/);
    }
  });

  it("end times from the data are escaped and revealed in the static table; the payload keeps them as they are", () => {
    // A built tree's ProcessEndTime as text (a frame not read by huntlab's readers): shown as written, no lifetime.
    const tree = buildProcessTree(sysmonEndEvents()).withColumns(pl.lit(EVIL_END).alias("ProcessEndTime"));
    const html = plotProcessTree(tree, { showTable: true }).toHtml();
    const part = staticPart(html);
    assert.ok(!part.includes("<img src=x") && !part.includes(RLO));
    assert.ok(part.includes("<td>&lt;img src=x onerror=alert(1)&gt;\\u202e</td><td></td></tr>"), part);
    assert.equal(html.match(/<img /g)?.length, 1, "the static image only");
    const wire = wireOf(html);
    assert.equal(wire.processes.e![0], EVIL_END);
  });
});

describe("lifetimes", () => {
  it("reads in the largest units that read well, never negative", () => {
    assert.deepEqual([850, 8000, 3200, 182_000, 7_500_000, 273_600_000].map(durationText), ["850 ms", "8 s", "3.2 s", "3 min 2 s", "2 h 5 min", "3 d 4 h"]);
    assert.equal(lifetimeText(1000, 4200), "ran 3.2 s");
    assert.equal(lifetimeText(1000, 1000), "ran 0 ms");
    assert.equal(lifetimeText(2000, 1000), "inconsistent order: ended before it started");
    assert.equal(lifetimeText(null, 1000), "");
    assert.equal(lifetimeText(1000, null), "no end seen");
  });
});
