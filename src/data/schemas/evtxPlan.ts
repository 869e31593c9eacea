/**
 * Row plans: what an EVTX template gives a row (evtx.ts's {@link recordOf} on its element tree), worked out once per
 * distinct template, so that a record that is one instance of it becomes a row straight from its values, without an
 * element tree, attribute maps and field maps per record (their garbage was a third of a read).
 *
 * A plan is made from the template with its substitutions left symbolic, by the rules recordOf applies to the tree:
 * each System column and each EventData/UserData field becomes a recipe (literal text and substitutions, in order).
 * What the values would change beyond their text (a field named by a value, an attribute written twice) makes no
 * plan: such templates' records are read through their trees. Plans are kept across chunks by the template's content
 * (each chunk writes its templates again, with its own offsets), so a log of 31 event ids makes about 31 plans.
 */
import { FileTime, type Instance, type PlanValue, type RowPlanner, type TElement, type TemplateInfo, type TNode, type XmlElement } from "./evtxBinXml";

/** Get-WinEvent's EventLogRecord properties an EVTX record has, in Export-Csv's order; numbers as Int64. */
export const COLUMNS: readonly (readonly [string, "int" | "text" | "time"])[] = [
  ["Message", "text"], ["Id", "int"], ["Version", "int"], ["Qualifiers", "int"], ["Level", "int"], ["Task", "int"], ["Opcode", "int"],
  ["Keywords", "text"], ["RecordId", "int"], ["ProviderName", "text"], ["ProviderId", "text"], ["LogName", "text"], ["ProcessId", "int"],
  ["ThreadId", "int"], ["MachineName", "text"], ["UserId", "text"], ["TimeCreated", "time"], ["ActivityId", "text"], ["RelatedActivityId", "text"],
];
/** A column's place in {@link COLUMNS}. */
export const COLUMN_INDEX: ReadonlyMap<string, number> = new Map(COLUMNS.map(([name], i) => [name, i]));

/** `<System>`'s elements → the column of their text, and of their attributes. */
export const SYSTEM_TEXT: ReadonlyMap<string, string> = new Map(Object.entries({
  EventID: "Id", Version: "Version", Level: "Level", Task: "Task", Opcode: "Opcode", Keywords: "Keywords", EventRecordID: "RecordId", Channel: "LogName", Computer: "MachineName",
}));
export const SYSTEM_ATTRS: ReadonlyMap<string, readonly (readonly [string, string])[]> = new Map(
  Object.entries({
    Provider: { Name: "ProviderName", Guid: "ProviderId" },
    EventID: { Qualifiers: "Qualifiers" },
    TimeCreated: { SystemTime: "TimeCreated" },
    Correlation: { ActivityID: "ActivityId", RelatedActivityID: "RelatedActivityId" },
    Execution: { ProcessID: "ProcessId", ThreadID: "ThreadId" },
    Security: { UserID: "UserId" },
  }).map(([element, attrs]) => [element, Object.entries(attrs)]),
);

/** Text made of literal parts and substitutions (their values' text; nothing for a null value), in order. */
export type Recipe = readonly (string | number)[];

/**
 * A System column's value: `text` an element's text, trimmed, always set; `attr` an attribute's, set when not empty;
 * `message` RenderingInfo's Message, always set.
 */
export interface SystemStep {
  column: number;
  recipe: Recipe;
  kind: "text" | "attr" | "message";
}

/**
 * What a record's templates give a row: its System columns (steps in recordOf's order: later ones replace earlier
 * ones) and its fields; substitutions number the values of {@link planValues}.
 */
export interface RowPlan {
  /** The template has an `<Event>` element (else each record is lost: "no Event element"). */
  hasEvent: boolean;
  system: readonly SystemStep[];
  /** The event's fields in recordOf's order, each once (an empty text is null). */
  fields: readonly { name: string; recipe: Recipe }[];
  /** The fields' names joined: records of one plan have one set of field names. */
  shape: string;
}

/** An element with its text left symbolic: attributes as recipes (`literal`: no substitution), children elements and parts. */
interface SElement {
  name: string;
  attrs: readonly { name: string; recipe: Recipe; literal: boolean }[];
  children: readonly (SElement | string | number)[];
}

/** A template's cost and the values it takes: substitutions 0 to `width - 1`. */
interface TemplateCost extends TemplateInfo {
  width: number;
}

/** An instance's values in one array: its template's `width`, then its BinXml values' instances', depth first. */
export function planValues(instance: Instance, out: PlanValue[] = []): PlanValue[] {
  const width = (instance.info as TemplateCost).width;
  for (let j = 0; j < width; j++) out.push(instance.values[j] ?? null);
  for (const [, inner] of instance.fragments) planValues(inner, out);
  return out;
}

