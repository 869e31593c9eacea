/**
 * The query parameter → entity attribute table (data/pivot_mappings.yaml):
 * which queries become pivots of which entities. Data, so hunters extend it
 * for their own query files without code.
 */
import fs from "node:fs";
import path from "node:path";
import { LAB_DATA_DIR } from "../common/paths";
import { parseYamlText, readYamlText, type YamlLimits } from "../config/yamlFile";
import { PIVOT_ENTITIES, type PivotEntityName } from "./attach";
import { PivotError, pivotMessages as msg } from "./messages";

/** The bundled mapping file. */
export const PIVOT_MAPPINGS_PATH = path.join(LAB_DATA_DIR, "pivot_mappings.yaml");

/** One parameter's target: entity class and the attribute an entity input gives. */
export interface ParameterMapping {
  entity: PivotEntityName;
  attribute: string;
}

/** Parameter name → its targets. */
export type PivotMappings = ReadonlyMap<string, readonly ParameterMapping[]>;

const LIMITS: YamlLimits = { maxBytes: 1024 * 1024, maxKeys: 10_000, maxDepth: 16, what: "pivot mapping files" };

/** Reads one mapping file. Errors name the file and the entry. */
export function readMappings(file: string): Map<string, ParameterMapping[]> {
  if (!fs.existsSync(file)) throw new PivotError(msg.mappings(file, "file not found"));
  const fail = (problem: { message: string }) => new PivotError(msg.mappings(file, problem.message.startsWith(file) ? problem.message.slice(file.length).replace(/^:\s*/, "") : problem.message));
  const doc = parseYamlText(file, readYamlText(file, LIMITS, fail), LIMITS, fail);
  const params = (doc as { parameters?: unknown } | null)?.parameters;
  if (!params || typeof params !== "object" || Array.isArray(params)) throw new PivotError(msg.mappings(file, "expected a `parameters:` map of parameter name → list of {entity, attribute}"));
  const out = new Map<string, ParameterMapping[]>();
  for (const [name, targets] of Object.entries(params as Record<string, unknown>)) {
    const list = Array.isArray(targets) ? targets : [targets];
    const mapped: ParameterMapping[] = [];
    for (const t of list) {
      const entity = (t as { entity?: unknown } | null)?.entity;
      const attribute = (t as { attribute?: unknown } | null)?.attribute;
      if (typeof entity !== "string" || !Object.hasOwn(PIVOT_ENTITIES, entity)) {
        throw new PivotError(msg.mappings(file, `parameter "${name}": entity ${JSON.stringify(entity)} is not one of ${Object.keys(PIVOT_ENTITIES).join(", ")}`));
      }
      if (typeof attribute !== "string" || !attribute) throw new PivotError(msg.mappings(file, `parameter "${name}": attribute must be a property name`));
      mapped.push({ entity: entity as PivotEntityName, attribute });
    }
    out.set(name, mapped);
  }
  return out;
}

/** The bundled table plus `extra` files (a later file's entry replaces an earlier one's). */
export function loadMappings(extra: readonly string[] = []): PivotMappings {
  const all = new Map<string, ParameterMapping[]>();
  for (const file of [PIVOT_MAPPINGS_PATH, ...extra]) for (const [k, v] of readMappings(file)) all.set(k, v);
  return all;
}
