/**
 * Integers wider than Int64. polars reads a column of integers beyond Int64's
 * range (unsigned 64-bit IDs such as `18446744073709551615`) from CSV and JSON
 * as Int128, a type nodejs-polars cannot hand to JavaScript: `df.dtypes`, the
 * table display and every later step throw "DataType Int128 is not supported
 * for JS conversion", naming no column. Such columns become text, every digit
 * kept (pandas reads them as uint64, or as text beyond it); a struct holding
 * one becomes its JSON text, as nested JSON is kept elsewhere.
 */
import pl from "nodejs-polars";
import { jsDtype } from "./dtypes";
import { columnNames, columnOf, renameAll } from "./frames";

/** `df` with every column whose type JavaScript cannot read as text (see the module comment); `df` itself when there is none. */
export function wideIntsAsText(df: pl.DataFrame): pl.DataFrame {
  try {
    void df.dtypes;
    return df;
  } catch {
    // One column or more of a type JavaScript cannot read: found column by column below.
  }
  const names = columnNames(df);
  // Plain names inside: column names come from the data.
  const plain = renameAll(df, names.map((_, i) => `c${i}`));
  const exprs = names.flatMap((name, i) => {
    if (jsDtype(columnOf(df, name)) !== undefined) return [];
    const col = pl.col(`c${i}`);
    try {
      plain.head(0).select(col.struct.jsonEncode());
      // A null cell stays null (JSON encoding wrote it as the text "null", which isNull, dropNulls and
      // every filter then took for a value).
      return [pl.when(col.isNull()).then(pl.lit(null).cast(pl.Utf8)).otherwise(col.struct.jsonEncode()).alias(`c${i}`)];
    } catch {
      return [col.cast(pl.Utf8).alias(`c${i}`)];
    }
  });
  return renameAll(exprs.length ? plain.withColumns(...exprs) : plain, names);
}

