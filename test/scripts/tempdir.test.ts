/**
 * scripts/tempdir.mjs: a TMPDIR that is missing, a file or read-only crashed tsx (npm test, npm run hunt) with a
 * bare `mkdir` stack trace; run.mjs now passes it over for a usable folder, as Python's tempfile does, saying so.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { tempDirEnv } from "../../scripts/tempdir.mjs";

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "huntlab-tempdir-test-"));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

test("a usable TMPDIR (trailing slash and all) is kept, and nothing is left in it", { skip: process.platform === "win32" ? "POSIX" : false }, () => {
  const dir = path.join(scratch, "ok");
  fs.mkdirSync(dir);
  assert.deepEqual(tempDirEnv({ TMPDIR: dir + "/" }), { env: {} });
  assert.deepEqual(fs.readdirSync(dir), []);
});

test("a TMPDIR that is a file or missing is passed over for the next usable folder of TEMP, TMP, /tmp…, saying why", { skip: process.platform === "win32" ? "POSIX" : false }, () => {
  const file = path.join(scratch, "a-file");
  fs.writeFileSync(file, "");
  const temp = path.join(scratch, "temp");
  fs.mkdirSync(temp);
  assert.deepEqual(tempDirEnv({ TMPDIR: file, TEMP: temp }), { env: { TMPDIR: temp }, why: `${file}: not a folder` });
  const missing = path.join(scratch, "missing", "tmp");
  const r = tempDirEnv({ TMPDIR: missing, TMP: "relative/tmp" });
  assert.equal(r.why, `${missing}: ENOENT`);
  assert.ok(r.env.TMPDIR && path.isAbsolute(r.env.TMPDIR) && r.env.TMPDIR !== missing, "a relative TMP is no candidate");
  assert.equal(fs.existsSync(missing), false, "a missing folder is not made");
});
