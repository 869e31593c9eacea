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
 *   each with an optional `s` (`hxxps` → `https`);
 * - characters a browser drops from a host name (IDNA's ignored ones), right after
 *   an ASCII letter, digit or `.` and before another or a `-`: the soft hyphen, combining
 *   grapheme joiner, Mongolian selectors, zero-width space, word joiner, invisible plus,
 *   variation selectors, BOM (`ev\u00adil.com` is evil.com, and was
 *   cut to someone else's `il.com`); an ideographic or full-width dot between
 *   ASCII letters or digits is a dot (`evil。com`).
 */

import { BRACKETED_FORMS, bracketedSource } from "../common/defangForms";

/**
 * Finds text that may hold a defanged form (a cheap test, no false negatives
 * for the forms {@link refang} handles), in polars' (Rust) regex dialect: the
 * vectorised screen of a column. `mayBeDefanged` is the same test in JavaScript.
 */
export const DEFANG_PREFILTER = String.raw`(?i)[\[({] ?(?:\.|dot|at|@|:(?://)?|//?) ?[\])}]|h(?:[x*]{2}|xt|tx)ps?:|s?fxps?:|[\u00ad\u034f\u180b-\u180d\u180f\u200b\u2060\u2064\ufe00-\ufe0f\ufeff\u3002\uff0e\uff61]|[\x{e0100}-\x{e01ef}]`;

// The same pattern in JavaScript: one source, so the screen and `mayBeDefanged` never disagree (the astral
// variation selectors written as JavaScript's surrogate pairs).
const DEFANG_TEST = new RegExp(DEFANG_PREFILTER.replace(/^\(\?i\)/, "").replace(String.raw`[\x{e0100}-\x{e01ef}]`, String.raw`\udb40[\udd00-\uddef]`), "i");

// Bracketed punctuation (each bracket pair must match), then schemes. Every
// alternative has a fixed maximum width: single linear passes. One pass per
// restored form with a constant replacement (no callback): crafted text with a
// form every few characters stays cheap.
// (The bracketed forms' table is shared with hideUrlUserInfo: common/defangForms.ts.)
const BRACKETED: readonly [RegExp, string][] = BRACKETED_FORMS.map(({ inside, fanged }) => [new RegExp(bracketedSource(inside), "gi"), fanged]);
const SCHEMES: readonly [RegExp, string][] = [
  [/\bh(?:[x*]{2}|xt|tx)p(?=s?:\/\/)/gi, "http"],
  [/\bfxp(?=s?:\/\/)/gi, "ftp"],
  [/\bsfxp(?=s?:\/\/)/gi, "sftp"],
];
// Host-name obfuscation by invisible characters and non-ASCII dots (lookarounds of one character: linear).
// The set is IDNA's "ignored" characters (what WHATWG URL drops from a host); after a dot too (`evil.\u200bcom`).
const DROPPED_IN_HOSTS = /(?<=[A-Za-z0-9.])(?:[\u00ad\u034f\u180b-\u180d\u180f\u200b\u2060\u2064\ufe00-\ufe0f\ufeff]|\udb40[\udd00-\uddef])+(?=[A-Za-z0-9.-])/g;
const WIDE_DOTS = /(?<=[A-Za-z0-9])[\u3002\uff0e\uff61](?=[A-Za-z0-9])/g;
// The `s` of a mangled scheme may be upper case (`hXXPS`): lower it where a restored scheme precedes it.
const SCHEME_S = /\b(https?|s?ftp)S(?=:\/\/)/g;

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
  let out = text;
  // Brackets in brackets (`evil[(.)]com`): one pass left `evil[.]com`, and `hxxp://evil[(.)]com/x` gave `http://evil`.
  // A few passes, each linear, until nothing changes.
  for (let pass = 0; pass < 4; pass++) {
    const before = out;
    for (const [pattern, fanged] of BRACKETED) out = out.replace(pattern, fanged);
    if (out === before) break;
  }
  out = out.replace(DROPPED_IN_HOSTS, "").replace(WIDE_DOTS, ".");
  for (const [pattern, scheme] of SCHEMES) out = out.replace(pattern, scheme);
  return out.replace(SCHEME_S, "$1s");
}
