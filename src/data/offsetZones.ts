/**
 * Typed files (Parquet, Arrow IPC) whose time columns carry a zone polars
 * cannot hold. pandas and pyarrow write the fixed offset of times parsed from
 * `…+05:30` text as the zone "+05:30"; polars turns a whole-hour offset into
 * `Etc/GMT-N` but fails any other ("unable to parse time zone"), and in an
 * asynchronous `collect()` that failure is a panic that aborts the process
 * (the kernel dies). So the schema of such a file is read synchronously with
 * polars' own escape hatch set (POLARS_IGNORE_TIMEZONE_PARSE_ERROR=1, which
 * keeps the zone as written), and a file with such a zone is read whole, its
 * columns made UTC: the same instants, in a zone polars holds, with a warning.
 * Nothing with that zone reaches a later (asynchronous) collect.
 */
import pl, { type DataType } from "nodejs-polars";
import { columnNames, columnOf, replaceColumns } from "../common/frames";
import { DataFileError, dataMessages as msg, dataWarnings } from "./messages";

const FLAG = "POLARS_IGNORE_TIMEZONE_PARSE_ERROR";
// Added once, at load, and only its value swapped later: glibc's setenv reallocates the environment's array when
// it adds a name (a polars thread reading the environment meanwhile could read freed memory), not when it
// replaces a value. polars honours "1" only, so "0" changes nothing.
if (process.env[FLAG] === undefined) process.env[FLAG] = "0";

/** Runs `read` (synchronous polars calls) with polars' time-zone check off: an unknown zone is kept as written. */
function withZonesUnchecked<T>(read: () => T): T {
  const before = process.env[FLAG];
  if (before === "1") return read();
  process.env[FLAG] = "1";
  try {
    return read();
  } finally {
    process.env[FLAG] = before ?? "0";
  }
}

/** A fixed offset (`+05:30`, `-0530`): polars keeps a whole-hour one as `Etc/GMT-N`, so one still written so is one it cannot hold. */
const FIXED_OFFSET = /^[+-]\d{2}(?::?\d{2})?$/;
const zoneChecks = new Map<string, boolean>();

/** Whether polars holds the zone `zone` (an IANA name it knows). Checked with the check on, whatever the environment says. */
function zoneHeld(zone: string): boolean {
  if (FIXED_OFFSET.test(zone)) return false;
  let held = zoneChecks.get(zone);
  if (held === undefined) {
    const before = process.env[FLAG];
    process.env[FLAG] = "0";
    try {
      pl.DataFrame({ a: [0] }).select(pl.col("a").cast(pl.Datetime("ms", zone)));
      held = true;
    } catch {
      held = false;
    } finally {
      process.env[FLAG] = before ?? "0";
    }
    // Bounded: zones come from files.
    if (zoneChecks.size < 1000) zoneChecks.set(zone, held);
  }
  return held;
}

/** The zones of every Datetime in a type's text (`Datetime(ms,+05:30)`, also inside a List or Struct). */
function zonesOf(dtype: DataType): string[] {
  return [...String(dtype).matchAll(/Datetime\(\s*\w+\s*,\s*([^,()]+?)\s*\)/g)].map((m) => m[1]).filter((z) => z !== "None");
}

/** The result of {@link probeTypedSchema}: the schema (no rows) of a file polars reads as it is, or the whole file with its zones made UTC. */
export type TypedProbe = { empty: pl.DataFrame; whole?: undefined } | { whole: pl.DataFrame; empty?: undefined };

/**
 * The schema of a typed file's lazy frame `lf` (no rows), read synchronously: or, when a column's zone is one
 * polars cannot hold, the whole file with those columns made UTC (each warned of through `warn`). A zone polars
 * cannot hold inside a List or Struct fails with `data/time-zone-unsupported`, naming `file`, the column and the zone.
 */
export function probeTypedSchema(lf: pl.LazyDataFrame, file: string, format: string, warn: (message: string) => void): TypedProbe {
  const empty = withZonesUnchecked(() => lf.head(0).collectSync());
  if (!empty.dtypes.some((d) => zonesOf(d).some((z) => !zoneHeld(z)))) return { empty };
  return { whole: heldZones(withZonesUnchecked(() => lf.collectSync()), file, format, warn) };
}

/** {@link probeTypedSchema} for an eager read (`read`, synchronous polars calls): the frame, its zones made UTC where polars cannot hold them. */
export function readTypedFrame(read: () => pl.DataFrame, file: string, format: string, warn: (message: string) => void): pl.DataFrame {
  const df = withZonesUnchecked(read);
  return df.dtypes.some((d) => zonesOf(d).some((z) => !zoneHeld(z))) ? heldZones(df, file, format, warn) : df;
}

/** `df` with each Datetime column whose zone polars cannot hold made UTC (the same instants), each warned of. */
function heldZones(df: pl.DataFrame, file: string, format: string, warn: (message: string) => void): pl.DataFrame {
  const names = columnNames(df);
  const replaced = new Map<string, pl.Series>();
  df.dtypes.forEach((dtype, i) => {
    const bad = zonesOf(dtype).filter((z) => !zoneHeld(z));
    if (!bad.length) return;
    if (dtype.variant !== "Datetime") throw new DataFileError(msg.timeZoneUnsupported(file, format, names[i], bad[0], String(dtype)));
    const unit = (dtype as unknown as { inner: [string] }).inner[0] as "ms" | "us" | "ns";
    // The stored integers are UTC instants whatever the zone: read as such, with the check off (the cast reads the zone).
    replaced.set(names[i], withZonesUnchecked(() => columnOf(df, names[i]).cast(pl.Int64).cast(pl.Datetime(unit, "UTC"))));
    warn(dataWarnings.zoneMadeUtc(file, names[i], bad[0]));
  });
  return replaceColumns(df, replaced);
}
