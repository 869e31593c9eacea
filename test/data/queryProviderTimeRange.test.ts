/** The provider's default time window (MSTICPy's query_time) on LocalData: used when a query gets no start/end; none set = all the data. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { QueryProvider } from "../../src/data/queryProvider";

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
    assert.ok((after.getColumn("TimeGenerated").toArray() as unknown as Date[]).every((t) => t >= new Date("2019-02-12T00:00:00Z")));
    assert.equal(qp.connected, true);
    await qp.connect();
  });
});
