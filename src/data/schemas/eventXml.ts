/**
 * `wevtutil qe <log> /f:xml` (or `/f:RenderedXml`) output: `<Event>` elements one after another, no root, as
 * Windows renders each record. Read into the element trees the EVTX reader builds from Binary XML
 * ({@link XmlElement}), so the same record → row path gives the same frame (evtx.ts, {@link recordsFrame}).
 *
 * One pass over the text, by index (no regular expression over the input): linear. Element nesting is capped
 * ({@link MAX_OPEN}); an `<Event>` that is cut or malformed is skipped and counted.
 */
import type { XmlElement } from "./evtxBinXml";

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

/** What {@link readEventXml} read: the events' elements, and how many `<Event>` elements were cut or malformed. */
export interface EventXmlRead {
  events: XmlElement[];
  malformed: number;
}

/** The top-level `<Event>` elements of the text, in order; anything between them (white space, declarations) skipped. */
export function readEventXml(text: string): EventXmlRead {
  const events: XmlElement[] = [];
  let malformed = 0;
  const open: XmlElement[] = [];
  let bad = false; // the current event is malformed: skipped to its end
  let i = 0;
  const n = text.length;
  const fail = () => {
    bad = true;
  };
  while (i < n) {
    const lt = text.indexOf("<", i);
    if (lt < 0) break;
    if (open.length && lt > i && !bad) open[open.length - 1].children.push(decode(text.slice(i, lt)));
    if (text.startsWith("<?", lt) || text.startsWith("<!--", lt) || text.startsWith("<![CDATA[", lt)) {
      const [close, skip] = text.startsWith("<?", lt) ? ["?>", 2] : text.startsWith("<!--", lt) ? ["-->", 3] : ["]]>", 3];
      const end = text.indexOf(close, lt);
      if (end < 0) break;
      if (close === "]]>" && open.length && !bad) open[open.length - 1].children.push(text.slice(lt + 9, end));
      i = end + skip;
      continue;
    }
    if (text[lt + 1] === "/") {
      // An end tag: closes the element open (a mismatch makes the event malformed).
      const gt = text.indexOf(">", lt);
      if (gt < 0) break;
      const name = text.slice(lt + 2, gt).trim();
      const top = open.pop();
      // Outside an event (a root such as wevtutil's `/e:Events`): nothing to close.
      if (top && top.name !== name) fail();
      if (open.length === 0 && top) {
        if (bad) malformed++;
        else events.push(top);
        bad = false;
      }
      i = gt + 1;
      continue;
    }
    // A start tag: its name, then attributes `name="value"` or `name='value'`, then `>` or `/>`.
    let j = lt + 1;
    while (j < n && !endsName(text.charCodeAt(j))) j++;
    const element: XmlElement = { name: text.slice(lt + 1, j), attrs: new Map(), children: [] };
    let closed = false;
    for (;;) {
      while (j < n && isSpace(text.charCodeAt(j))) j++;
      if (j >= n) break;
      if (text[j] === ">") {
        j++;
        break;
      }
      if (text.startsWith("/>", j)) {
        j += 2;
        closed = true;
        break;
      }
      const from = j;
      while (j < n && !endsName(text.charCodeAt(j))) j++;
      const attr = text.slice(from, j);
      while (j < n && isSpace(text.charCodeAt(j))) j++;
      const quote = text[j] === "=" ? text[(j = skipSpace(text, j + 1))] : "";
      if (!attr || (quote !== '"' && quote !== "'")) {
        fail();
        // Past the tag's end: a stray `>` ends it.
        const gt = text.indexOf(">", j);
        j = gt < 0 ? n : gt + 1;
        break;
      }
      const end = text.indexOf(quote, j + 1);
      if (end < 0) {
        j = n;
        break;
      }
      element.attrs.set(attr, decode(text.slice(j + 1, end)));
      j = end + 1;
    }
    i = j;
    if (j >= n && !closed && text[n - 1] !== ">") break; // cut inside a tag
    if (open.length === 0 && element.name !== "Event") {
      // Not an event: skipped whole when it closes itself, else its content is skipped as text between events.
      continue;
    }
    if (open.length) open[open.length - 1].children.push(element);
    if (closed) {
      if (open.length === 0) events.push(element);
      continue;
    }
    open.push(element);
    if (open.length > MAX_OPEN) {
      // Nested past any event's depth: the event is dropped, and what follows read as the next events.
      open.length = 0;
      malformed++;
      bad = false;
    }
  }
  // An event still open at the end: cut.
  if (open.length) malformed++;
  return { events, malformed };
}

function skipSpace(text: string, j: number): number {
  while (j < text.length && isSpace(text.charCodeAt(j))) j++;
  return j;
}
