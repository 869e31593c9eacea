/**
 * Property: markup built from attacker-controlled text by the `html` template
 * (and by the DataFrame table and HtmlView, which use it) parses, in a real
 * HTML parser (Chromium's, through playwright), into exactly the elements and
 * attributes the template wrote — the text can add none — and the parsed text
 * is the revealed text: no raw bidi, zero-width or control character is left.
 *
 * The parser normalises CR and CRLF to LF (HTML's input stream
 * preprocessing), so the expected text does too.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import fc from "fast-check";
import pl from "nodejs-polars";
import type { Browser, Page } from "playwright-core";
import { dataFrameToHtml } from "../../src/display/dataframe";
import { elementText, html, revealHidden } from "../../src/display/html";
import { htmlView } from "../../src/display/htmlView";
import { chromiumMissing, launchChromium } from "../browser/chromium";
import { runs } from "./settings";

// ---------------------------------------------------------------- generators

/** Bidi controls (Unicode Bidi_Control), zero-width characters, C0/C1 controls, separators, BOM. */
const HIDDEN_UNITS = [
  "\u061c", "\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069",
  "\u200b", "\u200c", "\u200d", "\u2060", "\u2061", "\u2062", "\u2063", "\u2064", "\ufeff", "\u2028", "\u2029",
  "\u0000", "\u0001", "\u0007", "\u0008", "\u000b", "\u000c", "\u001b", "\u007f", "\u0080", "\u0085", "\u009b", "\u009f",
  "\t", "\n", "\r", "\r\n",
];

/** Markup-significant characters and sequences that try to close, open or comment out elements. */
const MARKUP_UNITS = [
  "<", ">", "&", '"', "'", "`", "/", "=", " ", "x",
  "</td>", "</tr>", "<td>", "<table>", "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '"><b>', "'><i>",
  "<!--", "-->", "<![CDATA[", "]]>", "&amp;", "&lt;", "&#60;", "&#x3C;", "&quot;", "<svg><a>", "<math>", "<style>", "</style>",
  "<template>", "<plaintext>", "<textarea>", "<noscript>", "title=", "onmouseover=",
];

const hostileText = fc.oneof(
  fc.string({ unit: fc.constantFrom(...HIDDEN_UNITS, ...MARKUP_UNITS), maxLength: 24 }),
  fc.string({ unit: "binary", maxLength: 24 }),
  fc.string({ unit: fc.oneof(fc.constantFrom(...HIDDEN_UNITS, ...MARKUP_UNITS), fc.string({ unit: "binary", minLength: 1, maxLength: 1 })), maxLength: 24 }),
);

// ---------------------------------------------------------------- expectations

/**
 * Characters that must never reach the page raw: every Bidi_Control,
 * zero-width characters and the BOM, controls other than tab/CR/LF, the line and
 * paragraph separators. Written out here, independently of hiddenChars.ts.
 */
const RAW_HIDDEN = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u200b-\u200d\u2060-\u2064\ufeff\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029]/u;

/** What the parser makes of text written with CR or CRLF line breaks. */
function parsedLines(text: string): string {
  return text.replace(/\r\n?/g, "\n");
}

/** The text the `html` template shows for `s`, as parsed. */
function shownByTemplate(s: string): string {
  return parsedLines(revealHidden(s, { keepLayout: true }));
}

// ---------------------------------------------------------------- the parser

/** One element as the parser built it. */
interface ParsedElement {
  tag: string;
  namespace: string | null;
  attributes: [string, string][];
  text: string;
}

/** What the parser made of a document. */
interface ParsedDocument {
  /** Elements under <body>, in document order. */
  elements: ParsedElement[];
  /** Elements the parser put in <head>. */
  headElements: number;
  comments: number;
  bodyText: string;
}

// Plain JavaScript defined in the page once (no TypeScript helpers in the serialised code).
const PARSER_SOURCE = `window.hlParse = (markup) => {
  const doc = new DOMParser().parseFromString(markup, "text/html");
  const elements = Array.from(doc.body.querySelectorAll("*"), (e) => ({
    tag: e.localName,
    namespace: e.namespaceURI,
    attributes: Array.from(e.attributes, (a) => [a.name, a.value]),
    text: e.textContent,
  }));
  const walker = doc.createTreeWalker(doc, NodeFilter.SHOW_COMMENT);
  let comments = 0;
  while (walker.nextNode()) comments++;
  return { elements, headElements: doc.head.children.length, comments, bodyText: doc.body.textContent };
};`;

