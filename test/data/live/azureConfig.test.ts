/**
 * MSTICPy's Azure settings as huntlab reads them, against the Azure AD, Log Analytics and Kusto twins:
 * which `AzureSentinel.Workspaces` entry a connect() picks, the cloud of `Azure.cloud` (where a sign-in and
 * a query go: seen by a proxy that refuses every tunnel, so nothing leaves the machine), and the Kusto cluster
 * of `KustoClusters` / `DataProviders.Kusto-<id>` (which one: the scope of the token asked for).
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { inspect } from "node:util";
import { after, before, describe, it } from "node:test";
import { QueryProvider } from "../../../src/data/queryProvider";
import { QueryError } from "../../../src/data/messages";
import { startAzureTwins, TWIN_CLIENT, TWIN_DATABASE, TWIN_TENANT, TWIN_WORKSPACE, type AzureTwins } from "../../twins/azureTwins";
import { tempDir } from "../../helpers/tmp";
import { withProxyEnv } from "../../helpers/proxyEnv";
import { startProxy } from "../../twins/proxy";

let twins: AzureTwins;
const quiet = { warn: () => undefined, onProgress: () => undefined, interrupt: "never" as const };

before(async () => {
  twins = await startAzureTwins();
});
after(async () => {
  await twins.stop();
});

/** The twins' config with its `AzureSentinel:` section replaced by `sentinel` (YAML lines), and `lines` dropped from the rest. */
function configWith(sentinel: string[], drop: RegExp[] = []): string {
  const text = fs.readFileSync(twins.configPath, "utf8");
  const rest = text.slice(text.indexOf("DataProviders:")).split("\n").filter((line) => !drop.some((d) => d.test(line)));
  const file = path.join(tempDir("huntlab-azure-"), "msticpyconfig.yaml");
  fs.writeFileSync(file, [...sentinel, ...rest].join("\n"));
  return file;
}

/** The twins' AzureSentinel section, and an `Azure:` section of `azure` (YAML lines). */
function cloudConfig(azure: string[], drop: RegExp[] = []): string {
  return configWith(["Azure:", ...azure.map((l) => `  ${l}`), "AzureSentinel:", "  Workspaces:", "    Default:", `      WorkspaceId: ${TWIN_WORKSPACE}`, `      TenantId: ${TWIN_TENANT}`], drop);
}

