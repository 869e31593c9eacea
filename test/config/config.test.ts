/** msticpyconfig.yaml: literal keys, EnvironmentVar, bad files, huntlab's extra settings, masking. */
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { inspect } from "node:util";
import { ConfigError, configMasker, connectionStringSecrets, dataProviderSettings, loadConfig, plainSettings, providerSecrets, resolveConfigPath } from "../../src/config/config";
import { createLiveSettings } from "../../src/data/live/settings";
import { pyyamlInteger } from "../../src/config/yamlFile";
import { QueryProvider } from "../../src/data/queryProvider";
import { PACKAGE_ROOT } from "../../src/common/paths";
import { tempDir } from "../context/tiTwins";

function configFile(text: string): string {
  const file = path.join(tempDir("huntlab-config-"), "msticpyconfig.yaml");
  fs.writeFileSync(file, text);
  return file;
}

const SECRET = "lit-secret-9f8e7d6c5b";

test("the bundled config loads: LocalTI primary, online providers keyed from the environment", () => {
  const config = loadConfig(path.join(PACKAGE_ROOT, "msticpyconfig.yaml"), { missingEnvironment: "skip" });
  const byName = Object.fromEntries(config.tiProviders.map((p) => [p.name, p]));
  assert.deepEqual(Object.keys(byName), ["LocalTI", "GreyNoise", "VirusTotal", "OTX", "XForce", "AbuseIPDB", "OPR", "Tor"]);
  assert.equal(byName.LocalTI.primary, true);
  assert.equal(byName.LocalTI.args.Path, "data/ti");
  assert.ok(config.tiProviders.filter((p) => p.name !== "LocalTI").every((p) => !p.primary));
  assert.equal(byName.Tor.enabled, false);
  assert.deepEqual(byName.GreyNoise.secretArgs, ["AuthKey"]);
  assert.deepEqual(byName.XForce.secretArgs.sort(), ["ApiID", "AuthKey"]);
  assert.deepEqual(byName.GreyNoise.http, { timeoutMs: 10000, concurrency: 4, retries: 2, retryBackoffMs: 1000, maxRetryAfterMs: 30000 });
  assert.equal(byName.GreyNoise.cache.path, path.join(process.env.HOME ?? "", ".cache/huntlab/ti"));
  assert.equal(byName.GreyNoise.extra.Edition, "community");
});

test("literal keys are read as written", () => {
  const file = configFile(`TIProviders:\n  VT:\n    Args:\n      AuthKey: ${SECRET}\n    Primary: true\n    Provider: VirusTotal\n`);
  const [vt] = loadConfig(file).tiProviders;
  assert.deepEqual([vt.name, vt.provider, vt.primary, vt.args.AuthKey, vt.enabled], ["VT", "VirusTotal", true, SECRET, true]);
  assert.deepEqual(vt.secretArgs, ["AuthKey"]);
});

test("EnvironmentVar: read at load time; missing → error naming the key path, or recorded with missingEnvironment: skip", () => {
  const file = configFile(`TIProviders:\n  GreyNoise:\n    Args:\n      AuthKey:\n        EnvironmentVar: HL_TEST_GN_KEY\n`);
  delete process.env.HL_TEST_GN_KEY;
  assert.throws(
    () => loadConfig(file),
    (err: Error) =>
      err instanceof ConfigError &&
      err.code === "config/env-var-unset" &&
      err.message.startsWith(`${file}: TIProviders.GreyNoise.Args.AuthKey: `) &&
      err.message.includes("HL_TEST_GN_KEY"),
  );
  const [lenient] = loadConfig(file, { missingEnvironment: "skip" }).tiProviders;
  assert.deepEqual(lenient.missing, [{ arg: "AuthKey", variable: "HL_TEST_GN_KEY", reason: "environment variable HL_TEST_GN_KEY is not set" }]);
  assert.equal(lenient.args.AuthKey, undefined);
  process.env.HL_TEST_GN_KEY = "env-secret-123456";
  try {
    const [gn] = loadConfig(file).tiProviders;
    assert.equal(gn.args.AuthKey, "env-secret-123456");
    assert.deepEqual(gn.missing, []);
  } finally {
    delete process.env.HL_TEST_GN_KEY;
  }
});

test("an EnvironmentVar-sourced Args value is a secret whatever its name", () => {
  process.env.HL_TEST_WORKSPACE = "ws-0123456789";
  try {
    const file = configFile(`TIProviders:\n  X:\n    Provider: OTX\n    Args:\n      Workspace:\n        EnvironmentVar: HL_TEST_WORKSPACE\n      Region: eu\n`);
    const [x] = loadConfig(file).tiProviders;
    assert.deepEqual(x.secretArgs, ["Workspace"]);
    assert.ok(!inspect(x).includes("ws-0123456789"));
    assert.ok(inspect(x).includes("eu"));
  } finally {
    delete process.env.HL_TEST_WORKSPACE;
  }
});

test("KeyVault references: an error by default, a recorded reason when skipping", () => {
  const file = configFile(`TIProviders:\n  VT:\n    Provider: VirusTotal\n    Args:\n      AuthKey:\n        KeyVault: {VaultName: v}\n`);
  assert.throws(() => loadConfig(file), { name: "ConfigError", code: "config/keyvault-unsupported", message: /TIProviders\.VT\.Args\.AuthKey: / });
  const [vt] = loadConfig(file, { missingEnvironment: "skip" }).tiProviders;
  assert.deepEqual(vt.missing, [{ arg: "AuthKey", variable: "", reason: "KeyVault secrets are not supported; use a literal or EnvironmentVar" }]);
});

test("an Args value of another shape (MSTICPy's test configs' { KeyVaultURI: … }): an error naming it by default, the provider's missing setting when skipping (the whole config was refused)", () => {
  const file = configFile(`TIProviders:\n  OTX:\n    Args:\n      AuthKey: ${SECRET}\n  VirusTotal:\n    Args:\n      ApiID:\n        KeyVaultURI: "https://contoso.vault.azure.net/secrets/kv/id"\n      AuthKey: [a, b]\n`);
  assert.throws(() => loadConfig(file), { name: "ConfigError", code: "config/invalid-setting", message: /TIProviders\.VirusTotal\.Args\.ApiID: a mapping is not a setting huntlab reads: write the value as text/ });
  const [otx, vt] = loadConfig(file, { missingEnvironment: "skip" }).tiProviders;
  assert.equal(otx.args.AuthKey, SECRET);
  const expected = (name: string) => `write the value as text, ${name}: thevalue, or name the environment variable that holds it, ${name}: { EnvironmentVar: NAME }`;
  // A secret-named setting's mapping keys are not named: a `{thekey}` filled in is a mapping whose key is the key.
  assert.deepEqual(vt.missing, [
    { arg: "ApiID", variable: "", reason: `a mapping is not a setting huntlab reads: ${expected("ApiID")}` },
    { arg: "AuthKey", variable: "", reason: `a list is not a setting huntlab reads: ${expected("AuthKey")}` },
  ]);
  assert.deepEqual(vt.args, {});
  assert.deepEqual(vt.secretArgs.sort(), ["ApiID", "AuthKey"]);
});

