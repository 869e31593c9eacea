/** The error classes, codes and message builders of src/data (query providers, query files, readers). */
import { didYouMean, errorMessage, HuntlabError, unknownOptionText, type CodesOfClass, type ErrorCatalog, type UnknownOption } from "../common/errors";
import { optionTypeText, shortValue } from "../common/options";
import { closeNames, listedName, nameList, quotedName } from "../common/shownText";
import { ENV_IN_URL, type YamlProblem } from "../config/messages";
import { LAB_DATA_DIR } from "../common/paths";

/** Every code of src/data, with what docs/errors.md says of it. */
export const DATA_ERRORS = {
  "data/path-missing": { class: "DataFileError", when: "a dataPaths entry does not exist", names: "the paths" },
  "data/file-missing": { class: "DataFileError", when: "a query's data file is not in the data paths, or a file to read does not exist", names: "the query, the file, the closest file names" },
  "data/file-ambiguous": {
    class: "DataFileError",
    when: "a query's data file matches two files in one data path (the same name in two folders, or one stem in two formats)",
    names: "the query, the name, the data path, the matching files",
  },
  "data/file-unreadable": { class: "DataFileError", when: "a data file cannot be read (a broken symbolic link, a folder or named pipe given as the file, no permission…)", names: "the query (or `readDataFile`), the file, the link target" },
  "data/link-outside": { class: "DataFileError", when: "a data file is a symbolic link to a file outside the data paths", names: "the query, the link, its target" },
  "data/unsupported-format": {
    class: "DataFileError",
    when: "a data file's extension is not a supported format (pickle, Excel and EVTX files get a conversion hint)",
    names: "the file, what the format is and how to convert it, the supported extensions",
  },
  "data/file-invalid": { class: "DataFileError", when: "a data file cannot be parsed as its format", names: "the file, the format, the parser's complaint" },
  "data/compressed-invalid": {
    class: "DataFileError",
    when: "a gzip or zstd data file is truncated or corrupt (nothing of it is read)",
    names: "the file, the compression, the decompressor's complaint, how much was decompressed",
  },
  "data/decompressed-too-large": {
    class: "DataFileError",
    when: "a compressed data file decompresses to more than the cap (ReadOptions.maxDecompressedBytes, default 8 GiB): a gzip bomb, or a file to split",
    names: "the file, the cap, the option that sets it",
  },
  "data/temp-space": {
    class: "DataFileError",
    when: "the folder of a data file's temporary copy (a compressed file's decompressed copy, a CSV rewritten for polars, a JSON-lines file without its cut last line: ReadOptions.tempFolder, default the system's temporary folder) has less free space than the file's compressed size, runs out of space (ENOSPC, a disk quota) while the copy is written (the partial copy is removed), or cannot be written",
    names: "the file, the folder, the free space or the bytes written, how to choose another folder (readOptions.tempFolder, TMPDIR)",
  },
  "data/time-zone-unsupported": {
    class: "DataFileError",
    when: "a Parquet/Arrow file has a time zone polars cannot hold (a fixed offset such as +05:30) inside a list or struct column (a top-level column is read as UTC, with a warning)",
    names: "the file, the column, the zone, its type, how to write it",
  },
  "data/unknown-parameter": { class: "QueryError", when: "a query is called with a parameter it does not declare", names: "the query, the parameter, its parameters" },
  "data/missing-parameter": { class: "QueryError", when: "a required query parameter is not given", names: "the query, the parameter, its type" },
  "data/parameter-twice": { class: "QueryError", when: "a query parameter is given under its name and an alias (or two aliases)", names: "the query, the parameter, both keys" },
  "data/parameter-type": {
    class: "QueryError",
    when: "a query parameter has a value of the wrong type, or filters (equals/in) a column of a type no value can equal (a list, a struct; a time column with text)",
    names: "the query, the parameter, the value or the column and its type",
  },
  "data/not-a-time": { class: "QueryError", when: "a time value (e.g. the start parameter) is not a time", names: "the parameter, the value" },
  "data/file-name-value": {
    class: "QueryError",
    when: "a LocalData query's file name (`{table}.csv`) gets a parameter value that is no part of a file name: none, empty, `.`/`..`, or with a folder separator",
    names: "the query, the parameter, the file name, the value",
  },
  "data/parameter-default": {
    class: "QueryError",
    when: "a query runs without a parameter whose default in its query file is not a value of its type (default: abc for an int)",
    names: "the query, the parameter, the query file, what is wrong with the default",
  },
  "data/filter-column-missing": { class: "QueryError", when: "a parameter filters a column the data file does not have", names: "the query, the parameter, the column, the file" },
  "data/select-column-missing": { class: "QueryError", when: "a query is asked for columns (options.columns or metadata.columns) its data does not have", names: "the query, the file, the columns" },
  "data/time-range-reversed": { class: "QueryError", when: "start is after end", names: "the query, both times" },
  "data/time-column-missing": { class: "QueryError", when: "start/end are given but the file has no time column", names: "the query, the file, the column" },
  "data/time-column-not-time": { class: "QueryError", when: "the time column of a start/end query holds no times", names: "the query, the column, example values" },
  "data/provider-option": {
    class: "QueryError",
    when: "new QueryProvider is given an option it does not know (misspelt, MSTICPy's data_paths, another kind of provider's), a value of the wrong type, or options that are not an object (an array of paths)",
    names: "the provider, the option and the nearest known option (or the kind of provider it belongs to), the value and what it takes",
  },
  "data/query-input": {
    class: "QueryError",
    when: "a query is given parameters that are not an object (text, a list, a DataFrame: MSTICPy's keyword arguments are one object here), execQuery something other than text, or new QueryProvider something other than an environment's name first",
    names: "the query or provider, what it was given, the form it takes",
  },
  "data/run-option": {
    class: "QueryError",
    when: "a query is run with options (its second argument) it does not know (misspelt: column for columns), of the wrong type, or that are not an object",
    names: "the query, the option and the nearest known option, the value and what it takes",
  },
  "data/unsupported-environment": { class: "QueryError", when: "a QueryProvider is asked for an environment other than LocalData", names: "the environment" },
  "data/no-queries": { class: "QueryError", when: "no LocalData query file is found in the query paths", names: "the query paths" },
  "data/family-clash": { class: "QueryError", when: "a data family is named like a provider method", names: "the family" },
  "data/unknown-query": { class: "QueryError", when: "a query that does not exist is asked for (also execQuery of a bare dotted name, Family.query misspelt, on a live provider)", names: "the query, the family, close names" },
  "data/unknown-family": { class: "QueryError", when: "a data family that does not exist is asked for", names: "the family, the families there are" },
  "data/parameters-on-file": { class: "QueryError", when: "execQuery is given parameters for a file name", names: "the file name" },
  "data/no-query-browser": { class: "QueryError", when: "browseQueries is called without the query browser registered", names: "the package entry to import" },
  "data/query-path-missing": { class: "QueryDefinitionError", when: "a queryPaths entry does not exist", names: "the paths" },
  "data/query-file-invalid": { class: "QueryDefinitionError", when: "a query file lacks metadata, data environments, families or sources", names: "the file, the section" },
  "data/query-invalid": { class: "QueryDefinitionError", when: "a query of a query file is not a map or has no args.query", names: "the file, the query" },
  "data/parameter-invalid": { class: "QueryDefinitionError", when: "a parameter declaration has the wrong shape, type or match", names: "the file, the query, the parameter" },
  "data/unknown-schema": { class: "QueryDefinitionError", when: "a query's metadata.schema is not an event schema huntlab maps", names: "the file, the query, the schema, the known schemas" },
  "data/query-yaml-syntax": { class: "QueryDefinitionError", when: "a query file is not valid YAML (or repeats a key)", names: "the file, line and column" },
  "data/query-yaml-encoding": { class: "QueryDefinitionError", when: "a query file is not UTF-8 (a Latin-1/ANSI file), UTF-32, UTF-16 without a byte-order mark, or holds a NUL byte; UTF-16 with a byte-order mark is read", names: "the file, line and column" },
  "data/query-yaml-limit": { class: "QueryDefinitionError", when: "a query file is over a size, key-count or nesting limit, or cannot be read (no permission, an alias bomb)", names: "the file, the limit" },
  "data/column-missing": { class: "DataColumnError", when: "a column asked for is not in the DataFrame", names: "the function, the column, the columns there are" },
  "data/column-not-text": { class: "DataColumnError", when: "parseJsonColumn is given a column that is not text", names: "the column, its type" },
  "data/json-invalid": { class: "DataColumnError", when: "a value of a JSON text column is not JSON", names: "the column, the row" },
  "data/event-schema-unknown": { class: "DataColumnError", when: "a query's events (metadata.schema) fit none of the known schemas of their kind", names: "the query or file, the closest schema, its missing columns with the frame's close names, the known schemas" },
  "data/live-not-connected": { class: "QueryError", when: "a live provider's query runs before `await qp.connect()`", names: "the environment, the query" },
  "data/live-no-driver": { class: "QueryError", when: "a live data environment has no driver registered", names: "the environment, the registered ones" },
  "data/live-config": { class: "QueryError", when: "a live provider's setting (msticpyconfig.yaml DataProviders/AzureSentinel, or a connect() option) is missing or invalid", names: "the environment, the setting, the problem" },
  "data/live-url": { class: "QueryError", when: "a live endpoint URL is not https (plain http is allowed for loopback hosts only)", names: "the setting, the URL" },
  "data/live-auth": {
    class: "QueryError",
    when: "signing in to a live service fails (token endpoint error, Azure CLI, device code timeout), or its credentials are refused during a query (an Elasticsearch or Splunk 401/403, a Log Analytics 403 — no read access to the workspace, or a refused token —, an Azure token that cannot be renewed)",
    names: "the environment, the method, the service's reason (secrets masked); during a query: the query too (a Log Analytics 403: the workspace and the role to ask for); while paging: the page, the rows fetched and dropped",
  },
  "data/live-http": { class: "QueryError", when: "a live service cannot be reached, or answers with an unexpected HTTP status after the retries", names: "the request, the status or network error (secrets masked)" },
  "data/live-query-failed": { class: "QueryError", when: "a live service rejects a query (syntax, permission, limits) with its own error payload", names: "the query, the environment, the service's code and message" },
  "data/live-timeout": { class: "QueryError", when: "a live query runs longer than its timeout", names: "the query, the timeout, how to raise it" },
  "data/live-cancelled": { class: "QueryError", when: "a live query is interrupted (Interrupt Kernel, or the caller's signal)", names: "the query, the reason" },
  "data/live-literal": {
    class: "QueryError",
    when: "a query parameter value cannot be written as a literal of the query language (a fragment that is no name, a list where one text goes)",
    names: "the query, the parameter, the value's type",
  },
  "data/query-interrupted": {
    class: "QueryError",
    when: "a LocalData query is interrupted (Interrupt Kernel, or the provider's signal option)",
    names: "the query, the reason, that a file read under way finishes in the background",
  },
} as const satisfies ErrorCatalog<"data">;

