/**
 * Text from data as messages and text forms show it: hidden characters
 * revealed as escapes, then cut (between graphemes, never inside an escape).
 */
import { closestNames } from "./errors";
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

/** Longest name (a column, a field) shown in a message, and most names listed: they come from the data. */
const MAX_NAME = 60;
const MAX_NAMES = 30;

/** A name quoted as JSON text, with line, control and bidi characters as escapes (JSON leaves U+202E, U+2028 raw), cut. */
export function quotedName(name: string): string {
  return quotedText(name, MAX_NAME);
}

/** A name in a list: as it is when it reads plainly (short, no hidden characters, quotes or commas), else quoted. */
export function listedName(name: string): string {
  return name.length <= MAX_NAME && /^[^\s",\\](?:[^",\\]*[^\s",\\])?$/.test(name) && revealHidden(name) === name ? name : quotedName(name);
}

/** The first 30 names, comma-separated, and how many more: a frame of 3,000 columns was listed whole. */
export function nameList(names: readonly string[]): string {
  const more = names.length > MAX_NAMES ? ` and ${names.length - MAX_NAMES} more` : "";
  return `${names.slice(0, MAX_NAMES).map(listedName).join(", ")}${more}`;
}

/** " Did you mean A, B?" with the names shown as in a list (common/errors' didYouMean writes them raw), or "". */
export function closeNames(name: string, names: readonly string[]): string {
  const close = closestNames(name, names);
  return close.length ? ` Did you mean ${close.map(listedName).join(", ")}?` : "";
}