test("EnvironmentVar with no name, or a number: says the variable's name is missing or not text (it said `{ EnvironmentVar } is not a setting`)", () => {
  for (const [written, reason] of [
    ["{EnvironmentVar: }", /^EnvironmentVar names no variable: write AuthKey: \{ EnvironmentVar: NAME \}/],
    ["{EnvironmentVar: ''}", /^EnvironmentVar names no variable: /],
    ["{EnvironmentVar: 123}", /^EnvironmentVar is a number, not the name of an environment variable: write AuthKey: \{ EnvironmentVar: NAME \}$/],
    ["{EnvironmentVar: [GN_KEY]}", /^EnvironmentVar is a list, not the name of an environment variable: /],
  ] as const) {
    const file = configFile(`TIProviders:\n  GreyNoise:\n    Args:\n      AuthKey: ${written}\n`);
    const [gn] = loadConfig(file, { missingEnvironment: "skip" }).tiProviders;
    assert.equal(gn.missing.length, 1, written);
    assert.match(gn.missing[0].reason, reason, written);
    assert.throws(
      () => loadConfig(file),
      (err: Error) => err instanceof ConfigError && err.code === "config/invalid-setting" && err.message.startsWith(`${file}: TIProviders.GreyNoise.Args.AuthKey: `) && reason.test(err.message.slice(err.message.indexOf("AuthKey: ") + 9)),
      written,
    );
  }
});

