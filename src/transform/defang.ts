/**
 * Defanged indicators: `hxxp://evil[.]com`, `10(.)1(.)2(.)3`, `user[at]evil[.]com`,
 * `sfXp[://]files{.}example[dot]net`. Text that holds any of these forms is
 * refanged before extraction, so the observables come out in their usable form
 * (`http://evil.com`).
 *
 * The forms, any case:
 * - bracketed punctuation, each in `[…]`, `(…)` or `{…}` with matching
 *   brackets and an optional space inside (`[ . ]`): `.` `dot` → `.`;
 *   `at` `@` → `@`; `:` → `:`; `://` → `://`; `//` → `//`; `/` → `/`;
 * - scheme manglings right before `://` (after the brackets are restored):
 *   `hxxp` `hXXp` `hxtp` `htxp` `h**p` → `http`; `fxp` → `ftp`; `sfxp` → `sftp`;
 *   each with an optional `s` (`hxxps` → `https`).
 */

/**
 * Finds text that may hold a defanged form (a cheap test, no false negatives
 * for the forms {@link refang} handles), in polars' (Rust) regex dialect: the
 * vectorised screen of a column. `mayBeDefanged` is the same test in JavaScript.
 */
export const DEFANG_PREFILTER = String.raw`(?i)[\[({] ?(?:\.|dot|at|@|:(?://)?|//?) ?[\])}]|h(?:[x*]{2}|xt|tx)ps?:|s?fxps?:`;

const DEFANG_TEST = /[[({] ?(?:\.|dot|at|@|:(?:\/\/)?|\/\/?) ?[\])}]|h(?:[x*]{2}|xt|tx)ps?:|s?fxps?:/i;

// Bracketed punctuation (each bracket pair must match), then schemes. Every
// alternative has a fixed maximum width: a single linear pass.
const INNER = String.raw` ?(\.|dot|at|@|:\/\/|:|\/\/|\/) ?`;
const BRACKETED = new RegExp(String.raw`\[${INNER}\]|\(${INNER}\)|\{${INNER}\}`, "gi");
const SCHEME = /\b(h(?:[x*]{2}|xt|tx)p|fxp|sfxp)(s?)(?=:\/\/)/gi;

const FANGED: Record<string, string> = { ".": ".", dot: ".", at: "@", "@": "@", ":": ":", "://": "://", "//": "//", "/": "/" };
const SCHEMES: Record<string, string> = { h: "http", f: "ftp", s: "sftp" };

/** True when `text` may hold a defanged indicator. */
export function mayBeDefanged(text: string): boolean {
  return DEFANG_TEST.test(text);
}

/**
 * `text` with defanged forms restored (see the module comment for the list):
 * `evil[.]com` → `evil.com`, `hxxp[:]//x` → `http://x`, `sfXp[://]x` → `sftp://x`.
 * Single linear passes; text without defanged forms is returned as is.
 */
export function refang(text: string): string {
  if (!mayBeDefanged(text)) return text;
  return text
    .replace(BRACKETED, (m, a?: string, b?: string, c?: string) => FANGED[(a ?? b ?? c ?? "").toLowerCase()] ?? m)
    .replace(SCHEME, (_m, scheme: string, s: string) => SCHEMES[scheme[0].toLowerCase()] + s.toLowerCase());
}
