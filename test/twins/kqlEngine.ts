/**
 * A tiny KQL interpreter for the Log Analytics and Kusto twins. It parses the
 * subset huntlab's query files use and refuses everything else with a syntax
 * error, so a parameter that escaped its literal (`x" or 1==1 //`,
 * `x' | delete`) makes the query fail loudly instead of running.
 *
 * Grammar: `Table (| op)*`; ops: `where <expr>`, `take N`/`limit N`,
 * `project A, B = <expr>`, `extend B = <expr>`, `project-away A`,
 * `mv-expand [B =] A [to typeof(T)]` (also `mvexpand`),
 * `summarize B = sum(x)|count() by [C =] bin(T, 1h)|col`,
 * `sort by C [asc|desc]`/`order by`. Expressions: `and`, `or`,
 * `not(…)`, parentheses, `+`, `==`, `!=`, `=~`, `!~`, `<`, `<=`, `>`, `>=`, `has`,
 * `!has`, `contains`, `!contains`, `startswith`, `in (…)`, `in~ (…)`,
 * `!in (…)`, `between (a .. b)`, `x[i]`; functions `isempty`, `isnotempty`,
 * `isnull`, `isnotnull`, `array_length`, `tolower`, `tostring`, `tolong`,
 * `iif`, `split`, `pack_array`, `array_concat`, `extract_all`/`extractall`,
 * `bin`. Literals: "…" and '…' strings with `\` escapes, `@"…"` verbatim
 * strings, numbers, timespans (`1h`), true/false, `datetime(…)`,
 * `dynamic([…])`, `long(…)`/`int(…)`/`real(…)`/`bool(…)` including null.
 * Strings follow Kusto: there is no null string, string functions read a null
 * as "". Every literal met is recorded, so tests can check what arrived; each
 * column's type is tracked through the pipeline (Log Analytics type names).
 */

export type Value = string | number | boolean | Date | null | Value[];
export type Row = Record<string, Value>;

export class KqlSyntaxError extends Error {
  constructor(message: string, readonly position: number, readonly token: string) {
    super(message);
  }
}

type Token = { kind: "ident" | "string" | "number" | "op" | "raw" | "eof"; text: string; value?: string | number; pos: number };

const OPS = ["..", "==", "!=", "=~", "!~", "<=", ">=", "|", "(", ")", ",", "<", ">", "[", "]", "!", "=", "+"];

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i += 1;
      continue;
    }
    if (c === "/" && text[i + 1] === "/") throw new KqlSyntaxError(`comment not allowed in twin queries at ${i}`, i, "//");
    if ((c === "@" && (text[i + 1] === '"' || text[i + 1] === "'")) || c === '"' || c === "'") {
      const verbatim = c === "@";
      const quote = verbatim ? text[i + 1] : c;
      let j = verbatim ? i + 2 : i + 1;
      let value = "";
      for (;;) {
        if (j >= text.length) throw new KqlSyntaxError(`unterminated string literal at ${i}`, i, text.slice(i, i + 10));
        const ch = text[j];
        if (ch === "\n" || ch === "\r") throw new KqlSyntaxError(`line break inside a string literal at ${j}`, j, ch);
        if (ch === quote) {
          if (verbatim && text[j + 1] === quote) {
            value += quote;
            j += 2;
            continue;
          }
          break;
        }
        if (ch === "\\" && !verbatim) {
          const n = text[j + 1];
          const simple: Record<string, string> = { "\\": "\\", '"': '"', "'": "'", n: "\n", r: "\r", t: "\t", "0": "\0" };
          if (n === "u") {
            const hex = text.slice(j + 2, j + 6);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new KqlSyntaxError(`bad \\u escape at ${j}`, j, hex);
            value += String.fromCharCode(parseInt(hex, 16));
            j += 6;
            continue;
          }
          if (n === undefined || !(n in simple)) throw new KqlSyntaxError(`bad escape at ${j}`, j, `\\${n ?? ""}`);
          value += simple[n];
          j += 2;
          continue;
        }
        value += ch;
        j += 1;
      }
      out.push({ kind: "string", text: text.slice(i, j + 1), value, pos: i });
      i = j + 1;
      continue;
    }
    const num = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 40));
    if (num && (c !== "-" || !out.length || out[out.length - 1].kind === "op")) {
      out.push({ kind: "number", text: num[0], value: Number(num[0]), pos: i });
      i += num[0].length;
      continue;
    }
    // `mv-expand` and `project-away` are one word each.
    const ident = /^(?:mv-expand|project-away|[A-Za-z_]\w*~?)/.exec(text.slice(i, i + 200));
    if (ident) {
      out.push({ kind: "ident", text: ident[0], pos: i });
      i += ident[0].length;
      continue;
    }
    const op = OPS.find((o) => text.startsWith(o, i));
    if (!op) throw new KqlSyntaxError(`unexpected character ${JSON.stringify(c)} at ${i}`, i, c);
    out.push({ kind: "op", text: op, pos: i });
    i += op.length;
    // datetime(…) holds an unquoted literal: one raw token up to the closing parenthesis.
    if (op === "(" && out.length > 1 && out[out.length - 2].kind === "ident" && out[out.length - 2].text === "datetime") {
      const close = text.indexOf(")", i);
      if (close < 0) throw new KqlSyntaxError(`unterminated datetime( at ${i}`, i, "datetime(");
      out.push({ kind: "raw", text: text.slice(i, close).trim(), pos: i });
      i = close;
    }
  }
  out.push({ kind: "eof", text: "", pos: text.length });
  return out;
}

