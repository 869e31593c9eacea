/**
 * Tor exit nodes, from the Tor Project's bulk list, fetched once per TTL (and
 * kept on disk when the provider has a cache `Path`), then answered locally —
 * the looked-up addresses never leave the machine.
 *
 * Formats read (the path decides what is fetched; `BaseUrl` + `ListPath` in Args):
 * - `GET https://check.torproject.org/torbulkexitlist` (default): one IP per line;
 * - `GET https://check.torproject.org/exit-addresses`: records of
 *   `ExitNode <fingerprint>`, `Published`, `LastStatus`, `ExitAddress <ip> <date>`.
 *
 * Severity, as MSTICPy: an exit node is `warning`; other addresses
 * `information` with Result false.
 */
import fs from "node:fs";
import path from "node:path";
import { createHash } from "node:crypto";
import ipaddr from "ipaddr.js";
import { writeFileAtomic } from "../../common/atomicFile";
import { onAbort } from "../../common/interrupt";
import { readRegularFile } from "../../common/regularFile";
import type { Interruptible } from "../limiter";
import { HttpTIProvider, types, type HttpRequestSpec, type MappedResponse } from "../tiHttp";
import { failure, skippedResult, TI_STATUS, type LookupContext, type LookupRequest, type ProviderInfo, type ProviderInit, type ProviderResult } from "../tiProvider";

const INFO: ProviderInfo = {
  className: "Tor",
  description: "Tor Project exit-node list: is this IP a Tor exit? (bulk list fetched once, answered locally)",
  supportedTypes: types("ipv4", "ipv6"),
  requiredArgs: [],
  knownArgs: ["ListPath"],
  defaultBaseUrl: "https://check.torproject.org",
  online: true,
};

/** Exit node → details. */
type ExitList = Map<string, { lastSeen?: string; fingerprint?: string }>;

interface LoadedList {
  nodes: ExitList;
  fetchedAt: number;
  url: string;
}

/** Parses either list format; lines that are not addresses are ignored. */
export function parseTorExitList(text: string): ExitList {
  const nodes: ExitList = new Map();
  let fingerprint: string | undefined;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const fields = line.split(/\s+/);
    if (fields[0] === "ExitNode") {
      fingerprint = fields[1];
      continue;
    }
    const candidate = fields[0] === "ExitAddress" ? fields[1] : fields.length === 1 ? fields[0] : undefined;
    if (!candidate || !ipaddr.isValid(candidate)) continue;
    const key = ipaddr.parse(candidate).toString();
    const lastSeen = fields[0] === "ExitAddress" ? fields.slice(2).join(" ") || undefined : undefined;
    nodes.set(key, { ...(lastSeen ? { lastSeen } : {}), ...(fingerprint && fields[0] === "ExitAddress" ? { fingerprint } : {}) });
  }
  return nodes;
}

export class TorProvider extends HttpTIProvider {
  static readonly info = INFO;
  private list?: LoadedList;
  /** The fetch in flight, shared by every batch that waits for the list; cancelled when every one of them is. */
  private loading?: { promise: Promise<LoadedList | ProviderResult>; controller: AbortController; waiters: number };

  constructor(init: ProviderInit) {
    // The exit list changes every hour or so.
    super(init, { cacheTtlMs: 3600_000 });
  }

  get info(): ProviderInfo {
    return INFO;
  }

  private get listPath(): string {
    const p = this.arg("ListPath") || "/torbulkexitlist";
    return p.startsWith("/") ? p : `/${p}`;
  }

  protected buildRequest(): HttpRequestSpec {
    return { path: this.listPath, expect: "text", querySubtype: "exit-list" };
  }

  protected mapResponse(): MappedResponse {
    throw new Error("not used: the Tor provider answers from its list");
  }

  /** The addresses are checked locally: private ones too. */
  override refuse(): string | undefined {
    return undefined;
  }

  /** Number of exit nodes in the loaded list (0 before the first lookup). */
  get listSize(): number {
    return this.list?.nodes.size ?? 0;
  }

  override async lookup(request: LookupRequest, context: LookupContext): Promise<ProviderResult> {
    if (context.abandoned) return { ...context.abandoned };
    const list = await this.ensureList(context);
    if (!("nodes" in list)) {
      context.abandoned = skippedResult(this.name, String(list.details), list.reference);
      return list;
    }
    const key = ipaddr.parse(request.safeIoc).toString();
    const node = list.nodes.get(key);
    const reference = this.masker.mask(list.url);
    const rawResult = { listUrl: reference, listFetched: new Date(list.fetchedAt).toISOString(), exitNodes: list.nodes.size, found: !!node };
    if (!node) return { result: false, severity: "information", details: "Not a Tor exit node.", rawResult, reference, status: TI_STATUS.ok, querySubtype: "exit-list" };
    return {
      result: true,
      severity: "warning",
      details: { "Tor exit node": true, ...(node.lastSeen ? { "Last Seen": node.lastSeen } : {}), ...(node.fingerprint ? { Fingerprint: node.fingerprint } : {}) },
      rawResult,
      reference,
      status: TI_STATUS.ok,
      querySubtype: "exit-list",
    };
  }

