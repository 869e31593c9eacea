/**
 * Binary XML (MS-EVEN6 §2.2.3), the form of every EVTX record: tokens that open and close elements, name them
 * through a chunk's string table, and fill them from templates (a tree written once per chunk, with numbered
 * substitutions) and each record's typed values. Read into a small element tree ({@link XmlElement}) that
 * evtx.ts turns into a row.
 *
 * The bytes are attacker-controlled (a compromised host's logs, a file copied while written): every offset is checked
 * against the chunk, templates nest at most {@link MAX_DEPTH} deep (a template may name itself), and a record may
 * cost at most {@link MAX_TOKENS} tokens; anything else throws {@link BinXmlError}, which loses that record only.
 */

/** An element as Windows' XML renders it: its attributes (text) and its children (elements and text). */
export interface XmlElement {
  name: string;
  attrs: Map<string, string>;
  children: (XmlElement | string)[];
}

/** A record, chunk or template that cannot be read: the reader skips it and counts it. */
export class BinXmlError extends Error {}

/** Templates within templates (and BinXml values within values) at most this deep: a template may refer to itself. */
export const MAX_DEPTH = 16;
/** Tokens read for one record, templates included: a 64 KiB chunk's templates, instantiated once each, need far fewer. */
export const MAX_TOKENS = 200_000;
/**
 * Tokens read for all of a chunk's records: the samples' chunks need at most 11,130; without this cap, 2,000 small
 * records each instantiating a large template (or each spending {@link MAX_TOKENS}) would multiply the work by the
 * record count. Past it, the chunk's other records are lost ({@link ChunkBudgetError}).
 */
export const MAX_CHUNK_TOKENS = 1_000_000;
/** A chunk whose records cost more than {@link MAX_CHUNK_TOKENS}: its other records are not read. */
export class ChunkBudgetError extends BinXmlError {}
/** Elements open at once: Windows' events nest a few levels. */
const MAX_OPEN = 256;

/** A substitution in a template: `index` into the record's values; an optional one with a null value writes nothing. */
export interface Sub {
  sub: number;
}
/** Template nodes; a template instance inside a stream is resolved where it is read (an {@link XmlElement}). */
export type TNode = TElement | XmlElement | string | Sub;
export interface TElement {
  name: string;
  attrs: { name: string; parts: (string | Sub)[] }[];
  children: TNode[];
}
/** An array value's items: an element holding only it is written once per item, as Windows renders it. */
interface Items {
  items: string[];
}
/** A substitution value: text, a BinXml fragment's elements, an array, or nothing. */
type Value = string | XmlElement[] | Items | null;

/**
 * What turns a record into a row without its element tree ({@link ChunkReader.row}): what each distinct template
 * costs to resolve, and a plan per combination of templates (a record's template and those of its BinXml values),
 * made once (evtxPlan.ts); null when the record needs its tree (a field name filled by a value…).
 */
export interface RowPlanner<P> {
  template(template: TNode[]): TemplateInfo;
  plan(instance: Instance): P | null;
}
/** A template as {@link ChunkReader} counts its resolution: one token per node, its top-level elements, its substitutions' uses. */
export interface TemplateInfo {
  /** The same for templates of the same content, in any chunk. */
  id: number;
  nodes: number;
  /** Its top-level elements, and its top-level substitutions (a BinXml value's elements are the template's there). */
  top: number;
  topSubs: readonly number[];
  /** How often each substitution is used (a BinXml value is charged its cost at each use). */
  uses: ReadonlyMap<number, number>;
}
/** A FILETIME value kept as read: a plan makes TimeCreated's microseconds of it without its text ({@link fileTimeMicros}). */
export class FileTime {
  constructor(readonly ticks: bigint) {}

