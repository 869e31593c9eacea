/**
 * msticpyconfig.yaml, in MSTICPy's format. Found at the given path, else
 * $MSTICPYCONFIG, else the working folder, else ~/.msticpy, else the package root. Validated;
 * errors name the file and the key path at fault. Secrets (`AuthKey`, `ApiID`…)
 * may be literals or `{ EnvironmentVar: NAME }`, resolved at load time.
 *
 * huntlab reads a few extra keys beside a provider's `Args` (MSTICPy ignores
 * them): `Enabled`, `BaseUrl`, `TimeoutSeconds`, `Concurrency`, `Retries`,
 * `RetryBackoffSeconds`, `MaxRetryAfterSeconds` and `Cache: { Enabled,
 * TtlSeconds, Path }`. Printing a loaded config masks every secret.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { inspect } from "node:util";
import { z } from "zod";
import { PACKAGE_ROOT } from "../common/paths";
import { expandHome, pathSettingProblem, urlHostHasVariable } from "./pathSetting";
import { isSecretArgName, MASK, SecretMasker } from "./secrets";
import { LEADING_ZERO_INTEGER, parseYamlText, pyyamlInteger, readYamlText, type YamlLimits } from "./yamlFile";
import { ConfigError, configMessages as msg, customPathsShapeReason, documentShapeReason, ENV_IN_URL, placeholderReason, quotedNumberReason, variableTextReason, entryShapeReason, sectionShapeReason, envVarUnsetReason, KEYVAULT_REASON, LEADING_ZERO_NUMBER, SETTING_SHAPES, unreadableSettingReason, yaml11IntegerReason, type YamlProblem } from "./messages";

export { ConfigError } from "./messages";

/** Largest msticpyconfig.yaml read (real ones are a few KB). */
export const MAX_CONFIG_FILE_BYTES = 4 * 1024 * 1024;
/** Most keys in msticpyconfig.yaml. */
export const MAX_CONFIG_FILE_KEYS = 20_000;

/** Limits of msticpyconfig.yaml, for every reader of it. */
export const CONFIG_FILE_LIMITS: YamlLimits = { maxBytes: MAX_CONFIG_FILE_BYTES, maxKeys: MAX_CONFIG_FILE_KEYS, maxDepth: 64, what: "the config file" };

const SettingValue = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.null(),
  z.object({ EnvironmentVar: z.string().min(1) }).strict(),
  z.object({ KeyVault: z.unknown() }).strict(),
], { error: SETTING_SHAPES });

/**
 * A number setting. One written with a leading zero (`TimeoutSeconds: 010`) was kept as text by the reader (PyYAML
 * reads octal 8, YAML 1.2 decimal 10), and one in YAML 1.1's other integer forms (`1_000`, `0b1010`, `1:30`) is text
 * to YAML 1.2: the error says why, with PyYAML's number, not only "expected number, received string". (Quoted, such
 * text is said to be quoted: {@link settingReason}.)
 */
function numberSetting(): z.ZodNumber {
  return z.number({ error: (issue) => numberTextReason(issue.input) });
}

/** Why text given to a number setting is no number, when it is one of YAML 1.1's forms; else undefined (zod's own). */
function numberTextReason(input: unknown): string | undefined {
  if (typeof input !== "string") return undefined;
  if (LEADING_ZERO_INTEGER.test(input)) return LEADING_ZERO_NUMBER;
  const value = pyyamlInteger(input);
  return value === undefined ? undefined : yaml11IntegerReason(input, value);
}

/**
 * The reason shown for a provider entry's first issue: a number setting given quoted text (`TimeoutSeconds: "010"`,
 * its path among `quoted`, the reader's {@link YamlReadOptions.quotedNumbers}) says so — it was told "a number written
 * with a leading zero", of a value written as text —; else the issue's own message.
 */
function settingReason(issue: z.core.$ZodIssue, entry: unknown, setting: string, quoted: ReadonlySet<string>): string {
  if (issue.code !== "invalid_type" || issue.expected !== "number" || !quoted.has(setting)) return issue.message;
  let value: unknown = entry;
  for (const key of issue.path) value = value !== null && typeof value === "object" ? (value as Record<PropertyKey, unknown>)[key as PropertyKey] : undefined;
  return typeof value === "string" ? quotedNumberReason(value) : issue.message;
}

/** The quoted numbers of each loaded config (its reader's {@link YamlReadOptions.quotedNumbers}), for the settings read later (dataProviderSettings). */
const QUOTED_NUMBERS = new WeakMap<object, ReadonlySet<string>>();

/** An absolute http(s) URL (a provider's endpoint, or a proxy in front of it). */
const HttpUrl = z
  .string()
  .refine((value) => !urlHostHasVariable(value), ENV_IN_URL)
  .refine((value) => {
    try {
      const url = new URL(value);
      return url.protocol === "http:" || url.protocol === "https:";
    } catch {
      return false;
    }
  }, "expected an absolute http:// or https:// URL");

/** The text of a boolean written quoted (`Primary: "True"`), any case: MSTICPy takes it as set. */
const BOOLEAN_TEXT = /^(?:true|false|yes|no|on|off)$/i;

/** A boolean setting: true/false, or one of {@link BOOLEAN_TEXT} as text. */
const BooleanSetting = z.preprocess(
  (value) => (typeof value === "string" && BOOLEAN_TEXT.test(value.trim()) ? /^(?:true|yes|on)$/i.test(value.trim()) : value),
  z.boolean({ error: "expected true or false (or yes/no)" }),
);

