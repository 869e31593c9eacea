/**
 * msticpyconfig.yaml, in MSTICPy's format. Found at the given path, else
 * $MSTICPYCONFIG, else the working folder, else the package root. Validated;
 * errors name the file and the key path at fault. Secrets (`AuthKey`, `ApiID`…)
 * may be literals or `{ EnvironmentVar: NAME }`, resolved at load time.
 */
import fs from "node:fs";
import path from "node:path";
import YAML from "yaml";
import { z } from "zod";
import { HuntlabError } from "../common/errors";
import { PACKAGE_ROOT } from "../common/paths";

/** The configuration file is missing or invalid. */
export class ConfigError extends HuntlabError {
  override name = "ConfigError";
}

const SettingValue = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.null(),
  z.object({ EnvironmentVar: z.string().min(1) }).strict(),
  z.object({ KeyVault: z.unknown() }).strict(),
]);

const ProviderSchema = z
  .object({
    Args: z.record(z.string(), SettingValue).nullish(),
    Primary: z.boolean().optional(),
    Provider: z.string().optional(),
    BaseUrl: z.string().optional(),
  })
  .passthrough();

const ConfigSchema = z
  .object({
    QueryDefinitions: z.object({ Custom: z.array(z.string()).optional() }).passthrough().nullish(),
    TIProviders: z.record(z.string(), ProviderSchema).nullish(),
    OtherProviders: z.record(z.string(), ProviderSchema).nullish(),
    DataProviders: z.record(z.string(), z.unknown()).nullish(),
  })
  .passthrough();

/** A provider's settings with its secrets resolved. */
export interface ProviderSettings {
  name: string;
  provider: string;
  primary: boolean;
  /** Resolved values; secret values are plain strings here — never print them. */
  args: Record<string, string | number | boolean | null>;
  baseUrl?: string;
  /** Extra keys (timeouts, concurrency…) as written. */
  extra: Record<string, unknown>;
}

/** The parsed, validated configuration. */
export interface HuntlabConfig {
  /** The file it came from. */
  path: string;
  tiProviders: ProviderSettings[];
  otherProviders: ProviderSettings[];
  /** Extra query folders from QueryDefinitions.Custom. */
  customQueryPaths: string[];
  /** The whole document, as parsed. */
  raw: Record<string, unknown>;
}

/** The config path in effect: option, $MSTICPYCONFIG, ./msticpyconfig.yaml, or the bundled one. */
export function resolveConfigPath(explicit?: string): string {
  const candidates = [explicit, process.env.MSTICPYCONFIG, path.resolve("msticpyconfig.yaml"), path.join(PACKAGE_ROOT, "msticpyconfig.yaml")];
  if (explicit) {
    if (!fs.existsSync(explicit)) throw new ConfigError(`config file not found: ${path.resolve(explicit)}`);
    return explicit;
  }
  if (process.env.MSTICPYCONFIG && !fs.existsSync(process.env.MSTICPYCONFIG)) {
    throw new ConfigError(`MSTICPYCONFIG points to a missing file: ${path.resolve(process.env.MSTICPYCONFIG)}`);
  }
  const found = candidates.find((c): c is string => !!c && fs.existsSync(c));
  if (!found) throw new ConfigError(`no msticpyconfig.yaml found (tried: ${candidates.filter(Boolean).join(", ")})`);
  return found;
}

function resolveArgs(file: string, where: string, args: Record<string, z.infer<typeof SettingValue>> | null | undefined) {
  const out: Record<string, string | number | boolean | null> = {};
  for (const [key, value] of Object.entries(args ?? {})) {
    if (value !== null && typeof value === "object") {
      if ("EnvironmentVar" in value) {
        const envValue = process.env[value.EnvironmentVar];
        if (envValue === undefined) {
          throw new ConfigError(`${file}: ${where}.Args.${key}: environment variable ${value.EnvironmentVar} is not set`);
        }
        out[key] = envValue;
      } else {
        throw new ConfigError(`${file}: ${where}.Args.${key}: KeyVault secrets are not supported; use a literal or EnvironmentVar`);
      }
    } else {
      out[key] = value;
    }
  }
  return out;
}

function providers(file: string, section: string, map: Record<string, z.infer<typeof ProviderSchema>> | null | undefined): ProviderSettings[] {
  return Object.entries(map ?? {}).map(([name, p]) => {
    const { Args, Primary, Provider, BaseUrl, ...extra } = p;
    return {
      name,
      provider: Provider ?? name,
      primary: Primary ?? false,
      args: resolveArgs(file, `${section}.${name}`, Args),
      ...(BaseUrl ? { baseUrl: BaseUrl } : {}),
      extra,
    };
  });
}

/** Loads and validates msticpyconfig.yaml. */
export function loadConfig(configPath?: string): HuntlabConfig {
  const file = resolveConfigPath(configPath);
  const text = fs.readFileSync(file, "utf8");
  const doc = YAML.parseDocument(text, { prettyErrors: true });
  if (doc.errors.length) {
    const err = doc.errors[0];
    const pos = err.linePos?.[0];
    throw new ConfigError(`${file}${pos ? `:${pos.line}:${pos.col}` : ""}: YAML syntax error: ${err.message.split("\n")[0]}`);
  }
  const raw = (doc.toJS() ?? {}) as unknown;
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`${file}: ${issue.path.join(".") || "(top level)"}: ${issue.message}`);
  }
  const data = parsed.data;
  return {
    path: file,
    tiProviders: providers(file, "TIProviders", data.TIProviders),
    otherProviders: providers(file, "OtherProviders", data.OtherProviders),
    customQueryPaths: data.QueryDefinitions?.Custom ?? [],
    raw: raw as Record<string, unknown>,
  };
}
