/**
 * `new Pivot({ providers: [qp, ti] })`: attaches pivot functions to the entity
 * classes — `util` (built in), `ti` (per indicator type and provider) and one
 * namespace per query provider — after MSTICPy's `Pivot`.
 */
import { inspect } from "node:util";
import { onTILookupLoaded, sameTISettings, TILookup } from "../context/tiLookup";
import { onQueryProviderCreated, type QueryProviderMethods } from "../data/queryProvider";
import { JUPYTER_DISPLAY, wellFormedBundle, type Displayable, type MimeBundle } from "../display/protocol";
import { PivotBrowser, type PivotBrowserEntry, type PivotBrowserOptions } from "../vis/pivotBrowser";
import { attachFunctions, attachQueries, detachAll, markInitialised, namespaceOf, PIVOT_ENTITIES, type PivotEntityName } from "./attach";
import { loadMappings, type PivotMappings } from "./mappings";
import { PivotError, pivotMessages as msg, pivotNotes } from "./messages";
import { queryFunctions } from "./queryPivots";
import { tiFunctions } from "./tiPivots";
import type { PivotFunction, PivotFunctionInfo, PivotNamespace, PivotQueryNamespace } from "./types";
import { utilFunctions, type UtilOptions } from "./util";

/** A source of pivots: a query provider or a TI lookup. */
export type PivotProvider = QueryProviderMethods | TILookup;

/** Options of `new Pivot(options)`. */
export interface PivotOptions extends UtilOptions {
  /** Query providers and TILookups whose functions become pivots. Default: none (util only). */
  providers?: readonly PivotProvider[];
  /** Extra parameter → entity mapping files (data/pivot_mappings.yaml's format), read after the bundled one. Default: none. */
  mappingsPaths?: readonly string[];
}

/** Options of `pivot.addProvider(provider, options)`. */
export interface AddProviderOptions {
  /**
   * Namespace name of a query provider. Default: its environment (`LocalData`); a second one gets `_2`…
   * A name already in use is this provider's from now on (the one before is dropped: a re-run cell).
   */
  name?: string;
}

function isQueryProvider(p: unknown): p is QueryProviderMethods {
  // `in`, not property reads: a QueryProvider throws on unknown property names.
  return typeof p === "object" && p !== null && "queryDefinitions" in p && "execQuery" in p && "environment" in p;
}

function describeProvider(p: unknown): string {
  if (p === null || p === undefined) return String(p);
  if (typeof p === "object") return `an object (${(p as object).constructor?.name ?? "no class"})`;
  return `a ${typeof p}`;
}

/** The last Pivot created: its functions are the ones attached. */
let current: Pivot | undefined;

/** Pivot functions for the entity classes, from built-ins and the given providers. */
export class Pivot implements Displayable {
  readonly #options: PivotOptions;
  /** `named`: given a `name` of its own (addProvider), so a newer provider of its environment leaves it alone. */
  #queryProviders: { name: string; provider: QueryProviderMethods; named: boolean }[] = [];
  #tiProviders: TILookup[] = [];
  #mappings: PivotMappings;
  #functions: PivotFunction[] = [];

  constructor(options: PivotOptions = {}) {
    this.#options = { ...options };
    this.#mappings = loadMappings(options.mappingsPaths ?? []);
    for (const p of options.providers ?? []) this.register(p, {});
    current = this;
    this.attach();
  }

  /** The Pivot whose functions are attached now (the last one created). */
  static get current(): Pivot | undefined {
    return current;
  }

