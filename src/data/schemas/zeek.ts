/**
 * Zeek's ASCII log format (conn.log and the others): tab-separated values
 * under `#` header lines that give the separator, the field names (`#fields`),
 * their Zeek types (`#types`) and the unset/empty markers. CSV readers choke on
 * the header lines, so this reads it: Zeek types become polars types (`time`
 * a Datetime in µs, Zeek's own precision; `count`/`int`/`port` integers,
 * `interval`/`double` floats, `bool` booleans, `addr`, `string`, `enum`,
 * sets and vectors text), the unset marker (`-`) is null and the empty
 * marker (`(empty)`) the empty string.
 */
import fs from "node:fs";
import pl from "nodejs-polars";
import type { DataType } from "nodejs-polars";
import { DataFileError, dataMessages as msg } from "../messages";

/** True when `head` (the first bytes of a file) starts like a Zeek ASCII log. */
export function isZeekTsv(head: string): boolean {
  return /^#separator[ \t]/.test(head);
}

/** A header's escaped separator (`\x09`) as the character. */
function unescape(text: string): string {
  return text.replace(/\\x([0-9a-fA-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

type ZeekValue = string | number | boolean | null;

const EPOCH = /^(\d{1,12})(?:\.(\d{1,9}))?$/;

/** `1791185574.755115` (epoch seconds) as integer microseconds; null when it is not one. */
function epochMicros(v: string): number | null {
  const m = EPOCH.exec(v);
  if (!m) return null;
  // µs since 1970 stay below 2^53 until the year 2255: exact as a JS number.
  return Number(m[1]) * 1_000_000 + Number((m[2] ?? "").padEnd(6, "0").slice(0, 6));
}

/** polars type and parser of a Zeek type. */
function columnType(zeekType: string): { dtype: DataType; parse: (v: string) => ZeekValue } {
  switch (zeekType) {
    case "count":
    case "int":
    case "port": {
      return { dtype: pl.Int64, parse: (v) => (/^-?\d+$/.test(v) ? Number(v) : null) };
    }
    case "double":
    case "interval":
      return { dtype: pl.Float64, parse: (v) => (Number.isFinite(Number(v)) ? Number(v) : null) };
    case "time":
      // Epoch seconds with (Zeek's) six fraction digits, as integer µs: digits, not float arithmetic, so none is lost.
      return { dtype: pl.Float64, parse: epochMicros };
    case "bool":
      return { dtype: pl.Bool, parse: (v) => (v === "T" ? true : v === "F" ? false : null) };
    default:
      return { dtype: pl.Utf8, parse: (v) => v };
  }
}

/** The rows under one `#fields` header (concatenated logs have several). */
interface ZeekBlock {
  fields: string[];
  types?: string[];
  rows: string[][];
}

/**
 * A Zeek ASCII log as a DataFrame. `file` names it in errors. A row with the
 * wrong number of fields is padded with nulls or cut (one bad row never fails
 * the file); a log without `#fields` is an error. Concatenated logs
 * (`cat conn.*.log`) may change their `#fields` between header blocks (a
 * script added `community_id`): each block's rows are read with their own
 * header, and the blocks stacked by column name.
 */
export function readZeekTsv(text: string, file = "Zeek log"): pl.DataFrame {
  let separator = "\t";
  let unset = "-";
  let empty = "(empty)";
  const blocks: ZeekBlock[] = [];
  let block: ZeekBlock | undefined;
  // Rows and types met before any #fields line go to the first header block.
  const early: ZeekBlock = { fields: [], rows: [] };
  for (const raw of text.split(/\r?\n/)) {
    if (raw === "") continue;
    if (raw.startsWith("#")) {
      const space = raw.search(/[ \t]/);
      const key = space < 0 ? raw : raw.slice(0, space);
      const rest = space < 0 ? "" : raw.slice(space + 1);
      if (key === "#separator") separator = unescape(rest.trim()) || "\t";
      else if (key === "#unset_field") unset = rest.split(separator)[0] ?? unset;
      else if (key === "#empty_field") empty = rest.split(separator)[0] ?? empty;
      else if (key === "#fields") blocks.push((block = { fields: rest.split(separator), types: block ? undefined : early.types, rows: block ? [] : early.rows }));
      else if (key === "#types") (block ?? early).types = rest.split(separator);
      continue;
    }
    (block ?? early).rows.push(raw.split(separator));
  }
  if (!block || block.fields.length === 0) throw new DataFileError(msg.fileInvalid(file, "zeek", "no #fields header line"));
  const frame = ({ fields, types, rows }: ZeekBlock): pl.DataFrame =>
    pl.DataFrame(
      fields.map((name, i) => {
        const { dtype, parse } = columnType(types?.[i] ?? "string");
        const values = rows.map((r): ZeekValue => {
          const v = r[i];
          if (v === undefined || v === unset) return null;
          return v === empty ? (dtype === pl.Utf8 ? "" : null) : parse(v);
        });
        const series = pl.Series(name, values, dtype);
        return types?.[i] === "time" ? series.cast(pl.Int64).cast(pl.Datetime("us")).rename(name) : series;
      }),
    );
  // Repeated identical headers (rotated logs of one configuration) make one block.
  const key = (b: ZeekBlock) => `${b.fields.join("\t")}\n${(b.types ?? []).join("\t")}`;
  const merged: ZeekBlock[] = [];
  for (const b of blocks) {
    const last = merged[merged.length - 1];
    if (last && key(last) === key(b)) for (const r of b.rows) last.rows.push(r);
    else merged.push(b);
  }
  const withRows = merged.filter((b) => b.rows.length > 0);
  const frames = (withRows.length ? withRows : merged.slice(-1)).map(frame);
  return frames.length === 1 ? frames[0] : pl.concat(frames, { how: "diagonalRelaxed" });
}

/** Reads a Zeek ASCII log file. */
export function readZeekTsvFile(file: string): pl.DataFrame {
  return readZeekTsv(fs.readFileSync(file, "utf8"), file);
}
