/**
 * `GeoMap`: IP addresses and locations on a world map, after MSTICPy's
 * `FoliumMap` — but offline.
 *
 * - Live view: Leaflet + leaflet.markercluster inlined from node_modules (see
 *   `htmlView.ts`). The basemap is the world's country outlines from
 *   `world-atlas` (Natural Earth 1:110m) drawn as a vector layer: no tiles, no
 *   network. A tile layer is added only when `tiles` is configured.
 * - Static fallback: the same outlines and points drawn in Node with d3-geo
 *   (Natural Earth projection) → SVG → PNG, embedded as a data-URI image, plus a
 *   table of the locations.
 * - Popups and tooltips are built in the browser (`client/views/geoMap.ts`)
 *   with `textContent`, hidden characters revealed; the payload travels as
 *   JSON in the view's config, so data never becomes markup.
 *
 * Deliberate differences from MSTICPy: no online tiles by default; `layer`
 * names group markers into one layer each (MSTICPy creates a new layer per
 * marker); markers without coordinates are counted and reported, not dropped silently.
 */
import { readFileSync } from "node:fs";
import { inspect } from "node:util";
import { geoNaturalEarth1, geoPath, type GeoProjection } from "d3-geo";
import type { FeatureCollection, Geometry } from "geojson";
import { feature } from "topojson-client";
import type { Topology, GeometryCollection } from "topojson-specification";
import { didYouMean, HuntlabError } from "../common/errors";
import { html, joinHtml, type SafeHtml } from "../display/html";
import { JUPYTER_DISPLAY, type Displayable, type MimeBundle } from "../display/protocol";
import { formatEntityValue } from "../entities/entity";
import { GeoLocation, hasCoordinates, Ip } from "../entities/types";
import { DBIP_ATTRIBUTION, DBIP_SOURCE, DBIP_URL, geolocateIps, type GeoLookupOptions } from "../context/geoip";
import type { GeoMapData, GeoMapLayerKind, GeoMapPoint } from "./client/views/geoMap";
import { htmlView, type HtmlView } from "../display/htmlView";
import { svgToPng } from "./png";

/** Bad map options or input. */
export class GeoMapError extends HuntlabError {
  override name = "GeoMapError";
}

/** A raster tile layer (used only when configured: it needs the network). */
export interface TileLayerOptions {
  /** URL template, e.g. `https://tile.openstreetmap.org/{z}/{x}/{y}.png`. */
  url: string;
  /** Attribution text (plain text; escaped). Default "". */
  attribution?: string;
  /** Highest zoom level of the tiles. Default 19. */
  maxZoom?: number;
}

/** Options of `new GeoMap()`. */
export interface GeoMapOptions {
  /** Initial zoom level (0 = whole world). Default 2, as MSTICPy. */
  zoomStart?: number;
  /** Height of the map in pixels. Default 500. */
  height?: number;
  /** Width: pixels or "100%". Default "100%" (the static image is 900 px wide). */
  width?: number | "100%";
  /** Initial centre `[latitude, longitude]`. Default MSTICPy's `[47.67, -122.13]`; `centerMap()` moves it to the points. */
  location?: [number, number];
  /** A tile layer: a URL template or options. Default none: the offline country outlines only. */
  tiles?: string | TileLayerOptions;
  /** Heading. Default none. */
  title?: string;
  /** Draw the offline country outlines. Default true. */
  basemap?: boolean;
}

/** Options of the `add…` methods. */
export interface GeoMarkerOptions {
  /**
   * Marker colour: a Folium icon colour name (`blue`, `red`, `darkred`, `orange`,
   * `green`, `purple`, `cadetblue`, `gray`…) or `#rgb`/`#rrggbb`. Default `blue`.
   */
  color?: string;
  /** Name of the layer (shown in the layer switcher when there are several). Default: "IP addresses", "Locations"… */
  layer?: string;
  /**
   * Which `AdditionalData` entries of an Ip to show in its popup. Default: all.
   * A name no point has is an error.
   */
  popupColumns?: string[];
  /**
   * Give Ips without coordinates a location from the offline database first
   * (like MSTICPy, which uses GeoLite). Default true.
   */
  geolocate?: boolean;
  /** Options for that lookup. */
  geoLookup?: GeoLookupOptions;
}

