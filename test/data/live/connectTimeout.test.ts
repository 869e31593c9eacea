/**
 * connect() is bounded by timeoutMs: a server that accepts the connection and
 * never answers (Splunk's token check, Elasticsearch's `GET /`, the Azure AD
 * token request) ends in data/live-timeout naming the provider's connect step.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { createElasticsearchDriver } from "../../../src/data/live/drivers/elasticsearch";
import { registerLiveDriver } from "../../../src/data/live/drivers/index";
import { QueryError } from "../../../src/data/messages";
import { QueryProvider } from "../../../src/data/queryProvider";
import { tempDir } from "../../helpers/tmp";
import { settledWithin } from "../../helpers/race";

registerLiveDriver("Elasticsearch", createElasticsearchDriver);

describe("connect() honours timeoutMs", () => {
  let server: http.Server;
  let port: number;
  let configPath: string;
  const held: http.ServerResponse[] = [];
  /** Called as a request reaches the server: the test's reference timer starts then. */
  let arrived = (): void => undefined;

  before(async () => {
    // Reads the request, never answers.
    server = http.createServer((req, res) => {
      req.resume();
      held.push(res);
      arrived();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
    configPath = path.join(tempDir(), "msticpyconfig.yaml");
    fs.writeFileSync(configPath, "DataProviders: {}\n");
  });
  after(async () => {
    for (const res of held) res.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const cases: [string, "Splunk" | "Elasticsearch" | "MSSentinel", () => Record<string, unknown>][] = [
    ["Splunk token check", "Splunk", () => ({ host: "127.0.0.1", port, scheme: "http", bearer_token: "hang-token-0123456789" })],
    ["Splunk login", "Splunk", () => ({ host: "127.0.0.1", port, scheme: "http", username: "hunter", password: "pw-0123456789" })],
    ["Elasticsearch GET /", "Elasticsearch", () => ({ Url: `http://127.0.0.1:${port}`, ApiKey: "aGFuZzprZXk" })],
    [
      "Azure AD token request",
      "MSSentinel",
      () => ({ workspace_id: "00000000-0000-0000-0000-000000000001", tenant_id: "00000000-0000-0000-0000-000000000002", ClientId: "app", ClientSecret: "app-secret-0123456789", AuthorityUrl: `http://127.0.0.1:${port}` }),
    ],
  ];
  for (const [what, environment, options] of cases) {
    it(`${what}: rejects with data/live-timeout after timeoutMs`, async () => {
      const qp = new QueryProvider(environment, { configPath, timeoutMs: 500, retries: 0, warn: () => {} });
      const began = Date.now();
      const reached = new Promise<void>((resolve) => (arrived = resolve));
      // Settled within 2.5 s of the request reaching the server: a race (settledWithin), which the client's 0.5 s deadline,
      // started before the request left, wins however loaded the machine; a client that ignores it waits for ever.
      const outcome = await settledWithin(qp.connect(options()).then(() => "connected", (error: unknown) => error), 2500, reached);
      assert.notEqual(outcome, "late", `no answer 2.5 s after the request reached the server (${Date.now() - began} ms)`);
      await assert.rejects(Promise.reject(outcome), (err: unknown) => {
        assert.ok(err instanceof QueryError);
        assert.equal(err.code, "data/live-timeout");
        assert.match(err.message, new RegExp(`^${environment} connect: no answer within 0\\.5 s`));
        return true;
      });
      const took = Date.now() - began;
      assert.ok(took >= 450, `took ${took} ms`);
      assert.equal(qp.connected, false);
    });
  }
});
