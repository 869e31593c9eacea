/**
 * osqueryd's result log (the filesystem logger's `osqueryd.results.log` / `osqueryd.snapshots.log`, or the same
 * lines shipped by a log forwarder): one JSON line per result. A differential query writes one line per row
 * (`{"name", "hostIdentifier", "calendarTime", "unixTime", "columns": {…}, "action": "added"|"removed"}`); a
 * snapshot query one line per run holding every row (`{"name", "hostIdentifier", …, "snapshot": [{…}, …],
 * "action": "snapshot"}`). The snapshot rows are made rows of `columns` here, each with its line's keys, so the
 * process layouts (processTreeSchema.ts: `osquery process_events`, `osquery processes`) read both forms.
 */
import pl from "nodejs-polars";
import { columnNames, columnOf, frameOf, withPlainNames } from "../../common/frames";
import { quotedText } from "../../common/shownText";
import { dataWarnings } from "../messages";

/** True when the frame is an osquery result log (its top-level keys). */
export function isOsqueryLog(df: pl.DataFrame): boolean {
  const names = new Set(columnNames(df));
  return names.has("hostIdentifier") && names.has("action") && (names.has("columns") || names.has("snapshot")) && (names.has("unixTime") || names.has("calendarTime"));
}

/** The snapshot column's rows as rows of a `columns` struct, when it is a list of objects (osquery's form); else undefined. */
function snapshotStructs(df: pl.DataFrame): pl.DataFrame | undefined {
  const names = columnNames(df);
  const snapshot = columnOf(df, "snapshot");
  if (snapshot.dtype.variant !== "List") return undefined;
  const inner = (snapshot.dtype as unknown as { inner?: { variant?: string }[] }).inner?.[0];
  if (inner?.variant !== "Struct") return undefined;
  const others = names.filter((n) => n !== "snapshot" && n !== "columns");
  // Exploded under plain names: a key may be named like a frame member. An empty snapshot (no rows that run) is
  // one null row after the explode: dropped.
  const plain = pl.DataFrame([...others.map((n, i) => columnOf(df, n).rename(`c${i}`)), snapshot.rename("columns")]);
  const rows = plain.explode("columns").filter(pl.col("columns").isNotNull());
  return frameOf([...others.map((n, i) => columnOf(rows, `c${i}`).rename(n)), columnOf(rows, "columns")]);
}

/**
 * The result log with each snapshot line's rows as rows of a `columns` struct (the line's other keys repeated), when
 * it has snapshot lines; otherwise the frame itself. A log of both forms (a pack's differential `process_events`
 * and snapshot `processes` queries) keeps its differential rows and adds the snapshot rows after them, in one
 * `columns` struct holding both forms' fields (null where a row lacks one). A snapshot value that is no list of
 * objects (a forwarder's text) is left as it is: such lines are counted by {@link osquerySnapshotRowsLeftOut}.
 */
export function osquerySnapshotRows(df: pl.DataFrame): pl.DataFrame {
  const names = columnNames(df);
  if (!names.includes("snapshot")) return df;
  if (!names.includes("columns")) return snapshotStructs(df) ?? df;
  const snapshot = columnOf(df, "snapshot");
  if (snapshot.nullCount() === snapshot.len()) return frameOf(names.filter((n) => n !== "snapshot").map((n) => columnOf(df, n)));
  const kept = (snapshotLines: boolean) => withPlainNames(df, (plain, nameOf) => plain.filter(snapshotLines ? pl.col(nameOf("snapshot")).isNotNull() : pl.col(nameOf("snapshot")).isNull()));
  const lines = kept(true);
  const snapshotRows = snapshotStructs(lines);
  if (!snapshotRows) return df;
  const differential = kept(false);
  const differentialRows = frameOf(names.filter((n) => n !== "snapshot").map((n) => columnOf(differential, n)));
  // polars' relaxed stack merges the two `columns` structs' fields.
  return pl.concat([differentialRows, snapshotRows], { how: "diagonalRelaxed" });
}

/**
 * How many snapshot rows a log of both forms (differential lines' `columns` and snapshot lines' `snapshot`) leaves
 * out: those of snapshot values that are no list of objects (a forwarder's text), which {@link osquerySnapshotRows}
 * cannot read (dataWarnings.osquerySnapshotRowsLeftOut). 0 for a log of one form, or of both read whole.
 */
