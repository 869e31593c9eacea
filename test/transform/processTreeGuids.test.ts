/**
 * Process GUIDs (Sysmon `ProcessGuid`/`ParentProcessGuid`, ECS
 * `process.entity_id`/`process.parent.entity_id`, OCSF
 * `process.uid`/`process.parent_process.uid`): a child naming a parent GUID
 * is linked to the process of its host with that GUID, whatever PID reuse
 * and times say; a parent missing from the data is inferred once per GUID;
 * rows without a GUID keep the PID + time rule. Plus float parent ids:
 * a rebuilt parent's id reads 420, not "420.0".
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import pl from "nodejs-polars";
import { buildProcessTree, processTreeSchema } from "../../src/transform/processTree";
import { ECS_PROCESS_SCHEMA, OCSF_PROCESS_SCHEMA, SYSMON_PROCESS_CREATE_SCHEMA, WIN_EVENT_SCHEMA, type ProcSchema } from "../../src/transform/processTreeSchema";
import { seededRandom } from "../helpers/random";

function col<T>(df: pl.DataFrame, name: string): T[] {
  return df.getColumn(name).toArray() as unknown as T[];
}

/** The schema without its GUID fields: what the build did before GUIDs (the PID + time rule for every row). */
function withoutGuids(schema: ProcSchema): ProcSchema {
  const { processGuid: _own, parentGuid: _parent, ...rest } = schema;
  return rest;
}

/**
 * Per input row, its parent: the parent's input row, "-1" for a root, or for
 * an inferred parent `I<tree row>` (`inferredLabels` true: `I<host>|<proc_key
 * without #n>`, the same in two builds of the same data).
 */
function parentRows(tree: pl.DataFrame, height: number, inferredLabels = false): Map<number, string> {
  const source = col<string>(tree, "source_index").map(Number);
  const parentIndex = col<string | null>(tree, "parent_index");
  const keys = col<string>(tree, "proc_key");
  const hostColumn = ["Computer", "host.name", "device.hostname"].find((c) => tree.columns.includes(c));
  const hosts = hostColumn ? col<string>(tree, hostColumn) : [];
  const rowOf = new Map(source.map((s, r) => [s, r]));
  const out = new Map<number, string>();
  source.forEach((s, r) => {
    if (s >= height) return;
    const p = parentIndex[r];
    if (p === null) return out.set(s, "-1");
    if (Number(p) < height) return out.set(s, String(Number(p)));
    const row = rowOf.get(Number(p)) as number;
    out.set(s, inferredLabels ? `I${hosts[row]}|${keys[row].replace(/#\d+$/, "")}` : `I${row}`);
  });
  return out;
}

const ZERO_GUID = "{00000000-0000-0000-0000-000000000000}";
const EPOCH = Date.UTC(2026, 10, 2, 9, 0, 0);

// ---------------------------------------------------------------- hand-made Sysmon cases

interface SysmonRow {
  t: number;
  host?: string;
  guid: string | null;
  pid: number;
  image: string;
  parentGuid: string | null;
  ppid: number | null;
  parentImage: string;
}

const utc = (ms: number): string => new Date(ms).toISOString().replace("T", " ").replace("Z", "");

function sysmon(rows: SysmonRow[]): pl.DataFrame {
  return pl.DataFrame({
    UtcTime: rows.map((r) => utc(r.t)),
    Computer: rows.map((r) => r.host ?? "wks-1"),
    EventID: rows.map(() => 1),
    ProcessGuid: pl.Series("ProcessGuid", rows.map((r) => r.guid), pl.Utf8),
    ProcessId: rows.map((r) => r.pid),
    Image: rows.map((r) => r.image),
    CommandLine: rows.map((r, i) => `${r.image.split("\\").pop()} #${i}`),
    User: rows.map(() => "FABRIKAM\\jlee"),
    ParentProcessGuid: pl.Series("ParentProcessGuid", rows.map((r) => r.parentGuid), pl.Utf8),
    ParentProcessId: pl.Series("ParentProcessId", rows.map((r) => r.ppid), pl.Int64),
    ParentImage: rows.map((r) => r.parentImage),
  });
}

const CMD = "C:\\Windows\\System32\\cmd.exe";
const EXPLORER = "C:\\Windows\\explorer.exe";
const SVCHOST = "C:\\Windows\\System32\\svchost.exe";
const WHOAMI = "C:\\Windows\\System32\\whoami.exe";

