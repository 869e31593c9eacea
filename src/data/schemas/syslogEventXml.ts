/**
 * Sysmon for Linux's own output: syslog lines (/var/log/syslog, /var/log/messages, `journalctl` exports) each
 * carrying one event as `<Event>` XML after the line's prefix (`Dec  7 08:15:00 web01 sysmon: <Event><System>…`).
 * Read line by line: each line's `<Event>` element through the wevtutil XML reader (eventXml.ts) and the EVTX
 * record → row path (evtx.ts), so its events are a Get-WinEvent export's columns as an `.xml` file's are. A line
 * is one event: one cut (syslog's message size limit) or malformed spoils only itself (counted, its line named),
 * where a stream reader would have read the next lines into the cut event. Lines without an event (other programs'
 * syslog lines, `<Event` without its `<System>` after it) are skipped. The syslog prefix's time has no year; the event's own `TimeCreated` (SystemTime) has.
 * `journalctl -o json` output (one journal entry per line, the event XML in its `MESSAGE`) is read the same way, line by
 * line: each line's JSON, then its MESSAGE's event.
 */
import fs from "node:fs";
import pl from "nodejs-polars";
import { lazyFrame } from "../../common/frames";
import { EVTX_BATCH_RECORDS, recordOf, recordsFrame, type EvtxRecord } from "./evtx";
import { isEventXml, readEventXml } from "./eventXml";

/** Longest line read, in characters: Sysmon's events are a few KB (rsyslog cuts messages at 8 KiB by default). */
export const MAX_LINE_CHARS = 1 << 20;
/** How far after `<Event` its `<System>` is looked for (the Event tag's attributes, `xmlns`). */
const SYSTEM_NEAR = 256;
/** Bytes read at a time. */
const BLOCK_BYTES = 1 << 20;

/** Where a line's `<Event` element starts (`<Event>` or `<Event ` …), or -1. */
function eventStart(line: string): number {
  for (let at = line.indexOf("<Event"); at >= 0; at = line.indexOf("<Event", at + 6)) {
    const next = line.charCodeAt(at + 6);
    if (next === 0x3e || next === 0x20 || next === 0x09) return at;
  }
  return -1;
}

/** True when a line carries an event: `<Event` with its `<System>` close after it. */
function hasEvent(line: string): boolean {
  const at = eventStart(line);
  return at >= 0 && line.slice(at, at + SYSTEM_NEAR).includes("<System>");
}

/**
 * True when the text (a file's first bytes) is syslog lines carrying `<Event>` XML (one such line among them, whatever
 * the lines before it: other programs'), or event XML alone (`journalctl -o cat`, no prefix).
 */
export function isSyslogEventXml(head: string): boolean {
  if (isEventXml(head)) return true;
  return head.split("\n").some(hasEvent);
}

/** A line's parsed JSON object, or undefined (not JSON, or JSON but no object). */
function jsonObject(line: string): Record<string, unknown> | undefined {
  if (!line.trimStart().startsWith("{")) return undefined;
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** A journal entry as `journalctl -o json` writes it: `__CURSOR` or `__REALTIME_TIMESTAMP` beside its `MESSAGE`. */
const isJournalEntry = (entry: Record<string, unknown>): boolean => Object.hasOwn(entry, "MESSAGE") && (Object.hasOwn(entry, "__CURSOR") || Object.hasOwn(entry, "__REALTIME_TIMESTAMP"));

/** Sysmon for Linux's entry: its syslog identifier (`journalctl -t sysmon`). */
const isSysmonEntry = (entry: Record<string, unknown>): boolean => entry.SYSLOG_IDENTIFIER === "sysmon";

/**
 * A journal entry's MESSAGE as text: journalctl writes it as a string, as an array of its bytes when it is not
 * printable UTF-8, and as null when it is longer than 4096 bytes (unless `--all`); undefined for null or anything else.
 */
function journalMessage(entry: Record<string, unknown>): string | undefined {
  const message = entry.MESSAGE;
  if (typeof message === "string") return message;
  if (Array.isArray(message) && message.length <= MAX_LINE_CHARS && message.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)) {
    return new TextDecoder("utf-8").decode(Uint8Array.from(message as number[]));
  }
  return undefined;
}

/**
 * True when the text (a file's first bytes) is `journalctl -o json` output carrying Sysmon's events: its first line a
 * journal entry, and an entry among its complete lines whose MESSAGE holds `<Event>` XML or whose identifier is `sysmon`.
 */
export function isJournalEventJson(head: string): boolean {
  const lines = head.replace(/^\uFEFF/, "").split("\n");
  // The last line may be cut (the head is a file's first bytes): only complete lines are judged.
  const complete = lines.slice(0, Math.max(1, lines.length - 1)).filter((l) => l.trim());
  const first = complete.length ? jsonObject(complete[0]) : undefined;
  if (!first || !isJournalEntry(first)) return false;
  return complete.some((line) => {
    const entry = jsonObject(line);
    if (!entry) return false;
    const message = journalMessage(entry);
    return isSysmonEntry(entry) || (message !== undefined && hasEvent(message));
  });
}