const HTML_NS = "http://www.w3.org/1999/xhtml";

let browser: Browser | undefined;
let page: Page | undefined;

/** Parses a whole document in Chromium. */
async function parse(markup: string): Promise<ParsedDocument> {
  if (!page) throw new Error("Chromium is not running");
  return (await page.evaluate(`window.hlParse(${JSON.stringify(markup)})`)) as ParsedDocument;
}

function tags(doc: ParsedDocument): string[] {
  return doc.elements.map((e) => e.tag);
}

/** Every element is an HTML element whose attribute names are among `allowed` (per tag). */
function assertOnlyAttributes(doc: ParsedDocument, allowed: Record<string, readonly string[]>): void {
  for (const e of doc.elements) {
    assert.equal(e.namespace, HTML_NS, `<${e.tag}> outside the HTML namespace`);
    for (const [name] of e.attributes) assert.ok((allowed[e.tag] ?? []).includes(name), `unexpected attribute ${name} on <${e.tag}>`);
  }
}

/** No attribute value or text holds a raw hidden character. */
function assertNothingHidden(doc: ParsedDocument): void {
  for (const e of doc.elements) {
    for (const [name, value] of e.attributes) assert.doesNotMatch(value, RAW_HIDDEN, `raw hidden character in ${e.tag}[${name}]`);
  }
  assert.doesNotMatch(doc.bodyText, RAW_HIDDEN, "raw hidden character in the text");
}

/** Cut rule of the DataFrame table: at most `max` characters, the last being `…` (a surrogate pair is never split). */
function assertCutOf(shown: string, full: string, max: number, what: string): void {
  if (full.length <= max) {
    assert.equal(shown, full, what);
    return;
  }
  assert.ok(shown.length <= max && shown.endsWith("…") && full.startsWith(shown.slice(0, -1)), `${what}: ${JSON.stringify(shown)} is not a cut of ${JSON.stringify(full)}`);
}

// ---------------------------------------------------------------- properties

// Without Chromium too: every Bidi_Control code point (U+061C ARABIC LETTER MARK
// included, the one outside the U+200x-U+206x blocks) is shown as its escape.
test("revealHidden shows every Bidi_Control character as its escape, U+061C included", () => {
  assert.equal(revealHidden("a\u061cb"), "a\\u061cb");
  assert.equal(revealHidden("a\u061cb", { keepLayout: true }), "a\\u061cb");
  const bidi = Array.from({ length: 0x10000 }, (_, c) => String.fromCharCode(c)).filter((ch) => /\p{Bidi_Control}/u.test(ch));
  assert.ok(bidi.length >= 12 && bidi.includes("\u061c"), `Bidi_Control set: ${bidi.length}`);
  for (const ch of bidi) assert.equal(revealHidden(ch), `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`);
});

const missing = chromiumMissing();

