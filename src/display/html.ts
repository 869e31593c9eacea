/**
 * HTML from code and data. Log data is attacker-controlled, so markup is
 * written with the {@link html} tagged template, which escapes every
 * interpolated value unless it is itself an {@link SafeHtml} fragment:
 *
 * ```ts
 * html`<td title="${cell.full}">${cell.text}</td>`   // both values escaped
 * html`<ul>${items.map((i) => html`<li>${i}</li>`)}</ul>`  // fragments nest
 * ```
 *
 * Escaping also reveals invisible characters (bidi overrides, zero-width
 * characters, control codes) as `\uXXXX`, so a file name such as
 * `invoice\u202Egpj.exe` cannot pass for `invoiceexe.jpg` in any view.
 */

import { hasRtl, revealHidden } from "../common/hiddenChars";

export { revealHidden, type RevealOptions } from "../common/hiddenChars";

/** A piece of markup that is already safe: it is inserted into templates as is. */
export class SafeHtml {
  constructor(readonly value: string) {}

  /** The markup as it is. */
  toString(): string {
    return this.value;
  }
}

/** What a template accepts: text (escaped), fragments (as is), lists of either; `null`, `undefined` and `false` render nothing. */
export type HtmlValue = SafeHtml | string | number | bigint | boolean | null | undefined | readonly HtmlValue[];

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
  "`": "&#96;",
};

/**
 * Classes on the root of every huntlab HTML output that keep the front end's TeX typesetting out of it: MathJax
 * (JupyterLab 4's, version 3: `mathjax_ignore`; nbconvert's HTML and classic Notebook's, version 2:
 * `tex2jax_ignore`) typesets `$…$` in HTML outputs, trusted or not, so data shown as text became math: a
 * command line `powershell -c "$a=1; $b=2"` lost its `$`s, and `$\phantom{payload}$` or `$\color{white}{…}$`
 * in a log field hid the text from the hunter (checked in JupyterLab 4.6; pandas marks its tables the same way).
 */
export const NO_TEX_CLASSES = "tex2jax_ignore mathjax_ignore";

/**
 * Escapes text for element content and quoted attribute values. Plain
 * escaping, no revealing: use it for text that is ours (e.g. generated CSS
 * sizes); the `html` template is the rule for everything else.
 */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"'`]/g, (ch) => HTML_ESCAPES[ch]);
}

/**
 * Line breaks of data that would leave a blank line in the markup, written as
 * `&#10;` (the same line break in a `<pre>` or a title). A notebook's HTML
 * output exported to Markdown (`nbconvert --to markdown`, a docs site) is a
 * CommonMark HTML block, which ends at its first blank line: a TI description
 * with a blank line in it ended the block, and what followed was read as
 * Markdown (the data's `![x](https://…)` became an image fetched from its
 * server). A break is written so when the line before or after it is empty or
 * blank, or it starts or ends the text (text beside it may end or start a
 * line); the others stay as they are (a pretty-printed raw result keeps its
 * size).
 */
const LINE_BREAKS = /(\r\n|\r|\n)/;
const BLANK = /^[ \t]*$/;
/** Is there an empty or blank line, at the start, between breaks or at the end (one pass; most text has none)? */
const HAS_BLANK_LINE = /(?:^|\r|\n)[ \t]*(?:\r|\n|$)/;

/** `text` with every line break that borders an empty or blank line as `&#10;`. */
function breakBlankLines(text: string): string {
  if (!HAS_BLANK_LINE.test(text)) return text;
  // Lines and the breaks between them, alternating; each line is tested at most twice (linear).
  const parts = text.split(LINE_BREAKS);
  const blank = parts.map((p, i) => i % 2 === 0 && BLANK.test(p));
  for (let i = 1; i < parts.length; i += 2) if (blank[i - 1] || blank[i + 1]) parts[i] = "&#10;";
  return parts.join("");
}

/** Escaped, revealed text: what the template does to a string. Line layout is kept (blank lines as `&#10;`). */
export function escapeText(value: unknown): string {
  return breakBlankLines(escapeHtml(revealHidden(String(value), { keepLayout: true })));
}

/**
 * Text for element content only — `<pre>${elementText(json)}</pre>`, never an
 * attribute value: revealed as the template does, but only `&`, `<` and `>`
 * escaped. Between tags quotes and backticks mean nothing, and JSON is full of
 * quotes: as `&quot;` they were a third of a TI results browser's bytes.
 */
export function elementText(value: string): SafeHtml {
  return new SafeHtml(breakBlankLines(revealHidden(value, { keepLayout: true }).replace(/[&<>]/g, (ch) => HTML_ESCAPES[ch])));
}

function render(value: HtmlValue): string {
  if (value instanceof SafeHtml) return value.value;
  if (value === null || value === undefined || value === false) return "";
  if (Array.isArray(value)) return value.map(render).join("");
  return escapeText(value);
}

/** The auto-escaping template tag; see the module comment. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0];
  for (let i = 0; i < values.length; i += 1) out += render(values[i]) + strings[i + 1];
  return new SafeHtml(out);
}

/**
 * Text from data in markup that puts our words beside it (`name: 2024-01-01 … (3 events)`): escaped and revealed
 * as the template does, and in a `<bdi>` when it holds right-to-left letters, so a Hebrew or Arabic value cannot
 * take the neutral and numeric text after it into its run (the time showed before the name). An element, not
 * isolate characters: text copied from the page stays the value; and `<bdi>` isolates without a style sheet
 * (an untrusted notebook's output loses it). Other text is left as it is: the markup of plain text does not change.
 */
export function isolatedText(value: string): SafeHtml {
  return hasRtl(value) ? html`<bdi>${value}</bdi>` : html`${value}`;
}

/**
 * Trusted markup made by code, never from data: a generated style sheet, a
 * `data:` URI we encoded. The name is meant to stand out in review.
 */
export function trustedHtml(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

/** Joins fragments (and escaped text) with a separator. */
export function joinHtml(parts: readonly HtmlValue[], separator = ""): SafeHtml {
  return new SafeHtml(parts.map(render).join(render(separator)));
}

/**
 * Serialises a value as JSON that is safe inside a `<script>` element:
 * `<`, `>`, `&` and the JS line separators are written as unicode escapes, so
 * data can never close the element or start an HTML comment.
 */
export function jsonForScript(value: unknown): string {
  return (JSON.stringify(value) ?? "null")
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** Data for a page script: one `<script type="application/json">` element (never executed). */
export function jsonScript(value: unknown, className: string): SafeHtml {
  return new SafeHtml(`<script type="application/json" class="${escapeHtml(className)}">${jsonForScript(value)}</script>`);
}

/** A `<style>` element; `</` is broken up so the sheet cannot close the element. */
export function styleElement(css: string): SafeHtml {
  return new SafeHtml(`<style>${css.replace(/<\//g, "<\\/")}</style>`);
}
