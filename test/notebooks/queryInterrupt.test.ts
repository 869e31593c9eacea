/**
 * Interrupt Kernel during a big LocalData query, through the kernel protocol
 * (jupyter_client, the project's kernel specs in `.jupyter/`): in tslab and, if
 * registered, in Deno, a cell that queries a big CSV file (3M rows: about a second
 * here, quiet) is interrupted a quarter into the time the same query takes in the
 * test's own process (at most a second after it starts). The cell
 * must end, interrupted, within 1.5 s of the interrupt; the next cell must run
 * in the same kernel with its state kept (and a second query must work); and
 * the interrupted query must write nothing later (its read goes on in the
 * background, its rows are dropped), which is watched for until that read
 * has ended: on Linux until the kernel's processes are quiet (no thread
 * running, CPU flat for a second), else (and at most) three times the query's
 * time, 12 s at least.
 *
 * Needs dist/ (`npm run build`): the cells import huntlab as a notebook does.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { findPython, pythonCandidates } from "../../scripts/python.mjs";
import { kernelSpecRegistered } from "../helpers/kernelSpecs";
import { QueryProvider } from "../../src/data/queryProvider";

const ROOT = path.resolve(__dirname, "..", "..");
const JUPYTER_PATH = process.env.JUPYTER_PATH ?? path.join(ROOT, ".jupyter");
/** Rows of the generated CSV (about 110 bytes each): a query of it takes about a second on a quiet 2-core machine. */
const ROWS = Number(process.env.HUNTLAB_INTERRUPT_ROWS ?? 3_000_000);
/** The interrupted query's time window (most of the generated rows). */
const QUERY_WINDOW = { start: "2026-11-02", end: "2026-11-20" };

/** A Python with jupyter_client: the project's .venv (made by `npm test`), else the system's. */
function python(): string | undefined {
  const venv = path.join(ROOT, ".venv", "bin", "python");
  return findPython(["jupyter_client"], { candidates: [process.env.HUNTLAB_PYTHON, venv, ...pythonCandidates()].filter((c): c is string => !!c) });
}

// JUPYTER_PATH is a list (run.mjs puts the project's .jupyter first in whatever the user set).
const distMissing = () => (process.env.HUNTLAB_MODULE || fs.existsSync(path.join(ROOT, "dist", "index.js")) ? undefined : "no dist/: run npm run build");

/**
 * Runs `setup`, then `long` (interrupted once it has printed "query started"
 * and run `afterMs` more), then watches iopub until the kernel's processes go quiet
 * (the interrupted read has ended; Linux) or for `watchMs`, then runs `next`.
 * Prints one JSON object: each cell's outputs and reply, and the times.
 */
