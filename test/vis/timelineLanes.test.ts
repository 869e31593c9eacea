/**
 * Timeline lanes: keyed on the exact value (64-bit integers, long text, null
 * vs "" vs the text "(empty)"), counted exactly, and capped at `maxLanes`
 * (the rest in one "other (k values)" lane, said in the caption).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import pl from "nodejs-polars";
import { timeline, timelineValues, type TimelineChart } from "../../src/vis/timeline";
import { renderVegaLiteSvg } from "../../src/vis/vegaLite";
import { decodedRows } from "../helpers/vegaRows";

type Spec = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const T0 = Date.UTC(2024, 2, 1, 10, 0, 0);
const times = (n: number): Date[] => Array.from({ length: n }, (_, i) => new Date(T0 + i * 1000));

/** A frame of `values` (one event each) in column `Key`, with times a second apart. */
function frame(key: pl.Series): pl.DataFrame {
  return pl.DataFrame([pl.Series("TimeGenerated", times(key.len()), pl.Datetime("ms")), key.rename("Key")]);
}

/** Events per lane name as the spec's rows place them (what is drawn). */
function drawnCounts(chart: TimelineChart): Map<string, number> {
  const counts = new Map<string, number>();
  for (const row of decodedRows<{ g: string }>(chart.spec)) counts.set(row.g, (counts.get(row.g) ?? 0) + 1);
  return counts;
}

function pngHeight(png: Buffer): number {
  return png.readUInt32BE(20);
}

