/**
 * The shape of a JSON array of records that polars' reader refused: whether the text ends inside it (a file cut
 * while written or copied: polars names only a character position), how many of its elements are complete records,
 * and which are no record (`[{"a": 1}, 3]`: polars says `error deserializing value "Static(U64(3))" as struct`).
 *
 * Only brackets, commas and strings are followed (one pass, no recursion, no JSON value built): linear in the text
 * and bounded in memory on any nesting. Text that is no valid JSON is passed over: polars says what is wrong with it.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const isSpace = (b: number) => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;

/** An element of the array that is no record. */
export interface NonRecord {
  /** Its index in the array, from 0. */
  index: number;
  /** Its byte offset in the text scanned. */
  offset: number;
  /** Its first character (`3`, `"`, `n`, `[`…): what kind of value it is. */
  first: string;
}

/** What {@link scanJsonArray} found. */
export interface JsonArrayScan {
  /** False when the text ends inside the array, or inside a string in it: it was cut. */
  closed: boolean;
  /** Complete elements that are records (objects), up to the array's end or the cut. */
  records: number;
  /** Complete elements that are no record (numbers, strings, booleans, null, arrays). */
  nonRecords: number;
  /** The first of them, when there is one. */
  firstNonRecord?: NonRecord;
  /** With `recordsOnly` and at least one non-record in a closed array: the array written again with its records only. */
  recordsOnly?: Buffer;
}

/** Options of {@link scanJsonArray}. */
export interface ScanOptions {
  /** Write the array again without its non-records ({@link JsonArrayScan.recordsOnly}). Default false. */
  recordsOnly?: boolean;
}

/** Scans the JSON array that opens at the first non-space byte of `text` from `from` (after a byte-order mark). */
export function scanJsonArray(text: Buffer, from = 0, options: ScanOptions = {}): JsonArrayScan {
  let i = from;
  while (i < text.length && isSpace(text[i])) i++;
  const result: JsonArrayScan = { closed: false, records: 0, nonRecords: 0 };
  if (text[i] !== OPEN_ARRAY) return { ...result, closed: true };
  // Kept records' byte ranges are copied as found (no list of ranges: an array of millions of numbers is bounded too).
  const out: Buffer[] | undefined = options.recordsOnly ? [Buffer.from("[")] : undefined;
  let depth = 1;
  let index = 0;
  let elementStart = -1;
  const endElement = (end: number) => {
    const first = text[elementStart];
    if (first === OPEN_OBJECT) {
      if (out) out.push(Buffer.from(result.records ? "," : ""), text.subarray(elementStart, end));
      result.records++;
    } else {
      result.nonRecords++;
      result.firstNonRecord ??= { index, offset: elementStart, first: String.fromCharCode(first) };
    }
    index++;
    elementStart = -1;
  };
  for (i++; i < text.length; i++) {
    const b = text[i];
    if (b === QUOTE) {
      if (depth === 1 && elementStart < 0) elementStart = i;
      const end = stringEnd(text, i + 1);
      // A string the text ends inside: the file was cut there.
      if (end < 0) return done(result, false, out);
      i = end;
      if (depth === 1) endElement(i + 1);
    } else if (b === OPEN_ARRAY || b === OPEN_OBJECT) {
      if (depth === 1 && elementStart < 0) elementStart = i;
      depth++;
    } else if (b === CLOSE_ARRAY || b === CLOSE_OBJECT) {
      depth--;
      if (depth === 0) {
        if (elementStart >= 0) endElement(i);
        return done(result, true, out);
      }
      if (depth === 1 && elementStart >= 0) endElement(i + 1);
    } else if (depth === 1 && !isSpace(b)) {
      // A comma, or a number, true, false or null (ends at the next comma, space or bracket).
      if (b === COMMA) {
        if (elementStart >= 0) endElement(i);
      } else if (elementStart < 0) elementStart = i;
    } else if (depth === 1 && elementStart >= 0 && text[elementStart] !== OPEN_OBJECT && text[elementStart] !== OPEN_ARRAY) {
      // The space after a plain value.
      endElement(i);
    }
  }
  return done(result, false, out);
}

function done(result: JsonArrayScan, closed: boolean, out: Buffer[] | undefined): JsonArrayScan {
  result.closed = closed;
  if (out && closed && result.nonRecords) result.recordsOnly = Buffer.concat([...out, Buffer.from("]")]);
  return result;
}

/** The offset of the quote closing a string whose text starts at `at`, or -1 when the text ends inside it. */
function stringEnd(text: Buffer, at: number): number {
  for (let q = text.indexOf(QUOTE, at); q >= 0; q = text.indexOf(QUOTE, q + 1)) {
    // Escaped when an odd number of backslashes stand before it.
    let k = q - 1;
    while (k >= at && text[k] === BACKSLASH) k--;
    if ((q - 1 - k) % 2 === 0) return q;
  }
  return -1;
}
