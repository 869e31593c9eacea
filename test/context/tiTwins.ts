/**
 * Loopback twins of the TI services: node:http servers on 127.0.0.1 that
 * answer like each real API (documented paths, auth headers, bodies), plus
 * failure modes picked by the looked-up value, and counters of what they saw
 * (requests, in-flight peak) so tests can check retries and limits.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import YAML from "yaml";

export interface Reply {
  status?: number;
  json?: unknown;
  text?: string;
  headers?: Record<string, string>;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Drop the connection without an answer. */
  destroy?: boolean;
}

export interface SeenRequest {
  method: string;
  path: string;
  url: URL;
  headers: http.IncomingHttpHeaders;
  at: number;
}

export interface Twin {
  url: string;
  port: number;
  requests: SeenRequest[];
  inFlight: number;
  maxInFlight: number;
  /** Requests whose path contains `needle`. */
  count(needle: string): number;
  close(): Promise<void>;
}

export type Handler = (req: SeenRequest) => Reply | Promise<Reply>;

/** Starts a server on 127.0.0.1 with a random port. */
export async function startTwin(handler: Handler): Promise<Twin> {
  const sockets = new Set<import("node:net").Socket>();
  const twin = {
    url: "",
    port: 0,
    requests: [] as SeenRequest[],
    inFlight: 0,
    maxInFlight: 0,
    count(needle: string) {
      return this.requests.filter((r) => r.path.includes(needle)).length;
    },
    close: async () => {},
  };
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const seen: SeenRequest = { method: req.method ?? "GET", path: decodeURIComponent(url.pathname), url, headers: req.headers, at: Date.now() };
    twin.requests.push(seen);
    twin.inFlight += 1;
    twin.maxInFlight = Math.max(twin.maxInFlight, twin.inFlight);
    try {
      const reply = await handler(seen);
      if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
      if (reply.destroy) {
        req.socket.destroy();
        return;
      }
      const body = reply.text ?? (reply.json === undefined ? "" : JSON.stringify(reply.json));
      res.writeHead(reply.status ?? 200, { "content-type": reply.text !== undefined ? "text/plain" : "application/json", ...reply.headers });
      res.end(body);
    } catch (err) {
      res.writeHead(500);
      res.end(String(err));
    } finally {
      twin.inFlight -= 1;
    }
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  twin.port = port;
  twin.url = `http://127.0.0.1:${port}`;
  twin.close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return twin;
}

/** A port with nothing listening (connection refused). */
export async function closedPort(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/**
 * Failure modes chosen by the observable, shared by every twin:
 * 5.5.5.1 → 401, 5.5.5.3 → 403, 5.5.5.29 → 429 (Retry-After: 1) every time,
 * 5.5.5.50 → 500, 5.5.5.77 → 200 with invalid JSON, 5.5.5.99 → slow (2 s),
 * 5.5.5.44 → 404, 5.5.5.88 → connection dropped.
 */
export function failureFor(observable: string): Reply | undefined {
  switch (observable) {
    case "5.5.5.1":
      return { status: 401, json: { error: "Not authorized." } };
    case "5.5.5.3":
      return { status: 403, json: { error: "Forbidden" } };
    case "5.5.5.29":
      return { status: 429, headers: { "Retry-After": "1" }, json: { error: "Too many requests" } };
    case "5.5.5.50":
      return { status: 500, text: "internal error" };
    case "5.5.5.77":
      return { status: 200, text: "{not json" };
    case "5.5.5.99":
      return { status: 200, json: {}, delayMs: 2000 };
    case "5.5.5.44":
      return { status: 404, json: { error: "Not found." } };
    case "5.5.5.88":
      return { destroy: true };
    default:
      return undefined;
  }
}

const tempDirs: string[] = [];
process.on("exit", () => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** A temp folder removed at exit. */
export function tempDir(prefix = "huntlab-ti-"): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/** Writes a msticpyconfig.yaml with the given TIProviders and returns its path. */
export function writeConfig(dir: string, tiProviders: Record<string, unknown>, name = "msticpyconfig.yaml"): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, YAML.stringify({ TIProviders: tiProviders }));
  return file;
}

/** The fake key used in tests: long and unique, so any leak is findable. */
export const FAKE_KEY = "hl-FAKE-key-7f3c9a2e51d84b06";
export const FAKE_ID = "hl-FAKE-id-0b1c2d3e4f";
