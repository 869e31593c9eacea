/**
 * Sysmon for Linux's own output: syslog lines (/var/log/syslog, /var/log/messages, `journalctl` exports) each
 * carrying one event as `<Event>` XML after the line's prefix (`Dec  7 08:15:00 web01 sysmon: <Event><System>…`).
 * Read line by line: each line's `<Event>` element through the wevtutil XML reader (eventXml.ts) and the EVTX
 * record → row path (evtx.ts), so its events are a Get-WinEvent export's columns as an `.xml` file's are. A line
 * is one event: one cut (syslog's message size limit) or malformed spoils only itself (counted, its line named),
 * where a stream reader would have read the next lines into the cut event. Lines without an event (other programs'
 * syslog lines, `<Event` without its `<System>` after it) are skipped. The syslog prefix's time has no year; the event's own `TimeCreated` (SystemTime) has.
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

  constructor(file: string, options: { blockBytes?: number } = {}) {
    this.block = Buffer.alloc(options.blockBytes ?? BLOCK_BYTES);
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
    // Only a line with the event's System element is Sysmon's: another program's `<Event>` in its text is not counted as cut.
    if (!hasEvent(line)) {
      if (line.trim()) {
        if (!this.otherLines.count) this.otherLines.firstLine = this.line;
        this.otherLines.count++;
      }
      return;
    }
    const at = eventStart(line);
    const read = long ? undefined : readEventXml(line.slice(at));
    if (!read || read.malformed || !read.events.length) {
      if (!this.malformed.count) this.malformed.firstLine = this.line;
      this.malformed.count++;
      return;
    }
    for (const e of read.events) {
      this.records.push(recordOf(e, this.records.length));
      if (this.records.length >= EVTX_BATCH_RECORDS) this.frames.push(this.batch());
    }
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
