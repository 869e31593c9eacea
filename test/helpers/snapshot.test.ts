/** The snapshot helper itself: match, mismatch diff, missing files (local vs CI), UPDATE_SNAPSHOTS, normalising. */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { UPDATE_COMMAND, assertSnapshot, normalizeHtmlViewIds, snapshotDiff, snapshotFile } from "./snapshot";
import { tempDir } from "./tmp";

/** Runs assertSnapshot with an explicit environment (never the real one: CI may set CI or UPDATE_SNAPSHOTS) and collects its log. */
function run(actual: string, file: string, env: Record<string, string | undefined> = {}, extra: Parameters<typeof assertSnapshot>[2] = {}) {
  const logs: string[] = [];
  let error: Error | undefined;
  try {
    assertSnapshot(actual, file, { env, log: (m) => logs.push(m), ...extra });
  } catch (err) {
    error = err as Error;
  }
  return { logs, error };
}

const LINES = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`);
const TEXT = LINES.join("\n") + "\n";

describe("assertSnapshot", () => {
  test("an equal output passes and leaves the file alone", () => {
    const file = path.join(tempDir(), "snapshots", "same.txt");
    fs.mkdirSync(path.dirname(file));
    fs.writeFileSync(file, TEXT);
    const before = fs.statSync(file).mtimeMs;
    const { logs, error } = run(TEXT, file);
    assert.equal(error, undefined);
    assert.deepEqual(logs, []);
    assert.equal(fs.readFileSync(file, "utf8"), TEXT);
    assert.equal(fs.statSync(file).mtimeMs, before);
  });

  test("a mismatch fails with a diff naming the file and the differing line, and leaves the file alone", () => {
    const file = path.join(tempDir(), "snapshots", "changed.txt");
    fs.mkdirSync(path.dirname(file));
    fs.writeFileSync(file, TEXT);
    const actual = TEXT.replace("line 12\n", "line twelve\n");
    const { error } = run(actual, file);
    assert.ok(error instanceof assert.AssertionError, "an AssertionError");
    const msg = error.message;
    assert.ok(msg.includes(`Snapshot mismatch: ${path.relative(process.cwd(), file)}`) || msg.includes(file), msg);
    assert.match(msg, /First difference: line 12, column 6/);
    assert.match(msg, /^--- expected/m);
    assert.match(msg, /^\+\+\+ actual/m);
    assert.match(msg, /^@@ -9,7 \+9,7 @@$/m, "hunk header with line numbers and 3 lines of context");
    assert.match(msg, /^- 12    \| line 12$/m);
    assert.match(msg, /^\+    12 \| line twelve$/m);
    assert.match(msg, /^  11 11 \| line 11$/m, "context lines carry both line numbers");
    assert.ok(!msg.includes("line 8\n") && !msg.includes("line 16"), "only 3 lines of context");
    assert.ok(msg.includes(UPDATE_COMMAND));
    assert.equal(fs.readFileSync(file, "utf8"), TEXT, "not overwritten");
  });

  test("a missing snapshot is written (with a log line) and passes outside CI", () => {
    const file = path.join(tempDir(), "deep", "snapshots", "new.html");
    for (const env of [{}, { CI: "false" }, { CI: "" }, { CI: "0" }]) {
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
      const { logs, error } = run("<p>hi</p>", file, env);
      assert.equal(error, undefined, JSON.stringify(env));
      assert.equal(fs.readFileSync(file, "utf8"), "<p>hi</p>");
      assert.equal(logs.length, 1);
      assert.match(logs[0], /wrote .*new\.html/);
    }
  });

  test("a missing snapshot fails under CI=true and is not written", () => {
    const file = path.join(tempDir(), "snapshots", "forgotten.json");
    for (const ci of ["true", "1"]) {
      const { logs, error } = run("{}", file, { CI: ci });
      assert.ok(error instanceof assert.AssertionError);
      assert.match(error.message, /Snapshot file missing: .*forgotten\.json/);
      assert.match(error.message, /CI/);
      assert.ok(error.message.includes(UPDATE_COMMAND));
      assert.equal(fs.existsSync(file), false);
      assert.deepEqual(logs, []);
    }
  });

  test("UPDATE_SNAPSHOTS=1 rewrites a differing snapshot and passes; an equal one is not touched", () => {
    const file = path.join(tempDir(), "snapshots", "update.txt");
    fs.mkdirSync(path.dirname(file));
    fs.writeFileSync(file, "old\n");
    const first = run("new\n", file, { UPDATE_SNAPSHOTS: "1" });
    assert.equal(first.error, undefined);
    assert.equal(fs.readFileSync(file, "utf8"), "new\n");
    assert.equal(first.logs.length, 1);
    assert.match(first.logs[0], /updated .*update\.txt/);
    const again = run("new\n", file, { UPDATE_SNAPSHOTS: "1" });
    assert.deepEqual(again.logs, [], "unchanged: nothing written");
    // Once accepted, a plain run passes.
    assert.equal(run("new\n", file).error, undefined);
    // UPDATE_SNAPSHOTS=0 is not an update.
    assert.ok(run("other\n", file, { UPDATE_SNAPSHOTS: "0" }).error);
  });

  test("UPDATE_SNAPSHOTS also writes a missing snapshot in CI (an explicit request)", () => {
    const file = path.join(tempDir(), "snapshots", "ci-update.txt");
    const { error, logs } = run("x", file, { CI: "true", UPDATE_SNAPSHOTS: "1" });
    assert.equal(error, undefined);
    assert.equal(fs.readFileSync(file, "utf8"), "x");
    assert.match(logs[0], /wrote/);
  });

  test("normalize rewrites the output before comparing and writing", () => {
    const file = path.join(tempDir(), "snapshots", "ids.html");
    const html = (id: string, other: string) =>
      `<div id="${id}" class="hl-view hl-view-ti-browser"><style>#${id} .hl-view-static{}</style></div>` +
      `<div id="${other}" class="hl-eg-static-list"></div><script>document.getElementById("${id}")</script>`;
    const first = html("hl-ti-browser-1a-x8f3k2ab", "hl-graph-1b-0q9zzz1c");
    assert.equal(run(first, file, {}, { normalize: normalizeHtmlViewIds }).error, undefined);
    const stored = fs.readFileSync(file, "utf8");
    assert.equal(
      stored,
      `<div id="hl-ID" class="hl-view hl-view-ti-browser"><style>#hl-ID .hl-view-static{}</style></div>` +
        `<div id="hl-ID-2" class="hl-eg-static-list"></div><script>document.getElementById("hl-ID")</script>`,
    );
    // Another rendering, other random ids: same snapshot.
    assert.equal(run(html("hl-ti-browser-2-k3j4h5g6", "hl-graph-3-abcdefgh"), file, {}, { normalize: [normalizeHtmlViewIds] }).error, undefined);
    // Without normalising, the random ids differ.
    assert.ok(run(first, file).error);
  });

  test("snapshotFile puts golden files in snapshots/ next to the test", () => {
    assert.equal(snapshotFile("/x/test/display", "a.html"), path.join("/x/test/display", "snapshots", "a.html"));
  });
});

