/**
 * A provider keeps what it was given: analysts re-run cells, and an array, a
 * Date or a definition changed in a later cell must not change an object built
 * earlier (nor one handed out change the object). LocalData here; the live
 * providers' window is the same code (timeRangeDates/copyRange).
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { QueryProvider } from "../../src/data/queryProvider";
import { IoCExtract } from "../../src/transform/iocExtract";
import pl from "nodejs-polars";
import { tempDir } from "../helpers/tmp";

describe("objects keep their own copies", () => {
  it("dataPaths: the caller's array changed later changes nothing (a missing folder pushed onto it failed the next query with a bare ENOENT)", async () => {
    const dir = tempDir("own-copies-");
    fs.writeFileSync(path.join(dir, "events.csv"), "host,n\nwin1,1\nwin2,2\n");
    const dataPaths = [dir];
    const qp = new QueryProvider("LocalData", { dataPaths, queryPaths: [] });
    dataPaths.push(path.join(dir, "no-such-folder"));
    dataPaths[0] = "/nonexistent";
    const df = await qp.execQuery("events.csv");
    assert.equal(df.height, 2);
  });

  it("the time window: neither the Dates given nor the ones handed out by timeRange move it", async () => {
    const qp = new QueryProvider("LocalData");
    const start = new Date("2019-02-12T00:00:00Z");
    qp.setTimeRange({ start, end: "2019-02-13T00:00:00Z" });
    const rows = (await qp.WindowsSecurity.list_host_logons()).height;
    start.setUTCFullYear(2035);
    qp.timeRange.start?.setUTCFullYear(2035);
    qp.timeRange.end?.setUTCFullYear(1990);
    assert.equal(qp.timeRange.start?.toISOString(), "2019-02-12T00:00:00.000Z");
    assert.equal(qp.timeRange.end?.toISOString(), "2019-02-13T00:00:00.000Z");
    assert.equal((await qp.WindowsSecurity.list_host_logons()).height, rows);
    const given = new Date("2019-02-12T00:00:00Z");
    const other = new QueryProvider("LocalData", { timeRange: { start: given } });
    given.setUTCFullYear(2000);
    assert.equal(other.timeRange.start?.toISOString(), "2019-02-12T00:00:00.000Z");
  });

  it("queryDefinitions(): copies; changing one leaves the query as it was", async () => {
    const qp = new QueryProvider("LocalData");
    const rows = (await qp.WindowsSecurity.list_host_logons({ host_name: "MSTICAlertsWin1" })).height;
    assert.ok(rows > 0);
    const def = qp.queryDefinitions().find((q) => q.family === "WindowsSecurity" && q.name === "list_host_logons");
    assert.ok(def);
    const param = def.parameters.find((p) => p.name === "host_name");
    assert.ok(param);
    (param as { column?: string }).column = "Account";
    def.parameters.length = 0;
    assert.equal((await qp.WindowsSecurity.list_host_logons({ host_name: "MSTICAlertsWin1" })).height, rows);
  });

  it("IoCExtract: the iocTypes array given to the constructor changed later changes nothing", () => {
    const types = ["ipv4"];
    const ioc = new IoCExtract({ iocTypes: types });
    const df = pl.DataFrame({ text: ["from 203.0.113.9 to evil.example.com http://evil.example.com/x"] });
    const before = ioc.extract(df, { columns: "text" });
    types.push("dns", "url");
    const after = ioc.extract(df, { columns: "text" });
    assert.deepEqual(after.getColumn("IoCType").toArray(), before.getColumn("IoCType").toArray());
    assert.deepEqual(before.getColumn("IoCType").toArray(), ["ipv4"]);
  });
});
