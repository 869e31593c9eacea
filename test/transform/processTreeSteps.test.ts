/** The steps of buildProcessTree, each on a tiny hand-made frame. */
import assert from "node:assert/strict";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import pl from "nodejs-polars";
import { treeTextColumns } from "../../src/transform/processTreeText";
import { TIME_FORMATS, formatHits, parseTimeSeries } from "../../src/data/timeParsing";
import {
  NO_PARENT_ID,
  assembleTree,
  PARENT_NOT_FOUND,
  inferParents,
  inferredRows,
  matchParents,
  mayParse,
  processEvents,
  processKeys,
  processNodes,
  treeLayout,
  uniqueKeys,
  type ProcessKeys,
} from "../../src/transform/processTreeSteps";
import { events4688, generateMde } from "../helpers/processEvents";
import { tempDir } from "../helpers/tmp";

const t = (s: string): Date => new Date(`2024-01-01T${s}Z`);


/** The `path` column treeTextColumns writes for rows in tree order (each row its own node). */
function treePaths(parentPos: Int32Array, level: Int32Array, sourceIndex: Int32Array, width: number): unknown[] {
  const node = Int32Array.from(parentPos, (_, k) => k);
  return treeTextColumns({ node, parentPos, level, sourceIndex, width }).getColumn("path").toArray();
}