describe("snapshotDiff", () => {
  test("caps its length and counts what it left out", () => {
    const a = Array.from({ length: 500 }, (_, i) => `a${i}`).join("\n");
    const b = Array.from({ length: 500 }, (_, i) => (i % 2 ? `b${i}` : `a${i}`)).join("\n");
    const diff = snapshotDiff(a, b, { maxLines: 30 });
    const lines = diff.split("\n");
    assert.ok(lines.length < 45, `${lines.length} lines`);
    assert.match(lines.at(-1) ?? "", /diff cut at 30 lines; \d+ more changed line\(s\) not shown/);
  });

  test("a long one-line output (HTML) shows the column and a window around the difference", () => {
    const a = "<td>" + "x".repeat(5000) + "<b>old</b>" + "y".repeat(5000) + "</td>";
    const b = a.replace("<b>old</b>", "<b>new</b>");
    const diff = snapshotDiff(a, b);
    assert.match(diff, /First difference: line 1, column 5008/);
    assert.match(diff, /expected: …x+<b>old<\/b>y+…/);
    assert.match(diff, /actual: +…x+<b>new<\/b>y+…/);
    for (const line of diff.split("\n")) assert.ok(line.length < 260, `diff line of ${line.length} chars`);
    assert.ok(diff.includes("<b>old</b>") && diff.includes("<b>new</b>"));
  });

  test("invisible characters are shown as escapes; a trailing newline difference is named", () => {
    assert.match(snapshotDiff("a\u202eb", "ab"), /expected: a\\u202eb/);
    assert.match(snapshotDiff("x\n", "x"), /only difference: the expected text ends with a newline/);
    assert.match(snapshotDiff("x", "x\n"), /only difference: the actual text ends with a newline/);
  });

  test("added and removed lines get their own line numbers", () => {
    const diff = snapshotDiff("a\nb\nc", "a\nc\nd");
    assert.match(diff, /^- 2   \| b$/m);
    assert.match(diff, /^  3 2 \| c$/m);
    assert.match(diff, /^\+   3 \| d$/m);
  });
});
