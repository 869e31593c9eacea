/**
 * Windows FILETIME integers (100 ns ticks since 1601: ~1.34e17 for 2026) fall in the ns band of the epoch rule,
 * where they were read as ns since 1970: 1973–1975 (normalizeEvents gave 1974 for 2026, and a start/end window
 * on such a column returned no rows). Integers from 1.1e17 to 1.6e17 (FILETIMEs of 1949–2107; as ns, 1973–1975,
 * no time a log holds) are now read as FILETIMEs, with a warning naming the field where normalizeEvents converts
 * them; real ns epochs (1e18 and up for 2001 on) are read as before.
 */
import assert from "node:assert/strict";
import path from "node:path";
import { describe, it } from "node:test";
import pl from "nodejs-polars";
import { epochMillis, epochUnit, FILETIME_UNIX_EPOCH } from "../../src/common/epoch";
import { QueryProvider } from "../../src/data/queryProvider";
import { normalizeEvents } from "../../src/data/schemas/index";
import { parseEntityTime } from "../../src/entities/entity";
import { tempTree } from "../helpers/tmp";

const TIMES = [Date.UTC(2026, 0, 2, 3, 4, 5, 678), Date.UTC(1969, 6, 20, 20, 17), Date.UTC(2040, 0, 1)];
/** 1970-01-01 in 100 ns ticks since 1601-01-01 (11,644,473,600 s). */
const TICKS_1970 = 11_644_473_600n * 10_000_000n;
/** A FILETIME of epoch ms `ms` (exact: BigInt). */
const filetime = (ms: number) => BigInt(ms) * 10_000n + TICKS_1970;
const iso = (s: pl.Series) => (s.cast(pl.Datetime("ms")).toArray() as unknown as Date[]).map((d) => d.toISOString());

describe("Windows FILETIME integers", () => {
  it("the epoch rule: 1.1e17 to 1.6e17 is FILETIME (1949–2107), real ns epochs of logs stay ns", () => {
    assert.equal(FILETIME_UNIX_EPOCH, Number(TICKS_1970), "1970-01-01 in ticks since 1601");
    for (const ms of [Date.UTC(1950, 0, 1), ...TIMES, Date.UTC(2107, 0, 1)]) {
      const ticks = Number(filetime(ms));
      assert.equal(epochUnit(ticks), "filetime", new Date(ms).toISOString());
      assert.equal(epochMillis(ticks, "filetime"), ms);
    }
    for (const ms of [Date.UTC(2001, 8, 9, 1, 46, 40), Date.UTC(2026, 0, 2), Date.UTC(2050, 0, 1)]) assert.equal(epochUnit(ms * 1e6), "ns", new Date(ms).toISOString());
    assert.equal(epochUnit(Date.UTC(2026, 0, 2) * 1000), "us");
    assert.equal(epochUnit(1.0e17), "ns", "below the band: ns as before");
  });

  it("normalizeEvents reads a FILETIME time field as such, to the tick, and warns naming it; ns epochs give no warning", () => {
    const base = { "event.outcome": ["success", "failure", "success"], "user.name": ["a", "b", "c"], "source.ip": ["1.2.3.4", "1.2.3.5", "1.2.3.6"] };
    const frame = (stamps: bigint[]) => pl.DataFrame(base).withColumns(pl.Series("@timestamp", stamps.map(String)).cast(pl.Int64));
    const warnings: string[] = [];
    const out = normalizeEvents(frame(TIMES.map((ms) => filetime(ms) + 3n)), "logon", { source: "ecs.ndjson", warn: (m) => warnings.push(m) });
    assert.deepEqual(iso(out.getColumn("TimeGenerated")), TIMES.map((ms) => new Date(ms).toISOString()));
    // Every tick kept: 3 ticks are 300 ns.
    assert.deepEqual(
      out.select(pl.col("TimeGenerated").cast(pl.Int64).cast(pl.Utf8)).getColumn("TimeGenerated").toArray(),
      TIMES.map((ms) => String(BigInt(ms) * 1_000_000n + 300n)),
    );
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /^ecs\.ndjson: field "@timestamp" holds integers from 1\.1e17 to 1\.6e17, Windows FILETIMEs/);
    const ns: string[] = [];
    const nsOut = normalizeEvents(frame(TIMES.map((ms) => BigInt(ms) * 1_000_000n)), "logon", { warn: (m) => ns.push(m) });
    assert.deepEqual(iso(nsOut.getColumn("TimeGenerated")), TIMES.map((ms) => new Date(ms).toISOString()));
    assert.deepEqual(ns, []);
  });

  it("a LocalData start/end window on a FILETIME column gives the rows in the window (it gave none)", async () => {
    const hours = [0, 1, 2, 3].map((h) => Date.UTC(2026, 0, 2, 10 + h));
    const csv = ["id,TimeGenerated", ...hours.map((ms, i) => `${i + 1},${filetime(ms)}`)].join("\n") + "\n";
    const dir = tempTree({ "d/events.csv": csv });
    const qp = new QueryProvider("LocalData", { dataPaths: [path.join(dir, "d")], queryPaths: [] }) as unknown as Record<string, Record<string, (p?: object) => Promise<pl.DataFrame>>>;
    const rows = await qp.LocalData.events({ start: "2026-01-02T10:30:00Z", end: "2026-01-02T12:00:00Z" });
    assert.deepEqual(rows.getColumn("id").toArray(), [2, 3]);
  });

  it("an entity's or an alert's time given as a FILETIME (number or digits) is that time", () => {
    const ticks = filetime(TIMES[0]);
    assert.equal(parseEntityTime(Number(ticks))?.toISOString(), new Date(TIMES[0]).toISOString());
    assert.equal(parseEntityTime(String(ticks))?.toISOString(), new Date(TIMES[0]).toISOString());
  });
});
