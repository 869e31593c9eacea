/**
 * Fills a query template's `{name}` placeholders (MSTICPy's Python-format
 * style, `{{`/`}}` for literal braces) with parameter values written as
 * literals of the query language. The template is read with the language's
 * string syntax, so a value is always exactly one literal:
 * - a string literal that holds only a placeholder (`"{host}"`, as MSTICPy's
 *   own query files write them; in KQL also `'{host}'`, verbatim `@"{host}"`
 *   and multi-line ```` ```{host}``` ````) is replaced whole, and so is KQL's
 *   `datetime({start})`;
 * - a placeholder inside a string with other text (`"C:\\{dir}"`) becomes the
 *   value escaped for that string when the language's writer quotes text
 *   with the same quote; otherwise (a verbatim or multi-line KQL string, a
 *   number in a string) it is an error naming the query and parameter.
 *   Written raw there, a value's own quotes would pair with the template's
 *   (`@"…"` takes no `\` escapes) and the rest would run as query text.
 *
 * A query file's own default is query text, as MSTICPy pastes it: a string
 * holding only its placeholder gets the default as written (`"{path_separator}"`
 * with `default: '\\'` is `"\\"`, one backslash), and so does a value
 * placeholder whose default is itself one string literal (Splunk's
 * `timeformat={timeformat}`, `default: '"%Y-%m-%d"'`); bare placeholders are
 * query fragments by where they stand (see {@link renderTemplate}).
 */
import { QueryError, dataMessages as msg } from "../messages";
import { ES_ANY_OF, ES_VALUE_CLOSE, ES_VALUE_OPEN, esJsonLiteral } from "./esdsl";
import { datetimeValue } from "../timeParsing";
import { kqlLiteral } from "./kql";
import type { LiteralType, LiteralValue, QueryLanguage } from "./types";

/** A parameter's value (null: absent) and declared type. */
export interface TemplateValue {
  value: LiteralValue | null;
  type: LiteralType;
  /**
   * For a `str` parameter of a query file, where its value came from. Its
   * placeholder written bare in KQL or SPL text (not in a string) is then a
   * query fragment, as MSTICPy's Sentinel files use `{table}` and
   * `{add_query_items}`: the file's own value (its default, as trusted as the
   * query text) is written as is; a caller's value (a pivot's may be an
   * attacker's) only when it is a name (a table or column) or empty.
   */
  origin?: "file" | "caller";
  /** The file's default as text: a caller passing it (a pivot passing every parameter) is passing the file's own fragment. */
  fileDefault?: string;
  /**
   * Elasticsearch: the forms of a text value to match any of (alternatives.ts), `value` the first. A whole JSON value
   * is written as the {@link ES_ANY_OF} object the driver expands (esdsl.ts); inside a string it is an {@link AnyOfInString}.
   */
  anyOf?: readonly string[];
}

/** A value of several forms stands inside a JSON string, where only one can go. */
export class AnyOfInString extends Error {
  override name = "AnyOfInString";
}

/** What a caller may give for a query fragment: a table or column name. */
const FRAGMENT_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/**
 * Or a number or a KQL timespan (`3`, `1.5`, `1h`, `30min`: MSTICPy's time-series files take `step {timeframe}` and
 * a score threshold so): one token, no operator, quote or space, so it cannot add query text either.
 */
const FRAGMENT_NUMBER = /^\d{1,18}(?:\.\d{1,18})?(?:d|h|hr|hrs|hours?|m|min|minutes?|s|sec|seconds?|ms|millis?|milliseconds?|microseconds?|ticks?)?$/;
/**
 * Names that are logical operators (SPL's AND/OR/NOT/XOR, KQL's and/or/not): as a fragment they join or invert the
 * clauses around them (`search index=lab {extra} EventCode=4625` with OR matched every event). Refused in any case.
 */
const OPERATOR_NAMES = new Set(["and", "or", "not", "xor"]);