const CacheSchema = z
  .object({
    Enabled: BooleanSetting.optional(),
    TtlSeconds: numberSetting().min(0).optional(),
    MaxEntries: numberSetting().int().min(1).optional(),
    // `$HOME/vtcache` made a folder named `$HOME` in the config's folder, without a word.
    Path: z
      .string()
      .min(1)
      .superRefine((p, ctx) => {
        const problem = pathSettingProblem(p);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      })
      .nullish(),
  })
  .strict();

const ProviderSchema = z
  .object({
    // Each value is read by resolveArgs: one of another shape stops its provider only, not the whole file.
    Args: z.record(z.string(), z.unknown()).nullish(),
    Primary: BooleanSetting.nullish(),
    Provider: z.string().optional(),
    BaseUrl: HttpUrl.optional(),
    Enabled: BooleanSetting.optional(),
    TimeoutSeconds: numberSetting().positive().max(3600).optional(),
    Concurrency: numberSetting().int().min(1).max(256).optional(),
    Retries: numberSetting().int().min(0).max(10).optional(),
    RetryBackoffSeconds: numberSetting().min(0).max(600).optional(),
    MaxRetryAfterSeconds: numberSetting().min(0).max(3600).optional(),
    Cache: CacheSchema.nullish(),
  })
  .passthrough();

/** HTTP behaviour of a provider; unset values take the provider's defaults. */
export interface HttpSettings {
  /** Per-request deadline, ms (`TimeoutSeconds`). */
  timeoutMs?: number;
  /** Requests in flight at once (`Concurrency`). */
  concurrency?: number;
  /** Retries after a 429, a 5xx or a reset connection (`Retries`). */
  retries?: number;
  /** First backoff delay, ms, doubled each retry, when the server sends no Retry-After (`RetryBackoffSeconds`). */
  retryBackoffMs?: number;
  /** Longest Retry-After honoured, ms; a longer one ends the retries (`MaxRetryAfterSeconds`). */
  maxRetryAfterMs?: number;
}

/** Result cache of a provider (`Cache:`); unset values take the provider's defaults. */
export interface CacheSettings {
  /** Cache results at all (memory, and disk when `path` is set). */
  enabled?: boolean;
  /** How long a cached result stays valid, ms (`TtlSeconds`). */
  ttlMs?: number;
  /** Folder of the on-disk cache, `~` expanded, relative paths from the config file's folder. */
  path?: string;
  /** Most results kept in memory per provider (`MaxEntries`); the least recently used go first. */
  maxEntries?: number;
}

/**
 * A secret that could not be resolved when the config was loaded (only with
 * `missingEnvironment: "skip"`): an unset `EnvironmentVar`, a `KeyVault`
 * reference (not supported), or a value of another shape (`{ KeyVaultURI: … }`).
 */
export interface MissingVariable {
  /** The Args key, e.g. `AuthKey`; or a setting beside Args whose value does not read (`Primary`, `Cache.Enabled`). */
  arg: string;
  /** The environment variable's name ("" for a KeyVault reference). */
  variable: string;
  /** Why it could not be read, as a sentence. */
  reason: string;
}

/** A provider's settings with its secrets resolved. */
export interface ProviderSettings {
  name: string;
  provider: string;
  primary: boolean;
  /**
   * Resolved values; secret values are plain strings here — never print them (printing the object masks
   * them). In a loaded config a secret one is not enumerable (`args.AuthKey` reads it; `Object.keys` lists
   * the others).
   */
  args: Record<string, string | number | boolean | null>;
  baseUrl?: string;
  /** `Enabled:` (default true): a disabled provider is listed but never loaded. */
  enabled: boolean;
  /** Timeouts, concurrency and retries. */
  http: HttpSettings;
  /** Result cache. */
  cache: CacheSettings;
  /** Names of the Args that hold secrets (named like a key, or read from the environment). */
  secretArgs: string[];
  /** EnvironmentVar references that were not set, and settings that do not read (lenient loading only): the provider is not loaded. */
  missing: MissingVariable[];
  /** Other keys beside Args, as written (huntlab ignores them). */
  extra: Record<string, unknown>;
}

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  /**
   * What an unset `EnvironmentVar` (or a `KeyVault` reference, or an Args
   * value of another shape) does: `"error"`
   * throws a ConfigError naming it (default); `"skip"` leaves the Args key out
   * and records it in the provider's `missing` list, so one provider without
   * its key does not stop the others.
   */
  missingEnvironment?: "error" | "skip";
}

/** The parsed, validated configuration. */
export interface HuntlabConfig {
  /** The file it came from. */
  path: string;
  tiProviders: ProviderSettings[];
  otherProviders: ProviderSettings[];
  /** Extra query folders from QueryDefinitions.Custom. */
  customQueryPaths: string[];
  /**
   * The whole document, as parsed. A setting whose name or value holds a secret is readable
   * (`raw.TIProviders.VT.Args.AuthKey`) but not enumerable, so that no dump or copy shows it.
   */
  raw: Record<string, unknown>;
  /**
   * Sections of another shape than a mapping (`TIProviders: [a, b]`, `DataProviders: text`, `QueryDefinitions: 3`,
   * `QueryDefinitions: { Custom: 3 }`), lenient loading only: they are not read (`tiProviders` is empty, so is
   * `customQueryPaths`) and their readers report it ({@link checkSection}: TILookup, the live data providers, the
   * query stores); the rest of the file loads, as in MSTICPy, whose data providers never read TIProviders.
   */
  unreadSections?: readonly { setting: string; reason: string }[];
}