describe("processTree steps", () => {
  it("schema: keeps process creations once each, remembering their input rows", () => {
    const df = events4688([
      ["10:00:00", "h", "0x1", "a.exe", "0x0", "s.exe"],
      ["10:00:00", "h", "0x1", "a.exe", "0x0", "s.exe"],
      ["10:00:01", "h", "0x2", "b.exe", "0x1", "a.exe"],
    ]).withColumns(pl.Series("EventID", [4688, 4688, 4624]), pl.lit("stale").alias("NodeRole"));
    const events = processEvents(df);
    assert.equal(events.schema.name, "Windows 4688");
    assert.deepEqual([...events.inputRow], [0]);
    assert.equal(events.inputRows, 3);
    assert.ok(!events.events.columns.includes("NodeRole"));
  });

  it("keys: image|pid|time in time order (nulls first); a clash gets #2, #3 in the order given", () => {
    const df = events4688([
      ["10:00:02", "h", "0x2", "C:\\B.exe", "0x1", "a.exe"],
      ["10:00:01", "h", "0x1", "a.exe", "0x0", "s.exe"],
      ["10:00:02", "h", "0x2", "c:\\b.EXE", "0x1", "a.exe"],
    ]).withColumns(pl.Series("TimeGenerated", [t("10:00:02"), null, t("10:00:02")]));
    const keys = processKeys(processEvents(df));
    assert.deepEqual(keys.key.toArray(), ["c:\\b.exe|0x2|2024-01-01 10:00:02.000000", "a.exe|0x1|NaT", "c:\\b.exe|0x2|2024-01-01 10:00:02.000000"]);
    assert.deepEqual([...keys.order], [1, 0, 2]);
    // b.exe's parent lookup (h, 0x1, a.exe) is a.exe's own.
    assert.equal(keys.parentCode[0], keys.code[1]);
    assert.deepEqual(uniqueKeys(keys.key, keys.order).toArray(), ["c:\\b.exe|0x2|2024-01-01 10:00:02.000000", "a.exe|0x1|NaT", "c:\\b.exe|0x2|2024-01-01 10:00:02.000000#2"]);
    assert.deepEqual(uniqueKeys(pl.Series("k", ["x", "y", "x", "x"]), [3, 1, 0, 2]).toArray(), ["x#2", "y", "x#3", "x"]);
  });

  it("parents: the latest process at or before the child's time with the parent's id and image, on the child's host", () => {
    const df = events4688([
      ["10:00:00", "h1", "0x10", "cmd.exe", "0x1", "svc.exe"], // 0: the PID's first process
      ["10:05:00", "h1", "0x10", "cmd.exe", "0x1", "svc.exe"], // 1: PID reused
      ["10:06:00", "h2", "0x10", "cmd.exe", "0x1", "svc.exe"], // 2: same PID and image, other host
      ["10:07:00", "h1", "0x20", "x.exe", "0x10", "CMD.EXE"], // 3 → 1
      ["10:08:00", "h1", "0x10", "cmd.exe", "0x1", "svc.exe"], // 4: after x.exe, not its parent
      ["10:09:00", "h1", "0x30", "y.exe", "0x10", "other.exe"], // 5: other image → not found
    ]);
    const parents = matchParents(processKeys(processEvents(df)));
    assert.deepEqual([...parents], [PARENT_NOT_FOUND, PARENT_NOT_FOUND, PARENT_NOT_FOUND, 1, PARENT_NOT_FOUND, PARENT_NOT_FOUND]);
    // A parent at the same time counts; the process itself never does.
    const same = events4688([
      ["10:00:00", "h", "0x1", "a.exe", "0x1", "a.exe"],
      ["10:00:00", "h", "0x2", "b.exe", "0x1", "a.exe"],
    ]);
    assert.deepEqual([...matchParents(processKeys(processEvents(same)))], [PARENT_NOT_FOUND, 0]);
  });

  it("inferred: one inferred parent per missing parent, numbered in the time order of its first child", () => {
    const matched = Int32Array.of(PARENT_NOT_FOUND, 0, PARENT_NOT_FOUND, PARENT_NOT_FOUND, NO_PARENT_ID);
    const links = inferParents(matched, { parentCode: Uint32Array.of(7, 1, 9, 7, 0), order: Uint32Array.of(2, 0, 1, 3, 4) });
    assert.deepEqual([...links.parent], [6, 0, 5, 6, -1, -1, -1]);
    assert.deepEqual([...links.inferredChild], [2, 0]);

    const df = events4688([
      ["10:00:00", "h1", "0x10", "cmd.exe", "0x1", "C:\\Svc.exe"],
      ["10:00:01", "h1", "0x11", "cmd.exe", "0x1", "c:\\svc.exe"],
      ["10:00:02", "h2", "0x12", "cmd.exe", "0x1", "C:\\Svc.exe"],
      ["10:00:03", "h2", "0x13", "cmd.exe", "0x2", ""],
    ]);
    const events = processEvents(df);
    const keys = processKeys(events);
    const nodes = processNodes(events, keys, matchParents(keys));
    // svc.exe 0x1 on h1 (shared by two children), on h2, and an unnamed 0x2 on h2.
    assert.deepEqual([...nodes.parent], [4, 4, 5, 6, -1, -1, -1]);
    assert.deepEqual(nodes.inferred.toRecords(), [
      { NewProcessName: "C:\\Svc.exe", NewProcessId: "0x1", Computer: "h1", EventID: 4688 },
      { NewProcessName: "C:\\Svc.exe", NewProcessId: "0x1", Computer: "h2", EventID: 4688 },
      { NewProcessName: "unknown", NewProcessId: "0x2", Computer: "h2", EventID: 4688 },
    ]);
    // Same key on two hosts: inferred parents number their repeats before the events.
    assert.deepEqual(nodes.key.toArray().slice(4), ["c:\\svc.exe|0x1|1970-01-01 00:00:00.000000", "c:\\svc.exe|0x1|1970-01-01 00:00:00.000000#2", "unknown|0x2|1970-01-01 00:00:00.000000"]);
    assert.deepEqual([...nodes.sourceIndex], [0, 1, 2, 3, 4, 5, 6]);
    assert.deepEqual(inferredRows(events, Uint32Array.of(3)).key.toArray(), ["unknown|0x2|1970-01-01 00:00:00.000000"]);
  });

  it("paths/levels: a 3-level chain under an inferred root, depth first; a parent cycle keeps its own path", () => {
    // Events 0..3 (time order 1, 0, 2, 3) and inferred node 4: 4 → 1 → 0 and 4 → 2; 3 is its own parent (a cycle).
    const layout = treeLayout(Int32Array.of(1, 4, 4, 3, -1), Uint32Array.of(1, 0, 2, 3), Int32Array.of(10, 11, 12, 13, 14), 3);
    assert.deepEqual([...layout.treeOrder], [4, 1, 0, 2, 3]);
    assert.deepEqual(layout.path, ["014/011/010", "014/011", "014/012", "013", "014"]);
    assert.deepEqual([...layout.level], [3, 2, 2, 1, 1]);
  });

  it("paths in polars: the parent's path, '/', the padded source index; a cycle row keeps its own", () => {
    // Rows in tree order: 0 (root) → 1 → 2, 0 → 3; 4 is caught in a cycle (level 1, a parent but its own path).
    const paths = treePaths(Int32Array.of(-1, 0, 1, 0, 4), Int32Array.of(1, 2, 3, 2, 1), Int32Array.of(14, 11, 10, 1234, 13), 4);
    assert.deepEqual(paths, ["0014", "0014/0011", "0014/0011/0010", "0014/1234", "0013"]);
    // The same paths as the layout's own, on the layout test's nodes.
    const layout = treeLayout(Int32Array.of(1, 4, 4, 3, -1), Uint32Array.of(1, 0, 2, 3), Int32Array.of(10, 11, 12, 13, 14), 3);
    const position = new Int32Array(5);
    layout.treeOrder.forEach((node, pos) => (position[node] = pos));
    const parentPos = Int32Array.from(layout.treeOrder, (node) => [1, 4, 4, 3, -1][node]).map((p) => (p >= 0 ? position[p] : -1));
    const rowLevel = Int32Array.from(layout.treeOrder, (node) => layout.level[node]);
    const rowSource = Int32Array.from(layout.treeOrder, (node) => 10 + node);
    assert.deepEqual(treePaths(parentPos, rowLevel, rowSource, 3), Array.from(layout.treeOrder, (node) => layout.path[node]));
  });

  it("schema: text times in one format, with repeated times, drop only whole repeated rows; other text still parses", () => {
    const text = (times: string[]): pl.DataFrame =>
      pl.DataFrame({
        EventID: times.map(() => "4688"),
        TimeGenerated: times,
        Computer: times.map(() => "h"),
        NewProcessId: ["0x1", "0x2", "0x1", "0x3"],
        NewProcessName: times.map(() => "a.exe"),
        ProcessId: times.map(() => "0x0"),
        ParentProcessName: times.map(() => "s.exe"),
      });
    // Minute resolution: rows 0-2 share a time, row 2 repeats row 0 whole.
    const minutes = processEvents(text(["2024-01-01 10:00", "2024-01-01 10:00", "2024-01-01 10:00", "2024-01-01 10:01"]));
    assert.deepEqual([...minutes.inputRow], [0, 1, 3]);
    assert.equal(minutes.events.getColumn("TimeGenerated").dtype.variant, "Datetime");
    // Padded and mixed formats take the per-value parser: same rows, same times.
    const mixed = processEvents(text([" 2024-01-01 10:00:00", "2024-01-01T10:00:00Z", " 2024-01-01 10:00:00", "1/2/2024 10:01:00"]));
    assert.deepEqual([...mixed.inputRow], [0, 1, 3]);
    assert.deepEqual(
      (mixed.events.getColumn("TimeGenerated").toArray() as unknown as Date[]).map((d) => d.toISOString()),
      ["2024-01-01T10:00:00.000Z", "2024-01-01T10:00:00.000Z", "2024-01-02T10:01:00.000Z"],
    );
  });

  it("roles: root, branch, leaf on a 3-level chain; a lone root is isolated", () => {
    const roles = treeTextColumns({ node: Int32Array.of(0, 1, 2, 3), parentPos: Int32Array.of(-1, 0, 1, -1), level: Int32Array.of(1, 2, 3, 1), sourceIndex: Int32Array.of(0, 1, 2, 3), width: 1 });
    assert.deepEqual(["IsRoot", "IsLeaf", "IsBranch", "NodeRole"].filter((c) => roles.columns.includes(c)), ["IsRoot", "IsLeaf", "IsBranch", "NodeRole"]);
    assert.deepEqual(roles.getColumn("NodeRole").toArray(), ["root", "branch", "leaf", "isolated"]);
    assert.deepEqual(roles.getColumn("IsRoot").toArray(), [true, false, false, true]);
    assert.deepEqual(roles.getColumn("IsLeaf").toArray(), [false, false, true, true]);
    assert.deepEqual(roles.getColumn("IsBranch").toArray(), [false, true, false, false]);
  });

  it("time formats: a format skipped unasked is one polars cannot read the value with; parsed times match parseTimeSeries", () => {
    const values = [
      "2024-01-01T00:00:00.026",
      "2024-01-01T00:00:00.026Z",
      "2024-01-01t00:00:00z",
      "2024-01-01T10:00:00+02:00",
      "2024-01-01T10:00:00.5-0500",
      "2024-01-01 10:00:00.123456-05",
      "2024-01-01 10:00:00+0000",
      "2024-01-01T10:00:00Z",
      "2024-01-01 10:00",
      "2/10/19 3:21 PM",
      "5/4/2021, 7:48:01.990 am",
      "05/04/2021 19:48:01",
      "19:04.4",
      "not a time",
    ];
    let skipped = 0;
    for (const value of values) {
      const hits = formatHits(pl.Series("v", [value]), TIME_FORMATS, "ms");
      TIME_FORMATS.forEach((format, k) => {
        if (!mayParse(value, format)) {
          skipped += 1;
          assert.equal(hits[k], 0, `${format} reads ${value} but was skipped`);
        }
      });
    }
    assert.ok(skipped > 20, "the zone, T and AM/PM formats are skipped where they cannot match");
    assert.equal(mayParse("2024-01-01T00:00:00.026", "%Y-%m-%dT%H:%M:%S%.fZ"), false);
    assert.equal(mayParse("2024-01-01 00:00:00", "%Y-%m-%dT%H:%M:%S"), false);
    assert.equal(mayParse("2024-01-01T10:00:00-05:00", "%Y-%m-%dT%H:%M:%S%.f%#z"), true);
    // A column in each format, through the events step: the same times as the general parser gives.
    for (const column of [
      ["2024-01-01T00:00:00.026", "2024-01-01T00:00:01.5"],
      ["2024-01-01T10:00:00+02:00", "2024-01-01T10:00:01-05:00"],
      ["2024-01-01 10:00:00.123456-05", "2024-01-01 10:00:01+00"],
      ["2/10/19 3:21 PM", "2/10/19 3:22 AM"],
    ]) {
      const df = pl.DataFrame({
        EventID: ["4688", "4688"],
        TimeGenerated: column,
        Computer: ["h", "h"],
        NewProcessId: ["0x1", "0x2"],
        NewProcessName: ["a.exe", "b.exe"],
        ProcessId: ["0x9", "0x1"],
        ParentProcessName: ["x.exe", "a.exe"],
      });
      const got = processEvents(df).events.getColumn("TimeGenerated");
      const expected = parseTimeSeries(pl.Series("TimeGenerated", column));
      assert.ok(expected.parsed, column.join());
      assert.deepEqual(got.toArray(), expected.series.toArray(), column.join());
      assert.equal(got.dtype.toString(), expected.series.dtype.toString(), column.join());
    }
  });

  it("time formats: a value outside the sample that the sample's format reads only in part goes to the general parser", () => {
    // The sample is spread over the column and holds 64 values: the odd value at row 4000 is not in it.
    const n = 5000;
    const odd = 4000;
    for (const [usual, other] of [
      [(i: number) => `2024-01-01 ${String(Math.floor(i / 60) % 24).padStart(2, "0")}:${String(i % 60).padStart(2, "0")}`, "2024-01-01 10:00:33"],
      [(i: number) => `2024-01-01 10:${String(Math.floor(i / 60) % 60).padStart(2, "0")}:${String(i % 60).padStart(2, "0")}`, "2024-01-01 10:00:00+02:00"],
    ] as const) {
      const column = Array.from({ length: n }, (_, i) => (i === odd ? other : usual(i)));
      const df = pl.DataFrame({
        EventID: Array.from({ length: n }, () => "4688"),
        TimeGenerated: column,
        Computer: Array.from({ length: n }, () => "h"),
        NewProcessId: Array.from({ length: n }, (_, i) => `0x${(i + 16).toString(16)}`),
        NewProcessName: Array.from({ length: n }, () => "a.exe"),
        ProcessId: Array.from({ length: n }, () => "0x9"),
        ParentProcessName: Array.from({ length: n }, () => "x.exe"),
      });
      const got = processEvents(df).events.getColumn("TimeGenerated");
      const expected = parseTimeSeries(pl.Series("TimeGenerated", column));
      assert.ok(expected.parsed, other);
      // A prefix match would read the odd value as 10:00 (its seconds or its offset dropped).
      const want = Date.parse(other.replace(" ", "T").replace(/(\d\d:\d\d:\d\d)$/, "$1Z"));
      assert.equal((expected.series.toArray()[odd] as unknown as Date).getTime(), want, `parseTimeSeries: ${other}`);
      assert.deepEqual(got.cast(pl.Int64).toArray(), expected.series.cast(pl.Int64).toArray(), other);
    }
  });
});

