/**
 * What untyped cells (Deno's kernel, plain JavaScript) hand `new SecurityAlert`:
 * a query not awaited, a lazy frame, all the rows, JSON text, options of the
 * wrong kind, the row number as text. Each is refused, saying what to pass; it
 * made an alert of nothing (no name, no entities), drawn as a node `Alert: `.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it, test } from "node:test";
import pl from "nodejs-polars";
import { SecurityAlert, type AlertRow } from "../../src/entities/securityAlert";

const alerts = pl.readParquet(join(__dirname, "../../data/alerts_list.parquet"));
/** `new SecurityAlert` as an untyped cell calls it. */
const alertOf = (...args: unknown[]) => new SecurityAlert(...(args as [AlertRow]));

describe("new SecurityAlert takes an alerts DataFrame and a row, or one row", () => {
  it("as documented", () => {
    assert.equal(new SecurityAlert(alerts, 5).AlertDisplayName, "SSH Anomalous Login ML");
    assert.equal(new SecurityAlert(alerts.toRecords()[5]).AlertDisplayName, "SSH Anomalous Login ML");
    assert.ok(new SecurityAlert(alerts, 0).entities.length > 0);
    assert.equal(new SecurityAlert({}).AlertDisplayName, "", "a hand-made row without a name is still an alert");
  });

  it("anything else is refused, saying what was given and what to pass", () => {
    const expected = /^new SecurityAlert: expected an alerts DataFrame and the row to take \(new SecurityAlert\(alerts, 0\)\), or one alert row object \(alerts\.toRecords\(\)\[0\]\); got /;
    const cases: [string, unknown, RegExp][] = [
      ["a query not awaited", Promise.resolve(alerts), /got a Promise: .*put `await` before it\.$/],
      ["a LazyDataFrame", alerts.lazy(), /got a LazyDataFrame: collect it first/],
      ["a Series", alerts.getColumn("Entities"), /got a Series \(one column\)/],
      ["every row", alerts.toRecords(), /got an array of 41 items: pass one alert row of it \(rows\[0\]\), or the alerts DataFrame and the row number\.$/],
      ["JSON text", JSON.stringify(alerts.head(1).toRecords()), /got text holding JSON/],
      ["undefined", undefined, /got undefined/],
      ["a number", 5, /got a number \(5\)/],
    ];
    for (const [what, source, message] of cases) {
      assert.throws(() => alertOf(source), { name: "EntityParseError", code: "entities/alert-input", message: expected }, what);
      assert.throws(() => alertOf(source), { message }, what);
    }
  });

  it("a row number as text is named as text (it was 'row 5 is out of range')", () => {
    assert.throws(() => alertOf(alerts, "5"), { code: "entities/row-out-of-range", message: /^SecurityAlert: the row must be a whole number \(0 to 40: the DataFrame has 41 rows\), not "5" \(text\)$/ });
    assert.throws(() => alertOf(alerts, 1.5), { code: "entities/row-out-of-range", message: /not 1\.5$/ });
    assert.throws(() => alertOf(alerts, 41), { code: "entities/row-out-of-range", message: /row 41 is out of range \(the DataFrame has 41 rows\)/ });
  });

  it("options are checked by name and type (null failed reading 'position')", () => {
    assert.throws(() => alertOf(alerts, 0, null), { code: "entities/invalid-option", message: /^new SecurityAlert: its options \(the third argument\) must be an object such as \{ onParseError: "keep" \}, not null\.$/ });
    assert.throws(() => alertOf(alerts, 0, { onparseerror: "keep" }), { code: "entities/invalid-option", message: /unknown option onparseerror \(did you mean onParseError\?\); its options are onParseError, position\./ });
    assert.throws(() => alertOf(alerts, 0, { onParseError: "ignore" }), { code: "entities/invalid-option", message: /option onParseError must be "throw" or "keep", not "ignore"/ });
    assert.throws(() => alertOf({ SystemAlertId: "x" }, 0, { position: -1 }), { code: "entities/invalid-option", message: /option position must be a whole number/ });
    assert.equal(alertOf({ SystemAlertId: "x", Entities: "[{" }, 0, { onParseError: "keep" }).parseErrors.length, 1);
  });
});

test("a row number with a row object, or a position that is no row, is refused (the 5 of new SecurityAlert(row, 5) was dropped)", () => {
  const alerts = pl.DataFrame({ SystemAlertId: ["a1", "a2"], AlertDisplayName: ["one", "two"] });
  const row = alerts.toRecords()[1];
  assert.throws(() => new SecurityAlert(row, 5), { code: "entities/row-out-of-range", message: /a row number \(5\) goes with the alerts DataFrame it numbers, new SecurityAlert\(alerts, 5\)/ });
  assert.equal(new SecurityAlert(row).AlertDisplayName, "two");
  assert.equal(new SecurityAlert(row, 0, { position: 1 }).position, 1);
  for (const position of [Infinity, -1, 1.5]) {
    assert.throws(() => new SecurityAlert(row, 0, { position }), { code: "entities/invalid-option", message: /position must be a whole number of at least 0/ }, String(position));
  }
});

test("a frame that is no alerts (another query's rows) is refused, naming its columns (each row became a blank alert)", () => {
  const logons = pl.DataFrame({ TimeGenerated: [new Date("2026-01-01T00:00:00Z")], Account: ["CONTOSO\\bob"], LogonType: [3] });
  assert.throws(() => SecurityAlert.fromDataFrame(logons), { code: "entities/alert-input", message: /has none of an alert's columns \(SystemAlertId, .*Entities\).*Its columns: TimeGenerated, Account, LogonType\.$/ });
  // An empty result of any query is no alerts, not an error; one alert column is enough (Defender's AlertInfo: Title, AlertId).
  assert.deepEqual(SecurityAlert.fromDataFrame(logons.head(0)), []);
  assert.equal(SecurityAlert.fromDataFrame(pl.DataFrame({ Title: ["Suspicious PowerShell"], Timestamp: ["2026-01-01T00:00:00Z"] }), { warn: () => undefined })[0].AlertDisplayName, "Suspicious PowerShell");
});
