/** Logon schemas onto the lab's columns: SecurityEvent, WindowsEvent, SigninLogs, ECS authentication. */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import pl from "nodejs-polars";
import { readDataFile } from "../../../src/data/readers";
import { detectEventSchema, normalizeEvents } from "../../../src/data/schemas/index";
import { DataColumnError } from "../../../src/data/messages";

const FIX = path.join(__dirname, "..", "..", "fixtures", "schemas", "logon");
const read = (name: string) => readDataFile(path.join(FIX, name));
const col = (df: pl.DataFrame, name: string) => df.getColumn(name).toArray() as unknown[];
const ATTACKER = "45.137.22.48";

/** The columns the lab's logon cells read (timeline, clustering, session browser, TI lookups). */
const HOST_LOGON_COLUMNS = ["TimeGenerated", "Account", "TargetUserName", "SubjectUserName", "LogonType", "LogonProcessName", "IpAddress", "WorkstationName", "Computer", "EventID"];
const SIGNIN_COLUMNS = ["TimeGenerated", "UserPrincipalName", "IPAddress", "Latitude", "Longitude", "Location", "AppDisplayName", "ResultType"];

function assertHostLogonLayout(df: pl.DataFrame): void {
  for (const c of HOST_LOGON_COLUMNS) assert.ok(df.columns.includes(c), `missing ${c}`);
  assert.equal(df.getColumn("TimeGenerated").dtype.variant, "Datetime");
  assert.equal(df.getColumn("LogonType").dtype.variant, "Int64");
  assert.equal(df.getColumn("EventID").dtype.variant, "Int64");
  assert.equal(df.getColumn("LogonType").nullCount(), 0, "clustering needs a logon type on every row");
}

