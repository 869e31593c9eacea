/**
 * Notebook parameters for `npm run hunt`, after papermill's convention: the
 * first code cell tagged `parameters` declares them (`let name: Type = value;`)
 * and the runner adds a cell tagged `injected-parameters` right after it that
 * assigns the values given on the command line. Pure functions over the
 * notebook JSON; scripts/hunt.mjs does the I/O.
 */
import { QueryError } from "../data/messages";
import { datetimeValue } from "../data/timeParsing";
import { revealHidden } from "../common/hiddenChars";

/** The parts of an nbformat 4 cell this module reads and writes. */
export interface NotebookCell {
  cell_type: string;
  source: string | string[];
  metadata: Record<string, unknown> & { tags?: string[] };
  outputs?: unknown[];
  execution_count?: number | null;
  id?: string;
}

export interface NotebookJson {
  cells: NotebookCell[];
  metadata: Record<string, unknown>;
  nbformat: number;
  nbformat_minor: number;
}

/** One declaration of the parameters cell. */
export interface ParameterDeclaration {
  name: string;
  /** `let`, `const` or `var`; only `let`/`var` can be overridden. */
  kind: string;
  /** The type annotation as written (`string | undefined`), or "" when none. */
  type: string;
  /** The initial value as written (`"MSTICAlertsWin1"`). */
  value: string;
  /** The trailing `//` comment, if any. */
  comment: string;
}

/** A parameter value: what JSON gives, or undefined; a Date or bigint for a parameter declared so. */
export type ParameterValue = string | number | boolean | null | undefined | Date | bigint | ParameterValue[] | { [key: string]: ParameterValue };

/** Why a hunt cannot start (bad arguments, no parameters cell); the message says what to fix. */
export class HuntParameterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "HuntParameterError";
  }
}

export const PARAMETERS_TAG = "parameters";
export const INJECTED_TAG = "injected-parameters";

export function cellText(source: string | string[]): string {
  return Array.isArray(source) ? source.join("") : source;
}

function tags(cell: NotebookCell): string[] {
  return Array.isArray(cell.metadata?.tags) ? cell.metadata.tags : [];
}

/** Index of the first code cell tagged `parameters`, or -1. */
export function findParametersCell(nb: NotebookJson): number {
  return nb.cells.findIndex((c) => c.cell_type === "code" && tags(c).includes(PARAMETERS_TAG));
}

/**
 * Splits `rest` (what follows `name`) into type, value and comment, scanning
 * once: `=` and `;` and `//` count only outside string literals and brackets.
 */
function splitDeclaration(rest: string): { type: string; value: string; comment: string; next?: string } | undefined {
  let quote = "";
  let depth = 0;
  let eq = -1;
  let end = rest.length;
  let comment = "";
  let next: string | undefined;
  for (let i = 0; i < rest.length; i += 1) {
    const ch = rest[i];
    if (quote) {
      if (ch === "\\") i += 1;
      else if (ch === quote) quote = "";
      continue;
    }
    if (ch === '"' || ch === "'" || ch === "`") quote = ch;
    else if (ch === "(" || ch === "[" || ch === "{" || ch === "<") depth += 1;
    else if ((ch === ")" || ch === "]" || ch === "}" || ch === ">") && depth > 0) depth -= 1;
    else if (ch === "=" && depth === 0 && eq < 0 && rest[i + 1] !== ">") eq = i;
    else if (ch === "/" && rest[i + 1] === "/") {
      end = Math.min(end, i);
      comment = rest.slice(i + 2).trim();
      break;
    } else if (ch === ";" && depth === 0 && eq >= 0) end = Math.min(end, i);
    else if (ch === "," && depth === 0 && eq >= 0 && end === rest.length) {
      // `let a = 1, b = 2;`: this declarator ends here; the next one follows.
      end = i;
      next = rest.slice(i + 1);
      break;
    }
  }
  if (eq < 0) return undefined;
  const head = rest.slice(0, eq).trim();
  const type = head.startsWith(":") ? head.slice(1).trim() : head;
  return { type, value: rest.slice(eq + 1, end).trim(), comment, next };
}

const DECLARATION = /^\s*(let|const|var)\s+([A-Za-z_$][\w$]*)\s*/;

