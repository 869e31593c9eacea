/**
 * The data sources under the data paths: every data file, and every folder of
 * Parquet files that forms one dataset (hive-partitioned, `…/date=2026-11-01/
 * part-0.parquet`, or Spark's `events.parquet/part-*.parquet`). The index finds
 * the source a query names (by file name, then by stem across formats) and
 * serves a source only when its real path is inside a data path.
 */
import fs from "node:fs";
import path from "node:path";
import { closestNames } from "../common/errors";
import { printWarning } from "../common/messages";
import { cellRun } from "../common/kernel";
import { fileKind, linkTarget } from "../common/regularFile";
import { DataFileError, dataMessages as msg } from "./messages";
import { compressionOf, innerName } from "./compressed";
import { checkDataFile, dataFormat, foreignFileError, foreignFormat, isWevtutilTextFile, logFormat, type DataFormat, xmlForm } from "./readers";
import { compareText } from "../common/textOrder";

/** The family of data files at the top of a data path. */
export const TOP_FAMILY = "LocalData";

/** Deepest folder nesting searched for a dataset's Parquet files (hive layouts go a few keys deep). */
const MAX_DATASET_DEPTH = 16;

interface SourceBase {
  /** The path as found (a link is not resolved). */
  path: string;
  /** The file or folder name. */
  name: string;
  /** The name without its extension: the query name of the source. */
  stem: string;
  /** The data path it was found under, and its position in `dataPaths`. */
  root: string;
  rootIndex: number;
  /** Folders between the data path and the source (empty at the top). */
  folders: string[];
}

/** One data file huntlab reads. */
export interface FileSource extends SourceBase {
  kind: "file";
  format: DataFormat;
}

/** A folder of Parquet files read as one (lazily scanned) dataset. */
export interface DatasetSource extends SourceBase {
  kind: "dataset";
  format: "parquet";
  /** Hive partition keys in the folder names (`date` for `date=2026-11-01`), outermost first. */
  partitionKeys: string[];
  /** The Parquet files, relative to the folder. */
  files: string[];
}

/** A file in a format huntlab recognises but cannot read (pickle, Excel…): reading it explains how to convert it. */
export interface ForeignSource extends SourceBase {
  kind: "foreign";
}

export type DataSource = FileSource | DatasetSource | ForeignSource;

/** True when `file` is `root` or inside it (both real, absolute paths). */
function isInside(file: string, root: string): boolean {
  const relative = path.relative(root, file);
  return relative === "" || (!relative.startsWith("..") && !path.isAbsolute(relative));
}


const HIVE_DIR = /^[^=]+=.*$/;
const isParquet = (name: string) => dataFormat(name) === "parquet" && !compressionOf(name);
const visible = (name: string) => !name.startsWith(".") && !name.startsWith("_") && name !== "node_modules";

/** A folder's entries, sorted by name, or undefined (with a warning) when it cannot be read. */
type Lister = (dir: string) => fs.Dirent[] | undefined;

/** The Parquet files under `dir` (relative, sorted) and the hive keys of the folders on the way; undefined if a non-Parquet data file is there too. */
function parquetTree(dir: string, list: Lister): { files: string[]; keys: string[] } | undefined {
  const files: string[] = [];
  const keys: string[] = [];
  let mixed = false;
  const walk = (sub: string, depth: number) => {
    if (depth > MAX_DATASET_DEPTH || mixed) return;
    for (const entry of list(path.join(dir, sub)) ?? []) {
      if (!visible(entry.name)) continue;
      const rel = sub ? path.join(sub, entry.name) : entry.name;
      if (entry.isDirectory()) {
        const key = HIVE_DIR.test(entry.name) ? entry.name.slice(0, entry.name.indexOf("=")) : undefined;
        if (key !== undefined && !keys.includes(key)) keys.push(key);
        walk(rel, depth + 1);
      } else if (isParquet(entry.name)) files.push(rel);
      else if (dataFormat(entry.name) || foreignFormat(entry.name)) mixed = true;
    }
  };
  walk("", 0);
  return mixed ? undefined : { files, keys };
}

/**
 * A folder is one dataset when it holds Parquet files only and either has
 * hive-partition folders (`key=value`), is named `*.parquet` (Spark), or holds
 * only `part-…` files.
 */