describe("process GUIDs link processes whatever PID reuse says (Sysmon 1)", () => {
  it("the schema maps the GUID columns of Sysmon, ECS and OCSF", () => {
    assert.equal(SYSMON_PROCESS_CREATE_SCHEMA.processGuid, "ProcessGuid");
    assert.equal(SYSMON_PROCESS_CREATE_SCHEMA.parentGuid, "ParentProcessGuid");
    assert.equal(ECS_PROCESS_SCHEMA.processGuid, "process.entity_id");
    assert.equal(ECS_PROCESS_SCHEMA.parentGuid, "process.parent.entity_id");
    assert.equal(OCSF_PROCESS_SCHEMA.processGuid, "process.uid");
    assert.equal(OCSF_PROCESS_SCHEMA.parentGuid, "process.parent_process.uid");
  });

  it("links a child to the earlier holder of a reused PID that its ParentProcessGuid names", () => {
    const df = sysmon([
      { t: EPOCH, guid: "{A1}", pid: 100, image: CMD, parentGuid: "{E}", ppid: 4, parentImage: EXPLORER },
      { t: EPOCH + 1000, guid: "{A2}", pid: 100, image: CMD, parentGuid: "{E}", ppid: 4, parentImage: EXPLORER },
      // The PID + time rule picks {A2} (the latest cmd.exe 100 before it); its GUID names {A1}.
      { t: EPOCH + 2000, guid: "{W}", pid: 300, image: WHOAMI, parentGuid: "{A1}", ppid: 100, parentImage: CMD },
      // Its GUID names {A2}, which the PID rule would pick too.
      { t: EPOCH + 3000, guid: "{W2}", pid: 301, image: WHOAMI, parentGuid: "{A2}", ppid: 100, parentImage: CMD },
    ]);
    const parents = parentRows(buildProcessTree(df), df.height);
    assert.equal(parents.get(2), "0");
    assert.equal(parents.get(3), "1");
    // The PID + time rule alone links both to the later holder.
    const byPid = parentRows(buildProcessTree(df, { schema: withoutGuids(SYSMON_PROCESS_CREATE_SCHEMA) }), df.height);
    assert.equal(byPid.get(2), "1");
  });

  it("links by GUID when ids and times say otherwise: a parent logged after its child, another parent id, no parent id", () => {
    const df = sysmon([
      // Logged 2 s after its child (clocks apart, events buffered).
      { t: EPOCH + 2000, guid: "{P}", pid: 200, image: CMD, parentGuid: null, ppid: null, parentImage: EXPLORER },
      { t: EPOCH, guid: "{C1}", pid: 300, image: WHOAMI, parentGuid: "{P}", ppid: 200, parentImage: CMD },
      // Its recorded parent id and image name another process: the GUID wins.
      { t: EPOCH + 3000, guid: "{S}", pid: 900, image: SVCHOST, parentGuid: null, ppid: null, parentImage: "" },
      { t: EPOCH + 4000, guid: "{C2}", pid: 301, image: WHOAMI, parentGuid: "{P}", ppid: 900, parentImage: SVCHOST },
      { t: EPOCH + 5000, guid: "{C3}", pid: 302, image: WHOAMI, parentGuid: "{S}", ppid: null, parentImage: "" },
    ]);
    const tree = buildProcessTree(df);
    const parents = parentRows(tree, df.height);
    assert.deepEqual([1, 3, 4].map((i) => parents.get(i)), ["0", "0", "2"]);
    assert.equal(col<boolean>(tree, "IsInferred").filter(Boolean).length, 0);
  });

  it("infers one parent per missing GUID: two missing parents with the same PID and image stay two", () => {
    const df = sysmon([
      { t: EPOCH, guid: "{C1}", pid: 300, image: CMD, parentGuid: "{M1}", ppid: 7, parentImage: SVCHOST },
      { t: EPOCH + 1000, guid: "{C2}", pid: 301, image: CMD, parentGuid: "{M2}", ppid: 7, parentImage: SVCHOST },
      { t: EPOCH + 2000, guid: "{C3}", pid: 302, image: CMD, parentGuid: "{M1}", ppid: 7, parentImage: SVCHOST },
    ]);
    const tree = buildProcessTree(df);
    const inferred = tree.filter(pl.col("IsInferred"));
    assert.equal(inferred.height, 2);
    // Each carries its GUID (from ParentProcessGuid), the PID and image as before; keys told apart by #2.
    assert.deepEqual(col(inferred, "ProcessGuid").sort(), ["{M1}", "{M2}"]);
    assert.deepEqual(col(inferred, "ProcessId"), [7, 7]);
    assert.deepEqual(col(inferred, "Image"), [SVCHOST, SVCHOST]);
    assert.deepEqual(col<string>(inferred, "proc_key").sort(), ["c:\\windows\\system32\\svchost.exe|7|1970-01-01 00:00:00.000000", "c:\\windows\\system32\\svchost.exe|7|1970-01-01 00:00:00.000000#2"]);
    const guidOf = new Map(col<string>(tree, "proc_key").map((k, i) => [k, col<string>(tree, "ProcessGuid")[i]]));
    const children = tree.filter(pl.col("IsInferred").not());
    assert.deepEqual(
      col<string>(children, "parent_key").map((k) => guidOf.get(k)),
      col<string>(children, "ParentProcessGuid"),
    );
    // The PID + time rule alone merges them.
    assert.equal(buildProcessTree(df, { schema: withoutGuids(SYSMON_PROCESS_CREATE_SCHEMA) }).filter(pl.col("IsInferred")).height, 1);
  });

  it("looks for the GUID on the child's host only", () => {
    const df = sysmon([
      { t: EPOCH, host: "wks-1", guid: "{G}", pid: 200, image: CMD, parentGuid: null, ppid: null, parentImage: "" },
      { t: EPOCH + 1000, host: "wks-2", guid: "{C}", pid: 300, image: WHOAMI, parentGuid: "{G}", ppid: 200, parentImage: CMD },
      { t: EPOCH + 2000, host: "wks-1", guid: "{C1}", pid: 300, image: WHOAMI, parentGuid: "{G}", ppid: 200, parentImage: CMD },
    ]);
    const tree = buildProcessTree(df);
    const parents = parentRows(tree, df.height);
    assert.equal(parents.get(2), "0");
    assert.match(parents.get(1) as string, /^I/);
    const inferred = tree.filter(pl.col("IsInferred"));
    assert.deepEqual(inferred.select("Computer", "ProcessGuid", "ProcessId").toRecords(), [{ Computer: "wks-2", ProcessGuid: "{G}", ProcessId: 200 }]);
  });

  it("keeps the PID + time rule for rows without a parent GUID (null, empty, all zeros) or naming their own", () => {
    const rows: SysmonRow[] = [
      { t: EPOCH, guid: "{A1}", pid: 100, image: CMD, parentGuid: null, ppid: 4, parentImage: EXPLORER },
      { t: EPOCH + 1000, guid: "{A2}", pid: 100, image: CMD, parentGuid: null, ppid: 4, parentImage: EXPLORER },
      { t: EPOCH + 2000, guid: "{W1}", pid: 300, image: WHOAMI, parentGuid: null, ppid: 100, parentImage: CMD },
      { t: EPOCH + 3000, guid: "", pid: 301, image: WHOAMI, parentGuid: "", ppid: 100, parentImage: CMD },
      { t: EPOCH + 4000, guid: ZERO_GUID, pid: 302, image: WHOAMI, parentGuid: ZERO_GUID, ppid: 100, parentImage: CMD },
      { t: EPOCH + 5000, guid: "{W4}", pid: 303, image: WHOAMI, parentGuid: "{W4}", ppid: 100, parentImage: CMD },
      // Missing parents without GUIDs: one per PID and image, as before (not one per zero GUID).
      { t: EPOCH + 6000, guid: "{X1}", pid: 500, image: WHOAMI, parentGuid: ZERO_GUID, ppid: 8, parentImage: SVCHOST },
      { t: EPOCH + 7000, guid: "{X2}", pid: 501, image: WHOAMI, parentGuid: "", ppid: 8, parentImage: SVCHOST },
      { t: EPOCH + 8000, guid: "{X3}", pid: 502, image: WHOAMI, parentGuid: ZERO_GUID, ppid: 9, parentImage: SVCHOST },
      // And a GUID row among them.
      { t: EPOCH + 9000, guid: "{W5}", pid: 304, image: WHOAMI, parentGuid: "{A1}", ppid: 100, parentImage: CMD },
    ];
    const df = sysmon(rows);
    const tree = buildProcessTree(df);
    const byPid = buildProcessTree(df, { schema: withoutGuids(SYSMON_PROCESS_CREATE_SCHEMA) });
    const parents = parentRows(tree, df.height);
    for (const i of [2, 3, 4, 5]) assert.equal(parents.get(i), "1", `row ${i}`);
    assert.equal(parents.get(9), "0");
    // Rows without a usable parent GUID: the very links (and rebuilt parents) of the PID + time rule.
    const keys = (t: pl.DataFrame) => col<string>(t, "proc_key").map((k, r) => `${k} <- ${col<string | null>(t, "parent_key")[r]}`);
    const sameRows = (t: pl.DataFrame) => keys(t).filter((_, r) => Number(col<string>(t, "source_index")[r]) !== 9);
    assert.deepEqual(sameRows(tree), sameRows(byPid));
    const labels = parentRows(tree, df.height, true);
    const labelsBefore = parentRows(byPid, df.height, true);
    for (let i = 0; i < 9; i += 1) assert.equal(labels.get(i), labelsBefore.get(i), `row ${i}`);
    assert.equal(tree.filter(pl.col("IsInferred")).height, 3);
  });

  it("falls back to the PID + time rule when the data lacks a GUID column (or both)", () => {
    const df = sysmon([
      { t: EPOCH, guid: "{A1}", pid: 100, image: CMD, parentGuid: null, ppid: 4, parentImage: EXPLORER },
      { t: EPOCH + 1000, guid: "{A2}", pid: 100, image: CMD, parentGuid: null, ppid: 4, parentImage: EXPLORER },
      { t: EPOCH + 2000, guid: "{W}", pid: 300, image: WHOAMI, parentGuid: "{A1}", ppid: 100, parentImage: CMD },
    ]);
    for (const drop of [["ProcessGuid"], ["ParentProcessGuid"], ["ProcessGuid", "ParentProcessGuid"]]) {
      const trimmed = df.drop(drop);
      const tree = buildProcessTree(trimmed, { schema: SYSMON_PROCESS_CREATE_SCHEMA });
      assert.equal(parentRows(tree, df.height).get(2), "1", drop.join("+"));
      assert.equal(tree.filter(pl.col("IsInferred")).height, 1, drop.join("+"));
    }
  });

  it("reads GUID columns named like the frame's members or the tree's columns", () => {
    const df = sysmon([
      { t: EPOCH, guid: "{A1}", pid: 100, image: CMD, parentGuid: null, ppid: 4, parentImage: EXPLORER },
      { t: EPOCH + 1000, guid: "{A2}", pid: 100, image: CMD, parentGuid: null, ppid: 4, parentImage: EXPLORER },
      { t: EPOCH + 2000, guid: "{W}", pid: 300, image: WHOAMI, parentGuid: "{A1}", ppid: 100, parentImage: CMD },
    ]).rename({ ProcessGuid: "path", ParentProcessGuid: "height" });
    const tree = buildProcessTree(df, { schema: { ...SYSMON_PROCESS_CREATE_SCHEMA, processGuid: "path", parentGuid: "height", parentColumns: {} } });
    // (`df.height` is the column now: 3 rows.)
    assert.equal(parentRows(tree, 3).get(2), "0");
    assert.deepEqual(col(tree.filter(pl.col("IsInferred").not()), "path_source").sort(), ["{A1}", "{A2}", "{W}"]);
  });
});

