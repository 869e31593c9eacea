/**
 * Frames a notebook reads itself with pl.readJSON, holding integers past 2^64
 * (polars' Int128, which nodejs-polars cannot describe: `series.dtype` throws
 * "DataType Int128 is not supported for JS conversion", naming no column).
 * The library's readers make such columns text; the frame-taking functions do
 * the same, so they work, or give their own error naming the column.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import pl from "nodejs-polars";
import { dbclusterEvents } from "../src/analysis/eventCluster";
import { parseJsonColumn } from "../src/data/json";
import { normalizeEvents } from "../src/data/schemas";
import { unpackDf } from "../src/transform/base64Unpack";
import { IoCExtract } from "../src/transform/iocExtract";
import { buildProcessTree } from "../src/transform/processTree";
import { timeline, timelineValues } from "../src/vis/timeline";

const BIG = "18446744073709551615";

function frame(): pl.DataFrame {
  const rows = [0, 1, 2, 3].map((i) =>
    JSON.stringify({ TimeGenerated: `2024-01-01T00:0${i}:00Z`, EventId: i === 1 ? null : `__BIG${i}__`, Nested: { id: `__BIG${i}__` }, CommandLine: `cmd /c ping 10.0.0.${i}`, n: i }),
  );
  const text = rows.join("\n").replace(/"__BIG(\d)__"/g, (_m, d: string) => (d === "0" ? BIG : `1844674407370955161${d}`));
  return pl.readJSON(Buffer.from(text), { format: "lines" }).withColumns(pl.col("TimeGenerated").str.strptime(pl.Datetime("ms"), "%Y-%m-%dT%H:%M:%SZ"));
}

describe("functions given a frame with Int128 columns", () => {
  it("the fixture really holds Int128 columns (series.dtype throws)", () => {
    assert.throws(() => frame().getColumn("EventId").dtype, /not supported for JS conversion/);
  });

  it("IoCExtract and base64.unpackDf scan such a column as text, or beside it", () => {
    const ioc = new IoCExtract();
    assert.equal(ioc.extract(frame(), { columns: "CommandLine" }).height, 4);
    assert.equal(ioc.extract(frame(), { columns: "EventId" }).height, 0);
    assert.equal(unpackDf(frame(), { column: "EventId" }).height, 0);
  });

  it("timeline groups and labels by it with every digit; timelineValues draws it as a y (as floats)", async () => {
    const chart = await timeline(frame(), { groupBy: "EventId" });
    assert.ok(chart.lanes.some((l) => l.name === BIG), JSON.stringify(chart.lanes));
    const values = await timelineValues(frame(), { y: "EventId" });
    assert.equal(values.events, 4);
    assert.equal(values.missingValues, 1, "the null id");
  });

  it("dbclusterEvents, normalizeEvents and buildProcessTree name the column or go on", () => {
    assert.throws(() => dbclusterEvents(frame(), { clusterColumns: ["EventId"], timeColumn: "TimeGenerated" }), /"EventId"/);
    assert.throws(() => normalizeEvents(frame(), "process"), /schema/);
    assert.throws(() => buildProcessTree(frame()), /NewProcessId/);
  });

  it("parseJsonColumn reads a struct holding one as its JSON, every digit kept", () => {
    const values = parseJsonColumn(frame(), "Nested") as { id: unknown }[];
    assert.equal(String(values[0].id), BIG);
  });
});