/** The user's own config, where MSTICPy looks after the working folder: `~/.msticpy/msticpyconfig.yaml`. */
function homeConfigPath(): string {
  return path.join(os.homedir(), ".msticpy", "msticpyconfig.yaml");
}

/**
 * The config path in effect: option, $MSTICPYCONFIG, ./msticpyconfig.yaml, ~/.msticpy/msticpyconfig.yaml
 * (MSTICPy's order, pkg_config `_get_custom_config`), else the bundled one.
 */
export function resolveConfigPath(given?: string): string {
  // `~/…` as a shell would expand it (no shell did: a notebook's configPath, a quoted MSTICPYCONFIG="~/…"), so that
  // it is not looked for in a folder named `~` of the working folder; `~name/…` as in a path setting.
  const explicit = given ? expandHome(given) : given;
  const fromEnv = process.env.MSTICPYCONFIG ? expandHome(process.env.MSTICPYCONFIG) : undefined;
  const candidates = [explicit, fromEnv, path.resolve("msticpyconfig.yaml"), homeConfigPath(), path.join(PACKAGE_ROOT, "msticpyconfig.yaml")];
  if (explicit) {
    if (!fs.existsSync(explicit)) throw new ConfigError(msg.fileMissing(path.resolve(explicit)));
    return explicit;
  }
  if (fromEnv && !fs.existsSync(fromEnv)) throw new ConfigError(msg.envPathMissing(path.resolve(fromEnv)));
  const found = candidates.find((c): c is string => !!c && fs.existsSync(c));
  if (!found) throw new ConfigError(msg.notFound(candidates.filter((c): c is string => !!c)));
  return found;
}

interface ResolvedArgs {
  args: Record<string, string | number | boolean | null>;
  secretArgs: string[];
  missing: MissingVariable[];
  /** The texts of secret-named Args of a shape huntlab does not read (`AuthKey: [thekey]`): secrets all the same. */
  unreadSecrets: string[];
}

function resolveArgs(
  file: string,
  where: string,
  args: Record<string, unknown> | null | undefined,
  missingEnvironment: "error" | "skip",
): ResolvedArgs {
  const out: Record<string, string | number | boolean | null> = {};
  const secretArgs = new Set<string>();
  const missing: MissingVariable[] = [];
  const unreadSecrets: string[] = [];
  for (const [key, written] of Object.entries(args ?? {})) {
    if (isSecretArgName(key)) secretArgs.add(key);
    const setting = SettingValue.safeParse(written);
    if (!setting.success) {
      // MSTICPy's own test configs write `{ KeyVaultURI: … }`: like an unset variable, it stops this provider only.
      // MSTICPy's docs write `AuthKey: [PLACEHOLDER]`: filled in, a list (or, from `{…}`, a mapping) holding the key.
      const reason = unreadableSettingReason(key, written, isSecretArgName(key));
      if (missingEnvironment === "error") throw new ConfigError(msg.invalidSetting(file, `${where}.Args.${key}`, reason));
      secretArgs.add(key);
      if (isSecretArgName(key)) secretTexts(written, unreadSecrets, 0);
      missing.push({ arg: key, variable: "", reason });
      continue;
    }
    const value = setting.data;
    if (value !== null && typeof value === "object") {
      if ("EnvironmentVar" in value) {
        secretArgs.add(key);
        const envValue = process.env[value.EnvironmentVar];
        if (envValue === undefined) {
          if (missingEnvironment === "error") {
            throw new ConfigError(msg.envVarUnset(file, where, key, value.EnvironmentVar));
          }
          missing.push({ arg: key, variable: value.EnvironmentVar, reason: envVarUnsetReason(value.EnvironmentVar) });
          continue;
        }
        out[key] = envValue;
      } else {
        secretArgs.add(key);
        if (missingEnvironment === "error") throw new ConfigError(msg.keyVaultUnsupported(file, where, key));
        missing.push({ arg: key, variable: "", reason: KEYVAULT_REASON });
      }
    } else if (typeof value === "string" && variableText(value) !== undefined) {
      // `AuthKey: $VT_KEY` (or %VT_KEY%) while VT_KEY is set: that variable was meant, and the text "$VT_KEY" was
      // sent as the key (MSTICPy sends it too). Only a variable that is set: `password: $ecret` stays a password.
      const variable = variableText(value) as string;
      const reason = variableTextReason(key, variable);
      if (missingEnvironment === "error") throw new ConfigError(msg.invalidSetting(file, `${where}.Args.${key}`, reason));
      missing.push({ arg: key, variable, reason });
    } else if (typeof value === "string" && isSecretArgName(key) && isPlaceholder(value)) {
      // `AuthKey: "[PLACEHOLDER]"` (MSTICPy's docs), `<your key>`, `VT-API-Key` (a notebook template): a key not filled in,
      // which was sent to the service as the key. Like an unset variable: this provider is not loaded.
      if (missingEnvironment === "error") throw new ConfigError(msg.invalidSetting(file, `${where}.Args.${key}`, placeholderReason(key)));
      missing.push({ arg: key, variable: "", reason: placeholderReason(key) });
    } else {
      out[key] = value;
    }
  }
  return { args: out, secretArgs: [...secretArgs], missing, unreadSecrets };
}

/**
 * A secret written as a template's placeholder: words in brackets (`[PLACEHOLDER]`, `<your key>`, `{API_KEY}`), or bare
 * words naming what goes there (`PLACEHOLDER`, `your-api-key`, `OTX-API-Key`, `YOUR_KEY_HERE`). Letters, spaces, `-` and
 * `_` only: a real key has digits (and keys are not English words).
 */
