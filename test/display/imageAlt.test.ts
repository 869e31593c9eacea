/**
 * A chart's PNG carries alt text into the notebook: the output's metadata
 * `{ "image/png": { alt } }` (nbconvert's key, as IPython's `Image(alt=…)` writes it),
 * the first line of the chart's text form. nbconvert's HTML (its classic template, and
 * its default lab template through huntlab's nbconvert-templates/lab-alt.html.j2: the lab template
 * and Markdown read no alt in 7.17) and the hunt report write it, escaped. Before, every
 * chart's `<img>` had no alt at all.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import Module from "node:module";
import path from "node:path";
import { after, afterEach, test } from "node:test";
import { display, outputMetadata } from "../../src/display/display";
import type { MimeBundle } from "../../src/display/protocol";
import { vegaLiteChart } from "../../src/vis/vegaLite";
import { buildHuntReport, type HuntReportMeta } from "../../src/lab/huntReport";
import { findPython } from "../../scripts/python.mjs";
import { NbconvertWorker } from "../helpers/nbconvertWorker";
import { tempDir } from "../helpers/tmp";
import { marked } from "marked";

interface Sent {
  data: MimeBundle;
  metadata: Record<string, unknown>;
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const undo of cleanups.splice(0)) undo();
});

/** A tslab kernel module in require.cache whose writer records the display messages. */
function fakeTslab(): Sent[] {
  const file = "/tmp/alt-test/node_modules/tslab/dist/jupyter.js";
  const mod = new Module(file);
  mod.filename = file;
  mod.loaded = true;
  const sent: Sent[] = [];
  mod.exports = { lastWriteDisplayData: (content: Sent) => sent.push(content) };
  require.cache[file] = mod;
  cleanups.push(() => delete require.cache[file]);
  return sent;
}

/** A title from the data: markup, a quote and a hidden right-to-left override. */
const HOSTILE_TITLE = 'Logons of <img src=x onerror=alert(1)> "WKS"\u202e';

async function chart() {
  return vegaLiteChart({ title: HOSTILE_TITLE, data: { values: [{ a: 1, b: 2 }, { a: 2, b: 3 }] }, mark: "bar", encoding: { x: { field: "a", type: "ordinal" }, y: { field: "b", type: "quantitative" } } });
}

test("a chart's display message carries its PNG's alt: the chart's title and row count, hidden characters as escapes", async () => {
  const sent = fakeTslab();
  display(await chart());
  assert.equal(sent.length, 1);
  assert.ok(typeof sent[0].data["image/png"] === "string");
  const alt = (sent[0].metadata["image/png"] as { alt: string }).alt;
  assert.equal(alt, 'Vega-Lite chart: Logons of <img src=x onerror=alert(1)> "WKS"\\u202e (2 rows)');
  // Outputs without an image get no metadata (a table, text).
  display("just text");
  assert.deepEqual(sent[1].metadata, {});
  // One line, cut: a timeline's summary names every lane.
  const long = outputMetadata({ "image/png": "iVBORw0KGgo=", "text/plain": `Timeline: ${"x".repeat(1000)}\nsecond line` }) as { "image/png": { alt: string } };
  assert.ok(long["image/png"].alt.length <= 300 && !long["image/png"].alt.includes("second"), long["image/png"].alt);
});

/** A notebook holding one display output as a kernel sent it. */
function notebookWith(sent: Sent) {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" } },
    cells: [{ id: "c1", cell_type: "code", metadata: {}, execution_count: 1, source: "display(chart)", outputs: [{ output_type: "display_data", data: sent.data, metadata: sent.metadata }] }],
  };
}

const nbconvertPython = findPython(["nbconvert"]);
/** nbconvert's command line, its six runs in one Python process (test/helpers/nbconvertWorker.ts). */
const nbconvert = new NbconvertWorker(nbconvertPython ?? "python3");
after(() => nbconvert.close());

/**
 * The chart's alt as nbconvert's HTML writes it, escaped: nbconvert 7.17 re-writes the page with BeautifulSoup,
 * which quotes an attribute holding `"` with `'` (the `"` then stays as it is).
 */
