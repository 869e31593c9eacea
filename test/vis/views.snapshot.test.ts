/**
 * Snapshots of the HTML views (query browser, TI browser, cluster browser,
 * process tree, geo map, entity graph, alert graph, answer check, TI provider
 * status) and of the static SVGs behind their images, from small fixed inputs:
 * golden files in test/vis/snapshots/.
 *
 * An `.html` file is the output's skeleton (test/helpers/viewSkeleton.ts): the
 * markup with a line break before each block tag, the config JSON
 * pretty-printed (libraries as their sizes, compressed data decompressed), the
 * bundle script as its boot call and PNGs as their size in pixels. An `.svg`
 * file is the SVG the static image is rasterised from, one element a line.
 * Only the random element ids (and, for the TI status, the temporary folder)
 * are normalised. Needs the browser bundles: `npm run build` first.
 *
 * Accept an intended change with `UPDATE_SNAPSHOTS=1 npm test` (see test/README.md).
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import pl from "nodejs-polars";
import YAML from "yaml";
import { dbclusterEvents } from "../../src/analysis/eventCluster";
import { withStringScore } from "../../src/analysis/features";
import { TILookup } from "../../src/context/tiLookup";
import type { QueryDefinition } from "../../src/data/types";
import { toMimeBundle } from "../../src/display/display";
import { GeoLocation, Ip, SecurityAlert } from "../../src/entities";
import { checkAnswers } from "../../src/lab/answers";
import { buildProcessTree } from "../../src/transform/processTree";
import { createAlertGraph } from "../../src/vis/alertGraph";
import { clusterBrowser } from "../../src/vis/clusterBrowser";
import { drawAlertEntityGraph, EntityGraph } from "../../src/vis/entityGraph";
import { GeoMap } from "../../src/vis/geoMap";
import { plotProcessTree, processTreeSvg } from "../../src/vis/processTree";
import { QueryBrowser } from "../../src/vis/queryBrowser";
import { browseResults } from "../../src/vis/tiBrowser";
import { tiFrame, type FixtureRow } from "../browser/fixtures/tiResults";
import { assertSnapshot, normalizeHtmlViewIds, snapshotFile, type SnapshotNormalizer } from "../helpers/snapshot";
import { tempDir } from "../helpers/tmp";
import { svgSkeleton, viewSkeleton } from "../helpers/viewSkeleton";
import { sysmonEndEvents } from "../helpers/sysmonEnds";

const XSS = "<script>alert(1)</script>";
const RLO_FILE = "invoice\u202Egpj.exe";
const utc = (iso: string) => new Date(iso);

/** Renders twice (both must agree once ids are normalised), then compares the skeleton with `name.html`. */
function snapshotView(name: string, render: () => string, extra: SnapshotNormalizer[] = []): void {
  const normalize = [normalizeHtmlViewIds, ...extra];
  const first = viewSkeleton(render());
  const again = viewSkeleton(render());
  const norm = (text: string) => normalize.reduce((t, fn) => fn(t), text);
  assert.equal(norm(again), norm(first), "rendering twice gives the same output");
  assertSnapshot(first, snapshotFile(__dirname, `${name}.html`), { normalize });
}

function snapshotSvg(name: string, svg: string): void {
  assertSnapshot(svgSkeleton(svg), snapshotFile(__dirname, `${name}.svg`));
}

/**
 * The SVG documents rasterised while `fn` runs: a spy on resvg's constructor
 * (src/vis/png.ts reads `Resvg` from the module at each call), restored after.
 * How the process tree's SVG is reached, as its builder is not exported.
 */
function rasterised<T>(fn: () => T): { result: T; svgs: string[] } {
  const mod = require("@resvg/resvg-js") as { Resvg: new (svg: string, options?: unknown) => unknown };
  const original = mod.Resvg;
  const svgs: string[] = [];
  mod.Resvg = class extends (original as new (svg: string, options?: unknown) => object) {
    constructor(svg: string, options?: unknown) {
      svgs.push(svg);
      super(svg, options);
    }
  };
  try {
    return { result: fn(), svgs };
  } finally {
    mod.Resvg = original;
  }
}

// --- fixed inputs ---------------------------------------------------------------------

