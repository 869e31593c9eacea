// npm test runs this file in a process of its own: its first tests run before any `new Pivot` of the process.
/**
 * Pivot namespaces (util, ti, queries) on the lab data: every input form
 * (value, array, entity, DataFrame + column), every join, time parameters
 * passed through, one `in` query for many values, and the errors.
 */
import assert from "node:assert/strict";
import path from "node:path";
import { before, describe, it } from "node:test";
import pl from "nodejs-polars";
import * as entities from "../../src/entities";
import { QueryProvider, type QueryProviderMethods } from "../../src/data/queryProvider";
import { TILookup } from "../../src/context/tiLookup";
import { LAB_DATA_DIR } from "../../src/common/paths";
import { Pivot, PivotError, NO_ASN_NOTE, type PivotFunction } from "../../src/pivot";

const FIXTURES = path.join(__dirname, "fixtures");
const col = (df: pl.DataFrame, name: string): unknown[] => df.getColumn(name).toArray() as unknown as unknown[];

/** A provider that records its execQuery calls. */
function spyProvider(qp: QueryProviderMethods): { provider: QueryProviderMethods; calls: [string, Record<string, unknown> | undefined][] } {
  const calls: [string, Record<string, unknown> | undefined][] = [];
  const provider: QueryProviderMethods = {
    environment: qp.environment,
    all_queries: qp.all_queries,
    listQueries: () => qp.listQueries(),
    listFamilies: () => qp.listFamilies(),
    queryDefinitions: () => qp.queryDefinitions(),
    queryHelp: (n) => qp.queryHelp(n),
    execQuery: (q, params) => {
      calls.push([q, params]);
      return qp.execQuery(q, params);
    },
    browseQueries: (o) => qp.browseQueries(o),
  };
  return { provider, calls };
}