/** A row function; `type` is its static Log Analytics type when known. */
type Expr = ((row: Row) => Value) & { type?: string };

function typed(fn: (row: Row) => Value, type?: string): Expr {
  const e = fn as Expr;
  e.type = type;
  return e;
}

export interface ColumnSpec {
  name: string;
  /** Log Analytics type; undefined: read from the values. */
  type?: string;
}

type Op = (rows: Row[], columns: string[]) => { rows: Row[]; columns: string[] };

export interface ParsedQuery {
  table: string;
  ops: Op[];
  /** Every literal in the query, in order (strings as their value, datetimes as Dates). */
  literals: Value[];
  /** The result's columns, in order, with their types where known. */
  columns: ColumnSpec[];
}

function lower(v: Value): string {
  return v === null ? "" : v instanceof Date ? v.toISOString().toLowerCase() : String(v).toLowerCase();
}

/**
 * Kusto's `has`: `b` is whole terms of `a` (terms are runs of letters and digits), not any substring:
 * `"PutRange" has "range"` is false, `"North America" has "america"` true.
 */
function hasTerm(a: string, b: string): boolean {
  if (b === "") return true;
  const alnum = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}]/u.test(c);
  for (let i = a.indexOf(b); i >= 0; i = a.indexOf(b, i + 1)) {
    const startOk = !alnum(b[0]) || !alnum(a[i - 1]);
    const endOk = !alnum(b[b.length - 1]) || !alnum(a[i + b.length]);
    if (startOk && endOk) return true;
  }
  return false;
}

/** Kusto's tostring(): no null string, arrays as JSON. */
function toText(v: Value): string {
  if (v === null) return "";
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return JSON.stringify(v);
  return String(v);
}

function cmp(a: Value, b: Value): number | undefined {
  if (a === null || b === null) return undefined;
  const x = a instanceof Date ? a.getTime() : a;
  const y = b instanceof Date ? b.getTime() : b;
  if (typeof x === "number" && typeof y === "number") return x - y;
  if (typeof x === "string" && typeof y === "string") return x < y ? -1 : x > y ? 1 : 0;
  if (typeof x === "number" && typeof y === "string" && y.trim() !== "" && !Number.isNaN(Number(y))) return x - Number(y);
  if (typeof y === "number" && typeof x === "string" && x.trim() !== "" && !Number.isNaN(Number(x))) return Number(x) - y;
  return String(x) === String(y) ? 0 : undefined;
}