test("Cache.Path with an environment variable in it ($HOME, ${HOME}, %USERPROFILE%) is refused, as MSTICPy expands none (a folder named $HOME was made); ~ is the home folder", () => {
  for (const written of ["$HOME/vtcache", "${HOME}/vtcache", "%USERPROFILE%/vtcache"]) {
    const file = configFile(`TIProviders:\n  VT:\n    Provider: VirusTotal\n    Cache:\n      Path: "${written}"\n`);
    assert.throws(
      () => loadConfig(file),
      (err: Error) => err instanceof ConfigError && err.code === "config/invalid-setting" && err.message.startsWith(`${file}: TIProviders.VT.Cache.Path: environment variables`) && err.message.includes("~/"),
      written,
    );
    // As TILookup loads it (missing settings skipped): that provider only is not loaded, its status saying why.
    const [vt] = loadConfig(file, { missingEnvironment: "skip" }).tiProviders;
    assert.deepEqual(vt.missing.map((m) => m.arg), ["Cache.Path"], written);
    assert.match(vt.missing[0].reason, /environment variables .* are not expanded in a path .*~\//, written);
  }
  const file = configFile(`TIProviders:\n  VT:\n    Provider: VirusTotal\n    Cache:\n      Path: ~/vtcache\n  OTX:\n    Cache:\n      Path: '\\\\server\\c$\\cache'\n`);
  const [vt, otx] = loadConfig(file, { missingEnvironment: "skip" }).tiProviders;
  assert.equal(vt.cache.path, path.join(process.env.HOME ?? "", "vtcache"));
  if (process.platform === "win32") assert.ok(otx.cache.path?.endsWith("\\\\server\\c$\\cache"), "an admin share's $ is no variable");
  // Elsewhere a Windows path is refused as one (not for its c$, no variable).
  else assert.match(otx.missing[0]?.reason ?? "", /^a Windows path /);
});

test("a Windows path (C:\\…, C:/…, \\\\server\\share) in a path setting on Linux or macOS is an error naming the setting: it made a folder called C:\\Users\\me\\cache in the config's folder", { skip: process.platform === "win32" }, () => {
  for (const written of ["C:\\Users\\me\\vtcache", "c:/Users/me/vtcache", "\\\\fileserver\\hunt\\cache"]) {
    const file = configFile(`TIProviders:\n  VT:\n    Provider: VirusTotal\n    Cache:\n      Path: '${written}'\n`);
    assert.throws(() => loadConfig(file), { code: "config/invalid-setting", message: /TIProviders\.VT\.Cache\.Path: a Windows path \(C:\\…, \\\\server\\share\), which this system reads as a relative name .*write a path of this system/ }, written);
    const queries = configFile(`QueryDefinitions:\n  Custom: ['${written}']\n`);
    assert.throws(() => new QueryProvider("LocalData", { configPath: queries }), { code: "config/invalid-setting", message: /QueryDefinitions\.Custom: a Windows path/ }, written);
  }
});

test("malformed YAML: the file, line and column", () => {
  const file = configFile("TIProviders:\n  GreyNoise:\n    Args: {AuthKey: [unclosed\n");
  assert.throws(() => loadConfig(file), (err: Error) => err instanceof ConfigError && err.code === "config/yaml-syntax" && /msticpyconfig\.yaml:\d+:\d+: /.test(err.message));
});

test("invalid settings name their key path", () => {
  const cases: [string, RegExp][] = [
    ["TIProviders:\n  GreyNoise:\n    Concurrency: 0\n", /TIProviders\.GreyNoise\.Concurrency: /],
    ["TIProviders:\n  GreyNoise:\n    TimeoutSeconds: fast\n", /TIProviders\.GreyNoise\.TimeoutSeconds: /],
    ["TIProviders:\n  GreyNoise:\n    BaseUrl: javascript:alert(1)\n", /TIProviders\.GreyNoise\.BaseUrl: expected an absolute http:\/\/ or https:\/\/ URL/],
    ["TIProviders:\n  GreyNoise:\n    Cache:\n      TtlSecs: 5\n", /TIProviders\.GreyNoise\.Cache: /],
    ["TIProviders:\n  GreyNoise:\n    Args:\n      AuthKey: {Vault: x}\n", /TIProviders\.GreyNoise\.Args\.AuthKey: /],
    // A misspelt EnvironmentVar says what an Args value may be (zod's union said "Invalid input").
    ["TIProviders:\n  GreyNoise:\n    Args:\n      AuthKey: {EnvironmentVariable: GN_KEY}\n", /TIProviders\.GreyNoise\.Args\.AuthKey: a mapping is not a setting huntlab reads: .*AuthKey: \{ EnvironmentVar: NAME \}$/],
    ["TIProviders:\n  GreyNoise:\n    Primary: maybe\n", /TIProviders\.GreyNoise\.Primary: /],
  ];
  for (const [text, message] of cases) {
    const file = configFile(text);
    assert.throws(
      () => loadConfig(file),
      (err: Error) => err instanceof ConfigError && err.code === "config/invalid-setting" && err.message.startsWith(`${file}: `) && message.test(err.message),
      text,
    );
  }
});

test("huntlab's extra settings: seconds become ms, relative cache paths start at the config's folder", () => {
  const file = configFile(
    [
      "TIProviders:",
      "  GreyNoise:",
      "    BaseUrl: http://127.0.0.1:9/",
      "    Enabled: false",
      "    TimeoutSeconds: 2.5",
      "    Concurrency: 7",
      "    Retries: 0",
      "    RetryBackoffSeconds: 0.25",
      "    MaxRetryAfterSeconds: 12",
      "    Cache: {TtlSeconds: 60, Path: cache/ti}",
      "    Edition: enterprise",
    ].join("\n"),
  );
  const [gn] = loadConfig(file).tiProviders;
  assert.equal(gn.baseUrl, "http://127.0.0.1:9/");
  assert.equal(gn.enabled, false);
  assert.deepEqual(gn.http, { timeoutMs: 2500, concurrency: 7, retries: 0, retryBackoffMs: 250, maxRetryAfterMs: 12000 });
  assert.deepEqual(gn.cache, { ttlMs: 60000, path: path.join(path.dirname(file), "cache/ti") });
  assert.deepEqual(gn.extra, { Edition: "enterprise" });
});

test("printing or serialising a config masks every secret", () => {
  process.env.HL_TEST_ENV_SECRET = "env-only-secret-abcdef";
  try {
    const file = configFile(
      `TIProviders:\n  VT:\n    Provider: VirusTotal\n    Args:\n      AuthKey: ${SECRET}\n  OTX:\n    Args:\n      AuthKey:\n        EnvironmentVar: HL_TEST_ENV_SECRET\n`,
    );
    const config = loadConfig(file);
    for (const text of [inspect(config, { depth: 10 }), JSON.stringify(config), inspect(config.tiProviders), String(JSON.stringify(config.raw === undefined ? {} : config))]) {
      assert.ok(!text.includes(SECRET), "literal key leaked");
      assert.ok(!text.includes("env-only-secret-abcdef"), "environment key leaked");
      assert.ok(text.includes("****"));
    }
    // The values stay usable in code.
    assert.equal(config.tiProviders[0].args.AuthKey, SECRET);
    assert.equal(configMasker(config).mask(`key=${SECRET}&x=env-only-secret-abcdef`), "key=****&x=****");
  } finally {
    delete process.env.HL_TEST_ENV_SECRET;
  }
});

test("the raw document and each provider's args print and serialise masked too, at every depth; code reads the values", () => {
  const file = configFile(
    `TIProviders:\n  VT:\n    Provider: VirusTotal\n    Args:\n      AuthKey: ${SECRET}\nDataProviders:\n  Splunk:\n    Args:\n      host: splunk.example.com\n      password: dp-raw-secret-5e6f\n`,
  );
  const config = loadConfig(file);
  const raw = config.raw as { TIProviders: { VT: { Args: Record<string, unknown> } }; DataProviders: Record<string, unknown> };
  const shown = [
    inspect(config.raw, { depth: 10 }),
    JSON.stringify(config.raw),
    inspect(raw.TIProviders),
    JSON.stringify(raw.TIProviders.VT),
    inspect(raw.DataProviders, { depth: 10 }),
    inspect(config.tiProviders[0].args),
    JSON.stringify(config.tiProviders[0].args),
  ];
  for (const text of shown) {
    for (const secret of [SECRET, "dp-raw-secret-5e6f"]) assert.ok(!text.includes(secret), `${secret} in ${text}`);
  }
  assert.ok(shown[0].includes("splunk.example.com"), "other settings stay");
  assert.equal(raw.TIProviders.VT.Args.AuthKey, SECRET);
  assert.equal(config.tiProviders[0].args.AuthKey, SECRET);
  // The secret is not enumerable (nothing enumerable added either): plain property enumeration cannot print it.
  assert.deepEqual(Object.keys(raw.TIProviders.VT.Args), []);
});

test("config path: explicit, then $MSTICPYCONFIG, else the bundled file; missing files are errors", () => {
  const file = configFile("TIProviders: {}\n");
  assert.equal(resolveConfigPath(file), file);
  assert.throws(() => resolveConfigPath("/no/such/msticpyconfig.yaml"), { code: "config/file-missing", message: /\/no\/such\/msticpyconfig\.yaml/ });
  const saved = process.env.MSTICPYCONFIG;
  try {
    process.env.MSTICPYCONFIG = file;
    assert.equal(resolveConfigPath(), file);
    process.env.MSTICPYCONFIG = "/no/such/file.yaml";
    assert.throws(() => resolveConfigPath(), { code: "config/env-path-missing", message: /MSTICPYCONFIG.*\/no\/such\/file\.yaml/ });
  } finally {
    if (saved === undefined) delete process.env.MSTICPYCONFIG;
    else process.env.MSTICPYCONFIG = saved;
  }
});

test("printing a loaded config masks DataProviders secrets too (literal, from the environment, and in an entry that does not validate)", () => {
  process.env.HUNTLAB_TEST_DP_SECRET = "env-dp-secret-0a1b2c3d";
  const file = configFile(
    [
      "DataProviders:",
      "  Splunk:",
      "    Args:",
      "      host: splunk.example.com",
      `      password: ${SECRET}`,
      "  MSSentinel:",
      "    Args:",
      "      ClientSecret: {EnvironmentVar: HUNTLAB_TEST_DP_SECRET}",
      "  Broken:",
      "    Args:",
      "      ApiKey: broken-dp-secret-77aa",
      "      Port: [not, a, port]",
      "",
    ].join("\n"),
  );
  try {
    const config = loadConfig(file);
    for (const shown of [inspect(config, { depth: 10 }), JSON.stringify(config), configMasker(config).mask(JSON.stringify(config.raw))]) {
      for (const secret of [SECRET, "env-dp-secret-0a1b2c3d", "broken-dp-secret-77aa"]) assert.ok(!shown.includes(secret), `${secret} in ${shown}`);
      assert.ok(shown.includes("splunk.example.com"), "other settings stay");
    }
  } finally {
    delete process.env.HUNTLAB_TEST_DP_SECRET;
  }
});

test("a password inside a URL setting is masked, whatever the setting's name (Url, BaseUrl), in an entry that does not validate too", () => {
  const file = configFile(
    [
      "DataProviders:",
      "  Elasticsearch:",
      "    Args:",
      "      Url: https://elastic:url-pass-S3cr3t9@127.0.0.1:9200",
      "  Broken:",
      "    Args:",
      "      Url: https://svc:broken%2Furl-pass-42@127.0.0.1:9",
      "      Port: [not, a, port]",
      "TIProviders:",
      "  VT:",
      "    Provider: VirusTotal",
      "    Args:",
      `      AuthKey: ${SECRET}`,
      "      BaseUrl: https://user:ti-url-pass-77@127.0.0.1:9",
      "",
    ].join("\n"),
  );
  const config = loadConfig(file);
  const secrets = ["url-pass-S3cr3t9", "broken%2Furl-pass-42", "broken/url-pass-42", "ti-url-pass-77"];
  for (const shown of [inspect(config, { depth: 10 }), JSON.stringify(config), JSON.stringify(config.raw), inspect(config.raw, { depth: 10 }), inspect(config.tiProviders[0].args)]) {
    for (const secret of secrets) assert.ok(!shown.includes(secret), `${secret} in ${shown}`);
    assert.ok(shown.includes("127.0.0.1"), "the rest of the URL shows");
  }
  assert.match(inspect(config.raw, { depth: 10 }), /https:\/\/elastic:\*\*\*\*@127\.0\.0\.1:9200/);
  // Code reads the URL as written.
  assert.equal(config.tiProviders[0].args.BaseUrl, "https://user:ti-url-pass-77@127.0.0.1:9");
});

test("a provider's BaseUrl beside Args (where it is read) and a key written beside Args by mistake are masked in the config and its masker", () => {
  const file = configFile(
    [
      "TIProviders:",
      "  AbuseIPDB:",
      "    Args:",
      `      AuthKey: ${SECRET}`,
      "    BaseUrl: http://u:base-url-pass-31@127.0.0.1:9",
      "  VirusTotal:",
      "    AuthKey: misplaced-key-4711abc",
      "    Args: {}",
      "",
    ].join("\n"),
  );
  const config = loadConfig(file);
  assert.equal(config.tiProviders[0].baseUrl, "http://u:base-url-pass-31@127.0.0.1:9", "code reads it as written");
  const masker = configMasker(config);
  for (const shown of [inspect(config, { depth: 10 }), JSON.stringify(config), inspect(config.raw, { depth: 10 }), JSON.stringify(config.raw), masker.mask("GET http://u:base-url-pass-31@127.0.0.1:9/x key=misplaced-key-4711abc")]) {
    for (const secret of ["base-url-pass-31", "misplaced-key-4711abc"]) assert.ok(!shown.includes(secret), `${secret} in ${shown}`);
  }
});

test("a key with spaces or a line end around it (a folded YAML scalar, a padded variable) is masked in its trimmed form too, as services echo it", () => {
  process.env.HL_TEST_PADDED_KEY = " padded-env-key-9182 \n";
  try {
    const file = configFile(["TIProviders:", "  VirusTotal:", "    Args:", "      AuthKey: >", "        folded-key-5566778", "  OTX:", "    Args: { AuthKey: \"trailing-key-1234   \" }", "  AbuseIPDB:", "    Args: { AuthKey: { EnvironmentVar: HL_TEST_PADDED_KEY } }", ""].join("\n"));
    const masker = configMasker(loadConfig(file));
    const echoed = JSON.stringify({ headers: { "x-apikey": "folded-key-5566778", "x-otx-api-key": "trailing-key-1234", key: "padded-env-key-9182" } });
    const masked = masker.mask(echoed);
    for (const secret of ["folded-key-5566778", "trailing-key-1234", "padded-env-key-9182"]) assert.ok(!masked.includes(secret), `${secret} in ${masked}`);
  } finally {
    delete process.env.HL_TEST_PADDED_KEY;
  }
});

test("YAML merge keys (<<: *anchor) are applied, as PyYAML (MSTICPy) applies them", () => {
  const file = configFile(
    ["common: &common", "  Primary: true", "  TimeoutSeconds: 5", "TIProviders:", "  OTX:", "    <<: *common", "    Args:", `      AuthKey: ${SECRET}`, "    Provider: OTX", ""].join("\n"),
  );
  const otx = loadConfig(file).tiProviders.find((p) => p.name === "OTX");
  assert.equal(otx?.primary, true);
  assert.equal(otx?.http.timeoutMs, 5000);
  assert.ok(!("<<" in (otx?.extra ?? {})), "no key named <<");
});

test("a secret written as digits keeps its text (leading zeros, every digit) and is masked like any other", () => {
  const file = configFile(
    "TIProviders:\n  XForce:\n    Provider: XForce\n    Args:\n      ApiID: 1234567890123456789\n      AuthKey: 00998877665544332211\n    TimeoutSeconds: 5\n" +
      "DataProviders:\n  Splunk:\n    Args:\n      port: 8089\n      password: 31415926535897932384\n",
  );
  const config = loadConfig(file);
  const [xf] = config.tiProviders;
  assert.deepEqual(plainSettings(xf.args), { ApiID: "1234567890123456789", AuthKey: "00998877665544332211" });
  assert.equal(xf.http.timeoutMs, 5000);
  const printed = `${inspect(config, { depth: 20 })}\n${JSON.stringify(config)}`;
  for (const digits of ["1234567890", "998877665544", "3141592653"]) assert.ok(!printed.includes(digits), digits);
  assert.ok(printed.includes("8089"));
  assert.equal(configMasker(config).mask("key=00998877665544332211"), "key=****");
});

test("yes/no/on/off are booleans, as PyYAML (MSTICPy) reads msticpyconfig.yaml; quoted, tagged, other spellings and keys stay text", () => {
  const file = configFile(
    "TIProviders:\n  OTX:\n    Primary: yes\n    Enabled: Off\n    Args:\n      UseProxy: on\n      Verify: NO\n      Short: y\n      Mixed: oN\n      Quoted: \"yes\"\n      Tagged: !!str off\n      on: kept\n" +
      "    Extra: [Yes, off, n]\n  VT:\n    Primary: No\n",
  );
  const [otx, vt] = loadConfig(file).tiProviders;
  assert.deepEqual([otx.primary, otx.enabled, vt.primary, vt.enabled], [true, false, false, true]);
  // PyYAML's resolver knows exactly yes/Yes/YES, no/No/NO, on/On/ON, off/Off/OFF: `y` and `oN` are text there too.
  assert.deepEqual(otx.args, { UseProxy: true, Verify: false, Short: "y", Mixed: "oN", Quoted: "yes", Tagged: "off", on: "kept" });
  assert.deepEqual(otx.extra.Extra, [true, false, "n"]);
});

test("YAML 1.1 number forms: a secret keeps its exact text; an octal-looking number is text, not a different number than MSTICPy's", () => {
  const file = configFile(
    "TIProviders:\n  OTX:\n    Args:\n      ApiKey: 0123\n      AuthKey: 1:20\n      Password: on\n      WorkspaceId: 0777\n      Octal: 0o17\n      Hex: 0x1F\n      Under: 1_000\n" +
      "    Concurrency: 4\n",
  );
  const [otx] = loadConfig(file).tiProviders;
  // PyYAML: ApiKey 83 (octal), AuthKey 80 (sexagesimal), Password True, WorkspaceId 511, Octal "0o17", Hex 31, Under 1000.
  assert.deepEqual(plainSettings(otx.args), { ApiKey: "0123", AuthKey: "1:20", Password: "on", WorkspaceId: "0777", Octal: "0o17", Hex: 31, Under: "1_000" });
  assert.deepEqual(otx.secretArgs.sort(), ["ApiKey", "AuthKey", "Password"]);
  // 010 is 8 to PyYAML and 10 to YAML 1.2: a number setting written so is an error naming it, not a silent 10, and saying
  // why (it said "expected number, received string", of a value written as a number).
  for (const [setting, value] of [["TimeoutSeconds", "010"], ["Retries", "03"], ["Cache.TtlSeconds", "0o17"]]) {
    const yamlSetting = setting === "Cache.TtlSeconds" ? `Cache: {TtlSeconds: ${value}}` : `${setting}: ${value}`;
    const octal = configFile(`TIProviders:\n  OTX:\n    ${yamlSetting}\n`);
    assert.throws(
      () => loadConfig(octal),
      (err: Error) => err instanceof ConfigError && err.code === "config/invalid-setting" && err.message.startsWith(`${octal}: TIProviders.OTX.${setting}: a number written with a leading zero`) && err.message.includes("in decimal"),
      setting,
    );
  }
});

test("a secret of digits reached through an alias keeps its text and is masked everywhere (args, raw, JSON)", () => {
  const file = configFile(
    ["shared:", "  vt_api: &vt 7345601298", "  big: &big 98765432101234567890", "TIProviders:", "  VirusTotal:", "    Args:", "      AuthKey: *vt", "  OTX:", "    Args:", "      AuthKey: *big", ""].join("\n"),
  );
  const config = loadConfig(file);
  const [vt, otx] = config.tiProviders;
  assert.equal(vt.args.AuthKey, "7345601298");
  assert.equal(otx.args.AuthKey, "98765432101234567890");
  const printed = [inspect(config, { depth: 20 }), JSON.stringify(config), JSON.stringify(vt.args), inspect(vt.args), inspect(config.raw, { depth: 20 }), JSON.stringify(config.raw)].join("\n");
  for (const digits of ["7345601298", "9876543210"]) assert.ok(!printed.includes(digits), `${digits} in ${printed}`);
});

test("an unquoted value starting with * (an alias naming no anchor) is a syntax error at its line, without the value", () => {
  const file = configFile("DataProviders:\n  Splunk:\n    Args:\n      host: splunk.example\n      password: *Sp1unkPassw0rd!\n");
  assert.throws(
    () => loadConfig(file),
    (err: Error) => err instanceof ConfigError && err.code === "config/yaml-syntax" && err.message.startsWith(`${file}:5:17: `) && !err.message.includes("Sp1unk") && /quoted/.test(err.message),
  );
});

test("a secret Arg holding a number (settings built in code) is among the provider's secrets, as its digits", () => {
  assert.deepEqual(providerSecrets([{ args: { AuthKey: 7345601298, Port: 8089 }, secretArgs: ["AuthKey"] }]), ["7345601298"]);
});

test("secret-named literals in any section (MSTICPy's KustoClusters) and the secret parts of connection strings print and serialise masked", () => {
  const file = configFile(
    [
      "TIProviders: {}",
      "KustoClusters:",
      "  ClusterDefaults:",
      "    Args:",
      "      ClientId: 69d28fd7-42a5-48bc-a619-af56397b1234",
      "      ClientSecret: kcSecretValue-9f8e7d6c5b4a",
      "      IntegratedAuth: True",
      "DataProviders:",
      "  LogAnalytics:",
      "    Args:",
      '      connection_str: "Data Source=https://x.kusto.windows.net;Application Client Id=abc;Application Key=connStrSecret12345;Authority Id=t"',
      "  Kusto:",
      "    Args:",
      '      Connection: "Server=k.example; AppKey = appKeySecret777 ;Password=\'pw;Secret-888\'"',
      "",
    ].join("\n"),
  );
  const config = loadConfig(file);
  const printed = [inspect(config, { depth: 20 }), JSON.stringify(config), JSON.stringify(config.raw), inspect(config.raw, { depth: 20 })].join("\n");
  for (const secret of ["kcSecretValue-9f8e7d6c5b4a", "connStrSecret12345", "appKeySecret777", "pw;Secret-888"]) {
    assert.ok(!printed.includes(secret), `${secret} in ${printed}`);
    assert.equal(configMasker(config).mask(`x ${secret} y`), "x **** y");
  }
  // Public parts stay readable.
  for (const shown of ["69d28fd7-42a5-48bc-a619-af56397b1234", "https://x.kusto.windows.net", "Application Client Id=abc"]) assert.ok(printed.includes(shown), shown);
});

test("several merge keys in one map are all applied, as PyYAML 6 applies them: explicit keys win, then later merge keys, and within one list the earlier entry", () => {
  // python3 -c "import yaml; …" on the same texts: TimeoutSeconds 9 (the later key), then 5 (the list's first).
  const file = configFile(
    ["a: &a {Primary: yes, TimeoutSeconds: 5}", "b: &b {Enabled: no, TimeoutSeconds: 9, Concurrency: 3}", "TIProviders:", "  OTX:", "    <<: *a", "    <<: *b", "    Concurrency: 2", "    Args: {AuthKey: abcdef123456}", ""].join("\n"),
  );
  const [otx] = loadConfig(file).tiProviders;
  assert.deepEqual([otx.primary, otx.enabled, otx.http.timeoutMs, otx.http.concurrency], [true, false, 9000, 2]);
  const listed = configFile(["a: &a {TimeoutSeconds: 5}", "b: &b {TimeoutSeconds: 9}", "c: &c {TimeoutSeconds: 7}", "TIProviders:", "  OTX:", "    <<: [*a, *b]", "    Args: {AuthKey: abcdef123456}", ""].join("\n"));
  assert.equal(loadConfig(listed).tiProviders[0].http.timeoutMs, 5000);
  const both = configFile(["a: &a {TimeoutSeconds: 5}", "b: &b {TimeoutSeconds: 9}", "c: &c {TimeoutSeconds: 7}", "TIProviders:", "  OTX:", "    <<: [*a, *b]", "    <<: *c", "    Args: {AuthKey: abcdef123456}", ""].join("\n"));
  assert.equal(loadConfig(both).tiProviders[0].http.timeoutMs, 7000);
});

test("a tag YAML does not define (!vault, !<x>, or an unquoted value starting with !) is a syntax error at its line, without the tag or value", () => {
  for (const [value, col] of [["!Kx9secretOTXkey", 16], ["!vault supersecretvalue99", 16], ["!<zzSECRETzz> x", 16]] as const) {
    const file = configFile(`TIProviders:\n  GreyNoise:\n    Args:\n      AuthKey: ${value}\n`);
    assert.throws(
      () => loadConfig(file),
      (err: Error) =>
        err instanceof ConfigError && err.code === "config/yaml-syntax" && err.message.startsWith(`${file}:4:${col}: `) && !/Kx9|vault|zzSECRET|supersecret/.test(err.message),
      value,
    );
  }
  // YAML's own tags still read.
  const file = configFile("TIProviders:\n  OTX:\n    Args:\n      AuthKey: !!str 0123\n");
  assert.equal(loadConfig(file).tiProviders[0].args.AuthKey, "0123");
});

test("a YAML tag that makes bytes, a date, a set or an ordered mapping (!!binary, !!timestamp, !!set, !!omap) is an error at its line, without the value", () => {
  // `AuthKey: !!binary …` was a TypeError ("Cannot delete property '0' of [object Uint8Array]") naming no file or setting.
  const cases = [
    ["AuthKey: !!binary c2VjcmV0S2V5OTk5OTk=", 4, "!!binary value (bytes)"],
    ["AuthKey: !!timestamp 2001-12-14", 4, "!!timestamp value (a date)"],
    ["AuthKey: !!set {c2VjcmV0S2V5OTk5OTk: null}", 4, "!!set value (a set)"],
    ["AuthKey: !!omap [c2VjcmV0S2V5OTk5OTk: 1]", 4, "!!omap value (an ordered mapping)"],
  ] as const;
  for (const [line, at, what] of cases) {
    for (const [setting, lineNo] of [[line, at], [`AuthKey: abcdef123456\n    TimeoutSeconds: ${line.slice("AuthKey: ".length)}`, at + 1]] as const) {
      const file = configFile(`TIProviders:\n  OTX:\n    Args:\n      ${setting}\n`);
      assert.throws(
        () => loadConfig(file),
        (err: Error) => err instanceof ConfigError && err.code === "config/yaml-syntax" && err.message.startsWith(`${file}:${lineNo}:`) && err.message.includes(what) && !err.message.includes("c2VjcmV0S2V5OTk5OTk"),
        setting,
      );
    }
  }
});

test("YAML 1.1's own scalar tags read as PyYAML reads them: !!bool yes is true; a value its tag does not read is an error naming the tag, without the value", () => {
  // `Primary: !!bool yes` was "a tag (!name) that huntlab does not read (only YAML's own…)", though !!bool is one.
  for (const [value, primary] of [["!!bool yes", true], ["!!bool Off", false], ['!!bool "on"', true], ["!!bool true", true]] as const) {
    const file = configFile(`TIProviders:\n  OTX:\n    Primary: ${value}\n    Args: {AuthKey: abcdef123456}\n`);
    assert.equal(loadConfig(file).tiProviders[0].primary, primary, value);
  }
  for (const [value, what] of [["!!bool Kx9secret", "!!bool value that does not read as one"], ["!!int Kx9secret", "!!int value that does not read as one"], ["!!null Kx9secret", "!!null value"]] as const) {
    const file = configFile(`TIProviders:\n  OTX:\n    Args:\n      AuthKey: ${value}\n`);
    assert.throws(
      () => loadConfig(file),
      (err: Error) => err instanceof ConfigError && err.code === "config/yaml-syntax" && err.message.startsWith(`${file}:4:`) && err.message.includes(what) && !err.message.includes("Kx9secret") && !err.message.includes("does not read (only"),
      value,
    );
  }
});

// `TimeoutSeconds: !!int 010` was 10 s, where MSTICPy (PyYAML: an !!int with a leading zero is octal) reads 8, and
// YAML 1.2 reads 0o10 as 8 too. A tagged leading-zero integer the two read differently is refused, naming the setting.
test("!!int with a leading zero (octal to PyYAML, decimal to YAML 1.2) is an error naming the setting; !!int 0o10 is 8 as in MSTICPy", () => {
  for (const value of ["!!int 010", "!!int 0777", '!!int "010"', "!!int -010", "!!int 08"]) {
    const file = configFile(`TIProviders:\n  OTX:\n    Args: {AuthKey: abcdef123456}\n    TimeoutSeconds: ${value}\n`);
    assert.throws(
      () => loadConfig(file),
      (err: Error) =>
        err instanceof ConfigError && err.code === "config/yaml-syntax" && err.message.startsWith(`${file}:4:27: TIProviders.OTX.TimeoutSeconds: `) && err.message.includes("octal") && err.message.includes("0o"),
      value,
    );
  }
  // In a list, and for a secret: named by its path, the value not shown.
  const listed = configFile("TIProviders:\n  OTX:\n    Args:\n      AuthKey: !!int 0123456789\n");
  assert.throws(() => loadConfig(listed), (err: Error) => err instanceof ConfigError && err.message.startsWith(`${listed}:4:22: TIProviders.OTX.Args.AuthKey: `) && !err.message.includes("0123456789"));
  const item = configFile("QueryDefinitions:\n  Custom: [a, !!int 0777]\n");
  assert.throws(() => loadConfig(item), (err: Error) => err instanceof ConfigError && err.message.includes("QueryDefinitions.Custom[1]: "));
  // Read alike by both: 0o10 (8; PyYAML's int(…, 8) takes the prefix), one digit after zeros (07, 00…), no leading zero.
  for (const [value, ms] of [["!!int 0o10", 8000], ["!!int 07", 7000], ["!!int 0007", 7000], ["!!int 12", 12000]] as const) {
    const file = configFile(`TIProviders:\n  OTX:\n    Args: {AuthKey: abcdef123456}\n    TimeoutSeconds: ${value}\n`);
    assert.equal(loadConfig(file).tiProviders[0].http.timeoutMs, ms, value);
  }
});

// PyYAML (MSTICPy's reader, YAML 1.1) has integer forms YAML 1.2 has not: 0b binary, `_` between digits, base 60
// (`1:30`). Tagged `!!int`, they were refused as "a !!int value that does not read as one", though MSTICPy reads them:
// they are now PyYAML's numbers (the values below are PyYAML 6.0.3's). Plain, YAML 1.2 reads them as text: a text
// setting keeps it (above), and a number setting is an error naming the setting and PyYAML's number (it said only
// "expected number, received string", of a value written as a number).
test("YAML 1.1 integer forms: !!int reads them as PyYAML does; plain in a number setting, an error naming the setting and PyYAML's number", () => {
  for (const [value, ms] of [["!!int 0b1010", 10_000], ["!!int 1_000", 1_000_000], ["!!int 0x1_A", 26_000], ["!!int 1:30", 90_000], ["!!int +12", 12_000], ["!!int 0_17", 15_000]] as const) {
    const file = configFile(`TIProviders:\n  OTX:\n    Args: {AuthKey: abcdef123456}\n    TimeoutSeconds: ${value}\n`);
    assert.equal(loadConfig(file).tiProviders[0].http.timeoutMs, ms, value);
  }
  const args = configFile("TIProviders:\n  OTX:\n    Args:\n      AuthKey: abcdef123456\n      Sexagesimal: !!int 190:20:30\n      Negative: !!int -0b101\n      Hex: !!int 0xff_ff\n");
  assert.deepEqual(plainSettings(loadConfig(args).tiProviders[0].args), { AuthKey: "abcdef123456", Sexagesimal: 685230, Negative: -5, Hex: 65535 });
  // Still refused: what PyYAML does not read as an integer either.
  for (const value of ["!!int 1:x", "!!int 0b102", "!!int 1.5", "!!int 0x"]) {
    const file = configFile(`TIProviders:\n  OTX:\n    Args: {AuthKey: abcdef123456}\n    TimeoutSeconds: ${value}\n`);
    assert.throws(() => loadConfig(file), (err: Error) => err instanceof ConfigError && err.code === "config/yaml-syntax" && err.message.includes("!!int value that does not read as one"), value);
  }
  for (const [setting, value, pyyaml] of [["TimeoutSeconds", "1_000", 1000], ["Retries", "0b11", 3], ["TimeoutSeconds", "1:30", 90], ["Cache.MaxEntries", "0x1_0", 16]] as const) {
    const yamlSetting = setting === "Cache.MaxEntries" ? `Cache: {MaxEntries: ${value}}` : `${setting}: ${value}`;
    const file = configFile(`TIProviders:\n  OTX:\n    ${yamlSetting}\n`);
    assert.throws(
      () => loadConfig(file),
      (err: Error) =>
        err instanceof ConfigError && err.code === "config/invalid-setting" && err.message.startsWith(`${file}: TIProviders.OTX.${setting}: "${value}" is a number to MSTICPy's YAML 1.1 reader (PyYAML reads ${pyyaml})`) && err.message.endsWith(`in decimal, ${pyyaml}`),
      value,
    );
  }
});

// `TimeoutSeconds: "010"` (quoted: text to PyYAML and YAML 1.2 alike) was told "a number written with a leading zero,
// which MSTICPy and YAML 1.2 read differently": it is quoted text, and the message now says so, naming the setting.
test("a number setting written quoted is an error naming the setting and saying it is quoted text", () => {
  for (const [yamlSetting, setting, text] of [['TimeoutSeconds: "010"', "TimeoutSeconds", "010"], ["Retries: '3'", "Retries", "3"], ['Cache: {TtlSeconds: "1_000"}', "Cache.TtlSeconds", "1_000"], ['Concurrency: " 4 "', "Concurrency", " 4 "]] as const) {
    const file = configFile(`TIProviders:\n  OTX:\n    ${yamlSetting}\n`);
    assert.throws(
      () => loadConfig(file),
      (err: Error) =>
        err instanceof ConfigError && err.code === "config/invalid-setting" && err.message.startsWith(`${file}: TIProviders.OTX.${setting}: quoted text (${JSON.stringify(text)}), not a number`) && err.message.includes("without quotes") && err.message.includes("leading zero") === (text === "010"),
      yamlSetting,
    );
  }
  // Plain, 010 is still the leading-zero error (PyYAML: octal 8); and a data provider's setting is named so too.
  assert.throws(() => loadConfig(configFile("TIProviders:\n  OTX:\n    TimeoutSeconds: 010\n")), (err: Error) => /TimeoutSeconds: a number written with a leading zero/.test(err.message));
  const data = configFile('DataProviders:\n  Splunk:\n    TimeoutSeconds: "30"\n    Args: {host: splunk.example.com}\n');
  assert.throws(() => dataProviderSettings(loadConfig(data), "Splunk"), (err: Error) => err instanceof ConfigError && err.message.startsWith(`${data}: DataProviders.Splunk.TimeoutSeconds: quoted text ("30"), not a number`));
  // TILookup's lenient reading lists it with the same reason.
  const lenient = loadConfig(configFile('TIProviders:\n  OTX:\n    TimeoutSeconds: "010"\n    Args: {AuthKey: abcdef123456}\n'), { missingEnvironment: "skip" });
  assert.match(lenient.tiProviders[0].missing[0]?.reason ?? "", /^quoted text \("010"\), not a number/);
});

test("pyyamlInteger reads PyYAML's integer forms as construct_yaml_int does (values from PyYAML 6.0.3)", () => {
  const cases: [string, number | undefined][] = [
    ["0b1010", 10], ["-0b101", -5], ["0x1A", 26], ["0x_1a", 26], ["017", 15], ["0_17", 15], ["1_000", 1000], ["+12", 12], ["190:20:30", 685230],
    ["-1:30", -90], ["1:59", 119], ["1:60", undefined], ["0", 0], ["-0", 0], ["00", 0], ["1__2", 12],
    ["0o17", undefined], ["08", undefined], ["1:99", undefined], ["0b", undefined], ["0x", undefined], ["abc", undefined], ["1.5", undefined], ["9007199254740993", undefined], ["", undefined],
  ];
  for (const [text, value] of cases) assert.equal(pyyamlInteger(text), value, text);
});

test("an empty QueryDefinitions.Custom or Primary: ~ is left unset, as MSTICPy skips None", () => {
  const file = configFile("QueryDefinitions:\n  Custom:\nTIProviders:\n  OTX:\n    Primary: ~\n    Args: {AuthKey: abcdef123456}\n");
  const config = loadConfig(file);
  assert.deepEqual(config.customQueryPaths, []);
  assert.equal(config.tiProviders[0].primary, false);
});

test("connection-string secrets: names of several words, quoted values with ; inside; a long run of spaces is read in linear time (it backtracked quadratically: 40,000 spaces took 1.6 s)", () => {
  assert.deepEqual(connectionStringSecrets("Data Source=https://x.kusto.windows.net;Application Client Id=abc; Application Key = 'se;cret' ;AppKey=k2").sort(), ["'se;cret'", "k2", "se;cret"].sort());
  // 400,000 spaces: quadratic, minutes; linear, milliseconds (the test's timeout is the bound, not a timing assertion).
  assert.deepEqual(connectionStringSecrets(`a${" ".repeat(400_000)}x;Password=p4ss`), ["p4ss"]);
  assert.deepEqual(connectionStringSecrets(`Password${" ".repeat(400_000)}`), []);
});

test("settings named for what a secret is for (AuthnType, AuthMethod, TokenUrl, KeyPath) are not secrets: their words are not starred out of every output", () => {
  const dir = tempDir();
  const file = path.join(dir, "msticpyconfig.yaml");
  fs.writeFileSync(
    file,
    [
      "KeyVault:",
      "  AuthnType: interactive",
      "  KeyPath: /etc/keys/hunt.pem",
      "Azure:",
      "  AuthMethod: cli",
      "  TokenUrl: https://login.example.com/token",
      "KustoClusters:",
      "  ClusterDefaults:",
      "    Args:",
      "      ClientSecret: kc-Secret-9f8e7d",
      "",
    ].join("\n"),
  );
  const masker = configMasker(loadConfig(file));
  assert.equal(masker.mask("interactive sign-in with the cli, key at /etc/keys/hunt.pem via https://login.example.com/token"), "interactive sign-in with the cli, key at /etc/keys/hunt.pem via https://login.example.com/token");
  assert.equal(masker.mask("secret kc-Secret-9f8e7d"), "secret ****");
});

test("inside a provider's Args too, settings named for what a secret is for (AuthnType, TokenUrl) are not secrets; real secrets there stay masked", () => {
  process.env.HUNTLAB_TEST_AUTHN_FROM_ENV = "env-authn-value-77";
  const file = configFile(
    [
      "TIProviders:",
      "  X:",
      "    Args: {AuthKey: ti-AuthKey-5e4d3c, AuthnType: cli, ApiKey: ti-ApiKey-8a7b6c, Password: ti-Pass-1q2w3e}",
      "DataProviders:",
      "  MSSentinel:",
      "    Args:",
      "      AuthnType: interactive",
      "      TokenUrl: https://login.example/token",
      "      ClientSecret: ds-Secret-0a9b8c",
      "      token: ds-token-7f6e5d",
      "      KeyPath: {EnvironmentVar: HUNTLAB_TEST_AUTHN_FROM_ENV}",
      "      Connection: Data Source=https://c.kusto.windows.net;AppKey=ds-AppKey-3c2b1a",
      "  Broken:",
      "    Args: {AuthnType: device, TokenUrl: https://broken.example/token, AuthKey: br-AuthKey-6y7u8i}",
      "    Retries: not-a-number",
      "",
    ].join("\n"),
  );
  const config = loadConfig(file);
  const [x] = config.tiProviders;
  assert.deepEqual(x.secretArgs.sort(), ["ApiKey", "AuthKey", "Password"]);
  const sentinel = dataProviderSettings(config, "MSSentinel");
  assert.deepEqual(sentinel?.secretArgs.sort(), ["ClientSecret", "KeyPath", "token"], "a value read from the environment is a secret whatever its name");
  const plain = "interactive sign-in, or the cli, or a device code at https://login.example/token (https://broken.example/token)";
  assert.equal(configMasker(config).mask(plain), plain);
  const whole = ["interactive", "'cli'", "device", "https://login.example/token"];
  const outputs: [string, string[]][] = [
    [inspect(config, { depth: 9 }), whole],
    [JSON.stringify(config), ["interactive", '"cli"', "device", "https://login.example/token"]],
    [inspect(config.raw, { depth: 9 }), whole],
    [inspect(x), ["AuthnType: 'cli'"]],
    [JSON.stringify(x), ['"AuthnType":"cli"']],
    [inspect(sentinel), ["AuthnType: 'interactive'", "TokenUrl: 'https://login.example/token'"]],
  ];
  for (const [shown, words] of outputs) {
    for (const word of words) assert.ok(shown.includes(word), `${word} in ${shown}`);
    for (const secret of ["ti-AuthKey-5e4d3c", "ti-ApiKey-8a7b6c", "ti-Pass-1q2w3e", "ds-Secret-0a9b8c", "ds-token-7f6e5d", "env-authn-value-77", "ds-AppKey-3c2b1a", "br-AuthKey-6y7u8i"]) {
      assert.ok(!shown.includes(secret), `${secret} in ${shown}`);
    }
  }
  const live = createLiveSettings({ environment: "MSSentinel", config });
  assert.equal(live.mask("interactive via https://login.example/token, secret ds-Secret-0a9b8c"), "interactive via https://login.example/token, secret ****");
  delete process.env.HUNTLAB_TEST_AUTHN_FROM_ENV;
});
