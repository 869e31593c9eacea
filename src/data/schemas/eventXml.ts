/**
 * `wevtutil qe <log> /f:xml` (or `/f:RenderedXml`) output: `<Event>` elements one after another, no root, as
 * Windows renders each record. Read into the element trees the EVTX reader builds from Binary XML
 * ({@link XmlElement}), so the same record → row path gives the same frame (evtx.ts, {@link recordsFrame}).
 *
 * One pass over the text, by index (no regular expression over the input): linear. Element nesting is capped
 * ({@link MAX_OPEN}); an `<Event>` that is cut or malformed is skipped and counted.
 */
import { NO_ATTRS, type XmlElement } from "./evtxBinXml";

/** Elements open at once inside one `<Event>`: Windows' events nest a few levels. */
const MAX_OPEN = 256;

/**
 * True when the text (a file's first bytes) starts as wevtutil's XML output: `<Event` first, after white space or an
 * XML declaration, or the root `/e:Events` adds (`<Events>`).
 */
export function isEventXml(head: string): boolean {
  let text = head.replace(/^\uFEFF/, "").trimStart();
  if (text.startsWith("<?xml")) {
    const end = text.indexOf("?>");
    if (end < 0) return false;
    text = text.slice(end + 2).trimStart();
  }
  return /^<Events?[\s>]/.test(text);
}

const ENTITIES: Readonly<Record<string, string>> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/** Text with XML's entity and character references replaced (an unknown one kept as written). */
function decode(text: string): string {
  if (!text.includes("&")) return text;
  let out = "";
  let i = 0;
  for (;;) {
    const amp = text.indexOf("&", i);
    if (amp < 0) return out + text.slice(i);
    // A reference is short: `;` looked for within 10 characters (a text of many bare `&` stays linear).
    const near = text.slice(amp + 1, amp + 11).indexOf(";");
    const semi = near < 0 ? -1 : amp + 1 + near;
    out += text.slice(i, amp);
    const name = semi > amp ? text.slice(amp + 1, semi) : "";
    const code = name.startsWith("#x") ? parseInt(name.slice(2), 16) : name.startsWith("#") ? parseInt(name.slice(1), 10) : NaN;
    const char = ENTITIES[name] ?? (Number.isInteger(code) && code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : undefined);
    if (char === undefined) {
      out += "&";
      i = amp + 1;
    } else {
      out += char;
      i = semi + 1;
    }
  }
}

const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
/** Characters that end a name: white space, `/`, `>`, `=`. */
const endsName = (c: number) => isSpace(c) || c === 0x2f || c === 0x3e || c === 0x3d;

/** What {@link readEventXml} read: the events' elements, and how many `<Event>` elements were cut, malformed or too large. */
export interface EventXmlRead {
  events: XmlElement[];
  malformed: number;
}

/** Longest `<Event>` element read, in characters: Windows' rendered events are a few KB (a record is under 64 KiB). */
export const MAX_EVENT_CHARS = 4 << 20;

/** Options of {@link EventXmlReader}. */
export interface EventXmlOptions {
  /**
   * Longest `<Event>` element (and longest text, tag or comment between events) in characters: a longer event is
   * dropped and counted as malformed, and the text is read on from the next `<Event`. Default {@link MAX_EVENT_CHARS}.
   */
  maxEventChars?: number;
}

/** The top-level `<Event>` elements of the text, in order; anything between them (white space, declarations) skipped. */
export function readEventXml(text: string, options: EventXmlOptions = {}): EventXmlRead {
  const reader = new EventXmlReader(options);
  const events = reader.push(text);
  events.push(...reader.end());
  return { events, malformed: reader.malformed };
}

/**
 * wevtutil's XML read piece by piece ({@link push}, then {@link end}): the `<Event>` elements as they complete, so a
 * file of any size is read in blocks with only the event being read held (at most {@link EventXmlOptions.maxEventChars}).
 * The events and the count are those of the whole text read at once, wherever the pieces are cut.
 */
export class EventXmlReader {
  /** `<Event>` elements cut, malformed or too large: skipped. */
  malformed = 0;
  private readonly max: number;
  /** Elements open: the event being read and its open descendants. */
  private readonly open: XmlElement[] = [];
  /** The current event is malformed: skipped to its end. */
  private bad = false;
  /** The text from the first token not read whole yet (a tag, a text, a comment cut by the piece's end). */
  private carry = "";
  /** Pieces pushed since the carry was last read: read when they are as long as the carry (so a long carry is scanned a bounded number of times). */
  private waiting: string[] = [];
  private waitingChars = 0;
  /** The input's offset of the carry's first character, and of the open event's `<`. */
  private base = 0;
  private eventStart = 0;
  /** An event was dropped (too large): the text is skipped to the next `<Event`. */
  private seeking = false;

  constructor(options: EventXmlOptions = {}) {
    this.max = options.maxEventChars ?? MAX_EVENT_CHARS;
  }

  /** The events the text read so far completes (`text`: the input's next piece). */
  push(text: string): XmlElement[] {
    this.waiting.push(text);
    this.waitingChars += text.length;
    if (this.waitingChars < this.carry.length) return [];
    const all = this.carry + this.waiting.join("");
    this.waiting = [];
    this.waitingChars = 0;
    return this.parse(all, false);
  }

  /** The last events: the input ended (an event still open is cut: counted). */
  end(): XmlElement[] {
    const all = this.carry + this.waiting.join("");
    this.waiting = [];
    this.waitingChars = 0;
    const events = this.parse(all, true);
    if (this.open.length) this.malformed++;
    this.open.length = 0;
    return events;
  }

