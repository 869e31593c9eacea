/// <reference types="leaflet.markercluster" />
/**
 * Live part of `GeoMap` (../../geoMap.ts): Leaflet + leaflet.markercluster over
 * the offline country outlines. Tooltips and popups are built here from the
 * data with textContent (hidden characters revealed); Leaflet arrives as
 * `libs.L`, so only its types are imported.
 */
import type * as Leaflet from "leaflet";
import type { FeatureCollection, Geometry } from "geojson";
import { defineView, type ViewContext } from "../runtime";
import { revealHidden } from "../text";

/** One point: tooltip lines and popup rows `[label, value]`. */
export interface GeoMapPoint {
  lat: number;
  lon: number;
  tip: string[];
  pop: [string, string][];
}

/** How a layer's points are drawn. */
export type GeoMapLayerKind = "cluster" | "markers" | "heat";

/** One layer as `GeoMap` sends it. */
export interface GeoMapLayerData {
  name: string;
  /**
   * The name escaped by the Node side's `html` template: Leaflet's layer
   * switcher inserts names as markup, so this is the only form it gets.
   */
  nameHtml: string;
  color: string;
  kind: GeoMapLayerKind;
  points: GeoMapPoint[];
  /** Heat layers: the number of points in each cell, by point index. */
  weights: number[] | null;
}

/** What `GeoMap` sends. */
export interface GeoMapData {
  center: [number, number];
  zoom: number;
  /** Country outlines (antimeridian-unwrapped), or null for none. */
  basemap: FeatureCollection<Geometry> | null;
  tiles: { url: string; maxZoom: number } | null;
  /** Markup made by the Node side's `html` template (Leaflet's attribution control takes markup). */
  attributions: string[];
  layers: GeoMapLayerData[];
}

interface GeoMapLibs {
  L: typeof Leaflet;
}

/** What tests and notebook users reach on the live container. */
interface MapContainer extends HTMLElement {
  huntlabMap?: Leaflet.Map;
  huntlabLayers?: Leaflet.Layer[];
}

function createMap(L: typeof Leaflet, container: HTMLElement, data: GeoMapData): Leaflet.Map {
  const map = L.map(container, { worldCopyJump: true, zoomSnap: 0.5, minZoom: 1, maxZoom: data.tiles ? data.tiles.maxZoom : 18 });
  map.setView(data.center, data.zoom);
  map.attributionControl.setPrefix(false);
  for (const a of data.attributions) map.attributionControl.addAttribution(a);
  if (data.basemap) {
    L.geoJSON(data.basemap, { interactive: false, style: () => ({ color: "#999", weight: 0.6, fillColor: "#f2efe9", fillOpacity: 1 }) }).addTo(map);
  }
  if (data.tiles) L.tileLayer(data.tiles.url, { maxZoom: data.tiles.maxZoom }).addTo(map);
  return map;
}

function tooltip(view: ViewContext, lines: string[]): HTMLElement {
  const d = view.el("div", "hl-geo-tip");
  lines.forEach((line, i) => {
    if (i) d.appendChild(document.createElement("br"));
    d.appendChild(document.createTextNode(revealHidden(line)));
  });
  return d;
}

function popup(view: ViewContext, rows: [string, string][]): HTMLElement {
  const table = view.el("table", "hl-geo-popup");
  for (const [label, value] of rows) {
    const tr = view.el("tr");
    tr.append(view.el("th", undefined, revealHidden(label)), view.el("td", undefined, revealHidden(value)));
    table.appendChild(tr);
  }
  return table;
}

/**
 * Clustering runs in chunks after the mount returns; `data-markers-ready`
 * says when every cluster layer is done. Returns the callback of one layer.
 */
function readiness(container: HTMLElement, layers: GeoMapLayerData[]): () => void {
  let pending = layers.filter((l) => l.kind === "cluster" && l.points.length > 0).length;
  const ready = (): void => container.setAttribute("data-markers-ready", "1");
  if (pending === 0) ready();
  return () => {
    pending -= 1;
    if (pending <= 0) ready();
  };
}

function heatLayer(L: typeof Leaflet, view: ViewContext, layer: GeoMapLayerData): Leaflet.FeatureGroup {
  const group = L.featureGroup();
  layer.points.forEach((p, i) => {
    const w = layer.weights ? layer.weights[i] : 1;
    const c = L.circleMarker([p.lat, p.lon], { radius: 4 + 3 * Math.sqrt(w), stroke: false, fillOpacity: 0.35, className: "hl-geo-heat" });
    c.setStyle({ fillColor: layer.color });
    c.bindTooltip(tooltip(view, p.tip));
    group.addLayer(c);
  });
  return group;
}

/** Pins with lazily built tooltips and popups (a map may hold 100 000s of points). */
function markers(L: typeof Leaflet, view: ViewContext, layer: GeoMapLayerData, index: number): Leaflet.Marker[] {
  const icon = L.divIcon({ className: `hl-geo-pin hl-geo-c${index}`, html: "", iconSize: [14, 14] });
  return layer.points.map((p) => {
    const m = L.marker([p.lat, p.lon], { icon, keyboard: false });
    m.bindTooltip(() => tooltip(view, p.tip));
    m.bindPopup(() => popup(view, p.pop));
    return m;
  });
}

function clusterLayer(L: typeof Leaflet, map: Leaflet.Map, pins: Leaflet.Marker[], done: () => void): Leaflet.MarkerClusterGroup {
  let reported = false;
  const group = L.markerClusterGroup({
    chunkedLoading: true,
    chunkProgress: (processed, total) => {
      if (processed === total && !reported) {
        reported = true;
        done();
      }
    },
  });
  // On the map first: chunked loading only chunks when the group is on a map.
  group.addTo(map);
  if (pins.length) group.addLayers(pins);
  return group;
}

export const boot = defineView<GeoMapData, GeoMapLibs>((container, data, libs, view) => {
  const L = libs.L;
  const map = createMap(L, container, data);
  const clusterDone = readiness(container, data.layers);
  const overlays: Record<string, Leaflet.Layer> = {};
  const groups: Leaflet.Layer[] = [];
  let total = 0;
  data.layers.forEach((layer, i) => {
    let group: Leaflet.Layer;
    if (layer.kind === "heat") {
      group = heatLayer(L, view, layer);
    } else {
      const pins = markers(L, view, layer, i);
      total += pins.length;
      group = layer.kind === "cluster" ? clusterLayer(L, map, pins, clusterDone) : L.featureGroup(pins);
    }
    if (!map.hasLayer(group)) group.addTo(map);
    groups.push(group);
    overlays[layer.nameHtml] = group;
  });
  if (data.layers.length > 1) L.control.layers(undefined, overlays).addTo(map);
  const live = container as MapContainer;
  live.huntlabMap = map;
  live.huntlabLayers = groups;
  container.setAttribute("data-marker-count", String(total));
});
