/**
 * Colours for what a view paints itself (Cytoscape's canvas, Leaflet's SVG
 * paths), read from the page when the view mounts: CSS cannot reach a canvas.
 *
 * Text takes the element's computed colour (JupyterLab's `--jp-ui-font-color1`
 * through the view's CSS, or the front end's own text colour), the ground is
 * `--jp-layout-color0` or else the first opaque background up the tree. Both come
 * back as opaque `#rrggbb`, which every library accepts.
 */

/** The page's colours around a view. */
export interface PaintTheme {
  /** Text colour, opaque. */
  text: string;
  /** Secondary text (legends, axes), opaque. */
  muted: string;
  /** The ground the view is drawn on, opaque. */
  background: string;
  /** A raised surface (panels, land on a dark map), opaque. */
  surface: string;
  /** Lines and outlines that must show on the ground. */
  border: string;
  /** True when the ground is dark (JupyterLab Dark, VS Code dark…). */
  dark: boolean;
}

type Rgba = [number, number, number, number];

/** Parses any CSS colour the browser understands (through a canvas, which normalises it); undefined if it cannot. */
function parseColor(value: string): Rgba | undefined {
  const text = value.trim();
  if (!text) return undefined;
  const ctx = document.createElement("canvas").getContext("2d");
  if (!ctx) return undefined;
  ctx.fillStyle = "#010203";
  ctx.fillStyle = text;
  const normalised = String(ctx.fillStyle);
  if (normalised === "#010203" && text.toLowerCase() !== "#010203") return undefined; // rejected
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(normalised);
  if (hex) return [parseInt(hex[1], 16), parseInt(hex[2], 16), parseInt(hex[3], 16), 1];
  const rgba = /^rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*(?:,\s*([\d.]+)\s*)?\)$/i.exec(normalised);
  if (rgba) return [Number(rgba[1]), Number(rgba[2]), Number(rgba[3]), rgba[4] === undefined ? 1 : Number(rgba[4])];
  return undefined;
}

/** `top` composited over the opaque `under`. */
function over(top: Rgba, under: Rgba): Rgba {
  const a = top[3];
  return [top[0] * a + under[0] * (1 - a), top[1] * a + under[1] * (1 - a), top[2] * a + under[2] * (1 - a), 1];
}

function hex(c: Rgba): string {
  return "#" + c.slice(0, 3).map((v) => Math.round(v).toString(16).padStart(2, "0")).join("");
}

/** WCAG relative luminance of an opaque colour. */
function luminance(c: Rgba): number {
  const lin = (v: number) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2]);
}

const WHITE: Rgba = [255, 255, 255, 1];

/** The first opaque background at or above `el` (white when there is none), with translucent ones composited. */
function groundOf(el: Element | null): Rgba {
  const layers: Rgba[] = [];
  for (let node = el; node; node = node.parentElement) {
    const c = parseColor(getComputedStyle(node).backgroundColor);
    if (!c || c[3] === 0) continue;
    layers.push(c);
    if (c[3] >= 1) break;
  }
  let ground = WHITE;
  for (let i = layers.length - 1; i >= 0; i -= 1) ground = over(layers[i], ground);
  return ground;
}

/** A JupyterLab variable as an opaque colour over `ground`, or undefined outside JupyterLab. */
function themeVar(style: CSSStyleDeclaration, name: string, ground: Rgba): Rgba | undefined {
  const c = parseColor(style.getPropertyValue(name));
  return c ? over(c, ground) : undefined;
}

/** The paint colours around `el` (call at mount, once `el` is in the page). */
export function paintTheme(el: HTMLElement): PaintTheme {
  const style = getComputedStyle(el);
  const ground = themeVar(style, "--jp-layout-color0", WHITE) ?? groundOf(el);
  const dark = luminance(ground) < 0.2;
  const text = themeVar(style, "--jp-ui-font-color1", ground) ?? over(parseColor(style.color) ?? (dark ? WHITE : [0, 0, 0, 1]), ground);
  const muted = themeVar(style, "--jp-ui-font-color2", ground) ?? over([text[0], text[1], text[2], 0.65], ground);
  const surface = themeVar(style, "--jp-layout-color2", ground) ?? over([text[0], text[1], text[2], 0.12], ground);
  const border = themeVar(style, "--jp-border-color1", ground) ?? over([text[0], text[1], text[2], 0.45], ground);
  return { text: hex(text), muted: hex(muted), background: hex(ground), surface: hex(surface), border: hex(border), dark };
}