const DRIVER = String.raw`
import json, os, sys, time
from jupyter_client.manager import start_new_kernel

kernel, cwd, spec = sys.argv[1], sys.argv[2], json.load(open(sys.argv[3]))
km, kc = start_new_kernel(kernel_name=kernel, cwd=cwd, startup_timeout=120)
result = {}
outputs = {}  # parent msg_id -> [text]

def text_of(msg):
    c = msg["content"]
    t = msg["msg_type"]
    if t == "stream":
        return c["text"]
    if t in ("execute_result", "display_data"):
        return c["data"].get("text/plain", "")
    if t == "error":
        return "ERROR " + c["ename"] + ": " + c["evalue"]
    return None

def pump(until, stop=None):
    """Reads iopub until the time 'until' or until stop(msg) is true; keeps every output by parent."""
    while time.time() < until:
        try:
            msg = kc.get_iopub_msg(timeout=max(0.01, min(0.2, until - time.time())))
        except Exception:
            continue
        parent = msg.get("parent_header", {}).get("msg_id")
        t = text_of(msg)
        if t is not None:
            outputs.setdefault(parent, []).append([time.time(), t])
        if stop and stop(msg, parent):
            return True
    return False

def tree_state(root):
    """(CPU ticks, running threads) of the process root and its descendants, from Linux's /proc; None elsewhere."""
    try:
        entries = [e for e in os.listdir("/proc") if e.isdigit()]
    except OSError:
        return None
    parent = {}
    for e in entries:
        try:
            with open("/proc/" + e + "/stat") as f:
                rest = f.read().rsplit(")", 1)[1].split()
            parent[int(e)] = int(rest[1])
        except (OSError, IndexError, ValueError):
            pass
    tree, grew = {root}, True
    while grew:
        more = {p for p, pp in parent.items() if pp in tree and p not in tree}
        tree |= more
        grew = bool(more)
    ticks, running = 0, 0
    for pid in tree:
        try:
            tasks = os.listdir("/proc/%d/task" % pid)
        except OSError:
            continue
        for task in tasks:
            try:
                with open("/proc/%d/task/%s/stat" % (pid, task)) as f:
                    rest = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            # state (R running or waiting for a core, D in a disk read), utime, stime
            running += rest[0] in ("R", "D")
            ticks += int(rest[11]) + int(rest[12])
    return ticks, running

def pump_until_quiet(until, pid):
    """Reads iopub (pump) until the time 'until', or until the kernel's processes have been quiet for a second:
    no thread running or waiting for a core in ten samples, and at most 2 ticks of CPU. The interrupted query's
    read goes on in the background, and its end is what the watch waits for; a fixed watch long enough for a
    loaded machine was mostly idle waiting. Returns whether the kernel went quiet before 'until'."""
    if pid is None or tree_state(pid) is None:
        pump(until)
        return False
    while time.time() < until:
        before = tree_state(pid)
        busy = False
        for _ in range(10):
            pump(min(until, time.time() + 0.1))
            state = tree_state(pid)
            # A thread of the read is R (or D) even when starved of a core.
            busy = busy or state is None or state[1] > 0
        after = tree_state(pid)
        if not busy and before and after and after[0] - before[0] <= 2:
            # Output already on its way is read too.
            pump(min(until, time.time() + 0.5))
            return True
    return False

def idle_of(msg_id):
    return lambda msg, parent: parent == msg_id and msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle"

def started_of(msg_id):
    return lambda msg, parent: parent == msg_id and msg["msg_type"] == "stream" and "query started" in msg["content"]["text"]

def reply(msg_id, timeout):
    end = time.time() + timeout
    while time.time() < end:
        try:
            r = kc.get_shell_msg(timeout=1)
        except Exception:
            continue
        if r["parent_header"].get("msg_id") == msg_id:
            return r["content"]
    return None

def run(code, timeout):
    msg_id = kc.execute(code)
    done = pump(time.time() + timeout, idle_of(msg_id))
    r = reply(msg_id, 10)
    return {"id": msg_id, "done": done, "status": r and r["status"], "ename": r and r.get("ename"), "out": [t for _, t in outputs.get(msg_id, [])]}

try:
    result["setup"] = run(spec["setup"], 240)
    long_id = kc.execute(spec["long"])
    started = pump(time.time() + 120, started_of(long_id))
    result["started"] = started
    t_start = time.time()
    pump(t_start + spec["afterMs"] / 1000)
    t_int = time.time()
    km.interrupt_kernel()
    ended = pump(t_int + 30, idle_of(long_id))
    result["stoppedMs"] = (time.time() - t_int) * 1000 if ended else None
    r = reply(long_id, 10)
    result["long"] = {"status": r and r["status"], "ename": r and r.get("ename"), "evalue": r and r.get("evalue")}
    # The read goes on in the background: watch for anything written while it would have run.
    t_watch = time.time()
    proc = getattr(getattr(km, "provisioner", None), "process", None)
    result["quiet"] = pump_until_quiet(t_watch + spec["watchMs"] / 1000, getattr(proc, "pid", None))
    result["watchedMs"] = round((time.time() - t_watch) * 1000)
    result["next"] = run(spec["next"], 240)
    pump(time.time() + 1)
    result["longOut"] = [[round((t - t_int) * 1000), s] for t, s in outputs.get(long_id, [])]
    result["nextOut"] = [s for _, s in outputs.get(result["next"]["id"], [])]
    result["otherOut"] = [s for p, v in outputs.items() if p not in (long_id, result["next"]["id"], result["setup"]["id"]) for _, s in v]
finally:
    kc.stop_channels()
    km.shutdown_kernel(now=True)
print("RESULT " + json.dumps(result))
`;

