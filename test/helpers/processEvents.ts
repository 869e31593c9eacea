/**
 * Generated Windows 4688 process-creation events with a known truth: valid
 * trees on several hosts, PIDs drawn from a small pool and reused once a
 * process has exited, times in milliseconds. Shape: half the processes are
 * started by one of up to 8 long-lived svchost.exe per host, the rest by any
 * running process (so trees are a few levels deep on average, with long tails). Used by the process-tree tests
 * and the benchmark.
 */
import pl from "nodejs-polars";
import { seededRandom } from "./random";

export interface GeneratedEvents {
  df: pl.DataFrame;
  /** For each row, the row index of its true parent, or -1 for a process whose parent is not in the data. */
  parentRow: number[];
}

const IMAGES = [
  "C:\\Windows\\System32\\cmd.exe",
  "C:\\Windows\\System32\\conhost.exe",
  "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
  "C:\\Windows\\System32\\svchost.exe",
  "C:\\Windows\\System32\\net.exe",
  "C:\\Windows\\System32\\reg.exe",
  "C:\\Program Files\\App\\app.exe",
];

const IMAGE_NAMES = IMAGES.map((image) => image.split("\\").pop() as string);

export function generate4688(n: number, options: { seed?: number; hosts?: number; pidPool?: number } = {}): GeneratedEvents {
  const random = seededRandom(options.seed ?? 42);
  const hosts = options.hosts ?? 4;
  const pool = options.pidPool ?? 2048;
  const start = Date.UTC(2024, 0, 1);
  const time: Date[] = [];
  const computer: string[] = [];
  const pid: string[] = [];
  const ppid: string[] = [];
  const image: string[] = [];
  const parentImage: string[] = [];
  const logon: string[] = [];
  const user: string[] = [];
  const cmd: string[] = [];
  const parentRow: number[] = [];
  interface Live { row: number; pid: number; image: string; end: number }
  const live: Live[][] = Array.from({ length: hosts }, () => []);
  const used: Set<number>[] = Array.from({ length: hosts }, () => new Set());
  const services: Live[][] = Array.from({ length: hosts }, () => []);
  let t = start;
  for (let i = 0; i < n; i += 1) {
    t += 1 + Math.floor(random() * 40);
    const h = Math.floor(random() * hosts);
    // Processes that have exited free their PID; the rest keep their order (in place, as in generateMde).
    const alive = live[h];
    let kept = 0;
    for (const p of alive) {
      if (p.end <= t) used[h].delete(p.pid);
      else alive[kept++] = p;
    }
    alive.length = kept;
    // Windows-like shape: half the processes are started by a long-lived
    // service of the host, the rest by any running process.
    let parent: Live | undefined;
    const r = random();
    if (services[h].length && r < 0.5) parent = services[h][Math.floor(random() * services[h].length)];
    else if (alive.length && r < 0.97) parent = alive[Math.floor(random() * alive.length)];
    if (used[h].size >= pool) throw new Error(`generate4688: all ${pool} PIDs of host${h} are in use; raise pidPool`);
    let p = 0;
    do p = 4 * (1 + Math.floor(random() * pool));
    while (used[h].has(p) || (parent && p === parent.pid));
    used[h].add(p);
    const imgIndex = Math.floor(random() * IMAGES.length);
    const img = IMAGES[imgIndex];
    time.push(new Date(t));
    computer.push(`host${h}`);
    pid.push(`0x${p.toString(16)}`);
    // An orphan's parent is a process from before the data (a PID outside the pool).
    ppid.push(parent ? `0x${parent.pid.toString(16)}` : `0x${(4 * (pool + 10 + h)).toString(16)}`);
    parentImage.push(parent ? parent.image : "C:\\Windows\\System32\\services.exe");
    image.push(img);
    logon.push(`0x${(0x3e7 + (h % 2)).toString(16)}`);
    user.push(`user${h}`);
    cmd.push(`${IMAGE_NAMES[imgIndex]} /c task ${i}`);
    parentRow.push(parent ? parent.row : -1);
    const proc = { row: i, pid: p, image: img, end: t + Math.floor(random() * 60_000) };
    if (services[h].length < 8 && img.endsWith("svchost.exe")) {
      proc.end = Number.MAX_SAFE_INTEGER;
      services[h].push(proc);
    }
    live[h].push(proc);
  }
  const df = pl.DataFrame({
    EventID: Array.from({ length: n }, () => 4688),
    TimeGenerated: time,
    Computer: computer,
    SubjectUserName: user,
    SubjectLogonId: logon,
    NewProcessId: pid,
    NewProcessName: image,
    ProcessId: ppid,
    CommandLine: cmd,
    ParentProcessName: parentImage,
    TargetLogonId: Array.from({ length: n }, () => "0x0"),
  });
  return { df, parentRow };
}

/** One simulated process of {@link generateMde}. */
export interface SimProcess {
  host: string;
  pid: number;
  /** Start time in µs since the epoch. */
  start: number;
  image: string;
  /** Index of its parent in `processes`, -1 for none (System). */
  parent: number;
}

