/**
 * Live part of `GeoMap` (../../geoMap.ts): Leaflet + leaflet.markercluster over
 * the offline country outlines. The payload is columnar (../geoMapData.ts);
 * tooltips and popups are built from it when a marker is first hovered or
 * clicked (../geoMapInfo.ts: textContent, hidden characters revealed), so a
 * million points cost no million DOM nodes or closures. Big layers get a
 * marker per place (or grid cell) instead of per point, and clustering runs
 * in chunks (`chunkedLoading`) so the tab stays responsive. Leaflet arrives as
 * `libs.L`, so only its types are imported.
 */
import type * as Leaflet from "leaflet";
import { layerSpots, pointTip, pointTipLines, switcherLabels, unrolledLon, type GeoMapData, type GeoMapLayerData, type GeoMapSpots } from "../geoMapData";
import { compactCount, spotName, spotPopup, spotTooltip, tooltipElement, type SpotInfo } from "../geoMapInfo";
import { defineView, type ViewContext } from "../runtime";
import { viewSummary } from "../keyboard";
import { revealHidden } from "../text";
import { paintTheme, type PaintTheme } from "../theme";

export type { GeoMapColumn, GeoMapData, GeoMapLayerData, GeoMapLayerKind, GeoMapPlaces, GeoMapValues } from "../geoMapData";

interface GeoMapLibs {
  L: typeof Leaflet;
}

/** What tests and notebook users reach on the live container. */
interface MapContainer extends HTMLElement {
  huntlabMap?: Leaflet.Map;
  huntlabLayers?: Leaflet.Layer[];
}

/** Sea, land and borders: the atlas colours on a light page, the theme's own on a dark one (no glaring light map). */
function basemapColors(theme: PaintTheme): { sea: string; land: string; border: string } {
  return theme.dark ? { sea: theme.background, land: theme.surface, border: theme.border } : { sea: "#dbe9f4", land: "#f2efe9", border: "#999" };
}

/**
 * Leaflet measures its container when it is made and on window resizes only: an output that widens without one
 * (JupyterLab's sidebar collapsed, the window split, a narrow output first drawn in a hidden tab) kept the first
 * size, the map drawn in a strip of it and the rest blank. A size of 0 (the output hidden) is let pass.
 */
function followSize(map: Leaflet.Map, container: HTMLElement): void {
  if (typeof ResizeObserver !== "function") return;
  const watch = new ResizeObserver(() => {
    const w = container.clientWidth;
    const h = container.clientHeight;
    const known = map.getSize();
    // Hidden (0) or unchanged (the observer's first call): nothing to do.
    if (w === 0 || h === 0 || (w === known.x && h === known.y)) return;
    // The same centre, exactly: Leaflet's own pan keeps it to the rounded pixel, and each resize moved it by up to half of one.
    const centre = map.getCenter();
    map.invalidateSize({ pan: false });
    map.setView(centre, map.getZoom(), { animate: false });
  });
  watch.observe(container);
  map.on("unload", () => watch.disconnect());
}

function createMap(L: typeof Leaflet, container: HTMLElement, data: GeoMapData, theme: PaintTheme): Leaflet.Map {
  // Less motion asked for: zooms and fades jump (Leaflet animates them otherwise).
  const still = typeof matchMedia === "function" && matchMedia("(prefers-reduced-motion: reduce)").matches;
  const unrolled = data.unrollBelow !== null;
  const map = L.map(container, {
    // Points drawn past ±180° (unrolled) would be left behind by a jump back to the first world copy.
    worldCopyJump: !unrolled,
    zoomSnap: 0.5,
    minZoom: 1,
    maxZoom: data.tiles ? data.tiles.maxZoom : 18,
    ...(still ? { zoomAnimation: false, fadeAnimation: false, markerZoomAnimation: false } : {}),
  });
  map.setView([data.center[0], unrolledLon(data.center[1], data.unrollBelow)], data.zoom);
  map.attributionControl.setPrefix(false);
  for (const a of data.attributions) map.attributionControl.addAttribution(a);
  if (data.basemap) {
    const colors = basemapColors(theme);
    container.style.background = colors.sea;
    const style = () => ({ color: colors.border, weight: 0.6, fillColor: colors.land, fillOpacity: 1 });
    L.geoJSON(data.basemap, { interactive: false, style }).addTo(map);
    // Points unrolled past 180° lie on the next world east: its outlines too (Alaska beside Chukotka).
    if (unrolled) L.geoJSON(data.basemap, { interactive: false, style, coordsToLatLng: (c) => L.latLng(c[1], c[0] + 360) }).addTo(map);
  }
  if (data.tiles) noteTileErrors(L, map, L.tileLayer(data.tiles.url, { maxZoom: data.tiles.maxZoom }).addTo(map), data);
  return map;
}

