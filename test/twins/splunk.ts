/**
 * A loopback twin of Splunk's REST API (management port), speaking its wire
 * format: `POST /services/auth/login` (form, output_mode=json → `{sessionKey}`),
 * `GET /services/authentication/current-context`, `POST /services/search/jobs/export`
 * (form: search, earliest_time, latest_time, output_mode=json) answering JSON
 * lines `{"preview":false,"offset":n,"result":{…}}` (every field as text, lists
 * for multivalue fields, the last with `"lastrow":true`) and `{"messages":[…]}`;
 * errors as `{"messages":[{"type":"ERROR"|"FATAL"|"WARN","text":…}]}` with 400/401;
 * preview tables (`"preview":true`) before the final one when told (`previews`, `cutShort`);
 * 429/503 with Retry-After when told to throttle.
 *
 * It serves the lab's data (data/*.parquet, one sourcetype per file) through a
 * small SPL interpreter — `search` terms (`field=value`, `field IN (…)`), `where` eval expressions (comparisons,
 * AND/OR/NOT, `.`, len, lower, upper, like, isnull, isnotnull, coalesce, in,
 * null, true, false), `fields`, `head`, `sort` — and refuses any other command,
 * so a parameter that broke out of its literal (`| delete`) fails loudly. Every
 * search is recorded with the string literals it held, so tests can check that
 * a hostile value arrived as exactly one literal.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import pl from "nodejs-polars";

const DATA = path.join(__dirname, "..", "..", "data");

/** The lab's files served as sourcetypes (index "lab"). */
export const LAB_SOURCETYPES: Record<string, string> = {
  alerts: "alerts_list.parquet",
  host_logons: "host_logons.parquet",
  failed_logons: "failed_logons.parquet",
  processes: "processes_on_host.parquet",
  process_tree: "process_tree.parquet",
  aad_signins: "aad_logons.parquet",
  aad_signins_account: "aad_signins_for_account.parquet",
  syslog: "syslog_data.parquet",
  network_flows: "az_net_comms.parquet",
  office_exchange: "exchange_admin.parquet",
  office_activity: "activity_for_account.parquet",
  windows_events: "all_events.parquet",
  network_summary: "timeseries.parquet",
};

/** The time column `_time` comes from, per lab file (else TimeGenerated). */
const TIME_COLUMN: Record<string, string> = { "exchange_admin.parquet": "begin" };

export interface SplunkTwinOptions {
  /** Accepted bearer token (neither token nor username given: any bearer token is accepted). */
  token?: string;
  /** Accepted username/password. */
  username?: string;
  password?: string;
  /** sourcetype → rows (field → value, as JSON would carry it); default: the lab's files. */
  data?: Record<string, Record<string, unknown>[]>;
  /** The next N export requests answer 429 (or `throttleStatus`), with Retry-After: 0. */
  throttle?: number;
  /** 429 (default, too many searches) or 503 (splunkd busy or restarting). */
  throttleStatus?: 429 | 503;
  /** The throttled answers' Retry-After (default "0"). */
  throttleRetryAfter?: string;
  /** Send this WARN message line with every export. */
  warn?: string;
  /** Stop after this many rows and send a result-cap WARN message. */
  resultCap?: number;
  /**
   * Stop after this many rows and say so in an INFO message (`{"type":"INFO","text":"… truncating to maxout N."}`), as
   * Splunk words a result cut at a `maxout` limit (subsearches, `[restapi] maxresultrows`); `infoText` replaces the text.
   */
  maxout?: number;
  infoText?: string;
  /** Send this ERROR message after the rows (a partial failure). */
  partialError?: string;
  /** Hold the answer to a search whose text includes `contains` for `ms` (two queries at once finishing in a known order). */
  slow?: { contains: string; ms: number };
  /** Answer the export with this page (200, text/html), as a single sign-on proxy in front of Splunk does. */
  htmlPage?: string;
  /**
   * Stream these preview tables first (each `"preview":true` from offset 0), as a reporting search (`| stats …`) does
   * while it runs; the final table (`"preview":false`) follows. An empty table (preview or final) is a single
   * `{"preview":…,"offset":0,"lastrow":true}` line.
   */
  previews?: Record<string, unknown>[][];
  /** With `previews`: no final line at all, as when the search was stopped before it finished. */
  cutShort?: boolean;
  /**
   * The answer stops after this many final rows, the 200 and its body ended cleanly (as a proxy's time limit or
   * splunkd stopping ends a stream): no `"lastrow":true`; with `midLine`, the first half of the next row's line follows.
   */
  streamCut?: { afterRows: number; midLine?: boolean };
}

