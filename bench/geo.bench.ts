/**
 * Maps and entity graphs.
 * - `geoLookup` of 100,000 IPv4 addresses (seeded, ~90% distinct, public and
 *   private mixed) in the shipped DB-IP database, list in → DataFrame out.
 *   The database is opened in the warm-up run. Target ≤ 1 s.
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
 */
import pl from "nodejs-polars";
import type { Browser } from "playwright-core";
import { geoLookup } from "../src/context/geoip";
import { GeoLocation, Ip } from "../src/entities";
import { EntityGraph } from "../src/vis/entityGraph";
import { GeoMap } from "../src/vis/geoMap";
import { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumMissing, PAGE_ORIGIN } from "../test/browser/chromium";
import { measure, report, seededRandom, type Measurement } from "./harness";

const LOOKUPS = 100_000;
const POINTS = 10_000;
const ALERTS = 1_000;

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

/**
 * Opens `html` offline and returns the in-page time (ms since navigation start)
 * at which `selector` gets `attribute="1"`, recorded by a MutationObserver
 * installed before any page script runs.
 */
async function pageTime(browser: Browser, html: string, selector: string, attribute: string): Promise<number> {
  const context = await browser.newContext();
  try {
    await context.route("**/*", (route) => (route.request().url() === `${PAGE_ORIGIN}/bench.html` ? route.fulfill({ status: 200, contentType: "text/html", body: html }) : route.abort()));
    await context.addInitScript(
      ({ sel, attr }) => {
        const w = window as unknown as { __hlDone?: number };
        new MutationObserver(() => {
          if (w.__hlDone === undefined && document.querySelector(`${sel}[${attr}="1"]`)) w.__hlDone = performance.now();
        }).observe(document, { subtree: true, attributes: true, attributeFilter: [attr] });
      },
      { sel: selector, attr: attribute },
    );
    const page = await context.newPage();
    await page.goto(`${PAGE_ORIGIN}/bench.html`);
    await page.waitForFunction(() => (window as unknown as { __hlDone?: number }).__hlDone !== undefined, null, { timeout: 120_000 });
    return await page.evaluate(() => (window as unknown as { __hlDone: number }).__hlDone);
  } finally {
    await context.close();
  }
}

async function browserMeasure(browser: Browser, name: string, html: string, selector: string, attribute: string, targetMs: number, runs = 3): Promise<Measurement> {
  await pageTime(browser, html, selector, attribute);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await pageTime(browser, html, selector, attribute));
  times.sort((a, b) => a - b);
  return { name, runs, medianMs: times[Math.floor(runs / 2)], minMs: times[0], maxMs: times[runs - 1], targetMs, note: "in-page, from navigation start" };
}

export async function run(): Promise<void> {
  const ips = addresses(LOOKUPS);
  const alerts = alertFrame(ALERTS);
  let graph: EntityGraph | undefined;
  const rows: Measurement[] = [
    await measure(`geoLookup, ${LOOKUPS.toLocaleString("en")} IPv4 addresses → DataFrame`, () => geoLookup(ips), { targetMs: 1000 }),
    await measure(`EntityGraph of ${ALERTS.toLocaleString("en")} alerts (parse + build)`, () => (graph = new EntityGraph(alerts)), { targetMs: 1000 }),
  ];
  const eg = graph!;
  rows.push(await measure(`  plot() in Node: layout + static PNG (${eg.nodeCount} nodes, ${eg.edgeCount} edges)`, () => eg.plot().toView(), { runs: 3, note: "no target" }));

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
    rows.push(await browserMeasure(browser, `GeoMap of ${POINTS.toLocaleString("en")} points in Chromium (clustered, drawn)`, mapHtml, ".hl-view-geo-map .hl-view-live", "data-markers-ready", 2000));
    const browserLayout = `<!doctype html><html><body>${eg.plot({ layout: "browser" }).toView().toHtml()}</body></html>`;
    rows.push(await browserMeasure(browser, `Entity graph of ${ALERTS.toLocaleString("en")} alerts laid out in Chromium`, browserLayout, ".hl-view-entity-graph", "data-hl-live", 3000));
    const precomputed = `<!doctype html><html><body>${eg.plot().toView().toHtml()}</body></html>`;
    rows.push(await browserMeasure(browser, `  same graph, layout from Node (default)`, precomputed, ".hl-view-entity-graph", "data-hl-live", 3000));
  } finally {
    await browser.close();
  }
  report("Maps and entity graphs", rows);
}
