/**
 * Defanged indicators: `hxxp://evil[.]com`, `10(.)1(.)2(.)3`, `user[at]evil[.]com`.
 * Text that holds any of these forms is refanged before extraction, so the
 * observables come out in their usable form (`http://evil.com`).
 */

/**
 * Finds text that may hold a defanged form (a cheap test, no false negatives
 * for the forms {@link refang} handles), in polars' (Rust) regex dialect: the
 * vectorised screen of a column. `mayBeDefanged` is the same test in JavaScript.
 */
export const DEFANG_PREFILTER = String.raw`(?i)\[\.\]|\(\.\)|\{\.\}|[\[({](?:dot|at|@|:|://)[\])}]|hxxps?|fxps?:`;

const DEFANG_TEST = /\[\.\]|\(\.\)|\{\.\}|[[({](?:dot|at|@|:|:\/\/)[\])}]|hxxps?|fxps?:/i;

// Bracketed dots, ats and colons (each bracket pair must match), then schemes.
const BRACKETED = /\[(\.|dot|at|@|:|:\/\/)\]|\((\.|dot|at|@|:|:\/\/)\)|\{(\.|dot|at|@|:|:\/\/)\}/gi;
const SCHEME = /\b(h[x]{2}p|f[x]p)(s?)(?=:\/\/)/gi;

const FANGED: Record<string, string> = { ".": ".", dot: ".", at: "@", "@": "@", ":": ":", "://": "://" };

/** True when `text` may hold a defanged indicator. */
export function mayBeDefanged(text: string): boolean {
  return DEFANG_TEST.test(text);
}

/**
 * `text` with defanged forms restored: `[.]` `(.)` `{.}` `[dot]` → `.`,
 * `[at]` `(at)` `[@]` → `@`, `[:]` → `:`, `[://]` → `://`, and `hxxp(s)://`,
 * `fxp://` (any case) → `http(s)://`, `ftp://`. Single linear passes.
 */
export function refang(text: string): string {
  if (!mayBeDefanged(text)) return text;
  return text
    .replace(BRACKETED, (_m, a?: string, b?: string, c?: string) => FANGED[(a ?? b ?? c ?? "").toLowerCase()] ?? _m)
    .replace(SCHEME, (_m, scheme: string, s: string) => (scheme.toLowerCase().startsWith("h") ? "http" : "ftp") + s.toLowerCase());
}