describe("normalizeEvents: logons", () => {
  it("leaves the lab's own logons and sign-ins unchanged", () => {
    for (const f of ["host_logons", "failed_logons", "aad_logons"]) {
      const df = pl.readParquet(path.join(__dirname, "..", "..", "..", "data", `${f}.parquet`));
      assert.equal(normalizeEvents(df, "logon"), df, f);
      assert.equal(detectEventSchema(df, "logon").id, "lab");
    }
  });

  it("SecurityEvent CSV without Account and with logon type names", () => {
    const raw = read("securityevent_logons.csv");
    assert.equal(raw.getColumn("LogonType").dtype.variant, "String");
    const df = normalizeEvents(raw, "logon", { source: "test" });
    assert.equal(detectEventSchema(raw, "logon").id, "securityevent");
    assertHostLogonLayout(df);
    // Names became numbers (RemoteInteractive → 10) in place; the column order is kept.
    assert.deepEqual(df.columns.slice(0, raw.columns.length), raw.columns);
    assert.ok(col(df, "LogonType").includes(10));
    assert.ok(col(df, "Account").includes("NWLOG\\m.lindqvist"));
    const failures = df.filter(pl.col("EventID").eq(4625));
    assert.equal(failures.height, 5);
    assert.deepEqual([...new Set(col(failures, "IpAddress"))], [ATTACKER]);
  });

  it("WindowsEvent: EventData members become columns", () => {
    const raw = read("windowsevent_logons.ndjson");
    assert.equal(raw.getColumn("EventData").dtype.variant, "Struct");
    const df = normalizeEvents(raw, "logon");
    assertHostLogonLayout(df);
    assert.ok(col(df, "IpAddress").includes(ATTACKER));
    assert.ok(col(df, "TargetUserName").includes("r.tanaka"));
    assert.ok(df.columns.includes("EventData"), "original columns kept");
  });

  it("WindowsEvent with EventData as JSON text (a Log Analytics CSV export) is recognised too", () => {
    const rows = [
      { TimeGenerated: new Date("2024-03-01T10:00:00Z"), Computer: "DC1", EventID: 4624, EventData: '{"TargetUserName":"carol","TargetDomainName":"CORP","LogonType":"3","IpAddress":"192.0.2.7"}' },
      { TimeGenerated: new Date("2024-03-01T11:00:00Z"), Computer: "DC1", EventID: 4625, EventData: '{"TargetUserName":"dave","TargetDomainName":"-","LogonType":2,"IpAddress":"-"}' },
    ];
    const raw = pl.readRecords(rows);
    assert.equal(raw.getColumn("EventData").dtype.variant, "String");
    assert.equal(detectEventSchema(raw, "logon").id, "windowsevent");
    const df = normalizeEvents(raw, "logon");
    assertHostLogonLayout(df);
    assert.deepEqual(col(df, "Account"), ["CORP\\carol", "dave"]);
    assert.deepEqual(col(df, "LogonType"), [3, 2]);
    // Text that is not JSON, or JSON without the members, does not pass for WindowsEvent.
    const plain = raw.withColumns(pl.lit('{"Other":1}').alias("EventData"));
    assert.throws(() => normalizeEvents(plain, "logon"), (e: DataColumnError) => /Windows WindowsEvent/.test(e.message) && /EventData\.TargetUserName/.test(e.message));
  });

  it("ECS NDJSON mixing dotted and nested keys: each event's value, whichever way it is written", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "huntlab-ecs-mixed-"));
    const file = path.join(dir, "auth.ndjson");
    fs.writeFileSync(
      file,
      [
        '{"@timestamp":"2024-03-01T10:00:00Z","event":{"category":"authentication","outcome":"success","code":"4624"},"user":{"name":"henry"},"source":{"ip":"2001:db8::9"},"host":{"hostname":"srv1"}}',
        '{"@timestamp":"2024-03-01T10:01:00Z","event.category":"authentication","event.outcome":"failure","user.name":"root","source.ip":"203.0.113.4","host.hostname":"lin1"}',
      ].join("\n") + "\n",
    );
    const raw = readDataFile(file);
    assert.ok(raw.columns.includes("user") && raw.columns.includes("user.name"), "both key styles are columns");
    const df = normalizeEvents(raw, "logon");
    assert.deepEqual(col(df, "TargetUserName"), ["henry", "root"]);
    assert.deepEqual(col(df, "IpAddress"), ["2001:db8::9", "203.0.113.4"]);
    assert.deepEqual(col(df, "EventID"), [4624, 4625]);
  });

  it("SigninLogs, JSON (nested) and CSV (JSON text): location and both lab layouts", () => {
    for (const name of ["signinlogs.json", "signinlogs.csv"]) {
      const raw = read(name);
      assert.equal(detectEventSchema(raw, "logon").id, "signinlogs", name);
      const df = normalizeEvents(raw, "logon", { source: name });
      assertHostLogonLayout(df);
      for (const c of SIGNIN_COLUMNS) assert.ok(df.columns.includes(c), `${name}: ${c}`);
      const attacker = df.filter(pl.col("IPAddress").eq(pl.lit(ATTACKER)));
      assert.equal(attacker.height, 5, name);
      assert.deepEqual(col(attacker, "Latitude")[0], 52.3676);
      assert.deepEqual(col(attacker, "Longitude")[0], 4.9041);
      assert.deepEqual(col(attacker, "EventID"), [4625, 4625, 4625, 4625, 4624]);
      assert.deepEqual(col(attacker, "TargetUserName").slice(0, 2), ["m.lindqvist", "j.okafor"]);
      assert.deepEqual(col(attacker, "Computer")[0], "Azure Portal");
      // Interactive sign-ins are type 2, the others 3.
      assert.deepEqual([...new Set(col(df, "LogonType"))].sort(), [2, 3]);
      assert.equal(df.getColumn("Latitude").nullCount(), 0);
    }
  });

  it("ECS (Winlogbeat): logon type, event code and the Windows fields", () => {
    const raw = read("ecs_winlogbeat_logons.ndjson");
    const df = normalizeEvents(raw, "logon");
    assert.equal(detectEventSchema(raw, "logon").id, "ecs-authentication");
    assertHostLogonLayout(df);
    const spray = df.filter(pl.col("IpAddress").eq(pl.lit(ATTACKER)));
    assert.deepEqual(col(spray, "EventID"), [4625, 4625, 4625, 4625, 4625, 4624]);
    assert.deepEqual([...new Set(col(spray, "LogonType"))], [10]);
    assert.deepEqual(col(spray, "Computer")[0], "nwl-fs01.nwlog.local");
    assert.deepEqual(col(spray, "SubjectUserName")[0], "NWL-FS01$");
    assert.ok(df.columns.includes("winlog"), "original columns kept");
  });

  it("ECS (Azure sign-ins, dotted keys): the sign-in layout with geo and Azure AD result codes", () => {
    const df = normalizeEvents(read("ecs_azure_signins.ndjson"), "logon");
    for (const c of SIGNIN_COLUMNS) assert.ok(df.columns.includes(c), c);
    assert.equal(df.getColumn("ResultType").dtype.variant, "Int64");
    const attacker = df.filter(pl.col("IPAddress").eq(pl.lit(ATTACKER)));
    assert.deepEqual(col(attacker, "ResultType"), [50126, 50126, 50126, 50126, 0]);
    assert.deepEqual(col(attacker, "Location")[0], "NL");
    assert.deepEqual(col(attacker, "UserPrincipalName")[0], "m.lindqvist@northwind-logistics.example");
    assert.deepEqual(col(attacker, "Account")[0], "m.lindqvist@northwind-logistics.example", "a cloud account is its UPN");
    assert.deepEqual(col(attacker, "AppDisplayName")[0], "Azure Portal");
  });

  it("ECS (sshd): no logon type → Network (3); outcome → 4624/4625", () => {
    const df = normalizeEvents(read("ecs_sshd_auth.ndjson"), "logon");
    assertHostLogonLayout(df);
    assert.deepEqual([...new Set(col(df, "LogonType"))], [3]);
    assert.deepEqual([...new Set(col(df, "Computer"))], ["edge-gw-3"]);
    assert.deepEqual([...new Set(col(df, "LogonProcessName"))], ["sshd"]);
    assert.equal(df.filter(pl.col("EventID").eq(4625)).height, 6);
  });

  it("no known schema: names the source, the closest schema, its missing columns and close names", () => {
    const df = pl.DataFrame({ "@timestamp": ["2026-10-05T08:00:00Z"], user_name: ["bob"], outcome: ["success"] });
    assert.throws(
      () => normalizeEvents(df, "logon", { source: "WindowsSecurity.list_host_logons (host_logons.csv)" }),
      (err: unknown) => {
        assert.ok(err instanceof DataColumnError);
        assert.equal(err.code, "data/event-schema-unknown");
        assert.match(err.message, /^WindowsSecurity\.list_host_logons \(host_logons\.csv\): /);
        assert.match(err.message, /Closest: Elastic ECS authentication/);
        assert.match(err.message, /"user\.name" \(close: "user_name"\)/);
        assert.match(err.message, /"event\.outcome" \(close: "outcome"\)/);
        return true;
      },
    );
  });

  it("Entra ID sign-ins as Microsoft Graph / the Entra portal's JSON download write them (camelCase, nested status)", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "huntlab-graph-"));
    try {
      const file = path.join(dir, "aad_logons.json");
      const record = (upn: string, ip: string, code: number, interactive: boolean, loc: object | null) => ({
        id: "66ea54eb",
        createdDateTime: "2024-03-01T10:00:00Z",
        userPrincipalName: upn,
        appDisplayName: "Azure Portal",
        ipAddress: ip,
        clientAppUsed: "Browser",
        isInteractive: interactive,
        status: { errorCode: code, failureReason: code ? "Invalid username or password" : "Other." },
        deviceDetail: { deviceId: "", displayName: "", operatingSystem: "Windows 10", browser: "Edge" },
        location: loc,
      });
      const rows = [
        record("alice@contoso.com", ATTACKER, 50126, true, { city: "Redmond", countryOrRegion: "US", geoCoordinates: { altitude: null, latitude: 47.68, longitude: -122.12 } }),
        record("bob@contoso.com", "198.51.100.7", 0, false, null),
      ];
      fs.writeFileSync(file, JSON.stringify(rows));
      const raw = readDataFile(file);
      assert.equal(detectEventSchema(raw, "logon").id, "graph-signins");
      const out = normalizeEvents(raw, "logon");
      assertHostLogonLayout(out);
      for (const c of SIGNIN_COLUMNS) assert.ok(out.columns.includes(c), `missing ${c}`);
      assert.deepEqual(col(out, "ResultType"), [50126, 0]);
      assert.deepEqual(col(out, "EventID"), [4625, 4624]);
      assert.deepEqual(col(out, "IPAddress"), [ATTACKER, "198.51.100.7"]);
      assert.deepEqual(col(out, "Latitude"), [47.68, null]);
      assert.deepEqual(col(out, "Location"), ["US", null]);
      assert.deepEqual(col(out, "LogonType"), [2, 3]);
      assert.deepEqual(col(out, "TargetUserName"), ["alice", "bob"]);
      assert.deepEqual(col(out, "WorkstationName"), ["Windows 10", "Windows 10"]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("Entra ID sign-ins as the Entra portal's CSV download writes them (Date (UTC), Username, IP address, Sign-in error code…)", () => {
    const raw = read("entra_portal_signins.csv");
    assert.equal(detectEventSchema(raw, "logon").id, "entra-portal-csv");
    const out = normalizeEvents(raw, "logon");
    assertHostLogonLayout(out);
    assert.deepEqual(col(out, "UserPrincipalName").slice(0, 2), ["r.tanaka@northwind-logistics.example", "m.lindqvist@northwind-logistics.example"]);
    assert.deepEqual(col(out, "ResultType"), [0, 50126, 50126, 50053, 53003, 0]);
    assert.deepEqual(col(out, "EventID"), [4624, 4625, 4625, 4625, 4625, 4624]);
    assert.deepEqual(col(out, "IPAddress").slice(1, 4), [ATTACKER, ATTACKER, ATTACKER]);
    assert.deepEqual(col(out, "IpAddress"), col(out, "IPAddress"));
    assert.deepEqual(col(out, "TimeGenerated").map((t) => (t as Date).toISOString()).slice(0, 2), ["2026-10-05T07:36:25.000Z", "2026-10-05T09:12:04.000Z"]);
    assert.deepEqual(col(out, "AppDisplayName").slice(0, 2), ["Azure Portal", "OfficeHome"]);
    assert.deepEqual(col(out, "Computer").slice(0, 2), ["Azure Portal", "OfficeHome"]);
    assert.deepEqual(col(out, "LogonProcessName").slice(0, 2), ["Browser", "Other clients"]);
    assert.deepEqual(col(out, "TargetUserName").slice(0, 3), ["r.tanaka", "m.lindqvist", "harbor.ops"]);
    assert.deepEqual(col(out, "Account").slice(0, 1), ["r.tanaka@northwind-logistics.example"]);
    assert.deepEqual(col(out, "WorkstationName").slice(0, 2), ["Windows 10", null]);
    // No interactive flag in the CSV: the network type; no coordinates: no Latitude/Longitude.
    assert.deepEqual([...new Set(col(out, "LogonType"))], [3]);
    assert.ok(!out.columns.includes("Latitude") && !out.columns.includes("Longitude"));
    // The portal's own Location (City, State, CC) is kept as it is, commas and non-ASCII intact.
    assert.deepEqual(col(out, "Location").slice(4), ["Lagos, Lagos, NG", "Malmö, Skåne län, SE"]);
  });

  it("Log Analytics' CSV export: the time column named `TimeGenerated [UTC]` gives TimeGenerated", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "huntlab-la-"));
    try {
      const file = path.join(dir, "host_logons.csv");
      fs.writeFileSync(
        file,
        "TimeGenerated [UTC],Computer,EventID,TargetUserName,TargetDomainName,LogonType,IpAddress\n" +
          '"3/1/2024, 10:00:00.123 AM",dc01,4624,alice,CONTOSO,3,203.0.113.9\n' +
          '"3/1/2024, 1:05:00.000 PM",dc01,4625,bob,CONTOSO,10,-\n',
      );
      const out = normalizeEvents(readDataFile(file), "logon");
      assert.equal(out.getColumn("TimeGenerated").dtype.variant, "Datetime");
      assert.deepEqual(col(out, "Account"), ["CONTOSO\\alice", "CONTOSO\\bob"]);
      assert.deepEqual(col(out, "TimeGenerated").map((t) => (t as Date).toISOString()), ["2024-03-01T10:00:00.123Z", "2024-03-01T13:05:00.000Z"]);
      assert.ok(out.columns.includes("TimeGenerated [UTC]"), "the export's own column is kept");
      const signins = pl.DataFrame({ "TimeGenerated [UTC]": ["2024-03-01T10:00:00Z"], UserPrincipalName: ["a@x.example"], IPAddress: ["1.1.1.1"], ResultType: ["0"] });
      assert.equal(normalizeEvents(signins, "logon").getColumn("TimeGenerated").dtype.variant, "Datetime");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("one odd row does not fail the frame: unknown logon type names and bad JSON become null", () => {
    const df = pl.DataFrame({
      EventID: ["4624", "4625", "oops"],
      TargetUserName: ["a", "b", "c"],
      LogonType: ["Network", "Teleport", "10"],
    });
    const out = normalizeEvents(df, "logon");
    assert.deepEqual(col(out, "LogonType"), [3, null, 10]);
    assert.deepEqual(col(out, "EventID"), [4624, 4625, null]);
    const signins = pl.DataFrame({ UserPrincipalName: ["a@x.example", "b@x.example"], IPAddress: ["1.1.1.1", "8.8.8.8"], ResultType: [0, 1], LocationDetails: ['{"geoCoordinates":{"latitude":1.5}}', "{not json"] });
    assert.deepEqual(col(normalizeEvents(signins, "logon"), "Latitude"), [1.5, null]);
  });
});

