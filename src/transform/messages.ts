/** The error classes, codes and message builders of src/transform (indicators, base64, process trees). */
import { didYouMean, errorMessage, HuntlabError, unknownOptionText, type CodesOfClass, type ErrorCatalog, type UnknownOption } from "../common/errors";
import { EVTX_DOCS } from "../data/schemas/winEvent";
import { optionTypeText, shortValue } from "../common/options";
import { closeNames, nameList, quotedName } from "../common/shownText";


/** Every code of src/transform, with what docs/errors.md says of it. */
export const TRANSFORM_ERRORS = {
  "transform/ioc-type-name-empty": { class: "IocExtractError", when: "addIocType is given an empty type name, or one that is not text", names: "the method, what it was given" },
  "transform/ioc-pattern-invalid": { class: "IocExtractError", when: "addIocType's pattern is not a valid regular expression, or matches the empty string", names: "the type, the regex engine's complaint" },
  "transform/ioc-option": { class: "IocExtractError", when: "an IoCExtract option name is unknown (misspelt), an option has a value of the wrong kind (`defanged: \"no\"`, `columns: 5`), the options are not an object (a column list passed positionally, MSTICPy style), or addIocType's priority is not a whole number (32-bit), its group no capture group of its pattern, or its prefilter not a valid polars (Rust) regular expression", names: "the option and the nearest known option, what it takes, or the type and the value" },
  "transform/ioc-not-a-frame": { class: "IocExtractError", when: "extract is given something other than a DataFrame (a string: extractText scans one)", names: "what it was given (a Promise not awaited, a LazyFrame not collected), the method for text" },
  "transform/ioc-not-text": { class: "IocExtractError", when: "extractText is given something other than one string (a list, a number, an object, a DataFrame); null and undefined are no text", names: "what it was given, the method for several texts or a frame" },
  "transform/ioc-no-columns": { class: "IocExtractError", when: "extract is given no columns to scan", names: "the option to pass" },
  "transform/ioc-column-missing": { class: "IocExtractError", when: "extract is given a column (or indexColumn) that is not in the data", names: "the column, the columns there are, close names" },
  "transform/unknown-ioc-type": { class: "IocExtractError", when: "an indicator type that is not defined is asked for", names: "the type, the known types" },
  "transform/too-many-ioc-types": { class: "IocExtractError", when: "one extraction would scan for more than 30 indicator types", names: "how many, the types" },
  "transform/base64-option": { class: "Base64Error", when: "a base64 limit option is not a positive number, column or indexColumn is not one column name, an option name is unknown (misspelt), or the options are not an object (the column passed positionally, MSTICPy style)", names: "the option, the value, or the nearest known option and the known options" },
  "transform/base64-input": { class: "Base64Error", when: "base64.unpackDf is given something other than a DataFrame, or base64.unpack something other than one string", names: "what it was given (a Promise not awaited, a LazyFrame not collected), the function for the other" },
  "transform/base64-no-column": { class: "Base64Error", when: "base64.unpackDf is given no column", names: "the option to pass" },
  "transform/base64-column-missing": { class: "Base64Error", when: "base64.unpackDf is given a column (or indexColumn) that is not in the data", names: "the column, the columns there are" },
  "transform/process-schema-unknown": { class: "ProcessSchemaError", when: "no known process-event layout fits the columns and no schema is given", names: "the columns, the closest layout's missing columns with close names, the known layouts" },
  "transform/process-schema-incomplete": { class: "ProcessSchemaError", when: "a schema does not name every required field", names: "the fields" },
  "transform/process-column-missing": { class: "ProcessSchemaError", when: "a column the schema names is not in the data", names: "the columns, the schema" },
  "transform/process-tree-option": { class: "ProcessTreeError", when: "a buildProcessTree option is unknown (misspelt) or has a value it cannot take (order not \"tree\" or \"input\", a negative tolerance)", names: "the option, the value, what it takes, or the nearest known option and the known options" },
  "transform/process-tree-input": { class: "ProcessTreeError", when: "buildProcessTree (or processTreeSchema) is given something other than a polars DataFrame: a query not awaited, a LazyDataFrame, a Series, rows, text", names: "the function, what it was given and how to make it a DataFrame" },
  "transform/no-process-events": { class: "ProcessTreeError", when: "no process-creation events are left to build a tree from", names: "the schema, the event id" },
  "transform/process-column-type": { class: "ProcessTreeError", when: "a key column (an id, image, host, logon id or GUID) has a type a tree cannot read (a list, struct, duration, boolean, time)", names: "the column, its schema field, its type, what it takes" },
  "transform/process-time-not-time": { class: "ProcessTreeError", when: "the time column holds neither times nor time text", names: "the column, example values or its type" },
  "transform/not-a-process-tree": { class: "ProcessTreeQueryError", when: "a tree query is given something that is not a built process tree", names: "the missing columns, or what it was given instead of a DataFrame" },
  "transform/process-ref-invalid": { class: "ProcessTreeQueryError", when: "a process is named by something other than a proc_key, a row or a one-row DataFrame (a DataFrame of several rows, or of none, included)", names: "what it was given, what is accepted" },
  "transform/tree-query-option": { class: "ProcessTreeQueryError", when: "an option of a tree query (ptree.getDescendents, getChildren, getAncestors, getSiblings, treeToText) is unknown (misspelt, MSTICPy's max_levels) or of the wrong type, or the options are not an object", names: "the function, the option, the value and what it takes, or the nearest known option and the known options" },
  "transform/process-not-found": { class: "ProcessTreeQueryError", when: "no process of the tree has the proc_key", names: "the proc_key, close keys" },
  "transform/tree-column-missing": { class: "ProcessTreeQueryError", when: "a column asked of the tree is not in it", names: "the column, close names" },
  "transform/chunk-failed": { class: "ChunkError", when: "a row chunk of a parallel extraction or unpacking failed (in a worker thread or in the calling thread)", names: "the chunk's first and last rows, the original error" },
} as const satisfies ErrorCatalog<"transform">;

