/**
 * A raw syslog file (/var/log/auth.log, /var/log/syslog, /var/log/messages, a relay's file) as rows: one per line,
 * in the columns of Sentinel's Syslog table (TimeGenerated, HostName, ProcessName, ProcessID, SyslogMessage,
 * Facility, SeverityLevel; MsgId and StructuredData for RFC 5424). Three line forms are read:
 *
 * - RFC 3164 (BSD): `[<PRI>]Dec  7 08:15:00 host tag[pid]: message` — no year: the readers give one (README,
 *   "Times without a year"), with their warning;
 * - rsyslog's RFC 3339 form (Debian 12's and Ubuntu's default): `2026-12-07T08:15:00.123456+00:00 host tag[pid]: message`;
 * - RFC 5424: `<PRI>1 TIMESTAMP HOST APP PROCID MSGID [SD] message`.
 *
 * Each line's header is read by anchored patterns without nested repetition over at most its first 1,024
 * characters (linear); a line of none of these forms (a message's continuation line, text a tool wrote) is a row
 * with its text in SyslogMessage and nulls elsewhere, counted in one warning: one bad line never fails the file.
 */
import fs from "node:fs";
import pl from "nodejs-polars";
import { printWarning } from "../common/messages";
import { DataFileError, dataMessages as msg, dataWarnings } from "./messages";

/** The columns of a syslog file's frame, in order. */
export const SYSLOG_COLUMNS = ["TimeGenerated", "HostName", "ProcessName", "ProcessID", "SyslogMessage", "Facility", "SeverityLevel", "MsgId", "StructuredData"] as const;

const MONTH_DAY_TIME = "(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) {1,2}\\d{1,2} \\d\\d:\\d\\d:\\d\\d(?:\\.\\d{1,9})?";
const RFC3339 = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(?:\\.\\d{1,9})?(?:Z|[+-]\\d\\d:\\d\\d)";
/** RFC 3164 or rsyslog's RFC 3339 header: PRI, time, host; the tag and pid follow (TAG below). */
const BSD_HEADER = new RegExp(`^(?:<(\\d{1,3})>)?(${MONTH_DAY_TIME}|${RFC3339}) (\\S{1,255})(?: |$)`);
/** A tag (program name) and optional pid before `: `. */
const TAG = /^([^\s:[\]]{1,128})(?:\[([^\]\s]{1,32})\])?:(?: |$)/;
/** RFC 5424's header up to the structured data. */
const RFC5424_HEADER = /^<(\d{1,3})>1 (\S{1,64}) (\S{1,255}) (\S{1,48}) (\S{1,128}) (\S{1,32}) /;
/** The header is looked for in a line's first characters only: a line of megabytes costs no more to read. */
const HEADER_CHARS = 1024;