export function osquerySnapshotRowsLeftOut(df: pl.DataFrame): number {
  const names = columnNames(df);
  if (!names.includes("snapshot") || !names.includes("columns")) return 0;
  const snapshot = columnOf(df, "snapshot");
  // A snapshot value that is no list (a forwarder's text) holds no rows polars split: one line, one row left out.
  if (snapshot.dtype.variant !== "List") return snapshot.len() - snapshot.nullCount();
  const inner = (snapshot.dtype as unknown as { inner?: { variant?: string }[] }).inner?.[0];
  if (inner?.variant === "Struct") return 0;
  const lengths = pl.DataFrame([snapshot.rename("s")]).select(pl.col("s").lst.lengths().sum().alias("n")).getColumn("n");
  return Number(lengths.get(0) ?? 0);
}

/**
 * Which rows of an osquery result log are processes: those whose `columns` hold a `pid` and a `parent` (both
 * process tables, `process_events` and `processes`, write both; osquery writes every column of its table, an empty
 * one as ""). The log holds every scheduled query's results (`listening_ports`, `users`…) in one `columns` struct;
 * a row of another query is no process (a listening port's `pid` and `path` name its owner), so it is left out, as
 * a Falcon search's `DnsRequest` is. Without a `parent` field, a `pid` and a `path` (as before). Undefined when
 * the frame has no such struct (nothing to tell).
 */
function processRowMask(df: pl.DataFrame): pl.Series | undefined {
  if (!columnNames(df).includes("columns")) return undefined;
  const columns = columnOf(df, "columns");
  if (columns.dtype.variant !== "Struct") return undefined;
  const fields = ((columns.dtype as unknown as { inner?: { name: string }[] }).inner ?? []).map((f) => f.name);
  const other = fields.includes("parent") ? "parent" : "path";
  if (!fields.includes("pid") || !fields.includes(other)) return undefined;
  const c = pl.col("c");
  return pl.DataFrame([columns.rename("c")]).select(c.struct.field("pid").isNotNull().and(c.struct.field(other).isNotNull()).fillNull(false).alias("k")).getColumn("k");
}

/** The rows of an osquery result log that are processes ({@link processRowMask}); the frame itself when all are. */
export function osqueryProcessRows(df: pl.DataFrame): pl.DataFrame {
  const keep = processRowMask(df);
  if (!keep || Number(keep.cast(pl.Int64).sum()) === keep.len()) return df;
  const names = columnNames(df);
  const plain = pl.DataFrame([...names.map((n, i) => columnOf(df, n).rename(`c${i}`)), keep.rename("k")]).filter(pl.col("k"));
  return frameOf(names.map((n, i) => columnOf(plain, `c${i}`).rename(n)));
}

/** The positions of the rows {@link osqueryProcessRows} keeps, or undefined when it keeps all (or cannot tell). */
export function osqueryProcessRowPositions(df: pl.DataFrame): Uint32Array | undefined {
  const keep = processRowMask(df);
  if (!keep || Number(keep.cast(pl.Int64).sum()) === keep.len()) return undefined;
  const at = pl.DataFrame([keep.rename("k")]).withRowIndex("i").filter(pl.col("k")).getColumn("i");
  return Uint32Array.from(at.toArray() as number[]);
}

/**
 * The rows {@link osqueryProcessRows} leaves out, counted by their query's `name` (most first; a row without one
 * as ""), for the warning that names them.
 */
export function osqueryOtherQueries(df: pl.DataFrame): [string, number][] {
  const keep = processRowMask(df);
  if (!keep) return [];
  const names = columnNames(df).includes("name") ? columnOf(df, "name").cast(pl.Utf8) : pl.Series("q", new Array<null>(keep.len()).fill(null), pl.Utf8);
  const out = pl.DataFrame([names.rename("q"), keep.rename("k")]).filter(pl.col("k").not()).select(pl.col("q").fillNull(pl.lit("")));
  const counts = new Map<string, number>();
  for (const q of out.getColumn("q").toArray() as string[]) counts.set(q, (counts.get(q) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** The warning naming the queries whose rows {@link osqueryProcessRows} leaves out of `df`, or undefined when none. */
export function osqueryOtherQueriesWarning(source: string, df: pl.DataFrame): string | undefined {
  const other = osqueryOtherQueries(df);
  if (!other.length) return undefined;
  const count = other.reduce((n, [, k]) => n + k, 0);
  return dataWarnings.osqueryOtherQueriesLeftOut(source, count, other.slice(0, 5).map(([q, k]) => `${quotedText(q, 60)} ×${k}`), other.length > 5);
}