function equal(a: Value, b: Value): boolean {
  return cmp(a, b) === 0;
}

/** Timespan units (ms). */
const SPANS: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000, min: 60_000, s: 1000, ms: 1 };

/** A value's type when the expression's type is not known statically. */
function typeOfValue(v: Value): string | undefined {
  if (v === null) return undefined;
  if (v instanceof Date) return "datetime";
  if (Array.isArray(v)) return "dynamic";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "number") return Number.isInteger(v) ? "long" : "real";
  return "string";
}

/** Aggregates of summarize. */
type Aggregate = { name: string; fn: "sum" | "count"; arg?: Expr; type: string };

class Parser {
  private at = 0;
  readonly literals: Value[] = [];
  /** The columns at this point of the pipeline (name → type). */
  private columns: Map<string, string | undefined>;
  constructor(private readonly tokens: Token[], columns: readonly ColumnSpec[]) {
    this.columns = new Map(columns.map((c) => [c.name, c.type]));
  }

  private peek(offset = 0): Token {
    return this.tokens[this.at + offset];
  }
  private next(): Token {
    return this.tokens[this.at++];
  }
  private fail(what: string): never {
    const t = this.peek();
    throw new KqlSyntaxError(`${what} at '${t.text || "end of query"}' (position ${t.pos})`, t.pos, t.text);
  }
  private expect(text: string): void {
    if (this.peek().text !== text) this.fail(`expected '${text}'`);
    this.next();
  }
  private isWord(word: string): boolean {
    const t = this.peek();
    return t.kind === "ident" && t.text === word;
  }
  private name(what = "a column name"): Token {
    const t = this.next();
    if (t.kind !== "ident") {
      this.at -= 1;
      this.fail(`expected ${what}`);
    }
    return t;
  }
  private column(operator: string): Token {
    const c = this.name();
    if (!this.columns.has(c.text)) throw new KqlSyntaxError(`'${operator}' operator: Failed to resolve scalar expression named '${c.text}'`, c.pos, c.text);
    return c;
  }
  /** `Name =` ahead? */
  private assignment(): boolean {
    return this.peek().kind === "ident" && this.peek(1).text === "=";
  }

  query(): ParsedQuery {
    const t = this.next();
    if (t.kind !== "ident") this.fail("expected a table name");
    const ops: Op[] = [];
    while (this.peek().text === "|") {
      this.next();
      ops.push(this.operator());
    }
    if (this.peek().kind !== "eof") this.fail("unexpected token");
    return { table: t.text, ops, literals: this.literals, columns: [...this.columns].map(([name, type]) => ({ name, type })) };
  }

  private operator(): Op {
    const t = this.next();
    switch (t.kind === "ident" ? t.text : "") {
      case "where": {
        const e = this.expr();
        return (rows, columns) => ({ rows: rows.filter((r) => e(r) === true), columns });
      }
      case "take":
      case "limit": {
        const n = this.next();
        if (n.kind !== "number") this.fail("expected a row count");
        return (rows, columns) => ({ rows: rows.slice(0, Number(n.value)), columns });
      }
      case "project":
        return this.project();
      case "extend":
        return this.extend();
      case "project-away": {
        const drop = new Set<string>();
        do drop.add(this.column("project-away").text);
        while (this.peek().text === "," && this.next());
        for (const d of drop) this.columns.delete(d);
        const kept = [...this.columns.keys()];
        return (rows) => ({ rows: rows.map((r) => Object.fromEntries(kept.map((n) => [n, r[n] ?? null]))), columns: kept });
      }
      case "mv-expand":
      case "mvexpand":
        return this.mvExpand();
      case "summarize":
        return this.summarize();
      case "sort":
      case "order": {
        if (!this.isWord("by")) this.fail("expected 'by'");
        this.next();
        const c = this.column("sort");
        let desc = true;
        if (this.isWord("asc") || this.isWord("desc")) desc = this.next().text === "desc";
        return (rows, columns) => ({ rows: [...rows].sort((a, b) => (cmp(a[c.text], b[c.text]) ?? (a[c.text] === null ? 1 : -1)) * (desc ? -1 : 1)), columns });
      }
      default:
        return this.fail(`unknown or unsupported operator '${t.text}'`);
    }
  }