describe("escaping, checked by Chromium's HTML parser", { skip: missing }, () => {
  before(async () => {
    browser = await launchChromium();
    page = await browser.newPage();
    await page.evaluate(PARSER_SOURCE);
  });
  after(async () => {
    await browser?.close();
  });

  test("property: html`<td title=${s}>${s}</td>` is one td with one title, whose text is revealHidden(s)", async () => {
    await fc.assert(
      fc.asyncProperty(hostileText, async (s) => {
        const cell = html`<td title="${s}">${s}</td>`.value;
        const doc = await parse(`<!DOCTYPE html><table><tbody><tr>${cell}</tr></tbody></table>`);
        assert.deepEqual(tags(doc), ["table", "tbody", "tr", "td"]);
        const td = doc.elements[3];
        const shown = shownByTemplate(s);
        assert.deepEqual(td.attributes, [["title", shown]]);
        assert.equal(td.text, shown);
        assert.equal(doc.bodyText, shown, "no text outside the cell");
        assert.equal(doc.comments, 0);
        assert.equal(doc.headElements, 0);
        assertOnlyAttributes(doc, { td: ["title"] });
        assertNothingHidden(doc);
      }),
      runs(120),
    );
  });

  test("property: <pre>${elementText(s)}</pre> (quotes left as they are) is one pre whose text is revealHidden(s)", async () => {
    await fc.assert(
      fc.asyncProperty(hostileText, async (s) => {
        const pre = html`<pre>${elementText(s)}</pre>`.value;
        const doc = await parse(`<!DOCTYPE html><div>${pre}</div>`);
        assert.deepEqual(tags(doc), ["div", "pre"]);
        // A <pre> drops one leading line break, as the parser does.
        const shown = shownByTemplate(s).replace(/^\n/, "");
        assert.equal(doc.elements[1].text, shown);
        assert.equal(doc.bodyText, shown, "no text outside the pre");
        assert.equal(doc.comments, 0);
        assert.equal(doc.headElements, 0);
        assertOnlyAttributes(doc, {});
        assertNothingHidden(doc);
      }),
      runs(120),
    );
  });

  test("property: dataFrameToHtml of a 1×1 frame with a hostile column name and cell", async () => {
    await fc.assert(
      fc.asyncProperty(hostileText.filter((n) => n !== ""), hostileText, async (name, value) => {
        const df = pl.DataFrame([pl.Series(name, [value], pl.Utf8)]);
        const doc = await parse(`<!DOCTYPE html>${dataFrameToHtml(df)}`);
        // div > style, table > thead > (tr > th th), (tr > th th), tbody > tr > th td, p
        assert.deepEqual(tags(doc), ["div", "style", "table", "thead", "tr", "th", "th", "tr", "th", "th", "tbody", "tr", "th", "td", "p"]);
        assertOnlyAttributes(doc, { div: ["class"], th: ["class", "title"], td: ["class", "title"], tr: ["class"], p: ["class"] });
        assertNothingHidden(doc);
        assert.equal(doc.comments, 0);
        const nameCell = doc.elements[6];
        const valueCell = doc.elements[13];
        // The table reveals line breaks and tabs too (no keepLayout): one line per cell.
        for (const [cell, raw, what] of [[nameCell, name, "column name"], [valueCell, value, "cell"]] as const) {
          const full = revealHidden(raw);
          assertCutOf(cell.text, full, 50, what);
          const title = cell.attributes.find(([a]) => a === "title")?.[1];
          assert.equal(title, full.length > 50 ? full : undefined, `${what}: title`);
        }
        assert.equal(doc.elements[14].text, "1 rows × 1 columns");
      }),
      runs(60),
    );
  });

  test("property: a static htmlView with a hostile title and image alt text", async () => {
    // A PNG signature and IHDR chunk is all the view reads (for the width).
    const png = Buffer.from("89504e470d0a1a0a0000000d49484452000000100000001008060000001ff3ff61", "hex");
    await fc.assert(
      fc.asyncProperty(hostileText.filter((t) => t !== ""), hostileText, async (title, alt) => {
        const view = htmlView({ kind: "prop-test", title, fallback: { png, alt, html: html`<p>static</p>` }, text: "t" });
        const doc = await parse(`<!DOCTYPE html>${view.toHtml()}`);
        assert.deepEqual(tags(doc), ["div", "style", "div", "div", "img", "p"]);
        assertOnlyAttributes(doc, { div: ["id", "class"], img: ["class", "alt", "src", "width", "style"], p: [] });
        assertNothingHidden(doc);
        assert.equal(doc.comments, 0);
        assert.equal(doc.elements[2].text, shownByTemplate(title));
        assert.equal(doc.elements[4].attributes.find(([a]) => a === "alt")?.[1], shownByTemplate(alt));
        assert.equal(doc.elements[5].text, "static");
      }),
      runs(40),
    );
  });

  // U+061C ARABIC LETTER MARK is the Bidi_Control character most easily
  // forgotten (it is outside the U+200x-U+206x blocks).
  test("every Bidi_Control character is revealed", async () => {
    const s = "a\u061cb";
    const doc = await parse(`<!DOCTYPE html><table><tbody><tr>${html`<td title="${s}">${s}</td>`.value}</tr></tbody></table>`);
    assert.doesNotMatch(doc.bodyText, /\p{Bidi_Control}/u);
  });
});

// No parser needed: CommonMark ends an HTML block (a notebook output in `nbconvert --to markdown`)
// at its first empty or blank line, and what follows is read as Markdown.
test("property: text in html`<pre>…</pre>` (template or elementText) never leaves an empty or blank line in the markup", () => {
  fc.assert(
    fc.property(hostileText, hostileText, (a, b) => {
      for (const out of [html`<pre>${a}${b}</pre>`.value, html`<pre>${elementText(a)}${elementText(b)}</pre>`.value, html`<td title="${a}">${b}</td>`.value]) {
        // A break is CR LF, CR or LF (a CR LF is one break, not a CR and then an LF).
        assert.doesNotMatch(out, /(?:\r\n|\r(?!\n)|\n)[ \t]*(?:\r|\n)/, JSON.stringify(out));
      }
    }),
    runs(300),
  );
});
