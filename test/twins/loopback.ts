/** The HTTP server every protocol twin runs: 127.0.0.1, a free port. */
import http from "node:http";
import type { AddressInfo } from "node:net";

export abstract class LoopbackTwin {
  /** `http://127.0.0.1:<port>` once started. */
  url = "";
  private readonly server = http.createServer((req, res) => this.onRequest(req, res));

  /** Answers one request. */
  protected abstract onRequest(req: http.IncomingMessage, res: http.ServerResponse): void;

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Drops open (keep-alive) connections, then closes. */
  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
