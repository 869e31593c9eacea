/**
 * Windows event log files (`.evtx`, MS-EVEN6) read directly: a 4 KiB file header (`ElfFile\0`), then 64 KiB chunks
 * (`ElfChnk\0`), each with its string and template tables and its records (`**\0\0`), each record Binary XML
 * (evtxBinXml.ts). Every record becomes one row of the frame a Get-WinEvent export gets once its EventData fields are
 * columns (winEvent.ts, {@link withEventFields}): the System fields as the EventLogRecord's properties (`Id`,
 * `ProviderName`, `LogName`, `MachineName`, `TimeCreated`…), the EventData `<Data Name=…>` (or UserData) fields under
 * their own names, and `EventID`, `Computer`, `TimeGenerated`; so normalizeEvents, process trees and logons read it
 * unchanged.
 *
 * The file is attacker-controlled and may be dirty (copied while written): it is read one chunk at a time (bounded
 * memory beside the rows), every size is checked against its chunk, and a record or chunk that cannot be read is
 * skipped and counted ({@link EvtxRead}); checksums are checked and reported, never a reason to refuse.
 */
import fs from "node:fs";
import zlib from "node:zlib";
import pl from "nodejs-polars";
import { CodedText } from "../../common/codedText";
import { frameOf, lazyFrame } from "../../common/frames";
import { BinXmlError, ChunkBudgetError, ChunkReader, textOf, type XmlElement } from "./evtxBinXml";
import { COLUMNS, EvtxPlanner, planValues, SYSTEM_ATTRS, SYSTEM_TEXT, type RowPlan } from "./evtxPlan";
import { EvtxRows, micros, RecordList, type RowSink } from "./evtxRows";
import { withEventFields } from "./winEvent";

/** Records held before they are made a frame (EvtxFileReader): as JS objects about 150 MB of heap at most. */
export const EVTX_BATCH_RECORDS = 50_000;

/** The file's first bytes. */
export const EVTX_MAGIC = Buffer.from("ElfFile\0", "latin1");
const CHUNK_MAGIC = Buffer.from("ElfChnk\0", "latin1");
const RECORD_MAGIC = 0x00002a2a; // `**\0\0`, little-endian
const RECORD_MAGIC_BYTES = Buffer.from([0x2a, 0x2a, 0, 0]);
const HEADER_SIZE = 4096;
const CHUNK_SIZE = 65536;
/** Records start after the chunk's header and its string (64 × 4 bytes) and template (32 × 4 bytes) tables. */
const RECORDS_START = 512;
/** The smallest record: its header (24 bytes) and its size's copy (4). */
const MIN_RECORD = 28;

/** A chunk of zeros, to compare with. */
const ZEROS = Buffer.alloc(CHUNK_SIZE);
/**
 * True when bytes (a chunk at most) are all zeros, as Windows preallocates a log's unused space: compared at once, not
 * byte by byte in JS (a callback per byte was a tenth of the read of a log with preallocated chunks).
 */
const allZero = (bytes: Buffer) => bytes.equals(ZEROS.subarray(0, bytes.length));

/** True when the bytes start as an EVTX file. */
export function isEvtx(head: Buffer): boolean {
  return head.length >= 8 && head.subarray(0, 8).equals(EVTX_MAGIC);
}

/** One event: its System fields (by Get-WinEvent's column names) and its EventData/UserData fields. */
export interface EvtxRecord {
  recordId: number;
  system: Map<string, string>;
  fields: Map<string, string | null>;
}

/** What a read of an EVTX file found besides the records: what it skipped and which checksums failed. */
export interface EvtxRead {
  df: pl.DataFrame;
  /**
   * What could not be read, counted as met (not as chunk headers say, which a dirty copy may have stale): records that
   * do not parse, records in damaged stretches (whose headers are broken: by their `**\0\0`, one at least), whole
   * chunks (not `ElfChnk`, or cut); `bytes`: the damaged stretches' (a wiped header hides its record: maybe more lost).
   */
  lost: { records: number; chunks: number; bytes: number; first?: string };
  /** Chunks whose header or records checksum (CRC32) does not match: read all the same. */
  badChecksums: { chunks: number; first?: number };
}