export interface SeenSearch {
  search: string;
  earliest?: string;
  latest?: string;
  /** Every string literal of the search, unescaped. */
  literals: string[];
  /** The commands, in order. */
  commands: string[];
  authorization: string;
}

export interface SplunkTwin {
  url: string;
  host: string;
  port: number;
  searches: SeenSearch[];
  logins: number;
  /** Requests by path. */
  requests: { method: string; path: string; authorization?: string }[];
  /** Expires every session key (the next search with one answers 401). */
  expireSessions(): void;
  options: SplunkTwinOptions;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------
// SPL tokens and the interpreter.

type Token =
  | { kind: "str"; value: string }
  | { kind: "num"; value: number }
  | { kind: "word"; value: string }
  | { kind: "field"; value: string } // 'quoted field'
  | { kind: "op"; value: string };

/** Tokenizes SPL: `"…"` with `\` escapes, `'…'` field names, numbers, words, operators. Throws on an unterminated quote. */
export function tokenizeSpl(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i += 1;
      continue;
    }
    if (c === '"') {
      let value = "";
      i += 1;
      for (;;) {
        if (i >= text.length) throw new Error("Unbalanced quotes.");
        const d = text[i];
        if (d === "\\" && i + 1 < text.length) {
          value += text[i + 1];
          i += 2;
        } else if (d === '"') {
          i += 1;
          break;
        } else {
          value += d;
          i += 1;
        }
      }
      out.push({ kind: "str", value });
      continue;
    }
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new Error("Unbalanced quotes.");
      out.push({ kind: "field", value: text.slice(i + 1, end) });
      i = end + 1;
      continue;
    }
    const num = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (num) {
      out.push({ kind: "num", value: Number(num[0]) });
      i += num[0].length;
      continue;
    }
    const op = /^(==|!=|<=|>=|[()=<>,.|+*\/-])/.exec(text.slice(i));
    if (op) {
      out.push({ kind: "op", value: op[0] });
      i += op[0].length;
      continue;
    }
    const word = /^[A-Za-z_*][A-Za-z0-9_.:*\-]*/.exec(text.slice(i));
    if (word) {
      out.push({ kind: "word", value: word[0] });
      i += word[0].length;
      continue;
    }
    throw new Error(`Unexpected character '${c}' in search.`);
  }
  return out;
}

type Value = string | number | boolean | null;
type Row = Record<string, unknown>;

function scalarOf(v: unknown): Value {
  if (v === undefined || v === null) return null;
  if (Array.isArray(v)) return v.length ? scalarOf(v[0]) : null;
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  return String(v);
}

function asNumber(v: Value): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v === "string" && v.trim() !== "" && !Number.isNaN(Number(v))) return Number(v);
  return undefined;
}

function equal(a: Value, b: Value): boolean | null {
  if (a === null || b === null) return null;
  const na = asNumber(a);
  const nb = asNumber(b);
  if (na !== undefined && nb !== undefined) return na === nb;
  return String(a) === String(b);
}

const likeCache = new Map<string, RegExp>();

function likeRegex(pattern: string): RegExp {
  const hit = likeCache.get(pattern);
  if (hit) return hit;
  const re = likeSource(pattern);
  if (likeCache.size > 1000) likeCache.clear();
  likeCache.set(pattern, re);
  return re;
}

function likeSource(pattern: string): RegExp {
  const body = pattern.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/%/g, ".*").replace(/_/g, ".");
  return new RegExp(`^${body}$`, "s");
}

