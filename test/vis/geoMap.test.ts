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
import type { GeoMapData } from "../../src/vis/client/views/geoMap";
import { GeoMap, GeoMapError, worldCountries, worldCountriesForLeaflet } from "../../src/vis/geoMap";

const PAYLOAD = `</script><script>alert(1)</script><img src=x onerror=alert(2)>`;

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

  it("does not credit DB-IP when every location came from the data", () => {
    const map = new GeoMap().addIpCluster(ipsFromDataFrame(logons));
    assert.ok(!map.attributions().some((a) => a.includes("DB-IP")));
    assert.ok(!map.toView().toHtml().includes("db-ip.com"));
  });

  it("validates colours, popup columns, zoom and tiles", () => {
    assert.throws(() => new GeoMap().addIpCluster([], { color: "bleu" }), (e: Error) => e instanceof GeoMapError && /Did you mean blue/.test(e.message));
    assert.throws(() => new GeoMap().addIpCluster([], { color: "red;background:url(x)" }), GeoMapError);
    const ips = ipsFromDataFrame(logons, { additionalColumns: ["UserPrincipalName"] });
    assert.throws(() => new GeoMap().addIpCluster(ips, { popupColumns: ["UserPrincipal"] }), /popupColumns: UserPrincipal not in any Ip's AdditionalData\. Did you mean UserPrincipalName/);
    assert.throws(() => new GeoMap({ zoomStart: 40 }), /zoomStart must be between 0 and 22/);
    assert.throws(() => new GeoMap({ tiles: "javascript:alert(1)" }), /not an http\(s\) URL template/);
  });

  it("adds locations, plain markers and a density layer", () => {
    const locs = [new GeoLocation({ Latitude: 10, Longitude: 10 }), new GeoLocation({ Latitude: 10.2, Longitude: 10.3 }), new GeoLocation({ City: "nowhere" })];
    const map = new GeoMap().addGeoLocations(locs).addIps(ipsFromDataFrame(logons.head(5))).addHeatmap(locs);
    assert.deepEqual(map.layerSummary, [
      { name: "Locations", kind: "cluster", points: 2 },
      { name: "IP addresses (markers)", kind: "markers", points: 5 },
      { name: "Density", kind: "heat", points: 1 },
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

  it("builds a map of 200 000 points (no argument spreads over the data: they overflow the stack)", () => {
    // 50 shared locations keep the entities cheap and the static map's places few.
    const places = Array.from({ length: 50 }, (_, i) => new GeoLocation({ Latitude: i * 3 - 75, Longitude: i * 7 - 175, City: "c", CountryCode: "ZZ" }));
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
    assert.equal(data.layers[0].points[0].tip[0], "invoice\u202Egpj.exe", "raw in the data: the browser reveals it");
    const shown = view.toHtml().replace(/<script type="application\/json" class="hl-view-config">.*?<\/script>/s, "");
    assert.ok(!shown.includes("\u202E"), "no raw RLO outside the data");
    assert.ok(shown.includes("<td>invoice\\u202egpj.exe</td>"), "the static table shows it revealed");
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
