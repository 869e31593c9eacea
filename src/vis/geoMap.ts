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
 *   JSON in the view's config, so data never becomes markup. It is columnar
 *   (`client/geoMapData.ts`): points reference distinct places, texts sit once
 *   in a string table, so a million points make a few MB, not 150 bytes each.
 * - Huge maps: the live view draws a marker per place (clusters count points)
 *   and clusters in chunks; the static image coarsens its grid to stay under
 *   {@link MAX_SVG_MARKS} marks and says so.
 *
 * Deliberate differences from MSTICPy: no online tiles by default; `layer`
 * names group markers into one layer each (MSTICPy creates a new layer per
 * marker); markers without coordinates are counted and reported, not dropped silently.
 */
import { readFileSync } from "node:fs";
import { inspect, type InspectOptions } from "node:util";
import { geoNaturalEarth1, geoPath, type GeoProjection } from "d3-geo";
import type { FeatureCollection, Geometry } from "geojson";
import { feature } from "topojson-client";
import type { Topology, GeometryCollection } from "topojson-specification";
import { decimalNumber } from "../common/decimal";
import { GeoMapError, visMessages as msg } from "./messages";
import { html, joinHtml, type SafeHtml } from "../display/html";
import { plainTableCss, THEME } from "../display/theme";
import { JUPYTER_DISPLAY, type Displayable, type MimeBundle } from "../display/protocol";
import { inspectLastValue } from "../display/lastValue";
import { formatEntityValue } from "../entities/entity";
import { GeoLocation, Ip } from "../entities/types";
import { DBIP_ATTRIBUTION, DBIP_SOURCE, DBIP_URL, geolocateIps, type GeoLookupOptions } from "../context/geoip";
import { isIpNetwork } from "../common/hostPrefix";
import type { GeoMapColumn, GeoMapData, GeoMapLayerData, GeoMapLayerKind, GeoMapValues } from "./client/geoMapData";
import { htmlView, type HtmlView, type HtmlViewSizes } from "../display/htmlView";
import { svgToPng } from "./png";
import { MAX_VIEW_PIXELS, checkOptionTypes, type OptionTypes, type OptionTypesOf } from "./options";

export { GeoMapError } from "./messages";

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

/** Options of {@link GeoMap.addGeoLocations}. */
export type GeoLocationOptions = Omit<GeoMarkerOptions, "popupColumns" | "geolocate" | "geoLookup">;

/** Options of {@link GeoMap.addHeatmap}. */
export interface GeoHeatmapOptions {
  /** Layer name. Default "Density". */
  layer?: string;
  /** Colour. Default "red". */
  color?: string;
  /** Grid of the aggregation in degrees. Default 1. */
  cellDegrees?: number;
}

const MAP_TYPES = {
  zoomStart: "number",
  height: "number",
  width: ["number", { oneOf: ["100%"] }],
  location: "numbers",
  tiles: ["string", "object"],
  title: "string",
  basemap: "boolean",
} as const satisfies OptionTypesOf<GeoMapOptions>;
const MARKER_TYPES = { color: "string", layer: "string", popupColumns: "columns", geolocate: "boolean", geoLookup: "object" } as const satisfies OptionTypesOf<GeoMarkerOptions>;
/** addGeoLocations places GeoLocations as given: the Ip options (popup columns, lookup) would be ignored, so they are unknown here. */
const LOCATION_TYPES = { color: "string", layer: "string" } as const satisfies OptionTypesOf<GeoLocationOptions>;
const HEAT_TYPES = { layer: "string", color: "string", cellDegrees: "number" } as const satisfies OptionTypesOf<GeoHeatmapOptions>;

/** Type checks of the options of `new GeoMap` (`view` "GeoMap") and its `add…` methods. */
const TILE_TYPES = { url: "string", attribution: "string", maxZoom: "number" } as const satisfies OptionTypesOf<TileLayerOptions>;

function checkMapOptions(view: string, options: unknown, types: OptionTypes): void {
  checkOptionTypes(options, types, { view, code: "vis/map-option", error: (m) => new GeoMapError(m) });
}

/**
 * A location's coordinates, or undefined when it has none in range. Numbers,
 * and numeric text as CSV readers leave it ("47.6"): strictly a finite decimal
 * number, nothing else ("", "47N", "0x10", "1e999" are missing).
 */
function coordinatesOf(loc: GeoLocation | undefined): [number, number] | undefined {
  if (!loc) return undefined;
  const lat = coordinate(loc.Latitude);
  const lon = coordinate(loc.Longitude);
  // 0, 0 ("Null Island", in the Gulf of Guinea) is what exports and some databases write for no location: a pile of
  // points there was drawn as if hosts were in the sea. It is no location (an Ip there is located offline first).
  if (lat === 0 && lon === 0) return undefined;
  return Math.abs(lat) <= 90 && Math.abs(lon) <= 180 ? [lat, lon] : undefined;
}

/** True when `loc` is at 0, 0 exactly (numbers or numeric text): a placeholder, not a place. */
/** An Ip whose address is a network in CIDR notation (`10.0.0.0/8`): many addresses, no one place to draw. */
function isNetworkIp(ip: Ip): boolean {
  return typeof ip.Address === "string" && isIpNetwork(ip.Address.trim());
}

/** Why points were not shown, when known: `(2 at 0, 0, a placeholder for none; 1 a network (CIDR), not one address)`. */
function skippedWhy(atZero: number, networks: number): string {
  const why = [atZero ? `${atZero} at 0, 0, a placeholder for none` : "", networks ? `${networks} ${networks === 1 ? "a network" : "networks"} (CIDR), not one address` : ""].filter(Boolean);
  return why.length ? ` (${why.join("; ")})` : "";
}

