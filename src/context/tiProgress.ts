/**
 * Progress of a TI lookup batch in the notebook: one updating output with
 * done/total per provider, replaced at the end by the same table and a
 * summary line. Nothing is shown outside a notebook kernel unless asked.
 */
import { inspect } from "node:util";
import { createDisplay, flushDisplays, type DisplayHandle } from "../display/display";
import { html, trustedHtml } from "../display/html";
import { htmlView } from "../display/htmlView";
import { JUPYTER_DISPLAY, wellFormedBundle, type MimeBundle } from "../display/protocol";
import { shownText } from "../common/shownText";
import { isSkipped, SEVERITIES, TI_STATUS, type Severity } from "./tiProvider";

import { inNotebook } from "../common/kernel";
export { inNotebook };

/** Counters of one provider in a batch. */
export interface ProviderTally {
  provider: string;
  total: number;
  done: number;
  /** Result true. */
  found: number;
  /** Looked up, Result false. */
  notFound: number;
  /** Not looked up: unsupported type, internal address, bad format, skipped by the batch's circuit breaker. */
  skipped: number;
  /** Failures: HTTP errors, timeouts, unreachable… */
  failed: number;
  /** Answered from the cache. */
  cached: number;
  /** Found, by severity. */
  severities: Record<Severity, number>;
}

/** Longest provider name in the text (names come from the config file). */
const MAX_PROVIDER_NAME = 80;

/** A provider name in the text form: revealed (a line break in it began a line of its own) and cut. */
function providerName(name: string): string {
  return shownText(name, MAX_PROVIDER_NAME);
}

/** Minimum time between two progress updates. */
const UPDATE_EVERY_MS = 150;

/** Live counters of a batch; renders itself as the progress output. */
export class TIProgress {
  readonly tallies: ProviderTally[];
  private readonly started = Date.now();
  private finishedAt?: number;
  /** Why the batch stopped early, when it did. */
  private interrupted?: string;
  private handle?: DisplayHandle;
  private lastUpdate = 0;
  /** Observables in the batch (distinct values). */
  readonly observables: number;

  constructor(providers: { name: string; total: number }[], observables: number, show: boolean) {
    this.observables = observables;
    this.tallies = providers.map(({ name, total }) => ({
      provider: name,
      total,
      done: 0,
      found: 0,
      notFound: 0,
      skipped: 0,
      failed: 0,
      cached: 0,
      severities: { unknown: 0, information: 0, warning: 0, high: 0 },
    }));
    if (show) {
      this.handle = createDisplay();
      this.handle.show(this);
      this.lastUpdate = Date.now();
    }
  }

  /** Counts one finished lookup. */
  record(providerIndex: number, row: { status: number; result: boolean; severity: Severity; details?: unknown }, fromCache: boolean): void {
    // Late answers of an interrupted batch must not move the final display.
    if (this.finishedAt !== undefined) return;
    const t = this.tallies[providerIndex];
    t.done += 1;
    if (fromCache) t.cached += 1;
    // A lookup the batch's circuit breaker skipped was not looked up, as an unsupported type is (it was counted as failed).
    if (row.status === TI_STATUS.notSupported || row.status === TI_STATUS.badFormat || isSkipped(row)) t.skipped += 1;
    else if (row.result) {
      t.found += 1;
      t.severities[row.severity] += 1;
    } else if (row.status === TI_STATUS.ok || row.status === 404) t.notFound += 1;
    else t.failed += 1;
    const now = Date.now();
    if (this.handle && now - this.lastUpdate >= UPDATE_EVERY_MS) {
      this.lastUpdate = now;
      this.handle.update(this);
    }
  }

  /** Marks the batch finished (or stopped early, saying why) and shows the final table and summary. */
  async finish(interrupted?: string): Promise<void> {
    if (this.finishedAt !== undefined) return;
    this.finishedAt = Date.now();
    this.interrupted = interrupted;
    if (this.handle) {
      this.handle.update(this);
      await flushDisplays();
    }
  }

  /** Seconds since the start (or until the finish). */
  get elapsedSeconds(): number {
    return ((this.finishedAt ?? Date.now()) - this.started) / 1000;
  }

  /** The one-line summary of the batch. */
  summary(): string {
    const sum = (f: (t: ProviderTally) => number) => this.tallies.reduce((n, t) => n + f(t), 0);
    const bySeverity = [...SEVERITIES]
      .reverse()
      .map((s) => [s, sum((t) => t.severities[s])] as const)
      .filter(([, n]) => n > 0)
      .map(([s, n]) => `${s} ${n}`)
      .join(", ");
    const names = this.tallies.map((t) => providerName(t.provider)).join(", ");
    const found = sum((t) => t.found);
    return (
      `TI lookup ${this.interrupted ? `interrupted (${this.interrupted}) after` : this.finishedAt ? "done in" : "running for"} ${this.elapsedSeconds.toFixed(2)} s: ` +
      `${this.observables} ${this.observables === 1 ? "observable" : "observables"} × ${this.tallies.length} ${this.tallies.length === 1 ? "provider" : "providers"} (${names}) → ` +
      `${found} found${bySeverity ? ` (${bySeverity})` : ""}, ${sum((t) => t.notFound)} not found, ` +
      `${sum((t) => t.skipped)} not looked up, ${sum((t) => t.failed)} failed; ${sum((t) => t.cached)} from cache.`
    );
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    return wellFormedBundle({ "text/html": this.toHtml(), "text/plain": this.toText() });
  }

  toText(): string {
    const lines = this.tallies.map(
      (t) => `${providerName(t.provider)}: ${t.done}/${t.total} (found ${t.found}, not found ${t.notFound}, not looked up ${t.skipped}, failed ${t.failed}, cached ${t.cached})`,
    );
    return [...lines, this.summary()].join("\n");
  }

  toHtml(): string {
    const num = trustedHtml(`style="text-align:right;padding:1px 8px"`);
    const rows = this.tallies.map(
      (t) =>
        html`<tr><td style="padding:1px 8px">${t.provider}</td><td style="padding:1px 8px"><progress max="${Math.max(1, t.total)}" value="${t.done}" aria-label="${t.provider}: ${t.done} of ${t.total} looked up"></progress></td>${[
          `${t.done}/${t.total}`, t.found, t.notFound, t.skipped, t.failed, t.cached,
        ].map((n) => html`<td ${num}>${n}</td>`)}</tr>`,
    );
    const head = ["done", "found", "not found", "not looked up", "failed", "cached"].map((h) => html`<th ${num}>${h}</th>`);
    const body = html`<div class="hl-ti-progress"><table style="border-collapse:collapse"><thead><tr><th style="text-align:left;padding:1px 8px">Provider</th><th></th>${head}</tr></thead><tbody>${rows}</tbody></table><p class="hl-ti-summary">${this.summary()}</p></div>`;
    return htmlView({ kind: "ti-progress", fallback: { alt: this.summary(), html: body }, text: this.toText() }).toHtml();
  }

  [inspect.custom](): string {
    return this.summary();
  }
}