function datasetOf(dir: string, list: Lister): { files: string[]; keys: string[] } | undefined {
  const entries = (list(dir) ?? []).filter((e) => visible(e.name));
  const hive = entries.some((e) => e.isDirectory() && HIVE_DIR.test(e.name));
  const sparkName = isParquet(path.basename(dir));
  const parts = entries.length > 0 && entries.every((e) => !e.isDirectory() && isParquet(e.name) && /^part[-_.]/i.test(e.name));
  if (!hive && !sparkName && !parts) return undefined;
  const tree = parquetTree(dir, list);
  return tree && tree.files.length ? tree : undefined;
}

/** The name of a source without its extension (a data or foreign one), and a compressed data file's without both (`conn` of `conn.log.gz`). */
export function stemOf(name: string): string {
  const inner = compressionOf(name) && (dataFormat(name) || foreignFormat(innerName(name))) ? innerName(name) : name;
  const ext = path.extname(inner);
  return ext && (dataFormat(inner) || foreignFormat(inner)) ? inner.slice(0, -ext.length) : inner;
}

/** What a folder entry is, links followed: a file, a folder, or undefined (skipped, with a warning naming it). */
function entryKind(p: string, warn: (message: string) => void): "file" | "folder" | undefined {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(p);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    const target = fs.lstatSync(p, { throwIfNoEntry: false })?.isSymbolicLink() ? linkTarget(p) : undefined;
    // The same words as a broken link in the query folders (queryStore's findQueryFiles).
    warn(target !== undefined ? `${p}: skipped, a broken symbolic link (its target ${target} cannot be read)` : `${p}: skipped, it cannot be read (${code})`);
    return undefined;
  }
  if (stat.isFile()) return "file";
  if (stat.isDirectory()) return "folder";
  // A FIFO would block the read (sniffing a `.log` waits for a writer); a socket or device is no data file.
  warn(`${p}: skipped, it is ${fileKind(stat)}, not a regular file or folder`);
  return undefined;
}