  /** `project A, B = expr`: the listed columns, in order. */
  private project(): Op {
    const items: { name: string; e: Expr }[] = [];
    const types = new Map<string, string | undefined>();
    do {
      if (this.assignment()) {
        const n = this.next().text;
        this.next();
        const e = this.expr();
        items.push({ name: n, e });
        types.set(n, e.type);
      } else {
        const c = this.column("project");
        const n = c.text;
        items.push({ name: n, e: (row) => row[n] ?? null });
        types.set(n, this.columns.get(n));
      }
    } while (this.peek().text === "," && this.next());
    this.columns = types;
    const names = items.map((i) => i.name);
    return (rows) => ({ rows: rows.map((r) => Object.fromEntries(items.map((i) => [i.name, i.e(r)]))), columns: names });
  }

  /** `extend B = expr, …`: columns added (or replaced in place). */
  private extend(): Op {
    const items: { name: string; e: Expr }[] = [];
    do {
      if (!this.assignment()) this.fail("expected 'Name = expression'");
      const n = this.next().text;
      this.next();
      const e = this.expr();
      items.push({ name: n, e });
      this.columns.set(n, e.type);
    } while (this.peek().text === "," && this.next());
    const names = [...this.columns.keys()];
    return (rows) => ({
      rows: rows.map((r) => {
        const out = { ...r };
        for (const i of items) out[i.name] = i.e(r);
        return out;
      }),
      columns: names,
    });
  }

  /** `mv-expand [B =] A [to typeof(T)]`: one row per element of an array. */
  private mvExpand(): Op {
    let target: string | undefined;
    if (this.assignment()) {
      target = this.next().text;
      this.next();
    }
    const source = this.column("mv-expand").text;
    const out = target ?? source;
    let as: string | undefined;
    if (this.isWord("to")) {
      this.next();
      if (!this.isWord("typeof")) this.fail("expected 'typeof'");
      this.next();
      this.expect("(");
      as = this.name("a type name").text;
      if (!["string", "long", "dynamic"].includes(as)) this.fail(`unsupported type '${as}'`);
      this.expect(")");
    }
    const convert = (v: Value): Value => (v === null ? null : as === "string" ? toText(v) : as === "long" ? Math.trunc(Number(v)) : v);
    if (target) {
      this.columns.set(target, as ?? "dynamic");
    } else this.columns.set(source, as ?? "dynamic");
    const names = [...this.columns.keys()];
    return (rows) => ({
      rows: rows.flatMap((r) => {
        const v = r[source] ?? null;
        const items = Array.isArray(v) ? (v.length ? v : [null]) : [v];
        return items.map((item) => ({ ...r, [out]: convert(item) }));
      }),
      columns: names,
    });
  }

