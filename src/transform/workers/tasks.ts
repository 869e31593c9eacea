/**
 * What a chunk of each parallel task computes, and how its result travels:
 * the same functions run in the calling thread (its own chunks) and in the
 * workers (workers/worker.ts), so a split run gives exactly the in-thread output.
 */
import pl from "nodejs-polars";
import type { DataFrame } from "nodejs-polars";
import { cellsBatch, type Base64ChunkInput, type Base64TaskArgs } from "../base64Unpack";
import { ByteSink } from "./ipcWriter";
import { BUILTIN_DEFINITIONS, type IocTypeDefinition } from "../iocPatterns";
import { scanColumns, type ScanResult, type ScanSettings } from "../iocScan";
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

/**
 * Scans a chunk (text Series, nulls empty, rows from `offset`) — screen,
 * cells and scanners — into its result frame (see {@link scanFrame}).
 * Workers run it on their own polars, so the caller's share is slicing and merging.
 */
export function iocChunk(columns: pl.Series[], offset: number, defs: readonly IocTypeDefinition[], settings: ScanSettings): DataFrame {
  return scanFrame(scanColumns(columns, columns[0]?.length ?? 0, defs, settings), offset);
}

/**
 * A scan's output rows as a frame: `row` (UInt32, shifted by `offset`), `col`
 * (Int32), `IoCType` and `Observable` — built by polars from typed arrays and
 * the values, in output order.
 */
export function scanFrame(found: ScanResult, offset: number): DataFrame {
  const rows = new Uint32Array(found.rows.length);
  for (let i = 0; i < rows.length; i++) rows[i] = found.rows[i] + offset;
  const types = found.typeNames.length
    ? pl.Series("IoCType", found.typeNames, pl.Utf8).gather(Array.from(found.typeIds))
    : pl.Series("IoCType", [], pl.Utf8);
  return pl.DataFrame([
    pl.Series("row", rows),
    pl.Series("col", Int32Array.from(found.cols)),
    types,
    pl.Series("Observable", found.values, pl.Utf8),
  ]);
}

/** Chunk results in chunk order (frames, or a worker's IPC bytes) as one frame. */
export function mergeScanFrames(parts: readonly (DataFrame | Uint8Array)[]): DataFrame {
  const frames = parts.map((p) => (p instanceof Uint8Array ? pl.readIPC(Buffer.from(p.buffer, p.byteOffset, p.byteLength)) : p));
  return frames.length === 1 ? frames[0] : pl.concat(frames, { how: "vertical" });
}

/** A result frame as Arrow IPC bytes, transferred (not copied) to the caller. */
function ipcResult(frame: DataFrame): { result: Uint8Array; transfer: ArrayBuffer[] } {
  // A fresh copy owns its ArrayBuffer, so it can be transferred.
  const bytes = new Uint8Array(frame.writeIPC());
  return { result: bytes, transfer: [bytes.buffer as ArrayBuffer] };
}

/**
 * A worker's base64 sinks, one per chunk it computes within a job (`slot`),
 * reused from job to job: shared memory, so the caller reads the batch where
 * it was written, and pages already touched (the caller copies a job's
 * batches out before it posts the next job). A sink that grew past 32 MB is
 * replaced when its slot is next used.
 */
const base64Sinks: ByteSink[] = [];
const RETAIN_BYTES = 32 * 1024 * 1024;

/**
 * Runs chunk `payload` of a `task` job (in a worker): its result and the
 * buffers to transfer. `slot` numbers the chunks this worker has taken in the
 * current job (0, 1, …).
 */
export function runTask(task: TaskName, args: unknown, payload: unknown, slot = 0): { result: unknown; transfer: ArrayBuffer[] } {
  if (task === "ioc") {
    const { ipc, offset } = payload as IocChunkInput;
    const { types, settings } = args as IocTaskArgs;
    const frame = pl.readIPC(Buffer.from(ipc.buffer, ipc.byteOffset, ipc.byteLength));
    return ipcResult(iocChunk(frame.getColumns(), offset, builtinDefs(types), settings));
  }
  const { cells, rows } = payload as Base64ChunkInput;
  if (base64Sinks[slot] === undefined || base64Sinks[slot].bytes.length > RETAIN_BYTES) base64Sinks[slot] = new ByteSink(1 << 16, true);
  const sink = base64Sinks[slot];
  sink.pos = 0;
  return { result: cellsBatch(sink, cells, rows, args as Base64TaskArgs), transfer: [] };
}