  /** Drops the open event (too large: counted), and reads on from the next `<Event`. */
  private drop(): void {
    if (this.open.length) this.malformed++;
    this.open.length = 0;
    this.bad = false;
    this.seeking = true;
  }

  /**
   * Reads `text` (the carry and the pieces after it) to its last whole token; the rest is kept as the carry, or,
   * when `final`, read as the end of the input (a cut tag or comment ends the read, as in a whole text).
   */
  private parse(text: string, final: boolean): XmlElement[] {
    const events: XmlElement[] = [];
    const open = this.open;
    const n = text.length;
    let i = 0;
    /** Keeps text[at…] for the next piece (not when final: the caller stops reading). */
    const keep = (at: number) => {
      if (final) return;
      if (n - at > this.max) {
        // A token longer than an event may be: the event is dropped, the token skipped.
        this.drop();
        this.base += n;
        this.carry = "";
        return;
      }
      this.base += at;
      this.carry = text.slice(at);
    };
    while (i < n) {
      if (this.seeking) {
        const next = text.indexOf("<Event", i);
        if (next < 0) {
          // `<Even` may be cut by the piece's end: its first characters kept.
          keep(Math.max(i, n - 5));
          return events;
        }
        this.seeking = false;
        i = next;
      }
      if (open.length && this.base + i - this.eventStart > this.max) {
        this.drop();
        continue;
      }
      const lt = text.indexOf("<", i);
      if (lt < 0) {
        keep(i);
        return events;
      }
      if (open.length && lt > i && !this.bad) open[open.length - 1].children.push(decode(text.slice(i, lt)));
      // `<!--` and `<![CDATA[` are told from a tag by their first 9 characters: a piece's end closer than that waits.
      if (!final && n - lt < 9) {
        keep(lt);
        return events;
      }
      if (text.startsWith("<?", lt) || text.startsWith("<!--", lt) || text.startsWith("<![CDATA[", lt)) {
        const [close, skip] = text.startsWith("<?", lt) ? ["?>", 2] : text.startsWith("<!--", lt) ? ["-->", 3] : ["]]>", 3];
        const end = text.indexOf(close, lt);
        if (end < 0) {
          keep(lt);
          return events;
        }
        if (close === "]]>" && open.length && !this.bad) open[open.length - 1].children.push(text.slice(lt + 9, end));
        i = end + skip;
        continue;
      }
      if (text[lt + 1] === "/") {
        // An end tag: closes the element open (a mismatch makes the event malformed).
        const gt = text.indexOf(">", lt);
        if (gt < 0) {
          keep(lt);
          return events;
        }
        const name = text.slice(lt + 2, gt).trim();
        const top = open.pop();
        // Outside an event (a root such as wevtutil's `/e:Events`): nothing to close.
        if (top && top.name !== name) this.bad = true;
        if (open.length === 0 && top) {
          if (this.bad) this.malformed++;
          else events.push(top);
          this.bad = false;
        }
        i = gt + 1;
        continue;
      }
      // A start tag: its name, then attributes `name="value"` or `name='value'`, then `>` or `/>`.
      let j = lt + 1;
      while (j < n && !endsName(text.charCodeAt(j))) j++;
      // Most elements have no attributes (EventID, Data's text): they share one empty map, made their own at the first.
      const element: XmlElement = { name: text.slice(lt + 1, j), attrs: NO_ATTRS, children: [] };
      let closed = false;
      let ended = false; // the tag's `>` read (else the piece ended inside it)
      let malformed = false;
      for (;;) {
        while (j < n && isSpace(text.charCodeAt(j))) j++;
        if (j >= n) break;
        if (text[j] === ">") {
          j++;
          ended = true;
          break;
        }
        if (text.startsWith("/>", j)) {
          j += 2;
          closed = ended = true;
          break;
        }
        const from = j;
        while (j < n && !endsName(text.charCodeAt(j))) j++;
        const attr = text.slice(from, j);
        while (j < n && isSpace(text.charCodeAt(j))) j++;
        const quote = text[j] === "=" ? text[(j = skipSpace(text, j + 1))] : "";
        if (!attr || (quote !== '"' && quote !== "'")) {
          malformed = true;
          // Past the tag's end: a stray `>` ends it.
          const gt = text.indexOf(">", j);
          j = gt < 0 ? n : gt + 1;
          ended = gt >= 0;
          break;
        }
        const end = text.indexOf(quote, j + 1);
        if (end < 0) {
          j = n;
          break;
        }
        if (element.attrs === NO_ATTRS) element.attrs = new Map();
        element.attrs.set(attr, decode(text.slice(j + 1, end)));
        j = end + 1;
      }
      if (!ended && !final) {
        keep(lt);
        return events;
      }
      if (malformed) this.bad = true;
      i = j;
      if (j >= n && !closed && text[n - 1] !== ">") break; // cut inside a tag
      if (open.length === 0 && element.name !== "Event") {
        // Not an event: skipped whole when it closes itself, else its content is skipped as text between events.
        continue;
      }
      // A malformed event's elements are not kept (only matched to their end tags).
      if (open.length && !this.bad) open[open.length - 1].children.push(element);
      if (closed) {
        if (open.length === 0) events.push(element);
        continue;
      }
      if (open.length === 0) this.eventStart = this.base + lt;
      open.push(element);
      if (open.length > MAX_OPEN) {
        // Nested past any event's depth: the event is dropped, and what follows read as the next events.
        open.length = 0;
        this.malformed++;
        this.bad = false;
      }
    }
    if (!final) {
      this.base += n;
      this.carry = "";
    }
    return events;
  }
}

function skipSpace(text: string, j: number): number {
  while (j < text.length && isSpace(text.charCodeAt(j))) j++;
  return j;
}