function isPlaceholder(value: string): boolean {
  const text = value.trim();
  if (text.length > 64) return false;
  if (/^(?:\[[A-Za-z _-]+\]|<[A-Za-z _-]+>|\{[A-Za-z _-]+\})$/.test(text)) return true;
  return /^[A-Za-z _-]+$/.test(text) && /^(?:placeholder|your\b.*|.*\bhere|.*[ _-]?api[ _-]?(?:key|id)|x{3,})$/i.test(text.replace(/_/g, " "));
}

/** The whole of a value written as an environment variable (`$NAME`, `${NAME}`, `%NAME%`) that is set: its name. */
function variableText(value: string): string | undefined {
  const m = /^\s*(?:\$([A-Za-z_][A-Za-z0-9_]*)|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|%([A-Za-z_][A-Za-z0-9_]*)%)\s*$/.exec(value);
  const name = m ? (m[1] ?? m[2] ?? m[3]) : undefined;
  return name !== undefined && process.env[name] !== undefined ? name : undefined;
}

/** `~/x` → home folder; relative → from the config file's folder. */
function resolvePath(file: string, value: string): string {
  return path.resolve(path.dirname(path.resolve(file)), expandHome(value));
}

/**
 * A provider entry, validated. A setting that does not read (`Primary: maybe`, `TimeoutSeconds: soon`) throws
 * (`missingEnvironment: "error"`), or is left out and listed, so that it stops its own provider only ("skip":
 * TILookup, and the live data providers, which do not read TIProviders at all).
 */
function readProvider(file: string, where: string, entry: unknown, missingEnvironment: "error" | "skip", quoted: ReadonlySet<string>): { settings: z.infer<typeof ProviderSchema>; problems: MissingVariable[] } {
  const problems: MissingVariable[] = [];
  if (entry !== null && entry !== undefined && (typeof entry !== "object" || Array.isArray(entry))) {
    // `Foo: 3`: no setting of it reads; said so (zod's "expected object, received number" named no shape to write).
    const reason = entryShapeReason(where.slice(where.lastIndexOf(".") + 1), entry);
    if (missingEnvironment === "error") throw new ConfigError(msg.invalidSetting(file, where, reason));
    return { settings: {}, problems: [{ arg: where, variable: "", reason }] };
  }
  let value: unknown = entry ?? {};
  // Each round drops the setting at fault (or the whole entry, when it is no mapping): it ends.
  for (;;) {
    const parsed = ProviderSchema.safeParse(value);
    if (parsed.success) return { settings: parsed.data, problems };
    const issue = parsed.error.issues[0];
    const setting = issue.path.map(String).join(".");
    const reason = settingReason(issue, value, [where, setting].filter(Boolean).join("."), quoted);
    if (missingEnvironment === "error") throw new ConfigError(msg.invalidSetting(file, [where, setting].filter(Boolean).join("."), reason));
    problems.push({ arg: setting || where, variable: "", reason });
    const top = issue.path[0];
    value = value !== null && typeof value === "object" && !Array.isArray(value) && top !== undefined ? Object.fromEntries(Object.entries(value).filter(([k]) => k !== top)) : {};
  }
}

function providers(
  file: string,
  section: string,
  map: Record<string, unknown> | null | undefined,
  missingEnvironment: "error" | "skip",
  quoted: ReadonlySet<string> = new Set(),
): ProviderSettings[] {
  return Object.entries(map ?? {}).map(([name, entry]) => {
    const { settings: p, problems } = readProvider(file, `${section}.${name}`, entry, missingEnvironment, quoted);
    const { Args, Primary, Provider, BaseUrl, Enabled, TimeoutSeconds, Concurrency, Retries, RetryBackoffSeconds, MaxRetryAfterSeconds, Cache, ...extra } = p;
    const resolved = resolveArgs(file, `${section}.${name}`, Args, missingEnvironment);
    const ms = (seconds: number | undefined) => (seconds === undefined ? undefined : Math.round(seconds * 1000));
    const http: HttpSettings = dropUndefined({
      timeoutMs: ms(TimeoutSeconds),
      concurrency: Concurrency,
      retries: Retries,
      retryBackoffMs: ms(RetryBackoffSeconds),
      maxRetryAfterMs: ms(MaxRetryAfterSeconds),
    });
    const cache: CacheSettings = dropUndefined({
      enabled: Cache?.Enabled,
      ttlMs: ms(Cache?.TtlSeconds),
      maxEntries: Cache?.MaxEntries,
      path: Cache?.Path ? resolvePath(file, Cache.Path) : undefined,
    });
    const settings = withMaskedInspect({
      name,
      provider: Provider ?? name,
      primary: Primary ?? false,
      args: resolved.args,
      ...(BaseUrl ? { baseUrl: BaseUrl } : {}),
      enabled: Enabled ?? true,
      http,
      cache,
      secretArgs: resolved.secretArgs,
      missing: [...problems, ...resolved.missing],
      extra,
    });
    UNREAD_SECRETS.set(settings, resolved.unreadSecrets);
    if (Primary === false) MARKED_SECONDARY.add(settings);
    return settings;
  });
}

/** Providers written `Primary: false` (not those that leave it out): kept for lookups that name them. */
const MARKED_SECONDARY = new WeakSet<ProviderSettings>();