// ---------------------------------------------------------------- generated: the class of input, three layouts

interface Proc {
  host: string;
  guid: string;
  pid: number;
  image: string;
  /** Start, ms since the epoch. */
  start: number;
  /** Index of the parent process, -1 none. */
  parent: number;
  /** An event of the data (else only named as a parent). */
  event: boolean;
  /** The event's own GUID is empty: no child can find it by GUID. */
  noOwnGuid: boolean;
  /** The event's parent GUID is empty, null or all zeros (the PID + time rule links it). */
  noParentGuid: "" | null | "zero" | false;
}

const IMAGES = ["C:\\Windows\\System32\\cmd.exe", "C:\\Windows\\System32\\svchost.exe", "C:\\Windows\\System32\\rundll32.exe", "C:\\Windows\\System32\\conhost.exe"];
const HOSTS = ["wks-1", "wks-2", "srv-3"];

/**
 * Processes on three hosts from a pool of 6 PIDs and 4 images (each PID held
 * many times), parents picked at random among any earlier process of the
 * host (an earlier holder of a reused PID as often as not), some started
 * "after" their children (clocks apart), some missing from the data (two
 * missing parents often share PID and image), one GUID on two hosts, and a
 * share of rows without GUIDs.
 */
function generateProcesses(seed: number, events: number): Proc[] {
  const rand = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const procs: Proc[] = [];
  const guid = (k: number): string => `{${(0x4f2c0000 + k).toString(16)}-19ce-0b00-${String(seed).padStart(4, "0")}-${(k * 7919).toString(16).padStart(12, "0")}}`;
  const add = (p: Omit<Proc, "guid">, id = guid(procs.length)): number => procs.push({ ...p, guid: id }) - 1;
  // Missing ancestors: 3 per host, PIDs 7 or 9, svchost or services: same PID and image repeat.
  for (const host of HOSTS) for (let k = 0; k < 3; k += 1) add({ host, pid: pick([7, 9]), image: pick(IMAGES.slice(0, 2)), start: EPOCH - 3_600_000 + k, parent: -1, event: false, noOwnGuid: false, noParentGuid: false });
  // The GUID of an event of wks-1 names a missing process of wks-2 too.
  const shared = add({ host: "wks-2", pid: 11, image: IMAGES[0], start: EPOCH - 1000, parent: -1, event: false, noOwnGuid: false, noParentGuid: false }, guid(999_999));
  let t = EPOCH;
  for (let k = 0; k < events; k += 1) {
    const host = k < 3 ? "wks-1" : pick(HOSTS);
    t += 1 + Math.floor(rand() * 2000);
    const candidates = procs.map((p, i) => i).filter((i) => procs[i].host === host);
    const parent = host === "wks-2" && rand() < 0.1 ? shared : pick(candidates);
    // One in ten is logged before its parent.
    const start = rand() < 0.1 && procs[parent].event ? procs[parent].start - 500 : t;
    const r = rand();
    add(
      { host, pid: pick([100, 104, 108, 112, 116, 120]), image: pick(IMAGES), start, parent, event: true, noOwnGuid: rand() < 0.08, noParentGuid: r < 0.05 ? "" : r < 0.1 ? null : r < 0.15 ? "zero" : false },
      k === 0 ? guid(999_999) : undefined,
    );
  }
  return procs;
}

