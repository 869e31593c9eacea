/**
 * The Splunk driver: the REST API on the management port (8089).
 *
 * - Auth: a bearer token (`Authorization: Bearer …`, checked at connect with
 *   `GET /services/authentication/current-context`), or username/password
 *   exchanged for a session key (`POST /services/auth/login`, output_mode=json →
 *   `sessionKey`, then `Authorization: Splunk <key>`; re-login once when a
 *   search answers 401 because the session expired).
 * - Search: `POST /services/search/jobs/export` (search, earliest_time,
 *   latest_time as epoch seconds — latest_time is exclusive, so it is the
 *   window's end + 1 ms — output_mode=json), read as JSON lines: `result`
 *   objects of final (`preview:false`) lines are the rows (the latest preview
 *   table only when no final line came: a search cut short, said as a partial
 *   result, as a stream ending before `"lastrow":true` or mid-line); `messages` of type
 *   WARN become warnings (result caps among them), as do INFO ones that say the
 *   results were cut at a limit ("truncating to maxout"); ERROR/FATAL a failure —
 *   or a partial error when rows did arrive.
 * - Types: Splunk sends every field as text; see splunkColumns.ts for the inference.
 *
 * Settings (`DataProviders.Splunk.Args`, or connect() options): host, port
 * (8089), scheme (https), bearer_token, username, password, verify.
 */
import { isIPv6 } from "node:net";
import { QueryError, SPLIT_ADVICE, dataMessages as msg } from "../../messages";
import { excerpt } from "../http";
import { throttleNote } from "../../../common/retryAfter";
import { splLiteral } from "../spl";
import { splunkTable } from "../splunkColumns";
import type { LiteralType, LiteralValue, LiveDriver, LiveRequest, LiveSettings, LiveTable } from "../types";

/** Default management port. */
export const SPLUNK_DEFAULT_PORT = 8089;

/** What answers a failed Splunk REST call: `{"messages":[{"type":"ERROR","text":"…"}]}`. */
interface SplunkMessage {
  type: string;
  text: string;
}

/** Statuses whose body is Splunk's own message payload, read rather than thrown. */
const PAYLOAD_STATUS = [400, 401, 403, 404, 429, 503] as const;

