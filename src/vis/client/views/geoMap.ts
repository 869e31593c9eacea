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
import { layerSpots, pointTip, switcherLabels, type GeoMapData, type GeoMapLayerData, type GeoMapSpots } from "../geoMapData";
import { compactCount, spotName, spotPopup, spotTooltip, tooltipElement, type SpotInfo } from "../geoMapInfo";
import { defineView, type ViewContext } from "../runtime";
import { viewSummary } from "../keyboard";
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

function createMap(L: typeof Leaflet, container: HTMLElement, data: GeoMapData, theme: PaintTheme): Leaflet.Map {
  // Less motion asked for: zooms and fades jump (Leaflet animates them otherwise).
  const still = typeof matchMedia === "function" && matchMedia("(prefers-reduced-motion: reduce)").matches;
  const map = L.map(container, {
    worldCopyJump: true,
    zoomSnap: 0.5,
    minZoom: 1,
    maxZoom: data.tiles ? data.tiles.maxZoom : 18,
    ...(still ? { zoomAnimation: false, fadeAnimation: false, markerZoomAnimation: false } : {}),
  });
  map.setView(data.center, data.zoom);
  map.attributionControl.setPrefix(false);
  for (const a of data.attributions) map.attributionControl.addAttribution(a);
  if (data.basemap) {
    const colors = basemapColors(theme);
    container.style.background = colors.sea;
    L.geoJSON(data.basemap, { interactive: false, style: () => ({ color: colors.border, weight: 0.6, fillColor: colors.land, fillOpacity: 1 }) }).addTo(map);
  }
  if (data.tiles) L.tileLayer(data.tiles.url, { maxZoom: data.tiles.maxZoom }).addTo(map);
  return map;
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
function pins(L: typeof Leaflet, info: SpotInfo, index: number): Pin[] {
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
    const pin = new Pin([spots.lat[s], spots.lon[s]], { icon, keyboard });
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

function heatLayer(L: typeof Leaflet, view: ViewContext, strings: readonly string[], layer: GeoMapLayerData): Leaflet.FeatureGroup {
  const group = L.featureGroup();
  layer.place.forEach((p, i) => {
    const w = layer.weights ? layer.weights[i] : 1;
    const c = L.circleMarker([layer.places.lat[p], layer.places.lon[p]], { radius: 4 + 3 * Math.sqrt(w), stroke: false, fillOpacity: 0.35, className: "hl-geo-heat" });
    c.setStyle({ fillColor: layer.color });
    c.bindTooltip(() => tooltipElement(view, pointTip(strings, layer, i)));
    group.addLayer(c);
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
  return group;
}

export const boot = defineView<GeoMapData, GeoMapLibs>((container, data, libs, view) => {
  const L = libs.L;
  // The page's ground, not the map's own sea colour, decides light or dark.
  const map = createMap(L, container, data, paintTheme(view.root));
  const clusterDone = readiness(container, data.layers);
  const groups: Leaflet.Layer[] = [];
  let total = 0;
  let pinCount = 0;
  data.layers.forEach((layer, i) => {
    let group: Leaflet.FeatureGroup;
    if (layer.kind === "heat") {
      group = heatLayer(L, view, data.strings, layer);
    } else {
      const spots = layerSpots(layer);
      const markers = pins(L, { view, strings: data.strings, layer, spots }, i);
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
  container.setAttribute("aria-label", `${viewSummary(view) || "Map"}: arrow keys pan, plus and minus zoom, Tab reaches the clusters and the pins (Enter zooms into a cluster, shows a pin's details); the locations are listed as text under the map`);
  const live = container as MapContainer;
  live.huntlabMap = map;
  live.huntlabLayers = groups;
  container.setAttribute("data-marker-count", String(total));
  container.setAttribute("data-pin-count", String(pinCount));
});
