/**
 * DataFrame → File entities: one `File` per file-creation row (Sysmon 11 and its kin), with the host it is on and
 * the process that created it, as MSTICPy's entities are built from event rows. Rows are log data: a path, host,
 * account or id of any form or length makes an entity (or leaves its property unset), never an error.
 */
import pl from "nodejs-polars";
import { findOptionProblem, optionTypeText, type OptionTypesOf } from "../common/options";
import { unknownOptionText } from "../common/errors";
import { setOwnProperty } from "../common/json";
import { columnNames, columnOf, exactValues, frameHeight, isDataFrame } from "../common/frames";
import { notAFrameText } from "../common/notAFrame";
import { printWarning } from "../common/messages";
import { firstText, parseEntityTime } from "./entity";
import { EntityParseError, entitiesMessages as msg, ignoredFileHashesWarning } from "./messages";
import { parseFileHashes } from "./fileHashes";
import { Account, File, FileHash, Host, Process } from "./types";

/** Options of {@link filesFromDataFrame}. Column names match exactly, else in any case. */
export interface FilesFromDataFrameOptions {
  /**
   * Column of the file's full path. Default `"FilePath"`, the `fileCreate` layout's (`normalizeEvents(df, "fileCreate")`,
   * a LocalData query with `metadata.schema: fileCreate`). A frame without it is first read as `normalizeEvents` reads
   * file creations (Sysmon 11 as EventData columns, `.evtx`, `wevtutil` XML, Sysmon for Linux, a plain Get-WinEvent
   * export's Messages, Wazuh alerts): its other events are left out, one File per file creation.
   */
  pathColumn?: string;
  /** Column of the host the file is on (each File's and its process's `Host`). Default `"Computer"` when present. */
  hostColumn?: string;
  /** Column of the creating process's image (its `ImageFile`). Default `"ProcessName"` when present. */
  processColumn?: string;
  /** Column of the creating process's id. Default `"ProcessId"` when present. */
  processIdColumn?: string;
  /** Column of the creating process's account (`DOMAIN\user`, a UPN, a Linux user). Default `"Account"` when present. */
  accountColumn?: string;
  /** Column of the row's time, each File's `TimeGenerated` (a time column, or text and epoch numbers as entity times read). Default `"TimeGenerated"` when present. */
  timeColumn?: string;
  /**
   * Column of Sysmon's `Hashes` text (`SHA256=…,MD5=…,IMPHASH=…`: events 15, 23, 26 and 29 carry it), read into each
   * File's `Md5`, `Sha1`, `Sha256` and `FileHashes` (FileHash entities), the import hash into `AdditionalData.Imphash`.
   * A value that is not hex of its algorithm's length is ignored, the rest of the row kept, and one warning counts them.
   * Default `"Hashes"` when present.
   */
  hashesColumn?: string;
  /**
   * Column of the Sysmon event id, each File's `AdditionalData.Action` (Sysmon's event name: `FileCreate` 11,
   * `FileCreateStreamHash` 15, `FileExecutableDetected` 29, `FileDelete` 23, `FileDeleteDetected` 26, `FileCreateTime` 2).
   * Rows of a deletion (23, 26) or a creation-time change (2) keep their process as `AdditionalData.DeletingProcess` or
   * `ModifyingProcess`, not `CreatingProcess`. Default `"EventID"` when present (raw Sysmon columns, read with `pathColumn:
   * "TargetFilename"`); without it every row is a creation.
   */
  eventIdColumn?: string;
  /** Extra columns copied into each File's `AdditionalData` (`FileCreationTime`, `ProcessGuid`…; times as ISO text). Default none. */
  additionalColumns?: string[];
  /** Where warnings go: of reading a raw export (normalizeEvents' own: rows left out, Messages not in English…), of hash values ignored. Default: printed. */
  warn?: (message: string) => void;
}

const OPTION_TYPES = {
  pathColumn: "column",
  hostColumn: "column",
  processColumn: "column",
  processIdColumn: "column",
  accountColumn: "column",
  timeColumn: "column",
  hashesColumn: "column",
  eventIdColumn: "column",
  additionalColumns: "columns",
  warn: "function",
} as const satisfies OptionTypesOf<FilesFromDataFrameOptions>;

/** Reads a frame of raw file-creation events into the fileCreate layout (normalizeEvents, registered by src/index.ts: entities may not import data). */
export type FileCreationReader = (df: pl.DataFrame, options: { warn: (message: string) => void; source: string }) => pl.DataFrame;

let fileCreations: FileCreationReader | undefined;

/** Makes `normalizeEvents(df, "fileCreate")` available to {@link filesFromDataFrame} (src/index.ts). */
export function registerFileCreationReader(reader: FileCreationReader): void {
  fileCreations = reader;
}

/** The options that name a column. */
type ColumnOption = Exclude<keyof FilesFromDataFrameOptions, "additionalColumns" | "warn">;

