/**
 * buildProcessTree on logs copied across hosts (every time and key repeats,
 * the case the scaling benchmark builds): whole repeated rows are still the
 * only ones dropped, each copy gets the same tree, and repeated keys are
 * numbered as a plain JS count would number them.
 */
import assert from "node:assert/strict";
import { describe, it, test } from "node:test";
import pl from "nodejs-polars";
import { buildProcessTree } from "../../src/transform/processTree";
import { WIN_EVENT_SCHEMA } from "../../src/transform/processTreeSchema";
import { uniqueKeys } from "../../src/transform/processTreeSteps";
import { generate4688 } from "../helpers/processEvents";

/** `df` once per host suffix, the host names suffixed (`host0-1`…), one copy after the other. */
function copies(df: pl.DataFrame, count: number): pl.DataFrame {
  return pl.concat(Array.from({ length: count }, (_, k) => df.withColumns(pl.concatString([pl.col("Computer"), pl.lit(`-${k}`)], "").alias("Computer"))));
}

/** uniqueKeys the slow, obvious way: the n-th of a key in `order` gets `#n`. */
function plainUniqueKeys(keys: string[], order: number[]): string[] {
  const count = new Map<string, number>();
  const out = [...keys];
  for (const i of order) {
    const n = (count.get(keys[i]) ?? 0) + 1;
    count.set(keys[i], n);
    if (n > 1) out[i] = `${keys[i]}#${n}`;
  }
  return out;
}

describe("process trees of copied logs", () => {
  it("builds the same tree on each host copy and drops only whole repeated rows", () => {
    const { df } = generate4688(3000, { seed: 7, hosts: 3, pidPool: 2048 });
    const one = buildProcessTree(df);
    // Three copies (times, ids and images repeat on other hosts), plus two rows exported twice.
    const input = pl.concat([copies(df, 3), copies(df, 3).slice(10, 2)]);
    const tree = buildProcessTree(input);
    assert.equal(tree.height, 3 * one.height);
    const perHost = (k: number) => tree.filter(pl.col("Computer").str.endsWith(`-${k}`)).height;
    assert.deepEqual([0, 1, 2].map(perHost), [one.height, one.height, one.height]);
    // Same shape in every copy: levels and roles by host copy, in tree order.
    const shape = (frame: pl.DataFrame) => frame.select(pl.col("Level"), pl.col("NodeRole")).toRecords();
    for (const k of [0, 1, 2]) assert.deepEqual(shape(tree.filter(pl.col("Computer").str.endsWith(`-${k}`))), shape(one));
    // Keys repeat across copies (MSTICPy keys have no host): numbered, never lost.
    const keys = tree.getColumn("proc_key").toArray() as unknown as string[];
    assert.equal(new Set(keys).size, keys.length);
    assert.ok(keys.some((k) => k.endsWith("#3")));
  });

  it("numbers repeated keys as a plain count in the given order", () => {
    const keys = Array.from({ length: 5000 }, (_, i) => `k${(i * 7) % 613}`);
    const order = Array.from({ length: keys.length }, (_, i) => (i * 4999 + 17) % keys.length);
    assert.equal(new Set(order).size, keys.length);
    assert.deepEqual(uniqueKeys(pl.Series("k", keys), order).toArray(), plainUniqueKeys(keys, order));
    assert.deepEqual(uniqueKeys(pl.Series("k", ["a", "b"]), [1, 0]).toArray(), ["a", "b"]);
  });
});

test("an inferred parent whose id is Windows hex text (ProcessId) in a tree whose NewProcessId is an integer column gets that id as a number (it was null, keyed NaN)", () => {
  const P = "C:\\Windows\\System32\\";
  const df = pl.DataFrame({
    TimeGenerated: [new Date("2024-01-01T00:00:00Z"), new Date("2024-01-01T00:00:01Z")],
    NewProcessName: [P + "whoami.exe", P + "net.exe"],
    NewProcessId: pl.Series("NewProcessId", [508, 612], pl.Int64),
    ParentProcessName: [P + "cmd.exe", P + "cmd.exe"],
    ProcessId: ["0x1f4", "0x2a0"],
    Computer: ["h1", "h1"],
    EventID: [4688, 4688],
    SubjectLogonId: ["0x3e7", "0x3e7"],
    CommandLine: ["whoami", "net user"],
  });
  const tree = buildProcessTree(df, { schema: WIN_EVENT_SCHEMA });
  const inferred = tree.filter(pl.col("IsInferred")).select("NewProcessId", "proc_key").toRecords() as { NewProcessId: number; proc_key: string }[];
  assert.deepEqual(inferred.map((r) => r.NewProcessId).sort((a, b) => a - b), [500, 672]);
  assert.ok(inferred.every((r) => !r.proc_key.includes("NaN")), JSON.stringify(inferred));
});

test("integer process ids and Windows hex parent ids (or the other way round) link a child to its real parent: 0x1a4 is 420 (it was rebuilt beside it)", () => {
  const P = "C:\\Windows\\System32\\";
  const events = (newIds: pl.Series, parentIds: pl.Series) =>
    pl.DataFrame({
      TimeGenerated: [new Date("2024-01-01T00:00:00Z"), new Date("2024-01-01T00:00:01Z"), new Date("2024-01-01T00:00:02Z")],
      NewProcessName: [P + "cmd.exe", P + "whoami.exe", P + "net.exe"],
      NewProcessId: newIds,
      ParentProcessName: [P + "explorer.exe", P + "cmd.exe", P + "cmd.exe"],
      ProcessId: parentIds,
      Computer: ["h1", "h1", "h1"],
      EventID: [4688, 4688, 4688],
      SubjectLogonId: ["0x3e7", "0x3e7", "0x3e7"],
    });
  const cases: [string, pl.Series, pl.Series][] = [
    ["Int64 ids, hex parent ids", pl.Series("NewProcessId", [420, 508, 612], pl.Int64), pl.Series("ProcessId", ["0x1000", "0x1a4", "0x1A4"])],
    ["Float64 ids (a CSV column with a null), hex parent ids", pl.Series("NewProcessId", [420, 508, 612], pl.Float64), pl.Series("ProcessId", ["0x1000", "0x1a4", "0x1A4"])],
    ["hex ids, Int64 parent ids", pl.Series("NewProcessId", ["0x1a4", "0x1fc", "0x264"]), pl.Series("ProcessId", [4096, 420, 420], pl.Int64)],
  ];
  for (const [name, newIds, parentIds] of cases) {
    const tree = buildProcessTree(events(newIds, parentIds));
    const parentOf = new Map((tree.select("NewProcessName", "parent_key").rows() as [string, string | null][]).map(([image, parent]) => [image, parent]));
    const cmd = tree.filter(pl.col("NewProcessName").eq(pl.lit(P + "cmd.exe"))).filter(pl.col("IsInferred").not());
    const cmdKey = cmd.getColumn("proc_key").get(0) as string;
    assert.equal(parentOf.get(P + "whoami.exe"), cmdKey, name);
    assert.equal(parentOf.get(P + "net.exe"), cmdKey, name);
    // Only explorer (0x1000 = 4096) is rebuilt: cmd.exe was, beside the real one, with both children under it.
    assert.deepEqual(tree.filter(pl.col("IsInferred")).getColumn("NewProcessName").toArray(), [P + "explorer.exe"], name);
    assert.equal(tree.height, 4, name);
  }
});