  /** `summarize A = sum(x), B = count() by [K =] bin(T, 1h), C`. */
  private summarize(): Op {
    const aggs: Aggregate[] = [];
    do {
      let n: string | undefined;
      if (this.assignment()) {
        n = this.next().text;
        this.next();
      }
      const fn = this.name("an aggregation function").text;
      if (fn !== "sum" && fn !== "count") this.fail(`unsupported aggregation '${fn}'`);
      this.expect("(");
      let arg: Expr | undefined;
      const argStart = this.peek();
      if (fn === "sum") arg = this.expr();
      this.expect(")");
      const type = fn === "count" ? "long" : arg?.type === "long" || arg?.type === "int" ? "long" : "real";
      // Kusto's default names: count_, sum_<column>.
      aggs.push({ name: n ?? (fn === "count" ? "count_" : `sum_${argStart.text}`), fn, arg, type });
    } while (this.peek().text === "," && this.next());
    const keys: { name: string; e: Expr }[] = [];
    if (this.isWord("by")) {
      this.next();
      do {
        let n: string | undefined;
        if (this.assignment()) {
          n = this.next().text;
          this.next();
        }
        const start = this.peek();
        const e = this.expr();
        // An unnamed key takes its column's name (bin(TimeGenerated, 1h) → TimeGenerated).
        const named = n ?? (start.kind === "ident" && start.text === "bin" ? this.tokens[this.tokens.indexOf(start) + 2]?.text : start.text);
        if (!named) this.fail("a summarize key needs a name");
        keys.push({ name: named, e });
      } while (this.peek().text === "," && this.next());
    }
    const types = new Map<string, string | undefined>();
    for (const k of keys) types.set(k.name, k.e.type);
    for (const a of aggs) types.set(a.name, a.type);
    this.columns = types;
    const names = [...types.keys()];
    return (rows) => {
      const groups = new Map<string, { key: Value[]; rows: Row[] }>();
      for (const r of rows) {
        const key = keys.map((k) => k.e(r));
        const id = JSON.stringify(key.map((v) => (v instanceof Date ? v.getTime() : v)));
        let g = groups.get(id);
        if (!g) groups.set(id, (g = { key, rows: [] }));
        g.rows.push(r);
      }
      const out = [...groups.values()].map((g) => {
        const row: Row = {};
        keys.forEach((k, i) => (row[k.name] = g.key[i]));
        for (const a of aggs) {
          if (a.fn === "count") row[a.name] = g.rows.length;
          else row[a.name] = g.rows.reduce((s, r) => s + (typeof a.arg?.(r) === "number" ? (a.arg?.(r) as number) : 0), 0);
        }
        return row;
      });
      return { rows: out, columns: names };
    };
  }

  private expr(): Expr {
    let left = this.conj();
    while (this.isWord("or")) {
      this.next();
      const l = left;
      const r = this.conj();
      left = typed((row) => l(row) === true || r(row) === true, "bool");
    }
    return left;
  }

  private conj(): Expr {
    let left = this.comparison();
    while (this.isWord("and")) {
      this.next();
      const l = left;
      const r = this.comparison();
      left = typed((row) => l(row) === true && r(row) === true, "bool");
    }
    return left;
  }

  /** `a + b` on numbers (null if either is null). */
  private additive(): Expr {
    let left = this.operand();
    while (this.peek().text === "+") {
      this.next();
      const l = left;
      const r = this.operand();
      const type = l.type === "real" || r.type === "real" ? "real" : l.type === "long" || r.type === "long" ? "long" : l.type;
      left = typed((row) => {
        const a = l(row);
        const b = r(row);
        return typeof a === "number" && typeof b === "number" ? a + b : null;
      }, type);
    }
    return left;
  }

  private comparison(): Expr {
    const left = this.additive();
    const t = this.peek();
    const op = t.text;
    if (t.kind === "op" && ["==", "!=", "=~", "!~", "<", "<=", ">", ">="].includes(op)) {
      this.next();
      const right = this.additive();
      // Kusto refuses text compared with a number (`RemotePort == "443"`): a semantic error, not a match by conversion.
      const numeric = (type: string | undefined) => type === "long" || type === "int" || type === "real";
      if (op !== "=~" && op !== "!~" && ((left.type === "string" && numeric(right.type)) || (numeric(left.type) && right.type === "string"))) {
        throw new KqlSyntaxError(`Cannot compare values of types ${left.type} and ${right.type}. Try adding explicit casts (at ${t.pos})`, t.pos, op);
      }
      return typed((row) => {
        const a = left(row);
        const b = right(row);
        switch (op) {
          case "==":
            return equal(a, b);
          case "!=":
            return !equal(a, b);
          case "=~":
            return a !== null && b !== null && lower(a) === lower(b);
          case "!~":
            return !(a !== null && b !== null && lower(a) === lower(b));
          default: {
            const c = cmp(a, b);
            if (c === undefined) return false;
            return op === "<" ? c < 0 : op === "<=" ? c <= 0 : op === ">" ? c > 0 : c >= 0;
          }
        }
      }, "bool");
    }
    if (op === "!" && this.tokens[this.at + 1]?.kind === "ident") {
      this.next();
      const word = this.next().text;
      const positive = this.wordOp(word, left);
      return typed((row) => !positive(row), "bool");
    }
    if (t.kind === "ident" && ["has", "contains", "startswith", "endswith", "in", "in~", "between", "has_any"].includes(op)) {
      this.next();
      return this.wordOp(op, left);
    }
    return left;
  }

