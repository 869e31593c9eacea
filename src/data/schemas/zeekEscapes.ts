/**
 * Zeek's ASCII writer writes a value's bytes as they are, except the ones
 * that would break the line or be mistaken for markup: bytes that are not
 * printable ASCII (a tab, a newline, and every non-ASCII byte unless
 * `LogAscii::enable_utf_8` lets valid UTF-8 through), the backslash, the
 * separator, inside sets and vectors the set separator, and a whole value
 * equal to the unset marker. Each is written `\xNN` (two hex digits):
 * `a\x09b` is `a<tab>b`, `\x2d` a value that is `-`, not unset.
 *
 * Decoding gives back the value's bytes, read as UTF-8. Zeek logs bytes, not
 * text (a URI may hold Latin-1 or random bytes): a byte that is not part of
 * valid UTF-8 stays visible as `\xNN`, as Zeek wrote it, rather than becoming
 * U+FFFD. Other backslash sequences are kept as they are (Zeek writes none).
 */

const ESCAPE = /\\x([0-9a-fA-F]{2})/g;

const FATAL = new TextDecoder("utf-8", { fatal: true });

/** The length of the valid UTF-8 sequence at `bytes[i]` (1–4), or 0 when there is none (Unicode's table of well-formed sequences: no overlong forms, no surrogates). */
function sequenceLength(bytes: Uint8Array, i: number): number {
  const b = bytes[i];
  if (b < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf) => i + k < bytes.length && bytes[i + k] >= lo && bytes[i + k] <= hi;
  if (b >= 0xc2 && b <= 0xdf) return cont(1) ? 2 : 0;
  if (b >= 0xe0 && b <= 0xef) {
    const [lo, hi] = b === 0xe0 ? [0xa0, 0xbf] : b === 0xed ? [0x80, 0x9f] : [0x80, 0xbf];
    return cont(1, lo, hi) && cont(2) ? 3 : 0;
  }
  if (b >= 0xf0 && b <= 0xf4) {
    const [lo, hi] = b === 0xf0 ? [0x90, 0xbf] : b === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
    return cont(1, lo, hi) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

const hex = (b: number) => `\\x${b.toString(16).padStart(2, "0")}`;

/** Bytes as UTF-8 text, each byte outside a valid sequence written `\xNN` (one pass). */
function utf8KeepingInvalid(bytes: Uint8Array): string {
  try {
    return FATAL.decode(bytes);
  } catch {
    // Some byte is not UTF-8: decoded sequence by sequence below.
  }
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let out = "";
  let start = 0;
  for (let i = 0; i < buf.length; ) {
    const n = sequenceLength(buf, i);
    if (n > 0) {
      i += n;
      continue;
    }
    out += buf.toString("utf8", start, i) + hex(buf[i]);
    i += 1;
    start = i;
  }
  return out + buf.toString("utf8", start);
}

/**
 * A value of a Zeek ASCII log with its `\xNN` escapes decoded (see the module
 * comment). `keep` is a byte left escaped: a set's separator inside one of
 * its elements (`\x2c`), which decoded would split the element in two.
 */
export function decodeZeekEscapes(value: string, keep?: number): string {
  if (!value.includes("\\x")) return value;
  const parts: Buffer[] = [];
  let last = 0;
  for (const m of value.matchAll(ESCAPE)) {
    const byte = parseInt(m[1], 16);
    if (byte === keep) continue;
    parts.push(Buffer.from(value.slice(last, m.index), "utf8"), Buffer.of(byte));
    last = m.index + m[0].length;
  }
  if (!parts.length) return value;
  parts.push(Buffer.from(value.slice(last), "utf8"));
  return utf8KeepingInvalid(Buffer.concat(parts));
}

/**
 * A set or vector value (elements joined by `separator`) with each element's
 * escapes decoded, except the separator's own, so that the text still splits
 * into its elements: `a\x2cb,c` (the elements `a,b` and `c`) stays so.
 */
export function decodeZeekSet(value: string, separator: string): string {
  const keep = separator.length === 1 && separator.charCodeAt(0) < 0x80 ? separator.charCodeAt(0) : undefined;
  return decodeZeekEscapes(value, keep);
}