describe("Okta System Log sign-ins", () => {
  it("an /api/v1/logs JSON export: sign-ins and SSO as logons and sign-ins, other events left out; ALLOW/DENY read as SUCCESS/FAILURE", () => {
    const raw = read("okta_system_log.json");
    assert.equal(raw.height, 7);
    assert.equal(detectEventSchema(raw, "logon").id, "okta-system-log");
    const df = normalizeEvents(raw, "logon");
    assertHostLogonLayout(df);
    assert.deepEqual(col(df, "uuid"), ["a1", "a2", "a5", "a6"], "the MFA step, the policy evaluation and the lifecycle event are no logons");
    assert.deepEqual(col(df, "EventID"), [4624, 4625, 4625, 4624]);
    assert.deepEqual(col(df, "ResultType"), [0, 50126, 50126, 0]);
    assert.deepEqual(col(df, "UserPrincipalName"), ["m.lindqvist@northwind-logistics.example", "m.lindqvist@northwind-logistics.example", "r.tanaka@northwind-logistics.example", "r.tanaka@northwind-logistics.example"]);
    assert.deepEqual(col(df, "TargetUserName"), ["m.lindqvist", "m.lindqvist", "r.tanaka", "r.tanaka"]);
    assert.deepEqual(col(df, "IPAddress"), ["10.20.4.50", ATTACKER, "2a01:4f8:c17:1a2b::7", "10.20.4.51"]);
    assert.deepEqual(col(df, "Latitude"), [59.33, 55.75, 50.48, 59.33]);
    assert.deepEqual(col(df, "Longitude"), [18.07, 37.62, 12.37, 18.07]);
    assert.deepEqual(col(df, "Location"), ["Sweden", "Russia", "Germany", "Sweden"]);
    assert.deepEqual(col(df, "LogonType"), [3, 3, 3, 3]);
    assert.deepEqual(col(df, "LogonProcessName"), ["OKTA_AUTHENTICATION_PROVIDER", "OKTA_AUTHENTICATION_PROVIDER", "OKTA_AUTHENTICATION_PROVIDER", "ACTIVE_DIRECTORY"]);
    assert.deepEqual(col(df, "Computer"), ["Okta", "Okta", "Okta", "Okta"]);
    assert.equal(df.getColumn("TimeGenerated").dtype.variant, "Datetime");
  });
});

