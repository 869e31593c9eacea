/** Splunk results → columns against the loopback twin: a field multivalue in some events and single in others. */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { columnOf } from "../../../src/common/frames";
import { loadConfig } from "../../../src/config/config";
import { createSplunkDriver } from "../../../src/data/live/drivers/splunk";
import { liveFrame } from "../../../src/data/live/results";
import { createLiveSettings } from "../../../src/data/live/settings";
import { tempDir } from "../../helpers/tmp";
import { startSplunkTwin, type SplunkTwin } from "../../twins/splunk";

const TOKEN = "splunk-columns-token-0123456789";

describe("Splunk columns: a field multivalue in some events only", () => {
  let twin: SplunkTwin;
  before(async () => {
    twin = await startSplunkTwin({
      token: TOKEN,
      data: {
        mv: [
          { _time: "2019-02-10T10:00:00.000+00:00", user: ["alice", "bob"], n: "1" },
          { _time: "2019-02-10T11:00:00.000+00:00", user: "carol", n: "2" },
          { _time: "2019-02-10T12:00:00.000+00:00", user: '["x"]', n: "3" },
          { _time: "2019-02-10T13:00:00.000+00:00", n: "4" },
        ],
      },
    });
  });
  after(() => twin.close());

  it("is one dynamic column whose every value is JSON text (a list, or the single value's JSON scalar)", async () => {
    const file = path.join(tempDir(), "msticpyconfig.yaml");
    fs.writeFileSync(file, ["DataProviders:", "  Splunk:", "    Args:", '      host: "127.0.0.1"', `      port: ${twin.port}`, "      scheme: http", `      bearer_token: "${TOKEN}"`, ""].join("\n"));
    const driver = createSplunkDriver(createLiveSettings({ environment: "Splunk", config: loadConfig(file, { missingEnvironment: "skip" }), warn: () => {} }));
    await driver.connect({});
    const table = await driver.query({ text: "search index=lab sourcetype=mv | sort n", queryName: "Test.mv", signal: AbortSignal.timeout(20_000) });
    assert.equal(table.columns.find((c) => c.name === "user")?.type, "dynamic");
    const users = columnOf(liveFrame(table), "user").toArray() as unknown as (string | null)[];
    assert.deepEqual(users, ['["alice","bob"]', '"carol"', '"[\\"x\\"]"', null]);
    // JSON.parse gives what MSTICPy's DataFrame cell holds: a list or a str; a single text that looks like a list stays a str.
    assert.deepEqual(users.map((u) => (u === null ? null : JSON.parse(u))), [["alice", "bob"], "carol", '["x"]', null]);
  });
});