describe("assembleTree", () => {
  // Rows out of time order, a parent after its child in the input, an inferred parent and two trees.
  const df = events4688([
    ["10:00:05", "h1", "0x21", "notepad.exe", "0x20", "C:\\cmd.exe"],
    ["10:00:01", "h1", "0x10", "C:\\svc.exe", "0x4", "C:\\System"],
    ["10:00:03", "h1", "0x20", "C:\\cmd.exe", "0x10", "C:\\svc.exe"],
    ["10:00:02", "h2", "0x30", "C:\\x.exe", "", ""],
    ["10:00:04", "h1", "0x22", "C:\\ping.exe", "0x20", "C:\\cmd.exe"],
  ]);
  const steps = () => {
    const events = processEvents(df);
    const keys = processKeys(events);
    const nodes = processNodes(events, keys, matchParents(keys));
    return { events, nodes, layout: treeLayout(nodes.parent, nodes.order, nodes.sourceIndex, nodes.width) };
  };

  it("sorts the event columns a few at a time on big frames: the same frame as one sort", () => {
    const { events, nodes, layout } = steps();
    const whole = assembleTree(events, nodes, layout);
    // One column a sort (the share big frames get), then two.
    for (const sortGroupRows of [1, 2]) {
      const grouped = assembleTree(events, nodes, layout, "tree", { sortGroupRows });
      assert.deepEqual(grouped.columns, whole.columns);
      assert.deepEqual(grouped.dtypes.map(String), whole.dtypes.map(String));
      assert.deepEqual(grouped.toRecords(), whole.toRecords(), `sortGroupRows ${sortGroupRows}`);
    }
    // Tree order: the inferred System first, then svc, cmd, its children by time; x.exe's tree (an inferred "" parent) after.
    assert.deepEqual(whole.getColumn("NewProcessId").toArray(), ["0x4", "0x10", "0x20", "0x22", "0x21", "", "0x30"]);
  });

  it("frees the steps' per-node arrays with release, and builds the same tree", () => {
    const kept = steps();
    const want = assembleTree(kept.events, kept.nodes, kept.layout).toRecords();
    const { events, nodes, layout } = steps();
    const got = assembleTree(events, nodes, layout, "tree", { release: true, sortGroupRows: 1 });
    assert.deepEqual(got.toRecords(), want);
    // Detached: their memory is freed now, not at V8's next collection.
    for (const [name, array] of Object.entries({ parent: nodes.parent, sourceIndex: nodes.sourceIndex, image: nodes.keyParts.image, nth: nodes.keyParts.nth, treeOrder: layout.treeOrder, level: layout.level })) {
      assert.equal(array.length, 0, `${name} released`);
    }
    // Without release nothing is touched.
    assert.equal(kept.nodes.parent.length, 7);
    assert.equal(kept.layout.treeOrder.length, 7);
  });
});

