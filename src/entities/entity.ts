/**
 * The base of huntlab's entities: typed records of the things security alerts
 * talk about (IP addresses, hosts, accounts, processes…), after MSTICPy's
 * entity classes and the Sentinel alert `Entities` schema.
 *
 * Each entity type lists its known properties and their kinds in a schema. The
 * schema drives parsing (times become `Date`s, nested objects become entities)
 * and display; a known property written in another case (`address`) is that
 * property; others are kept in `AdditionalData`, so nothing from the source is dropped.
 */
import { inspect, type InspectOptions } from "node:util";
import { html, type SafeHtml } from "../display/html";
import { revealHidden } from "../common/hiddenChars";
import { htmlView } from "../display/htmlView";
import { JUPYTER_DISPLAY, wellFormedBundle, type Displayable, type MimeBundle } from "../display/protocol";
import { inspectLastValue } from "../display/lastValue";
import { THEME } from "../display/theme";
import { epochMillis, epochUnit } from "../common/epoch";
import { realDateTime } from "../common/calendar";
import { slashFields, slashOrder, type SlashOrder } from "../common/slashDates";
import { setOwnProperty } from "../common/json";
import { foldIdentity } from "../common/caseFold";
import { isDataFrame, isSeries } from "../common/frames";
import { isLazyFrame, isThenable } from "../common/notAFrame";
import { cutText } from "../common/cutText";
import { shownText } from "../common/shownText";
import { hideUrlUserInfo } from "../common/urlUserInfo";

/** Longest value in an entity's or alert's text form (a 10 kB cell made a 10 kB line). */
export const MAX_TEXT_VALUE = 300;
/** Characters of one value a card shows (a 100 kB host name was written whole, three times, into an alert's card). */
export const MAX_CARD_VALUE = 1000;
/** Characters of a property name a card shows. */
export const MAX_CARD_KEY = 200;

import { EntityParseError, describeSource, entitiesMessages as msg } from "./messages";

export { EntityParseError } from "./messages";

/**
 * What a schema property holds: plain values, a time (parsed to `Date`), one
 * entity, or a list of entities. `"entity"`/`"entities"` name the expected
 * entity type; a nested object of another declared type is kept as what it says it is.
 */
export type PropertyKind =
  | "string"
  | "number"
  | "boolean"
  | "time"
  | "list"
  | "object"
  | { entity: string }
  | { entities: string };

/** Property name → kind, for one entity type. */
export type EntitySchema = Readonly<Record<string, PropertyKind>>;

/**
 * The schema property `key` names: itself, else the one property it spells in another case (`address` is
 * `Address`: it was kept in AdditionalData, an Ip with no address, which a map skipped without a word).
 * Undefined for a name the schema does not know in any case.
 */
export function schemaKey(schema: EntitySchema, key: string): string | undefined {
  if (Object.hasOwn(schema, key)) return key;
  const folded = key.toLowerCase();
  const matches = Object.keys(schema).filter((k) => k.toLowerCase() === folded);
  return matches.length === 1 ? matches[0] : undefined;
}

/** An entity-valued property of an entity: the edges of an entity graph. */
export interface EntityRelation {
  /** The property holding the entity (`ImageFile`, `Host`, …). */
  property: string;
  entity: Entity;
}

/** Value types of entity properties after parsing. */
export type EntityPropertyValue = string | number | boolean | Date | Entity | null | undefined | unknown[] | Record<string, unknown>;

/** Constructs an entity of a known type from parsed properties. */
export interface EntityFactory {
  (properties: Record<string, unknown>): Entity;
}

/** Text of a property value for cards and descriptions. */
export function formatEntityValue(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "Invalid Date" : value.toISOString();
  if (value instanceof Entity) return value.nameStr;
  if (Array.isArray(value)) return value.map(formatEntityValue).join(", ");
  if (typeof value === "object") {
    try {
      return hideUrlUserInfo(JSON.stringify(namedEntities(value, new Set())));
    } catch {
      return hideUrlUserInfo(String(value));
    }
  }
  // A URL's user info in any value (a Url's, a command line's `curl https://admin:pw@host/`) shows as `***`.
  return hideUrlUserInfo(String(value));
}

/**
 * A copy of plain data with each entity in it as its name, as entity values
 * show everywhere else. Alert JSON can reference one entity many times
 * (`$ref`), so writing each one's own JSON here grew with the paths through
 * the references: 2.5 KB of Entities took 40 s to draw.
 */
