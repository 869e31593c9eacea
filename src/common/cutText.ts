/**
 * Long text cut for display, shared by the tables, the text forms and the
 * views' labels. No imports: browser code may bundle it.
 */

const graphemes = typeof Intl !== "undefined" && "Segmenter" in Intl ? new Intl.Segmenter(undefined, { granularity: "grapheme" }) : undefined;

function isRegionalIndicatorLow(code: number): boolean {
  return code >= 0xdde6 && code <= 0xddff;
}

/** Text of printable ASCII characters only (no line break: CR LF is one grapheme). */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** An escape revealHidden writes (`\u202e`, `\u{e0041}`, `\n`) begun but not finished at the end of the text. */
const OPEN_ESCAPE = /\\(?:u(?:\{[0-9a-f]{0,5}|[0-9a-f]{0,3})?)?$/;

/**
 * `text` in at most `max` UTF-16 units, ending in `…` when cut. The cut falls
 * between graphemes (an emoji sequence, a letter and its accents, a Hangul
 * syllable in jamo stay whole; a raw slice left half an emoji or a bare
 * virama) and never inside an escape that revealHidden wrote (`\u20…`).
 */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - 1);
  // Printable ASCII around the cut (most log text): every character is a grapheme, so the cut stays where it is.
  // The segmenter cost ~4 times the rest of a process tree's text form (one cut command line a row).
  if (graphemes && !PRINTABLE_ASCII.test(text.slice(Math.max(0, end - 64), end + 32))) {
    // Grapheme boundaries in a window around the cut (past it: a cluster cut by the window would show false ones).
    let from = Math.max(0, end - 64);
    // Regional indicators pair from the start of their run (🇩🇪🇩🇪…): a window starting inside one paired them wrongly.
    if (from > 0 && text.charCodeAt(from) >= 0xdc00 && text.charCodeAt(from) <= 0xdfff) from -= 1;
    while (from >= 2 && text.charCodeAt(from - 2) === 0xd83c && isRegionalIndicatorLow(text.charCodeAt(from - 1))) from -= 2;
    let last = from;
    for (const { index } of graphemes.segment(text.slice(from, end + 32))) {
      if (from + index > end) break;
      last = from + index;
    }
    if (last > from || from === 0) end = last;
  }
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  const open = OPEN_ESCAPE.exec(text.slice(Math.max(0, end - 8), end));
  if (open) end -= open[0].length;
  return `${text.slice(0, end)}…`;
}
