import assert from "node:assert/strict";
import fs from "node:fs";
import { test } from "node:test";
import path from "node:path";
import { Resvg } from "@resvg/resvg-js";
import pl from "nodejs-polars";
import { DEJAVU_SUBSET_FILES, DEJAVU_SUBSET_TEXT, dejaVuSansFiles, inDejaVuSubset, pngFonts, svgToPng } from "../../src/vis/png";
import { timeline } from "../../src/vis/timeline";
import { renderVegaLiteSvg } from "../../src/vis/vegaLite";

const svgOf = (text: string, attrs = ""): string =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="220" height="40"><text x="4" y="26" font-family="DejaVu Sans" ${attrs}>${text}</text></svg>`;
const files = dejaVuSansFiles();
const skip = files.length ? false : "DejaVu Sans is not installed (Debian: fonts-dejavu-core)";

test("svgToPng draws with the DejaVu Sans files alone where the text is in their range, else with every system font", () => {
  const latin = pngFonts(svgOf("Žluťoučký kůň — ΑΒΓ → ≤"), ["/f/DejaVuSans.ttf"]);
  assert.deepEqual(latin, { loadSystemFonts: false, fontFiles: ["/f/DejaVuSans.ttf"], defaultFontFamily: "DejaVu Sans" });
  for (const text of ["管理者", "🙂 smile", "שלום"]) assert.equal(pngFonts(svgOf(text), ["/f/DejaVuSans.ttf"])?.loadSystemFonts, true, text);
  assert.deepEqual(pngFonts(svgOf("plain"), []), { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans" });
});

test("the DejaVu Sans faces are found once, the regular face first, each an existing file", { skip }, () => {
  assert.match(files[0], /DejaVuSans\.ttf$/);
  assert.ok(files.some((f) => f.endsWith("DejaVuSans-Bold.ttf")), "the bold face (titles)");
  for (const f of files) assert.ok(fs.statSync(f).isFile(), f);
  assert.equal(dejaVuSansFiles(), files);
});

test("an image drawn with the DejaVu files alone is the one drawn with every system font (text, bold text, a family not installed)", { skip }, () => {
  const system = (svg: string): Buffer => Buffer.from(new Resvg(svg, { background: "white", font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans" } }).render().asPng());
  const blank = svgToPng(svgOf(""));
  for (const svg of [svgOf("powershell.exe -enc SQBFAFgA"), svgOf("Title", 'font-weight="bold"'), svgOf("vega axis 0.5", "").replace('font-family="DejaVu Sans"', 'font-family="no-such-family-here"')]) {
    const png = svgToPng(svg);
    assert.notDeepEqual(png, blank, "the text is drawn");
    assert.deepEqual(png, system(svg), svg);
  }
});

test("the bundled DejaVu Sans subsets are drawn with where the text is all in their range, else the installed files, else the system fonts", () => {
  const subsets = ["/p/fonts/dejavu-latin/DejaVuSans.ttf"];
  const system = ["/f/DejaVuSans.ttf"];
  const only = (fontFiles: string[]) => ({ loadSystemFonts: false, fontFiles, defaultFontFamily: "DejaVu Sans" });
  for (const text of ["powershell.exe -enc SQBF", "Ünïcödé café × ½", "a — b – c … → ← ≤ ≥ ≈ − ▶ ▼ ✓ ✗ ‹ › “q” 5 μs", "tab\tnew\nline"]) {
    assert.deepEqual(pngFonts(svgOf(text), system, subsets), only(subsets), text);
  }
  for (const text of ["Žluťoučký kůň", "ΑΒΓ", "Пример"]) assert.deepEqual(pngFonts(svgOf(text), system, subsets), only(system), text);
  assert.deepEqual(pngFonts(svgOf("管理者"), system, subsets), { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans" });
  assert.deepEqual(pngFonts(svgOf("Łódź"), [], subsets), { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans" });
  assert.deepEqual(pngFonts(svgOf("plain"), system, []), only(system), "no subsets bundled: the installed files, as before");
  assert.equal(inDejaVuSubset(DEJAVU_SUBSET_TEXT), true);
  assert.equal(inDejaVuSubset("\ud83d\ude00"), false, "a character outside the BMP");
});

test("the subsets are bundled: the four faces, the regular first, each small, with DejaVu's licence beside them", () => {
  assert.deepEqual(DEJAVU_SUBSET_FILES.map((f) => path.basename(f)), ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf", "DejaVuSans-BoldOblique.ttf"]);
  for (const f of DEJAVU_SUBSET_FILES) assert.ok(fs.statSync(f).size < 100_000, f);
  assert.match(fs.readFileSync(path.join(path.dirname(DEJAVU_SUBSET_FILES[0]), "LICENSE"), "utf8"), /Bitstream Vera/);
});

/** The views' real static SVGs, a chart and a timeline, and every subset character in the four faces with kerning pairs and ligatures. */
async function sampleSvgs(): Promise<[string, string][]> {
  const svgs: [string, string][] = [];
  for (const name of ["process-tree", "geo-map", "entity-graph", "alert-graph"]) svgs.push([name, fs.readFileSync(path.join(__dirname, "snapshots", `${name}.svg`), "utf8")]);
  const rows = [{ host: "WORKSTATION-07", n: 12 }, { host: "AVTo-srv … → dc01", n: 7 }];
  svgs.push(["bar chart", await renderVegaLiteSvg({ data: { values: rows }, mark: "bar", encoding: { x: { field: "host", type: "nominal" }, y: { field: "n", type: "quantitative" } }, title: "Logons — by host" })]);
  const t0 = Date.UTC(2024, 2, 1, 10);
  const frame = pl.DataFrame({ TimeGenerated: [0, 1, 2, 3].map((i) => new Date(t0 + i * 60_000)), Account: ["CONTOSO\\alice", "bob", "CONTOSO\\alice", "Yves"] });
  svgs.push(["timeline", await renderVegaLiteSvg((await timeline(frame, { groupBy: "Account", title: "Logons (timeline)" })).spec)]);
  const chars = Array.from(DEJAVU_SUBSET_TEXT).map((c) => (c === "<" ? "&lt;" : c === "&" ? "&amp;" : c));
  for (const [weight, style] of [["normal", "normal"], ["bold", "normal"], ["normal", "oblique"], ["bold", "italic"]]) {
    const lines = [];
    for (let i = 0; i < chars.length; i += 40) lines.push(chars.slice(i, i + 40).join(""));
    lines.push("AV To Ta Wa Yo LT fi fl ffi “Quote” — x → y ≤ 5 …");
    const text = lines.map((l, i) => `<text x="4" y="${20 + i * 18}" font-size="${i % 2 ? 13 : 17}" font-weight="${weight}" font-style="${style}">${l}</text>`).join("");
    svgs.push([`${weight} ${style}`, `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="${40 + lines.length * 18}" font-family="DejaVu Sans">${text}</svg>`]);
  }
  return svgs;
}

test("an image drawn with the subsets is byte for byte the one drawn with the full DejaVu Sans faces (views, charts, four faces, kerning)", { skip }, async () => {
  const draw = (svg: string, fontFiles: readonly string[]): Buffer =>
    Buffer.from(new Resvg(svg, { background: "white", font: { loadSystemFonts: false, fontFiles: [...fontFiles], defaultFontFamily: "DejaVu Sans" } }).render().asPng());
  const blank = svgToPng(svgOf(""));
  for (const [name, svg] of await sampleSvgs()) {
    assert.ok(inDejaVuSubset(svg), `${name}: its text is in the subsets' range`);
    const png = svgToPng(svg);
    assert.notDeepEqual(png, blank, name);
    assert.deepEqual(png, draw(svg, DEJAVU_SUBSET_FILES), `${name}: svgToPng draws with the subsets`);
    assert.ok(png.equals(draw(svg, files)), `${name}: the same image as with the full faces`);
  }
});
