/**
 * Tooltips and popups of the live map (views/geoMap.ts), built from the
 * columnar payload (geoMapData.ts) when a marker is first hovered or clicked.
 * Data reaches the DOM only as textContent, hidden characters revealed.
 */
import type { ViewContext } from "../../display/viewConfig";
import { placeTipLines, pointPopup, pointTipLines, tipLineText, type GeoMapLayerData, type GeoMapSpots, type TipLine } from "./geoMapData";
import { revealHidden, shownValue } from "./text";

/**
 * Tooltip lines, one per line, each value (and a column's label) isolated: an Arabic column name took the digits of
 * its value into its run (`مدينة: 123` showed the number first).
 */
export function tooltipElement(view: ViewContext, lines: readonly TipLine[]): HTMLElement {
  const d = view.el("div", "hl-geo-tip");
  lines.forEach(([label, value], i) => {
    if (i) d.appendChild(document.createElement("br"));
    d.appendChild(document.createTextNode(label === null ? shownValue(value) : `${shownValue(label)}: ${shownValue(value)}`));
  });
  return d;
}

/** Popup rows as a two-column table. */
export function popupTable(view: ViewContext, rows: readonly (readonly [string, string])[]): HTMLElement {
  const table = view.el("table", "hl-geo-popup");
  for (const [label, value] of rows) {
    const tr = view.el("tr");
    tr.append(view.el("th", undefined, revealHidden(label)), view.el("td", undefined, revealHidden(value)));
    table.appendChild(tr);
  }
  return table;
}

/** "1234", "57k", "1.2M": fits a cluster bubble. */
export function compactCount(n: number): string {
  if (n < 10_000) return String(n);
  if (n < 1_000_000) return `${Math.round(n / 1000)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

/** What a spot's tooltip and popup are built from. */
export interface SpotInfo {
  view: ViewContext;
  strings: readonly string[];
  layer: GeoMapLayerData;
  spots: GeoMapSpots;
}

function spotPoints(info: SpotInfo, spot: number): { first: number; count: number } {
  const { start, points } = info.spots;
  return { first: points[start[spot]], count: start[spot + 1] - start[spot] };
}

/** A spot's tooltip lines: the point's, or for several points their number and, when they share a place, the place's lines. */
export function spotTipLines(info: SpotInfo, spot: number): TipLine[] {
  const { first, count } = spotPoints(info, spot);
  if (count === 1) return pointTipLines(info.strings, info.layer, first);
  const places = info.spots.places[spot];
  const head = `${count} points${places > 1 ? ` at ${places} places (${info.spots.cellDegrees}° cell)` : ""}`;
  const lines = places === 1 ? placeTipLines(info.strings, info.layer, info.layer.place[first]) : [];
  return [[null, head], ...lines];
}

/** A spot's tooltip. */
export function spotTooltip(info: SpotInfo, spot: number): HTMLElement {
  return tooltipElement(info.view, spotTipLines(info, spot));
}

/** A pin's accessible name: its tooltip lines on one line, hidden characters revealed. */
export function spotName(info: SpotInfo, spot: number): string {
  const lines = spotTipLines(info, spot).map(tipLineText);
  return revealHidden(lines.length ? lines.join(", ") : "point");
}

/**
 * A spot's popup: the point's rows, or for several points one point at a time
 * with ‹ › buttons ("3 of 200"). `resized` is called after a page turn (the
 * popup re-measures itself).
 */
export function spotPopup(info: SpotInfo, spot: number, resized: () => void): HTMLElement {
  const { start, points } = info.spots;
  const { first, count } = spotPoints(info, spot);
  const rowsOf = (k: number) => pointPopup(info.strings, info.layer, points[start[spot] + k]);
  if (count === 1) return popupTable(info.view, pointPopup(info.strings, info.layer, first));
  const view = info.view;
  const box = view.el("div", "hl-geo-pages");
  const bar = view.el("div", "hl-geo-pager");
  const prev = view.el("button", "hl-geo-prev", "‹");
  const next = view.el("button", "hl-geo-next", "›");
  const label = view.el("span", "hl-geo-page");
  prev.type = next.type = "button";
  prev.setAttribute("aria-label", "previous point");
  next.setAttribute("aria-label", "next point");
  bar.append(prev, label, next);
  let table = popupTable(view, rowsOf(0));
  box.append(bar, table);
  let page = 0;
  const show = (to: number): void => {
    page = (to + count) % count;
    const t = popupTable(view, rowsOf(page));
    box.replaceChild(t, table);
    table = t;
    label.textContent = `${page + 1} of ${count}`;
    resized();
  };
  label.textContent = `1 of ${count}`;
  prev.addEventListener("click", () => show(page - 1));
  next.addEventListener("click", () => show(page + 1));
  return box;
}