type Layout = { schema: ProcSchema; frame: (procs: Proc[]) => pl.DataFrame };

const events = (procs: Proc[]) => procs.filter((p) => p.event);
const ownGuid = (p: Proc): string | null => (p.noOwnGuid ? "" : p.guid);
const parentGuid = (procs: Proc[], p: Proc): string | null => (p.noParentGuid === "zero" ? ZERO_GUID : p.noParentGuid === false ? procs[p.parent].guid : p.noParentGuid);
const iso = (ms: number): string => new Date(ms).toISOString();

const LAYOUTS: Record<string, Layout> = {
  sysmon: {
    schema: SYSMON_PROCESS_CREATE_SCHEMA,
    frame: (procs) => {
      const ev = events(procs);
      return pl.DataFrame({
        UtcTime: ev.map((p) => utc(p.start)),
        Computer: ev.map((p) => p.host),
        EventID: ev.map(() => 1),
        ProcessGuid: pl.Series("ProcessGuid", ev.map(ownGuid), pl.Utf8),
        ProcessId: ev.map((p) => p.pid),
        Image: ev.map((p) => p.image),
        CommandLine: ev.map((p, i) => `${p.image} ${i}`),
        ParentProcessGuid: pl.Series("ParentProcessGuid", ev.map((p) => parentGuid(procs, p)), pl.Utf8),
        ParentProcessId: ev.map((p) => procs[p.parent].pid),
        ParentImage: ev.map((p) => procs[p.parent].image),
      });
    },
  },
  ecs: {
    schema: ECS_PROCESS_SCHEMA,
    frame: (procs) => {
      const ev = events(procs);
      return pl.DataFrame({
        "@timestamp": ev.map((p) => iso(p.start)),
        "event.category": ev.map(() => "process"),
        "event.type": ev.map(() => "start"),
        "host.name": ev.map((p) => p.host),
        "process.pid": ev.map((p) => p.pid),
        "process.entity_id": pl.Series("process.entity_id", ev.map(ownGuid), pl.Utf8),
        "process.executable": ev.map((p) => p.image),
        "process.name": ev.map((p) => p.image.split("\\").pop() as string),
        "process.command_line": ev.map((p, i) => `${p.image} ${i}`),
        "process.parent.pid": ev.map((p) => procs[p.parent].pid),
        "process.parent.entity_id": pl.Series("process.parent.entity_id", ev.map((p) => parentGuid(procs, p)), pl.Utf8),
        "process.parent.executable": ev.map((p) => procs[p.parent].image),
        "process.start": ev.map((p) => iso(p.start)),
      });
    },
  },
  ocsf: {
    schema: OCSF_PROCESS_SCHEMA,
    frame: (procs) => {
      const ev = events(procs);
      return pl.DataFrame({
        time: ev.map((p) => p.start),
        class_uid: ev.map(() => 1007),
        type_uid: ev.map(() => 100701),
        "device.hostname": ev.map((p) => p.host),
        "process.pid": ev.map((p) => p.pid),
        "process.uid": pl.Series("process.uid", ev.map(ownGuid), pl.Utf8),
        "process.file.path": ev.map((p) => p.image),
        "process.cmd_line": ev.map((p, i) => `${p.image} ${i}`),
        "process.created_time": ev.map((p) => p.start),
        "process.parent_process.pid": ev.map((p) => procs[p.parent].pid),
        "process.parent_process.uid": pl.Series("process.parent_process.uid", ev.map((p) => parentGuid(procs, p)), pl.Utf8),
        "process.parent_process.file.path": ev.map((p) => procs[p.parent].image),
        "process.parent_process.created_time": ev.map((p) => procs[p.parent].start),
      });
    },
  },
};

