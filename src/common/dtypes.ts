/** Small checks on polars data types (nodejs-polars has both `Utf8` and `String` variants for text). */
import type { DataType } from "nodejs-polars";

/** True for text columns. */
export function isTextType(dtype: DataType): boolean {
  return dtype.variant === "Utf8" || dtype.variant === "String";
}

/** True for Datetime and Date columns. */
export function isTemporalType(dtype: DataType): boolean {
  return dtype.variant === "Datetime" || dtype.variant === "Date";
}