/** Words after which a bare placeholder is compared or tested (`Account contains {account_name}`), in KQL and SPL. */
const COMPARISON_WORDS = new Set([
  ...["has", "contains", "startswith", "endswith", "hasprefix", "hassuffix"].flatMap((w) => [w, `${w}_cs`, `not${w}`, `not${w}_cs`]),
  ...["has_any", "has_all", "in", "between", "regex", "matches", "like"],
]);
/**
 * KQL words after which a name goes (`summarize … by {column}`, `join … on {column}`, `… and {time_column} > ago(1d)`:
 * KQL's `and`/`or`/`not` join conditions, which start with a column, not a text); in SPL, operands.
 */
const NAME_WORDS = new Set(["by", "on", "and", "or", "not"]);
/** Characters of KQL's and SPL's comparison and assignment operators. */
const OPERATOR_CHARS = "=~<>!";

/**
 * Where a bare placeholder stands: a `clause` (at the start of a line or the
 * query, or after a name, `)`, `*` or a string: `{table}`, `{add_query_items}`),
 * a `value` that is compared or tested (the lab's files write
 * `isempty({host_name}) or Computer =~ {host_name}`), or, in KQL, a `name`
 * (MSTICPy's Sentinel files: `union ({table} | …)`, `let x = {table}`,
 * `materialize({table} …)`, `extend SourceIP = {source_ip_field}`,
 * `project {timestampcolumn}, {aggregatecolumn}`, `min({time_column})`).
 */
type Placement = "clause" | "value" | "name";

/** The token just before `at` (white space skipped): a word (lower case), an operator (`==`, `=`, `!~`…), or one character. */
export function tokenBefore(template: string, at: number): { kind: "word" | "operator" | "char"; text: string; start: number } | undefined {
  let i = at - 1;
  while (i >= 0 && /\s/.test(template[i])) i--;
  if (i < 0) return undefined;
  let j = i;
  if (OPERATOR_CHARS.includes(template[i])) {
    while (j >= 0 && OPERATOR_CHARS.includes(template[j])) j--;
    // `in~ (`: the tilde is the word's own.
    if (template.slice(j + 1, i + 1) !== "~" || j < 0 || !/\w/.test(template[j])) return { kind: "operator", text: template.slice(j + 1, i + 1), start: j + 1 };
    i = j;
  }
  if (!/\w/.test(template[i])) return { kind: "char", text: template[i], start: i };
  while (j >= 0 && /\w/.test(template[j])) j--;
  return { kind: "word", text: template.slice(j + 1, i + 1).toLowerCase(), start: j + 1 };
}

/** Whether the `(` at `at` opens a list of values: after a comparison (`in (`, `has_any (`, `between (`, `== (`). */
function opensValueList(template: string, at: number): boolean {
  const before = tokenBefore(template, at);
  if (!before) return false;
  if (before.kind === "operator") return before.text !== "=";
  return before.kind === "word" && COMPARISON_WORDS.has(before.text);
}

/**
 * The commas of a KQL template that separate values: those in a list opened
 * by {@link opensValueList} (`in ("a", {x})`) or in `[…]`. Strings and `//`
 * comments are skipped, as the renderer reads them.
 */
function valueListCommas(template: string): Set<number> {
  const commas = new Set<number>();
  const open: boolean[] = [];
  for (let i = 0; i < template.length; ) {
    if (template[i] === "/" && template[i + 1] === "/") {
      const eol = template.indexOf("\n", i);
      i = eol < 0 ? template.length : eol;
      continue;
    }
    const literal = literalAt(template, i, "kql");
    if (literal) {
      i = literal.end;
      continue;
    }
    const c = template[i];
    if (c === "(") open.push(opensValueList(template, i));
    else if (c === "[") open.push(true);
    else if ((c === ")" || c === "]") && open.length) open.pop();
    else if (c === "," && open.length && open[open.length - 1]) commas.add(i);
    i += 1;
  }
  return commas;
}

