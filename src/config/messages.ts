/** The error class, codes and message builders of src/config (msticpyconfig.yaml, and YAML reading for every package). */
import { errorMessage, HuntlabError, type ErrorCatalog, type ErrorMessage } from "../common/errors";
import { fileProblemText } from "../common/messages";

/** Every code of src/config, with what docs/errors.md says of it. */
export const CONFIG_ERRORS = {
  "config/file-missing": { class: "ConfigError", when: "the config path passed in does not exist", names: "the path" },
  "config/env-path-missing": { class: "ConfigError", when: "$MSTICPYCONFIG names a file that does not exist", names: "the path" },
  "config/not-found": { class: "ConfigError", when: "no msticpyconfig.yaml is found anywhere", names: "every place tried" },
  "config/env-var-unset": { class: "ConfigError", when: "a setting reads an EnvironmentVar that is not set", names: "the file, the setting, the variable" },
  "config/keyvault-unsupported": { class: "ConfigError", when: "a setting is a KeyVault secret", names: "the file, the setting" },
  "config/invalid-setting": { class: "ConfigError", when: "a setting has the wrong type or shape", names: "the file, the setting's path" },
  "config/yaml-syntax": { class: "ConfigError", when: "msticpyconfig.yaml is not valid YAML (or repeats a key)", names: "the file, line and column" },
  "config/yaml-encoding": { class: "ConfigError", when: "msticpyconfig.yaml is not UTF-8 (a Latin-1/ANSI file), UTF-32, UTF-16 without a byte-order mark, or holds a NUL byte; UTF-16 with a byte-order mark is read", names: "the file, line and column" },
  "config/yaml-limit": { class: "ConfigError", when: "msticpyconfig.yaml is over a size, key-count or nesting limit, or cannot be read (a folder, FIFO, socket or device, refused before opening; no permission; an alias bomb)", names: "the file, the limit" },
} as const satisfies ErrorCatalog<"config">;

/** A code of src/config. */
export type ConfigErrorCode = keyof typeof CONFIG_ERRORS;

/** The configuration file is missing or invalid. */
export class ConfigError extends HuntlabError<ConfigErrorCode> {
  override name = "ConfigError";
}

/** What kind of problem a YAML file has; the reader's caller turns it into its own code (`config/yaml-syntax`, `data/query-yaml-limit`). */
export type YamlProblemCode = "yaml-syntax" | "yaml-limit" | "yaml-encoding";

/** A problem of a YAML file, before the caller gives it a package's code. */
export interface YamlProblem extends ErrorMessage<YamlProblemCode> {
  /**
   * A key repeated in one map: the text is YAML PyYAML (MSTICPy) reads, the last value winning, so a caller may
   * refuse the one file and go on (a provider's other query files) rather than stop.
   */
  readonly duplicateKey?: true;
}

