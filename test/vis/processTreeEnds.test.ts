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
import { wallTimeText as zonedEnd } from "../../src/vis/client/timeText";
import { detailFields, endedText, tableCells, tooltipText, type ProcessNode } from "../../src/vis/client/processTreeText";
import type { ProcessTreeWire } from "../../src/vis/client/views/processTree";
import { plotProcessTree, processTreeModel } from "../../src/vis/processTree";
import { normalizeHtmlViewIds } from "../helpers/snapshot";
import { BERLIN_CHANGE_T0, EXPECTED_ENDS, sysmonEndEvents } from "../helpers/sysmonEnds";
import { chartZone } from "../../src/vis/timeZone";

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

  it("the wire carries ends as two more columns, decoded unchanged (ends as ms after the earliest, or as texts); without ends it has neither", () => {
    const model = processTreeModel(buildProcessTree(sysmonEndEvents()));
    const wire = encodeProcesses(model.nodes, model.endInstants);
    assert.equal(wire.e?.length, model.nodes.length);
    assert.equal(wire.d?.length, model.nodes.length);
    // Numbers, not ~24-character texts: the earliest end (powershell.exe's, 14:00:05.200) is the base.
    assert.equal(wire.eb, Date.UTC(2026, 10, 2, 14, 0, 5, 200));
    assert.deepEqual([...(wire.e ?? [])].sort(), [0, 13_800, 7_497_800, null, null].sort());
    assert.ok(!("ez" in wire), "UTC ends are written without an offset");
    assert.deepEqual(decodeProcesses(JSON.parse(JSON.stringify(wire))), model.nodes);
    // Without the instants the ends go as their texts.
    const texts = encodeProcesses(model.nodes);
    assert.ok(texts.e?.every((v) => typeof v === "string"));
    assert.deepEqual(decodeProcesses(JSON.parse(JSON.stringify(texts))), model.nodes);
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

describe("process ends in a time zone", () => {
  const berlinChangeEvents = (): pl.DataFrame => sysmonEndEvents(BERLIN_CHANGE_T0);

  it("ends are written in the tree's zone with their offset, as the start times are; across the DST change the lifetime is the true duration", () => {
    const model = processTreeModel(buildProcessTree(berlinChangeEvents()), { timeZone: "Europe/Berlin" });
    assert.deepEqual(model.tableColumns.slice(-3), ["Time (Europe/Berlin)", "Ended (Europe/Berlin)", "Lifetime"]);
    const seen = Object.fromEntries(model.nodes.map((n) => [n.n, [n.t, n.e, n.d]]));
    assert.deepEqual(seen, {
      "explorer.exe": ["", "", "no end seen"],
      "cmd.exe": ["2026-10-25 02:59:56.000+02:00", "", "no end seen"],
      // Started 02:59:58 summer time, ended 02:00:01.200 winter time: by the wall clock it ended before it started.
      "powershell.exe": ["2026-10-25 02:59:58.000+02:00", "2026-10-25 02:00:01.200+01:00", "ran 3.2 s"],
      "backup.exe": ["2026-10-25 02:59:59.000+02:00", "2026-10-25 04:04:59.000+01:00", "ran 2 h 5 min"],
      "whoami.exe": ["2026-10-25 02:00:16.000+01:00", "2026-10-25 02:00:15.000+01:00", "inconsistent order: ended before it started"],
    });
    const powershell = model.nodes.find((n) => n.n === "powershell.exe")!;
    assert.match(tooltipText(powershell), /\nTime: 2026-10-25 02:59:58\.000\+02:00\nEnded: 2026-10-25 02:00:01\.200\+01:00 \(ran 3\.2 s\)$/);
    // The page writes the same texts from the numbers.
    const wire = JSON.parse(JSON.stringify(encodeProcesses(model.nodes, model.endInstants))) as ReturnType<typeof encodeProcesses>;
    assert.equal(typeof wire.e?.find((v) => v !== null && v !== ""), "number");
    assert.deepEqual(decodeProcesses(wire), model.nodes);
    // The static table: the zone's headings, the ends as the model has them.
    const rows = tableRows(staticPart(plotProcessTree(buildProcessTree(berlinChangeEvents()), { showTable: true, timeZone: "Europe/Berlin" }).toHtml()));
    assert.deepEqual(rows[0].slice(-3), ["Time (Europe/Berlin)", "Ended (Europe/Berlin)", "Lifetime"]);
    assert.ok(rows.some((r) => r.slice(-2).join("|") === "2026-10-25 02:00:01.200+01:00|ran 3.2 s"), JSON.stringify(rows));
    // UTC (the default) as ever.
    const utc = processTreeModel(buildProcessTree(berlinChangeEvents()));
    assert.deepEqual(utc.tableColumns.slice(-3), ["Time", "Ended", "Lifetime"]);
    assert.equal(utc.nodes.find((n) => n.n === "powershell.exe")?.e, "2026-10-25 01:00:01.200");
  });

  it("the wire's offsets change where the zone's do: ends on both sides of a change are written with +02:00 and +01:00", () => {
    const zone = chartZone("Europe/Berlin", { view: "test", code: "vis/tree-plot-option", error: (m) => new Error(String(m)) });
    const ms = [Date.UTC(2026, 9, 25, 1, 0, 1), null, Date.UTC(2026, 9, 25, 0, 59, 59, 500), Date.UTC(2026, 2, 29, 0, 59, 59)];
    const nodes = ms.map((v) => node({ e: v === null ? "" : zonedEnd(v, zone.offsetAt(v)), d: "" }));
    assert.deepEqual(nodes.map((n) => n.e), ["2026-10-25 02:00:01.000+01:00", "", "2026-10-25 02:59:59.500+02:00", "2026-03-29 01:59:59.000+01:00"]);
    const wire = JSON.parse(JSON.stringify(encodeProcesses(nodes, { ms, offsetAt: zone.offsetAt }))) as ReturnType<typeof encodeProcesses>;
    // Sorted: March (+1 h), October before the change (+2 h), after it (+1 h): three pairs.
    assert.deepEqual(wire.ez?.filter((_, i) => i % 2 === 1), [3_600_000, 7_200_000, 3_600_000]);
    assert.deepEqual(decodeProcesses(wire).map((n) => n.e), nodes.map((n) => n.e));
    // Instants that do not give back the texts (a zoned column's own offsets in UTC): the texts go as they are.
    const other = encodeProcesses(nodes, { ms });
    assert.deepEqual(other.e, nodes.map((n) => n.e));
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
