/**
 * The value conversions of the schema tables (see `Conversion` in types.ts),
 * each a whole-column polars operation. Values that do not convert become
 * null: one odd row never fails a frame.
 */
import pl from "nodejs-polars";
import type { DataType } from "nodejs-polars";
import { isTemporalType, isTextType } from "../../common/dtypes";
import { epochUnitOfSeries, parseReadTimes, strptimeExpr, ZONE_OFFSETS } from "../timeParsing";
import { FILETIME_UNIX_EPOCH } from "../../common/epoch";
import type { Conversion, LabLayout, LabType } from "./types";
import { columnNames, columnOf, frameHeight } from "../../common/frames";

/** Windows logon types by name (Microsoft's 4624 documentation; Winlogbeat's `winlog.logon.type` names). */
export const LOGON_TYPE_NUMBERS: Readonly<Record<string, number>> = {
  system: 0,
  interactive: 2,
  network: 3,
  batch: 4,
  service: 5,
  // OCSF's caption of logon type 5 (`logon_type`).
  osservice: 5,
  proxy: 6,
  unlock: 7,
  networkcleartext: 8,
  newcredentials: 9,
  remoteinteractive: 10,
  cachedinteractive: 11,
  cachedremoteinteractive: 12,
  cachedunlock: 13,
};

/** Azure AD's `ResultType` for a failed password (50126), used for ECS failures in the sign-in layout. */
export const FAILED_SIGNIN_RESULT = 50126;

/** Runs `expr` (on a column named `v`) over `series`; the result keeps `name`. */
function apply(series: pl.Series, expr: pl.Expr, name: string): pl.Series {
  return pl.DataFrame([series.rename("v")]).select(expr.alias("out")).getColumn("out").rename(name);
}

/**
 * The values of `series` (as column `v`) as trimmed, lower-case text keys. Whole floats are written as
 * integers: a nullable integer column that pandas saved as float64 holds `1.0`, which is code 1, not `"1.0"`.
 */
export function textKey(series: pl.Series): pl.Expr {
  const v = pl.col("v");
  if (series.isFloat()) return pl.when(v.eq(v.round(0))).then(v.cast(pl.Int64, false).cast(pl.Utf8)).otherwise(v.cast(pl.Utf8));
  return v.cast(pl.Utf8).str.strip().str.toLowerCase();
}

/** `when(v == key1) then value1 … otherwise(fallback)` over lower-cased, trimmed text. */
function lookup(series: pl.Series, table: Readonly<Record<string, string | number>>, fallback: pl.Expr, name: string): pl.Series {
  const key = textKey(series);
  const entries = Object.entries(table);
  if (entries.length === 0) return apply(series, fallback, name);
  // Numbers are written as integers: polars would make number literals floats.
  const numeric = entries.every(([, v]) => typeof v === "number");
  const lit = (v: string | number) => (numeric ? pl.lit(v).cast(pl.Int64) : pl.lit(v));
  let chain = pl.when(key.eq(pl.lit(entries[0][0]))).then(lit(entries[0][1]));
  for (const [k, v] of entries.slice(1)) chain = chain.when(key.eq(pl.lit(k))).then(lit(v));
  const out = chain.otherwise(fallback);
  return apply(series, numeric ? out.cast(pl.Int64) : out, name);
}

const isNumeric = (series: pl.Series) => series.isNumeric();

/** Text → number: trimmed, then cast; what is not a number is null. */
function toNumber(series: pl.Series, dtype: DataType, name: string): pl.Series {
  if (isNumeric(series) || series.dtype.variant === "Bool") return apply(series, pl.col("v").cast(dtype, false), name);
  if (!isTextType(series.dtype)) return pl.Series(name, new Array(series.len()).fill(null), dtype);
  return apply(series, pl.col("v").str.strip().cast(dtype, false), name);
}

