/**
 * Starts the protocol twins on 127.0.0.1 and prints their URLs as one JSON
 * line on stdout, then runs until SIGINT/SIGTERM (or stdin closes):
 *
 *   node --import tsx test/twins/serve.ts
 *   → {"logAnalytics":"http://127.0.0.1:…","azureAd":…,"kusto":…,"splunk":…,"elasticsearch":…,
 *      "tenantId":…,"workspaceId":…,"database":…,"configPath":…}
 *
 * `logAnalytics` also answers the Azure AD token and device-code paths, so the
 * notebook's `liveEndpoint` parameter is the one URL it needs (Endpoint and
 * AuthorityUrl); device-code sign-in completes after two polls. `configPath` is
 * a msticpyconfig.yaml for all twins (client secret in this process's environment variable `secretVariable`).
 */
import fs from "node:fs";
import path from "node:path";
import { AzureAdTwin } from "./azureAd";
import { LogAnalyticsTwin } from "./logAnalytics";
import { startAzureTwins, TWIN_CLIENT, TWIN_DATABASE, TWIN_TENANT, TWIN_WORKSPACE } from "./azureTwins";
import { startSplunkTwin } from "./splunk";
import { startElasticTwin } from "./elasticsearch";

async function main(): Promise<void> {
  const azure = await startAzureTwins({ interval: 0 });
  // The notebook's twin: tokens and queries on one port.
  const ad = await new AzureAdTwin({ tenantId: TWIN_TENANT, clientId: TWIN_CLIENT, clientSecret: azure.secret, interval: 0 }).start();
  const notebookLa = await new LogAnalyticsTwin(ad, TWIN_WORKSPACE, { serveTokens: true }).start();
  // Tokens are issued for the URL the client names as its resource: the combined port.
  const splunk = await startSplunkTwin();
  const elastic = await startElasticTwin();
  const extra = [
    "  Splunk:",
    "    Args:",
    `      host: ${splunk.host}`,
    `      port: ${splunk.port}`,
    "      scheme: http",
    "      bearer_token: twin-token",
    "  Elasticsearch:",
    "    Args:",
    `      Url: ${elastic.url}`,
    "",
  ].join("\n");
  fs.appendFileSync(azure.configPath, extra);
  const info = {
    logAnalytics: notebookLa.url,
    azureAd: azure.ad.url,
    logAnalyticsSeparate: azure.logAnalytics.url,
    kusto: azure.kusto.url,
    splunk: splunk.url,
    elasticsearch: elastic.url,
    tenantId: TWIN_TENANT,
    workspaceId: TWIN_WORKSPACE,
    clientId: TWIN_CLIENT,
    database: TWIN_DATABASE,
    configPath: path.resolve(azure.configPath),
    secretVariable: azure.secretVariable,
  };
  process.stdout.write(`${JSON.stringify(info)}\n`);
  const stop = async () => {
    await Promise.allSettled([azure.stop(), ad.stop(), notebookLa.stop(), splunk.close(), elastic.close()]);
    process.exit(0);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());
  process.stdin.on("end", () => void stop());
  process.stdin.resume();
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
