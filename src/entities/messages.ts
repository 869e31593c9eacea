/** The error class, codes and message builders of src/entities. */
import { errorMessage, HuntlabError, type ErrorCatalog } from "../common/errors";
import { shortValue } from "../common/options";
import { closeNames, nameList, quotedName, quotedText } from "../common/shownText";
import { notAFrameText } from "../common/notAFrame";

/** Every code of src/entities, with what docs/errors.md says of it. */
export const ENTITIES_ERRORS = {
  "entities/json-invalid": { class: "EntityParseError", when: "an Entities or ExtendedProperties cell is not valid JSON", names: "the cell (row and column), the parser's complaint" },
  "entities/column-missing": { class: "EntityParseError", when: "ipsFromDataFrame is given a column that is not there, or finds no IP column, or two (source and destination); filesFromDataFrame is given a column that is not there, or a frame with no file path column that is no file-creation export either", names: "the option, the column, the columns there are" },
  "entities/frame-input": { class: "EntityParseError", when: "ipsFromDataFrame or filesFromDataFrame is given something other than a DataFrame (a query not awaited, a variable never set, the rows as objects)", names: "what it was given, how to make it a DataFrame" },
  "entities/invalid-option": { class: "EntityParseError", when: "ipsFromDataFrame, filesFromDataFrame or new SecurityAlert is given an option it does not know, or a value of the wrong kind", names: "the option, the value, the options there are" },
  "entities/invalid-source": { class: "EntityParseError", when: "an entity is built from something other than an object of its properties (or, for Ip, Host, Account, Url, Dns and File, its address, name, URL or path as text)", names: "the class, what it was given, an example" },
  "entities/row-out-of-range": { class: "EntityParseError", when: "new SecurityAlert(df, row) names a row the DataFrame does not have, or a row that is no whole number (text, a fraction), or a row number comes with a row object", names: "the row, the number of rows" },
  "entities/alert-input": {
    class: "EntityParseError",
    when: "new SecurityAlert is given something other than an alerts DataFrame or one alert row object: a query not awaited, a LazyDataFrame, a Series, an array of rows, JSON text, undefined",
    names: "what it was given, what it takes, how to make that of it",
  },
} as const satisfies ErrorCatalog<"entities">;

/** A code of src/entities. */
export type EntitiesErrorCode = keyof typeof ENTITIES_ERRORS;

/** An entity could not be built from its source (bad JSON, wrong property type). */
export class EntityParseError extends HuntlabError<EntitiesErrorCode> {
  override name = "EntityParseError";
}