function atNullIsland(loc: GeoLocation | undefined): boolean {
  return loc !== undefined && coordinate(loc.Latitude) === 0 && coordinate(loc.Longitude) === 0;
}


/** A coordinate from a number or decimal text (bounded: long text is no coordinate); NaN otherwise. */
function coordinate(value: unknown): number {
  return typeof value === "bigint" ? NaN : (decimalNumber(value) ?? NaN);
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
  throw new GeoMapError(msg.mapColor(color, Object.keys(NAMED_COLORS)));
}

/** A text column under construction: one value per place or point, null = none. */
interface TextColumn {
  label: string;
  pop: boolean;
  tip: GeoMapColumn["tip"];
  values: (string | null)[];
  /** Read from the place's position in the browser (the value here only says "present"). */
  coordinate?: "lat" | "lon";
}

type ColumnSpec = Omit<TextColumn, "values">;

/** Point columns added row by row; a label first seen late gets nulls for the rows before. */
class ColumnSet {
  readonly columns: TextColumn[] = [];
  private readonly byLabel = new Map<string, TextColumn>();
  private rows = 0;

  constructor(private readonly spec: Omit<ColumnSpec, "label">) {}

  /** A value of the current row (each label at most once per row). */
  set(label: string, value: string): void {
    let column = this.byLabel.get(label);
    if (!column) {
      column = { ...this.spec, label, values: new Array<string | null>(this.rows).fill(null) };
      this.byLabel.set(label, column);
      this.columns.push(column);
    }
    column.values.push(value);
  }

  /** Ends the current row: columns without a value in it get null. */
  endRow(): void {
    this.rows += 1;
    for (const column of this.columns) if (column.values.length < this.rows) column.values.push(null);
  }
}

const LOCATION_KEYS = ["CountryCode", "CountryName", "State", "City", "Latitude", "Longitude", "Asn", "AsnOrg", "Source"] as const;

/** Columns of a place, in display order (a layer sends only those with values). */
const PLACE_COLUMNS: readonly ColumnSpec[] = [
  { label: "Name", pop: false, tip: "value" },
  { label: "City line", pop: false, tip: "value" },
  { label: "Country line", pop: false, tip: "value" },
  { label: "Count line", pop: false, tip: "value" },
  ...LOCATION_KEYS.map(
    (label): ColumnSpec => ({ label, pop: true, tip: null, coordinate: label === "Latitude" ? "lat" : label === "Longitude" ? "lon" : undefined }),
  ),
  { label: "Points", pop: true, tip: null },
];
const PLACE_COLUMN = Object.fromEntries(PLACE_COLUMNS.map((c, i) => [c.label, i])) as Readonly<Record<string, number>>;

/** A place as text, for places sharing a number key (JSON keeps any values apart). */
function placeKey(lat: number, lon: number, row: readonly (string | null)[]): string {
  return `${lat},${lon}${JSON.stringify(row)}`;
}

/**
 * The distinct places of a layer: raw coordinates (rounded only when sent)
 * and one value per {@link PLACE_COLUMNS} entry. Points at the same place
 * share one row, so a million sign-ins from 5,000 places send 5,000 cities.
 */
class PlaceTable {
  readonly lat: number[] = [];
  readonly lon: number[] = [];
  readonly values: (string | null)[][] = PLACE_COLUMNS.map(() => []);
  /**
   * Places by a number made of both coordinates (no string per place; places
   * on one parallel or meridian get different keys). Where places share a
   * key (one spot, different details: GeoLite's country centroid with an ASN
   * each) they are found by a text of coordinates and values, not by a scan
   * of the spot's places, which was quadratic.
   */
  private readonly byKey = new Map<number, number | Map<string, number>>();

  get size(): number {
    return this.lat.length;
  }

  /**
   * The index of the place at `lat, lon` with these values (a {@link placeRow}),
   * added if new; `unique` adds without looking (heat cells).
   */
  place(lat: number, lon: number, row: readonly (string | null)[], unique = false): number {
    if (unique) return this.add(lat, lon, row);
    const key = lat * 1e7 + lon;
    let same = this.byKey.get(key);
    if (same === undefined) {
      const index = this.add(lat, lon, row);
      this.byKey.set(key, index);
      return index;
    }
    if (typeof same === "number") {
      const p = same;
      if (this.lat[p] === lat && this.lon[p] === lon && this.values.every((column, i) => column[p] === row[i])) return p;
      same = new Map([[placeKey(this.lat[p], this.lon[p], this.values.map((column) => column[p])), p]]);
      this.byKey.set(key, same);
    }
    const text = placeKey(lat, lon, row);
    let index = same.get(text);
    if (index === undefined) {
      index = this.add(lat, lon, row);
      same.set(text, index);
    }
    return index;
  }

  private add(lat: number, lon: number, row: readonly (string | null)[]): number {
    const index = this.lat.length;
    this.lat.push(lat);
    this.lon.push(lon);
    for (let i = 0; i < row.length; i += 1) this.values[i].push(row[i]);
    return index;
  }

  columns(): TextColumn[] {
    return PLACE_COLUMNS.map((c, i) => ({ ...c, values: this.values[i] }));
  }
}

