/**
 * The cost of nodejs-polars' JavaScript wrappers, which every expression and
 * column the library builds pays: 1,000 `pl.col` expressions, 1,000
 * `when/then/otherwise` chains, 1,000 Series from `getColumn`, and the
 * library calls that build many small expressions (`toDate` of a date text
 * that is not ISO, and of one that is no date: every format tried).
 * patches/nodejs-polars+*.patch is what makes these fast (see patches/README.md).
 */
import pl from "nodejs-polars";
import { toDate } from "../src/data/timeParsing";
import { measure, report } from "./harness";

export async function run(): Promise<void> {
  const df = pl.DataFrame({ a: [1, 2, 3], b: ["x", "y", "z"] });
  const rows = [
    await measure("1,000 pl.col expressions", () => {
      for (let i = 0; i < 1000; i++) pl.col("a");
    }, { targetMs: 50, note: "≤ 50 µs each" }),
    await measure("1,000 when/then/otherwise chains", () => {
      for (let i = 0; i < 1000; i++) pl.when(pl.col("a").gt(1)).then(pl.lit(1)).otherwise(pl.lit(2));
    }, { targetMs: 500, note: "6 expressions each" }),
    await measure("1,000 Series from getColumn", () => {
      for (let i = 0; i < 1000; i++) df.getColumn("b");
    }, { targetMs: 100 }),
    await measure('toDate("2/10/19 3:21 PM")', () => toDate("2/10/19 3:21 PM"), { runs: 9 }),
    await measure('toDate("2024-02-30T10:00+02:00") (no such day: every format tried)', () => {
      try {
        toDate("2024-02-30T10:00+02:00");
      } catch {
        // The error is the expected outcome here.
      }
    }, { runs: 9 }),
  ];
  report("polars wrappers (per call of the library's expression building)", rows);
}