/** A code of src/transform. */
export type TransformErrorCode = keyof typeof TRANSFORM_ERRORS;

/** Bad arguments to the indicator extractor (unknown type or column, bad pattern). */
export class IocExtractError extends HuntlabError<CodesOfClass<typeof TRANSFORM_ERRORS, "IocExtractError">> {
  override name = "IocExtractError";
}

/** Bad arguments to the base64 unpacker. */
export class Base64Error extends HuntlabError<CodesOfClass<typeof TRANSFORM_ERRORS, "Base64Error">> {
  override name = "Base64Error";
}

/** A schema that does not fit the data. */
export class ProcessSchemaError extends HuntlabError<CodesOfClass<typeof TRANSFORM_ERRORS, "ProcessSchemaError">> {
  override name = "ProcessSchemaError";
}

/** A process-tree build that cannot proceed. */
export class ProcessTreeError extends HuntlabError<CodesOfClass<typeof TRANSFORM_ERRORS, "ProcessTreeError">> {
  override name = "ProcessTreeError";
}

/** A tree query that cannot be answered. */
export class ProcessTreeQueryError extends HuntlabError<CodesOfClass<typeof TRANSFORM_ERRORS, "ProcessTreeQueryError">> {
  override name = "ProcessTreeQueryError";
}

