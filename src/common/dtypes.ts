/** Small checks on polars data types (nodejs-polars has both `Utf8` and `String` variants for text). */
import pl, { type DataType, type Expr, type Series } from "nodejs-polars";

/**
 * A column's type, or undefined where nodejs-polars cannot describe it to JavaScript: 128-bit integers
 * (JSON ids past 2^64), alone or inside a list or struct, make `series.dtype` throw
 * "DataType Int128 is not supported for JS conversion".
 */
export function jsDtype(series: Series): DataType | undefined {
  try {
    return series.dtype;
  } catch {
    return undefined;
  }
}

/** True for text columns. */
export function isTextType(dtype: DataType): boolean {
  return dtype.variant === "Utf8" || dtype.variant === "String";
}

/**
 * A Categorical or Enum column (dictionary-encoded text: a Parquet or Arrow file's dictionary strings, pandas'
 * `category` dtype, as polars reads them) as plain text; any other column as it is. For code that reads text
 * through {@link isTextType}, which a Categorical column failed ("must be text; it is Categorical").
 */
export function plainText(series: Series): Series {
  return isCategoricalText(series.dtype) ? series.cast(pl.Utf8) : series;
}

/** True for Categorical and Enum columns: text, dictionary-encoded. */
export function isCategoricalText(dtype: DataType): boolean {
  const variant = dtype.variant as string;
  return variant === "Categorical" || variant === "Enum";
}

/** True for a Decimal of scale 0 (Spark's and Databricks' 128-bit ids): whole numbers, which its text writes exactly. */
export function isWholeDecimal(dtype: DataType): boolean {
  return dtype.variant === "Decimal" && /Decimal\([^,()]*,\s*0\)/.test(String(dtype));
}

/** True for Datetime and Date columns. */
export function isTemporalType(dtype: DataType): boolean {
  return dtype.variant === "Datetime" || dtype.variant === "Date";
}

/**
 * `expr` (a column of type `dtype`) as text: text as is; a list as its
 * elements' text joined by spaces (nested lists too), since polars cannot cast
 * a list to text; anything else as polars writes it (`4688`, `1.5`, `{1,"a"}`).
 * Nulls stay null; an empty list is "", and a list's null elements are left out.
 */
export function textExpr(expr: Expr, dtype: DataType): Expr {
  if (isTextType(dtype)) return expr;
  if (dtype.variant === "List" || dtype.variant === "FixedSizeList") {
    const inner = (dtype as unknown as { inner?: DataType[] }).inner?.[0];
    // A fixed-size list is made a List first, for lst.eval.
    const list = dtype.variant === "List" ? expr : expr.cast(pl.List(inner ?? pl.Utf8));
    // Null elements are dropped: polars joins a list holding one to null, which lost the whole cell.
    return list.lst.eval((inner ? textExpr(pl.element(), inner) : pl.element().cast(pl.Utf8)).dropNulls()).lst.join(" ");
  }
  // polars cannot cast a Duration to text (the query failed, blaming its file): its count in the column's unit.
  if (dtype.variant === "Duration") return expr.cast(pl.Int64).cast(pl.Utf8);
  return expr.cast(pl.Utf8);
}

/** `series` as text ({@link textExpr}; a text series as it is), its name kept; `nullAs` fills its nulls. */
export function textSeries(series: Series, nullAs?: string): Series {
  if (isTextType(series.dtype) && (nullAs === undefined || series.nullCount() === 0)) return series;
  const text = textExpr(pl.col("t"), series.dtype);
  return pl.DataFrame([series.rename("t")]).select((nullAs === undefined ? text : text.fillNull(pl.lit(nullAs))).alias("t")).getColumn("t").rename(series.name);
}

/**
 * A Date or Datetime series as `YYYY-MM-DD hh:mm:ss.sss` text (cut to the ms), null for null; a zoned column
 * in its own zone with its offset (`2024-03-10 01:59:59.999-05:00`), as the table display shows it, never as
 * UTC without a word.
 */
export function msTimeTexts(series: Series): (string | null)[] {
  const zone = series.dtype.variant === "Datetime" ? ((series.dtype as unknown as { inner: [unknown, string | null | undefined] }).inner[1] ?? undefined) : undefined;
  const text = pl.col("v").cast(pl.Datetime("ms", zone)).dt.strftime(`%Y-%m-%d %H:%M:%S%.3f${zone ? "%:z" : ""}`);
  return pl.DataFrame([series.rename("v")]).select(text).getColumn("v").toArray() as unknown as (string | null)[];
}

/**
 * A literal of a Datetime column's own type (unit and time zone), so polars
 * compares without casting the column: exact for µs and ns data, right for any
 * time zone (both sides are UTC instants), and pushable to Parquet statistics.
 */
export function timeLiteral(date: Date, dtype: DataType, extraNs = 0): Expr {
  const [unit, zone] = (dtype as unknown as { inner: [string | undefined, string | null | undefined] }).inner;
  const timeUnit = unit === "ns" || unit === "us" ? unit : "ms";
  const factor = timeUnit === "ns" ? 1_000_000 : timeUnit === "us" ? 1_000 : 1;
  // `extraNs`: nanoseconds past the Date's millisecond, kept as far as the unit holds them.
  const extra = timeUnit === "ns" ? extraNs : timeUnit === "us" ? Math.floor(extraNs / 1000) : 0;
  // Integer arithmetic inside polars: epoch ns do not fit a JS number exactly.
  const units = pl.lit(date.getTime()).cast(pl.Int64).mul(pl.lit(factor).cast(pl.Int64));
  return (extra ? units.add(pl.lit(extra).cast(pl.Int64)) : units).cast(pl.Datetime(timeUnit, zone ?? undefined));
}
