/** Zone-less times from a SIEM are UTC, whatever the notebook machine's zone (run in a child under TZ=America/New_York). */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";
import { columnOf } from "../../../src/common/frames";
import { liveFrame } from "../../../src/data/live/results";

const VALUES = ["2024-01-01 10:00:00", "2024/01/01 10:00:00", "2024-01-01T10:00:00", "2024-01-01T10:00", "2024-01-01T10:00:00.123", "2024-01-01T05:00:00-05:00", "2024-01-01T10:00:00Z", "Mon, 01 Jan 2024 10:00:00 GMT", 1704103200000, "not a time", null];
const EXPECTED = ["2024-01-01T10:00:00.000Z", "2024-01-01T10:00:00.000Z", "2024-01-01T10:00:00.000Z", "2024-01-01T10:00:00.000Z", "2024-01-01T10:00:00.123Z", "2024-01-01T10:00:00.000Z", "2024-01-01T10:00:00.000Z", "2024-01-01T10:00:00.000Z", "2024-01-01T10:00:00.000Z", null, null];

function times(): (string | null)[] {
  const df = liveFrame({ columns: [{ name: "TimeGenerated", type: "datetime" }], rows: VALUES.map((v) => [v]) });
  return (columnOf(df, "TimeGenerated").toArray() as unknown as (Date | null)[]).map((d) => d?.toISOString() ?? null);
}

if (process.env.HUNTLAB_TZ_CHILD) {
  // The child: print what it read, for the parent to check.
  console.log(JSON.stringify({ offset: new Date(2024, 0, 1, 10).getTimezoneOffset(), times: times() }));
} else {
  describe("liveFrame: zone-less time text", () => {
    it("reads zone-less text as UTC under TZ=America/New_York", () => {
      const child = spawnSync(process.execPath, ["--import", "tsx", __filename], {
        env: { ...process.env, TZ: "America/New_York", HUNTLAB_TZ_CHILD: "1", NODE_TEST_CONTEXT: "" },
        encoding: "utf8",
        timeout: 60_000,
      });
      assert.equal(child.status, 0, child.stderr);
      const line = child.stdout.trim().split("\n").at(-1) ?? "";
      const got = JSON.parse(line) as { offset: number; times: (string | null)[] };
      assert.equal(got.offset, 300, "the child did not run in New York time");
      assert.deepEqual(got.times, EXPECTED);
    });

    it("reads the same here", () => {
      assert.deepEqual(times(), EXPECTED);
    });
  });
}
