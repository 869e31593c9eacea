/**
 * GeoMap in Node: the lab's sign-in map (points, centre), validation, the
 * static world map (non-empty, escaped) and the HTML output (no network, data
 * escaped, DB-IP credited when its locations are shown).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import pl from "nodejs-polars";
import { LAB_DATA_DIR } from "../../src/common/paths";
import { readDataFile } from "../../src/data/readers";
import { JUPYTER_DISPLAY } from "../../src/display/protocol";
import { GeoLocation, Ip, ipsFromDataFrame } from "../../src/entities";
import { revealHidden } from "../../src/display/html";
import { revealHidden as revealInBrowser } from "../../src/vis/client/text";
import { formatEntityValue } from "../../src/entities/entity";
import { layerSpots, pointPopup, pointTip, switcherLabels, unrolledLon, type GeoMapData, type GeoMapLayerData } from "../../src/vis/client/geoMapData";
import { antimeridianCut, circularMedianLongitude, GeoMap, GeoMapError, MAX_SVG_MARKS, weightedMedian, worldCountries, worldCountriesForLeaflet, type TileLayerOptions } from "../../src/vis/geoMap";
import { seededRandom } from "../helpers/random";

const PAYLOAD = `</script><script>alert(1)</script><img src=x onerror=alert(2)>`;

/** What the browser got before the payload went columnar: an Ip's tooltip lines and popup rows, built from the entity. */
function expectedIpInfo(ip: Ip, wanted?: string[]): { tip: string[]; pop: [string, string][] } {
  const loc = ip.Location!;
  const extra = Object.entries(ip.AdditionalData).filter(([k]) => !wanted || wanted.includes(k));
  const rows: [string, string][] = [];
  for (const k of ["CountryCode", "CountryName", "State", "City", "Latitude", "Longitude", "Asn", "AsnOrg", "Source"] as const) {
    const v = loc[k];
    // Coordinates travel rounded to 5 decimals (about 1 m).
    if (v !== undefined && v !== null && v !== "") rows.push([k, typeof v === "number" ? String(Math.round(v * 1e5) / 1e5) : formatEntityValue(v)]);
  }
  const address = ip.Address ?? "";
  return {
    tip: [address, loc.City || "Unknown city", loc.CountryCode || loc.CountryName || "Unknown country", ...extra.map(([k, v]) => `${k}: ${formatEntityValue(v)}`)],
    pop: [["Address", address], ...rows, ...extra.map(([k, v]): [string, string] => [k, formatEntityValue(v)])],
  };
}

/** `places` GeoLocations with `perPlace` Ips each (interleaved), a User column: a big map built cheaply. */
function manyIps(places: number, perPlace: number): Ip[] {
  const random = seededRandom(9);
  const locs = Array.from({ length: places }, (_, i) => new GeoLocation({ Latitude: random() * 140 - 70, Longitude: random() * 350 - 175, City: `city ${i % 300}`, CountryCode: "ZZ" }));
  const ips: Ip[] = new Array(places * perPlace);
  for (let i = 0; i < ips.length; i += 1) {
    ips[i] = new Ip({ Address: `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`, Location: locs[i % places] });
    ips[i].AdditionalData.User = `user${i % 97}`;
  }
  return ips;
}