describe("before new Pivot", () => {
  it("a namespace says to create the pivots first", () => {
    assert.throws(() => entities.Ip.util.ipType, (err: PivotError) => err.code === "pivot/not-initialised" && /new Pivot\(/.test(err.message) && /entities\.Ip\.util/.test(err.message));
    assert.throws(() => entities.Host.LocalData.WindowsSecurity, { code: "pivot/not-initialised" });
  });
});

describe("pivots", () => {
  let qp: QueryProviderMethods;
  let ti: TILookup;
  let pivot: Pivot;
  let spy: ReturnType<typeof spyProvider>;

  before(() => {
    qp = new QueryProvider("LocalData");
    ti = new TILookup({ providers: ["LocalTI"] });
    spy = spyProvider(new QueryProvider("LocalData", { dataPaths: [LAB_DATA_DIR], queryPaths: [path.join(FIXTURES, "in_queries.yaml")] }));
    pivot = new Pivot({ providers: [qp, ti], mappingsPaths: [path.join(FIXTURES, "extra_mappings.yaml")] });
    pivot.addProvider(spy.provider, { name: "Fixture" });
  });

  describe("util", () => {
    it("ipType takes a value, an array, an entity and (df, { column })", async () => {
      const one = await entities.Ip.util.ipType("10.0.3.5");
      assert.deepEqual(one.columns, ["Address", "IpType"]);
      assert.deepEqual(one.toRecords(), [{ Address: "10.0.3.5", IpType: "Private" }]);

      const many = await entities.Ip.util.ipType(["131.107.147.209", "127.0.0.1", "131.107.147.209", "", null, "nonsense"]);
      assert.deepEqual(col(many, "Address"), ["131.107.147.209", "127.0.0.1", "nonsense"], "distinct, blank and null dropped");
      assert.deepEqual(col(many, "IpType"), ["Public", "Loopback", "Invalid"]);

      const ent = await entities.Ip.util.ipType(new entities.Ip({ Address: "224.0.0.1" }));
      assert.deepEqual(ent.toRecords(), [{ Address: "224.0.0.1", IpType: "Multicast" }]);

      const df = pl.DataFrame({ ip: ["10.0.0.1", "8.8.8.8", "10.0.0.1"], n: [1, 2, 3] });
      const res = await entities.Ip.util.ipType(df, { column: "ip" });
      assert.deepEqual(res.toRecords(), [
        { Address: "10.0.0.1", IpType: "Private" },
        { Address: "8.8.8.8", IpType: "Public" },
      ]);
      const named = await entities.Ip.util.ipType(df, { column: "ip", inputColumn: "ip_value" });
      assert.deepEqual(named.columns, ["ip_value", "IpType"]);
    });

    it("joins back: left keeps every row, inner only matches, outer adds nothing new here", async () => {
      const df = pl.DataFrame({ ip: ["10.0.0.1", null, "8.8.8.8", "10.0.0.1"], n: [1, 2, 3, 4] });
      const left = await entities.Ip.util.ipType(df, { column: "ip", join: "left" });
      assert.equal(left.height, 4);
      assert.deepEqual(col(left, "n"), [1, 2, 3, 4]);
      assert.deepEqual(col(left, "IpType"), ["Private", null, "Public", "Private"]);
      const inner = await entities.Ip.util.ipType(df, { column: "ip", join: "inner" });
      assert.deepEqual(col(inner, "n").sort(), [1, 3, 4]);
      const outer = await entities.Ip.util.ipType(df, { column: "ip", join: "outer" });
      assert.equal(outer.height, 4);
      assert.deepEqual(outer.columns, ["ip", "n", "IpType"], "the input column is not repeated");
    });

    it("a value with several result rows repeats its input row; inner drops inputs without results", async () => {
      const df = pl.DataFrame({ url: ["http://wh401k.org/getps", "not a url at all"] });
      const outer = await entities.Url.util.extractIocs(df, { column: "url", join: "outer" });
      // the URL yields a url and a dns row; the text none: left and outer keep it, inner drops it
      assert.equal((await entities.Url.util.extractIocs(df, { column: "url", join: "inner" })).height, 2);
      assert.equal((await entities.Url.util.extractIocs(df, { column: "url", join: "left" })).height, 3);
      assert.equal(outer.height, 3);
    });

    it("geoLoc locates public addresses, labels private ones", async () => {
      const geo = await entities.Ip.util.geoLoc(["131.107.147.209", "10.0.0.1"]);
      assert.deepEqual(col(geo, "CountryCode"), ["US", null]);
      assert.deepEqual(col(geo, "IpType"), ["Public", "Private"]);
    });

    it("geoLoc and ti.lookupIp read an integer column (Int64, UInt32, Float64) as the IPv4 addresses it stores, as geoLookup and lookupIocs do", async () => {
      // 2204865489 is 131.107.147.209 (on the lab TI feed, high), 167772161 is 10.0.0.1 (INET_ATON, flow stores).
      for (const dtype of [pl.Int64, pl.UInt32, pl.Float64]) {
        const df = pl.DataFrame([pl.Series("SrcIp", [2204865489, 167772161, null, 2204865489], dtype), pl.Series("user", ["a", "b", "c", "d"])]);
        const geo = await entities.Ip.util.geoLoc(df, { column: "SrcIp", join: "left" });
        assert.deepEqual(col(geo, "user"), ["a", "b", "c", "d"], String(dtype));
        assert.deepEqual(col(geo, "CountryCode"), ["US", null, null, "US"], String(dtype));
        assert.deepEqual(col(geo, "IpType"), ["Public", "Private", null, "Public"], String(dtype));
        const found = await entities.Ip.ti.lookupIp(df, { column: "SrcIp", join: "inner" });
        assert.deepEqual(col(found, "Ioc"), ["131.107.147.209", "10.0.0.1", "131.107.147.209"], String(dtype));
        assert.deepEqual(col(found, "user"), ["a", "b", "d"], String(dtype));
        assert.equal(col(found, "Severity")[0], "high", String(dtype));
      }
      // A number in a list too; digits written as text stay text (a process or event id), and a number past 2^32 - 1 is no address.
      const listed = await entities.Ip.util.geoLoc([2204865489, "2204865489", 4294967296]);
      assert.deepEqual(col(listed, "Address"), ["131.107.147.209", "2204865489", "4294967296"]);
      assert.deepEqual(col(listed, "CountryCode"), ["US", null, null]);
    });

    it("whois says plainly when the shipped database has no ASN data", async () => {
      const w = await entities.Ip.util.whois(["131.107.147.209", "192.168.1.1"]);
      assert.deepEqual(col(w, "Asn"), [null, null]);
      assert.equal(col(w, "WhoisNote")[0], NO_ASN_NOTE);
      assert.match(String(col(w, "WhoisNote")[0]), /DB-IP City Lite database has none/);
      assert.match(String(col(w, "WhoisNote")[1]), /private/);
    });

    it("Dns: domainParts splits names; dnsResolve never throws offline", async () => {
      const parts = await entities.Dns.util.domainParts(["www.wh401k.org", "mail.example.co.uk"]);
      assert.deepEqual(col(parts, "Subdomain"), ["www", "mail"]);
      assert.deepEqual(col(parts, "RegisteredDomain"), ["wh401k.org", "example.co.uk"]);
      assert.deepEqual(col(parts, "Suffix"), ["org", "co.uk"]);
      const dns = await entities.Dns.util.dnsResolve(new entities.Dns({ DomainName: "name.invalid" }), { timeoutMs: 500 });
      assert.equal(dns.height, 1);
      assert.equal(col(dns, "DomainName")[0], "name.invalid");
      assert.ok(typeof col(dns, "status")[0] === "string");
    });

    it("Url, File, Process and Account utilities", async () => {
      const url = await entities.Url.util.urlParts(["http://wh401k.org:8080/getps?a=1#x", "::"]);
      assert.deepEqual(url.row(0), ["http://wh401k.org:8080/getps?a=1#x", "http", null, "wh401k.org", "8080", "/getps", "a=1", "x", "wh401k.org", ""]);
      assert.equal(col(url, "UrlNote")[1], "not a URL: an IPv6 host needs [ ]");
      const hashes = await entities.File.util.fileHashType(new entities.File({ Md5: "44d88612fea8a8f36de82e1278abb02f" }));
      assert.deepEqual(hashes.toRecords(), [{ FileHash: "44d88612fea8a8f36de82e1278abb02f", HashType: "md5" }]);
      const procs = pl.DataFrame({ CommandLine: ["ping microsoft.com -n 15", "whoami"] });
      const iocs = await entities.Process.util.commandLineIocs(procs, { column: "CommandLine", join: "left" });
      assert.deepEqual(col(iocs, "Observable"), ["microsoft.com", null]);
      const acct = await entities.Account.util.accountParts(["MSTICAlertsWin1\\MSTICAdmin", "ian@contoso.com", "bob"]);
      assert.deepEqual(acct.toRecords(), [
        { Name: "MSTICAlertsWin1\\MSTICAdmin", Domain: "MSTICAlertsWin1", UserName: "MSTICAdmin", UpnSuffix: null, Format: "down-level" },
        { Name: "ian@contoso.com", Domain: null, UserName: "ian", UpnSuffix: "contoso.com", Format: "upn" },
        { Name: "bob", Domain: null, UserName: "bob", UpnSuffix: null, Format: "name" },
      ]);
      const fromEntity = await entities.Account.util.accountParts(new entities.Account({ Name: "MSTICAdmin", NTDomain: "MSTICAlertsWin1" }));
      assert.deepEqual(col(fromEntity, "Domain"), ["MSTICAlertsWin1"], "an Account gives its qualified name");
    });
  });

  describe("ti", () => {
    it("has a function per indicator type and per provider", () => {
      for (const [ns, fn] of [
        [entities.Ip.ti, "lookupIp"],
        [entities.Dns.ti, "lookupDns"],
        [entities.Url.ti, "lookupUrl"],
        [entities.File.ti, "lookupFileHash"],
      ] as const) {
        assert.equal(typeof ns[fn], "function");
        assert.equal(typeof ns[`${fn}_LocalTI`], "function");
      }
    });

    it("lookupIp on a value, an array, an entity and a DataFrame, with joins", async () => {
      const one = await entities.Ip.ti.lookupIp("131.107.147.209");
      assert.deepEqual([col(one, "Address")[0], col(one, "Severity")[0], col(one, "Provider")[0]], ["131.107.147.209", "high", "LocalTI"]);
      const many = await entities.Ip.ti.lookupIp_LocalTI(["148.251.12.164", "40.77.232.95"]);
      assert.deepEqual(col(many, "Address"), ["148.251.12.164", "40.77.232.95"]);
      assert.deepEqual(col(many, "Severity"), ["high", "information"]);
      const ent = await entities.Ip.ti.lookupIp(new entities.Ip({ Address: "103.199.215.204" }));
      assert.equal(col(ent, "Severity")[0], "warning");
      const df = pl.DataFrame({ IPAddress: ["148.251.12.164", "148.251.12.164", "1.2.3.4"], user: ["a", "b", "c"] });
      const left = await entities.Ip.ti.lookupIp(df, { column: "IPAddress", join: "left" });
      assert.deepEqual(col(left, "user"), ["a", "b", "c"]);
      assert.deepEqual(col(left, "Severity"), ["high", "high", "information"]);
      const inner = await entities.Ip.ti.lookupIp(df.filter(pl.col("user").eq(pl.lit("c"))), { column: "IPAddress", join: "inner" });
      assert.equal(inner.height, 1);
    });

    it("lookupDns, lookupUrl and lookupFileHash find the lab feed's entries", async () => {
      assert.equal(col(await entities.Dns.ti.lookupDns("wh401k.org"), "Severity")[0], "high");
      assert.equal(col(await entities.Url.ti.lookupUrl(new entities.Url({ Url: "http://wh401k.org/getps" })), "Severity")[0], "high");
      assert.equal(col(await entities.File.ti.lookupFileHash("44d88612fea8a8f36de82e1278abb02f"), "Result")[0], true);
    });
  });

  describe("queries", () => {
    it("attaches queries whose parameter maps to the entity", () => {
      const hostQueries = pivot.listPivots("Host").filter((p) => p.includes(".LocalData."));
      assert.ok(hostQueries.includes("entities.Host.LocalData.WindowsSecurity.list_host_logons"));
      assert.ok(pivot.listPivots("Account").includes("entities.Account.LocalData.Azure.list_aad_signins_for_account"));
      assert.ok(pivot.listPivots("Ip").includes("entities.Ip.LocalData.Network.list_azure_network_flows_by_ip"));
      // get_network_summary has no entity parameter: no pivot anywhere
      assert.ok(!pivot.listPivots().some((p) => p.endsWith("get_network_summary")));
    });

    it("host → logons: value, entity, array, DataFrame; start/end pass through", async () => {
      const direct = await qp.execQuery("WindowsSecurity.list_host_logons", { host_name: "MSTICAlertsWin1" });
      const one = await entities.Host.LocalData.WindowsSecurity.list_host_logons("MSTICAlertsWin1");
      assert.equal(one.height, direct.height);
      assert.equal(one.columns[0], "HostName");
      assert.deepEqual(one.columns.slice(1), direct.columns);
      const ent = await entities.Host.LocalData.WindowsSecurity.list_host_logons(new entities.Host({ HostName: "msticalertswin1" }));
      assert.equal(ent.height, direct.height);
      const timed = await entities.Host.LocalData.WindowsSecurity.list_host_logons("MSTICAlertsWin1", { start: "2019-02-13T00:00:00Z", end: "2019-02-14T00:00:00Z" });
      const timedDirect = await qp.execQuery("WindowsSecurity.list_host_logons", { host_name: "MSTICAlertsWin1", start: "2019-02-13T00:00:00Z", end: "2019-02-14T00:00:00Z" });
      assert.equal(timed.height, timedDirect.height);
      assert.ok(timed.height > 0 && timed.height < direct.height);
      const arr = await entities.Host.LocalData.WindowsSecurity.list_host_logons(["MSTICAlertsWin1", "NoSuchHost"]);
      assert.equal(arr.height, direct.height);
      const hosts = pl.DataFrame({ Computer: ["MSTICAlertsWin1", "NoSuchHost"], owner: ["it", "nobody"] });
      const left = await entities.Host.LocalData.WindowsSecurity.list_host_logons(hosts, { column: "Computer", join: "left" });
      assert.equal(left.height, direct.height + 1, "the host without logons keeps one row");
      const inner = await entities.Host.LocalData.WindowsSecurity.list_host_logons(hosts, { column: "Computer", join: "inner" });
      assert.equal(inner.height, direct.height);
    });

    it("many values to an `in` parameter run as one query; others run one per value", async () => {
      spy.calls.length = 0;
      const ips = ["40.77.232.95", "13.65.107.32", "203.0.113.99"];
      const ns = pivot.namespace("Ip", "Fixture");
      const flows = await ns.Network.flows_by_remote_ip(ips);
      assert.equal(spy.calls.length, 1);
      assert.deepEqual(spy.calls[0][1]?.remote_ips, ips);
      const byIp = new Map<string, number>();
      for (const a of col(flows, "Address") as string[]) byIp.set(a, (byIp.get(a) ?? 0) + 1);
      const counts = await Promise.all(ips.map(async (ip) => (await qp.execQuery("Network.list_azure_network_flows_by_ip", {})).filter(pl.col("AllExtIPs").eq(pl.lit(ip))).height));
      assert.deepEqual(ips.map((ip) => byIp.get(ip) ?? 0), counts);
      assert.deepEqual(col(flows, "Address"), col(flows, "AllExtIPs"), "each row's input is the address it matched");

      spy.calls.length = 0;
      const hostNs = pivot.namespace("Host", "Fixture");
      await hostNs.Network.flows_by_remote_ip(["msticalertswin1", "other", "third"], { concurrency: 2 });
      assert.equal(spy.calls.length, 3);
    });

    it("time parameters and other query parameters reach the query", async () => {
      spy.calls.length = 0;
      const ns = pivot.namespace("Ip", "Fixture");
      await ns.Network.flows_by_remote_ip("40.77.232.95", { vm_name: "msticalertswin1", join: undefined });
      assert.deepEqual(spy.calls[0][1], { vm_name: "msticalertswin1", remote_ips: ["40.77.232.95"] });
    });
  });

  describe("errors and help", () => {
    it("name the function, the option, the column", async () => {
      await assert.rejects(() => entities.Ip.util.ipType(pl.DataFrame({ a: ["x"] }), { column: "ip" }), (e: PivotError) => e.code === "pivot/column-missing" && /"ip"/.test(e.message) && /entities\.Ip\.util\.ipType/.test(e.message));
      await assert.rejects(() => entities.Ip.util.ipType(pl.DataFrame({ a: ["x"] })), { code: "pivot/column-missing" });
      await assert.rejects(() => entities.Ip.util.ipType("1.1.1.1", { join: "left" }), { code: "pivot/bad-option" });
      await assert.rejects(() => entities.Ip.util.ipType(pl.DataFrame({ a: ["x"] }), { column: "a", join: "sideways" as "left" }), { code: "pivot/bad-option" });
      await assert.rejects(() => entities.Ip.util.ipType({ Address: "1.1.1.1" } as unknown as string), { code: "pivot/bad-input" });
      await assert.rejects(() => entities.Ip.util.ipType(new entities.Ip({})), (e: PivotError) => e.code === "pivot/entity-value" && /Address/.test(e.message));
      await assert.rejects(() => entities.Host.LocalData.WindowsSecurity.list_host_logons("x", { concurrency: 0 }), { code: "pivot/bad-option" });
      await assert.rejects(() => entities.Host.LocalData.WindowsSecurity.list_host_logons("x", { no_such_param: 1 }), { code: "data/unknown-parameter" });
      // A util or TI function's misspelt option was dropped: the pivot ran without the join, or with the default scope.
      await assert.rejects(() => entities.Ip.util.ipType(pl.DataFrame({ Src: ["1.1.1.1"] }), { column: "Src", joni: "left" } as never), { code: "pivot/bad-option", message: /^entities\.Ip\.util\.ipType: unknown option joni \(did you mean join\?\)/ });
      await assert.rejects(() => entities.Dns.util.dnsResolve("x.invalid", { rdType: "MX" } as never), { code: "pivot/bad-option", message: /unknown option rdType \(did you mean rdtype\?\)/ });
      // start and end are every pivot's options (a chain may give them to all its steps): a util pivot ignores them (review).
      assert.equal((await entities.Ip.util.ipType("8.8.8.8", { start: "2024-01-01", end: "2024-01-02" })).height, 1);
      assert.throws(() => entities.Ip.util.ipTyp, (e: PivotError) => e.code === "pivot/unknown-function" && /ipType/.test(e.message));
      assert.throws(() => entities.Host.LocalData.WindowsSecurit, (e: PivotError) => e.code === "pivot/unknown-function" && /WindowsSecurity/.test(e.message));
      assert.throws(() => new Pivot({ providers: [{} as QueryProviderMethods] }), { code: "pivot/bad-provider" });
    });

    it("mapping files extend the table; a bad one names the file and entry", () => {
      assert.ok(pivot.listPivots("Host").includes("entities.Host.Fixture.Network.flows_by_remote_ip"));
      const plain = new Pivot({ providers: [spy.provider] });
      assert.deepEqual(plain.listPivots().filter((p) => p.includes("flows_by_remote_ip")), [], "remote_ips and vm_name are mapped only in the extra file");
      assert.throws(() => new Pivot({ mappingsPaths: [path.join(FIXTURES, "bad_mappings.yaml")] }), (e: PivotError) => e.code === "pivot/mappings" && /bad_mappings\.yaml/.test(e.message) && /Computer/.test(e.message));
      // back to the suite's pivots
      pivot.reload();
      assert.equal(typeof entities.Host.LocalData.WindowsSecurity.list_host_logons, "function");
    });

    it("help and info describe the function", () => {
      const help = entities.Host.LocalData.WindowsSecurity.list_host_logons.help();
      assert.match(help, /entities\.Host\.LocalData\.WindowsSecurity\.list_host_logons/);
      assert.match(help, /account_name/);
      assert.match(help, /start/);
      assert.equal(entities.Ip.util.geoLoc.info.inputColumn, "Address");
      assert.match(pivot.toText(), /Ip: util 3, ti 2, LocalData 3/);
    });
  });
});
