/**
 * Readable, deterministic text of an HTML view (src/display/htmlView.ts) and of
 * a static SVG, for snapshot tests (test/vis/views.snapshot.test.ts,
 * test/entities/cards.snapshot.test.ts).
 *
 * `viewSkeleton(html)`:
 * - the executable `<script>` (the view's bundle, fixed code built from
 *   src/vis/client) becomes `<script>/* bundle *\/__hl.boot("…")</script>`: the
 *   boot call is all that depends on the output;
 * - the config element's JSON is pretty-printed (2 spaces; short arrays of
 *   plain values on one line, see `prettyJson`), with
 *   `libs[*].js`/`libs[*].css` (gzip + base64) as `"<gzip+base64 of N bytes>"`
 *   (N: the size of the library text itself; compressed sizes vary with the
 *   zlib build), `data.gz` decompressed under `"gz (decompressed)"`, and
 *   escaped as the page has it (`<` `>` `&` as `\u003c`…, invisible characters
 *   as `\uXXXX`, which is the same JSON);
 * - `data:image/png;base64,…` URIs become `data:image/png;base64,<PNG W×H>`
 *   (the size in pixels from the header: the bytes depend on the fonts and the
 *   rasteriser of the machine; the SVG is snapshotted on its own);
 * - a line break goes before each block-level start tag, and after each rule
 *   of the `<style>` sheet.
 * Element ids stay as rendered: pass `normalizeHtmlViewIds` to `assertSnapshot`.
 *
 * `svgSkeleton(svg)`: a line break before each SVG element.
 */
import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";

const BUNDLE_SCRIPT = /<script>\(function\(\)\{[\s\S]*?\n;__hl\.boot\(("[^"]*")\);\}\)\(\);<\/script>/g;
const CONFIG_SCRIPT = /<script type="application\/json" class="hl-view-config">([\s\S]*?)<\/script>/g;
const PNG_URI = /data:image\/png;base64,([A-Za-z0-9+/=]+)/g;
const STYLE = /<style>([\s\S]*?)<\/style>/g;
/** Start tags that begin a line. */
const BLOCK_TAGS = /(?<=[^\n])<(?=(?:div|details|summary|table|thead|tbody|tr|ul|ol|li|p|pre|h[1-6]|section|script|style|img)\b)/g;
const SVG_TAGS = /(?<=[^\n])<(?=(?:\/?g|\/svg|path|rect|text|circle|line|polyline|polygon|ellipse)\b)/g;
/** Characters the `html` template reveals (src/common/hiddenChars.ts), besides tab/CR/LF. */
const HIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/;
const HIDDEN_G = new RegExp(HIDDEN.source, "g");

interface ClientLibrary {
  js: string;
  css: string;
  [key: string]: unknown;
}

/** Width × height of a PNG from its IHDR chunk. */
function pngSize(png: Buffer): string {
  assert.ok(png.length > 24 && png.subarray(1, 4).toString() === "PNG" && png.readUInt32BE(12) === 0x49484452, "a PNG");
  return `${png.readUInt32BE(16)}×${png.readUInt32BE(20)}`;
}

function packed(base64: string): string {
  return base64 === "" ? "" : `<gzip+base64 of ${gunzipSync(Buffer.from(base64, "base64")).length} bytes>`;
}

/**
 * JSON indented by 2 spaces, except that an array of numbers, strings, booleans
 * and nulls that fits in 100 columns stays on one line (`[1, 2]`, `["Address", "10.0.0.1"]`).
 */
export function prettyJson(value: unknown, indent = ""): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    const inner = indent + "  ";
    if (value.every((v) => v === null || typeof v !== "object")) {
      const flat = `[${value.map((v) => JSON.stringify(v) ?? "null").join(", ")}]`;
      if (indent.length + flat.length <= 100) return flat;
    }
    return `[\n${value.map((v) => inner + prettyJson(v, inner)).join(",\n")}\n${indent}]`;
  }
  if (value !== null && typeof value === "object" && typeof (value as { toJSON?: unknown }).toJSON !== "function") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined && typeof v !== "function");
    if (entries.length === 0) return "{}";
    const inner = indent + "  ";
    return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${prettyJson(v, inner)}`).join(",\n")}\n${indent}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** Pretty JSON escaped as `jsonForScript` escapes (src/display/html.ts), invisible characters as escapes too. */
function scriptJson(value: unknown): string {
  const pretty = prettyJson(value);
  assert.deepEqual(JSON.parse(pretty), value, "the pretty JSON is the same value");
  return pretty
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(HIDDEN_G, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function configText(raw: string): string {
  assert.ok(!/[<>&]/.test(raw), "the config JSON has <, > and & escaped");
  const config = JSON.parse(raw) as { libs?: ClientLibrary[]; data?: { json?: unknown; gz?: string } };
  const libs = (config.libs ?? []).map((lib) => ({ ...lib, js: packed(lib.js), css: packed(lib.css) }));
  const data = config.data && typeof config.data.gz === "string" ? { "gz (decompressed)": JSON.parse(gunzipSync(Buffer.from(config.data.gz, "base64")).toString("utf8")) } : config.data;
  return scriptJson({ ...config, libs, data });
}

/** The view's HTML made readable (see the module comment); ends with a newline. */
export function viewSkeleton(html: string): string {
  assert.match(html, /^<div id="hl-[a-z0-9-]+" class="hl-view hl-view-[a-z0-9-]+( hl-view-auto)? tex2jax_ignore mathjax_ignore">/, "an HtmlView root (out of TeX typesetting)");
  assert.ok(html.endsWith("</div>"), "ends with the root's end tag");
  const bundles = [...html.matchAll(BUNDLE_SCRIPT)];
  const configs = [...html.matchAll(CONFIG_SCRIPT)];
  assert.equal(bundles.length, configs.length, "a config element goes with each bundle");
  assert.ok(bundles.length <= 1, "at most one bundle");
  const id = /^<div id="([^"]+)"/.exec(html)![1];
  if (bundles.length) assert.equal(JSON.parse(bundles[0][1]), id, "the bundle boots this output");
  const hiddenAt = html.replace(CONFIG_SCRIPT, "").replace(BUNDLE_SCRIPT, "").search(HIDDEN);
  assert.equal(hiddenAt, -1, "no raw invisible character in the markup (the template reveals them)");

  const out = html
    .replace(BUNDLE_SCRIPT, (_m, bootId: string) => `<script>/* bundle */__hl.boot(${bootId})</script>`)
    .replace(CONFIG_SCRIPT, (_m, raw: string) => `<script type="application/json" class="hl-view-config">\n${configText(raw)}\n</script>`)
    .replace(PNG_URI, (_m, b64: string) => `data:image/png;base64,<PNG ${pngSize(Buffer.from(b64, "base64"))}>`)
    .replace(STYLE, (_m, css: string) => `<style>\n${css.trim().replace(/\}(?!\n)/g, "}\n")}</style>`)
    .replace(BLOCK_TAGS, "\n<");
  assert.equal((out.match(/<script>/g) ?? []).length, bundles.length, "no other executable script");
  return `${out}\n`;
}

/** A static SVG made readable: one element a line; ends with a newline. */
export function svgSkeleton(svg: string): string {
  assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/, "an SVG document");
  assert.ok(!/<script|\son[a-z]+=/i.test(svg), "no script in the SVG");
  assert.equal(svg.search(HIDDEN), -1, "no raw invisible character in the SVG");
  return `${svg.replace(SVG_TAGS, "\n<")}\n`;
}
