/**
 * Fills a query template's `{name}` placeholders (MSTICPy's Python-format
 * style, `{{`/`}}` for literal braces) with parameter values written as
 * literals of the query language. A placeholder already wrapped in quotes
 * (`"{host}"`, as MSTICPy's own query files write them) or, in KQL, in
 * `datetime({start})`, is replaced together with its wrapper, so the value is
 * always exactly one literal.
 */
import { QueryError, dataMessages as msg } from "../messages";
import { kqlLiteral } from "./kql";
import type { LiteralType, LiteralValue, QueryLanguage } from "./types";

/** A parameter's value (null: absent) and declared type. */
export interface TemplateValue {
  value: LiteralValue | null;
  type: LiteralType;
}

/** Writes one value; the driver's own writer when it has one. */
export type LiteralWriter = (value: LiteralValue, type: LiteralType) => string;

const PLACEHOLDER = /\{\{|\}\}|"\{([A-Za-z_]\w*)\}"|'\{([A-Za-z_]\w*)\}'|datetime\(\{([A-Za-z_]\w*)\}\)|\{([A-Za-z_]\w*)\}/g;

/**
 * The template with every known placeholder replaced; unknown `{names}` are
 * left as written (KQL's own braces, e.g. in `dynamic({…})` JSON, are not placeholders).
 */
export function renderTemplate(template: string, values: ReadonlyMap<string, TemplateValue>, language: QueryLanguage, where: string, writer?: LiteralWriter): string {
  const write = (name: string, whole: string): string => {
    const entry = values.get(name);
    if (!entry) return whole;
    try {
      if (writer) return entry.value === null ? writer(nullOf(entry.type), entry.type) : writer(entry.value, entry.type);
      return kqlLiteral(entry.value, entry.type);
    } catch (err) {
      // The writers name no query: say which query and parameter.
      const text = err instanceof Error ? err.message.replace(/^kql\w+: parameter "value": /, "") : String(err);
      throw new QueryError(msg.liveLiteral(where, name, text));
    }
  };
  return template.replace(PLACEHOLDER, (whole, dq?: string, sq?: string, dt?: string, plain?: string) => {
    if (whole === "{{") return "{";
    if (whole === "}}") return "}";
    if (dq ?? sq) return write((dq ?? sq) as string, whole);
    if (dt) return language === "kql" ? write(dt, whole) : `datetime(${write(dt, `{${dt}}`)})`;
    return write(plain as string, whole);
  });
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