function isCode(code: string, ...parts: RegExp[]) {
  return (e: unknown) => {
    assert.ok(e instanceof QueryError, `expected a QueryError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    for (const p of parts) assert.match(e.message, p);
    return true;
  };
}

/** Connects with `options` and runs a query: the twin answers only for its workspace, TWIN_WORKSPACE (another is WorkspaceNotFound). */
async function queryIn(configPath: string, options: Record<string, unknown> = {}): Promise<void> {
  const qp = new QueryProvider("MSSentinel", { configPath, ...quiet });
  await qp.connect(options);
  const df = await qp.execQuery("SecurityAlert | take 1");
  assert.equal(df.height, 1);
}

describe("AzureSentinel.Workspaces: which workspace connect() uses, as MSTICPy's WorkspaceConfig picks it", () => {
  const other = "22222222-0000-4000-8000-000000000002";
  const two = () =>
    configWith([
      "AzureSentinel:",
      "  Workspaces:",
      "    CyberSoc:",
      `      WorkspaceId: ${TWIN_WORKSPACE}`,
      `      TenantId: ${TWIN_TENANT}`,
      "      WorkspaceName: SOC-Main",
      "    Other:",
      `      WorkspaceId: ${other}`,
      `      TenantId: ${TWIN_TENANT}`,
    ]);

  it("the only workspace, when it is not named Default", async () => {
    const file = configWith(["AzureSentinel:", "  Workspaces:", "    CyberSoc:", `      WorkspaceId: ${TWIN_WORKSPACE}`, `      TenantId: ${TWIN_TENANT}`]);
    await queryIn(file);
  });

  it("a name matches an entry's key, its WorkspaceName or its WorkspaceId, in any case", async () => {
    const file = two();
    for (const workspace of ["CyberSoc", "cybersoc", "SOC-Main", "soc-main", TWIN_WORKSPACE, TWIN_WORKSPACE.toUpperCase()]) {
      await queryIn(file, { workspace });
    }
    // The other entry is another workspace: the twin does not know it.
    await assert.rejects(queryIn(file, { workspace: "other" }), isCode("data/live-query-failed", /WorkspaceNotFound/));
  });

  it("several workspaces and none named Default: an error naming them and the option (no silent pick)", async () => {
    const qp = new QueryProvider("MSSentinel", { configPath: two(), ...quiet });
    await assert.rejects(qp.connect(), isCode("data/live-config", /AzureSentinel\.Workspaces: 2 workspaces and none is named Default \(workspaces: CyberSoc, Other\)/, /connect\(\{ workspace: "CyberSoc" \}\)/));
  });

  it("a name that matches nothing is named with the workspaces there are", async () => {
    const qp = new QueryProvider("MSSentinel", { configPath: two(), ...quiet });
    await assert.rejects(qp.connect({ workspace: "SOC-Mian" }), isCode("data/live-config", /AzureSentinel\.Workspaces\.SOC-Mian: no workspace "SOC-Mian" .*key, WorkspaceName or WorkspaceId \(workspaces: CyberSoc, Other\)/));
  });
});

describe("Azure.cloud: the sign-in authority and the Log Analytics endpoint of MSTICPy's cloud mappings", () => {
  const ENDPOINT = /^\s+Endpoint:/;
  const AUTHORITY = /^\s+AuthorityUrl:/;

  /** Runs `body` with every https request going to a proxy that refuses it; the CONNECT targets it saw. */
  async function tunnelsOf(body: () => Promise<void>): Promise<string[]> {
    const proxy = await startProxy({ refuseConnect: 403 });
    try {
      await withProxyEnv({ HTTPS_PROXY: proxy.url }, body);
      return proxy.seen.map((s) => `${s.method} ${s.target}`);
    } finally {
      await proxy.close();
    }
  }

  it("cloud: usgov signs in at login.microsoftonline.us (the client secret never goes to the public cloud's authority)", async () => {
    const file = cloudConfig(["cloud: usgov"], [ENDPOINT, AUTHORITY]);
    const seen = await tunnelsOf(async () => {
      const qp = new QueryProvider("MSSentinel", { configPath: file, ...quiet, retries: 0 });
      await assert.rejects(qp.connect(), isCode("data/live-http", /login\.microsoftonline\.us/));
    });
    assert.deepEqual(seen, ["CONNECT login.microsoftonline.us:443"]);
  });

  it("queries go to the cloud's Log Analytics endpoint, and the token is asked for it; aliases and any case are accepted", async () => {
    for (const cloud of ["usgov", "Gov"]) {
      const file = cloudConfig([`cloud: ${cloud}`], [ENDPOINT]);
      const seen = await tunnelsOf(async () => {
        const qp = new QueryProvider("MSSentinel", { configPath: file, ...quiet, retries: 0 });
        await qp.connect();
        await assert.rejects(qp.execQuery("SecurityAlert | take 1"), /api\.loganalytics\.us/);
      });
      assert.deepEqual(seen, ["CONNECT api.loganalytics.us:443"], cloud);
      assert.equal(twins.ad.requests.at(-1)?.form.scope, "https://api.loganalytics.us/.default");
    }
    const china = cloudConfig(["cloud: china"], [ENDPOINT, AUTHORITY]);
    const seen = await tunnelsOf(async () => {
      await assert.rejects(new QueryProvider("MSSentinel", { configPath: china, ...quiet, retries: 0 }).connect(), isCode("data/live-http"));
    });
    assert.deepEqual(seen, ["CONNECT login.chinacloudapi.cn:443"]);
  });

  it("explicit Endpoint and AuthorityUrl settings win over the cloud", async () => {
    await queryIn(cloudConfig(["cloud: cn"]));
  });

  it("a cloud name MSTICPy does not map is an error naming Azure.cloud and the names accepted (not the public cloud in silence)", async () => {
    for (const [cloud, extra] of [["usgovernment", /$/], ["de", /Azure Germany \(de\) is closed/]] as const) {
      const qp = new QueryProvider("MSSentinel", { configPath: cloudConfig([`cloud: ${cloud}`]), ...quiet });
      await assert.rejects(qp.connect(), isCode("data/live-config", new RegExp(`MSSentinel: Azure\\.cloud: "${cloud}" is not an Azure cloud huntlab knows: global, usgov, cn \\(or public, gov, china\\)`), extra));
    }
    const kusto = new QueryProvider("Kusto", { configPath: cloudConfig(["cloud: mars"]), ...quiet });
    await assert.rejects(kusto.connect(), isCode("data/live-config", /Kusto: Azure\.cloud: "mars"/));
  });

  it("DataProviders.AzureCLI's settings other than the env sign-in's (auth_methods) are said, once, not to be read; ClientId and ClientSecret set win over Azure.auth_methods", async () => {
    const file = cloudConfig(["auth_methods: [cli, msi]"]);
    fs.appendFileSync(file, "\n  AzureCLI:\n    Args:\n      auth_methods: [cli]\n");
    const warnings: string[] = [];
    const qp = new QueryProvider("MSSentinel", { configPath: file, ...quiet, warn: (m) => warnings.push(m) });
    await qp.connect();
    await qp.connect();
    assert.deepEqual(warnings.filter((w) => /not read/.test(w)).length, 1, warnings.join("\n"));
    assert.match(warnings[0], /DataProviders\.AzureCLI\.Args: auth_methods not read \(nor by MSTICPy, which reads clientId, tenantId and clientSecret there, for the env sign-in\); the sign-ins tried are Azure\.auth_methods'/);
    assert.equal(twins.ad.requests.at(-1)?.form.grant_type, "client_credentials");
  });

  describe("Azure.auth_methods, MSTICPy's chain of credential types, when no ClientSecret is set: the first that can sign in", () => {
    /** The twins' config without a ClientSecret, with `auth_methods`. */
    const chain = (methods: string) => cloudConfig([`auth_methods: ${methods}`], [/ClientSecret:/, /EnvironmentVar:/]);
    const ENV = { AZURE_CLIENT_ID: TWIN_CLIENT, AZURE_TENANT_ID: TWIN_TENANT, AZURE_CLIENT_SECRET: "" };
    function withEnv<T>(values: Record<string, string | undefined>, run: () => Promise<T>): Promise<T> {
      const saved = Object.fromEntries(Object.keys(values).map((k) => [k, process.env[k]]));
      const put = (v: Record<string, string | undefined>) => {
        for (const [k, x] of Object.entries(v)) x === undefined ? delete process.env[k] : (process.env[k] = x);
      };
      put(values);
      return run().finally(() => put(saved));
    }

    it("env: client credentials from AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_CLIENT_SECRET (types huntlab has not, msi, are passed over with a note)", async () => {
      const warnings: string[] = [];
      const qp = new QueryProvider("MSSentinel", { configPath: chain("[msi, env, cli]"), ...quiet, warn: (m) => warnings.push(m) });
      await withEnv({ ...ENV, AZURE_CLIENT_SECRET: twins.secret }, () => qp.connect());
      const request = twins.ad.requests.at(-1);
      assert.equal(request?.form.grant_type, "client_credentials");
      assert.equal(request?.form.client_id, TWIN_CLIENT);
      assert.ok(warnings.some((w) => /Azure\.auth_methods: msi is not a sign-in huntlab has/.test(w)), warnings.join("\n"));
      assert.equal(qp.toString().includes(twins.secret), false);
    });

    /** A stand-in `az` in a folder of its own: printing a token (and its arguments to args.txt), or failing as one not logged in. */
    function fakeAz(works: boolean): { dir: string; log: string } {
      const dir = tempDir("huntlab-az-");
      const log = path.join(dir, "args.txt");
      const expires = Math.floor(Date.now() / 1000) + 3600;
      const body = works
        ? `echo "$@" > ${JSON.stringify(log)}\necho '{"accessToken":"cli-token-abcdef","expires_on":${expires},"tenant":"${TWIN_TENANT}","tokenType":"Bearer"}'\n`
        : "echo \"ERROR: Please run 'az login' to setup account.\" >&2\nexit 1\n";
      fs.writeFileSync(path.join(dir, "az"), `#!/bin/sh\n${body}`, { mode: 0o755 });
      return { dir, log };
    }
    const onPath = (dir: string) => `${dir}${path.delimiter}${process.env.PATH ?? ""}`;

    it("a sign-in that is refused falls through to the next listed (env's 401 invalid_client, then cli), with a warning naming it and why, no secret in it", async () => {
      const az = fakeAz(true);
      const wrong = "Wr0ng-env-s3cret-42";
      const warnings: string[] = [];
      const qp = new QueryProvider("MSSentinel", { configPath: chain("[env, cli]"), ...quiet, warn: (m) => warnings.push(m) });
      await withEnv({ ...ENV, AZURE_CLIENT_SECRET: wrong, PATH: onPath(az.dir) }, () => qp.connect());
      assert.equal(twins.ad.requests.at(-1)?.form.client_secret, wrong, "env was tried first");
      assert.match(fs.readFileSync(az.log, "utf8"), /^account get-access-token --resource /, "then cli signed in");
      const note = warnings.find((w) => /Azure\.auth_methods: signed in by cli/.test(w));
      assert.ok(note, warnings.join("\n"));
      assert.match(note, /^MSSentinel: Azure\.auth_methods: signed in by cli; before it, env: invalid_client: AADSTS7000215: Invalid client secret provided/);
      assert.ok(!warnings.join("\n").includes(wrong));
    });

    it("when every sign-in listed fails, one data/live-auth error names each and its reason (those that could not try too), no secret in it", async () => {
      const az = fakeAz(false);
      const wrong = "Wr0ng-env-s3cret-43";
      const qp = new QueryProvider("MSSentinel", { configPath: chain("[msi, env, cli]"), ...quiet });
      const err = await withEnv({ ...ENV, AZURE_CLIENT_SECRET: wrong, PATH: onPath(az.dir) }, () => qp.connect().then(() => undefined, (e: unknown) => e));
      assert.ok(
        isCode(
          "data/live-auth",
          /^MSSentinel: sign-in by Azure\.auth_methods failed: no credential type listed signed in \(msi: not a sign-in huntlab has; env: invalid_client: AADSTS7000215: Invalid client secret provided\.[^;]*; cli: ERROR: Please run 'az login' to setup account\. \(run `az login`\)\)$/,
        )(err),
      );
      assert.ok(!String(err).includes(wrong));
    });

    it("env: DataProviders.AzureCLI.Args' clientId, tenantId and clientSecret, where MSTICPy's az_connect reads them (secrets resolved and masked), without changing the environment", async () => {
      const file = chain("[env]");
      fs.appendFileSync(file, ["", "  AzureCLI:", "    Args:", `      clientId: ${TWIN_CLIENT}`, `      tenantId: ${TWIN_TENANT}`, "      clientSecret:", `        EnvironmentVar: ${twins.secretVariable}`, ""].join("\n"));
      const none = { AZURE_CLIENT_ID: undefined, AZURE_TENANT_ID: undefined, AZURE_CLIENT_SECRET: undefined };
      const qp = new QueryProvider("MSSentinel", { configPath: file, ...quiet });
      await withEnv(none, async () => {
        await qp.connect();
        assert.equal(process.env.AZURE_CLIENT_SECRET, undefined, "MSTICPy sets the variables; huntlab leaves them");
      });
      const request = twins.ad.requests.at(-1);
      assert.equal(request?.form.grant_type, "client_credentials");
      assert.equal(request?.form.client_id, TWIN_CLIENT);
      assert.equal(request?.form.client_secret, twins.secret);
      assert.equal((await qp.execQuery("SecurityAlert | take 1")).height, 1);
      assert.ok(!inspect(qp, { depth: 8 }).includes(twins.secret));
      // A setting left out takes its variable (MSTICPy emptied it); Azure.auth_methods unset: MSTICPy's default chain, env first.
      const partial = cloudConfig([], [/ClientSecret:/, /EnvironmentVar:/]);
      fs.appendFileSync(partial, ["", "  AzureCLI:", "    Args:", "      clientSecret:", `        EnvironmentVar: ${twins.secretVariable}`, ""].join("\n"));
      await withEnv({ ...none, AZURE_CLIENT_ID: TWIN_CLIENT, AZURE_TENANT_ID: TWIN_TENANT, PATH: path.join(tempDir("huntlab-noaz-"), "none") }, () => queryIn(partial));
      assert.equal(twins.ad.requests.at(-1)?.form.grant_type, "client_credentials");
      // Without it, the error names both places.
      const missing = cloudConfig(["auth_methods: [env]"], [/ClientSecret:/, /EnvironmentVar:/]);
      fs.appendFileSync(missing, ["", "  AzureCLI:", "    Args:", `      clientId: ${TWIN_CLIENT}`, ""].join("\n"));
      await withEnv(none, () =>
        assert.rejects(new QueryProvider("MSSentinel", { configPath: missing, ...quiet }).connect(), isCode("data/live-config", /env: AZURE_TENANT_ID \(or DataProviders\.AzureCLI\.Args\.tenantId\), AZURE_CLIENT_SECRET \(or DataProviders\.AzureCLI\.Args\.clientSecret\) not set/)),
      );
    });

    it("cli: `az account get-access-token` when az is on PATH; none that can sign in is an error naming Azure.auth_methods and why each cannot", async () => {
      const dir = tempDir("huntlab-az-");
      const log = path.join(dir, "args.txt");
      const expires = Math.floor(Date.now() / 1000) + 3600;
      fs.writeFileSync(path.join(dir, "az"), `#!/bin/sh\necho "$@" > ${JSON.stringify(log)}\necho '{"accessToken":"cli-token-abcdef","expires_on":${expires},"tenant":"${TWIN_TENANT}","tokenType":"Bearer"}'\n`, { mode: 0o755 });
      const noAz = path.join(dir, "nothing-here");
      await withEnv({ PATH: `${dir}${path.delimiter}${process.env.PATH ?? ""}`, AZURE_CLIENT_ID: undefined, AZURE_TENANT_ID: undefined, AZURE_CLIENT_SECRET: undefined }, () =>
        new QueryProvider("MSSentinel", { configPath: chain("[env, cli]"), ...quiet }).connect(),
      );
      assert.equal(fs.readFileSync(log, "utf8").trim(), `account get-access-token --resource ${twins.logAnalytics.url} -o json --tenant ${TWIN_TENANT}`);
      // Without az (and the env variables): not a device-code sign-in in silence, which the chain does not list.
      const qp = new QueryProvider("MSSentinel", { configPath: chain("[env, cli, msi]"), ...quiet });
      await withEnv({ PATH: noAz, AZURE_CLIENT_ID: TWIN_CLIENT, AZURE_TENANT_ID: undefined, AZURE_CLIENT_SECRET: undefined }, () =>
        assert.rejects(
          qp.connect(),
          isCode("data/live-config", /MSSentinel: Azure\.auth_methods: no credential type listed can sign in here \(env: AZURE_TENANT_ID, AZURE_CLIENT_SECRET not set; cli: az is not on PATH; msi: not a sign-in huntlab has\)/),
        ),
      );
    });
  });
});

