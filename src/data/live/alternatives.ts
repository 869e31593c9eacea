/**
 * A text parameter given as several forms of one value (a host's name as given, its short name and its FQDN): a live
 * query matches any of them. The template is rewritten where it compares the parameter, before any value is written,
 * so that each form is a placeholder of its own and goes through the language's literal writer like any value:
 *
 * - KQL `Computer =~ {host}` → `Computer in~ ({a}, {b})` (`==` → `in`, `!=` → `!in`, `!~` → `!in~`);
 *   `Computer has {host}` (any text operator) → `(Computer has {a} or Computer has {b})` (`!has`: `and`);
 * - SPL `host={host}` in a search command → `host IN ({a}, {b})`; in where/eval `Computer={host}` (also
 *   `lower(Computer)=lower({host})`) → `(Computer={a} OR Computer={b})` (`!=`: `AND`);
 * - a whole value list (`in~ ({host})`, `has_any ({host})`) gets every form;
 * - an emptiness test (`isempty({host})`, `len({host})=0`) keeps the first form: every form is non-empty text.
 *
 * Anywhere else (inside another call, a string with other text, a regex, arithmetic) the template is not rewritten
 * and the caller sends the first form alone, with a warning naming the query and the parameter.
 * Elasticsearch's JSON bodies are rewritten by the driver (esdsl.ts `expandAnyOf`).
 */
import type { QueryLanguage } from "./types";
import { commentEnd, literalAt, PLACEHOLDER, splSearchCommand, tokenBefore, wholeValueList } from "./render";

/** Several texts a text parameter may equal: a live query's comparison takes each, anything else the first. */
export class AnyOf {
  readonly values: readonly string[];
  private constructor(values: readonly string[]) {
    this.values = Object.freeze([...values]);
  }

  /** The forms, blank and repeated ones dropped: one left is that text itself, none is undefined. */
  static of(values: Iterable<unknown>): AnyOf | string | undefined {
    const list = [...new Set([...values].filter((v): v is string => typeof v === "string" && v.trim() !== ""))];
    return list.length > 1 ? new AnyOf(list) : list[0];
  }

  toString(): string {
    return this.values[0];
  }
}

/** What {@link rewriteForAlternatives} gives: the rewritten template, or why it cannot be rewritten. */
export type AlternativesRewrite = { template: string; compared: boolean } | { problem: string };

/** Calls whose one argument's emptiness is all they read (the same for every non-empty form). */
const GUARDS: Record<"kql" | "spl", ReadonlySet<string>> = { kql: new Set(["isempty", "isnotempty", "isnull", "isnotnull"]), spl: new Set(["isnull", "isnotnull"]) };
/** Length calls, an emptiness test when compared with 0 (`len({x})=0`). */
const LENGTHS: Record<"kql" | "spl", ReadonlySet<string>> = { kql: new Set(["strlen"]), spl: new Set(["len"]) };
/** Case conversions around the value (`lower({x})`): compared as the value is. */
const CASE_CALLS: Record<"kql" | "spl", ReadonlySet<string>> = { kql: new Set(["tolower", "toupper"]), spl: new Set(["lower", "upper"]) };
/** KQL equality operators and their list forms. */
const KQL_IN: Readonly<Record<string, string>> = { "==": "in", "=~": "in~", "!=": "!in", "!~": "!in~" };
/** KQL text operators (each also with `_cs`), compared one form at a time. */
const KQL_TEXT_WORDS = new Set(["has", "contains", "startswith", "endswith", "hasprefix", "hassuffix"].flatMap((w) => [w, `${w}_cs`]));
/** KQL words and SPL words after which a comparison starts (its left side is a whole operand). */
const KQL_BEFORE = new Set(["where", "and", "or", "not", "filter"]);
const SPL_BEFORE = new Set(["where", "and", "or", "not", "search", "xor"]);
const LENGTH_TEST = /\s*(?:==|=|!=|>)\s*0(?![\w.])/y;

/** Where `{name}` stands: the span of its value (the placeholder, or a string holding only it), and whether in a string with other text. */
interface Unit {
  start: number;
  end: number;
}