function messagesOf(data: unknown): SplunkMessage[] {
  const list = (data as { messages?: unknown } | null)?.messages;
  if (!Array.isArray(list)) return [];
  return list
    .filter((m): m is { type?: unknown; text?: unknown } => typeof m === "object" && m !== null)
    .map((m) => ({ type: String(m.type ?? "").toUpperCase(), text: String(m.text ?? "") }));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The signal connect() runs under: the provider's (options.signal), else a minute. */
function connectSignal(options: Record<string, unknown>): AbortSignal {
  return options.signal instanceof AbortSignal ? options.signal : AbortSignal.timeout(60_000);
}

/** Search text as the export endpoint wants it: a generating command (`| …`) or `search …`. */
export function splunkSearchText(text: string): string {
  const t = text.trim();
  return /^(\||search\s)/i.test(t) ? t : `search ${t}`;
}

/** A WARN message that says a result cap or limit truncated the results. */
const CAP_WARNING = /limit|truncat|maximum|max[_ ]?(?:count|results|rows)|exceed|maxout|finali[sz]ed/i;

/**
 * An INFO message that says the results were cut at a limit: Splunk words some of those as INFO, not WARN ("Subsearch
 * produced 14520 results, truncating to maxout 10000.", a count over max_count, a search auto-finalized at its time
 * limit). Other INFO messages are chatter ("Your timerange was substituted…") and are not shown.
 */
const INFO_LIMIT = /truncat|maxout|max_?count|maxresultrows|exceeds? (?:the )?maximum|auto-?finali[sz]ed/i;

/** The rows, warnings and errors of one export answer (JSON lines). */
export interface SplunkExport {
  results: Record<string, unknown>[];
  warnings: string[];
  errors: string[];
  /** Lines that were JSON objects: none in a body with text is no export answer (an SSO or proxy page). */
  objects: number;
  /** Lines with text that were no JSON object (a saved file's cut last line), and the first one's 1-based number. */
  skipped: number;
  firstSkipped?: number;
  /** Whether a final (`preview:false`) line came: without one, the rows are the latest preview (a search cut short). */
  final: boolean;
  /** Whether a preview (`preview:true`) line came, empty table or not: with no final line, the search was cut short. */
  previewed: boolean;
  /**
   * Whether the final table's last row came without Splunk's `"lastrow":true` and no marker line followed: the
   * stream stopped mid-table (a proxy's or load balancer's idle cut, splunkd stopping), rows after it missing.
   */
  open: boolean;
}

/** Reads the export endpoint's JSON lines. Lines that are not JSON objects are skipped (Splunk may send blank keep-alive lines). */
export function parseSplunkExport(body: string): SplunkExport {
  const out: SplunkExport = { results: [], warnings: [], errors: [], objects: 0, skipped: 0, final: false, previewed: false, open: false };
  // The latest preview table: a reporting search streams whole preview tables, each from offset 0.
  let previews: Record<string, unknown>[] = [];
  // Whether a final (`preview:false`) line arrived: then the final table is the answer, empty or not.
  let final = false;
  const lines = body.split(/\r?\n/);
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i];
    if (!line.trim()) continue;
    const item = parseJson(line);
    if (typeof item !== "object" || item === null || Array.isArray(item)) {
      out.skipped += 1;
      out.firstSkipped ??= i + 1;
      continue;
    }
    out.objects += 1;
    const record = item as { preview?: unknown; offset?: unknown; result?: unknown; results?: unknown; lastrow?: unknown };
    if (record.preview === true) out.previewed = true;
    if (record.preview === true && record.offset === 0) previews = [];
    if (record.preview === false) {
      final = true;
      // Splunk ends each table of row lines with `"lastrow":true` on its last row (or alone, on an empty one); a
      // `results` list (the shape of the jobs' /results endpoint) is a whole table in one object.
      if (record.result !== undefined) out.open = record.lastrow !== true;
      else if (record.lastrow === true || Array.isArray(record.results)) out.open = false;
    }
    for (const m of messagesOf(record)) {
      if (m.type === "ERROR" || m.type === "FATAL") out.errors.push(m.text);
      else if (m.type === "WARN" || (m.type === "INFO" && INFO_LIMIT.test(m.text))) out.warnings.push(m.text);
    }
    const rows: unknown[] = record.result !== undefined ? [record.result] : Array.isArray(record.results) ? record.results : [];
    for (const row of rows) {
      if (typeof row !== "object" || row === null) continue;
      // A reporting search streams preview tables before the final one: keep the final rows only.
      if (record.preview === true) previews.push(row as Record<string, unknown>);
      else out.results.push(row as Record<string, unknown>);
    }
  }
  // Only previews (a search cut short): the latest one is all there is. After a final line they are stale: a
  // reporting search whose final table is empty (`| where count < 5` kept nothing) has no rows.
  if (!final && out.results.length === 0) out.results = previews;
  out.final = final;
  return out;
}

class SplunkDriver implements LiveDriver {
  readonly environment = "Splunk" as const;
  readonly language = "spl" as const;
  readonly #settings: LiveSettings;
  #base = "";
  #auth: { header: string; relogin?: (signal: AbortSignal) => Promise<void> } | undefined;

  constructor(settings: LiveSettings) {
    this.#settings = settings;
  }

  get connected(): boolean {
    return this.#auth !== undefined;
  }

  /** SPL literal text; a value SPL cannot hold throws (the provider names the parameter). */
  formatLiteral(value: LiteralValue, type: LiteralType): string {
    return splLiteral(value, type);
  }

