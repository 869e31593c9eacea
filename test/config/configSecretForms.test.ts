/**
 * Secrets of msticpyconfig.yaml in every shape a user writes them (a literal, from the environment, in a
 * list or a filled-in `{…}` as MSTICPy's docs' `[PLACEHOLDER]` becomes, nested in a section huntlab does not
 * read, behind an alias, inside a URL) against every way a notebook prints or copies a loaded config:
 * util.inspect with and without the custom forms, console.table, Object.entries, JSON, structuredClone, spread.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { Console } from "node:console";
import { Writable } from "node:stream";
import { inspect } from "node:util";
import { configMasker, dataProviderSettings, loadConfig, plainSettings, type HuntlabConfig } from "../../src/config/config";
import { TILookup } from "../../src/context/tiLookup";
import { createLiveSettings } from "../../src/data/live/settings";
import { tempDir } from "../context/tiTwins";

const ENV = { HL_FORMS_GN_KEY: "GnEnvKeyValue555", HL_FORMS_SENT: "SentinelEnvSecret9" };

/** Each secret of {@link YAML}, by the shape it is written in. */
const SECRETS = {
  literal: "XfAuthKeyValue02",
  aliased: "XfApiIdValue01",
  environment: ENV.HL_FORMS_GN_KEY,
  list: "OtxListKey1234567",
  brace: "VtBraceKey7654321",
  dataList: "SplunkListPw999",
  dataBrace: "KustoBraceSecret77",
  dataEnvironment: ENV.HL_FORMS_SENT,
  nested: "KustoClusterSecret55",
  nestedList: "AzCliListSecret33",
  urlPassword: "UrlPassw0rd4411",
  digits: "98765432109876",
};

const YAML = `msticpy:
  Proxies:
    https:
      Url: https://user:${SECRETS.urlPassword}@proxy:8080
KustoClusters:
  Help:
    Args:
      Cluster: https://help.kusto.windows.net
      ClientSecret: ${SECRETS.nested}
AzureCLI:
  Args:
    clientSecret: [${SECRETS.nestedList}]
TIProviders:
  OTX:
    Args:
      AuthKey: [${SECRETS.list}]
    Provider: OTX
  VirusTotal:
    Args:
      AuthKey: {${SECRETS.brace}}
    Provider: VirusTotal
  GreyNoise:
    Args:
      AuthKey:
        EnvironmentVar: HL_FORMS_GN_KEY
    Provider: GreyNoise
  AbuseIPDB:
    Args:
      AuthKey: ${SECRETS.digits}
    Provider: AbuseIPDB
  XForce:
    Args:
      ApiID: &xfid ${SECRETS.aliased}
      AuthKey: ${SECRETS.literal}
    Provider: XForce
    Description: *xfid
DataProviders:
  Splunk:
    Args:
      host: 127.0.0.1
      password: [${SECRETS.dataList}]
  Kusto:
    Args:
      Cluster: https://help.kusto.windows.net
      ClientSecret: {${SECRETS.dataBrace}}
  MSSentinel:
    Args:
      ClientSecret:
        EnvironmentVar: HL_FORMS_SENT
KeyVault:
  TenantId: 5d6a50cf-b1b6-4bfd-ad54-b9822b06ff92
  VaultName: myvault
  Authority: global
  AuthnType: device
`;

function withEnvironment<T>(run: () => T): T {
  Object.assign(process.env, ENV);
  try {
    return run();
  } finally {
    for (const name of Object.keys(ENV)) delete process.env[name];
  }
}

function configFile(text: string): string {
  const file = path.join(tempDir("huntlab-secret-forms-"), "msticpyconfig.yaml");
  fs.writeFileSync(file, text);
  return file;
}

function load(): HuntlabConfig {
  return withEnvironment(() => loadConfig(configFile(YAML), { missingEnvironment: "skip" }));
}

/** What a Console writes, as text. */
function consoleText(write: (c: Console) => void): string {
  let out = "";
  write(new Console(new Writable({ write: (chunk: Buffer, _e: string, done: () => void) => ((out += String(chunk)), done()) })));
  return out;
}

/** Every form of printing or copying `value` a notebook may use, by name. */
function forms(value: unknown): [string, string][] {
  const plain = { depth: null, customInspect: false, showHidden: true } as const;
  return [
    ["inspect", inspect(value, { depth: null })],
    ["console.dir customInspect: false", consoleText((c) => c.dir(value, plain))],
    ["inspect getters: true", inspect(value, { ...plain, getters: true })],
    ["console.table", consoleText((c) => c.table(Array.isArray(value) ? value : [value]))],
    ["Object.entries", inspect(Object.entries(value as object), plain)],
    ["JSON.stringify", JSON.stringify(value)],
    ["structuredClone", inspect(structuredClone(value), plain)],
    ["spread", inspect(Array.isArray(value) ? [...(value as unknown[])] : { ...(value as object) }, plain)],
  ];
}

