/**
 * Invisible characters made visible, shared by Node (the `html` template,
 * DataFrame tables) and the browser views (src/vis/client/text.ts), so both
 * sides reveal the same set. No imports: it is bundled into browser code.
 */

// Control characters, C1 controls, zero-width and bidi formatting characters
// (Trojan Source), line/paragraph separators, the BOM, and characters that
// render as nothing: the soft hyphen (`cmd\u00ad.exe` looks like `cmd.exe`),
// the combining grapheme joiner, Hangul and Khmer fillers, Mongolian
// selectors, interlinear annotation marks, and tag characters U+E0000–E007F
// (text hidden after a visible name, "ASCII smuggling"), and variation selectors after ASCII or one another (a run
// of them encodes hidden bytes after a name; after an emoji, a CJK character or in a keycap `1\ufe0f\u20e3` they choose its form: kept).
// Lone surrogates too (half an emoji from a cut, `"\ud800"` in JSON data): no UTF-8 can carry them, so a notebook
// holding one in an output could not be saved (nbformat, JupyterLab's save and jupyter_client refuse it).
const HIDDEN_CHARS = /[\u0000-\u001f\u007f-\u009f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb]|\udb40[\udc00-\udc7f]|(?<=[\u0000-\u007f\ufe00-\ufe0f]|\udb40[\udd00-\uddef])(?:[\ufe00-\ufe0f]|\udb40[\udd00-\uddef])(?!\u20e3)|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
// Tab and line breaks are layout, not spoofing: kept where text may span lines.
const HIDDEN_EXCEPT_LAYOUT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb]|\udb40[\udc00-\udc7f]|(?<=[\u0000-\u007f\ufe00-\ufe0f]|\udb40[\udd00-\uddef])(?:[\ufe00-\ufe0f]|\udb40[\udd00-\uddef])(?!\u20e3)|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const NAMED_ESCAPES: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** Options of {@link revealHidden}. */
export interface RevealOptions {
  /** Keep tab, CR and LF as they are (multi-line text such as queries and command lines). Default false. */
  keepLayout?: boolean;
}

/** A UTF-16 surrogate without its other half. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function escapeOf(ch: string): string {
  return NAMED_ESCAPES[ch] ?? (ch.length === 2 ? `\\u{${ch.codePointAt(0)!.toString(16)}}` : `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** Shows invisible characters as escapes: ESC → `\u001b`, RLO → `\u202e`, newline → `\n` (unless `keepLayout`). */
export function revealHidden(text: string, options: RevealOptions = {}): string {
  const pattern = options.keepLayout ? HIDDEN_EXCEPT_LAYOUT : HIDDEN_CHARS;
  return text.replace(pattern, escapeOf);
}

/**
 * `text` with its lone surrogates as escapes (`\ud800`) and nothing else changed: the last guard on what
 * goes out (a MIME bundle), where every other character is the view's business.
 */
export function escapeLoneSurrogates(text: string): string {
  return isWellFormed(text) ? text : text.replace(LONE_SURROGATE, escapeOf);
}

/** `String.prototype.isWellFormed` (ES2024: Node 20, Deno, current browsers; a scan in native code). */
const nativeWellFormed = (String.prototype as { isWellFormed?: (this: string) => boolean }).isWellFormed;

/** True when `text` has no lone surrogate (it can be written as UTF-8). */
export function isWellFormed(text: string): boolean {
  if (nativeWellFormed) return nativeWellFormed.call(text);
  LONE_SURROGATE.lastIndex = 0;
  return !LONE_SURROGATE.test(text);
}

/**
 * Multi-line text whose line breaks are the writer's own (a view's text
 * form): each line's hidden characters revealed, CR and tab included, so data
 * in it cannot move a terminal's cursor, recolour or reorder what follows.
 */
export function revealLines(text: string): string {
  return text
    .split("\n")
    .map((line) => revealHidden(line))
    .join("\n");
}

/** A letter of a right-to-left script (Hebrew, Arabic, Syriac, Thaana, N'Ko…; their presentation forms). */
const RTL_LETTER = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]|\ud802[\udc00-\udfff]|\ud803[\udc00-\ude7f]|\ud83a[\udc00-\udfff]/;

/**
 * Text with right-to-left letters wrapped in first-strong isolate … pop isolate (U+2068 U+2069), for a line
 * of several values (a text table's cells, a list of lanes): a Hebrew or Arabic name reordered the values
 * beside it, so numbers showed under other columns' names.
 */
export function isolateRtl(text: string): string {
  return RTL_LETTER.test(text) ? `\u2068${text}\u2069` : text;
}

/** True when `text` holds a letter of a right-to-left script (see {@link isolateRtl}). */
export function hasRtl(text: string): boolean {
  return RTL_LETTER.test(text);
}
