/**
 * Alert times in slash dates follow the readers' rule (common/slashDates.ts), not Date()'s silent month first:
 * day first where a day above 12 proves it, month first with a warning naming the field where nothing does.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import pl from "nodejs-polars";
import { SecurityAlert } from "../../src/entities/securityAlert";
import { parseEntityTime } from "../../src/entities/entity";
import { setWarningHandler } from "../../src/common/messages";
import { slashOrder } from "../../src/common/slashDates";

/** Runs `fn`, returning what it warned through the default handler. */
function warnings(fn: () => void): string[] {
  const seen: string[] = [];
  const previous = setWarningHandler((m) => seen.push(m));
  try {
    fn();
  } finally {
    setWarningHandler(previous);
  }
  return seen;
}

describe("slashOrder: the one slash-date rule", () => {
  it("day first only where a first field above 12 proves it; dayFirst honoured; ambiguous otherwise", () => {
    assert.deepEqual(slashOrder(13, 6), { dayFirst: true, ambiguous: false });
    assert.deepEqual(slashOrder(6, 13), { dayFirst: false, ambiguous: false });
    assert.deepEqual(slashOrder(5, 6), { dayFirst: false, ambiguous: true });
    assert.deepEqual(slashOrder(5, 6, { dayFirst: true }), { dayFirst: true, ambiguous: false });
    assert.equal(slashOrder(13, 13), undefined);
    assert.equal(slashOrder(5, 13, { dayFirst: true }), undefined);
  });
});

describe("a single alert's slash-date times", () => {
  it("reads 13/06/2026 day first (it was no time)", () => {
    const seen = warnings(() => {
      const alert = new SecurityAlert({ SystemAlertId: "a1", TimeGenerated: "13/06/2026 10:00:00" });
      assert.equal(alert.TimeGenerated?.toISOString(), "2026-06-13T10:00:00.000Z");
    });
    assert.deepEqual(seen, []);
  });

  it("reads 05/06/2026 month first and warns naming the field and the value (it was silent)", () => {
    let alert: SecurityAlert | undefined;
    const seen = warnings(() => {
      alert = new SecurityAlert({ SystemAlertId: "a2", StartTimeUtc: "05/06/2026 10:00:00" });
    });
    assert.equal(alert?.StartTimeUtc?.toISOString(), "2026-05-06T10:00:00.000Z");
    assert.equal(seen.length, 1);
    assert.match(seen[0], /alert a2: StartTimeUtc "05\/06\/2026 10:00:00" is a slash date/);
    assert.match(seen[0], /read month first/);
    assert.match(seen[0], /dayFirst: true/);
  });

  it("says nothing of a date that reads the same both ways, or of ISO times", () => {
    const seen = warnings(() => {
      const alert = new SecurityAlert({ SystemAlertId: "a3", TimeGenerated: "06/06/2026 10:00:00", EndTimeUtc: "2026-06-05T10:00:00Z" });
      assert.equal(alert.TimeGenerated?.toISOString(), "2026-06-06T10:00:00.000Z");
      assert.equal(alert.EndTimeUtc?.toISOString(), "2026-06-05T10:00:00.000Z");
    });
    assert.deepEqual(seen, []);
  });

  it("gives no time to a slash date no order reads", () => {
    assert.equal(parseEntityTime("13/13/2026"), undefined);
    assert.equal(parseEntityTime("31/02/2026"), undefined);
  });
});