describe("Defender XDR DeviceLogonEvents", () => {
  it("LogonSuccess/LogonFailed as 4624/4625, logon type names as numbers, the remote end as IpAddress; LogonAttempted left out; a row whose time is no time keeps its other columns", () => {
    const raw = read("mde_device_logon_events.csv");
    assert.equal(detectEventSchema(raw, "logon").id, "mde-device-logon");
    const warnings: string[] = [];
    const df = normalizeEvents(raw, "logon", { warn: (w) => warnings.push(w) });
    for (const c of HOST_LOGON_COLUMNS) assert.ok(df.columns.includes(c), c);
    assert.equal(df.height, 5, "the LogonAttempted row is left out");
    assert.deepEqual(col(df, "EventID"), [4625, 4625, 4624, 4624, 4624]);
    assert.deepEqual(col(df, "LogonType"), [3, 3, 10, 2, 7]);
    assert.deepEqual(col(df, "Account"), ["fabrikam\\svc-backup", "fabrikam\\administrator", "fabrikam\\j.okafor", "LOCAL SERVICE", "fabrikam\\j.okafor"]);
    assert.deepEqual(col(df, "IpAddress"), ["198.51.100.23", "198.51.100.23", "10.20.4.17", null, null]);
    assert.deepEqual(col(df, "WorkstationName"), ["198.51.100.23", "198.51.100.23", "JUMP-01", null, null]);
    assert.deepEqual(col(df, "LogonProcessName"), ["NTLM", "NTLM", "Negotiate", "services.exe", "Negotiate"]);
    assert.deepEqual([...new Set(col(df, "Computer"))], ["fin-wks-021.fabrikam.local"]);
    assert.equal(df.getColumn("TimeGenerated").dtype.variant, "Datetime");
    assert.equal(col(df, "TimeGenerated")[4], null, "the time that is no time is null; the row stays");
    // The lab's failed-logon cell: the spray's two failures from one address.
    const failures = df.filter(pl.col("EventID").eq(4625));
    assert.deepEqual(col(failures, "TargetUserName"), ["svc-backup", "administrator"]);
  });
});