  toString(): string {
    return fileTime(this.ticks);
  }
}
/** A value as a plan takes it: text, nothing, or a FILETIME. */
export type PlanValue = string | null | FileTime;
/** A template instance read for a plan: its template, its values, the instances of its BinXml values by substitution. */
export interface Instance {
  template: TNode[];
  info: TemplateInfo;
  values: PlanValue[];
  fragments: [number, Instance][];
  /** The elements it resolves to. */
  elements: number;
}
/** A record whose row a plan gives: the plan and its instance. */
export interface PlannedRecord<P> {
  plan: P;
  instance: Instance;
}
/** Where a template instance's parts are in the chunk (bytes only, checked): {@link ChunkReader.row}. */
interface InstanceAt {
  /** Where its fragment header is (-1: none, as in BinXml values), and its template instance token. */
  header: number;
  start: number;
  defOffset: number;
  descriptors: number;
  count: number;
  values: number;
  /** Where its stream ends (its end token, or the stream's end `limit`). */
  end: number;
  limit: number;
  fragments: Map<number, InstanceAt>;
}
/** BinXml values within BinXml values read for a plan at most this deep (Windows nests one: EventData in the record's template). */
const MAX_PLANNED_DEPTH = 4;

/** One chunk's reading state: its bytes, its names and templates read once (by their offsets). */
export class ChunkReader<P = never> {
  private readonly names = new Map<number, string>();
  private readonly templates = new Map<number, TNode[]>();
  /** The chunk's templates' costs (by the template read, whose offset is the chunk's). */
  private readonly infos = new Map<TNode[], TemplateInfo>();
  private tokens = 0;
  /** Tokens of the chunk's records read before this one. */
  private spent = 0;
  /** What a BinXml value cost to build (its nodes): charged again each time it is used, so reuse cannot multiply the work unseen. */
  private readonly weights = new WeakMap<XmlElement[], number>();

  /** `planner`: rows of records that are one template instance without their element trees ({@link row}); none: always the trees. */
  constructor(private readonly buf: Buffer, private readonly planner?: RowPlanner<P>) {}

  /** The elements of a record's BinXml, bytes [start, end) of the chunk. */
  record(start: number, end: number): XmlElement[] {
    this.startRecord();
    return this.resolve(this.parse(start, end, false, 0), [], 0);
  }

  private startRecord(): void {
    this.spent += this.tokens;
    this.tokens = 0;
    if (this.spent > MAX_CHUNK_TOKENS) throw new ChunkBudgetError(`the chunk's records cost more than ${MAX_CHUNK_TOKENS} tokens`);
  }

  /**
   * A record's BinXml, bytes [start, end) of the chunk: as Windows writes nearly every record (a fragment header, one
   * template instance whose values are plain or are such fragments themselves, the end), its plan and its values,
   * without an element tree per record (its garbage was a third of a read); else its elements ({@link record}).
   * Either way the same tokens are counted and the same errors thrown, in the same order: templates are read, values
   * decoded and tokens counted as parse, templateInstance and resolve do it.
   */
  row(start: number, end: number): PlannedRecord<P> | XmlElement[] {
    const at = this.planner ? this.instanceAt(start, end, 0) : undefined;
    if (!at) return this.record(start, end);
    this.startRecord();
    const instance = this.instance(at, 0);
    const plan = this.planner!.plan(instance);
    if (plan === null) return this.resolve(this.treeOf(instance, 0), [], 0);
    if ((this.tokens += instance.elements) > MAX_TOKENS) this.fail("too many tokens", 0);
    return { plan, instance };
  }