describe("SecurityAlert.fromDataFrame decides each time column from all its values", () => {
  it("reads a whole column day first where one value proves it, without a warning", () => {
    const df = pl.DataFrame({ SystemAlertId: ["a", "b"], TimeGenerated: ["05/06/2026 10:00:00", "13/06/2026 11:00:00"] });
    const seen: string[] = [];
    const alerts = SecurityAlert.fromDataFrame(df, { warn: (m) => seen.push(m) });
    assert.deepEqual(alerts.map((a) => a.TimeGenerated?.toISOString()), ["2026-06-05T10:00:00.000Z", "2026-06-13T11:00:00.000Z"]);
    assert.deepEqual(seen, []);
  });

  it("reads a column month first where a second field proves it", () => {
    const df = pl.DataFrame({ SystemAlertId: ["a", "b"], StartTimeUtc: ["05/06/2026 10:00:00", "06/13/2026 11:00:00"] });
    const seen: string[] = [];
    const alerts = SecurityAlert.fromDataFrame(df, { warn: (m) => seen.push(m) });
    assert.deepEqual(alerts.map((a) => a.StartTimeUtc?.toISOString()), ["2026-05-06T10:00:00.000Z", "2026-06-13T11:00:00.000Z"]);
    assert.deepEqual(seen, []);
  });

  it("warns once per column read month first without proof, naming it", () => {
    const df = pl.DataFrame({ SystemAlertId: ["a", "b", "c"], TimeGenerated: ["05/06/2026 10:00:00", "04/03/2026 11:00:00", "01/02/2026 12:00:00"] });
    const seen: string[] = [];
    const global = warnings(() => {
      const alerts = SecurityAlert.fromDataFrame(df, { warn: (m) => seen.push(m) });
      assert.equal(alerts[0].TimeGenerated?.toISOString(), "2026-05-06T10:00:00.000Z");
    });
    assert.deepEqual(global, []);
    assert.equal(seen.length, 1);
    assert.match(seen[0], /^SecurityAlert\.fromDataFrame: column "TimeGenerated" holds slash dates/);
  });
});

describe("slash-date times inside an alert's entities", () => {
  const entities = (time: string) => JSON.stringify([{ $id: "1", Type: "process", ProcessId: "42", CommandLine: "x", CreationTimeUtc: time }]);

  it("reads an entity's 05/06/2026 month first and warns naming the alert, the property and the value (it was silent)", () => {
    let alert: SecurityAlert | undefined;
    const seen = warnings(() => {
      alert = new SecurityAlert({ SystemAlertId: "e1", Entities: entities("05/06/2026 10:00:00") });
    });
    assert.equal((alert!.entities[0] as unknown as { CreationTimeUtc: Date }).CreationTimeUtc.toISOString(), "2026-05-06T10:00:00.000Z");
    assert.equal(seen.length, 1, seen.join("\n"));
    assert.match(seen[0], /^alert e1: Entities: entity time "process\.CreationTimeUtc" "05\/06\/2026 10:00:00" is a slash date .* read month first/);
  });

  it("reads 13/06/2026 day first and 06/06/2026 (either order the same day) without a warning", () => {
    let alerts: SecurityAlert[] = [];
    const seen = warnings(() => {
      alerts = [new SecurityAlert({ SystemAlertId: "e2", Entities: entities("13/06/2026 10:00:00") }), new SecurityAlert({ SystemAlertId: "e3", Entities: entities("06/06/2026 10:00:00") })];
    });
    assert.deepEqual(alerts.map((a) => (a.entities[0] as unknown as { CreationTimeUtc: Date }).CreationTimeUtc.toISOString()), ["2026-06-13T10:00:00.000Z", "2026-06-06T10:00:00.000Z"]);
    assert.deepEqual(seen, []);
  });

  it("warns once per frame through fromDataFrame's warn, naming each property read so", () => {
    const ip = (time: string) => JSON.stringify([{ $id: "1", Type: "ip", Address: "10.0.0.1", TimeGenerated: time }]);
    const df = pl.DataFrame({ SystemAlertId: ["a", "b", "c"], Entities: [entities("05/06/2026 10:00:00"), entities("04/03/2026 10:00:00"), ip("01/02/2026 10:00:00")] });
    const seen: string[] = [];
    const global = warnings(() => SecurityAlert.fromDataFrame(df, { warn: (m) => seen.push(m) }));
    assert.deepEqual(global, []);
    assert.equal(seen.length, 1, seen.join("\n"));
    assert.match(seen[0], /^SecurityAlert\.fromDataFrame: Entities: entity time properties "process\.CreationTimeUtc", "ip\.TimeGenerated" hold slash dates/);
  });

  it("an AlertEvidence row's AdditionalFields time: the same warning", () => {
    const seen = warnings(() => {
      new SecurityAlert({ AlertId: "da1", Title: "t", EntityType: "Process", ProcessCommandLine: "x", AdditionalFields: JSON.stringify({ CreationTimeUtc: "05/06/2026 10:00:00", ProcessId: 4 }) });
    });
    assert.equal(seen.length, 1, seen.join("\n"));
    assert.match(seen[0], /Entities: entity time "process\.CreationTimeUtc" "05\/06\/2026 10:00:00" is a slash date/);
  });
});