  async connect(options: Record<string, unknown>): Promise<void> {
    const s = this.#settings;
    // Where a setting's value came from (a connect() option, or the Args), for its errors.
    const setting = (name: string) => s.argFrom(name, options) ?? `DataProviders.Splunk.Args.${name}`;
    const host = s.arg("host", options);
    if (host === undefined || host === "") throw new QueryError(msg.liveConfig("Splunk", setting("host"), "missing (the Splunk server's name or address)"));
    if (/[/\s]|:\/\//.test(String(host))) throw new QueryError(msg.liveConfig("Splunk", setting("host"), `"${s.mask(String(host))}" is not a host name; give the name or address alone, with scheme and port in their own settings`));
    const scheme = String(s.arg("scheme", options) ?? "https").toLowerCase();
    const port = Number(s.arg("port", options) ?? SPLUNK_DEFAULT_PORT);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new QueryError(msg.liveConfig("Splunk", setting("port"), `"${s.arg("port", options)}" is not a port number`));
    const hostText = String(host).replace(/^\[|\]$/g, "");
    if (hostText.includes(":") && !isIPv6(hostText)) throw new QueryError(msg.liveConfig("Splunk", setting("host"), `"${s.mask(hostText)}": give the port in ${setting("port")}, not in host`));
    const bracketed = isIPv6(hostText) ? `[${hostText}]` : hostText;
    const base = s.checkUrl(`${scheme}://${bracketed}:${port}`, `${setting("scheme")}/${setting("host")}`);
    this.#base = `${base.protocol}//${base.host}`;
    this.#auth = undefined;

    const token = s.arg("bearer_token", options);
    const username = s.arg("username", options);
    const password = s.arg("password", options);
    const signal = connectSignal(options);
    if (typeof token === "string" && token) {
      s.addSecrets(token);
      const header = `Bearer ${token}`;
      await this.#checkToken(header, signal);
      this.#auth = { header };
      return;
    }
    if (typeof username === "string" && username && password !== undefined && password !== "") {
      s.addSecrets(String(password));
      const login = async (sig: AbortSignal) => {
        const key = await this.#login(username, String(password), sig);
        this.#auth = { header: `Splunk ${key}`, relogin: login };
      };
      await login(signal);
      return;
    }
    throw new QueryError(
      msg.liveConfig("Splunk", setting("bearer_token"), "no credentials: set bearer_token (an authentication token), or username and password"),
    );
  }

  /** A token is checked with a cheap authenticated call, so a bad one fails at connect, not at the first query. */
  async #checkToken(header: string, signal: AbortSignal): Promise<void> {
    const res = await this.#settings.http.request({
      method: "GET",
      url: `${this.#base}/services/authentication/current-context?output_mode=json`,
      headers: { Authorization: header },
      signal,
      acceptStatus: [401, 403],
    });
    if (res.status === 401 || res.status === 403) {
      throw new QueryError(msg.liveAuth("Splunk", "bearer token", this.#reason(res.status, res.data)));
    }
  }

  async #login(username: string, password: string, signal: AbortSignal): Promise<string> {
    const res = await this.#settings.http.request({
      method: "POST",
      url: `${this.#base}/services/auth/login`,
      body: new URLSearchParams({ username, password, output_mode: "json" }),
      signal,
      acceptStatus: [400, 401, 403],
    });
    const key = (res.data as { sessionKey?: unknown } | null)?.sessionKey;
    if (res.status !== 200 || typeof key !== "string" || !key) {
      throw new QueryError(msg.liveAuth("Splunk", "username/password (session key)", this.#reason(res.status, res.data)));
    }
    this.#settings.addSecrets(key);
    return key;
  }

  /** The service's messages, masked, after the status (`withStatus`: false when the message says the status already). */
  #reason(status: number, data: unknown, withStatus = true): string {
    const texts = messagesOf(typeof data === "string" ? parseJson(data) : data).map((m) => m.text);
    const detail = texts.length ? texts.join("; ") : data ? excerpt(data, 200, this.#settings.mask) : "";
    return this.#settings.mask(withStatus ? `HTTP ${status}${detail ? `: ${detail}` : ""}` : detail || "no message");
  }

  async query(request: LiveRequest): Promise<LiveTable> {
    if (!this.#auth) throw new QueryError(msg.liveNotConnected("Splunk", request.queryName));
    const form = new URLSearchParams({ search: splunkSearchText(request.text), output_mode: "json" });
    if (request.start) form.set("earliest_time", String(request.start.getTime() / 1000));
    // latest_time is exclusive; `end` is inclusive to the millisecond (templates' `between`/`lte`, and timeChunks
    // ends each chunk 1 ms before the next starts). One ms on: the chunks tile the range, and events at `end` are kept.
    if (request.end) form.set("latest_time", String((request.end.getTime() + 1) / 1000));
    let res = await this.#export(form, request.signal);
    if (res.status === 401 && this.#auth.relogin) {
      // Session keys expire (an hour idle by default): sign in again once.
      await this.#auth.relogin(request.signal);
      res = await this.#export(form, request.signal);
    }
    const text = typeof res.data === "string" ? res.data : "";
    if (res.status === 401 || res.status === 403) {
      const what = `running the search (${this.#auth.relogin ? "a session key, after signing in again" : "bearer token"})`;
      throw new QueryError(msg.liveQueryAuth(request.queryName, "Splunk", res.status, what, this.#reason(res.status, parseJson(text), false)));
    }
    if (res.status !== 200) {
      const messages = messagesOf(parseJson(text));
      const shown = messages.length ? messages.map((m) => m.text).join("; ") : excerpt(text, 300, this.#settings.mask);
      // A 429/503 comes here after the client's retries, or at once when Splunk asked for a longer wait than it waits.
      const wait = throttleNote("Splunk", res.status, res.headers["retry-after"]);
      throw new QueryError(msg.liveQueryFailed(request.queryName, "Splunk", `HTTP ${res.status}`, this.#settings.mask(`${shown}${wait}`)));
    }
    const parsed = parseSplunkExport(text);
    // A 200 whose body holds no JSON line (a single sign-on or proxy page) is no answer: not "no hits".
    if (parsed.objects === 0 && text.trim() !== "") {
      throw new QueryError(msg.liveQueryFailed(request.queryName, "Splunk", "HTTP 200", this.#settings.mask(`the answer is not Splunk's JSON lines: ${excerpt(text, 200, this.#settings.mask)}`)));
    }
    if (parsed.errors.length && parsed.results.length === 0) {
      throw new QueryError(msg.liveQueryFailed(request.queryName, "Splunk", "search error", this.#settings.mask(parsed.errors.join("; "))));
    }
    const table = splunkTable(parsed.results);
    const warnings = parsed.warnings.map((w) => {
      const text = this.#settings.mask(w);
      return CAP_WARNING.test(w)
        ? `Splunk: ${text} — the results may be cut short; narrow the query, or ${SPLIT_ADVICE}`
        : `Splunk: ${text}`;
    });
    const out: LiveTable = { ...table, warnings };
    // A stream that stopped early is no complete answer, though every line that came was read: said as a partial result.
    const cut: string[] = [];
    // Empty preview tables (a reporting search that had found nothing yet) are no empty answer either.
    if (!parsed.final && (parsed.results.length || parsed.previewed)) {
      const got = parsed.results.length ? `the latest preview's ${parsed.results.length} row(s) are returned, not the final result` : "the latest preview table was empty: no rows are returned, and the final result may have had some";
      cut.push(`the search's final results never came (the answer ended after its preview tables, as when the search is stopped or the connection is cut): ${got}`);
    }
    if (parsed.open) cut.push(`the answer ended without Splunk's last-row marker ("lastrow":true) after ${parsed.results.length} row(s): the stream was cut (a proxy's time limit, splunkd stopping), the rows after them are missing`);
    if (parsed.skipped) cut.push(`${parsed.skipped} line(s) of the answer are no JSON object (the first is line ${parsed.firstSkipped ?? 0}: a line cut mid-way) and were skipped`);
    const partial = [...parsed.errors, ...cut];
    if (partial.length) out.partialError = this.#settings.mask(partial.join("; "));
    return out;
  }

  #export(form: URLSearchParams, signal: AbortSignal) {
    if (!this.#auth) throw new QueryError(msg.liveNotConnected("Splunk", "search"));
    return this.#settings.http.request({
      method: "POST",
      url: `${this.#base}/services/search/jobs/export`,
      headers: { Authorization: this.#auth.header },
      body: form,
      responseType: "text",
      signal,
      acceptStatus: PAYLOAD_STATUS,
    });
  }
}

/** The Splunk driver (registered by drivers/index.ts). */
export function createSplunkDriver(settings: LiveSettings): LiveDriver {
  return new SplunkDriver(settings);
}