/** Where the KQL placeholder at `at` stands ({@link Placement}); `commas` from {@link valueListCommas}. */
function kqlPlacement(template: string, at: number, commas: ReadonlySet<number>): Placement {
  const before = tokenBefore(template, at);
  if (!before) return "clause";
  if (before.kind === "word") return COMPARISON_WORDS.has(before.text) ? "value" : NAME_WORDS.has(before.text) ? "name" : "clause";
  // A lone `=` assigns (`let x =`, `extend X =`, `Total=count()`); `==`, `=~`, `!=`, `<`… compare.
  if (before.kind === "operator") return before.text === "=" ? "name" : "value";
  switch (before.text) {
    case "(":
      return opensValueList(template, before.start) ? "value" : "name";
    case ",":
      return commas.has(before.start) ? "value" : "name";
    // KQL has no arithmetic on text: `FirstDetectedActivity - {time_column}` subtracts a column.
    case "+":
    case "-":
    case "/":
    case "%":
      return "name";
    case ".":
      return template[before.start - 1] === "." ? "value" : "name";
    case "[":
    case ":":
      return "value";
    // Not `*`: `| distinct * {add_query_items}` is a clause after a wildcard.
    default:
      return "clause";
  }
}

/** Where the SPL placeholder at `at` stands: a value after an operator, `(`, `,` or an operator word, else a clause. */
function splPlacement(template: string, at: number): Placement {
  const before = tokenBefore(template, at);
  if (!before) return "clause";
  if (before.kind === "word") return COMPARISON_WORDS.has(before.text) || NAME_WORDS.has(before.text) ? "value" : "clause";
  if (before.kind === "operator") return "value";
  return "(,[+-/%.:".includes(before.text) ? "value" : "clause";
}

/** KQL operators that compare numbers as well as text (`=~`, `!~` compare text only). */
const NUMBER_OPERATORS = new Set(["==", "!=", "<", "<=", ">", ">="]);
/**
 * SPL operators that order values: Splunk's eval and where compare two numbers as numbers and anything else as text
 * ("two numbers or two strings"), so a quoted `"1000"` orders as text (`"999" > "1000"`). `=`/`!=` keep text, as
 * huntlab writes SPL values (`dest="10.0.0.1"`).
 */
const SPL_ORDER_OPERATORS = new Set(["<", "<=", ">", ">="]);
/** A number as written in decimal, with no leading zeros (`00123`, an account number, stays text). */
const DECIMAL_NUMBER = /^-?(?:0|[1-9]\d{0,17})(?:\.\d{1,17})?$/;

/** Whether the placeholder from `at` to `end` is all there is in a value list's parentheses (`has_any ({x})`). */
export function wholeValueList(template: string, at: number, end: number): boolean {
  const before = tokenBefore(template, at);
  if (before?.kind !== "char" || before.text !== "(" || !opensValueList(template, before.start)) return false;
  let i = end;
  while (i < template.length && /\s/.test(template[i])) i++;
  return template[i] === ")";
}

/** One quoted item of pasted list text: `'…'` or `"…"`, with `\` escapes as Python's repr and KQL write them. */
const QUOTED_ITEM = /\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")\s*(,|$)/y;

/**
 * The values of text given for a text parameter that is a whole list: a list only when written as one — Python's
 * `['a', 'b']`, or two or more quoted items `'a', 'b'` (MSTICPy's users paste KQL list text) —, otherwise one value,
 * whatever its commas and quotes: a pivot passes each command line alone (`rundll32.exe shell32.dll,Control_RunDLL`,
 * `"C:\Program Files\x.exe" -arg`, `"C:\x.exe"`), and splitting or unquoting it would change what the query matches.
 */
function listTextItems(text: string): string[] {
  const trimmed = text.trim();
  const bracketed = trimmed.startsWith("[") && trimmed.endsWith("]");
  const body = bracketed ? trimmed.slice(1, -1) : trimmed;
  if (bracketed && body.trim() === "") return [];
  const items = quotedItems(body);
  return items && (bracketed || items.length > 1) ? items : [text];
}

/** Quoted items separated by commas, the whole text; undefined when it is not that. */
function quotedItems(body: string): string[] | undefined {
  const items: string[] = [];
  QUOTED_ITEM.lastIndex = 0;
  while (QUOTED_ITEM.lastIndex < body.length) {
    const m = QUOTED_ITEM.exec(body);
    if (!m) return undefined;
    items.push(unescapeItem(m[1] ?? m[2]));
    if (m[3] === "") break;
  }
  return QUOTED_ITEM.lastIndex >= body.length && items.length ? items : undefined;
}

