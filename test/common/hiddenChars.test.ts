/**
 * revealHidden / revealLines / the html template on lone surrogates: half an emoji (from a cut, or `"\ud800"`
 * in JSON data) is shown as an escape, as a control character is; well-formed pairs (emoji, tag characters,
 * variation selectors) are treated as before. A lone surrogate cannot be written as UTF-8, and a notebook
 * holding one in an output could not be saved.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { escapeLoneSurrogates, isWellFormed, revealHidden, revealLines } from "../../src/common/hiddenChars";
import { elementText, escapeText, html } from "../../src/display/html";
import { shownText } from "../../src/common/shownText";

test("a lone surrogate, high or low, anywhere, is revealed as \\uXXXX in every form", () => {
  assert.equal(revealHidden("x\ud800y"), "x\\ud800y");
  assert.equal(revealHidden("\udc00x\ud83d"), "\\udc00x\\ud83d");
  assert.equal(revealHidden("a\ud800\n\udfffb", { keepLayout: true }), "a\\ud800\n\\udfffb");
  assert.equal(revealLines("one\ud800\ntwo\udc00"), "one\\ud800\ntwo\\udc00");
  assert.equal(escapeText("<\ud800>"), "&lt;\\ud800&gt;");
  assert.equal(elementText('"\udbff"').value, '"\\udbff"');
  assert.equal(html`<td title="${"t\ud800"}">${"c\udc00"}</td>`.value, '<td title="t\\ud800">c\\udc00</td>');
  // Half an emoji then a cut: the escape is whole or gone, never cut.
  assert.equal(shownText("ab\ud83dcdefgh", 6), "ab…");
});

test("well-formed pairs are left alone: emoji, flags, ZWJ sequences; tag characters still revealed as before", () => {
  for (const text of ["😀", "👩‍💻", "🇩🇪🇫🇷", "𝒳", "\ud83d\ude00\ud83d\ude00"]) assert.equal(revealHidden(text).replace(/\\u200d/g, "\u200d"), text);
  assert.equal(revealHidden("a\udb40\udc41"), "a\\u{e0041}");
  assert.equal(revealHidden("\ud83d\udb40\udc41"), "\\ud83d\\u{e0041}");
});

test("escapeLoneSurrogates changes lone surrogates only (a bundle's last guard)", () => {
  assert.equal(escapeLoneSurrogates("\u202e😀\ud800\n"), "\u202e😀\\ud800\n");
  const clean = "no surrogate 😀 \u202e";
  assert.equal(escapeLoneSurrogates(clean), clean);
  assert.equal(isWellFormed(clean), true);
  assert.equal(isWellFormed("\ude00"), false);
});