/** What a {@link SyslogEventXmlFileReader} left out: lines with an event that could not be read. */
export interface SyslogEventXmlMalformed {
  count: number;
  /** The first one's line number (from 1). */
  firstLine?: number;
}

/**
 * A syslog file of `<Event>` lines read a few blocks at a time ({@link read}), UTF-8 (invalid bytes read as U+FFFD: a
 * syslog holds other programs' bytes), so a caller can give the event loop a turn between them; {@link close} it.
 * Rows are in the file's order (syslog's time order).
 */
export class SyslogEventXmlFileReader {
  readonly malformed: SyslogEventXmlMalformed = { count: 0 };
  /** Lines with no event (other programs' syslog lines) left out: said, since one forged event line in an auth.log would otherwise drop all of its lines in silence. */
  readonly otherLines: SyslogEventXmlMalformed = { count: 0 };
  /** `journalctl -o json`: Sysmon's entries whose MESSAGE journalctl wrote as null (longer than 4096 bytes, exported without `--all`). */
  readonly nullMessages: SyslogEventXmlMalformed = { count: 0 };
  /** The file is `journalctl -o json` output ({@link isJournalEventJson}): each line a JSON entry, its event in MESSAGE. */
  readonly journal: boolean;
  private readonly fd: number;
  private readonly decoder = new TextDecoder("utf-8");
  private readonly block: Buffer;
  private records: EvtxRecord[] = [];
  private readonly frames: pl.DataFrame[] = [];
  private pending = "";
  /** The pending line is longer than {@link MAX_LINE_CHARS}: the rest of it is not kept. */
  private long = false;
  private line = 0;
  private at = 0;
  private done = false;

  constructor(file: string, options: { blockBytes?: number; journal?: boolean } = {}) {
    this.block = Buffer.alloc(options.blockBytes ?? BLOCK_BYTES);
    this.journal = options.journal === true;
    this.fd = fs.openSync(file, "r");
  }

  /** Reads up to `blocks` more blocks; true when the file is read to its end. */
  read(blocks: number): boolean {
    for (let k = 0; k < blocks && !this.done; k++) {
      const got = fs.readSync(this.fd, this.block, 0, this.block.length, this.at);
      this.at += got;
      const text = got ? this.decoder.decode(this.block.subarray(0, got), { stream: true }) : this.decoder.decode();
      const parts = text.split("\n");
      for (let i = 0; i < parts.length; i++) {
        if (this.pending.length <= MAX_LINE_CHARS) this.pending += parts[i].slice(0, MAX_LINE_CHARS + 1 - this.pending.length);
        else this.long = true;
        if (i < parts.length - 1) this.endLine();
      }
      if (!got) {
        if (this.pending) this.endLine();
        this.done = true;
      }
    }
    return this.done;
  }

  private endLine(): void {
    const line = this.pending.endsWith("\r") ? this.pending.slice(0, -1) : this.pending;
    const long = this.long || this.pending.length > MAX_LINE_CHARS;
    this.pending = "";
    this.long = false;
    this.line++;
    if (!line.trim()) return;
    const text = this.journal ? this.journalText(line, long) : line;
    // Only a line with the event's System element is Sysmon's: another program's `<Event>` in its text is not counted as cut.
    if (text === null) return;
    if (text === undefined || !hasEvent(text)) {
      this.count(this.otherLines);
      return;
    }
    const at = eventStart(text);
    const read = long ? undefined : readEventXml(text.slice(at));
    if (!read || read.malformed || !read.events.length) {
      this.count(this.malformed);
      return;
    }
    for (const e of read.events) {
      this.records.push(recordOf(e, this.records.length));
      if (this.records.length >= EVTX_BATCH_RECORDS) this.frames.push(this.batch());
    }
  }

  private count(left: SyslogEventXmlMalformed): void {
    if (!left.count) left.firstLine = this.line;
    left.count++;
  }

  /**
   * A `journalctl -o json` line's event text: its MESSAGE; undefined for an entry without an event's text (another
   * program's); null when the line is counted already (cut JSON with an event in it, a Sysmon entry whose MESSAGE is null).
   */
  private journalText(line: string, long: boolean): string | undefined | null {
    const entry = long ? undefined : jsonObject(line);
    if (!entry) {
      if (!hasEvent(line)) return undefined;
      this.count(this.malformed);
      return null;
    }
    const message = journalMessage(entry);
    if (message === undefined && entry.MESSAGE === null && isSysmonEntry(entry)) {
      this.count(this.nullMessages);
      return null;
    }
    return message;
  }

  private batch(): pl.DataFrame {
    const records = this.records;
    this.records = [];
    return recordsFrame(records);
  }

  /** The rows of every event read (call after {@link read} returned true). */
  frame(): pl.DataFrame {
    const rest = this.batch();
    if (!this.frames.length) return rest;
    // Lazily: a frame's column proxy answers an event field named `sort` or `inner` with that column.
    return pl.concat([...this.frames.splice(0), rest].map(lazyFrame), { how: "diagonal" }).collectSync();
  }

  close(): void {
    try {
      fs.closeSync(this.fd);
    } catch {
      // Closed already.
    }
  }
}
