/** SVG → PNG in Node, with resvg: the static fallback image of every visual. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Resvg, type ResvgRenderOptions } from "@resvg/resvg-js";

/** Options of `svgToPng`. */
export interface PngOptions {
  /** Output width in pixels (height follows the aspect ratio). Default: the SVG's own width. */
  width?: number;
  /** Background colour. Default white (notebook themes vary; a transparent chart can vanish on dark ones). */
  background?: string;
}

/** Rasterises an SVG document to PNG bytes. */
export function svgToPng(svg: string, options: PngOptions = {}): Buffer {
  const resvg = new Resvg(svg, {
    background: options.background ?? "white",
    fitTo: options.width ? { mode: "width", value: options.width } : { mode: "original" },
    font: pngFonts(svg, dejaVuSansFiles(), DEJAVU_SUBSET_FILES),
  });
  return Buffer.from(resvg.render().asPng());
}

const FAMILY = "DejaVu Sans";
/** The faces of {@link FAMILY} the views draw with (regular, bold, their obliques): Debian's fonts-dejavu-core. */
const FACES = ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf", "DejaVuSans-BoldOblique.ttf"];
/**
 * Text DejaVu Sans draws: Latin, Greek, Cyrillic, general punctuation,
 * arrows and math signs. Other text (CJK, emoji…) needs the system's fonts,
 * where resvg finds each missing glyph a face.
 */
const OUTSIDE_DEJAVU = /[^\u0000-\u052f\u1e00-\u1fff\u2000-\u22ff]/u;

/**
 * Characters of the bundled DejaVu Sans subsets (fonts/dejavu-latin/, made by
 * scripts/dejavu-subset.ts): Basic Latin, Latin-1, Windows-1252's extras and
 * the symbols the views draw (dashes, quotes, ellipsis, arrows, ≤ ≥ ≈ −,
 * triangles, ✓ ✗, μ). One string, so the script and the range check agree.
 */
export const DEJAVU_SUBSET_TEXT =
  String.fromCharCode(...Array.from({ length: 0x5f }, (_, i) => 0x20 + i), ...Array.from({ length: 0x60 }, (_, i) => 0xa0 + i)) +
  "\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u03bc" +
  "\u2013\u2014\u2018\u2019\u201a\u201c\u201d\u201e\u2020\u2021\u2022\u2026\u2030\u2039\u203a\u20ac\u2122" +
  "\u2190\u2191\u2192\u2193\u2194\u21d2\u2212\u2248\u2260\u2264\u2265\u25b2\u25b6\u25bc\u25c0\u25cf\u2713\u2717";
const SUBSET_CHARS = new Set(Array.from(DEJAVU_SUBSET_TEXT, (c) => c.codePointAt(0) ?? 0));
/** True when every character of the SVG (markup too: a superset of its text) has a glyph in the subsets; control characters draw none. */
export function inDejaVuSubset(svg: string): boolean {
  for (let i = 0; i < svg.length; i++) {
    const c = svg.charCodeAt(i);
    if (c >= 0x20 && c !== 0x7f && !(c >= 0x80 && c < 0xa0) && !SUBSET_CHARS.has(c)) return false;
  }
  return true;
}

/** The bundled subset faces, in {@link FACES} order (the package's fonts/ folder: the same path from src/ under tsx and from dist/); [] when the regular face is missing. */
export const DEJAVU_SUBSET_FILES: readonly string[] = (() => {
  const files = FACES.map((f) => path.join(__dirname, "..", "..", "fonts", "dejavu-latin", f)).filter((f) => fs.existsSync(f));
  return files[0]?.endsWith(FACES[0]) ? files : [];
})();

/**
 * Fonts for one image: the bundled DejaVu Sans subsets when the SVG's text
 * is all in their range; else the installed DejaVu Sans files when they
 * were found and the text is in theirs; else every system font. Loading
 * every system font cost 11–14 ms of CPU per image here (49 fonts) and
 * grows with the fonts a machine has; four files cost ~2 ms. Text in
 * another family (vega's `sans-serif`) falls back to DejaVu Sans either way
 * where the family is not installed, so on such machines the images are the same.
 *
 * Why subsets: resvg's font database keeps a font given as a file as a
 * path and re-opens and reads the whole file for every glyph it outlines
 * (resvg-js 2.6.2 has no font-buffer option in Node): ~3,100 opens and
 * ~6,200 reads per 100 short labels. With the full 640–760 KB faces a
 * 300-label image cost 0.4–0.6 s of system time, with the subsets
 * (25–30 KB each, no hinting: resvg does not hint) ~0.1 s; they draw the
 * same pixels (test/vis/png.test.ts compares the views' images).
 */
export function pngFonts(svg: string, files: readonly string[] | undefined, subsets: readonly string[] = []): ResvgRenderOptions["font"] {
  if (subsets.length && inDejaVuSubset(svg)) return { loadSystemFonts: false, fontFiles: [...subsets], defaultFontFamily: FAMILY };
  if (files?.length && !OUTSIDE_DEJAVU.test(svg)) return { loadSystemFonts: false, fontFiles: [...files], defaultFontFamily: FAMILY };
  return { loadSystemFonts: true, defaultFontFamily: FAMILY };
}

/** Found once per process: undefined before the search, [] when the regular face is not installed. */
let found: string[] | undefined;

/** The installed files of {@link FACES} (the regular face first), from the usual font folders. */
export function dejaVuSansFiles(): string[] {
  if (found) return found;
  const home = os.homedir();
  const folders = [
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    path.join(home, ".local", "share", "fonts"),
    path.join(home, ".fonts"),
    "/Library/Fonts",
    path.join(home, "Library", "Fonts"),
    process.env.WINDIR ? path.join(process.env.WINDIR, "Fonts") : "",
    process.env.LOCALAPPDATA ? path.join(process.env.LOCALAPPDATA, "Microsoft", "Windows", "Fonts") : "",
  ];
  const byName = new Map<string, string>();
  // Bounded: a few levels and entries, whatever a machine keeps in its font folders.
  let budget = 50_000;
  const walk = (dir: string, depth: number): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (--budget < 0) return;
      const full = path.join(dir, e.name);
      if (e.isDirectory() && depth < 4) walk(full, depth + 1);
      else if (FACES.includes(e.name) && !byName.has(e.name)) byName.set(e.name, full);
    }
  };
  for (const folder of folders) if (folder) walk(folder, 0);
  found = byName.has(FACES[0]) ? FACES.flatMap((f) => byName.get(f) ?? []) : [];
  return found;
}