/** A recursive-descent evaluator of eval/where expressions over one row. */
class Expr {
  #i = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly row: Row,
  ) {}

  static evaluate(tokens: Token[], row: Row): Value {
    const e = new Expr(tokens, row);
    const v = e.or();
    if (e.#i !== tokens.length) throw new Error(`Error in 'where' command: unexpected '${JSON.stringify(tokens[e.#i])}'.`);
    return v;
  }

  #peek(): Token | undefined {
    return this.tokens[this.#i];
  }
  #isWord(w: string): boolean {
    const t = this.#peek();
    return t?.kind === "word" && t.value.toUpperCase() === w;
  }
  #isOp(o: string): boolean {
    const t = this.#peek();
    return t?.kind === "op" && t.value === o;
  }
  #expectOp(o: string): void {
    if (!this.#isOp(o)) throw new Error(`Error in 'where' command: expected '${o}'.`);
    this.#i += 1;
  }

  or(): Value {
    let left = this.and();
    while (this.#isWord("OR")) {
      this.#i += 1;
      const right = this.and();
      left = left === true || right === true ? true : left === null || right === null ? null : false;
    }
    return left;
  }
  and(): Value {
    let left = this.not();
    while (this.#isWord("AND")) {
      this.#i += 1;
      const right = this.not();
      left = left === false || right === false ? false : left === null || right === null ? null : true;
    }
    return left;
  }
  not(): Value {
    if (this.#isWord("NOT")) {
      this.#i += 1;
      const v = this.not();
      return v === null ? null : !v;
    }
    return this.compare();
  }
  /** Whether the operand from token `from` to the current one is a lone double-quoted string literal. */
  #quoted(from: number): boolean {
    return this.#i === from + 1 && this.tokens[from]?.kind === "str";
  }
  compare(): Value {
    const leftFrom = this.#i;
    const left = this.concat();
    const leftQuoted = this.#quoted(leftFrom);
    const t = this.#peek();
    if (t?.kind === "op" && ["=", "==", "!=", "<", ">", "<=", ">="].includes(t.value)) {
      this.#i += 1;
      const rightFrom = this.#i;
      const right = this.concat();
      if (t.value === "=" || t.value === "==") return equal(left, right);
      if (t.value === "!=") {
        const eq = equal(left, right);
        return eq === null ? null : !eq;
      }
      if (left === null || right === null) return null;
      // As Splunk's eval orders values: two numbers as numbers (a field's numeric text is a number), anything else —
      // a double-quoted literal among them, "1000" — as text, so `Bytes>"1000"` keeps 999.
      const a = leftQuoted ? undefined : asNumber(left);
      const b = this.#quoted(rightFrom) ? undefined : asNumber(right);
      const [x, y] = a !== undefined && b !== undefined ? [a, b] : [String(left), String(right)];
      return t.value === "<" ? x < y : t.value === ">" ? x > y : t.value === "<=" ? x <= y : x >= y;
    }
    return left;
  }
  concat(): Value {
    let left = this.primary();
    while (this.#isOp(".")) {
      this.#i += 1;
      const right = this.primary();
      left = left === null || right === null ? null : `${left}${right}`;
    }
    return left;
  }
  #args(): Value[][] {
    // Each argument evaluated; `in`/`coalesce` take lists, so keep them flat.
    this.#expectOp("(");
    const args: Value[][] = [];
    if (this.#isOp(")")) {
      this.#i += 1;
      return args;
    }
    for (;;) {
      args.push([this.or()]);
      if (this.#isOp(",")) {
        this.#i += 1;
        continue;
      }
      this.#expectOp(")");
      return args;
    }
  }
  primary(): Value {
    const t = this.tokens[this.#i++];
    if (!t) throw new Error("Error in 'where' command: the expression is incomplete.");
    if (t.kind === "str") return t.value;
    if (t.kind === "num") return t.value;
    if (t.kind === "field") return scalarOf(this.row[t.value]);
    if (t.kind === "op" && t.value === "(") {
      const v = this.or();
      this.#expectOp(")");
      return v;
    }
    if (t.kind === "word") {
      if (this.#isOp("(")) {
        const args = this.#args().map((a) => a[0]);
        const fn = t.value.toLowerCase();
        switch (fn) {
          case "len":
            return args[0] === null ? null : String(args[0]).length;
          case "lower":
            return args[0] === null ? null : String(args[0]).toLowerCase();
          case "upper":
            return args[0] === null ? null : String(args[0]).toUpperCase();
          case "like":
            return args[0] === null || args[1] === null ? null : likeRegex(String(args[1])).test(String(args[0]));
          case "isnull":
            return args[0] === null;
          case "isnotnull":
            return args[0] !== null;
          case "coalesce":
            return args.find((a) => a !== null) ?? null;
          case "in":
            return args[0] === null ? false : args.slice(1).some((a) => equal(args[0], a) === true);
          case "null":
            return null;
          case "true":
            return true;
          case "false":
            return false;
          default:
            throw new Error(`Error in 'where' command: The '${t.value}' function is unsupported or undefined.`);
        }
      }
      return scalarOf(this.row[t.value]);
    }
    throw new Error(`Error in 'where' command: unexpected '${t.value}'.`);
  }
}

