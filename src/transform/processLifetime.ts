/**
 * How long each process of a tree lived, where the data records its end (Sysmon 5: the tree's
 * `ProcessEndTime`, src/data/schemas/processEnds.ts). One reading for `treeToText` and `plotProcessTree`:
 * the start is the process's creation time where the layout has one, else its event time, else
 * `TimeGenerated`; the lifetime is the end minus the start. Times come from the data (forged, or clocks
 * apart): an end before its start gives no lifetime, never a negative one.
 */
import type pl from "nodejs-polars";
import { columnNames, columnOf } from "../common/frames";
import type { ProcSchema } from "./processTreeSchema";

/** What is said for a process the data shows no end of (still running when the log ends, or its end not in it). */
export const NO_END_TEXT = "no end seen";
/** What is said for a process whose end comes before its start (clock skew, forged events). */
export const END_BEFORE_START_TEXT = "inconsistent order: ended before it started";

/** A time column's values in ms (null where none), or undefined when the tree has no such Datetime column. */
export function timesOf(tree: pl.DataFrame, column: string | undefined): (number | null)[] | undefined {
  if (!column || !columnNames(tree).includes(column)) return undefined;
  const series = columnOf(tree, column);
  if (!/^Datetime/.test(series.dtype.variant)) return undefined;
  return (series.toArray() as unknown[]).map((v) => (v instanceof Date && !Number.isNaN(v.getTime()) ? v.getTime() : null));
}

/** Each process's start in ms (its creation time, else its event time, else `TimeGenerated`), or undefined when the tree has none of them as times. */
export function startTimesOf(tree: pl.DataFrame, schema: Partial<ProcSchema> | undefined): (number | null)[] | undefined {
  return timesOf(tree, schema?.processCreationTime) ?? timesOf(tree, schema?.timeStamp) ?? timesOf(tree, "TimeGenerated");
}

/** A lifetime in the largest units that read well: `850 ms`, `8 s`, `1.5 s`, `3 min 2 s`, `2 h 5 min`, `3 d 4 h`. */
export function durationText(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${Number.isInteger(s) ? s : s.toFixed(s < 10 ? 1 : 0)} s`;
  const parts = (big: number, bigUnit: string, small: number, smallUnit: string) => `${big} ${bigUnit}${small ? ` ${small} ${smallUnit}` : ""}`;
  const whole = Math.floor(s);
  if (whole < 3600) return parts(Math.floor(whole / 60), "min", whole % 60, "s");
  if (whole < 86400) return parts(Math.floor(whole / 3600), "h", Math.floor((whole % 3600) / 60), "min");
  return parts(Math.floor(whole / 86400), "d", Math.floor((whole % 86400) / 3600), "h");
}

/**
 * A process's lifetime as the view says it: `ran 8 s`; {@link NO_END_TEXT} without an end;
 * {@link END_BEFORE_START_TEXT} for an end before the start; "" for an end whose start is unknown.
 */
export function lifetimeText(start: number | null, end: number | null): string {
  if (end === null) return NO_END_TEXT;
  if (start === null) return "";
  return end < start ? END_BEFORE_START_TEXT : `ran ${durationText(end - start)}`;
}
