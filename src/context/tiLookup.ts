/**
 * TILookup, after MSTICPy's: loads threat-intelligence providers from
 * msticpyconfig.yaml and looks observables up in them.
 *
 * - One row per distinct observable × provider, with MSTICPy's columns.
 * - Failures are rows (Status, readable Details), never exceptions: an
 *   unsupported type, a bad value, HTTP errors, timeouts, an unreachable service.
 * - Each distinct value is looked up once per provider per batch; answers are
 *   cached in memory (and on disk when the provider's `Cache.Path` is set).
 * - Concurrency, timeouts and retries per provider (see tiHttp.ts).
 * - In a notebook, a progress display with done/total per provider, then a summary.
 * - Keys never show: status texts, Details, RawResult and Reference are masked.
 */
import path from "node:path";
import { inspect, type InspectOptions } from "node:util";
import pl from "nodejs-polars";
import type { DataType } from "nodejs-polars";
import { closestNames, didYouMean, findUnknownOption, mapMessage } from "../common/errors";
import { printWarning } from "../common/messages";
import { checkSection, configMasker, loadConfig, markedSecondary, settingEntries, type HuntlabConfig, type ProviderSettings } from "../config/config";
import { NO_SECRETS, type SecretMasker } from "../config/secrets";
import { isDataFrame } from "../common/frames";
import { html } from "../display/html";
import { htmlView } from "../display/htmlView";
import { JUPYTER_DISPLAY, wellFormedBundle, type MimeBundle } from "../display/protocol";
import { inspectLastValue } from "../display/lastValue";
import { notAFrameText } from "../common/notAFrame";
import { classifyIoc, normalizeIocType, parseIpRange, refang, type IocType } from "./iocType";
import { hideUrlUserInfo } from "../common/urlUserInfo";
import { ipv4OfInteger } from "./ipType";
import { TILookupError, contextMessages as msg, contextNotes } from "./messages";
import { PROVIDER_CLASSES, providerClass } from "./providers";
import { ResultCache } from "./tiCache";
import { inNotebook, TIProgress } from "./tiProgress";
import { KernelInterrupt, operationSignal, whenAborted, type InterruptOptions } from "./interrupt";
import type { Interruptible } from "./limiter";
import { failure, isSkipped, newLookupContext, TI_STATUS, type LookupContext, type LookupRequest, type ProviderResult, type Severity, type TIProvider } from "./tiProvider";
import { withRichLastValue } from "../display/lastValue";

/** Options of `new TILookup()`. */
export interface TILookupOptions {
  /**
   * Names of the providers to load (the keys under `TIProviders`). Default:
   * every enabled provider in the config. Naming a provider with
   * `Enabled: false` loads it.
   */
  providers?: string[];
  /** msticpyconfig.yaml to read. Default: `$MSTICPYCONFIG`, `./msticpyconfig.yaml`, `~/.msticpy/msticpyconfig.yaml`, then the bundled file. */
  configPath?: string;
  /** On-disk result cache folder for every provider, overriding each provider's `Cache.Path`. Default: none. */
  cacheDir?: string;
  /**
   * Where warnings go: a configured provider huntlab does not have (`Provider: RiskIQ`), when the config is read;
   * a provider's disk cache that turned memory-only (its file unreadable, its folder unwritable), once per
   * provider. Default: printed.
   */
  warn?: (message: string) => void;
}

/**
 * Options of {@link TILookup.lookupIoc}. Interrupting: `signal` (an AbortSignal)
 * stops the lookup, and so does Interrupt Kernel in tslab or Deno (`interrupt`,
 * default `"kernel"`): queued requests never start, requests in flight are
 * cancelled, and the call rejects with `context/lookup-interrupted`.
 */
export interface LookupIocOptions extends InterruptOptions {
  /** The observable's type (`ipv4`, `dns`, `url`, `md5_hash`…; aliases like `domain` accepted). Default: detected. */
  iocType?: string;
  /** Providers to ask (loaded provider names). Default: by `provScope`. */
  providers?: string[];
  /**
   * Without `providers`: `"primary"` (default) asks the loaded providers marked `Primary: true` — when the config
   * marks none primary, every loaded one that leaves `Primary` out (all written `Primary: false`: a `context/all-secondary` error); when it marks some (or one's `Primary:` does not read) but none loaded, a `context/no-primary-loaded`
   * error (the others are not asked in their place). `"all"` asks every loaded provider.
   */
  provScope?: "primary" | "all";
  /** Show the progress display. Default: only inside a notebook kernel. */
  progress?: boolean;
}

/** Options of {@link TILookup.lookupIocs}. */
export interface LookupIocsOptions extends LookupIocOptions {
  /** Column of a DataFrame holding the observables. Required for a DataFrame with more than one column. */
  obsCol?: string;
  /** MSTICPy v3's name for `obsCol`. */
  iocCol?: string;
  /** Column holding each observable's type; empty cells are detected. */
  iocTypeCol?: string;
}

