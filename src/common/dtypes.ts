/** Small checks on polars data types (nodejs-polars has both `Utf8` and `String` variants for text). */
import type pl from "nodejs-polars";

/** True for text columns. */
export function isTextType(dtype: pl.DataType): boolean {
  return dtype.variant === "Utf8" || dtype.variant === "String";
}

/** True for Datetime and Date columns. */
export function isTemporalType(dtype: pl.DataType): boolean {
  return dtype.variant === "Datetime" || dtype.variant === "Date";
}
