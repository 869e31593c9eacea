/**
 * File paths as logs write them (Sysmon's TargetFilename and Image, 4688's NewProcessName, auditd's exe…), cut
 * into the folder and the name a File entity keeps, and compared as the file systems compare them. Paths are
 * attacker-controlled text of any length: each function here is one linear scan (anchored regexes only), takes
 * any text and never throws.
 */

/** A path cut into folder and name: what {@link splitFilePath} gives. */
export interface FilePathParts {
  /** The folder: `C:\Windows`, `/tmp`, `\\srv\share`; a root keeps its separator (`C:\`, `/`). Undefined for a lone name. */
  Directory?: string;
  /** The last part of the path; undefined for a root or a share alone (`C:\`, `/`, `\\srv\share`). */
  Name?: string;
}

/**
 * True for a POSIX path: from one `/` (not `//` then a name: a UNC share written with slashes) and without a
 * backslash, as Linux writes them (auditd, osquery, Sysmon for Linux, Defender on Linux). Any other path (a drive,
 * a UNC share, a Win32 namespace path, a lone name) is read as Windows reads it, `/` and `\` alike.
 */
export function isPosixPath(path: string): boolean {
  return path.startsWith("/") && !/^\/\/[^/]/.test(path) && !path.includes("\\");
}

/**
 * A path's OS family and separator, as MSTICPy's File sets them from a path: a POSIX path ({@link isPosixPath}: from
 * `/`, no backslash) is `Linux` and `/`; any other is `Windows`, and `\\` unless written with `/` only (`C:/Temp/x`).
 * Where MSTICPy reads any `/` as Linux, a drive or UNC path written with slashes (`C:/x`, `//srv/share/x`) stays
 * Windows here, as the path is split and keyed. A relative path (`logs/a.txt`, `x.sh`) names no OS: `Windows`
 * (MSTICPy's default) unless `given` is `Linux` (then `/`). Undefined for no path.
 */
export function fileOsOf(path: string, given?: unknown): { OSFamily: string; PathSeparator: string } | undefined {
  if (path === "") return undefined;
  if (isPosixPath(path)) return { OSFamily: "Linux", PathSeparator: "/" };
  const slashOnly = path.includes("/") && !path.includes("\\");
  // No drive and no root: `tmp\\x`, `x.sh`, `logs/a.txt` (Linux or Windows alike).
  const relative = !/^[A-Za-z]:/.test(path) && path[0] !== "/" && path[0] !== "\\";
  if (relative && typeof given === "string" && given.toLowerCase() === "linux") return { OSFamily: "Linux", PathSeparator: "/" };
  return { OSFamily: "Windows", PathSeparator: slashOnly ? "/" : "\\" };
}

const isWindowsSeparator = (c: string | undefined): boolean => c === "\\" || c === "/";

/** The end of `count` path components from `start` (`server`, then `share`), each after one separator. */
function afterComponents(path: string, start: number, count: number): number {
  let i = start;
  for (let k = 0; k < count; k++) {
    if (k > 0) {
      if (!isWindowsSeparator(path[i])) break;
      i++;
    }
    while (i < path.length && !isWindowsSeparator(path[i])) i++;
  }
  return i;
}

/**
 * The length of a Windows path's root: a drive root with its separator (`C:\`), a Win32 namespace prefix and what
 * it names (`\\?\C:\`, `\??\C:\`, `\\?\UNC\srv\share`, `\\?\Volume{…}`, `\\.\pipe`), a UNC share (`\\srv\share`,
 * `//srv/share`) without its trailing separator, or the leading separators of a path from the current drive's
 * root (`\Windows`); 0 for a relative path (`dir\x`, a lone name, `C:x`).
 */
function windowsRootLength(path: string): number {
  const head = path.slice(0, 8).replaceAll("/", "\\").toUpperCase();
  const drive = (at: number): number => (/^[A-Za-z]:/.test(path.slice(at, at + 2)) ? at + 2 + (isWindowsSeparator(path[at + 2]) ? 1 : 0) : -1);
  if (head.startsWith("\\\\?\\") || head.startsWith("\\\\.\\") || head.startsWith("\\??\\")) {
    if (head === "\\\\?\\UNC\\") return afterComponents(path, 8, 2);
    const root = drive(4);
    return root >= 0 ? root : afterComponents(path, 4, 1);
  }
  if (isWindowsSeparator(path[0]) && isWindowsSeparator(path[1]) && path.length > 2 && !isWindowsSeparator(path[2])) return afterComponents(path, 2, 2);
  // A drive only with its separator: `C:x` is relative to drive C's current folder, kept whole as a name.
  if (/^[A-Za-z]:/.test(path) && isWindowsSeparator(path[2])) return 3;
  let i = 0;
  while (isWindowsSeparator(path[i])) i++;
  return i;
}

/**
 * `path` cut into folder and name, both as written: `C:\Users\Public\p.ps1` → `C:\Users\Public` and `p.ps1`;
 * `/tmp/x.sh` → `/tmp` and `x.sh`; `C:\x.exe` → `C:\` and `x.exe`; `\\srv\share\f.txt` → `\\srv\share` and
 * `f.txt`; `\\?\C:\Windows\x.dll` → `\\?\C:\Windows` and `x.dll`. A POSIX path ({@link isPosixPath}) is cut at
 * `/` only (a backslash is a character of a Linux name), any other at `\` or `/`. Separators at the end are dropped
 * (`C:\Temp\x\` is the folder `x` in `C:\Temp`), a root stays whole (`C:\`, `/`, `\\srv\share`: a folder without a
 * name), a lone name has no folder. Empty text gives neither.
 */
export function splitFilePath(path: string): FilePathParts {
  if (path === "") return {};
  const posix = isPosixPath(path);
  const isSeparator = posix ? (c: string | undefined) => c === "/" : isWindowsSeparator;
  let base = 0;
  if (posix) while (path[base] === "/") base++;
  else base = windowsRootLength(path);
  let end = path.length;
  while (end > base && isSeparator(path[end - 1])) end--;
  if (end <= base) return { Directory: path.slice(0, base) };
  let cut = end - 1;
  while (cut >= base && !isSeparator(path[cut])) cut--;
  const Name = path.slice(cut + 1, end);
  if (cut < base) return base > 0 ? { Directory: path.slice(0, base), Name } : { Name };
  // `C:\a\\b`: the folder without the doubled separator, down to the root.
  let folder = cut;
  while (folder > base && isSeparator(path[folder - 1])) folder--;
  return { Directory: path.slice(0, folder > base ? folder : base), Name };
}

/**
 * A Windows path (already case-folded, `\` for `/`) without its Win32 namespace prefix: `\\?\c:\x` and `\??\c:\x`
 * (Sysmon writes some images so: `\\?\C:\Windows\system32\conhost.exe`) are `c:\x`, `\\?\unc\srv\share` is
 * `\\srv\share`: the same file, one identity.
 */
export function withoutNamespacePrefix(folded: string): string {
  if (folded.startsWith("\\\\?\\unc\\")) return `\\\\${folded.slice(8)}`;
  return /^(?:\\\\[?.]\\|\\\?\?\\)[a-z]:/.test(folded) ? folded.slice(4) : folded;
}