function namedEntities(value: unknown, ancestors: Set<object>): unknown {
  if (value instanceof Entity) return value.nameStr;
  if (value === null || typeof value !== "object" || value instanceof Date) return value;
  if (ancestors.has(value)) return "[Circular]";
  ancestors.add(value);
  const out = Array.isArray(value) ? value.map((v) => namedEntities(v, ancestors)) : Object.fromEntries(Object.entries(value).map(([k, v]) => [k, namedEntities(v, ancestors)]));
  ancestors.delete(value);
  return out;
}

/** Options of {@link parseEntityTime}. */
export interface EntityTimeOptions {
  /**
   * How slash dates are read, as decided from every value of their column (common/slashDates.ts). Default: from
   * the value alone, day first only where it proves it (`13/06/2026`), else month first.
   */
  order?: SlashOrder;
  /** Called when a slash date was read month first with nothing to prove it (`05/06/2026`), for the caller's warning. */
  onAmbiguous?: () => void;
}

/**
 * Parses a time as alerts carry it; `undefined` when it is not a time. Text
 * without a zone is UTC, as every time without a zone is here (the fields are
 * `…Utc`; JavaScript read it in the machine's zone); numbers, and whole-digit
 * text, are epoch times whose unit their size tells (seconds below 10^11, ms
 * below 10^14, µs below 10^17, Windows FILETIME ticks from 1.1e17 to 1.6e17, else ns), as the readers tell it.
 * Slash dates follow the readers' rule ({@link EntityTimeOptions.order}), never Date()'s silent month first.
 */
export function parseEntityTime(value: unknown, options: EntityTimeOptions = {}): Date | undefined {
  if (value instanceof Date) return value;
  if (typeof value === "string" && /^\s*\d{9,19}\s*$/.test(value)) value = Number(value);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return undefined;
    // Small numbers (before 1973 in seconds) as seconds too.
    const unit = epochUnit(Math.abs(value)) ?? "s";
    return new Date(epochMillis(value, unit));
  }
  if (typeof value !== "string" || value.trim() === "") return undefined;
  // Sentinel writes 7 fractional digits (`…38.4888669Z`); JS Date parses at most 3.
  let text = value.trim().replace(/(\.\d{3})\d+/, "$1");
  const fields = slashFields(text);
  if (fields) {
    const order = options.order ?? slashOrder(fields[0], fields[1]);
    if (!order) return undefined;
    // Date() reads slash dates month first only: a day-first date goes to it with its fields swapped.
    if (order.dayFirst) text = text.replace(/^(\d{1,2})\/(\d{1,2})\//, "$2/$1/");
    if (order.ambiguous && fields[0] !== fields[1]) options.onAmbiguous?.();
  }
  const zoned = /(?:z|[+-]\d{2}(?::?\d{2})?|\b(?:utc|gmt))$/i.test(text);
  if (!zoned) text = /^\d{4}-\d{2}-\d{2}[t ]\d/i.test(text) ? `${text.replace(" ", "T")}Z` : /^\d{4}-\d{2}-\d{2}$/.test(text) ? text : `${text} UTC`;
  if (!realFields(text)) return undefined;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/**
 * False when the date or time a text writes does not exist (2024-02-30, `2/30/2024`, `30 Feb 2024`, 24:00, second
 * 60): Date() rolls those over to another instant, which an alert must not be given. True for forms it does not know.
 */
function realFields(text: string): boolean {
  const ymd = /^([+-]?\d{4,6})[-/](\d{1,2})[-/](\d{1,2})/.exec(text);
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4}|\d{2})\b/.exec(text);
  const dayMonth = /(?<!\d)(\d{1,2})[ -]([a-z]{3})[a-z]*\.?[ -](\d{4})\b/i.exec(text);
  const monthDay = /\b([a-z]{3})[a-z]*\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})\b/i.exec(text);
  const month = (name: string): number => MONTHS.indexOf(name.toLowerCase()) + 1;
  // Two-digit years as Date() reads them: 00–49 are 2000–2049.
  const year = (y: string): number => (y.length === 2 ? Number(y) + (Number(y) < 50 ? 2000 : 1900) : Number(y));
  const [y, mo, d] = ymd
    ? [Number(ymd[1]), Number(ymd[2]), Number(ymd[3])]
    : us
      ? [year(us[3]), Number(us[1]), Number(us[2])]
      : dayMonth && month(dayMonth[2])
        ? [Number(dayMonth[3]), month(dayMonth[2]), Number(dayMonth[1])]
        : monthDay && month(monthDay[1])
          ? [Number(monthDay[3]), month(monthDay[1]), Number(monthDay[2])]
          : [2000, 1, 1];
  const time = /(?<!\d)(\d{1,2}):(\d{2})(?::(\d{2}))?/.exec(text);
  return realDateTime(y, mo, d, Number(time?.[1] ?? 0), Number(time?.[2] ?? 0), Number(time?.[3] ?? 0));
}