/** Message builders of src/entities. `where` names the cell, e.g. `row 3, Entities`. */
export const entitiesMessages = {
  entitiesJson: (where: string, detail: string) => errorMessage("entities/json-invalid", `${where}: not valid JSON (${detail})`),
  extendedPropertiesJson: (where: string, detail: string) =>
    errorMessage("entities/json-invalid", `${where}: ExtendedProperties is not valid JSON (${detail})`),
  /** `option` is the option that named it: `latitudeColumn`… */
  columnMissing: (option: string, name: string, columns: readonly string[]) =>
    errorMessage("entities/column-missing", `ipsFromDataFrame: ${option} ${quotedName(name)} is not a column.${closeNames(name, columns)} Columns: ${nameList(columns)}`),
  /** ipColumn names a field of JSON text (`AdditionalFields.DestIP`) that no row holds; `keys`: those of its first rows. */
  jsonFieldMissing: (name: string, column: string, keys: readonly string[]) =>
    errorMessage(
      "entities/column-missing",
      `ipsFromDataFrame: ipColumn ${quotedName(name)}: column ${quotedName(column)} holds JSON text, and no row has the field ${quotedName(name.slice(column.length + 1))}` +
        (keys.length ? ` (keys in its first rows: ${nameList(keys)})` : " (its first rows hold no keys)"),
    ),
  noIpColumn: (lookedFor: readonly string[], columns: readonly string[]) =>
    errorMessage("entities/column-missing", `ipsFromDataFrame: no IP address column (looked for ${lookedFor.join(", ")}); pass ipColumn. Columns: ${nameList(columns)}`),
  /** `candidates`: the event-schema address columns the frame has (both ends of a connection). */
  ipColumnAmbiguous: (candidates: readonly string[], columns: readonly string[]) =>
    errorMessage("entities/column-missing", `ipsFromDataFrame: ${candidates.length} IP address columns (${nameList(candidates)}), one for each end; pass ipColumn to pick one. Columns: ${nameList(columns)}`),
  /** filesFromDataFrame's `option` names a column the frame lacks. */
  fileColumnMissing: (option: string, name: string, columns: readonly string[]) =>
    errorMessage("entities/column-missing", `filesFromDataFrame: ${option} ${quotedName(name)} is not a column.${closeNames(name, columns)} Columns: ${nameList(columns)}`),
  /** No `FilePath` column, and the frame is no file-creation export (`why`: what reading it as one said, if it was tried). */
  noFilePathColumn: (columns: readonly string[], why?: string) =>
    errorMessage(
      "entities/column-missing",
      `filesFromDataFrame: no file path column FilePath (the fileCreate layout: normalizeEvents(df, "fileCreate"), the lab's file-creation queries); pass pathColumn.` +
        (why ? ` Read as file creations (Sysmon 11, a Get-WinEvent export, Wazuh alerts), the frame gave: ${why}` : "") +
        ` Columns: ${nameList(columns)}`,
    ),
  /** `what`: the input described by common/notAFrame.ts (a Promise: await it…). */
  filesInput: (what: string) => errorMessage("entities/frame-input", `filesFromDataFrame: expected a polars DataFrame of file creations, got ${what}.`),
  /** `text`: the option's problem as the shared option check words it (common/errors.ts). */
  invalidOption: (text: string) => errorMessage("entities/invalid-option", text),
  /** `what`: the input described by common/notAFrame.ts (a Promise: await it…). */
  ipsInput: (what: string) => errorMessage("entities/frame-input", `ipsFromDataFrame: expected a polars DataFrame of IP addresses, got ${what}.`),
  /**
   * `new entities.X(source)` given something it cannot be built from; `given` from describeSource, `example` an object
   * of its properties, `text`: the property a text source sets, if the class takes one.
   */
  invalidSource: (className: string, given: string, example: string, text?: string) =>
    errorMessage(
      "entities/invalid-source",
      `new entities.${className}: takes an object of its properties such as ${example}${text ? ` (or the ${text} as text)` : ""}, not ${given}.`,
    ),
  /** `index` a number out of range, or anything else given as the row (`"5"`, which was reported as out of range). */
  rowOutOfRange: (index: unknown, height: number) =>
    errorMessage(
      "entities/row-out-of-range",
      typeof index === "number" && Number.isInteger(index)
        ? `SecurityAlert: row ${index} is out of range (the DataFrame has ${height} rows)`
        : `SecurityAlert: the row must be a whole number (0 to ${height - 1}: the DataFrame has ${height} rows), not ${shortValue(index)}${typeof index === "string" ? " (text)" : ""}`,
    ),
  rowWithObject: (index: unknown) =>
    errorMessage(
      "entities/row-out-of-range",
      `SecurityAlert: a row number (${shortValue(index)}) goes with the alerts DataFrame it numbers, new SecurityAlert(alerts, ${shortValue(index)}); a row object is one alert already (its place in a list of alerts: the option position).`,
    ),
  alertOptions: (value: unknown) =>
    errorMessage("entities/invalid-option", `new SecurityAlert: its options (the third argument) must be an object such as { onParseError: "keep" }, not ${shortValue(value)}.`),
  /** `what`: the input described by common/notAFrame.ts (a Promise: await it…). */
  /** `alertColumns`: the columns any alert frame has one of; `columns`: the frame's. */
  notAlertsFrame: (alertColumns: readonly string[], columns: readonly string[]) =>
    errorMessage(
      "entities/alert-input",
      `SecurityAlert.fromDataFrame: the DataFrame has none of an alert's columns (${alertColumns.join(", ")}), so each row would be an alert without id, name or entities; is it an alerts query's result? Its columns: ${nameList(columns)}.`,
    ),
  alertInput: (what: string) =>
    errorMessage("entities/alert-input", `new SecurityAlert: expected an alerts DataFrame and the row to take (new SecurityAlert(alerts, 0)), or one alert row object (alerts.toRecords()[0]); got ${what}.`),
};

/** The warning (not an error) about alerts with nothing to be known by; `rows` are their positions in the frame. */
export function unidentifiedAlertsWarning(count: number, total: number, rows: readonly number[], columns: { id: readonly string[]; name: readonly string[]; time: readonly string[] }): string {
  return (
    `${count} of ${total} alerts have no id (${columns.id.join(", ")}), no name (${columns.name.join(", ")}) and no time (${columns.time.join(", ")}): ` +
    `each is kept as an alert of its own, keyed by its row (${count === 1 ? "row" : "rows"} ${rows.slice(0, 10).join(", ")}${rows.length > 10 ? ", …" : ""})`
  );
}

