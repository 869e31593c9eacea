/**
 * File types recognised by their leading bytes ("magic numbers"), under
 * MSTICPy's names where it has one (exe, dll, sys, zip, gz, 7z, rar, pdf, msi,
 * wim, tar).
 */

/**
 * A recognised file type; `null` elsewhere means unknown. `zlib` and `deflate`
 * (bare compressed streams) are never found by header here: base64 unpacking
 * names what it inflated so.
 */
export type FileType = "exe" | "dll" | "sys" | "zip" | "gz" | "tar" | "7z" | "rar" | "pdf" | "msi" | "wim" | "elf" | "cab" | "bz2" | "xz" | "zlib" | "deflate";

/** Archive types whose members are unpacked. */
export const ARCHIVE_TYPES: ReadonlySet<FileType> = new Set<FileType>(["zip", "gz", "tar"]);

function startsWith(bytes: Uint8Array, magic: readonly number[], offset = 0): boolean {
  if (bytes.length < offset + magic.length) return false;
  for (let i = 0; i < magic.length; i++) if (bytes[offset + i] !== magic[i]) return false;
  return true;
}

const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));

const MAGIC: ReadonlyArray<[FileType, number[]]> = [
  ["zip", [0x50, 0x4b, 0x03, 0x04]],
  ["zip", [0x50, 0x4b, 0x05, 0x06]], // empty archive
  ["gz", [0x1f, 0x8b, 0x08]],
  ["7z", [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]],
  ["rar", ascii("Rar!\x1a\x07")],
  ["pdf", ascii("%PDF-")],
  ["msi", [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]], // OLE compound file (msi, doc, xls)
  ["wim", ascii("MSWIM\0\0\0")],
  ["elf", [0x7f, 0x45, 0x4c, 0x46]],
  ["cab", ascii("MSCF\0\0\0\0")],
  ["bz2", ascii("BZh")],
  ["xz", [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
];

/**
 * A PE image (`MZ`, then `PE\0\0` where the DOS header points): `dll` when its
 * characteristics say so, `sys` for a native-subsystem driver, else `exe`. An
 * `MZ` header without a readable PE header is still called `exe`.
 */
function peType(bytes: Uint8Array): FileType {
  if (bytes.length < 0x40) return "exe";
  const lfanew = bytes[0x3c] | (bytes[0x3d] << 8) | (bytes[0x3e] << 16) | (bytes[0x3f] << 24);
  if (lfanew < 0 || lfanew + 24 > bytes.length || !startsWith(bytes, [0x50, 0x45, 0, 0], lfanew)) return "exe";
  const characteristics = bytes[lfanew + 22] | (bytes[lfanew + 23] << 8);
  if (characteristics & 0x2000) return "dll";
  const optional = lfanew + 24;
  if (optional + 70 <= bytes.length) {
    const subsystem = bytes[optional + 68] | (bytes[optional + 69] << 8);
    if (subsystem === 1) return "sys";
  }
  return "exe";
}

/** The type of a file from its first bytes, or null. */
export function detectFileType(bytes: Uint8Array): FileType | null {
  if (startsWith(bytes, [0x4d, 0x5a])) return peType(bytes);
  for (const [type, magic] of MAGIC) if (startsWith(bytes, magic)) return type;
  // POSIX and GNU tar: "ustar" at offset 257.
  if (startsWith(bytes, ascii("ustar"), 257)) return "tar";
  return null;
}
