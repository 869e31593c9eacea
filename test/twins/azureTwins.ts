/** Starts the Azure AD, Log Analytics and Kusto twins together, with a config file pointing at them. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { AzureAdTwin, type AzureAdTwinOptions } from "./azureAd";
import { KustoTwin } from "./kusto";
import { LogAnalyticsTwin } from "./logAnalytics";

export const TWIN_TENANT = "72f988bf-0000-4000-8000-00000000beef";
export const TWIN_WORKSPACE = "8ecf8077-0000-4000-8000-0000000000aa";
export const TWIN_CLIENT = "11111111-2222-4333-8444-555555555555";
export const TWIN_DATABASE = "SecurityLogs";

export interface AzureTwins {
  ad: AzureAdTwin;
  logAnalytics: LogAnalyticsTwin;
  kusto: KustoTwin;
  /** A msticpyconfig.yaml for the twins (the secret read from `secretVariable`). */
  configPath: string;
  secret: string;
  secretVariable: string;
  stop(): Promise<void>;
}

/** Twin sets started in this process: each set's secret has its own variable (`npm test` runs many test files in one process). */
let started = 0;

/** Starts the three twins on 127.0.0.1 and writes a config for them (secret in an environment variable of its own). */
export async function startAzureTwins(options: Partial<AzureAdTwinOptions> = {}): Promise<AzureTwins> {
  const secret = options.clientSecret ?? `s3cr3t~${Math.random().toString(36).slice(2)}Zq`;
  const ad = await new AzureAdTwin({ tenantId: TWIN_TENANT, clientId: TWIN_CLIENT, clientSecret: secret, ...options }).start();
  const logAnalytics = await new LogAnalyticsTwin(ad, TWIN_WORKSPACE).start();
  const kusto = await new KustoTwin(ad, TWIN_DATABASE).start();
  started += 1;
  const secretVariable = `HUNTLAB_TWIN_SECRET_${started}`;
  process.env[secretVariable] = secret;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "huntlab-twins-"));
  const configPath = path.join(dir, "msticpyconfig.yaml");
  fs.writeFileSync(
    configPath,
    [
      "AzureSentinel:",
      "  Workspaces:",
      "    Default:",
      `      WorkspaceId: ${TWIN_WORKSPACE}`,
      `      TenantId: ${TWIN_TENANT}`,
      "DataProviders:",
      "  MSSentinel:",
      "    Args:",
      `      ClientId: ${TWIN_CLIENT}`,
      "      ClientSecret:",
      `        EnvironmentVar: ${secretVariable}`,
      `      Endpoint: ${logAnalytics.url}`,
      `      AuthorityUrl: ${ad.url}`,
      "  Kusto:",
      "    Args:",
      `      Cluster: ${kusto.url}`,
      `      Database: ${TWIN_DATABASE}`,
      `      ClientId: ${TWIN_CLIENT}`,
      "      ClientSecret:",
      `        EnvironmentVar: ${secretVariable}`,
      `      TenantId: ${TWIN_TENANT}`,
      `      AuthorityUrl: ${ad.url}`,
      "",
    ].join("\n"),
  );
  return {
    ad,
    logAnalytics,
    kusto,
    configPath,
    secret,
    secretVariable,
    async stop() {
      await Promise.all([ad.stop(), logAnalytics.stop(), kusto.stop()]);
      fs.rmSync(dir, { recursive: true, force: true });
      delete process.env[secretVariable];
    },
  };
}