const NBCONVERT_ALT = /alt=(?:"Vega-Lite chart: Logons of &lt;img src=x onerror=alert\(1\)&gt; &quot;WKS&quot;\\u202e \(2 rows\)"|'Vega-Lite chart: Logons of &lt;img src=x onerror=alert\(1\)&gt; "WKS"\\u202e \(2 rows\)')/;

test("nbconvert's HTML (classic template) writes the alt, escaped", { skip: !nbconvertPython && !process.env.CI && "no Python with nbconvert" }, async () => {
  const sent = fakeTslab();
  display(await chart());
  const dir = tempDir("huntlab-alt-");
  const file = path.join(dir, "chart.ipynb");
  fs.writeFileSync(file, JSON.stringify(notebookWith(sent[0])));
  const run = await nbconvert.run(["--to", "html", "--template", "classic", "--output-dir", dir, file]);
  assert.equal(run.status, 0, run.stderr);
  const page = fs.readFileSync(path.join(dir, "chart.html"), "utf8");
  // Attributes in any order: nbconvert 7.17 re-writes the page with BeautifulSoup, which puts alt first.
  const img = /<img [^>]*src="data:image\/png;base64,[^"]*"[^>]*>/.exec(page)?.[0] ?? "";
  assert.match(img, NBCONVERT_ALT);
});