describe("process GUIDs on generated exports with PID reuse: Sysmon, ECS, OCSF", () => {
  for (const [name, layout] of Object.entries(LAYOUTS)) {
    for (const seed of [1, 2, 3]) {
      it(`${name}, seed ${seed}: every GUID link is the true parent; rows without one as by PID and time`, () => {
        const procs = generateProcesses(seed, 160);
        const ev = events(procs);
        const rowOf = new Map(procs.map((p, i) => [i, ev.indexOf(p)]));
        const df = layout.frame(procs);
        assert.equal(processTreeSchema(df), layout.schema);
        const { schema } = layout;
        const tree = buildProcessTree(df);
        const byPid = buildProcessTree(df, { schema: withoutGuids(schema) });
        const parents = parentRows(tree, df.height);
        const labels = parentRows(tree, df.height, true);
        const before = parentRows(byPid, df.height, true);
        const records = tree.toRecords() as Record<string, unknown>[];
        const inferredRow = (ref: string): Record<string, unknown> => records[Number(ref.slice(1))];
        const missing = new Set<string>();
        let wrongByPid = 0;
        ev.forEach((p, i) => {
          const got = parents.get(i) as string;
          if (p.noParentGuid !== false) {
            assert.equal(labels.get(i), before.get(i), `row ${i}: no parent GUID, the PID + time rule`);
            return;
          }
          const parent = procs[p.parent];
          if (parent.event && !parent.noOwnGuid) {
            assert.equal(got, String(rowOf.get(p.parent)), `row ${i}: its GUID's process`);
            if (before.get(i) !== labels.get(i)) wrongByPid += 1;
            return;
          }
          // Not in the data (or without its own GUID): a parent inferred for this GUID, with the parent's id and image.
          assert.match(got, /^I/, `row ${i}: an inferred parent`);
          const row = inferredRow(got);
          assert.equal(row.IsInferred, true);
          assert.equal(row[schema.processGuid as string], parent.guid);
          assert.equal(row[schema.processId], parent.pid);
          assert.equal(row[schema.processName], parent.image);
          assert.equal(row[schema.hostName as string], p.host);
          missing.add(`${p.host}|${parent.guid}`);
        });
        // Without recorded parent start times the PID + time rule gets many of these wrong: the class the GUIDs fix.
        // (OCSF's here records them: the ids and times agree with the GUIDs.)
        if (!df.columns.includes(schema.parentCreationTime ?? "")) assert.ok(wrongByPid >= 10, `only ${wrongByPid} GUID links differ from the PID + time rule`);
        // One inferred parent per (host, GUID), and one per (host, PID, image) for the rows without GUIDs.
        const guidParents = new Set(ev.flatMap((p, i) => (p.noParentGuid === false && (parents.get(i) as string).startsWith("I") ? [parents.get(i)] : [])));
        assert.equal(guidParents.size, missing.size);
        const pidParents = new Set(ev.flatMap((p, i) => (p.noParentGuid !== false && (parents.get(i) as string).startsWith("I") ? [parents.get(i)] : [])));
        assert.equal(tree.filter(pl.col("IsInferred")).height, guidParents.size + pidParents.size);
        // The tree's own invariants.
        const keys = col<string>(tree, "proc_key");
        assert.equal(new Set(keys).size, keys.length);
        const roles = tree.select("IsRoot", "IsLeaf", "IsBranch").toRecords() as { IsRoot: boolean; IsLeaf: boolean; IsBranch: boolean }[];
        const parentKeys = new Set(col<string | null>(tree, "parent_key"));
        keys.forEach((k, r) => {
          assert.equal(roles[r].IsRoot, col<string | null>(tree, "parent_key")[r] === null);
          assert.equal(roles[r].IsLeaf, !parentKeys.has(k));
          assert.equal(roles[r].IsBranch, !roles[r].IsRoot && !roles[r].IsLeaf);
        });
      });
    }
  }
});

