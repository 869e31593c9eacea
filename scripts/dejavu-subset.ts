/**
 * Writes fonts/dejavu-latin/: the four DejaVu Sans faces svgToPng draws
 * with (src/vis/png.ts), cut to DEJAVU_SUBSET_TEXT. resvg re-reads a font
 * file for every glyph it outlines, so small faces make static PNGs cheap
 * (see pngFonts). Run once, when the character set changes, and commit the
 * files:
 *
 *   npm install --prefix /tmp/sf subset-font@2.9.0
 *   node --import tsx scripts/dejavu-subset.ts /tmp/sf/node_modules/subset-font [fonts folder]
 *
 * subset-font (harfbuzz's hb-subset, wasm) is not a dependency of the lab:
 * only this script needs it. The source faces are Debian's fonts-dejavu-core
 * (default /usr/share/fonts/truetype/dejavu). Every layout feature is kept
 * (GSUB/GPOS: kerning, ligatures), so images drawn with a subset are the
 * ones drawn with the full face (test/vis/png.test.ts); the hinting is
 * dropped (resvg does not hint; it was 40% of each subset).
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { DEJAVU_SUBSET_TEXT } from "../src/vis/png";

const FACES = ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf", "DejaVuSans-BoldOblique.ttf"];

async function main(): Promise<void> {
  const [subsetFontDir, fontsDir = "/usr/share/fonts/truetype/dejavu"] = process.argv.slice(2);
  if (!subsetFontDir) throw new Error("usage: node --import tsx scripts/dejavu-subset.ts <subset-font package folder> [DejaVu fonts folder]");
  const require = createRequire(path.join(path.resolve(subsetFontDir), "package.json"));
  const subsetFont = require(path.resolve(subsetFontDir)) as (font: Buffer, text: string, options: Record<string, unknown>) => Promise<Buffer>;
  const out = path.join(__dirname, "..", "fonts", "dejavu-latin");
  fs.mkdirSync(out, { recursive: true });
  for (const face of FACES) {
    const source = fs.readFileSync(path.join(fontsDir, face));
    const subset = await subsetFont(source, DEJAVU_SUBSET_TEXT, { targetFormat: "truetype", noHinting: true });
    fs.writeFileSync(path.join(out, face), subset);
    console.log(`${face}: ${source.length} -> ${subset.length} bytes`);
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
