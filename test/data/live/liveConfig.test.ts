/** DataProviders / AzureSentinel config reading for the live providers. */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { inspect } from "node:util";
import { describe, it } from "node:test";
import { dataProviderSettings, loadConfig, ConfigError } from "../../../src/config/config";
import { createLiveSettings } from "../../../src/data/live/settings";

function config(text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "huntlab-livecfg-"));
  const file = path.join(dir, "msticpyconfig.yaml");
  fs.writeFileSync(file, text);
  return file;
}

const YAML = `
AzureSentinel:
  Workspaces:
    Default: {WorkspaceId: 11111111-0000-4000-8000-000000000001, TenantId: 22222222-0000-4000-8000-000000000002}
DataProviders:
  MSSentinel:
    Args:
      ClientId: app-id
      ClientSecret: {EnvironmentVar: HUNTLAB_TEST_LIVE_SECRET}
      Endpoint: https://api.loganalytics.io
    TimeoutSeconds: 42
    Retries: 1
  Kusto:
    Args: {Cluster: "https://c.kusto.windows.net", Database: db, ClientSecret: literal-secret-value}
`;

describe("live provider settings from msticpyconfig.yaml", () => {
  it("reads DataProviders.<env> with EnvironmentVar secrets resolved, timeouts and retries", () => {
    process.env.HUNTLAB_TEST_LIVE_SECRET = "env-secret-value-123";
    const cfg = loadConfig(config(YAML));
    const s = dataProviderSettings(cfg, "MSSentinel");
    assert.equal(s?.args.ClientSecret, "env-secret-value-123");
    assert.deepEqual(s?.http, { timeoutMs: 42_000, retries: 1 });
    assert.ok(s?.secretArgs.includes("ClientSecret"));
    assert.ok(!inspect(s).includes("env-secret-value-123"));
    assert.ok(!JSON.stringify(s).includes("env-secret-value-123"));
    assert.equal(dataProviderSettings(cfg, "Splunk"), undefined);
    const live = createLiveSettings({ environment: "MSSentinel", config: cfg });
    assert.equal(live.timeoutMs, 42_000);
    assert.equal(live.arg("clientid", {}), "app-id", "case-insensitive");
    assert.equal(live.arg("ClientId", { client_id: "x", ClientId: "from-option" }), "from-option", "options win");
    assert.equal(live.mask("the env-secret-value-123 leaked"), "the **** leaked");
    live.addSecrets("token-learnt-at-connect");
    assert.equal(live.mask("Bearer token-learnt-at-connect"), "Bearer ****");
  });

  it("an unset EnvironmentVar is skipped (connect() may supply it); literal secrets are masked too", () => {
    delete process.env.HUNTLAB_TEST_LIVE_SECRET;
    const cfg = loadConfig(config(YAML), { missingEnvironment: "skip" });
    const s = dataProviderSettings(cfg, "MSSentinel");
    assert.equal(s?.args.ClientSecret, undefined);
    assert.equal(s?.missing[0]?.variable, "HUNTLAB_TEST_LIVE_SECRET");
    const k = createLiveSettings({ environment: "Kusto", config: cfg });
    assert.equal(k.mask("x literal-secret-value y"), "x **** y");
    // Named in a warning, with its variable (connecting without it failed later, naming another setting or none).
    const warnings: string[] = [];
    createLiveSettings({ environment: "MSSentinel", config: cfg, warn: (m) => warnings.push(m) });
    assert.deepEqual(warnings, ["MSSentinel: DataProviders.MSSentinel.Args.ClientSecret is not used: environment variable HUNTLAB_TEST_LIVE_SECRET is not set."]);
    const quiet: string[] = [];
    createLiveSettings({ environment: "MSSentinel", config: cfg, options: { client_secret: "given-inline-123" }, warn: (m) => quiet.push(m) });
    assert.deepEqual(quiet, []);
  });

  it("a KeyVault secret is named in a warning (it cannot be read), unless connect() passes that option", () => {
    const cfg = loadConfig(config("DataProviders:\n  MSSentinel:\n    Args:\n      ClientId: app-id\n      ClientSecret:\n        KeyVault: sentinel-secret\n"), { missingEnvironment: "skip" });
    const warnings: string[] = [];
    const live = createLiveSettings({ environment: "MSSentinel", config: cfg, warn: (m) => warnings.push(m) });
    assert.equal(live.arg("ClientSecret", {}), undefined);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /DataProviders\.MSSentinel\.Args\.ClientSecret is not used: KeyVault secrets are not supported/);
    const quiet: string[] = [];
    createLiveSettings({ environment: "MSSentinel", config: cfg, options: { client_secret: "given-inline-123" }, warn: (m) => quiet.push(m) });
    assert.deepEqual(quiet, []);
  });

  it("a URL setting or option that does not parse is refused without its password, whatever the key", () => {
    const urls = ["https://elastic:S3cretPassw0rd@elastic.example.com:99999", "https://elastic:S3cret%2FPassw0rd@exa mple.com", "https://elastic:S3cret/Passw0rd@bad host:9200/x", "https://elastic:S3cret?Passw0rd@bad host:9200", "https://elastic:S3cr#etPassw0rd@bad host:9200"];
    for (const url of urls) {
      const fromConfig = createLiveSettings({ environment: "Elasticsearch", config: loadConfig(config(`DataProviders:\n  Elasticsearch:\n    Args:\n      Url: "${url}"\n`)) });
      const fromOption = createLiveSettings({ environment: "Elasticsearch", config: loadConfig(config("DataProviders: {}\n")), options: { Endpoint: url } });
      for (const s of [fromConfig, fromOption]) {
        assert.throws(
          () => s.checkUrl(url, "Url"),
          (e: unknown) => e instanceof Error && (e as { code?: string }).code === "data/live-url" && /is not a valid URL/.test(e.message) && !/S3cret/.test(e.message),
          url,
        );
        assert.doesNotMatch(s.mask(`said ${url}`), /S3cret/, "the masker knows the password too");
      }
    }
    // A URL that parses but is plain http to a remote host says so, also without its password.
    const plain = createLiveSettings({ environment: "Elasticsearch", config: loadConfig(config("DataProviders: {}\n")) });
    assert.throws(() => plain.checkUrl("http://u:S3cretPassw0rd@example.com:9200", "Url"), (e: unknown) => e instanceof Error && /must be an https:\/\/ URL/.test(e.message) && !/S3cret/.test(e.message));
  });

  it("connect() options follow the config's rule for secret names: a token_url or auth_type is shown, tokens, keys and passwords are masked", () => {
    const live = createLiveSettings({
      environment: "Elasticsearch",
      config: loadConfig(config("DataProviders: {}\n")),
      options: { token_url: "https://login.example/oauth2/token", auth_type: "interactive", bearer_token: "tok-abc-123456", ApiKey: "k-987654321", password: "pw-55555" },
    });
    assert.equal(live.mask("POST https://login.example/oauth2/token (interactive)"), "POST https://login.example/oauth2/token (interactive)");
    for (const secret of ["tok-abc-123456", "k-987654321", "pw-55555"]) assert.equal(live.mask(`x ${secret} y`), "x **** y", secret);
  });

  it("names the setting at fault", () => {
    const cfg = loadConfig(config("DataProviders:\n  MSSentinel:\n    Args: {ClientId: a}\n    TimeoutSeconds: -3\n"));
    assert.throws(() => dataProviderSettings(cfg, "MSSentinel"), (e: unknown) => e instanceof ConfigError && /DataProviders\.MSSentinel\.TimeoutSeconds/.test(e.message));
  });
});

