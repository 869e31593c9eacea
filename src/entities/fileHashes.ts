/**
 * Sysmon's `Hashes` field (events 1, 6, 7, 15, 23, 26, 29: `SHA1=…,MD5=…,SHA256=…,IMPHASH=…`, the algorithms its
 * config's HashAlgorithms names) read into the hashes a File entity keeps. The text is attacker-controlled (a
 * renamed field, a forged event, junk of any length): each value is kept only when it is hex of its algorithm's
 * length, any other is counted as ignored; one linear scan of at most {@link MAX_HASHES_TEXT} characters.
 */

/** A file hash's algorithm, as MSTICPy's `Algorithm` names them (a FileHash entity's `Algorithm`). */
export type FileHashAlgorithm = "MD5" | "SHA1" | "SHA256" | "SHA256AC";

/** What {@link parseFileHashes} read from one `Hashes` text. */
export interface ParsedFileHashes {
  /** The well-formed file hashes, in the text's order, one per algorithm (the first of each). */
  hashes: { Algorithm: FileHashAlgorithm; Value: string }[];
  /**
   * The import hash (`IMPHASH=`): kept apart, not a FileHash, because it hashes a PE's import table, not the file:
   * many different files share one, so as a file's identity it would link them.
   */
  imphash?: string;
  /** How many values were ignored: not `ALGORITHM=hex`, hex of the wrong length, an algorithm Sysmon does not write, a second value of one algorithm, or the whole text when too long. */
  ignored: number;
}

/** Hex digits per algorithm (IMPHASH is an MD5 of the import table). */
const HEX_LENGTH: Record<string, number> = { MD5: 32, SHA1: 40, SHA256: 64, SHA256AC: 64, IMPHASH: 32 };

/**
 * The longest `Hashes` text read: Sysmon's longest (all four algorithms, `SHA1=…,MD5=…,SHA256=…,IMPHASH=…`) is 197
 * characters; room for spaces and case, and a longer text is junk, ignored whole (one value) without being scanned.
 */
export const MAX_HASHES_TEXT = 1024;

const HEX = /^[0-9A-Fa-f]+$/;

/**
 * The hashes of one `Hashes` text: `SHA256=3A…,MD5=9F…,IMPHASH=…` → SHA256 and MD5 as file hashes, the IMPHASH apart.
 * Values keep their case (Sysmon writes upper case; keys fold it). Empty text or Sysmon's `-` (hashing off) is no hashes
 * and nothing ignored.
 */
export function parseFileHashes(text: string): ParsedFileHashes {
  const out: ParsedFileHashes = { hashes: [], ignored: 0 };
  const trimmed = text.trim();
  if (trimmed === "" || trimmed === "-") return out;
  if (trimmed.length > MAX_HASHES_TEXT) {
    out.ignored = 1;
    return out;
  }
  for (const part of trimmed.split(",")) {
    const eq = part.indexOf("=");
    const algorithm = eq > 0 ? part.slice(0, eq).trim().toUpperCase() : "";
    const value = eq > 0 ? part.slice(eq + 1).trim() : "";
    const length = Object.hasOwn(HEX_LENGTH, algorithm) ? HEX_LENGTH[algorithm] : 0;
    if (length === 0 || value.length !== length || !HEX.test(value)) {
      // `a,,b`: an empty part between commas is no value, nothing to count.
      if (part.trim() !== "") out.ignored++;
      continue;
    }
    if (algorithm === "IMPHASH") {
      if (out.imphash === undefined) out.imphash = value;
      else if (out.imphash.toLowerCase() !== value.toLowerCase()) out.ignored++;
      continue;
    }
    const seen = out.hashes.find((h) => h.Algorithm === algorithm);
    if (!seen) out.hashes.push({ Algorithm: algorithm as FileHashAlgorithm, Value: value });
    else if (seen.Value.toLowerCase() !== value.toLowerCase()) out.ignored++;
  }
  return out;
}
