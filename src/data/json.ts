/** Nested JSON kept as text columns (EventProperties, alert Entities…), parsed on demand. */
import pl from "nodejs-polars";
import { HuntlabError } from "../common/errors";
import { isTextType } from "../common/dtypes";
import { columnOf } from "../common/frames";

/**
 * Parses a JSON text column into JS values, one per row (null stays null).
 * Throws naming the column and row of the first value that is not JSON.
 */
export function parseJsonColumn(df: pl.DataFrame, column: string): unknown[] {
  const series = columnOf(df, column, "parseJsonColumn");
  if (!isTextType(series.dtype)) throw new HuntlabError(`parseJsonColumn: column "${column}" is ${series.dtype.variant}, not JSON text`);
  return (series.toArray() as (string | null)[]).map((text, row) => {
    if (text === null || text === "") return null;
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      throw new HuntlabError(`parseJsonColumn: column "${column}", row ${row}: not JSON (${(err as Error).message})`);
    }
  });
}