  /** An instance read (`at`, checked): its template, values and fragments; its tokens counted up to its stream's end token. */
  private instance(at: InstanceAt, depth: number): Instance {
    if (at.header >= 0 && ++this.tokens > MAX_TOKENS) this.fail("too many tokens", at.header);
    if (++this.tokens > MAX_TOKENS) this.fail("too many tokens", at.start);
    const template = this.templateAt(at.defOffset, depth);
    let info = this.infos.get(template);
    if (!info) this.infos.set(template, (info = this.planner!.template(template)));
    const b = this.buf;
    const values: PlanValue[] = [];
    const fragments: [number, Instance][] = [];
    let charges = 0;
    for (let i = 0, pos = at.values; i < at.count; i++) {
      const size = b.readUInt16LE(at.descriptors + 4 * i);
      const fragment = at.fragments.get(i);
      if (fragment) {
        // As value() reads a BinXml value: its tokens, then its cost charged at each use.
        const before = this.tokens;
        const inner = this.instance(fragment, depth + 1);
        if ((this.tokens += inner.elements) > MAX_TOKENS) this.fail("too many tokens", 0);
        const weight = this.tokens - before + 1;
        charges += weight * (info.uses.get(i) ?? 0);
        fragments.push([i, inner]);
        values.push(null);
      } else {
        const type = b[at.descriptors + 4 * i + 2];
        values.push(type === 0x11 ? new FileTime(b.readBigUInt64LE(pos)) : (this.value(type, pos, size, depth) as string | null));
      }
      pos += size;
    }
    // resolve's tokens: a node each, and each use of a BinXml value its cost; then the stream's end token.
    if ((this.tokens += info.nodes + charges) > MAX_TOKENS) this.fail("too many tokens", 0);
    if (at.end < at.limit && ++this.tokens > MAX_TOKENS) this.fail("too many tokens", at.end);
    let elements = info.top;
    for (const k of info.topSubs) elements += fragments.find(([i]) => i === k)?.[1].elements ?? 0;
    return { template, info, values, fragments, elements };
  }

  /** The elements of an instance read with no plan (its tokens counted): as templateInstance resolves them. */
  private treeOf(instance: Instance, depth: number): XmlElement[] {
    const values: Value[] = instance.values.map((v) => (v instanceof FileTime ? v.toString() : v));
    for (const [i, inner] of instance.fragments) values[i] = this.treeOf(inner, depth + 1);
    return this.resolveFree(instance.template, values);
  }

  /**
   * A template's elements with these values, its tokens counted already ({@link instance}): resolve with the token
   * count set back after (a BinXml value's cost included).
   */
  private resolveFree(template: TNode[], values: Value[]): XmlElement[] {
    const tokens = this.tokens;
    this.tokens = -Infinity;
    try {
      const out: (XmlElement | string)[] = [];
      this.resolveInto(template, values, out, 0);
      return out.filter((n): n is XmlElement => typeof n !== "string");
    } finally {
      this.tokens = tokens;
    }
  }

  /**
   * Where the parts of a stream [start, end) that is one template instance of plain values (or of such streams) are,
   * checked as parse, templateInstance and value check them: anything they would refuse or read otherwise gives
   * undefined (and the record is read by {@link record}). Reads nothing but the bytes.
   */
  private instanceAt(from: number, end: number, depth: number): InstanceAt | undefined {
    const b = this.buf;
    // A fragment header first (records' streams; BinXml values' may start with the instance).
    const header = from < end && (b[from] & 0xbf) === 0x0f ? from : -1;
    const start = header >= 0 ? from + 4 : from;
    if (depth > MAX_PLANNED_DEPTH || start + 10 > end || (b[start] & 0xbf) !== 0x0c) return undefined;
    let pos = start + 10;
    const defOffset = b.readUInt32LE(start + 6);
    if (defOffset + 24 > b.length) return undefined;
    const defEnd = defOffset + 24 + b.readUInt32LE(defOffset + 20);
    if (defEnd > b.length) return undefined;
    if (defOffset === pos) pos = defEnd;
    if (pos + 4 > end) return undefined;
    const count = b.readUInt32LE(pos);
    const descriptors = pos + 4;
    pos = descriptors + count * 4;
    if (pos > end) return undefined;
    const values = pos;
    const fragments = new Map<number, InstanceAt>();
    for (let i = 0; i < count; i++) {
      const size = b.readUInt16LE(descriptors + 4 * i);
      const type = b[descriptors + 4 * i + 2];
      if (pos + size > end) return undefined;
      if (type === 0x21 && size > 0) {
        const fragment = this.instanceAt(pos, pos + size, depth + 1);
        if (!fragment) return undefined;
        fragments.set(i, fragment);
      } else if (type & 0x80 || (type > 0x02 && type !== 0x0e && type !== 0x10 && type !== 0x13 && type !== 0x20 && type !== 0x21 && type !== 0x23 && !(size >= FIXED_SIZES[type]))) {
        // Arrays shape the tree (an element per item): read with it. Unknown or short values: their error.
        return undefined;
      }
      pos += size;
    }
    // The stream ends there (its end token, or its bytes): anything after the instance is read by parse.
    if (pos < end && (b[pos] & 0xbf) !== 0x00) return undefined;
    return { header, start, defOffset, descriptors, count, values, end: pos, limit: end, fragments };
  }