/** Every option of {@link TILookup.lookupIoc}, and of {@link TILookup.lookupIocs}: another name (`provider`, `iocTypes`) was ignored, and other providers answered. */
const LOOKUP_IOC_OPTIONS = ["iocType", "providers", "provScope", "progress", "signal", "interrupt"] as const satisfies readonly (keyof LookupIocOptions)[];
const LOOKUP_IOCS_OPTIONS = [...LOOKUP_IOC_OPTIONS, "obsCol", "iocCol", "iocTypeCol"] as const satisfies readonly (keyof LookupIocsOptions)[];

/** Every option of `new TILookup()`. */
const TI_LOOKUP_OPTIONS = ["providers", "configPath", "cacheDir", "warn"] as const satisfies readonly (keyof TILookupOptions)[];

const isText = (value: unknown): value is string => typeof value === "string" && value.trim() !== "";

/** Throws for `providers` that is not a non-empty list of names: a name as text was read letter by letter. */
function checkProviderList(fn: string, providers: unknown): void {
  if (providers !== undefined && !(Array.isArray(providers) && providers.length > 0 && providers.every(isText))) {
    throw new TILookupError(msg.lookupOption(fn, "providers", 'a non-empty list of provider names (e.g. ["LocalTI"])', providers));
  }
}

/**
 * The options of `new TILookup()` from untyped cells: MSTICPy's positional config path or provider list,
 * `config_path` or `provider` were ignored and the default config loaded; `providers: "LocalTI"` asked for "L".
 */
function checkTILookupOptions(options: unknown): asserts options is TILookupOptions {
  if (options === null || typeof options !== "object" || Array.isArray(options)) throw new TILookupError(msg.tiLookupOptions(notAFrameText(options)));
  const fn = "new TILookup";
  const unknown = findUnknownOption(options, TI_LOOKUP_OPTIONS);
  if (unknown) throw new TILookupError(msg.lookupOptionUnknown(fn, unknown, TI_LOOKUP_OPTIONS));
  const { providers, configPath, cacheDir, warn } = options as Record<string, unknown>;
  checkProviderList(fn, providers);
  if (configPath !== undefined && !isText(configPath)) throw new TILookupError(msg.lookupOption(fn, "configPath", "the path of a msticpyconfig.yaml (text)", configPath));
  if (cacheDir !== undefined && !isText(cacheDir)) throw new TILookupError(msg.lookupOption(fn, "cacheDir", "a folder path (text)", cacheDir));
  if (warn !== undefined && typeof warn !== "function") throw new TILookupError(msg.lookupOption(fn, "warn", "a function taking the warning's text", warn));
}

/**
 * Options from untyped cells (Deno, JavaScript) checked before any lookup: names, the values that choose
 * providers, and the kind of every other value (`iocType: 4` was a TypeError inside, `progress: "no"` showed progress).
 */
function checkLookupOptions(fn: string, options: LookupIocsOptions, known: readonly string[] = LOOKUP_IOCS_OPTIONS): void {
  if (options === null || typeof options !== "object" || Array.isArray(options)) throw new TILookupError(msg.lookupOption(fn, "(the options)", "an object", options));
  const unknown = findUnknownOption(options, known);
  if (unknown) throw new TILookupError(msg.lookupOptionUnknown(fn, unknown, known));
  const { providers, provScope, iocType, progress, signal, interrupt } = options;
  checkProviderList(fn, providers);
  if (provScope !== undefined && provScope !== "primary" && provScope !== "all") throw new TILookupError(msg.lookupOption(fn, "provScope", '"primary" or "all"', provScope));
  if (iocType !== undefined && typeof iocType !== "string") throw new TILookupError(msg.lookupOption(fn, "iocType", 'an IoC type name such as "ipv4" (text)', iocType));
  for (const column of ["obsCol", "iocCol", "iocTypeCol"] as const) {
    const value = options[column];
    if (value !== undefined && !isText(value)) throw new TILookupError(msg.lookupOption(fn, column, "one column name (text)", value));
  }
  if (progress !== undefined && typeof progress !== "boolean") throw new TILookupError(msg.lookupOption(fn, "progress", "true or false", progress));
  if (interrupt !== undefined && interrupt !== "kernel" && interrupt !== "never") throw new TILookupError(msg.lookupOption(fn, "interrupt", '"kernel" or "never"', interrupt));
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw new TILookupError(msg.lookupOption(fn, "signal", "an AbortSignal", signal));
}

/** A configured provider and whether it loaded. */
export interface ProviderStatus {
  /** Config key. */
  name: string;
  /** Provider class (`Provider:`). */
  provider: string;
  loaded: boolean;
  primary: boolean;
  /** IoC types it handles. */
  iocTypes: string[];
  /** Endpoint (masked); empty for offline providers. */
  baseUrl: string;
  /** Why it is not loaded, or what to know about it. Never contains a key. */
  detail: string;
}

/** The result columns, in order. */
export const TI_RESULT_COLUMNS = ["Ioc", "IocType", "SafeIoc", "QuerySubtype", "Provider", "Result", "Severity", "Details", "RawResult", "Reference", "Status"] as const;

