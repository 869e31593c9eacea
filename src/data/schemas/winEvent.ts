/**
 * Windows events exported the plain way, `Get-WinEvent | Export-Csv`: the
 * columns are the .NET EventLogRecord's, the event's own fields only in the
 * `Message` text, and `ProcessId` is the process that wrote the log (4 for
 * Security), so a close-name hint would lead to a wrong process tree.
 * {@link winEventFields} reads the fields back out of Windows' English
 * rendering of Sysmon events and Security 4688 / 4624 / 4625.
 */
import pl from "nodejs-polars";
import { columnNames, columnOf, frameHeight, frameOf, withPlainNames } from "../../common/frames";
import { printWarning } from "../../common/messages";
import { quotedText } from "../../common/shownText";
import { HuntlabError } from "../../common/errors";
import { dataWarnings } from "../messages";
import { isTextType } from "../../common/dtypes";
import { parseTimeSeries, provenDayFirst, strptimeExpr } from "../timeParsing";
import { CodedText } from "../../common/codedText";
import type { EventKind } from "./types";
import { SYSMON_FIELD_NAMES, sysmonOrder, type SYSMON_ORDERS, type SysmonOrder } from "./sysmonSchema";

/** The docs section whose PowerShell command exports the EventData fields as columns. */
export const EVTX_DOCS = 'docs/schemas.md, section "From EVTX (Windows event logs)"';

/** EventLogRecord properties every Get-WinEvent export has (Export-Csv writes them all, in this case). */
const RECORD_COLUMNS = ["Message", "Id", "ProviderName", "MachineName", "TimeCreated"] as const;

/** True when the columns are a Get-WinEvent export's (EventLogRecord properties, not the event's fields). */
export function isWinEventExport(columns: readonly string[]): boolean {
  const have = new Set(columns);
  return RECORD_COLUMNS.every((c) => have.has(c));
}

/** Options of {@link winEventFields}. */
export interface WinEventFieldsOptions {
  /** Where warnings go (Messages in another language, cut Messages). Default: printed. */
  warn?: (message: string) => void;
  /**
   * The reader has said already that TimeCreated's slash dates read either way and kept them as text (huntlab's
   * CSV reader does, naming the file): not said again. Default false.
   */
  timeCreatedWarned?: boolean;
  /** The file or query the frame came from, named in warnings. Default: none (the warnings name the Message column only). */
  source?: string;
}

/**
 * Frames a reader returned after saying that their TimeCreated's slash dates read either way (kept as text):
 * {@link winEventFields} on such a frame (buildProcessTree's first step) does not say it again. A frame derived
 * from one (filtered, sliced) is a new frame, and is told once more.
 */
const timeCreatedTold = new WeakSet<pl.DataFrame>();

/** Marks `df` as a reader's frame whose TimeCreated slash dates were warned about (see {@link timeCreatedTold}). */
export function markTimeCreatedWarned(df: pl.DataFrame): pl.DataFrame {
  timeCreatedTold.add(df);
  return df;
}

/** Whether a reader has warned about `df`'s TimeCreated already ({@link markTimeCreatedWarned}). */
export function timeCreatedWarned(df: pl.DataFrame): boolean {
  return timeCreatedTold.has(df);
}

/**
 * The EventLogRecord's properties, which Get-WinEvent's exports have as columns (Export-Csv writes them all). An event
 * field of one of these names (Sysmon 4's `Version`, Sysmon 255's `ID`; compared ignoring case) would replace the
 * export's column for every row, null where the event has no such field: it is added as `EventData<Name>` instead.
 * `ProcessId` is the exception on purpose: the export's is the log writer's (4), the event's is the one the schemas need.
 */
const RECORD_PROPERTIES: ReadonlySet<string> = new Set(
  [
    "Id", "Version", "Qualifiers", "Level", "Task", "Opcode", "Keywords", "RecordId", "ProviderName", "ProviderId", "LogName", "ThreadId",
    "MachineName", "UserId", "TimeCreated", "ActivityId", "RelatedActivityId", "ContainerLog", "MatchedQueryIds", "Bookmark", "LevelDisplayName",
    "OpcodeDisplayName", "TaskDisplayName", "KeywordsDisplayNames", "Properties", "Message",
  ].map((n) => n.toLowerCase()),
);
/**
 * The column an event field is added as: its own name, or `EventData<Name>` when that is an export column
 * ({@link RECORD_PROPERTIES}) or one of the columns added beside them ({@link ADDED_COLUMNS}).
 */
const fieldColumn = (name: string) => (RECORD_PROPERTIES.has(name.toLowerCase()) || ADDED_COLUMNS.has(name) ? "EventData" + name : name);

/** Longest Message read: Windows' own are a few KB; a longer one is cut here (bounded work per row). */
export const MAX_MESSAGE_CHARS = 65_536;
/** The columns winEventFields adds from the export's own (Id, MachineName, TimeCreated): a Message key of that name is dropped. */
const ADDED_COLUMNS: ReadonlySet<string> = new Set(["EventID", "Computer", "TimeGenerated"]);
const SECURITY = "Microsoft-Windows-Security-Auditing";
const SYSMON = "Microsoft-Windows-Sysmon";
/**
 * Sysmon for Linux's provider (its syslog `<Event>` XML): the same event ids and EventData names as Windows' Sysmon,
 * so its events are read as Sysmon's wherever the tables below name {@link SYSMON}.
 */
const LINUX_SYSMON = "Linux-Sysmon";
/** True when a provider is Sysmon's, on Windows or Linux. */
const isSysmon = (provider: unknown) => provider === SYSMON || provider === LINUX_SYSMON;
/** Whether a row's provider is an event table's `provider` (Sysmon's: either one). */
const isProvider = (provider: unknown, wanted: string) => provider === wanted || (wanted === SYSMON && provider === LINUX_SYSMON);