const elements = (e: XmlElement) => e.children.filter((c): c is XmlElement => typeof c !== "string");

/**
 * An event's fields: EventData's `<Data Name="X">` under X (unnamed ones `Data1`, `Data2`… in order, `<Binary>` as
 * `Binary`), or UserData's leaf elements under their names (a name met again under its parent's: `Parent.Name`).
 * Empty values are null, as an exported CSV's empty fields read.
 */
function eventFields(event: XmlElement, system: Map<string, string>): Map<string, string | null> {
  const fields = new Map<string, string | null>();
  const set = (name: string, text: string) => {
    if (!fields.has(name)) fields.set(name, text === "" ? null : text);
  };
  for (const part of elements(event)) {
    if (part.name === "EventData") {
      let unnamed = 0;
      for (const d of elements(part)) {
        const name = d.attrs.get("Name");
        if (d.name === "Data") set(name ? name : `Data${++unnamed}`, textOf(d));
        else set(d.name, textOf(d));
      }
    } else if (part.name === "UserData") {
      const leaves = (e: XmlElement, parent: string) => {
        const kids = elements(e);
        if (!kids.length) set(fields.has(e.name) ? `${parent}.${e.name}` : e.name, textOf(e));
        for (const k of kids) leaves(k, e.name);
      };
      for (const root of elements(part)) for (const k of elements(root)) leaves(k, root.name);
    } else if (part.name === "RenderingInfo") {
      // Forwarded events (Windows Event Collector) carry their rendered Message.
      const message = elements(part).find((e) => e.name === "Message");
      if (message) system.set("Message", textOf(message));
    }
  }
  return fields;
}

/** A record's System fields, by Get-WinEvent's column names. */
function systemFields(event: XmlElement): Map<string, string> {
  const out = new Map<string, string>();
  const system = elements(event).find((e) => e.name === "System");
  for (const e of system ? elements(system) : []) {
    const column = SYSTEM_TEXT.get(e.name); // a Map: an element named `constructor` is no column
    if (column) out.set(column, textOf(e).trim());
    const attrs = SYSTEM_ATTRS.get(e.name);
    if (attrs) for (const [attr, col] of attrs) {
      const v = e.attrs.get(attr);
      if (v !== undefined && v !== "") out.set(col, v);
    }
  }
  return out;
}

/** An `<Event>` element's record: its System fields and its event fields (evtxPlan.ts applies these rules to templates: keep them alike). */
export function recordOf(event: XmlElement, recordId: number): EvtxRecord {
  const system = systemFields(event);
  return { recordId, system, fields: eventFields(event, system) };
}

/** Counts of a read: what was lost, which checksums failed. */
interface Tally {
  lostRecords: number;
  lostChunks: number;
  /** Bytes of damaged stretches inside chunks (records with broken headers: counted by their magic, one at least). */
  lostBytes: number;
  firstLost?: string;
  badChunks: number;
  firstBad?: number;
}

/** The size of a record whose header reads at `pos` (magic, a size inside [pos, end)), else 0; `strict`: its size's copy at its end agrees. */
function recordSize(buf: Buffer, pos: number, end: number, strict: boolean): number {
  if (pos + MIN_RECORD > end || buf.readUInt32LE(pos) !== RECORD_MAGIC) return 0;
  const size = buf.readUInt32LE(pos + 4);
  if (size < MIN_RECORD || pos + size > end) return 0;
  return !strict || buf.readUInt32LE(pos + size - 4) === size ? size : 0;
}

/** The first record after a damaged stretch: the next `**\0\0` at or after `from` whose size and size's copy agree; -1 when none. */
function nextRecord(buf: Buffer, from: number, end: number): number {
  for (let at = buf.indexOf(RECORD_MAGIC_BYTES, from); at >= 0 && at + MIN_RECORD <= end; at = buf.indexOf(RECORD_MAGIC_BYTES, at + 1)) {
    if (recordSize(buf, at, end, true)) return at;
  }
  return -1;
}

/** Record starts (`**\0\0`) in bytes [from, to): records a damaged stretch held, their headers broken. */
function magicsIn(buf: Buffer, from: number, to: number): number {
  let n = 0;
  for (let at = buf.indexOf(RECORD_MAGIC_BYTES, from); at >= 0 && at < to; at = buf.indexOf(RECORD_MAGIC_BYTES, at + 4)) n++;
  return n;
}