/**
 * Offline (no network, a blocked or misspelt tile server), every tile fails and Leaflet leaves its square empty
 * without a word: the first failure puts a note on the map saying so, and what is shown instead.
 */
function noteTileErrors(L: typeof Leaflet, map: Leaflet.Map, tiles: Leaflet.TileLayer, data: GeoMapData): void {
  const host = /^https?:\/\/([^/]+)/.exec(data.tiles?.url ?? "")?.[1] ?? "the tile server";
  tiles.once("tileerror", () => {
    const note = new L.Control({ position: "bottomleft" });
    note.onAdd = () => {
      const div = document.createElement("div");
      div.className = "hl-geo-tile-note";
      div.setAttribute("role", "status");
      div.style.cssText = "background:#fff;color:#222;padding:2px 6px;font:12px/1.4 sans-serif;border-radius:3px;max-width:40em";
      div.textContent = `Map tiles could not be loaded from ${host} (no network?)${data.basemap ? ": the country outlines are shown instead" : ""}.`;
      return div;
    };
    note.addTo(map);
  });
}

/** A marker of one spot; its tooltip and popup are bound on first use. */
interface Pin extends Leaflet.Marker {
  hlSpot: number;
  /** Points at the spot (what clusters add up). */
  hlWeight: number;
  hlBound?: boolean;
}

function isPin(layer: unknown): layer is Pin {
  return typeof layer === "object" && layer !== null && "hlSpot" in layer;
}

/** Marker methods that bind the tooltip and popup first, so that pins behave as if bound from the start. */
const BINDING_METHODS = ["openTooltip", "openPopup", "toggleTooltip", "togglePopup", "getTooltip", "getPopup"] as const;

/**
 * A Marker class whose tooltip and popup methods bind them first: the API of
 * an eagerly bound marker, without a Tooltip and a Popup object per point.
 * A pin that takes the keys is named when its icon reaches the page (only the
 * pins drawn, not a million), and opens its tooltip when it gets the focus.
 */
function pinClass(L: typeof Leaflet, bind: (pin: Pin) => void, name: (pin: Pin) => string): new (latlng: Leaflet.LatLngExpression, options: Leaflet.MarkerOptions) => Pin {
  const base = L.Marker.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
  const methods: Record<string, (this: Pin, ...args: unknown[]) => unknown> = {};
  for (const name of BINDING_METHODS) {
    methods[name] = function (this: Pin, ...args: unknown[]) {
      bind(this);
      return base[name].apply(this, args);
    };
  }
  methods.onAdd = function (this: Pin, ...args: unknown[]) {
    const out = base.onAdd.apply(this, args);
    const icon = this.getElement();
    if (icon && this.options.keyboard && !icon.hasAttribute("aria-label")) {
      icon.setAttribute("aria-label", `${name(this)}; Enter shows the details`);
      icon.addEventListener("focus", () => {
        if (!this.hlBound) this.openTooltip();
      });
    }
    return out;
  };
  return L.Marker.extend(methods) as unknown as new (latlng: Leaflet.LatLngExpression, options: Leaflet.MarkerOptions) => Pin;
}

