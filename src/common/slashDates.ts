/**
 * The one rule for which field of a slash date (`05/06/2026`) is the day, shared by the column parsers
 * (data/timeParsing.ts) and alerts and entities (which cannot import data/): only the values can prove an order.
 */

/** The first two fields of a slash date at the start of a text (`05/06/2026 …`, `5/6/26`); linear: no nested quantifier. */
export const SLASH_DATE_FIELDS = /^\s*(\d{1,2})\/(\d{1,2})\/\d/;

/** How slash dates are read: `dayFirst` true for day/month; `ambiguous` when nothing in the values proved the order. */
export interface SlashOrder {
  dayFirst: boolean;
  /** No first or second field above 12 and no `dayFirst` asked: read month first, a guess the caller warns of. */
  ambiguous: boolean;
}

/**
 * The order of slash dates from the largest first and second fields among them (`maxFirst`, `maxSecond`), or
 * undefined when no order reads them (both above 12). `dayFirst` (asked by the user) is honoured and never
 * ambiguous; otherwise day first only where a first field above 12 proves it, and month first otherwise, ambiguous
 * when no field is above 12.
 */
export function slashOrder(maxFirst: number, maxSecond: number, options: { dayFirst?: boolean } = {}): SlashOrder | undefined {
  if (maxFirst > 12 && maxSecond > 12) return undefined;
  if (options.dayFirst) return maxSecond > 12 ? undefined : { dayFirst: true, ambiguous: false };
  if (maxFirst > 12) return { dayFirst: true, ambiguous: false };
  return { dayFirst: false, ambiguous: maxSecond <= 12 };
}

/** The first and second fields of a slash date at the start of `text`, or undefined when it starts with none. */
export function slashFields(text: string): [number, number] | undefined {
  const m = SLASH_DATE_FIELDS.exec(text);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** True when some of `values` (a sample) is a slash date with a field above 12: its order is then settled. */
export function slashOrderSettled(values: readonly string[]): boolean {
  return values.some((v) => {
    const f = slashFields(v);
    return f !== undefined && (f[0] > 12 || f[1] > 12);
  });
}

/**
 * True when the slash dates among `values` (a sample) prove day first without `dayFirst` asked: a first field
 * above 12 and no second one ({@link slashOrder}); values that are not slash dates are left out.
 */
export function slashDatesProveDayFirst(values: readonly string[]): boolean {
  let maxFirst = 0;
  let maxSecond = 0;
  for (const v of values) {
    const f = slashFields(v);
    if (!f) continue;
    maxFirst = Math.max(maxFirst, f[0]);
    maxSecond = Math.max(maxSecond, f[1]);
  }
  return slashOrder(maxFirst, maxSecond)?.dayFirst === true;
}