/** A code of src/data. */
export type DataErrorCode = keyof typeof DATA_ERRORS;

/** A query-definition (YAML) file is invalid. */
export class QueryDefinitionError extends HuntlabError<CodesOfClass<typeof DATA_ERRORS, "QueryDefinitionError">> {
  override name = "QueryDefinitionError";
}

/** A data file is missing, unreadable or corrupt. */
export class DataFileError extends HuntlabError<CodesOfClass<typeof DATA_ERRORS, "DataFileError">> {
  override name = "DataFileError";
}

/** A query was called with bad parameters, or does not exist. */
export class QueryError extends HuntlabError<CodesOfClass<typeof DATA_ERRORS, "QueryError">> {
  override name = "QueryError";
}

/** A DataFrame column is missing or does not hold what a data helper needs. */
export class DataColumnError extends HuntlabError<CodesOfClass<typeof DATA_ERRORS, "DataColumnError">> {
  override name = "DataColumnError";
}

/**
 * "path" or "paths"; with `relativeFrom`, the folder a relative one was read from and where the lab's own data is:
 * a learner's notebook copied out of notebooks/ keeps `"../data"`, which said only "not found: /home/maya/data".
 */
function paths(what: string, list: readonly string[], relativeFrom?: string): string {
  const note = relativeFrom === undefined ? "" : ` (a relative path is read from the current folder, ${relativeFrom}: in a notebook, the folder its kernel started in, the notebook's own; the lab's own data and queries are in ${LAB_DATA_DIR})`;
  return `${what} path${list.length > 1 ? "s" : ""} not found: ${list.join(", ")}${note}`;
}

/** A value as the user wrote it, for messages. */
function shown(value: unknown): string {
  // JSON writes NaN as null and cannot write a BigInt (the message itself failed with a TypeError).
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  if (typeof value === "bigint") return `${value}n`;
  try {
    return JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? `${v}n` : v)) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Warning texts of src/data's reads (no error code: the read goes on). */
/** Up to five dataset parts (relative to the dataset), and how many more. */
const partList = (parts: readonly string[]) => `${parts.slice(0, 5).join(", ")}${parts.length > 5 ? `, and ${parts.length - 5} more` : ""}`;