/**
 * The records of one chunk (`index`: its number in the file), pushed to `out`; what could not be read counted in
 * `tally`: records met that do not parse, records past the chunk's token budget (walked, not parsed), and stretches
 * whose record headers are broken (the records starting there counted by their magic, the next good record read on).
 * The header's first and last record numbers are not used: a dirty copy's may be stale.
 */
function readChunk(buf: Buffer, index: number, out: RowSink, tally: Tally, planner: EvtxPlanner | undefined): void {
  const lose = (n: number, what: string) => {
    if (n <= 0) return;
    tally.lostRecords += n;
    tally.firstLost ??= what;
  };
  const freeSpace = buf.readUInt32LE(48);
  const end = freeSpace >= RECORDS_START && freeSpace <= CHUNK_SIZE ? freeSpace : CHUNK_SIZE;
  const headerCrc = zlib.crc32(buf.subarray(128, 512), zlib.crc32(buf.subarray(0, 120)));
  const dataCrc = zlib.crc32(buf.subarray(RECORDS_START, end));
  if (headerCrc !== buf.readUInt32LE(124) || dataCrc !== buf.readUInt32LE(52)) {
    tally.badChunks++;
    tally.firstBad ??= index;
  }
  const reader = new ChunkReader<RowPlan>(buf, planner);
  // The last search for a record whose header holds: none in [searched, found) (found -1: none to the end). Searches
  // start ever further on, so each byte is searched once: records whose size copies all disagree cost no rescans.
  let searched = end;
  let found = -1;
  const nextFrom = (from: number) => {
    if (from < searched || (found >= 0 && from > found)) {
      searched = from;
      found = nextRecord(buf, from, end);
    }
    return found;
  };
  let read = 0; // records read
  let budget: string | undefined; // the chunk's budget is spent: the other records are counted, not read
  let pos = RECORDS_START;
  for (;;) {
    // The size's copy at the record's end is not required: a record partly overwritten often still reads (and else is lost alone).
    // Past the header's free space, records whose size and copy agree are read too: a copy made while Windows wrote
    // the chunk may have records its header does not count yet (or a damaged free-space offset).
    const inside = pos + MIN_RECORD <= end;
    const sure = recordSize(buf, pos, inside ? end : CHUNK_SIZE, true);
    const size = sure || (inside ? recordSize(buf, pos, end, false) : 0);
    if (!inside && !size) break;
    if (!size) {
      // A broken magic or size: read on from the next record whose header holds, if any; what is between is lost.
      const next = nextFrom(pos + 1);
      const to = next < 0 ? end : next;
      // A record was due at `pos`: the stretch holds one at least (zeros to the end: the chunk's unused space).
      if (next >= 0 || !allZero(buf.subarray(pos, to))) {
        lose(Math.max(1, magicsIn(buf, pos, to)), `chunk ${index} at offset ${pos}, where a record's size or magic is broken`);
        tally.lostBytes += to - pos;
      }
      if (next < 0) break;
      pos = next;
      continue;
    }
    const recordId = Number(buf.readBigUInt64LE(pos + 8));
    if (budget !== undefined) lose(1, budget);
    else
      try {
        const row = reader.row(pos + 24, pos + size - 4);
        if (Array.isArray(row)) {
          const event = row.find((e) => e.name === "Event");
          if (!event) throw new BinXmlError("no Event element");
          out.add(recordOf(event, recordId));
        } else if (!row.plan.hasEvent) throw new BinXmlError("no Event element");
        else out.planned(recordId, row.plan, planValues(row.instance));
        read++;
      } catch (err) {
        if (!(err instanceof BinXmlError || err instanceof RangeError)) throw err;
        if (err instanceof ChunkBudgetError) {
          budget = `chunk ${index} after ${read} record(s): ${err.message}`;
          lose(1, budget);
        } else lose(1, `record ${recordId} in chunk ${index}: ${err.message}`);
      }
    // A size its copy does not confirm may be damaged (larger, it would hide the records after it): the next record
    // whose header holds, if it starts inside this one.
    const next = sure ? -1 : nextFrom(pos + 24);
    pos = next >= 0 && next < pos + size ? next : pos + size;
  }
}

