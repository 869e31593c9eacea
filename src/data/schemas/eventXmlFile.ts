/**
 * A `wevtutil qe <log> /f:xml` file read in blocks ({@link EventXmlFileReader}): its `<Event>` elements parsed as they
 * complete (eventXml.ts), their rows made frames a batch at a time as an .evtx file's (evtx.ts), so the file's size is
 * bounded only by the frame's: no text of the whole file is held (V8's strings stop near 512 MiB).
 */
import fs from "node:fs";
import pl from "nodejs-polars";
import { lazyFrame } from "../../common/frames";
import { EVTX_BATCH_RECORDS, recordOf, recordsFrame, type EvtxRecord } from "./evtx";
import { EventXmlReader, type EventXmlOptions } from "./eventXml";

/** Bytes read at a time. */
const BLOCK_BYTES = 1 << 20;

/** Options of {@link EventXmlFileReader}. */
export interface EventXmlFileOptions extends EventXmlOptions {
  /** Events kept as JS objects before they are made a frame. Default {@link EVTX_BATCH_RECORDS}. */
  batchRecords?: number;
  /** Bytes read at a time. Default 1 MiB. */
  blockBytes?: number;
}

/**
 * A UTF-8 wevtutil XML file (a byte-order mark skipped; invalid bytes read as U+FFFD) read a few blocks at a time
 * ({@link read}), so a caller can give the event loop a turn between them; {@link close} it when done or abandoned.
 * Rows are in record-id order when every event has a numeric EventRecordID (one output of several logs keeps each
 * event's place otherwise), as an .evtx file's.
 */
export class EventXmlFileReader {
  private readonly fd: number;
  private readonly xml: EventXmlReader;
  private readonly decoder = new TextDecoder("utf-8");
  private readonly block: Buffer;
  private readonly batchRecords: number;
  private records: EvtxRecord[] = [];
  private readonly frames: pl.DataFrame[] = [];
  /** Every batch so far had a numeric record id in every event (so the frames are sorted by it). */
  private numbered = true;
  private at = 0;
  private done = false;

  constructor(file: string, options: EventXmlFileOptions = {}) {
    this.xml = new EventXmlReader(options);
    this.batchRecords = options.batchRecords ?? EVTX_BATCH_RECORDS;
    this.block = Buffer.alloc(options.blockBytes ?? BLOCK_BYTES);
    this.fd = fs.openSync(file, "r");
  }

  /** `<Event>` elements cut, malformed or too large: skipped. */
  get malformed(): number {
    return this.xml.malformed;
  }

  /** Reads up to `blocks` more blocks; true when the file is read to its end. */
  read(blocks: number): boolean {
    for (let k = 0; k < blocks && !this.done; k++) {
      const got = fs.readSync(this.fd, this.block, 0, this.block.length, this.at);
      this.at += got;
      if (got === 0) {
        this.add(this.xml.push(this.decoder.decode()));
        this.add(this.xml.end());
        this.done = true;
      } else this.add(this.xml.push(this.decoder.decode(this.block.subarray(0, got), { stream: true })));
    }
    return this.done;
  }

  private add(events: ReturnType<EventXmlReader["push"]>): void {
    for (const e of events) {
      this.records.push(recordOf(e, this.records.length));
      if (this.records.length >= this.batchRecords) this.frames.push(this.batch());
    }
  }

  /** The events not yet made a frame, as one: in record-id order when each has a numeric one. */
  private batch(): pl.DataFrame {
    const records = this.records;
    this.records = [];
    const ids = records.map((r) => Number(r.system.get("RecordId") ?? NaN));
    if (ids.every((id) => Number.isFinite(id))) records.sort((a, b) => ids[a.recordId] - ids[b.recordId]);
    else this.numbered = false;
    return recordsFrame(records);
  }

  /** The rows of every event read (call after {@link read} returned true). */
  frame(): pl.DataFrame {
    const rest = this.batch();
    if (!this.frames.length) return rest;
    // Lazily: a frame's column proxy answers an event field named `sort` or `inner` with that column.
    const all = pl.concat([...this.frames.splice(0), rest].map(lazyFrame), { how: "diagonal" });
    return (this.numbered ? all.sort({ by: "RecordId", maintainOrder: true }) : all).collectSync();
  }

  close(): void {
    try {
      fs.closeSync(this.fd);
    } catch {
      // Closed already.
    }
  }
}