describe("timeline lanes", () => {
  it("64-bit integers above 2^53 keep their own lanes, exact labels and exact tooltips", async () => {
    const big = ["9007199254740993", "9007199254740992", "9007199254740993", "-9223372036854775807", "9223372036854775807"];
    const key = pl.Series("Key", big).cast(pl.Int64);
    const df = frame(key).withColumns(key.rename("Src"));
    const chart = await timeline(df, { groupBy: "Key", sourceColumns: ["Src"] });
    assert.deepEqual(
      chart.lanes.map((l) => [l.name, l.count, l.value]),
      [
        ["-9223372036854775807", 1, "-9223372036854775807"],
        ["9007199254740992", 1, "9007199254740992"],
        ["9007199254740993", 2, "9007199254740993"],
        ["9223372036854775807", 1, "9223372036854775807"],
      ],
    );
    const rows = decodedRows<{ g: string; s0: string }>(chart.spec);
    assert.deepEqual(rows.map((r) => r.s0), big);
    assert.deepEqual(rows.map((r) => r.g), big);
    assert.deepEqual(drawnCounts(chart), new Map(chart.lanes.map((l) => [l.name, l.count])));
  });

  it("long values that differ only past the label cut stay apart; labels are cut and unique", async () => {
    const stem = `powershell.exe -enc ${"A".repeat(400)}`;
    const values = [`${stem}1`, `${stem}2`, `${stem}2`, `${stem}1`, `${stem}2`];
    const chart = await timeline(frame(pl.Series("Key", values, pl.Utf8)), { groupBy: "Key" });
    assert.equal(chart.lanes.length, 2);
    assert.deepEqual(chart.lanes.map((l) => [l.value, l.count]), [[`${stem}1`, 2], [`${stem}2`, 3]]);
    const names = chart.lanes.map((l) => l.name);
    assert.equal(new Set(names).size, 2);
    for (const name of names) assert.ok(name.length <= 210, `label cut: ${name.length}`);
    assert.deepEqual(drawnCounts(chart), new Map([[names[0], 2], [names[1], 3]]));
  });

  it('null, "" and the text "(empty)" are three lanes with their own counts', async () => {
    const values = [null, "", "", "(empty)", "(empty)", "(empty)", "x"];
    const chart = await timeline(frame(pl.Series("Key", values, pl.Utf8)), { groupBy: "Key" });
    const byValue = new Map(chart.lanes.map((l) => [l.value, l]));
    assert.equal(chart.lanes.length, 4);
    assert.equal(byValue.get(null)?.count, 1);
    assert.equal(byValue.get("")?.count, 2);
    assert.equal(byValue.get("(empty)")?.count, 3);
    assert.equal(byValue.get("x")?.count, 1);
    assert.equal(byValue.get(null)?.name, "(null)");
    assert.equal(new Set(chart.lanes.map((l) => l.name)).size, 4);
    assert.deepEqual(drawnCounts(chart), new Map(chart.lanes.map((l) => [l.name, l.count])));
    const y = (chart.spec as Spec).layer[0].encoding.y;
    assert.deepEqual(y.scale.domain, chart.lanes.map((l) => l.name));
  });

  it("1,000 values: the 20 with most events get lanes, the rest one 'other' lane; height and PNG stay bounded", async () => {
    // Value v{i} has 1 event, except v0…v24 which have 25 - i + 1 (so the top 20 are v0…v19).
    const values: string[] = [];
    for (let i = 0; i < 1000; i += 1) for (let k = 0; k < (i < 25 ? 26 - i : 1); k += 1) values.push(`v${String(i).padStart(4, "0")}`);
    const chart = await timeline(frame(pl.Series("Key", values, pl.Utf8)), { groupBy: "Key" });
    assert.equal(chart.events, values.length);
    assert.equal(chart.lanes.length, 21);
    const top = chart.lanes.slice(0, 20);
    assert.deepEqual(top.map((l) => l.value), Array.from({ length: 20 }, (_, i) => `v${String(i).padStart(4, "0")}`));
    assert.deepEqual(top.map((l) => l.count), Array.from({ length: 20 }, (_, i) => 26 - i));
    const other = chart.lanes[20];
    assert.equal(other.name, "other (980 values)");
    assert.equal(other.others, 980);
    assert.equal(other.count, values.length - top.reduce((n, l) => n + l.count, 0));
    assert.deepEqual(drawnCounts(chart), new Map(chart.lanes.map((l) => [l.name, l.count])));
    const spec = chart.spec as Spec;
    assert.equal(spec.height, 21 * 40);
    assert.match(spec.title.subtitle, /20 of 1000 values with the most events drawn, 980 more in "other"/);
    assert.match(chart.text, /in 21 lane\(s\) by Key: .*other \(980 values\) \(\d+\) \(20 of 1000 values/);
    // Points in "other" still name their own value in the tooltip.
    const tip = spec.layer[0].encoding.tooltip.find((t: Spec) => t.title === "Key");
    assert.equal(tip.field, "gv");
    const last = decodedRows<{ g: string; gv: string }>(spec).at(-1) as { g: string; gv: string };
    assert.deepEqual([last.g, last.gv], ["other (980 values)", "v0999"]);
    assert.ok(pngHeight(chart.png) < 1200, `PNG height ${pngHeight(chart.png)}`);
  });

  it("lanes with backslashes (DOMAIN\\user) are drawn in lane order, as the legend lists them", async () => {
    const names = ["CONTOSO\\zed", "CONTOSO\\alice", "bob", "CONTOSO\\mike", 'a\\"q'];
    const chart = await timeline(frame(pl.Series("Key", names, pl.Utf8)), { groupBy: "Key" });
    const lanes = chart.lanes.map((l) => l.name);
    assert.deepEqual(lanes, ['a\\"q', "bob", "CONTOSO\\alice", "CONTOSO\\mike", "CONTOSO\\zed"]);
    // The y axis's labels, top to bottom, in the drawn SVG (each lane's label once at the axis).
    const svg = await renderVegaLiteSvg(chart.spec);
    const unescape = (t: string) => t.replace(/&quot;/g, '"').replace(/&amp;/g, "&");
    const ys = new Map<string, number>();
    for (const m of svg.matchAll(/<text[^>]*transform="translate\(([-\d.]+),([-\d.]+)\)"[^>]*>([^<]*)<\/text>/g)) {
      const text = unescape(m[3]);
      if (lanes.includes(text) && !ys.has(text)) ys.set(text, Number(m[2]));
    }
    assert.deepEqual([...ys.keys()].sort((a, b) => (ys.get(a) as number) - (ys.get(b) as number)), lanes, svg.length > 0 ? "axis order" : "no SVG");
  });

  it("maxLanes sets the cap (ties by lane order); timelineValues caps its series too", async () => {
    const values = ["b", "b", "a", "a", "c", "d", "e"];
    const df = frame(pl.Series("Key", values, pl.Utf8)).withColumns(pl.Series("N", values.map((_, i) => i), pl.Int32));
    const chart = await timeline(df, { groupBy: "Key", maxLanes: 3 });
    assert.deepEqual(chart.lanes.map((l) => [l.name, l.count]), [["a", 2], ["b", 2], ["c", 1], ["other (2 values)", 2]]);
    const all = await timeline(df, { groupBy: "Key", maxLanes: Infinity });
    assert.equal(all.lanes.length, 5);
    assert.equal(typeof (all.spec as Spec).title, "string");
    const values2 = await timelineValues(df, { y: "N", groupBy: "Key", maxLanes: 2 });
    assert.deepEqual(values2.lanes.map((l) => [l.name, l.count]), [["a", 2], ["b", 2], ["other (3 values)", 3]]);
  });

  it("timelineValues' lines in the \"other\" lane: one line per group value, never one line zigzagging through several", async () => {
    // Hourly bytes of four hosts; with maxLanes 2, h2 (~10) and h3 (~500) share the "other" lane.
    const hosts = ["h1", "h1b", "h2", "h3"];
    const level: Record<string, number> = { h1: 1000, h1b: 990, h2: 10, h3: 500 };
    const rows = hosts.flatMap((h, k) => Array.from({ length: 6 - k }, (_, i) => ({ h, t: new Date(T0 + i * 3_600_000), v: level[h] + i })));
    const df = pl.DataFrame({ TimeGenerated: rows.map((r) => r.t), Host: rows.map((r) => r.h), Bytes: rows.map((r) => r.v) });
    const chart = await timelineValues(df, { y: "Bytes", groupBy: "Host", maxLanes: 2, kind: ["line", "point"] });
    assert.deepEqual(chart.lanes.map((l) => l.name), ["h1", "h1b", "other (2 values)"]);
    const spec = chart.spec as Spec;
    const [line, point] = spec.layer as Spec[];
    assert.deepEqual(line.encoding.detail, { field: "gv" });
    assert.equal(point.encoding.detail, undefined);
    // The drawn lines: one path per host, none through h2 and h3 together.
    const rowsDrawn = decodedRows<{ g: string; gv: string; v: number }>(spec);
    const byLine = new Map<string, number[]>();
    for (const r of rowsDrawn) byLine.set(r.gv ?? r.g, [...(byLine.get(r.gv ?? r.g) ?? []), r.v]);
    assert.deepEqual([...byLine.keys()].sort(), hosts);
    assert.deepEqual(byLine.get("h2"), [10, 11, 12, 13]);
    // Without a cap the lane is the line (no gv field needed).
    const plain = await timelineValues(df, { y: "Bytes", groupBy: "Host", kind: "line" });
    assert.deepEqual(((plain.spec as Spec).layer as Spec[])[0].encoding.detail, { field: "g" });
  });
});

describe("time text that is no time", () => {
  it("a few such cells are rows without a time, counted with examples; a column of mostly such text is refused", async () => {
    const n = 300;
    const text = Array.from({ length: n }, (_, i) => (i === 7 ? "(not logged)" : i === 9 ? "" : new Date(T0 + i * 1000).toISOString()));
    const df = pl.DataFrame({ TimeGenerated: text, Key: Array.from({ length: n }, (_, i) => `k${i % 3}`), N: Array.from({ length: n }, (_, i) => i) });
    for (const chart of [await timeline(df, { groupBy: "Key" }), await timelineValues(df, { y: "N", groupBy: "Key" })]) {
      assert.equal(chart.events, n - 2);
      assert.equal(chart.missingTimes, 2);
      assert.match(chart.text, /; 2 row\(s\) without a time not shown \(1 of them text that is no time, e\.g\. "\(not logged\)"\)/);
    }
    const mostlyNot = pl.DataFrame({ TimeGenerated: ["a", "b", "c", new Date(T0).toISOString()] });
    await assert.rejects(timeline(mostlyNot), (e: Error & { code?: string }) => e.code === "vis/timeline-time-not-time" && /3 value\(s\), e\.g\. "a"/.test(e.message));
  });
});

describe("many lanes", () => {
  it("maxLanes: Infinity with 2,000 lanes draws every lane (Vega's parser ran out of stack at ~1,600), within the view's pixels", async () => {
    const n = 2000;
    const df = pl.DataFrame({ TimeGenerated: Array.from({ length: n }, (_, i) => new Date(Date.UTC(2024, 0, 1) + i * 1000)), ProcessId: Array.from({ length: n }, (_, i) => `p${i}`) });
    const chart = await timeline(df, { groupBy: "ProcessId", maxLanes: Infinity });
    assert.equal(chart.lanes.length, n);
    const spec = chart.spec as Spec;
    assert.equal(spec.height, 10_000);
    assert.equal((spec.layer[0].encoding.y.scale.domain as string[]).length, n);
  });
});


describe("lane names in the text form", () => {
  it("isolates right-to-left names, so a Hebrew or Arabic host does not swap its count with its neighbour's", async () => {
    const df = pl.DataFrame({ TimeGenerated: times(3), Computer: ["שרת-ראשי", "خادم", "web01"] });
    const chart = await timeline(df, { groupBy: "Computer" });
    assert.match(chart.text, /\u2068שרת-ראשי\u2069 \(1\)/);
    assert.match(chart.text, /\u2068خادم\u2069 \(1\)/);
    assert.match(chart.text, /[^\u2068]web01 \(1\)/);
  });
});
