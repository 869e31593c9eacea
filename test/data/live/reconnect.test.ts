/**
 * connect() re-run in a notebook: the last connect() called decides where
 * queries go. A cell re-run with another workspace while the first sign-in is
 * still waiting (a device code, a slow token service) must not be overridden
 * when that first sign-in ends later; a re-connect that fails must not leave
 * the provider on the old workspace, answering queries the user now means for
 * the new one.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { liveDriverFactory, registerLiveDriver, type LiveDriverFactory } from "../../../src/data/live/drivers/index";
import { createSplunkDriver } from "../../../src/data/live/drivers/splunk";
import { QueryError, dataMessages } from "../../../src/data/messages";
import { QueryProvider } from "../../../src/data/queryProvider";
import { tempDir } from "../../helpers/tmp";

/** Sign-ins waiting, by the `workspace` option of their connect(): release one with its resolve/reject. */
const pending = new Map<string, { resolve: () => void; reject: (err: Error) => void }>();
/** The workspace each query ran against. */
const queried: string[] = [];

describe("connect() re-run: the last call decides", () => {
  let saved: LiveDriverFactory | undefined;
  let configPath: string;
  before(() => {
    configPath = path.join(tempDir(), "msticpyconfig.yaml");
    fs.writeFileSync(configPath, "DataProviders: {}\n");
    saved = liveDriverFactory("Splunk");
    // A driver that signs in when the test says so and answers each query with the workspace it signed in to.
    registerLiveDriver("Splunk", () => {
      let workspace: string | undefined;
      return {
        environment: "Splunk",
        language: "spl",
        get connected() {
          return workspace !== undefined;
        },
        connect(options: Record<string, unknown>) {
          const name = String(options.workspace);
          return new Promise<void>((resolve, reject) => {
            // As the real drivers do: an abort (Interrupt Kernel, the provider's signal) ends the sign-in.
            (options.signal as AbortSignal | undefined)?.addEventListener("abort", () => reject(new Error("aborted")), { once: true });
            pending.set(name, {
              resolve: () => {
                workspace = name;
                resolve();
              },
              reject,
            });
          });
        },
        async query() {
          queried.push(workspace as string);
          return { columns: [{ name: "workspace", type: "string" }], rows: [[workspace as string]], warnings: [] };
        },
      };
    });
  });
  after(() => registerLiveDriver("Splunk", saved ?? createSplunkDriver));

  const release = async (name: string, err?: Error) => {
    // The sign-in starts after connect()'s settings are read: wait for it to be asked for.
    while (!pending.has(name)) await new Promise((r) => setImmediate(r));
    const p = pending.get(name) as { resolve: () => void; reject: (err: Error) => void };
    pending.delete(name);
    if (err) p.reject(err);
    else p.resolve();
  };
  const workspaceOf = async (qp: QueryProvider) => {
    const df = await qp.execQuery("search index=main");
    return df.getColumn("workspace").toArray()[0];
  };

  it("a first sign-in ending after the re-run's does not take the provider back to the old workspace", async () => {
    const qp = new QueryProvider("Splunk", { configPath, warn: () => {} });
    const first = qp.connect({ workspace: "old" });
    const second = qp.connect({ workspace: "new" });
    await release("new");
    await second;
    await release("old");
    await first;
    assert.equal(qp.connected, true);
    assert.equal(await workspaceOf(qp), "new");
  });

  it("a re-connect that fails leaves the provider not connected, not on the old workspace", async () => {
    const qp = new QueryProvider("Splunk", { configPath, warn: () => {} });
    const first = qp.connect({ workspace: "old" });
    await release("old");
    await first;
    assert.equal(await workspaceOf(qp), "old");
    const second = qp.connect({ workspace: "typo" });
    await release("typo", new QueryError(dataMessages.liveAuth("Splunk", "token", "workspace typo refused")));
    await assert.rejects(second, /workspace typo refused/);
    assert.equal(qp.connected, false);
    await assert.rejects(workspaceOf(qp), (err: unknown) => err instanceof QueryError && err.code === "data/live-not-connected");
  });

  it("an interrupted re-connect leaves the provider not connected", async () => {
    const interrupt = new AbortController();
    const qp = new QueryProvider("Splunk", { configPath, warn: () => {}, signal: interrupt.signal });
    const first = qp.connect({ workspace: "old" });
    await release("old");
    await first;
    const second = qp.connect({ workspace: "waiting" });
    while (!pending.has("waiting")) await new Promise((r) => setImmediate(r));
    interrupt.abort();
    await assert.rejects(second, (err: unknown) => err instanceof QueryError && err.code === "data/live-cancelled");
    pending.delete("waiting");
    assert.equal(qp.connected, false);
  });

  it("a query started before the re-connect ends on the workspace it started on", async () => {
    const qp = new QueryProvider("Splunk", { configPath, warn: () => {} });
    const first = qp.connect({ workspace: "old" });
    await release("old");
    await first;
    queried.length = 0;
    const before = qp.execQuery("search index=main");
    const second = qp.connect({ workspace: "new" });
    await release("new");
    await second;
    assert.equal((await before).getColumn("workspace").toArray()[0], "old");
    assert.equal(await workspaceOf(qp), "new");
    assert.deepEqual(queried, ["old", "new"]);
  });
});
