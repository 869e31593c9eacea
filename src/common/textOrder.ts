/**
 * One order for text shown sorted (timeline lanes, query lists, did-you-mean names, legend categories, the
 * folders a data path is walked in), the same on every machine. `a.localeCompare(b)` without a locale uses the
 * process's default locale, which Node takes from `LANG`/`LC_ALL`: under `sv_SE.UTF-8` `Åsa` came after `Zoe`,
 * under `et_EE.UTF-8` `wanda` after `Zoe`, so a lane order, a query listing or which of two near names was
 * suggested first changed with the analyst's laptop. English collation (ICU's root order: case and accents
 * second to the letters, `admin` before `Bob`) is what the lab was written and tested under.
 */
const COLLATOR = new Intl.Collator("en");

/** Compares two texts in {@link COLLATOR}'s fixed order (negative, 0, positive, as `localeCompare`). */
export function compareText(a: string, b: string): number {
  return COLLATOR.compare(a, b);
}