/** Numbers of entities keyed by {@link Entity.uniqueKey}. */
const UNIQUE_KEYS = new WeakMap<object, number>();
let uniqueKeyCount = 0;

/**
 * What exports write for "no value" (`-` in Windows events' IpAddress, `N/A`, `unknown`): no identity, so
 * entities holding one are never linked (every alert with `IpAddress: "-"` was one node).
 */
const PLACEHOLDERS: ReadonlySet<string> = new Set(["-", "--", "n/a", "na", "none", "null", "(null)", "nil", "unknown", "undefined", "?"]);

/** The trimmed text of the first value that identifies something — text (or a number) that is neither blank nor a placeholder — or undefined. */
export function firstText(...values: readonly unknown[]): string | undefined {
  for (const v of values) {
    const text = typeof v === "string" ? v.trim() : (typeof v === "number" && Number.isFinite(v)) || typeof v === "bigint" ? String(v) : "";
    if (text !== "" && !PLACEHOLDERS.has(text.toLowerCase())) return text;
  }
  return undefined;
}

/** Something entities can be built from: the parsed JSON of one entity. */
export type EntitySource = Record<string, unknown>;

/**
 * The properties `cls` is built from: an object, or the class's `textProperty` set to a text source. Anything else
 * from an untyped cell is an error: a string's characters became AdditionalData "0", "1", … (an Ip with no
 * Address, which a map skipped silently), null was a TypeError.
 */
export function entityProperties(cls: typeof Entity, properties: unknown): object {
  if (typeof properties === "string" && cls.textProperty !== undefined) return { [cls.textProperty]: properties };
  // Not polars' objects nor a Promise: a query not awaited made an entity of nothing, without a word.
  if (properties !== null && typeof properties === "object" && !Array.isArray(properties) && !isDataFrame(properties) && !isSeries(properties) && !isLazyFrame(properties) && !isThenable(properties)) {
    return properties;
  }
  const names = cls.textProperty !== undefined ? [cls.textProperty] : Object.keys(cls.schema);
  const example = `{ ${names.slice(0, 3).map((n) => `${n}: …`).join(", ")}${names.length > 3 ? ", …" : ""} }`;
  throw new EntityParseError(msg.invalidSource(cls.name, describeSource(properties, cls.name), example, cls.textProperty));
}

/**
 * The base class. Subclasses declare their properties with `declare` (so the
 * base constructor's assignments are not reset by class-field initialisation)
 * and a static `schema`.
 */
export abstract class Entity implements Displayable {
  /** Entity type as Sentinel writes it: `ip`, `host`, `account`, `process`, `file`, … */
  Type: string;
  /** Properties outside the type's schema, as found in the source (nothing is dropped). */
  AdditionalData: Record<string, unknown>;

  /** Properties this type knows, with their kinds. */
  static readonly schema: EntitySchema = {};

  /** The property a text source sets (`new Ip("8.8.8.8")` is `new Ip({ Address: "8.8.8.8" })`), for types one text names unambiguously. */
  static readonly textProperty: string | undefined = undefined;

  protected constructor(type: string, properties: object | string = {}) {
    this.Type = type;
    this.AdditionalData = {};
    const cls = this.constructor as typeof Entity;
    const schema = cls.schema;
    const source = entityProperties(cls, properties);
    for (const [key, value] of Object.entries(source)) {
      if (key === "Type" || value === undefined) continue;
      // A property in another case (`address`) sets the schema's (`Address`) unless that is given too.
      const known = schemaKey(schema, key);
      if (key === "AdditionalData" && value && typeof value === "object" && !Array.isArray(value)) {
        for (const [k, v] of Object.entries(value)) setOwnProperty(this.AdditionalData, k, v);
      } else if (known !== undefined && (known === key || !Object.hasOwn(source, known))) {
        (this as unknown as Record<string, unknown>)[known] = value;
      } else {
        setOwnProperty(this.AdditionalData, key, value);
      }
    }
  }

  /** The schema of this entity's type. */
  get schema(): EntitySchema {
    return (this.constructor as typeof Entity).schema;
  }

  /** Short name of the entity (an address, a host name, `image[pid:…]`), as MSTICPy's `name_str`. */
  abstract get nameStr(): string;