const QUERIES: QueryDefinition[] = [
  {
    family: "WindowsSecurity",
    name: "list_host_logons",
    description: "Retrieves the logon events on the host",
    query: "host_logons.pkl",
    parameters: [
      { name: "host_name", type: "str", description: "Name of host", required: true, aliases: ["hostname", "computer"] },
      { name: "table", type: "str", description: "Table name", default: "SecurityEvent", required: false, aliases: [] },
    ],
    metadata: { data_source: "LocalData" },
    sourceFile: "WindowsSecurity.yaml",
  },
  {
    family: "Network",
    name: "get_network_summary",
    description: `Summarises network connections ${XSS}`,
    query: "net_summary.parquet",
    parameters: [],
    metadata: { data_source: "LocalData" },
    sourceFile: "Network.yaml",
  },
];

const tiRow = (r: Partial<FixtureRow> & Pick<FixtureRow, "Ioc" | "Provider" | "Severity">): FixtureRow => ({
  IocType: "ipv4",
  Result: true,
  Details: "",
  RawResult: "",
  Reference: "",
  Status: 0,
  ...r,
});

/** Four indicators: a high hit with a link, a hostile one, a bidi file name (warning) and an information one (collapsed). */
const TI_ROWS: FixtureRow[] = [
  tiRow({
    Ioc: "131.107.147.209",
    Provider: "LocalTI",
    Severity: "high",
    Details: JSON.stringify({ Description: "NTLM network logons", Other: { nested: [1, 2] } }),
    RawResult: JSON.stringify([{ observable: "131.107.147.209", severity: "high" }]),
  }),
  tiRow({
    Ioc: "131.107.147.209",
    Provider: "GreyNoise",
    Severity: "information",
    Details: JSON.stringify({ Classification: "benign" }),
    Reference: "https://api.greynoise.io/v3/community/131.107.147.209",
  }),
  tiRow({ Ioc: `evil.example${XSS}`, IocType: "dns", Provider: "VirusTotal", Severity: "high", Details: `message ${XSS}`, RawResult: JSON.stringify({ raw: XSS }), Reference: "javascript:alert(1)" }),
  tiRow({ Ioc: RLO_FILE, IocType: "file", Provider: "LocalTI", Severity: "warning", Details: JSON.stringify({ Name: RLO_FILE }), RawResult: `raw ${RLO_FILE}` }),
  tiRow({ Ioc: "10.0.3.4", Provider: "LocalTI", Severity: "information", Result: false, Details: "Not found in the local feed." }),
];

/** Six logons: alice type 3 ×3 (a session), bob type 10 ×2 (a session), one lone SYSTEM type 5. */
function logons(): pl.DataFrame {
  return pl.DataFrame({
    TimeGenerated: pl.Series(
      "TimeGenerated",
      ["2019-02-12T04:37:25Z", "2019-02-12T04:40:00Z", "2019-02-12T05:01:10Z", "2019-02-13T09:00:00Z", "2019-02-13T09:30:00Z", "2019-02-14T12:00:00Z"].map(utc),
      pl.Datetime("ms"),
    ),
    Account: ["CONTOSO\\alice", "CONTOSO\\alice", "CONTOSO\\alice", "CONTOSO\\bob", "CONTOSO\\bob", "NT AUTHORITY\\SYSTEM"],
    TargetUserName: ["alice", "alice", "alice", "bob", "bob", "SYSTEM"],
    LogonType: pl.Series("LogonType", [3, 3, 3, 10, 10, 5], pl.Int64),
    IpAddress: ["10.0.0.5", "10.0.0.5", "10.0.0.6", "203.0.113.7", "203.0.113.7", "-"],
  });
}

