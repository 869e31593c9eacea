/** Nested JSON kept as text columns (EventProperties, alert Entities…), parsed on demand. */
import pl from "nodejs-polars";
import { DataColumnError, dataMessages as msg, dataWarnings } from "./messages";
import { MAX_JSON_DEPTH } from "./jsonDuplicateKeys";
import { printWarning } from "../common/messages";
import { isTextType } from "../common/dtypes";
import { columnNames, columnOf } from "../common/frames";
import { wideIntsAsText } from "../common/wideInts";
import { jsonDeeperThan, jsonErrorText, parseJsonIntegersAsText } from "../common/json";

/** Options of {@link parseJsonColumn}. */
export interface ParseJsonColumnOptions {
  /** Where the warning about cells nested too deep goes (default: printWarning, under the cell). */
  warn?: (message: string) => void;
}

/**
 * Parses a JSON text column into JS values, one per row (null stays null), integers past 2^53 as their exact digits.
 * A cell nesting arrays or objects more than MAX_JSON_DEPTH (64) levels deep is null, with one warning naming the
 * column and rows (the data files' limit: no log needs more, and the exact-integer reader, a recursive walk,
 * overflowed the stack on a few thousand levels). Throws naming the column and row of the first value that is not JSON.
 */
export function parseJsonColumn(df: pl.DataFrame, column: string, options: ParseJsonColumnOptions = {}): unknown[] {
  // The data package's own error for a missing column, as parseTimeColumns raises it.
  const names = columnNames(df);
  if (!names.includes(column)) throw new DataColumnError(msg.columnMissing("parseJsonColumn", column, names));
  df = wideIntsAsText(df);
  const series = columnOf(df, column, "parseJsonColumn");
  if (!isTextType(series.dtype)) throw new DataColumnError(msg.columnNotJsonText(column, series.dtype.variant));
  const deep: number[] = [];
  const values = (series.toArray() as (string | null)[]).map((text, row) => {
    if (text === null || text === "") return null;
    // One scan before the parse: a hostile cell loses itself, not the column (the rows after it are still read).
    if (jsonDeeperThan(text, MAX_JSON_DEPTH)) {
      deep.push(row);
      return null;
    }
    try {
      // Integers past 2^53 (a LogonId, a FILETIME in EventProperties) as their exact digits: JSON.parse rounded them.
      return parseJsonIntegersAsText(text);
    } catch (err) {
      throw new DataColumnError(msg.jsonInvalid(column, row, jsonErrorText(err)));
    }
  });
  if (deep.length) (options.warn ?? printWarning)(dataWarnings.columnJsonTooDeep(column, deep, MAX_JSON_DEPTH));
  return values;
}
