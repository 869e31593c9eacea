/**
 * Secrets of msticpyconfig.yaml in every shape a user writes them (a literal, from the environment, in a
 * list or a filled-in `{…}` as MSTICPy's docs' `[PLACEHOLDER]` becomes, nested in a section huntlab does not
 * read, behind an alias, inside a URL): a key written as a list or a `{…}` is a secret like any other.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { inspect } from "node:util";
import { configMasker, loadConfig, type HuntlabConfig } from "../../src/config/config";
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

function assertNoSecret(what: string, text: string): void {
  for (const [shape, secret] of Object.entries(SECRETS)) assert.ok(!text.includes(secret), `${what} shows the ${shape} secret: ${text.slice(0, 3000)}`);
}

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

