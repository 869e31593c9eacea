/**
 * The display protocol shared by every huntlab output.
 *
 * An object that can show itself implements `[JUPYTER_DISPLAY]()` and returns a
 * MIME bundle. The symbol is the one Deno's Jupyter kernel and nodejs-polars use,
 * so Deno renders huntlab objects as a cell's last value without any help.
 *
 * Deno's kernel calls that method itself (`format` in its cli/js/40_jupyter.js), not
 * huntlab's `toMimeBundle`: so every display method returns its bundle through
 * {@link wellFormedBundle}, the guard `toMimeBundle` applies (test/display/denoLastValue.test.ts
 * checks the methods in src). Deno (2.9) itself sends a lone surrogate as U+FFFD, so its
 * notebooks save either way; through the guard the character shows as the escape tslab shows.
 */
import { escapeLoneSurrogates, isWellFormed } from "../common/hiddenChars";

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

/** Nesting walked before the JSON text is searched instead (no view's JSON is nearly so deep). */
const MAX_WALK_DEPTH = 64;

/**
 * Whether a JSON value has a lone surrogate in a string or key: a walk (about 6 ms for a 25,000-event
 * timeline's 2 MB spec, where writing its JSON took 25 ms or more), so the common case costs little.
 */
function holdsLoneSurrogate(value: unknown, depth = 0): boolean {
  if (typeof value === "string") return !isWellFormed(value);
  if (value === null || typeof value !== "object") return false;
  if (depth > MAX_WALK_DEPTH) {
    try {
      return /\\ud[89a-f]/.test(JSON.stringify(value) ?? "");
    } catch {
      return false;
    }
  }
  if (Array.isArray(value)) return value.some((v) => holdsLoneSurrogate(v, depth + 1));
  for (const key of Object.keys(value)) if (!isWellFormed(key) || holdsLoneSurrogate((value as Record<string, unknown>)[key], depth + 1)) return true;
  return false;
}

/**
 * A lone surrogate as JSON.stringify writes it (`\\ud800`, always lower case), after the backslashes before it:
 * the whole run, from its first backslash (else each backslash of a long run started a match that took the rest of
 * the run and failed: a value of 40k backslashes beside one lone surrogate took 22 s).
 */
const LONE_SURROGATE_JSON = /(?<!\\)(\\+)(ud[89a-f][0-9a-f]{2})/g;

/**
 * `bundle` with every lone surrogate, in its texts and in the strings (keys too) of its JSON values, as a
 * visible escape (`\ud800`); the bundle itself when it has none. A lone surrogate cannot be written as
 * UTF-8: a notebook with one in an output could not be saved (nbformat raised, JupyterLab's save failed
 * with 500 and the file was left empty). Views reveal them in what they write; this is the last guard for
 * whatever any view or value passes on, so no output of huntlab holds one.
 */
export function wellFormedBundle(bundle: MimeBundle): MimeBundle {
  let out: MimeBundle | undefined;
  for (const [mime, value] of Object.entries(bundle)) {
    const fixed = typeof value === "string" ? escapeLoneSurrogates(value) : wellFormedJson(value);
    if (fixed === value) continue;
    out ??= { ...bundle };
    out[mime] = fixed;
  }
  return out ?? bundle;
}

/**
 * A JSON value with its lone surrogates as text escapes: JSON.stringify writes each as `\ud800`, which is
 * made `\\ud800` (a backslash and the letters) before the text is read back. Values JSON cannot write
 * (a BigInt) are left as they are: the transport could not send them either.
 */
function wellFormedJson(value: unknown): unknown {
  if (!holdsLoneSurrogate(value)) return value;
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    return value;
  }
  if (json === undefined) return value;
  const escaped = json.replace(LONE_SURROGATE_JSON, (all, slashes: string, code: string) => (slashes.length % 2 === 1 ? `${slashes}\\${code}` : all));
  return escaped === json ? value : (JSON.parse(escaped) as unknown);
}