/** An item's `\` escapes: `\n`, `\t`, `\r` as those characters, any other escaped character as itself. */
function unescapeItem(body: string): string {
  return body.replace(/\\(.)/gs, (_all, c: string) => (c === "n" ? "\n" : c === "t" ? "\t" : c === "r" ? "\r" : c));
}

/** Writes one value; the driver's own writer when it has one. */
export type LiteralWriter = (value: LiteralValue, type: LiteralType) => string;

/** A string literal of the template: where it opens and ends, and how a quote is written inside it. */
interface StringLiteral {
  /** Its opening (`"`, `'`, `@"`, ```` ``` ````) and closing text. */
  open: string;
  close: string;
  /** `\` escapes (`"…"`, `'…'`), a doubled quote (KQL `@"…"`), or none (```` ``` ````). */
  escapes: "backslash" | "doubled" | "none";
  /** Index just past its end (the template's length when it has no end). */
  end: number;
  /** Its text between the quotes: from `bodyStart` to `bodyEnd` (to the template's end when it has no end). */
  bodyStart: number;
  bodyEnd: number;
  /** False when the template ends inside it. */
  closed: boolean;
}

const NAME = /^\{([A-Za-z_]\w*)\}$/;
/** A placeholder `{name}` or an escaped brace (`{{`, `}}`); global: use with `replace`/`matchAll`, which start from 0. */
export const PLACEHOLDER = /\{\{|\}\}|\{([A-Za-z_]\w*)\}/g;
const KQL_DATETIME = /datetime\(\s*\{([A-Za-z_]\w*)\}\s*\)/y;

/** The string literal starting at `i`, in the language's syntax, if one does. */
export function literalAt(template: string, i: number, language: QueryLanguage): StringLiteral | undefined {
  const c = template[i];
  if (language === "kql" && template.startsWith("```", i)) {
    const close = template.indexOf("```", i + 3);
    return { open: "```", close: "```", escapes: "none", end: close < 0 ? template.length : close + 3, closed: close >= 0, bodyStart: i + 3, bodyEnd: close < 0 ? template.length : close };
  }
  if (language === "kql" && c === "@" && (template[i + 1] === '"' || template[i + 1] === "'")) {
    const quote = template[i + 1];
    let j = i + 2;
    for (; j < template.length; j++) {
      if (template[j] !== quote) continue;
      if (template[j + 1] === quote) j++;
      else return { open: `@${quote}`, close: quote, escapes: "doubled", end: j + 1, closed: true, bodyStart: i + 2, bodyEnd: j };
    }
    return { open: `@${quote}`, close: quote, escapes: "doubled", end: template.length, closed: false, bodyStart: i + 2, bodyEnd: template.length };
  }
  // JSON (Elasticsearch) has only "…"; KQL and SPL also '…' (SPL's quoted field names).
  if (c === '"' || (c === "'" && language !== "esdsl")) {
    let j = i + 1;
    for (; j < template.length; j++) {
      if (template[j] === "\\") j++;
      else if (template[j] === c) return { open: c, close: c, escapes: "backslash", end: j + 1, closed: true, bodyStart: i + 1, bodyEnd: j };
    }
    return { open: c, close: c, escapes: "backslash", end: template.length, closed: false, bodyStart: i + 1, bodyEnd: template.length };
  }
  return undefined;
}

/**
 * The template with every known placeholder replaced; unknown `{names}` are
 * left as written (KQL's own braces, e.g. in `dynamic({…})` JSON, are not placeholders).
 */