/** `bytes` as a short size: `4 MiB`, `512 KiB`, `100 bytes`. */
function sizeText(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes.toLocaleString("en-US")} bytes`;
}

/** Message builders of the YAML reader (src/config/yamlFile.ts); `what` is "query files", "the config file"… */
export const yamlMessages = {
  tooLarge: (file: string, bytes: number, maxBytes: number, what: string): YamlProblem =>
    errorMessage("yaml-limit", `${file}: ${bytes.toLocaleString("en-US")} bytes is larger than the ${sizeText(maxBytes)} limit for ${what}`),
  /** `where` is `file` or `file:line:col`. */
  tooDeep: (where: string, maxDepth: number, what: string): YamlProblem =>
    errorMessage("yaml-limit", `${where}: YAML nested more than ${maxDepth} levels deep (the limit for ${what})`),
  tooManyKeys: (file: string, maxKeys: number, what: string): YamlProblem =>
    errorMessage("yaml-limit", `${file}: YAML with more than ${maxKeys.toLocaleString("en-US")} keys (the limit for ${what})`),
  duplicateKey: (where: string, key: string): YamlProblem => ({
    ...errorMessage("yaml-syntax", `${where}: YAML syntax error: Map keys must be unique (${JSON.stringify(key).slice(0, 80)})`),
    duplicateKey: true,
  }),
  syntax: (where: string, detail: string): YamlProblem => errorMessage("yaml-syntax", `${where}: YAML syntax error: ${detail}`),
  /** An alias (`*name`) with no anchor (`&name`) before it; the name is not shown: an unquoted value starting with `*` (a password) is read so. */
  unknownAlias: (where: string): YamlProblem =>
    errorMessage("yaml-syntax", `${where}: YAML syntax error: an alias (*name) that no anchor (&name) before it defines; a value that starts with * must be quoted`),
  /** A tag YAML does not define (`!vault`); not shown: an unquoted value starting with `!` (a key) is read as one. */
  unknownTag: (where: string): YamlProblem =>
    errorMessage("yaml-syntax", `${where}: YAML syntax error: a tag (!name) that huntlab does not read (only YAML's own, such as !!str); a value that starts with ! must be quoted`),
  /** A value YAML's own scalar tag does not read (`!!int x`, `!!bool maybe`). Not echoed: the value may be a key. */
  scalarTag: (where: string, tag: string): YamlProblem =>
    errorMessage("yaml-syntax", `${where}: YAML syntax error: a !!${tag} value that does not read as one${tag === "bool" ? " (true, false, yes, no, on or off)" : ""}: write it so, or quote it and drop the tag`),
  /**
   * `!!int` with a leading zero (`!!int 0777`): PyYAML (YAML 1.1, MSTICPy's reader) reads it as octal (511), YAML 1.2
   * as decimal (777); `setting` is the key path. Not echoed: the value may be a key.
   */
  octalInt: (where: string, setting: string): YamlProblem =>
    errorMessage(
      "yaml-syntax",
      `${where}: ${setting}: a !!int value with a leading zero, which MSTICPy (PyYAML, YAML 1.1) reads as octal (and refuses with an 8 or 9) and YAML 1.2 as decimal (!!int 010 is 8 to one, 10 to the other): write it without the leading zero for decimal, or with 0o for octal (!!int 0o10 is 8 to both)`,
    ),
  /** A YAML tag that makes no text, number, list or mapping (`!!binary` bytes, `!!timestamp` a date, `!!set`, `!!omap`): no setting reads one. Not echoed: the value may be a key. */
  valueTag: (where: string, tag: string, makes: string): YamlProblem =>
    errorMessage("yaml-syntax", `${where}: a !!${tag} value (${makes}), which no setting reads: write the value itself, as text (quoted when it starts with !)`),
  /** The path is a folder, a FIFO, a socket or a device (`kind` from fileKind, src/common/regularFile.ts): refused before it is opened (a FIFO blocks the open until a writer comes). */
  notAFile: (file: string, kind: string): YamlProblem =>
    errorMessage("yaml-limit", `${file}: YAML cannot be read: ${fileProblemText({ problem: "not-a-file", kind })}`),
  /**
   * Bytes that are not UTF-8 (`where`: `file:line:col` of the first), or a byte-order mark of an encoding not read.
   * The bytes are not shown: they may be part of a key (`AuthKey: Clé…` saved as Latin-1).
   */
  notUtf8: (where: string): YamlProblem =>
    errorMessage("yaml-encoding", `${where}: the file is not UTF-8 (a byte here is not valid UTF-8: Latin-1 or Windows "ANSI", perhaps); save it as UTF-8`),
  /**
   * A NUL byte (`where`: `file:line:col` of the first), which YAML does not allow: `utf16` when many are, as in
   * UTF-16 written without a byte-order mark (which read as one text value: "(top level): expected a mapping").
   */
  nulByte: (where: string, utf16: boolean): YamlProblem =>
    errorMessage(
      "yaml-encoding",
      utf16
        ? `${where}: the file is not UTF-8: every other byte is NUL, as in UTF-16 without a byte-order mark; save it as UTF-8`
        : `${where}: a NUL byte, which YAML does not allow (is this a binary file?); save the file as UTF-8 text`,
    ),
  /** A byte-order mark of an encoding not read, or UTF-16 that does not decode; `encoding` is "UTF-32 LE", "UTF-16 BE"… */
  badEncoding: (file: string, encoding: string, detail: string): YamlProblem =>
    errorMessage("yaml-encoding", `${file}: the file is ${encoding} (its byte-order mark says so), ${detail}; save it as UTF-8`),
  /** The parsed document cannot be turned into values (an alias bomb). */
  unreadable: (file: string, detail: string): YamlProblem => errorMessage("yaml-limit", `${file}: YAML cannot be read: ${detail}`),
};

