/**
 * Builds the {@link LiveSettings} a driver gets: its `DataProviders.<env>.Args`
 * from msticpyconfig.yaml (secrets resolved), a secret masker that grows with
 * the tokens learnt at connect time, and the shared HTTP client.
 */
import { printWarning } from "../../common/messages";
import { dataProviderSettings, loadConfig, providerSecrets, settingEntries, urlPasswords, type HuntlabConfig, type HttpSettings } from "../../config/config";
import { isSecretArgName, SecretMasker } from "../../config/secrets";
import { createLiveHttp } from "./http";
import { checkLiveUrl } from "./urls";
import type { LiveEnvironment, LiveSettings } from "./types";

/** What {@link createLiveSettings} needs besides the config. */
export interface LiveSettingsOptions {
  environment: LiveEnvironment;
  /** The loaded config (default: `loadConfig(configPath)`, unset secrets skipped). */
  config?: HuntlabConfig;
  configPath?: string;
  /** connect() options: `verify`, secrets given inline (masked like config ones). */
  options?: Record<string, unknown>;
  /** Where warnings go. Default: console.log with a "Warning:" prefix (stdout, so notebooks do not flag it as a failure). */
  warn?: (message: string) => void;
  /** HTTP retry settings (default: the config entry's Retries/RetryBackoffSeconds/MaxRetryAfterSeconds). */
  http?: HttpSettings;
}

/** The key of `record` that `name` names: itself, else the first in any case. */
function keyOf(record: Readonly<Record<string, unknown>>, name: string): string | undefined {
  if (Object.hasOwn(record, name)) return name;
  const lower = name.toLowerCase();
  return Object.keys(record).find((k) => k.toLowerCase() === lower);
}

/** Case-insensitive own-key lookup. */
function lookup(record: Readonly<Record<string, unknown>>, name: string): unknown {
  const key = keyOf(record, name);
  return key === undefined ? undefined : record[key];
}

/** Settings read after the connect() options, and where they are written (`DataProviders.Kusto.Args`), for messages. */
export type ArgSource = readonly [args: Readonly<Record<string, unknown>>, where: string];

/** The first of `sources` that has `name` as text, a number or a boolean (case-insensitive key): its value and where it is. */
function argFound(name: string, options: Readonly<Record<string, unknown>>, sources: readonly ArgSource[]): { value: string | number | boolean; from: string } | undefined {
  for (const [record, where] of [[options, ""] as const, ...sources]) {
    const key = keyOf(record, name);
    const value = key === undefined ? undefined : record[key];
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return { value, from: where ? `${where}.${key}` : `connect({ ${key} })` };
  }
  return undefined;
}

/**
 * `settings` reading `sources` after the connect() options, the first that has a setting giving it, in place of
 * its own Args (a Kusto cluster's entry, then `ClusterDefaults`).
 */
export function withArgs<T extends LiveSettings>(settings: T, ...sources: ArgSource[]): T {
  const args = Object.freeze(Object.assign({}, ...sources.map(([a]) => a).reverse()) as LiveSettings["args"]);
  return {
    ...settings,
    args,
    arg: (name: string, opts: Record<string, unknown>) => argFound(name, opts, sources)?.value,
    argFrom: (name: string, opts: Record<string, unknown>) => argFound(name, opts, sources)?.from,
  };
}

function asBool(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  if (typeof value === "string") {
    if (/^(true|yes|1)$/i.test(value)) return true;
    if (/^(false|no|0)$/i.test(value)) return false;
  }
  return undefined;
}

/** The settings object of one live provider. */
export function createLiveSettings(input: LiveSettingsOptions): LiveSettings & { readonly timeoutMs?: number } {
  const config = input.config ?? loadConfig(input.configPath, { missingEnvironment: "skip" });
  const entry = dataProviderSettings(config, input.environment);
  // Every Arg, the secret ones too (not enumerable in the entry, so that no print or copy of it shows them).
  const args = Object.freeze(Object.fromEntries(entry ? settingEntries(entry.args) : []) as LiveSettings["args"]);
  const own: ArgSource[] = [[args, `DataProviders.${input.environment}.Args`]];
  const options = input.options ?? {};
  // The entry's secrets (its secret Args, URL passwords, and a secret-named Arg huntlab cannot read, `password: [pw]`).
  const secrets = new Set<string>(entry ? providerSecrets([entry]) : []);
  for (const [key, value] of Object.entries(options)) if (isSecretArgName(key) && typeof value === "string") secrets.add(value);
  // The password inside a URL option (`Url: https://elastic:…@host`), whatever its name.
  for (const value of Object.values(options)) for (const p of urlPasswords(value)) secrets.add(p);
  let masker = new SecretMasker(secrets);
  const mask = (text: string) => masker.mask(text);
  const warn = input.warn ?? printWarning;
  const verify = asBool(lookup(options, "verify")) ?? asBool(lookup(args, "verify")) ?? true;
  // A KeyVault secret or an unset EnvironmentVar is left out of the Args: say so, naming the setting (and the
  // variable), rather than sign in another way (Azure CLI, device code) or send no password without a word.
  // A connect() option of that name replaces it.
  const optionNames = new Set(Object.keys(options).map((k) => k.replace(/_/g, "").toLowerCase()));
  for (const m of entry?.missing ?? []) {
    if (!optionNames.has(m.arg.replace(/_/g, "").toLowerCase())) warn(`${input.environment}: DataProviders.${input.environment}.Args.${m.arg} is not used: ${m.reason}.`);
  }
  if (!verify) warn(`${input.environment}: TLS certificate verification is off (verify: false); anyone on the network path can read and change the traffic, including credentials.`);
  const http = { ...(entry?.http ?? {}), ...(input.http ?? {}) };
  const settings: LiveSettings & { timeoutMs?: number } = {
    environment: input.environment,
    args,
    arg: (name, opts) => argFound(name, opts, own)?.value,
    argFrom: (name, opts) => argFound(name, opts, own)?.from,
    rawConfig: config.raw,
    entryArgs(section, name) {
      const other = dataProviderSettings(config, name, section);
      if (!other) return undefined;
      settings.addSecrets(...providerSecrets([other]));
      for (const m of other.missing) settings.warn(`${input.environment}: ${section}.${name}.Args.${m.arg} is not used: ${m.reason}.`);
      return Object.freeze(Object.fromEntries(settingEntries(other.args)) as LiveSettings["args"]);
    },
    http: createLiveHttp({ ...http, verifyTls: verify, mask }),
    addSecrets(...more) {
      let changed = false;
      for (const s of more) if (typeof s === "string" && s.length && !secrets.has(s)) (secrets.add(s), (changed = true));
      if (changed) masker = new SecretMasker(secrets);
    },
    mask,
    warn: (m) => warn(mask(m)),
    verifyTls: verify,
    checkUrl: (url, what) => checkLiveUrl(url, what, mask),
  };
  if (http.timeoutMs !== undefined) settings.timeoutMs = http.timeoutMs;
  return settings;
}
