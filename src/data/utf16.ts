/**
 * UTF-16 text files as Windows PowerShell 5.1 writes them (`>`, `Out-File`, `Export-Csv -Encoding Unicode`: UTF-16 LE
 * with a byte-order mark): copied as UTF-8 for polars, which reads UTF-8 only.
 */
import fs from "node:fs";

/** The encodings a byte-order mark names. */
export type Utf16Encoding = "UTF-16LE" | "UTF-16BE";

/** Bytes read at a time: an even number, so a chunk never splits a code unit (the decoder carries a split pair). */
const CHUNK = 1 << 20;

/**
 * Writes `file` (UTF-16 with its byte-order mark) to `copy` as UTF-8 without the mark, streaming. Returns undefined, or
 * what is wrong (a lone surrogate, an odd byte at the end) for the caller's error.
 */
export function transcodeUtf16(file: string, copy: string, encoding: Utf16Encoding): string | undefined {
  const decoder = new TextDecoder(encoding === "UTF-16LE" ? "utf-16le" : "utf-16be", { fatal: true });
  const input = fs.openSync(file, "r");
  const output = fs.openSync(copy, "w");
  try {
    const buffer = Buffer.alloc(CHUNK);
    let at = 0;
    for (;;) {
      const n = fs.readSync(input, buffer, 0, CHUNK, null);
      let text: string;
      try {
        text = n > 0 ? decoder.decode(buffer.subarray(0, n), { stream: true }) : decoder.decode();
      } catch {
        return `${encoding} text that does not decode (a half of a surrogate pair, or an odd last byte, in the ${n > 0 ? `bytes from ${at}` : "last bytes"})`;
      }
      if (text) fs.writeSync(output, text);
      if (n === 0) return undefined;
      at += n;
    }
  } finally {
    fs.closeSync(input);
    fs.closeSync(output);
  }
}