/** An instance's elements with their text left symbolic (substitutions numbered as in {@link planValues}). */
function symbolicInstance(instance: Instance, next: { base: number }): SElement[] {
  const base = next.base;
  next.base += (instance.info as TemplateCost).width;
  const fragments = new Map<number, SElement[]>();
  for (const [k, inner] of instance.fragments) fragments.set(k, symbolicInstance(inner, next));
  return symbolic(instance.template, base, fragments).filter((n): n is SElement => typeof n === "object");
}

/** A template's nodes as resolved elements, their substitutions numbered from `base`, BinXml values' elements in their place. */
function symbolic(nodes: readonly TNode[], base: number, fragments: ReadonlyMap<number, SElement[]>): (SElement | string | number)[] {
  const out: (SElement | string | number)[] = [];
  for (const node of nodes) {
    if (typeof node === "string") out.push(node);
    else if ("sub" in node) {
      const fragment = fragments.get(node.sub);
      if (fragment) out.push(...fragment);
      else out.push(base + node.sub);
    } else if (node.attrs instanceof Map) out.push(fixed(node as XmlElement));
    else {
      const e = node as TElement;
      const attrs = e.attrs.map((a) => {
        const recipe: (string | number)[] = [];
        for (const p of a.parts) {
          if (typeof p === "string") recipe.push(p);
          else if (fragments.has(p.sub)) for (const f of fragments.get(p.sub)!) textRecipe(f, recipe);
          else recipe.push(base + p.sub);
        }
        return { name: a.name, recipe, literal: a.parts.every((p) => typeof p === "string") };
      });
      out.push({ name: e.name, attrs, children: symbolic(e.children, base, fragments) });
    }
  }
  return out;
}

/** An element resolved already (a template instance inside the template): all literal. */
function fixed(e: XmlElement): SElement {
  return {
    name: e.name,
    attrs: [...e.attrs].map(([name, text]) => ({ name, recipe: [text], literal: true })),
    children: e.children.map((c) => (typeof c === "string" ? c : fixed(c))),
  };
}

/**
 * What resolving a template costs (resolveInto: a token per node, its elements' descendants but not inside resolved
 * ones) and which substitutions it uses how often (in text and attributes).
 */
function templateCost(nodes: readonly TNode[], id: number): TemplateCost {
  const uses = new Map<number, number>();
  const use = (sub: number) => uses.set(sub, (uses.get(sub) ?? 0) + 1);
  const count = (list: readonly TNode[]): number => {
    let n = 0;
    for (const node of list) {
      n++;
      if (typeof node === "string") continue;
      if ("sub" in node) use(node.sub);
      else if (!(node.attrs instanceof Map)) {
        for (const a of (node as TElement).attrs) for (const p of a.parts) if (typeof p !== "string") use(p.sub);
        n += count((node as TElement).children);
      }
    }
    return n;
  };
  const nodesCount = count(nodes);
  const top = nodes.filter((n) => typeof n !== "string" && !("sub" in n)).length;
  const topSubs = nodes.flatMap((n) => (typeof n !== "string" && "sub" in n ? [n.sub] : []));
  return { id, nodes: nodesCount, top, topSubs, uses, width: uses.size ? Math.max(...uses.keys()) + 1 : 0 };
}

const elementsOf = (e: SElement) => e.children.filter((c): c is SElement => typeof c === "object");

/** An element's text content as a recipe (its children's text, in order), adjacent literals joined. */
function textRecipe(e: SElement, out: (string | number)[] = []): (string | number)[] {
  for (const c of e.children) {
    if (typeof c === "object") textRecipe(c, out);
    else if (typeof c === "string" && typeof out[out.length - 1] === "string") out[out.length - 1] += c;
    else out.push(c);
  }
  return out;
}

/** No plan: the template's rows need its tree (see the module's comment). */
class NoPlan extends Error {}

/** The one attribute of that name, if any; two of them (the last one set wins, by the values): no plan. */
function attrOf(e: SElement, name: string) {
  const found = e.attrs.filter((a) => a.name === name);
  if (found.length > 1) throw new NoPlan();
  return found[0];
}