/** An English Security message template: its first line, the sections naming whose account it is, its other labels. */
interface Template {
  title: string;
  /** Section → prefix of the account labels under it (Subject…, Target…): the section decides the field. */
  accounts: Readonly<Record<string, "Subject" | "Target">>;
  /** Label → EventData name, for labels said once in the template. */
  fields: Readonly<Record<string, string>>;
  /** Start of the template's closing explanation (after its last field): from its last such line on, nothing is a field's. */
  trailer: string;
  /**
   * The field whose value may hold line breaks (the command line, the template's last field): its value runs to the
   * closing explanation, blank, indented and heading-like lines included; only a label not met yet starts another field.
   */
  verbatim?: string;
}
const ACCOUNT_LABELS: Readonly<Record<string, string>> = { "Security ID": "UserSid", "Account Name": "UserName", "Account Domain": "DomainName", "Logon ID": "LogonId" };

// Labels and sections of learn.microsoft.com's "4688(S) A new process has been created", "4624(S) An account was
// successfully logged on" and "4625(F) An account failed to log on" (Windows 10 / Server 2016 and the older ones).
const TEMPLATES: Readonly<Record<number, Template>> = {
  4688: {
    title: "A new process has been created.",
    accounts: { Subject: "Subject", "Creator Subject": "Subject", "Target Subject": "Target" },
    fields: {
      "New Process ID": "NewProcessId", "New Process Name": "NewProcessName", "Token Elevation Type": "TokenElevationType", "Mandatory Label": "MandatoryLabel",
      "Creator Process ID": "ProcessId", "Creator Process Name": "ParentProcessName", "Process Command Line": "CommandLine",
    },
    trailer: "Token Elevation Type indicates ",
    verbatim: "CommandLine",
  },
  4624: {
    title: "An account was successfully logged on.",
    accounts: { Subject: "Subject", "New Logon": "Target" },
    fields: {
      "Logon Type": "LogonType", "Restricted Admin Mode": "RestrictedAdminMode", "Virtual Account": "VirtualAccount", "Elevated Token": "ElevatedToken",
      "Impersonation Level": "ImpersonationLevel", "Linked Logon ID": "TargetLinkedLogonId", "Network Account Name": "TargetOutboundUserName",
      "Network Account Domain": "TargetOutboundDomainName", "Logon GUID": "LogonGuid", "Process ID": "ProcessId", "Process Name": "ProcessName",
      "Workstation Name": "WorkstationName", "Source Network Address": "IpAddress", "Source Port": "IpPort", "Logon Process": "LogonProcessName",
      "Authentication Package": "AuthenticationPackageName", "Transited Services": "TransmittedServices", "Package Name (NTLM only)": "LmPackageName", "Key Length": "KeyLength",
    },
    trailer: "This event is generated when a logon session is created.",
  },
  4625: {
    title: "An account failed to log on.",
    accounts: { Subject: "Subject", "Account For Which Logon Failed": "Target" },
    fields: {
      "Logon Type": "LogonType", "Failure Reason": "FailureReason", Status: "Status", "Sub Status": "SubStatus",
      "Caller Process ID": "ProcessId", "Caller Process Name": "ProcessName", "Workstation Name": "WorkstationName", "Source Network Address": "IpAddress",
      "Source Port": "IpPort", "Logon Process": "LogonProcessName", "Authentication Package": "AuthenticationPackageName", "Transited Services": "TransmittedServices",
      "Package Name (NTLM only)": "LmPackageName", "Key Length": "KeyLength",
    },
    trailer: "This event is generated when a logon request fails.",
  },
};

/**
 * Security events' EventData names in their XML order, which is the order of Get-WinEvent's `Properties` (the values
 * without names, language-independent): the newest template of each (learn.microsoft.com's XML samples; 4688 version 2,
 * 4624 version 2, 4625 version 0). Older versions are shorter: fields are only ever appended.
 */
const EVENT_DATA_ORDER: Readonly<Record<number, readonly string[]>> = {
  4688: [
    "SubjectUserSid", "SubjectUserName", "SubjectDomainName", "SubjectLogonId", "NewProcessId", "NewProcessName", "TokenElevationType", "ProcessId",
    "CommandLine", "TargetUserSid", "TargetUserName", "TargetDomainName", "TargetLogonId", "ParentProcessName", "MandatoryLabel",
  ],
  4624: [
    "SubjectUserSid", "SubjectUserName", "SubjectDomainName", "SubjectLogonId", "TargetUserSid", "TargetUserName", "TargetDomainName", "TargetLogonId",
    "LogonType", "LogonProcessName", "AuthenticationPackageName", "WorkstationName", "LogonGuid", "TransmittedServices", "LmPackageName", "KeyLength",
    "ProcessId", "ProcessName", "IpAddress", "IpPort", "ImpersonationLevel", "RestrictedAdminMode", "TargetOutboundUserName", "TargetOutboundDomainName",
    "VirtualAccount", "TargetLinkedLogonId", "ElevatedToken",
  ],
  4625: [
    "SubjectUserSid", "SubjectUserName", "SubjectDomainName", "SubjectLogonId", "TargetUserSid", "TargetUserName", "TargetDomainName", "Status",
    "FailureReason", "SubStatus", "LogonType", "LogonProcessName", "AuthenticationPackageName", "WorkstationName", "TransmittedServices", "LmPackageName",
    "KeyLength", "ProcessId", "ProcessName", "IpAddress", "IpPort",
  ],
};

type Fields = Map<string, string>;
/** A Message's fields, and whether it named one twice (only a forged line does: a Message lists each field once). */
interface Read {
  fields: Fields;
  repeated: boolean;
}

/** Fields EventData writes in hex: logon and process ids (HexInt64, Pointer) and NTSTATUS codes (HexInt32). */
const isHexField = (name: string) => name.endsWith("LogonId") || name.endsWith("ProcessId") || name === "Status" || name === "SubStatus";

