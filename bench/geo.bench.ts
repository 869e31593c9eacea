/**
 * Maps and entity graphs.
 * - `geoLookup` of 100,000 IPv4 addresses (seeded, ~90% distinct, public and
 *   private mixed) in the shipped DB-IP database, list in → DataFrame out.
 *   The database is opened in the warm-up run. Target ≤ 1 s. The same for
 *   100,000 IPv6 addresses (half in busy prefixes, half anywhere in 2000::/3).
 * - A `GeoMap` of 10,000 points (seeded around 40 cities) rendered in headless
 *   Chromium: page start → every marker clustered and drawn
 *   (`data-markers-ready`), measured in the page. Target ≤ 2 s.
 * - `new EntityGraph(df)` of 1,000 synthetic alerts (entities drawn, seeded,
 *   from pools of hosts, accounts, IPs, processes and files, so alerts share
 *   entities as real ones do): parsing + graph. Target ≤ 1 s.
 * - That graph laid out in the browser (`plot({ layout: "browser" })`): page
 *   start → Cytoscape drawn, measured in the page. Target ≤ 3 s. The default
 *   (layout computed in Node, shown as is) is printed too, with the Node-side
 *   `plot()` (layout + static PNG).
 * - A `GeoMap` of 40,000 points at one coordinate, each with its own ASN
 *   (GeoLite's country centroid for unresolved addresses): `addIpCluster`.
 *   Target ≤ 1 s (it was quadratic: 48 s).
 * Big inputs (a notebook must stay usable with them):
 * - A `GeoMap` of 1,000,000 points (5,000 places × 200 addresses, a User
 *   column): Node build (add + view + HTML), output size, and in Chromium
 *   page start → live (`data-hl-live`) and → clusters drawn
 *   (`data-markers-ready`). Targets: build ≤ 10 s, drawn ≤ 10 s.
 * - `EntityGraph` of 5,000 alerts: Node build (parse + graph + `plot()` +
 *   HTML) and in Chromium page start → live, default layout (from Node).
 *   Targets ≤ 10 s each.
 */
import pl from "nodejs-polars";
import { geoLookup } from "../src/context/geoip";
import { GeoLocation, Ip } from "../src/entities";
import { EntityGraph } from "../src/vis/entityGraph";
import { GeoMap } from "../src/vis/geoMap";
import { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumMissing } from "../test/browser/chromium";
import { browserMeasure, browserMeasureMarks, mb, measure, report, seededRandom, type Measurement } from "./harness";

const LOOKUPS = 100_000;
const POINTS = 10_000;
const ALERTS = 1_000;
const BIG_PLACES = 5_000;
const BIG_PER_PLACE = 200;
const BIG_ALERTS = 5_000;
const ONE_SPOT = 40_000;

function addresses(n: number): string[] {
  const random = seededRandom(11);
  const out: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    if (i > 0 && random() < 0.1) {
      out[i] = out[Math.floor(random() * i)];
      continue;
    }
    const first = random() < 0.05 ? 10 : 1 + Math.floor(random() * 222);
    out[i] = `${first}.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}`;
  }
  return out;
}

/** `n` seeded IPv6 addresses (~90% distinct): half in busy allocated prefixes (many records), half anywhere in 2000::/3. */
export function ipv6Addresses(n: number): string[] {
  const random = seededRandom(13);
  const busy = ["2a00:1450", "2606:4700", "2001:4860", "2a03:2880", "2804:14c", "240e:3b0", "2a01:4f8", "2600:1f18"];
  const group = () => Math.floor(random() * 65536).toString(16);
  const out: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    if (i > 0 && random() < 0.1) {
      out[i] = out[Math.floor(random() * i)];
      continue;
    }
    const head = random() < 0.5 ? busy[Math.floor(random() * busy.length)] : `${(0x2000 + Math.floor(random() * 0x2000)).toString(16)}:${group()}`;
    out[i] = `${head}:${group()}:${group()}:${group()}:${group()}:${group()}:${group()}`;
  }
  return out;
}