/** Times: Datetime kept, text parsed (the lab's formats), numbers as epoch times by their size (common/epoch.ts: s, ms, µs, ns, or Windows FILETIME ticks). */
function toTime(series: pl.Series, name: string): pl.Series {
  if (isTemporalType(series.dtype)) return series.rename(name);
  if (isNumeric(series)) {
    // Epoch times: the unit from a typical value's size, as LocalData's filters tell it. Seconds (Zeek's
    // `ts`, six fraction digits) become µs; ms, µs and ns keep their unit, integers without a float step.
    const epoch = epochUnitOfSeries(series) ?? "s";
    // Windows FILETIME (100 ns ticks since 1601, epoch.ts): ns since 1970, every tick kept.
    if (epoch === "filetime") return apply(series, pl.col("v").cast(pl.Int64).sub(pl.lit(FILETIME_UNIX_EPOCH).cast(pl.Int64)).mul(pl.lit(100).cast(pl.Int64)).cast(pl.Datetime("ns")), name);
    const [unit, scale]: ["ms" | "us" | "ns", number] = epoch === "s" ? ["us", 1e6] : [epoch, 1];
    const int = scale === 1 && !series.dtype.variant.startsWith("Float") ? pl.col("v").cast(pl.Int64) : pl.col("v").cast(pl.Float64).mul(scale).round(0).cast(pl.Int64);
    return apply(series, int.cast(pl.Datetime(unit)), name);
  }
  if (isTextType(series.dtype)) {
    // The readers' rule for slash dates: day first where a day past the 12th proves it; dates that read either
    // way month first (normalizeEvents warns of those fields: slashDateFields).
    const parsed = parseReadTimes(series, name, () => undefined);
    // Times without a year (syslog's `Dec  7 08:15:00`) are not given one here, where no warning would say which:
    // normalizeEvents gives a flat column its years first, with the readers' warning (withYearlessTimes); a nested one keeps the text.
    if (parsed.parsed && !parsed.yearsAssumed) return parsed.series.rename(name);
    if (parsed.yearsAssumed) return series.rename(name);
    // A time field with a few values that are no time (attacker-written text in a log): those rows' times are null, the others kept.
    if (parsed.partial && parsed.partial.nullCount() < parsed.partial.len()) return parsed.partial.rename(name);
    // Zeek JSON may write `ts` as text seconds.
    const numeric = toNumber(series, pl.Float64, name);
    if (numeric.nullCount() < numeric.len()) return toTime(numeric, name);
    return series.rename(name);
  }
  return series.rename(name);
}

/**
 * CEF's `rt`/`start`/`end` text (CommonSecurityLog's `ReceiptTime`, a string column): epoch milliseconds
 * (`1760515200000`) or `MMM dd yyyy HH:mm:ss[.SSS] [zone]` (`Oct 15 2026 08:00:00`), row by row beside the
 * readers' formats, so a column that mixes them loses no row. A zone abbreviation is read by the readers' table
 * (`PST` -08:00, ZONE_OFFSETS in timeParsing.ts); one that names several offsets (`IST`) and the year-less forms
 * (`Oct 15 08:00:00`) are not read: null.
 */
const CEF_MONTH_TIME = String.raw`^([A-Za-z]{3} +[0-9]{1,2} [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,3})?)(?: +([A-Z]{1,5}))?$`;
const EPOCH_MS_TEXT = "^[0-9]{12,13}$";

function cefTime(series: pl.Series, name: string): pl.Series {
  if (!isTextType(series.dtype)) return toTime(series, name);
  const general = toTime(series, name);
  const v = pl.col("v").str.strip();
  const epoch = pl.when(v.str.contains(EPOCH_MS_TEXT)).then(v.cast(pl.Int64, false).cast(pl.Datetime("ms"))).otherwise(pl.lit(null).cast(pl.Datetime("ms")));
  // Single-digit days are padded by some devices with a space (`Oct  5`): squeezed before parsing.
  const zones = Object.keys(ZONE_OFFSETS);
  const zone = v.str.extract(CEF_MONTH_TIME, 2);
  const offset = pl.when(zone.isNull()).then(pl.lit("+00:00")).otherwise(zone.replaceStrict(zones, zones.map((z) => ZONE_OFFSETS[z]), pl.lit(null), pl.Utf8));
  const month = strptimeExpr(pl.concatString([v.str.extract(CEF_MONTH_TIME, 1).str.replaceAll(" +", " "), offset], ""), "%b %d %Y %H:%M:%S%.f%#z", "ms");
  const own = apply(series, epoch.fillNull(month), name);
  if (!isTemporalType(general.dtype)) return own;
  return pl.DataFrame([general.rename("a"), own.cast(general.dtype).rename("b")]).select(pl.col("a").fillNull(pl.col("b")).alias(name)).getColumn(name);
}