/** Windows renders logon and process ids and NTSTATUS codes in upper case (`0x3E7`, `0xC000006D`); EventData has them in lower case. */
function fieldValue(name: string, value: string): string {
  return isHexField(name) && value.startsWith("0x") ? value.toLowerCase() : value;
}

/**
 * A row's `Properties` values as text, as `ConvertTo-Json` writes them (`[{"Value": "S-1-5-18"}, {"Value": 999}, …]`,
 * or plain values); undefined when the row has none (an `Export-Csv` writes the property's type name instead).
 */
function propertyValues(raw: unknown): (string | null)[] | undefined {
  if (!Array.isArray(raw) || raw.length === 0) return undefined;
  return raw.map((p) => {
    const v: unknown = p !== null && typeof p === "object" && !Array.isArray(p) ? (p as { Value?: unknown }).Value : p;
    return typeof v === "string" ? objectValue(v) : typeof v === "number" || typeof v === "bigint" || typeof v === "boolean" ? String(v) : null;
  });
}

/**
 * A `ConvertTo-Json -Depth 3` SID (`{"BinaryLength": 28, …, "Value": "S-1-5-21-…"}`), which polars' JSON lines
 * reader keeps as its JSON text beside plain values, as its `Value`; other text as it is.
 */
function objectValue(text: string): string {
  if (!text.startsWith("{") || !text.endsWith("}") || text.length > 65_536) return text;
  try {
    const inner = (JSON.parse(text) as { Value?: unknown }).Value;
    return typeof inner === "string" || typeof inner === "number" ? String(inner) : text;
  } catch {
    return text;
  }
}

/** A Security event's fields from its `Properties` by position ({@link EVENT_DATA_ORDER}); hex fields given as numbers (JSON has no hex) in EventData's `0x…`. */
function propertyFields(values: readonly (string | null)[], order: readonly string[]): Fields {
  const fields: Fields = new Map();
  order.forEach((name, i) => {
    const v = i < values.length ? values[i] : null;
    if (v === null) return;
    fields.set(name, isHexField(name) && /^\d{1,20}$/.test(v) ? "0x" + BigInt(v).toString(16) : fieldValue(name, v));
  });
  return fields;
}

/** A line's label (before its first colon) and value (after it, leading blanks dropped); undefined without a colon. */
function labelled(line: string): [string, string] | undefined {
  const colon = line.indexOf(":");
  return colon < 0 ? undefined : [line.slice(0, colon).trim(), line.slice(colon + 1).trimStart()];
}

/**
 * A Sysmon line's value: after its first colon and the one space Sysmon's templates put there (`CommandLine: %11`), so a
 * value's own leading blanks and tabs (a padded command line) stay.
 */
function sysmonValue(line: string): string {
  const rest = line.slice(line.indexOf(":") + 1);
  return rest.startsWith(" ") ? rest.slice(1) : rest;
}

/** `value`, then `blanks` blank lines and `line`: a value's own line breaks, as `\n`. */
const continued = (value: string | undefined, blanks: number, line: string) => `${value}${"\n".repeat(blanks + 1)}${line}`;

/**
 * Sysmon's `Key: Value` lines, keys its event's field names ({@link SYSMON_ORDERS}); any other line continues the value before it,
 * blank lines too (Windows renders a command line verbatim; its template has no blank line): blank lines before the next
 * field are the end of the value before it, only those at the Message's end are dropped.
 *
 * In the event's field order ({@link SYSMON_ORDERS}, every event id of Sysmon 15), a line names a field's start only when
 * that field comes later in the order than the one being read: a line naming the same or an earlier field, or a field
 * of another event, is text of the value.
 * A verbatim value (a command line) ends at the LAST line naming the field due after it (or a later one, when every
 * field in between is optional) that is followed by the rest of the fields that every version writes: a command line's
 * own `CurrentDirectory: C:\x` line, which is followed by no `User`, `LogonGuid`… of its own, stays in it. When no line
 * fits (a Message cut short, a version writing other fields), the first line naming a later field ends it.
 * An event id not in the table (a newer Sysmon's) is read by field names alone ({@link SYSMON_FIELD_NAMES}, any event's):
 * a key's first line wins and a repeat is text of the value before it.
 * `repeated`: a line named a field of the event and was kept as text (a field named twice or out of its place).
 */
function sysmonFields(lines: readonly string[], eventId: number): Read {
  const order = sysmonOrder(eventId);
  // Each line's field: its index in the order (with an order), else 0 for any Sysmon field name; -1 for none.
  const rank = (key: string): number => (order ? order.fields.indexOf(key) : SYSMON_FIELD_NAMES.has(key) ? 0 : -1);
  const keys = lines.map((line, i) => {
    const kv = i > 0 ? labelled(line) : undefined;
    return kv && rank(kv[0]) >= 0 ? kv[0] : undefined;
  });
  const latest = order ? latestStarts(keys, order) : [];
  const out: Fields = new Map();
  let last: string | undefined;
  let lastRank = -1;
  let until = -1; // with an order, the line a verbatim value runs to (exclusive)
  let blanks = 0; // blank lines since the last text of `last`: kept if a field or more of its text follows
  let repeated = false;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    const key = keys[i];
    const starts = key !== undefined && (order ? i >= until && rank(key) > lastRank : !out.has(key));
    if (key !== undefined && !starts) repeated = true;
    if (starts) {
      if (last !== undefined && blanks) out.set(last, out.get(last) + "\n".repeat(blanks));
      last = key;
      lastRank = rank(key);
      blanks = 0;
      out.set(key, fieldValue(key, sysmonValue(lines[i])));
      until = order?.verbatim.has(key) ? verbatimEnd(keys, order, i, latest) : -1;
    } else if (line === "") blanks++;
    else if (last !== undefined) {
      out.set(last, continued(out.get(last), blanks, line));
      blanks = 0;
    }
  }
  return { fields: out, repeated };
}

