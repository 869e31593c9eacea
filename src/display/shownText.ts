/**
 * Text from data as messages and text forms show it: hidden characters
 * revealed as escapes, then cut (between graphemes, never inside an escape).
 */
import { cutText } from "./cutText";
import { revealHidden, type RevealOptions } from "./hiddenChars";

/** `text` with hidden characters as escapes (`options` as revealHidden takes them), cut at `max` characters. */
export function shownText(text: string, max: number, options?: RevealOptions): string {
  return cutText(revealHidden(text, options), max);
}

/** `text` in double quotes for a message: JSON escapes (`\"`, `\n`), hidden characters revealed, cut at `max`. */
export function quotedText(text: string, max: number): string {
  return `"${shownText(JSON.stringify(text).slice(1, -1), max)}"`;
}