/** The layout's columns, the defaults of the options. */
const DEFAULTS = { path: "FilePath", host: "Computer", process: "ProcessName", processId: "ProcessId", account: "Account", time: "TimeGenerated", hashes: "Hashes", eventId: "EventID" } as const;

/**
 * Sysmon's events that name a file in `TargetFilename`: the name each File's `Action` takes, and what the row's
 * process did to the file (a deleting process is no creator: linked as one, it would make the graph say so).
 */
const SYSMON_FILE_EVENTS: Record<string, { action: string; process: "CreatingProcess" | "DeletingProcess" | "ModifyingProcess" }> = {
  "2": { action: "FileCreateTime", process: "ModifyingProcess" },
  "11": { action: "FileCreate", process: "CreatingProcess" },
  "15": { action: "FileCreateStreamHash", process: "CreatingProcess" },
  "23": { action: "FileDelete", process: "DeletingProcess" },
  "26": { action: "FileDeleteDetected", process: "DeletingProcess" },
  "29": { action: "FileExecutableDetected", process: "CreatingProcess" },
};

function findColumn(columns: readonly string[], name: string): string | undefined {
  return columns.find((c) => c === name) ?? columns.find((c) => c.toLowerCase() === name.toLowerCase());
}

/** A cell as text: text as written, numbers and big integers in decimal, a time as ISO text; anything else (a list, a struct) none. */
function cellText(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if ((typeof value === "number" && Number.isFinite(value)) || typeof value === "bigint" || typeof value === "boolean") return String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
  return undefined;
}

/** A column's values as entity times: a time column in ms (a Date of a µs or ns column is made by float division), else each value read as entity times are. */
function timeValues(series: pl.Series): (Date | undefined)[] {
  const datetime = /^Datetime/.test(series.dtype.variant);
  const values = (datetime ? series.cast(pl.Datetime("ms")).toArray() : exactValues(series)) as unknown[];
  return values.map((v) => {
    const date = parseEntityTime(v);
    return date && !Number.isNaN(date.getTime()) ? date : undefined;
  });
}

/**
 * The host of a `Computer` value: an FQDN cut into host name and domain, as Sentinel's host entities are
 * (`ws01.contoso.com`); an address or a bare name whole. Undefined for none (empty, `-`).
 */
function hostOf(text: string | undefined): Host | undefined {
  const name = firstText(text);
  if (name === undefined) return undefined;
  const dot = !/^[\d.]+$/.test(name) && !name.includes(":") ? name.indexOf(".") : -1;
  return new Host(dot > 0 && dot < name.length - 1 ? { HostName: name.slice(0, dot), DnsDomain: name.slice(dot + 1) } : { HostName: name });
}

/** The account of a `DOMAIN\user` value (Sysmon's User), or one name as written (a UPN, a Linux user). */
function accountOf(text: string | undefined): Account | undefined {
  const name = firstText(text);
  if (name === undefined) return undefined;
  const slash = name.indexOf("\\");
  return new Account(slash > 0 && slash < name.length - 1 ? { NTDomain: name.slice(0, slash), Name: name.slice(slash + 1) } : { Name: name });
}

/**
 * One `File` per file-creation row: `Directory` and `Name` from the path (`FullPath` gives it back; Windows and POSIX
 * paths, UNC shares, `\\?\` paths, separators at the end: entities/filePath.ts), `Host` from the host column,
 * `CreatingProcess` — a `Process` with its `ProcessId`, `ImageFile`, `Host` and `Account` — from the process columns,
 * `TimeGenerated` from the time column, `Md5`/`Sha1`/`Sha256`/`FileHashes` from a `Hashes` column, `OSFamily` and
 * `PathSeparator` from the path (as MSTICPy's File). With an `EventID` column (raw Sysmon columns read with `pathColumn:
 * "TargetFilename"`), deleted files (23, 26) and the others Sysmon names by `TargetFilename` come too, each marked by
 * `AdditionalData.Action`. Rows keep their order, duplicates included (each row is one creation), so the
 * result lines up with the frame the Files were read from; a row without a path gives a File without one (its key its
 * own: it links to nothing), a row without process columns one without `CreatingProcess`. Each File, with what it
 * refers to, goes into an entity graph (`new EntityGraph().addEntity(file)`) and into pivots (`entities.File`).
 */
