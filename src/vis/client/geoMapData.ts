/**
 * The payload `GeoMap` (../geoMap.ts) sends to its browser view
 * (views/geoMap.ts), and the pure functions that read it. Shared by both
 * sides: Node builds it, the browser decodes it, the unit tests check that the
 * two agree. No DOM here.
 *
 * The payload is columnar so that a map of a million points stays a few MB:
 * - a layer's points reference *places* (the distinct coordinates with their
 *   location details), which carry the latitude and longitude (5 decimals);
 * - every text lives in one column, as indices into a shared string table
 *   (`strings`), or, when nearly every value differs (addresses), joined into
 *   one string with the lengths: a million short JSON strings take the browser
 *   three times longer to parse, and as many objects to hold;
 * - tooltip lines and popup rows are built in the browser from those columns
 *   when a marker is first hovered or clicked.
 */
import type { FeatureCollection, Geometry } from "geojson";

/** How a layer's points are drawn. */
export type GeoMapLayerKind = "cluster" | "markers" | "heat";

/** A column's values, one per row (place or point). */
export type GeoMapValues =
  /** Indices into {@link GeoMapData.strings}; -1 = no value (no popup row, no tooltip line). */
  | { index: number[] }
  /** The texts themselves, concatenated, and each one's length (-1 = no value); for columns where nearly all differ. */
  | { joined: string; lengths: number[] }
  /** The place's own latitude or longitude, as sent. */
  | { coordinate: "lat" | "lon" };

/** One column of a layer's places or points. */
export interface GeoMapColumn {
  /** Popup row label; a labelled tooltip line starts with it. */
  label: string;
  /** Shown as a popup row `[label, value]`. */
  pop: boolean;
  /** Shown as a tooltip line: the value alone, `label: value`, or not at all. */
  tip: "value" | "labelled" | null;
  values: GeoMapValues;
}

/** The distinct places of a layer. */
export interface GeoMapPlaces {
  /** Latitude and longitude in degrees, rounded to 5 decimals (about 1 m). */
  lat: number[];
  lon: number[];
  /** Location details (city, country…), one value per place. */
  columns: GeoMapColumn[];
}

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
  places: GeoMapPlaces;
  /** Per point: the index of its place. The number of points is `place.length`. */
  place: number[];
  /** Point columns shown before the place's (the address). */
  head: GeoMapColumn[];
  /** Point columns shown after the place's (an Ip's `AdditionalData`). */
  tail: GeoMapColumn[];
  /** Heat layers: the number of points in each cell, by point index. */
  weights: number[] | null;
}

/** What `GeoMap` sends. */
export interface GeoMapData {
  center: [number, number];
  /**
   * When the points lie around ±180° (the smallest arc holding them crosses it): longitudes below this are drawn
   * 360° east ({@link unrolledLon}), so the points sit side by side on Leaflet's flat plane; else null.
   */
  unrollBelow: number | null;
  zoom: number;
  /** Country outlines (antimeridian-unwrapped), or null for none. */
  basemap: FeatureCollection<Geometry> | null;
  tiles: { url: string; maxZoom: number } | null;
  /** Markup made by the Node side's `html` template (Leaflet's attribution control takes markup). */
  attributions: string[];
  /** The texts the columns' indices point into. */
  strings: string[];
  layers: GeoMapLayerData[];
}

/** Start of each joined text, computed on first use (a million-row column is read a few rows at a time). */
const OFFSETS = new WeakMap<object, Float64Array>();

function joinedOffsets(v: { joined: string; lengths: number[] }): Float64Array {
  let offsets = OFFSETS.get(v);
  if (!offsets) {
    offsets = new Float64Array(v.lengths.length + 1);
    for (let i = 0; i < v.lengths.length; i += 1) offsets[i + 1] = offsets[i] + Math.max(0, v.lengths[i]);
    OFFSETS.set(v, offsets);
  }
  return offsets;
}

/** A column's value for one row, or null. */
export function columnValue(strings: readonly string[], places: GeoMapPlaces, column: GeoMapColumn, row: number): string | null {
  const v = column.values;
  if ("index" in v) {
    const i = v.index[row];
    return i === undefined || i < 0 ? null : strings[i];
  }
  if ("joined" in v) {
    const length = v.lengths[row];
    if (length === undefined || length < 0) return null;
    const start = joinedOffsets(v)[row];
    return v.joined.slice(start, start + length);
  }
  const coordinate = v.coordinate === "lat" ? places.lat[row] : places.lon[row];
  return coordinate === undefined ? null : String(coordinate);
}