interface MapLayer {
  name: string;
  color: string;
  kind: GeoMapLayerKind;
  places: PlaceTable;
  /** Per point: its place. */
  place: number[];
  /** The address (Ip points). */
  head: ColumnSet;
  /** `AdditionalData` (Ip points). */
  tail: ColumnSet;
  /** Heat cells: weight per point. */
  weights?: number[];
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
    throw new GeoMapError(msg.mapOutlinesUnreadable((err as Error).message));
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

/** The median of `values` each repeated `weight` times (the mean of the two middle ones for an even total). */
export function weightedMedian(values: readonly number[], weights: readonly number[]): number {
  const order = values.map((_, i) => i).filter((i) => Number.isFinite(values[i]) && weights[i] > 0);
  order.sort((a, b) => values[a] - values[b]);
  const total = order.reduce((s, i) => s + weights[i], 0);
  if (total === 0) return 0;
  // The value at 0-based rank k of the expanded list.
  const at = (k: number): number => {
    let seen = 0;
    for (const i of order) {
      seen += weights[i];
      if (k < seen) return values[i];
    }
    return values[order[order.length - 1]];
  };
  const m = Math.floor(total / 2);
  return total % 2 ? at(m) : (at(m - 1) + at(m)) / 2;
}

/**
 * Where the arc holding every longitude starts, when they fit in half the world and that arc crosses ±180° (Fiji,
 * Chukotka and the Aleutians: 177°…-176°); else undefined. Such points leave a gap of more than 180° between two
 * neighbours, away from ±180°: the arc runs east from the gap's east end. Unrolled from there (a longitude below it
 * + 360°), it reads as one run of numbers (177…184). Points spread wider round the world have no such gap and no
 * one centre on the circle: they stay as they are (MSTICPy's plain median).
 */
export function antimeridianCut(lons: readonly number[]): number | undefined {
  const distinct = [...new Set(lons.filter((l) => Number.isFinite(l)))].sort((a, b) => a - b);
  for (let i = 1; i < distinct.length; i += 1) if (distinct[i] - distinct[i - 1] > 180) return distinct[i];
  return undefined;
}

/**
 * The weighted median of longitudes along the arc holding them ({@link antimeridianCut}), in -180…180: points
 * around ±180° had a plain median near 0°, half the world away from all of them; here it is near 180°. Points whose
 * arc does not cross ±180°, or that spread over more than half the world, get the plain median, as MSTICPy's.
 */
export function circularMedianLongitude(lons: readonly number[], weights: readonly number[]): number {
  const cut = antimeridianCut(lons.filter((_, i) => weights[i] > 0));
  if (cut === undefined) return weightedMedian(lons, weights);
  const median = weightedMedian(lons.map((l) => (l < cut ? l + 360 : l)), weights);
  return median > 180 ? median - 360 : median;
}

/** A world map of IP addresses and locations; displays itself. */
export class GeoMap implements Displayable {
  readonly options: Readonly<GeoMapOptions>;
  private readonly layers: MapLayer[] = [];
  private center: [number, number];
  /** Entities the `add…` calls could not place (no valid coordinates, or 0, 0). */
  skipped = 0;
  /** Of those, the ones at 0, 0 (counted apart in the summary: the data has a placeholder there, not nothing). */
  private skippedAtZero = 0;
  /** Of `skipped`, Ips whose address is a network (`10.0.0.0/8`): no one place. */
  private skippedNetworks = 0;
  private view?: HtmlView;

