/**
 * URL user info hidden in text huntlab shows: a URL captured in a log with a
 * user name and password (`http://admin:pw@host/x`, or a token as the user
 * name) carries a victim's secret. Linear: one pass over the text.
 */

import { bracketedFormOf } from "./defangForms";

/** The mark shown where a URL's user info was. */
export const HIDDEN_USER_INFO = "***";

/**
 * The scheme's `://`, also as defanged indicators write it (`hxxp[:]//`, `[://]`, `:[//]`, `(:)//`: refang reads
 * them as `://`, so the URL had its user info all the same), from refang's table. Each alternative is of bounded
 * width: linear.
 */
const SCHEME_SEPARATOR = new RegExp(`(?:${bracketedFormOf("://")}|(?::|${bracketedFormOf(":")})(?:\\/\\/|${bracketedFormOf("//")}))`, "g");
/** The `@` ending the user info, also defanged (`[at]`, `(@)`, `{ at }`). */
const USER_INFO_END = new RegExp(`@|${bracketedFormOf("@")}`, "gi");
/**
 * A polars (Rust regex) pattern every text with user info to hide matches (an `@` or its defanged forms): a column is
 * screened with it, so that only those cells are read into JavaScript.
 */
export const USER_INFO_SCREEN = `(?i)${USER_INFO_END.source}`;
/**
 * Where a URL's authority ends: / ? #, a backslash (read as /), white space, and what no URL holds unencoded and
 * parseUrlAt (IoC extraction) ends a URL at: " < > | ^ and the backquote. Without them the user info of compact JSON
 * (`{"Url":"http://evil.com","Upn":"bob@corp.com"}`, an entity's value) ran to the e-mail's `@` and hid the host.
 */
const AUTHORITY_END = /[/?#\\\s"<>|`^]/;

/** A space inside a defanged form's brackets (`[ at ]`, `( . )`): part of the authority, not its end. */
function bracketSpace(text: string, i: number): boolean {
  return text[i] === " " && ("[({".includes(text[i - 1] ?? "") || "])}".includes(text[i + 1] ?? ""));
}

/**
 * `text` with the user info of every `scheme://user:pw@host` in it written
 * `***` (`http://***@host/x`), defanged forms too (`hxxp[:]//***[at]host`).
 * The user info runs to the last `@` before the end of the authority (`/`,
 * `?`, `#`, white space, `"`, `<`, `>`, `|`, `^`, a backquote or the end), as the WHATWG parser reads
 * `http://a:p@ss@host/`.
 */
export function hideUrlUserInfo(text: string): string {
  // Every form of the separator holds `//`; every form of the `@` an `@` or an `at`.
  if (!text.includes("//") || !/@|at/i.test(text)) return text;
  let out = "";
  let from = 0;
  SCHEME_SEPARATOR.lastIndex = 0;
  for (let m = SCHEME_SEPARATOR.exec(text); m; m = SCHEME_SEPARATOR.exec(text)) {
    const start = m.index + m[0].length;
    let end = start;
    while (end < text.length && (!AUTHORITY_END.test(text[end]) || bracketSpace(text, end))) end += 1;
    // Within the authority only: a search back past it made text with many `://` and one early `@` quadratic.
    const authority = text.slice(start, end);
    let at = -1;
    USER_INFO_END.lastIndex = 0;
    for (let a = USER_INFO_END.exec(authority); a; a = USER_INFO_END.exec(authority)) at = a.index;
    if (at >= 0) {
      out += `${text.slice(from, start)}${HIDDEN_USER_INFO}`;
      from = start + at;
    } else {
      out += text.slice(from, end);
      from = end;
    }
    // The next separator may begin inside this authority (`x[:]//`: its `[:]`), never before its start.
    SCHEME_SEPARATOR.lastIndex = start;
    if (from >= text.length) break;
  }
  return out + text.slice(from);
}