function assertNoSecret(what: string, text: string): void {
  for (const [shape, secret] of Object.entries(SECRETS)) assert.ok(!text.includes(secret), `${what} shows the ${shape} secret: ${text.slice(0, 3000)}`);
}

test("a loaded config, its raw document and its providers' args show no secret, however printed or copied", () => {
  const config = load();
  const raw = config.raw as Record<string, Record<string, Record<string, Record<string, unknown>>>>;
  const targets: [string, unknown][] = [
    ["config", config],
    ["config.raw", config.raw],
    ["config.raw.TIProviders", raw.TIProviders],
    ["config.raw.DataProviders", raw.DataProviders],
    ["config.raw.TIProviders.OTX.Args", raw.TIProviders.OTX.Args],
    ["tiProviders", config.tiProviders],
    ["every provider's args", config.tiProviders.map((p) => p.args)],
    ["every provider's extra", config.tiProviders.map((p) => p.extra)],
  ];
  for (const [name, value] of targets) for (const [form, text] of forms(value)) assertNoSecret(`${form} of ${name}`, text);
  // The other settings still show.
  for (const [form, text] of forms(config.raw)) {
    if (form === "console.table") continue;
    assert.ok(text.includes("help.kusto.windows.net") && text.includes("myvault"), `${form}: ${text}`);
  }
});

test("code still reads every secret as written; assigning one keeps it hidden", () => {
  const config = load();
  const raw = config.raw as Record<string, Record<string, Record<string, Record<string, unknown>>>>;
  const xforce = config.tiProviders.find((p) => p.name === "XForce")!;
  assert.equal(xforce.args.AuthKey, SECRETS.literal);
  assert.equal(xforce.args.ApiID, SECRETS.aliased);
  assert.equal(xforce.extra.Description, SECRETS.aliased);
  assert.equal(config.tiProviders.find((p) => p.name === "GreyNoise")!.args.AuthKey, SECRETS.environment);
  assert.equal(config.tiProviders.find((p) => p.name === "AbuseIPDB")!.args.AuthKey, SECRETS.digits);
  assert.equal(raw.TIProviders.XForce.Args.AuthKey, SECRETS.literal);
  assert.deepEqual(raw.TIProviders.OTX.Args.AuthKey, [SECRETS.list]);
  assert.equal(raw.KustoClusters.Help.Args.ClientSecret, SECRETS.nested);
  assert.equal(raw.msticpy.Proxies.https.Url, `https://user:${SECRETS.urlPassword}@proxy:8080`);
  assert.ok("AuthKey" in xforce.args);
  assert.deepEqual(plainSettings(xforce.args), { ApiID: SECRETS.aliased, AuthKey: SECRETS.literal });
  xforce.args.AuthKey = "ReplacedKey0001";
  assert.equal(xforce.args.AuthKey, "ReplacedKey0001");
  assert.deepEqual(Object.keys(xforce.args), []);
});

test("a key written as a list or a filled-in {…} is a secret for the masker, and its provider's status names its shape, not its content", () => {
  const config = load();
  // DataProviders entries are resolved when the masker is made (from the environment of that moment).
  const masker = withEnvironment(() => configMasker(config));
  for (const [shape, secret] of Object.entries(SECRETS)) assert.equal(masker.mask(`x ${secret} y`), "x **** y", shape);
  // Words of a reference or of a section are no secrets: `EnvironmentVar` and its variable, MSTICPy's KeyVault section.
  const words = "EnvironmentVar HL_FORMS_GN_KEY KeyVault VaultName myvault TenantId Authority global AuthnType device";
  assert.equal(masker.mask(words), words);
  const reasons = Object.fromEntries(config.tiProviders.map((p) => [p.name, p.missing.map((m) => m.reason).join("; ")]));
  assert.match(reasons.OTX, /^a list is not a setting huntlab reads: .*AuthKey: thevalue, .*AuthKey: \{ EnvironmentVar: NAME \}$/);
  assert.match(reasons.VirusTotal, /^a mapping is not a setting huntlab reads: /);
  const ti = withEnvironment(() => new TILookup({ configPath: config.path }));
  const shown = [ti.statusText(), JSON.stringify(ti), inspect(ti.providerStatus, { depth: null }), String(ti), JSON.stringify(config.tiProviders.map((p) => p.missing))];
  for (const text of shown) assertNoSecret("TILookup", text);
  assert.match(ti.statusText(), /VirusTotal \(VirusTotal\): Not loaded: AuthKey: a mapping is not a setting huntlab reads/);
});

