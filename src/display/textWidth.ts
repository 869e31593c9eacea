/**
 * Column alignment in text forms by the width a terminal gives text, not its
 * UTF-16 length: a CJK or full-width character takes two cells, an accent or
 * joiner none, an emoji two. Padding by `length` put the columns after a
 * Japanese host name or an emoji out of line.
 */
import stringWidth from "string-width";

/** Terminal cells `text` takes. */
export function textWidth(text: string): number {
  return stringWidth(text);
}

/** `text` padded with spaces to `width` cells, on the right (default) or, with `right`, on the left. */
export function padText(text: string, width: number, right = false): string {
  const pad = " ".repeat(Math.max(0, width - textWidth(text)));
  return right ? pad + text : text + pad;
}