/** The part of an account name that is the user: after `\`, before `@`. */
function userPart(series: pl.Series, name: string): pl.Series {
  const cut = (text: pl.Expr): pl.Expr => text.str.replace("^.*\\\\", "").str.replace("@.*$", "");
  const text = pl.col("v").cast(pl.Utf8);
  // A log names a few users over many rows: each distinct name is cut once and mapped back (3–10× faster on
  // 200k rows of 40 users than two patterns on every row); past MAX_DISTINCT_USERS names, the rows themselves.
  if (series.len() > MAX_DISTINCT_USERS) {
    const distinct = pl.DataFrame([series.rename("v")]).select(text.unique().alias("v")).filter(pl.col("v").isNotNull());
    if (frameHeight(distinct) <= MAX_DISTINCT_USERS) {
      const mapped = distinct.select(pl.col("v"), cut(pl.col("v")).alias("m"));
      return apply(series, text.replace(mapped.getColumn("v").toArray() as unknown as string[], mapped.getColumn("m").toArray() as unknown as string[]), name);
    }
  }
  return apply(series, cut(text), name);
}

/** Above this many distinct names (or rows), {@link userPart} cuts the rows themselves (processTreeSteps' perDistinct rule). */
const MAX_DISTINCT_USERS = 4096;

/** A number of a GeoJSON position's text: plain decimals and exponents (a linear pattern: the text is attacker-written). */
const COORDINATE_NUMBER = String.raw`([-+]?[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)`;
/** `[lon, lat]` or `[lon, lat, altitude]` as text: the two numbers as groups 1 and 2. */
const COORDINATE_PAIR = String.raw`^\s*\[\s*${COORDINATE_NUMBER}\s*,\s*${COORDINATE_NUMBER}\s*[,\]]`;

/**
 * One element of a GeoJSON position (OCSF's `location.coordinates`: `[longitude, latitude]`), from a
 * list column (nested JSON) or its JSON text (a flattened CSV). A value outside ±`bound` degrees is
 * null: a pair written the other way round must not put a point where it is not (a longitude of
 * -122 is no latitude); what is no pair is null.
 */
function coordinate(series: pl.Series, index: 0 | 1, bound: number, name: string): pl.Series {
  let value: pl.Expr;
  if (series.dtype.variant === "List" || series.dtype.variant === "Array") value = pl.col("v").lst.get(index).cast(pl.Float64, false);
  else if (isTextType(series.dtype)) value = pl.col("v").str.extract(COORDINATE_PAIR, index + 1).cast(pl.Float64, false);
  else return pl.Series(name, new Array(series.len()).fill(null), pl.Float64);
  return apply(series, pl.when(value.abs().ltEq(pl.lit(bound))).then(value).otherwise(pl.lit(null).cast(pl.Float64)), name);
}