/** The fields every Sysmon version writes, in order. */
const requiredFields = (order: SysmonOrder): string[] => order.fields.filter((f) => !order.optional.has(f));

/**
 * For each field every version writes ({@link requiredFields}), the last line where it can start with all those after it
 * following in order (-1: none). Found once from the end: linear in the lines.
 */
function latestStarts(keys: readonly (string | undefined)[], order: SysmonOrder): number[] {
  const required = requiredFields(order);
  const latest = new Array<number>(required.length).fill(-1);
  let bound = keys.length;
  for (let r = required.length - 1; r >= 0; r--) {
    let at = -1;
    for (let i = bound - 1; i > 0 && at < 0; i--) if (keys[i] === required[r]) at = i;
    if (at < 0) break;
    latest[r] = bound = at;
  }
  return latest;
}

/**
 * The line the verbatim value starting at line `start` runs to (exclusive): the last line naming a field allowed next (the
 * next in the order, or a later one past optional fields only) that is followed, in order, by every field all versions
 * write after it ({@link latestStarts}); else the first line naming any later field; else the Message's end.
 */
function verbatimEnd(keys: readonly (string | undefined)[], order: SysmonOrder, start: number, latest: readonly number[]): number {
  const required = requiredFields(order);
  const f = order.fields.indexOf(keys[start]!);
  const allowed = new Set<string>();
  for (let g = f + 1; g < order.fields.length; g++) {
    allowed.add(order.fields[g]);
    if (!order.optional.has(order.fields[g])) break;
  }
  // A field allowed next at line i fits when the first required field after it can start after i.
  const fits = (i: number): boolean => {
    const g = order.fields.indexOf(keys[i]!);
    const r = required.findIndex((name) => order.fields.indexOf(name) > g);
    return r < 0 || latest[r] > i;
  };
  for (let i = keys.length - 1; i > start; i--) if (keys[i] !== undefined && allowed.has(keys[i]!) && fits(i)) return i;
  for (let i = start + 1; i < keys.length; i++) if (keys[i] !== undefined && order.fields.indexOf(keys[i]!) > f) return i;
  return keys.length;
}

/** Index of the template's closing explanation (its last line starting with `trailer`: a command line before it may copy it), else the end. */
function trailerAt(lines: readonly string[], trailer: string): number {
  for (let i = lines.length - 1; i > 0; i--) if (lines[i].startsWith(trailer)) return i;
  return lines.length;
}

/**
 * A Security message's fields by its template (first line of each wins, as in {@link sysmonFields}), or undefined when it is not
 * the template's English text. A value ends at a blank line, a section heading or an indented line that is no label, except the
 * template's verbatim field (the command line), which runs to the closing explanation; unindented lines continue any value.
 */
function securityFields(lines: readonly string[], template: Template): Read | undefined {
  if (lines.find((l) => l.trim() !== "")?.trim() !== template.title) return undefined;
  const out: Fields = new Map();
  let section = "";
  let last: string | undefined;
  let blanks = 0; // blank lines inside the verbatim value, kept if more of it follows
  let repeated = false;
  const end = trailerAt(lines, template.trailer);
  for (let i = 0; i < end; i++) {
    const line = lines[i];
    const verbatim = last !== undefined && last === template.verbatim;
    const indented = line.startsWith("\t") || line.startsWith(" ");
    const kv = labelled(line);
    if (!verbatim && !indented && kv && kv[1] === "" && !Object.hasOwn(template.fields, kv[0])) {
      section = kv[0];
      last = undefined;
      continue;
    }
    const account = kv && Object.hasOwn(ACCOUNT_LABELS, kv[0]) && Object.hasOwn(template.accounts, section) ? template.accounts[section] + ACCOUNT_LABELS[kv[0]] : undefined;
    const name = account ?? (kv && Object.hasOwn(template.fields, kv[0]) ? template.fields[kv[0]] : undefined);
    const repeat = name !== undefined && out.has(name);
    if (repeat) repeated = true;
    if (kv && name && !repeat) {
      last = name;
      blanks = 0;
      out.set(name, fieldValue(name, kv[1]));
    } else if (verbatim && line === "") blanks++;
    else if (last !== undefined && line !== "" && (verbatim || !indented || repeat)) {
      out.set(last, continued(out.get(last), blanks, line)); // a command line's own line breaks
      blanks = 0;
    } else last = undefined;
  }
  return { fields: out, repeated };
}

/**
 * TimeCreated as times without a zone (the exporting machine's local time): the formats huntlab reads (en-US,
 * ISO) or day-first with dots (de-DE, ru-RU… on an English Windows); else the text as it is (slash dates whose
 * day and month are all 12 or less in a 24-hour clock too, with a warning).
 */
function localTimes(time: pl.Series, warn: (message: string) => void, warned: boolean): pl.Series {
  const read = parseTimeSeries(time);
  // Slash dates that read either way in a 24-hour clock (en-GB's 05/06/2026 15:00:00 is 5 June): the culture is
  // unknown, the text kept (en-US writes 5/6/2026 3:00:00 PM). The readers' dayFirst reads them before this.
  if (read.ambiguousSlashDates && !read.ambiguousSlashDates.twelveHour) {
    if (!warned) warn(dataWarnings.winEventSlashDates("winEventFields", "TimeCreated"));
    return time;
  }
  if (read.parsed) return read.series;
  if (!isTextType(time.dtype)) return time;
  // Slash dates a day past the 12th proves day first (en-GB's 13/06/2026 15:00:00), as the readers read them.
  const proven = provenDayFirst(time);
  if (proven) return proven.series;
  // Windows PowerShell 5.1's ConvertTo-Json writes a DateTime as `/Date(<epoch ms>)/`: an instant (UTC).
  const epoch = pl.DataFrame([time.rename("v")]).select(pl.col("v").str.strip().str.extract("^/Date\\((-?\\d{1,15})\\)/$", 1).cast(pl.Int64).cast(pl.Datetime("ms")).alias("v")).getColumn("v");
  if (epoch.nullCount() === time.nullCount()) return epoch;
  // Day first with dots and an offset (`31.05.2026 15:00:00 +02:00`, a TimeCreated formatted with `zzz`: an instant,
  // read as UTC); without one, parseTimeSeries read them above.
  const dotted = pl.DataFrame([time.rename("v")]).select(strptimeExpr(pl.col("v").str.strip(), "%d.%m.%Y %H:%M:%S %:z", "ms", true).alias("v")).getColumn("v");
  return dotted.nullCount() === time.nullCount() ? dotted : time;
}