export function renderTemplate(template: string, values: ReadonlyMap<string, TemplateValue>, language: QueryLanguage, where: string, writer?: LiteralWriter): string {
  const inSearch = language === "spl" ? splSearchCommand(template) : () => false;
  const commas = language === "kql" ? valueListCommas(template) : new Set<number>();
  /** `entry` (parameter `name`'s value, or one made from it) as a literal, for the placeholder at `at` in the template. */
  const writeEntry = (name: string, entry: TemplateValue, at: number): string => {
    // A list for a text parameter (MSTICPy's `has_any ({cmd_line})`) is taken only where the template has a whole list.
    if (entry.type === "str" && Array.isArray(entry.value)) {
      throw new QueryError(msg.liveLiteral(where, name, "a list was given, but the parameter is text and its placeholder is not a whole list of values (as in has_any ({x}) or in ({x})): give one text"));
    }
    // The file's own `*` (Splunk's `index={index}`, `default: '*'`) is the wildcard MSTICPy's files mean.
    if (inSearch(at) && hasWildcard(entry.value) && !isFileText(entry)) {
      throw new QueryError(msg.liveLiteral(where, name, 'the value holds "*", which SPL\'s search command reads as a wildcard even inside quotes: filter with "| where" instead (where Field="…" compares the text as written)'));
    }
    try {
      if (writer) return entry.value === null ? writer(nullOf(entry.type), entry.type) : writer(entry.value, entry.type);
      return kqlLiteral(entry.value, entry.type);
    } catch (err) {
      // The writers name no query: say which query and parameter.
      const text = err instanceof Error ? err.message.replace(/^kql\w+: parameter "value": /, "") : String(err);
      throw new QueryError(msg.liveLiteral(where, name, text));
    }
  };
  const write = (name: string, at: number): string => writeEntry(name, values.get(name) as TemplateValue, at);
  /** `datetime({name})` in KQL: a text parameter's value (MSTICPy pastes it inside) read as a time, then written as one. */
  const writeDatetime = (name: string, at: number): string => {
    const entry = values.get(name) as TemplateValue;
    if (entry.type !== "str") return write(name, at);
    const value = entry.value === null || entry.value === "" ? null : datetimeValue(String(entry.value), `${where}: parameter "${name}"`);
    return writeEntry(name, { value, type: "datetime" }, at);
  };
  /** The KQL `//` comments passed so far (fill() runs on text the loop has passed). */
  const kqlComments: [number, number][] = [];
  const inKqlComment = (at: number): boolean => kqlComments.some(([from, to]) => at >= from && at < to);
  /** A bare placeholder's text as a query fragment, or undefined when it is a literal. */
  const fragment = (name: string, at: number): string | undefined => {
    const entry = values.get(name) as TemplateValue;
    if (!entry.origin || entry.type !== "str" || language === "esdsl" || Array.isArray(entry.value)) return undefined;
    // In a KQL comment, a placeholder is no query text.
    if (inKqlComment(at)) return undefined;
    const placement = language === "kql" ? kqlPlacement(template, at, commas) : splPlacement(template, at);
    // A compared value is a value, whatever the file's default (`Computer =~ {host}` with `default: WS01` compared
    // with a column WS01, and a caller's `Computer` matched every row).
    if (placement === "value") return undefined;
    // Where a name goes, the file's default says the parameter is one (MSTICPy's `{table}`, `default: SecurityEvent`);
    // without one, a value there is a value (the lab's `isempty({host_name})`, `default: null`).
    if (placement === "name" && !entry.fileDefault) return undefined;
    const text = entry.value === null ? "" : String(entry.value);
    if (entry.origin === "caller" && text !== entry.fileDefault && !isFragmentText(text, placement)) {
      const what = placement === "name" ? "where the query reads a name (a table or column): a value passed for it must be a name" : "as a query fragment (a table or column name): a value passed for it must be a name";
      const empty = placement === "name" ? "" : " or empty";
      throw new QueryError(msg.liveLiteral(where, name, `it is written bare in the query, ${what} (letters, digits and _, not starting with a digit, and not an operator word: AND, OR, NOT, XOR in any case), a number or a timespan (1h)${empty}, so that it cannot add query text; the query file's own default is used as written`));
    }
    return text;
  };
  /** A value placeholder whose value is the file's own default written as one string literal (`'"%Y-%m-%d"'`): that literal. */
  const ownLiteral = (name: string): string | undefined => {
    const entry = values.get(name) as TemplateValue;
    if (language === "esdsl" || !isFileText(entry)) return undefined;
    const text = String(entry.value);
    const literal = literalAt(text, 0, language);
    return literal?.closed && literal.end === text.length ? text : undefined;
  };
  /**
   * A text parameter that is a whole list of values (`has_any ({cmd_line})`, `in~ ({hosts})`: MSTICPy pastes the
   * caller's text there, `'a', 'b'`): its items, each a literal; undefined when it stands elsewhere.
   */
  const listItems = (name: string, at: number): string | undefined => {
    const entry = values.get(name) as TemplateValue;
    if (language === "esdsl" || entry.type !== "str" || entry.value === null || entry.value === "" || inKqlComment(at)) return undefined;
    if (!wholeValueList(template, at, at + name.length + 2)) return undefined;
    const items = Array.isArray(entry.value) ? entry.value.map(String) : listTextItems(String(entry.value));
    // No values: one empty text, as an absent value is (`has_any ()` is no KQL).
    return items.length ? items.map((item) => writeEntry(name, { ...entry, value: item }, at)).join(", ") : writeEntry(name, { ...entry, value: "" }, at);
  };
  /**
   * KQL: a text parameter compared bare with a number operator (`RemotePort == {protocol}`, MSTICPy's MDE files):
   * text that is a number is the number MSTICPy's pasted text is (`"443"` compared with an int column matched no
   * row). `=~`, `has`… compare text only, so there the value stays text. SPL: the same after `<`, `<=`, `>`, `>=`
   * (`where Bytes>{min_bytes}`), which order a quoted value as text: `"1000"` kept every 999.
   */
  const numberText = (name: string, at: number): string | undefined => {
    const entry = values.get(name) as TemplateValue;
    if (language === "esdsl" || entry.type !== "str" || entry.value === null || Array.isArray(entry.value) || inKqlComment(at)) return undefined;
    const before = tokenBefore(template, at);
    if (before?.kind !== "operator" || !(language === "kql" ? NUMBER_OPERATORS : SPL_ORDER_OPERATORS).has(before.text)) return undefined;
    const text = String(entry.value);
    if (!DECIMAL_NUMBER.test(text) || !Number.isFinite(Number(text)) || (!text.includes(".") && !Number.isSafeInteger(Number(text)))) return undefined;
    return writeEntry(name, { value: Number(text), type: text.includes(".") ? "float" : "int" }, at);
  };
  /** Elasticsearch: a value of several forms as the object the driver expands (esdsl.ts expandAnyOf); no value writes an object. */
  const anyOfMarker = (name: string): string | undefined => {
    const entry = values.get(name) as TemplateValue;
    if (language !== "esdsl" || !entry.anyOf) return undefined;
    return `{${JSON.stringify(ES_ANY_OF)}: ${esJsonLiteral(entry.anyOf)}}`;
  };
  /** Braces and placeholders in plain text (or in a comment): each known one a literal, or a fragment. */
  const fill = (text: string, from: number): string =>
    text.replace(PLACEHOLDER, (whole, name: string | undefined, offset: number) =>
      whole === "{{" ? "{" : whole === "}}" ? "}" : values.has(name as string) ? (anyOfMarker(name as string) ?? fragment(name as string, from + offset) ?? ownLiteral(name as string) ?? listItems(name as string, from + offset) ?? numberText(name as string, from + offset) ?? write(name as string, from + offset)) : whole,
    );
  /** A placeholder inside a string with other text: the value escaped for that string, or an error. */
  const inside = (literal: StringLiteral, name: string, at: number): string => {
    const entry = values.get(name) as TemplateValue;
    if (entry.anyOf) throw new AnyOfInString(`${where}: parameter "${name}" stands inside a string with other text`);
    const written = write(name, at);
    const quoted = literal.escapes === "backslash" && written.length >= 2 && written.startsWith(literal.close) && written.endsWith(literal.close);
    if (entry.type === "str" && quoted && language !== "esdsl") return written.slice(1, -1);
    if (entry.type === "str" && quoted) {
      // Marked for the driver, which escapes it for the string's own syntax (a query_string's Lucene, a wildcard's `*`).
      if (String(entry.value ?? "").includes(ES_VALUE_OPEN) || String(entry.value ?? "").includes(ES_VALUE_CLOSE)) {
        throw new QueryError(msg.liveLiteral(where, name, "the value holds a private-use character (U+E000 or U+E001) that marks parameter values inside strings"));
      }
      return `${ES_VALUE_OPEN}${written.slice(1, -1)}${ES_VALUE_CLOSE}`;
    }
    const how = literal.escapes === "backslash" ? `a ${literal.open}…${literal.close} string` : literal.escapes === "doubled" ? `a verbatim ${literal.open}…${literal.close} string` : "a ```…``` string";
    throw new QueryError(msg.liveLiteral(where, name, `the placeholder is inside ${how} with other text, where a ${entry.type} value cannot be written safely: give it a literal of its own ("{${name}}") and join strings in the query (strcat)`));
  };
  let out = "";
  let plainFrom = 0;
  for (let i = 0; i < template.length; ) {
    const c = template[i];
    // Comments: their quotes open no string. KQL's run to the end of the line.
    const comment = commentEnd(template, i, language);
    if (comment !== undefined && language === "kql") {
      kqlComments.push([i, comment]);
      i = comment;
      continue;
    }
    // SPL's (```…```): a placeholder in one stays as written, since a value's own ``` would end the comment and run
    // the rest as SPL.
    if (comment !== undefined) {
      out += fill(template.slice(plainFrom, i), plainFrom) + template.slice(i, comment).replace(/\{\{|\}\}/g, (b) => b[0]);
      i = comment;
      plainFrom = i;
      continue;
    }
    KQL_DATETIME.lastIndex = i;
    const dt = language === "kql" && c === "d" && !/\w/.test(template[i - 1] ?? "") ? KQL_DATETIME.exec(template) : null;
    if (dt && values.has(dt[1])) {
      out += fill(template.slice(plainFrom, i), plainFrom) + writeDatetime(dt[1], i);
      i += dt[0].length;
      plainFrom = i;
      continue;
    }
    const literal = literalAt(template, i, language);
    if (!literal) {
      i++;
      continue;
    }
    out += fill(template.slice(plainFrom, i), plainFrom);
    const body = template.slice(literal.bodyStart, literal.bodyEnd);
    const only = NAME.exec(body);
    if (only && values.has(only[1]) && literal.closed) {
      // The file's own default goes in as MSTICPy pastes it, when it is text of this string (`"{path_separator}"`, `default: '\\'`).
      const entry = values.get(only[1]) as TemplateValue;
      out += language !== "esdsl" && isFileText(entry) && fitsString(String(entry.value), literal) ? literal.open + String(entry.value) + literal.close : write(only[1], i);
    } else {
      // Inside a string, `{{`/`}}` are still braces and a known placeholder is the escaped value.
      const filled = body.replace(PLACEHOLDER, (whole, name: string | undefined) => (whole === "{{" ? "{" : whole === "}}" ? "}" : values.has(name as string) ? inside(literal, name as string, i) : whole));
      out += literal.open + filled + (literal.closed ? literal.close : "");
    }
    i = literal.end;
    plainFrom = i;
  }
  return out + fill(template.slice(plainFrom), plainFrom);
}