describe("a URL setting's error names where the value came from", () => {
  const file = () =>
    config(`${YAML}  Elasticsearch:
    Args: {Url: https://elastic.example:9200}
  Splunk:
    Args: {host: splunk.example, scheme: https}
`);
  const quiet = { warn: () => undefined, onProgress: () => undefined, interrupt: "never" as const };
  const live = (code: string, from: RegExp, notFrom?: string) => (e: unknown) => {
    const err = e as Error & { code?: string };
    assert.equal(err.code, code, err.message);
    assert.match(err.message, from);
    if (notFrom) assert.ok(!err.message.includes(notFrom), err.message);
    return true;
  };

  it("a connect() option is named as the option, not as DataProviders.<env>.Args (which may hold another, valid value)", async () => {
    const { QueryProvider } = await import("../../../src/data/queryProvider.js");
    const configPath = file();
    const sentinel = () => new QueryProvider("MSSentinel", { configPath, ...quiet });
    await assert.rejects(sentinel().connect({ Endpoint: "http://evil.example", client_secret: "s3cret-value" }), live("data/live-url", /^connect\(\{ Endpoint \}\): "http:\/\/evil\.example\/" must be an https/, "Args.Endpoint"));
    await assert.rejects(sentinel().connect({ authorityUrl: "http://login.evil.example", client_secret: "s3cret-value" }), live("data/live-url", /connect\(\{ authorityUrl \}\): "http:\/\/login\.evil\.example\/"/, "Args.AuthorityUrl"));
    await assert.rejects(new QueryProvider("Elasticsearch", { configPath, ...quiet }).connect({ url: "http://elastic.evil.example" }), live("data/live-url", /connect\(\{ url \}\): /, "Args.Url"));
    await assert.rejects(new QueryProvider("Splunk", { configPath, ...quiet }).connect({ Scheme: "http" }), live("data/live-url", /connect\(\{ Scheme \}\)\/DataProviders\.Splunk\.Args\.host: /));
  });

  it("a value from the config is named as its setting, as written", async () => {
    const { QueryProvider } = await import("../../../src/data/queryProvider.js");
    const configPath = config(YAML.replace("Endpoint: https://api.loganalytics.io", "endpoint: http://la.evil.example"));
    await assert.rejects(new QueryProvider("MSSentinel", { configPath, ...quiet }).connect({ client_secret: "s3cret-value" }), live("data/live-url", /DataProviders\.MSSentinel\.Args\.endpoint: "http:\/\/la\.evil\.example\/"/));
  });
});