describe("GeoMap", async () => {
  const logons = await readDataFile(`${LAB_DATA_DIR}/aad_logons.parquet`);

  it("places the lab's 86 sign-ins and centres on their median (MSTICPy's center_map)", () => {
    const map = new GeoMap({ zoomStart: 2 }).addIpCluster(ipsFromDataFrame(logons), { color: "blue" });
    assert.equal(map.markerCount, 86);
    assert.deepEqual(map.location, [47.67, -122.13]);
    map.centerMap();
    const med = logons.select(pl.col("Latitude").median(), pl.col("Longitude").median()).row(0) as number[];
    assert.deepEqual(map.location, med);
    assert.equal(map.skipped, 0);
    assert.match(map.toText(), /^GeoMap: 86 points in 1 layer; centre 51\.641, 6\.572, zoom 2/);
  });

  it("geolocates Ips without coordinates and counts the ones it cannot place", () => {
    const map = new GeoMap().addIpCluster([new Ip({ Address: "148.251.12.164" }), new Ip({ Address: "10.0.0.1" }), new Ip({ Address: "8.8.8.8" })], { color: "red" });
    assert.equal(map.markerCount, 2);
    assert.equal(map.skipped, 1);
    assert.ok(map.attributions().some((a) => a.includes("DB-IP")));
    assert.ok(map.toView().toHtml().includes("https://db-ip.com"));
    const noLookup = new GeoMap().addIpCluster([new Ip({ Address: "8.8.8.8" })], { geolocate: false });
    assert.equal(noLookup.markerCount, 0);
    assert.equal(noLookup.skipped, 1);
  });

  // 0, 0 is what exports and IP2Location-style databases write for no location: such points were drawn as a pile in
  // the Gulf of Guinea ("Null Island"), an Ip there kept that place rather than being located, and the count said nothing.
  // `8.8.8.8/32` (a firewall rule's one address) was "invalid IP address" and left off the map; a network has no one
  // place, and the map's text said only "without coordinates".
  it("an Ip written with a single-host prefix is located as its address; a network is counted and named in the summary", () => {
    const map = new GeoMap().addIpCluster([new Ip("8.8.8.8/32"), new Ip("2001:4860:4860::8888/128"), new Ip("10.0.0.0/8"), new Ip("8.8.4.0/24"), new Ip("10.1.2.3")]);
    const [plain] = new GeoMap().addIpCluster([new Ip("8.8.8.8")]).layerSummary;
    assert.equal(map.layerSummary[0].points, 2);
    assert.ok(plain.points === 1);
    assert.equal(map.skipped, 3);
    assert.match(map.toText(), /^GeoMap: 2 points in 1 layer; 3 without coordinates not shown \(2 networks \(CIDR\), not one address\);/);
    const heat = new GeoMap().addHeatmap(["8.8.8.8/32", "10.0.0.0/8"]);
    assert.match(heat.toText(), /^GeoMap: 1 point in 1 layer; 1 without coordinates not shown \(1 a network \(CIDR\), not one address\);/);
  });

  it("a point at 0, 0 is no location: an Ip there is located offline, the others counted and named in the summary", () => {
    const zero = () => new GeoLocation({ Latitude: 0, Longitude: 0, City: "Unknown" });
    const map = new GeoMap()
      .addIpCluster([new Ip({ Address: "148.251.12.164", Location: zero() }), new Ip({ Address: "10.0.0.1", Location: zero() }), new Ip({ Address: "8.8.8.8" })])
      .addGeoLocations([zero(), new GeoLocation({ Latitude: "0", Longitude: "0.0" } as never), new GeoLocation({ Latitude: 0, Longitude: 0.5 })])
      .addHeatmap([zero(), new GeoLocation({ Latitude: 0.5, Longitude: 0 })]);
    assert.deepEqual(map.layerSummary.map((l) => l.points), [2, 1, 1], "148.251.12.164 located, 8.8.8.8 located; one point just off 0, 0 each");
    const ips = map.toView().toHtml();
    assert.ok(ips.includes("https://db-ip.com"), "the 0, 0 Ip was located by DB-IP");
    assert.equal(map.skipped, 4);
    assert.match(map.toText(), /^GeoMap: 4 points in 3 layers; 4 without coordinates not shown \(4 at 0, 0, a placeholder for none\);/);
    map.centerMap();
    assert.notDeepEqual(map.location, [0, 0]);
  });

  it("does not credit DB-IP when every location came from the data", () => {
    const map = new GeoMap().addIpCluster(ipsFromDataFrame(logons));
    assert.ok(!map.attributions().some((a) => a.includes("DB-IP")));
    assert.ok(!map.toView().toHtml().includes("db-ip.com"));
  });

  it("a popupColumns error names the fields of the data shortly: long names cut, hidden characters as escapes, at most 30", () => {
    const hostile = ["x".repeat(5000), "a\rb", "nul\u0000x", "invoice\u202egpj.exe", "line\u2028two", ...Array.from({ length: 40 }, (_, i) => `Field${i}`)];
    const AdditionalData = Object.fromEntries(hostile.map((k) => [k, "v"]));
    const ips = [new Ip({ Address: "10.0.0.1", Location: new GeoLocation({ Latitude: 1, Longitude: 2 }), AdditionalData })];
    assert.throws(
      () => new GeoMap().addIpCluster(ips, { popupColumns: ["y".repeat(3000) + "\u202e", "Field1x"] }),
      (e: Error) => {
        assert.equal((e as GeoMapError).code, "vis/map-popup-column");
        assert.ok(e.message.length < 2000, `${e.message.length} characters`);
        assert.ok(!/[\u0000\r\u2028\u202e]/.test(e.message), e.message.slice(0, 300));
        assert.match(e.message, /^popupColumns: "y+…", Field1x not in any Ip's AdditionalData\./);
        assert.match(e.message, /Known: "x+…", "a\\rb", "nul\\u0000x", "invoice\\u202egpj\.exe", "line\\u2028two", Field0, .* and 15 more$/);
        return true;
      },
    );
  });

  it("validates colours, popup columns, zoom and tiles", () => {
    assert.throws(() => new GeoMap().addIpCluster([], { color: "bleu" }), (e: Error) => e instanceof GeoMapError && e.code === "vis/map-color" && /"bleu".*Did you mean blue/.test(e.message));
    assert.throws(() => new GeoMap().addIpCluster([], { color: "red;background:url(x)" }), { name: "GeoMapError", code: "vis/map-color" });
    const ips = ipsFromDataFrame(logons, { additionalColumns: ["UserPrincipalName"] });
    assert.throws(() => new GeoMap().addIpCluster(ips, { popupColumns: ["UserPrincipal"] }), {
      code: "vis/map-popup-column",
      message: /popupColumns: UserPrincipal .*Did you mean UserPrincipalName/,
    });
    assert.throws(() => new GeoMap({ zoomStart: 40 }), { code: "vis/map-option", message: /zoomStart .*40/ });
    // Width as height, here and naming GeoMap: a bad width failed only when shown, as a generic view-size error.
    for (const option of ["width", "height"] as const) {
      for (const bad of [-5, 0, NaN, Infinity, 1e9, 10_001]) {
        assert.throws(() => new GeoMap({ [option]: bad }), { name: "GeoMapError", code: "vis/map-option", message: `GeoMap: ${option} must be a positive number of pixels up to 10,000${option === "width" ? ' or "100%"' : ""}, not ${bad}.` });
      }
      assert.doesNotThrow(() => new GeoMap({ [option]: 10_000 }));
    }
    assert.doesNotThrow(() => new GeoMap({ width: "100%" }));
    // A centre that is no [lat, lon] is named here, not a TypeError when the map is shown.
    for (const location of [[1], [NaN, 0], [500, 1000], [1, 2, 3], [0, -181]]) {
      assert.throws(() => new GeoMap({ location: location as [number, number] }), { name: "GeoMapError", code: "vis/map-option", message: /location must be \[latitude, longitude\]/ }, JSON.stringify(location));
    }
    assert.deepEqual(new GeoMap({ location: [-90, 180] }).location, [-90, 180]);
    // The tile layer's keys: a misspelt attribution was ignored, and the map shown without the tiles' credit.
    const url = "https://tile.example/{z}/{x}/{y}.png";
    assert.throws(() => new GeoMap({ tiles: { url, attribtion: "© OSM" } as unknown as TileLayerOptions }), { code: "vis/map-option", message: "GeoMap tiles: unknown option attribtion (did you mean attribution?); its options are url, attribution, maxZoom." });
    assert.throws(() => new GeoMap({ tiles: { url, maxZoom: "19" } as unknown as TileLayerOptions }), { code: "vis/map-option", message: /maxZoom must be a number, not "19"/ });
    assert.doesNotThrow(() => new GeoMap({ tiles: { url, attribution: "© OSM", maxZoom: 18 } }));
    assert.throws(() => new GeoMap({ tiles: "javascript:alert(1)" }), { code: "vis/map-option", message: /tiles: "javascript:alert\(1\)"/ });
  });

  it("adds locations, plain markers and a density layer", () => {
    const locs = [new GeoLocation({ Latitude: 10, Longitude: 10 }), new GeoLocation({ Latitude: 10.2, Longitude: 10.3 }), new GeoLocation({ City: "nowhere" })];
    const map = new GeoMap().addGeoLocations(locs).addIps(ipsFromDataFrame(logons.head(5))).addHeatmap(locs);
    assert.deepEqual(map.layerSummary, [
      { name: "Locations", kind: "cluster", points: 2 },
      { name: "IP addresses (markers)", kind: "markers", points: 5 },
      // Two points in one 1° cell: the label counts points (it counted cells), the cells are reported apart.
      { name: "Density", kind: "heat", points: 2, cells: 1 },
    ]);
    assert.equal(map.skipped, 2);
  });

  it("draws a static world map with its points (non-empty, escaped)", () => {
    const ips = ipsFromDataFrame(logons);
    ips[0].AdditionalData.Note = PAYLOAD;
    const map = new GeoMap({ title: PAYLOAD }).addIpCluster(ips, { layer: PAYLOAD });
    const svg = map.toSvg();
    assert.ok((svg.match(/<path /g) ?? []).length >= worldCountries().features.length);
    assert.ok((svg.match(/<circle /g) ?? []).length >= 5, "one circle per place");
    assert.ok(svg.includes(">61<"), "the 61 sign-ins from one place are counted");
    assert.ok(!svg.includes("<script") && svg.includes("&lt;/script&gt;"));
    const png = map.toPng();
    assert.equal(png.subarray(1, 4).toString(), "PNG");
    assert.ok(png.length > 20000);
  });

  it("outputs self-contained HTML: static image, escaped data, no external scripts", () => {
    const ips = ipsFromDataFrame(logons, { additionalColumns: ["UserPrincipalName"] });
    ips[0].AdditionalData.UserPrincipalName = PAYLOAD;
    const map = new GeoMap({ title: PAYLOAD }).addIpCluster(ips, { layer: PAYLOAD }).centerMap();
    const bundle = map[JUPYTER_DISPLAY]();
    const html = String(bundle["text/html"]);
    assert.ok(html.includes(`src="data:image/png;base64,`));
    assert.ok(!/<script[^>]+src=/i.test(html), "no external scripts");
    assert.ok(!html.includes("</script><script>alert(1)"), "payload cannot close the script");
    assert.ok(!html.includes("<img src=x"), "payload is not markup");
    assert.ok(!/https?:\/\/(?!db-ip\.com)[a-z]/i.test(html.replace(/data:[^"]+/g, "")), "no external URLs");
    assert.match(String(bundle["text/plain"]), /^GeoMap: 86 points/);
  });

  it("the static table says how many places and points past its 100 busiest per layer it does not list (exact counts, escaped)", () => {
    // 107 places: the first 100 with 3 addresses, the last 7 with 2; the second layer has each place once.
    const places = Array.from({ length: 107 }, (_, i) => new GeoLocation({ Latitude: i - 53, Longitude: i * 3 - 160, City: "c", CountryCode: "ZZ" }));
    const ips = places.flatMap((loc, p) => Array.from({ length: p < 100 ? 3 : 2 }, (_, k) => new Ip({ Address: `10.0.${p}.${k}`, Location: loc })));
    const map = new GeoMap().addIpCluster(ips, { geolocate: false, layer: "<b>Sign-ins" }).addGeoLocations(places, { layer: "Places" });
    const out = map.toView().toHtml();
    assert.ok(out.includes(`<summary>Locations (421 points)</summary>`));
    const rows = [...out.matchAll(/<tr><td>([^<]*)<\/td><td[^>]*>([^<]*)<\/td>/g)].map((m) => [m[1], m[2]]);
    assert.deepEqual(rows.filter(([, text]) => /not listed/.test(text)), [
      ["&lt;b&gt;Sign-ins", "7 more places (14 points) not listed."],
      ["Places", "7 more places (7 points) not listed."],
    ]);
    assert.equal(rows.filter(([layer]) => layer === "&lt;b&gt;Sign-ins").length, 101, "100 places and the line");
    // A layer of 100 places or fewer lists them all and says nothing more.
    assert.ok(!new GeoMap().addGeoLocations(places.slice(0, 100)).toView().toHtml().includes("not listed"));
  });

  it("builds a map of 200 000 points (no argument spreads over the data: they overflow the stack)", () => {
    // 50 shared locations keep the entities cheap and the static map's places few.
    // None at 0, 0 (place 25 was), which is no location.
    const places = Array.from({ length: 50 }, (_, i) => new GeoLocation({ Latitude: i * 3 - 74, Longitude: i * 7 - 175, City: "c", CountryCode: "ZZ" }));
    const ips: Ip[] = new Array(200_000);
    for (let i = 0; i < ips.length; i += 1) ips[i] = new Ip({ Address: `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`, Location: places[i % 50] });
    const map = new GeoMap().addIpCluster(ips, { geolocate: false }).addGeoLocations(places).centerMap();
    assert.equal(map.markerCount, 200_050);
    const out = map.toView().toHtml();
    assert.ok(out.includes(`<summary>Locations (200050 points)</summary>`));
    assert.ok(out.includes(">4000<"), "each place's 4000 points are counted on the static map");
  });

  it("sends its data to the geoMap bundle, with escaped layer names and revealed hidden characters", () => {
    const ip = new Ip({ Address: "invoice\u202Egpj.exe", Location: new GeoLocation({ Latitude: 1, Longitude: 2, City: "c" }) });
    const view = new GeoMap().addIpCluster([ip], { layer: `<b>x\u202E</b>` }).toView();
    assert.equal(view.spec.client, "geoMap");
    const data = view.spec.data as GeoMapData;
    assert.equal(data.layers[0].nameHtml, "&lt;b&gt;x\\u202e&lt;/b&gt;");
    assert.equal(pointTip(data.strings, data.layers[0], 0)[0], "invoice\u202Egpj.exe", "raw in the data: the browser reveals it");
    const shown = view.toHtml().replace(/<script type="application\/json" class="hl-view-config">.*?<\/script>/s, "");
    assert.ok(!shown.includes("\u202E"), "no raw RLO outside the data");
    assert.ok(shown.includes("<td>invoice\\u202egpj.exe</td>"), "the static table shows it revealed");
  });

  it("takes address text as Ips, located offline (a list of strings gave an empty map); anything else is vis/map-input", () => {
    const map = new GeoMap().addIps(["131.107.147.209", "8.8.8.8", "10.0.0.1"]).addIpCluster(["2001:4860:4860::8888"]);
    const data = map.toView().spec.data as GeoMapData;
    assert.deepEqual(data.layers.map((l) => l.place.length), [2, 1], "the private address has no place");
    assert.match(map.toText(), /1 without coordinates/);
    for (const bad of [[{ Address: "8.8.8.8" }], [42], "8.8.8.8"]) assert.throws(() => new GeoMap().addIps(bad as never), { name: "GeoMapError", code: "vis/map-input", message: /entities\.Ip or of IP address text/ });
    // The heatmap takes the same: address text located, anything else vis/map-input (addHeatmap(5) was a bare TypeError).
    assert.equal((new GeoMap().addHeatmap(["8.8.8.8", "131.107.147.209"]).toView().spec.data as GeoMapData).layers[0].place.length, 2);
    for (const bad of [5, [{ x: 1 }]]) assert.throws(() => new GeoMap().addHeatmap(bad as never), { name: "GeoMapError", code: "vis/map-input", message: /GeoLocation or of IP address text/ });
    // The geoLookup options given through a map are checked as geoLookup's (a misspelt database used the default).
    assert.throws(() => new GeoMap().addIps(["8.8.8.8"], { geoLookup: { databse: "geolite" } as never }), { code: "context/geo-option", message: /^geolocateIps: unknown option databse/ });
  });

  it("sends a columnar payload from which the browser rebuilds every tooltip and popup as before", () => {
    const ips = ipsFromDataFrame(logons, { additionalColumns: ["UserPrincipalName", "ResultType"] });
    ips[3].AdditionalData.UserPrincipalName = `x\u202E${PAYLOAD}\u{1F600}\uD800`;
    const map = new GeoMap().addIpCluster(ips).addIps(ips.slice(0, 5), { popupColumns: ["ResultType"] });
    const data = map.toView().spec.data as GeoMapData;
    const check = (layer: GeoMapLayerData, list: Ip[], wanted?: string[]) => {
      assert.equal(layer.place.length, list.length);
      list.forEach((ip, i) => {
        const want = expectedIpInfo(ip, wanted);
        assert.deepEqual(pointTip(data.strings, layer, i), want.tip, `tooltip of point ${i}`);
        assert.deepEqual(pointPopup(data.strings, layer, i), want.pop, `popup of point ${i}`);
      });
    };
    // Through JSON, as the browser gets it.
    const sent = JSON.parse(JSON.stringify(data)) as GeoMapData;
    check(sent.layers[0], ips);
    check(sent.layers[1], ips.slice(0, 5), ["ResultType"]);
    assert.ok(sent.layers[0].places.lat.length < 20, `86 sign-ins from a few places: ${sent.layers[0].places.lat.length} places`);
  });

  it("rebuilds locations, heat cells and mixed layers from the payload", () => {
    const locs = [new GeoLocation({ Latitude: 10, Longitude: 10, City: "A" }), new GeoLocation({ Latitude: 10.2, Longitude: 10.3, CountryName: "B" })];
    const ip = new Ip({ Address: "192.0.2.1", Location: new GeoLocation({ Latitude: 10, Longitude: 10, City: "A" }) });
    const map = new GeoMap().addGeoLocations(locs, { layer: "mixed" }).addIpCluster([ip], { layer: "mixed", geolocate: false }).addHeatmap(locs, { cellDegrees: 5 });
    const data = JSON.parse(JSON.stringify(map.toView().spec.data)) as GeoMapData;
    const [mixed, heat] = data.layers;
    assert.deepEqual([0, 1, 2].map((i) => pointTip(data.strings, mixed, i)), [["A"], ["B"], ["192.0.2.1", "A", "Unknown country"]]);
    assert.deepEqual(pointPopup(data.strings, mixed, 0), [["City", "A"], ["Latitude", "10"], ["Longitude", "10"]]);
    assert.deepEqual(pointPopup(data.strings, mixed, 2), [["Address", "192.0.2.1"], ["City", "A"], ["Latitude", "10"], ["Longitude", "10"]]);
    assert.equal(mixed.places.lat.length, 3, "the same coordinates as an Ip and as a location are two places");
    assert.deepEqual(pointTip(data.strings, heat, 0), ["2 points"]);
    assert.deepEqual(pointPopup(data.strings, heat, 0), [["Points", "2"]]);
    assert.deepEqual(heat.weights, [2]);
  });

  it("sends each place, city and user once: 200,000 points in a few bytes each", () => {
    const ips = manyIps(1000, 200);
    const data = new GeoMap().addIpCluster(ips, { geolocate: false }).toView().spec.data as GeoMapData;
    const json = JSON.stringify(data);
    const layer = data.layers[0];
    assert.equal(layer.place.length, 200_000);
    assert.equal(layer.places.lat.length, 1000);
    assert.equal(json.split('"city 13"').length - 1, 1, "a city's name is in the string table once");
    assert.equal(json.split('"user13"').length - 1, 1, "a user is in the string table once");
    assert.ok(layer.places.lat.every((v) => Math.abs(v * 1e5 - Math.round(v * 1e5)) < 1e-6), "coordinates rounded to 5 decimals");
    const perPoint = (json.length - JSON.stringify(data.basemap).length) / 200_000;
    assert.ok(perPoint < 30, `${perPoint.toFixed(1)} bytes of JSON per point`);
    assert.deepEqual(pointTip(data.strings, layer, 123_456), [ips[123_456].Address, ips[123_456].Location!.City, "ZZ", `User: user${123_456 % 97}`]);
  });

  it("keeps points at one spot with different details apart, and the same details as one place (20,000 at GeoLite's centroid)", () => {
    // GeoLite puts unresolved addresses at the country centroid, each with its own ASN: every new one was compared with all before.
    const n = 20_000;
    const at = (i: number) => new GeoLocation({ Latitude: 37.751, Longitude: -97.822, CountryCode: "US", Asn: 1000 + (i % (n / 2)), AsnOrg: `Org ${i % (n / 2)}` });
    const ips = Array.from({ length: n }, (_, i) => new Ip({ Address: `8.0.${i >> 8}.${i & 255}`, Location: at(i) }));
    ips.push(new Ip({ Address: "8.1.0.1", Location: new GeoLocation({ Latitude: 37.751, Longitude: -97.8, CountryCode: "US", Asn: 1000, AsnOrg: "Org 0" }) }));
    const map = new GeoMap().addIpCluster(ips, { geolocate: false });
    const layer = (map.toView().spec.data as GeoMapData).layers[0];
    assert.equal(layer.place.length, n + 1);
    assert.equal(layer.places.lat.length, n / 2 + 1, "one place per ASN at the centroid, one elsewhere");
    assert.equal(layer.place[0], layer.place[n / 2], "the same details share a place");
    assert.notEqual(layer.place[0], layer.place[1]);
    assert.deepEqual(layer.place.slice(-1), [n / 2]);
  });

  it("keeps any text intact in joined columns (lengths, not separators)", () => {
    const weird = ["", "a\u0000b", "\u{1F600}", "\uDC00x", `"\\,`, "\n\r\u2028"];
    const ips = weird.map((w, i) => new Ip({ Address: w, Location: new GeoLocation({ Latitude: i + 1, Longitude: i + 1 }) }));
    ips.push(new Ip({ Location: new GeoLocation({ Latitude: 9, Longitude: 9 }) }));
    const data = JSON.parse(JSON.stringify(new GeoMap().addIpCluster(ips, { geolocate: false }).toView().spec.data)) as GeoMapData;
    const layer = data.layers[0];
    assert.ok("joined" in layer.head[0].values, "distinct addresses travel joined");
    assert.deepEqual(ips.map((_, i) => pointPopup(data.strings, layer, i)[0]), [...weird.map((w) => ["Address", w]), ["Address", ""]]);
  });

  it("draws huge maps on a coarser grid, under the mark limit, and says so", () => {
    const map = new GeoMap().addIpCluster(manyIps(30_000, 2), { geolocate: false });
    const svg = map.toSvg();
    const circles = (svg.match(/<circle /g) ?? []).length;
    assert.ok(circles <= MAX_SVG_MARKS && circles > 1000, `${circles} marks`);
    assert.match(svg, /60000 points drawn as \d+ marks on a [\d.]+° grid/);
    const out = map.toView().toHtml();
    assert.match(out, /<div class="hl-geo-static-note"[^>]*>Static image: 60000 points drawn as \d+ marks on a [\d.]+° grid/);
    const small = new GeoMap().addIpCluster(manyIps(50, 2), { geolocate: false });
    assert.ok(!small.toView().toHtml().includes("hl-geo-static-note"), "small maps have no note");
  });

  it("centres on the median of every point, weighting places by their points", () => {
    const random = seededRandom(4);
    for (let t = 0; t < 50; t += 1) {
      const values = Array.from({ length: 1 + Math.floor(random() * 8) }, () => Math.round(random() * 20) / 2);
      const weights = values.map(() => Math.floor(random() * 4));
      const expanded = values.flatMap((v, i) => new Array<number>(weights[i]).fill(v)).sort((a, b) => a - b);
      const m = expanded.length >> 1;
      const want = expanded.length === 0 ? 0 : expanded.length % 2 ? expanded[m] : (expanded[m - 1] + expanded[m]) / 2;
      assert.equal(weightedMedian(values, weights), want, JSON.stringify({ values, weights }));
    }
  });

  // Suva, Anadyr, Adak and Nuku'alofa: the plain median longitude was 1.2° (between -175.2 and 177.5), half the
  // world from every point. On the circle it is between 178.4° and -176.7°, across the antimeridian.
  it("centres points around ±180° (Fiji, Chukotka, the Aleutians, Tonga) there, not near 0°", () => {
    const pacific = [[-18.14, 178.44], [64.73, 177.51], [51.88, -176.66], [-21.14, -175.2]].map(([lat, lon]) => new GeoLocation({ Latitude: lat, Longitude: lon }));
    const map = new GeoMap().addGeoLocations(pacific).centerMap();
    const [lat, lon] = map.location;
    assert.equal(lat, (-18.14 + 51.88) / 2, "the latitude's plain median");
    // 180.89° east is -179.11°.
    assert.ok(Math.abs(lon - -179.11) < 1e-9, `centre longitude ${lon}`);
    const circular = (a: number, b: number) => Math.abs(((a - b + 540) % 360) - 180);
    for (const p of pacific) assert.ok(circular(lon, p.Longitude!) < 5, `${p.Longitude} within 5° of the centre`);
    // The live map draws them side by side past 180°, its centre with them.
    const data = map.toView().spec.data as GeoMapData;
    assert.equal(data.unrollBelow, 177.51, "drawn east from Anadyr");
    const drawn = data.layers[0].places.lon.map((l) => unrolledLon(l, data.unrollBelow));
    assert.deepEqual(drawn, [178.44, 177.51, 183.34, 184.8]);
    assert.ok(Math.abs(unrolledLon(data.center[1], data.unrollBelow) - 180.89) < 1e-9);
    // Weights count: three points at Adak pull the centre east of the line.
    assert.equal(circularMedianLongitude([178.44, -176.66], [1, 3]), -176.66);
    assert.equal(circularMedianLongitude([179, -179], [1, 1]), 180);
  });

  it("keeps the plain median (MSTICPy's) when the points' smallest arc does not cross ±180°", () => {
    const random = seededRandom(7);
    for (let t = 0; t < 200; t += 1) {
      // Within any half of the world, or spread round it with the widest gap through ±180°.
      const west = -180 + random() * 180;
      const values = Array.from({ length: 1 + Math.floor(random() * 8) }, () => Math.round((west + random() * 180) * 100) / 100);
      const weights = values.map(() => 1 + Math.floor(random() * 3));
      assert.equal(antimeridianCut(values), undefined, JSON.stringify(values));
      assert.equal(circularMedianLongitude(values, weights), weightedMedian(values, weights), JSON.stringify({ values, weights }));
    }
    // Spread round the world (no gap over 180°): no one centre on the circle; the plain median, as MSTICPy.
    assert.equal(antimeridianCut([-170, -150, -120, -100, -60, -30, 0, 30, 60, 100, 120, 150, 170]), undefined);
    assert.equal(antimeridianCut([-120, -90, -60, 0, 30, 100, 140, 170]), undefined);
    // Within half the world across the Pacific (Japan to California): drawn east from Japan.
    assert.equal(antimeridianCut([-122, -150, 178, 140]), 140);
    assert.equal(antimeridianCut([-120, -90, 100, 140, 170]), 100);
    assert.equal(new GeoMap().toView().spec.data && (new GeoMap().addGeoLocations([new GeoLocation({ Latitude: 1, Longitude: 2 })]).toView().spec.data as GeoMapData).unrollBelow, null);
  });

  it("counts a heat cell's points, not the cell once: centre and static table", () => {
    // London's cell last: the table must rank it first by its points.
    const pts = [new GeoLocation({ Latitude: 10, Longitude: 10 }), new GeoLocation({ Latitude: -30, Longitude: 150 }), ...Array.from({ length: 5000 }, () => new GeoLocation({ Latitude: 51.5, Longitude: -0.12 }))];
    const heat = new GeoMap().addHeatmap(pts).centerMap();
    // A cell sits at its points' mean (a sum of 5,000 floats: not exactly -0.12).
    const near = (at: [number, number]) => at.map((v) => Math.round(v * 1e6) / 1e6);
    assert.deepEqual(near(heat.location), [51.5, -0.12]);
    assert.deepEqual(near(heat.location), near(new GeoMap().addGeoLocations(pts).centerMap().location), "as the same points as markers");
    const table = heat.toView().toHtml().match(/<details class="hl-geo-static-list[^"]*">.*?<\/details>/s)![0];
    const rows = [...table.matchAll(/<tr><td>Density<\/td><td>([^<]*)<\/td><td[^>]*>(\d+)<\/td>/g)].map((m) => [m[1], Number(m[2])]);
    assert.deepEqual(rows, [
      ["51.500, -0.120", 5000],
      ["10.000, 10.000", 1],
      ["-30.000, 150.000", 1],
    ]);
  });

  it("labels each layer in the switcher once, whatever its name", () => {
    // A cluster and a heat layer both "Ports" showed as one entry; "__proto__" listed Object.prototype and crashed Leaflet.
    const ips = [new Ip({ Address: "192.0.2.1", Location: new GeoLocation({ Latitude: 10, Longitude: 10 }) })];
    const map = new GeoMap()
      .addIpCluster(ips, { layer: "Ports", geolocate: false })
      .addHeatmap(ips, { layer: "Ports" })
      .addIps(ips, { layer: "__proto__", geolocate: false })
      .addGeoLocations([new GeoLocation({ Latitude: 1, Longitude: 1 })], { layer: "Ports (2)" });
    const names = (map.toView().spec.data as GeoMapData).layers.map((l) => l.nameHtml);
    assert.deepEqual(names, ["Ports", "Ports", "__proto__", "Ports (2)"]);
    // A name given stays as given; a repeat takes the next free number.
    assert.deepEqual(switcherLabels(names), ["Ports", "Ports (3)", "__proto__", "Ports (2)"]);
    assert.deepEqual(switcherLabels(["constructor", "toString", "a", "a", "a", "a (2)"]), ["constructor", "toString", "a", "a (3)", "a (4)", "a (2)"]);
  });

  it("gives big layers one marker per place, or per grid cell when the places are too many", () => {
    const layer = (place: number[], lat: number[], lon: number[]) => ({ place, places: { lat, lon, columns: [] } });
    const small = layerSpots(layer([0, 1, 0], [1, 2], [3, 4]));
    assert.equal(small.mode, "points");
    assert.deepEqual([small.count, [...small.lat], [...small.points]], [3, [1, 2, 1], [0, 1, 2]]);
    const big = layerSpots(layer([1, 0, 1, 1, 2], [1, 2, 2.0004], [3, 4, 4.0004]), { pointMarkers: 4 });
    assert.equal(big.mode, "places");
    assert.deepEqual([...big.start], [0, 1, 4, 5], "spot 1 holds three points");
    assert.deepEqual([...big.points], [1, 0, 2, 3, 4], "in input order");
    const grid = layerSpots(layer([1, 0, 1, 1, 2], [1, 2, 2.0004], [3, 4, 4.0004]), { pointMarkers: 4, maxMarkers: 2 });
    assert.equal(grid.mode, "grid");
    assert.equal(grid.cellDegrees, 0.001);
    assert.deepEqual([grid.count, [...grid.start], [...grid.places]], [2, [0, 1, 5], [1, 2]]);
    assert.ok(Math.abs(grid.lat[1] - (2 * 3 + 2.0004) / 4) < 1e-9, "point-weighted mean position");
  });

  it("the browser's revealHidden matches the template's (keepLayout)", () => {
    let all = "";
    for (let c = 0; c < 0x3000; c += 1) all += String.fromCharCode(c);
    all += "\ufeff\uffff";
    assert.equal(revealInBrowser(all), revealHidden(all, { keepLayout: true }));
  });
});

it("the Leaflet basemap has no ring edge jumping across the antimeridian (no stripes across the map)", () => {
  const jumps = (fc: ReturnType<typeof worldCountries>) => {
    let count = 0;
    for (const f of fc.features) {
      const g = f.geometry;
      const polys = g?.type === "Polygon" ? [g.coordinates] : g?.type === "MultiPolygon" ? g.coordinates : [];
      for (const poly of polys)
        for (const ring of poly)
          for (let i = 1; i < ring.length; i++) {
            const polar = Math.abs(ring[i][1]) >= 89 || Math.abs(ring[i - 1][1]) >= 89;
            if (!polar && Math.abs(ring[i][0] - ring[i - 1][0]) > 180) count++;
          }
    }
    return count;
  };
  assert.ok(jumps(worldCountries()) > 0, "the raw outlines do cross the antimeridian (Russia, Fiji)");
  assert.equal(jumps(worldCountriesForLeaflet()), 0);
  assert.equal(worldCountriesForLeaflet().features.length, worldCountries().features.length);
});