/** Every place `{name}` stands in the template, outside comments; undefined when one is inside a string with other text. */
function unitsOf(template: string, language: "kql" | "spl", name: string): Unit[] | undefined {
  const units: Unit[] = [];
  const placeholder = `{${name}}`;
  const plain = (from: number, to: number): void => {
    for (const m of template.slice(from, to).matchAll(PLACEHOLDER)) if (m[1] === name) units.push({ start: from + m.index, end: from + m.index + m[0].length });
  };
  let plainFrom = 0;
  for (let i = 0; i < template.length; ) {
    const comment = commentEnd(template, i, language);
    if (comment !== undefined) {
      plain(plainFrom, i);
      i = comment;
      plainFrom = i;
      continue;
    }
    const literal = literalAt(template, i, language);
    if (!literal) {
      i++;
      continue;
    }
    plain(plainFrom, i);
    const body = template.slice(literal.bodyStart, literal.bodyEnd);
    if (body === placeholder && literal.closed) units.push({ start: i, end: literal.end });
    else if ([...body.matchAll(PLACEHOLDER)].some((m) => m[1] === name)) return undefined;
    i = literal.end;
    plainFrom = i;
  }
  plain(plainFrom, template.length);
  return units;
}

/** The index of the first character after `at` that is not white space. */
function skipSpace(template: string, at: number): number {
  let i = at;
  while (i < template.length && /\s/.test(template[i])) i++;
  return i;
}

/** Whether the comparison ending at `end` ends there: nothing binds tighter after it (`+`, `.`, another operator). */
function endsComparison(template: string, end: number, language: "kql" | "spl"): boolean {
  const i = skipSpace(template, end);
  if (i >= template.length || "|)],".includes(template[i])) return true;
  const word = /^[A-Za-z]+(?![\w])/.exec(template.slice(i, i + 4))?.[0];
  return word !== undefined && (language === "kql" ? word === "and" || word === "or" : ["and", "or", "xor"].includes(word.toLowerCase()));
}

/** Where the left operand of the operator starting at `opStart` starts: a name (`Computer`, `a.b`) or a call (`lower(Computer)`); undefined when it is no such operand, or more than one. */
function leftOperand(template: string, opStart: number, language: "kql" | "spl"): number | undefined {
  let i = opStart - 1;
  while (i >= 0 && /\s/.test(template[i])) i--;
  if (i < 0) return undefined;
  let start: number;
  if (template[i] === ")") {
    let depth = 0;
    let j = i;
    for (; j >= 0; j--) {
      const c = template[j];
      // A string inside the operand: its parentheses could be text; not read backwards.
      if (c === '"' || c === "'" || c === "`") return undefined;
      if (c === ")") depth++;
      else if (c === "(" && --depth === 0) break;
    }
    if (j < 0) return undefined;
    start = j;
    while (start > 0 && /\w/.test(template[start - 1])) start--;
  } else if (/[\w.]/.test(template[i])) {
    start = i;
    while (start > 0 && /[\w.]/.test(template[start - 1])) start--;
  } else {
    return undefined;
  }
  const before = tokenBefore(template, start);
  if (!before) return start;
  if (before.kind === "char") return "(|,[".includes(before.text) ? start : undefined;
  if (before.kind === "word") return (language === "kql" ? KQL_BEFORE : SPL_BEFORE).has(before.text) ? start : undefined;
  return undefined;
}

/** Comparison operators a parameter may stand for (MSTICPy's `Computer {host_op} "{host_name}"`, `host_op: has`). */
const KQL_OPERATORS = new Set(["==", "=~", "!=", "!~", ...[...KQL_TEXT_WORDS].flatMap((w) => [w, `!${w}`])]);
const SPL_OPERATORS = new Set(["=", "==", "!="]);

/**
 * The template with each placeholder standing just before `{name}` whose value is a comparison operator
 * (`operatorOf`, one of a fixed set, so no query text can come in) written as that operator, so that the comparison
 * can be read; the renderer writes such a value as it is anyway.
 */
function withOperators(template: string, language: "kql" | "spl", name: string, operatorOf: (placeholder: string) => string | undefined): string {
  const known = language === "kql" ? KQL_OPERATORS : SPL_OPERATORS;
  return template.replace(new RegExp(`(?<!\\{)\\{([A-Za-z_]\\w*)\\}(\\s*)(?="?\\{${name}\\})`, "g"), (whole, op: string, space: string) => {
    const text = op === name ? undefined : operatorOf(op);
    return text !== undefined && known.has(text) ? `${text}${space}` : whole;
  });
}

/**
 * The template with `{name}` compared against each of `count` forms, `{<form(i)>}` for the i-th; or, when one place
 * `{name}` stands cannot be rewritten safely, why. `compared`: whether any comparison was rewritten.
 */