  private fail(what: string, at: number): never {
    throw new BinXmlError(`${what} at chunk offset ${at}`);
  }

  private need(pos: number, n: number, end: number): void {
    if (pos < 0 || pos + n > end) this.fail("data past its end", pos);
  }

  /** A name of the string table: u32 next, u16 hash, u16 characters, UTF-16, NUL. */
  private name(offset: number): string {
    const known = this.names.get(offset);
    if (known !== undefined) return known;
    this.need(offset, 8, this.buf.length);
    const chars = this.buf.readUInt16LE(offset + 6);
    this.need(offset + 8, chars * 2, this.buf.length);
    const name = this.buf.toString("utf16le", offset + 8, offset + 8 + chars * 2);
    this.names.set(offset, name);
    return name;
  }

  /** A name reference at `pos`: the offset, and the name's bytes when written right there (skipped). Returns the new position. */
  private nameRef(pos: number, end: number): [string, number] {
    this.need(pos, 4, end);
    const offset = this.buf.readUInt32LE(pos);
    pos += 4;
    const name = this.name(offset);
    if (offset === pos) pos += 10 + name.length * 2;
    return [name, pos];
  }

  /** UTF-16 text of `chars` characters at `pos` (a u16 count before it is the caller's). */
  private utf16(pos: number, chars: number, end: number): string {
    this.need(pos, chars * 2, end);
    return this.buf.toString("utf16le", pos, pos + chars * 2);
  }

  /**
   * The token stream [pos, end): a template's (with a dependency identifier in each element start) or a record's / a
   * BinXml value's (without). Elements, text and substitutions as written; template instances resolved.
   */
  private parse(pos: number, end: number, template: boolean, depth: number): TNode[] {
    if (depth > MAX_DEPTH) this.fail("templates nested too deeply", pos);
    const root: TElement = { name: "", attrs: [], children: [] };
    const open: TElement[] = [root];
    let attr: { name: string; parts: (string | Sub)[] } | undefined;
    const buf = this.buf;
    const put = (node: string | Sub) => (attr ? attr.parts.push(node) : open[open.length - 1].children.push(node));
    while (pos < end) {
      if (++this.tokens > MAX_TOKENS) this.fail("too many tokens", pos);
      const at = pos;
      const token = buf[pos++];
      switch (token & 0xbf) {
        case 0x00: // end of the stream
          return root.children;
        case 0x01: {
          pos += template ? 6 : 4; // dependency identifier (templates only), data size
          this.need(pos, 0, end);
          const [name, next] = this.nameRef(pos, end);
          pos = next + (token & 0x40 ? 4 : 0); // the attribute list's size
          const element: TElement = { name, attrs: [], children: [] };
          open[open.length - 1].children.push(element);
          if (open.push(element) > MAX_OPEN) this.fail("elements nested too deeply", at);
          attr = undefined;
          break;
        }
        case 0x02: // the start element's end: children follow
          attr = undefined;
          break;
        case 0x03: // an empty element's end
        case 0x04: // an element's end
          if (open.length < 2) this.fail("an element closed that was not open", at);
          open.pop();
          attr = undefined;
          break;
        case 0x05: {
          this.need(pos, 1, end);
          const type = buf[pos++];
          const [text, next] = this.inlineValue(type, pos, end);
          put(text);
          pos = next;
          break;
        }
        case 0x06: {
          const [name, next] = this.nameRef(pos, end);
          pos = next;
          attr = { name, parts: [] };
          open[open.length - 1].attrs.push(attr);
          break;
        }
        case 0x07: // CDATA: u16 characters
        case 0x0b: {
          // processing-instruction data: not rendered as a field
          this.need(pos, 2, end);
          const chars = buf.readUInt16LE(pos);
          const text = this.utf16(pos + 2, chars, end);
          pos += 2 + chars * 2;
          if ((token & 0xbf) === 0x07) put(text);
          break;
        }
        case 0x08: // character reference
          this.need(pos, 2, end);
          put(String.fromCharCode(buf.readUInt16LE(pos)));
          pos += 2;
          break;
        case 0x09: {
          // entity reference: XML's five
          const [name, next] = this.nameRef(pos, end);
          pos = next;
          put(ENTITIES[name] ?? `&${name};`);
          break;
        }
        case 0x0a: // processing-instruction target
          pos = this.nameRef(pos, end)[1];
          break;
        case 0x0c: {
          const [nodes, next] = this.templateInstance(pos, end, depth);
          open[open.length - 1].children.push(...nodes);
          pos = next;
          break;
        }
        case 0x0d: // normal substitution
        case 0x0e: // optional substitution
          this.need(pos, 3, end);
          put({ sub: buf.readUInt16LE(pos) });
          pos += 3;
          break;
        case 0x0f: // fragment header: version and flags
          pos += 3;
          break;
        default:
          this.fail(`unknown BinXml token 0x${token.toString(16)}`, at);
      }
    }
    return root.children;
  }