/**
 * Whether a `str` parameter's value is the query file's own text: its default, used as such or passed back by a
 * caller (a pivot passing every parameter). MSTICPy pastes it into the query as written.
 */
function isFileText(entry: TemplateValue): boolean {
  if (entry.type !== "str" || !entry.origin || entry.value === null || Array.isArray(entry.value)) return false;
  return entry.origin === "file" || String(entry.value) === entry.fileDefault;
}

/** What a caller may pass for a bare placeholder: a name or a number (a clause's also nothing). */
function isFragmentText(text: string, placement: Placement): boolean {
  if (text === "") return placement === "clause";
  if (FRAGMENT_NUMBER.test(text)) return true;
  return FRAGMENT_NAME.test(text) && !OPERATOR_NAMES.has(text.toLowerCase());
}

/**
 * Whether `text` is the body of one string of `literal`'s kind as it stands: in `"…"`/`'…'` no raw quote of its own
 * kind, every `\` escaping a character, no line break; in `@"…"` every quote doubled; in ```` ```…``` ```` no ```.
 */
function fitsString(text: string, literal: StringLiteral): boolean {
  // A trailing backtick would run into the closing ``` and end the string early.
  if (literal.escapes === "none") return !text.includes("```") && !text.endsWith("`");
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (literal.escapes === "doubled") {
      if (c !== literal.close) continue;
      if (text[i + 1] !== literal.close) return false;
      i++;
    } else if (c === "\\") {
      if (i + 1 >= text.length || text[i + 1] === "\n" || text[i + 1] === "\r") return false;
      i++;
    } else if (c === literal.close || c === "\n" || c === "\r") {
      return false;
    }
  }
  return true;
}

