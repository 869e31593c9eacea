/**
 * Entities parsed from the lab's alerts (every alert, `$ref`s resolved), the
 * entity classes, DataFrame → Ip helper, and escaped HTML cards.
 * Expected counts come from walking the raw `Entities` JSON text with JSON.parse here,
 * independently of the parser.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { inspect } from "node:util";
import { describe, it } from "node:test";
import pl from "nodejs-polars";
import { LAB_DATA_DIR } from "../../src/common/paths";
import { readDataFile } from "../../src/data/readers";
import { JUPYTER_DISPLAY } from "../../src/display/protocol";
import { evidenceEntity } from "../../src/entities/alertEvidence";
import {
  Account,
  Alert,
  Entity,
  EntityParseError,
  File,
  FileHash,
  GeoLocation,
  Host,
  HostLogonSession,
  Ip,
  ipsFromDataFrame,
  Malware,
  parseEntities,
  Process,
  SecurityAlert,
  UnknownEntity,
} from "../../src/entities";
import { entities } from "../../src";
import { addRelatedAlerts, createAlertGraph } from "../../src/vis/alertGraph";
import { EntityGraph } from "../../src/vis/entityGraph";
import { GeoMap } from "../../src/vis/geoMap";

/** Objects carrying a `Type` in a raw Entities JSON (each entity is serialised once; later uses are `$ref`s). */
function rawTypes(json: string): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object") {
      if (typeof (v as { Type?: unknown }).Type === "string") out.push((v as { Type: string }).Type);
      Object.values(v).forEach(walk);
    }
  };
  walk(json ? JSON.parse(json) : []);
  return out;
}

describe("SecurityAlert on the lab's alerts_list", async () => {
  const df = await readDataFile(`${LAB_DATA_DIR}/alerts_list.parquet`);
  const alerts = SecurityAlert.fromDataFrame(df);
  const RAW = df.select("SystemAlertId", "Entities").toRecords() as { SystemAlertId: string; Entities: string }[];

  it("parses every alert: each serialised entity once, every $ref resolved", () => {
    assert.equal(alerts.length, 41);
    assert.equal(RAW.length, 41);
    const byId = new Map(RAW.map((r) => [r.SystemAlertId, r]));
    let total = 0;
    for (const alert of alerts) {
      const raw = byId.get(alert.SystemAlertId);
      assert.ok(raw, alert.SystemAlertId);
      const types = rawTypes(raw.Entities);
      const all = alert.allEntities();
      assert.deepEqual(all.map((e) => e.Type).sort(), [...types].sort(), alert.SystemAlertId);
      assert.ok(all.every((e) => e.Type !== "unresolved-reference" && !(e instanceof UnknownEntity)), alert.SystemAlertId);
      total += all.length;
    }
    // host 38, account 38, ip 34, process 14, alerts 10, file 9, host-logon-session 7 (Python walk of the NDJSON).
    assert.equal(total, 150);
  });

  it("resolves references to the same objects (the host shared by process, account and session)", () => {
    const alert = alerts.find((a) => a.AlertDisplayName === "Suspicious system process executed")!;
    assert.equal(alert.entities.length, 7);
    const [host, rundllFile, rundll, account, conhostFile, conhost, session] = alert.entities;
    assert.ok(host instanceof Host && rundll instanceof Process && conhost instanceof Process && account instanceof Account && session instanceof HostLogonSession);
    assert.ok(rundllFile instanceof File && conhostFile instanceof File);
    assert.equal(conhost.ImageFile, conhostFile);
    assert.equal(conhost.ParentProcess, rundll);
    assert.equal(conhost.Account, account);
    assert.equal(conhost.Host, host);
    assert.equal(account.Host, host);
    assert.equal(session.Host, host);
    assert.equal(rundll.ImageFile, rundllFile);
    assert.equal(conhost.nameStr, "conhost.exe[pid:0x119c]");
    assert.equal(conhost.ProcessFilePath, "c:\\windows\\fonts\\conhost.exe");
    assert.equal(account.qualifiedName, "MSTICAlertsWin1\\MSTICAdmin");
    assert.ok(conhost.CreationTimeUtc instanceof Date);
    assert.equal(conhost.CreationTimeUtc!.toISOString(), "2019-02-14T11:51:38.488Z");
    assert.equal(host.IsDomainJoined, false);
    assert.equal(alert.primaryHost, host);
    assert.equal(alert.primaryAccount, account);
    // The alerted process (its ExtendedProperties' process id, 0x119c), not the parent that started it, as MSTICPy picks it.
    assert.equal(alert.primaryProcess, conhost);
    assert.deepEqual(alert.entitiesOfType("process"), alert.entitiesOfType("Process"));
    assert.deepEqual(alert.entitiesOfType("hostlogonsession"), [session]);
    assert.deepEqual(alert.entitiesOfType("host-logon-session"), [session]);
    assert.equal(alert.osFamily, "Windows");
    assert.equal(alert.ExtendedProperties["process id"], "0x119c");
    assert.equal(alert.StartTimeUtc?.toISOString(), "2019-02-14T11:51:38.000Z");
  });

  it("keeps incidents' alert references (Sentinel's `alerts` type) with their ids", () => {
    const incident = alerts.find((a) => a.AlertDisplayName === "Security incident with shared process detected")!;
    const refs = incident.entities.filter((e): e is Alert => e instanceof Alert);
    assert.equal(refs.length, 5);
    assert.equal(refs[0].DisplayName, "Modified system binary discovered");
    assert.equal(refs[0].alertId, "2518523287189999999_6e644c01-6feb-436b-9c96-46a86c9c16aa");
    assert.equal(refs[0].Type, "alerts");
    assert.ok(refs[0].StartTimeUtc instanceof Date);
  });

  it("takes a row of a DataFrame or a record, and says when the row is out of range", () => {
    const a = new SecurityAlert(df, 0);
    const b = new SecurityAlert(df.toRecords()[0] as Record<string, unknown>);
    assert.equal(a.SystemAlertId, "f1ce87ca-8863-4a66-a0bd-a4d3776a7c64");
    assert.equal(a.SystemAlertId, b.SystemAlertId);
    assert.deepEqual(a.entities.map((e) => e.nameStr), ["23.97.60.214", "MSTICAlertsLxVM2", "dbadmin"]);
    assert.throws(() => new SecurityAlert(df, 41), { name: "EntityParseError", code: "entities/row-out-of-range", message: /row 41 .*41 rows/ });
  });

  it("integers past 2^53 in Entities and ExtendedProperties keep their digits, as text (JSON.parse rounded them)", () => {
    const alert = new SecurityAlert({
      SystemAlertId: "big",
      Entities: '[{"$id":"1","Type":"account","Name":"bob","LogonId":133713371337133713},{"$id":"2","Type":"process","ProcessId":9007199254740993,"CommandLine":"x"}]',
      ExtendedProperties: '{"FileTime":133485408000000001,"LogonId":18446744073709551615,"Count":7}',
    });
    const props = (e: Entity) => e as unknown as Record<string, unknown>;
    assert.equal(props(alert.entities.find((e) => e instanceof Account)!).LogonId, "133713371337133713");
    assert.equal(props(alert.entities.find((e) => e instanceof Process)!).ProcessId, "9007199254740993");
    assert.deepEqual(alert.ExtendedProperties, { FileTime: "133485408000000001", LogonId: "18446744073709551615", Count: 7 });
    assert.equal(props(parseEntities('[{"Type":"account","Name":"a","LogonId":18446744073709551615}]')[0]).LogonId, "18446744073709551615");
  });

  it("text forms cut long values (a 10 kB cell made a 10 kB line), escapes kept", () => {
    const long = "\u001b[31m" + "A".repeat(10_000);
    const alert = new SecurityAlert({ SystemAlertId: "x", AlertDisplayName: long, Entities: JSON.stringify([{ Type: "ip", Address: "1.2.3.4" }]) });
    const ip = new Ip({ Address: "1.2.3.4", AdditionalData: { User: long } } as never);
    for (const text of [alert.toText(), ip.toText(), inspect(alert)]) {
      assert.ok(text.split("\n").every((l) => l.length < 400), String(text.split("\n").map((l) => l.length)));
      assert.ok(!text.includes("\u001b"), "escaped");
    }
  });

  it("names the alert whose Entities or ExtendedProperties are not JSON", () => {
    assert.throws(
      () => new SecurityAlert({ SystemAlertId: "abc", Entities: "[{" }),
      (e: Error) => e instanceof EntityParseError && e.code === "entities/json-invalid" && /^alert abc: Entities: /.test(e.message),
    );
    assert.throws(() => new SecurityAlert({ SystemAlertId: "abc", ExtendedProperties: "{x" }), { code: "entities/json-invalid", message: /^alert abc: ExtendedProperties / });
  });

  it("displays as an escaped card", () => {
    const alert = new SecurityAlert({ SystemAlertId: "x", AlertDisplayName: "<script>alert(1)</script>", Entities: JSON.stringify([{ Type: "host", HostName: "<b>h</b>" }]) });
    const html = String(alert[JUPYTER_DISPLAY]()["text/html"]);
    assert.ok(!html.includes("<script>") && !html.includes("<b>h</b>"));
    assert.ok(html.includes("&lt;script&gt;alert(1)&lt;/script&gt;") && html.includes("&lt;b&gt;h&lt;/b&gt;"));
  });
});