/** A point's columns in display order: head (per point), place, tail (per point), each with the row it is read at. */
function pointColumns(layer: GeoMapLayerData, point: number): [GeoMapColumn, number][] {
  const place = layer.place[point];
  return [...layer.head.map((c): [GeoMapColumn, number] => [c, point]), ...layer.places.columns.map((c): [GeoMapColumn, number] => [c, place]), ...layer.tail.map((c): [GeoMapColumn, number] => [c, point])];
}

/** A tooltip line: a value, or a column's label and its value (`User: bob`); raw text. */
export type TipLine = readonly [label: string | null, value: string];

/** A tooltip line as one text (raw): `value`, or `label: value`. */
export function tipLineText([label, value]: TipLine): string {
  return label === null ? value : `${label}: ${value}`;
}

/** A place's own tooltip lines (city, country; a location's name), label and value apart. */
export function placeTipLines(strings: readonly string[], layer: GeoMapLayerData, place: number): TipLine[] {
  const lines: TipLine[] = [];
  for (const c of layer.places.columns) {
    const v = c.tip ? columnValue(strings, layer.places, c, place) : null;
    if (v !== null) lines.push([c.tip === "labelled" ? c.label : null, v]);
  }
  return lines;
}

/** A place's own tooltip lines as texts (raw: the browser reveals hidden characters). */
export function placeTip(strings: readonly string[], layer: GeoMapLayerData, place: number): string[] {
  return placeTipLines(strings, layer, place).map(tipLineText);
}

/** A point's tooltip lines, label and value apart (the tooltip isolates each: client/text.ts shownValue). */
export function pointTipLines(strings: readonly string[], layer: GeoMapLayerData, point: number): TipLine[] {
  const lines: TipLine[] = [];
  for (const [c, row] of pointColumns(layer, point)) {
    if (!c.tip) continue;
    const v = columnValue(strings, layer.places, c, row);
    if (v !== null) lines.push([c.tip === "labelled" ? c.label : null, v]);
  }
  return lines;
}

/** A point's tooltip lines as texts (raw text: the browser reveals hidden characters). */
export function pointTip(strings: readonly string[], layer: GeoMapLayerData, point: number): string[] {
  return pointTipLines(strings, layer, point).map(tipLineText);
}

/** A point's popup rows `[label, value]` (raw text). */
export function pointPopup(strings: readonly string[], layer: GeoMapLayerData, point: number): [string, string][] {
  const rows: [string, string][] = [];
  for (const [c, row] of pointColumns(layer, point)) {
    if (!c.pop) continue;
    const v = columnValue(strings, layer.places, c, row);
    if (v !== null) rows.push([c.label, v]);
  }
  return rows;
}

/**
 * What the live map draws for a layer: one marker ("spot") per point for
 * small layers; for big ones one per place, and when even the places are
 * too many, one per cell of the finest grid (0.001° … 10°) that keeps them
 * under the limit. Markers at the same spot then open one popup that pages
 * through their points, and clusters count points, not markers.
 */
export interface GeoMapSpots {
  /** Number of spots. */
  count: number;
  /** Position of each spot: its place, or the point-weighted mean of its places. */
  lat: Float64Array;
  lon: Float64Array;
  /** The points of spot `s` are `points[start[s]]` … `points[start[s + 1] - 1]`, in input order. */
  start: Int32Array;
  points: Int32Array;
  /** Number of distinct places in each spot (1 for a point or a place). */
  places: Int32Array;
  /** "points": a marker per point; "places": a marker per place; "grid": per grid cell (the degrees in `cellDegrees`). */
  mode: "points" | "places" | "grid";
  cellDegrees: number | null;
}

/** Limits of {@link layerSpots}. */
export interface SpotLimits {
  /** Up to this many points, a marker per point (as Leaflet users expect). Default 50,000. */
  pointMarkers?: number;
  /** At most this many markers; beyond, places are merged on a grid. Default 50,000. */
  maxMarkers?: number;
}

const DEFAULT_SPOT_LIMIT = 50_000;
const GRID_STEPS = [0.001, 0.01, 0.1, 1, 10];