function mapPoints(n: number): Ip[] {
  const random = seededRandom(5);
  const cities = Array.from({ length: 40 }, () => [random() * 120 - 50, random() * 340 - 170]);
  return Array.from({ length: n }, (_, i) => {
    const c = cities[i % cities.length];
    const ip = new Ip({ Address: `198.51.${(i >> 8) & 255}.${i & 255}`, Location: new GeoLocation({ Latitude: c[0] + (random() - 0.5) * 4, Longitude: c[1] + (random() - 0.5) * 4, City: `city ${i % 40}` }) });
    ip.AdditionalData.User = `user${i % 97}`;
    return ip;
  });
}

/** `n` Ips at GeoLite's US centroid, each with its own ASN: one coordinate, `n` places. */
function oneSpotPoints(n: number): Ip[] {
  return Array.from(
    { length: n },
    (_, i) => new Ip({ Address: `8.0.${i >> 8}.${i & 255}`, Location: new GeoLocation({ Latitude: 37.751, Longitude: -97.822, CountryCode: "US", Asn: 1000 + i, AsnOrg: `Org ${i}` }) }),
  );
}

/** `BIG_PLACES` seeded places × `BIG_PER_PLACE` distinct addresses (interleaved), with a User column. */
function bigMapPoints(): Ip[] {
  const random = seededRandom(8);
  const places = Array.from({ length: BIG_PLACES }, (_, i) => new GeoLocation({ Latitude: random() * 120 - 55, Longitude: random() * 340 - 170, City: `city ${i % 900}`, CountryCode: "ZZ" }));
  const ips: Ip[] = new Array(BIG_PLACES * BIG_PER_PLACE);
  for (let i = 0; i < ips.length; i++) {
    ips[i] = new Ip({ Address: `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`, Location: places[i % BIG_PLACES] });
    ips[i].AdditionalData.User = `user${i % 97}`;
  }
  return ips;
}

function alertFrame(n: number): pl.DataFrame {
  const random = seededRandom(3);
  const pick = (k: number) => Math.floor(random() * k);
  const rows = Array.from({ length: n }, (_, i) => {
    const host = pick(60);
    const ents: Record<string, unknown>[] = [
      { $id: "2", HostName: `host${host}`, OSFamily: host % 2 ? "Windows" : "Linux", Type: "host" },
      { $id: "3", Name: `user${pick(250)}`, NTDomain: "CONTOSO", Host: { $ref: "2" }, Type: "account" },
      { $id: "4", Address: `203.0.${pick(2)}.${pick(200)}`, Type: "ip" },
    ];
    if (random() < 0.4) {
      const image = pick(40);
      ents.push(
        { $id: "5", Directory: "c:\\windows\\system32", Name: `tool${image}.exe`, Type: "file" },
        { $id: "6", ProcessId: `0x${(1000 + pick(500)).toString(16)}`, CommandLine: `tool${image}.exe /x`, ImageFile: { $ref: "5" }, Account: { $ref: "3" }, Host: { $ref: "2" }, Type: "process" },
      );
    }
    return {
      SystemAlertId: `alert-${i}`,
      AlertDisplayName: `Alert type ${pick(30)}`,
      AlertName: "x",
      Severity: ["Low", "Medium", "High"][pick(3)],
      Description: "synthetic",
      StartTimeUtc: new Date(Date.UTC(2024, 0, 1) + i * 60_000),
      Entities: JSON.stringify(ents),
      ExtendedProperties: "{}",
    };
  });
  return pl.DataFrame(rows);
}