export function rewriteForAlternatives(template: string, language: QueryLanguage, name: string, count: number, form: (i: number) => string, operatorOf: (placeholder: string) => string | undefined = () => undefined): AlternativesRewrite {
  if (language === "esdsl") return { template, compared: false };
  template = withOperators(template, language, name, operatorOf);
  const units = unitsOf(template, language, name);
  if (!units) return { problem: "it stands inside a string with other text" };
  const inSearch = language === "spl" ? splSearchCommand(template) : () => false;
  const edits: { from: number; to: number; text: string }[] = [];
  for (const unit of units) {
    const unitText = template.slice(unit.start, unit.end);
    const forms = (from: number, to: number) => Array.from({ length: count }, (_, i) => template.slice(from, unit.start) + unitText.replace(`{${name}}`, `{${form(i)}}`) + template.slice(unit.end, to));
    // A whole list of values: every form is an item.
    if (wholeValueList(template, unit.start, unit.end)) {
      edits.push({ from: unit.start, to: unit.end, text: forms(unit.start, unit.end).join(", ") });
      continue;
    }
    let valueStart = unit.start;
    let valueEnd = unit.end;
    const open = tokenBefore(template, unit.start);
    if (open?.kind === "char" && open.text === "(") {
      const call = tokenBefore(template, open.start);
      const close = skipSpace(template, unit.end);
      if (call?.kind !== "word") return { problem: "it stands inside parentheses that are no comparison's value" };
      if (template[close] !== ")") return { problem: `it stands inside a call of ${call.text}() with other arguments` };
      if (GUARDS[language].has(call.text)) continue;
      LENGTH_TEST.lastIndex = close + 1;
      if (LENGTHS[language].has(call.text) && LENGTH_TEST.test(template)) continue;
      if (!CASE_CALLS[language].has(call.text)) return { problem: `it stands inside a call of ${call.text}()` };
      valueStart = call.start;
      valueEnd = close + 1;
    }
    const op = tokenBefore(template, valueStart);
    if (op?.kind === "char") return { problem: `it stands inside a call or a list (after "${op.text}"), not as a comparison's value` };
    if (op && language === "spl" && inSearch(unit.start)) {
      // Search terms are separated by white space: any may follow.
      const field = tokenBefore(template, op.start);
      const next = template[valueEnd];
      if (op.text !== "=" || valueStart !== unit.start || field?.kind !== "word" || field.start + field.text.length !== op.start || (next !== undefined && !/[\s|)\]]/.test(next))) {
        return { problem: "in a search command only field={value} takes several values (as field IN (…))" };
      }
      edits.push({ from: op.start, to: unit.end, text: ` IN (${forms(unit.start, unit.end).join(", ")})` });
      continue;
    }
    if (!op || !endsComparison(template, valueEnd, language)) return { problem: "it is no whole operand of a comparison" };
    if (language === "kql") {
      const negated = op.kind === "word" && template[op.start - 1] === "!";
      if (op.kind === "operator" && KQL_IN[op.text] && valueStart === unit.start) {
        edits.push({ from: op.start, to: valueEnd, text: `${KQL_IN[op.text]} (${forms(unit.start, unit.end).join(", ")})` });
        continue;
      }
      const opStart = negated ? op.start - 1 : op.start;
      if ((op.kind === "operator" && KQL_IN[op.text]) || (op.kind === "word" && KQL_TEXT_WORDS.has(op.text))) {
        const left = leftOperand(template, opStart, language);
        if (left === undefined) return { problem: "its comparison's left side is no name or call" };
        const joiner = negated || op.text.startsWith("!") ? " and " : " or ";
        edits.push({ from: left, to: valueEnd, text: `(${forms(left, valueEnd).join(joiner)})` });
        continue;
      }
      return { problem: `it is compared with ${op.text}, which has no form for several values` };
    }
    if (op.kind !== "operator" || !["=", "==", "!="].includes(op.text)) return { problem: `it is compared with ${op.text}, which has no form for several values` };
    const left = leftOperand(template, op.start, language);
    if (left === undefined) return { problem: "its comparison's left side is no name or call" };
    edits.push({ from: left, to: valueEnd, text: `(${forms(left, valueEnd).join(op.text === "!=" ? " AND " : " OR ")})` });
  }
  let out = template;
  for (const edit of edits.sort((a, b) => b.from - a.from)) out = out.slice(0, edit.from) + edit.text + out.slice(edit.to);
  return { template: out, compared: edits.length > 0 };
}