export const dataWarnings = {
  /** A JSON-lines log's cut last line (`line`, 1-based) was skipped, the lines before it read. */
  wideIntegers: (file: string, count: number, line: number) =>
    `${file}: ${count} integer(s) wider than 128 bits (the first on line ${line}) read as text, every digit kept; their columns are text`,
  /** JSON objects among plain values at one place (`ConvertTo-Json -Depth 3`'s SIDs): made plain, every row read. */
  mixedJsonObjects: (file: string, count: number, where: string) =>
    `${file}: ${count} JSON object(s) or list(s) stand where other records have other kinds of value (the first at ${where}, as ConvertTo-Json -Depth 3 writes a SID); an object is read as its "Value" when it has a plain one, else (and a list) as its JSON text, every row kept`,
  /** Elasticsearch hits whose `_source`/`fields` nest deeper than `max` levels: the deeper values are null, the rows kept. */
  elasticTooDeep: (count: number, ids: string, max: number) =>
    `Elasticsearch: ${count} hit(s) (_id ${ids}) nest _source or fields more than ${max} levels deep (Elasticsearch maps 20 by default: a broken or hostile document); the values deeper than that are null, the rest of each hit read`,
  /** A parameter given several forms (a Host pivot's names) where the query's text compares it in a way that takes one: the first sent. */
  liveOneForm: (where: string, name: string, forms: readonly string[], problem: string) =>
    `${where}: parameter "${name}" was given ${forms.length} forms of one value to match any of (${forms.slice(0, 4).map((f) => JSON.stringify(f.slice(0, 80))).join(", ")}), but ${problem}, so only the first was sent and rows holding another form are not found; compare it whole (Computer =~ {${name}}, host={${name}}, {"term": {"Computer": {${name}}}}) for every form to be matched`,
  /** Rows of a SIEM answer (Sentinel, Kusto, Splunk) whose values nest deeper than `max` levels: the deeper values are null, the rows kept. */
  liveTooDeep: (count: number, rows: readonly number[], max: number) =>
    `${count} row(s) of the answer (row ${rows.slice(0, 3).join(", ")}${count > 3 ? ", …" : ""}) hold a value nested more than ${max} levels deep (a broken or hostile log record); the values deeper than that are null, the rest of each row read`,
  /** `GET /` refused for a missing privilege (403, the credentials valid): connected without the version. */
  elasticNoMonitor: (method: string) =>
    `Elasticsearch: GET / was refused (HTTP 403): the credentials (${method}) lack the cluster privilege monitor, so the service's version is unknown; connected without it. Elasticsearch and OpenSearch are told apart at the first query, and OpenSearch pages without _shard_doc (3.3+): a query stops at 10,000 rows unless DataProviders.Elasticsearch.Args.Tiebreaker names a field unique per document. Grant monitor to lift this`,
  /** `GET /{index}/_mapping` refused for a missing privilege (403): the query ran, its columns typed from the values. */
  elasticNoMapping: (flavor: string, index: string) =>
    `${flavor}: the mapping of ${index} was refused (HTTP 403: the user lacks the index privilege view_index_metadata); column types come from the values, as for unmapped fields: dates are the text the documents hold, not datetime, and numbers sent as text stay text. Grant view_index_metadata on the index for typed columns`,
  /**
   * winEventFields: `count` Security messages whose first line is not the English template's. `where`: the file or query
   * and the column (`x.csv, column Message`), or the column alone (`column Message`).
   */
  winEventNotEnglish: (where: string, count: number, docs: string) =>
    `${where}: ${count} Security 4688/4624/4625 message(s) are not in English (a German or French Windows writes its field labels in its language); only Windows' English Message labels are read, so these rows' event fields are not read (no columns from them). ` +
    `Export the EventData fields as columns instead, which works in any language (the field names are Windows' own, not translated), or export with ConvertTo-Json, whose Properties (the EventData values) are read in any language: ${docs}`,
  /** winEventFields: `count` messages longer than `max` characters, read up to there. */
  winEventMessageCut: (where: string, count: number, max: number) =>
    `${where}: ${count} message(s) longer than ${max} characters (Windows' own are a few KB: a broken or hostile log?) were read up to the first ${max} characters only`,
  /** winEventFields: `count` 4688 messages without a Process Command Line line: their CommandLine is null. */
  winEventNoCommandLine: (where: string, count: number) =>
    `${where}: ${count} Security 4688 message(s) have no "Process Command Line" line, so their CommandLine is null: command lines are logged only with the policy ` +
    `"Include command line in process creation events" on (Windows 8.1 / Server 2012 R2 and later; older 4688 events also lack "Creator Process Name", so ParentProcessName is null too)`,
  /** winEventFields: `count` messages naming a field twice (a forged line), each field read from its first. */
  winEventRepeatedField: (where: string, count: number, docs: string) =>
    `${where}: ${count} message(s) name a field twice or out of its place; such a line was kept as text of the value before it (Sysmon events by their fields' fixed order per event id: a command line runs to the last line naming the field after it that the other fields follow; Security events by each field's first line), but in Security events a command line with line breaks may forge the fields written after it. Exported as columns, the EventData fields have no such ambiguity: ${docs}`,
  /**
   * winEventsOfKind: a plain export with both Security 4688 and Sysmon 1 process creations of the same hosts: on those
   * hosts (`leftOut`, with their 4688 row counts) the Sysmon rows are used; `kept`: the hosts without Sysmon, whose 4688 rows stay.
   */
  winEventProcessLayouts: (source: string, security: number, sysmon: number, leftOut: string, kept: string | undefined, docs: string) =>
    `${source}: the export holds both Security 4688 (${security} row(s)) and Sysmon 1 (${sysmon} row(s)) process creations of the same host(s), which record the same processes in two layouts ` +
    `(4688's ProcessId is the parent's, Sysmon's the process's own); on each host with Sysmon 1 rows those are used (their process GUIDs link the tree) and its 4688 rows left out: ${leftOut}. ` +
    (kept ? `The 4688 rows of the hosts without Sysmon are kept (each layout mapped apart, ProcessId as its event has it): ${kept}. ` : "") +
    `To use the left-out 4688 events, export them to a file of their own: ${docs}`,
  /** winEventsOfKind's layouts mapped apart: one layout's rows (its hosts') could not be mapped and are left out, the other's kept. */
  winEventLayoutLeftOut: (source: string, count: number, layout: string, error: string) =>
    `${source}: the ${count} ${layout} row(s) (of the hosts using that layout) could not be mapped and are left out; the other layout's rows are kept. Why: ${error}`,
  /**
   * Wazuh alerts of both process layouts: on each computer with Sysmon 1 alerts (`leftOut`, with their 4688 alert counts)
   * the Sysmon alerts are read; `kept`: the computers without Sysmon, whose 4688 alerts are read in the 4688 layout.
   */
  wazuhProcessLayouts: (source: string, security: number, sysmon: number, leftOut: string, kept: string | undefined) =>
    `${source}: the alerts hold both Security 4688 (${security} alert(s)) and Sysmon 1 (${sysmon} alert(s)) process creations of the same computer(s), which record the same processes in two layouts ` +
    `(4688's processId is the parent's, Sysmon's the process's own); on each computer with Sysmon 1 alerts those are read (their process GUIDs link the tree) and its 4688 alerts left out: ${leftOut}. ` +
    (kept ? `The 4688 alerts of the computers without Sysmon are read in the 4688 layout: ${kept}. ` : "") +
    `To use the left-out 4688 alerts, select them apart (data.win.system.eventID "4688") and read them on their own`,
  /** An osquery result log of differential and snapshot lines: the differential rows are read, the snapshot lines' `count` rows left out. */
  osquerySnapshotRowsLeftOut: (source: string, count: number) =>
    `${source}: ${count} row(s) of osquery snapshot lines ("snapshot": [...]) are left out: the log also holds differential lines ("columns", "action": "added"/"removed"), whose rows are read, and one frame holds one form; ` +
    `select the snapshot lines apart (rows whose snapshot is not null) and normalize them to keep both`,
  /** An osquery result log's rows of other queries than the process tables (`queries`: quoted names with counts), left out of processes. */
  osqueryOtherQueriesLeftOut: (source: string, count: number, queries: readonly string[], more: boolean) =>
    `${source}: ${count} row(s) of osquery queries other than the process tables are left out (${queries.join(", ")}${more ? ", …" : ""}): ` +
    `a process row has a pid and a parent (process_events, processes); select a query's rows by its "name" to read them apart`,
  /** A raw syslog file's lines of no syslog form (kept as rows of their text). */
  syslogLinesUnread: (file: string, count: number, total: number, firstLine: number) =>
    `${file}: ${count} of ${total} line(s) are not syslog lines (RFC 3164, RFC 3339 or RFC 5424; the first: line ${firstLine}), such as a message's continuation lines: ` +
    `kept as rows with their text in SyslogMessage and no time, host or program`,
  /** A wevtutil text export: `count` event blocks not read whole (kept as rows, nulls where unread). */
  wevtutilMalformed: (file: string, count: number, event: number, line: number) =>
    `${file}: ${count} event block(s) of wevtutil's text output could not be read whole (no numeric Event ID or no Source, or a header line that is not "  Label: value"; the first: Event[${event}] at line ${line}): ` +
    `their rows are kept, with nulls where nothing was read`,
  /** A wevtutil text export: `count` Descriptions longer than `max` characters, cut there. */
  wevtutilDescriptionCut: (file: string, count: number, max: number) =>
    `${file}: ${count} event Description(s) longer than ${max} characters (Windows' own are a few KB: a broken or hostile log?) were cut there`,
  /** An EVTX file: records or chunks that could not be read (dirty, cut, overwritten), counted as met, skipped; the rest read. */
  evtxLost: (file: string, records: number, chunks: number, bytes: number, first: string) =>
    `${file}: ${records} event record(s)${chunks ? ` and ${chunks} whole 64 KiB chunk(s)` : ""} of this EVTX file could not be read (the first: ${first}) and are left out` +
    `${bytes ? ` (${bytes} byte(s) of them where records' headers are broken, counted by the headers left: maybe more)` : ""}; every other record was read. ` +
    `A log copied while Windows wrote it, or damaged, has such parts: copy it again (wevtutil epl <log> copy.evtx) if you need them`,
  /** wevtutil's XML output: `count` `<Event>` elements cut or malformed, skipped. */
  eventXmlMalformed: (file: string, count: number) =>
    `${file}: ${count} <Event> element(s) of this XML could not be read (cut, tags that do not close in order, or an event of more than 4 Mi characters) and are left out; every other event was read`,
  /** Sysmon for Linux's syslog: the lines that carry no event (other programs') are left out, and said. */
  syslogEventXmlOtherLines: (file: string, count: number, firstLine: number, journal = false) =>
    journal
      ? `${file}: read as journalctl -o json output of Sysmon for Linux (entries whose MESSAGE is <Event> XML); ${count} other line(s) carry no event (the first: line ${firstLine}; other programs' entries) and are left out. ` +
        `To read those as rows of their fields, put them in a file of their own (grep -v '<Event' "${file}"), or export Sysmon's alone (journalctl -t sysmon -o json)`
      : `${file}: read as Sysmon for Linux's syslog (lines of <Event> XML); ${count} other line(s) carry no event (the first: line ${firstLine}) and are left out. ` +
        `To read those as syslog rows (time, host, program, message), put them in a file of their own (grep -v '<Event' "${file}")`,
  /** Sysmon for Linux's syslog: `count` lines with an `<Event>` that could not be read (cut, malformed), skipped. */
  syslogEventXmlMalformed: (file: string, count: number, firstLine: number, journal = false) =>
    `${file}: ${count} line(s) with an <Event> could not be read (the first: line ${firstLine}; ${journal ? "a line that is no complete JSON entry, " : "cut, as syslog cuts a message longer than its limit, "}tags that do not close in order, or a line of more than 1 Mi characters) and are left out; every other line's event was read`,
  /** `journalctl -o json`: Sysmon entries whose MESSAGE is null (journalctl writes a field over 4096 bytes so without `--all`). */
  journalMessagesNull: (file: string, count: number, firstLine: number) =>
    `${file}: ${count} sysmon entr${count === 1 ? "y has" : "ies have"} a null MESSAGE (the first: line ${firstLine}) and ${count === 1 ? "is" : "are"} left out: journalctl -o json writes a field longer than 4096 bytes as null. ` +
    `Export again with --all (journalctl -t sysmon -o json --all) to keep every event`,
  /** An EVTX file: chunks whose CRC32 checksums do not match their bytes; read anyway. */
  evtxChecksums: (file: string, chunks: number, first: number) =>
    `${file}: ${chunks} chunk(s) of this EVTX file fail their checksum (the first: chunk ${first}), so their bytes changed after Windows wrote them (a dirty copy, or tampering); their records were read all the same`,
  /** An Event Viewer export (Save All Events As… CSV or tab-delimited text) without a Computer column: the hosts are unknown. */
  eventViewerNoComputer: (file: string, docs: string) =>
    `${file}: an Event Viewer export without a Computer column: its events' host is unknown (Computer is null, a host_name filter finds none of them). ` +
    `Add the column in Event Viewer (View → Add/Remove Columns → Computer) before saving, or export with Get-WinEvent: ${docs}`,
  /** winEventsOfKind: `count` rows of events that no lab query maps, listed by provider and id. */
  winEventsUnmapped: (file: string, count: number, list: string) =>
    `${file}: ${count} row(s) of events no lab query maps are left out of every query of it: ${list}. ` +
    `From a Get-WinEvent export huntlab maps Security 4624 and 4625 (logon), Security 4688 and Sysmon 1 (process, with Sysmon 5 as the process's end time), Sysmon 3 (networkFlow) and Sysmon 11 (fileCreate), Sysmon's on Windows or Linux (Linux-Sysmon)`,
  /** A time column some of whose values carry an offset and some not: those without are read as UTC. */
  mixedTimeZones: (file: string, column: string, zoned: number, naive: number) =>
    `${file}: column ${quotedName(column)} mixes times with a UTC offset or zone (${zoned} value(s)) and times without one (${naive} value(s)): ` +
    `those without are read as UTC, which may not be the time their writer meant (an offset's local time); check the source, or export every time with its offset (ISO 8601, .ToString("o"))`,
  /** JSON records repeating a key in one object: the last value of each is read. */
  /** parseJsonColumn: cells (`rows`, from 0 as its errors count them) nested deeper than `max`, read as null. */
  columnJsonTooDeep: (column: string, rows: readonly number[], max: number) =>
    `parseJsonColumn: column ${quotedName(column)}: ${rows.length} value(s) (row ${rows.slice(0, 3).join(", ")}${rows.length > 3 ? ", …" : ""}) nest arrays or objects more than ${max} levels deep, which no log needs (a broken or hostile record): null; every other row was read`,
  /** An array of records some of which (`count`, the first on `firstLine`) nest deeper than `max`: those left out. */
  jsonRecordsTooDeep: (file: string, count: number, firstLine: number, max: number) =>
    `${file}: ${count} record(s) of the array nest arrays or objects more than ${max} levels deep (the first: line ${firstLine}), which no log needs (a broken or hostile record): left out; every other record was read`,
  /** An array of records holding `count` plain values or arrays (the first at `where`, `kind`): those left out. */
  jsonArrayNonRecords: (file: string, count: number, where: string, kind: string) =>
    `${file}: ${count} element(s) of the array are no record (the first: ${where}, ${kind}): left out; every record was read`,
  /** A Parquet or Arrow IPC file's `columns` nested deeper than `max` schema levels: left out, the others read. */
  /** A Parquet dataset's parts of 0 bytes (polars skips them). */
  datasetPartsEmpty: (dataset: string, parts: readonly string[]) =>
    `${dataset}: ${parts.length} empty file(s) (0 bytes) in the Parquet dataset (${partList(parts)}): they hold no rows and were skipped (a write cut short?)`,
  /** A Parquet dataset's parts that have no Parquet trailer: a query reading one fails. */
  datasetPartsNotParquet: (dataset: string, parts: readonly string[]) =>
    `${dataset}: ${parts.length} file(s) in the Parquet dataset are not Parquet (no "PAR1" trailer: ${partList(parts)}): a query that reads one fails (one whose filters skip its folder runs); move them out of the folder, or start their names with "_" to hide them`,
  /** Two parts of a Parquet dataset hold one column with different types: a query reading the second fails. */
  datasetTypesDiffer: (dataset: string, column: string, firstPart: string, firstType: string, part: string, type: string) =>
    `${dataset}: column ${quotedName(column)} is ${firstType} in ${firstPart} but ${type} in ${part}: polars cannot read both into one column, so a query that reads ${part} (or a later part of its type) fails; rewrite it with the other parts' types, or move it out of the folder`,
  /** A Parquet dataset of more parts than are screened. */
  datasetPartsUnscreened: (dataset: string, parts: number, max: number) =>
    `${dataset}: ${parts} Parquet parts, the first ${max} (in name order) screened for columns nested too deep and columns the others lack; a later part's column outside theirs fails a query reading it (or, when a column too deep was found, is ignored)`,
  parquetColumnsTooDeep: (file: string, columns: readonly string[], max: number) =>
    `${file}: column(s) ${nameList(columns)} nest more than ${max} levels deep, which no log needs (a broken or hostile file; polars' reader would take minutes): left out; every other column was read`,
  /** A JSON-lines file: `count` lines nested deeper than `max` levels, left out (polars' reader crashes on them). */
  jsonLinesTooDeep: (file: string, count: number, firstLine: number, max: number) =>
    `${file}: ${count} line(s) nest arrays or objects more than ${max} levels deep (the first: line ${firstLine}), which no log needs (a broken or hostile record): left out; every other line was read`,
  jsonRepeatedKeys: (file: string, records: number, keys: readonly string[]) =>
    `${file}: ${records} record(s) repeat a key in one object (${keys.slice(0, 5).map(listedName).join(", ")}${keys.length > 5 ? `, and ${keys.length - 5} more` : ""}): ` +
    `the last value of each is read, as JSON.parse, Python's json (pandas, MSTICPy) and most SIEMs read it; a record written so may be crafted to show one value to one tool and another to the next`,
  /** A saved search API response (Carbon Black's `{"results": [...], "num_found": …}`) holding fewer records than the search matched. */
  apiResponsePartial: (file: string, api: string, rows: number, records: string, partial: string) =>
    `${file}: a ${api} response: its ${rows} record(s) (${records}) are read, but it says ${partial}: the search matched more than this response holds ` +
    `(the other pages were not fetched, or the API capped the search); fetch every page (or narrow the search) and save the records of each`,
  /** A time column whose times end in zone abbreviations the zone table does not read (`IST`: several zones): kept as text. */
  /** `example`: the first abbreviation and an offset it may stand for (`+HH:MM` for one not in the table). */
  unreadZones: (file: string, column: string, zones: readonly string[], example: { zone: string; offset: string }) =>
    `${file}: column ${quotedName(column)} holds times with the zone abbreviation(s) ${zones.join("; ")}, which name no one UTC offset: ` +
    `the column is kept as text (a start/end window or timeline on it is refused); replace the abbreviation with its offset ` +
    `(e.g. df.withColumns(pl.col(${JSON.stringify(column)}).str.replace(${JSON.stringify(` ${example.zone}$`)}, ${JSON.stringify(example.offset)})) when ${example.zone} is ${example.offset}), or export the times as ISO 8601 with their offset. The abbreviations read: README.md, "Zone abbreviations"`,
  /** A time column written without years (syslog's `Dec  7 08:15:00`): read with the years `assumed` says. */
  yearsAssumed: (file: string, column: string, assumed: { first: number; last: number; newest: string; from: { year: number } | { writtenBy: Date } }) =>
    `${file}: column ${quotedName(column)} holds times without a year (syslog's ${JSON.stringify(assumed.newest)}); read as ${assumed.first === assumed.last ? `${assumed.last}` : `${assumed.first}–${assumed.last}, a year back at each turn of the year (December before January)`}: ` +
    ("year" in assumed.from
      ? `the newest, ${JSON.stringify(assumed.newest)}, in ${assumed.from.year} as the year option says`
      : `the newest, ${JSON.stringify(assumed.newest)}, in the latest year that puts it no later than the file was last written (${assumed.from.writtenBy.toISOString().slice(0, 16).replace("T", " ")} UTC, a day's slack)`) +
    `; if the log is older (a copy, an archive), read it with { year: <the newest line's year> } (readDataFile's option, or a QueryProvider's readOptions)`,
  /** A CSV column parsed from slash dates that read either way (`05/06/2026`): read month first. */
  slashDatesMonthFirst: (file: string, column: string) =>
    `${file}: column ${JSON.stringify(column)} holds slash dates whose day and month are all 12 or less (05/06/2026 reads as 6 May or 5 June alike): ` +
    `read month first, as en-US writes them; for a day-first file (en-GB, fr-FR, es-ES…) read it with { dayFirst: true } (readDataFile's option, or a QueryProvider's readOptions)`,
  /** A plain Get-WinEvent export's TimeCreated in slash dates that read either way, in a 24-hour clock: kept as text. */
  winEventSlashDates: (file: string, column: string) =>
    `${file}: column ${JSON.stringify(column)} holds slash dates whose day and month are all 12 or less, in a 24-hour clock; the export's culture is unknown ` +
    `(en-US writes 5/6/2026 3:00:00 PM for May 6, en-GB 05/06/2026 15:00:00 for 5 June), so they are kept as text (a start/end window on them is refused): ` +
    `read the file with { dayFirst: true } (readDataFile's option, or a QueryProvider's readOptions) if they are day first, or export TimeCreated as ISO 8601 (its .ToString("o"))`,
  /** normalizeEvents: a time field of Windows FILETIME integers (100 ns ticks since 1601), read as such. */
  filetimeColumn: (source: string, field: string) =>
    `${source}: field ${JSON.stringify(field)} holds integers from 1.1e17 to 1.6e17, Windows FILETIMEs (100 ns ticks since 1601: 1949–2107; as ns since 1970 they would be 1973–1975): read as FILETIMEs, in ns`,
  /** normalizeEvents: a text time field of slash dates that read either way, read month first by the mapping. */
  mappedSlashDates: (source: string, field: string) =>
    `${source}: field ${JSON.stringify(field)} holds slash dates whose day and month are all 12 or less (05/06/2026 reads as 6 May or 5 June alike): ` +
    `read month first, as en-US writes them; if the export writes day first (en-GB, fr-FR, es-ES…), parse the field day first before mapping, ` +
    `or read a top-level column with { dayFirst: true } (readDataFile's option, or a QueryProvider's readOptions)`,
  /** Flow tuples of an Azure NSG/VNet flow log that do not parse: each is one dropped row. */
  flowTuplesDropped: (source: string, count: number, total: number, example: string) =>
    `${source}: ${count} of ${total} flowTuples of the Azure flow log do not parse as Microsoft documents them (time,source,destination,ports,protocol,direction,decision/state…) and were left out, e.g. ${example}; see docs/schemas.md`,
  /** normalizeEvents: rows a schema's row test left out (a firewall's threat logs among its traffic), by kind. */
  rowsLeftOut: (source: string, schema: string, count: number, total: number, what: string, kinds: readonly string[], more: boolean) =>
    `${source}: ${count} of ${total} ${schema} row(s) are ${what}, left out of the flows (${kinds.join(", ")}${more ? ", …" : ""}); see docs/schemas.md`,
  /** A typed file's time column in a zone polars cannot hold (`+05:30`): read as UTC, the same instants. */
  zoneMadeUtc: (file: string, column: string, zone: string) =>
    `${file}: column ${JSON.stringify(column)} is written in the zone ${JSON.stringify(zone)}, which polars cannot hold (it holds IANA zones and whole-hour offsets): read as UTC, the same instants. ` +
    `To show them in local time, convert them to an IANA zone with that offset (such as Asia/Kolkata for +05:30): df.withColumns(pl.col(${JSON.stringify(column)}).dt.convertTimeZone("Area/City"))`,
  /** Messages a saved Splunk JSON export carries (`{"messages":[…]}` lines: result caps, search errors): its rows are read. */
  splunkExportMessages: (file: string, messages: readonly string[]) =>
    `${file}: a Splunk JSON export whose search said: ${messages.slice(0, 3).join("; ")}${messages.length > 3 ? `; and ${messages.length - 3} more` : ""} — its results are read, but they may be incomplete`,
  /** A saved Splunk JSON export with preview lines only (`"preview":true`): the search had not finished. */
  splunkExportPreview: (file: string, rows: number) =>
    `${file}: a Splunk JSON export holding preview results only ("preview":true: the search had not finished when it was saved): the latest preview's ${rows} row(s) are read; export the finished search for every result`,
  /** Lines of a saved Splunk JSON export that are no JSON object (a cut last line): skipped, the others read. */
  splunkExportSkipped: (file: string, count: number, line: number, rows: number) =>
    `${file}: ${count} line(s) of this Splunk JSON export are no JSON object (the first is line ${line}; a cut last line if the file was copied while it was written) and were skipped; its ${rows} result(s) were read`,
  truncatedLastLine: (file: string, line: number) =>
    `${file}: line ${line}, the last, is incomplete (the file was copied while it was being written?) and was skipped; the ${line - 1} line(s) before it were read`,
};

/**
 * How to split a live query, for the warnings where it helps: a result cut at the service's row/size limit, or a
 * search that timed out. Drivers add it to those warnings only (a mapping mismatch or a partial failure is not
 * helped by shorter time ranges).
 */
export const SPLIT_ADVICE = 'split the query into shorter time ranges: pass split_query_by (e.g. { start, end, split_query_by: "1h" }) or narrow start/end';

/** Message builders of src/data. `where` names the query (`Family.query` or `query Family.query`). */
export const dataMessages = {
  // Data files (DataFileError).
  /** `relativeFrom`: the current folder, when a missing path was given relative. */
  pathsMissing: (resolved: readonly string[], relativeFrom?: string) => errorMessage("data/path-missing", paths("data", resolved, relativeFrom)),
  /** `name` as the query wrote it; `close` the indexed file names nearest to it. */
  fileNotFound: (where: string, name: string, dataPaths: readonly string[], close: readonly string[]) =>
    errorMessage(
      "data/file-missing",
      `${where}: data file "${name}" not found in ${dataPaths.join(", ")}` + (close.length ? `. Closest files: ${close.join(", ")}` : ""),
    ),
  ambiguousFile: (where: string, name: string, dataPath: string, matches: readonly string[]) =>
    errorMessage(
      "data/file-ambiguous",
      `${where}: data file "${name}" matches ${matches.length} files in ${dataPath}: ${matches.join(", ")}. ` +
        `Keep one of them, or name the file with its folder and extension in the query's args.query.`,
    ),
  fileMissing: (file: string) => errorMessage("data/file-missing", `${file}: data file not found`),
  /** `target` is where a broken symbolic link points, undefined for another reason; `reason` the system's code. */
  fileUnreadable: (where: string, file: string, target: string | undefined, reason: string) =>
    errorMessage(
      "data/file-unreadable",
      `${where}: data file ${file} ${target === undefined ? "cannot be read" : `is a symbolic link to ${target}, which ${reason === "ENOENT" ? "does not exist" : "cannot be read"}`} (${reason})`,
    ),
  linkOutside: (where: string, file: string, real: string, roots: readonly string[]) =>
    errorMessage(
      "data/link-outside",
      `${where}: data file ${file} is a symbolic link to ${real}, outside the data paths (${roots.join(", ")}); ` +
        `refusing to read it. Copy the file into a data folder, or add its folder to dataPaths.`,
    ),
  unsupportedFormat: (file: string, extension: string, supported: readonly string[]) =>
    errorMessage("data/unsupported-format", `${file}: unsupported data file type "${extension}" (supported: ${supported.join(", ")}; each also compressed, as .gz or .zst)`),
  /** A known format huntlab cannot read (`what`), with how to convert it (`convert`). */
  foreignFormat: (file: string, extension: string, what: string, convert: string, supported: readonly string[]) =>
    errorMessage(
      "data/unsupported-format",
      `${file}: "${extension}" is ${what}; huntlab reads ${supported.join(", ")}. To use it, ${convert}`,
    ),
  /** A compression node:zlib of this runtime lacks (zstd before Node 22.15): how to decompress the file first. */
  compressionUnsupported: (file: string, compression: string, command: string) =>
    errorMessage("data/unsupported-format", `${file}: ${compression} compression needs Node.js 22.15 or later (this is ${process.version}); decompress it first: ${command}`),
  compressedInvalid: (file: string, compression: string, detail: string, decompressed: number) =>
    errorMessage(
      "data/compressed-invalid",
      `${file}: cannot decompress as ${compression}: ${detail} (after ${decompressed} decompressed bytes; the file is truncated or corrupt, nothing of it was read)`,
    ),
  decompressedTooLarge: (file: string, cap: number) =>
    errorMessage(
      "data/decompressed-too-large",
      `${file}: decompresses to more than ${cap} bytes, the cap (ReadOptions.maxDecompressedBytes); stopped, nothing of it was read. ` +
        `A gzip bomb, or a large export: split it, or raise maxDecompressedBytes if the disk has room`,
    ),
  /**
   * No room for a file's temporary copy in `folder` (a compressed file's decompressed copy; a CSV `rewritten` as polars
   * reads it; a JSON-lines file `shortened` by its cut last line): `free` bytes there before it began (less than the
   * compressed `size`), `written` bytes when the disk filled (ENOSPC) during it, or a folder that cannot be written
   * (`unusable`: missing, no permission). Says how to choose another folder.
   */
  tempSpace: (
    file: string,
    folder: string,
    state: { free: number; size: number } | { written: number; detail: string } | { unusable: string },
    kind: "decompressed" | "rewritten" | "shortened" = "decompressed",
  ) =>
    errorMessage(
      "data/temp-space",
      `${file}: ${
        "free" in state
          ? `not enough free space in ${folder} for its decompressed copy (${state.free} bytes free; the file is ${state.size} bytes compressed and decompresses to more)`
          : "written" in state
            ? `${folder} ran out of space while its ${kind} copy was written (after ${state.written} bytes: ${state.detail}); the partial copy was removed`
            : `its ${kind} copy cannot be written in ${folder} (${state.unusable})`
      }. Free space there, or write temporary copies to a folder with room: readOptions: { tempFolder: "/path/with/room" } ` +
        `(readDataFile's options, or a QueryProvider's readOptions), or set the TMPDIR environment variable (TEMP on Windows) before starting the kernel`,
    ),
  fileInvalid: (file: string, format: string, detail: string) =>
    errorMessage("data/file-invalid", `${file}: cannot read as ${format.toUpperCase()}: ${detail}`),
  timeZoneUnsupported: (file: string, format: string, column: string, zone: string, dtype: string) =>
    errorMessage(
      "data/time-zone-unsupported",
      `${file}: cannot read as ${format.toUpperCase()}: column ${JSON.stringify(column)} (${dtype}) holds times in the zone ${JSON.stringify(zone)}, which polars cannot hold ` +
        `(it holds IANA zones and whole-hour offsets) inside a list or struct; write them in UTC (pandas: .dt.tz_convert("UTC"); pyarrow: cast to pa.timestamp(unit, "UTC"))`,
    ),
  /** A read error of `where`'s data file: its own code when it has one. */
  queryFileRead: (where: string, err: unknown) =>
    errorMessage(
      err instanceof DataFileError ? err.code : "data/file-unreadable",
      `${where}: ${err instanceof Error ? err.message : String(err)}`,
    ),

  // Running queries (QueryError).
  unknownParameter: (where: string, key: string, known: readonly string[]) =>
    errorMessage(
      "data/unknown-parameter",
      `${where}: unknown parameter "${key}". ` + (known.length ? `Its parameters: ${known.join(", ")}.` : "It takes no parameters."),
    ),
  parameterTwice: (where: string, name: string, keys: readonly [string, string]) =>
    errorMessage("data/parameter-twice", `${where}: parameter "${name}" is given twice, as "${keys[0]}" and as "${keys[1]}" (one is an alias of the other): give one`),
  missingParameter: (where: string, name: string, type: string, description: string) =>
    errorMessage("data/missing-parameter", `${where}: missing required parameter "${name}" (${type}${description ? `: ${description}` : ""})`),
  parameterType: (where: string, name: string, expected: string, value: unknown) =>
    errorMessage("data/parameter-type", `${where}: parameter "${name}" expects ${expected}, got ${shown(value)}`),
  /** `what` names the value: `WindowsSecurity.list_host_logons: parameter "start"`. */
  invalidDate: (what: string) => errorMessage("data/not-a-time", `${what}: invalid Date`),
  notATime: (what: string, value: number) => errorMessage("data/not-a-time", `${what}: ${value} is not a time`),
  /** `year` undefined: beyond any date a Date holds (an epoch time in milliseconds, read as days). */
  dayOffsetOutOfRange: (what: string, value: string | number, year: number | undefined) =>
    errorMessage(
      "data/not-a-time",
      `${what}: ${JSON.stringify(String(value).trim())} is read as a number of days from now (MSTICPy's rule for a number), which ${year === undefined ? "is beyond any date" : `lands in the year ${year}, outside 1–9999`}. Write a date as 2026-12-01 (or 2026-12-01T00:00:00Z), or an offset such as -7d${typeof value === "number" && Math.abs(value) >= 1e8 ? "; an epoch time goes as a Date: new Date(seconds * 1000), new Date(milliseconds)" : ""}.`,
    ),
  fileNameValue: (where: string, name: string, fileName: string, value: string) =>
    errorMessage("data/file-name-value", `${where}: parameter "${name}" is part of the data file name ${JSON.stringify(fileName)}, and ${value} is not a part of a file name (it needs a value, without / or \\, and not . or ..)`),
  parameterDefault: (where: string, name: string, file: string, problem: string) =>
    errorMessage("data/parameter-default", `${where}: parameter "${name}" was not given, and its default in ${file} cannot be used: ${problem}. Pass ${name}, or correct its default in the query file`),
  /** A time text without a year (syslog's `Dec  7 08:15:00`) given as one value: which year is not guessed. */
  timeWithoutYear: (what: string, value: string) =>
    errorMessage("data/not-a-time", `${what}: "${value}" has no year (syslog's form); write the time with its year, e.g. "2026-12-07 08:15:00" (a file's column of such times is read with a year and a warning)`),
  notATimeText: (what: string, value: string) =>
    errorMessage("data/not-a-time", `${what}: "${value}" is not a time in a supported format (ISO 8601, US forms such as 2/10/19 3:21 PM, day-first dotted dates such as 07.12.2026 08:15, or RFC 2822 dates such as Mon, 01 Jan 2024 08:15:00 +0100)`),
  filterColumnMissing: (where: string, name: string, column: string, fileName: string) =>
    errorMessage("data/filter-column-missing", `${where}: parameter "${name}" filters column "${column}", which ${fileName} does not have`),
  /** A column parameter (`equals`/`in`) on a column whose type no parameter value can equal. */
  /** A datetime parameter (a Date value) on a text column: comparing its text would depend on the machine's zone. */
  filterTimeOnText: (where: string, name: string, column: string) =>
    errorMessage(
      "data/parameter-type",
      `${where}: parameter "${name}" is a time, but column "${column}" holds text (times that were not read as times): a time cannot equal text. Use start/end for a time range, or match: contains with the text as written`,
    ),
  filterColumnType: (where: string, name: string, column: string, dtype: string, match: string) =>
    errorMessage(
      "data/parameter-type",
      `${where}: parameter "${name}" filters column "${column}" with ${match}, but the column is ${dtype}: equals and in compare text, numbers and true/false (use match: contains to match its text${dtype === "Datetime" || dtype === "Date" ? ", or start/end for a time range" : ""})`,
    ),
  selectColumnMissing: (where: string, fileName: string, missing: readonly string[], columns: readonly string[]) =>
    errorMessage(
      "data/select-column-missing",
      `${where}: ${fileName} has no column${missing.length > 1 ? "s" : ""} ${missing.map(quotedName).join(", ")}.${closeNames(missing[0], columns)}`,
    ),
  timeRangeReversed: (where: string, start: Date, end: Date) =>
    errorMessage("data/time-range-reversed", `${where}: start (${start.toISOString()}) is after end (${end.toISOString()})`),
  /** `queryFile`: the YAML file defining the query; undefined for a query made from a data file, which has none. */
  timeColumnMissing: (where: string, fileName: string, column: string, queryFile?: string) =>
    errorMessage(
      "data/time-column-missing",
      `${where}: cannot apply start/end: ${fileName} has no time column "${column}" ` +
        (queryFile
          ? `(set metadata.time_column in the query file ${queryFile})`
          : `and no typed time column (a query made from a data file has no query file: call it without start/end and filter the frame, or define it in a YAML query file with metadata.time_column)`),
    ),
  timeColumnUnparsed: (where: string, column: string, failures: number, examples: readonly string[]) =>
    errorMessage(
      "data/time-column-not-time",
      `${where}: cannot apply start/end: ${failures} value(s) of ${quotedName(column)} are not times (e.g. ${examples.map(quotedName).join(", ")})`,
    ),
  timeColumnAmbiguous: (where: string, column: string, example: string) =>
    errorMessage(
      "data/time-column-not-time",
      `${where}: cannot apply start/end: "${column}" holds slash dates whose day and month are all 12 or less, in a 24-hour clock (e.g. ${JSON.stringify(example)}), ` +
        `which read month first (en-US) or day first (en-GB, fr-FR…) alike; give the QueryProvider readOptions: { dayFirst: true } if they are day first, or export the times as ISO 8601`,
    ),
  timeColumnType: (where: string, column: string, dtype: string) =>
    errorMessage("data/time-column-not-time", `${where}: cannot apply start/end: column "${column}" is ${dtype}, not a time`),
  /** A numeric time column whose values are too small to be epoch times in any unit. */
  timeColumnNotEpoch: (where: string, column: string, max: number) =>
    errorMessage(
      "data/time-column-not-time",
      `${where}: cannot apply start/end: column "${column}" is numeric but not epoch times (largest value ${max}; epoch seconds, ms, µs or ns since 1970 are at least 10^8). Set metadata.time_column to the time column`,
    ),

  // The provider (QueryError).
  /** `provider`: `QueryProvider("LocalData")`. */
  providerOptions: (provider: string, value: unknown) =>
    errorMessage(
      "data/provider-option",
      `${provider}: its options must be an object such as { dataPaths: ["/my/data"] }, not ${shortValue(value)}${Array.isArray(value) ? " (the data paths go in the option dataPaths)" : ""}.`,
    ),
  /** `otherKind`: the kind of provider the option belongs to (`LocalData`, `live`), when it is one of theirs. */
  providerOptionUnknown: (provider: string, unknown: UnknownOption, known: readonly string[], otherKind?: string) =>
    errorMessage(
      "data/provider-option",
      otherKind
        ? `${provider}: option ${unknown.option} is an option of ${otherKind} providers, not of this one; its options are ${known.join(", ")}.`
        : unknownOptionText(provider, unknown, known),
    ),
  providerOptionType: (provider: string, option: string, expected: string, value: unknown) => errorMessage("data/provider-option", optionTypeText(provider, option, expected, value)),
  /** `where`: the query, `WindowsSecurity.list_host_logons`. */
  /** `given` from notAFrameText (common/notAFrame.ts). */
  queryParams: (where: string, given: string) =>
    errorMessage("data/query-input", `${where}: its parameters (the first argument) must be an object such as { host_name: "WS01", start: "-7d" }, not ${given}.`),
  execQueryText: (given: string) =>
    errorMessage("data/query-input", `execQuery: takes the query's text (or a Family.query name), not ${given}.`),
  environmentNotText: (given: string) =>
    errorMessage("data/query-input", `new QueryProvider: the first argument is the data environment's name, then its options: new QueryProvider("LocalData", { dataPaths: ["exports"] }); got ${given}.`),
  runOptions: (where: string, value: unknown) =>
    errorMessage("data/run-option", `${where}: its options (the second argument; parameters go first) must be an object such as { columns: ["Account"] }, not ${shortValue(value)}.`),
  runOptionUnknown: (where: string, unknown: UnknownOption, known: readonly string[]) => errorMessage("data/run-option", unknownOptionText(where, unknown, known)),
  runOptionType: (where: string, option: string, expected: string, value: unknown) => errorMessage("data/run-option", optionTypeText(where, option, expected, value)),
  unsupportedEnvironment: (environment: string, supported: readonly string[]) =>
    errorMessage("data/unsupported-environment", `data environment "${environment}" is not supported (supported: ${supported.join(", ")}).${didYouMean(environment, supported)}`),
  /** `names`: the environment's names a file may use, the provider's first (environmentNames). */
  noQueries: (environment: string, names: readonly string[], queryPaths: readonly string[]) =>
    errorMessage(
      "data/no-queries",
      `no ${environment} queries found in ${queryPaths.join(", ")} (query files are *.yaml whose metadata.data_environments lists ${names.length > 1 ? `${names.slice(0, -1).join(", ")} or ${names.at(-1)}` : names[0]})`,
    ),
  familyClash: (family: string) => errorMessage("data/family-clash", `data family "${family}" clashes with a provider method; rename it in its query file`),
  /** A dotted family (`Azure.Sentinel`) is nested as MSTICPy nests it, where `parent` already has a query named `part`. */
  familyQueryClash: (family: string, parent: string, part: string) =>
    errorMessage("data/family-clash", `data family "${family}" is reached as ${parent}.${part}, where data family ${parent} has a query "${part}"; rename one of them in its query file`),
  unknownQueryInFamily: (name: string, family: string, queries: readonly string[]) =>
    errorMessage("data/unknown-query", `no query "${name}" in data family ${family}.${didYouMean(name, queries)}`),
  unknownQuery: (name: string, queries: readonly string[]) => errorMessage("data/unknown-query", `no query "${name}".${didYouMean(name, queries)}`),
  unknownFamily: (name: string, environment: string, families: readonly string[]) =>
    errorMessage("data/unknown-family", `no data family "${name}" in the ${environment} provider.${didYouMean(name, families)} Families: ${families.join(", ")}`),
  parametersOnFile: (text: string) =>
    errorMessage("data/parameters-on-file", `execQuery("${text}"): parameters apply only to named queries (Family.query); a file name is read whole`),
  noQueryBrowser: () =>
    errorMessage("data/no-query-browser", 'browseQueries: no query browser is registered; import huntlab from its package entry ("huntlab")'),

  // Query files (QueryDefinitionError).
  queryPathsMissing: (resolved: readonly string[], relativeFrom?: string) => errorMessage("data/query-path-missing", paths("query", resolved, relativeFrom)),
  notAQueryFile: (file: string) => errorMessage("data/query-file-invalid", `${file}: not a query file (expected a map with metadata and sources)`),
  /** `problem`: `missing "metadata" section`, `metadata.data_families is missing or empty`… */
  queryFileSection: (file: string, problem: string) => errorMessage("data/query-file-invalid", `${file}: ${problem}`),
  /** `where` is `file: query "name"`. */
  queryNotAMap: (where: string) => errorMessage("data/query-invalid", `${where}: expected a map with description, args and parameters`),
  queryWithoutArgs: (where: string) => errorMessage("data/query-invalid", `${where}: has no args.query (for LocalData, the data file to read)`),
  parameterNotAMap: (where: string, name: string) =>
    errorMessage("data/parameter-invalid", `${where}: parameter "${name}" must be a map (description, type, default)`),
  parameterUnknownType: (where: string, name: string, type: string, known: readonly string[]) =>
    errorMessage("data/parameter-invalid", `${where}: parameter "${name}" has unknown type "${type}" (known: ${known.join(", ")})`),
  parameterUnknownMatch: (where: string, name: string, match: string) =>
    errorMessage("data/parameter-invalid", `${where}: parameter "${name}" has unknown match "${match}" (known: equals, contains, in)`),
  unknownSchema: (where: string, schema: string, known: readonly string[]) =>
    errorMessage("data/unknown-schema", `${where}: unknown schema "${schema}" in metadata.schema (known: ${known.join(", ")}).${didYouMean(schema, known)}`),
  /** A YAML problem of a query file. */
  queryYaml: (problem: YamlProblem) => errorMessage(`data/query-${problem.code}` as const, problem.message),

  // Live providers (QueryError).
  liveNotConnected: (environment: string, where: string) =>
    errorMessage("data/live-not-connected", `${where}: the ${environment} provider is not connected; run \`await qp.connect()\` first (settings from msticpyconfig.yaml DataProviders.${environment}, or connect() options)`),
  liveNoDriver: (environment: string, registered: readonly string[]) =>
    errorMessage("data/live-no-driver", `no driver for data environment "${environment}" (registered: ${registered.join(", ") || "none"})`),
  liveConfig: (environment: string, setting: string, problem: string) => errorMessage("data/live-config", `${environment}: ${setting}: ${problem}`),
  liveUrl: (setting: string, url: string, unparsable = false) =>
    errorMessage(
      "data/live-url",
      unparsable
        ? `${setting}: "${url}" is not a valid URL (check its host name, port and characters; a space or a port over 65535 is not allowed)`
        : `${setting}: "${url}" must be an https:// URL (plain http:// is accepted for loopback hosts only: 127.0.0.1, ::1, localhost)`,
    ),
  /** A URL setting whose host holds an environment variable (`https://$SPLUNK_HOST:8089`), which nothing expands. */
  liveUrlVariable: (setting: string, url: string) => errorMessage("data/live-url", `${setting}: "${url}": ${ENV_IN_URL}`),
  liveAuth: (environment: string, method: string, reason: string) => errorMessage("data/live-auth", `${environment}: sign-in by ${method} failed: ${reason}`),
  /**
   * A query's request refused for its credentials (401) or their rights (403) before any row arrived (Elasticsearch:
   * the mapping, the point in time or the first page; Splunk: the search). `what`: "searching", "reading the mapping of logs-*"…
   */
  liveQueryAuth: (where: string, environment: string, status: number, what: string, reason: string) =>
    errorMessage(
      "data/live-auth",
      status === 403
        ? `${where}: ${environment} denied access while ${what} (HTTP 403): ${reason} — the connected user lacks a privilege this needs (read on the index?): ask for it, or connect as another user`
        : `${where}: ${environment} refused the credentials while ${what} (HTTP ${status}): ${reason} — API key or token expired or revoked, password changed? Connect again and rerun the query`,
    ),
  /**
   * Log Analytics' 403 for a query: the workspace refused the identity (`InsufficientAccessError`, `AuthorizationFailed`),
   * or its token (`InvalidAuthenticationToken…`, an OAuth-style `invalid_grant`). `code`/`message`: the service's, masked and escaped.
   */
  liveWorkspaceDenied: (where: string, environment: string, workspace: string, code: string, message: string) =>
    errorMessage(
      "data/live-auth",
      `${where}: ${environment} denied access to workspace ${workspace} (HTTP 403 ${code}): ${message} — ${
        /token|grant|audience/i.test(code)
          ? "the token was refused (expired, revoked, or for another resource): connect again (await qp.connect()) and rerun the query"
          : "the signed-in identity needs read access to the workspace (the Log Analytics Reader role, or Microsoft Sentinel Reader, on it or its resource group): ask for it, or connect as another identity"
      }`,
    ),
  /** A sign-in failure (data/live-auth, from {@link liveAuth}) during the query `where`: a token renewed mid-query and refused. */
  liveAuthInQuery: (where: string, message: string) => errorMessage("data/live-auth", `${where}: ${message}`),
  liveHttp: (what: string, reason: string) => errorMessage("data/live-http", `${what}: ${reason}`),
  /** An answer past the HTTP client's body limit (`maxBodyBytes`): read whole, it would not fit a string or memory. */
  liveAnswerTooLarge: (what: string, maxBytes: number) =>
    errorMessage(
      "data/live-http",
      `${what}: the answer is larger than ${maxBytes >= 1024 * 1024 ? `${Math.round(maxBytes / 1024 / 1024)} MiB` : `${maxBytes} bytes`}, the most huntlab reads in one answer (nothing was returned); ask for fewer rows or columns (Splunk \`| fields\`, KQL \`project\`), or ${SPLIT_ADVICE}`,
    ),
  /** A 3xx answer: redirects are not followed (the credentials would go with them). `location`: without user info, masked. */
  liveRedirect: (what: string, status: number, location: string) =>
    errorMessage(
      "data/live-http",
      `${what}: HTTP ${status} redirect${location ? ` to ${location}` : ""} not followed (huntlab never sends credentials to another address); check the provider's URL setting (Url, Endpoint, Cluster, host…)`,
    ),
  liveQueryFailed: (where: string, environment: string, code: string, message: string) =>
    errorMessage("data/live-query-failed", `${where}: ${environment} rejected the query (${code}): ${message}`),
  /**
   * A page of a paged query (Elasticsearch `search_after`) refused after `rows` rows arrived on `page - 1` pages:
   * an error, not a partial result (the rows so far are the oldest ones of the sort order, a result that looks whole).
   * 401/403: the credentials were revoked or expired mid-query (data/live-auth); else data/live-query-failed.
   */
  livePageFailed: (where: string, environment: string, status: number, page: number, rows: number, reason: string, advice: string) =>
    errorMessage(
      status === 401 || status === 403 ? "data/live-auth" : "data/live-query-failed",
      `${where}: ${environment} refused page ${page} of the results (HTTP ${status}): ${reason}; ${rows} row(s) had arrived on the ${page - 1} page(s) before and are not returned (no partial result) — ${advice}`,
    ),
  liveTimeout: (where: string, ms: number) =>
    errorMessage("data/live-timeout", `${where}: no answer within ${ms / 1000} s; raise the timeout (QueryProvider option timeoutMs, or DataProviders.<env>.TimeoutSeconds) or narrow the time range (split_query_by)`),
  /**
   * The service's own query time limit, as huntlab asked for it (`how`: Log Analytics' `Prefer: wait=<s>` header and its 504,
   * Kusto's `servertimeout` request property and its "Query is expired"); `max` the longest the service allows.
   */
  liveServerTimeout: (where: string, environment: string, waitSeconds: number, maxSeconds: number, how: string) =>
    errorMessage(
      "data/live-timeout",
      `${where}: ${environment} stopped the query at its own time limit of ${waitSeconds} s (${how}); narrow the time range (start/end, or split_query_by)${waitSeconds < maxSeconds ? `, or raise the timeout up to the service's ${maxSeconds} s (DataProviders.${environment}.TimeoutSeconds, or the QueryProvider option timeoutMs)` : ` (${maxSeconds} s is the longest the service waits)`}`,
    ),
  liveCancelled: (where: string, reason: string) => errorMessage("data/live-cancelled", `${where}: cancelled (${reason})`),
  liveLiteral: (where: string, name: string, problem: string) => errorMessage("data/live-literal", `${where}: parameter "${name}": ${problem}`),
  queryInterrupted: (where: string, reason: string) =>
    errorMessage(
      "data/query-interrupted",
      `${where}: interrupted (${reason}); no table is returned. A file read under way finishes in the background (it uses CPU until then) and its rows are dropped.`,
    ),

  // Columns (DataColumnError).
  columnMissing: (what: string, name: string, columns: readonly string[]) =>
    errorMessage("data/column-missing", `${what}: no column ${quotedName(name)} (columns: ${nameList(columns)})`),
  columnNotJsonText: (column: string, dtype: string) =>
    errorMessage("data/column-not-text", `parseJsonColumn: column ${quotedName(column)} is ${dtype}, not JSON text`),
  jsonInvalid: (column: string, row: number, detail: string) =>
    errorMessage("data/json-invalid", `parseJsonColumn: column ${quotedName(column)}, row ${row}: not JSON (${detail})`),
  /** `closest`: the best-fitting schema and, per missing column, the frame's closest names; `known`: every schema of the kind. */
  eventSchemaUnknown: (
    source: string,
    kind: string,
    closest: { schema: string; missing: Readonly<Record<string, readonly string[]>> } | undefined,
    known: readonly string[],
  ) =>
    errorMessage(
      "data/event-schema-unknown",
      `${source}: the columns fit no known ${kind} schema.` +
        (closest
          ? ` Closest: ${closest.schema}, which needs ` +
            Object.entries(closest.missing)
              .map(([c, close]) => `"${c}"` + (close.length ? ` (close: ${close.map(quotedName).join(", ")})` : ""))
              .join(", ") +
            "."
          : "") +
        ` Known ${kind} schemas: ${known.join("; ")}. Rename the columns, or see docs/schemas.md.`,
    ),
  /** `docs`: where the command that exports the events' fields as columns is. */
  /** normalizeEvents: an Azure NSG or VNet flow log file (PT1H.json): its flows are packed in flowTuples text, not columns. */
  azureFlowLogFile: (source: string, kind: string) =>
    errorMessage(
      "data/event-schema-unknown",
      `${source}: the columns fit no known ${kind} schema: they are an Azure NSG or VNet flow log file (PT1H.json: records → flows → flowTuples), ` +
        `which holds network flows only (packed in comma-separated flowTuples text): a networkFlow query reads it, no ${kind} query does. ` +
        `For flows with VM names, Traffic Analytics' AzureNetworkAnalytics_CL (the lab's own layout) or NTANetAnalytics table, exported from Log Analytics, reads too; see docs/schemas.md.`,
    ),
  winEventExport: (source: string, kind: string, docs: string) =>
    errorMessage(
      "data/event-schema-unknown",
      `${source}: the columns fit no known ${kind} schema: they are a Get-WinEvent | Export-Csv export of Windows events (Message, Id, ProviderName, MachineName, TimeCreated…), ` +
        `whose event fields (process ids, image, user, logon type…) are only in the Message text, and whose ProcessId is the process that wrote the log, not the event's. ` +
        `Read the .evtx file itself instead (huntlab reads it directly, each event's fields as columns), or export the events' EventData fields as columns: ${docs}.`,
    ),
  // Query loading (QueryDefinitionError).
  /** `resolved`: the QueryDefinitions.Custom entries not found, made absolute. */
  customQueryPathsMissing: (configFile: string, resolved: readonly string[]) =>
    errorMessage("data/query-path-missing", `${configFile}: QueryDefinitions.Custom: query path${resolved.length === 1 ? "" : "s"} not found: ${resolved.join(", ")} (relative paths are read from the current folder, as MSTICPy does)`),
  /** `what`: `query "then" of data family X` or `data family "then"`; `file`: where it is defined. */
  thenName: (file: string, what: string) =>
    errorMessage("data/query-invalid", `${file}: ${what}: "then" cannot name a query or data family (await would take the family for a promise and never finish); rename it in its query file`),
};