/** polars' number types: their cells are read as numbers, not as text. */
const NUMERIC_VARIANTS: ReadonlySet<string> = new Set(["Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64", "Float32", "Float64"]);

/** IoCExtract's types that are no TI type: no provider (nor LocalTI feed) looks them up. */
const PATH_TYPES: ReadonlySet<string> = new Set(["windows_path", "linux_path"]);

/** Keys huntlab reads beside Args (any provider). */
const COMMON_SETTING_KEYS = ["Args", "Primary", "Provider", "BaseUrl", "Enabled", "TimeoutSeconds", "Concurrency", "Retries", "RetryBackoffSeconds", "MaxRetryAfterSeconds", "Cache"];

interface Observation {
  value: string;
  type?: string;
  /** The number `value` writes, for a cell of a numeric column or a number in a list: an IPv4 address stored as an integer. */
  number?: number | bigint;
}

interface Row {
  ioc: string;
  iocType: string;
  safeIoc: string;
  provider: string;
  r: ProviderResult;
}

interface Loaded {
  provider: TIProvider;
  cache?: ResultCache;
  /**
   * Requests in flight by cache key, across calls: a cell re-run while the first run waits (or `Promise.all` of
   * two lookups) shares the request rather than spending the provider's quota twice.
   */
  inFlight: Map<string, InFlight>;
}

/** A request in flight, and the batch context it runs under (its signal, its circuit breaker). */
interface InFlight {
  promise: Promise<ProviderResult>;
  context: LookupContext;
}

/** Called with a TILookup each time its providers are (re)loaded (set by src/pivot: its `ti` functions follow). */
let loadedHook: ((lookup: TILookup) => void) | undefined;

/** Installs what hears of each TILookup made or reloaded (src/pivot's Pivot). */
export function onTILookupLoaded(hook: (lookup: TILookup) => void): void {
  loadedHook = hook;
}

/** What a TILookup was asked to load, by lookup (see {@link sameTISettings}). */
const SETTINGS = new WeakMap<TILookup, string>();

/**
 * True when two TILookups load the same: one config file, the same `providers`
 * and `cacheDir` options — a cell that makes one, run again.
 */
export function sameTISettings(a: TILookup, b: TILookup): boolean {
  const key = (t: TILookup) => JSON.stringify([t.configFile, SETTINGS.get(t) ?? ""]);
  return key(a) === key(b);
}

/** Threat-intelligence lookups over the providers configured in msticpyconfig.yaml. */
export class TILookup {
  /** Names of every provider class huntlab has (values for `Provider:` in the config). */
  static listAvailableProviders(): string[] {
    return Object.keys(PROVIDER_CLASSES);
  }

  // Private fields: the masker and the providers lead to the keys, so no dump,
  // spread copy or serialisation of a TILookup may reach them.
  readonly #options: TILookupOptions;
  #loaded = new Map<string, Loaded>();
  #statuses: ProviderStatus[] = [];
  /**
   * Providers whose `Primary:` does not read (`Primary: maybe`): not loaded, and perhaps meant primary (MSTICPy
   * takes any such text as set), so a default lookup does not send the indicators to the others in their place.
   */
  #primaryUnread = new Set<string>();
  /** Providers written `Primary: false`: never asked by a lookup that names none. */
  #secondary = new Set<string>();
  #masker: SecretMasker = NO_SECRETS;
  /** Caches whose turn to memory-only has been warned of. */
  #warnedCaches = new WeakSet<ResultCache>();
  /** The config file in use. */
  configFile = "";