describe("parseEntities", () => {
  it("keeps unknown types and their properties", () => {
    const [e] = parseEntities(JSON.stringify([{ $id: "1", Type: "mailbox", MailboxPrimaryAddress: "a@b.c", Nested: { Type: "ip", Address: "1.2.3.4" } }]));
    assert.ok(e instanceof UnknownEntity);
    assert.equal(e.Type, "mailbox");
    assert.equal(e.AdditionalData.MailboxPrimaryAddress, "a@b.c");
    assert.ok(e.AdditionalData.Nested instanceof Ip);
    assert.deepEqual(e.relations().map((r) => r.property), ["Nested"]);
  });

  it("keeps unknown properties of known types in AdditionalData", () => {
    const [ip] = parseEntities([{ Type: "ip", Address: "8.8.8.8", Count: 3, Weird: { a: 1 } }]);
    assert.ok(ip instanceof Ip);
    assert.deepEqual(ip.AdditionalData, { Count: 3, Weird: { a: 1 } });
  });

  it("marks a reference to a missing id", () => {
    const [p] = parseEntities([{ Type: "process", ProcessId: "1", Host: { $ref: "99" } }]);
    assert.ok(p instanceof Process);
    assert.ok(p.Host instanceof UnknownEntity);
    assert.equal((p.Host as Entity).Type, "unresolved-reference");
  });

  it("survives reference cycles", () => {
    const [a] = parseEntities([{ $id: "1", Type: "process", ProcessId: "1", ParentProcess: { $id: "2", Type: "process", ProcessId: "2", ParentProcess: { $ref: "1" } } }]);
    assert.ok(a instanceof Process && a.ParentProcess instanceof Process);
    assert.equal(a.ParentProcess.ParentProcess, a);
    assert.ok(JSON.stringify(a.toJSON()).length > 0);
  });

  it("treats empty input as no entities", () => {
    assert.deepEqual(parseEntities(""), []);
    assert.deepEqual(parseEntities(null), []);
  });

  it("skips Entities items that are no object (null, \"true\", 5, a list) and says each in ParseErrors: no `unknown` node, no link through equal scalars", () => {
    const skipped: string[] = [];
    assert.deepEqual(parseEntities('[{"Type":"host","HostName":"h"}, null, "true", 5, []]', "Entities", skipped).map((e) => e.key), ["host:h"]);
    assert.deepEqual(skipped.map((m) => m.replace(/,.*/, "")), ["Entities: item 1 is null", 'Entities: item 2 is the text "true"', "Entities: item 3 is 5", "Entities: item 4 is a list"]);
    const row = (id: string, entities: string) => ({ SystemAlertId: id, AlertDisplayName: id, Entities: entities });
    const a0 = new SecurityAlert(row("a0", '[{"$id":"2","HostName":"H0","Type":"host"}, null, "true"]'));
    assert.deepEqual(a0.entities.map((e) => e.key), ["host:h0"]);
    assert.equal(a0.parseErrors.length, 2);
    assert.match(a0.parseErrors[0], /^alert a0: Entities: item 1 is null, not an entity object: skipped/);
    const g = createAlertGraph(a0);
    assert.deepEqual(g.nodes.map((n) => n.id), ["alert:a0", "host:h0"]);
    assert.match(g.getNode("alert:a0")!.properties.ParseErrors, /item 2 is the text "true"/);
    const related = addRelatedAlerts([a0, new SecurityAlert(row("a1", '[null, {"HostName":"H1","Type":"host"}]')), new SecurityAlert(row("a2", '["true"]'))], g);
    assert.deepEqual(related.edges.filter((e) => e.relation === "related alert"), [], "equal scalars are no shared entity");
  });
});