/** Message builders of src/config. */
export const configMessages = {
  fileMissing: (resolved: string) => errorMessage("config/file-missing", `config file not found: ${resolved}`),
  envPathMissing: (resolved: string) => errorMessage("config/env-path-missing", `MSTICPYCONFIG points to a missing file: ${resolved}`),
  notFound: (tried: readonly string[]) => errorMessage("config/not-found", `no msticpyconfig.yaml found (tried: ${tried.join(", ")})`),
  /** `setting` is the path of the provider's Args, e.g. `TIProviders.OTX`. */
  envVarUnset: (file: string, setting: string, arg: string, variable: string) =>
    errorMessage("config/env-var-unset", `${file}: ${setting}.Args.${arg}: ${envVarUnsetReason(variable)}`),
  keyVaultUnsupported: (file: string, setting: string, arg: string) =>
    errorMessage("config/keyvault-unsupported", `${file}: ${setting}.Args.${arg}: ${KEYVAULT_REASON}`),
  /** A schema issue; `setting` is its dotted path ("" for the whole document). */
  invalidSetting: (file: string, setting: string, detail: string) =>
    errorMessage("config/invalid-setting", `${file}: ${setting || "(top level)"}: ${detail}`),
  /** A YAML problem of msticpyconfig.yaml. */
  yaml: (problem: YamlProblem) => errorMessage(`config/${problem.code}` as const, problem.message),
};

/** Why a setting read from an unset environment variable has no value (an error, or a provider's status). */
export function envVarUnsetReason(variable: string): string {
  return `environment variable ${variable} is not set`;
}

/** Why a KeyVault setting has no value. */
export const KEYVAULT_REASON = "KeyVault secrets are not supported; use a literal or EnvironmentVar";

/** Why an Args value written as a set environment variable (`AuthKey: $VT_KEY`) is not used: it is not expanded. */
export function variableTextReason(arg: string, variable: string): string {
  return `the text names the environment variable ${variable}, which is not expanded (it was sent as written): write ${arg}: { EnvironmentVar: ${variable} }`;
}

/** Why a secret written as a template's placeholder (`AuthKey: "[PLACEHOLDER]"`) is not used. The text is not shown. */
export function placeholderReason(arg: string): string {
  return `the value is a template's placeholder (as [PLACEHOLDER] or <your key>), not a key: write ${arg}: thevalue or ${arg}: { EnvironmentVar: NAME }`;
}

/** Why a URL with `$NAME` or `%NAME%` in its host is refused. */
export const ENV_IN_URL = "environment variables ($NAME, ${NAME}, %NAME%) are not expanded in a URL: write the URL itself, or read the whole setting from one, { EnvironmentVar: NAME }";

/** Why a Windows path (`C:\…`, `\\server\share`) is refused on Linux or macOS. */
export const WINDOWS_PATH_HERE = "a Windows path (C:\\…, \\\\server\\share), which this system reads as a relative name (a folder called C:\\Users\\…): write a path of this system (a config shared with Windows may use ~/… for the home folder on both)";

/** Why a path with `$NAME` or `%NAME%` in it is refused. */
export const ENV_IN_PATH = "environment variables ($NAME, ${NAME}, %NAME%) are not expanded in a path (nor by MSTICPy): write the folder itself, or ~/… for your home folder";

/**
 * Why a path starting `~name` is refused: no local user of that name (POSIX: huntlab reads /etc/passwd, so an account
 * only a directory service knows is not found), or Windows, whose user folders huntlab does not guess.
 */
export function otherHomeReason(name: string, windows: boolean): string {
  const shown = JSON.stringify(name.slice(0, 64));
  const why = windows ? "another user's home folder is not looked up on Windows" : `no local user ${shown} in /etc/passwd (an account of a directory service, LDAP or Active Directory, is not read)`;
  return `~${name.slice(0, 64)}: ${why}: write the folder itself, or ~/… for your own home folder`;
}

/** A number setting written with a leading zero (`TimeoutSeconds: 010`, `0o10`), which YAML 1.1 and 1.2 read differently, so huntlab keeps it text. */
export const LEADING_ZERO_NUMBER =
  "a number written with a leading zero, which MSTICPy (PyYAML, YAML 1.1) and YAML 1.2 read differently (010 is octal 8 to PyYAML and 10 to YAML 1.2; 0o10 is text to PyYAML): write the number in decimal, without the leading zero";

/**
 * A number setting written in one of YAML 1.1's integer forms that YAML 1.2 reads as text (`TimeoutSeconds: 1_000`,
 * `0b1010`, `1:30`): PyYAML (MSTICPy) reads `value`, huntlab's YAML 1.2 reader text. Said with PyYAML's number, so
 * that the file can say the same to both.
 */
export function yaml11IntegerReason(text: string, value: number): string {
  return `${JSON.stringify(text)} is a number to MSTICPy's YAML 1.1 reader (PyYAML reads ${value}) and text to YAML 1.2 (underscores, 0b binary and 1:30 base-60 forms are YAML 1.1's only): write the number in decimal, ${value}`;
}