export async function run(): Promise<void> {
  const ips = addresses(LOOKUPS);
  const ips6 = ipv6Addresses(LOOKUPS);
  const alerts = alertFrame(ALERTS);
  let graph: EntityGraph | undefined;
  const rows: Measurement[] = [
    await measure(`geoLookup, ${LOOKUPS.toLocaleString("en")} IPv4 addresses → DataFrame`, () => geoLookup(ips), { targetMs: 1000 }),
    await measure(`geoLookup, ${LOOKUPS.toLocaleString("en")} IPv6 addresses → DataFrame`, () => geoLookup(ips6), { targetMs: 1000 }),
    await measure(`EntityGraph of ${ALERTS.toLocaleString("en")} alerts (parse + build)`, () => (graph = new EntityGraph(alerts)), { targetMs: 1000 }),
  ];
  const oneSpot = oneSpotPoints(ONE_SPOT);
  rows.push(
    await measure(`GeoMap.addIpCluster, ${ONE_SPOT.toLocaleString("en")} points at one coordinate with distinct ASNs`, () => new GeoMap().addIpCluster(oneSpot, { geolocate: false }), {
      runs: 3,
      targetMs: 1000,
    }),
  );
  const eg = graph!;
  rows.push(await measure(`  plot() in Node: layout + static PNG (${eg.nodeCount} nodes, ${eg.edgeCount} edges)`, () => eg.plot().toView(), { runs: 3, note: "no target" }));

  // Big inputs, built in Node.
  const bigIps = bigMapPoints();
  let bigMapHtml = "";
  rows.push(
    await measure(
      `GeoMap of ${bigIps.length.toLocaleString("en")} points (${BIG_PLACES.toLocaleString("en")} places): build + HTML in Node`,
      () => (bigMapHtml = new GeoMap().addIpCluster(bigIps, { color: "blue", geolocate: false }).centerMap().toView().toHtml()),
      { runs: 2, warmup: 0, targetMs: 10_000 },
    ),
  );
  rows[rows.length - 1].note = `HTML ${mb(bigMapHtml.length)}`;
  const bigAlerts = alertFrame(BIG_ALERTS);
  let bigGraphHtml = "";
  let bigGraphShape = "";
  rows.push(
    await measure(
      `EntityGraph of ${BIG_ALERTS.toLocaleString("en")} alerts: parse + build + plot() + HTML in Node`,
      () => {
        const g = new EntityGraph(bigAlerts);
        bigGraphShape = `${g.nodeCount} nodes, ${g.edgeCount} edges`;
        bigGraphHtml = g.plot().toView().toHtml();
      },
      { runs: 2, warmup: 0, targetMs: 10_000 },
    ),
  );
  rows[rows.length - 1].note = `${bigGraphShape}; HTML ${mb(bigGraphHtml.length)}`;

  const skip = chromiumMissing();
  if (skip) {
    report("Maps and entity graphs", rows);
    console.log(`(browser benchmarks skipped: ${skip})`);
    return;
  }
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
  try {
    const map = new GeoMap().addIpCluster(mapPoints(POINTS), { color: "blue" }).centerMap();
    const mapHtml = `<!doctype html><html><body>${map.toView().toHtml()}</body></html>`;
    rows.push(await browserMeasure(browser, `GeoMap of ${POINTS.toLocaleString("en")} points in Chromium (clustered, drawn)`, mapHtml, ".hl-view-geo-map .hl-view-live", "data-markers-ready", { targetMs: 2000 }));
    const browserLayout = `<!doctype html><html><body>${eg.plot({ layout: "browser" }).toView().toHtml()}</body></html>`;
    rows.push(await browserMeasure(browser, `Entity graph of ${ALERTS.toLocaleString("en")} alerts laid out in Chromium`, browserLayout, ".hl-view-entity-graph", "data-hl-live", { targetMs: 3000 }));
    const precomputed = `<!doctype html><html><body>${eg.plot().toView().toHtml()}</body></html>`;
    rows.push(await browserMeasure(browser, `  same graph, layout from Node (default)`, precomputed, ".hl-view-entity-graph", "data-hl-live", { targetMs: 3000 }));
    const bigMapPage = `<!doctype html><html><body>${bigMapHtml}</body></html>`;
    rows.push(
      ...(await browserMeasureMarks(browser, bigMapPage, [
        { name: `GeoMap of 1,000,000 points in Chromium: live`, selector: ".hl-view-geo-map", attribute: "data-hl-live", targetMs: 10_000 },
        { name: `  same map: clusters drawn (first render)`, selector: ".hl-view-geo-map .hl-view-live", attribute: "data-markers-ready", targetMs: 10_000 },
      ])),
    );
    const bigGraphPage = `<!doctype html><html><body>${bigGraphHtml}</body></html>`;
    rows.push(await browserMeasure(browser, `Entity graph of ${BIG_ALERTS.toLocaleString("en")} alerts in Chromium: live (layout from Node)`, bigGraphPage, ".hl-view-entity-graph", "data-hl-live", { targetMs: 10_000, runs: 3 }));
  } finally {
    await browser.close();
  }
  report("Maps and entity graphs", rows);
}
