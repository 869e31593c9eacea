/**
 * MDE DeviceProcessEvents trees on generated exports with a known truth
 * (test/helpers/processEvents.ts generateMde): boot-time processes appear only
 * as parents and grandparents, PIDs are reused, times carry 100 ns ticks.
 * Every link must be the true one, the roots and depth those the data allow,
 * and no link may contradict the parent start time the child records.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import pl from "nodejs-polars";
import { buildProcessTree } from "../../src/transform/processTree";
import { ptree } from "../../src/transform/processTreeUtils";
import { generateMde, type GeneratedMde } from "../helpers/processEvents";

function col<T>(df: pl.DataFrame, name: string): T[] {
  return df.getColumn(name).toArray() as unknown as T[];
}

/** A time column as whole µs since the epoch (null stays null). */
function micros(df: pl.DataFrame, name: string): (number | null)[] {
  return col<number | null>(df.select(pl.col(name).cast(pl.Datetime("us")).cast(pl.Int64).alias(name)), name).map((v) => (v === null ? null : Number(v)));
}

interface Expected {
  /** Identities (host|pid|start µs) of the processes that must be roots. */
  roots: Set<string>;
  depth: number;
  /** Processes the tree must hold (events, their parents and grandparents). */
  size: number;
}

const identity = (host: string, pid: number, start: number): string => `${host}|${pid}|${start}`;

/**
 * What the data allows: the events, their parents and grandparents; a
 * process is linked to its parent when some event records that parent (it is
 * an event, or an event's parent), else it is a root.
 */
function expected({ processes, rowProcess }: GeneratedMde): Expected {
  const inData = new Set<number>();
  const parentKnown = new Set<number>();
  for (const p of rowProcess) {
    inData.add(p);
    parentKnown.add(p);
    const parent = processes[p].parent;
    if (parent >= 0) {
      inData.add(parent);
      parentKnown.add(parent);
      if (processes[parent].parent >= 0) inData.add(processes[parent].parent);
    }
  }
  const depthOf = new Map<number, number>();
  const depth = (p: number): number => {
    const known = depthOf.get(p);
    if (known !== undefined) return known;
    const parent = processes[p].parent;
    const d = parentKnown.has(p) && parent >= 0 ? depth(parent) + 1 : 1;
    depthOf.set(p, d);
    return d;
  };
  const roots = new Set<string>();
  let deepest = 0;
  for (const p of inData) {
    deepest = Math.max(deepest, depth(p));
    if (!parentKnown.has(p) || processes[p].parent < 0) roots.add(identity(processes[p].host, processes[p].pid, processes[p].start));
  }
  return { roots, depth: deepest, size: inData.size };
}

/** Checks every link of the tree against the truth; returns how many links were checked. */
function assertTrueLinks(tree: pl.DataFrame, data: GeneratedMde): number {
  const byIdentity = new Map(data.processes.map((p, i) => [identity(p.host, p.pid, p.start), i]));
  const hosts = col<string>(tree, "DeviceName");
  const pids = col<number>(tree, "ProcessId");
  const starts = micros(tree, "ProcessCreationTime");
  const keys = col<string>(tree, "proc_key");
  const parents = col<string | null>(tree, "parent_key");
  const procOf = keys.map((_, i) => {
    const p = byIdentity.get(identity(hosts[i], pids[i], starts[i] as number));
    assert.ok(p !== undefined, `row ${i} (${keys[i]}) is no process of the data`);
    return p;
  });
  const rowOf = new Map(keys.map((k, i) => [k, i]));
  let links = 0;
  parents.forEach((pk, i) => {
    if (pk === null) return;
    const parentRow = rowOf.get(pk);
    assert.ok(parentRow !== undefined);
    assert.equal(procOf[parentRow], data.processes[procOf[i]].parent, `${keys[i]} linked to ${pk}`);
    links += 1;
  });
  return links;
}

/** The links whose parent's start differs from the start the child records. */
function contradictions(tree: pl.DataFrame): number {
  const keys = col<string>(tree, "proc_key");
  const starts = micros(tree, "ProcessCreationTime");
  const start = new Map(keys.map((k, i) => [k, starts[i]]));
  const recorded = micros(tree, "InitiatingProcessCreationTime");
  return col<string | null>(tree, "parent_key").filter((pk, i) => pk !== null && recorded[i] !== null && start.get(pk) !== recorded[i]).length;
}