  private wordOp(word: string, left: Expr): Expr {
    switch (word) {
      case "has":
      case "contains":
      case "startswith":
      case "endswith": {
        const right = this.operand();
        return typed((row) => {
          const a = lower(left(row));
          const b = lower(right(row));
          return word === "startswith" ? a.startsWith(b) : word === "endswith" ? a.endsWith(b) : word === "has" ? hasTerm(a, b) : a.includes(b);
        }, "bool");
      }
      case "in":
      case "in~":
      case "has_any": {
        this.expect("(");
        const items: Expr[] = [];
        if (this.peek().text !== ")") {
          do items.push(this.operand());
          while (this.peek().text === "," && this.next());
        }
        this.expect(")");
        return typed((row) => {
          const a = left(row);
          const list = items.flatMap((e) => {
            const v = e(row);
            return Array.isArray(v) ? v : [v];
          });
          return word === "in" ? list.some((v) => equal(a, v)) : word === "in~" ? list.some((v) => lower(a) === lower(v)) : list.some((v) => hasTerm(lower(a), lower(v)));
        }, "bool");
      }
      case "between": {
        this.expect("(");
        const lo = this.operand();
        this.expect("..");
        const hi = this.operand();
        this.expect(")");
        return typed((row) => {
          const a = left(row);
          const l = lo(row);
          // Twin rule: a lab row whose time could not be read (null) is kept by an all-time window (lower bound at the epoch).
          if (a === null) return l instanceof Date && l.getTime() <= 0;
          const c1 = cmp(a, l);
          const c2 = cmp(a, hi(row));
          return c1 !== undefined && c2 !== undefined && c1 >= 0 && c2 <= 0;
        }, "bool");
      }
      default:
        return this.fail(`unsupported operator '${word}'`);
    }
  }

  private literal(value: Value, type?: string): Expr {
    this.literals.push(value);
    return typed(() => value, type ?? typeOfValue(value));
  }

  /** A primary value followed by any `[i]` element accesses. */
  private operand(): Expr {
    let e = this.primary();
    while (this.peek().text === "[") {
      this.next();
      const i = this.next();
      if (i.kind !== "number" || !Number.isInteger(i.value)) this.fail("expected an array index");
      this.expect("]");
      const base = e;
      const index = Number(i.value);
      // An element of a dynamic array is dynamic; out of range is null.
      e = typed((row) => {
        const v = base(row);
        if (!Array.isArray(v)) return null;
        return v[index < 0 ? v.length + index : index] ?? null;
      }, "dynamic");
    }
    return e;
  }