/** Place → spot for the finest grid that keeps the spots under `max` (places are assumed more than `max`). */
function gridOfPlaces(lat: readonly number[], lon: readonly number[], max: number): { spotOf: Int32Array; count: number; cell: number } {
  const spotOf = new Int32Array(lat.length);
  for (const cell of GRID_STEPS) {
    const cells = new Map<number, number>();
    for (let p = 0; p < lat.length; p += 1) {
      // Integer key: rows of 10^6 cells are enough for longitudes ±180 / 0.001.
      const key = (Math.round(lat[p] / cell) + 200_000) * 1_000_000 + Math.round(lon[p] / cell) + 400_000;
      let s = cells.get(key);
      if (s === undefined) {
        s = cells.size;
        cells.set(key, s);
      }
      spotOf[p] = s;
    }
    if (cells.size <= max || cell === GRID_STEPS[GRID_STEPS.length - 1]) return { spotOf, count: cells.size, cell };
  }
  /* c8 ignore next */
  throw new Error("unreachable");
}

/** The markers of a layer (see {@link GeoMapSpots}). */
export function layerSpots(layer: Pick<GeoMapLayerData, "place" | "places">, limits: SpotLimits = {}): GeoMapSpots {
  const n = layer.place.length;
  const { lat, lon } = layer.places;
  const max = limits.maxMarkers ?? DEFAULT_SPOT_LIMIT;
  let mode: GeoMapSpots["mode"] = "points";
  let cellDegrees: number | null = null;
  let spotOf: ArrayLike<number>;
  let count: number;
  if (n <= (limits.pointMarkers ?? DEFAULT_SPOT_LIMIT)) {
    count = n;
    spotOf = { length: n } as ArrayLike<number>;
  } else if (lat.length <= max) {
    mode = "places";
    count = lat.length;
    spotOf = Int32Array.from({ length: lat.length }, (_, p) => p);
  } else {
    const g = gridOfPlaces(lat, lon, max);
    mode = "grid";
    count = g.count;
    cellDegrees = g.cell;
    spotOf = g.spotOf;
  }
  const spotOfPoint = (i: number): number => (mode === "points" ? i : spotOf[layer.place[i]]);
  // Counting sort of the points by spot: stable, so each spot lists its points in input order.
  const start = new Int32Array(count + 1);
  for (let i = 0; i < n; i += 1) start[spotOfPoint(i) + 1] += 1;
  for (let s = 0; s < count; s += 1) start[s + 1] += start[s];
  const next = start.slice(0, count);
  const points = new Int32Array(n);
  for (let i = 0; i < n; i += 1) points[next[spotOfPoint(i)]++] = i;
  const sLat = new Float64Array(count);
  const sLon = new Float64Array(count);
  const places = new Int32Array(count);
  if (mode === "grid") {
    // Point-weighted mean of the places in each cell.
    const weight = new Float64Array(count);
    for (let i = 0; i < n; i += 1) {
      const p = layer.place[i];
      const s = spotOf[p];
      sLat[s] += lat[p];
      sLon[s] += lon[p];
      weight[s] += 1;
    }
    for (let s = 0; s < count; s += 1) {
      sLat[s] /= weight[s];
      sLon[s] /= weight[s];
    }
    for (let p = 0; p < lat.length; p += 1) places[spotOf[p]] += 1;
  } else {
    for (let s = 0; s < count; s += 1) {
      const p = mode === "points" ? layer.place[s] : s;
      sLat[s] = lat[p];
      sLon[s] = lon[p];
      places[s] = 1;
    }
  }
  return { count, lat: sLat, lon: sLon, start, points, places, mode, cellDegrees };
}

/**
 * The layer switcher's labels (escaped names): a repeated name gets the next
 * free " (2)", " (3)"… — a cluster and a heat layer both "Ports" showed as
 * one entry; a name given stays as given.
 */
export function switcherLabels(names: readonly string[]): string[] {
  const used = new Set(names);
  const seen = new Set<string>();
  return names.map((name) => {
    let label = name;
    if (seen.has(name)) {
      for (let n = 2; used.has(label); n += 1) label = `${name} (${n})`;
      used.add(label);
    }
    seen.add(name);
    return label;
  });
}

/** A longitude as the live map draws it: one below `unrollBelow` goes once round the world east (see GeoMapData). */
export function unrolledLon(lon: number, unrollBelow: number | null): number {
  return unrollBelow !== null && lon < unrollBelow ? lon + 360 : lon;
}