export interface GeneratedMde {
  /** DeviceProcessEvents rows (ProcessCreated) of the processes started in the export window. */
  df: pl.DataFrame;
  /** Every simulated process, those started before the window included. */
  processes: SimProcess[];
  /** For each row, its process in `processes`. */
  rowProcess: number[];
}

const MDE_IMAGES = [
  "C:\\Windows\\System32\\cmd.exe",
  "C:\\Windows\\System32\\conhost.exe",
  "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
  "C:\\Windows\\System32\\sc.exe",
  "C:\\Windows\\System32\\net.exe",
  "C:\\Windows\\System32\\reg.exe",
  "C:\\Windows\\System32\\rundll32.exe",
  "C:\\Windows\\System32\\WerFault.exe",
  "C:\\Program Files\\Contoso\\agent.exe",
];

/**
 * Generated MDE `DeviceProcessEvents` with a known truth: each host boots
 * (System > smss > wininit > services > svchost…, explorer) before the export
 * window, so those processes appear only as parents and grandparents of the
 * events; PIDs come from a small pool and are reused once a process exits;
 * times carry 100 ns ticks. Options: `parentNames: false` drops
 * `InitiatingProcessFileName` and `InitiatingProcessParentFileName`;
 * `timeUnit` the unit of the time columns (default "ns").
 */