/**
 * The frame of a plain `Get-WinEvent | Export-Csv` export ({@link isWinEventExport})
 * with the events' EventData fields as columns, read from Windows' English
 * `Message` text: Sysmon events (every event id; its `Key: Value` lines
 * whose key is one of Sysmon's field names, as written) and Security 4688, 4624 and 4625 (their labelled lines
 * mapped to the documented EventData names: NewProcessId, ProcessId,
 * NewProcessName, ParentProcessName, CommandLine, SubjectUserName,
 * TargetUserName, LogonType, IpAddress, Status, SubStatus…). Added too: `EventID` (from `Id`),
 * `Computer` (`MachineName`) and `TimeGenerated` (`TimeCreated`), which is
 * the exporting machine's LOCAL time in its culture's format: parsed as a
 * time without a zone when every value reads (en-US, ISO, day-first dotted),
 * else kept as text (a time with an offset, or PowerShell 5.1's `/Date(ms)/`, is an instant: UTC). The event's
 * `ProcessId` replaces the export's (the log writer's); a field named like another export column (Sysmon 4's
 * `Version`) is added as `EventData<Name>` ({@link fieldColumn}), the export's column kept; these three added
 * columns win over a Message key of their name.
 *
 * Sysmon events are read in their event id's fixed field order ({@link sysmonFields}: a command line's own lines naming
 * the fields after it stay in it; an id Sysmon 15 does not have by field names, each from its first line); Security
 * events' fields are read from their first line, a repeat kept as text of the value before it (there a command line's
 * line breaks may forge the fields after it). One warning counts the
 * Messages with a line naming a field twice or out of its place. A command line's blank lines and lines that look
 * like headings stay in it (Windows renders it verbatim); a Sysmon value's blank lines before the next field are its
 * own, those at the Message's end (and a 4688 command line's before the closing explanation) are dropped; line ends are `\n`.
 *
 * A JSON export's `Properties` (a list: the EventData values by position) gives a Security 4688/4624/4625 row's fields
 * in preference to its Message ({@link EVENT_DATA_ORDER}): in any language, and without a Message.
 *
 * Rows of other events, or whose Message fits no template, keep nulls.
 * Messages in another language give nulls and one warning; a Message over
 * {@link MAX_MESSAGE_CHARS} characters is read up to there. Other frames, and
 * a frame already read (it has `EventID`), come back unchanged.
 */
export function winEventFields(df: pl.DataFrame, options: WinEventFieldsOptions = {}): pl.DataFrame {
  const names = columnNames(df);
  if (!isWinEventExport(names) || names.includes("EventID")) return df;
  const warn = options.warn ?? printWarning;
  const messages = columnOf(df, "Message").toArray() as unknown[];
  const ids = columnOf(df, "Id").toArray() as unknown[];
  const providers = columnOf(df, "ProviderName").toArray() as unknown[];
  const rows = messages.length;
  const parsed = new Array<Fields | undefined>(rows);
  const seen = new Set<string>(); // field names, in the order first met
  let cut = 0, foreign = 0, repeats = 0, noCommandLine = 0;
  // Get-WinEvent's Properties (a JSON export's list), the EventData values by position: read in any language, and preferred.
  const properties = names.includes("Properties") && columnOf(df, "Properties").dtype.variant === "List" ? (columnOf(df, "Properties").toArray() as unknown[]) : undefined;
  for (let i = 0; i < rows; i++) {
    const raw = messages[i];
    const provider = String(providers[i] ?? "");
    const template = provider === SECURITY ? TEMPLATES[Number(ids[i])] : undefined;
    const values = template && properties ? propertyValues(properties[i]) : undefined;
    if (values) {
      // A Security event's Properties: its fields whatever the Message's language, or without one (a provider's messages not installed).
      const fields = (parsed[i] = propertyFields(values, EVENT_DATA_ORDER[Number(ids[i])]));
      for (const name of [...fields.keys(), ...templateFields(template!)]) seen.add(name);
      if (template === TEMPLATES[4688] && fields.has("NewProcessId") && !fields.has("CommandLine")) noCommandLine++;
      continue;
    }
    if (typeof raw !== "string" || raw === "") continue;
    if (!isSysmon(provider) && !template) continue;
    if (raw.length > MAX_MESSAGE_CHARS) cut++;
    const lines = (raw.length > MAX_MESSAGE_CHARS ? raw.slice(0, MAX_MESSAGE_CHARS) : raw).split(/\r\n|\r|\n/);
    const read = template ? securityFields(lines, template) : sysmonFields(lines, Number(ids[i]));
    if (!read) foreign++;
    else {
      // The event's fields as written, then the rest of its Security template's: a field a Message lacks (an older
      // template, 4688 without command-line auditing) is a null column, not a missing one.
      for (const name of [...read.fields.keys(), ...(template ? templateFields(template) : [])]) if (!ADDED_COLUMNS.has(name)) seen.add(name);
      if (template === TEMPLATES[4688] && read.fields.has("NewProcessId") && !read.fields.has("CommandLine")) noCommandLine++;
    }
    if (read?.repeated) repeats++;
    parsed[i] = read?.fields;
  }
  const where = options.source ? `${options.source}, column Message` : "column Message";
  if (cut) warn(dataWarnings.winEventMessageCut(where, cut, MAX_MESSAGE_CHARS));
  if (foreign) warn(dataWarnings.winEventNotEnglish(where, foreign, EVTX_DOCS));
  if (repeats) warn(dataWarnings.winEventRepeatedField(where, repeats, EVTX_DOCS));
  if (noCommandLine) warn(dataWarnings.winEventNoCommandLine(where, noCommandLine));
  return withEventFields(df, parsed, seen, localTimes(columnOf(df, "TimeCreated"), warn, options.timeCreatedWarned === true || timeCreatedWarned(df)));
}