/**
 * The records of an EVTX file in record-id order (readDataFile makes them the frame of a Get-WinEvent export with
 * EventData columns: {@link recordsFrame}), and what could not be read. Throws only when the file is no EVTX file
 * (`notEvtx`, the caller's error); everything else unreadable is counted in the result.
 */
export function evtxRecords(file: string, notEvtx: (detail: string) => Error, options: { plans?: boolean } = {}): Omit<EvtxRead, "df"> & { records: EvtxRecord[] } {
  const records = new RecordList();
  const reader = new EvtxFileReader(file, notEvtx, Infinity, { ...options, sink: records });
  try {
    while (!reader.read(Infinity));
    return { ...reader.result(), records: records.records.sort((a, b) => a.recordId - b.recordId) };
  } finally {
    reader.close();
  }
}

/** Options of {@link EvtxFileReader}. */
export interface EvtxReaderOptions {
  /** Records that are one instance of a template become rows by its plan, without an element tree (evtxPlan.ts). Default true. */
  plans?: boolean;
  /** Where the records go: default, columns made a frame a batch at a time ({@link EvtxFileReader.frame}). */
  sink?: RowSink;
}

/**
 * An EVTX file read a few chunks at a time ({@link read}), so that a caller can give the event loop a turn between
 * them (Interrupt Kernel on a 1 GB Security log); {@link close} it when done or abandoned.
 */
export class EvtxFileReader {
  private readonly fd: number;
  private readonly size: number;
  private rows: RowSink;
  private readonly planner: EvtxPlanner | undefined;
  /** Rows already made frames (a batch at a time, {@link EVTX_BATCH_RECORDS}). */
  private readonly frames: pl.DataFrame[] = [];
  /** Each frame's records' header ids, in its row order: the order frames are joined in ({@link frame}). */
  private readonly frameIds: Float64Array[] = [];
  private readonly tally: Tally = { lostRecords: 0, lostChunks: 0, lostBytes: 0, badChunks: 0 };
  private readonly buf = Buffer.alloc(CHUNK_SIZE);
  /** Chunks that are no chunks, lost if a chunk follows. */
  private readonly pending: number[] = [];
  private at = HEADER_SIZE;
  private index = 0;

  /**
   * Opens the file and checks its header: `notEvtx`'s error when it is no EVTX file or its header is cut.
   * `batchRecords`: records held before they are made a frame ({@link frame}; Infinity: never).
   */
  constructor(file: string, notEvtx: (detail: string) => Error, private readonly batchRecords = EVTX_BATCH_RECORDS, options: EvtxReaderOptions = {}) {
    this.rows = options.sink ?? new EvtxRows();
    this.planner = options.plans === false ? undefined : new EvtxPlanner();
    this.fd = fs.openSync(file, "r");
    try {
      this.size = fs.fstatSync(this.fd).size;
      const head = Buffer.alloc(HEADER_SIZE);
      const n = fs.readSync(this.fd, head, 0, HEADER_SIZE, 0);
      if (!isEvtx(head.subarray(0, n))) throw notEvtx(`not a Windows event log (EVTX): it does not start with "ElfFile"`);
      if (n < HEADER_SIZE) throw notEvtx(`an EVTX file cut inside its 4096-byte file header (the file has ${n} bytes), so it holds no event: copy the log again`);
    } catch (err) {
      this.close();
      throw err;
    }
  }

