/**
 * Where pivot functions live: static namespaces on the entity classes
 * (`entities.Ip.util.ipType`), typed by declaration merging below so that a
 * notebook cell type-checks without casts, filled at run time by `Pivot`.
 */
import { Account, Dns, File, Host, Ip, Process, Url } from "../entities/types";
import { PivotError, pivotMessages as msg } from "./messages";
import type {
  AccountUtil,
  DnsTi,
  DnsUtil,
  FileTi,
  FileUtil,
  HostUtil,
  IpTi,
  IpUtil,
  PivotFunction,
  PivotNamespace,
  PivotQueryNamespace,
  ProcessUtil,
  UrlTi,
  UrlUtil,
} from "./types";

// Static namespaces merged into the entity classes. `LocalData` is the query
// provider namespace of huntlab's one data environment; providers added under
// another name are reached with `pivot.namespace(entity, name)`.
declare module "../entities/types" {
  namespace Ip {
    let util: IpUtil;
    let ti: IpTi;
    let LocalData: PivotQueryNamespace;
  }
  namespace Host {
    let util: HostUtil;
    let ti: PivotNamespace;
    let LocalData: PivotQueryNamespace;
  }
  namespace Account {
    let util: AccountUtil;
    let ti: PivotNamespace;
    let LocalData: PivotQueryNamespace;
  }
  namespace Process {
    let util: ProcessUtil;
    let ti: PivotNamespace;
    let LocalData: PivotQueryNamespace;
  }
  namespace File {
    let util: FileUtil;
    let ti: FileTi;
    let LocalData: PivotQueryNamespace;
  }
  namespace Url {
    let util: UrlUtil;
    let ti: UrlTi;
    let LocalData: PivotQueryNamespace;
  }
  namespace Dns {
    let util: DnsUtil;
    let ti: DnsTi;
    let LocalData: PivotQueryNamespace;
  }
}

/** The entity classes that get pivots, by the name used in `entities.<Name>`. */
export const PIVOT_ENTITIES = { Ip, Host, Account, Process, File, Url, Dns } as const;

/** One of {@link PIVOT_ENTITIES}' names. */
export type PivotEntityName = keyof typeof PIVOT_ENTITIES;

/** MSTICPy's entity names (and lower-case forms) for pipelines: `IpAddress` → `Ip`. */
const ENTITY_ALIASES: Readonly<Record<string, PivotEntityName>> = {
  ip: "Ip",
  ipaddress: "Ip",
  host: "Host",
  account: "Account",
  process: "Process",
  file: "File",
  filehash: "File",
  url: "Url",
  dns: "Dns",
};

/** The pivot entity called `name` (MSTICPy's names accepted), or undefined. */
export function pivotEntityName(name: string): PivotEntityName | undefined {
  const key = name.toLowerCase();
  return Object.hasOwn(ENTITY_ALIASES, key) ? ENTITY_ALIASES[key] : undefined;
}

/** Property names JavaScript machinery (inspect, promises, display hooks) probes: never an error. */
const PROBED = new Set(["then", "catch", "finally", "toJSON", "constructor", "prototype", "asymmetricMatch", "nodeType", "$$typeof", "inspect", "length", "name", "call", "apply", "bind", "toString", "valueOf", "__esModule"]);

function isProbe(prop: string | symbol): boolean {
  return typeof prop === "symbol" || PROBED.has(prop) || prop.startsWith("_") || prop.startsWith("@@");
}

/** Null-prototype object: names from query files (`constructor`, `__proto__`) are plain data here. */
function bag<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** A namespace object whose unknown names throw, naming the ones there are. */
function strictNamespace<T>(target: Record<string, T>, onUnknown: (name: string) => Error): Record<string, T> {
  return new Proxy(target, {
    get(obj, prop, receiver) {
      if (typeof prop === "string" && Object.hasOwn(obj, prop)) return obj[prop];
      if (isProbe(prop)) return Reflect.get(obj, prop, receiver);
      throw onUnknown(String(prop));
    },
  });
}

/** Whether any `Pivot` has attached functions (the error for an empty namespace differs). */
let initialised = false;