/** The first hover, click, focus or Enter on an unbound pin of `group` binds and opens (later ones are the pin's own). */
function bindOnFirstUse(group: Leaflet.FeatureGroup): void {
  group.on("mouseover", (e) => {
    const pin = (e as Leaflet.LeafletEvent & { layer?: unknown }).layer;
    if (isPin(pin) && !pin.hlBound) pin.openTooltip();
  });
  group.on("click", (e) => {
    const pin = (e as Leaflet.LeafletEvent & { layer?: unknown }).layer;
    if (isPin(pin) && !pin.hlBound) pin.openPopup();
  });
  // Leaflet turns Enter on a focused marker into a keypress event (a bound popup opens on it).
  group.on("keypress", (e) => {
    const pin = (e as Leaflet.LeafletEvent & { layer?: unknown }).layer;
    const key = (e as Leaflet.LeafletKeyboardEvent).originalEvent;
    if (isPin(pin) && !pin.hlBound && key?.key === "Enter") pin.openPopup();
  });
}

/**
 * Pins of an unclustered layer up to this many take the keys (each is a Tab stop); a cluster layer's all do,
 * as only the pins outside bubbles and in view are on the page at a time.
 */
const MAX_TAB_PINS = 300;

/** The pins of a layer: one per spot, lazily informed. */
function pins(L: typeof Leaflet, info: SpotInfo, index: number, unrollBelow: number | null): Pin[] {
  const { spots } = info;
  const keyboard = info.layer.kind === "cluster" || spots.count <= MAX_TAB_PINS;
  const Pin = pinClass(L, (pin) => {
    if (pin.hlBound) return;
    pin.hlBound = true;
    pin.bindTooltip(() => spotTooltip(info, pin.hlSpot));
    // Built once and kept: Popup.update() (re-measuring after a page turn) asks for the content again.
    let popup: HTMLElement | undefined;
    pin.bindPopup(() => (popup ??= spotPopup(info, pin.hlSpot, () => pin.getPopup()?.update())));
  }, (pin) => spotName(info, pin.hlSpot));
  const single = L.divIcon({ className: `hl-geo-pin hl-geo-c${index}`, html: "", iconSize: [14, 14] });
  const out: Pin[] = new Array(spots.count);
  for (let s = 0; s < spots.count; s += 1) {
    const weight = spots.start[s + 1] - spots.start[s];
    // A spot of several points shows their number (digits only: no data text in markup).
    const icon = weight === 1 ? single : L.divIcon({ className: `hl-geo-pin hl-geo-many hl-geo-c${index}`, html: compactCount(weight), iconSize: [22, 22] });
    const pin = new Pin([spots.lat[s], unrolledLon(spots.lon[s], unrollBelow)], { icon, keyboard });
    pin.hlSpot = s;
    pin.hlWeight = weight;
    out[s] = pin;
  }
  return out;
}

/**
 * Cluster bubbles that count points, not markers, where markers stand for places (a big layer: `weighted`, the
 * count compact); else markercluster's own bubble (the exact count), named the same way.
 */
function clusterIcon(L: typeof Leaflet, weighted: boolean): (cluster: Leaflet.MarkerCluster) => Leaflet.DivIcon {
  return (cluster) => {
    let n = 0;
    if (weighted) for (const m of cluster.getAllChildMarkers()) n += isPin(m) ? m.hlWeight : 1;
    else n = cluster.getChildCount();
    const inner = document.createElement("div");
    const span = document.createElement("span");
    span.textContent = weighted ? compactCount(n) : String(n);
    inner.title = `${n} points`;
    // The bubble is a button (Enter zooms into it): its name, read from its content, says what the number counts.
    const noun = document.createElement("span");
    noun.textContent = ` points`;
    Object.assign(noun.style, { position: "absolute", width: "1px", height: "1px", overflow: "hidden", clipPath: "inset(50%)", whiteSpace: "nowrap" });
    inner.append(span, noun);
    const size = n < 10 ? "small" : n < 100 ? "medium" : "large";
    return L.divIcon({ html: inner, className: `marker-cluster marker-cluster-${size}`, iconSize: L.point(40, 40) });
  };
}