/**
 * Where the comment starting at `i` ends, if one does: KQL's `//` at the end of its line (before the line break),
 * SPL's ```…``` past its closing ``` (an unclosed one runs to the end); Elasticsearch's JSON has none.
 */
export function commentEnd(template: string, i: number, language: QueryLanguage): number | undefined {
  if (language === "kql" && template.startsWith("//", i)) {
    const eol = template.indexOf("\n", i);
    return eol < 0 ? template.length : eol;
  }
  if (language !== "spl" || !template.startsWith("```", i)) return undefined;
  const close = template.indexOf("```", i + 3);
  return close < 0 ? template.length : close + 3;
}

/** A text value, or a list item, with a `*`. */
function hasWildcard(value: LiteralValue | null): boolean {
  const items: readonly unknown[] = Array.isArray(value) ? value : [value];
  return items.some((v) => typeof v === "string" && v.includes("*"));
}

/** Sticky patterns for {@link matchesAt}: a command's leading pipe, and the word `search` naming one. */
const LEADING_PIPE = /\s*\|/y;
const SEARCH_WORD = /\s*search\b/iy;

/** Whether sticky `pattern` matches `text` at `at` (no copy of the rest of the text). */
function matchesAt(pattern: RegExp, text: string, at: number): boolean {
  pattern.lastIndex = at;
  return pattern.test(text);
}

