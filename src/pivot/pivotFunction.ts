/**
 * Builds a pivot function from an implementation that maps distinct values to
 * rows: the one place that applies the input/output rule (see input.ts).
 */
import pl from "nodejs-polars";
import { findUnknownOption } from "../common/errors";
import { columnNames } from "../common/frames";
import { inNotebook } from "../common/kernel";
import type { Entity } from "../entities/entity";
import { concurrencyOf, joinBack, normaliseInput, PIVOT_OPTION_KEYS, withInputColumn, type AttributeReader } from "./input";
import { PivotError, pivotMessages as msg } from "./messages";
import type { PivotCallOptions, PivotFunction, PivotFunctionInfo, PivotInput } from "./types";

/** What an implementation gets besides the values. */
export interface PivotContext {
  /** `entities.Ip.util.ipType`, for messages. */
  fn: string;
  /** The call's parameters (options minus the pivot's own keys). */
  params: Record<string, unknown>;
  concurrency: number;
  /** Reports progress of one-by-one runs: done of total. */
  progress: (done: number, total: number) => void;
  /** A value's other forms (itself first), when the input's entity gave them together (a Host's names to a live query). */
  forms: ReadonlyMap<string, readonly string[]>;
}

/** Rows for the values: `inputs[i]` is the input value of row `i`. */
export interface PivotRows {
  frame: pl.DataFrame;
  inputs: string[];
}

/** The work of a pivot function. */
export type PivotImpl = (values: string[], context: PivotContext) => Promise<PivotRows>;

/** Reads the attribute an entity input gives: its property, or a getter (`FullPath`, `qualifiedName`). */
export function readAttribute(attribute: string): (entity: Entity) => unknown {
  return (entity) => {
    if (attribute === "UPN") {
      const a = entity as unknown as { Name?: string; UPNSuffix?: string };
      return a.Name && a.UPNSuffix ? `${a.Name}@${a.UPNSuffix}` : a.Name;
    }
    if (attribute === "HostName") {
      // A host named by its NetBIOS name alone (an alert rule that maps only that identifier) is named by it, as
      // Host.nameStr and its key have it: the pivot refused it for want of a HostName.
      const h = entity as unknown as { HostName?: unknown; NetBiosName?: unknown };
      return typeof h.HostName === "string" && h.HostName.trim() !== "" ? h.HostName : (h.NetBiosName ?? h.HostName);
    }
    if (attribute === "FileHash") {
      // A File's hash: the strongest one it has.
      const f = entity as unknown as { Sha256?: string; Sha1?: string; Md5?: string; FileHashes?: { Value?: string }[]; Value?: string };
      // Blank hashes ("" from a data source's empty cell) count as absent.
      const given = (v: unknown): v is string => typeof v === "string" && v.trim() !== "";
      const hashes = Array.isArray(f.FileHashes) ? f.FileHashes.map((h) => h?.Value) : [];
      return [f.Sha256, f.Sha1, f.Md5, ...hashes, f.Value].find(given);
    }
    return (entity as unknown as Record<string, unknown>)[attribute];
  };
}

/** Help text of a pivot function. */
export function pivotHelp(path: string, info: PivotFunctionInfo): string {
  const lines = [`${path}: ${info.description}`, `  input: a value, an array, an entities.${info.entity} (its ${info.inputAttribute}) or (df, { column })`];
  lines.push(`  result: ${info.inputColumn} (the input value), ${info.outputColumns.join(", ")}`);
  if (info.parameters.length) {
    lines.push("  parameters:");
    for (const p of info.parameters) lines.push(`    ${p.name} (${p.type}${p.required ? ", required" : ""}): ${p.description}`);
  }
  lines.push(`  options: column, join ("inner" | "left" | "outer"), inputColumn, concurrency, progress`);
  lines.push(`  source: ${info.source}; runs ${info.batching}`);
  return lines.join("\n");
}

/** A pivot function for `info`, running `impl`; `read` gives an entity input's value(s) (default: its `inputAttribute`). */
export function makePivotFunction(info: PivotFunctionInfo, impl: PivotImpl, read: AttributeReader = readAttribute(info.inputAttribute)): PivotFunction {
  const path = info.family ? `entities.${info.entity}.${info.namespace}.${info.family}.${info.name}` : `entities.${info.entity}.${info.namespace}.${info.name}`;
  // An Ip util or TI function (geoLoc, lookupIp…) reads an integer as the IPv4 address it stores, as geoLookup and
  // lookupIocs do: as text, 134744072 was digits. (A query's parameter takes the value as the user wrote it.)
  const addresses = !info.family && info.entity === "Ip" && info.inputAttribute === "Address";
  const run = async (input: PivotInput, options: PivotCallOptions = {}): Promise<pl.DataFrame> => {
    const { values, frame, forms } = normaliseInput(path, input, options, info.inputAttribute, read, addresses);
    const params: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(options)) if (!PIVOT_OPTION_KEYS.has(k)) params[k] = v;
    // A util or TI function reads only its own parameters: a misspelt one (`joni: "left"`) was dropped, and the
    // pivot ran without it. (A query checks its parameters itself, aliases included.)
    if (!info.family) {
      // start/end are options of every pivot (PivotCallOptions), read by queries: a chain may pass them to all its steps.
      const known = [...PIVOT_OPTION_KEYS, "start", "end", ...info.parameters.map((p) => p.name)];
      const unknown = findUnknownOption(params, known);
      if (unknown) throw new PivotError(msg.unknownOption(path, unknown, known));
    }
    const showProgress = options.progress ?? (inNotebook() && values.length > 20);
    let lastShown = 0;
    const context: PivotContext = {
      fn: path,
      params,
      concurrency: concurrencyOf(path, options),
      forms,
      progress: (done, total) => {
        // A line at each quarter: kernels have no progress widget and a line per value would flood the cell.
        if (!showProgress || total < 2) return;
        const quarter = Math.floor((done * 4) / total);
        if (quarter > lastShown || done === total) {
          lastShown = quarter;
          console.log(`${path}: ${done} of ${total} values`);
        }
      },
    };
    const rows = await impl(values, context);
    const inputColumn = options.inputColumn ?? info.inputColumn;
    const result = withInputColumn(path, rows.frame, rows.inputs, inputColumn);
    return frame && options.join ? joinBack(frame, result, inputColumn, options.join) : result;
  };
  return Object.assign(run, { info: Object.freeze({ ...info }), path, help: () => pivotHelp(path, info) }) as PivotFunction;
}

/** Concatenates frames of possibly different columns (missing ones become null). */
export function concatFrames(frames: readonly pl.DataFrame[], empty: () => pl.DataFrame): pl.DataFrame {
  const nonEmpty = frames.filter((f) => columnNames(f).length > 0);
  if (nonEmpty.length === 0) return frames[0] ?? empty();
  if (nonEmpty.length === 1) return nonEmpty[0];
  return pl.concat([...nonEmpty], { how: "diagonalRelaxed" });
}