  constructor(options: GeoMapOptions = {}) {
    checkMapOptions("GeoMap", options, MAP_TYPES);
    const zoom = options.zoomStart ?? 2;
    if (!Number.isFinite(zoom) || zoom < 0 || zoom > 22) throw new GeoMapError(msg.mapZoom(zoom));
    // Here, naming the map: a bad width failed only when shown, as a generic view-size error; 1e9 reached the PNG renderer.
    for (const option of ["width", "height"] as const) {
      const v = options[option];
      if (v !== undefined && v !== "100%" && !(v > 0 && v <= MAX_VIEW_PIXELS)) throw new GeoMapError(msg.mapPixels(option, v, MAX_VIEW_PIXELS));
    }
    const at = options.location;
    if (at !== undefined && (at.length !== 2 || !(Math.abs(at[0]) <= 90) || !(Math.abs(at[1]) <= 180))) throw new GeoMapError(msg.mapLocation(at));
    if (options.tiles !== undefined) {
      // The tile layer's own keys too: a misspelt `attribtion` left the map without its required credit, silently.
      if (typeof options.tiles !== "string") checkMapOptions("GeoMap tiles", options.tiles, TILE_TYPES);
      const url = typeof options.tiles === "string" ? options.tiles : options.tiles.url;
      if (typeof url !== "string" || !/^https?:\/\/[^\s"'<>]+$/.test(url)) throw new GeoMapError(msg.mapTiles(url));
    }
    this.options = { ...options };
    this.center = options.location ?? [47.67, -122.13];
  }

  /** Number of points on the map (all layers; a heat layer's points, not its cells). */
  get markerCount(): number {
    return this.layers.reduce((s, l) => s + layerPoints(l), 0);
  }

  /** Layer names and point counts; heat layers also their number of grid cells. */
  get layerSummary(): { name: string; kind: string; points: number; cells?: number }[] {
    return this.layers.map((l) => ({ name: l.name, kind: l.kind, points: layerPoints(l), ...(l.kind === "heat" ? { cells: l.place.length } : {}) }));
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
      layer = { name, color, kind, places: new PlaceTable(), place: [], head: new ColumnSet({ pop: true, tip: "value" }), tail: new ColumnSet({ pop: true, tip: "labelled" }) };
      this.layers.push(layer);
    }
    return layer;
  }

  /** Adds the Ips with coordinates to `layer` (geolocated first unless told otherwise); counts the others. */
  private addIpsTo(layer: MapLayer, given: readonly (Ip | string)[], options: GeoMarkerOptions): void {
    if (!Array.isArray(given)) throw new GeoMapError(msg.mapNotIps());
    // Address text is an Ip to locate (it was counted "without coordinates" and the map left empty).
    const ips = given.map((ip) => (typeof ip === "string" ? new Ip({ Address: ip }) : ip));
    if (!ips.every((ip) => ip instanceof Ip)) throw new GeoMapError(msg.mapNotIps());
    // Only the Ips without coordinates here: numeric text ("47.6", from CSV) is a location, not one to look up again.
    if (options.geolocate ?? true) geolocateIps(ips.filter((ip) => !coordinatesOf(ip.Location)), options.geoLookup);
    const wanted = options.popupColumns;
    if (wanted) {
      const known = new Set(ips.flatMap((ip) => Object.keys(ip.AdditionalData)));
      const missing = wanted.filter((c) => !known.has(c));
      if (missing.length && ips.length) {
        throw new GeoMapError(msg.mapPopupColumns(missing, known));
      }
    }
    // Within this call an object cannot change: Ips sharing a GeoLocation object share its place without a key.
    const seen = new Map<GeoLocation, number>();
    for (const ip of ips) {
      const at = coordinatesOf(ip.Location);
      if (!at) {
        this.skipped += 1;
        if (atNullIsland(ip.Location)) this.skippedAtZero += 1;
        else if (isNetworkIp(ip)) this.skippedNetworks += 1;
        continue;
      }
      const loc = ip.Location!;
      let place = seen.get(loc);
      if (place === undefined) {
        const row = placeRow(loc, { "City line": loc.City || "Unknown city", "Country line": loc.CountryCode || loc.CountryName || "Unknown country" });
        place = layer.places.place(at[0], at[1], row);
        seen.set(loc, place);
      }
      layer.place.push(place);
      layer.head.set("Address", ip.Address ?? "");
      layer.head.endRow();
      const extra = ip.AdditionalData;
      for (const k in extra) if (Object.hasOwn(extra, k) && (!wanted || wanted.includes(k))) layer.tail.set(k, formatEntityValue(extra[k]));
      layer.tail.endRow();
    }
  }

  /** Adds a point without per-point columns at the place `lat, lon, row` (see {@link PlaceTable.place}). */
  private addPlacePoint(layer: MapLayer, lat: number, lon: number, row: readonly (string | null)[], unique = false): void {
    layer.place.push(layer.places.place(lat, lon, row, unique));
    layer.head.endRow();
    layer.tail.endRow();
  }

  /** Adds Ips (or address text, located offline) as a clustered marker layer (MSTICPy's `add_ip_cluster`). */
  addIpCluster(ips: readonly (Ip | string)[], options: GeoMarkerOptions = {}): this {
    checkMapOptions("GeoMap.addIpCluster", options, MARKER_TYPES);
    const color = resolveColor(options.color, "blue");
    this.addIpsTo(this.layer(options.layer ?? "IP addresses", color, "cluster"), ips, options);
    this.changed();
    return this;
  }

  /** Adds Ips (or address text, located offline) as individual (unclustered) markers. */
  addIps(ips: readonly (Ip | string)[], options: GeoMarkerOptions = {}): this {
    checkMapOptions("GeoMap.addIps", options, MARKER_TYPES);
    const color = resolveColor(options.color, "blue");
    this.addIpsTo(this.layer(options.layer ?? "IP addresses (markers)", color, "markers"), ips, options);
    this.changed();
    return this;
  }

  /** Adds locations as markers (clustered). */
  addGeoLocations(locations: GeoLocation[], options: GeoLocationOptions = {}): this {
    checkMapOptions("GeoMap.addGeoLocations", options, LOCATION_TYPES);
    const color = resolveColor(options.color, "green");
    const layer = this.layer(options.layer ?? "Locations", color, "cluster");
    for (const loc of locations) {
      const at = coordinatesOf(loc);
      if (!at) {
        this.skipped += 1;
        if (atNullIsland(loc)) this.skippedAtZero += 1;
        continue;
      }
      this.addPlacePoint(layer, at[0], at[1], placeRow(loc, { Name: loc.nameStr }));
    }
    this.changed();
    return this;
  }

  /**
   * Adds a density layer: points aggregated on a grid (default 1°) and drawn
   * as translucent circles sized by count — a cheap offline heat map.
   */
  addHeatmap(given: readonly (Ip | GeoLocation | string)[], options: GeoHeatmapOptions = {}): this {
    checkMapOptions("GeoMap.addHeatmap", options, HEAT_TYPES);
    const color = resolveColor(options.color, "red");
    const cell = options.cellDegrees ?? 1;
    if (!Number.isFinite(cell) || cell <= 0) throw new GeoMapError(msg.mapCellDegrees(cell));
    // As the marker layers take them: address text is an Ip, and Ips without coordinates are located offline
    // (`addHeatmap(5)` was a bare TypeError, address text silently nothing).
    if (!Array.isArray(given)) throw new GeoMapError(msg.mapNotIps(true));
    const points = given.map((p) => (typeof p === "string" ? new Ip({ Address: p }) : p));
    if (!points.every((p) => p instanceof Ip || p instanceof GeoLocation)) throw new GeoMapError(msg.mapNotIps(true));
    geolocateIps(points.filter((p): p is Ip => p instanceof Ip && !coordinatesOf(p.Location)));
    const cells = new Map<string, { lat: number; lon: number; n: number }>();
    for (const p of points) {
      const loc = p instanceof Ip ? p.Location : p;
      const at = coordinatesOf(loc);
      if (!at) {
        this.skipped += 1;
        if (atNullIsland(loc)) this.skippedAtZero += 1;
        else if (p instanceof Ip && isNetworkIp(p)) this.skippedNetworks += 1;
        continue;
      }
      const [lat, lon] = at;
      const la = Math.floor(lat / cell);
      const lo = Math.floor(lon / cell);
      const key = `${la},${lo}`;
      const c = cells.get(key) ?? { lat: 0, lon: 0, n: 0 };
      c.lat += lat;
      c.lon += lon;
      c.n += 1;
      cells.set(key, c);
    }
    const layer = this.layer(options.layer ?? "Density", color, "heat");
    layer.weights ??= [];
    for (const c of cells.values()) {
      this.addPlacePoint(layer, c.lat / c.n, c.lon / c.n, placeRow(undefined, { "Count line": `${c.n} point${c.n === 1 ? "" : "s"}`, Points: String(c.n) }), true);
      layer.weights.push(c.n);
    }
    this.changed();
    return this;
  }

  /**
   * Centres the map on the median latitude and longitude of its points ([0, 0] when empty), as MSTICPy; points
   * within half the world across ±180° (Fiji, Chukotka, the Aleutians) take the longitude's median along that half, so they centre there, not at 0°.
   */
  centerMap(): this {
    // Over places weighted by their points: the median of every point, without a million-element sort.
    const lat: number[] = [];
    const lon: number[] = [];
    const weight: number[] = [];
    for (const l of this.layers) {
      // A heat cell weighs its points (counted once, 5,000 points in one cell lost to 2 elsewhere).
      const counts = placeWeights(l);
      for (let p = 0; p < counts.length; p += 1) {
        lat.push(l.places.lat[p]);
        lon.push(l.places.lon[p]);
        weight.push(counts[p]);
      }
    }
    this.center = weight.length ? [weightedMedian(lat, weight), circularMedianLongitude(lon, weight)] : [0, 0];
    this.changed();
    return this;
  }

  /** Attributions the map must show. */
  attributions(): string[] {
    const out = [];
    if (this.options.basemap ?? true) out.push(BASEMAP_ATTRIBUTION);
    // Popups record the database a location came from; DB-IP's licence asks for credit wherever its results show.
    if (this.layers.some((l) => l.places.values[PLACE_COLUMN.Source].includes(DBIP_SOURCE))) out.push(DBIP_ATTRIBUTION);
    const tiles = this.options.tiles;
    if (tiles && typeof tiles !== "string" && tiles.attribution) out.push(tiles.attribution);
    return out;
  }

  /** The static map as SVG (Natural Earth projection, 900 px wide). */
  toSvg(width = 900): string {
    return this.svg(width, staticMarks(this.layers));
  }

  private svg(width: number, grouped: StaticMarks): string {
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
    const marks = this.layers.map((l, i) => svgMarks(l, grouped.groups[i], projection));
    const note = coarseNote(grouped);
    return html`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, sans-serif">${[
      html`<rect width="100%" height="100%" fill="white"/>`,
      html`<path d="${path({ type: "Sphere" }) ?? ""}" fill="#dbe9f4" stroke="#9ab"/>`,
      title ? html`<text x="8" y="17" font-size="14" font-weight="bold">${title}</text>` : "",
      outlines,
      marks,
      html`<text x="${width - 6}" y="${height - 5}" font-size="9" text-anchor="end" fill="#555">${this.attributions().join(" · ")}</text>`,
      html`<text x="6" y="${height - 5}" font-size="10" fill="#333">${this.summary()}${note ? `; ${note}` : ""}</text>`,
    ]}</svg>`.value;
  }

  /** The static map as PNG bytes. */
  toPng(width = 900): Buffer {
    return svgToPng(this.toSvg(width));
  }

  private summary(): string {
    const n = this.markerCount;
    return `${n} point${n === 1 ? "" : "s"} in ${this.layers.length} layer${this.layers.length === 1 ? "" : "s"}${this.skipped ? `; ${this.skipped} without coordinates not shown${skippedWhy(this.skippedAtZero, this.skippedNetworks)}` : ""}`;
  }

  /** The map as text: points, layers, centre and zoom (what a plain-text output shows). */
  toText(): string {
    const layers = this.layers.map((l) => `  ${l.name} (${l.kind}): ${layerPoints(l)} points${l.kind === "heat" ? ` in ${l.place.length} cells` : ""}`);
    return [`GeoMap: ${this.summary()}; centre ${this.center[0].toFixed(3)}, ${this.center[1].toFixed(3)}, zoom ${this.options.zoomStart ?? 2}`, ...layers].join("\n");
  }

  /** Bytes of the output by part, as every `HtmlView` reports them. */
  sizes(): HtmlViewSizes {
    return this.toView().sizes();
  }

  /** The HTML view (built once per state). */
  toView(): HtmlView {
    if (this.view) return this.view;
    const grouped = staticMarks(this.layers);
    this.view = htmlView({
      kind: "geo-map",
      title: this.options.title,
      client: "geoMap",
      libraries: ["leaflet", "leaflet.markercluster"],
      data: this.viewData(),
      css: (r) => mapCss(r, this.layers.map((l) => l.color)),
      height: this.options.height ?? 500,
      width: this.options.width ?? "100%",
      fallback: { png: svgToPng(this.svg(900, grouped)), alt: `World map: ${this.summary()}`, width: 900, html: this.staticTable(grouped) },
      text: this.toText(),
    });
    return this.view;
  }

  /** The payload of the live view (`client/views/geoMap.ts`). */
  private viewData(): GeoMapData {
    const table = new StringTable();
    const layers = this.layers.map((l) => layerData(l, table));
    const tiles = this.options.tiles === undefined ? null : typeof this.options.tiles === "string" ? { url: this.options.tiles } : this.options.tiles;
    return {
      center: this.center,
      // Leaflet draws on a flat plane: points around ±180° are drawn unrolled past it, side by side (see the view).
      unrollBelow: antimeridianCut(this.layers.flatMap((l) => Array.from(l.places.lon))) ?? null,
      zoom: this.options.zoomStart ?? 2,
      basemap: this.options.basemap ?? true ? worldCountriesForLeaflet() : null,
      tiles: tiles ? { url: tiles.url, maxZoom: tiles.maxZoom ?? 19 } : null,
      attributions: this.attributionHtml().map((a) => a.value),
      strings: table.strings,
      layers,
    };
  }

  /** Attributions as markup: DB-IP's as the link its licence asks for, the others as text. */
  private attributionHtml(): SafeHtml[] {
    return this.attributions().map((a) =>
      a === DBIP_ATTRIBUTION ? html`<a href="${DBIP_URL}" target="_blank" rel="noopener noreferrer">IP Geolocation by DB-IP</a> (CC BY 4.0)` : html`${a}`,
    );
  }

  /** Under the static image: the places with their addresses, for pages without scripts. */
  private staticTable(grouped: StaticMarks): SafeHtml {
    const rows = this.layers.flatMap(staticRows);
    const table = html`<table style="font-size:12px;border-collapse:collapse"><thead><tr><th>Layer</th><th>Lat, lon</th><th>Points</th><th>Addresses</th></tr></thead><tbody>${rows}</tbody></table>`;
    const attribution = html`<div class="hl-geo-attribution">${joinHtml(this.attributionHtml(), " · ")}</div>`;
    const note = coarseNote(grouped);
    // Says how much the image shows when a huge map had to be drawn on a coarser grid.
    const noteHtml = note ? html`<div class="hl-geo-static-note" style="font-size:12px">Static image: ${note}.</div>` : "";
    return html`${noteHtml}<details class="hl-geo-static-list hl-view-textalt"><summary>Locations (${this.markerCount} points)</summary>${table}</details>${attribution}`;
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    return this.toView()[JUPYTER_DISPLAY]();
  }

  [inspect.custom](depth: number, options: InspectOptions): string {
    return inspectLastValue(this, depth, options, () => `GeoMap(${this.summary()})`);
  }
}

/** The points of a layer: one per entry, except heat layers, whose entries are grid cells weighted by their points. */
function layerPoints(layer: MapLayer): number {
  return layer.weights ? layer.weights.reduce((s, w) => s + w, 0) : layer.place.length;
}

/**
 * A place's values, aligned with {@link PLACE_COLUMNS}: the location's
 * {@link LOCATION_KEYS} as popup text (null where not set) and the given extras.
 */
function placeRow(loc: GeoLocation | undefined, extra: Partial<Record<string, string>>): (string | null)[] {
  const row = new Array<string | null>(PLACE_COLUMNS.length).fill(null);
  if (loc) {
    for (const k of LOCATION_KEYS) {
      const v = loc[k];
      if (v === undefined || v === null || v === "") continue;
      row[PLACE_COLUMN[k]] = typeof v === "string" ? v : typeof v === "number" ? String(v) : formatEntityValue(v);
    }
  }
  for (const [k, v] of Object.entries(extra)) row[PLACE_COLUMN[k]] = v ?? null;
  return row;
}

/** The texts of a payload, each once: columns send indices into it. */
class StringTable {
  readonly strings: string[] = [];
  private readonly ids = new Map<string, number>();