const FACILITIES = ["kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron", "authpriv", "ftp", "ntp", "security", "console", "solaris-cron", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7"];
const SEVERITIES = ["emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"];

/** True when `line` starts as a syslog line of one of the forms read here. */
export function isSyslogLine(line: string): boolean {
  const head = line.slice(0, HEADER_CHARS);
  return RFC5424_HEADER.test(head) || BSD_HEADER.test(head);
}

/** True when the first non-empty line of `head` (a file's first bytes as text) is a syslog line. */
export function isSyslogText(head: string): boolean {
  const first = head.replace(/^\uFEFF/, "").split("\n").find((l) => l.trim() !== "");
  return first !== undefined && isSyslogLine(first.replace(/\r$/, ""));
}

type Row = { time: string | null; host: string | null; program: string | null; pid: string | null; message: string; facility: string | null; severity: string | null; msgId: string | null; sd: string | null };

const nil = (v: string | undefined) => (v === undefined || v === "-" ? null : v);

/** The structured data at `text`'s start (`-` or `[id k="v"]…`, quotes and escapes honoured) and the rest. */
function structuredData(text: string): { sd: string | null; rest: string } | undefined {
  if (text.startsWith("-")) return { sd: null, rest: text.slice(1) };
  let i = 0;
  while (text[i] === "[") {
    let quoted = false;
    for (i += 1; i < text.length; i++) {
      const c = text[i];
      if (c === "\\") i++;
      else if (c === '"') quoted = !quoted;
      else if (c === "]" && !quoted) break;
    }
    if (i >= text.length) return undefined;
    i++;
  }
  return i === 0 ? undefined : { sd: text.slice(0, i), rest: text.slice(i) };
}

function priority(pri: string | undefined): { facility: string | null; severity: string | null } {
  if (pri === undefined) return { facility: null, severity: null };
  const n = Number(pri);
  if (n > 191) return { facility: null, severity: null };
  return { facility: FACILITIES[n >> 3] ?? null, severity: SEVERITIES[n & 7] };
}

/** One line as a row; undefined when it is no syslog line. */
export function syslogRow(line: string): Row | undefined {
  const head = line.slice(0, HEADER_CHARS);
  const r5424 = RFC5424_HEADER.exec(head);
  if (r5424) {
    const after = structuredData(line.slice(r5424[0].length));
    if (after) {
      // The message after one space; a UTF-8 byte-order mark RFC 5424 allows before it is no part of it.
      const message = after.rest.replace(/^ /, "").replace(/^\uFEFF/, "");
      return { time: nil(r5424[2]), host: nil(r5424[3]), program: nil(r5424[4]), pid: nil(r5424[5]), message, ...priority(r5424[1]), msgId: nil(r5424[6]), sd: after.sd };
    }
  }
  const bsd = BSD_HEADER.exec(head);
  if (!bsd) return undefined;
  const rest = line.slice(bsd[0].length);
  const tag = TAG.exec(rest.slice(0, 200));
  return {
    time: bsd[2],
    host: bsd[3],
    program: tag ? tag[1] : null,
    pid: tag?.[2] ?? null,
    message: tag ? rest.slice(tag[0].length) : rest,
    ...priority(bsd[1]),
    msgId: null,
    sd: null,
  };
}

/**
 * The rows of a syslog file's text. Empty lines are skipped; a line of no syslog form is a row of its text alone,
 * counted in one warning naming `file` and the first such line.
 */
export function syslogFrame(text: string, file: string, warn: (message: string) => void = printWarning): pl.DataFrame {
  const columns: Record<(typeof SYSLOG_COLUMNS)[number], (string | null)[]> = { TimeGenerated: [], HostName: [], ProcessName: [], ProcessID: [], SyslogMessage: [], Facility: [], SeverityLevel: [], MsgId: [], StructuredData: [] };
  let bad = 0;
  let firstBad = 0;
  let lineNo = 0;
  let start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (start <= text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    lineNo++;
    let line = text.slice(start, end);
    start = end + 1;
    if (line.endsWith("\r")) line = line.slice(0, -1);
    if (line.trim() === "") {
      if (end === text.length) break;
      continue;
    }
    const row = syslogRow(line);
    if (!row) {
      bad++;
      if (firstBad === 0) firstBad = lineNo;
    }
    const r = row ?? { time: null, host: null, program: null, pid: null, message: line, facility: null, severity: null, msgId: null, sd: null };
    columns.TimeGenerated.push(r.time);
    columns.HostName.push(r.host);
    columns.ProcessName.push(r.program);
    columns.ProcessID.push(r.pid);
    columns.SyslogMessage.push(r.message);
    columns.Facility.push(r.facility);
    columns.SeverityLevel.push(r.severity);
    columns.MsgId.push(r.msgId);
    columns.StructuredData.push(r.sd);
    if (end === text.length) break;
  }
  if (bad) warn(dataWarnings.syslogLinesUnread(file, bad, columns.SyslogMessage.length, firstBad));
  const series = SYSLOG_COLUMNS.map((name) => pl.Series(name, columns[name], pl.Utf8));
  // Process ids are numbers where they are (a tag's pid may be any text in RFC 5424: kept as text then).
  const pids = series[3];
  const numeric = pids.cast(pl.Int64, false);
  if (numeric.nullCount() === pids.nullCount()) series[3] = numeric.rename("ProcessID");
  return pl.DataFrame(series);
}

/** The largest syslog file read (bytes): it is read whole, as one string, which V8 caps near 512 MiB. */
export const SYSLOG_MAX_BYTES = 256 * 1024 * 1024;

/** A syslog file read whole (UTF-8); a larger one than `maxBytes` is refused saying how to split it. */
export function readSyslogFile(file: string, warn?: (message: string) => void, maxBytes = SYSLOG_MAX_BYTES): pl.DataFrame {
  const size = fs.statSync(file).size;
  if (size > maxBytes) {
    throw new DataFileError(msg.fileInvalid(file, "log", `a syslog file of ${size} bytes is more than the ${maxBytes} read whole: split it by lines (split -C 200m "${file}" part_ and name the parts .log) and read the parts`));
  }
  return syslogFrame(fs.readFileSync(file, "utf8"), file, warn);
}