describe("entity classes", () => {
  it("build as in the MSTICPy lab: Ip with a GeoLocation", () => {
    const ip = new entities.Ip({ Address: "24.13.212.221" });
    ip.Location = new entities.GeoLocation({ Longitude: -86.848312, Latitude: 42.997181 });
    assert.equal(ip.nameStr, "24.13.212.221");
    assert.equal(ip.Location.coordinates(), "42.9972, -86.8483");
    assert.deepEqual(ip.relations().map((r) => r.entity), [ip.Location]);
  });

  it("split a file's full path", () => {
    const f = new File({ FullPath: "C:\\Windows\\System32\\cmd.exe" });
    assert.equal(f.Name, "cmd.exe");
    assert.equal(f.Directory, "C:\\Windows\\System32");
    assert.equal(f.FullPath, "C:\\Windows\\System32\\cmd.exe");
    assert.equal(f.key, "file:c:\\windows\\system32\\cmd.exe");
  });

  it("from plain JavaScript: one text is the natural property of Ip, Host, Account, Url, Dns and File (it became AdditionalData 0, 1, … and no Address); anything else is an error naming the class", () => {
    const ip = new entities.Ip("8.8.8.8");
    assert.equal(ip.Address, "8.8.8.8");
    assert.deepEqual(ip.AdditionalData, {});
    assert.equal(ip.key, "ip:8.8.8.8");
    assert.equal(new Host("WKS7").HostName, "WKS7");
    assert.equal(new Account("bob").Name, "bob");
    assert.equal(new entities.Url("http://evil.com/x").Url, "http://evil.com/x");
    assert.equal(new entities.Dns("evil.com").DomainName, "evil.com");
    const file = new File("C:\\Windows\\cmd.exe");
    assert.deepEqual([file.Name, file.Directory, file.AdditionalData], ["cmd.exe", "C:\\Windows", {}]);
    // A GeoMap placed it (it skipped an Ip without Address, silently).
    const map = new GeoMap().addIpCluster([new Ip("131.107.147.209")]);
    assert.equal(map.skipped, 0);
    const refused: [() => unknown, RegExp][] = [
      [() => new Process("cmd.exe" as never), /^new entities\.Process: takes an object of its properties such as \{ ProcessId: …, CommandLine: …, ElevationToken: …, … \}, not the text "cmd\.exe"\.$/],
      [() => new Ip(null as never), /^new entities\.Ip: takes an object of its properties such as \{ Address: … \} \(or the Address as text\), not null\.$/],
      [() => new Ip(["8.8.8.8"] as never), /not an array of 1 value \(one entity is built from one object: list\.map\(\(v\) => new entities\.Ip\(v\)\)\)\.$/],
      // Text from data is revealed (a raw U+202E reversed the rest of the message); a query not awaited says so, as notAFrameText words it.
      [() => new Process("cmd\u202eexe.txt" as never), /not the text "cmd\\u202eexe\.txt"\.$/],
      [() => new Ip(Promise.resolve({ Address: "8.8.8.8" }) as never), /not a Promise: a query \(or another async call\) not awaited; put `await` before it\.$/],
      [() => new Ip(167772161 as never), /not a number \(167772161\)/],
      [() => new Host(pl.DataFrame({ HostName: ["x"] }) as never), /new entities\.Host: .*not a DataFrame/],
      // An object, but no properties: these made an entity of nothing.
      [() => new Host(pl.DataFrame({ HostName: ["x"] }).lazy() as never), /new entities\.Host: .*not a LazyDataFrame: collect it first/],
      [() => new Host(pl.Series("HostName", ["x"]) as never), /new entities\.Host: .*not a Series \(one column\)/],
      [() => new GeoLocation("Seattle" as never), /new entities\.GeoLocation: .*not the text "Seattle"/],
      [() => new File(null as never), /new entities\.File: .*\(or the FullPath as text\), not null/],
      [() => new Alert(null as never), /new entities\.Alert: .*not null/],
    ];
    for (const [build, message] of refused) assert.throws(build, { name: "EntityParseError", code: "entities/invalid-source", message });
  });

  it("a known property written in another case is that property (new Ip({ address }) was an Ip with no Address, the address in AdditionalData), in the constructor and in alert JSON alike", () => {
    const ip = new Ip({ address: "8.8.8.8" } as never);
    assert.equal(ip.Address, "8.8.8.8");
    assert.deepEqual(ip.AdditionalData, {});
    assert.equal(ip.key, "ip:8.8.8.8");
    const host = new Host({ hostname: "WKS7", NTDOMAIN: "CONTOSO" } as never);
    assert.deepEqual([host.HostName, host.NTDomain, host.AdditionalData], ["WKS7", "CONTOSO", {}]);
    // Both spellings: the schema's wins, the other is kept as data.
    const both = new Ip({ address: "1.1.1.1", Address: "8.8.8.8" } as never);
    assert.deepEqual([both.Address, both.AdditionalData], ["8.8.8.8", { address: "1.1.1.1" }]);
    // Names the schema does not know in any case are still AdditionalData.
    assert.deepEqual(new Ip({ Address: "8.8.8.8", Asn: 5 } as never).AdditionalData, { Asn: 5 });
    const [parsed] = parseEntities(JSON.stringify([{ Type: "process", processid: 4242, commandline: "cmd /c x", imagefile: { Type: "file", name: "cmd.exe" } }]));
    assert.ok(parsed instanceof Process);
    assert.deepEqual([parsed.ProcessId, parsed.CommandLine, parsed.ImageFile?.Name, parsed.AdditionalData], ["4242", "cmd /c x", "cmd.exe", {}]);
  });

  it("key hosts and accounts case-insensitively", () => {
    assert.equal(new Host({ HostName: "MSTICAlertsWin1" }).key, new Host({ HostName: "msticalertswin1.contoso.com" }).key);
    assert.equal(new Account({ Name: "MSTICAdmin", NTDomain: "X" }).key, new Account({ Name: "msticadmin", NTDomain: "x" }).key);
  });

  it("display as escaped HTML cards with a text form", () => {
    const host = new Host({ HostName: `<img src=x onerror=alert(1)>`, OSFamily: "Windows" });
    const bundle = host[JUPYTER_DISPLAY]();
    const html = String(bundle["text/html"]);
    assert.ok(!html.includes("<img"));
    assert.ok(html.includes("&lt;img src=x onerror=alert(1)&gt;"));
    assert.match(String(bundle["text/plain"]), /^host: <img/);
  });
});