/**
 * A number setting written quoted (`TimeoutSeconds: "010"`, `"30"`): text to PyYAML and YAML 1.2 alike (MSTICPy gets
 * the text too). `text` reads as a number unquoted (the reader checked it: digits and a few signs, at most 64).
 */
export function quotedNumberReason(text: string): string {
  const zero = /^[-+]?0[0-9_]/.test(text.trim()) ? " and without the leading zero (010 unquoted is octal 8 to PyYAML, 10 to YAML 1.2)" : "";
  return `quoted text (${JSON.stringify(text)}), not a number: a quoted value is text, to MSTICPy (PyYAML) too: write the number without quotes${zero}`;
}

/** What an Args value may be. */
export const SETTING_SHAPES = "expected text, a number, true/false, { EnvironmentVar: NAME } or { KeyVault: … }";

/**
 * Why an Args value of another shape (`{ KeyVaultURI: … }`, a list, `{ EnvironmentVar: }`) has no value.
 * Nothing of a secret-named setting's content is quoted: a placeholder filled in (`AuthKey: [thekey]`,
 * `AuthKey: {thekey}`) is a list or a mapping whose item or key is the key itself. Another setting's
 * mapping keys are named.
 */
export function unreadableSettingReason(name: string, value: unknown, secret: boolean): string {
  if (value !== null && typeof value === "object" && !Array.isArray(value) && Object.hasOwn(value, "EnvironmentVar") && Object.keys(value).length === 1) {
    const variable = (value as { EnvironmentVar: unknown }).EnvironmentVar;
    if (variable === null || variable === undefined || variable === "") return `EnvironmentVar names no variable: write ${name}: { EnvironmentVar: NAME }, NAME the environment variable that holds the value`;
    return `EnvironmentVar is ${shapeOf(variable)}, not the name of an environment variable: write ${name}: { EnvironmentVar: NAME }`;
  }
  const keys = value !== null && typeof value === "object" && !Array.isArray(value) ? Object.keys(value) : [];
  const shape = Array.isArray(value) ? "a list" : keys.length === 0 ? "{}" : secret ? "a mapping" : `{ ${keys.slice(0, 3).join(", ")}${keys.length > 3 ? ", …" : ""} }`;
  return `${shape} is not a setting huntlab reads: write the value as text, ${name}: thevalue, or name the environment variable that holds it, ${name}: { EnvironmentVar: NAME }`;
}

/** An example entry of each provider section, for the messages that say what shape it takes. */
const SECTION_EXAMPLES: Readonly<Record<string, string>> = {
  TIProviders: "VirusTotal: { Provider: VirusTotal, Args: { AuthKey: … } }",
  OtherProviders: "GeoIPLite: { Args: { DBFolder: ~/.msticpy/GeoLite2 } }",
  DataProviders: "Splunk: { Args: { host: splunk.example.com, username: … } }",
};

/** Why a section (`TIProviders: [a, b]`, `QueryDefinitions: 3`) is not read: it is no mapping. */
export function sectionShapeReason(section: string, value: unknown): string {
  if (section === "QueryDefinitions") return `expected a mapping with the list of your query folders (QueryDefinitions: { Custom: [~/queries] }), not ${shapeOf(value)}`;
  const example = SECTION_EXAMPLES[section] ?? "Name: { Args: { … } }";
  return `expected a mapping of provider names to their settings (${section}: { ${example} }), not ${shapeOf(value)}`;
}

/** Why a document that is no mapping of sections (a list, one text value: a file of other content) is not read. */
export function documentShapeReason(value: unknown): string {
  return `expected a mapping of sections (TIProviders:, DataProviders:, QueryDefinitions:, …), not ${shapeOf(value)}`;
}

/** Why `QueryDefinitions.Custom` (`Custom: 3`, `Custom: { a: b }`) is not read. */
export function customPathsShapeReason(value: unknown): string {
  return `expected a list of query folders (Custom: [~/queries, /srv/hunting/queries]), not ${Array.isArray(value) ? "a list of other things than text" : shapeOf(value)}`;
}


/** Why a provider entry (`TIProviders: { Foo: 3 }`) is not read: it is no mapping of its settings. */
export function entryShapeReason(name: string, value: unknown): string {
  return `expected a mapping of the provider's settings (${name}: { Provider: <class>, Args: { … } }), not ${shapeOf(value)}`;
}

/** What a value is, in a word or two (never the value). */
function shapeOf(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  if (value !== null && typeof value === "object") return "a mapping";
  if (typeof value === "number" || typeof value === "bigint") return "a number";
  if (typeof value === "boolean") return "true/false";
  return "text";
}