/** Splits tokens into commands at top-level `|`. */
function commandsOf(tokens: Token[]): Token[][] {
  const out: Token[][] = [[]];
  for (const t of tokens) {
    if (t.kind === "op" && t.value === "|") out.push([]);
    else out[out.length - 1].push(t);
  }
  return out;
}

function wildcardMatch(pattern: string, value: string): boolean {
  const body = pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
  return new RegExp(`^${body}$`, "is").test(value);
}

/** Runs a parsed search over the twin's data. Throws with Splunk's wording on what it does not understand. */
function runSearch(commands: Token[][], data: Record<string, Row[]>): Row[] {
  if (commands[0].length === 0) throw new Error("Error in 'SearchParser': Missing a search command before '|'.");
  let rows: Row[] = [];
  for (const [n, command] of commands.entries()) {
    const head = command[0];
    if (!head || head.kind !== "word") throw new Error("Error in 'SearchParser': Missing a search command before '|'.");
    const name = head.value.toLowerCase();
    const rest = command.slice(1);
    if (n === 0) {
      if (name !== "search") throw new Error(`Unknown search command '${head.value}'.`);
      // search key=value terms: index=… sourcetype=… field=value (wildcards, case-insensitive); field IN (v1, v2) any of them.
      const terms: [string, string][] = [];
      const anyOf: [string, string[]][] = [];
      for (let i = 0; i < rest.length; i += 3) {
        const k = rest[i];
        const eq = rest[i + 1];
        const v = rest[i + 2];
        if (k?.kind === "word" && eq?.kind === "word" && eq.value === "IN" && v?.kind === "op" && v.value === "(") {
          const list: string[] = [];
          let j = i + 3;
          for (;;) {
            const item = rest[j];
            if (!item || item.kind === "op") throw new Error("Error in 'search' command: Unable to parse the search: the IN list needs values.");
            list.push(String(item.value));
            const sep = rest[j + 1];
            if (sep?.kind === "op" && sep.value === ")") break;
            if (sep?.kind !== "op" || sep.value !== ",") throw new Error("Error in 'search' command: Unable to parse the search: expected , or ) in the IN list.");
            j += 2;
          }
          anyOf.push([k.value, list]);
          i = j + 2 - 3;
          continue;
        }
        if (k?.kind !== "word" || eq?.kind !== "op" || eq.value !== "=" || !v || v.kind === "op") throw new Error("Error in 'search' command: only field=value and field IN (…) terms are supported by the twin.");
        terms.push([k.value, String(v.value)]);
      }
      const sourcetype = terms.find(([k]) => k === "sourcetype")?.[1];
      const index = terms.find(([k]) => k === "index")?.[1];
      // Everything lives in index "lab"; index=main (or none) finds nothing, as on a real server with no default index searched.
      const types = index !== undefined && wildcardMatch(index, "lab") ? Object.keys(data).filter((t) => sourcetype === undefined || wildcardMatch(sourcetype, t)) : [];
      rows = types.flatMap((t) => data[t]);
      for (const [k, v] of terms) {
        if (k === "index" || k === "sourcetype") continue;
        rows = rows.filter((r) => {
          const value = scalarOf(r[k]);
          return value !== null && wildcardMatch(v, String(value));
        });
      }
      for (const [k, list] of anyOf) {
        rows = rows.filter((r) => {
          const value = scalarOf(r[k]);
          return value !== null && list.some((v) => wildcardMatch(v, String(value)));
        });
      }
      continue;
    }
    switch (name) {
      case "where":
        rows = rows.filter((r) => Expr.evaluate(rest, r) === true);
        break;
      case "head": {
        const count = rest[0]?.kind === "num" ? rest[0].value : 10;
        rows = rows.slice(0, count);
        break;
      }
      case "fields": {
        const remove = rest[0]?.kind === "op" && rest[0].value === "-";
        const names = rest.filter((t) => t.kind === "word" || t.kind === "field" || t.kind === "str").map((t) => String(t.value));
        rows = rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => (remove ? !names.includes(k) : names.includes(k) || k === "_time"))));
        break;
      }
      case "sort": {
        const keys = rest.filter((t) => t.kind === "word" || t.kind === "field").map((t) => String(t.value));
        const desc = rest.some((t) => t.kind === "op" && t.value === "-");
        rows = [...rows].sort((a, b) => {
          for (const k of keys) {
            const x = String(scalarOf(a[k]) ?? "");
            const y = String(scalarOf(b[k]) ?? "");
            if (x !== y) return (x < y ? -1 : 1) * (desc ? -1 : 1);
          }
          return 0;
        });
        break;
      }
      default:
        throw new Error(`Unknown search command '${head.value}'.`);
    }
  }
  return rows;
}