  /** A template instance at `pos` (after its token): its definition (read once per chunk) filled with the values that follow. */
  private templateInstance(pos: number, end: number, depth: number): [TNode[], number] {
    this.need(pos, 9, end);
    const defOffset = this.buf.readUInt32LE(pos + 5);
    pos += 9;
    const template = this.templateAt(defOffset, depth);
    if (defOffset === pos) pos = defOffset + 24 + this.buf.readUInt32LE(defOffset + 20); // written here, in the record: skipped
    this.need(pos, 4, end);
    const count = this.buf.readUInt32LE(pos);
    pos += 4;
    this.need(pos, count * 4, end);
    const descriptors: [number, number][] = [];
    for (let i = 0; i < count; i++, pos += 4) descriptors.push([this.buf.readUInt16LE(pos), this.buf[pos + 2]]);
    const values: Value[] = [];
    for (const [size, type] of descriptors) {
      this.need(pos, size, end);
      values.push(this.value(type, pos, size, depth));
      pos += size;
    }
    return [this.resolve(template, values, depth), pos];
  }

  /** The template defined at `defOffset` (u32 next, 16-byte GUID, u32 size, then its tokens), read once per chunk. */
  private templateAt(defOffset: number, depth: number): TNode[] {
    let template = this.templates.get(defOffset);
    this.need(defOffset, 24, this.buf.length);
    const defEnd = defOffset + 24 + this.buf.readUInt32LE(defOffset + 20);
    if (defEnd > this.buf.length) this.fail("a template past the chunk's end", defOffset);
    if (!template) {
      // Marked while read: a template naming itself is an error, not a loop.
      this.templates.set(defOffset, []);
      template = this.parse(defOffset + 24, defEnd, true, depth + 1);
      this.templates.set(defOffset, template);
    }
    return template;
  }

  /** A template's nodes with its substitutions replaced by the values (BinXml values become elements). */
  private resolve(nodes: TNode[], values: Value[], depth: number): XmlElement[] {
    if (depth > MAX_DEPTH) this.fail("templates nested too deeply", 0);
    const out: (XmlElement | string)[] = [];
    this.resolveInto(nodes, values, out, depth);
    return out.filter((n): n is XmlElement => typeof n !== "string");
  }

