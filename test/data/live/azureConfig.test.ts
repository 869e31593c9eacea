/**
 * MSTICPy's Azure settings as huntlab reads them, against the Azure AD, Log Analytics and Kusto twins:
 * which `AzureSentinel.Workspaces` entry a connect() picks.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { QueryProvider } from "../../../src/data/queryProvider";
import { QueryError } from "../../../src/data/messages";
import { startAzureTwins, TWIN_TENANT, TWIN_WORKSPACE, type AzureTwins } from "../../twins/azureTwins";
import { tempDir } from "../../helpers/tmp";

let twins: AzureTwins;
const quiet = { warn: () => undefined, onProgress: () => undefined, interrupt: "never" as const };

before(async () => {
  twins = await startAzureTwins();
});
after(async () => {
  await twins.stop();
});

/** The twins' config with its `AzureSentinel:` section replaced by `sentinel` (YAML lines). */
function configWith(sentinel: string[]): string {
  const text = fs.readFileSync(twins.configPath, "utf8");
  const rest = text.slice(text.indexOf("DataProviders:"));
  const file = path.join(tempDir("huntlab-azure-"), "msticpyconfig.yaml");
  fs.writeFileSync(file, [...sentinel, rest].join("\n"));
  return file;
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