// ---------------------------------------------------------------------------
// The lab's data as Splunk would index it.

function isoSplunk(ms: number): string {
  return new Date(ms).toISOString().replace("Z", "+00:00");
}

/** A polars value as Splunk's JSON carries it: text, or a list of texts. */
function splunkValue(value: unknown, dtype: string): unknown {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Date) return isoSplunk(value.getTime());
  if (Array.isArray(value)) return value.map((v) => String(v));
  if (typeof value === "number") {
    if (Number.isNaN(value)) return undefined;
    // A float column's whole numbers keep their decimal point, as exporters write them.
    return dtype.includes("Float") && Number.isInteger(value) ? value.toFixed(1) : String(value);
  }
  if (typeof value === "bigint") return value.toString();
  return String(value);
}

/**
 * Epoch ms of a lab time value as an ingest pipeline would read it: a Date, ISO
 * 8601 text (no zone = UTC), or the US forms of the lab's exports (`2/10/19 3:21 PM`) taken as UTC.
 */
export function labTimeMs(value: unknown): number | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.getTime();
  if (typeof value !== "string" || !value.trim()) return undefined;
  const t = value.trim();
  const iso = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(t);
  const ms = iso ? Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(t) ? t.replace(" ", "T") : `${t.replace(" ", "T")}Z`) : /^\d{1,2}\/\d{1,2}\/\d{2,4}/.test(t) ? Date.parse(`${t} UTC`) : NaN;
  return Number.isNaN(ms) ? undefined : ms;
}

/** The time column of a lab file (its events' time). */
export function labTimeColumn(file: string): string {
  return TIME_COLUMN[file] ?? "TimeGenerated";
}

const cache = new Map<string, Row[]>();