  private primary(): Expr {
    const t = this.peek();
    if (t.text === "(") {
      this.next();
      const e = this.expr();
      this.expect(")");
      return e;
    }
    if (t.kind === "string") {
      this.next();
      return this.literal(t.value as string, "string");
    }
    if (t.kind === "number") {
      this.next();
      // A timespan: a number directly followed by its unit (1h, 30min, 1d).
      const unit = this.peek();
      if (unit.kind === "ident" && unit.pos === t.pos + t.text.length && unit.text in SPANS) {
        this.next();
        return this.literal(Number(t.value) * SPANS[unit.text], "timespan");
      }
      return this.literal(t.value as number, Number.isInteger(t.value) ? "long" : "real");
    }
    if (t.kind !== "ident") return this.fail("expected a value");
    this.next();
    const name = t.text;
    if (name === "true" || name === "false") return this.literal(name === "true", "bool");
    if (this.peek().text !== "(") {
      if (!this.columns.has(name)) throw new KqlSyntaxError(`Failed to resolve scalar expression named '${name}'`, t.pos, name);
      return typed((row) => row[name] ?? null, this.columns.get(name));
    }
    this.next();
    switch (name) {
      case "datetime": {
        const t = this.next();
        if (t.kind !== "raw") this.fail("expected a datetime literal");
        this.expect(")");
        const raw = t.text;
        if (raw === "null") return this.literal(null, "datetime");
        if (!/^\d{4}-\d\d-\d\d([T ]\d\d:\d\d(:\d\d(\.\d{1,7})?)?)?Z?$/.test(raw)) throw new KqlSyntaxError(`bad datetime literal '${raw}'`, t.pos, raw);
        return this.literal(new Date(/Z$/.test(raw) ? raw : `${raw.replace(" ", "T")}Z`), "datetime");
      }
      case "dynamic": {
        this.expect("[");
        const items: Value[] = [];
        if (this.peek().text !== "]") {
          do {
            const v = this.operand()({});
            if (Array.isArray(v)) this.fail("nested list");
            items.push(v);
          } while (this.peek().text === "," && this.next());
        }
        this.expect("]");
        this.expect(")");
        return typed(() => items, "dynamic");
      }
      case "long":
      case "int":
      case "real":
      case "bool": {
        let v: Value;
        if (this.isWord("null")) {
          this.next();
          v = null;
        } else {
          const inner = this.next();
          if (name === "bool" ? inner.kind !== "ident" : inner.kind !== "number") this.fail(`bad ${name} literal`);
          v = name === "bool" ? inner.text === "true" : Number(inner.value);
        }
        this.expect(")");
        return this.literal(v, name);
      }
      case "isempty":
      case "isnotempty":
      case "isnull":
      case "isnotnull":
      case "array_length":
      case "tolower":
      case "tostring":
      case "tolong":
      case "not": {
        const arg = name === "not" ? this.expr() : this.expr();
        this.expect(")");
        const type = name === "array_length" || name === "tolong" ? "long" : name === "tolower" || name === "tostring" ? "string" : "bool";
        return typed((row) => {
          const v = arg(row);
          switch (name) {
            // Kusto: only null and "" are empty; an empty array is not (isempty(parse_json("[]")) is false).
            case "isempty":
              return v === null || v === "";
            case "isnotempty":
              return !(v === null || v === "");
            case "isnull":
              return v === null;
            case "isnotnull":
              return v !== null;
            case "array_length":
              return Array.isArray(v) ? v.length : null;
            case "tolower":
              return v === null ? null : lower(v);
            case "tostring":
              return toText(v);
            case "tolong": {
              const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : NaN;
              return Number.isFinite(n) ? Math.trunc(n) : null;
            }
            default:
              return v !== true;
          }
        }, type);
      }
      case "iif": {
        const [c, a, b] = this.args(3, 3);
        return typed((row) => (c(row) === true ? a(row) : b(row)), a.type ?? b.type);
      }
      case "split": {
        const [s, d] = this.args(2, 2);
        return typed((row) => toText(s(row)).split(toText(d(row))), "dynamic");
      }
      case "pack_array": {
        const items = this.args(1, 64);
        return typed((row) => items.map((e) => e(row)), "dynamic");
      }
      case "array_concat": {
        const parts = this.args(1, 64);
        return typed((row) => {
          const values = parts.map((e) => e(row));
          // Kusto: any argument that is not an array makes the result null.
          return values.every(Array.isArray) ? (values as Value[][]).flat() : null;
        }, "dynamic");
      }
      case "extract_all":
      case "extractall":
        return this.extractAll();
      case "bin": {
        const [v, span] = this.args(2, 2);
        if (span.type !== "timespan" && span.type !== "long" && span.type !== "real") this.fail("bin() needs a timespan or a number");
        return typed((row) => {
          const x = v(row);
          const size = span(row) as number;
          if (x instanceof Date) return new Date(Math.floor(x.getTime() / size) * size);
          return typeof x === "number" ? Math.floor(x / size) * size : null;
        }, v.type);
      }
      default:
        return this.fail(`unknown function '${name}'`);
    }
  }