describe("ipsFromDataFrame", async () => {
  const df = await readDataFile(`${LAB_DATA_DIR}/aad_logons.parquet`);

  it("gives one Ip per sign-in with its GeoLocation, in row order", () => {
    const ips = ipsFromDataFrame(df, { additionalColumns: ["UserPrincipalName"] });
    assert.equal(ips.length, df.height);
    assert.equal(ips.length, 86);
    const first = df.row(0);
    const cols = df.columns;
    assert.equal(ips[0].Address, first[cols.indexOf("IPAddress")]);
    assert.equal(ips[0].Location?.Latitude, first[cols.indexOf("Latitude")]);
    assert.equal(ips[0].Location?.Longitude, first[cols.indexOf("Longitude")]);
    assert.equal(ips[0].Location?.Source, "data");
    assert.equal(ips[0].AdditionalData.UserPrincipalName, first[cols.indexOf("UserPrincipalName")]);
    assert.ok(ips.every((ip) => ip.Location instanceof GeoLocation));
    // A column named __proto__ is data: kept as an own key (it was dropped), nothing polluted.
    const odd = ipsFromDataFrame(pl.DataFrame([pl.Series("IPAddress", ["1.2.3.4"]), pl.Series("__proto__", ["seen"]), pl.Series("constructor", ["kept"])]), { additionalColumns: ["__proto__", "constructor"] });
    assert.deepEqual(Object.keys(odd[0].AdditionalData), ["__proto__", "constructor"]);
    assert.equal(({} as Record<string, unknown>).seen, undefined);
  });

  it("leaves rows without valid coordinates without a location", () => {
    const ips = ipsFromDataFrame(pl.DataFrame({ IpAddress: ["1.1.1.1", "8.8.8.8"], Latitude: [1.5, null], Longitude: [2.5, 3] }));
    assert.equal(ips[0].Location?.Latitude, 1.5);
    assert.equal(ips[1].Location, undefined);
    // Coordinates as CSV text: decimal only, as GeoMap reads them ("0x10" was 16, a point plotted where no row said).
    const text = ipsFromDataFrame(pl.DataFrame({ IpAddress: ["1.1.1.1", "8.8.8.8", "9.9.9.9", "4.4.4.4"], Latitude: [" 47.6 ", "0x10", "0b1", "4.75e1"], Longitude: ["-122.3", "20", "5", "-1"] }));
    assert.deepEqual(text.map((ip) => ip.Location?.Latitude), [47.6, undefined, undefined, 47.5]);
  });

  it("names a missing column with suggestions", () => {
    assert.throws(() => ipsFromDataFrame(df, { ipColumn: "IPAdress" }), { code: "entities/column-missing", message: /ipColumn "IPAdress" .*Did you mean IPAddress/ });
    assert.throws(() => ipsFromDataFrame(pl.DataFrame({ x: [1] })), { code: "entities/column-missing", message: /IPAddress.*Columns: x$/ });
  });

  it("finds the address column of ECS, Zeek, Defender and other event schemas; two ends of a connection are refused naming both", () => {
    const addresses = (frame: pl.DataFrame, options = {}): (string | undefined)[] => ipsFromDataFrame(frame, options).map((ip) => ip.Address);
    // One end only: that column, flat (Kibana CSV, Zeek JSON) or nested (ECS NDJSON read by polars).
    assert.deepEqual(addresses(pl.DataFrame({ "@timestamp": ["t1", "t2"], "client.ip": ["203.0.113.7", "198.51.100.2"] })), ["203.0.113.7", "198.51.100.2"]);
    assert.deepEqual(addresses(pl.DataFrame({ "event.code": ["4624"], "source.ip": ["10.1.2.3"], "host.ip": ["10.9.9.9"] })), ["10.1.2.3"], "host.ip is the logging host beside an event's source");
    assert.deepEqual(addresses(pl.DataFrame({ "host.name": ["web1"], "host.ip": ["10.9.9.9"] })), ["10.9.9.9"], "host.ip alone");
    assert.deepEqual(addresses(pl.DataFrame([pl.Series("host", [{ name: "web1", ip: ["fe80::1", "10.9.9.9"] }, { name: "web2", ip: ["10.9.9.8"] }])])), ["fe80::1", "10.9.9.8"], "a list of the host's addresses: its first");
    const nested = pl.DataFrame([pl.Series("source", [{ ip: "192.0.2.10", port: 5 }, { ip: "192.0.2.11", port: 6 }])]);
    assert.deepEqual(addresses(nested), ["192.0.2.10", "192.0.2.11"], "ECS nested source.ip");
    assert.deepEqual(addresses(nested, { ipColumn: "source.ip" }), ["192.0.2.10", "192.0.2.11"], "named nested field");
    assert.deepEqual(addresses(pl.DataFrame({ Timestamp: ["t"], RemoteIP: ["8.8.8.8"], RemotePort: [53] })), ["8.8.8.8"]);
    assert.deepEqual(addresses(pl.DataFrame({ SrcIpAddr: ["192.0.2.1"], EventProduct: ["x"] })), ["192.0.2.1"], "ASIM");
    assert.deepEqual(addresses(pl.DataFrame({ "Remoteip": ["192.0.2.9"] })), ["192.0.2.9"], "in any case");
    // Both ends: which one is the user's choice.
    const both = (columns: Record<string, string[]>, names: RegExp): void =>
      assert.throws(() => ipsFromDataFrame(pl.DataFrame(columns)), { code: "entities/column-missing", message: names });
    both({ "source.ip": ["10.0.0.1"], "destination.ip": ["8.8.8.8"], "host.ip": ["10.0.0.1"] }, /2 IP address columns \(source\.ip, destination\.ip\), one for each end; pass ipColumn/);
    both({ ts: ["1"], "id.orig_h": ["10.0.0.1"], "id.resp_h": ["8.8.8.8"] }, /\(id\.orig_h, id\.resp_h\)/);
    both({ LocalIP: ["10.0.0.1"], RemoteIP: ["8.8.8.8"] }, /\(RemoteIP, LocalIP\)/);
    assert.deepEqual(addresses(pl.DataFrame({ "id.orig_h": ["10.0.0.1"], "id.resp_h": ["8.8.8.8"] }), { ipColumn: "id.resp_h" }), ["8.8.8.8"]);
    // A one-address name still comes first (a sign-in export with ECS copies), and nothing found lists every name looked for.
    assert.deepEqual(addresses(pl.DataFrame({ IPAddress: ["1.1.1.1"], "source.ip": ["2.2.2.2"], "destination.ip": ["3.3.3.3"] })), ["1.1.1.1"]);
    assert.throws(() => ipsFromDataFrame(pl.DataFrame({ x: ["1"] })), { message: /looked for IPAddress, .*source\.ip, .*id\.orig_h, .*RemoteIP, .*host\.ip\)/ });
  });

  it("reads an address inside JSON text columns of a CSV export (AdditionalFields, Entities, ECS source as JSON); bad cells give no address", () => {
    const addresses = (frame: pl.DataFrame, options = {}): (string | undefined)[] => ipsFromDataFrame(frame, options).map((ip) => ip.Address);
    // ECS exported to CSV with its objects as JSON text: found by default, as the struct column is.
    const ecs = pl.DataFrame({ "@timestamp": ["t1", "t2", "t3"], source: ['{"ip":"192.0.2.10","port":5}', '{"port":6}', '{"ip":"2001:db8::1"}'] });
    assert.deepEqual(addresses(ecs), ["192.0.2.10", undefined, "2001:db8::1"]);
    assert.deepEqual(addresses(ecs, { ipColumn: "source.ip" }), ["192.0.2.10", undefined, "2001:db8::1"]);
    // Sentinel CommonSecurityLog's AdditionalFields; a key holding dots; one bad row (not JSON, cut, too deep, too long) never fails the frame.
    const deep = "[".repeat(100) + "]".repeat(100);
    const long = JSON.stringify({ SourceIP: "9.9.9.9", pad: "x".repeat(1 << 20) });
    const extra = pl.DataFrame({ TimeGenerated: ["a", "b", "c", "d", "e", "f"], AdditionalFields: ['{"SourceIP":"203.0.113.5"}', "not json", '{"SourceIP":"203.0.', deep, long, '{"nested":{"SourceIP":"x"},"SourceIP":198}'] });
    assert.deepEqual(addresses(extra, { ipColumn: "AdditionalFields.SourceIP" }), ["203.0.113.5", undefined, undefined, undefined, undefined, "198"]);
    assert.deepEqual(addresses(pl.DataFrame({ Extra: ['{"source.ip":"10.0.0.7"}'] }), { ipColumn: "Extra.source.ip" }), ["10.0.0.7"]);
    // SecurityAlert's Entities: a list of entities, the first with an Address is the row's.
    const entities = JSON.stringify([{ $id: "2", HostName: "web1", Type: "host" }, { $id: "3", Address: "198.51.100.20", Type: "ip" }, { $id: "4", Address: "198.51.100.21", Type: "ip" }]);
    assert.deepEqual(addresses(pl.DataFrame({ AlertName: ["x", "y"], Entities: [entities, "[]"] }), { ipColumn: "Entities.Address" }), ["198.51.100.20", undefined]);
    // A field no row holds: named, with the keys the JSON rows have (it was "not a column").
    assert.throws(() => ipsFromDataFrame(extra, { ipColumn: "AdditionalFields.DestIP" }), {
      code: "entities/column-missing",
      message: 'ipsFromDataFrame: ipColumn "AdditionalFields.DestIP": column "AdditionalFields" holds JSON text, and no row has the field "DestIP" (keys in its first rows: SourceIP, nested)',
    });
  });
});