export function generateMde(n: number, options: { seed?: number; hosts?: number; pidPool?: number; parentNames?: boolean; timeUnit?: "us" | "ns" } = {}): GeneratedMde {
  const random = seededRandom(options.seed ?? 11);
  // A path's file name, split once per image: three per row (a million splits for the largest frame) otherwise.
  const baseNames = new Map<string, string>();
  const baseName = (image: string): string => {
    let b = baseNames.get(image);
    if (b === undefined) baseNames.set(image, (b = image.split("\\").pop() as string));
    return b;
  };
  const hosts = options.hosts ?? 2;
  const pool = options.pidPool ?? 1000;
  const processes: SimProcess[] = [];
  const cmdOf: string[] = [];
  const ticks: number[] = []; // extra 100 ns ticks of each start (0..9)
  interface Live { proc: number; end: number }
  const live: Live[][] = Array.from({ length: hosts }, () => []);
  const used: Set<number>[] = Array.from({ length: hosts }, () => new Set());
  const windowStart = Date.UTC(2026, 10, 2, 8, 0, 0) * 1000;
  // Boot processes are no random parent (`pickable` false): only svchost, explorer and the window's processes are.
  const spawn = (h: number, parent: number, image: string, start: number, life: number, pid?: number, pickable = true): number => {
    let p = pid ?? 0;
    if (pid === undefined) {
      if (used[h].size >= pool) throw new Error(`generateMde: all ${pool} PIDs of host ${h} in use; raise pidPool`);
      do p = 4 * (2 + Math.floor(random() * pool));
      while (used[h].has(p));
    }
    used[h].add(p);
    processes.push({ host: `wks-${String(h + 1).padStart(2, "0")}.contoso.local`, pid: p, start, image, parent });
    ticks.push(Math.floor(random() * 10));
    cmdOf.push(`${baseName(image)} ${image.includes("svchost") ? "-k netsvcs -p" : `/task ${processes.length}`}`);
    if (pickable) live[h].push({ proc: processes.length - 1, end: start + life });
    return processes.length - 1;
  };
  const services: number[][] = [];
  const servicesExe: number[] = [];
  const desktops: number[] = [];
  for (let h = 0; h < hosts; h += 1) {
    // Boot, an hour before the window; smss's first instance exits after starting wininit.
    const boot = windowStart - 3_600_000_000 + h * 7_000_000;
    const system = spawn(h, -1, "System", boot, Infinity, 4, false);
    const smss = spawn(h, system, "C:\\Windows\\System32\\smss.exe", boot + 1_200_000, Infinity, undefined, false);
    const smssChild = spawn(h, smss, "C:\\Windows\\System32\\smss.exe", boot + 2_500_000, 1_000_000, undefined, false);
    const wininit = spawn(h, smssChild, "C:\\Windows\\System32\\wininit.exe", boot + 2_900_000, Infinity, undefined, false);
    const svcs = spawn(h, wininit, "C:\\Windows\\System32\\services.exe", boot + 3_100_000, Infinity, undefined, false);
    servicesExe[h] = svcs;
    services[h] = Array.from({ length: 5 }, (_, k) => spawn(h, svcs, "C:\\Windows\\System32\\svchost.exe", boot + 3_500_000 + k * 150_000, Infinity));
    const userinit = spawn(h, wininit, "C:\\Windows\\System32\\userinit.exe", boot + 40_000_000, 2_000_000, undefined, false);
    desktops[h] = spawn(h, userinit, "C:\\Windows\\explorer.exe", boot + 41_000_000, Infinity);
  }
  const rowProcess: number[] = [];
  let t = windowStart;
  for (let i = 0; i < n; i += 1) {
    t += 1000 + Math.floor(random() * 40_000);
    const h = Math.floor(random() * hosts);
    // Exited processes free their PID; the rest keep their order (the random picks index this list). In place: a
    // filtered copy per event was 250,000 arrays of ~100 entries for the largest frame the tests generate.
    const running = live[h];
    let kept = 0;
    for (const p of running) {
      if (p.end <= t) used[h].delete(processes[p.proc].pid);
      else running[kept++] = p;
    }
    running.length = kept;
    const r = random();
    const parent = r < 0.03 ? servicesExe[h] : r < 0.35 ? services[h][Math.floor(random() * services[h].length)] : r < 0.5 ? desktops[h] : live[h][Math.floor(random() * live[h].length)].proc;
    const image = MDE_IMAGES[Math.floor(random() * MDE_IMAGES.length)];
    rowProcess.push(spawn(h, parent, image, t, 500 + Math.floor(random() * 10_000_000)));
  }
  const unit = options.timeUnit ?? "ns";
  const timeColumn = (name: string, procs: number[], lagUs = 0): pl.Series => {
    // ns since the epoch overflow a double's exact range: µs and 100 ns ticks are combined in Int64 by polars.
    const us = pl.Series("us", procs.map((p) => (p < 0 ? null : processes[p].start + lagUs)), pl.Int64);
    const tk = pl.Series("tk", procs.map((p) => (p < 0 ? 0 : ticks[p] * 100)), pl.Int64);
    const dt = pl.DataFrame([us, tk]).select(pl.col("us").mul(pl.lit(1000).cast(pl.Int64)).add(pl.col("tk")).cast(pl.Datetime("ns")).alias(name)).getColumn(name);
    return unit === "ns" ? dt : dt.cast(pl.Datetime("us"));
  };
  const parentOf = rowProcess.map((p) => processes[p].parent);
  const grandOf = parentOf.map((p) => (p < 0 ? -1 : processes[p].parent));
  const name = (p: number): string | null => (p < 0 ? null : baseName(processes[p].image));
  const columns: pl.Series[] = [
    timeColumn("Timestamp", rowProcess, 2),
    pl.Series("DeviceName", rowProcess.map((p) => processes[p].host)),
    pl.Series("ActionType", rowProcess.map(() => "ProcessCreated")),
    pl.Series("FileName", rowProcess.map(name)),
    pl.Series("FolderPath", rowProcess.map((p) => processes[p].image)),
    pl.Series("ProcessId", rowProcess.map((p) => processes[p].pid), pl.Int64),
    pl.Series("ProcessCommandLine", rowProcess.map((p) => cmdOf[p])),
    timeColumn("ProcessCreationTime", rowProcess),
    pl.Series("AccountName", rowProcess.map((p) => (processes[p].parent === desktops[0] ? "amartin" : "system"))),
    pl.Series("LogonId", rowProcess.map(() => 999), pl.Int64),
    pl.Series("InitiatingProcessFileName", parentOf.map(name)),
    pl.Series("InitiatingProcessFolderPath", parentOf.map((p) => processes[p].image)),
    pl.Series("InitiatingProcessId", parentOf.map((p) => processes[p].pid), pl.Int64),
    pl.Series("InitiatingProcessCommandLine", parentOf.map((p) => cmdOf[p])),
    timeColumn("InitiatingProcessCreationTime", parentOf),
    pl.Series("InitiatingProcessLogonId", parentOf.map(() => 999), pl.Int64),
    pl.Series("InitiatingProcessParentId", grandOf.map((p) => (p < 0 ? null : processes[p].pid)), pl.Int64),
    pl.Series("InitiatingProcessParentFileName", grandOf.map(name)),
    timeColumn("InitiatingProcessParentCreationTime", grandOf),
  ];
  let df = pl.DataFrame(columns);
  if (options.parentNames === false) df = df.drop("InitiatingProcessFileName", "InitiatingProcessParentFileName");
  return { df, processes, rowProcess };
}

/** A Security 4688 row written out: [time of day, host, pid, image, parent pid, parent image (null: not logged)]. */
export type Row4688 = [string, string, string, string, string, string | null];

/**
 * Security 4688 events without GUIDs from rows written out, for tests that build a few processes by hand:
 * `TimeGenerated` is `day` at each row's time of day, UTC (default 2024-01-01), `SubjectLogonId` one for all (default 0x1).
 */
export function events4688(rows: readonly Row4688[], { day = "2024-01-01", logonId = "0x1" }: { day?: string; logonId?: string } = {}): pl.DataFrame {
  return pl.DataFrame({
    EventID: rows.map(() => 4688),
    TimeGenerated: rows.map((r) => new Date(`${day}T${r[0]}Z`)),
    Computer: rows.map((r) => r[1]),
    NewProcessId: rows.map((r) => r[2]),
    NewProcessName: rows.map((r) => r[3]),
    ProcessId: rows.map((r) => r[4]),
    ParentProcessName: rows.map((r) => r[5]),
    SubjectLogonId: rows.map(() => logonId),
  });
}