/**
 * Clustering runs in chunks after the mount returns; `data-markers-ready`
 * says when every cluster layer is done and drawn. Returns the callback of one layer.
 */
function readiness(container: HTMLElement, layers: GeoMapLayerData[]): () => void {
  let pending = layers.filter((l) => l.kind === "cluster" && l.place.length > 0).length;
  const ready = (): void => container.setAttribute("data-markers-ready", "1");
  if (pending === 0) ready();
  return () => {
    pending -= 1;
    if (pending <= 0) ready();
  };
}

/** A heat cell's name: its tooltip lines, where it is, and its rank among the layer's cells. */
function heatName(lines: readonly string[], lat: number, lon: number, rank: number, cells: number): string {
  const tip = lines.length ? `${lines.join(", ")}, ` : "";
  return revealHidden(`${tip}near ${lat.toFixed(2)}, ${lon.toFixed(2)} (cell ${rank + 1} of ${cells}, hottest first)`);
}

/**
 * A heat layer: a translucent circle per cell, sized by its points. Its cells take the keys as one Tab stop (a
 * roving tabindex, as the graph's timeline strip): Tab reaches the hottest cell, Down/Right go to the next cooler
 * one, Up/Left to the next hotter, Home/End to the hottest/coolest; the map pans to show the cell, and focus opens
 * its tooltip (Leaflet's, bound to focus) and its name says its tooltip lines. The arrows move between cells
 * instead of panning the map while a cell has the focus; `+`/`-` still zoom.
 */
function heatLayer(L: typeof Leaflet, map: Leaflet.Map, view: ViewContext, strings: readonly string[], layer: GeoMapLayerData, unrollBelow: number | null): Leaflet.FeatureGroup {
  const group = L.featureGroup();
  const circles: Leaflet.CircleMarker[] = [];
  const weight = (i: number): number => (layer.weights ? layer.weights[i] : 1);
  layer.place.forEach((p, i) => {
    const c = L.circleMarker([layer.places.lat[p], unrolledLon(layer.places.lon[p], unrollBelow)], { radius: 4 + 3 * Math.sqrt(weight(i)), stroke: false, fillOpacity: 0.35, className: "hl-geo-heat" });
    c.setStyle({ fillColor: layer.color });
    c.bindTooltip(() => tooltipElement(view, pointTipLines(strings, layer, i)));
    group.addLayer(c);
    circles.push(c);
  });
  // Hottest first (ties in the layer's order): the order the keys walk.
  const order = circles.map((_, i) => i).sort((a, b) => weight(b) - weight(a) || a - b);
  const rankOf = new Int32Array(circles.length);
  order.forEach((i, rank) => (rankOf[i] = rank));
  const still = typeof matchMedia === "function" && matchMedia("(prefers-reduced-motion: reduce)").matches;
  let current = 0;
  const go = (rank: number): void => {
    const to = Math.max(0, Math.min(order.length - 1, rank));
    const c = circles[order[to]];
    const el = c.getElement() as SVGElement | undefined;
    if (!el) return;
    circles[order[current]]?.getElement()?.setAttribute("tabindex", "-1");
    current = to;
    el.setAttribute("tabindex", "0");
    // Off the map's view: centred on it (panInside would leave it on the view's very edge).
    if (!map.getBounds().contains(c.getLatLng())) map.panTo(c.getLatLng(), { animate: !still });
    el.focus({ preventScroll: true });
  };
  const keys: Record<string, (rank: number) => number> = {
    ArrowDown: (r) => r + 1,
    ArrowRight: (r) => r + 1,
    ArrowUp: (r) => r - 1,
    ArrowLeft: (r) => r - 1,
    Home: () => 0,
    End: () => order.length - 1,
  };
  circles.forEach((c, i) => {
    // The path is made anew each time the layer is added (the layer switcher): its attributes with it.
    c.on("add", () => {
      const el = c.getElement() as SVGElement | undefined;
      if (!el) return;
      el.setAttribute("tabindex", rankOf[i] === current ? "0" : "-1");
      el.setAttribute("role", "img");
      el.setAttribute("aria-label", heatName(pointTip(strings, layer, i), layer.places.lat[layer.place[i]], layer.places.lon[layer.place[i]], rankOf[i], circles.length));
      el.addEventListener("focus", () => {
        if (current === rankOf[i]) return;
        circles[order[current]]?.getElement()?.setAttribute("tabindex", "-1");
        current = rankOf[i];
        el.setAttribute("tabindex", "0");
      });
      el.addEventListener("keydown", (e) => {
        const key = (e as KeyboardEvent).key;
        const move = keys[key];
        if (!move || (e as KeyboardEvent).altKey || (e as KeyboardEvent).ctrlKey || (e as KeyboardEvent).metaKey) return;
        // Not the map's: its keyboard handler would pan it.
        e.preventDefault();
        e.stopPropagation();
        go(move(rankOf[i]));
      });
    });
  });
  return group;
}

