/**
 * What a chunk of each parallel task computes, and how its result travels:
 * the same functions run in the calling thread (its own chunks) and in the
 * workers (workers/worker.ts), so a split run gives exactly the in-thread output.
 */
import { unpackCells, type CellsUnpacked, type ResolvedBase64Limits } from "../base64Unpack";
import { BUILTIN_DEFINITIONS, type IocTypeDefinition } from "../iocPatterns";
import { scanScreened, type ScanResult, type ScanSettings, type ScreenedColumn } from "../iocScan";
import type { TaskName } from "./pool";

/** Arguments of an `ioc` job: built-in type names (workers cannot receive user scanners) and the settings. */
export interface IocTaskArgs {
  types: string[];
  settings: ScanSettings;
}

/** A chunk's scan result as it travels: typed arrays (transferred, not copied) and the values. */
export interface PackedScan {
  rows: Int32Array;
  cols: Int32Array;
  typeIds: Int32Array;
  typeNames: string[];
  values: string[];
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

/** Scans one chunk's screened columns. */
export function iocChunk(args: IocTaskArgs, columns: readonly ScreenedColumn[]): PackedScan {
  return packScan(scanScreened(columns, columns[0]?.cells.length ?? 0, builtinDefs(args.types), args.settings));
}

export function packScan(found: ScanResult): PackedScan {
  return {
    rows: Int32Array.from(found.rows),
    cols: Int32Array.from(found.cols),
    typeIds: Int32Array.from(found.typeIds),
    typeNames: found.typeNames,
    values: found.values,
  };
}

/**
 * Chunk results (in chunk order, each with rows relative to its chunk) as
 * one result: rows shifted by each chunk's offset, type codes renumbered in
 * order of first appearance — what one scan of all rows gives.
 */
export function mergeScans(parts: readonly (ScanResult | PackedScan)[], offsets: readonly number[]): ScanResult {
  const out: ScanResult = { rows: [], cols: [], typeIds: [], typeNames: [], values: [] };
  const ids = new Map<string, number>();
  parts.forEach((part, p) => {
    const remap = part.typeNames.map((name) => {
      let id = ids.get(name);
      if (id === undefined) ids.set(name, (id = out.typeNames.push(name) - 1));
      return id;
    });
    const off = offsets[p];
    for (let i = 0; i < part.rows.length; i++) {
      out.rows.push(part.rows[i] + off);
      out.cols.push(part.cols[i]);
      out.typeIds.push(remap[part.typeIds[i]]);
      out.values.push(part.values[i]);
    }
  });
  return out;
}

/** Runs chunk `payload` of a `task` job (in a worker): its result and the buffers to transfer. */
export function runTask(task: TaskName, args: unknown, payload: unknown): { result: unknown; transfer: ArrayBuffer[] } {
  if (task === "ioc") {
    const r = iocChunk(args as IocTaskArgs, payload as ScreenedColumn[]);
    return { result: r, transfer: [r.rows.buffer, r.cols.buffer, r.typeIds.buffer] as ArrayBuffer[] };
  }
  const r: CellsUnpacked = unpackCells(payload as (string | null)[], args as ResolvedBase64Limits);
  return { result: r, transfer: [] };
}