/** Whether the config writes this provider `Primary: false` (leaving `Primary` out is not). */
export function markedSecondary(settings: ProviderSettings): boolean {
  return MARKED_SECONDARY.has(settings);
}

/** The texts of each provider's secret-named Args that huntlab could not read (see {@link ResolvedArgs}). */
const UNREAD_SECRETS = new WeakMap<ProviderSettings, string[]>();

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/**
 * The secret strings of some providers: what a {@link SecretMasker} must hide.
 * Their secret Args, and the password of any Arg that is a URL with one
 * (`Url: https://elastic:pass@host:9200`), whatever the key's name.
 */
export function providerSecrets(settings: readonly (Pick<ProviderSettings, "args" | "secretArgs"> & Partial<Pick<ProviderSettings, "baseUrl" | "extra">>)[]): string[] {
  const out: string[] = [];
  for (const s of settings) {
    const args = new Map(settingEntries(s.args));
    for (const key of s.secretArgs) {
      const value = args.get(key);
      // A number too (a key written as digits with a `!!int` tag): it is printed as its digits.
      if ((typeof value === "string" && value !== "") || typeof value === "number") out.push(String(value));
    }
    for (const value of args.values()) out.push(...urlPasswords(value), ...connectionStringSecrets(value));
    // The provider's BaseUrl (beside Args, where it is read), and a key written beside Args by mistake (`AuthKey:` one level up).
    out.push(...urlPasswords(s.baseUrl));
    if (s.extra) extraSecrets(s.extra, out, 0);
    out.push(...(UNREAD_SECRETS.get(s as ProviderSettings) ?? []));
  }
  return out;
}

/**
 * Secrets anywhere in the keys huntlab does not read (or the whole document): a secret-named setting's
 * value (text or a number; every text of a list; the keys of a `{thekey}` mapping, whose values are all
 * empty; anything inside an `Args` entry, whatever its shape), URL passwords and connection-string secrets.
 * A secret-named mapping of other settings is a section (MSTICPy's `KeyVault:`), read key by key.
 */
function extraSecrets(value: unknown, out: string[], depth: number, inArgs = false): void {
  if (value === null || typeof value !== "object" || depth > CONFIG_FILE_LIMITS.maxDepth) return;
  const entries = Array.isArray(value) ? value.map((v): [string, unknown] => ["", v]) : settingEntries(value);
  for (const [key, v] of entries) {
    if (typeof v === "string") out.push(...urlPasswords(v), ...connectionStringSecrets(v));
    if (key !== "" && isSecretArgName(key) && (inArgs || isSettingValue(v))) secretTexts(v, out, depth + 1);
    else extraSecrets(v, out, depth + 1, key === "Args");
  }
}

/** Whether a secret-named value is one setting (text, a number, a list, a `{thekey}` mapping), not a section of them. */
function isSettingValue(value: unknown): boolean {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return true;
  const entries = settingEntries(value);
  return entries.length > 0 && entries.every(([, v]) => v === null || v === undefined);
}

/**
 * Every text of a secret-named setting's value, whatever its shape: itself, a list's items, a mapping's keys
 * and values, at any depth (`AuthKey: [thekey]`, `AuthKey: {thekey}`); numbers as their digits. A reference's
 * own words are no secret: `EnvironmentVar` and the variable's name, `KeyVault` and its settings.
 */
function secretTexts(value: unknown, out: string[], depth: number): void {
  if (typeof value === "string") {
    // A template's placeholder hides nothing, and masking "PLACEHOLDER" masked the reason that names it.
    if (value !== "" && !isPlaceholder(value)) out.push(value);
  } else if (typeof value === "number" || typeof value === "bigint") {
    out.push(String(value));
  } else if (value !== null && typeof value === "object" && depth <= CONFIG_FILE_LIMITS.maxDepth) {
    if (Array.isArray(value)) for (const item of value) secretTexts(item, out, depth + 1);
    else {
      for (const [key, v] of settingEntries(value)) {
        if (key === "EnvironmentVar" || key === "KeyVault") continue;
        out.push(key);
        secretTexts(v, out, depth + 1);
      }
    }
  }
}

/** A `Name=value` part of a `;`-separated connection string (Kusto, Log Analytics, ADO.NET); a value may be quoted, `;` and all. */
// The name's words are separated by single runs of spaces (`Application Key`): a name class holding the space
// overlapped `\s*` and backtracked quadratically on a long run of spaces.
const CONNECTION_STRING_PART = /(?:^|;)\s*([A-Za-z][A-Za-z0-9_.-]*(?: +[A-Za-z0-9_.-]+)*)\s*=\s*("[^"]*"|'[^']*'|[^;]*)/g;