/** Options of {@link GeoMap.addHeatmap}. */
export interface GeoHeatmapOptions {
  /** Layer name. Default "Density". */
  layer?: string;
  /** Colour. Default "red". */
  color?: string;
  /** Grid of the aggregation in degrees. Default 1. */
  cellDegrees?: number;
}

/** Folium's icon colour names, as CSS colours. */
const NAMED_COLORS: Readonly<Record<string, string>> = {
  red: "#d63e2a",
  darkred: "#a23336",
  lightred: "#ff8e7f",
  orange: "#f69730",
  beige: "#ffcb92",
  green: "#72b026",
  darkgreen: "#728224",
  lightgreen: "#bbf970",
  blue: "#38aadd",
  darkblue: "#0067a3",
  lightblue: "#8adaff",
  cadetblue: "#436978",
  purple: "#d252b9",
  darkpurple: "#5b396b",
  pink: "#ff91ea",
  white: "#fbfbfb",
  gray: "#575757",
  grey: "#575757",
  lightgray: "#a3a3a3",
  black: "#303030",
};

const HEX_COLOR = /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;

/** A CSS colour from a Folium name or hex; anything else is an error (it ends up in CSS). */
function resolveColor(color: string | undefined, fallback: string): string {
  if (color === undefined) return NAMED_COLORS[fallback];
  const named = NAMED_COLORS[color.toLowerCase()];
  if (named) return named;
  if (HEX_COLOR.test(color)) return color;
  throw new GeoMapError(`color "${color}" is not a colour name or #hex.${didYouMean(color, Object.keys(NAMED_COLORS))} Names: ${Object.keys(NAMED_COLORS).join(", ")}`);
}

/** One point on the map: tooltip lines and popup rows `[label, value]` (shared with the browser side). */
type MapPoint = GeoMapPoint;

interface MapLayer {
  name: string;
  color: string;
  kind: GeoMapLayerKind;
  points: MapPoint[];
  /** Heat cells: weight per point. */
  weights?: number[];
}

/** Appends one by one: `push(...items)` passes every item as an argument and overflows the stack for large inputs. */
function appendAll<T>(target: T[], items: readonly T[]): void {
  for (const item of items) target.push(item);
}

/** Where the map's outlines come from (for attribution). */
const BASEMAP_ATTRIBUTION = "Country outlines: Natural Earth (public domain), via world-atlas";

let worldCache: FeatureCollection<Geometry, { name?: string }> | undefined;

/** World country outlines (Natural Earth 1:110m) as GeoJSON, coordinates rounded to 0.01° (read once). */
export function worldCountries(): FeatureCollection<Geometry, { name?: string }> {
  if (worldCache) return worldCache;
  let topo: Topology<{ countries: GeometryCollection<{ name?: string }> }>;
  try {
    topo = JSON.parse(readFileSync(require.resolve("world-atlas/countries-110m.json"), "utf8"));
  } catch (err) {
    throw new GeoMapError(`Cannot read the world outlines (world-atlas/countries-110m.json; run npm install): ${(err as Error).message}`);
  }
  const fc = feature(topo, topo.objects.countries) as FeatureCollection<Geometry, { name?: string }>;
  const round = (c: unknown): unknown => (typeof (c as number[])[0] === "number" ? (c as number[]).map((v) => Math.round(v * 100) / 100) : (c as unknown[]).map(round));
  for (const f of fc.features) {
    const g = f.geometry as Geometry & { coordinates?: unknown };
    if (g && "coordinates" in g) g.coordinates = round(g.coordinates) as never;
  }
  worldCache = fc;
  return fc;
}

let leafletWorldCache: FeatureCollection<Geometry, { name?: string }> | undefined;

/**
 * The outlines for Leaflet, which draws on a flat plane: rings that cross the
 * antimeridian (Russia's Chukotka, Fiji) are unwrapped so they continue past
 * ±180° instead of drawing a stripe across the whole map. Ring edges along a
 * pole (Antarctica's cut) are left as they are. d3-geo, on the sphere, needs none of this.
 */