/**
 * A Get-WinEvent export's frame with its events' fields as text columns (`fields[i]`: row i's, by EventData name;
 * `names`: the columns, in order, a name no row has giving a null column), and `EventID` (from `Id`), `Computer`
 * (`MachineName`) and `TimeGenerated`. A field named like an export column is added as `EventData<Name>`
 * ({@link fieldColumn}); the event's `ProcessId` replaces the export's. winEventFields (Messages) and the EVTX
 * reader (records) both build their frames here, so both give one layout.
 */
export function withEventFields(df: pl.DataFrame, fields: readonly (ReadonlyMap<string, string | null> | undefined)[], names: Iterable<string>, timeGenerated: pl.Series): pl.DataFrame {
  const rows = frameHeight(df);
  const columns = new Map([...names].map((name) => [name, new CodedText(rows)]));
  fields.forEach((row, i) =>
    row?.forEach((value, name) => {
      if (value !== null) columns.get(name)?.set(i, value);
    }),
  );
  return withFieldColumns(df, columns, timeGenerated);
}

/** {@link withEventFields} with the fields' columns built (by EventData name, in order): the EVTX reader builds them from its rows. */
export function withFieldColumns(df: pl.DataFrame, columns: Iterable<[string, { series(name: string): pl.Series }]>, timeGenerated: pl.Series): pl.DataFrame {
  const added = [
    columnOf(df, "Id").rename("EventID"),
    columnOf(df, "MachineName").rename("Computer"),
    timeGenerated.rename("TimeGenerated"),
    ...[...columns].map(([name, column]) => column.series(fieldColumn(name))),
  ];
  const replaced = new Set(added.map((s) => s.name));
  return frameOf([...columnNames(df).filter((n) => !replaced.has(n)).map((n) => columnOf(df, n)), ...added]);
}

/** The events of a kind that winEventFields reads, by provider and id; the first one's fields are added to an empty frame. */
const KIND_EVENTS: Readonly<Record<EventKind, readonly (readonly [string, number])[]>> = {
  process: [[SECURITY, 4688], [SYSMON, 1]],
  logon: [[SECURITY, 4624], [SECURITY, 4625]],
  networkFlow: [[SYSMON, 3]],
  fileCreate: [[SYSMON, 11]],
};

/** Events read along with a kind's (not its rows): Sysmon 5, a process's end, read into its creation's row (processEnds.ts). */
const READ_ALONG: readonly (readonly [string, number])[] = [[SYSMON, 5]];

/** A Security template's EventData names: its labels' and its accounts' (SubjectUserName, TargetLogonId…). */
function templateFields(template: Template): string[] {
  const prefixes = new Set(Object.values(template.accounts));
  return [...Object.values(template.fields), ...[...prefixes].flatMap((p) => Object.values(ACCOUNT_LABELS).map((label) => p + label))];
}

/** The EventData names winEventFields reads for one event. */
const eventFields = ([provider, id]: readonly [string, number]): readonly string[] =>
  provider === SECURITY ? templateFields(TEMPLATES[id]) : (sysmonOrder(id)?.fields ?? []);

/**
 * The frame without the columns read for the other kinds' events that are empty in its rows: in a file of both logs, a
 * process query's Sysmon rows would otherwise carry 4688's NewProcessId… (all null), and its layout be taken for 4688's.
 */
function withoutOtherEventsFields(df: pl.DataFrame, events: readonly (readonly [string, number])[]): pl.DataFrame {
  const kept = new Set(events.flatMap(eventFields));
  const others = new Set([...MAPPED].map((key) => key.split("|")).flatMap(([provider, id]) => eventFields([provider, Number(id)])));
  const names = columnNames(df);
  const dropped = names.filter((n) => others.has(n) && !kept.has(n) && columnOf(df, n).nullCount() === frameHeight(df));
  return dropped.length ? frameOf(names.filter((n) => !dropped.includes(n)).map((n) => columnOf(df, n))) : df;
}

/** Options of {@link winEventsOfKind}. */
export interface WinEventsOfKindOptions {
  /** Where warnings go (rows left out); without it, nothing is said (schema detection, which maps nothing). */
  warn?: (message: string) => void;
  /** The file or query, for warnings. Default `"normalizeEvents"`. */
  source?: string;
  /**
   * The file, named instead of `source` in the warning about its rows of events no query maps (a fact of the file,
   * the same for every query of it: a LocalData provider says it once). Default: `source`.
   */
  file?: string;
}

/** A provider's short name in warnings (the two huntlab reads), else the name as written, cut. */
const providerName = (provider: string) => (provider === SECURITY ? "Security" : provider === SYSMON ? "Sysmon" : provider.slice(0, 80) || "(no provider)");
/** Every event huntlab maps from a plain export, of any kind. */
const MAPPED = new Set(
  [...Object.values(KIND_EVENTS), READ_ALONG].flatMap((events) => events.flatMap(([provider, id]) => [provider, ...(provider === SYSMON ? [LINUX_SYSMON] : [])].map((p) => `${p}|${id}`))),
);
/** How many event kinds a warning lists before `…`. */
const LISTED_EVENTS = 6;

/**
 * The rows of events no lab query maps, by provider and id: the count and `Security 4672 (50), Sysmon 7 (30), …`,
 * most rows first; undefined when every row is mapped.
 */