  /** Reads up to `chunks` more chunks; true when the file is read to its end. */
  read(chunks: number): boolean {
    const { buf, tally, pending } = this;
    for (let done = 0; done < chunks && this.at < this.size; done++, this.at += CHUNK_SIZE, this.index++) {
      const got = fs.readSync(this.fd, buf, 0, CHUNK_SIZE, this.at);
      const bytes = buf.subarray(0, got);
      if (got === CHUNK_SIZE && bytes.subarray(0, 8).equals(CHUNK_MAGIC)) {
        if (pending.length) {
          tally.lostChunks += pending.length;
          tally.firstLost ??= `chunk ${pending[0]}, which does not start with "ElfChnk"`;
          pending.length = 0;
        }
        readChunk(buf, this.index, this.rows, tally, this.planner);
        if (this.rows.size >= this.batchRecords) this.pushFrame();
        continue;
      }
      // Unused space (zeros, as Windows preallocates it) is no loss; a chunk cut short is, and so is anything that is no
      // chunk before a chunk that is (past the last one: space the log never used, or a carved file's slack).
      if (allZero(bytes)) continue;
      if (got < CHUNK_SIZE && bytes.subarray(0, 8).equals(CHUNK_MAGIC)) {
        tally.lostChunks++;
        tally.firstLost ??= `chunk ${this.index}, cut after ${got} bytes`;
      } else pending.push(this.index);
    }
    return this.at >= this.size;
  }

  /**
   * The rows of every record read ({@link recordsFrame}), in record-id order. A batch's records become a frame as
   * soon as they are read: as JS objects a record takes about three times its bytes in the file, so a 1 GB log
   * would otherwise overflow V8's heap (the kernel's process dies) before its frame is built.
   */
  frame(): pl.DataFrame {
    if (!this.frames.length) return this.batch().df;
    this.pushFrame();
    // A log that wrapped around keeps its oldest chunks after its newest in the file: record-id order again, by the
    // records' header ids as within a batch (a damaged record's EventRecordID may differ from its header's, and ties
    // keep file order), so the frame is the same whatever the batch size. Lazily: a frame's column proxy answers an
    // event field named `sort` or `inner` with that column.
    const key = "\u0000evtx header id";
    const ids = this.frameIds.splice(0);
    const all = pl.concat(
      this.frames.splice(0).map((f, k) => lazyFrame(f).withColumns(pl.Series(key, ids[k], pl.Float64))),
      { how: "diagonal" },
    );
    return all.sort({ by: key, maintainOrder: true }).drop(key).collectSync();
  }

  private pushFrame(): void {
    const { df, ids } = this.batch();
    this.frameIds.push(ids);
    this.frames.push(df);
  }

  /** The rows not yet made a frame, as one, in record-id order; the sink emptied. */
  private batch(): { df: pl.DataFrame; ids: Float64Array } {
    if (!(this.rows instanceof EvtxRows)) throw new Error("internal error: EvtxFileReader makes no frame of records read into another sink");
    const batch = this.rows.frame();
    this.rows = new EvtxRows();
    return batch;
  }

  /** What was lost and which checksums failed. */
  result(): Omit<EvtxRead, "df"> {
    const { tally } = this;
    return {
      lost: { records: tally.lostRecords, chunks: tally.lostChunks, bytes: tally.lostBytes, first: tally.firstLost },
      badChecksums: { chunks: tally.badChunks, first: tally.firstBad },
    };
  }

  close(): void {
    try {
      fs.closeSync(this.fd);
    } catch {
      // Closed already.
    }
  }
}

/**
 * The rows of the records, in their order: Get-WinEvent's columns ({@link COLUMNS}), then the event fields in the order
 * first met (the layout of {@link EvtxRows}, built column by column from the records: for wevtutil's XML, whose records
 * come as objects; through EvtxRows' row by row writes they cost about a third more).
 */
export function recordsFrame(records: readonly EvtxRecord[]): pl.DataFrame {
  const base = COLUMNS.map(([name, kind]) => {
    const values = records.map((r) => r.system.get(name));
    if (kind === "time") return pl.Series(name, values.map(micros), pl.Int64).cast(pl.Datetime("us"));
    if (kind === "text") {
      // Providers, logs and hosts repeat in every record: coded (polars' string constructor converts each cell).
      const column = new CodedText(records.length);
      values.forEach((v, i) => v !== undefined && column.set(i, v));
      return column.series(name);
    }
    return pl.Series(name, values.map((v) => (v !== undefined && /^\d{1,15}$/.test(v) ? Number(v) : null)), pl.Int64);
  });
  const df = frameOf(base);
  const names = new Set<string>();
  for (const r of records) for (const name of r.fields.keys()) names.add(name);
  return withEventFields(df, records.map((r) => r.fields), names, base[COLUMNS.findIndex(([n]) => n === "TimeCreated")]);
}