  private resolveInto(nodes: TNode[], values: Value[], out: (XmlElement | string)[], depth: number): void {
    for (const node of nodes) {
      if (++this.tokens > MAX_TOKENS) this.fail("too many tokens", 0);
      if (typeof node === "string") out.push(node);
      else if ("sub" in node) {
        const v = values[node.sub];
        if (typeof v === "string") out.push(v);
        else if (Array.isArray(v)) {
          this.charge(v);
          out.push(...v);
        } else if (v) out.push(v.items.join(","));
      } else if (node.attrs instanceof Map) out.push(node as XmlElement);
      else if (isArrayElement(node as TElement, values)) {
        // `<Data>%1</Data>` with an array: one element per item (6009's `<Data>10.00.</Data><Data>15063</Data>…`).
        const only = (node as TElement).children[0] as Sub;
        for (const item of (values[only.sub] as Items).items) {
          const element: XmlElement = { name: (node as TElement).name, attrs: (node as TElement).attrs.length ? new Map() : NO_ATTRS, children: [item] };
          for (const a of (node as TElement).attrs) element.attrs.set(a.name, a.parts.map((p) => (typeof p === "string" ? p : this.text(values[p.sub]))).join(""));
          if (++this.tokens > MAX_TOKENS) this.fail("too many tokens", 0);
          out.push(element);
        }
      } else {
        const attrs = (node as TElement).attrs;
        // Most elements have no attributes: one shared empty map, not one per element of every record (GC was a third of the read).
        const element: XmlElement = { name: node.name, attrs: attrs.length ? new Map() : NO_ATTRS, children: [] };
        for (const a of attrs) {
          const only = a.parts.length === 1 ? a.parts[0] : undefined;
          const text = only !== undefined ? (typeof only === "string" ? only : this.text(values[only.sub])) : a.parts.map((p) => (typeof p === "string" ? p : this.text(values[p.sub]))).join("");
          if (text !== "" || a.parts.every((p) => typeof p === "string")) element.attrs.set(a.name, text);
        }
        this.resolveInto((node as TElement).children, values, element.children, depth);
        out.push(element);
      }
    }
  }

  private charge(v: XmlElement[]): void {
    this.tokens += this.weights.get(v) ?? 1;
    if (this.tokens > MAX_TOKENS) this.fail("too many tokens", 0);
  }

  private text(v: Value | undefined): string {
    if (Array.isArray(v)) this.charge(v);
    return valueText(v);
  }

  /** A value token's value (a record's literal text): strings with a u16 count, numbers as substitutions have them. */
  private inlineValue(type: number, pos: number, end: number): [string, number] {
    if (type === 0x01 || type === 0x02) {
      this.need(pos, 2, end);
      const chars = this.buf.readUInt16LE(pos);
      const bytes = type === 0x01 ? chars * 2 : chars;
      this.need(pos + 2, bytes, end);
      return [this.buf.toString(type === 0x01 ? "utf16le" : "latin1", pos + 2, pos + 2 + bytes), pos + 2 + bytes];
    }
    const size = FIXED_SIZES[type];
    if (size === undefined) this.fail(`a value of type 0x${type.toString(16)} in a value token`, pos);
    this.need(pos, size, end);
    return [valueText(this.value(type, pos, size, MAX_DEPTH)), pos + size];
  }

  /** A substitution value of `type` in bytes [pos, pos + size). */
  private value(type: number, pos: number, size: number, depth: number): Value {
    const b = this.buf;
    if (type & 0x80) return arrayValue(b, type & 0x7f, pos, size);
    switch (type) {
      case 0x00:
        return null;
      case 0x01:
        return trimNuls(b.toString("utf16le", pos, pos + (size & ~1)));
      case 0x02:
        return trimNuls(b.toString("latin1", pos, pos + size));
      case 0x0e:
        return b.toString("hex", pos, pos + size).toUpperCase();
      case 0x10: // SizeT: a pointer, in hex as Windows writes it
        return size === 4 ? "0x" + b.readUInt32LE(pos).toString(16) : size === 8 ? "0x" + b.readBigUInt64LE(pos).toString(16) : null;
      case 0x13:
        return sid(b, pos, size);
      case 0x21:
        if (size === 0) return null;
        {
          const before = this.tokens;
          const elements = this.resolve(this.parse(pos, pos + size, false, depth + 1), [], depth + 1);
          this.weights.set(elements, this.tokens - before + 1);
          return elements;
        }
      case 0x20: // handles and raw XML carry no field value
      case 0x23:
        return null;
      default: {
        const fixed = FIXED_SIZES[type];
        if (fixed === undefined) throw new BinXmlError(`unknown value type 0x${type.toString(16)}`);
        if (size < fixed) throw new BinXmlError(`a value of type 0x${type.toString(16)} shorter than ${fixed} bytes`);
        return fixedValue(b, type, pos);
      }
    }
  }
}