function unmappedEvents(providers: readonly unknown[], ids: readonly unknown[]): { count: number; list: string } | undefined {
  const counts = new Map<string, number>();
  providers.forEach((p, i) => {
    const key = `${String(p ?? "")}|${ids[i] === null || ids[i] === undefined ? "" : Number(ids[i])}`;
    if (!MAPPED.has(key)) counts.set(key, (counts.get(key) ?? 0) + 1);
  });
  if (!counts.size) return undefined;
  const sorted = [...counts].sort((a, b) => b[1] - a[1]);
  const named = sorted.slice(0, LISTED_EVENTS).map(([key, n]) => {
    const bar = key.lastIndexOf("|");
    return `${providerName(key.slice(0, bar))} ${key.slice(bar + 1) || "(no id)"} (${n})`;
  });
  const more = sorted.length - LISTED_EVENTS;
  return { count: sorted.reduce((sum, [, n]) => sum + n, 0), list: named.join(", ") + (more > 0 ? `, and ${more} more event kind(s)` : "") };
}

/**
 * A plain export already read by {@link winEventFields} cut to the events of `kind` (a whole Security
 * log holds 4688, 4624 and 4625 rows: a logon query gets only the logons, a networkFlow one Sysmon's connections; a
 * file of both logs (`Get-WinEvent -LogName Security,Microsoft-Windows-Sysmon/Operational`) gives each kind its rows, a
 * process query Sysmon 1's when it has both 4688 and Sysmon 1, with a warning). With `warn`, one warning counts the rows
 * of events no kind maps (4634, 4672, Sysmon 7…), by provider and id. When no row is left, with the
 * kind's first template's fields as null text columns, so that its schema is found on the empty frame
 * (a time window or a file without such events gives no rows, not "no schema"). Other frames come back unchanged.
 */
export function winEventsOfKind(df: pl.DataFrame, kind: EventKind, options: WinEventsOfKindOptions = {}): pl.DataFrame {
  const events = KIND_EVENTS[kind];
  const names = columnNames(df);
  if (!isWinEventExport(names) || !names.includes("EventID")) return df;
  const providers = columnOf(df, "ProviderName").toArray() as unknown[];
  const ids = columnOf(df, "Id").toArray() as unknown[];
  const source = options.source ?? "normalizeEvents";
  // Security 4688 and Sysmon 1 record the same process creations in two layouts (4688's ProcessId is the parent's,
  // Sysmon's the process's own): on a host with Sysmon 1 rows, Sysmon's are taken (GUIDs link its tree); the 4688 rows
  // of hosts without Sysmon stay (a WEF or multi-host export), and {@link winEventLayoutParts} maps each layout apart.
  const dropped = kind === "process" ? securityRowsOfSysmonHosts(df, providers, ids, options.warn, source) : undefined;
  const unmapped = options.warn && unmappedEvents(providers, ids);
  if (unmapped) options.warn!(dataWarnings.winEventsUnmapped(options.file ?? source, unmapped.count, unmapped.list));
  const ofKind = ofEvents(df, events, dropped);
  // The kind's events left (not 4688 when every host has Sysmon): the others' all-null columns go, as other kinds' do.
  const left = dropped ? events.filter(([provider, id]) => providers.some((p, i) => isProvider(p, provider) && Number(ids[i]) === id && !dropped[i])) : events;
  if (frameHeight(ofKind)) return withoutOtherEventsFields(ofKind, left);
  const fields = eventFields(events[0]);
  const missing = fields.filter((f) => !names.includes(f));
  return frameOf([...names.map((n) => columnOf(ofKind, n)), ...missing.map((f) => pl.Series(f, [], pl.Utf8))]);
}

/** Whether a row is one of `events` (provider and id), its Id read as polars casts it to a number (`1.0`, `"1"`). */
function isEvent(provider: pl.Expr, id: pl.Expr, events: readonly (readonly [string, number])[]): pl.Expr {
  const ids = id.cast(pl.Float64, false);
  const isOf = (p: string) => (p === SYSMON ? provider.eq(pl.lit(SYSMON)).or(provider.eq(pl.lit(LINUX_SYSMON))) : provider.eq(pl.lit(p)));
  return events.map(([p, n]) => isOf(p).and(ids.eq(pl.lit(n)))).reduce((a, b) => a.or(b));
}

/** The positions of the rows of `event` in `df`, chosen as {@link ofEvents} chooses them (its rows, in its order). */
function eventPositions(df: pl.DataFrame, event: readonly [string, number]): Uint32Array {
  const small = pl.DataFrame([columnOf(df, "ProviderName").rename("p"), columnOf(df, "Id").rename("i")]).withRowIndex("r");
  return small.filter(isEvent(pl.col("p"), pl.col("i"), [event]).fillNull(false)).getColumn("r").cast(pl.UInt32).toTypedArray() as Uint32Array;
}

/** The rows of `events` (provider and id), without the rows `dropped` marks. */
function ofEvents(df: pl.DataFrame, events: readonly (readonly [string, number])[], dropped?: readonly boolean[]): pl.DataFrame {
  return withPlainNames(df, (plain, nameOf) => {
    const wanted = isEvent(pl.col(nameOf("ProviderName")), pl.col(nameOf("Id")), events);
    if (!dropped) return plain.filter(wanted);
    // The plain names are col_<n>: `dropped` cannot meet one of them.
    return plain.withColumn(pl.Series("dropped", dropped, pl.Bool)).filter(wanted.and(pl.col("dropped").not())).drop("dropped");
  });
}

/** How many hosts a warning names before `…`. */
const LISTED_HOSTS = 8;