/** Finds the data sources under one data path; what cannot be read is skipped with a warning naming it. */
function discover(root: string, rootIndex: number, warn: (message: string) => void): DataSource[] {
  const found: DataSource[] = [];
  const listed = new Map<string, fs.Dirent[] | undefined>();
  // Each folder is listed once (datasetOf and parquetTree look at the same folders), and warned about once.
  const list: Lister = (dir) => {
    if (!listed.has(dir)) {
      try {
        listed.set(dir, fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => compareText(a.name, b.name)));
      } catch (err) {
        warn(`${dir}: skipped, the folder cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
        listed.set(dir, undefined);
      }
    }
    return listed.get(dir);
  };
  const base = (p: string, folders: string[]): SourceBase => ({ path: p, name: path.basename(p), stem: stemOf(path.basename(p)), root, rootIndex, folders });
  const add = (p: string, name: string, folders: string[]) => {
    const format = dataFormat(name);
    // A `.log` is a source only when it is a Zeek log (ASCII or JSON), not an application's text log.
    if (format === "log" && !logFormat(p)) return;
    // A `.txt` only when it is wevtutil's text output (`wevtutil qe <log> /f:text`) or tab-delimited text (Event Viewer's, Excel's), not any text file.
    if (format === "txt" && !isWevtutilTextFile(p, true)) return;
    // An `.xml` only when it is wevtutil's XML output (`wevtutil qe <log> /f:xml`) or syslog lines of Sysmon's <Event> XML, not any XML file.
    if (format === "xml" && !xmlForm(p)) return;
    if (format) found.push({ ...base(p, folders), kind: "file", format });
    else if (foreignFileError(name)) found.push({ ...base(p, folders), kind: "foreign" });
  };
  const addDataset = (dir: string, folders: string[], tree: { files: string[]; keys: string[] }) =>
    found.push({ ...base(dir, folders), kind: "dataset", format: "parquet", partitionKeys: tree.keys, files: tree.files });
  // Real paths of the folders walked: a link back up (`sub/up -> ..`) is walked once, not until ELOOP.
  const realRoot = fs.realpathSync(root);
  const visited = new Set<string>([realRoot]);
  /** Whether to go into the folder `dir` (a link to a folder is followed once, and only inside the data path). */
  const enter = (dir: string): boolean => {
    let real: string;
    try {
      real = fs.realpathSync(dir);
    } catch (err) {
      warn(`${dir}: skipped, the folder cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
      return false;
    }
    if (!isInside(real, realRoot)) {
      warn(`${dir}: skipped, a symbolic link to ${real}, a folder outside the data path ${root}`);
      return false;
    }
    if (visited.has(real)) return false;
    visited.add(real);
    return true;
  };
  // Links to folders are walked after every real folder, so a folder is found at its own path, not a link's.
  const linked: [string, string[]][] = [];
  const folder = (full: string, folders: string[]) => {
    if (!enter(full)) return;
    const tree = datasetOf(full, list);
    if (tree) addDataset(full, folders, tree);
    else walk(full, [...folders, path.basename(full)]);
  };
  const walk = (dir: string, folders: string[]) => {
    for (const entry of list(dir) ?? []) {
      if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
      const full = path.join(dir, entry.name);
      const kind = entryKind(full, warn);
      if (kind === "folder" && entry.isSymbolicLink()) linked.push([full, folders]);
      else if (kind === "folder") folder(full, folders);
      else if (kind === "file") add(full, entry.name, folders);
    }
  };
  // A data path that is a file is checked as a folder's entries are: a FIFO given as a data path hung the sniffing of a `.log`.
  const rootKind = entryKind(root, warn);
  if (rootKind === undefined) return found;
  if (rootKind === "file") {
    add(root, path.basename(root), []);
    return found;
  }
  const tree = datasetOf(root, list);
  if (tree) addDataset(root, [], tree);
  else walk(root, []);
  for (let i = 0; i < linked.length; i++) folder(...linked[i]);
  return found;
}

/**
 * A file name as it is looked up: lower case, and in one Unicode form (NFC): macOS and zip files write `Ä` as
 * `A` + a combining mark (NFD), which a name typed in a notebook (NFC) never matched.
 */
export function nameKey(name: string): string {
  return name.normalize("NFC").toLowerCase();
}

/** Sources without the compressed ones whose uncompressed file (`x.csv` of `x.csv.gz`) is in the same folder among them. */
function withoutCompressedTwins(sources: DataSource[]): DataSource[] {
  const plain = new Set(sources.filter((s) => !compressionOf(s.name)).map((s) => nameKey(s.path)));
  return sources.filter((s) => !compressionOf(s.name) || !plain.has(nameKey(path.join(path.dirname(s.path), innerName(s.name)))));
}

/** A name → sources map (keys: {@link nameKey}). */
function group(sources: DataSource[], key: (s: DataSource) => string): Map<string, DataSource[]> {
  const map = new Map<string, DataSource[]>();
  for (const s of sources) {
    const k = nameKey(key(s));
    map.set(k, [...(map.get(k) ?? []), s]);
  }
  return map;
}

/** How many file warnings a provider remembers ({@link DataFileIndex.warnOncePerFile}). */
const MAX_FILE_WARNINGS = 10_000;

/**
 * Indexes the data sources under the data paths. A source is served only when
 * its real path (links resolved) is inside the real path of a data path.
 */
export class DataFileIndex {
  private found?: DataSource[];
  private byName?: Map<string, DataSource[]>;
  private byStem?: Map<string, DataSource[]>;
  private realRoots?: string[];
  private readonly warn: (message: string) => void;

  /** `options.warn` is told of each entry of the data paths skipped (a broken link, an unreadable folder, a FIFO…); default: printed as `Warning: …`. */
  constructor(readonly dataPaths: string[], options: { warn?: (message: string) => void } = {}) {
    this.warn = options.warn ?? printWarning;
    const missing = dataPaths.filter((p) => !fs.existsSync(p));
    if (missing.length) {
      throw new DataFileError(msg.pathsMissing(missing.map((p) => path.resolve(p)), missing.some((p) => !path.isAbsolute(p)) ? process.cwd() : undefined));
    }
  }

  /** Every source, data path by data path, in a stable order. Found on first use. */
  sources(): DataSource[] {
    if (!this.found) {
      this.found = this.dataPaths.flatMap((p, i) => discover(p, i, this.warn));
      this.byName = group(this.found, (s) => s.name);
      this.byStem = group(this.found, (s) => s.stem);
    }
    return this.found;
  }

  /** Forgets the listing: the next use lists the data paths again. */
  private relist(): void {
    this.found = undefined;
    this.byName = undefined;
    this.byStem = undefined;
  }

  /** All indexed file (and dataset folder) names, lower-cased. */
  names(): string[] {
    this.sources();
    return [...(this.byName as Map<string, DataSource[]>).keys()];
  }

  /**
   * The real path of `file` (links resolved) when it is inside a data path;
   * otherwise an error naming the link and its target. Checked at each read,
   * so a link changed after indexing is caught too; the real path is what is
   * read, not the link.
   */
  private contained(file: string, context: string): string {
    let real: string;
    try {
      real = fs.realpathSync(file);
    } catch (err) {
      const target = linkTarget(file);
      throw new DataFileError(msg.fileUnreadable(context, file, target, (err as NodeJS.ErrnoException).code ?? (err as Error).message));
    }
    this.realRoots ??= this.dataPaths.map((p) => fs.realpathSync(p));
    if (this.realRoots.some((root) => isInside(real, root))) return real;
    throw new DataFileError(msg.linkOutside(context, file, real, this.realRoots));
  }

  /**
   * `source` ready to read: its real path checked (every Parquet file of a
   * dataset too). A foreign-format file throws its conversion hint.
   */
  checked<S extends DataSource>(source: S, context: string): S & { real: string } {
    const real = this.contained(source.path, context);
    if (source.kind === "foreign") {
      const foreign = foreignFileError(source.path);
      if (foreign) throw foreign;
    }
    if (source.kind === "dataset") for (const f of source.files) this.contained(path.join(source.path, f), context);
    return { ...source, real };
  }

  /**
   * The source a query names, or undefined. Exact names first, then the same
   * stem in another format (MSTICPy's `host_logons.pkl` finds `host_logons.csv`);
   * readable formats before foreign ones; the last data path that has a match
   * wins. Two matches in one data path are ambiguous: an error names them.
   */
  find(name: string, context: string): DataSource | undefined {
    this.sources();
    // Windows separators and a leading `./` as written in query files copied from elsewhere (`a\x.csv`, `./a/x.csv`).
    const wanted = nameKey(name.replace(/\\/g, "/").replace(/^(\.\/)+/, ""));
    const key = path.posix.basename(wanted);
    const stem = stemOf(key);
    const exact = this.byName?.get(key) ?? [];
    const sameStem = this.byStem?.get(stem) ?? [];
    // A name with folders (`mde/x.csv`) matches only sources at that relative path.
    const where = (list: DataSource[]) =>
      wanted.includes("/") ? list.filter((s) => { const rel = nameKey(path.relative(s.root, s.path).split(path.sep).join("/")); return rel === wanted || rel.endsWith(`/${wanted}`) || stemOf(rel) === stemOf(wanted); }) : list;
    const readable = (list: DataSource[]) => where(list).filter((s) => s.kind !== "foreign");
    const foreign = (list: DataSource[]) => where(list).filter((s) => s.kind === "foreign");
    for (const list of [readable(exact), readable(sameStem), foreign(exact), foreign(sameStem)]) {
      if (!list.length) continue;
      const last = Math.max(...list.map((s) => s.rootIndex));
      // `x.csv` and its compressed copy `x.csv.gz` side by side are one file, not two: the uncompressed one is read.
      const inLast = withoutCompressedTwins(list.filter((s) => s.rootIndex === last));
      if (inLast.length > 1) {
        throw new DataFileError(msg.ambiguousFile(context, name, path.resolve(this.dataPaths[last]), inLast.map((s) => path.relative(s.root, s.path) || s.name)));
      }
      this.warnCompressedTwin(inLast[0]);
      return inLast[0];
    }
    return undefined;
  }

  /** Warnings said about a file: its real path, size, modification time, the notebook cell execution and the text (see {@link warnOncePerFile}). */
  private readonly fileWarnings = new Set<string>();

  /**
   * `warn` saying each text once per provider for the file at `real` while it is unchanged: the lab's several queries of
   * one Security export (logons, failures, processes) read it each, and its reader's and mapping's warnings about it
   * (rows no query maps, Messages not read, slash dates) would repeat once per query. A changed file (another size or
   * modification time) is warned about again, and so is a query whose warning differs (another window's counts). A file
   * that cannot be stat'ed is not remembered. In a notebook kernel (tslab or Deno), "once" is once per cell execution ({@link cellRun}): a cell run
   * again, or another cell querying the file, says them again (the replaced output held them, another cell's may be far
   * away or cleared); the queries of one cell say each once.
   */
  warnOncePerFile(real: string, warn: (message: string) => void): (message: string) => void {
    let id: string | undefined;
    try {
      const st = fs.statSync(real);
      id = `${real}\0${st.size}\0${st.mtimeMs}\0`;
    } catch {
      id = undefined;
    }
    return (message) => {
      if (id !== undefined) {
        // In a kernel, once per cell execution: a cell run again replaces its output, which held the warnings.
        const key = `${id}${cellRun() ?? ""}\0${message}`;
        if (this.fileWarnings.has(key)) return;
        // Bounded: a long session of changing files forgets the oldest warnings (said again at worst).
        if (this.fileWarnings.size >= MAX_FILE_WARNINGS) this.fileWarnings.delete(this.fileWarnings.values().next().value as string);
        this.fileWarnings.add(key);
      }
      warn(message);
    };
  }

  /** Compressed twins already warned about (once per provider). */
  private readonly twinsWarned = new Set<string>();

  /** Warns, once, that an uncompressed source has a compressed copy beside it (`x.csv.gz`), which is not read. */
  private warnCompressedTwin(source: DataSource): void {
    if (compressionOf(source.name)) return;
    for (const twin of this.sources()) {
      if (!compressionOf(twin.name) || path.dirname(twin.path) !== path.dirname(source.path) || nameKey(innerName(twin.name)) !== nameKey(source.name)) continue;
      if (this.twinsWarned.has(twin.path)) continue;
      this.twinsWarned.add(twin.path);
      this.warn(`${source.path} is read; ${twin.name} beside it is not (the uncompressed file wins: remove one of them if they differ)`);
    }
  }

  /** {@link find}, or an error naming the file, the data paths and the closest names. */
  resolveSource(name: string, context: string): DataSource & { real: string } {
    let found = this.find(name, context);
    // Files come and go while a provider lives (its cell ran once; an export was added, renamed or removed since):
    // a name not in the index, or gone from disk, is looked for again in a fresh listing before it is an error.
    // It was "not found in <folder>" for a file that was there, or a stale path's ENOENT.
    if (!found || !fs.existsSync(found.path)) {
      const listed = found;
      this.relist();
      // A link broken since (still there, its target gone) is kept: its read names the link and its target.
      found = this.find(name, context) ?? (listed && fs.lstatSync(listed.path, { throwIfNoEntry: false }) ? listed : undefined);
    }
    if (found) return this.checked(found, context);
    // A data file's name not indexed but there (a folder such as Spark's `x.csv/`, a broken link, a FIFO): said so,
    // as readDataFile says it. Other names (a family folder, "") keep the not-found error with close names.
    if (dataFormat(name) || foreignFormat(name)) {
      for (const root of [...this.dataPaths].reverse()) {
        const at = path.resolve(root, name);
        let there = false;
        try {
          there = isInside(at, path.resolve(root)) && fs.lstatSync(at, { throwIfNoEntry: false }) !== undefined;
        } catch {
          // ENOTDIR, ENAMETOOLONG…: not there
        }
        if (there) checkDataFile(at, context);
      }
    }
    const close = closestNames(nameKey(path.basename(name)), this.names());
    throw new DataFileError(msg.fileNotFound(context, name, this.dataPaths.map((p) => path.resolve(p)), close));
  }

  /** The real path of the data file (or dataset folder) a query names; errors as {@link resolveSource}. */
  resolve(name: string, context: string): string {
    return this.resolveSource(name, context).real;
  }

  /** The source found at `file` (as indexed), or undefined. */
  sourceAt(file: string): DataSource | undefined {
    return this.sources().find((s) => s.path === file);
  }
}
