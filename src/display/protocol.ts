/**
 * The display protocol shared by every huntlab output.
 *
 * An object that can show itself implements `[JUPYTER_DISPLAY]()` and returns a
 * MIME bundle. The symbol is the one Deno's Jupyter kernel and nodejs-polars use,
 * so Deno renders huntlab objects as a cell's last value without any help.
 */

/** `Symbol.for("Jupyter.display")`: the well-known key of the display method. */
export const JUPYTER_DISPLAY: unique symbol = Symbol.for("Jupyter.display") as never;

/**
 * MIME type → representation. Text types are strings, `application/*+json`
 * types are plain JSON values, binary image types are base64 strings.
 */
export type MimeBundle = { [mimeType: string]: unknown };

/** Anything that renders itself as a MIME bundle. */
export interface Displayable {
  [JUPYTER_DISPLAY](): MimeBundle;
}

/** True when `value` implements the display protocol. */
export function isDisplayable(value: unknown): value is Displayable {
  return (
    value !== null &&
    (typeof value === "object" || typeof value === "function") &&
    typeof (value as Partial<Displayable>)[JUPYTER_DISPLAY] === "function"
  );
}
