/** Text columns built from JavaScript values through a dictionary of their distinct values. */
import pl from "nodejs-polars";

/**
 * A text column built row by row as codes into its distinct values, for columns mostly null or repeating (an EVTX
 * file's fields of 31 event ids, its providers and hosts): polars' string constructor converts every cell, nulls
 * included (~30% of an EVTX read); a typed array of codes and one gather cost a third of that.
 */
export class CodedText {
  private readonly codes: Uint32Array;
  private readonly code = new Map<string, number>();
  /** Code 0 is null. */
  private readonly distinct: (string | null)[] = [null];

  constructor(rows: number) {
    this.codes = new Uint32Array(rows);
  }

  set(row: number, value: string): void {
    let code = this.code.get(value);
    if (code === undefined) {
      code = this.distinct.push(value) - 1;
      this.code.set(value, code);
    }
    this.codes[row] = code;
  }

  series(name: string): pl.Series {
    return codedSeries(name, this.distinct, this.codes);
  }
}

/** The text column of `codes` into `distinct` (code 0: `distinct[0]`, null for {@link CodedText}). */
export function codedSeries(name: string, distinct: readonly (string | null)[], codes: Uint32Array): pl.Series {
  // Gathered in a frame's select: a Series' own gather takes a JS array only.
  const values = pl.Series("v", distinct as (string | null)[], pl.Utf8);
  return pl.DataFrame([values]).select(pl.col("v").gather(pl.Series("i", codes))).getColumn("v").rename(name);
}