describe("alerts and entities from other exports", () => {
  it('"$ref": null is no reference (readers that give every object of a column the same fields)', () => {
    const [host, account] = parseEntities([
      { $id: "1", $ref: null, Type: "host", HostName: "h1", Name: null },
      { $id: "2", $ref: null, Type: "account", Name: "bob", Host: { $id: null, $ref: "1" } },
    ]);
    assert.ok(host instanceof Host && host.HostName === "h1", host.Type);
    assert.ok(account instanceof Account && account.Host === host);
  });

  it("Json.NET's preserved arrays (`{\"$id\": \"1\", \"$values\": [...]}`, as serialisers with every reference kept write a list) are the lists they hold", () => {
    const text = JSON.stringify({
      $id: "1",
      $values: [
        { $id: "2", Type: "host", HostName: "ws01" },
        { $id: "3", Type: "account", Name: "bob", NTDomain: "CONTOSO", Host: { $ref: "2" } },
        { $id: "4", Type: "file", Name: "x.exe", Directory: "C:\\t", FileHashes: { $id: "5", $values: [{ $id: "6", Type: "filehash", Algorithm: "SHA256", Value: "ab".repeat(32) }] } },
        { $id: "7", Type: "alerts", SystemAlertIds: { $id: "8", $values: ["a-1", "a-2"] } },
      ],
    });
    const skipped: string[] = [];
    const [host, account, file, alertRef, ...rest] = parseEntities(text, "Entities", skipped);
    assert.deepEqual(skipped, []);
    assert.ok(host instanceof Host && host.HostName === "ws01", host?.Type);
    assert.ok(account instanceof Account && account.Host === host, "a reference into the list resolves");
    assert.ok(file instanceof File && Array.isArray(file.FileHashes) && file.FileHashes[0] instanceof FileHash && file.FileHashes[0].Value === "ab".repeat(32), "a nested preserved list of entities");
    assert.equal(file.key, "file:c:\\t\\x.exe");
    assert.deepEqual((alertRef as Alert).SystemAlertIds, ["a-1", "a-2"], "a preserved list of text");
    assert.equal((alertRef as Alert).alertId, "a-1");
    // A reference to a list elsewhere in the document is that list.
    const withRef = JSON.stringify([{ $id: "1", Type: "file", Name: "a.exe", FileHashes: { $id: "2", $values: [{ $id: "3", Type: "filehash", Algorithm: "MD5", Value: "cd".repeat(16) }] } }, { $id: "4", Type: "file", Name: "b.exe", FileHashes: { $ref: "2" } }]);
    const [, b] = parseEntities(withRef) as File[];
    assert.ok(Array.isArray(b.FileHashes) && b.FileHashes[0] instanceof FileHash, "a $ref to a preserved list");
    // A list holding a reference to itself ends (it recursed until the stack overflowed).
    const looping = JSON.stringify([{ $id: "1", Type: "malware", Name: "Loop", Files: { $id: "2", $values: [{ $id: "3", Type: "file", Name: "l.exe" }, { $ref: "2" }] } }]);
    const [loop] = parseEntities(looping) as Malware[];
    assert.deepEqual(loop.Files?.map((f) => f.Name), ["l.exe"]);
    assert.ok(createAlertGraph(new SecurityAlert({ SystemAlertId: "v2", Entities: looping })).hasNode("file:l.exe"));
    // ...also where a property of one of its items (or a map inside one) refers to it: no item and no value (the
    // parser's internal marker was left there, and shown as "Symbol(self-reference)" by toText and the entity views).
    const backRef = JSON.stringify([{ $id: "1", Type: "malware", Name: "Back", Files: { $id: "2", $values: [{ $id: "3", Type: "file", Name: "m.exe", Owner: { $ref: "2" }, Meta: { List: { $ref: "2" }, Note: "n" } }] } }]);
    const [back] = parseEntities(backRef) as Malware[];
    const item = back.Files?.[0] as File;
    assert.deepEqual(back.Files?.map((f) => f.Name), ["m.exe"]);
    const values = (v: unknown): unknown[] => (v && typeof v === "object" ? Object.values(v).flatMap(values) : [v]);
    assert.ok(!values(item.AdditionalData).some((v) => typeof v === "symbol"), item.toText());
    assert.doesNotMatch(item.toText(), /Symbol/);
    assert.deepEqual(item.AdditionalData.Meta, { Note: "n" });
    assert.deepEqual(rest, []);
    // In a graph: the host and the account are nodes of their own, linked to the alert, not one `unknown` node.
    const g = createAlertGraph(new SecurityAlert({ SystemAlertId: "v1", AlertName: "values", Entities: text }));
    assert.ok(g.hasNode("host:ws01") && g.hasNode("account:contoso\\bob"), g.nodes.map((n) => n.id).join(", "));
    assert.ok(!g.nodes.some((n) => n.type === "unknown"), g.nodes.map((n) => n.id).join(", "));
  });

  it("a JSON file whose Entities are arrays (parsed, not text) keeps every entity", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hl-alerts-"));
    try {
      const file = path.join(dir, "alerts.json");
      fs.writeFileSync(file, JSON.stringify([
        { SystemAlertId: "s1", Entities: [{ $id: "1", Type: "host", HostName: "h1" }, { $id: "2", Type: "account", Name: "bob", Host: { $ref: "1" } }, { $ref: "1" }] },
        { SystemAlertId: "s2", Entities: [{ $id: "1", Type: "ip", Address: "1.2.3.4" }] },
      ]));
      const alerts = SecurityAlert.fromDataFrame(readDataFile(file));
      assert.deepEqual(alerts.map((a) => a.allEntities().map((e) => e.key)), [["host:h1", "account:bob"], ["ip:1.2.3.4"]]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a frame from pl.DataFrame(rows) whose Entities are lists of objects (polars makes them lists of nulls) says so and how to build it, not `unknown` nodes", () => {
    const df = pl.DataFrame([
      { SystemAlertId: "a0", AlertDisplayName: "A0", Entities: [{ $id: "2", HostName: "H0", Type: "host" }] },
      { SystemAlertId: "a1", AlertDisplayName: "A1", Entities: [{ $id: "2", HostName: "H1", Type: "host" }, { $id: "3", Name: "bob", Type: "account" }] },
    ]);
    const alert = new SecurityAlert(df, 1);
    assert.deepEqual(alert.entities, []);
    assert.equal(alert.parseErrors.length, 1);
    assert.match(alert.parseErrors[0], /^alert a1: Entities: a list of 2 values with no object in it, not JSON text: .*pl\.DataFrame\(rows\).*JSON\.stringify.*pl\.readJSON/);
    const graph = new EntityGraph(df).graph;
    assert.deepEqual(graph.nodes.map((n) => n.id), ["alert:a0", "alert:a1"]);
    assert.equal(graph.unreadableAlerts.length, 2);
    // Read as the file reader does (lists of structs), the same rows keep their entities.
    const read = pl.readJSON(Buffer.from(JSON.stringify([{ SystemAlertId: "a1", Entities: [{ $id: "2", HostName: "H1", Type: "host" }] }])));
    assert.deepEqual(new SecurityAlert(read, 0).parseErrors, []);
  });

  it("Defender XDR alert rows (AlertInfo, AlertEvidence): AlertId, Title and Timestamp name the alert", () => {
    const df = pl.DataFrame({
      Timestamp: ["2024-01-01T10:00:00Z", "2024-01-01T10:00:00Z", "2024-01-02T10:00:00Z"],
      AlertId: ["da1", "da1", "da2"],
      Title: ["Suspicious PowerShell", "Suspicious PowerShell", "Mimikatz"],
      EntityType: ["Machine", "Process", "User"],
    });
    const alerts = SecurityAlert.fromDataFrame(df);
    assert.deepEqual(alerts.map((a) => [a.id, a.AlertDisplayName, a.TimeGenerated?.toISOString()]), [
      ["da1", "Suspicious PowerShell", "2024-01-01T10:00:00.000Z"],
      ["da1", "Suspicious PowerShell", "2024-01-01T10:00:00.000Z"],
      ["da2", "Mimikatz", "2024-01-02T10:00:00.000Z"],
    ]);
  });

  it("Defender XDR AlertEvidence rows (a portal CSV export): one entity per row by EntityType, keyed like Sentinel's, tied to the alert by AlertId", () => {
    const df = readDataFile(path.join(__dirname, "fixtures", "AlertEvidence.csv"));
    const alerts = SecurityAlert.fromDataFrame(df);
    assert.equal(alerts.length, df.height);
    assert.ok(alerts.every((a) => a.entities.length === 1 && a.parseErrors.length === 0));
    assert.deepEqual(
      alerts.map((a) => [a.id, a.entities[0].constructor.name, a.entities[0].key]),
      [
        ["da638512496974888669_-1462871923", "Host", "host:ws-fin-07"],
        ["da638512496974888669_-1462871923", "Account", "account:contoso\\jdoe"],
        ["da638512496974888669_-1462871923", "Process", "process:ws-fin-07|7412|c:\\windows\\system32\\windowspowershell\\v1.0\\powershell.exe"],
        ["da638512496974888669_-1462871923", "Ip", "ip:185.225.73.18"],
        ["da638512496974888669_-1462871923", "Url", "url:http://185.225.73.18/a/stage2.ps1"],
        ["da638512496974888669_-1462871923", "File", "file:c:\\users\\jdoe\\appdata\\local\\temp\\stage2.ps1"],
        ["fa54bb6a2d-3c1e-4f7a-9b8c-0d1e2f3a4b5c", "UnknownEntity", "mailmessage:0e1d2c3b-4a59-6877-8695-a4b3c2d1e0f9"],
        ["fa54bb6a2d-3c1e-4f7a-9b8c-0d1e2f3a4b5c", "UnknownEntity", "mailbox:jdoe@contoso.com"],
        ["fa54bb6a2d-3c1e-4f7a-9b8c-0d1e2f3a4b5c", "Url", "url:https://contoso-billing.example.net/inv?id=88213"],
        ["da638512571029050000_1882736450", "UnknownEntity", "registry-value:hkey_current_user\\s-1-5-21-1004336348-1177238915-682003330-1107\\software\\microsoft\\windows\\currentversion\\run\\updater"],
        // The same device upper-cased in another alert: one host.
        ["da638512571029050000_1882736450", "Host", "host:ws-fin-07"],
        ["fa77c1d2e3-0a1b-4c2d-8e3f-9a0b1c2d3e4f", "UnknownEntity", alerts[11].entities[0].key],
      ],
    );
    const [host, account, proc, ip, , file] = alerts.map((a) => a.entities[0]) as [Host, Account, Process, Ip, unknown, File];
    // The FQDN is cut like Sentinel's host entities; AdditionalFields fill what the columns lack.
    assert.deepEqual([host.HostName, host.DnsDomain, host.OSFamily, host.AdditionalData.DeviceId, host.AdditionalData.EvidenceRole], ["ws-fin-07", "contoso.local", "Windows", "9f3c1a7be05d4c2f8a6e1b0d7c4e2f5a8b9c0d1e", "Impacted"]);
    assert.deepEqual([account.Name, account.NTDomain, account.UPNSuffix, account.Sid, account.AadUserId], ["jdoe", "contoso", "contoso.com", "S-1-5-21-1004336348-1177238915-682003330-1107", "5b7c2d1e-8f3a-4c6b-9e0d-2a1f3b4c5d6e"]);
    // FolderPath ending in the file name is the whole path; the pid and start time come from AdditionalFields.
    assert.deepEqual([proc.ProcessId, proc.ImageFile?.Directory, proc.ImageFile?.Sha256?.slice(0, 8), proc.Account?.Name, proc.Host?.HostName, proc.CreationTimeUtc?.toISOString()], ["7412", "C:\\Windows\\System32\\WindowsPowerShell\\v1.0", "de96a6e6", "jdoe", "ws-fin-07", "2024-05-14T09:20:58.551Z"]);
    assert.match(proc.CommandLine ?? "", /-enc SQBFAFgA/);
    assert.equal(ip.AdditionalData.EvidenceDirection, "Destination");
    // AdditionalFields that is not JSON is kept as written, and the row still gives its entity.
    assert.deepEqual([file.Name, file.Directory, file.AdditionalData.AdditionalFields], ["stage2.ps1", "C:\\Users\\jdoe\\AppData\\Local\\Temp", "{not json"]);
    // A type without a mapping keeps every evidence column that is set.
    const session = alerts[11].entities[0];
    assert.deepEqual([session.Type, session.AdditionalData.AccountUpn, session.AdditionalData.Application], ["CloudLogonSession", "jdoe@contoso.com", "Microsoft Exchange Online"]);
  });

  it("AlertEvidence AdditionalFields in another case (Defender's API writes camelCase) fill the entity's properties as the schema's spelling does", () => {
    const proc = evidenceEntity({
      EntityType: "Process",
      DeviceName: "ws-fin-07.contoso.local",
      ProcessCommandLine: "powershell.exe -nop",
      AdditionalFields: '{"processId":7412,"creationTimeUtc":"2024-05-14T09:20:58.551Z","commandLine":"ignored: the column wins","Type":"process"}',
    }) as Process;
    assert.deepEqual([proc.ProcessId, proc.CreationTimeUtc?.toISOString(), proc.CommandLine], ["7412", "2024-05-14T09:20:58.551Z", "powershell.exe -nop"]);
    assert.equal(proc.AdditionalData.processId, undefined, "a known property, not AdditionalData");
    const host = evidenceEntity({ EntityType: "Machine", DeviceName: "ws-fin-07", AdditionalFields: { osfamily: "Windows", OSVersion: "10.0", osVersion: "the schema's spelling wins", hostName: "not the column's" } }) as Host;
    assert.deepEqual([host.HostName, host.OSFamily, host.OSVersion], ["ws-fin-07", "Windows", "10.0"]);
  });

  it("alerts with no id, name or time stay apart (keyed by their row), and the user is told once which fields they lack", () => {
    // Identical rows too: two alerts of the same content at two rows are two alerts.
    const df = pl.DataFrame({ Severity: ["High", "Low", "Low", "Medium"], Entities: ['[{"Type":"ip","Address":"10.0.0.1"}]', "", "", '[{"Type":"ip","Address":"10.0.0.2"}]'] });
    const warnings: string[] = [];
    const alerts = SecurityAlert.fromDataFrame(df, { warn: (m) => warnings.push(m) });
    const ids = alerts.map((a) => a.id);
    // They were all "@": one node for every such alert.
    assert.equal(new Set(ids).size, 4);
    assert.deepEqual(alerts.map((a) => [a.position, a.identified]), [[0, false], [1, false], [2, false], [3, false]]);
    assert.match(ids[1], /^\(no id\) row 1 [0-9a-f]{12}$/);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /^4 of 4 alerts have no id \(SystemAlertId, VendorOriginalId, AlertId\), no name \(AlertDisplayName, DisplayName, AlertName, Title\) and no time \(StartTimeUtc, StartTime, TimeGenerated, Timestamp\): .* \(rows 0, 1, 2, 3\)$/);
    // The same row read again is the same alert (a graph and addRelatedAlerts over one frame).
    assert.deepEqual(SecurityAlert.fromDataFrame(df, { warn: () => {} }).map((a) => a.id), ids);
    assert.equal(new SecurityAlert(df, 2).id, ids[2]);
    // Alerts with a name or a time keep their keys, and no warning is given.
    const named = SecurityAlert.fromDataFrame(pl.DataFrame({ AlertDisplayName: ["A"], TimeGenerated: ["2024-01-01T00:00:00Z"] }), { warn: (m) => warnings.push(m) });
    assert.deepEqual([named[0].id, warnings.length], ["A@2024-01-01T00:00:00.000Z", 1]);
  });

  it("a loose alert row (no position) with no id, name or time is keyed by its values alone, whatever was keyed before", () => {
    const row = { Severity: "Low", Entities: '[{"Type":"ip","Address":"10.0.0.9"}]' };
    const first = new SecurityAlert({ ...row });
    // Reading other alerts' ids first changes nothing (a session counter numbered them in reading order).
    for (const other of [new SecurityAlert({ Severity: "High" }), new SecurityAlert({ Severity: "Medium" })]) void other.id;
    const second = new SecurityAlert({ ...row });
    assert.match(second.id, /^\(no id\) [0-9a-f]{12}$/);
    assert.equal(second.id, first.id, "identical loose rows share a key (nothing tells them apart): documented on SecurityAlert.id");
    assert.notEqual(new SecurityAlert({ Severity: "High" }).id, first.id, "other values, another key");
    assert.equal(new SecurityAlert({ ...row }, 0, { position: 4 }).id, `(no id) row 4 ${first.id.slice("(no id) ".length)}`, "a known row keeps it apart");
    // A hand-made row with a cycle is keyed too, the same each time.
    const cyclic: Record<string, unknown> = { Severity: "Low" };
    cyclic.self = cyclic;
    assert.equal(new SecurityAlert(cyclic).id, new SecurityAlert(cyclic).id);
    assert.match(new SecurityAlert(cyclic).id, /^\(no id\) [0-9a-f]{12}$/);
  });
});

