/**
 * Feature helpers against Python: test/analysis/fixtures/features.json holds
 * MSTICPy's formulas evaluated with Python's `ord`, `re` and `binascii.crc32`
 * (scripts/make-stl-fixtures.py) on a sample of the lab's processes_on_host.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import zlib from "node:zlib";
import pl from "nodejs-polars";
import { QueryProvider } from "../../src/data/queryProvider";
import {
  addProcessFeatures,
  charOrdScore,
  crc32Hash,
  delimCount,
  delimHash,
  stringScore,
  tokenCount,
  withCrc32Hash,
  withStringScore,
} from "../../src/analysis/features";

interface FeatureRow {
  NewProcessName: string;
  CommandLine: string;
  SubjectLogonId: string;
  [feature: string]: string | number | boolean;
}
const REF = JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", "features.json"), "utf8")) as {
  rows: FeatureRow[];
  strings: { text: string; score: number; crc32: number; delimCount: number; delimHash: number; tokenCount: number }[];
};

test("string helpers equal Python's on ASCII, accents, astral characters and control characters", () => {
  for (const s of REF.strings) {
    assert.equal(stringScore(s.text), s.score, `score ${JSON.stringify(s.text)}`);
    assert.equal(crc32Hash(s.text), s.crc32, `crc32 ${JSON.stringify(s.text)}`);
    assert.equal(delimCount(s.text), s.delimCount, `delimCount ${JSON.stringify(s.text)}`);
    assert.equal(delimHash(s.text), s.delimHash, `delimHash ${JSON.stringify(s.text)}`);
    assert.equal(tokenCount(s.text), s.tokenCount, `tokenCount ${JSON.stringify(s.text)}`);
  }
  assert.equal(charOrdScore("abc", 10), Math.floor((97 + 98 + 99) / 10));
  assert.throws(() => charOrdScore("abc", 0), { name: "AnalysisError", code: "analysis/invalid-option", message: /scale .*got 0/ });
  assert.equal(stringScore(null), 0);
});

test("delimiters: whitespace as Python's \\s counts it, as MSTICPy 3.0.2's delim_count and delim_hash do (separators U+001C–U+001F and NEL counted, a BOM not)", () => {
  // [text, MSTICPy's delim_count, delim_hash], run on MSTICPy itself.
  const cases: [string, number, number][] = [
    ["a\x1cb", 1, 3322131394],
    ["a\x85b", 1, 633852060],
    ["a\x1fb\x1eC", 2, 1988894978],
    ["a\ufeffb", 0, 0],
    ["x\u3000y\u2028z", 2, 876968313],
  ];
  for (const [text, count, hash] of cases) {
    assert.equal(delimCount(text), count, JSON.stringify(text));
    assert.equal(delimHash(text), hash, JSON.stringify(text));
  }
});

test("CRC32 agrees with zlib on random bytes", () => {
  const nodeCrc = (zlib as unknown as { crc32?: (data: Uint8Array) => number }).crc32;
  if (!nodeCrc) return;
  let seed = 1;
  for (let len = 0; len < 200; len += 7) {
    const text = Array.from({ length: len }, () => String.fromCharCode(((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) % 0x3000)).join("");
    assert.equal(crc32Hash(text), nodeCrc(Buffer.from(text, "utf8")));
  }
});

test("addProcessFeatures equals MSTICPy's formulas on lab processes", () => {
  const input = pl.DataFrame({
    NewProcessName: REF.rows.map((r) => r.NewProcessName),
    CommandLine: REF.rows.map((r) => r.CommandLine),
    SubjectLogonId: REF.rows.map((r) => r.SubjectLogonId),
  });
  const out = addProcessFeatures(input);
  const got = out.toRecords() as Record<string, unknown>[];
  const features = ["processName", "pathScore", "pathHash", "commandlineLen", "commandlineTokensFull", "commandlineScore", "commandlineTokensHash", "isSystemSession"];
  got.forEach((row, i) => {
    for (const f of features) assert.equal(row[f], REF.rows[i][f], `row ${i} ${f}`);
    for (const f of ["pathLogScore", "commandlineLogLen"]) assert.ok(Math.abs((row[f] as number) - (REF.rows[i][f] as number)) < 1e-12, `row ${i} ${f}`);
  });
  assert.ok(out.columns.includes("processNameLen") && out.columns.includes("commandlineTokens"));
});

test("addProcessFeatures on the lab's processes_on_host: nulls become empty strings, existing columns kept unless forced", async () => {
  const qp = new QueryProvider("LocalData");
  const procs = await qp.WindowsSecurity.list_host_processes();
  assert.ok(procs.getColumn("CommandLine").nullCount() > 0, "the lab has empty command lines");
  const out = addProcessFeatures(procs);
  assert.equal(out.height, procs.height);
  assert.equal(out.getColumn("commandlineLen").nullCount(), 0);
  const kept = addProcessFeatures(out.withColumns(pl.lit(7).alias("pathScore")));
  assert.equal(kept.getColumn("pathScore").get(0), 7);
  const forced = addProcessFeatures(out.withColumns(pl.lit(7).alias("pathScore")), { force: true });
  assert.equal(forced.getColumn("pathScore").get(0), out.getColumn("pathScore").get(0));
  const linux = addProcessFeatures(pl.DataFrame({ NewProcessName: ["/usr/bin/curl"], CommandLine: ["curl -s http://x"] }));
  assert.equal(linux.getColumn("processName").get(0), "curl");
  assert.throws(() => addProcessFeatures(procs, { commandLineColumn: "CommandLne" }), { code: "analysis/column-missing", message: /"CommandLne" .*Did you mean/ });
});

test("withStringScore / withCrc32Hash add a column", async () => {
  const qp = new QueryProvider("LocalData");
  const logons = await qp.WindowsSecurity.list_host_logons();
  const scored = withCrc32Hash(withStringScore(logons, "Account", "AccountNum"), "Account");
  const accounts = logons.getColumn("Account").toArray() as unknown as string[];
  assert.deepEqual(scored.getColumn("AccountNum").toArray(), accounts.map(stringScore));
  assert.deepEqual(scored.getColumn("AccountHash").toArray(), accounts.map(crc32Hash));
  assert.throws(() => withStringScore(logons, "Acount"), { code: "analysis/column-missing", message: /"Acount".*Did you mean Account/ });
});

test("isSystemSession reads a numeric logon id as a number, whatever its integer or float type", () => {
  // Numbers made in JS are Float64, whose text is "999.0": SYSTEM (0x3e7) was missed there.
  for (const dtype of [pl.Float64, pl.Int64, pl.Int32, pl.UInt32, pl.Float32]) {
    const ids = pl.Series("LogonId", [999, 1234, 0, null], pl.Float64).cast(dtype);
    const out = addProcessFeatures(pl.DataFrame([pl.Series("FolderPath", ["C:\\a.exe", "C:\\b.exe", "C:\\c.exe", "C:\\d.exe"]), ids]), { processColumn: "FolderPath", logonIdColumn: "LogonId" });
    assert.deepEqual(out.getColumn("isSystemSession").toArray(), [true, false, false, false], String(dtype));
  }
  const linux = addProcessFeatures(pl.DataFrame({ exe: ["/bin/sh", "/bin/ls"], ses: [-1, 3] }), { processColumn: "exe", logonIdColumn: "ses" });
  assert.deepEqual(linux.getColumn("isSystemSession").toArray(), [true, false]);
  const text = addProcessFeatures(pl.DataFrame({ NewProcessName: ["C:\\a.exe", "C:\\b.exe", "C:\\c.exe"], SubjectLogonId: ["0x3e7", "999", "-1"] }));
  assert.deepEqual(text.getColumn("isSystemSession").toArray(), [true, false, true]);
});

test("addProcessFeatures: force is true or false (\"false\" overwrote the frame's own feature columns)", () => {
  const df = pl.DataFrame({ NewProcessName: ["C:\\x\\b.exe"], CommandLine: ["b.exe /c"], SubjectLogonId: ["0x3e7"], processName: ["KEEP"] });
  assert.throws(() => addProcessFeatures(df, { force: "false" as unknown as boolean }), { code: "analysis/invalid-option", message: /force must be true or false/ });
  assert.deepEqual(addProcessFeatures(df).getColumn("processName").toArray(), ["KEEP"]);
});

test("withStringScore/withCrc32Hash: a list column or a name that is no text is refused naming it (polars' bare cast error, a TypeError)", () => {
  const df = pl.DataFrame([pl.Series("a", [["x", "y"], ["z"]]), pl.Series("n", [4688, 4624], pl.Int64)]);
  for (const f of [withStringScore, withCrc32Hash]) {
    assert.throws(() => f(df, "a"), { code: "analysis/column-not-text", message: /column "a" must be text; it is .*List/ });
    assert.throws(() => f(df, "n", 5 as unknown as string), { code: "analysis/invalid-option", message: /as must be a column name/ });
  }
  assert.deepEqual(withStringScore(df, "n").getColumn("nScore").toArray(), [stringScore("4688"), stringScore("4624")], "numbers score as their text");
});

test("addProcessFeatures: each path split on its own platform's separator when pathSeparator is not given (MDE's FolderPath mixes Windows, Linux and macOS devices)", () => {
  // One Linux path among the first ten made "/" the separator of every row (MSTICPy's rule): a Windows row's
  // processName was its whole path, with one path element.
  const df = pl.DataFrame({
    NewProcessName: ["/usr/bin/curl", "C:\\Windows\\System32\\cmd.exe", "C:\\Program Files/Vendor/agent.exe", "\\\\srv\\share\\tool.exe", "/tmp/odd\\name", "/Applications/Safari.app/Contents/MacOS/Safari", "", "notepad.exe"],
    CommandLine: ["curl -s x", "cmd /c dir", "agent", "tool", "odd", "Safari", "", "notepad"],
  });
  const out = addProcessFeatures(df);
  assert.deepEqual(out.getColumn("processName").toArray(), ["curl", "cmd.exe", "agent.exe", "tool.exe", "odd\\name", "Safari", "", "notepad.exe"]);
  assert.deepEqual(out.getColumn("processNameTokens").toArray(), [4, 4, 4, 5, 3, 6, 1, 1]);
  // All Windows, or all Linux: as MSTICPy.
  assert.deepEqual(addProcessFeatures(df.slice(1, 1)).getColumn("processNameTokens").toArray(), ["C:\\Windows\\System32\\cmd.exe".split("\\").length]);
  // A given separator is used for every row, as before.
  assert.deepEqual(addProcessFeatures(df, { pathSeparator: "/" }).getColumn("processName").toArray().slice(0, 2), ["curl", "C:\\Windows\\System32\\cmd.exe"]);
});

test("the delimiter regex is built once per delimiter set, not once per command line; a caller's regex is left as it was", () => {
  const frame = (n: number) => pl.DataFrame({ CommandLine: Array.from({ length: n }, (_, i) => `cmd.exe /c "copy a${i}.txt b\\${i}" | more`) });
  const Real = globalThis.RegExp;
  let built = 0;
  // Counts `new RegExp(…)` calls (regex literals do not construct through the global).
  globalThis.RegExp = new Proxy(Real, {
    construct(target, args, newTarget) {
      built += 1;
      return Reflect.construct(target, args, newTarget);
    },
  });
  const builds = (n: number) => {
    built = 0;
    addProcessFeatures(frame(n));
    return built;
  };
  let few: number;
  let many: number;
  try {
    few = builds(10);
    many = builds(1_000);
  } finally {
    globalThis.RegExp = Real;
  }
  assert.equal(many, few, `${many} regexes built for 1,000 command lines, ${few} for 10`);
  // The same counts whatever the caller's regex (non-global, or global with its lastIndex moved), which keeps its lastIndex.
  const own = /[ /]/g;
  own.lastIndex = 5;
  for (let k = 0; k < 2; k++) {
    assert.equal(delimCount("a b/c d", own), 3);
    assert.equal(delimCount("a b/c d", /[ /]/), 3);
    assert.equal(delimHash("a b", own), delimHash("x y", /[ /]/));
  }
  assert.equal(own.lastIndex, 5);
});
