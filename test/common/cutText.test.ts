/**
 * cutText: long text cut for display (tables, tree text, view labels) between
 * graphemes and never inside an escape revealHidden wrote. A raw slice left
 * half an emoji (a lone surrogate), a bare virama or jamo, or `\u2…`.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import pl from "nodejs-polars";
import { cutText } from "../../src/common/cutText";
import { revealHidden } from "../../src/common/hiddenChars";
import { treeToText } from "../../src/transform/processTreeUtils";
import { buildProcessTree } from "../../src/transform/processTree";

const lone = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

test("cuts between graphemes: emoji sequences, accents, conjuncts and Hangul jamo stay whole", () => {
  const cases: [string, string][] = [
    ["xxxxxx😀yyyy", "xxxxxx…"],
    ["bbbbbb👨‍👩‍👧zzzz", "bbbbbb…"],
    ["aaaaae\u0301\u0301bbbb", "aaaaa…"],
    ["ddddदक्षxxxx", "ddddद…"],
    ["ᄒ\u1161\u11abᄒ\u1161\u11abᄒ\u1161\u11ab", "ᄒ\u1161\u11abᄒ\u1161\u11ab…"],
  ];
  for (const [text, want] of cases) {
    const cut = cutText(text, 8);
    assert.ok(cut.length <= 8 && !lone.test(cut), JSON.stringify(cut));
    assert.equal(cut, want, JSON.stringify(text));
  }
  // Flags far past the window's start: regional indicators pair from the start of their run (review).
  const flags = "x" + "🇩🇪".repeat(40);
  for (const max of [79, 80, 81, 100]) {
    const cut = cutText(flags, max);
    assert.ok(!lone.test(cut) && (cut.length - 2) % 4 === 0, `${max}: ${cut.length}`);
  }
  assert.equal(cutText("short", 8), "short");
  assert.equal(cutText("exactly8", 8), "exactly8");
});

test("never inside an escape revealHidden wrote (the hint that an RLO or a tag was there stayed whole or went)", () => {
  assert.equal(cutText(revealHidden("aaaa\u202eexe.txt"), 8), "aaaa…");
  assert.equal(cutText(revealHidden("aa\u202eb"), 9), "aa\\u202eb");
  assert.equal(cutText(revealHidden("a\u{e0041}bcdefgh"), 8), "a…");
});

test("treeToText cuts a long command line between graphemes (it left half an emoji)", () => {
  const procs = pl.DataFrame({
    TimeGenerated: [new Date("2024-01-01T00:00:00Z"), new Date("2024-01-01T00:00:01Z")],
    Computer: ["h", "h"],
    NewProcessId: ["0x10", "0x20"],
    ProcessId: ["0x4", "0x10"],
    NewProcessName: ["C:\\p.exe", "C:\\c.exe"],
    ParentProcessName: ["C:\\s.exe", "C:\\p.exe"],
    CommandLine: ["p", `${"x".repeat(78)}😀 tail`],
    SubjectLogonId: ["0x1", "0x1"],
    TargetLogonId: ["0x1", "0x1"],
  });
  const text = treeToText(buildProcessTree(procs));
  assert.ok(!lone.test(text), text);
  // A 10 kB image name is cut too (it made a 10 kB line).
  const named = treeToText(buildProcessTree(procs.withColumns(pl.lit(`C:\\${"A".repeat(10_000)}.exe`).alias("NewProcessName"))));
  assert.ok(named.split("\n").every((l) => l.length < 400), String(named.split("\n").map((l) => l.length)));
});