  constructor(options: TILookupOptions = {}) {
    checkTILookupOptions(options);
    this.#options = { ...options, ...(options.providers ? { providers: [...options.providers] } : {}) };
    SETTINGS.set(this, JSON.stringify([this.#options.providers ?? null, this.#options.cacheDir ?? null]));
    this.reloadProviders();
  }

  /** The loaded providers by name (MSTICPy's `loaded_providers`). */
  get loadedProviders(): Readonly<Record<string, TIProvider>> {
    return Object.freeze(Object.fromEntries([...this.#loaded].map(([name, l]) => [name, l.provider])));
  }

  /** Every configured provider: loaded or not, and why. */
  get providerStatus(): readonly ProviderStatus[] {
    return this.#statuses.map((s) => ({ ...s, iocTypes: [...s.iocTypes], detail: this.#detail(s) }));
  }

  /** A status's detail, with why its disk cache turned memory-only once that has happened. */
  #detail(status: ProviderStatus): string {
    const why = this.#loaded.get(status.name)?.cache?.diskError;
    return why ? this.#masker.mask(`${status.detail} ${why[0].toUpperCase()}${why.slice(1)}.`) : status.detail;
  }

  /** Warns, once per cache, when a provider's disk cache has turned memory-only. */
  #warnIfMemoryOnly(name: string, cache: ResultCache | undefined): void {
    if (!cache?.diskError || this.#warnedCaches.has(cache)) return;
    this.#warnedCaches.add(cache);
    (this.#options.warn ?? printWarning)(this.#masker.mask(contextNotes.cacheDiskOff(name, cache.diskError)));
  }

  /**
   * Reads the config again and (re)creates the providers: after changing the
   * file or setting an environment variable with a key. Caches start empty
   * (on-disk caches are read again).
   */
  reloadProviders(): void {
    // Flushed first, so the new providers' disk caches read what the old ones held.
    for (const l of this.#loaded.values()) l.cache?.flush();
    // The new settings are read and built before the old providers are closed: a reload that fails
    // (bad YAML, a provider not configured) throws and leaves the old providers working.
    const config = loadConfig(this.#options.configPath, { missingEnvironment: "skip" });
    // `TIProviders: [a, b]`: no provider can be read; the file's other sections still serve the data providers.
    checkSection(config, "TIProviders");
    const oldMasker = this.#masker;
    this.#masker = configMasker(config);
    let built: { loaded: Map<string, Loaded>; statuses: ProviderStatus[] };
    try {
      built = this.loadAll(config);
    } catch (err) {
      this.#masker = oldMasker;
      throw err;
    }
    const old = this.#loaded;
    this.configFile = config.path;
    this.#loaded = built.loaded;
    this.#statuses = built.statuses;
    this.#secondary = new Set(config.tiProviders.filter((p) => markedSecondary(p)).map((p) => p.name));
    this.#primaryUnread = new Set(config.tiProviders.filter((p) => p.missing.some((m) => m.arg === "Primary")).map((p) => p.name));
    for (const l of old.values()) l.provider.close();
    // A provider huntlab does not have is said at once (MSTICPy warns too): otherwise only the status table said so.
    const wanted = this.#options.providers;
    for (const p of config.tiProviders) {
      if ((wanted && !wanted.includes(p.name)) || p.missing.some((m) => m.arg === `TIProviders.${p.name}`) || providerClass(p.provider)) continue;
      const available = Object.keys(PROVIDER_CLASSES);
      (this.#options.warn ?? printWarning)(this.#masker.mask(contextNotes.providerUnknown(p.name, p.provider, didYouMean(p.provider, available), available)));
    }
    loadedHook?.(this);
  }

  private loadAll(config: HuntlabConfig): { loaded: Map<string, Loaded>; statuses: ProviderStatus[] } {
    const wanted = this.#options.providers;
    const names = config.tiProviders.map((p) => p.name);
    for (const name of wanted ?? []) {
      if (!names.includes(name)) {
        throw new TILookupError(mapMessage(msg.providerNotConfigured(name, config.path, names), (text) => this.#masker.mask(text)));
      }
    }
    const loaded = new Map<string, Loaded>();
    const statuses: ProviderStatus[] = [];
    for (const settings of config.tiProviders) {
      if (wanted && !wanted.includes(settings.name)) continue;
      const status = this.loadOne(settings, config, !!wanted);
      statuses.push(status.status);
      if (status.provider) loaded.set(settings.name, { provider: status.provider, cache: status.cache, inFlight: new Map() });
    }
    return { loaded, statuses };
  }

  private loadOne(settings: ProviderSettings, config: HuntlabConfig, explicit: boolean): { status: ProviderStatus; provider?: TIProvider; cache?: ResultCache } {
    const cls = providerClass(settings.provider);
    const base: ProviderStatus = {
      name: settings.name,
      provider: cls?.info.className ?? settings.provider,
      loaded: false,
      primary: settings.primary,
      iocTypes: cls ? [...cls.info.supportedTypes] : [],
      baseUrl: cls ? this.#masker.mask(settings.baseUrl ?? cls.info.defaultBaseUrl) : "",
      detail: "",
    };
    const notLoaded = (detail: string) => ({ status: { ...base, detail: this.#masker.mask(detail) } });
    // `Foo: 3`: the entry's shape first, not the class it could not name.
    const shape = settings.missing.find((m) => m.arg === `TIProviders.${settings.name}`);
    if (shape) return notLoaded(`Not loaded: ${shape.arg}: ${shape.reason}.`);
    if (!cls) {
      return notLoaded(
        `Unknown provider class "${settings.provider}".${didYouMean(settings.provider, Object.keys(PROVIDER_CLASSES))} Available: ${Object.keys(PROVIDER_CLASSES).join(", ")}.`,
      );
    }
    if (!settings.enabled && !explicit) return notLoaded("Disabled (Enabled: false); name it in `providers` to load it anyway.");
    const missing = settings.missing.map((m) => `${m.arg}: ${m.reason}`);
    if (missing.length) {
      const hint = cls.info.requiredArgs.length === 0 && settings.missing[0].variable ? ` (or write ${settings.missing[0].arg}: "" to use ${cls.info.className} without a key)` : "";
      return notLoaded(`Not loaded: ${missing.join("; ")}${hint}.`);
    }
    const empty = cls.info.requiredArgs.filter((a) => settings.args[a] === undefined || settings.args[a] === null || String(settings.args[a]) === "");
    if (empty.length) return notLoaded(`Not loaded: ${empty.join(" and ")} ${empty.length === 1 ? "is" : "are"} not set in Args.`);
    const notes: string[] = [];
    // Every Arg and setting, the secret ones too (not enumerable in a loaded config).
    const unknownArgs = settingEntries(settings.args).map(([a]) => a).filter((a) => !cls.info.knownArgs.includes(a));
    if (unknownArgs.length) notes.push(`ignored Args: ${unknownArgs.join(", ")}`);
    const knownKeys = [...COMMON_SETTING_KEYS, ...(cls.info.settingKeys ?? [])];
    const unknownKeys = settingEntries(settings.extra).map(([k]) => k).filter((k) => !knownKeys.includes(k) && k !== "Description");
    for (const k of unknownKeys) notes.push(`ignored setting ${k}${suggest(k, knownKeys)}`);
    let provider: TIProvider;
    try {
      provider = new cls({ name: settings.name, settings, masker: this.#masker, configDir: path.dirname(config.path), configFile: config.path });
    } catch (err) {
      return notLoaded(`Not loaded: ${this.#masker.errorText(err)}`);
    }
    const eff = provider.effective;
    const cacheDir = this.#options.cacheDir ?? eff.cachePath;
    const cache = eff.cacheEnabled && eff.cacheTtlMs > 0 ? new ResultCache({ ttlMs: eff.cacheTtlMs, maxEntries: eff.cacheMaxEntries, dir: cacheDir, namespace: provider.cacheNamespace, label: cls.info.className }) : undefined;
    const facts: string[] = [cls.info.online ? (settings.args.AuthKey ? "key configured" : "no key") : "offline"];
    if ("size" in provider && typeof provider.size === "number") facts.push(`${provider.size} indicators`);
    if (cls.info.className === "GreyNoise") facts.push(`edition ${String((provider as { edition?: string }).edition)}`);
    if (cls.info.online) facts.push(`concurrency ${eff.concurrency}, timeout ${eff.timeoutMs / 1000} s, ${eff.retries} retries`);
    if (cache) facts.push(cache.file ? `cache ${Math.round(eff.cacheTtlMs / 1000)} s on disk` : `cache ${Math.round(eff.cacheTtlMs / 1000)} s in memory`);
    return {
      // The instance's types: a LocalTI feed adds the custom types it lists.
      status: { ...base, loaded: true, iocTypes: [...provider.info.supportedTypes], detail: this.#masker.mask(`Loaded${settings.primary ? " (primary)" : ""}: ${[...facts, ...notes].join("; ")}.`) },
      provider,
      cache,
    };
  }

  /** The providers a lookup asks. Unknown names are an error (with suggestions). */
  private select(options: LookupIocOptions): { name: string; loaded: Loaded }[] {
    if (options.providers) {
      return options.providers.map((name) => {
        const loaded = this.#loaded.get(name);
        if (loaded) return { name, loaded };
        const status = this.#statuses.find((s) => s.name === name);
        if (status) throw new TILookupError(mapMessage(msg.providerNotLoaded(name, status.detail), (text) => this.#masker.mask(text)));
        const known = [...this.#statuses.map((s) => s.name)];
        throw new TILookupError(mapMessage(msg.unknownProvider(name, [...this.#loaded.keys()], known), (text) => this.#masker.mask(text)));
      });
    }
    const all = [...this.#loaded].map(([name, loaded]) => ({ name, loaded }));
    if (all.length === 0) {
      throw new TILookupError(mapMessage(msg.noProvidersLoaded(this.configFile, this.#statuses), (text) => this.#masker.mask(text)));
    }
    if (options.provScope === "all") return all;
    const primary = all.filter((p) => p.loaded.provider.primary);
    if (primary.length) return primary;
    // No provider marked primary: every loaded one. Primaries configured but none loaded (a key unset): the
    // others are secondary, asked only when named — standing in for the primary would send the indicators
    // to a service the config kept for explicit lookups (a paid quota, a less private one).
    const configured = this.#statuses.filter((s) => s.primary || this.#primaryUnread.has(s.name));
    if (configured.length === 0) {
      // None primary: the providers that leave `Primary` out, not those written `Primary: false` — a secondary one is
      // kept for lookups that name it (a paid quota). All written so: none, as MSTICPy asks none (it errs).
      const unmarked = all.filter((p) => !this.#secondary.has(p.name));
      if (unmarked.length) return unmarked;
      throw new TILookupError(mapMessage(msg.allSecondary(this.configFile, all.map((p) => p.name)), (text) => this.#masker.mask(text)));
    }
    const primaries = configured.map((s) => ({ name: s.name, detail: this.#detail(s) }));
    throw new TILookupError(mapMessage(msg.noPrimaryLoaded(this.configFile, primaries, all.map((p) => p.name)), (text) => this.#masker.mask(text)));
  }

  /** Looks one observable up; one row per provider. */
  async lookupIoc(ioc: string, options: LookupIocOptions = {}): Promise<pl.DataFrame> {
    // One observable, as MSTICPy's lookup_ioc takes: a list or a frame was filtered to nothing, an empty table.
    if (typeof ioc !== "string" && typeof ioc !== "number") {
      throw new TILookupError(msg.lookupIocInputInvalid(notAFrameText(ioc), Array.isArray(ioc) || isDataFrame(ioc)));
    }
    checkLookupOptions("lookupIoc", options, LOOKUP_IOC_OPTIONS);
    return this.lookupIocs([ioc], options);
  }

  /**
   * Looks up every observable of a DataFrame column (`obsCol`) or a list of
   * strings. Empty and null values are skipped; each distinct value gives one
   * row per provider.
   */
  async lookupIocs(data: pl.DataFrame | readonly string[], options: LookupIocsOptions = {}): Promise<pl.DataFrame> {
    checkLookupOptions("lookupIocs", options);
    const observations = this.observations(data, options);
    const providers = this.select(options);
    const show = options.progress ?? inNotebook();

    // Distinct values as written, in first-seen order (" 1.2.3.4" and "1.2.3.4" are two rows, sharing one request).
    const distinct = new Map<string, Observation>();
    for (const o of observations) {
      const key = `${o.type ?? ""}\u0000${o.number === undefined ? "" : "#"}${o.value}`;
      if (!distinct.has(key)) distinct.set(key, o);
    }
    const items = [...distinct.values()].map((o) => this.classify(o));
    const progress = new TIProgress(
      providers.map((p) => ({ name: p.name, total: items.length })),
      items.length,
      show,
    );
    const rows: Row[][] = items.map(() => []);
    const op = operationSignal(options);
    const { signal } = op;
    try {
      const batch = Promise.all(
        providers.map(async ({ name, loaded }, pIndex) => {
          const context: LookupContext & Interruptible = { ...newLookupContext(), signal };
          try {
            await Promise.all(
              items.map(async (item, iIndex) => {
                const { r, cached } = await this.lookupOne(loaded, item, context);
                const masked = this.maskResult(r);
                // A URL's user info is a victim's password or token: never shown, here as nowhere else (never sent or cached).
                rows[iIndex][pIndex] = { ioc: this.#masker.mask(hideUrlUserInfo(item.ioc)), iocType: item.type, safeIoc: this.#masker.mask(item.safeIoc), provider: name, r: masked };
                progress.record(pIndex, masked, cached);
              }),
            );
          } finally {
            // Interrupted or not, what arrived is kept for the next run.
            loaded.cache?.flush();
            this.#warnIfMemoryOnly(name, loaded.cache);
          }
        }),
      );
      // Settles at the interrupt even if a provider ignores the signal.
      await Promise.race([batch, whenAborted(signal)]);
    } catch (err) {
      if (!signal.aborted) throw err;
      const done = progress.tallies.reduce((n, t) => n + t.done, 0);
      const why = signal.reason instanceof KernelInterrupt ? "Interrupt Kernel" : "signal aborted";
      await progress.finish(why);
      throw new TILookupError(msg.lookupInterrupted(done, items.length * providers.length, why), { cause: signal.reason });
    } finally {
      op.release();
    }
    await progress.finish();
    return withRichLastValue(resultFrame(rows.flat()));
  }

  private classify(o: Observation): { ioc: string; type: IocType; safeIoc: string; typeError?: string } {
    const given = o.type !== undefined && o.type.trim() !== "" ? o.type : undefined;
    // A number is no hash, name or URL: only an IPv4 address kept as an integer (INET_ATON, flow stores), unless typed otherwise.
    if (o.number !== undefined && (given === undefined || normalizeIocType(given) === "ipv4")) {
      const v4 = ipv4OfInteger(o.number);
      if (v4) return { ioc: o.value, type: "ipv4", safeIoc: v4 };
      return { ioc: o.value, type: "unknown", safeIoc: "", typeError: `${clip(o.value)} is a number, and not an IPv4 address written as one (a whole number from 0 to 4294967295).` };
    }
    if (given !== undefined) {
      const type = normalizeIocType(given);
      // IoCExtract's path types (its IoCType column given as iocTypeCol): types no provider looks up, not misspelt names.
      const path = given.trim().toLowerCase();
      if (!type && PATH_TYPES.has(path)) return { ioc: o.value, type: path, safeIoc: o.value.trim() };
      if (!type) return { ioc: o.value, type: "unknown", safeIoc: "", typeError: `Unknown IoC type "${given}".` };
      return classifyIoc(o.value, type);
    }
    return classifyIoc(o.value);
  }

  private async lookupOne(
    loaded: Loaded,
    item: { ioc: string; type: IocType; safeIoc: string; typeError?: string },
    context: LookupContext & Interruptible,
  ): Promise<{ r: ProviderResult; cached: boolean }> {
    const { provider, cache, inFlight } = loaded;
    if (item.typeError) return { r: failure(TI_STATUS.badFormat, item.typeError), cached: false };
    if (item.type === "unknown") {
      // A range is a value hunters have in indicator columns (rules, block lists): say what it is, not just what it is not.
      const why = parseIpRange(refang(item.ioc.trim()))
        ? "is an IP range (CIDR): providers look up single addresses (a LocalTI feed's ranges match the addresses looked up)."
        : "is not an indicator type huntlab recognises (ipv4, ipv6, dns, url, email, md5/sha1/sha256 hash).";
      return { r: failure(TI_STATUS.badFormat, `"${clip(item.ioc)}" ${why}`), cached: false };
    }
    if (!provider.supports(item.type)) {
      return { r: failure(TI_STATUS.notSupported, `${provider.name} does not look up ${item.type} (it handles ${provider.info.supportedTypes.join(", ")}).`), cached: false };
    }
    if (!item.safeIoc) return { r: failure(TI_STATUS.badFormat, `"${clip(item.ioc)}" is not a valid ${item.type}.`), cached: false };
    const request = { ioc: item.ioc, type: item.type, safeIoc: item.safeIoc };
    const refusal = provider.refuse(request);
    if (refusal) return { r: failure(TI_STATUS.notSupported, refusal), cached: false };
    // Values that normalise alike (" 1.2.3.4", "1.2.3.4", "EVIL.com", "evil.com") share one key, so one request.
    const key = `${item.type}|${item.safeIoc}`;
    for (;;) {
      const hit = cache?.get(key);
      if (hit) return { r: hit, cached: true };
      const shared = inFlight.get(key);
      if (!shared) return { r: await this.request(loaded, key, request, context), cached: false };
      let r: ProviderResult;
      try {
        r = await shared.promise;
      } catch (err) {
        // Another call's request, stopped by that call's interrupt: this call asks for itself.
        if (shared.context !== context && !context.signal?.aborted) continue;
        throw err;
      }
      // Another call's circuit breaker skipped it: on its own, this call would have asked.
      if (shared.context !== context && isSkipped(r)) continue;
      return { r, cached: false };
    }
  }

  /** Asks the provider, shared in `loaded.inFlight` until it settles; caches a definitive answer. */
  private request(loaded: Loaded, key: string, request: LookupRequest, context: LookupContext & Interruptible): Promise<ProviderResult> {
    const { provider, cache, inFlight } = loaded;
    const promise = (async () => {
      let r: ProviderResult;
      try {
        r = await provider.lookup(request, context);
      } catch (err) {
        // An interrupt ends the batch (no row, no cache entry).
        if (context.signal?.aborted) throw err;
        // A provider bug must not kill the batch.
        r = failure(TI_STATUS.queryFailed, `${provider.name} failed: ${this.#masker.errorText(err)}`);
      }
      // An observable holding a key (looked up by mistake) is not cached: the cache file would keep it.
      const cacheable = (r.status === TI_STATUS.ok || r.status === 404) && !isSkipped(r) && this.#masker.mask(key) === key;
      if (cache && cacheable) cache.set(key, this.maskResult(r));
      return r;
    })().finally(() => {
      // Gone before the callers resume: an answer not cached (a failure) is asked again by the next call, as
      // sequential calls do. (In `finally` of the promise, not of the function: one that throws at once ends before `set`.)
      inFlight.delete(key);
    });
    inFlight.set(key, { promise, context });
    return promise;
  }

  /** Every string of a result masked (defence in depth: providers mask too). */
  private maskResult(r: ProviderResult): ProviderResult {
    if (this.#masker.empty) return r;
    return {
      ...r,
      details: this.#masker.maskValue(r.details),
      rawResult: this.#masker.maskValue(r.rawResult),
      reference: this.#masker.mask(r.reference),
    };
  }

  private observations(data: pl.DataFrame | readonly string[], options: LookupIocsOptions): Observation[] {
    const type = options.iocType;
    if (Array.isArray(data)) {
      // Nulls (a Series' toArray) and empty text are skipped; an object or a list is not an observable (rows were dropped, silently).
      (data as readonly unknown[]).forEach((v, i) => {
        if (v !== null && v !== undefined && typeof v !== "string" && typeof v !== "number") throw new TILookupError(msg.lookupItemInvalid(i, notAFrameText(v)));
      });
      return (data as readonly unknown[])
        .filter((v): v is string | number => (typeof v === "string" && v.trim() !== "") || typeof v === "number")
        .map((v) => ({ value: String(v), ...(typeof v === "number" ? { number: v } : {}), ...(type ? { type } : {}) }));
    }
    if (!isDataFrame(data)) throw new TILookupError(msg.lookupInputInvalid(notAFrameText(data)));
    const df = data as pl.DataFrame;
    const columns = df.columns;
    const obsCol = options.obsCol ?? options.iocCol ?? (columns.length === 1 ? columns[0] : undefined);
    if (!obsCol) throw new TILookupError(msg.lookupObsColRequired(columns));
    // A list column's values are lists (a flow's PublicIPs): each element is an observable. Other columns as text.
    const column = (name: string, what: string): unknown[] => {
      if (!columns.includes(name)) {
        throw new TILookupError(msg.lookupColumnMissing(name, what, columns));
      }
      const series = df.getColumn(name);
      const list = series.dtype.variant === "List";
      if (list && what === "iocTypeCol") throw new TILookupError(msg.lookupTypeColumnList(name));
      // Numbers stay numbers (an integer column of IPv4 addresses): classify reads them; other columns as text.
      return (list || NUMERIC_VARIANTS.has(series.dtype.variant) ? series : series.cast(pl.Utf8)).toArray() as unknown as unknown[];
    };
    const values = column(obsCol, "obsCol");
    const types = options.iocTypeCol ? (column(options.iocTypeCol, "iocTypeCol") as (string | null)[]) : undefined;
    const out: Observation[] = [];
    values.forEach((cell, i) => {
      const t = types?.[i] ?? type;
      for (const v of Array.isArray(cell) ? cell : [cell]) {
        if (v === null || v === undefined) continue;
        const text = String(v);
        if (text.trim() === "") continue;
        const number = typeof v === "number" || typeof v === "bigint" ? { number: v } : {};
        out.push({ value: text, ...number, ...(t ? { type: t } : {}) });
      }
    });
    return out;
  }

  /** Status of every configured provider, as a table. */
  [JUPYTER_DISPLAY](): MimeBundle {
    const rows = this.#statuses.map(
      (s) =>
        html`<tr><td>${s.name}</td><td>${s.provider}</td><td style="white-space:nowrap">${s.loaded ? "✔ loaded" : "✘ not loaded"}</td><td>${s.primary ? "yes" : ""}</td><td>${s.iocTypes.join(", ")}</td><td>${this.#detail(s)}</td></tr>`,
    );
    const summary = `TILookup — ${this.#loaded.size} of ${this.#statuses.length} providers loaded`;
    const body = html`<div class="hl-ti-status"><p><strong>TILookup</strong> — ${this.#loaded.size} of ${this.#statuses.length} providers loaded from <code>${shortPath(this.configFile)}</code></p><table><thead><tr><th>Name</th><th>Provider</th><th>Status</th><th>Primary</th><th>IoC types</th><th>Detail</th></tr></thead><tbody>${rows}</tbody></table></div>`;
    const text = this.statusText();
    return wellFormedBundle({ "text/html": htmlView({ kind: "ti-status", fallback: { alt: summary, html: body }, text }).toHtml(), "text/plain": text });
  }

  /** One line per configured provider. */
  statusText(): string {
    const head = `TILookup: ${this.#loaded.size} of ${this.#statuses.length} providers loaded from ${shortPath(this.configFile)}`;
    return [head, ...this.#statuses.map((s) => `  ${s.name} (${s.provider})${s.primary ? " primary" : ""}: ${this.#detail(s)}`)].join("\n");
  }

  /** What JSON shows of a TILookup: the config file and the status of every provider (keys masked). */
  toJSON(): { configFile: string; providers: readonly ProviderStatus[] } {
    return { configFile: this.configFile, providers: this.providerStatus };
  }

  /** One line: the loaded providers' names and how many are configured (`String(ti)` was `[object Object]`). */
  toString(): string {
    return this.#masker.mask(`TILookup { loaded: [${[...this.#loaded.keys()].join(", ")}], configured: ${this.#statuses.length} }`);
  }

  [inspect.custom](depth: number, options: InspectOptions): string {
    return inspectLastValue(this, depth, options, () => this.toString());
  }
}

/** A path relative to the working folder when that is shorter (outputs should not show home folders needlessly). */
function shortPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && relative.length < file.length ? relative : file;
}

function suggest(name: string, candidates: string[]): string {
  const close = closestNames(name, candidates, 1);
  return close.length ? ` (did you mean ${close[0]}?)` : "";
}


/** An observable quoted in a row's Details: cut, a URL's user info hidden (as in the Ioc column). */
function clip(text: string, max = 80): string {
  text = hideUrlUserInfo(text);
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function jsonText(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  try {
    return JSON.stringify(value);
  } catch (err) {
    // Not JSON-writable (nested past the stack, a cycle): say so rather than "[object Object]".
    return `(not shown: ${(err as Error).message})`;
  }
}

/** The result DataFrame (typed columns even when empty). */
export function resultFrame(rows: readonly Row[]): pl.DataFrame {
  const col = (name: string, values: unknown[], type: DataType) => pl.Series(name, values, type);
  return pl.DataFrame([
    col("Ioc", rows.map((r) => r.ioc), pl.Utf8),
    col("IocType", rows.map((r) => r.iocType), pl.Utf8),
    col("SafeIoc", rows.map((r) => r.safeIoc), pl.Utf8),
    col("QuerySubtype", rows.map((r) => r.r.querySubtype ?? ""), pl.Utf8),
    col("Provider", rows.map((r) => r.provider), pl.Utf8),
    col("Result", rows.map((r) => r.r.result), pl.Bool),
    col("Severity", rows.map((r) => r.r.severity satisfies Severity), pl.Utf8),
    col("Details", rows.map((r) => jsonText(r.r.details)), pl.Utf8),
    col("RawResult", rows.map((r) => jsonText(r.r.rawResult)), pl.Utf8),
    col("Reference", rows.map((r) => r.r.reference), pl.Utf8),
    col("Status", rows.map((r) => r.r.status), pl.Int32),
  ]);
}