/**
 * Alert times in slash dates that read either way (`05/06/2026`), read month first: `where` names the alert (or
 * fromDataFrame), `value` the one alert's text (none for a frame's column). The readers' rule and wording (data/messages.ts).
 */
export function slashTimeMonthFirst(where: string, column: string, value?: unknown): string {
  const what = value === undefined ? `column ${JSON.stringify(column)} holds slash dates` : `${column} ${quotedText(String(value), 40)} is a slash date`;
  return (
    `${where}: ${what} whose day and month are all 12 or less (05/06/2026 reads as 6 May or 5 June alike): read month first, as en-US writes them; ` +
    `for a day-first export (en-GB, fr-FR, es-ES…) read the alerts with { dayFirst: true } (readDataFile's option, or a QueryProvider's readOptions), which gives their times parsed`
  );
}

/**
 * Time properties of an alert's entities (its `Entities` JSON, an AlertEvidence row's AdditionalFields) in slash
 * dates that read either way, read month first: `where` names the alert's Entities (or fromDataFrame), `properties`
 * the entity types and properties (`process.CreationTimeUtc`), `value` the one alert's first text (none for a frame).
 */
export function slashEntityTimeMonthFirst(where: string, properties: readonly string[], value?: unknown): string {
  const names = `${properties.slice(0, 5).map((p) => JSON.stringify(p)).join(", ")}${properties.length > 5 ? `, and ${properties.length - 5} more` : ""}`;
  const what = value === undefined ? `entity time properties ${names} hold slash dates` : `entity time ${names} ${quotedText(String(value), 40)} is a slash date`;
  return (
    `${where}: ${what} whose day and month are all 12 or less (05/06/2026 reads as 6 May or 5 June alike): read month first, as en-US writes them ` +
    `(one whose first field is above 12, 13/06/2026, reads day first); no reader option reaches text inside this JSON: compare such times with the alert's own`
  );
}

/** An `Entities` item that is no object, for an alert's `parseErrors`; `index` counts from 0. */
export function entityItemSkipped(where: string, index: number, value: unknown): string {
  const shown = typeof value === "string" ? `the text ${quotedText(value, 40)}` : Array.isArray(value) ? "a list" : String(value);
  return `${where}: item ${index} is ${shown}, not an entity object: skipped (Sentinel's Entities is a list of objects)`;
}

/** An `Entities` cell that is a list (not JSON text) with no object in it, for an alert's `parseErrors`. */
export function entitiesNotObjects(where: string, count: number): string {
  return (
    `${where}: a list of ${count} value${count === 1 ? "" : "s"} with no object in it, not JSON text: no entities read. ` +
    `pl.DataFrame(rows) turns a column of lists of objects into lists of nulls; give Entities as JSON text (Entities: JSON.stringify(list)), ` +
    `or read the file with pl.readJSON or a QueryProvider`
  );
}

/**
 * What a value an entity cannot be built from is, for {@link entitiesMessages.invalidSource}: text quoted as
 * messages quote data (revealed, cut), anything else as common/notAFrame.ts words it, but a list: no
 * DataFrame belongs here, one entity is built from one object.
 */
export function describeSource(value: unknown, className: string): string {
  if (typeof value === "string") return `the text ${quotedText(value, 40)}`;
  if (Array.isArray(value)) {
    return `an array of ${value.length} value${value.length === 1 ? "" : "s"} (one entity is built from one object: list.map((v) => new entities.${className}(v)))`;
  }
  return notAFrameText(value);
}

/**
 * filesFromDataFrame's warning of hash values it ignored (not `ALGORITHM=hex` of the algorithm's length): how many, in
 * which column, on which rows (positions only: the values are log data, not echoed).
 */
export function ignoredFileHashesWarning(count: number, column: string, rows: readonly number[]): string {
  return (
    `filesFromDataFrame: ${count} ${count === 1 ? "value" : "values"} in column ${quotedName(column)} ignored: not ALGORITHM=hex of that algorithm's length ` +
    `(MD5 32, SHA1 40, SHA256 64, IMPHASH 32 hex digits), a second value of one algorithm, or a cell over 1024 characters; ` +
    `the rows' other hashes and the rest of each File kept (${rows.length === 1 ? "row" : "rows"} ${rows.slice(0, 10).join(", ")}${rows.length > 10 ? ", …" : ""})`
  );
}