/** `series` converted as the schema table says. */
export function convert(series: pl.Series, as: Conversion | undefined, name: string): pl.Series {
  switch (as) {
    case undefined:
      return series.rename(name);
    case "text":
      return isTextType(series.dtype) ? series.rename(name) : apply(series, pl.col("v").cast(pl.Utf8), name);
    case "int":
      return toNumber(series, pl.Int64, name);
    case "float":
      return toNumber(series, pl.Float64, name);
    case "time":
      return toTime(series, name);
    case "cefTime":
      return cefTime(series, name);
    case "logonType": {
      if (isNumeric(series)) return toNumber(series, pl.Int64, name);
      // Names, with or without spaces ("Remote Interactive"), or digits as text.
      const numbers = toNumber(series, pl.Int64, name);
      const squashed = apply(series, pl.col("v").cast(pl.Utf8).str.replaceAll("[\\s_-]", ""), name);
      const named = lookup(squashed, LOGON_TYPE_NUMBERS, pl.lit(null).cast(pl.Int64), name);
      return apply(pl.DataFrame([numbers.rename("a"), named.rename("b")]).select(pl.col("a").fillNull(pl.col("b")).alias("v")).getColumn("v"), pl.col("v").cast(pl.Int64), name);
    }
    // ECS `event.outcome` success/failure; Okta's `outcome.result` also allow/deny; Defender's DeviceLogonEvents `ActionType` LogonSuccess/LogonFailed.
    case "outcomeEventId":
      return lookup(series, { success: 4624, failure: 4625, allow: 4624, deny: 4625, logonsuccess: 4624, logonfailed: 4625 }, pl.lit(null).cast(pl.Int64), name);
    case "outcomeResultType":
      return lookup(series, { success: 0, failure: FAILED_SIGNIN_RESULT, allow: 0, deny: FAILED_SIGNIN_RESULT, logonsuccess: 0, logonfailed: FAILED_SIGNIN_RESULT }, pl.lit(null).cast(pl.Int64), name);
    case "resultEventId": {
      const code = toNumber(series, pl.Int64, name);
      return apply(code, pl.when(pl.col("v").isNull()).then(pl.lit(null).cast(pl.Int64)).when(pl.col("v").eq(0)).then(pl.lit(4624)).otherwise(pl.lit(4625)).cast(pl.Int64), name);
    }
    case "statusEventId":
      return lookup(series, { "1": 4624, "2": 4625 }, pl.lit(null).cast(pl.Int64), name);
    case "statusResultType":
      return lookup(series, { "1": 0, "2": FAILED_SIGNIN_RESULT }, pl.lit(null).cast(pl.Int64), name);
    case "ocsfLogonType": {
      // OCSF numbers logon types as Windows does, except System (1; Windows' 0) and its own Unknown (0) and Other (99).
      const code = convert(series, "logonType", name);
      return apply(code, pl.when(pl.col("v").eq(1)).then(pl.lit(0)).when(pl.col("v").eq(0).or(pl.col("v").eq(99))).then(pl.lit(null)).otherwise(pl.col("v")).cast(pl.Int64), name);
    }
    case "interactiveLogonType":
      return lookup(series, { true: 2, false: 3 }, pl.lit(null).cast(pl.Int64), name);
    case "userPart":
      return userPart(series, name);
    case "fileNamePart":
      // The last part of a Windows or Unix path (a name without a folder is itself).
      return apply(series, pl.col("v").cast(pl.Utf8).str.extract(String.raw`([^\\/]*)$`, 1), name);
    case "protocolLetter": {
      // IANA numbers as VPC flow logs and OCSF's protocol_num write them; ICMP (1, 58 and Suricata's IPv6-ICMP for IPv6) by name, as Zeek writes it.
      // Suricata writes a protocol it has no name for as zero-padded digits (`"047"`): the number without its zeros, so `"006"` is TCP.
      const text = isTextType(series.dtype) ? apply(series, pl.col("v").str.strip().str.replace("^0+([0-9])", "$1"), name) : series;
      // Defender's DeviceNetworkEvents writes the IP version after the name (`TcpV4`, `UdpV6`, `Icmpv6`).
      return lookup(text, { tcp: "T", udp: "U", tcpv4: "T", tcpv6: "T", udpv4: "U", udpv6: "U", icmpv6: "ICMP", "6": "T", "17": "U", "1": "ICMP", "58": "ICMP", "ipv6-icmp": "ICMP" }, textKey(text).str.toUpperCase(), name);
    }
    case "longitudeOfPair":
      return coordinate(series, 0, 180, name);
    case "latitudeOfPair":
      return coordinate(series, 1, 90, name);
    case "directionLetter":
      return lookup(series, { outbound: "O", egress: "O", inbound: "I", ingress: "I" }, pl.lit(null).cast(pl.Utf8), name);
  }
}

/** True when `series` already has the type the lab expects. */
export function hasLabType(series: pl.Series, type: LabType): boolean {
  switch (type) {
    case "any":
      return true;
    case "text":
      return isTextType(series.dtype);
    case "int":
      return series.isNumeric() && !series.isFloat();
    case "float":
      return series.isNumeric();
    case "time":
      // The lab keeps some times as text (its Parquet files do): text is fine, the provider parses it.
      return isTemporalType(series.dtype) || isTextType(series.dtype);
  }
}

/** The conversion that gives a column the lab's type. */
export function labTypeConversion(type: LabType): Conversion | undefined {
  return type === "any" ? undefined : type;
}

/** The layout whose every column the frame has, each of the lab's type; undefined when none. */
export function inLabLayout(df: pl.DataFrame, layouts: readonly LabLayout[]): LabLayout | undefined {
  const names = new Set(columnNames(df));
  return layouts.find((layout) => layout.columns.every((c) => names.has(c.name) && hasLabType(columnOf(df, c.name), c.type)));
}