/** The declarations of a parameters cell, one per line (`let name: Type = value; // comment`). */
export function parseParameters(source: string): ParameterDeclaration[] {
  const out: ParameterDeclaration[] = [];
  for (const line of source.split(/\r?\n/)) {
    const m = DECLARATION.exec(line);
    if (!m) continue;
    let name = m[2];
    let rest = line.slice(m[0].length);
    // Several declarators on one line (`let a = 1, b = 2;`) are several parameters.
    for (;;) {
      const parts = splitDeclaration(rest);
      if (!parts) break;
      const { next, ...declared } = parts;
      out.push({ name, kind: m[1], ...declared });
      const more = next === undefined ? null : NEXT_DECLARATOR.exec(next);
      if (!more) break;
      name = more[1];
      rest = next!.slice(more[0].length);
    }
  }
  return out;
}

const NEXT_DECLARATOR = /^\s*([A-Za-z_$][\w$]*)\s*/;

/** Parts of a union type annotation: `string | undefined` → ["string", "undefined"]. */
function typeParts(type: string): string[] {
  return type.split("|").map((t) => t.trim()).filter(Boolean);
}

/**
 * The typed value of `--param name=value`: a JSON literal when it parses,
 * else the text. The declared type decides when they disagree: a `string`
 * parameter keeps `123` as text, a `string[]` one takes `x` as `["x"]`, and
 * `null` becomes `undefined` for a `T | undefined` parameter.
 */
export function coerceParameter(raw: string, type = ""): ParameterValue {
  let value: ParameterValue;
  try {
    value = JSON.parse(raw) as ParameterValue;
  } catch {
    value = raw;
  }
  const parts = typeParts(type);
  if (!parts.length) return value;
  const allowsNull = parts.includes("null") || parts.includes("any") || parts.includes("unknown");
  if (value === null && !allowsNull && parts.includes("undefined")) return undefined;
  if (raw === "" && parts.includes("undefined")) return undefined;
  const wantsString = parts.includes("string") && !parts.some((p) => /^(number|boolean|any|unknown)$|\[\]$|^Array</.test(p));
  if (wantsString && typeof value !== "string" && (value !== null || !allowsNull) && value !== undefined) return raw;
  // A Date parameter takes time text, a bigint one whole digits: written `new Date("…")` and `5n`.
  if (parts.includes("Date") && (typeof value === "string" || typeof value === "number")) {
    const date = readDate(value);
    if (date instanceof Date) return date;
  }
  if (parts.includes("bigint") && /^\s*-?\d+\s*$/.test(raw)) return BigInt(raw.trim());
  const wantsStringArray = parts.includes("string[]") || parts.includes("Array<string>");
  if (wantsStringArray && typeof value === "string") return [value];
  // A folder named 2026 (or null) is text too, as a string parameter keeps 123.
  if (wantsStringArray && (typeof value === "number" || typeof value === "boolean" || (value === null && !allowsNull))) return [raw];
  if (wantsStringArray && Array.isArray(value)) return value.map((v) => (typeof v === "string" ? v : JSON.stringify(v)));
  return value;
}

/**
 * A Date parameter's value read as the library reads a query's datetime parameter
 * (`datetimeValue`), not as `new Date()` does: text without a zone is UTC whatever the
 * machine's zone, 2026-02-30 is no time (not March 2), digits are days from now as in
 * MSTICPy (`-2`; an epoch is then no time), `-7d` an offset. The library's error when it is no time.
 */
function readDate(value: string | number): Date | QueryError {
  try {
    return datetimeValue(value, "read as a query reads a time");
  } catch (err) {
    if (err instanceof QueryError) return err;
    throw err;
  }
}

