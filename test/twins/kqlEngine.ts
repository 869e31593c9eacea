/**
 * A tiny KQL interpreter for the Log Analytics and Kusto twins. It parses the
 * subset huntlab's query files use and refuses everything else with a syntax
 * error, so a parameter that escaped its literal (`x" or 1==1 //`,
 * `x' | delete`) makes the query fail loudly instead of running.
 *
 * Grammar: `Table (| op)*`; ops: `where <expr>`, `take N`/`limit N`,
 * `project A, B`, `sort by C [asc|desc]`/`order by`. Expressions: `and`, `or`,
 * `not(…)`, parentheses, `==`, `!=`, `=~`, `!~`, `<`, `<=`, `>`, `>=`, `has`,
 * `!has`, `contains`, `!contains`, `startswith`, `in (…)`, `in~ (…)`,
 * `!in (…)`, `between (a .. b)`, `isempty(x)`, `isnotempty(x)`, `isnull(x)`,
 * `isnotnull(x)`, `array_length(x)`. Literals: "…" and '…' strings with `\`
 * escapes, `@"…"` verbatim strings, numbers, true/false, `datetime(…)`,
 * `dynamic([…])`, `long(…)`/`int(…)`/`real(…)`/`bool(…)` including null.
 * Every literal met is recorded, so tests can check what arrived.
 */

export type Value = string | number | boolean | Date | null | Value[];
export type Row = Record<string, Value>;

export class KqlSyntaxError extends Error {
  constructor(message: string, readonly position: number, readonly token: string) {
    super(message);
  }
}

type Token = { kind: "ident" | "string" | "number" | "op" | "raw" | "eof"; text: string; value?: string | number; pos: number };

const OPS = ["..", "==", "!=", "=~", "!~", "<=", ">=", "|", "(", ")", ",", "<", ">", "[", "]", "!"];

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
    const ident = /^[A-Za-z_][\w]*(~)?/.exec(text.slice(i, i + 200));
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

type Expr = (row: Row) => Value;

export interface ParsedQuery {
  table: string;
  ops: ((rows: Row[], columns: string[]) => { rows: Row[]; columns: string[] })[];
  /** Every literal in the query, in order (strings as their value, datetimes as Dates). */
  literals: Value[];
}