/** One lab file as Splunk events of `sourcetype` (with Splunk's own fields). */
export function labEvents(sourcetype: string, file: string): Row[] {
  const key = `${sourcetype}:${file}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const df = pl.readParquet(path.join(DATA, file));
  const timeColumn = labTimeColumn(file);
  // Column arrays, not toRecords(): several times faster on the 23k-row process table.
  const columns = df.columns.map((c, i) => ({ name: c, dtype: String(df.dtypes[i]), values: df.getColumn(c).toArray() as unknown[] }));
  const times = columns.find((c) => c.name === timeColumn)?.values;
  const rows: Row[] = [];
  for (let i = 0; i < df.height; i += 1) {
    const row: Row = {};
    for (const c of columns) {
      const value = splunkValue(c.values[i], c.dtype);
      if (value !== undefined) row[c.name] = value;
    }
    // Splunk always has an event time: the lab's time column, else the epoch (an unknown time).
    const ms = labTimeMs(times?.[i]) ?? 0;
    row._time = isoSplunk(ms);
    Object.assign(row, { _bkt: `lab~0~${i}`, _cd: `0:${i}`, _indextime: String(Math.floor(ms / 1000)), _serial: String(i), _si: ["twin", "lab"], _sourcetype: sourcetype, host: "twin", index: "lab", linecount: "1", source: file, sourcetype, splunk_server: "twin" });
    rows.push(row);
  }
  cache.set(key, rows);
  return rows;
}

/** The lab's sourcetypes, each read on first use. */
function labData(): Record<string, Row[]> {
  const data = {} as Record<string, Row[]>;
  for (const [st, file] of Object.entries(LAB_SOURCETYPES)) Object.defineProperty(data, st, { enumerable: true, get: () => labEvents(st, file) });
  return data;
}

function timeOf(row: Row): number | undefined {
  const t = row._time;
  if (typeof t !== "string") return undefined;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? undefined : ms;
}

// ---------------------------------------------------------------------------
// The server.

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function messages(type: string, text: string): string {
  return JSON.stringify({ messages: [{ type, text }] });
}

/** Starts the twin on 127.0.0.1 (random port). */
export async function startSplunkTwin(options: SplunkTwinOptions = {}): Promise<SplunkTwin> {
  const sessions = new Set<string>();
  const data = options.data ?? labData();
  let sessionCounter = 0;
  const twin: SplunkTwin = {
    url: "",
    host: "127.0.0.1",
    port: 0,
    searches: [],
    logins: 0,
    requests: [],
    expireSessions: () => sessions.clear(),
    options,
    close: async () => {},
  };
  const authorized = (header: string | undefined): boolean => {
    if (!header) return false;
    // Without configured credentials any bearer token is accepted (as a fresh instance with one token would).
    if (!options.token && !options.username && header.startsWith("Bearer ")) return true;
    if (options.token && header === `Bearer ${options.token}`) return true;
    const m = /^Splunk (\S+)$/.exec(header);
    return m !== null && sessions.has(m[1]);
  };
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const auth = req.headers.authorization;
    twin.requests.push({ method: req.method ?? "GET", path: url.pathname, authorization: auth });
    const body = await readBody(req);
    const send = (status: number, text: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json; charset=UTF-8", ...headers });
      res.end(text);
    };
    try {
      if (req.method === "POST" && url.pathname === "/services/auth/login") {
        const form = new URLSearchParams(body);
        if (form.get("output_mode") !== "json") return send(400, messages("ERROR", "twin: output_mode=json expected"));
        if (options.username && form.get("username") === options.username && form.get("password") === options.password) {
          twin.logins += 1;
          sessionCounter += 1;
          const key = `twin-session-${sessionCounter}-${Math.random().toString(36).slice(2)}`;
          sessions.add(key);
          return send(200, JSON.stringify({ sessionKey: key }));
        }
        return send(401, messages("WARN", "Login failed"));
      }
      if (!authorized(auth)) return send(401, messages("WARN", "call not properly authenticated"));
      if (req.method === "GET" && url.pathname === "/services/authentication/current-context") {
        return send(200, JSON.stringify({ entry: [{ name: "context", content: { username: options.username ?? "token-user" } }] }));
      }
      if (req.method === "POST" && url.pathname === "/services/search/jobs/export") {
        if (options.throttle && options.throttle > 0) {
          options.throttle -= 1;
          const status = options.throttleStatus ?? 429;
          return send(status, messages("ERROR", status === 429 ? "Too many requests" : "Service Unavailable: splunkd is restarting"), { "Retry-After": options.throttleRetryAfter ?? "0" });
        }
        if (options.htmlPage !== undefined) return send(200, options.htmlPage, { "Content-Type": "text/html" });
        const form = new URLSearchParams(body);
        const search = form.get("search") ?? "";
        const seen: SeenSearch = { search, literals: [], commands: [], authorization: auth ?? "" };
        const earliest = form.get("earliest_time");
        const latest = form.get("latest_time");
        if (earliest !== null) seen.earliest = earliest;
        if (latest !== null) seen.latest = latest;
        twin.searches.push(seen);
        if (form.get("output_mode") !== "json") return send(400, messages("FATAL", "twin: output_mode=json expected"));
        let rows: Row[];
        try {
          const tokens = tokenizeSpl(search);
          seen.literals = tokens.filter((t) => t.kind === "str").map((t) => String(t.value));
          const commands = commandsOf(tokens);
          seen.commands = commands.map((c) => (c[0]?.kind === "word" ? c[0].value : "?"));
          rows = runSearch(commands, data);
        } catch (err) {
          return send(400, messages("FATAL", (err as Error).message));
        }
        const from = earliest === null ? -Infinity : Number(earliest) * 1000;
        const to = latest === null ? Infinity : Number(latest) * 1000;
        rows = rows.filter((r) => {
          const t = timeOf(r);
          return t === undefined ? earliest === null && latest === null : t >= from && t < to;
        });
        if (options.slow && search.includes(options.slow.contains)) await new Promise((r) => setTimeout(r, options.slow?.ms));
        const lines: string[] = [];
        if (options.warn) lines.push(messages("WARN", options.warn));
        let capped = false;
        if (options.resultCap !== undefined && rows.length > options.resultCap) {
          rows = rows.slice(0, options.resultCap);
          capped = true;
        }
        let maxedOut: number | undefined;
        if (options.maxout !== undefined && rows.length > options.maxout) {
          maxedOut = rows.length;
          rows = rows.slice(0, options.maxout);
        }
        for (const table of options.previews ?? []) {
          if (table.length === 0) lines.push(JSON.stringify({ preview: true, offset: 0, lastrow: true }));
          table.forEach((r, i) => lines.push(JSON.stringify({ preview: true, offset: i, ...(i === table.length - 1 ? { lastrow: true } : {}), result: r })));
        }
        if (options.previews && !options.cutShort && rows.length === 0) lines.push(JSON.stringify({ preview: false, offset: 0, lastrow: true }));
        if (!options.cutShort) rows.forEach((r, i) => lines.push(JSON.stringify({ preview: false, offset: i, ...(i === rows.length - 1 ? { lastrow: true } : {}), result: r })));
        if (capped) lines.push(messages("WARN", `Search results might be incomplete: the search reached the maximum number of results (${options.resultCap}).`));
        if (maxedOut !== undefined) lines.push(messages("INFO", options.infoText ?? `Search produced ${maxedOut} results, truncating to maxout ${options.maxout}.`));
        if (options.partialError) lines.push(messages("ERROR", options.partialError));
        if (options.streamCut) {
          const { afterRows, midLine } = options.streamCut;
          const first = lines.findIndex((l) => l.startsWith('{"preview":false'));
          const kept = first < 0 ? lines.slice() : lines.slice(0, first + afterRows);
          const next = first < 0 ? undefined : lines[first + afterRows];
          if (midLine && next !== undefined) kept.push(next.slice(0, Math.floor(next.length / 2)));
          lines.splice(0, lines.length, ...kept);
        }
        // Streamed as Splunk does: one JSON object per line.
        res.writeHead(200, { "content-type": "application/json; charset=UTF-8" });
        res.end(`${lines.join("\n")}\n`);
        return;
      }
      return send(404, messages("ERROR", `Not Found: ${url.pathname}`));
    } catch (err) {
      send(500, messages("FATAL", String(err)));
    }
  });
  const sockets = new Set<import("node:net").Socket>();
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  twin.port = (server.address() as AddressInfo).port;
  twin.url = `http://127.0.0.1:${twin.port}`;
  twin.close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return twin;
}
