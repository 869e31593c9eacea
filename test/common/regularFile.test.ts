/** readRegularFile: files named by settings are read only when they are regular files, within a size limit. */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileProblemText } from "../../src/common/messages";
import { readRegularFile, type FileProblem } from "../../src/common/regularFile";
import { outcomesInChild, SRC_DIR } from "../helpers/child";
import { makeFifo } from "../helpers/fifo";
import { tempDir } from "../helpers/tmp";

/** The problem readRegularFile refuses `file` with, or the text it read. */
function attempt(file: string, maxBytes?: number): FileProblem | string {
  let seen: FileProblem | undefined;
  try {
    return readRegularFile(file, maxBytes === undefined ? {} : { maxBytes }, (p) => {
      seen = p;
      return new Error(fileProblemText(p));
    }).toString("utf8");
  } catch (err) {
    assert.ok(seen, `not refused through fail: ${(err as Error).message}`);
    return seen;
  }
}

test("a regular file is read whole; over maxBytes it is refused with its size", () => {
  const dir = tempDir();
  const file = path.join(dir, "feed.csv");
  const text = "observable\n" + "10.0.0.1\n".repeat(20_000); // several read chunks
  fs.writeFileSync(file, text);
  assert.equal(attempt(file), text);
  assert.deepEqual(attempt(file, 100), { problem: "too-large", bytes: Buffer.byteLength(text), maxBytes: 100 });
  assert.equal(fileProblemText({ problem: "too-large", bytes: 180_011, maxBytes: 100 }), "180,011 bytes is larger than the limit of 100 bytes");
});

test("a folder, a device or a missing file is refused naming what it is, without reading it", () => {
  const dir = tempDir();
  assert.deepEqual(attempt(dir), { problem: "not-a-file", kind: "a folder" });
  assert.equal(fileProblemText({ problem: "not-a-file", kind: "a folder" }), "it is a folder, not a file");
  // /dev/zero says size 0: readFileSync read it until Node aborted.
  if (fs.existsSync("/dev/zero")) assert.deepEqual(attempt("/dev/zero"), { problem: "not-a-file", kind: "a character device" });
  const missing = attempt(path.join(dir, "nope.csv"));
  assert.ok(typeof missing === "object" && missing.problem === "unreadable" && missing.code === "ENOENT" && /no such file/.test(fileProblemText(missing)));
});

test("a named pipe is refused before it is opened (the open waited for a writer forever)", { skip: process.platform === "win32" }, (t) => {
  const fifo = path.join(tempDir(), "feed.csv");
  if (!makeFifo(t, fifo)) return;
  // In a child with a timeout: a read that blocks fails the test instead of hanging it.
  const { fifo: outcome } = outcomesInChild(
    `import { readRegularFile } from ${JSON.stringify(`${SRC_DIR}/common/regularFile`)};\nimport { fileProblemText } from ${JSON.stringify(`${SRC_DIR}/common/messages`)};`,
    { fifo: `readRegularFile(${JSON.stringify(fifo)}, {}, (p) => new Error(fileProblemText(p))).length` },
  );
  assert.deepEqual(outcome, { ok: false, name: "Error", message: "it is a named pipe (FIFO), not a regular file" });
});
