/**
 * URL user info hidden in text huntlab shows: a URL captured in a log with a
 * user name and password (`http://admin:pw@host/x`, or a token as the user
 * name) carries a victim's secret. Linear: one pass over the text.
 */

/** The mark shown where a URL's user info was. */
export const HIDDEN_USER_INFO = "***";

/**
 * `text` with the user info of every `scheme://user:pw@host` in it written
 * `***` (`http://***@host/x`). The user info runs to the last `@` before the
 * end of the authority (`/`, `?`, `#`, white space or the end), as the WHATWG
 * parser reads `http://a:p@ss@host/`.
 */
export function hideUrlUserInfo(text: string): string {
  if (!text.includes("@") || !text.includes("://")) return text;
  let out = "";
  let from = 0;
  for (let i = text.indexOf("://"); i >= 0; i = text.indexOf("://", from)) {
    const start = i + 3;
    let end = start;
    while (end < text.length && !AUTHORITY_END.test(text[end])) end += 1;
    // Within the authority only: a search back past it made text with many `://` and one early `@` quadratic.
    const at = start + text.slice(start, end).lastIndexOf("@");
    if (at >= start) {
      out += `${text.slice(from, start)}${HIDDEN_USER_INFO}`;
      from = at;
    } else {
      out += text.slice(from, end);
      from = end;
    }
    if (from >= text.length) break;
  }
  return out + text.slice(from);
}

const AUTHORITY_END = /[/?#\\\s]/;