/** Whether `value` is of the one declared type `part`; undefined when the type is not one this module can check. */
function isOfType(value: ParameterValue, part: string): boolean | undefined {
  const array = /^(?:(\w+)\[\]|Array<(\w+)>)$/.exec(part);
  if (array) return Array.isArray(value) ? value.every((v) => isOfType(v, array[1] ?? array[2]) ?? true) : false;
  // Literal types: `"a" | "b"`, `3`, `true`.
  const quoted = /^(["'])(.*)\1$/.exec(part);
  if (quoted) return value === quoted[2];
  if (/^-?\d+(?:\.\d+)?$/.test(part)) return value === Number(part);
  if (part === "true" || part === "false") return value === (part === "true");
  // Maps: `Record<string, T>`, `{ [key: string]: T }`, `object`: a plain object (of T values, when T is checkable).
  const record = /^(?:Record<\s*string\s*,\s*(.+)>|\{\s*\[\s*\w+\s*:\s*string\s*\]\s*:\s*(.+?);?\s*\}|object)$/.exec(part);
  if (record) {
    if (value === null || typeof value !== "object" || Array.isArray(value) || value instanceof Date) return false;
    const inner = (record[1] ?? record[2])?.trim();
    return inner ? Object.values(value).every((v) => isOfType(v, inner) ?? true) : true;
  }
  switch (part) {
    case "string":
    case "number":
    case "boolean":
    case "undefined":
    case "bigint":
      return typeof value === part;
    case "null":
      return value === null;
    case "Date":
      return value instanceof Date && !Number.isNaN(value.getTime());
    default:
      return undefined;
  }
}

/**
 * Why `value` does not fit the declared type, or undefined when it does (or
 * the type is beyond plain strings, numbers, booleans, their arrays and
 * null/undefined). The kernel would refuse the whole injected cell for it, and
 * every parameter would then keep the notebook's own value.
 */
export function typeMismatch(value: ParameterValue, type: string): string | undefined {
  const parts = typeParts(type);
  if (!parts.length) return undefined;
  const verdicts = parts.map((p) => isOfType(value, p));
  if (verdicts.some((v) => v !== false)) return undefined;
  return `${literal(value)} is not ${parts.length > 1 ? "any of " : ""}${parts.join(", ")}`;
}

/**
 * A value as a TypeScript literal (JSON is valid TypeScript; undefined is spelt out).
 * Invisible and bidi characters in text are written as escapes (`"WKS\u202egnp.exe"`, the
 * same string): the injected cell is code the analyst reads in the executed notebook, its
 * exports and the report, and a raw U+202E there reorders the line as Trojan Source does.
 */
export function literal(value: ParameterValue): string {
  // JSON has no Infinity (`--param limit=1e999`): JSON.stringify would write null.
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  if (value instanceof Date) return `new Date(${JSON.stringify(value.toISOString())})`;
  if (typeof value === "bigint") return `${value}n`;
  // JSON.stringify leaves no raw control character, backslash or lone surrogate: what is left to reveal is inside a string.
  return value === undefined ? "undefined" : revealHidden(JSON.stringify(value));
}

/**
 * The type TypeScript infers for a declaration without an annotation, from a
 * plain literal (`let limit = 3` is a number): a value of another type would
 * be a type error in the injected cell. "" when the value is anything else.
 */
export function inferredType(value: string): string {
  const v = value.trim();
  if (v === "true" || v === "false") return "boolean";
  if (/^(["'`])[^]*\1$/.test(v)) return "string";
  if (/^-?(?:\d|\.\d)/.test(v) && Number.isFinite(Number(v))) return "number";
  try {
    const parsed: unknown = JSON.parse(v);
    if (Array.isArray(parsed) && parsed.length && parsed.every((x) => typeof x === "string")) return "string[]";
  } catch {
    // Not JSON: an expression, a multi-line value… left to the kernel.
  }
  return "";
}

/** Did-you-mean: names within a small edit distance, closest first. */
function closeNames(name: string, names: readonly string[]): string[] {
  const dist = (a: string, b: string): number => {
    const row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i += 1) {
      let prev = row[0];
      row[0] = i;
      for (let j = 1; j <= b.length; j += 1) {
        const tmp = row[j];
        row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
        prev = tmp;
      }
    }
    return row[b.length];
  };
  return names
    .map((n) => [n, dist(name, n)] as const)
    .filter(([, d]) => d <= Math.max(2, Math.floor(name.length / 3)))
    .sort((a, b) => a[1] - b[1])
    .map(([n]) => n);
}

/** `name=value` from the command line, split at the first `=`. */
export function splitAssignment(arg: string): [string, string] {
  const at = arg.indexOf("=");
  if (at <= 0) throw new HuntParameterError(`--param ${JSON.stringify(arg)}: expected name=value (for example --param hostName=WKS-0042)`);
  return [arg.slice(0, at).trim(), arg.slice(at + 1)];
}

/** The result of {@link parameterize}. */
export interface Parameterized {
  notebook: NotebookJson;
  /** The parameters cell's declarations. */
  declarations: ParameterDeclaration[];
  /** The values the injected cell sets, by name (in the order given). */
  injected: Record<string, ParameterValue>;
  /** Index of the parameters cell (the injected cell follows it). */
  parametersCell: number;
}

/**
 * A copy of the notebook with an `injected-parameters` cell after its
 * parameters cell, assigning `values` (raw text from the command line, or
 * typed values). A previous injected cell is replaced, as papermill does.
 */
export function parameterize(nb: NotebookJson, values: Record<string, string | ParameterValue>, notebookName = "the notebook"): Parameterized {
  // Outputs, counts and run marks of an earlier run go, as papermill clears them: a cell this run does not
  // reach must not show last week's results as this hunt's.
  const cells = nb.cells.filter((c) => !tags(c).includes(INJECTED_TAG)).map(clearedCell);
  const copy: NotebookJson = { ...nb, cells };
  const at = findParametersCell(copy);
  if (at < 0) {
    throw new HuntParameterError(
      `${notebookName} has no code cell tagged "${PARAMETERS_TAG}": add the tag to the cell that declares the parameters (let name: type = value;), as papermill expects`,
    );
  }
  const declarations = parseParameters(cellText(copy.cells[at].source));
  const byName = new Map(declarations.map((d) => [d.name, d]));
  const injected: Record<string, ParameterValue> = {};
  for (const [name, raw] of Object.entries(values)) {
    const decl = byName.get(name);
    if (!decl) {
      const close = closeNames(name, [...byName.keys()]);
      throw new HuntParameterError(
        `unknown parameter "${name}"` + (close.length ? ` (did you mean ${close.map((c) => `"${c}"`).join(", ")}?)` : "") +
          `; the parameters cell of ${notebookName} declares: ${[...byName.keys()].join(", ") || "nothing"}`,
      );
    }
    if (decl.kind === "const") {
      throw new HuntParameterError(`parameter "${name}" is declared with const in ${notebookName}: declare it with let so that a hunt can set it`);
    }
    const type = decl.type || inferredType(decl.value);
    const value = typeof raw === "string" ? coerceParameter(raw, type) : raw;
    const mismatch = typeMismatch(value, type);
    if (mismatch) {
      const declared = decl.type ? `declared \`${type}\`` : `a ${type} (declared as ${decl.value})`;
      // A Date parameter: why the library reads no time in it (an impossible date, days from now out of range…).
      const notATime = typeParts(type).includes("Date") && (typeof value === "string" || typeof value === "number") ? readDate(value) : undefined;
      const why = notATime instanceof QueryError ? `; ${notATime.message}` : " (a value is JSON when it parses, else text)";
      throw new HuntParameterError(`parameter "${name}" is ${declared} in ${notebookName}: ${mismatch}${why}`);
    }
    injected[name] = value;
  }
  const lines = ["// Parameters injected by `npm run hunt` (papermill's injected-parameters cell)"];
  for (const [name, value] of Object.entries(injected)) lines.push(`${name} = ${literal(value)};`);
  // Kernels show a cell's last value: end on one that shows nothing.
  lines.push("void 0;");
  const paramsCell = copy.cells[at];
  const cell: NotebookCell = {
    cell_type: "code",
    execution_count: null,
    metadata: { ...(paramsCell.metadata.huntlab_section ? { huntlab_section: paramsCell.metadata.huntlab_section } : {}), tags: [INJECTED_TAG] },
    outputs: [],
    source: lines.join("\n"),
  };
  if (copy.nbformat > 4 || (copy.nbformat === 4 && copy.nbformat_minor >= 5)) cell.id = "injected-parameters";
  copy.cells = [...cells.slice(0, at + 1), cell, ...cells.slice(at + 1)];
  return { notebook: copy, declarations, injected, parametersCell: at };
}

/** A code cell without the outputs, execution count and run mark of an earlier run. */
function clearedCell(cell: NotebookCell): NotebookCell {
  if (cell.cell_type !== "code") return cell;
  const { huntlab: _earlierRun, ...metadata } = cell.metadata;
  return { ...cell, metadata, outputs: [], execution_count: null };
}

/**
 * The values in effect after injection, for the report's header: each
 * declared parameter with its value as written and whether the hunt set it.
 */
export function effectiveParameters(p: Pick<Parameterized, "declarations" | "injected">): { name: string; value: string; injected: boolean }[] {
  return p.declarations.map((d) => (d.name in p.injected ? { name: d.name, value: literal(p.injected[d.name]), injected: true } : { name: d.name, value: d.value, injected: false }));
}