  private register(provider: PivotProvider, options: AddProviderOptions): void {
    if (provider instanceof TILookup) {
      if (!this.#tiProviders.includes(provider)) this.#tiProviders.push(provider);
      return;
    }
    if (!isQueryProvider(provider)) throw new PivotError(msg.badProvider(describeProvider(provider)));
    if (this.#queryProviders.some((q) => q.provider === provider)) return;
    // A name given again is that namespace's new provider: a re-run `pivot.addProvider(new QueryProvider(...), { name })`
    // added Other_2, Other_3… while `Other` went on querying the first one.
    const same = options.name === undefined ? undefined : this.#queryProviders.find((q) => q.name === options.name);
    if (same) {
      same.provider = provider;
      same.named = true;
      return;
    }
    const base = options.name ?? provider.environment;
    let name = base;
    for (let i = 2; this.#queryProviders.some((q) => q.name === name); i++) name = `${base}_${i}`;
    this.#queryProviders.push({ name, provider, named: options.name !== undefined });
  }

  // Cells are re-run: `const qp = new QueryProvider(...)` again on another data folder, or `new TILookup()` again
  // after the feed or config changed, left the attached pivots on the old objects (the old folder's rows, the old
  // feed's verdicts) until the `new Pivot(...)` cell was run again too. The Pivot attached now follows them.
  static {
    onQueryProviderCreated((provider) => current && current.#follow(provider));
    onTILookupLoaded((lookup) => current && current.#follow(lookup));
  }

  /**
   * A provider was just made (or a TILookup reloaded). It takes the place of the one it repeats: the only query
   * provider of its environment attached under the default name, or a TILookup loading the same config and
   * providers. A reloaded TILookup of this Pivot is attached again. Anything else is left alone.
   */
  #follow(provider: PivotProvider): void {
    if (provider instanceof TILookup) {
      if (this.#tiProviders.includes(provider)) return this.attach();
      const i = this.#tiProviders.findIndex((t) => sameTISettings(t, provider));
      if (i < 0) return;
      this.#tiProviders[i] = provider;
      this.attach();
      console.log(pivotNotes.followed("ti", "TILookup"));
      return;
    }
    // Once the statement that made it has run: `pivot.addProvider(new QueryProvider(...), { name })` adds a second one.
    queueMicrotask(() => {
      if (current !== this || this.#queryProviders.some((q) => q.provider === provider)) return;
      const same = this.#queryProviders.filter((q) => !q.named && q.provider.environment === provider.environment);
      if (same.length !== 1) return;
      same[0].provider = provider;
      this.attach();
      console.log(pivotNotes.followed(same[0].name, `${provider.environment} QueryProvider`));
    });
  }

  /** Adds a query provider or TILookup and attaches its functions. */
  addProvider(provider: PivotProvider, options: AddProviderOptions = {}): this {
    this.register(provider, options);
    current = this;
    this.attach();
    return this;
  }

  /**
   * Builds every namespace again: after new query files or an edited mapping file
   * (`ti.reloadProviders()` on a TILookup of the current Pivot does this itself).
   */
  reload(): this {
    this.#mappings = loadMappings(this.#options.mappingsPaths ?? []);
    current = this;
    this.attach();
    return this;
  }

  private attach(): void {
    detachAll();
    markInitialised();
    const functions: PivotFunction[] = [];
    const keep = (fns: Record<string, PivotFunction>) => functions.push(...Object.values(fns));
    for (const [entity, fns] of utilFunctions(this.#options)) {
      attachFunctions(entity, "util", fns);
      keep(fns);
    }
    const ti = new Map<PivotEntityName, Record<string, PivotFunction>>();
    for (const lookup of this.#tiProviders) {
      for (const [entity, fns] of tiFunctions(lookup)) ti.set(entity, { ...ti.get(entity), ...fns });
    }
    for (const [entity, fns] of ti) {
      attachFunctions(entity, "ti", fns);
      keep(fns);
    }
    for (const { name, provider } of this.#queryProviders) {
      for (const [entity, families] of queryFunctions(provider, name, this.#mappings)) {
        attachQueries(entity, name, families);
        for (const fns of Object.values(families)) keep(fns);
      }
    }
    this.#functions = functions;
  }

  /** Every attached function's description, sorted by entity, namespace and name. */
  functions(): PivotFunctionInfo[] {
    const key = (i: PivotFunctionInfo) => `${i.entity}\u0000${i.namespace === "util" ? 0 : i.namespace === "ti" ? 1 : 2}${i.namespace}\u0000${i.family}\u0000${i.name}`;
    return this.#functions.map((f) => f.info).sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  }

  /** Call paths of the attached functions (`entities.Ip.util.ipType`…), optionally of one entity. */
  listPivots(entity?: string): string[] {
    return this.#functions.filter((f) => entity === undefined || f.info.entity === entity).map((f) => f.path).sort();
  }

  /** A namespace by name, for query providers not named `LocalData`: `pivot.namespace("Host", "LocalData_2")`. */
  namespace(entity: PivotEntityName, name: "util" | "ti"): PivotNamespace;
  /** A query provider's namespace by its name (`pivot.addProvider(qp, { name })`): its families, each of queries. */
  namespace(entity: PivotEntityName, name: string): PivotQueryNamespace;
  namespace(entity: PivotEntityName, name: string): PivotNamespace | PivotQueryNamespace {
    if (!Object.hasOwn(PIVOT_ENTITIES, entity)) throw new PivotError(msg.unknownFunction("entities", entity, Object.keys(PIVOT_ENTITIES)));
    const ns = namespaceOf(entity, name);
    if (!ns) throw new PivotError(msg.unknownFunction(`entities.${entity}`, name, ["util", "ti", ...this.#queryProviders.map((q) => q.name)]));
    return ns;
  }

  /** The pivot browser: entities → namespaces → functions, with a filter box and copy-ready calls. */
  browse(options: PivotBrowserOptions = {}): PivotBrowser {
    const entries: PivotBrowserEntry[] = this.functions().map((i) => ({ ...i, parameters: i.parameters.map((p) => ({ ...p })), outputColumns: [...i.outputColumns] }));
    return new PivotBrowser(entries, options);
  }

  /** One line per entity: how many functions each namespace has. */
  toText(): string {
    const counts = new Map<string, Map<string, number>>();
    for (const f of this.#functions) {
      const ns = counts.get(f.info.entity) ?? new Map<string, number>();
      ns.set(f.info.namespace, (ns.get(f.info.namespace) ?? 0) + 1);
      counts.set(f.info.entity, ns);
    }
    const lines = [`Pivot: ${this.#functions.length} functions`];
    for (const [entity, ns] of counts) lines.push(`  ${entity}: ${[...ns].map(([n, c]) => `${n} ${c}`).join(", ")}`);
    return lines.join("\n");
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    return wellFormedBundle({ "text/plain": this.toText() });
  }

  [inspect.custom](): string {
    return this.toText();
  }
}