test("nbconvert's default (lab) template writes no alt of its own; huntlab's lab-alt template writes the chart's, escaped", { skip: !nbconvertPython && !process.env.CI && "no Python with nbconvert" }, async () => {
  const sent = fakeTslab();
  display(await chart());
  const dir = tempDir("huntlab-alt-lab-");
  const file = path.join(dir, "chart.ipynb");
  fs.writeFileSync(file, JSON.stringify(notebookWith(sent[0])));
  const img = async (args: string[], out: string): Promise<string> => {
    const run = await nbconvert.run(["--to", "html", ...args, "--output-dir", dir, "--output", out, file]);
    assert.equal(run.status, 0, run.stderr);
    return /<img [^>]*src="data:image\/png;base64,[^"]*"[^>]*>/.exec(fs.readFileSync(path.join(dir, `${out}.html`), "utf8"))?.[0] ?? "";
  };
  // Why: the lab template's PNG block reads no alt metadata (nbconvert 7 then fills in its placeholder, Debian's 6.x
  // writes none).
  const plain = await img([], "lab");
  assert.ok(!/alt=["']Vega-Lite chart/.test(plain) && (!/ alt=/.test(plain) || /alt="No description has been provided for this image"/.test(plain)), plain.slice(0, 200));
  const template = path.join(__dirname, "../../nbconvert-templates/lab-alt.html.j2");
  const withAlt = await img(["--template-file", template], "lab-alt");
  assert.match(withAlt, NBCONVERT_ALT);
  // Still the lab template's image (its classes), not the classic one's.
  assert.match(fs.readFileSync(path.join(dir, "lab-alt.html"), "utf8"), /<div class="jp-RenderedImage jp-OutputArea-output[^"]*"[^>]*>\s*<img /);
});

/** An alt that is markup of every kind Markdown reads in an image's description, and a line break. */
const MARKDOWN_ALT = 'a](javascript:alert(1)) <img src=x onerror=alert(1)> &amp; *b* __c__ \\ [d] ![e](http://x.example/p.png) $x$ ~~s~~ | `f`\nsecond';

test("nbconvert's Markdown writes the alt 'png'; huntlab's markdown-alt template writes the chart's, as text", { skip: !nbconvertPython && !process.env.CI && "no Python with nbconvert" }, async () => {
  const sent = fakeTslab();
  display(await chart());
  const dir = tempDir("huntlab-alt-md-");
  const chartFile = path.join(dir, "chart.ipynb");
  fs.writeFileSync(chartFile, JSON.stringify(notebookWith(sent[0])));
  // The template's escaping on more than a chart's alt can hold (that is one line): any image output's metadata.
  const raw = { data: { "image/png": sent[0].data["image/png"], "text/plain": "x" }, metadata: { "image/png": { alt: MARKDOWN_ALT } } };
  const rawFile = path.join(dir, "raw.ipynb");
  fs.writeFileSync(rawFile, JSON.stringify(notebookWith(raw)));
  const template = path.join(__dirname, "../../nbconvert-templates/markdown-alt.md.j2");
  const rendered = async (file: string, args: string[], out: string): Promise<string> => {
    const run = await nbconvert.run(["--to", "markdown", ...args, "--output-dir", dir, "--output", out, file]);
    assert.equal(run.status, 0, run.stderr);
    const md = fs.readFileSync(path.join(dir, `${out}.md`), "utf8");
    assert.match(md, new RegExp(`\\]\\(${out}_files/${out}_0_0\\.png\\)`), "the image is written beside the .md");
    return marked.parse(md, { async: false }) as string;
  };
  const altOf = (page: string): string => {
    const imgs = [...page.matchAll(/<img [^>]*>/g)].map((m) => m[0]);
    assert.equal(imgs.length, 1, `one image, none from the alt: ${imgs.join(" ")}`);
    const alt = /alt="([^"]*)"/.exec(imgs[0])?.[1];
    assert.ok(alt !== undefined, imgs[0]);
    return alt.replace(/&(lt|gt|quot|#39|amp);/g, (_, e: string) => ({ lt: "<", gt: ">", quot: '"', "#39": "'", amp: "&" })[e]!);
  };
  // Why: nbconvert's own Markdown template reads no alt.
  assert.equal(altOf(await rendered(chartFile, [], "plain")), "png");
  assert.equal(altOf(await rendered(chartFile, ["--template-file", template], "chart")), 'Vega-Lite chart: Logons of <img src=x onerror=alert(1)> "WKS"\\u202e (2 rows)');
  const page = await rendered(rawFile, ["--template-file", template], "raw");
  // (The cell's input is a code block: its <code> is not the alt's.)
  assert.doesNotMatch(page.replace(/<pre><code>[^<]*<\/code><\/pre>/, ""), /<(a|em|strong|del|code)\b/, "the alt's markup was rendered");
  // The description as CommonMark reads it back to the alt (each markup character backslash-escaped, the line
  // break a space; mistune 3 gives this alt exactly, marked drops some escaped brackets and an entity's name).
  const md = fs.readFileSync(path.join(dir, "raw.md"), "utf8");
  assert.ok(md.includes("![a\\](javascript:alert(1)) \\<img src=x onerror=alert(1)\\> \\&amp; \\*b\\* \\_\\_c\\_\\_ \\\\ \\[d\\] \\!\\[e\\](http://x.example/p.png) \\$x\\$ \\~\\~s\\~\\~ \\| \\`f\\` second](raw_files/raw_0_0.png)"), md);
});

test("the hunt report's chart image has the same alt, escaped", async () => {
  const sent = fakeTslab();
  display(await chart());
  const meta: HuntReportMeta = { notebook: "x.ipynb", kernel: "tslab", parameters: [], dataPaths: [], queryPaths: [], started: new Date(0).toISOString(), seconds: 1, huntlabVersion: "0", failures: [], stopped: false };
  const page = buildHuntReport(notebookWith(sent[0]) as never, meta);
  assert.match(page, /<img class="hunt-fallback" alt="Vega-Lite chart: Logons of &lt;img src=x onerror=alert\(1\)&gt; &quot;WKS&quot;\\u202e \(2 rows\)"/);
});

test("the hunt report's SVG image takes its alt from the output's text form (it was always \"image\")", () => {
  const meta: HuntReportMeta = { notebook: "x.ipynb", kernel: "deno", parameters: [], dataPaths: [], queryPaths: [], started: new Date(0).toISOString(), seconds: 1, huntlabVersion: "0", failures: [], stopped: false };
  const svg = { data: { "image/svg+xml": '<svg xmlns="http://www.w3.org/2000/svg"/>', "text/plain": 'Logons by <b>"host"</b>\nmore' }, metadata: {} };
  const page = buildHuntReport(notebookWith(svg) as never, meta);
  assert.match(page, /<img alt="Logons by &lt;b&gt;&quot;host&quot;&lt;\/b&gt;" src="data:image\/svg\+xml;base64,/);
});