  /** A call's arguments after its `(`, through its `)`. */
  private args(min: number, max: number): Expr[] {
    const out: Expr[] = [];
    if (this.peek().text !== ")") {
      do out.push(this.expr());
      while (this.peek().text === "," && this.next());
    }
    this.expect(")");
    if (out.length < min || out.length > max) this.fail(`expected ${min === max ? min : `${min} to ${max}`} arguments`);
    return out;
  }

  /**
   * `extract_all(regex, [dynamic([groups]),] source)`: every match's capture
   * groups; one group gives a flat array, no match gives null. The regex must
   * be a literal (Kusto compiles it as RE2; the twin uses JavaScript's engine,
   * so keep patterns to the syntax both share).
   */
  private extractAll(): Expr {
    const re = this.peek();
    if (re.kind !== "string") this.fail("extract_all() needs a literal regular expression");
    const args = this.args(2, 3);
    const pattern = String(re.value);
    let regex: RegExp;
    try {
      regex = new RegExp(pattern, "gu");
    } catch {
      throw new KqlSyntaxError(`bad regular expression ${JSON.stringify(pattern)}`, re.pos, re.text);
    }
    const groupCount = new RegExp(`${pattern}|`, "u").exec("")!.length - 1;
    if (groupCount < 1) throw new KqlSyntaxError("extract_all(): the regular expression needs a capture group", re.pos, re.text);
    const groups = args.length === 3 ? (args[1]({}) as Value[]) : Array.from({ length: groupCount }, (_, i) => i + 1);
    if (!Array.isArray(groups) || !groups.every((g) => typeof g === "number" && Number.isInteger(g) && g >= 1 && g <= groupCount)) this.fail("bad capture groups");
    const source = args[args.length - 1];
    return typed((row) => {
      const text = toText(source(row));
      const found: Value[] = [];
      for (const m of text.matchAll(regex)) {
        const picked = (groups as number[]).map((g) => m[g] ?? null);
        found.push(picked.length === 1 ? picked[0] : picked);
      }
      return found.length ? found : null;
    }, "dynamic");
  }
}

/** Parses a query against a table's columns (unknown columns are semantic errors, as in Kusto). */
export function parseKql(text: string, columnsOf: (table: string) => readonly (string | ColumnSpec)[] | undefined): ParsedQuery {
  const tokens = tokenize(text);
  const first = tokens[0];
  if (first.kind !== "ident") throw new KqlSyntaxError("expected a table name", 0, first.text);
  const columns = columnsOf(first.text);
  if (!columns) throw new KqlSyntaxError(`'${first.text}': Failed to resolve table or column expression named '${first.text}'`, 0, first.text);
  const parser = new Parser(tokens, columns.map((c) => (typeof c === "string" ? { name: c } : c)));
  return parser.query();
}

/** Runs a parsed query on a table's rows. */
export function runKql(parsed: ParsedQuery, rows: Row[], columns: string[]): { rows: Row[]; columns: string[] } {
  let state = { rows, columns };
  for (const op of parsed.ops) state = op(state.rows, state.columns);
  return state;
}

/** The type of each result column: the tracked type, else read from the values. */
export function resultTypes(parsed: ParsedQuery, rows: Row[]): { name: string; type: string }[] {
  return parsed.columns.map((c) => {
    if (c.type) return { name: c.name, type: c.type };
    for (const r of rows) {
      const t = typeOfValue(r[c.name] ?? null);
      if (t) return { name: c.name, type: t };
    }
    return { name: c.name, type: "string" };
  });
}