export function worldCountriesForLeaflet(): FeatureCollection<Geometry, { name?: string }> {
  if (leafletWorldCache) return leafletWorldCache;
  const unwrap = (ring: number[][]): number[][] => {
    let offset = 0;
    return ring.map(([lon, lat], i) => {
      if (i > 0) {
        const [prevLon, prevLat] = ring[i - 1];
        const jump = lon - prevLon;
        if (Math.abs(jump) > 180 && Math.abs(lat) < 89 && Math.abs(prevLat) < 89) offset -= Math.sign(jump) * 360;
      }
      return [lon + offset, lat];
    });
  };
  const features = worldCountries().features.map((f) => {
    const g = f.geometry;
    if (g?.type === "Polygon") return { ...f, geometry: { ...g, coordinates: g.coordinates.map(unwrap) } };
    if (g?.type === "MultiPolygon") return { ...f, geometry: { ...g, coordinates: g.coordinates.map((poly) => poly.map(unwrap)) } };
    return f;
  });
  leafletWorldCache = { ...worldCountries(), features };
  return leafletWorldCache;
}

function median(values: number[]): number {
  const s = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) return 0;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const LOCATION_KEYS = ["CountryCode", "CountryName", "State", "City", "Latitude", "Longitude", "Asn", "AsnOrg", "Source"] as const;

/** A world map of IP addresses and locations; displays itself. */
export class GeoMap implements Displayable {
  readonly options: Readonly<GeoMapOptions>;
  private readonly layers: MapLayer[] = [];
  private center: [number, number];
  /** Entities the `add…` calls could not place (no valid coordinates). */
  skipped = 0;
  private view?: HtmlView;

