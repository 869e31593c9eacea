import assert from "node:assert/strict";
import fs from "node:fs";
import { test } from "node:test";
import { Resvg } from "@resvg/resvg-js";
import { dejaVuSansFiles, pngFonts, svgToPng } from "../../src/vis/png";

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