/** Message builders of src/transform. */
export const transformMessages = {
  // Indicators (IocExtractError).
  iocTypeNameEmpty: () => errorMessage("transform/ioc-type-name-empty", "addIocType: the type name is empty."),
  iocPatternInvalid: (name: string, detail: string) => errorMessage("transform/ioc-pattern-invalid", `addIocType("${name}"): invalid pattern: ${detail}`),
  iocPatternMatchesEmpty: (name: string) =>
    errorMessage("transform/ioc-pattern-invalid", `addIocType("${name}"): the pattern matches the empty string, so it would report nothing useful.`),
  /** An options object given third (MSTICPy's keyword arguments) is said to go fourth; text is said to be text (`"5"` read as `priority 5 is not a whole number`). */
  iocPriorityInvalid: (name: string, priority: unknown) =>
    errorMessage(
      "transform/ioc-option",
      priority !== null && typeof priority === "object" && !Array.isArray(priority)
        ? `addIocType("${name}"): the third argument is the priority, a whole number; options go fourth: addIocType("${name}", pattern, 0, ${shortValue(priority)}).`
        : `addIocType("${name}"): priority ${shortValue(priority)}${typeof priority === "string" ? " (text)" : ""} is not a whole number from -2147483648 to 2147483647 (lower wins; built-ins use 0 to 4).`,
    ),
  /** `count`: the pattern's capture groups; `names`: its named ones. */
  iocGroupMissing: (name: string, group: string | number, count: number, names: readonly string[]) =>
    errorMessage(
      "transform/ioc-option",
      `addIocType("${name}"): option group ${shortValue(group)} is no capture group of the pattern (it has ${count === 0 ? "none" : `${count}: numbers 1 to ${count}`}${names.length ? `, named ${names.join(", ")}` : ""}); without group the whole match is reported.`,
    ),
  iocPrefilterInvalid: (name: string, prefilter: string, detail: string) =>
    errorMessage("transform/ioc-option", `addIocType("${name}"): prefilter ${JSON.stringify(prefilter)} is not a regular expression polars (Rust's regex crate) reads${detail ? `: ${detail}` : ""}; it has no look-around or back-references.`),
  /** `given` from notAFrameText (common/notAFrame.ts). */
  iocTypeNameNotText: (given: string) => errorMessage("transform/ioc-type-name-empty", `addIocType: the type name must be text, not ${given}.`),
  /** Options that are not an object: `example` shows the object (`{ columns: ["CommandLine"] }`); `given` from notAFrameText (common/notAFrame.ts). */
  iocOptionsNotObject: (fn: string, given: string, example: string) =>
    errorMessage("transform/ioc-option", `${fn}: the second argument is an options object such as ${example}, not ${given}.`),
  iocOptionType: (fn: string, option: string, expected: string, value: unknown) =>
    errorMessage("transform/ioc-option", `${fn}: option ${option} must be ${expected} (got ${shortValue(value)}).`),
  /** `given` from notAFrameText (common/notAFrame.ts); `many`: a list or a frame, which extract or a join scans. */
  iocNotText: (given: string, many: boolean) =>
    errorMessage(
      "transform/ioc-not-text",
      `extractText: scans one string, not ${given}${many ? '; for a DataFrame use extract(df, { columns: ["CommandLine"] }), for a list of texts extract(pl.DataFrame({ text: texts }), { columns: ["text"] })' : ""}.`,
    ),
  /** `given` from notAFrameText (common/notAFrame.ts). */
  iocNotAFrame: (given: string) =>
    errorMessage("transform/ioc-not-a-frame", `extract: takes a DataFrame and { columns }, not ${given}; extractText(text) scans one string.`),
  iocNoColumns: () => errorMessage("transform/ioc-no-columns", 'extract: no columns given: pass { columns: ["CommandLine"] } (the text columns to scan).'),
  iocColumnMissing: (column: string, columns: readonly string[]) =>
    errorMessage("transform/ioc-column-missing", `extract: column ${quotedName(column)} is not in the data (columns: ${nameList(columns)}).${closeNames(column, columns)}`),
  iocIndexColumnMissing: (column: string, columns: readonly string[]) =>
    errorMessage("transform/ioc-column-missing", `extract: indexColumn ${quotedName(column)} is not in the data.${closeNames(column, columns)}`),
  /** `fn` is "validate" for IoCExtract.validate, "" for a type of the iocTypes option. */
  unknownIocType: (fn: string, type: string, known: readonly string[]) =>
    errorMessage("transform/unknown-ioc-type", `${fn ? `${fn}: unknown` : "Unknown"} IoC type "${type}" (known: ${known.join(", ")}).${didYouMean(type, known)}`),
  tooManyIocTypes: (types: readonly string[], max: number) =>
    errorMessage(
      "transform/too-many-ioc-types",
      `extract: at most ${max} IoC types per call, not ${types.length} (${types.join(", ")}); pick at most ${max} with the iocTypes option.`,
    ),

  // base64 (Base64Error).
  chunkFailed: (firstRow: number, lastRow: number, detail: string) => errorMessage("transform/chunk-failed", `rows ${firstRow}–${lastRow}: ${detail}`),
  base64OptionUnknown: (fn: string, unknown: UnknownOption, known: readonly string[]) => errorMessage("transform/base64-option", unknownOptionText(fn, unknown, known)),
  iocOptionUnknown: (fn: string, unknown: UnknownOption, known: readonly string[]) => errorMessage("transform/ioc-option", unknownOptionText(fn, unknown, known)),
  base64Option: (option: string, value: unknown) => errorMessage("transform/base64-option", `base64: option ${option} must be a positive number (got ${shortValue(value)}).`),
  /** `given` from notAFrameText (common/notAFrame.ts). */
  base64NotAFrame: (given: string) =>
    errorMessage("transform/base64-input", `base64.unpackDf: takes a DataFrame and { column }, not ${given}; base64.unpack(text) decodes one string.`),
  /** `given` from notAFrameText (common/notAFrame.ts). */
  base64NotText: (given: string) =>
    errorMessage("transform/base64-input", `base64.unpack: decodes one string, not ${given}; base64.unpackDf(df, { column: "CommandLine" }) decodes a column.`),
  /** `example` shows the options object; `given` from notAFrameText (common/notAFrame.ts). */
  base64OptionsNotObject: (fn: string, given: string, example: string) =>
    errorMessage("transform/base64-option", `${fn}: the second argument is an options object such as ${example}, not ${given}.`),
  /** column or indexColumn that is not one name. */
  base64ColumnOption: (option: string, value: unknown) =>
    errorMessage("transform/base64-option", `base64.unpackDf: option ${option} must be one column name (text), not ${shortValue(value)}.`),
  base64NoColumn: () => errorMessage("transform/base64-no-column", 'base64.unpackDf: no column given: pass { column: "CommandLine" }.'),
  base64ColumnMissing: (column: string, columns: readonly string[]) =>
    errorMessage("transform/base64-column-missing", `base64.unpackDf: column ${quotedName(column)} is not in the data (columns: ${nameList(columns)}).${closeNames(column, columns)}`),
  base64IndexColumnMissing: (column: string, columns: readonly string[]) =>
    errorMessage("transform/base64-column-missing", `base64.unpackDf: indexColumn ${quotedName(column)} is not in the data.${closeNames(column, columns)}`),

  // Process schemas (ProcessSchemaError).
  /** `layouts`: each known schema as `name (col, col, …)`. */
  /** `closest`: the layout with the most columns there, its missing required columns and the frame's names close to each. */
  processSchemaUnknown: (columns: readonly string[], layouts: readonly string[], closest?: { schema: string; missing: readonly { column: string; close: readonly string[] }[] }) =>
    errorMessage(
      "transform/process-schema-unknown",
      `Cannot tell which columns describe the processes (columns: ${nameList(columns)}). ` +
        (closest && closest.missing.length
          ? `Closest layout: ${closest.schema}, which also needs ${closest.missing
              .map((m) => `"${m.column}"${m.close.length ? ` (close: ${m.close.map(quotedName).join(", ")})` : ""}`)
              .join(", ")}. `
          : "") +
        `Known layouts: ${layouts.join("; ")}. ` +
        `Pass { schema: { processName, processId, parentId, timeStamp, … } } naming your columns.`,
    ),
  /** The columns of a plain Get-WinEvent export; `docs`: where the command that exports the fields as columns is. */
  processSchemaWinEvent: (columns: readonly string[], docs: string) =>
    errorMessage(
      "transform/process-schema-unknown",
      `Cannot tell which columns describe the processes: the columns (${nameList(columns)}) are a Get-WinEvent | Export-Csv export of Windows events, ` +
        `whose event fields (the new process's id and image, its parent's id) are only in the Message text; its ProcessId is the process that wrote the log, not a process of the event. ` +
        `Read the .evtx file itself instead (huntlab reads it directly, each event's fields as columns), or export the events' EventData fields as columns: ${docs}.`,
    ),
  processSchemaIncomplete: (fields: readonly string[]) =>
    errorMessage("transform/process-schema-incomplete", `The process schema must name the ${fields.join(", ")} column(s).`),
  /** `optional`: the absent columns are optional fields of a schema the caller wrote (each with its field and close names). */
  processColumnsMissing: (absent: readonly string[], schema: string, columns: readonly string[], optional?: readonly { field: string; close: readonly string[] }[]) =>
    errorMessage(
      "transform/process-column-missing",
      optional
        ? `The process data has no column ${absent.map((c, i) => `"${c}" (${optional[i].field}${optional[i].close.length ? `; did you mean ${optional[i].close.map((n) => `"${n}"`).join(" or ")}?` : ""})`).join(", ")}, which your schema names; columns: ${nameList(columns)}. Leave the field out to build without it (without hostName, parents are matched across hosts).`
        : `The process data has no column ${absent.map((c) => `"${c}"`).join(", ")} (schema ${schema}); columns: ${nameList(columns)}.`,
    ),

  // Building trees (ProcessTreeError).
  /** `eventFilter`: `EventID = 4688`, or "" when the schema has none. */
  processTreeOptionUnknown: (unknown: UnknownOption, known: readonly string[]) => errorMessage("transform/process-tree-option", unknownOptionText("buildProcessTree", unknown, known)),
  processTreeOptions: (value: unknown, known: readonly string[]) =>
    errorMessage("transform/process-tree-option", `buildProcessTree: its options must be an object of ${known.join(", ")} (got ${typeof value === "string" ? JSON.stringify(value) : Array.isArray(value) ? "an array" : String(value)}).`),
  processTreeOption: (option: string, value: unknown, expected: string) =>
    errorMessage("transform/process-tree-option", `buildProcessTree: option ${option} must be ${expected} (got ${typeof value === "string" ? JSON.stringify(value) : String(value)}).`),
  /** `what`: the input described by common/notAFrame.ts (a Promise: await it…). */
  processTreeInput: (fn: string, what: string) => errorMessage("transform/process-tree-input", `${fn}: expected a polars DataFrame of process events, got ${what}.`),
  noProcessEvents: (schema: string, eventFilter: string) =>
    errorMessage("transform/no-process-events", `No process-creation events to build a tree from (schema ${schema}${eventFilter ? `, ${eventFilter}` : ""}).`),
  processTimeUnparsed: (column: string, failures: number, examples: readonly string[]) =>
    errorMessage(
      "transform/process-time-not-time",
      `The time column "${column}" holds text that is not a time (${failures} value(s), e.g. ${examples.map((e) => JSON.stringify(e)).join(", ")}).`,
    ),
  processKeyColumnType: (column: string, field: string, dtype: string, takes: string) =>
    errorMessage("transform/process-column-type", `The column "${column}" (the schema's ${field}) holds ${dtype} values; a process tree reads it as ${takes}. Cast it or name another column in { schema: { ${field} } }.`),
  processTimeType: (column: string, dtype: string) =>
    errorMessage("transform/process-time-not-time", `The time column "${column}" must hold times or time text, not ${dtype}.`),

  // Querying trees (ProcessTreeQueryError).
  /** `what`: the input described by common/notAFrame.ts (a Promise: await it…). */
  notATreeFrame: (what: string) => errorMessage("transform/not-a-process-tree", `Expected a process tree DataFrame (from buildProcessTree), got ${what}.`),
  notATree: (missing: readonly string[]) =>
    errorMessage("transform/not-a-process-tree", `Not a process tree: no ${missing.join(", ")} column(s). Build one with buildProcessTree(events).`),
  processFrameNoKey: () => errorMessage("transform/process-ref-invalid", "The process DataFrame has no proc_key column: take the process from the tree (ptree.getRoots(tree).head(1), a filter of the tree)."),
  /** A DataFrame naming the process with other than one row: its first row was taken, silently. */
  processFrameRows: (rows: number) =>
    errorMessage("transform/process-ref-invalid", `The process DataFrame has ${rows} rows; a process is one row: take one (.head(1), or filter the tree to one process), or pass its proc_key.`),
  /** `what`: the reference described by common/notAFrame.ts. */
  processRefInvalid: (what: string) => errorMessage("transform/process-ref-invalid", `A process is named by its proc_key, a row with proc_key, or a one-row DataFrame; got ${what}.`),
  treeQueryOptionUnknown: (fn: string, unknown: UnknownOption, known: readonly string[]) => errorMessage("transform/tree-query-option", unknownOptionText(`ptree.${fn}`, unknown, known)),
  treeQueryOptions: (fn: string, value: unknown, example: string) =>
    errorMessage("transform/tree-query-option", `ptree.${fn}: its options must be an object such as ${example}, not ${shortValue(value)}.`),
  treeQueryOption: (fn: string, option: string, expected: string, value: unknown) => errorMessage("transform/tree-query-option", optionTypeText(`ptree.${fn}`, option, expected, value)),
  processNotFound: (key: string, keys: readonly string[]) =>
    errorMessage("transform/process-not-found", `No process with proc_key ${quotedName(key)} in this tree.${closeNames(key, keys)}`),
  treeColumnMissing: (column: string, columns: readonly string[]) =>
    errorMessage("transform/tree-column-missing", `No column ${quotedName(column)} in the process tree.${closeNames(column, columns)}`),
};