  constructor(options: GeoMapOptions = {}) {
    const zoom = options.zoomStart ?? 2;
    if (!Number.isFinite(zoom) || zoom < 0 || zoom > 22) throw new GeoMapError(`zoomStart must be between 0 and 22, not ${String(zoom)}`);
    const height = options.height ?? 500;
    if (!Number.isFinite(height) || height <= 0) throw new GeoMapError(`height must be a positive number of pixels, not ${String(height)}`);
    if (options.tiles !== undefined) {
      const url = typeof options.tiles === "string" ? options.tiles : options.tiles.url;
      if (typeof url !== "string" || !/^https?:\/\/[^\s"'<>]+$/.test(url)) throw new GeoMapError(`tiles: "${String(url)}" is not an http(s) URL template`);
    }
    this.options = { ...options };
    this.center = options.location ?? [47.67, -122.13];
  }

  /** Number of points on the map (all layers). */
  get markerCount(): number {
    return this.layers.reduce((s, l) => s + l.points.length, 0);
  }

  /** Layer names and point counts. */
  get layerSummary(): { name: string; kind: string; points: number }[] {
    return this.layers.map((l) => ({ name: l.name, kind: l.kind, points: l.points.length }));
  }

  /** Current centre `[lat, lon]`. */
  get location(): [number, number] {
    return [...this.center] as [number, number];
  }

  private changed(): void {
    this.view = undefined;
  }

  private layer(name: string, color: string, kind: MapLayer["kind"]): MapLayer {
    let layer = this.layers.find((l) => l.name === name && l.kind === kind);
    if (!layer) {
      layer = { name, color, kind, points: [] };
      this.layers.push(layer);
    }
    return layer;
  }

  private ipPoints(ips: Ip[], options: GeoMarkerOptions): MapPoint[] {
    if (!Array.isArray(ips)) throw new GeoMapError("expected a list of entities.Ip");
    if (options.geolocate ?? true) geolocateIps(ips, options.geoLookup);
    const wanted = options.popupColumns;
    if (wanted) {
      const known = new Set(ips.flatMap((ip) => Object.keys(ip.AdditionalData)));
      const missing = wanted.filter((c) => !known.has(c));
      if (missing.length && ips.length) {
        throw new GeoMapError(`popupColumns: ${missing.join(", ")} not in any Ip's AdditionalData.${didYouMean(missing[0], known)} Known: ${[...known].join(", ") || "(none)"}`);
      }
    }
    const points: MapPoint[] = [];
    for (const ip of ips) {
      if (!hasCoordinates(ip.Location)) {
        this.skipped += 1;
        continue;
      }
      const loc = ip.Location!;
      const extra = Object.entries(ip.AdditionalData).filter(([k]) => !wanted || wanted.includes(k));
      const address = ip.Address ?? "";
      points.push({
        lat: loc.Latitude!,
        lon: loc.Longitude!,
        tip: [address, loc.City || "Unknown city", loc.CountryCode || loc.CountryName || "Unknown country", ...extra.map(([k, v]) => `${k}: ${formatEntityValue(v)}`)],
        pop: [["Address", address], ...locationRows(loc), ...extra.map(([k, v]) => [k, formatEntityValue(v)] as [string, string])],
      });
    }
    return points;
  }

  /** Adds Ips as a clustered marker layer (MSTICPy's `add_ip_cluster`). */
  addIpCluster(ips: Ip[], options: GeoMarkerOptions = {}): this {
    const color = resolveColor(options.color, "blue");
    appendAll(this.layer(options.layer ?? "IP addresses", color, "cluster").points, this.ipPoints(ips, options));
    this.changed();
    return this;
  }

  /** Adds Ips as individual (unclustered) markers. */
  addIps(ips: Ip[], options: GeoMarkerOptions = {}): this {
    const color = resolveColor(options.color, "blue");
    appendAll(this.layer(options.layer ?? "IP addresses (markers)", color, "markers").points, this.ipPoints(ips, options));
    this.changed();
    return this;
  }

  /** Adds locations as markers (clustered). */
  addGeoLocations(locations: GeoLocation[], options: Omit<GeoMarkerOptions, "popupColumns" | "geolocate" | "geoLookup"> = {}): this {
    const color = resolveColor(options.color, "green");
    const points: MapPoint[] = [];
    for (const loc of locations) {
      if (!hasCoordinates(loc)) {
        this.skipped += 1;
        continue;
      }
      points.push({ lat: loc.Latitude!, lon: loc.Longitude!, tip: [loc.nameStr], pop: locationRows(loc) });
    }
    appendAll(this.layer(options.layer ?? "Locations", color, "cluster").points, points);
    this.changed();
    return this;
  }

  /**
   * Adds a density layer: points aggregated on a grid (default 1°) and drawn
   * as translucent circles sized by count — a cheap offline heat map.
   */
  addHeatmap(points: (Ip | GeoLocation)[], options: GeoHeatmapOptions = {}): this {
    const color = resolveColor(options.color, "red");
    const cell = options.cellDegrees ?? 1;
    if (!Number.isFinite(cell) || cell <= 0) throw new GeoMapError(`cellDegrees must be positive, not ${String(cell)}`);
    const cells = new Map<string, { lat: number; lon: number; n: number }>();
    for (const p of points) {
      const loc = p instanceof Ip ? p.Location : p;
      if (!hasCoordinates(loc)) {
        this.skipped += 1;
        continue;
      }
      const la = Math.floor(loc!.Latitude! / cell);
      const lo = Math.floor(loc!.Longitude! / cell);
      const key = `${la},${lo}`;
      const c = cells.get(key) ?? { lat: 0, lon: 0, n: 0 };
      c.lat += loc!.Latitude!;
      c.lon += loc!.Longitude!;
      c.n += 1;
      cells.set(key, c);
    }
    const layer = this.layer(options.layer ?? "Density", color, "heat");
    layer.weights ??= [];
    for (const c of cells.values()) {
      layer.points.push({ lat: c.lat / c.n, lon: c.lon / c.n, tip: [`${c.n} point${c.n === 1 ? "" : "s"}`], pop: [["Points", String(c.n)]] });
      layer.weights.push(c.n);
    }
    this.changed();
    return this;
  }

  /** Centres the map on the median latitude and longitude of its points ([0, 0] when empty), as MSTICPy. */
  centerMap(): this {
    const all = this.layers.flatMap((l) => l.points);
    this.center = all.length ? [median(all.map((p) => p.lat)), median(all.map((p) => p.lon))] : [0, 0];
    this.changed();
    return this;
  }

  /** Attributions the map must show. */
  attributions(): string[] {
    const out = [];
    if (this.options.basemap ?? true) out.push(BASEMAP_ATTRIBUTION);
    // Popups record the database a location came from; DB-IP's licence asks for credit wherever its results show.
    if (this.layers.some((l) => l.points.some((p) => p.pop.some(([k, v]) => k === "Source" && v === DBIP_SOURCE)))) out.push(DBIP_ATTRIBUTION);
    const tiles = this.options.tiles;
    if (tiles && typeof tiles !== "string" && tiles.attribution) out.push(tiles.attribution);
    return out;
  }

  /** The static map as SVG (Natural Earth projection, 900 px wide). */
  toSvg(width = 900): string {
    const height = Math.round(width * 0.52);
    const title = this.options.title;
    const projection = geoNaturalEarth1().fitExtent(
      [
        [4, title ? 24 : 4],
        [width - 4, height - 18],
      ],
      { type: "Sphere" },
    );
    const path = geoPath(projection);
    const outlines =
      this.options.basemap ?? true
        ? html`<g fill="#f2efe9" stroke="#999" stroke-width="0.5">${worldCountries().features.map((f) => html`<path d="${path(f) ?? ""}"/>`)}</g>`
        : "";
    // (no graticule: it doubles the PNG size for little information)
    const marks = this.layers.map((l) => svgMarks(l, projection));
    return html`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, sans-serif">${[
      html`<rect width="100%" height="100%" fill="white"/>`,
      html`<path d="${path({ type: "Sphere" }) ?? ""}" fill="#dbe9f4" stroke="#9ab"/>`,
      title ? html`<text x="8" y="17" font-size="14" font-weight="bold">${title}</text>` : "",
      outlines,
      marks,
      html`<text x="${width - 6}" y="${height - 5}" font-size="9" text-anchor="end" fill="#555">${this.attributions().join(" · ")}</text>`,
      html`<text x="6" y="${height - 5}" font-size="10" fill="#333">${this.summary()}</text>`,
    ]}</svg>`.value;
  }

  /** The static map as PNG bytes. */
  toPng(width = 900): Buffer {
    return svgToPng(this.toSvg(width));
  }

  private summary(): string {
    const n = this.markerCount;
    return `${n} point${n === 1 ? "" : "s"} in ${this.layers.length} layer${this.layers.length === 1 ? "" : "s"}${this.skipped ? `; ${this.skipped} without coordinates not shown` : ""}`;
  }

  toText(): string {
    const layers = this.layers.map((l) => `  ${l.name} (${l.kind}): ${l.points.length} points`);
    return [`GeoMap: ${this.summary()}; centre ${this.center[0].toFixed(3)}, ${this.center[1].toFixed(3)}, zoom ${this.options.zoomStart ?? 2}`, ...layers].join("\n");
  }

  /** The HTML view (built once per state). */
  toView(): HtmlView {
    if (this.view) return this.view;
    this.view = htmlView({
      kind: "geo-map",
      title: this.options.title,
      client: "geoMap",
      libraries: ["leaflet", "leaflet.markercluster"],
      data: this.viewData(),
      css: (r) => mapCss(r, this.layers.map((l) => l.color)),
      height: this.options.height ?? 500,
      width: this.options.width ?? "100%",
      fallback: { png: this.toPng(900), alt: `World map: ${this.summary()}`, width: 900, html: this.staticTable() },
      text: this.toText(),
    });
    return this.view;
  }

  /** The payload of the live view (`client/views/geoMap.ts`). */
  private viewData(): GeoMapData {
    const tiles = this.options.tiles === undefined ? null : typeof this.options.tiles === "string" ? { url: this.options.tiles } : this.options.tiles;
    return {
      center: this.center,
      zoom: this.options.zoomStart ?? 2,
      basemap: this.options.basemap ?? true ? worldCountriesForLeaflet() : null,
      tiles: tiles ? { url: tiles.url, maxZoom: tiles.maxZoom ?? 19 } : null,
      attributions: this.attributionHtml().map((a) => a.value),
      // Leaflet's layer switcher inserts names as markup: they go escaped.
      layers: this.layers.map((l) => ({ name: l.name, nameHtml: html`${l.name}`.value, color: l.color, kind: l.kind, points: l.points, weights: l.weights ?? null })),
    };
  }

  /** Attributions as markup: DB-IP's as the link its licence asks for, the others as text. */
  private attributionHtml(): SafeHtml[] {
    return this.attributions().map((a) =>
      a === DBIP_ATTRIBUTION ? html`<a href="${DBIP_URL}" target="_blank" rel="noopener noreferrer">IP Geolocation by DB-IP</a> (CC BY 4.0)` : html`${a}`,
    );
  }

  /** Under the static image: the places with their addresses, for pages without scripts. */
  private staticTable(): SafeHtml {
    const rows = this.layers.flatMap(staticRows);
    const table = html`<table style="font-size:12px;border-collapse:collapse"><thead><tr><th>Layer</th><th>Lat, lon</th><th>Points</th><th>Addresses</th></tr></thead><tbody>${rows}</tbody></table>`;
    const attribution = html`<div class="hl-geo-attribution" style="font-size:11px;color:#555">${joinHtml(this.attributionHtml(), " · ")}</div>`;
    return html`<details class="hl-geo-static-list"><summary>Locations (${this.markerCount} points)</summary>${table}</details>${attribution}`;
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    return this.toView()[JUPYTER_DISPLAY]();
  }

  [inspect.custom](): string {
    return `GeoMap(${this.summary()})`;
  }
}

function locationRows(loc: GeoLocation): [string, string][] {
  const rows: [string, string][] = [];
  for (const k of LOCATION_KEYS) {
    const v = loc[k];
    if (v !== undefined && v !== null && v !== "") rows.push([k, formatEntityValue(v)]);
  }
  return rows;
}

/** Count labels per layer on the static map: resvg spends ~2 ms on each text, and beyond a few hundred they only overlap. */
const MAX_SVG_LABELS = 250;

/** A layer's marks on the static map: points at the same place (rounded to 0.1°) are drawn once, the busiest places with their count. */
function svgMarks(layer: MapLayer, projection: GeoProjection): SafeHtml[] {
  const heat = layer.kind === "heat";
  const groups = new Map<string, { lat: number; lon: number; n: number }>();
  layer.points.forEach((p, i) => {
    const key = `${Math.round(p.lat * 10)},${Math.round(p.lon * 10)}`;
    const g = groups.get(key) ?? { lat: p.lat, lon: p.lon, n: 0 };
    g.n += heat ? layer.weights![i] : 1;
    groups.set(key, g);
  });
  const labelled = new Set(
    [...groups.values()]
      .filter((g) => g.n > 1 && !heat)
      .sort((a, b) => b.n - a.n)
      .slice(0, MAX_SVG_LABELS),
  );
  const marks: SafeHtml[] = [];
  for (const g of groups.values()) {
    const xy = projection([g.lon, g.lat]);
    if (!xy) continue;
    const r = heat ? 4 + 3 * Math.sqrt(g.n) : 4 + Math.min(8, 2 * Math.log2(g.n));
    const [x, y] = [xy[0].toFixed(1), xy[1].toFixed(1)];
    marks.push(html`<circle cx="${x}" cy="${y}" r="${r.toFixed(1)}" fill="${layer.color}" fill-opacity="${heat ? 0.35 : 0.85}" stroke="#333" stroke-width="0.7"/>`);
    if (labelled.has(g)) {
      marks.push(html`<text x="${x}" y="${(xy[1] - r - 2).toFixed(1)}" font-size="10" text-anchor="middle" fill="#222" stroke="white" stroke-width="2" paint-order="stroke">${g.n}</text>`);
    }
  }
  return marks;
}

/** A layer's rows of the static table: its 100 busiest places with up to 10 addresses each. */
function staticRows(layer: MapLayer): SafeHtml[] {
  const groups = new Map<string, { where: string; n: number; names: Set<string> }>();
  for (const p of layer.points) {
    const where = `${p.lat.toFixed(3)}, ${p.lon.toFixed(3)}`;
    const g = groups.get(where) ?? { where, n: 0, names: new Set<string>() };
    g.n += 1;
    if (p.tip[0]) g.names.add(p.tip[0]);
    groups.set(where, g);
  }
  return [...groups.values()]
    .sort((a, b) => b.n - a.n)
    .slice(0, 100)
    .map((g) => {
      const names = [...g.names];
      const shown = names.slice(0, 10).join(", ") + (names.length > 10 ? ", …" : "");
      return html`<tr><td>${layer.name}</td><td>${g.where}</td><td style="text-align:right">${g.n}</td><td>${shown}</td></tr>`;
    });
}

function mapCss(r: string, colors: string[]): string {
  return (
    `${r} .hl-view-live{background:#dbe9f4}` +
    `${r} .leaflet-container{background:#dbe9f4;font:12px/1.4 sans-serif}` +
    `${r} .hl-geo-pin{border-radius:50%;border:1.5px solid #fff;box-shadow:0 0 0 1px #333;box-sizing:border-box}` +
    colors.map((c, i) => `${r} .hl-geo-c${i}{background:${c}}`).join("") +
    `${r} .hl-geo-popup th{text-align:left;padding:0 6px 0 0;vertical-align:top}` +
    `${r} .hl-geo-popup td{word-break:break-all}`
  );
}