/** `WS01 (3), WS02 (1)`: hosts and their row counts, most rows first, cut after {@link LISTED_HOSTS}. */
export function hostList(counts: ReadonlyMap<string, number>): string {
  const sorted = [...counts].sort((a, b) => b[1] - a[1]);
  const named = sorted.slice(0, LISTED_HOSTS).map(([host, n]) => `${host === "" ? "(no host)" : quotedText(host, 60)} (${n})`);
  const more = sorted.length - LISTED_HOSTS;
  return named.join(", ") + (more > 0 ? `, and ${more} more host(s)` : "");
}

/** A mixed Sysmon 1 + Security 4688 process log split per host ({@link sysmonHostSplit}). */
export interface SysmonHostSplit {
  /** The 4688 rows' counts per host that has Sysmon 1 rows too: those rows are left out (the same processes). */
  leftOut: Map<string, number>;
  /** How many 4688 rows are left out, and how many Sysmon 1 rows their hosts have. */
  leftOutRows: number;
  sysmonRows: number;
  /** {@link hostList} of the hosts left out, and of the hosts whose 4688 rows are kept (undefined when none). */
  leftOutList: string;
  keptList?: string;
}

/**
 * The one rule for a log of both process layouts (Get-WinEvent exports, Wazuh alerts): a host with Sysmon 1 rows is
 * read from them, its 4688 rows left out; the other hosts' 4688 rows are kept. From each layout's row counts per host.
 */
export function sysmonHostSplit(sysmon: ReadonlyMap<string, number>, security: ReadonlyMap<string, number>): SysmonHostSplit {
  const leftOut = new Map([...security].filter(([host]) => sysmon.has(host)));
  const kept = new Map([...security].filter(([host]) => !sysmon.has(host)));
  const sum = (counts: Iterable<number>) => [...counts].reduce((a, b) => a + b, 0);
  return {
    leftOut,
    leftOutRows: sum(leftOut.values()),
    sysmonRows: sum([...leftOut.keys()].map((host) => sysmon.get(host) ?? 0)),
    leftOutList: hostList(leftOut),
    keptList: kept.size ? hostList(kept) : undefined,
  };
}

/**
 * Per row, whether it is a Security 4688 of a host (MachineName) that has Sysmon 1 rows too: those are left out, with
 * one warning naming those hosts and the hosts whose 4688 rows are kept. Undefined when no row is left out.
 */
function securityRowsOfSysmonHosts(df: pl.DataFrame, providers: readonly unknown[], ids: readonly unknown[], warn: ((message: string) => void) | undefined, source: string): boolean[] | undefined {
  const hosts = (columnOf(df, "MachineName").toArray() as unknown[]).map((h) => (h === null || h === undefined ? "" : String(h)));
  const sysmon = new Map<string, number>(), security = new Map<string, number>();
  providers.forEach((p, i) => {
    const counts = isSysmon(p) && Number(ids[i]) === 1 ? sysmon : p === SECURITY && Number(ids[i]) === 4688 ? security : undefined;
    counts?.set(hosts[i], (counts.get(hosts[i]) ?? 0) + 1);
  });
  const split = sysmonHostSplit(sysmon, security);
  if (!split.leftOut.size) return undefined;
  warn?.(dataWarnings.winEventProcessLayouts(source, split.leftOutRows, split.sysmonRows, split.leftOutList, split.keptList, EVTX_DOCS));
  return providers.map((p, i) => p === SECURITY && Number(ids[i]) === 4688 && split.leftOut.has(hosts[i]));
}

/**
 * A process frame of {@link winEventsOfKind} split by layout: its Sysmon 1 rows and its Security 4688 rows (the hosts
 * without Sysmon), each without the other's columns, when it holds both; else the frame alone. Each part is mapped
 * (or its tree built) on its own: one frame cannot hold both layouts.
 */
export function winEventLayoutParts(df: pl.DataFrame): pl.DataFrame[] {
  if (winEventLayoutRows(df).length === 1) return [df];
  return KIND_EVENTS.process.map((event) => withoutOtherEventsFields(ofEvents(df, [event]), [event])).reverse();
}

/**
 * The positions in `df` of each part of {@link winEventLayoutParts} (the same parts, in the same order: the rows
 * are chosen by the same test, so that a part's row `i` is the frame's row `rows[i]`; a JavaScript `Number(Id)`
 * here once took an Id `0x1` or ` 1` that polars' cast, and so the part, does not, and the tree's rows were
 * numbered as other rows of the frame). One part of every row when the frame does not hold both layouts.
 */
export function winEventLayoutRows(df: pl.DataFrame): Uint32Array[] {
  const names = columnNames(df);
  const all = () => [Uint32Array.from({ length: frameHeight(df) }, (_, i) => i)];
  if (!isWinEventExport(names) || !names.includes("EventID")) return all();
  const parts = KIND_EVENTS.process.map((event) => eventPositions(df, event));
  return parts.every((rows) => rows.length > 0) ? parts.reverse() : all();
}

/**
 * `map` applied to each part of {@link winEventLayoutParts}. A part whose mapping fails with huntlab's own error (its
 * Messages not read: another language) is left out with a warning naming its layout and the error, while another part
 * maps: the other hosts keep their rows. When every part fails, the first error is thrown.
 */
export function mapLayoutParts<T>(parts: readonly pl.DataFrame[], map: (part: pl.DataFrame) => T, warn: (message: string) => void, source: string): T[] {
  const out: T[] = [];
  const failed: [pl.DataFrame, HuntlabError][] = [];
  for (const part of parts) {
    try {
      out.push(map(part));
    } catch (err) {
      if (!(err instanceof HuntlabError)) throw err;
      failed.push([part, err]);
    }
  }
  if (!out.length) throw failed[0][1];
  for (const [part, err] of failed) {
    const sysmon = isSysmon(columnOf(part, "ProviderName").toArray()[0]);
    warn(dataWarnings.winEventLayoutLeftOut(source, frameHeight(part), sysmon ? "Sysmon 1" : "Security 4688", err.message));
  }
  return out;
}