/** Four 4688 events on one host: cmd (parent not in the data) → powershell (hostile command line) → the bidi file; cmd → conhost. */
function processEvents(): pl.DataFrame {
  return pl.DataFrame({
    EventID: [4688, 4688, 4688, 4688],
    TimeGenerated: pl.Series("TimeGenerated", ["2024-01-01T10:00:00Z", "2024-01-01T10:00:01Z", "2024-01-01T10:00:02.500Z", "2024-01-01T10:00:03Z"].map(utc), pl.Datetime("ms")),
    Computer: ["web-01", "web-01", "web-01", "web-01"],
    NewProcessId: ["0x100", "0x200", "0x300", "0x400"],
    NewProcessName: [
      "C:\\Windows\\System32\\cmd.exe",
      "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
      `C:\\Users\\bob\\Downloads\\${RLO_FILE}`,
      "C:\\Windows\\System32\\conhost.exe",
    ],
    ProcessId: ["0x4", "0x100", "0x200", "0x100"],
    ParentProcessName: ["C:\\Windows\\System32\\services.exe", "C:\\Windows\\System32\\cmd.exe", "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe", "C:\\Windows\\System32\\cmd.exe"],
    CommandLine: ["cmd.exe /c whoami", `powershell -c "${XSS}"`, `"${RLO_FILE}" /run`, "conhost.exe 0xffffffff"],
    SubjectUserName: ["alice", "alice", `bob${XSS}`, "alice"],
    SubjectLogonId: ["0x3e7", "0x3e7", "0x3e7", "0x3e7"],
  });
}

function ips(): Ip[] {
  const seattle = () => new GeoLocation({ CountryCode: "US", CountryName: "United States", State: "Washington", City: "Seattle", Latitude: 47.61, Longitude: -122.33 });
  return [
    new Ip({ Address: "131.107.147.209", Location: seattle() }),
    new Ip({ Address: "131.107.160.1", Location: seattle(), AdditionalData: { User: "alice" } }),
    new Ip({ Address: "81.2.69.142", Location: new GeoLocation({ CountryCode: "GB", City: "London", Latitude: 51.51, Longitude: -0.09, Source: "lab data" }) }),
    new Ip({ Address: "10.0.0.1" }),
  ];
}

/** Sentinel's Entities JSON: a host, an account and an IP. */
function entitiesJson(host: string, account: string, ip: string): string {
  return JSON.stringify([
    { $id: "2", HostName: host, DnsDomain: "contoso.com", OSFamily: "Windows", Type: "host" },
    { $id: "3", Name: account, NTDomain: "CONTOSO", Host: { $ref: "2" }, Type: "account" },
    { $id: "4", Address: ip, Type: "ip" },
  ]);
}

/** Two alerts sharing the host and the IP, with different accounts. */
function alertsFrame(): pl.DataFrame {
  return pl.DataFrame({
    SystemAlertId: ["a1b2c3d4-0000-4000-8000-000000000001", "a1b2c3d4-0000-4000-8000-000000000002"],
    AlertDisplayName: ["Suspicious PowerShell command line", "Brute force attack"],
    Severity: ["High", "Medium"],
    TimeGenerated: pl.Series("TimeGenerated", [utc("2024-03-01T08:00:00Z"), utc("2024-03-01T09:30:00Z")], pl.Datetime("ms")),
    StartTimeUtc: pl.Series("StartTimeUtc", [utc("2024-03-01T07:55:00Z"), utc("2024-03-01T09:00:00Z")], pl.Datetime("ms")),
    Description: ["PowerShell ran an encoded command.", "Many failed logons from one address."],
    ProviderName: ["MDATP", "ASC"],
    Entities: [entitiesJson("web-01", "alice", "203.0.113.5"), entitiesJson("WEB-01", "bob", "203.0.113.5")],
  });
}

/** A msticpyconfig.yaml in a temporary folder: LocalTI loaded, a misspelt provider class, VirusTotal without a key. */
function tiConfig(): { file: string; dir: string } {
  const dir = tempDir("huntlab-snap-");
  const file = path.join(dir, "msticpyconfig.yaml");
  const providers = {
    LocalTI: { Provider: "LocalTI", Primary: true },
    GN: { Provider: "GreyNose", Args: { AuthKey: "" } },
    VT: { Provider: "VirusTotal", Args: { AuthKey: "" } },
  };
  fs.writeFileSync(file, YAML.stringify({ TIProviders: providers }));
  return { file, dir };
}

// --- the views ------------------------------------------------------------------------