describe("Kusto clusters as MSTICPy reads them: KustoClusters (with ClusterDefaults) and DataProviders.Kusto-<id>", () => {
  /** A config of Kusto clusters only: the lab's twin, two others (never contacted: connect() only signs in). */
  function clustersConfig(clusters: string[]): string {
    const file = path.join(tempDir("huntlab-kusto-"), "msticpyconfig.yaml");
    const defaults = ["  ClusterDefaults:", "    Args:", `      TenantId: ${TWIN_TENANT}`, `      ClientId: ${TWIN_CLIENT}`, "      ClientSecret:", `        EnvironmentVar: ${twins.secretVariable}`, `      AuthorityUrl: ${twins.ad.url}`];
    fs.writeFileSync(file, ["KustoClusters:", ...defaults, ...clusters, ""].join("\n"));
    return file;
  }
  const LAB = () => ["  Lab:", "    Args:", `      Cluster: ${twins.kusto.url}`, `      Database: ${TWIN_DATABASE}`];
  const EU = ["  EU:", "    Args:", "      Cluster: https://eucluster.kusto.windows.net", "      DefaultDatabase: SecurityLogs"];
  const MDE = ["DataProviders:", "  Kusto-MDE:", "    Args:", "      Cluster: https://mde.kusto.windows.net", "      Database: mde"];

  /** Connects with `options`: the resource of the token asked for (the cluster chosen). */
  async function clusterChosen(configPath: string, options: Record<string, unknown>): Promise<string | undefined> {
    await new QueryProvider("Kusto", { configPath, ...quiet }).connect(options);
    return twins.ad.requests.at(-1)?.form.scope;
  }

  it("connect({ cluster }) by id, short name or URL, in any case; credentials and tenant from ClusterDefaults, the database from the entry", async () => {
    const file = clustersConfig([...LAB(), ...EU, ...MDE]);
    const qp = new QueryProvider("Kusto", { configPath: file, ...quiet });
    await qp.connect({ cluster: "lab" });
    assert.equal((await qp.execQuery("SecurityAlert | take 2")).height, 2);
    assert.equal(twins.kusto.queries.at(-1)?.db, TWIN_DATABASE);
    for (const cluster of ["EU", "eucluster", "EUCLUSTER", "https://EUcluster.kusto.windows.net/"]) {
      assert.equal(await clusterChosen(file, { cluster }), "https://eucluster.kusto.windows.net/.default", cluster);
    }
    // The older DataProviders.Kusto-<id> entries, by their id without Kusto-.
    assert.equal(await clusterChosen(file, { cluster: "MDE" }), "https://mde.kusto.windows.net/.default");
    assert.equal(twins.ad.requests.at(-1)?.path, `/${TWIN_TENANT}/oauth2/v2.0/token`);
    // The tenant_id option wins over the settings' TenantId (the setting hid it).
    const other = "33333333-0000-4000-8000-000000000003";
    await new QueryProvider("Kusto", { configPath: file, ...quiet }).connect({ cluster: "EU", tenant_id: other }).catch(() => undefined);
    assert.equal(twins.ad.requests.at(-1)?.path, `/${other}/oauth2/v2.0/token`);
  });

  it("a cluster entry's secret read from an unset variable is said, naming the setting", async () => {
    const file = clustersConfig(["  EU:", "    Args:", "      Cluster: https://eucluster.kusto.windows.net", "      Database: db", "      ClientSecret:", "        EnvironmentVar: HUNTLAB_TEST_UNSET_KUSTO_SECRET"]);
    delete process.env.HUNTLAB_TEST_UNSET_KUSTO_SECRET;
    const warnings: string[] = [];
    await new QueryProvider("Kusto", { configPath: file, ...quiet, warn: (m) => warnings.push(m) }).connect({ cluster: "EU" }).catch(() => undefined);
    assert.ok(warnings.some((w) => /Kusto: KustoClusters\.EU\.Args\.ClientSecret is not used: environment variable HUNTLAB_TEST_UNSET_KUSTO_SECRET is not set/.test(w)), warnings.join("\n"));
  });

  it("without the option: the only cluster configured; several and no DataProviders.Kusto: an error listing them", async () => {
    assert.equal(await clusterChosen(clustersConfig(EU), {}), "https://eucluster.kusto.windows.net/.default");
    const qp = new QueryProvider("Kusto", { configPath: clustersConfig([...LAB(), ...EU, ...MDE]), ...quiet });
    await assert.rejects(qp.connect(), isCode("data/live-config", /Kusto: DataProviders\.Kusto\.Args\.Cluster: no cluster URL .*connect\(\{ cluster \}\) \(clusters: Lab, EU, MDE\)/));
  });

  it("a cluster option that names no cluster is an error naming the option (not DataProviders.Kusto.Args.Cluster)", async () => {
    const qp = new QueryProvider("Kusto", { configPath: clustersConfig([...LAB(), ...EU]), ...quiet });
    await assert.rejects(qp.connect({ cluster: "Cluster9", database: "db" }), isCode("data/live-config", /Kusto: connect\(\{ cluster \}\): "Cluster9" is neither a cluster of msticpyconfig\.yaml .*\(clusters: Lab, EU\) nor a cluster URL/));
    const err = await qp.connect({ Cluster: "http://mycluster.kusto.windows.net", database: "db" }).then(() => undefined, (e: unknown) => e);
    assert.ok(isCode("data/live-url", /connect\(\{ Cluster \}\)/)(err));
    assert.ok(!String((err as Error).message).includes("DataProviders.Kusto.Args.Cluster"), String(err));
  });
});
