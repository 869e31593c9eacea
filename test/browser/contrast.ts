/**
 * Colour checks of rendered outputs, in Chromium: the WCAG contrast of every
 * visible text against what is behind it (test/browser/darkTheme.browser.test.ts)
 * and how dark an output's ground is (the JupyterLab Dark check of the lab notebook).
 */
import type { Page } from "playwright-core";

/** tsx compiles the page functions below with esbuild's keepNames, which calls a `__name` helper: give the page one. */
export const KEEP_NAMES = "globalThis.__name = globalThis.__name || ((f) => f)";

export const MIN_CONTRAST = 4.5;

export interface LowContrast {
  text: string;
  where: string;
  fg: string;
  bg: string;
  ratio: number;
}

export interface ContrastReport {
  checked: number;
  low: LowContrast[];
  /** Relative luminance (0 black … 1 white) of what is behind the scope's element: its background composited over its ancestors'. */
  ground: number;
}

/**
 * In the page: every visible text node of the output `scope`, its colour (times the
 * opacity of it and its ancestors) over the composite of the backgrounds behind
 * it (ancestors' background colours, the page's at the bottom). With `texts: false`
 * only the scope's ground is measured (`checked` 0, `low` empty): the walk reads the
 * styles of each text's ancestors, seconds of a busy core for a notebook's views.
 */
export async function measureContrast(page: Page, scope: string, { texts = true }: { texts?: boolean } = {}): Promise<ContrastReport> {
  await page.evaluate(KEEP_NAMES);
  return page.evaluate(([scope, texts]) => {
    type Rgba = [number, number, number, number];
    const probe = document.createElement("canvas").getContext("2d")!;
    const parse = (value: string): Rgba => {
      // Chromium computes color-mix() as color(srgb r g b / a).
      const srgb = /^color\(srgb ([\d.e-]+) ([\d.e-]+) ([\d.e-]+)(?: \/ ([\d.e-]+))?\)$/.exec(value);
      if (srgb) return [Number(srgb[1]) * 255, Number(srgb[2]) * 255, Number(srgb[3]) * 255, srgb[4] === undefined ? 1 : Number(srgb[4])];
      probe.fillStyle = "#000";
      probe.fillStyle = value;
      const v = String(probe.fillStyle);
      const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(v);
      if (hex) return [parseInt(hex[1], 16), parseInt(hex[2], 16), parseInt(hex[3], 16), 1];
      const m = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)/.exec(v);
      return m ? [Number(m[1]), Number(m[2]), Number(m[3]), m[4] === undefined ? 1 : Number(m[4])] : [0, 0, 0, 0];
    };
    const over = (top: Rgba, under: Rgba): Rgba => [0, 1, 2].map((i) => top[i] * top[3] + under[i] * (1 - top[3])).concat(1) as Rgba;
    const lum = (c: Rgba) => {
      const lin = (v: number) => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4);
      return 0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2]);
    };
    const css = (c: Rgba) => `rgb(${c.slice(0, 3).map(Math.round).join(",")})`;
    const ground = (el: Element): Rgba => {
      const layers: Rgba[] = [];
      for (let n: Element | null = el; n; n = n.parentElement) {
        const c = parse(getComputedStyle(n).backgroundColor);
        if (c[3] > 0) layers.push(c);
        if (c[3] >= 1) break;
      }
      let g: Rgba = [255, 255, 255, 1];
      for (let i = layers.length - 1; i >= 0; i -= 1) g = over(layers[i], g);
      return g;
    };
    const opacity = (el: Element): number => {
      let o = 1;
      for (let n: Element | null = el; n; n = n.parentElement) o *= Number(getComputedStyle(n).opacity);
      return o;
    };
    const path = (el: Element): string => {
      const parts: string[] = [];
      for (let n: Element | null = el; n && !n.classList.contains("output"); n = n.parentElement) {
        parts.unshift(n.tagName.toLowerCase() + (n.classList.length ? "." + Array.from(n.classList).slice(0, 2).join(".") : ""));
        if (parts.length >= 4) break;
      }
      return parts.join(" > ");
    };
    const visible = (el: Element): boolean => {
      if (el.tagName === "OPTION") {
        const select = el.closest("select");
        return !!select && (select.multiple || select.size > 1) && visible(select);
      }
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility === "visible";
    };
    const root = document.querySelector(scope)!;
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    const low: LowContrast[] = [];
    let checked = 0;
    for (let node = texts ? walker.nextNode() : null; node; node = walker.nextNode()) {
      const el = node.parentElement;
      if (!el || !/\S/.test(node.textContent ?? "") || el instanceof SVGElement || ["SCRIPT", "STYLE"].includes(el.tagName) || !visible(el)) continue;
      const bg = ground(el.tagName === "OPTION" && parse(getComputedStyle(el).backgroundColor)[3] === 0 ? el.closest("select")! : el);
      const color = parse(getComputedStyle(el).color);
      const fg = over([color[0], color[1], color[2], color[3] * opacity(el)], bg);
      const [a, b] = [lum(fg), lum(bg)];
      const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      checked += 1;
      if (ratio < 4.5) low.push({ text: (node.textContent ?? "").trim().slice(0, 40), where: path(el), fg: css(fg), bg: css(bg), ratio: Math.round(ratio * 100) / 100 });
    }
    return { checked, low, ground: lum(ground(root)) };
  }, [scope, texts] as const);
}

export function describeLow(report: ContrastReport): string {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const l of report.low) {
    const key = `${l.where} ${l.fg} ${l.bg}`;
    if (seen.has(key)) continue;
    seen.add(key);
    lines.push(`  ${l.ratio}:1  "${l.text}"  at ${l.where}  (${l.fg} on ${l.bg})`);
  }
  return `${report.low.length} of ${report.checked} texts below ${MIN_CONTRAST}:1\n${lines.slice(0, 25).join("\n")}`;
}