/** The namespaces currently attached: entity → namespace → functions (or families → functions). */
const attached = new Map<PivotEntityName, Map<string, Record<string, PivotFunction> | Record<string, Record<string, PivotFunction>>>>();

function define(entity: PivotEntityName, namespace: string, value: unknown): void {
  Object.defineProperty(PIVOT_ENTITIES[entity], namespace, { value, enumerable: false, configurable: true, writable: true });
}

/** A namespace of functions, as attached. */
export function functionNamespace(entity: PivotEntityName, namespace: string, functions: Readonly<Record<string, PivotFunction>>): PivotNamespace {
  const target = bag<PivotFunction>();
  for (const name of Object.keys(functions).sort()) target[name] = functions[name];
  const where = `entities.${entity}.${namespace}`;
  return strictNamespace(target, (name) =>
    Object.keys(target).length === 0 && !initialised ? new PivotError(msg.notInitialised(entity, namespace)) : new PivotError(msg.unknownFunction(where, name, Object.keys(target))),
  ) as PivotNamespace;
}

/** A query provider's namespace: families of functions. */
export function queryNamespace(entity: PivotEntityName, namespace: string, families: Readonly<Record<string, Readonly<Record<string, PivotFunction>>>>): PivotQueryNamespace {
  const target = bag<PivotNamespace>();
  for (const family of Object.keys(families).sort()) target[family] = functionNamespace(entity, `${namespace}.${family}`, families[family]);
  const where = `entities.${entity}.${namespace}`;
  return strictNamespace(target, (name) =>
    !initialised ? new PivotError(msg.notInitialised(entity, namespace)) : new PivotError(msg.unknownFunction(where, name, Object.keys(target))),
  ) as PivotQueryNamespace;
}

/** The standard namespaces every pivot entity has, even before a Pivot exists (they throw "not initialised"). */
const STANDARD = ["util", "ti", "LocalData"] as const;

/** Empties every namespace (the state before `new Pivot`, or before a reload fills them again). */
export function detachAll(): void {
  for (const [entity, namespaces] of attached) {
    for (const name of namespaces.keys()) if (!(STANDARD as readonly string[]).includes(name)) delete (PIVOT_ENTITIES[entity] as unknown as Record<string, unknown>)[name];
  }
  attached.clear();
  for (const entity of Object.keys(PIVOT_ENTITIES) as PivotEntityName[]) {
    define(entity, "util", functionNamespace(entity, "util", {}));
    define(entity, "ti", functionNamespace(entity, "ti", {}));
    define(entity, "LocalData", queryNamespace(entity, "LocalData", {}));
  }
}

/** Attaches a function namespace (`util`, `ti`) to an entity class, replacing what was there. */
export function attachFunctions(entity: PivotEntityName, namespace: string, functions: Readonly<Record<string, PivotFunction>>): void {
  initialised = true;
  const entry = attached.get(entity) ?? new Map();
  entry.set(namespace, { ...functions });
  attached.set(entity, entry);
  define(entity, namespace, functionNamespace(entity, namespace, functions));
}

/** Attaches a query provider namespace (`LocalData`) to an entity class. */
export function attachQueries(entity: PivotEntityName, namespace: string, families: Readonly<Record<string, Readonly<Record<string, PivotFunction>>>>): void {
  initialised = true;
  const entry = attached.get(entity) ?? new Map();
  entry.set(namespace, { ...families });
  attached.set(entity, entry);
  define(entity, namespace, queryNamespace(entity, namespace, families));
}

/** Marks pivots as created (even when a namespace stays empty, its errors then name what is missing). */
export function markInitialised(): void {
  initialised = true;
}

/** The namespace `name` of an entity class, as attached (typed loosely: for providers not named `LocalData`). */
export function namespaceOf(entity: PivotEntityName, name: string): PivotNamespace | PivotQueryNamespace | undefined {
  const value = (PIVOT_ENTITIES[entity] as unknown as Record<string, unknown>)[name];
  return value && typeof value === "object" ? (value as PivotNamespace | PivotQueryNamespace) : undefined;
}

detachAll();