/** The plan of a record's instance (its templates as read), or null: recordOf's rules (evtx.ts) with substitutions for values. */
export function planOf(instance: Instance): RowPlan | null {
  const event = symbolicInstance(instance, { base: 0 }).find((e) => e.name === "Event");
  if (!event) return { hasEvent: false, system: [], fields: [], shape: "" };
  try {
    const system: SystemStep[] = [];
    const sys = elementsOf(event).find((e) => e.name === "System");
    for (const e of sys ? elementsOf(sys) : []) {
      const column = SYSTEM_TEXT.get(e.name);
      if (column) system.push({ column: COLUMN_INDEX.get(column)!, recipe: textRecipe(e), kind: "text" });
      for (const [attr, col] of SYSTEM_ATTRS.get(e.name) ?? []) {
        const a = attrOf(e, attr);
        if (a) system.push({ column: COLUMN_INDEX.get(col)!, recipe: a.recipe, kind: "attr" });
      }
    }
    const fields: { name: string; recipe: Recipe }[] = [];
    const seen = new Set<string>();
    const set = (name: string, recipe: Recipe) => {
      if (!seen.has(name)) {
        seen.add(name);
        fields.push({ name, recipe });
      }
    };
    for (const part of elementsOf(event)) {
      if (part.name === "EventData") {
        let unnamed = 0;
        for (const d of elementsOf(part)) {
          if (d.name !== "Data") {
            set(d.name, textRecipe(d));
            continue;
          }
          const named = attrOf(d, "Name");
          if (named && !named.literal) throw new NoPlan(); // a field named by a value
          const name = named ? named.recipe.join("") : "";
          set(name ? name : `Data${++unnamed}`, textRecipe(d));
        }
      } else if (part.name === "UserData") {
        const leaves = (e: SElement, parent: string) => {
          const kids = elementsOf(e);
          if (!kids.length) set(seen.has(e.name) ? `${parent}.${e.name}` : e.name, textRecipe(e));
          for (const k of kids) leaves(k, e.name);
        };
        for (const root of elementsOf(part)) for (const k of elementsOf(root)) leaves(k, root.name);
      } else if (part.name === "RenderingInfo") {
        const message = elementsOf(part).find((e) => e.name === "Message");
        if (message) system.push({ column: COLUMN_INDEX.get("Message")!, recipe: textRecipe(message), kind: "message" });
      }
    }
    return { hasEvent: true, system, fields, shape: fields.map((f) => f.name).join("\u0000") };
  } catch (err) {
    if (err instanceof NoPlan) return null;
    throw err;
  }
}

/** The text of a recipe with these values (a null or missing value is no text). */
export function recipeText(recipe: Recipe, values: readonly PlanValue[]): string {
  if (recipe.length === 1) {
    const p = recipe[0];
    return typeof p === "string" ? p : String(values[p] ?? "");
  }
  let text = "";
  for (const p of recipe) text += typeof p === "string" ? p : String(values[p] ?? "");
  return text;
}

/**
 * A record's System columns by a plan (by {@link COLUMNS} index; undefined: not set), as recordOf sets them, written
 * to `out` (its length {@link COLUMNS}'s); an attribute that is one FILETIME as it is (its text made only if needed).
 */
export function planSystem(plan: RowPlan, values: readonly PlanValue[], out: (string | FileTime | undefined)[]): void {
  out.fill(undefined);
  for (const step of plan.system) {
    const only = step.recipe.length === 1 ? step.recipe[0] : undefined;
    const value = typeof only === "number" ? values[only] : undefined;
    // A FILETIME's text is never empty: set.
    if (step.kind === "attr" && value instanceof FileTime) {
      out[step.column] = value;
      continue;
    }
    const text = recipeText(step.recipe, values);
    if (step.kind === "text") out[step.column] = text.trim();
    else if (step.kind === "message" || text !== "") out[step.column] = text;
  }
}

/**
 * Plans by the templates' content, across a file's chunks: a chunk's templates are read again in each chunk (their
 * names by the chunk's offsets), their costs and plans made once per content.
 */
export class EvtxPlanner implements RowPlanner<RowPlan> {
  private readonly templates = new Map<string, TemplateCost>();
  private readonly plans = new Map<string, RowPlan | null>();

  template(template: TNode[]): TemplateInfo {
    const key = templateKey(template, "");
    let cost = this.templates.get(key);
    if (!cost) this.templates.set(key, (cost = templateCost(template, this.templates.size)));
    return cost;
  }

  plan(instance: Instance): RowPlan | null {
    const key = instanceKey(instance);
    let plan = this.plans.get(key);
    if (plan === undefined) this.plans.set(key, (plan = planOf(instance)));
    return plan;
  }
}

/**
 * A template's content as text, the same for the same content only: every name and text with its length before it,
 * substitutions by number. (JSON.stringify with a replacer for the maps was a twentieth of a read.)
 */
function templateKey(nodes: readonly (TNode | XmlElement)[], key: string): string {
  for (const node of nodes) {
    if (typeof node === "string") key += `"${node.length}:${node}`;
    else if ("sub" in node) key += `%${node.sub};`;
    else if (node.attrs instanceof Map) {
      const e = node as XmlElement;
      key += `<${e.name.length}:${e.name}`;
      for (const [name, text] of e.attrs) key += `=${name.length}:${name}${text.length}:${text}`;
      key = templateKey(e.children, key + "[") + "]";
    } else {
      const e = node as TElement;
      key += `{${e.name.length}:${e.name}`;
      for (const a of e.attrs) {
        key += `@${a.name.length}:${a.name}`;
        for (const p of a.parts) key += typeof p === "string" ? `"${p.length}:${p}` : `%${p.sub};`;
      }
      key = templateKey(e.children, key + "[") + "]";
    }
  }
  return key;
}

/** The templates of an instance and of its BinXml values, by substitution: what its plan depends on. */
function instanceKey(instance: Instance): string {
  let key = String(instance.info.id);
  for (const [k, inner] of instance.fragments) key += `,${k}:(${instanceKey(inner)})`;
  return key;
}
