/** Nested JSON kept as text columns (EventProperties, alert Entities…), parsed on demand. */
import pl from "nodejs-polars";
import { DataColumnError, dataMessages as msg } from "./messages";
import { isTextType } from "../common/dtypes";
import { columnNames, columnOf } from "../common/frames";
import { wideIntsAsText } from "../common/wideInts";
import { jsonErrorText, parseJsonIntegersAsText } from "../common/json";

/**
 * Parses a JSON text column into JS values, one per row (null stays null), integers past 2^53 as their exact digits.
 * Throws naming the column and row of the first value that is not JSON.
 */
export function parseJsonColumn(df: pl.DataFrame, column: string): unknown[] {
  // The data package's own error for a missing column, as parseTimeColumns raises it.
  const names = columnNames(df);
  if (!names.includes(column)) throw new DataColumnError(msg.columnMissing("parseJsonColumn", column, names));
  df = wideIntsAsText(df);
  const series = columnOf(df, column, "parseJsonColumn");
  if (!isTextType(series.dtype)) throw new DataColumnError(msg.columnNotJsonText(column, series.dtype.variant));
  return (series.toArray() as (string | null)[]).map((text, row) => {
    if (text === null || text === "") return null;
    try {
      // Integers past 2^53 (a LogonId, a FILETIME in EventProperties) as their exact digits: JSON.parse rounded them.
      return parseJsonIntegersAsText(text);
    } catch (err) {
      throw new DataColumnError(msg.jsonInvalid(column, row, jsonErrorText(err)));
    }
  });
}