/** The attributes of every element without any: never written to (elements are built here and in eventXml.ts only). */
export const NO_ATTRS: Map<string, string> = new Map();

const ENTITIES: Readonly<Record<string, string>> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/** Sizes of the fixed-size value types. */
const FIXED_SIZES: Readonly<Record<number, number>> = {
  0x03: 1, 0x04: 1, 0x05: 2, 0x06: 2, 0x07: 4, 0x08: 4, 0x09: 8, 0x0a: 8, 0x0b: 4, 0x0c: 8, 0x0d: 4, 0x0f: 16, 0x11: 8, 0x12: 16, 0x14: 4, 0x15: 8,
};

function fixedValue(b: Buffer, type: number, pos: number): string {
  switch (type) {
    case 0x03: return String(b.readInt8(pos));
    case 0x04: return String(b[pos]);
    case 0x05: return String(b.readInt16LE(pos));
    case 0x06: return String(b.readUInt16LE(pos));
    case 0x07: return String(b.readInt32LE(pos));
    case 0x08: return String(b.readUInt32LE(pos));
    case 0x09: return String(b.readBigInt64LE(pos));
    case 0x0a: return String(b.readBigUInt64LE(pos));
    case 0x0b: return String(b.readFloatLE(pos));
    case 0x0c: return String(b.readDoubleLE(pos));
    case 0x0d: return b.readInt32LE(pos) !== 0 ? "true" : "false";
    case 0x0f: return guid(b, pos);
    case 0x11: return fileTime(b.readBigUInt64LE(pos));
    case 0x12: return systemTime(b, pos);
    case 0x14: return "0x" + b.readUInt32LE(pos).toString(16);
    default: return "0x" + b.readBigUInt64LE(pos).toString(16); // 0x15, HexInt64
  }
}

/** An element whose only child is a substitution holding an array. */
function isArrayElement(node: TElement, values: Value[]): boolean {
  const only = node.children.length === 1 ? node.children[0] : undefined;
  const v = only !== undefined && typeof only !== "string" && "sub" in only ? values[only.sub] : undefined;
  return v !== null && v !== undefined && typeof v === "object" && !Array.isArray(v);
}

/** An array value's items: strings split at their NULs, fixed-size items one by one, SIDs by their own sizes. */
function arrayValue(b: Buffer, type: number, pos: number, size: number): Items {
  const end = pos + size;
  if (type === 0x01 || type === 0x02) {
    const text = b.toString(type === 0x01 ? "utf16le" : "latin1", pos, type === 0x01 ? pos + (size & ~1) : end);
    const items = text.split("\0");
    if (items[items.length - 1] === "") items.pop();
    return { items };
  }
  const items: string[] = [];
  if (type === 0x13) {
    for (let at = pos; at + 8 <= end; ) {
      const n = 8 + 4 * b[at + 1];
      if (at + n > end) break;
      items.push(sid(b, at, n));
      at += n;
    }
    return { items };
  }
  const item = type === 0x10 ? (size % 8 === 0 ? 8 : 4) : FIXED_SIZES[type];
  if (item === undefined) throw new BinXmlError(`unknown array value type 0x${type.toString(16)}`);
  for (let at = pos; at + item <= end; at += item) {
    items.push(type === 0x10 ? "0x" + (item === 8 ? b.readBigUInt64LE(at) : b.readUInt32LE(at)).toString(16) : fixedValue(b, type, at));
  }
  return { items };
}