  /**
   * A key naming the same real-world thing across alerts: `type:identity`,
   * lower-cased where case does not matter. An entity with no identity (no
   * name, address, id…) gets `type#n`, unique to the instance: two blank
   * entities are not known to be one thing, and a shared key would link them.
   */
  get key(): string {
    return `${this.Type.toLowerCase()}:${foldIdentity(this.nameStr)}`;
  }

  /** `type#n`, the same for this instance every time and never another's (real keys have a `:` after the type). */
  protected uniqueKey(): string {
    let n = UNIQUE_KEYS.get(this);
    if (n === undefined) UNIQUE_KEYS.set(this, (n = ++uniqueKeyCount));
    return `${this.Type.toLowerCase()}#${n}`;
  }

  /** One-line description: the name and the most telling properties. */
  get description(): string {
    const parts = this.propertyEntries()
      .filter(([, v]) => !(v instanceof Entity) && !Array.isArray(v) && typeof v !== "object")
      .slice(0, 4)
      .map(([k, v]) => `${k}: ${formatEntityValue(v)}`);
    return parts.length ? `${this.nameStr} (${parts.join(", ")})` : this.nameStr;
  }

  /** Set schema properties, in schema order: `[name, value]`. */
  propertyEntries(): [string, unknown][] {
    const self = this as unknown as Record<string, unknown>;
    return Object.keys(this.schema)
      .filter((k) => self[k] !== undefined && self[k] !== null && self[k] !== "")
      .map((k) => [k, self[k]]);
  }

  /** Every set property (schema and additional) as a plain object; entities stay entities. */
  properties(): Record<string, unknown> {
    return { Type: this.Type, ...Object.fromEntries(this.propertyEntries()), ...this.AdditionalData };
  }

  /** Entities this one refers to (its schema properties and additional data), in order. */
  relations(): EntityRelation[] {
    const out: EntityRelation[] = [];
    const add = (property: string, value: unknown): void => {
      if (value instanceof Entity) out.push({ property, entity: value });
      else if (Array.isArray(value)) for (const v of value) if (v instanceof Entity) out.push({ property, entity: v });
    };
    for (const [k, v] of this.propertyEntries()) add(k, v);
    for (const [k, v] of Object.entries(this.AdditionalData)) add(k, v);
    return out;
  }

  /**
   * Plain JSON (nested entities as their JSON, times as ISO strings). Each
   * entity is written out once; a later use of it (a reference cycle, or a
   * second `$ref` to it) is `{ Type, Name }`, so the JSON grows with the
   * entities, not with the paths through their references.
   */
  toJSON(): Record<string, unknown> {
    const seen = new Set<Entity>();
    const convert = (value: unknown): unknown => {
      if (value instanceof Entity) {
        if (seen.has(value)) return { Type: value.Type, Name: value.nameStr };
        seen.add(value);
        return Object.fromEntries(Object.entries(value.properties()).map(([k, v]) => [k, convert(v)]));
      }
      if (value instanceof Date) return formatEntityValue(value);
      if (Array.isArray(value)) return value.map(convert);
      // Plain objects may hold entities too (a `$ref` inside additional data): a cycle back to an entity ends above.
      if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convert(v)]));
      return value;
    };
    return convert(this) as Record<string, unknown>;
  }

  /** A small HTML card: type and name, then one row per property (every value escaped). */
  /** The entity as a card (a fragment other cards nest). */
  card(): SafeHtml {
    const rows = Object.entries(this.properties())
      .filter(([k]) => k !== "Type")
      .map(([k, v]) => {
        const text = cutText(v instanceof Entity ? `${v.Type}: ${v.nameStr}` : formatEntityValue(v), MAX_CARD_VALUE);
        return html`<tr><th style="text-align:left;padding:1px 8px 1px 0;vertical-align:top">${cutText(k, MAX_CARD_KEY)}</th><td style="text-align:left;padding:1px 0;word-break:break-all">${text}</td></tr>`;
      });
    return html`<div class="hl-entity" style="display:inline-block;border:1px solid var(--jp-border-color2,#ccc);border-radius:4px;padding:4px 8px;margin:2px;font-size:12px;max-width:48em"><div style="font-weight:bold"><span style="color:${THEME.muted}">${cutText(this.Type, MAX_CARD_KEY)}</span> ${cutText(this.nameStr, MAX_CARD_VALUE)}</div>${rows.length ? html`<table style="border-collapse:collapse;margin:0">${rows}</table>` : ""}</div>`;
  }

  /** The card as a static HTML view. */
  toHtml(): string {
    return htmlView({ kind: "entity", fallback: { alt: cutText(`${this.Type}: ${this.nameStr}`, MAX_TEXT_VALUE), html: this.card() }, text: this.toText() }).toHtml();
  }

  /** `type: name` plus the set properties, one per line. */
  toText(): string {
    // Values are log data: their control and bidi characters show as escapes (a terminal would obey them).
    const lines = Object.entries(this.properties())
      .filter(([k]) => k !== "Type")
      .map(([k, v]) => `  ${shownText(k, MAX_TEXT_VALUE)}: ${shownText(v instanceof Entity ? `${v.Type}: ${v.nameStr}` : formatEntityValue(v), MAX_TEXT_VALUE)}`);
    return [shownText(`${this.Type}: ${this.nameStr}`, MAX_TEXT_VALUE), ...lines].join("\n");
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    return wellFormedBundle({ "text/html": this.toHtml(), "text/plain": this.toText() });
  }

  [inspect.custom](depth: number, options: InspectOptions): string {
    return inspectLastValue(this, depth, options, () => `${this.constructor.name}(${revealHidden(this.nameStr)})`);
  }
}

