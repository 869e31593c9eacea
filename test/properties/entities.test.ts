/**
 * Properties of alert entity parsing (`SecurityAlert.fromDataFrame` over the
 * `Entities` and `ExtendedProperties` JSON of a SecurityAlert frame). The JSON
 * is attacker-controlled: random nesting, `$id`/`$ref` references (dangling,
 * cyclic, non-string), types and keys named like Object.prototype members.
 * - Parsing the frame never throws: every row is an alert, and a row whose
 *   JSON does not parse keeps its errors (`parseErrors`), one per bad cell.
 * - Object.prototype (and Array.prototype) is unchanged afterwards.
 * - Every entity reached from an alert has exactly its class's prototype
 *   (the class of its type, or UnknownEntity), and every plain object in the
 *   parsed data has Object.prototype: no key became a prototype.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import pl from "nodejs-polars";
import {
  Account,
  Alert,
  Dns,
  Entity,
  File,
  FileHash,
  GeoLocation,
  Host,
  HostLogonSession,
  Ip,
  Malware,
  Process,
  SecurityAlert,
  UnknownEntity,
  Url,
} from "../../src/entities";
import { runs } from "./settings";

// ---------------------------------------------------------------- JSON with any keys

/** A JSON value; objects are entry lists, so that `__proto__` and repeated keys are written as they are. */
type Json = null | boolean | number | string | Json[] | { entries: [string, Json][] };