export function filesFromDataFrame(df: pl.DataFrame, options: FilesFromDataFrameOptions = {}): File[] {
  if (!isDataFrame(df)) throw new EntityParseError(msg.filesInput(notAFrameText(df)));
  const problem = findOptionProblem(options, OPTION_TYPES);
  if (problem?.problem === "not-object") throw new EntityParseError(msg.invalidOption(optionTypeText("filesFromDataFrame", "options", "an object such as { pathColumn: \"TargetFilename\" }", problem.value)));
  if (problem?.problem === "unknown") throw new EntityParseError(msg.invalidOption(unknownOptionText("filesFromDataFrame", problem.unknown, problem.known)));
  if (problem?.problem === "type") throw new EntityParseError(msg.invalidOption(optionTypeText("filesFromDataFrame", problem.option, problem.expected, problem.value)));
  const warn = options.warn ?? printWarning;
  let frame = df;
  if (options.pathColumn === undefined && !findColumn(columnNames(frame), DEFAULTS.path)) {
    // A raw export: read as the fileCreate queries read it. Its schema error says why it is none.
    if (!fileCreations) throw new EntityParseError(msg.noFilePathColumn(columnNames(frame)));
    try {
      frame = fileCreations(frame, { warn, source: "filesFromDataFrame" });
    } catch (err) {
      throw new EntityParseError(msg.noFilePathColumn(columnNames(df), err instanceof Error ? err.message : String(err)), { cause: err });
    }
  }
  const columns = columnNames(frame);
  // A column named by an option must be there; a default one is used when it is.
  const column = (option: ColumnOption, fallback: string): string | undefined => {
    const given = options[option];
    if (given === undefined) return findColumn(columns, fallback);
    const found = findColumn(columns, given);
    if (!found) throw new EntityParseError(msg.fileColumnMissing(option, given, columns));
    return found;
  };
  const pathColumn = column("pathColumn", DEFAULTS.path);
  if (!pathColumn) throw new EntityParseError(msg.noFilePathColumn(columns));
  const texts = (name: string | undefined): (string | undefined)[] | undefined => (name ? exactValues(columnOf(frame, name)).map(cellText) : undefined);
  const paths = texts(pathColumn)!;
  const hosts = texts(column("hostColumn", DEFAULTS.host));
  const images = texts(column("processColumn", DEFAULTS.process));
  const pids = texts(column("processIdColumn", DEFAULTS.processId));
  const accounts = texts(column("accountColumn", DEFAULTS.account));
  const timeColumn = column("timeColumn", DEFAULTS.time);
  const times = timeColumn ? timeValues(columnOf(frame, timeColumn)) : undefined;
  const hashesColumn = column("hashesColumn", DEFAULTS.hashes);
  const hashTexts = texts(hashesColumn);
  const eventIds = texts(column("eventIdColumn", DEFAULTS.eventId));
  const extra = (options.additionalColumns ?? []).map((c) => {
    const found = findColumn(columns, c);
    if (!found) throw new EntityParseError(msg.fileColumnMissing("additionalColumns", c, columns));
    return { name: found, values: exactValues(columnOf(frame, found)) };
  });
  const files: File[] = [];
  const height = frameHeight(frame);
  let ignoredHashes = 0;
  const ignoredRows: number[] = [];
  for (let i = 0; i < height; i++) {
    const path = firstText(paths[i]) !== undefined ? paths[i] : undefined;
    const host = hostOf(hosts?.[i]);
    const image = firstText(images?.[i]);
    const pid = firstText(pids?.[i]);
    const creator =
      image !== undefined || pid !== undefined
        ? new Process({ ProcessId: pid, ImageFile: image !== undefined ? new File(image) : undefined, Host: host, Account: accountOf(accounts?.[i]) })
        : undefined;
    const event = eventIds?.[i] !== undefined && Object.hasOwn(SYSMON_FILE_EVENTS, eventIds[i]!.trim()) ? SYSMON_FILE_EVENTS[eventIds[i]!.trim()] : undefined;
    const role = event?.process ?? "CreatingProcess";
    const hashes = hashTexts?.[i] !== undefined ? parseFileHashes(hashTexts[i]!) : undefined;
    if (hashes?.ignored) {
      ignoredHashes += hashes.ignored;
      if (ignoredRows.length <= 10) ignoredRows.push(i);
    }
    const algorithm = (name: string) => hashes?.hashes.find((h) => h.Algorithm === name)?.Value;
    const file = new File({
      FullPath: path,
      Host: host,
      CreatingProcess: role === "CreatingProcess" ? creator : undefined,
      TimeGenerated: times?.[i],
      Md5: algorithm("MD5"),
      Sha1: algorithm("SHA1"),
      Sha256: algorithm("SHA256"),
      FileHashes: hashes?.hashes.length ? hashes.hashes.map((h) => new FileHash(h)) : undefined,
    });
    if (event) file.AdditionalData.Action = event.action;
    if (creator && role !== "CreatingProcess") file.AdditionalData[role] = creator;
    if (hashes?.imphash !== undefined) file.AdditionalData.Imphash = hashes.imphash;
    // Own properties: a column named __proto__ is data, not the object's prototype.
    for (const { name, values } of extra) setOwnProperty(file.AdditionalData, name, values[i] instanceof Date ? (values[i] as Date).toISOString() : values[i]);
    files.push(file);
  }
  if (ignoredHashes) warn(ignoredFileHashesWarning(ignoredHashes, hashesColumn!, ignoredRows));
  return files;
}
