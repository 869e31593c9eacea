/**
 * Where warnings go when a call has no `warn` option: under the cell in a notebook (stdout), to
 * stderr in a script (a scheduled hunt's stdout is its CSV or JSON for another program), or to
 * the handler of `setWarningHandler`, which a script uses to collect or silence them.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { HuntlabError } from "../../src/common/errors";
import { printWarning, setWarningHandler } from "../../src/common/messages";
import { readDataFile } from "../../src/data/readers";
import { childLibrary } from "../helpers/child";
import { tempTree } from "../helpers/tmp";

// Slash dates whose day and month are all 12 or less: read month first, with a warning (no `warn` option given).
const AMBIGUOUS = "TimeGenerated,Account\n01/02/2024 10:00,a\n03/04/2024 11:00,b\n";

describe("warnings outside a notebook", () => {
  test("a plain Node script's stdout holds its own output; the warning is on stderr", () => {
    const dir = tempTree({ "logons.csv": AMBIGUOUS });
    // huntlab from a current dist/ with plain Node, else src/ through tsx.
    const lib = childLibrary();
    const script = path.join(dir, "hunt.js");
    fs.writeFileSync(
      script,
      `const { readDataFile } = require(${JSON.stringify(lib.module("data/readers"))});\n` +
        `process.stdout.write(JSON.stringify({ rows: readDataFile(${JSON.stringify(path.join(dir, "logons.csv"))}).height }) + "\\n");\n`,
    );
    const r = spawnSync(process.execPath, [...lib.args, script], { encoding: "utf8", timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { rows: 2 });
    assert.match(r.stderr, /^Warning: .*logons\.csv: column "TimeGenerated" holds slash dates/m);
  });

  test("setWarningHandler collects every warning no `warn` option takes, and undefined puts the default back", (t) => {
    const printed: string[] = [];
    t.mock.method(console, "log", (...args: unknown[]) => void printed.push(args.join(" ")));
    t.mock.method(console, "error", (...args: unknown[]) => void printed.push(args.join(" ")));
    const got: string[] = [];
    const before = setWarningHandler((m) => got.push(m));
    try {
      assert.equal(before, undefined);
      const df = readDataFile(path.join(tempTree({ "logons.csv": AMBIGUOUS }), "logons.csv"));
      assert.equal(df.height, 2);
      assert.equal(got.length, 1);
      assert.match(got[0] ?? "", /^\/.*logons\.csv: column "TimeGenerated" holds slash dates/);
      // A call's own `warn` option still wins over the handler.
      const own: string[] = [];
      readDataFile(path.join(tempTree({ "logons.csv": AMBIGUOUS }), "logons.csv"), { warn: (m) => own.push(m) });
      assert.equal(own.length, 1);
      assert.equal(got.length, 1);
    } finally {
      assert.equal(typeof setWarningHandler(before), "function");
    }
    assert.deepEqual(printed, []);
    printWarning("back to the default");
    assert.deepEqual(printed, ["Warning: back to the default"]);
  });

  test("a handler that is no function is refused when set, not when the first warning comes", () => {
    assert.throws(() => setWarningHandler("quiet" as unknown as () => void), (e: HuntlabError) => e instanceof HuntlabError && e.code === "common/warning-handler" && /the handler is a string/.test(e.message));
    assert.throws(() => setWarningHandler(null as unknown as () => void), /the handler is null/);
  });
});