/** Text of a value: a fragment's text content (an attribute or a text node filled with one). */
export function valueText(v: Value | undefined): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "string") return v;
  return Array.isArray(v) ? v.map(textOf).join("") : v.items.join(",");
}

/** An element's text content (its children's text, in order). */
export function textOf(e: XmlElement | string): string {
  if (typeof e === "string") return e;
  // Most elements hold one text or none: no array built per element of every record.
  const kids = e.children;
  if (kids.length === 0) return "";
  if (kids.length === 1 && typeof kids[0] === "string") return kids[0];
  let text = "";
  for (const k of kids) text += textOf(k);
  return text;
}

/** Strings are written with a terminating NUL (some with several). */
function trimNuls(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 0) end--;
  return end === s.length ? s : s.slice(0, end);
}

/** A byte's two uppercase hex digits, made once: formatting them per byte was a twentieth of a Security log's read. */
const HEX2: readonly string[] = Array.from({ length: 256 }, (_, n) => n.toString(16).toUpperCase().padStart(2, "0"));
const hex2 = (n: number) => HEX2[n];

/** `{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}` as Windows writes a GUID (its first three parts little-endian). */
function guid(b: Buffer, pos: number): string {
  const h = (i: number) => hex2(b[pos + i]);
  return `{${h(3)}${h(2)}${h(1)}${h(0)}-${h(5)}${h(4)}-${h(7)}${h(6)}-${h(8)}${h(9)}-${h(10)}${h(11)}${h(12)}${h(13)}${h(14)}${h(15)}}`;
}

/** `S-1-5-21-…`: revision, count, a 48-bit big-endian authority, then the count's 32-bit sub-authorities. */
function sid(b: Buffer, pos: number, size: number): string {
  if (size < 8) return "";
  const count = b[pos + 1];
  let authority = 0;
  for (let i = 2; i < 8; i++) authority = authority * 256 + b[pos + i];
  let out = `S-${b[pos]}-${authority}`;
  for (let i = 0; i < count && pos + 8 + 4 * i + 4 <= pos + size; i++) out += "-" + b.readUInt32LE(pos + 8 + 4 * i);
  return out;
}

/** 100-ns ticks from 1601-01-01 UTC → `2016-07-08T18:12:51.6816406Z`, the 7 fraction digits of Windows' XML. */
export function fileTime(ticks: bigint): string {
  const EPOCH = 116444736000000000n; // 1970-01-01 in ticks
  const t = ticks - EPOCH;
  const ms = t >= 0n ? t / 10000n : -((-t + 9999n) / 10000n);
  const date = new Date(Number(ms));
  if (Number.isNaN(date.getTime())) return "";
  const frac = ((t % 10000000n) + 10000000n) % 10000000n;
  return date.toISOString().slice(0, 19) + "." + frac.toString().padStart(7, "0") + "Z";
}

/**
 * The microseconds since 1970 of a FILETIME, as the EVTX reader reads its text ({@link fileTime}, then its
 * `…T18:12:51.6816406Z` to the microsecond): null where that text is none, or not of a 4-digit year.
 */
export function fileTimeMicros(ticks: bigint): number | null {
  const t = ticks - 116444736000000000n;
  const ms = Number(t >= 0n ? t / 10000n : -((-t + 9999n) / 10000n));
  // A year past 9999 (`+010000-…`) is no time to read. (A u64 of ticks is 1601 to 60056: always a date, 4 digits from 1601.)
  if (!(ms < 253402300800000)) return null;
  const seconds = ms - (((ms % 1000) + 1000) % 1000);
  return seconds * 1000 + Math.floor(Number(((t % 10000000n) + 10000000n) % 10000000n) / 10);
}

/** A SYSTEMTIME (eight u16: year, month, weekday, day, hour, minute, second, ms) → ISO 8601 UTC. */
function systemTime(b: Buffer, pos: number): string {
  const u = (i: number) => b.readUInt16LE(pos + 2 * i);
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${p(u(0), 4)}-${p(u(1))}-${p(u(3))}T${p(u(4))}:${p(u(5))}:${p(u(6))}.${p(u(7), 3)}Z`;
}
