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
    font: pngFonts(svg, dejaVuSansFiles()),
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
 * Fonts for one image: the DejaVu Sans files alone when they were found and
 * the SVG's text is all in their range; else every system font. Loading
 * every system font cost 11–14 ms of CPU per image here (49 fonts) and
 * grows with the fonts a machine has; four files cost ~2 ms. Text in
 * another family (vega's `sans-serif`) falls back to DejaVu Sans either way
 * where the family is not installed, so on such machines the images are the same.
 */
export function pngFonts(svg: string, files: readonly string[] | undefined): ResvgRenderOptions["font"] {
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