function lower(v: Value): string {
  return v === null ? "" : v instanceof Date ? v.toISOString().toLowerCase() : String(v).toLowerCase();
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

class Parser {
  private at = 0;
  readonly literals: Value[] = [];
  constructor(private readonly tokens: Token[], private readonly columns: ReadonlySet<string>) {}

  private peek(): Token {
    return this.tokens[this.at];
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

  query(): ParsedQuery {
    const t = this.next();
    if (t.kind !== "ident") this.fail("expected a table name");
    const ops: ParsedQuery["ops"] = [];
    while (this.peek().text === "|") {
      this.next();
      ops.push(this.operator());
    }
    if (this.peek().kind !== "eof") this.fail("unexpected token");
    return { table: t.text, ops, literals: this.literals };
  }

  private operator(): ParsedQuery["ops"][number] {
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
      case "project": {
        const names: string[] = [];
        do {
          const c = this.next();
          if (c.kind !== "ident") this.fail("expected a column name");
          if (!this.columns.has(c.text)) throw new KqlSyntaxError(`'project' operator: Failed to resolve scalar expression named '${c.text}'`, c.pos, c.text);
          names.push(c.text);
        } while (this.peek().text === "," && this.next());
        return (rows) => ({ rows: rows.map((r) => Object.fromEntries(names.map((n) => [n, r[n] ?? null]))), columns: names });
      }
      case "sort":
      case "order": {
        if (!this.isWord("by")) this.fail("expected 'by'");
        this.next();
        const c = this.next();
        if (c.kind !== "ident") this.fail("expected a column name");
        let desc = true;
        if (this.isWord("asc") || this.isWord("desc")) desc = this.next().text === "desc";
        return (rows, columns) => ({ rows: [...rows].sort((a, b) => (cmp(a[c.text], b[c.text]) ?? (a[c.text] === null ? 1 : -1)) * (desc ? -1 : 1)), columns });
      }
      default:
        return this.fail(`unknown or unsupported operator '${t.text}'`);
    }
  }

  private expr(): Expr {
    let left = this.conj();
    while (this.isWord("or")) {
      this.next();
      const l = left;
      const r = this.conj();
      left = (row) => l(row) === true || r(row) === true;
    }
    return left;
  }

  private conj(): Expr {
    let left = this.comparison();
    while (this.isWord("and")) {
      this.next();
      const l = left;
      const r = this.comparison();
      left = (row) => l(row) === true && r(row) === true;
    }
    return left;
  }

  private comparison(): Expr {
    const left = this.operand();
    const t = this.peek();
    const op = t.text;
    if (t.kind === "op" && ["==", "!=", "=~", "!~", "<", "<=", ">", ">="].includes(op)) {
      this.next();
      const right = this.operand();
      return (row) => {
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
      };
    }
    if (op === "!" && this.tokens[this.at + 1]?.kind === "ident") {
      this.next();
      const word = this.next().text;
      const positive = this.wordOp(word, left);
      return (row) => !positive(row);
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
        return (row) => {
          const a = lower(left(row));
          const b = lower(right(row));
          return word === "startswith" ? a.startsWith(b) : word === "endswith" ? a.endsWith(b) : a.includes(b);
        };
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
        return (row) => {
          const a = left(row);
          const list = items.flatMap((e) => {
            const v = e(row);
            return Array.isArray(v) ? v : [v];
          });
          return word === "in" ? list.some((v) => equal(a, v)) : word === "in~" ? list.some((v) => lower(a) === lower(v)) : list.some((v) => lower(a).includes(lower(v)));
        };
      }
      case "between": {
        this.expect("(");
        const lo = this.operand();
        this.expect("..");
        const hi = this.operand();
        this.expect(")");
        return (row) => {
          const a = left(row);
          const l = lo(row);
          // Twin rule: a lab row whose time could not be read (null) is kept by an all-time window (lower bound at the epoch).
          if (a === null) return l instanceof Date && l.getTime() <= 0;
          const c1 = cmp(a, l);
          const c2 = cmp(a, hi(row));
          return c1 !== undefined && c2 !== undefined && c1 >= 0 && c2 <= 0;
        };
      }
      default:
        return this.fail(`unsupported operator '${word}'`);
    }
  }

  private literal(value: Value): Expr {
    this.literals.push(value);
    return () => value;
  }

  private operand(): Expr {
    const t = this.peek();
    if (t.text === "(") {
      this.next();
      const e = this.expr();
      this.expect(")");
      return e;
    }
    if (t.kind === "string") {
      this.next();
      return this.literal(t.value as string);
    }
    if (t.kind === "number") {
      this.next();
      return this.literal(t.value as number);
    }
    if (t.kind !== "ident") return this.fail("expected a value");
    this.next();
    const name = t.text;
    if (name === "true" || name === "false") return this.literal(name === "true");
    if (this.peek().text !== "(") {
      if (!this.columns.has(name)) throw new KqlSyntaxError(`Failed to resolve scalar expression named '${name}'`, t.pos, name);
      return (row) => row[name] ?? null;
    }
    this.next();
    switch (name) {
      case "datetime": {
        const t = this.next();
        if (t.kind !== "raw") this.fail("expected a datetime literal");
        this.expect(")");
        const raw = t.text;
        if (raw === "null") return this.literal(null);
        if (!/^\d{4}-\d\d-\d\d([T ]\d\d:\d\d(:\d\d(\.\d{1,7})?)?)?Z?$/.test(raw)) throw new KqlSyntaxError(`bad datetime literal '${raw}'`, t.pos, raw);
        return this.literal(new Date(/Z$/.test(raw) ? raw : `${raw.replace(" ", "T")}Z`));
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
        return () => items;
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
        return this.literal(v);
      }
      case "isempty":
      case "isnotempty":
      case "isnull":
      case "isnotnull":
      case "array_length":
      case "tolower":
      case "not": {
        const arg = name === "not" ? this.expr() : this.operand();
        this.expect(")");
        return (row) => {
          const v = arg(row);
          switch (name) {
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
            default:
              return v !== true;
          }
        };
      }
      default:
        return this.fail(`unknown function '${name}'`);
    }
  }
}

/** Parses a query against a table's columns (unknown columns are semantic errors, as in Kusto). */
export function parseKql(text: string, columnsOf: (table: string) => readonly string[] | undefined): ParsedQuery {
  const tokens = tokenize(text);
  const first = tokens[0];
  if (first.kind !== "ident") throw new KqlSyntaxError("expected a table name", 0, first.text);
  const columns = columnsOf(first.text);
  if (!columns) throw new KqlSyntaxError(`'${first.text}': Failed to resolve table or column expression named '${first.text}'`, 0, first.text);
  const parser = new Parser(tokens, new Set(columns));
  return parser.query();
}

/** Runs a parsed query on a table's rows. */
export function runKql(parsed: ParsedQuery, rows: Row[], columns: string[]): { rows: Row[]; columns: string[] } {
  let state = { rows, columns };
  for (const op of parsed.ops) state = op(state.rows, state.columns);
  return state;
}