function pidReuse(df: pl.DataFrame): number {
  return df.height - df.select("DeviceName", "ProcessId").unique().height;
}

describe("MDE DeviceProcessEvents trees (generated exports with PID reuse)", () => {
  it("links every process to its true parent through rebuilt parents and grandparents", () => {
    const data = generateMde(3000, { seed: 3, pidPool: 300 });
    assert.ok(pidReuse(data.df) > 1000, `PIDs reused ${pidReuse(data.df)} times`);
    const tree = buildProcessTree(data.df);
    const want = expected(data);
    assert.equal(tree.height, want.size);
    assert.ok(assertTrueLinks(tree, data) > 2900);
    const roots = ptree.getRoots(tree);
    const rootPids = col<number>(roots, "ProcessId");
    const rootStarts = micros(roots, "ProcessCreationTime");
    const rootIds = new Set(col<string>(roots, "DeviceName").map((h, i) => identity(h, rootPids[i], rootStarts[i] as number)));
    assert.deepEqual(rootIds, want.roots);
    // Per host: wininit (rebuilt from a grandparent column, no parent recorded) and explorer's userinit.
    assert.deepEqual(col<string>(roots, "FileName").sort(), ["userinit.exe", "userinit.exe", "wininit.exe", "wininit.exe"]);
    assert.equal(ptree.getTreeDepth(tree), want.depth);
    assert.equal(contradictions(tree), 0);
  });

  it("continues svchost > sc.exe > conhost up through services > wininit", () => {
    const data = generateMde(3000, { seed: 3, pidPool: 300 });
    const tree = buildProcessTree(data.df);
    const names = col<string>(tree, "FileName");
    const keys = col<string>(tree, "proc_key");
    const parentKeys = col<string | null>(tree, "parent_key");
    const parentOf = new Map(keys.map((k, i) => [k, parentKeys[i]]));
    const nameOf = new Map(keys.map((k, i) => [k, names[i]]));
    const chains = keys
      .map((k) => {
        const chain: string[] = [];
        for (let at: string | null | undefined = k; at; at = parentOf.get(at)) chain.unshift(nameOf.get(at) as string);
        return chain.join(" > ");
      })
      .filter((c) => c.endsWith("svchost.exe > sc.exe > conhost.exe"));
    assert.ok(chains.length > 0);
    for (const chain of chains) assert.equal(chain, "wininit.exe > services.exe > svchost.exe > sc.exe > conhost.exe");
    // The rebuilt processes carry what their children recorded.
    const services = tree.filter(pl.col("FileName").eq(pl.lit("services.exe")));
    // One services.exe per generated host (two), rebuilt from its children: an empty frame would pass the checks below.
    assert.equal(services.height, 2);
    assert.ok(col<boolean>(services, "IsInferred").every(Boolean));
    assert.ok(col<string | null>(services, "ProcessCommandLine").every((c) => c !== null && c.startsWith("services.exe")));
    assert.ok(col<string | null>(services, "FolderPath").every((c) => c === "C:\\Windows\\System32\\services.exe"));
    assert.ok(micros(services, "Timestamp").every((t) => t !== null));
  });

  it("without parent-name columns matches on id and recorded start time, never a later or earlier holder of the id", () => {
    const data = generateMde(3000, { seed: 5, pidPool: 250, parentNames: false });
    assert.ok(!data.df.columns.includes("InitiatingProcessFileName") && !data.df.columns.includes("InitiatingProcessParentFileName"));
    assert.ok(pidReuse(data.df) > 1000);
    const tree = buildProcessTree(data.df);
    const want = expected(data);
    assert.equal(tree.height, want.size);
    assertTrueLinks(tree, data);
    assert.equal(ptree.getRoots(tree).height, want.roots.size);
    assert.equal(ptree.getTreeDepth(tree), want.depth);
    assert.equal(contradictions(tree), 0);
    // Rebuilt parents have no name to go by, but their id, command line and start time.
    const rebuilt = tree.filter(pl.col("IsInferred"));
    assert.ok(col<string>(rebuilt, "FileName").every((n) => n === "unknown"));
    assert.ok(micros(rebuilt, "ProcessCreationTime").every((t) => t !== null));
  });

  it("reads times at µs precision the same way", () => {
    const ns = generateMde(800, { seed: 9, pidPool: 200 });
    const us = generateMde(800, { seed: 9, pidPool: 200, timeUnit: "us" });
    assert.equal(us.df.getColumn("ProcessCreationTime").dtype.toString(), pl.Datetime("us").toString());
    const a = buildProcessTree(ns.df);
    const b = buildProcessTree(us.df);
    assertTrueLinks(b, us);
    // The µs copy drops the 100 ns ticks, so a time ending in 5 µs is a tie there and rounds to the even 10 µs
    // step, as pandas rounds MSTICPy's keys, where the ns time rounds up: the same tree, key times ≤ 10 µs apart.
    const untimed = (s: string) => s.replace(/\|\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}/g, "|t");
    assert.deepEqual(col<string>(b, "path").map(untimed), col<string>(a, "path").map(untimed));
    const micros = (key: string) => Date.parse(`${key.slice(-26).replace(" ", "T")}Z`) * 1000 + Number(key.slice(-3));
    const [ka, kb] = [col<string>(a, "proc_key"), col<string>(b, "proc_key")];
    assert.deepEqual(kb.map(untimed), ka.map(untimed));
    assert.ok(kb.every((k, i) => Math.abs(micros(k) - micros(ka[i])) <= 10), "key times within one 10 µs step");
    assert.ok(kb.some((k, i) => k !== ka[i]), "some ties (a µs ending in 5) round to the even step in the µs copy");
  });

  it("keys a process by its own creation time, and keeps a parent that started after the child's recorded parent start out", () => {
    const t = (s: string): Date => new Date(`2026-11-02T08:00:${s}Z`);
    const df = pl.DataFrame({
      Timestamp: [t("01.000"), t("05.000"), t("06.000")],
      DeviceName: ["d", "d", "d"],
      ActionType: ["ProcessCreated", "ProcessCreated", "ProcessCreated"],
      FileName: ["cmd.exe", "cmd.exe", "whoami.exe"],
      ProcessId: [100, 100, 200],
      ProcessCreationTime: [t("01.000"), t("05.000"), t("06.000")],
      InitiatingProcessId: [10, 10, 100],
      InitiatingProcessFileName: ["explorer.exe", "explorer.exe", "cmd.exe"],
      // whoami's parent is the first cmd.exe (pid 100 reused by the second, later one).
      InitiatingProcessCreationTime: [t("00.000"), t("00.000"), t("01.000")],
    });
    const tree = buildProcessTree(df);
    const whoami = tree.filter(pl.col("FileName").eq(pl.lit("whoami.exe")));
    assert.equal(whoami.getColumn("parent_key").get(0), "cmd.exe|100|2026-11-02 08:00:01.000000");
    // Both cmd.exe share one rebuilt explorer.exe, keyed by its recorded start.
    assert.deepEqual(col(ptree.getRoots(tree), "proc_key"), ["explorer.exe|10|2026-11-02 08:00:00.000000"]);
    // A child recording a start no process with that id has gets a rebuilt parent, not the nearest cmd.exe.
    const odd = df.withColumns(pl.Series("InitiatingProcessCreationTime", [t("00.000"), t("00.000"), t("03.000")]));
    const oddTree = buildProcessTree(odd);
    assert.equal(oddTree.filter(pl.col("FileName").eq(pl.lit("whoami.exe"))).getColumn("parent_key").get(0), "cmd.exe|100|2026-11-02 08:00:03.000000");
    assert.equal(buildProcessTree(df.drop("InitiatingProcessCreationTime")).filter(pl.col("FileName").eq(pl.lit("whoami.exe"))).getColumn("parent_key").get(0), "cmd.exe|100|2026-11-02 08:00:05.000000");
  });

  it("leaves a process with a null parent id a root, without inventing a parent", () => {
    const df = pl.DataFrame({
      Timestamp: [new Date("2026-11-02T08:00:00Z"), new Date("2026-11-02T08:00:01Z")],
      DeviceName: ["d", "d"],
      ActionType: ["ProcessCreated", "ProcessCreated"],
      FileName: ["a.exe", "b.exe"],
      ProcessId: [100, 200],
      InitiatingProcessId: [null, 100],
      InitiatingProcessFileName: [null, "a.exe"],
    });
    const tree = buildProcessTree(df);
    assert.equal(tree.height, 2);
    assert.deepEqual(col(tree, "IsInferred"), [false, false]);
    assert.deepEqual(col(tree, "parent_key"), [null, "a.exe|100|2026-11-02 08:00:00.000000"]);
  });
});
