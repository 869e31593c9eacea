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
    // Processes that have exited free their PID.
    const alive = live[h].filter((p) => p.end > t);
    for (const p of live[h]) if (p.end <= t) used[h].delete(p.pid);
    live[h] = alive;
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
    const img = IMAGES[Math.floor(random() * IMAGES.length)];
    time.push(new Date(t));
    computer.push(`host${h}`);
    pid.push(`0x${p.toString(16)}`);
    // An orphan's parent is a process from before the data (a PID outside the pool).
    ppid.push(parent ? `0x${parent.pid.toString(16)}` : `0x${(4 * (pool + 10 + h)).toString(16)}`);
    parentImage.push(parent ? parent.image : "C:\\Windows\\System32\\services.exe");
    image.push(img);
    logon.push(`0x${(0x3e7 + (h % 2)).toString(16)}`);
    user.push(`user${h}`);
    cmd.push(`${img.split("\\").pop()} /c task ${i}`);
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