  id(text: string): number {
    let id = this.ids.get(text);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(text);
      this.ids.set(text, id);
    }
    return id;
  }
}

/**
 * Whether more than half of the present values differ (then an index per
 * value would only add bytes), judged on up to 20,000 evenly spaced rows: only
 * the encoding depends on it, and a million-entry set would cost more than it saves.
 */
function mostlyDistinct(values: readonly (string | null)[]): boolean {
  const step = Math.max(1, Math.floor(values.length / 20_000));
  const seen = new Set<string>();
  let present = 0;
  for (let i = 0; i < values.length; i += step) {
    const v = values[i];
    if (v === null) continue;
    present += 1;
    seen.add(v);
  }
  return seen.size > present / 2;
}

/** Texts as one string and their lengths (-1: none); see client/geoMapData.ts. */
function joinTexts(values: readonly (string | null)[]): { joined: string; lengths: number[] } {
  const lengths = new Array<number>(values.length);
  const parts: string[] = [];
  values.forEach((v, i) => {
    lengths[i] = v === null ? -1 : v.length;
    if (v !== null) parts.push(v);
  });
  return { joined: parts.join(""), lengths };
}

/** A column as sent (see client/geoMapData.ts), or null when no row has a value. */
function encodeColumn(column: TextColumn, table: StringTable): GeoMapColumn | null {
  const { label, pop, tip, values } = column;
  let present = 0;
  for (const v of values) if (v !== null) present += 1;
  if (present === 0) return null;
  let encoded: GeoMapValues;
  if (column.coordinate) encoded = { coordinate: column.coordinate };
  else if (mostlyDistinct(values)) encoded = joinTexts(values);
  else encoded = { index: values.map((v) => (v === null ? -1 : table.id(v))) };
  return { label, pop, tip, values: encoded };
}

function encodeColumns(columns: readonly TextColumn[], table: StringTable): GeoMapColumn[] {
  const out: GeoMapColumn[] = [];
  for (const c of columns) {
    const e = encodeColumn(c, table);
    if (e) out.push(e);
  }
  return out;
}

/** Degrees to 5 decimals (about 1 m): what the live map needs, in fewer bytes. */
function round5(v: number): number {
  return Math.round(v * 1e5) / 1e5;
}

/** A layer's payload: places with their columns, a place index and the point columns per point. */
function layerData(layer: MapLayer, table: StringTable): GeoMapLayerData {
  return {
    name: layer.name,
    // Leaflet's layer switcher inserts names as markup: they go escaped.
    nameHtml: html`${layer.name}`.value,
    color: layer.color,
    kind: layer.kind,
    places: { lat: layer.places.lat.map(round5), lon: layer.places.lon.map(round5), columns: encodeColumns(layer.places.columns(), table) },
    place: layer.place,
    head: encodeColumns(layer.head.columns, table),
    tail: encodeColumns(layer.tail.columns, table),
    weights: layer.weights ?? null,
  };
}

/** A point's first tooltip line (its address, a location's name, a cell's count), or null. */
function firstTipLine(layer: MapLayer, placeColumns: readonly TextColumn[], point: number): string | null {
  const place = layer.place[point];
  for (const [columns, row] of [
    [layer.head.columns, point],
    [placeColumns, place],
    [layer.tail.columns, point],
  ] as const) {
    for (const c of columns) {
      const v = c.tip ? c.values[row] : null;
      if (v !== null && v !== undefined) return c.tip === "labelled" ? `${c.label}: ${v}` : v;
    }
  }
  return null;
}

/** Count labels per layer on the static map: resvg spends ~2 ms on each text, and beyond a few hundred they only overlap. */
const MAX_SVG_LABELS = 250;

/**
 * Marks on the static map, all layers together: beyond this many the grid
 * coarsens (resvg's time grows with every circle, and a 900 px image shows
 * no more). Every point is still drawn, in a coarser cell.
 */
export const MAX_SVG_MARKS = 20_000;

/** Cells per degree of the static map's grids, finest first: 0.1° (as always for small maps) up to 10°. */
const SVG_GRIDS = [10, 4, 2, 1, 0.5, 0.2, 0.1];

interface MarkGroup {
  lat: number;
  lon: number;
  n: number;
}

/** The static map's groups, per layer: points in one grid cell are drawn once, at the first one's place. */
interface StaticMarks {
  groups: MarkGroup[][];
  /** Cell size in degrees. */
  cellDegrees: number;
}

/** A layer's points (heat: weights) per place. */
function placeWeights(layer: MapLayer): Float64Array {
  const heat = layer.kind === "heat";
  const weight = new Float64Array(layer.places.size);
  layer.place.forEach((p, i) => (weight[p] += heat ? layer.weights![i] : 1));
  return weight;
}

/** A layer's groups on a grid of `perDegree` cells per degree, or null once there are more than `max`. */
function groupLayer(layer: MapLayer, weight: Float64Array, perDegree: number, max: number): MarkGroup[] | null {
  const groups = new Map<number, MarkGroup>();
  const { lat, lon } = layer.places;
  for (let p = 0; p < lat.length; p += 1) {
    // A number key (cells of 0.1° in rows of 10,000): no string per place.
    const key = (Math.round(lat[p] * perDegree) + 5000) * 10_000 + Math.round(lon[p] * perDegree) + 5000;
    let g = groups.get(key);
    if (!g) {
      if (groups.size >= max) return null;
      g = { lat: lat[p], lon: lon[p], n: 0 };
      groups.set(key, g);
    }
    g.n += weight[p];
  }
  return [...groups.values()];
}

/** The finest grid that keeps the marks under {@link MAX_SVG_MARKS}. */
function staticMarks(layers: readonly MapLayer[]): StaticMarks {
  const weights = layers.map(placeWeights);
  for (const perDegree of SVG_GRIDS) {
    const last = perDegree === SVG_GRIDS[SVG_GRIDS.length - 1];
    const groups: MarkGroup[][] = [];
    let total = 0;
    for (const [i, layer] of layers.entries()) {
      const g = groupLayer(layer, weights[i], perDegree, last ? Infinity : MAX_SVG_MARKS - total);
      if (!g) break;
      groups.push(g);
      total += g.length;
    }
    if (groups.length === layers.length) return { groups, cellDegrees: 1 / perDegree };
  }
  /* c8 ignore next */
  throw new Error("internal error: unreachable: the coarsest grid has no limit");
}

/** What the static image leaves out, when it had to coarsen: "1000000 points drawn as 3200 marks on a 1° grid"; "" otherwise. */
function coarseNote(grouped: StaticMarks): string {
  if (grouped.cellDegrees <= 0.1) return "";
  const points = grouped.groups.reduce((s, layer) => s + layer.reduce((t, g) => t + g.n, 0), 0);
  const marks = grouped.groups.reduce((s, g) => s + g.length, 0);
  return `${points} points drawn as ${marks} marks on a ${grouped.cellDegrees}° grid (more than ${MAX_SVG_MARKS} places)`;
}

/** A layer's marks on the static map, the busiest places with their count. */
function svgMarks(layer: MapLayer, groups: readonly MarkGroup[], projection: GeoProjection): SafeHtml[] {
  const heat = layer.kind === "heat";
  const labelled = new Set(
    groups
      .filter((g) => g.n > 1 && !heat)
      .sort((a, b) => b.n - a.n)
      .slice(0, MAX_SVG_LABELS),
  );
  const marks: SafeHtml[] = [];
  for (const g of groups) {
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

/**
 * A layer's rows of the static table: its 100 busiest places with up to 10 addresses each, then a line
 * saying how many places and points are not listed (the summary counts them all).
 */
function staticRows(layer: MapLayer): SafeHtml[] {
  const groups = new Map<string, { where: string; n: number; names: Set<string> }>();
  const { lat, lon } = layer.places;
  const groupOfPlace = lat.map((la, p) => {
    const where = `${la.toFixed(3)}, ${lon[p].toFixed(3)}`;
    const g = groups.get(where) ?? { where, n: 0, names: new Set<string>() };
    groups.set(where, g);
    return g;
  });
  const placeColumns = layer.places.columns();
  layer.place.forEach((p, i) => {
    const g = groupOfPlace[p];
    // A heat cell is its points (every cell showed 1).
    g.n += layer.weights ? layer.weights[i] : 1;
    // Eleven names are enough to print ten and say there are more.
    if (g.names.size > 10) return;
    const name = firstTipLine(layer, placeColumns, i);
    if (name) g.names.add(name);
  });
  const top = busiest([...groups.values()], 100);
  const rows = top.map((g) => {
    const names = [...g.names];
    const shown = names.slice(0, 10).join(", ") + (names.length > 10 ? ", …" : "");
    return html`<tr><td>${layer.name}</td><td>${g.where}</td><td style="text-align:right">${g.n}</td><td>${shown}</td></tr>`;
  });
  const morePlaces = groups.size - top.length;
  if (morePlaces > 0) {
    const morePoints = layerPoints(layer) - top.reduce((sum, g) => sum + g.n, 0);
    rows.push(html`<tr><td>${layer.name}</td><td colspan="3">${morePlaces} more places (${morePoints} points) not listed.</td></tr>`);
  }
  return rows;
}

/**
 * The `k` groups with the most points, most first, ties in input order: the
 * same as a stable sort and a slice, without sorting a million groups.
 */
function busiest<T extends { n: number }>(groups: T[], k: number): T[] {
  let candidates = groups;
  if (groups.length > 4 * k) {
    const counts = Float64Array.from(groups, (g) => g.n).sort();
    const threshold = counts[counts.length - k];
    candidates = groups.filter((g) => g.n >= threshold);
  }
  return candidates.sort((a, b) => b.n - a.n).slice(0, k);
}

function mapCss(r: string, colors: string[]): string {
  const t = THEME;
  // Leaflet's own CSS paints popups, tooltips and controls white with dark text: re-paint them as theme pairs.
  const panel = `background:${t.panel};color:${t.panelText}`;
  return (
    `${r} .hl-view-live{background:#dbe9f4}` +
    `${r} .leaflet-container{background:#dbe9f4;font:12px/1.4 sans-serif}` +
    `${r} .hl-geo-pin{border-radius:50%;border:1.5px solid #fff;box-shadow:0 0 0 1px #333;box-sizing:border-box}` +
    colors.map((c, i) => `${r} .hl-geo-c${i}{background:${c};color:${inkOn(c)}}`).join("") +
    // JupyterLab's table rules for outputs would squeeze and restyle the popup's table.
    plainTableCss(`${r} .hl-geo-popup`) +
    `${r} .hl-geo-popup th{text-align:left;padding:0 6px 0 0;vertical-align:top;word-break:break-all;min-width:4em}` +
    // Leaflet's tooltips never wrap (white-space:nowrap): a 1,000-character value made a tooltip wider than the map,
    // cut by its edges. The lines wrap at 320 px, anywhere in a long word; width from the text, not the pane's (0 px).
    `${r} .hl-geo-tip{white-space:normal;overflow-wrap:anywhere;width:max-content;max-width:320px}` +
    `${r} .hl-geo-popup td{word-break:break-all}` +
    `${r} .hl-geo-many{font:bold 10px/19px sans-serif;text-align:center}` +
    `${r} .hl-geo-pager{display:flex;align-items:center;gap:6px;margin-bottom:4px}` +
    `${r} .hl-geo-pager button{padding:0 6px;cursor:pointer}` +
    `${r} .leaflet-popup-content-wrapper,${r} .leaflet-popup-tip,${r} .leaflet-control-layers,${r} .leaflet-bar a{${panel}}` +
    `${r} .leaflet-bar a{border-bottom-color:${t.borderSoft}}` +
    // Drawn over the popup's panel, though not inside it in the DOM: the panel's pair, on its own copy of the ground.
    `${r} .leaflet-container a.leaflet-popup-close-button{${panel};border-radius:0 12px 0 0}` +
    `${r} .leaflet-tooltip{${panel};border-color:${t.border}}` +
    `${r} .leaflet-tooltip-top:before{border-top-color:${t.panel}}` +
    `${r} .leaflet-tooltip-bottom:before{border-bottom-color:${t.panel}}` +
    `${r} .leaflet-tooltip-left:before{border-left-color:${t.panel}}` +
    `${r} .leaflet-tooltip-right:before{border-right-color:${t.panel}}` +
    `${r} .leaflet-container .leaflet-control-attribution{background:color-mix(in srgb,${t.panel} 85%,transparent);color:${t.panelText}}` +
    `${r} .leaflet-container .leaflet-control-attribution a,${r} .leaflet-control-layers a{color:${t.link}}` +
    // markercluster's bubbles are fixed light colours: fixed dark text on them.
    `${r} .marker-cluster div{color:#1a1a1a}` +
    `${r} .hl-geo-attribution{font-size:11px;color:${t.muted}}` +
    // Focus rings: a pin's or bubble's outside it, on the map's ground (inside, the views' ring was on the pin's own
    // colour: 1.4:1 on an orange pin); Leaflet's buttons got Chromium's default ring, near black on the dark theme's ground.
    `${r} .leaflet-container .leaflet-marker-icon:focus-visible{outline:2px solid ${t.accent};outline-offset:3px}` +
    // A heat cell (an SVG circle, Tab and the arrows reach it) rings itself with its stroke, 3 px of the accent colour.
    `${r} .leaflet-container path.hl-geo-heat:focus{outline:none}` +
    `${r} .leaflet-container path.hl-geo-heat:focus-visible{stroke:${t.accent};stroke-width:3px;stroke-opacity:1}` +
    `${r} .leaflet-container .leaflet-bar a:focus-visible,${r} .leaflet-container .leaflet-control-layers-toggle:focus-visible{outline:2px solid ${t.accent};outline-offset:-2px}`
  );
}

/** Black or white, whichever reads on the `#rgb`/`#rrggbb` background (WCAG contrast). */
function inkOn(background: string): string {
  const full = background.length === 4 ? background.replace(/^#(.)(.)(.)$/, "#$1$1$2$2$3$3") : background;
  const n = parseInt(full.slice(1), 16);
  const lin = (v: number) => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4);
  const l = 0.2126 * lin((n >> 16) & 255) + 0.7152 * lin((n >> 8) & 255) + 0.0722 * lin(n & 255);
  return (l + 0.05) / 0.05 >= 1.05 / (l + 0.05) ? "#000" : "#fff";
}
