/**
 * A notebook exported to Markdown (`jupyter nbconvert --to markdown`, then a
 * docs site or GitHub renders the .md) keeps each HTML output as it is, as a
 * CommonMark HTML block: one that ends at its first blank line. An output with
 * a blank line in it came apart there: the view's script was cut in two (a
 * syntax error, no live view), and text after a blank line in the data was read
 * as Markdown (an image fetched from the data's server, an indented code block).
 * Rendered here with marked, the CommonMark renderer the hunt report uses.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { marked } from "marked";
import { toMimeBundle } from "../../src/display/display";
import { escapeText } from "../../src/display/html";
import { browseResults } from "../../src/vis/tiBrowser";
import { FIXTURE_ROWS, tiFrame } from "../browser/fixtures/tiResults";

/** What the data says, with blank lines: Markdown that must stay text. */
const MULTI_LINE = "first line\n\n![pixel](https://tracker.example/p.png) **bold**\r\n\r\n    indented like code\rlast";

test("a view with multi-line data is one HTML block in a Markdown export: its script whole, its data text", () => {
  const rows = FIXTURE_ROWS.map((r, i) => (i === 1 ? { ...r, Details: MULTI_LINE, RawResult: JSON.stringify({ note: MULTI_LINE }, null, 4) + "\n\n" + MULTI_LINE } : r));
  const out = String(toMimeBundle(browseResults(tiFrame(rows), { severities: "all" }))["text/html"]);
  assert.match(out, /<script>/, "the view carries its bundle");
  assert.doesNotMatch(out, /\n[ \t]*(\r?\n|\r)/, "a blank line in the output's markup");
  const md = marked.parse(`Some text.\n\n${out}\n\nMore text.\n`, { async: false }) as string;
  // marked writes an HTML block as it is (a lone CR, a line break to CommonMark, as LF): the whole output.
  assert.ok(md.includes(out.replace(/\r\n?/g, "\n")), "the output did not reach the page whole");
  assert.doesNotMatch(md, /<img[^>]*tracker\.example|<strong>bold|<pre><code>/, "the data's Markdown was rendered");
  // The line breaks are still there for the reader: as references, which a <pre> shows as breaks.
  assert.match(out, /first line&#10;&#10;!\[pixel\]/);
});

test("only line breaks beside an empty or blank line are written &#10;; each break stays one break", () => {
  const cases: [string, string][] = [
    ["a\nb", "a\nb"],
    ["a\r\nb", "a\r\nb"],
    ["a\n\nb", "a&#10;&#10;b"],
    ["a\r\n\r\nb", "a&#10;&#10;b"],
    ["a\n \t\nb", "a&#10; \t&#10;b"],
    ["\nstarts", "&#10;starts"],
    ["ends\n", "ends&#10;"],
    ["a\r\rb", "a&#10;&#10;b"],
  ];
  for (const [text, written] of cases) assert.equal(escapeText(text), written, JSON.stringify(text));
});