function clusterLayer(L: typeof Leaflet, map: Leaflet.Map, markers: Pin[], spots: GeoMapSpots, done: () => void): Leaflet.MarkerClusterGroup {
  let reported = false;
  const group = L.markerClusterGroup({
    chunkedLoading: true,
    // Chunks of ~100 ms with 5 ms breaks: the page answers within a frame or so, and the 50 ms default pauses add up on big layers.
    chunkInterval: 100,
    chunkDelay: 5,
    // Markers standing for several points: count points. (Default bubbles otherwise, as users know them.)
    // Markers standing for several points: count points. Every bubble names itself for screen readers.
    iconCreateFunction: clusterIcon(L, spots.mode !== "points"),
    animate: !(typeof matchMedia === "function" && matchMedia("(prefers-reduced-motion: reduce)").matches),
    chunkProgress: (processed, total) => {
      // Adding the empty group to the map reports 0 of 0; the markers are drawn right after the last chunk's report.
      if (total > 0 && processed === total && !reported) {
        reported = true;
        setTimeout(done, 0);
      }
    },
  });
  // On the map first: chunked loading only chunks when the group is on a map.
  group.addTo(map);
  if (markers.length) group.addLayers(markers);
  // Enter on a bubble zooms into it (or spreads it out), and markercluster gives the focus to the map: it goes on to
  // the bubble's first pin instead (or the first smaller bubble it split into), so its pins are one Tab away.
  group.on("clusterkeypress", (e) => {
    const key = (e as Leaflet.LeafletKeyboardEvent).originalEvent;
    const cluster = (e as Leaflet.LeafletEvent & { layer?: Leaflet.MarkerCluster }).layer;
    if (cluster && key && (key.key === "Enter" || key.keyCode === 13)) focusIntoCluster(map, group, cluster);
  });
  return group;
}

/**
 * How long Enter on a bubble waits for the zoom (or the spreading out) to end before it gives up moving the focus:
 * generous, for a busy machine (the focus is left alone once the user moves it).
 */
const SETTLE_MS = 10_000;

/**
 * Once the zoom or spiderfy started by Enter on `cluster` has settled, focuses the first of its points shown as a
 * pin, else the first bubble holding some of them (the bubble itself excluded): first in the Tab order, so that
 * Tab goes on through the others.
 */
