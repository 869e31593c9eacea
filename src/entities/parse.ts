/**
 * Parsing of Sentinel's alert `Entities` JSON into entities.
 *
 * Sentinel serialises an alert's entities with Json.NET reference handling:
 * the first occurrence of an object carries `"$id": "4"` and later uses are
 * `{"$ref": "4"}`. References are resolved to the *same* entity object, so a
 * host shared by a process and an account is one `Host`. Unknown entity types
 * become `UnknownEntity`; items that are no object are skipped and said; a
 * reference to an id that is not in the document becomes an `UnknownEntity` of
 * type `unresolved-reference`.
 */
import { isObjectRecord, jsonDeeperThan, jsonErrorText, setOwnProperty, parseJsonIntegersAsText } from "../common/json";
import { entitiesMessages as msg, entitiesNotObjects, entityItemSkipped } from "./messages";
import { Entity, EntityParseError, parseEntityTime, schemaKey, UnknownEntity, type EntitySchema, type PropertyKind } from "./entity";
import { entityFactory, schemaOf } from "./types";

type Json = Record<string, unknown>;


/**
 * Deepest JSON nesting an alert cell may have. Sentinel's entities nest a few
 * levels (process → parent → image file); the parser, the cards and the graph
 * walk values recursively, and about 4,000 levels (8 KB of brackets) overflowed
 * the stack and lost the whole graph.
 */
export const MAX_JSON_DEPTH = 256;

/** Throws the cell's JSON error when its text nests deeper than {@link MAX_JSON_DEPTH}. */
export function checkJsonDepth(text: string, error: (detail: string) => Error): void {
  if (jsonDeeperThan(text, MAX_JSON_DEPTH)) throw error(`nested deeper than ${MAX_JSON_DEPTH} levels`);
}

/** Options of {@link parseEntities} and {@link entityFromObject}. */
export interface EntityParseOptions {
  /**
   * Called for each time property read from a slash date month first with nothing to prove it (`05/06/2026`), with
   * the entity type and property (`process.CreationTimeUtc`) and the text, for the caller's warning. Default: none.
   */
  onAmbiguousTime?: (property: string, value: string) => void;
}

/**
 * Parses the JSON text (or already-parsed value) of an `Entities` cell into
 * entities. Items that are no object (`null`, `"true"`, `5`) are no entity:
 * skipped, each said in `skipped` (they were `unknown` nodes, and equal ones linked alerts).
 */
export function parseEntities(source: unknown, where = "Entities", skipped: string[] = [], options: EntityParseOptions = {}): Entity[] {
  let value = source;
  if (typeof source === "string") {
    if (source.trim() === "") return [];
    checkJsonDepth(source, (detail) => new EntityParseError(msg.entitiesJson(where, detail)));
    try {
      // Integers past 2^53 (a LogonId, a ProcessId) as their exact text: JSON.parse rounded them.
      value = parseJsonIntegersAsText(source);
    } catch (err) {
      throw new EntityParseError(msg.entitiesJson(where, jsonErrorText(err)));
    }
  }
  if (value === null || value === undefined) return [];
  // A list cell (not JSON text) with no object in it: pl.DataFrame(rows) turns lists of objects into lists of nulls.
  if (Array.isArray(source) && source.length > 0 && !source.some(isObjectRecord)) {
    skipped.push(entitiesNotObjects(where, source.length));
    return [];
  }
  const items = Array.isArray(value) ? value : (preservedList(value) ?? [value]);
  // The whole document is indexed: a preserved list's own `$id` too.
  const parser = new EntityParser(value, options);
  const out: Entity[] = [];
  for (const [i, item] of items.entries()) {
    if (isObjectRecord(item)) out.push(parser.entity(item));
    else skipped.push(entityItemSkipped(where, i, item));
  }
  return out;
}

