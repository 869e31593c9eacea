/**
 * What a chunk of each parallel task computes, and how its result travels:
 * the same functions run in the calling thread (its own chunks) and in the
 * workers (workers/worker.ts), so a split run gives exactly the in-thread output.
 */
import pl from "nodejs-polars";
import type { DataFrame } from "nodejs-polars";
import { cellsBatch, type Base64ChunkInput, type Base64TaskArgs } from "../base64Unpack";
import { BatchBuilder, ByteSink, END_OF_STREAM, schemaMessage, type IpcField } from "./ipcWriter";
import { BUILTIN_DEFINITIONS, type IocTypeDefinition } from "../iocPatterns";
import { scanColumns, type ScanSettings } from "../iocScan";
import type { TaskName } from "./pool";

/** Arguments of an `ioc` job: built-in type names (workers cannot receive user scanners) and the settings. */
export interface IocTaskArgs {
  types: string[];
  settings: ScanSettings;
}

/** True when every definition is a built-in one, so a worker can rebuild it by name. */
export function allBuiltin(defs: readonly IocTypeDefinition[]): boolean {
  return defs.every((d) => BUILTIN_DEFINITIONS.includes(d));
}

function builtinDefs(names: readonly string[]): IocTypeDefinition[] {
  return names.map((n) => {
    const def = BUILTIN_DEFINITIONS.find((d) => d.name === n);
    if (!def) throw new Error(`internal error: unknown built-in IoC type ${n} in a worker task`);
    return def;
  });
}

/**
 * An `ioc` chunk as it travels to a worker: its text columns (`c0`, `c1`, …)
 * as Arrow IPC bytes (a copy of the buffers, no per-cell strings), and its first row.
 */
export interface IocChunkInput {
  ipc: Uint8Array;
  offset: number;
}

/** A chunk's text columns as Arrow IPC bytes, for a worker. */
export function iocChunkInput(columns: readonly pl.Series[], offset: number): IocChunkInput {
  return { ipc: pl.DataFrame(columns.map((c, ci) => c.rename(`c${ci}`))).writeIPC(), offset };
}

/** The columns of a chunk's result: `row` (shifted by the chunk's offset), `col` (the scanned column's position), `IoCType`, `Observable`. */
const IOC_FIELDS: readonly IpcField[] = [
  { name: "row", kind: "uint32" },
  { name: "col", kind: "uint32" },
  { name: "IoCType", kind: "text" },
  { name: "Observable", kind: "text" },
];
const IOC_SCHEMA = schemaMessage(IOC_FIELDS);

/** This thread's builder of chunk results, reused from chunk to chunk (memory already touched costs less). */
let iocBuilder: BatchBuilder | undefined;

/** Builders and sinks larger than this after a chunk are let go (a huge result does not pin its memory). */
const RETAIN_BYTES = 32 * 1024 * 1024;

/**
 * Scans a chunk (text Series, nulls empty, rows from `offset`) — screen,
 * cells and scanners — into an Arrow IPC stream of one record batch of its
 * result rows ({@link IOC_FIELDS}, in output order), appended to `sink`;
 * returns the stream's bytes (a view into the sink). Each hit is written as it is emitted:
 * a frame built from JavaScript arrays cost one crossing per string, and the
 * arrays themselves were garbage. Workers run it on their own polars, so the
 * caller's share is slicing and merging ({@link mergeScanBatches}).
 */
export function iocChunk(columns: pl.Series[], offset: number, defs: readonly IocTypeDefinition[], settings: ScanSettings, sink: ByteSink): Uint8Array {
  const b = (iocBuilder ??= new BatchBuilder(IOC_FIELDS));
  b.reset();
  const start = sink.pos;
  try {
    scanColumns(columns, columns[0]?.length ?? 0, defs, settings, (row, col, type, value) => {
      b.uint32(0, row + offset);
      b.uint32(1, col);
      b.text(2, type);
      b.text(3, value);
      b.endRow();
    });
    sink.ensure(IOC_SCHEMA.length + b.byteLength() + 8 + END_OF_STREAM.length);
    sink.append(IOC_SCHEMA);
    b.finish(sink);
    sink.append(END_OF_STREAM);
  } catch (err) {
    // A builder left half-written is not reused: the next chunk would read its leftovers.
    iocBuilder = undefined;
    throw err;
  }
  if (b.capacity > RETAIN_BYTES) {
    b.release();
    iocBuilder = undefined;
  }
  return sink.bytes.subarray(start, sink.pos);
}

/** Lets go of the sinks that grew past {@link RETAIN_BYTES} (replaced by small ones). */
export function releaseBigSinks(sinks: ByteSink[]): void {
  for (let j = 0; j < sinks.length; j++) {
    if (sinks[j].bytes.length <= RETAIN_BYTES) continue;
    sinks[j].release();
    sinks[j] = new ByteSink();
  }
}

/**
 * Chunk results in chunk order (each a whole Arrow IPC stream) as one frame (`row` UInt32, `col` UInt32, `IoCType`,
 * `Observable`), its chunks not rejoined. Read where they were written: copied into one stream first, a 1M-row
 * result (80 MB) took fresh pages on every call.
 */
export function mergeScanBatches(parts: readonly Uint8Array[]): DataFrame {
  const frames = parts.map((p) => pl.readIPCStream(Buffer.from(p.buffer, p.byteOffset, p.byteLength)));
  return frames.length === 1 ? frames[0] : pl.concat(frames, { how: "vertical" });
}

/**
 * A worker's sinks, one per chunk it computes within a job (`slot`),
 * reused from job to job: shared memory, so the caller reads the batch where
 * it was written, and pages already touched (the caller copies a job's
 * batches out before it posts the next job). A sink that grew past 32 MB is
 * replaced when its slot is next used.
 */
const slotSinks: ByteSink[] = [];

/**
 * Runs chunk `payload` of a `task` job (in a worker): its result and the
 * buffers to transfer. `slot` numbers the chunks this worker has taken in the
 * current job (0, 1, …).
 */
export function runTask(task: TaskName, args: unknown, payload: unknown, slot = 0): { result: unknown; transfer: ArrayBuffer[] } {
  if (slotSinks[slot] === undefined || slotSinks[slot].bytes.length > RETAIN_BYTES) slotSinks[slot] = new ByteSink(1 << 16, true);
  const sink = slotSinks[slot];
  sink.pos = 0;
  if (task === "ioc") {
    const { ipc, offset } = payload as IocChunkInput;
    const { types, settings } = args as IocTaskArgs;
    const frame = pl.readIPC(Buffer.from(ipc.buffer, ipc.byteOffset, ipc.byteLength));
    return { result: iocChunk(frame.getColumns(), offset, builtinDefs(types), settings, sink), transfer: [] };
  }
  const { cells, rows } = payload as Base64ChunkInput;
  return { result: cellsBatch(sink, cells, rows, args as Base64TaskArgs), transfer: [] };
}