interface DriverResult {
  /** Whether the watch ended because the kernel went quiet, and how long it took. */
  quiet: boolean;
  watchedMs: number;
  setup: { status: string; ename?: string; out: string[] };
  started: boolean;
  stoppedMs: number | null;
  long: { status: string; ename?: string; evalue?: string };
  next: { status: string; ename?: string; out: string[] };
  longOut: [number, string][];
  nextOut: string[];
  otherOut: string[];
}

/** Writes `rows` process events as CSV: a block of distinct rows, repeated (the read's cost is what matters). */
function writeEvents(file: string, rows: number): void {
  const hosts = ["WKS-0001", "WKS-0002", "SRV-DB01", "SRV-WEB02", "LAPTOP-77"];
  const base = Date.UTC(2026, 10, 1);
  const block = 100_000;
  const lines: string[] = [];
  for (let i = 0; i < block; i++) {
    const t = new Date(base + i * 25_919).toISOString().replace("T", " ").replace("Z", "");
    lines.push(`${t},${hosts[i % 5]},${4688 + (i % 3)},user${i % 97},"C:\\Windows\\System32\\cmd.exe /c echo ${i} > C:\\temp\\out${i % 13}.txt"\n`);
  }
  const chunk = Buffer.from(lines.join(""));
  const fd = fs.openSync(file, "w");
  try {
    fs.writeSync(fd, "TimeGenerated,Computer,EventID,Account,CommandLine\n");
    for (let written = 0; written < rows; written += block) fs.writeSync(fd, chunk);
  } finally {
    fs.closeSync(fd);
  }
}

/** The small file the next cell queries, to show a query right after the interrupt works. */
function writeSmall(file: string): void {
  fs.writeFileSync(file, "TimeGenerated,Computer\n2026-11-01 10:00:00,WKS-0001\n2026-11-01 11:00:00,WKS-0002\n2026-11-02 10:00:00,WKS-0001\n");
}

interface KernelCase {
  name: string;
  /** How the cells import huntlab. */
  importLine: string;
}

/** The module the cells import: huntlab (dist/), or another build of it (`HUNTLAB_MODULE`, an absolute path to its index.js). */
const MODULE = JSON.stringify(process.env.HUNTLAB_MODULE ?? "huntlab");

const KERNELS: KernelCase[] = [
  { name: "tslab", importLine: `import { QueryProvider } from ${MODULE};` },
  { name: "deno", importLine: `import { QueryProvider } from ${MODULE};` },
];