/**
 * A row chunk of a parallel job that failed, in a worker or in this thread:
 * {@link ChunkError.of} names its rows and keeps the original message.
 */
export class ChunkError extends HuntlabError<CodesOfClass<typeof TRANSFORM_ERRORS, "ChunkError">> {
  override name = "ChunkError";
  /** The chunk's first and last rows (-1 when not known), and the original error's message. */
  firstRow = -1;
  lastRow = -1;
  detail = "";

  static of(firstRow: number, lastRow: number, detail: string, options?: ErrorOptions): ChunkError {
    const err = new ChunkError(transformMessages.chunkFailed(firstRow, lastRow, detail), options);
    Object.assign(err, { firstRow, lastRow, detail });
    return err;
  }
}

/** Warning texts of src/transform (no error code: the work goes on). */
export const transformWarnings = {
  /** One value of the process id column (`column`) is most of a host's process events. */
  sharedProcessId: (column: string, shared: { host?: string; id: string; events: number; of: number }) =>
    `buildProcessTree: process id "${shared.id}" (column ${column}) is on ${shared.events} of the ${shared.of} distinct event times${shared.host ? ` of host ${shared.host}` : ""}: ` +
    `the process id column is probably not the process's own (real ids are reused, never by most processes at once), e.g. a Get-WinEvent | Export-Csv export's ProcessId, the process that wrote the log; ` +
    `the tree is built, but its parent links are likely wrong. See ${EVTX_DOCS}`,
  /** A tree too deep for every path: rows below `maxPathLevel` have none. */
  pathsCut: (p: { depth: number; maxPathLevel: number; without: number; bytes: number; limit: number }) =>
    `buildProcessTree: the tree is ${p.depth} levels deep, and its paths would take ${Math.ceil(p.bytes / 2 ** 20)} MiB of text ` +
    `(each path lists every ancestor), more than the ${Math.round(p.limit / 2 ** 20)} MiB allowed: the ${p.without} process${p.without === 1 ? "" : "es"} ` +
    `below level ${p.maxPathLevel} have no path (null); their links, Level and roles are whole, and the tree queries and plot read links. ` +
    `A chain that deep is a process that starts the next and exits, again and again (a PID-hopping or respawning program), or a logging error.`,
  /** Parent links that closed cycles (`cycles` of them), cut; `example`: the first cycle's processes, the cut one first. */
  parentCycles: (cycles: number, example: readonly string[]) =>
    `buildProcessTree: ${cycles} parent cycle${cycles === 1 ? "" : "s"} in the events (processes that would be each other's ancestors, ` +
    `each followed by its parent: ${example.join(" → ")} → the first again; equal or coarse times, parent GUIDs that contradict the times, or forged events): ` +
    `each cycle's earliest process is made a root (parent_key null, its parent id kept in its row), so it and what it started are in the tree.`,
  /** Children that start before the parent their id names (clocks apart), linked to it; `example`: the first, child then parent, and by how much. */
  parentsAfterChildren: (count: number, skewMs: number, example: { child: string; parent: string; ms: number }) =>
    `buildProcessTree: ${count} process${count === 1 ? " starts" : "es start"} before the parent ${count === 1 ? "its" : "their"} parent id names (sources' clocks apart), e.g. ${example.child} ` +
    `${example.ms} ms before ${example.parent}: with no process of that id (and image) on the host at or before the child, ${count === 1 ? "it is" : "each is"} linked to the one that starts ` +
    `at most ${skewMs} ms after it (an inferred parent stands in where none or several do). Check the sources' clocks.`,
  emptyImages: (column: string, schema: string) =>
    `buildProcessTree: the image column ${column} (layout ${schema}) holds no value in any row (empty, or a field the export did not fill): ` +
    `the tree's processes have no images and parents are matched by id and time only. Export the column with its values, ` +
    `or give a schema whose processName names a column that holds the images.`,
};