/**
 * The list a Json.NET preserved array holds: `{"$id": "5", "$values": [...]}`, as a serialiser that keeps every
 * reference (PreserveReferencesHandling.All or Arrays) writes a list; undefined for anything else. An entity list
 * written so was one `unknown` entity with the real ones hidden in it.
 */
function preservedList(value: unknown): unknown[] | undefined {
  return isObjectRecord(value) && Array.isArray(value.$values) && typeof value.Type !== "string" ? value.$values : undefined;
}

/** Builds one entity from a plain object (with `Type`), resolving no references. */
export function entityFromObject(source: Json, options: EntityParseOptions = {}): Entity {
  return new EntityParser([source], options).entity(source);
}

/** What a preserved list's reference to itself converts to: no item (dropped from the list holding it), no property value. */
const SELF_REFERENCE = Symbol("self-reference");

class EntityParser {
  private readonly byId = new Map<string, Json>();
  private readonly memo = new Map<Json, Entity>();
  private readonly unresolved = new Map<string, Entity>();
  /** Preserved lists being converted: a list referencing itself ends here. */
  private readonly listsOpen = new Set<unknown[]>();

  constructor(
    root: unknown,
    private readonly options: EntityParseOptions = {},
  ) {
    this.index(root);
  }

  /**
   * Records every object that declares a `$id`, anywhere in the document, in
   * document order (the first of an id wins). Iterative: any depth the JSON
   * reader accepted is indexed (ids past 64 levels were not, and their
   * references went unresolved without a word).
   */
  private index(root: unknown): void {
    const stack: unknown[] = [root];
    while (stack.length) {
      const value = stack.pop();
      const children = Array.isArray(value) ? value : isObjectRecord(value) ? Object.values(value) : undefined;
      if (!children) continue;
      if (!Array.isArray(value) && isObjectRecord(value)) {
        const id = value.$id;
        if ((typeof id === "string" || typeof id === "number") && !this.byId.has(String(id))) this.byId.set(String(id), value);
      }
      for (let i = children.length - 1; i >= 0; i -= 1) stack.push(children[i]);
    }
  }

  private deref(value: Json): Json | undefined {
    const ref = value.$ref;
    // `"$ref": null` is no reference: readers that give every object of a column
    // the same fields (polars structs, Parquet) write the ones an object lacks as null.
    if (ref === undefined || ref === null) return value;
    return this.byId.get(String(ref));
  }

  /** An entity from an object; objects without a type become `UnknownEntity`. */
  entity(value: unknown, expectedType?: string): Entity {
    if (!isObjectRecord(value)) return new UnknownEntity({ Type: "unknown", Value: value });
    const target = this.deref(value);
    if (!target) {
      // One entity per missing id, as a resolved id would be.
      const ref = String(value.$ref);
      let missing = this.unresolved.get(ref);
      if (!missing) this.unresolved.set(ref, (missing = new UnknownEntity({ Type: "unresolved-reference", $ref: value.$ref })));
      return missing;
    }
    const cached = this.memo.get(target);
    if (cached) return cached;
    const type = typeof target.Type === "string" && target.Type ? target.Type : expectedType ?? "unknown";
    const schema = schemaOf(type) ?? {};
    const factory = entityFactory(type);
    // Plain properties go to the constructor; entity-valued ones are set after the
    // entity is memoised, so a reference cycle ends at the memo.
    const plain: Json = { Type: type };
    const deferred: [string, unknown][] = [];
    for (const [key, raw] of Object.entries(target)) {
      if (key === "$id" || key === "Type") continue;
      const kind = kindOf(schema, key);
      if (this.holdsEntity(raw, kind)) deferred.push([key, raw]);
      else setOwnProperty(plain, key, coerce(raw, kind, () => this.options.onAmbiguousTime?.(`${type}.${key}`, String(raw))));
    }
    const entity = factory ? factory(plain) : new UnknownEntity(plain);
    this.memo.set(target, entity);
    const entitySchema: EntitySchema = entity.schema;
    for (const [key, raw] of deferred) {
      const converted = this.convert(raw, kindOf(schema, key));
      // A reference to a preserved list this entity is an item of: no value (as it is no item of that list).
      if (converted === SELF_REFERENCE) continue;
      const known = schemaKey(entitySchema, key);
      if (known !== undefined && (known === key || !Object.hasOwn(target, known))) (entity as unknown as Json)[known] = converted;
      else setOwnProperty(entity.AdditionalData, key, converted);
    }
    return entity;
  }

