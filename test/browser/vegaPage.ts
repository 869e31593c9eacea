/**
 * Vega-Lite outputs in a real browser the way Jupyter's Vega-Lite 5 renderer
 * shows them: the vega 5 and vega-lite 5 builds from node_modules, the
 * renderer the spec asks for (usermeta.embedOptions), tooltips recorded.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import type { Page } from "playwright-core";
import { jsonForScript } from "../../src/display/html";

export function script(name: string): string {
  return fs.readFileSync(require.resolve(name), "utf8").replace(/<\/script/gi, "<\\/script");
}

/**
 * A page that renders Vega-Lite specs like Jupyter's renderer (vega-lite 5 →
 * vega 5 View, the renderer from usermeta.embedOptions), recording tooltips
 * and the time each view took to first render.
 */
export function vegaPage(specs: unknown[]): string {
  return `<!doctype html><html><head><meta charset="utf-8">
<script>${script("vega/build/vega.min.js")}</script>
<script>${script("vega-lite/build/vega-lite.min.js")}</script></head>
<body><script>
window.tooltips = []; window.views = []; window.renderMs = [];
var specs = ${jsonForScript(specs)};
Promise.all(specs.map(function (spec, i) {
  var el = document.createElement("div"); el.id = "chart" + i; document.body.appendChild(el);
  var t0 = performance.now();
  var compiled = vegaLite.compile(spec).spec;
  var renderer = (spec.usermeta && spec.usermeta.embedOptions && spec.usermeta.embedOptions.renderer) || "canvas";
  var view = new vega.View(vega.parse(compiled), { renderer: renderer, container: el, hover: true });
  view.tooltip(function (handler, event, item, value) { if (value) window.tooltips.push(value); });
  window.views.push(view);
  return view.runAsync().then(function () {
    return new Promise(function (r) { requestAnimationFrame(function () { window.renderMs[i] = performance.now() - t0; r(); }); });
  });
})).then(function () { window.ready = true; }, function (e) { window.failed = String(e && e.stack || e); });
</script></body></html>`;
}

export async function waitReady(page: Page, timeout = 30_000): Promise<void> {
  await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready || (window as unknown as { failed?: string }).failed, undefined, { timeout });
  assert.equal(await page.evaluate(() => (window as unknown as { failed?: string }).failed), undefined);
}

/**
 * Count of point (symbol) items per lane value in a view's scenegraph. (A
 * string: tsx would wrap a named function with a helper the page lacks.)
 */
export async function pointsPerLane(page: Page, index: number): Promise<Record<string, number>> {
  return page.evaluate(`(function () {
    var counts = {};
    function walk(node, inSymbol) {
      if (inSymbol && node.datum && "t" in node.datum) {
        var g = String(node.datum.g == null ? "" : node.datum.g);
        counts[g] = (counts[g] || 0) + 1;
        return;
      }
      (node.items || []).forEach(function (child) { walk(child, node.marktype === "symbol" || (inSymbol && !node.marktype)); });
    }
    walk(window.views[${index}].scenegraph().root, false);
    return counts;
  })()`) as Promise<Record<string, number>>;
}