/**
 * Whether a position of an SPL template is in a `search` command: the
 * query's first command unless it starts with `|`, a subsearch's (`[…]`)
 * likewise, or one named `search` after a `|`. Quoted text is skipped.
 */
export function splSearchCommand(template: string): (at: number) => boolean {
  // Where each command starts, and whether it is a search; a subsearch's end returns to the command around it.
  const starts: number[] = [0];
  const search: boolean[] = [!matchesAt(LEADING_PIPE, template, 0)];
  const stack: boolean[] = [];
  for (let i = 0; i < template.length; ) {
    const comment = commentEnd(template, i, "spl");
    if (comment !== undefined) {
      i = comment;
      continue;
    }
    const literal = literalAt(template, i, "spl");
    if (literal) {
      i = literal.end;
      continue;
    }
    const c = template[i];
    if (c === "|" || c === "[") {
      if (c === "[") stack.push(search[search.length - 1]);
      starts.push(i + 1);
      // After "[", a subsearch: a search unless it starts with "|" (that pipe then names the command); after "|", the named command.
      search.push(c === "[" ? !matchesAt(LEADING_PIPE, template, i + 1) : matchesAt(SEARCH_WORD, template, i + 1));
    } else if (c === "]" && stack.length) {
      starts.push(i + 1);
      search.push(stack.pop() as boolean);
    }
    i += 1;
  }
  return (at) => {
    let k = starts.length - 1;
    while (k > 0 && starts[k] > at) k -= 1;
    return search[k];
  };
}

/** What a driver's writer gets for an absent value: the empty value of the type. */
function nullOf(type: LiteralType): LiteralValue {
  switch (type) {
    case "list":
      return [];
    case "int":
    case "float":
      return 0;
    case "bool":
      return false;
    case "datetime":
      return new Date(0);
    default:
      return "";
  }
}