  /** True when the raw value is (or contains) an entity or a reference. */
  private holdsEntity(raw: unknown, kind: PropertyKind | undefined): boolean {
    if (kind && typeof kind === "object") return true;
    // A text, number, boolean or time property holds no entity, whatever the data puts there: a hostile
    // `"FullPath": {"$ref": "1"}` is coerced as text, not set as an entity (a File's FullPath is a getter: it threw).
    if (kind === "string" || kind === "number" || kind === "boolean" || kind === "time") return false;
    if (isObjectRecord(raw)) return "$ref" in raw || typeof raw.Type === "string" || Object.values(raw).some((v) => this.holdsEntity(v, undefined));
    if (Array.isArray(raw)) return raw.some((v) => this.holdsEntity(v, undefined));
    return false;
  }

  private convert(raw: unknown, kind: PropertyKind | undefined): unknown {
    const expected = kind && typeof kind === "object" ? ("entity" in kind ? kind.entity : kind.entities) : undefined;
    if (Array.isArray(raw)) return raw.map((v) => this.convert(v, expected ? { entity: expected } : undefined)).filter((v) => v !== SELF_REFERENCE);
    if (isObjectRecord(raw)) {
      // A preserved list, written there or referenced (`{"$ref": "5"}` to one), is its items; one that holds a
      // reference to itself is read once (the reference inside is no item).
      const list = preservedList(this.deref(raw));
      if (list) {
        if (this.listsOpen.has(list)) return SELF_REFERENCE;
        this.listsOpen.add(list);
        try {
          return this.convert(list, kind);
        } finally {
          this.listsOpen.delete(list);
        }
      }
      if ("$ref" in raw || typeof raw.Type === "string" || expected) return this.entity(raw, expected);
      return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, this.convert(v, undefined)]).filter(([, v]) => v !== SELF_REFERENCE));
    }
    return raw;
  }
}

/**
 * The schema kind of a property, found as the entity's constructor finds it (`address` is `Address`); only the
 * schema's own keys count (`constructor` is data, not a kind).
 */
function kindOf(schema: EntitySchema, key: string): PropertyKind | undefined {
  const known = schemaKey(schema, key);
  return known === undefined ? undefined : schema[known];
}

/**
 * Converts a plain value to its schema kind; a value that does not convert is kept as it is. A time in slash dates
 * follows the readers' rule, `onAmbiguous` told when it was read month first without proof.
 */
function coerce(raw: unknown, kind: PropertyKind | undefined, onAmbiguous: () => void): unknown {
  switch (kind) {
    case "time":
      return parseEntityTime(raw, { onAmbiguous }) ?? raw;
    case "list":
      // A Json.NET preserved list (`{"$id": "8", "$values": ["a-1"]}`) is its items.
      return preservedList(raw) ?? raw;
    case "number":
      if (typeof raw === "string" && raw.trim() !== "" && Number.isFinite(Number(raw))) return Number(raw);
      return raw;
    case "boolean":
      if (raw === "true" || raw === "True") return true;
      if (raw === "false" || raw === "False") return false;
      return raw;
    case "string":
      // Names and keys are text: `"Address": 5` must not break `key` for the frame.
      if (typeof raw === "number" || typeof raw === "boolean" || typeof raw === "bigint") return String(raw);
      if (isObjectRecord(raw) || Array.isArray(raw)) return JSON.stringify(raw);
      return raw;
    default:
      return raw;
  }
}