describe("Interrupt Kernel during a big LocalData query", { timeout: 900_000 }, () => {
  const py = python();
  let dir = "";

  /** The query's time uninterrupted, in this process ({@link before}). */
  let queryMs = 0;

  before(async () => {
    if (!py || distMissing()) return;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "huntlab-qint-"));
    fs.mkdirSync(path.join(dir, "big"));
    fs.mkdirSync(path.join(dir, "small"));
    writeEvents(path.join(dir, "big", "events.csv"), ROWS);
    writeSmall(path.join(dir, "small", "few.csv"));
    // How long the query takes here, timed once in this process: the interrupt must come while its read runs (with a
    // faster CSV reader, a fixed second after "query started" came after the whole read had ended on a quiet machine).
    const t0 = Date.now();
    const provider = new QueryProvider("LocalData", { dataPaths: [path.join(dir, "big")], queryPaths: [path.join(dir, "big")] }) as unknown as Record<string, Record<string, (p: object) => Promise<unknown>>>;
    await provider.LocalData.events(QUERY_WINDOW);
    queryMs = Date.now() - t0;
  });
  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const kernel of KERNELS) {
    const skip = !py ? "no Python with jupyter_client" : (distMissing() ?? (!kernelSpecRegistered(kernel.name, JUPYTER_PATH) && `no ${kernel.name} kernel registered in ${JUPYTER_PATH}`));
    test(`${kernel.name}: the query stops within 1.5 s of the interrupt, the kernel keeps its state, and nothing is written later`, { skip, timeout: 600_000 }, (t) => {
      const big = JSON.stringify(path.join(dir, "big"));
      const small = JSON.stringify(path.join(dir, "small"));
      const spec = {
        setup: [
          kernel.importLine,
          `const qp = new QueryProvider("LocalData", { dataPaths: [${big}], queryPaths: [${big}] });`,
          `const few = new QueryProvider("LocalData", { dataPaths: [${small}], queryPaths: [${small}] });`,
          `const kept = 6 * 7;`,
          // A warm-up query of the small file: module and kernel start-up costs stay out of the timed cell.
          `const warm = await few.LocalData.few();`,
          `console.log("ready " + warm.height);`,
        ].join("\n"),
        // "query started" once the call has returned its promise: the interrupt then comes during polars' read.
        long: [
          `const t0 = Date.now();`,
          `const pending = qp.LocalData.events(${JSON.stringify(QUERY_WINDOW)});`,
          `console.log("query started");`,
          `const events = await pending;`,
          `console.log("LATE rows " + events.height + " after " + (Date.now() - t0) + " ms");`,
        ].join("\n"),
        // A quarter into the query (at most a second): after its synchronous sample, during polars' read.
        afterMs: Math.max(100, Math.min(1000, Math.round(queryMs / 4))),
        // Longer than the whole read takes here, so that a late write would be seen; on Linux the watch ends sooner, once
        // the kernel's processes are quiet (the read in the background has ended: no thread running, CPU flat for a second).
        watchMs: Number(process.env.HUNTLAB_INTERRUPT_WATCH_MS ?? Math.max(12_000, 3 * queryMs)),
        next: [`const again = await few.LocalData.few({ start: "2026-11-01", end: "2026-11-01 23:59" });`, `console.log("still here: " + kept + ", " + again.height + " rows");`].join("\n"),
      };
      const specFile = path.join(dir, `${kernel.name}-spec.json`);
      const driver = path.join(dir, "driver.py");
      fs.writeFileSync(specFile, JSON.stringify(spec));
      fs.writeFileSync(driver, DRIVER);
      const run = spawnSync(py as string, [driver, kernel.name, path.join(ROOT, "notebooks"), specFile], {
        encoding: "utf8",
        env: { ...process.env, JUPYTER_PATH },
        timeout: 540_000,
        maxBuffer: 16 << 20,
      });
      const line = run.stdout.split("\n").find((l) => l.startsWith("RESULT "));
      assert.ok(line, `the driver ran (status ${run.status}):\n${run.stdout.slice(-2000)}\n${run.stderr.slice(-3000)}`);
      const r = JSON.parse(line.slice("RESULT ".length)) as DriverResult;
      t.diagnostic(`${kernel.name}: the query takes ${queryMs} ms uninterrupted (interrupted ${spec.afterMs} ms after it started); the cell stopped ${r.stoppedMs === null ? "never" : Math.round(r.stoppedMs)} ms after the interrupt; late output watched for ${r.watchedMs} ms (of ${spec.watchMs}${r.quiet ? ", until the kernel was quiet" : ""}); long cell: ${JSON.stringify(r.long)}; its outputs: ${JSON.stringify(r.longOut)}`);
      assert.equal(r.setup.status, "ok", `setup cell: ${JSON.stringify(r.setup)}`);
      assert.ok(r.started, "the long cell started its query");
      assert.ok(r.stoppedMs !== null, "the long cell ended after the interrupt");
      assert.ok((r.stoppedMs as number) < 1500, `the cell ended ${Math.round(r.stoppedMs as number)} ms after the interrupt`);
      assert.equal(r.long.status, "error", "the long cell ended interrupted (an error), not with its rows");
      assert.ok(!r.longOut.some(([, s]) => /LATE rows/.test(s)), `the interrupted query wrote its rows: ${JSON.stringify(r.longOut)}`);
      assert.deepEqual(r.otherOut.filter((s) => /LATE/.test(s)), [], "no late output anywhere");
      assert.equal(r.next.status, "ok", `next cell: ${JSON.stringify(r.next)}`);
      assert.ok(r.nextOut.some((s) => /still here: 42, 2 rows/.test(s)), `the next cell ran in the same kernel with a second query: ${JSON.stringify(r.nextOut)}`);
      assert.ok(!r.nextOut.some((s) => /LATE/.test(s)), "no late output in the next cell");
    });
  }
});
