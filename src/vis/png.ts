/** SVG → PNG in Node, with resvg: the static fallback image of every visual. */
import { Resvg } from "@resvg/resvg-js";

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
    font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans" },
  });
  return Buffer.from(resvg.render().asPng());
}