describe("processKeys through a temp IPC file", () => {
  // MDE events (parent and grandparent ids, names and times), newest first: every kind of column the keys step reads,
  // sorted by time in polars, and more rows than one streamed batch (the file holds each column in several).
  const df = generateMde(250_000, { hosts: 3, pidPool: 3000 }).df.reverse();
  // Each array as its length and a digest of its bytes: a deepEqual of 250k-element arrays that differ spends GBs on its diff.
  const digest = (a: ArrayBufferView): string => `${a.byteLength} ${crypto.createHash("sha1").update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)).digest("hex")}`;
  const arrays = (keys: ProcessKeys) => {
    const { keyParts, codeCount, guidCodeCount, idCodeCount } = keys;
    const typed = Object.entries(keys).filter(([, v]) => ArrayBuffer.isView(v)).map(([k, v]) => [k, digest(v as ArrayBufferView)]);
    const texts = crypto.createHash("sha1").update(JSON.stringify([keyParts.images, keyParts.ids])).digest("hex");
    return { typed: Object.fromEntries(typed), codeCount, guidCodeCount, idCodeCount, image: digest(keyParts.image), id: digest(keyParts.id), time: digest(keyParts.time), texts };
  };
  const withTmp = <T>(dir: string, run: () => T): T => {
    const was = process.env.TMPDIR;
    process.env.TMPDIR = dir;
    try {
      return run();
    } finally {
      if (was === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = was;
    }
  };

  it("gives the keys read from a frame, removes its file, and builds the same tree", () => {
    const events = processEvents(df);
    const want = processKeys(events, { ipcRows: Infinity });
    assert.ok(want.parentTime && want.grandparentCode && want.grandparentTime, "the fixture has parent and grandparent columns");
    assert.ok(want.order.some((r, k) => r !== k), "the fixture is out of time order");
    const dir = tempDir();
    const made: string[] = [];
    const mkdtemp = fs.mkdtempSync;
    fs.mkdtempSync = ((prefix: string, options?: unknown) => {
      const made1 = (mkdtemp as (p: string, o?: unknown) => string)(prefix, options);
      made.push(made1);
      return made1;
    }) as typeof fs.mkdtempSync;
    let got: ProcessKeys;
    try {
      got = withTmp(dir, () => processKeys(events, { ipcRows: 0 }));
    } finally {
      fs.mkdtempSync = mkdtemp;
    }
    assert.equal(made.length, 1, "read through a file");
    assert.equal(path.dirname(made[0]), dir);
    assert.deepEqual(fs.readdirSync(dir), [], "its folder removed");
    assert.deepEqual(arrays(got), arrays(want));
    // The file path's tree with the positions entering polars through files too.
    const tree = (keys: ProcessKeys, ipcRows: number) => {
      const nodes = processNodes(events, keys, matchParents(keys));
      keys.release?.();
      return assembleTree(events, nodes, treeLayout(nodes.parent, nodes.order, nodes.sourceIndex, nodes.width), "tree", { release: true, ipcRows });
    };
    const a = tree(want, Infinity);
    const b = withTmp(dir, () => tree(got, 0));
    assert.deepEqual(fs.readdirSync(dir), [], "the assembly's folder removed");
    assert.deepEqual(b.columns, a.columns);
    assert.equal(digest(b.getColumn("parent_key").isNull().cast(pl.UInt8).toTypedArray() as Uint8Array), digest(a.getColumn("parent_key").isNull().cast(pl.UInt8).toTypedArray() as Uint8Array));
    assert.equal(b.height, a.height);
    assert.equal(digest(b.hashRows(1, 2, 3, 4).toTypedArray() as BigUint64Array), digest(a.hashRows(1, 2, 3, 4).toTypedArray() as BigUint64Array));
    // Released: the per-event arrays read from the file are freed now (detached), not at V8's next collection.
    assert.equal(got.parentTime!.length, 0);
    assert.equal(got.code.length, 0);
  });

  it("builds the same tree when its temp folder cannot be removed (Windows keeps a file polars has mapped), with no error", () => {
    const events = processEvents(df.head(20_000));
    const build = (ipcRows: number) => {
      const keys = processKeys(events, { ipcRows });
      const nodes = processNodes(events, keys, matchParents(keys));
      keys.release?.();
      return assembleTree(events, nodes, treeLayout(nodes.parent, nodes.order, nodes.sourceIndex, nodes.width), "tree", { release: true, ipcRows });
    };
    const want = build(Infinity);
    const dir = tempDir();
    const rmSync = fs.rmSync;
    let refused = 0;
    fs.rmSync = (() => {
      refused += 1;
      throw Object.assign(new Error("EBUSY: resource busy or locked, rmdir"), { code: "EBUSY" });
    }) as typeof fs.rmSync;
    let got: pl.DataFrame;
    try {
      got = withTmp(dir, () => build(0));
    } finally {
      fs.rmSync = rmSync;
    }
    assert.ok(refused >= 2, `both temp folders' removals refused (${refused})`);
    assert.equal(digest(got.hashRows(1, 2, 3, 4).toTypedArray() as BigUint64Array), digest(want.hashRows(1, 2, 3, 4).toTypedArray() as BigUint64Array));
  });

  it("reads them from a frame when the temp folder cannot be written, with no error", () => {
    const events = processEvents(df.head(20_000));
    const want = arrays(processKeys(events, { ipcRows: Infinity }));
    const missing = path.join(tempDir(), "gone", "deeper");
    assert.deepEqual(arrays(withTmp(missing, () => processKeys(events, { ipcRows: 0 }))), want);
  });
});