describe("HTML view snapshots", () => {
  test("query browser: two queries (one with parameters, one hostile description)", () => {
    snapshotView("query-browser", () => new QueryBrowser(QUERIES).toHtml());
  });

  test("TI browser: severities, a link, a refused javascript: link, hostile and bidi values", () => {
    const frame = tiFrame(TI_ROWS);
    snapshotView("ti-browser", () => browseResults(frame).toHtml());
  });

  test("cluster browser: two sessions and an unclustered logon", () => {
    const scored = withStringScore(withStringScore(logons(), "Account", "AccountNum"), "TargetUserName", "TargetUserNum");
    const result = dbclusterEvents(scored, { clusterColumns: ["AccountNum", "TargetUserNum", "LogonType"], maxClusterDistance: 0.0001, timeColumn: "TimeGenerated" });
    const options = { labelColumns: ["TargetUserName", "LogonType"], columns: ["TimeGenerated", "Account", "LogonType", "IpAddress"], unit: "logons", title: "Logon sessions" };
    snapshotView("cluster-browser", () => clusterBrowser(result, options).toHtml());
  });

  test("process tree: inferred parent, hostile command line and user, bidi image name; legend and table", () => {
    const tree = buildProcessTree(processEvents());
    const options = { legendCol: "SubjectUserName", showTable: true, title: `Process tree ${XSS}` };
    const { result: plot, svgs } = rasterised(() => plotProcessTree(tree, options));
    assert.deepEqual(svgs, [processTreeSvg(tree, options)], "the image is drawn from processTreeSvg");
    snapshotView("process-tree", () => plot.toHtml());
    snapshotSvg("process-tree", processTreeSvg(tree, options));
  });

  test("process tree with Sysmon 5 ends: end time and lifetime (ran, no end seen, an end before its start) in the text table", () => {
    const tree = buildProcessTree(sysmonEndEvents());
    snapshotView("process-tree-ends", () => plotProcessTree(tree).toHtml());
  });

  test("geo map: two places (one with two addresses), one address without a location; no basemap", () => {
    // Without the basemap: the world outlines would be ~180 long paths in the SVG
    // and a whole GeoJSON in the data.
    const map = new GeoMap({ title: "Sign-ins", basemap: false, zoomStart: 3 }).addIpCluster(ips(), { color: "red", geolocate: false }).centerMap();
    assert.equal(map.skipped, 1);
    const { svgs } = rasterised(() => map.toView());
    assert.deepEqual(svgs, [map.toSvg()], "the image is drawn from toSvg()");
    snapshotView("geo-map", () => map.toView().toHtml());
    snapshotSvg("geo-map", map.toSvg());
  });

  test("entity graph: two alerts sharing a host and an IP (EntityGraph(alerts).plot())", () => {
    const view = new EntityGraph(alertsFrame()).plot();
    const { svgs } = rasterised(() => view.toView());
    assert.deepEqual(svgs, [view.toSvg()], "the image is drawn from toSvg()");
    snapshotView("entity-graph", () => view.toView().toHtml());
    snapshotSvg("entity-graph", view.toSvg());
  });

  test("alert graph: one alert with its host, account and IP (drawAlertEntityGraph(createAlertGraph(alert)))", () => {
    const view = drawAlertEntityGraph(createAlertGraph(new SecurityAlert(alertsFrame(), 0)));
    const { svgs } = rasterised(() => view.toView());
    assert.deepEqual(svgs, [view.toSvg()], "the image is drawn from toSvg()");
    snapshotView("alert-graph", () => view.toView().toHtml());
    snapshotSvg("alert-graph", view.toSvg());
  });

  test("answer check: one right, one wrong (the lab's answers file)", () => {
    snapshotView("answers", () => checkAnswers({ question1: "2020-07-06", question2: "29,670" }).toHtml());
  });

  test("answer check: an unanswered question, hostile answer text", () => {
    snapshotView("answers-unanswered", () => checkAnswers({ question1: XSS }).toHtml());
  });

  test("TI provider status: one provider loaded, two not (with the reasons)", () => {
    const { file, dir } = tiConfig();
    const ti = new TILookup({ configPath: file });
    // The temporary folder, as shown (absolute, or relative to the working folder when shorter).
    const tmp: SnapshotNormalizer = (text) => text.split(dir).join("$TMP").split(path.relative(process.cwd(), dir)).join("$TMP");
    snapshotView("ti-status", () => toMimeBundle(ti)["text/html"] as string, [tmp]);
  });
});