test("a DataProviders secret written as a list or {…}: the warning at connect() names its shape, and the provider's masker hides it", () => {
  const config = load();
  for (const [environment, secret] of [
    ["Splunk", SECRETS.dataList],
    ["Kusto", SECRETS.dataBrace],
  ] as const) {
    const warnings: string[] = [];
    const live = createLiveSettings({ environment, config, warn: (m) => warnings.push(m) });
    assert.equal(warnings.length, 1, environment);
    assert.match(warnings[0], new RegExp(`^${environment}: DataProviders\\.${environment}\\.Args\\.\\w+ is not used: a (list|mapping) is not a setting huntlab reads`));
    assertNoSecret(`${environment}'s warning`, warnings[0]);
    assert.equal(live.mask(`sent ${secret}`), "sent ****");
  }
});

test("a TILookup prints as one line naming its providers", () => {
  const configPath = load().path;
  const ti = withEnvironment(() => new TILookup({ configPath }));
  assert.equal(String(ti), "TILookup { loaded: [GreyNoise, AbuseIPDB, XForce], configured: 5 }");
  assert.equal(`${ti}`, inspect(ti));
});

test("a DataProviders entry's settings (dataProviderSettings) show no secret, however printed or copied, as a TI provider's; code still reads them", () => {
  const config = load();
  for (const [environment, secret] of [["MSSentinel", SECRETS.dataEnvironment], ["Kusto", SECRETS.dataBrace], ["Splunk", SECRETS.dataList]] as const) {
    const settings = withEnvironment(() => dataProviderSettings(config, environment))!;
    for (const [name, value] of [["settings", settings], ["args", settings.args], ["extra", settings.extra], ["[settings]", [settings]]] as const) {
      for (const [form, text] of forms(value)) assertNoSecret(`${form} of ${environment}'s ${name}`, text);
    }
    if (environment === "MSSentinel") {
      assert.equal(settings.args.ClientSecret, secret);
      assert.deepEqual(Object.keys(settings.args), []);
      // The live provider still signs in with it.
      const live = withEnvironment(() => createLiveSettings({ environment, config, warn: () => {} }));
      assert.equal(live.arg("ClientSecret", {}), secret);
    }
  }
  const kusto = withEnvironment(() => dataProviderSettings(config, "Kusto"))!;
  assert.equal(kusto.args.Cluster, "https://help.kusto.windows.net");
  assert.deepEqual(Object.keys(kusto.args), ["Cluster"]);
});

test("the config's masker hides the secrets as loaded: a variable set, changed or unset after loading changes nothing; a secret read later through dataProviderSettings is added", () => {
  const late = "  Kusto-Late:\n    Args:\n      Cluster: https://late.kusto.windows.net\n      ClientSecret: { EnvironmentVar: HL_FORMS_LATE }\n";
  const file = configFile(YAML.replace("DataProviders:\n", `DataProviders:\n${late}`));
  delete process.env.HL_FORMS_LATE;
  const config = withEnvironment(() => loadConfig(file, { missingEnvironment: "skip" }));
  const masker = configMasker(config);
  try {
    // HL_FORMS_SENT is unset now: its value as loaded is still hidden (it was read again at each print, and shown).
    assert.equal(masker.mask(`x ${SECRETS.dataEnvironment} y`), "x **** y");
    // Set after loading to a word of the file: printing does not change (it starred out every "myvault").
    process.env.HL_FORMS_SENT = "myvault";
    assert.ok(JSON.stringify(config).includes("myvault"));
    assert.ok(inspect(config, { depth: null }).includes("myvault"));
    assert.equal(configMasker(config), masker, "one masker until a secret is added");
    // A secret read through the config API after loading is hidden from then on.
    process.env.HL_FORMS_LATE = "LateKustoSecret8642";
    assert.equal(dataProviderSettings(config, "Kusto-Late")?.args.ClientSecret, "LateKustoSecret8642");
    assert.equal(configMasker(config).mask("sent LateKustoSecret8642"), "sent ****");
    assert.equal(configMasker(config).mask(`x ${SECRETS.dataEnvironment} y`), "x **** y");
  } finally {
    delete process.env.HL_FORMS_SENT;
    delete process.env.HL_FORMS_LATE;
  }
});