function toJson(v: Json): string {
  if (v === null || typeof v !== "object") return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(toJson).join(",")}]`;
  return `{${v.entries.map(([k, x]) => `${JSON.stringify(k)}:${toJson(x)}`).join(",")}}`;
}

const PROTO_KEYS = ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf", "isPrototypeOf", "__defineGetter__", "prototype"];
/** Schema properties (entity-valued ones included) and names of Entity members. */
const ENTITY_KEYS = ["AdditionalData", "Host", "Account", "Address", "HostName", "Location", "ImageFile", "ParentProcess", "Name", "ProcessId", "Latitude", "Longitude", "TimeGenerated", "SystemAlertIds", "Count", "IsDomainJoined", "schema", "nameStr", "key", "toJSON", "relations", "card"];
const TYPES = ["host", "ip", "ipaddress", "account", "process", "file", "filehash", "url", "dns", "malware", "alerts", "alert", "geolocation", "host-logon-session", "HOST", "Ip", "unknown", ""];

const key = fc.oneof(fc.constantFrom(...PROTO_KEYS, ...ENTITY_KEYS, "$id", "$ref", "Type"), fc.string({ maxLength: 6 }));
const id = fc.oneof(fc.constantFrom("1", "2", "3", "4"), fc.integer({ min: 1, max: 4 }), fc.constantFrom<Json>(null, true, "__proto__", "constructor"));
const typeName = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...TYPES, ...PROTO_KEYS) }, { weight: 1, arbitrary: fc.string({ maxLength: 6 }) }, { weight: 1, arbitrary: fc.constantFrom<Json>(null, 7, false) });
const leaf: fc.Arbitrary<Json> = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.constantFrom("2024-05-01T10:00:00.1234567Z", "not a time", "42", "true", "False", "1e999"),
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
);

const { value: jsonValue, entity: entityObject } = fc.letrec<{ value: Json; entity: Json; array: Json }>((tie) => ({
  value: fc.oneof({ maxDepth: 4, depthIdentifier: "json" }, leaf, tie("entity"), tie("array")),
  array: fc.array(tie("value"), { maxLength: 4 }),
  entity: fc
    .array(
      fc.oneof(
        fc.tuple(fc.constant("Type"), typeName),
        fc.tuple(fc.constantFrom("$id", "$ref"), id),
        fc.tuple(key, tie("value")),
      ),
      { maxLength: 6 },
    )
    .map((entries): Json => ({ entries })),
}));

/** An `Entities` cell: an array of entities or one, empty, null, or JSON cut short. */
const entitiesCell = fc.oneof(
  { weight: 6, arbitrary: fc.array(entityObject, { maxLength: 5 }).map((list) => toJson(list)) },
  { weight: 1, arbitrary: entityObject.map(toJson) },
  { weight: 1, arbitrary: jsonValue.map(toJson) },
  { weight: 1, arbitrary: fc.constantFrom<string | null>(null, "", "  ", "null", "[", "[{", "{\"$ref\":", "]") },
  { weight: 1, arbitrary: fc.tuple(fc.array(entityObject, { minLength: 1, maxLength: 3 }), fc.nat()).map(([list, cut]) => { const t = toJson(list); return t.slice(0, cut % t.length); }) },
);

const extendedCell = fc.oneof(
  { weight: 4, arbitrary: jsonValue.map(toJson) },
  { weight: 1, arbitrary: fc.constantFrom<string | null>(null, "", " ", "{", "{\"a\":", "[1,") },
);

interface AlertRowSpec {
  id: string;
  entities: string | null;
  extended: string | null;
  proto: string | null;
}

const alertRows = fc.array(
  fc.record({ id: fc.string({ maxLength: 6 }), entities: entitiesCell, extended: extendedCell, proto: fc.option(fc.string({ maxLength: 6 }), { nil: null }) }),
  { minLength: 1, maxLength: 6 },
);

/** An alerts frame, with columns named like Object.prototype members too. */
function alertFrame(rows: readonly AlertRowSpec[]): pl.DataFrame {
  return pl.DataFrame([
    pl.Series("SystemAlertId", rows.map((r, i) => `a${i}-${r.id}`), pl.Utf8),
    pl.Series("AlertDisplayName", rows.map((r) => `alert ${r.id}`), pl.Utf8),
    pl.Series("Entities", rows.map((r) => r.entities), pl.Utf8),
    pl.Series("ExtendedProperties", rows.map((r) => r.extended), pl.Utf8),
    pl.Series("__proto__", rows.map((r) => r.proto), pl.Utf8),
    pl.Series("constructor", rows.map((r) => r.proto), pl.Utf8),
  ]);
}

// ---------------------------------------------------------------- expectations

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Parse errors a row must keep: Entities (blank means none) and ExtendedProperties ("" means none). */
/** The items of a row's Entities JSON (a lone value is one item; null none), when it parses. */
function entityItems(row: AlertRowSpec): unknown[] {
  if (row.entities === null || row.entities.trim() === "" || !parses(row.entities)) return [];
  const value: unknown = JSON.parse(row.entities);
  return Array.isArray(value) ? value : value === null ? [] : [value];
}

/** An item that is an entity: a JSON object (null, scalars and lists are skipped, each said in ParseErrors). */
const isEntityItem = (item: unknown): boolean => typeof item === "object" && item !== null && !Array.isArray(item);

function expectedErrors(row: AlertRowSpec): number {
  const badEntities = row.entities !== null && row.entities.trim() !== "" && !parses(row.entities);
  const badExtended = row.extended !== null && row.extended !== "" && !parses(row.extended);
  const skippedItems = entityItems(row).filter((item) => !isEntityItem(item)).length;
  return Number(badEntities) + Number(badExtended) + skippedItems;
}

function expectedEntityCount(row: AlertRowSpec): number {
  return entityItems(row).filter(isEntityItem).length;
}

/** Classes by lower-cased type name, as the entity table maps them (a Map: no inherited keys). */
const CLASS_OF = new Map<string, abstract new (...args: never[]) => Entity>([
  ["ip", Ip], ["ipaddress", Ip], ["geolocation", GeoLocation], ["host", Host], ["account", Account], ["process", Process],
  ["file", File], ["filehash", FileHash], ["host-logon-session", HostLogonSession], ["hostlogonsession", HostLogonSession],
  ["url", Url], ["dns", Dns], ["malware", Malware], ["alerts", Alert], ["alert", Alert],
]);

/** Checks every entity and plain object reachable from `roots` (cycles visited once). */
function assertPrototypes(roots: readonly unknown[]): number {
  const seen = new Set<object>();
  let entities = 0;
  const visit = (value: unknown, where: string, depth: number): void => {
    if (value === null || typeof value !== "object" || seen.has(value) || depth > 40) return;
    seen.add(value);
    if (value instanceof Entity) {
      entities++;
      const cls = CLASS_OF.get(value.Type.toLowerCase()) ?? UnknownEntity;
      assert.equal(Object.getPrototypeOf(value), cls.prototype, `${where}: entity of type ${JSON.stringify(value.Type)} is not a ${cls.name}`);
      assert.equal(Object.getPrototypeOf(value.AdditionalData), Object.prototype, `${where}.AdditionalData`);
      for (const k of Reflect.ownKeys(value)) visit((value as unknown as Record<PropertyKey, unknown>)[k], `${where}.${String(k)}`, depth + 1);
      return;
    }
    if (value instanceof Date) return;
    const proto: unknown = Object.getPrototypeOf(value);
    assert.ok(proto === Object.prototype || (Array.isArray(value) && proto === Array.prototype), `${where}: a plain value with another prototype`);
    for (const k of Reflect.ownKeys(value)) {
      const d = Object.getOwnPropertyDescriptor(value, k);
      assert.ok(d && "value" in d, `${where}.${String(k)} is an accessor`);
      visit(d.value, `${where}.${String(k)}`, depth + 1);
    }
  };
  roots.forEach((r, i) => visit(r, `root ${i}`, 0));
  return entities;
}

/** Own property names and values of the shared prototypes. */
function prototypeSnapshot(): [string, unknown][] {
  return [Object.prototype, Array.prototype, Function.prototype].flatMap((proto, i) =>
    Object.getOwnPropertyNames(proto)
      .sort()
      .map((k): [string, unknown] => [`${i}.${k}`, Object.getOwnPropertyDescriptor(proto, k)?.value]),
  );
}

// ---------------------------------------------------------------- properties

test("property: a frame of hostile alerts parses row by row; prototypes stay untouched", () => {
  const before = prototypeSnapshot();
  const sentinel: Record<string, unknown> = {};
  fc.assert(
    fc.property(alertRows, (rows) => {
      const alerts = SecurityAlert.fromDataFrame(alertFrame(rows));
      assert.equal(alerts.length, rows.length);
      rows.forEach((row, i) => {
        const alert = alerts[i];
        assert.equal(alert.parseErrors.length, expectedErrors(row), `row ${i}: ${alert.parseErrors.join("; ")}`);
        for (const message of alert.parseErrors) assert.ok(message.includes(`a${i}-${row.id}`), `the error names the alert: ${message}`);
        assert.equal(alert.entities.length, expectedEntityCount(row), `row ${i}: entities`);
        assert.equal(Object.getPrototypeOf(alert.ExtendedProperties), Object.prototype, `row ${i}: ExtendedProperties`);
      });
      assertPrototypes(alerts.flatMap((a) => [...a.entities, a.ExtendedProperties]));
      assert.deepEqual(prototypeSnapshot(), before);
      assert.equal(Object.getPrototypeOf(sentinel), Object.prototype);
      assert.deepEqual(Reflect.ownKeys(sentinel), []);
      for (const k of ["polluted", "Type", "$id", "$ref", "HostName", "AdditionalData"]) assert.equal(sentinel[k], undefined, `Object.prototype.${k}`);
    }),
    runs(60),
  );
});

// Schema properties of kind "string" are text whatever JSON value the alert holds
// (`"Address": 5`), and entities with $ref cycles through plain objects serialise.
test(
  "property: every parsed entity has a key, a description, a text and a card",
  () => {
    fc.assert(
      fc.property(alertRows, (rows) => {
        for (const alert of SecurityAlert.fromDataFrame(alertFrame(rows))) {
          assert.equal(typeof alert.toText(), "string");
          assert.equal(typeof alert.toHtml(), "string");
          assert.equal(typeof JSON.stringify(alert.entities), "string");
          for (const e of alert.allEntities()) {
            assert.equal(typeof e.key, "string");
            assert.equal(typeof e.description, "string");
            assert.equal(typeof e.toText(), "string");
          }
        }
      }),
      runs(40),
    );
  },
);