// ---------------------------------------------------------------- float parent ids

describe("a rebuilt parent's id from a float parent id column", () => {
  const cases: { name: string; schema: ProcSchema; frame: (parentIds: (number | null)[]) => pl.DataFrame }[] = [
    {
      name: "Windows 4688, text process ids",
      schema: WIN_EVENT_SCHEMA,
      frame: (ids) =>
        pl.DataFrame({
          TimeGenerated: ids.map((_, i) => utc(EPOCH + i * 1000)),
          Computer: ids.map(() => "wks-1"),
          EventID: ids.map(() => 4688),
          NewProcessName: ids.map(() => CMD),
          NewProcessId: ids.map((_, i) => `0x${(0x10 + i).toString(16)}`),
          ProcessId: pl.Series("ProcessId", ids, pl.Float64),
          ParentProcessName: ids.map(() => EXPLORER),
        }),
    },
    {
      name: "Sysmon 1, text process ids",
      schema: SYSMON_PROCESS_CREATE_SCHEMA,
      frame: (ids) =>
        pl.DataFrame({
          UtcTime: ids.map((_, i) => utc(EPOCH + i * 1000)),
          Computer: ids.map(() => "wks-1"),
          EventID: ids.map(() => 1),
          ProcessId: ids.map((_, i) => String(5000 + i)),
          Image: ids.map(() => CMD),
          ParentProcessId: pl.Series("ParentProcessId", ids, pl.Float64),
          ParentImage: ids.map(() => EXPLORER),
        }),
    },
  ];
  for (const c of cases) {
    it(`${c.name}: 420, not "420.0", in the id column and the key`, () => {
      const df = c.frame([420, null, 77, 420]);
      const tree = buildProcessTree(df);
      assert.equal(processTreeSchema(df), c.schema);
      const inferred = tree.filter(pl.col("IsInferred"));
      assert.deepEqual(col<string>(inferred, c.schema.processId).sort(), ["420", "77"]);
      assert.deepEqual(col<string>(inferred, "proc_key").sort(), ["c:\\windows\\explorer.exe|420|1970-01-01 00:00:00.000000", "c:\\windows\\explorer.exe|77|1970-01-01 00:00:00.000000"]);
      // The children's parent keys are those keys, the child with a null parent id a root.
      const real = tree.filter(pl.col("IsInferred").not());
      assert.deepEqual(
        col<string | null>(real, "parent_key").map((k) => (k === null ? null : k.split("|")[1])),
        col<number | null>(real, c.schema.parentId).map((v) => (v === null ? null : String(v))),
      );
    });
  }

  it("keeps a fraction when some value of the column has one", () => {
    const tree = buildProcessTree(cases[0].frame([420, 77.5]));
    assert.deepEqual(col<string>(tree.filter(pl.col("IsInferred")), "NewProcessId").sort(), ["420.0", "77.5"]);
  });
});