  /** The list: in memory, else from the disk cache, else fetched (one fetch however many lookups wait). */
  private ensureList(context: LookupContext): Promise<LoadedList | ProviderResult> {
    const ttl = this.effective.cacheTtlMs;
    if (this.list && Date.now() - this.list.fetchedAt < ttl) return Promise.resolve(this.list);
    let load = this.loading;
    if (!load) {
      // The fetch is no one batch's: under the first batch's signal, its interrupt failed every other batch
      // waiting for the list ("AbortError" rows in a lookup never interrupted). It has its own signal, aborted
      // when the last batch waiting for it is.
      const controller = new AbortController();
      const shared: LookupContext & Interruptible = { consecutiveFailures: 0, signal: controller.signal };
      const started: NonNullable<typeof this.loading> = {
        promise: this.loadList(shared).finally(() => {
          if (this.loading === started) this.loading = undefined;
        }),
        controller,
        waiters: 0,
      };
      this.loading = load = started;
    }
    return this.waitFor(load, (context as LookupContext & Interruptible).signal);
  }

  /** The shared load's outcome for one batch; the batch's own interrupt rejects at once with its reason. */
  private waitFor(load: NonNullable<typeof this.loading>, signal: AbortSignal | undefined): Promise<LoadedList | ProviderResult> {
    if (!signal) return load.promise;
    signal.throwIfAborted();
    load.waiters += 1;
    return new Promise((resolve, reject) => {
      let stop = (): void => {};
      const leave = () => {
        stop();
        load.waiters -= 1;
      };
      stop = onAbort(signal, () => {
        leave();
        if (load.waiters === 0 && !this.list) {
          // No batch waits any more: stop the fetch, and let the next lookup start its own.
          if (this.loading === load) this.loading = undefined;
          load.controller.abort(signal.reason);
        }
        reject(signal.reason);
      });
      load.promise.then(
        (value) => (leave(), resolve(value)),
        (err: unknown) => (leave(), reject(err)),
      );
    });
  }

  private get diskFile(): string | undefined {
    const dir = this.effective.cacheEnabled ? this.effective.cachePath : undefined;
    if (!dir) return undefined;
    const digest = createHash("sha256").update(this.cacheNamespace + this.listPath).digest("hex").slice(0, 16);
    return path.join(dir, `Tor-${digest}.list`);
  }

  private async loadList(context: LookupContext): Promise<LoadedList | ProviderResult> {
    const spec = this.buildRequest();
    const url = this.urlOf(spec);
    const file = this.diskFile;
    if (file) {
      try {
        const stat = fs.statSync(file);
        if (Date.now() - stat.mtimeMs < this.effective.cacheTtlMs) {
          // Read only when a regular file: a FIFO of that name blocked the open forever (then the list is fetched).
          const nodes = parseTorExitList(readRegularFile(file, {}, () => new Error("no cached list")).toString("utf8"));
          // An emptied file (a write cut short) would make every address "not an exit node": fetch again instead,
          // as a fetched list without addresses is refused.
          if (nodes.size > 0) {
            this.list = { nodes, fetchedAt: stat.mtimeMs, url };
            return this.list;
          }
        }
      } catch {
        // no cached list
      }
    }
    const outcome = await this.send(spec, context);
    const reference = this.masker.mask(url);
    if (outcome === undefined) return context.abandoned ? { ...context.abandoned } : failure(TI_STATUS.queryFailed, "The Tor exit list was not fetched: the lookup was stopped.", { reference });
    if (outcome.kind === "error") return failure(TI_STATUS.queryFailed, `Cannot fetch the Tor exit list: ${this.masker.mask(outcome.message)}`, { reference });
    if (outcome.status < 200 || outcome.status >= 300) {
      return failure(outcome.status, `Cannot fetch the Tor exit list: HTTP ${outcome.status} ${outcome.statusText}`.trim(), { reference });
    }
    const nodes = parseTorExitList(outcome.text);
    if (nodes.size === 0) return failure(TI_STATUS.queryFailed, "The Tor exit list was empty or not in a known format.", { reference, rawResult: outcome.text.slice(0, 500) });
    this.list = { nodes, fetchedAt: Date.now(), url };
    if (file) {
      try {
        fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
        // Written aside, then renamed: a write cut short (disk full, a killed kernel) never leaves a partial list
        // that looks fresh, and would answer "not an exit node" for the addresses it lost.
        // Under a temporary name of this write's own: kernels in other containers (a shared cache folder) have the same pids.
        writeFileAtomic(file, outcome.text, { mode: 0o600 });
      } catch {
        // the list stays in memory
      }
    }
    return this.list;
  }
}
