/** Azure AD sign-in flows against the token endpoint twin, and the Azure CLI through a stand-in `az`. */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { AzureTokenSource, type AzureAuthConfig } from "../../../src/data/live/azureAuth";
import { createLiveSettings } from "../../../src/data/live/settings";
import { QueryError } from "../../../src/data/messages";
import { QueryProvider } from "../../../src/data/queryProvider";
import { AzureAdTwin } from "../../twins/azureAd";
import { startAzureTwins, TWIN_CLIENT, TWIN_TENANT, type AzureTwins } from "../../twins/azureTwins";

let twins: AzureTwins;
before(async () => {
  twins = await startAzureTwins();
});
after(async () => {
  await twins.stop();
});

const signal = () => new AbortController().signal;

function source(config: Partial<AzureAuthConfig>, now?: () => number, ad: AzureAdTwin = twins.ad) {
  const settings = createLiveSettings({ environment: "MSSentinel", configPath: twins.configPath, warn: () => undefined });
  const printed: string[] = [];
  const src = new AzureTokenSource(
    { environment: "MSSentinel", authorityUrl: ad.url, tenantId: TWIN_TENANT, resource: twins.logAnalytics.url, method: "client_secret", clientId: TWIN_CLIENT, clientSecret: twins.secret, print: (t) => printed.push(t), ...config },
    settings,
    now,
  );
  return { src, settings, printed };
}

describe("Azure AD sign-in", () => {
  it("client credentials: one token request, cached until near expiry, then fetched again", async () => {
    let clock = Date.now();
    const { src } = source({}, () => clock);
    const before = twins.ad.requests.length;
    const t1 = await src.getToken(signal());
    const t2 = await src.getToken(signal());
    assert.equal(t1, t2);
    assert.equal(twins.ad.requests.length, before + 1);
    assert.equal(twins.ad.check(`Bearer ${t1}`, twins.logAnalytics.url), "ok");
    clock += 3600_000 - 60_000; // inside the 5-minute renewal margin
    const t3 = await src.getToken(signal());
    assert.notEqual(t3, t1);
    assert.equal(twins.ad.requests.length, before + 2);
  });

  it("reports AAD's error (code, not the secret) for a wrong client or tenant", async () => {
    const wrongSecret = "totally-wrong-secret";
    const { src } = source({ clientSecret: wrongSecret });
    const err = await src.getToken(signal()).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof QueryError && err.code === "data/live-auth");
    assert.match(err.message, /client credentials.*invalid_client: AADSTS7000215/);
    assert.ok(!err.message.includes(wrongSecret));
    const tenant = source({ tenantId: "not-a-tenant" }).src;
    await assert.rejects(tenant.getToken(signal()), (e: unknown) => e instanceof QueryError && /invalid_tenant/.test(e.message));
  });

  it("device code: prints the code and URL, polls until the sign-in completes, then refreshes with the refresh token", async () => {
    let clock = Date.now();
    const { src, printed } = source({ method: "device_code", clientSecret: undefined }, () => clock);
    const token = await src.getToken(signal());
    assert.equal(twins.ad.check(`Bearer ${token}`, twins.logAnalytics.url), "ok");
    assert.match(printed.join("\n"), /https:\/\/microsoft\.com\/devicelogin.*HLTWIN42/);
    const polls = twins.ad.requests.filter((r) => r.form.grant_type?.endsWith("device_code"));
    assert.equal(polls.length, 3, "two authorization_pending answers, then the token");
    clock += 3600_000;
    const refreshed = await src.getToken(signal());
    assert.notEqual(refreshed, token);
    assert.equal(twins.ad.requests.at(-1)?.form.grant_type, "refresh_token");
  });

  it("device code: gives up after the timeout when nobody signs in", async () => {
    const lazy = await new AzureAdTwin({ tenantId: TWIN_TENANT, clientId: TWIN_CLIENT, clientSecret: "x", neverApprove: true, interval: 0 }).start();
    try {
      const { src } = source({ method: "device_code", deviceCodeTimeoutMs: 100 }, undefined, lazy);
      await assert.rejects(src.getToken(signal()), (e: unknown) => e instanceof QueryError && e.code === "data/live-auth" && /device code.*within/.test(e.message));
    } finally {
      await lazy.stop();
    }
  });

  it("Azure CLI: runs `az account get-access-token --resource … -o json` and uses its token", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "huntlab-az-"));
    const az = path.join(dir, "az");
    const log = path.join(dir, "args.txt");
    const expires = Math.floor(Date.now() / 1000) + 3600;
    fs.writeFileSync(az, `#!/bin/sh\necho "$@" > ${JSON.stringify(log)}\necho '{"accessToken":"cli-token-abcdef","expires_on":${expires},"tenant":"${TWIN_TENANT}","tokenType":"Bearer"}'\n`, { mode: 0o755 });
    const failing = path.join(dir, "az-fail");
    fs.writeFileSync(failing, "#!/bin/sh\necho 'ERROR: Please run az login to setup account.' >&2\nexit 1\n", { mode: 0o755 });
    try {
      const { src } = source({ method: "cli", azPath: az });
      assert.equal(await src.getToken(signal()), "cli-token-abcdef");
      assert.equal(fs.readFileSync(log, "utf8").trim(), `account get-access-token --resource ${twins.logAnalytics.url} -o json --tenant ${TWIN_TENANT}`);
      const bad = source({ method: "cli", azPath: failing }).src;
      await assert.rejects(bad.getToken(signal()), (e: unknown) => e instanceof QueryError && /Azure CLI.*az login/.test(e.message));
      const none = source({ method: "cli", azPath: undefined }).src;
      const oldPath = process.env.PATH;
      process.env.PATH = dir.replace(/\/[^/]*$/, "/nothing-here");
      try {
        await assert.rejects(none.getToken(signal()), (e: unknown) => e instanceof QueryError && /`az` is not on PATH/.test(e.message));
      } finally {
        process.env.PATH = oldPath;
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("connect() picks the method: auth_method option, else client credentials when a secret is configured", async () => {
    const qp = new QueryProvider("MSSentinel", { configPath: twins.configPath, warn: () => undefined, interrupt: "never" });
    await assert.rejects(qp.connect({ auth_method: "magic" }), (e: unknown) => e instanceof QueryError && e.code === "data/live-config" && /client_secret, cli, device_code/.test(e.message));
    await qp.connect({ auth_method: "device_code" });
    assert.equal(twins.ad.requests.at(-1)?.form.grant_type, "urn:ietf:params:oauth:grant-type:device_code");
    const byConfig = new QueryProvider("MSSentinel", { configPath: twins.configPath, warn: () => undefined, interrupt: "never" });
    await byConfig.connect();
    assert.equal(twins.ad.requests.at(-1)?.form.grant_type, "client_credentials");
  });
});