/**
 * The properties that name an entity of a type huntlab has no class for, in
 * order. First the identities of Sentinel's other entity types, which may also
 * carry a display name several things share: a mailbox's address, an Azure
 * resource's id, a mail message's ids, a security group's DN, a device's id.
 */
const UNKNOWN_NAME_KEYS = [
  "MailboxPrimaryAddress",
  "ResourceId",
  "NetworkMessageId",
  "InternetMessageId",
  "DistinguishedName",
  "DeviceId",
  "Name",
  "DisplayName",
  "Address",
  "HostName",
  "Url",
  "DomainName",
  "Value",
];

/** A registry key's path, `Hive\Key` (MSTICPy's name for it), from its properties; undefined without a Key. */
function registryKeyPath(d: Record<string, unknown>): string | undefined {
  const key = typeof d.Key === "string" ? d.Key : undefined;
  if (!key) return undefined;
  return typeof d.Hive === "string" && d.Hive ? `${d.Hive}\\${key}` : key;
}

/**
 * Registry keys and values are known by their path, not by a value name
 * (`Start` is under every service's key): a key by `Hive\Key`, a value by its
 * key's path and its name, named as MSTICPy names it (`Name[ValueType]:Value`).
 */
function registryIdentity(type: string, d: Record<string, unknown>): { name: string; key: string } | undefined {
  const t = type.toLowerCase();
  if (t === "registry-key" || t === "registrykey") {
    const path = registryKeyPath(d);
    return path ? { name: path, key: path } : undefined;
  }
  if (t === "registry-value" || t === "registryvalue") {
    const name = typeof d.Name === "string" ? d.Name : undefined;
    if (name === undefined) return undefined;
    const parent = d.Key instanceof Entity ? registryKeyPath(d.Key.AdditionalData) : typeof d.Key === "string" ? d.Key : undefined;
    // Defender's evidence rows name the value by its whole path and give `ValueName` apart (alertEvidence.ts).
    if (typeof d.ValueName === "string") return { name, key: parent ? `${parent}\\${d.ValueName}` : name };
    const shown = `${name}${typeof d.ValueType === "string" && d.ValueType ? `[${d.ValueType}]` : ""}${d.Value !== undefined && d.Value !== null ? `:${String(d.Value)}` : ""}`;
    return { name: shown, key: parent ? `${parent}\\${name}` : name };
  }
  return undefined;
}

/** An entity of a type huntlab has no class for: every property is kept in `AdditionalData`. */
export class UnknownEntity extends Entity {
  constructor(properties: EntitySource = {}) {
    super(typeof properties.Type === "string" && properties.Type ? properties.Type : "unknown", properties);
  }

  get nameStr(): string {
    const d = this.AdditionalData;
    const registry = registryIdentity(this.Type, d);
    if (registry) return registry.name;
    for (const key of [...UNKNOWN_NAME_KEYS, "$ref"]) {
      const v = d[key];
      if (typeof v === "string" && v) return v;
    }
    return this.Type;
  }

  /**
   * The name its properties give, else a key of its own (see {@link Entity.key}).
   * Not a `$ref`: ids number the objects of one alert's JSON ("4" is in every
   * alert), so an unresolved reference names nothing another alert could share.
   */
  override get key(): string {
    const d = this.AdditionalData;
    const registry = registryIdentity(this.Type, d);
    if (registry) return `${this.Type.toLowerCase()}:${foldIdentity(registry.key)}`;
    const name = firstText(...UNKNOWN_NAME_KEYS.map((k) => d[k]));
    return name === undefined ? this.uniqueKey() : `${this.Type.toLowerCase()}:${foldIdentity(name)}`;
  }
}