/** The values of the secret-named parts of a connection string (`Application Key=…`, `AppKey=…`, `Password=…`), as written and unquoted. */
export function connectionStringSecrets(value: unknown): string[] {
  if (typeof value !== "string" || !value.includes("=")) return [];
  const out: string[] = [];
  for (const [, name, written] of value.matchAll(CONNECTION_STRING_PART)) {
    const text = written.trim();
    if (!isSecretArgName(name) || text === "") continue;
    out.push(text);
    if (/^(["']).*\1$/s.test(text) && text.length > 2) out.push(text.slice(1, -1));
  }
  return out;
}

/**
 * A URL's scheme and user info, read by its text (for a URL that does not
 * parse): up to the last `@`, since a password may hold `/`, `?` or `#`
 * unencoded. Cutting it out shows such a URL shorter, never with the password.
 */
const URL_USER_INFO = /^(\s*[A-Za-z][A-Za-z0-9+.-]*:\/\/)(.*)@/s;

/** `url` with the user info of its authority (`user:password@`) cut out, by its text (see {@link URL_USER_INFO}). */
export function withoutUserInfo(url: string): string {
  return url.replace(URL_USER_INFO, "$1");
}

/**
 * The password in a URL's userinfo, as written and percent-decoded; none when
 * `value` is no URL with one. A URL that does not parse (a space in the host,
 * a port over 65535) is read by its text: it is still printed in errors.
 */
export function urlPasswords(value: unknown): string[] {
  if (typeof value !== "string" || !value.includes("@")) return [];
  let password: string;
  try {
    password = new URL(value.trim()).password;
  } catch {
    const userInfo = URL_USER_INFO.exec(value)?.[2] ?? "";
    password = userInfo.includes(":") ? userInfo.slice(userInfo.indexOf(":") + 1) : "";
  }
  if (!password) return [];
  let decoded = password;
  try {
    decoded = decodeURIComponent(password);
  } catch {
    // A malformed escape: the text as written is what shows.
  }
  return [...new Set([password, decoded])];
}

/**
 * Each config's secrets and their masker: those read when it was loaded (or first masked, for a config made
 * by hand), and those {@link dataProviderSettings} read from it since. Kept, not read again: every print
 * re-read the environment, so a variable set or changed after loading masked other text than was loaded
 * (a value loaded and then changed in the environment was no longer masked), and each print paid for it.
 */
const CONFIG_SECRETS = new WeakMap<HuntlabConfig, { secrets: Set<string>; masker: SecretMasker }>();

/**
 * A masker for every secret of a loaded configuration: TI, other and data providers' (as loaded), secret-named
 * literals and connection-string secrets anywhere in the file, and the secrets {@link dataProviderSettings}
 * has read from it since (a KustoClusters entry's, a variable set after loading). The same for every call
 * until such a secret is added.
 */
export function configMasker(config: HuntlabConfig): SecretMasker {
  const known = CONFIG_SECRETS.get(config);
  if (known) return known.masker;
  const secrets = providerSecrets([...config.tiProviders, ...config.otherProviders, ...dataProviders(config)]);
  // Secret-named literals in the sections huntlab does not read (MSTICPy's KustoClusters, AzureCLI…) are in `raw`.
  extraSecrets(config.raw, secrets, 0);
  const set = new Set(secrets);
  const entry = { secrets: set, masker: new SecretMasker(set) };
  CONFIG_SECRETS.set(config, entry);
  return entry.masker;
}

/** Adds secrets read from `config` after loading to its masker (none before its masker is first made: that reads them). */
function addConfigSecrets(config: HuntlabConfig, secrets: readonly string[]): void {
  const entry = CONFIG_SECRETS.get(config);
  if (!entry) return;
  const before = entry.secrets.size;
  for (const s of secrets) entry.secrets.add(s);
  if (entry.secrets.size !== before) entry.masker = new SecretMasker(entry.secrets);
}

/**
 * Every `DataProviders` entry's settings, secrets resolved, for masking
 * (`raw`, which printing shows, holds them as written). An entry that does
 * not validate is masked by its Args' secret-looking names instead.
 */
function dataProviders(config: HuntlabConfig): Pick<ProviderSettings, "args" | "secretArgs">[] {
  const section = config.raw.DataProviders;
  if (!section || typeof section !== "object" || Array.isArray(section)) return [];
  return settingEntries(section).flatMap(([name, entry]): Pick<ProviderSettings, "args" | "secretArgs">[] => {
    try {
      return [dataProviderSettings(config, name)].filter((s): s is ProviderSettings => s !== undefined);
    } catch {
      const args = (entry as { Args?: unknown } | null)?.Args;
      if (!args || typeof args !== "object") return [];
      // Every text Arg (a URL's password is a secret whatever its key), the secret-looking names as secrets.
      const strings = settingEntries(args).filter(([, v]) => typeof v === "string") as [string, string][];
      return [{ args: Object.fromEntries(strings), secretArgs: strings.filter(([k]) => isSecretArgName(k)).map(([k]) => k) }];
    }
  });
}

/** `settings` with its secret Args replaced by a mask (and masked wherever else they appear, e.g. a BaseUrl), for printing. */
function maskedSettings(settings: ProviderSettings): Record<string, unknown> {
  const args = Object.fromEntries(settingEntries(settings.args).map(([k, v]) => [k, settings.secretArgs.includes(k) && v !== "" ? MASK : v]));
  return new SecretMasker(providerSecrets([settings])).maskValue({ ...(plainSettings(settings) as Record<string, unknown>), args });
}

/** Printing (util.inspect, console.log, tslab/Deno echo) and JSON show masked secrets. */
function withMaskedInspect(settings: ProviderSettings): ProviderSettings {
  Object.defineProperty(settings, inspect.custom, {
    value: (depth: number, options: object) => inspect(maskedSettings(settings), { ...options, depth }),
    enumerable: false,
  });
  Object.defineProperty(settings, "toJSON", { value: () => maskedSettings(settings), enumerable: false });
  return settings;
}

/** Loads and validates msticpyconfig.yaml. */
export function loadConfig(configPath?: string, options: LoadConfigOptions = {}): HuntlabConfig {
  const missingEnvironment = options.missingEnvironment ?? "error";
  const file = resolveConfigPath(configPath);
  const fail = (problem: YamlProblem) => new ConfigError(msg.yaml(problem));
  // A secret written as digits stays text, as written: a number lost digits and was never masked.
  // `Primary: yes`, `Enabled: off` are booleans, as PyYAML (MSTICPy's reader) reads them.
  const text = readYamlText(file, CONFIG_FILE_LIMITS, fail);
  // Quoted values that read as numbers unquoted, by setting path: a number setting so written is said to be quoted text.
  const quotedNumbers = new Set<string>();
  const raw = (parseYamlText(file, text, CONFIG_FILE_LIMITS, fail, { keepNumberText: isSecretArgName, pyyamlScalars: true, quotedNumbers }) ?? {}) as unknown;
  // The document is a mapping of sections; each is read by `section` below (and its provider entries by
  // readProvider): a section of another shape stops its own readers only, an entry with a bad setting that
  // provider only (lenient loading). MSTICPy reads each section when it is used.
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw new ConfigError(msg.invalidSetting(file, "", documentShapeReason(raw)));
  const data = raw as Record<string, unknown>;
  const unreadSections: { setting: string; reason: string }[] = [];
  /** A setting that does not read for its shape throws, or (lenient) is listed, and read as absent. */
  const unread = (setting: string, reason: string): undefined => {
    if (missingEnvironment === "error") throw new ConfigError(msg.invalidSetting(file, setting, reason));
    unreadSections.push({ setting, reason });
    return undefined;
  };
  const isMapping = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === "object" && !Array.isArray(value);
  /** A section of entries: a mapping, or nothing. */
  const section = (name: "TIProviders" | "OtherProviders" | "DataProviders" | "QueryDefinitions"): Record<string, unknown> | undefined => {
    const value = data[name];
    if (value === undefined || value === null || isMapping(value)) return value ?? undefined;
    return unread(name, sectionShapeReason(name, value));
  };
  section("DataProviders");
  /** `QueryDefinitions.Custom`: a list of folders; one folder as text is read as a list of it (MSTICPy read each of its letters as a folder). */
  const customPaths = (): string[] => {
    const custom = section("QueryDefinitions")?.Custom;
    if (custom === undefined || custom === null) return [];
    if (typeof custom === "string") return [custom];
    if (Array.isArray(custom) && custom.every((p) => typeof p === "string")) return custom as string[];
    return unread("QueryDefinitions.Custom", customPathsShapeReason(custom)) ?? [];
  };
  const config: HuntlabConfig = {
    path: file,
    tiProviders: providers(file, "TIProviders", section("TIProviders"), missingEnvironment, quotedNumbers),
    otherProviders: providers(file, "OtherProviders", section("OtherProviders"), missingEnvironment, quotedNumbers),
    customQueryPaths: customPaths(),
    raw: raw as Record<string, unknown>,
    ...(unreadSections.length ? { unreadSections } : {}),
  };
  // `raw` holds literal keys as written: print it masked too, with the secrets as loaded (and added since).
  const masker = configMasker(config);
  const masked = () =>
    configMasker(config).maskValue({
      ...(plainSettings(config) as Record<string, unknown>),
      tiProviders: config.tiProviders.map(maskedSettings),
      otherProviders: config.otherProviders.map(maskedSettings),
    });
  Object.defineProperty(config, inspect.custom, {
    value: (depth: number, opts: object) => inspect(masked(), { ...opts, depth }),
    enumerable: false,
  });
  Object.defineProperty(config, "toJSON", { value: masked, enumerable: false });
  // `raw` and each provider's `args` hold the secrets too (as written, and resolved): every object in them prints
  // and serialises masked as well — `display(config.raw.TIProviders)`, `console.log(provider.args)`.
  const current = () => configMasker(config);
  printsMasked(config.raw, current);
  for (const settings of [...config.tiProviders, ...config.otherProviders]) {
    printsMasked(settings.args, current);
    printsMasked(settings.extra, current);
  }
  // Printing that skips those (`console.dir(config, { customInspect: false })`, `console.table`) and copying
  // (`{ ...args }`, `structuredClone`, `Object.entries`) see no secret either: they are not enumerable.
  hideSecrets(config, masker);
  QUOTED_NUMBERS.set(config, quotedNumbers);
  return config;
}

/**
 * Gives every object and array in `value` (itself included) a masked print and
 * JSON form (non-enumerable `inspect.custom` and `toJSON`); their values stay
 * as they are for the code that reads them.
 */
function printsMasked(value: unknown, masker: () => SecretMasker, depth = 0): void {
  if (value === null || typeof value !== "object" || depth > 64 || Object.hasOwn(value, inspect.custom)) return;
  const masked = () => masker().maskValue(plainSettings(value));
  Object.defineProperty(value, inspect.custom, { value: (d: number, options: object) => inspect(masked(), { ...options, depth: d }), enumerable: false });
  Object.defineProperty(value, "toJSON", { value: masked, enumerable: false });
  for (const v of Object.values(value)) printsMasked(v, masker, depth + 1);
}

/**
 * Throws the config error of `section` (or of a setting in it, `QueryDefinitions.Custom`) when it was not read for
 * its shape (see {@link HuntlabConfig.unreadSections}).
 */
export function checkSection(config: HuntlabConfig, section: string): void {
  const unread = config.unreadSections?.find((s) => s.setting === section || s.setting.startsWith(`${section}.`));
  if (unread) throw new ConfigError(msg.invalidSetting(config.path, unread.setting, unread.reason));
}

/**
 * The settings of one `DataProviders.<name>` entry (MSSentinel, Kusto, Splunk,
 * Elasticsearch…), validated like a TI provider's, secrets resolved; an unset
 * `EnvironmentVar` is left out and listed in `missing` (connect() options may
 * supply it). Undefined when the section is absent. `sectionName`: another
 * section of such entries (MSTICPy's `KustoClusters`).
 */
export function dataProviderSettings(config: HuntlabConfig, name: string, sectionName = "DataProviders"): ProviderSettings | undefined {
  // `DataProviders: [Splunk]`: said, naming the section, to the data provider that reads it (not "no host set").
  checkSection(config, sectionName);
  const section = config.raw[sectionName] as Record<string, unknown> | null | undefined;
  if (!section || typeof section !== "object" || !settingEntries(section).some(([key]) => key === name)) return undefined;
  // Its secrets are read too (not enumerable in a loaded config's `raw`).
  const entry = plainSettings(section[name]) ?? {};
  const parsed = ProviderSchema.safeParse(entry);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const setting = [sectionName, name, ...issue.path.map(String)].join(".");
    throw new ConfigError(msg.invalidSetting(config.path, setting, settingReason(issue, entry, setting, QUOTED_NUMBERS.get(config) ?? new Set())));
  }
  const settings = providers(config.path, sectionName, { [name]: parsed.data }, "skip")[0];
  const secrets = providerSecrets([settings]);
  // A secret read now (an entry masking has not read, a variable set after loading) is masked with the config's.
  addConfigSecrets(config, secrets);
  // As a loaded config's TI providers: `args` and `extra` print masked, and their secrets are not enumerable
  // (JSON.stringify(s.args), console.table, `{ ...s.args }`, structuredClone showed the ClientSecret).
  const masker = new SecretMasker(secrets);
  printsMasked(settings.args, () => masker);
  printsMasked(settings.extra, () => masker);
  hideSecrets(settings, masker);
  return settings;
}

/**
 * The properties of the objects {@link loadConfig} returns whose key or value holds a secret: not enumerable
 * (accessors on the object's own prototype, see {@link hideSecrets}), so this keeps their names in the order
 * written, for the code that reads every setting.
 */
const HIDDEN_KEYS = new WeakMap<object, readonly string[]>();

/**
 * Every setting of an object of a loaded config (`config.raw` or an object in it, a provider's `args` or
 * `extra`), as written: its own enumerable properties and the secret ones that are not enumerable, in the
 * file's order. Any other object: its own entries.
 */
export function settingEntries(value: object): [string, unknown][] {
  const record = value as Record<string, unknown>;
  const order = HIDDEN_KEYS.get(value);
  if (!order) return Object.entries(record);
  const written = new Set(order);
  const keys = [...order.filter((k) => k in record), ...Object.keys(record).filter((k) => !written.has(k))];
  return keys.map((k) => [k, record[k]]);
}

/** A plain copy of a value of a loaded config, its secret settings (see {@link settingEntries}) included, at any depth. */
export function plainSettings(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== "object" || depth > 64) return value;
  if (Array.isArray(value)) return value.map((v) => plainSettings(v, depth + 1));
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null && !HIDDEN_KEYS.has(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of settingEntries(value)) Object.defineProperty(out, key, { value: plainSettings(v, depth + 1), enumerable: true, writable: true, configurable: true });
  return out;
}

/** Whether a value shows a secret when printed: text (or a number's digits) that masks, or a list holding such. */
function showsSecret(value: unknown, masker: SecretMasker, depth = 0): boolean {
  if (typeof value === "string") return masker.mask(value) !== value;
  if (typeof value === "number" || typeof value === "bigint") return masker.mask(String(value)) !== String(value);
  return Array.isArray(value) && depth <= 64 && value.some((v) => showsSecret(v, masker, depth + 1));
}

/**
 * Makes every property of `value` (and of the objects in it, at any depth) whose key or value holds a secret
 * not enumerable, its value still read as written: `args.AuthKey` is the key, while `Object.keys`,
 * `Object.entries`, `{ ...args }`, `JSON.stringify`, `structuredClone`, `console.table` and
 * `console.dir(args, { customInspect: false, showHidden: true })` do not see it. It becomes an accessor on a
 * prototype of the object's own (with `constructor: Object`, which makes util.inspect show no prototype
 * properties, even with `showHidden` and `getters`); assigning it keeps the new value there. A list is
 * hidden whole when an item holds a secret; objects are walked.
 */
function hideSecrets(value: unknown, masker: SecretMasker, depth = 0, seen = new WeakSet<object>()): void {
  if (value === null || typeof value !== "object" || depth > 64 || seen.has(value)) return;
  seen.add(value);
  if (Array.isArray(value)) {
    for (const item of value) hideSecrets(item, masker, depth + 1, seen);
    return;
  }
  const record = value as Record<string, unknown>;
  const order = Object.keys(record);
  const hidden = new Set(order.filter((key) => masker.mask(key) !== key || showsSecret(record[key], masker)));
  for (const key of order) if (!hidden.has(key)) hideSecrets(record[key], masker, depth + 1, seen);
  if (!hidden.size) return;
  const proto = Object.create(Object.getPrototypeOf(record) as object | null) as object;
  Object.defineProperty(proto, "constructor", { value: Object, writable: true, configurable: true, enumerable: false });
  for (const key of hidden) {
    let current = record[key];
    delete record[key];
    Object.defineProperty(proto, key, {
      get: () => current,
      set: (next: unknown) => {
        current = next;
      },
      enumerable: false,
      configurable: true,
    });
  }
  Object.setPrototypeOf(record, proto);
  HIDDEN_KEYS.set(record, order);
}
