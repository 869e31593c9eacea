/**
 * A tiny HTTP proxy on 127.0.0.1 for the proxy tests: forwards absolute-URL requests and tunnels CONNECT, every
 * host name resolved to 127.0.0.1 (so `https://live.example.test:<port>` reaches a local twin), and records what
 * it saw. Also a TLS server with the self-signed test certificate (test/twins/tls) for https targets.
 */
import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import path from "node:path";
import type { AddressInfo } from "node:net";

export interface SeenByProxy {
  method: string;
  /** The request target: an absolute URL, or `host:port` for CONNECT. */
  target: string;
  headers: http.IncomingHttpHeaders;
}

export interface TestProxy {
  url: string;
  port: number;
  seen: SeenByProxy[];
  /** Bytes that went through CONNECT tunnels towards the target (encrypted for https). */
  tunnelled: Buffer[];
  close(): Promise<void>;
}

/** Starts the proxy. */
/** `refuseConnect`: answer every CONNECT with this status (a corporate proxy refusing a host, or asking for credentials). */
export async function startProxy(options: { refuseConnect?: number } = {}): Promise<TestProxy> {
  const sockets = new Set<net.Socket>();
  const seen: SeenByProxy[] = [];
  const tunnelled: Buffer[] = [];
  const server = http.createServer((req, res) => {
    seen.push({ method: req.method ?? "", target: req.url ?? "", headers: req.headers });
    const target = new URL(req.url ?? "/");
    const upstream = http.request({ host: "127.0.0.1", port: target.port || 80, method: req.method, path: `${target.pathname}${target.search}`, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on("error", () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  server.on("connect", (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    seen.push({ method: "CONNECT", target: req.url ?? "", headers: req.headers });
    if (options.refuseConnect) {
      client.end(`HTTP/1.1 ${options.refuseConnect} Refused\r\nContent-Type: text/html\r\nContent-Length: 13\r\n\r\n<h1>deny</h1>`);
      return;
    }
    const port = Number((req.url ?? "").split(":").pop());
    const upstream = net.connect(port, "127.0.0.1", () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length) upstream.write(head);
      client.on("data", (chunk: Buffer) => tunnelled.push(chunk));
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on("error", () => client.destroy());
    client.on("error", () => upstream.destroy());
    sockets.add(upstream);
  });
  server.on("connection", (s: net.Socket) => sockets.add(s));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    seen,
    tunnelled,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** An https server with the self-signed test certificate (for `*.example.test`) on 127.0.0.1. */
export async function startTlsServer(handler: http.RequestListener): Promise<{ port: number; requests: string[]; close(): Promise<void> }> {
  const dir = path.join(__dirname, "tls");
  const requests: string[] = [];
  const server = https.createServer({ key: fs.readFileSync(path.join(dir, "test.key")), cert: fs.readFileSync(path.join(dir, "test.crt")) }, (req, res) => {
    requests.push(`${req.method} ${req.url}`);
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