describe("alerts as other exports write them (probed)", () => {
  it("a time without a zone is UTC whatever the machine's zone; epoch numbers and digit text by their size", () => {
    const tz = process.env.TZ;
    process.env.TZ = "America/New_York";
    try {
      for (const t of ["2024-01-02 03:04:05", "1/2/2024 3:04:05 AM", "2024-01-02T03:04:05.0004567"]) {
        assert.equal(new SecurityAlert({ AlertName: "a", StartTimeUtc: t }).StartTimeUtc?.toISOString(), "2024-01-02T03:04:05.000Z", t);
      }
      assert.equal(new SecurityAlert({ AlertName: "a", TimeGenerated: 1704164645 }).TimeGenerated?.toISOString(), "2024-01-02T03:04:05.000Z", "seconds were read as ms: 1970");
      assert.equal(new SecurityAlert({ AlertName: "a", TimeGenerated: "1704164645123" }).TimeGenerated?.toISOString(), "2024-01-02T03:04:05.123Z");
      assert.equal(new SecurityAlert({ AlertName: "a", StartTimeUtc: "2024-01-02T03:04:05+01:00" }).StartTimeUtc?.toISOString(), "2024-01-02T02:04:05.000Z");
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
  });

  it("a time that does not exist (Feb 30, Apr 31, 24:00, second 60) is no time, its text kept: Date() rolled it to the next month or day", () => {
    const row = { SystemAlertId: "a1", AlertName: "x", TimeGenerated: "2024-02-30T10:00:00Z", StartTimeUtc: "2016-12-31T23:59:60Z", EndTimeUtc: "2024-04-31 10:00:00", Entities: "[]" };
    for (const alert of [new SecurityAlert(row), SecurityAlert.fromDataFrame(pl.DataFrame([row]))[0]]) {
      assert.deepEqual([alert.TimeGenerated, alert.StartTimeUtc, alert.EndTimeUtc], [undefined, undefined, undefined]);
      assert.deepEqual([alert.row.TimeGenerated, alert.row.StartTimeUtc, alert.row.EndTimeUtc], [row.TimeGenerated, row.StartTimeUtc, row.EndTimeUtc]);
    }
    const bad = ["2024-02-30T10:00:00Z", "2023-02-29 10:00:00", "2024-04-31", "2/30/2024 10:00 AM", "2/30/24 10:00 AM", "2024-02-29T24:00:00Z", "2024-01-01T10:60:00Z", "2016-12-31T23:59:60Z", "Feb 30, 2024 10:00", "Fri, 30 Feb 2024 10:00:00 GMT", "2024/02/30"];
    for (const t of bad) assert.equal(entities.parseEntityTime(t), undefined, t);
    for (const [t, iso] of [["2024-02-29T23:59:59Z", "2024-02-29T23:59:59.000Z"], ["2/29/2024 11:59 PM", "2024-02-29T23:59:00.000Z"], ["Thu, 29 Feb 2024 10:00:00 GMT", "2024-02-29T10:00:00.000Z"], ["2000-02-29", "2000-02-29T00:00:00.000Z"]]) {
      assert.equal(entities.parseEntityTime(t)?.toISOString(), iso, t);
    }
    // An entity's time property that is no time keeps its text, as any unparsed time does.
    const [session] = parseEntities([{ Type: "host-logon-session", StartTimeUtc: "2024-02-30T10:00:00Z", EndTimeUtc: "2024-02-29T10:00:00Z" }]);
    assert.equal((session as HostLogonSession).StartTimeUtc as unknown, "2024-02-30T10:00:00Z");
    assert.equal((session as HostLogonSession).EndTimeUtc?.toISOString(), "2024-02-29T10:00:00.000Z");
  });

  it("entities in a $ref cycle hang off their alert; an $id nested 100 deep resolves", () => {
    const selfParent = JSON.stringify([{ $id: "1", Type: "process", ProcessId: "4", ImageFile: { $id: "2", Type: "file", Name: "a.exe", Directory: "c:\\x" }, ParentProcess: { $ref: "1" } }]);
    const graph = createAlertGraph(new SecurityAlert({ SystemAlertId: "a1", AlertName: "a", Entities: selfParent }));
    const edges = graph.edges.map((e) => `${e.source}>${e.target}`);
    assert.ok(edges.some((e) => e.startsWith("alert:a1>process:")), edges.join("\n"));
    // Only a cycle member hangs off the alert: the file a member refers to, listed first, is reached through it.
    const cycle = JSON.stringify([
      { $id: "1", Type: "file", Name: "evil.exe", Directory: "c:\\t" },
      { $id: "10", Type: "process", ProcessId: "10", ImageFile: { $ref: "1" }, ParentProcess: { $id: "20", Type: "process", ProcessId: "20", ParentProcess: { $ref: "10" } } },
    ]);
    const fromAlert = createAlertGraph(new SecurityAlert({ SystemAlertId: "a2", AlertName: "a", Entities: cycle })).edges.filter((e) => e.source === "alert:a2" || e.target === "alert:a2");
    assert.equal(fromAlert.length, 1, fromAlert.map((e) => e.id).join("\n"));
    assert.ok(!fromAlert[0].id.includes("file:"), fromAlert[0].id);
    // A chain of parents 100 deep, then a reference to the root by its $id: it resolved only to 64 levels.
    let chain: Record<string, unknown> = { $id: "deep", Type: "process", ProcessId: "1", ImageFile: { Type: "file", Name: "root.exe" } };
    for (let i = 0; i < 100; i++) chain = { Type: "process", ProcessId: String(i + 2), ImageFile: { Type: "file", Name: `p${i}.exe` }, ParentProcess: chain };
    const [deep] = parseEntities(JSON.stringify([chain, { Type: "process", ProcessId: "999", ImageFile: { Type: "file", Name: "child.exe" }, ParentProcess: { $ref: "deep" } }])).slice(-1) as Process[];
    assert.equal((deep.ParentProcess as Process | undefined)?.ProcessId, "1");
  });

  it("registry values are known by their key's path, not by their name alone; a registry key by Hive\\Key", () => {
    const alert = (id: string, service: string) =>
      new SecurityAlert({
        SystemAlertId: id,
        AlertName: id,
        Entities: JSON.stringify([
          { $id: "1", Type: "registry-key", Hive: "HKEY_LOCAL_MACHINE", Key: `SYSTEM\\CurrentControlSet\\Services\\${service}` },
          { $id: "2", Type: "registry-value", Key: { $ref: "1" }, Name: "Start", ValueType: "Dword", Value: "0x2" },
        ]),
      });
    const [key, value] = alert("r1", "Evil").entities;
    assert.equal(key.nameStr, "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\Evil");
    assert.equal(value.nameStr, "Start[Dword]:0x2");
    assert.notEqual(value.key, alert("r2", "Benign").entities[1].key, "Start under two services was one node");
    const related = addRelatedAlerts([alert("r2", "Benign")], createAlertGraph(alert("r1", "Evil")));
    assert.equal(related.getNode("alert:r2"), undefined);
  });

  it("addRelatedAlerts does not link alerts through a city their IPs share; ipsFromDataFrame checks its options", () => {
    const withIp = (id: string, ip: string) =>
      new SecurityAlert({ SystemAlertId: id, AlertName: id, Entities: JSON.stringify([{ $id: "1", Type: "ip", Address: ip, Location: { CountryCode: "US", State: "Washington", City: "Redmond" } }]) });
    const graph = addRelatedAlerts([withIp("b", "5.6.7.8")], createAlertGraph(withIp("a", "1.2.3.4")));
    assert.equal(graph.getNode("alert:b"), undefined, "linked through geolocation:redmond");
    assert.ok(addRelatedAlerts([withIp("b", "5.6.7.8")], createAlertGraph(withIp("a", "1.2.3.4")), { linkTypes: ["geolocation"] }).getNode("alert:b"));
    const df = pl.DataFrame({ IPAddress: ["1.2.3.4"], UserPrincipalName: ["a"] });
    assert.throws(() => ipsFromDataFrame(df, { ipcolumn: "IPAddress" } as never), (e: Error & { code?: string }) => e.code === "entities/invalid-option" && /did you mean ipColumn\?/.test(e.message));
    assert.throws(() => ipsFromDataFrame(df, { additionalColumns: "UserPrincipalName" as never }), /additionalColumns must be a list of column names/);
  });
});

describe("nested columns in alert and IP frames (structs in structs: toArray failed, StructOwned is not supported)", () => {
  const ndjson = [
    '{"TimeGenerated":"2024-01-01T10:00:00Z","AlertName":"Suspicious","SystemAlertId":"a1","Severity":"High","AdditionalFields":{"__proto__":{"x":1},"k":{"m":{"n":"deep"}}},"Entities":"[{\\"$id\\":\\"1\\",\\"Type\\":\\"host\\",\\"HostName\\":\\"h1\\"}]","EntitiesObj":[{"Props":{"a":{"b":1}},"Type":"ip"}],"IpAddress":"10.0.0.1"}',
    '{"TimeGenerated":"2024-01-01T11:00:00Z","AlertName":"Other","SystemAlertId":"a2","Severity":"Low","AdditionalFields":null,"Entities":"[]","EntitiesObj":[],"IpAddress":"10.0.0.2"}',
  ].join("\n");
  const df = pl.readJSON(Buffer.from(ndjson), { format: "lines" });

  it("new SecurityAlert(df, 0) and fromDataFrame read the row, nested fields kept", () => {
    const alert = new SecurityAlert(df, 0);
    assert.equal(alert.nameStr, "Alert: Suspicious");
    assert.deepEqual(alert.entities.map((e) => e.nameStr), ["h1"]);
    assert.equal(SecurityAlert.fromDataFrame(df).length, 2);
  });

  it("ipsFromDataFrame keeps a nested additional column, a field named __proto__ too", () => {
    const ips = ipsFromDataFrame(df, { ipColumn: "IpAddress", additionalColumns: ["AdditionalFields", "EntitiesObj"] });
    assert.equal(ips.length, 2);
    assert.equal(JSON.stringify(ips[0].AdditionalData.AdditionalFields), '{"__proto__":{"x":1},"k":{"m":{"n":"deep"}}}');
    assert.deepEqual(JSON.parse(JSON.stringify(ips[0].AdditionalData.EntitiesObj)), [{ Props: { a: { b: 1 } }, Type: "ip" }]);
  });
});

describe("cards cut long values (log data: a 100 kB host name was written whole, three times, into an alert's card)", () => {
  it("an alert's card and an entity's card hold each long value once, cut", () => {
    const huge = "h".repeat(100_000);
    const entities = JSON.stringify([
      { $id: "1", Type: "host", HostName: huge },
      { $id: "2", Type: "process", CommandLine: "c".repeat(100_000), Host: { $ref: "1" } },
    ]);
    const df = pl.DataFrame({
      SystemAlertId: ["a1"],
      AlertName: ["Big"],
      Description: ["d".repeat(50_000)],
      Entities: [entities],
      ExtendedProperties: [JSON.stringify({ ["k".repeat(5_000)]: "v".repeat(100_000) })],
    });
    const alert = new SecurityAlert(df, 0);
    const html = alert.toHtml();
    assert.ok(html.length < 40_000, `alert card of ${html.length} characters`);
    for (const c of ["h", "c", "v"]) assert.ok(!html.includes(c.repeat(1_001)), `a run of ${c} longer than the card's cut`);
    assert.ok(html.includes(`${"h".repeat(999)}…`), "the host name is there, cut");
    const host = alert.entities.find((e) => e.Type === "host");
    assert.ok(host);
    assert.ok(host.toHtml().length < 10_000);
  });
});