function focusIntoCluster(map: Leaflet.Map, group: Leaflet.MarkerClusterGroup, cluster: Leaflet.MarkerCluster): void {
  const old = cluster.getElement();
  const children = cluster.getAllChildMarkers();
  const deadline = Date.now() + SETTLE_MS;
  // Leaflet's and markercluster's own flags (no events: a zoom without animation ends before a listener could be added).
  const moving = (): boolean => Boolean((map as unknown as { _animatingZoom?: boolean })._animatingZoom || (group as unknown as { _inZoomAnimation?: number })._inZoomAnimation);
  const step = (): void => {
    // markercluster put the focus on the map; elsewhere, the user has moved on (Tab, a click) while it settled: the
    // focus stays where they took it. (The body: the element that had it was taken off the page.)
    const at = document.activeElement;
    if (at && at !== map.getContainer() && at !== document.body) return;
    const target = moving() ? undefined : firstShown(group, children, old);
    if (target) target.focus();
    else if (Date.now() < deadline) setTimeout(step, 50);
  };
  setTimeout(step, 0);
}

/** The first, in the Tab order, of the pins showing `children` (else of the bubbles holding some), `old` left out. */
function firstShown(group: Leaflet.MarkerClusterGroup, children: readonly Leaflet.Marker[], old: HTMLElement | undefined): HTMLElement | undefined {
  let pin: HTMLElement | undefined;
  let bubble: HTMLElement | undefined;
  const before = (a: HTMLElement, b: HTMLElement | undefined): boolean => !b || Boolean(a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING);
  for (const m of children) {
    const shown = group.getVisibleParent(m);
    const el = shown?.getElement();
    if (!el || el === old || !el.isConnected || el.tabIndex < 0) continue;
    if (shown === m) {
      if (before(el, pin)) pin = el;
    } else if (before(el, bubble)) bubble = el;
  }
  return pin ?? bubble;
}

export const boot = defineView<GeoMapData, GeoMapLibs>((container, data, libs, view) => {
  const L = libs.L;
  // The page's ground, not the map's own sea colour, decides light or dark.
  const map = createMap(L, container, data, paintTheme(view.root));
  followSize(map, container);
  view.onUnmount(() => map.remove());
  const clusterDone = readiness(container, data.layers);
  const groups: Leaflet.Layer[] = [];
  let total = 0;
  let pinCount = 0;
  data.layers.forEach((layer, i) => {
    let group: Leaflet.FeatureGroup;
    if (layer.kind === "heat") {
      group = heatLayer(L, map, view, data.strings, layer, data.unrollBelow);
    } else {
      const spots = layerSpots(layer);
      const markers = pins(L, { view, strings: data.strings, layer, spots }, i, data.unrollBelow);
      total += layer.place.length;
      pinCount += markers.length;
      group = layer.kind === "cluster" ? clusterLayer(L, map, markers, spots, clusterDone) : L.featureGroup(markers);
      bindOnFirstUse(group);
      container.setAttribute(`data-layer${i}-markers`, `${spots.mode}:${markers.length}`);
    }
    if (!map.hasLayer(group)) group.addTo(map);
    groups.push(group);
  });
  if (data.layers.length > 1) {
    // One by one, not as an object of names: Leaflet reads that with for…in, so "__proto__" listed Object.prototype's members and crashed.
    const control = L.control.layers();
    switcherLabels(data.layers.map((l) => l.nameHtml)).forEach((label, i) => control.addOverlay(groups[i], label));
    control.addTo(map);
  }
  // Leaflet makes the map focusable (arrow keys pan, + and - zoom): name it, and say where its data is as text.
  container.setAttribute("role", "application");
  container.setAttribute("aria-label", `${viewSummary(view) || "Map"}: arrow keys pan, plus and minus zoom, Tab reaches the clusters and the pins (Enter zooms into a cluster and moves to its first pin, shows a pin's details) and each heat layer's hottest cell (Up and Down go to the next hotter or cooler); the locations are listed as text under the map`);
  const live = container as MapContainer;
  live.huntlabMap = map;
  live.huntlabLayers = groups;
  container.setAttribute("data-marker-count", String(total));
  container.setAttribute("data-pin-count", String(pinCount));
});
