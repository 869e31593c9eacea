/**
 * Snapshots of the static entity and alert cards (`entity.toHtml()`,
 * `alert.toHtml()`: HTML views without scripts) from fixed entities with
 * hostile and invisible characters: golden files in test/entities/snapshots/,
 * as skeletons (test/helpers/viewSkeleton.ts: a line break before each block
 * tag; only the random element id is normalised).
 *
 * Accept an intended change with `UPDATE_SNAPSHOTS=1 npm test` (see test/README.md).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { GeoLocation, Host, Ip, SecurityAlert } from "../../src/entities";
import { assertSnapshot, normalizeHtmlViewIds, snapshotFile } from "../helpers/snapshot";
import { viewSkeleton } from "../helpers/viewSkeleton";

const XSS = "<script>alert(1)</script>";
const RLO_FILE = "invoice\u202Egpj.exe";

function snapshotCard(name: string, render: () => string): void {
  const first = viewSkeleton(render());
  assert.equal(normalizeHtmlViewIds(viewSkeleton(render())), normalizeHtmlViewIds(first), "rendering twice gives the same output");
  assert.ok(!first.includes("<script"), "a card has no script");
  assertSnapshot(first, snapshotFile(__dirname, `${name}.html`), { normalize: normalizeHtmlViewIds });
}

describe("entity and alert card snapshots", () => {
  test("host card: schema properties, additional data, a hostile and a bidi value", () => {
    const host = new Host({
      HostName: "web-01",
      DnsDomain: "contoso.com",
      OSFamily: "Windows",
      OSVersion: XSS,
      IsDomainJoined: true,
      AdditionalData: { LastFile: RLO_FILE, Tags: ["dmz", "<b>web</b>"] },
    });
    snapshotCard("entity-host", () => host.toHtml());
  });

  test("ip card: a nested location entity and a time", () => {
    const ip = new Ip({
      Address: "81.2.69.142",
      Location: new GeoLocation({ CountryCode: "GB", City: "London", Latitude: 51.5142, Longitude: -0.0931 }),
      TimeGenerated: new Date("2024-03-01T08:00:00Z"),
    });
    snapshotCard("entity-ip", () => ip.toHtml());
  });

  test("alert card: facts, extended properties, entity cards; hostile and bidi values", () => {
    const alert = new SecurityAlert({
      SystemAlertId: "a1b2c3d4-0000-4000-8000-000000000001",
      AlertDisplayName: `Suspicious PowerShell ${XSS}`,
      Severity: "High",
      TimeGenerated: new Date("2024-03-01T08:00:00Z"),
      StartTimeUtc: "2024-03-01T07:55:00.1234567Z",
      EndTimeUtc: "2024-03-01T07:56:00Z",
      Description: `PowerShell ran ${RLO_FILE} & more`,
      ProviderName: "MDATP",
      CompromisedEntity: "web-01",
      ExtendedProperties: JSON.stringify({ "Command line": `powershell -c "${XSS}"`, File: RLO_FILE }),
      Entities: JSON.stringify([
        { $id: "2", HostName: "web-01", DnsDomain: "contoso.com", Type: "host" },
        { $id: "3", Name: "alice", NTDomain: "CONTOSO", Host: { $ref: "2" }, Type: "account" },
        { $id: "4", Address: "203.0.113.5", Type: "ip" },
      ]),
    });
    snapshotCard("alert", () => alert.toHtml());
  });
});
