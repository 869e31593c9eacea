/** The provider's default time window (MSTICPy's query_time) on LocalData: used when a query gets no start/end; none set = all the data. */
import assert from "node:assert/strict";
import path from "node:path";
import { describe, it } from "node:test";
import { QueryProvider } from "../../src/data/queryProvider";
import { tempTree } from "../helpers/tmp";

const DAY = 86_400_000;

/** `fn()`'s value with the clock read before and after it (no timing assumption). */
function timed<T>(fn: () => T): { value: T; before: number; after: number } {
  const before = Date.now();
  const value = fn();
  return { value, before, after: Date.now() };
}

describe("QueryProvider time range (LocalData)", () => {
  it("absent: all the data; set: queries without start/end use it; given start/end win; {} clears it", async () => {
    const qp = new QueryProvider("LocalData");
    const all = await qp.WindowsSecurity.list_host_logons();
    assert.deepEqual(qp.timeRange, {});
    qp.setTimeRange({ start: "2019-02-12T00:00:00Z", end: "2019-02-13T00:00:00Z" });
    const day = await qp.WindowsSecurity.list_host_logons();
    assert.ok(day.height > 0 && day.height < all.height);
    for (const t of day.getColumn("TimeGenerated").toArray() as unknown as Date[]) assert.ok(t >= new Date("2019-02-12T00:00:00Z") && t <= new Date("2019-02-13T00:00:00Z"));
    const other = await qp.WindowsSecurity.list_host_logons({ start: "2019-02-10T00:00:00Z", end: "2019-02-11T00:00:00Z" });
    assert.notEqual(other.height, day.height);
    qp.setTimeRange({});
    assert.equal((await qp.WindowsSecurity.list_host_logons()).height, all.height);
  });

  it("the timeRange option, and queries without time parameters are untouched", async () => {
    const qp = new QueryProvider("LocalData", { timeRange: { start: new Date("2019-02-12T00:00:00Z") } });
    assert.deepEqual(qp.timeRange, { start: new Date("2019-02-12T00:00:00Z") });
    const after = await qp.WindowsSecurity.list_host_logons();
    // 144 of the lab's 164 logons are on or after 12 February (an empty frame would pass the check below).
    assert.equal(after.height, 144);
    assert.ok((after.getColumn("TimeGenerated").toArray() as unknown as Date[]).every((t) => t >= new Date("2019-02-12T00:00:00Z")));
    assert.equal(qp.connected, true);
    await qp.connect();
  });

  it("start/end take MSTICPy's relative times, as datetime parameters do: -7d, a number of days, now, @d rounding", () => {
    const week = timed(() => new QueryProvider("LocalData", { timeRange: { start: "-7d", end: "now" } }).timeRange);
    assert.ok(week.value.start && week.value.start.getTime() >= week.before - 7 * DAY && week.value.start.getTime() <= week.after - 7 * DAY, String(week.value.start));
    assert.ok(week.value.end && week.value.end.getTime() >= week.before && week.value.end.getTime() <= week.after, String(week.value.end));
    const qp = new QueryProvider("LocalData");
    // A number is days from now (as `default: -2` in a query file), not epoch milliseconds.
    const two = timed(() => (qp.setTimeRange({ start: -2, end: "-3h" }), qp.timeRange));
    assert.ok(two.value.start && two.value.start.getTime() >= two.before - 2 * DAY && two.value.start.getTime() <= two.after - 2 * DAY, String(two.value.start));
    assert.ok(two.value.end && two.value.end.getTime() >= two.before - 3 * 3_600_000 && two.value.end.getTime() <= two.after - 3 * 3_600_000, String(two.value.end));
    const midnight = timed(() => (qp.setTimeRange({ start: "-1d@d", end: "-1mon" }), qp.timeRange));
    const midnights = [midnight.before, midnight.after].map((t) => Math.floor((t - DAY) / DAY) * DAY);
    assert.ok(midnights.includes(midnight.value.start?.getTime() ?? NaN), String(midnight.value.start));
    assert.ok(midnight.value.end && midnight.value.end.getTime() < midnight.before - 27 * DAY && midnight.value.end.getTime() > midnight.after - 32 * DAY, String(midnight.value.end));
    // Absolute times keep their meaning.
    qp.setTimeRange({ start: "2019-02-12", end: new Date("2019-02-13T00:00:00Z") });
    assert.deepEqual(qp.timeRange, { start: new Date("2019-02-12T00:00:00Z"), end: new Date("2019-02-13T00:00:00Z") });
  });

  it("a relative start filters the query as a datetime parameter's would", async () => {
    const qp = new QueryProvider("LocalData", { timeRange: { start: "-1d" } });
    // The lab data is from 2019: nothing is a day old.
    assert.equal((await qp.WindowsSecurity.list_host_logons()).height, 0);
    assert.ok((await qp.WindowsSecurity.list_host_logons({ start: "2019-01-01" })).height > 0, "given start wins");
  });

  it("an unreadable end is an error naming the setting", () => {
    assert.throws(() => new QueryProvider("LocalData", { timeRange: { start: "yesterday" } }), { code: "data/not-a-time", message: /^timeRange: start: "yesterday"/ });
    const qp = new QueryProvider("LocalData");
    assert.throws(() => qp.setTimeRange({ end: "-3q" }), { code: "data/not-a-time", message: /^setTimeRange: end: "-3q"/ });
    assert.throws(() => qp.setTimeRange({ end: Number.NaN }), { code: "data/not-a-time", message: /^setTimeRange: end: NaN/ });
  });
});

describe("a start/end window on a file without a time column", () => {
  it("says what applies: a query file's metadata.time_column, naming the file; for a query made from a data file (no query file), how else to window it", async () => {
    const dir = tempTree({
      "d/events.csv": "id,when\n1,soon\n2,later\n",
      "q/events.yaml": `metadata: {version: 1, description: e, data_environments: [LocalData], data_families: [Ev]}
sources:
  listed:
    description: listed
    metadata: {time_column: Stamp}
    args: {query: events.csv}
    parameters:
      start: {description: s, type: datetime, default: null}
`,
    });
    const files = new QueryProvider("LocalData", { dataPaths: [path.join(dir, "d")], queryPaths: [] }) as unknown as Record<string, Record<string, (p?: object) => Promise<unknown>>>;
    await assert.rejects(
      files.LocalData.events({ start: "2026-01-02T00:00:00Z" }),
      (e: Error & { code?: string }) =>
        e.code === "data/time-column-missing" && !/set metadata\.time_column in the query file/.test(e.message) && /a query made from a data file has no query file: call it without start\/end and filter the frame/.test(e.message),
    );
    const defined = new QueryProvider("LocalData", { dataPaths: [path.join(dir, "d")], queryPaths: [path.join(dir, "q")] }) as unknown as Record<string, Record<string, (p?: object) => Promise<unknown>>>;
    await assert.rejects(defined.Ev.listed({ start: "2026-01-02T00:00:00Z" }), (e: Error & { code?: string }) => e.code === "data/time-column-missing" && e.message.includes(`no time column "Stamp" (set metadata.time_column in the query file ${path.join(dir, "q", "events.yaml")})`));
  });
});
