/**
 * `SecurityAlert`: one row of a Sentinel `SecurityAlert` table as an object,
 * after MSTICPy's `SecurityAlert(alert_row)` — its `Entities` JSON parsed into
 * entities (references resolved), `ExtendedProperties` parsed, times as `Date`s.
 */
import { createHash } from "node:crypto";
import { inspect, type InspectOptions } from "node:util";
import type { DataFrame } from "nodejs-polars";
import { html, type SafeHtml } from "../display/html";
import { htmlView } from "../display/htmlView";
import { JUPYTER_DISPLAY, wellFormedBundle, type Displayable, type MimeBundle } from "../display/protocol";
import { inspectLastValue } from "../display/lastValue";
import { Entity, EntityParseError, formatEntityValue, MAX_CARD_KEY, MAX_CARD_VALUE, MAX_TEXT_VALUE, parseEntityTime } from "./entity";
import { columnNames, frameHeight, frameRecords, isDataFrame, isSeries } from "../common/frames";
import { jsonErrorText, stringifyExact, parseJsonIntegersAsText } from "../common/json";
import { printWarning } from "../common/messages";
import { checkJsonDepth, parseEntities } from "./parse";
import { entitiesMessages as msg, slashEntityTimeMonthFirst, slashTimeMonthFirst, unidentifiedAlertsWarning } from "./messages";
import { slashFields, slashOrder, type SlashOrder } from "../common/slashDates";
import { Account, entityFactory, Host, Ip, Process, windowsId } from "./types";
import { evidenceEntity, isEvidenceRow } from "./alertEvidence";
import { cutText } from "../common/cutText";
import { shownText } from "../common/shownText";
import { isLazyFrame, isThenable, notAFrameText } from "../common/notAFrame";
import { findOptionProblem, optionTypeText, type OptionTypesOf } from "../common/options";
import { unknownOptionText } from "../common/errors";

/** An alert row: column name → value (as `df.toRecords()` gives). */
export type AlertRow = Record<string, unknown>;

function text(value: unknown): string {
  return value === null || value === undefined ? "" : String(value);
}

/** Parses the `ExtendedProperties` cell: a JSON object (or already an object); anything else is kept under `value`. */
function parseExtendedProperties(value: unknown, where: string): Record<string, unknown> {
  if (value === null || value === undefined || value === "") return {};
  if (typeof value === "object" && !Array.isArray(value)) return { ...(value as Record<string, unknown>) };
  if (typeof value !== "string") return { value };
  checkJsonDepth(value, (detail) => new EntityParseError(msg.extendedPropertiesJson(where, detail)));
  try {
    // Integers past 2^53 (a LogonId, a FILETIME) as their exact text: JSON.parse rounded them.
    const parsed: unknown = parseJsonIntegersAsText(value);
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    return { value: parsed };
  } catch (err) {
    throw new EntityParseError(msg.extendedPropertiesJson(where, jsonErrorText(err)));
  }
}

/** Options of `new SecurityAlert()`. */
export interface SecurityAlertOptions {
  /**
   * What an unparsable `Entities` or `ExtendedProperties` cell does: `"throw"`
   * (default) throws an EntityParseError; `"keep"` leaves that part empty and
   * records the message in {@link SecurityAlert.parseErrors}, so one bad row of
   * a frame does not stop the others (`fromDataFrame` keeps).
   */
  onParseError?: "throw" | "keep";
  /**
   * The row of the input this alert is (set by `fromDataFrame` and by
   * `new SecurityAlert(df, row)`): an alert with no id, name or time is keyed
   * by it. Default: the `index` when `source` is a DataFrame, else none.
   */
  position?: number;
}

/** Options of {@link SecurityAlert.fromDataFrame}. */
export interface AlertsFromDataFrameOptions {
  /**
   * Told once per frame of the alerts that have no id, name or time, and once per time column of slash dates read
   * month first with nothing to prove it (`05/06/2026`), and once for the entity time properties (in `Entities`
   * JSON or AlertEvidence's AdditionalFields) read so. Default: printed as `Warning: …`.
   */
  warn?: (message: string) => void;
}

/** The columns that name an alert, by what they give it (for {@link SecurityAlert.id} and the warning about alerts with none). */
const ALERT_IDENTITY_COLUMNS = {
  id: ["SystemAlertId", "VendorOriginalId", "AlertId"],
  name: ["AlertDisplayName", "DisplayName", "AlertName", "Title"],
  time: ["StartTimeUtc", "StartTime", "TimeGenerated", "Timestamp"],
} as const;

/**
 * A short digest of a row's values: the same row of the same data keys the
 * same alert, another row with the same position does not. Deterministic (no
 * counter, no session state): the key of an alert does not depend on which
 * alerts were keyed before it.
 */
function rowDigest(row: AlertRow): string {
  let text: string | undefined;
  try {
    text = stringifyExact(row);
  } catch {
    // A cycle (or a throwing toJSON) in a hand-made row: inspect writes cycles as [Circular *1], the same each time.
    text = inspect(row, { depth: 8, breakLength: Infinity, maxArrayLength: 1000, maxStringLength: 100_000 });
  }
  return createHash("sha256").update(text ?? "").digest("hex").slice(0, 12);
}

/** `parse()`, or — when keeping errors — `fallback` with the parse error recorded. */
function parseOrKeep<T>(parse: () => T, fallback: T, keep: boolean, errors: string[]): T {
  try {
    return parse();
  } catch (err) {
    if (!keep || !(err instanceof EntityParseError)) throw err;
    errors.push(err.message);
    return fallback;
  }
}

/**
 * A row object, as `toRecords()` gives: a plain object, not an array, a Promise or one of polars' objects
 * (a LazyDataFrame and a Series are plain objects too, and were stored as the alert's row).
 */
function isAlertRow(value: unknown): value is AlertRow {
  if (typeof value !== "object" || value === null || isThenable(value) || isLazyFrame(value) || isSeries(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** An array where one alert belongs: its rows, one of which is the alert. */
function rowsText(rows: readonly unknown[]): string {
  return `an array of ${rows.length} item${rows.length === 1 ? "" : "s"}: pass one alert row of it (rows[0]), or the alerts DataFrame and the row number`;
}

const OPTION_TYPES = { onParseError: { oneOf: ["throw", "keep"] }, position: "index" } as const satisfies OptionTypesOf<SecurityAlertOptions>;

/** Options from untyped cells: `null` failed reading `position`, a misspelt name was ignored. */
/** The alert times and the columns each is read from, first present wins. */
const ALERT_TIMES = { TimeGenerated: ["TimeGenerated", "Timestamp"], StartTimeUtc: ["StartTimeUtc", "StartTime"], EndTimeUtc: ["EndTimeUtc", "EndTime"] } as const;

/**
 * What fromDataFrame hands each alert of a frame (a symbol key: no option a user can pass): the slash-date order
 * of each time column, decided from all its values as the readers decide it, and the columns read month first
 * without proof, for its one warning per column.
 */
const FRAME_TIMES = Symbol("frameTimes");
interface FrameTimes {
  orders: ReadonlyMap<string, SlashOrder>;
  ambiguous: Set<string>;
  /** Entity time properties (`process.CreationTimeUtc`) read month first without proof, for one warning per frame. */
  ambiguousEntityTimes: Set<string>;
}

/** The slash-date order of each alert time column of `rows` that holds slash dates (see common/slashDates.ts). */
function columnSlashOrders(rows: readonly AlertRow[]): Map<string, SlashOrder> {
  const orders = new Map<string, SlashOrder>();
  for (const column of Object.values(ALERT_TIMES).flat()) {
    let first = 0;
    let second = 0;
    for (const row of rows) {
      const fields = typeof row[column] === "string" ? slashFields(row[column]) : undefined;
      if (fields) [first, second] = [Math.max(first, fields[0]), Math.max(second, fields[1])];
    }
    const order = first > 0 ? slashOrder(first, second) : undefined;
    if (order) orders.set(column, order);
  }
  return orders;
}

function checkOptions(options: unknown): void {
  const found = findOptionProblem(options, OPTION_TYPES);
  if (!found) return;
  const fn = "new SecurityAlert";
  if (found.problem === "unknown") throw new EntityParseError(msg.invalidOption(unknownOptionText(fn, found.unknown, found.known)));
  if (found.problem === "not-object") throw new EntityParseError(msg.alertOptions(found.value));
  throw new EntityParseError(msg.invalidOption(optionTypeText(fn, found.option, found.expected, found.value)));
}

/** A security alert with its entities. */
export class SecurityAlert implements Displayable {
  /** Every column of the source row, as given. */
  readonly row: Readonly<AlertRow>;
  readonly SystemAlertId: string;
  readonly AlertDisplayName: string;
  readonly AlertName: string;
  readonly AlertType: string;
  readonly Severity: string;
  readonly Description: string;
  readonly ProviderName: string;
  readonly VendorName: string;
  readonly CompromisedEntity: string;
  readonly TimeGenerated?: Date;
  readonly StartTimeUtc?: Date;
  readonly EndTimeUtc?: Date;
  /** The parsed `ExtendedProperties` JSON. */
  readonly ExtendedProperties: Record<string, unknown>;
  /** The alert's entities, in the order of its `Entities` JSON, references resolved. */
  readonly entities: Entity[];
  /**
   * Why `Entities` or `ExtendedProperties` could not be parsed (only with `onParseError: "keep"`), and each
   * `Entities` item skipped as no entity object (`null`, `"true"`); empty when both parsed whole.
   */
  readonly parseErrors: readonly string[];
  /** The row of the input this alert is (see {@link SecurityAlertOptions.position}); undefined when not known. */
  readonly position?: number;

  /**
   * @param source an alert row (`df.toRecords()[i]`) or an alerts DataFrame;
   *   anything else (a query not awaited, a LazyDataFrame, an array of rows) is
   *   an `entities/alert-input` error saying what to pass
   * @param index the row to take when `source` is a DataFrame. Default 0.
   */
  constructor(source: AlertRow | DataFrame, index = 0, options: SecurityAlertOptions = {}) {
    checkOptions(options);
    let row: AlertRow;
    let position = options.position;
    if (isDataFrame(source)) {
      // Column names come from the data: read past polars' column proxy (see common/frames.ts).
      const height = frameHeight(source);
      if (!Number.isInteger(index) || index < 0 || index >= height) {
        throw new EntityParseError(msg.rowOutOfRange(index, height));
      }
      row = frameRecords(source, { offset: index, length: 1 })[0];
      position ??= index;
    } else if (isAlertRow(source)) {
      // A row number goes with the frame it numbers: `new SecurityAlert(row, 5)` took the row and dropped the 5.
      if (index !== 0) throw new EntityParseError(msg.rowWithObject(index));
      row = source;
    } else {
      // From an untyped cell: a query not awaited made an alert of nothing (no name, no entities), drawn as "Alert: ".
      throw new EntityParseError(msg.alertInput(Array.isArray(source) ? rowsText(source) : notAFrameText(source)));
    }
    this.row = row;
    if (position !== undefined) this.position = position;
    this.SystemAlertId = text(row.SystemAlertId);
    // Defender XDR's AlertInfo and AlertEvidence rows name an alert `Title`, `AlertId` and `Timestamp`.
    this.AlertDisplayName = text(row.AlertDisplayName ?? row.DisplayName ?? row.AlertName ?? row.Title);
    this.AlertName = text(row.AlertName ?? row.AlertDisplayName ?? row.Title);
    this.AlertType = text(row.AlertType);
    this.Severity = text(row.Severity);
    this.Description = text(row.Description);
    this.ProviderName = text(row.ProviderName);
    this.VendorName = text(row.VendorName);
    this.CompromisedEntity = text(row.CompromisedEntity);
    const where = `alert ${this.SystemAlertId || this.AlertDisplayName || "(no SystemAlertId)"}`;
    const frame = (options as { [FRAME_TIMES]?: FrameTimes })[FRAME_TIMES];
    const time = (columns: readonly string[]): Date | undefined => {
      const column = columns.find((c) => row[c] !== undefined && row[c] !== null) ?? columns[0];
      const onAmbiguous = () => (frame ? frame.ambiguous.add(column) : printWarning(slashTimeMonthFirst(where, column, row[column])));
      return parseEntityTime(row[column], { order: frame?.orders.get(column), onAmbiguous });
    };
    this.TimeGenerated = time(ALERT_TIMES.TimeGenerated);
    this.StartTimeUtc = time(ALERT_TIMES.StartTimeUtc);
    this.EndTimeUtc = time(ALERT_TIMES.EndTimeUtc);
    // Entity times follow the same slash-date rule, and are warned of the same way (they were read silently).
    const entityTimes: string[] = [];
    let firstEntityTime: string | undefined;
    const onAmbiguousTime = (property: string, value: string) => {
      if (frame) frame.ambiguousEntityTimes.add(property);
      else if (!entityTimes.includes(property)) {
        entityTimes.push(property);
        firstEntityTime ??= value;
      }
    };
    const errors: string[] = [];
    const keep = options.onParseError === "keep";
    this.ExtendedProperties = parseOrKeep(() => parseExtendedProperties(row.ExtendedProperties, where), {}, keep, errors);
    // A Defender XDR AlertEvidence row is one entity in columns, not an `Entities` cell.
    this.entities = isEvidenceRow(row) ? [evidenceEntity(row, { onAmbiguousTime })] : parseOrKeep(() => parseEntities(row.Entities, `${where}: Entities`, errors, { onAmbiguousTime }), [], keep, errors);
    if (entityTimes.length) printWarning(slashEntityTimeMonthFirst(`${where}: Entities`, entityTimes, firstEntityTime));
    this.parseErrors = Object.freeze(errors);
  }

  /**
   * Every alert of a DataFrame, in row order. A row whose JSON does not parse
   * is still an alert, with its error in `parseErrors` (alert data is not
   * trusted: one bad row must not lose the others).
   */
  static fromDataFrame(df: DataFrame, options: AlertsFromDataFrameOptions = {}): SecurityAlert[] {
    // Another query's rows (host logons) made alerts of nothing: blank nodes in a graph, without a word.
    const columns = columnNames(df);
    const alertColumns = [...ALERT_IDENTITY_COLUMNS.id, ...ALERT_IDENTITY_COLUMNS.name, "Entities"];
    if (frameHeight(df) > 0 && !alertColumns.some((c) => columns.includes(c))) throw new EntityParseError(msg.notAlertsFrame(alertColumns, columns));
    const rows = frameRecords(df);
    const times: FrameTimes = { orders: columnSlashOrders(rows), ambiguous: new Set(), ambiguousEntityTimes: new Set() };
    const alerts = rows.map((row, position) => new SecurityAlert(row, 0, { onParseError: "keep", position, [FRAME_TIMES]: times } as SecurityAlertOptions));
    const warn = options.warn ?? printWarning;
    for (const column of times.ambiguous) warn(slashTimeMonthFirst("SecurityAlert.fromDataFrame", column));
    if (times.ambiguousEntityTimes.size) warn(slashEntityTimeMonthFirst("SecurityAlert.fromDataFrame: Entities", [...times.ambiguousEntityTimes]));
    // Once per frame, not per alert: a frame without id, name and time columns would print a line per row.
    const unnamed = alerts.filter((a) => !a.identified);
    if (unnamed.length) {
      warn(unidentifiedAlertsWarning(unnamed.length, alerts.length, unnamed.map((a) => a.position ?? 0), ALERT_IDENTITY_COLUMNS));
    }
    return alerts;
  }

  /** True when the alert has an id, a name or a time to be known by (else it is keyed by its row: see {@link id}). */
  get identified(): boolean {
    return !!(this.SystemAlertId || text(this.row.VendorOriginalId) || text(this.row.AlertId) || this.AlertDisplayName || (this.StartTimeUtc ?? this.TimeGenerated));
  }

  /**
   * The alert's id: `SystemAlertId`, else the vendor's id (Defender XDR's
   * `AlertId`), else display name and time. An alert with none of them is
   * keyed by its row and a digest of its values (`(no id) row 3 1a2b…`), or
   * by the digest alone when its row is not known (`(no id) 1a2b…`): such
   * alerts all had the id `@` and became one node of a graph.
   *
   * Alerts built from identical rows whose position is unknown share a key —
   * deliberately: nothing in them tells them apart, and a key that numbered
   * them would depend on the order ids are read in a session (a graph drawn
   * twice would differ). To keep such rows apart, build the alerts with
   * `fromDataFrame` or give each its `position`.
   */
  get id(): string {
    const id = this.SystemAlertId || text(this.row.VendorOriginalId) || text(this.row.AlertId);
    if (id) return id;
    if (this.identified) return `${this.AlertDisplayName}@${formatEntityValue(this.StartTimeUtc ?? this.TimeGenerated)}`;
    const digest = rowDigest(this.row);
    return this.position === undefined ? `(no id) ${digest}` : `(no id) row ${this.position} ${digest}`;
  }

  /** `Alert: <display name>`, as MSTICPy names alert nodes. */
  get nameStr(): string {
    return `Alert: ${this.AlertDisplayName}`;
  }

  /** Every entity of the alert, nested ones included, each once (depth-first, in order). */
  allEntities(): Entity[] {
    const seen = new Set<Entity>();
    const visit = (e: Entity): void => {
      if (seen.has(e)) return;
      seen.add(e);
      for (const r of e.relations()) visit(r.entity);
    };
    this.entities.forEach(visit);
    return [...seen];
  }

  /**
   * Entities of one type, nested ones included: by name in any case, with or without hyphens
   * (`registry-value` or MSTICPy's `registryvalue`), or by class (`"ipaddress"` finds `ip` entities), as MSTICPy finds them.
   */
  entitiesOfType(type: string): Entity[] {
    const bare = (name: string) => name.toLowerCase().replace(/-/g, "");
    const t = bare(type);
    const cls = entityFactory(type)?.({}).constructor;
    return this.allEntities().filter((e) => bare(e.Type) === t || (cls !== undefined && e.constructor === cls));
  }

  /** The alert's host: the first host entity, else a host named by `CompromisedEntity`. */
  get primaryHost(): Host | undefined {
    const host = this.allEntities().find((e): e is Host => e instanceof Host);
    if (host) return host;
    return this.CompromisedEntity ? new Host({ HostName: this.CompromisedEntity }) : undefined;
  }

  /** The first account entity. */
  get primaryAccount(): Account | undefined {
    return this.allEntities().find((e): e is Account => e instanceof Account);
  }

  /**
   * The alerted process, as MSTICPy picks it: the first whose parent is one of the alert's processes (the
   * child, not the parent that started it), else the first process.
   */
  get primaryProcess(): Process | undefined {
    const procs = this.allEntities().filter((e): e is Process => e instanceof Process);
    const id = (p: Process | undefined) => (typeof p?.ProcessId === "string" && p.ProcessId.trim() !== "" ? windowsId(p.ProcessId.trim()) : undefined);
    const ids = new Set(procs.map(id));
    return procs.find((p) => id(p.ParentProcess) !== undefined && ids.has(id(p.ParentProcess))) ?? procs[0];
  }

  /** The IP address entities. */
  get ipAddresses(): Ip[] {
    return this.allEntities().filter((e): e is Ip => e instanceof Ip);
  }

  /** OS family of the alert's host (`"Windows"`, `"Linux"`), or `"Unknown"`. */
  get osFamily(): string {
    const host = this.primaryHost;
    if (host?.OSFamily) return host.OSFamily;
    const ep = this.ExtendedProperties;
    const hint = text(ep.OSFamily ?? ep["OS Family"] ?? ep.osFamily);
    return hint || "Unknown";
  }

  /** A card: name, severity, times, description, extended properties and the entity cards (all escaped). */
  /** The alert as a card, with its entities' cards. */
  card(): SafeHtml {
    const facts: [string, unknown][] = [
      ["Severity", this.Severity],
      ["Time generated", this.TimeGenerated],
      ["Start", this.StartTimeUtc],
      ["End", this.EndTimeUtc],
      ["Provider", this.ProviderName],
      ["Compromised entity", this.CompromisedEntity],
      ["SystemAlertId", this.SystemAlertId],
    ];
    const row = ([k, v]: [string, unknown]): SafeHtml =>
      html`<tr><th style="text-align:left;padding:1px 8px 1px 0;vertical-align:top">${cutText(k, MAX_CARD_KEY)}</th><td style="text-align:left;word-break:break-all">${cutText(formatEntityValue(v), MAX_CARD_VALUE)}</td></tr>`;
    const factRows = facts.filter(([, v]) => v !== undefined && v !== "").map(row);
    const extended = Object.entries(this.ExtendedProperties);
    return html`<div class="hl-alert" style="border:1px solid var(--jp-border-color2,#ccc);border-radius:4px;padding:6px 8px;font-size:12px"><div style="font-weight:bold;font-size:13px">${cutText(this.nameStr, MAX_CARD_VALUE)}</div>${
      this.Description ? html`<div style="margin:2px 0 4px">${cutText(this.Description, MAX_CARD_VALUE * 4)}</div>` : ""
    }<table style="border-collapse:collapse">${factRows}</table>${
      extended.length ? html`<details><summary>Extended properties (${extended.length})</summary><table style="border-collapse:collapse">${extended.map(row)}</table></details>` : ""
    }<div style="margin-top:4px"><b>Entities (${this.entities.length})</b></div><div>${this.entities.map((e) => e.card())}</div></div>`;
  }


  /** The alert as text: name, severity, time, id and one line per entity. */
  toText(): string {
    const lines = [
      `${this.nameStr} [${this.Severity}] ${formatEntityValue(this.StartTimeUtc ?? this.TimeGenerated)}`,
      `  SystemAlertId: ${this.SystemAlertId}`,
      ...this.entities.map((e) => `  - ${e.Type}: ${e.nameStr}`),
    ];
    // Alert text is log data: its control and bidi characters show as escapes.
    return lines.map((l) => shownText(l, MAX_TEXT_VALUE)).join("\n");
  }

  /** The card as a static HTML view. */
  toHtml(): string {
    return htmlView({ kind: "alert", fallback: { alt: cutText(this.nameStr, MAX_TEXT_VALUE), html: this.card() }, text: this.toText() }).toHtml();
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    return wellFormedBundle({ "text/html": this.toHtml(), "text/plain": this.toText() });
  }

  [inspect.custom](depth: number, options: InspectOptions): string {
    return inspectLastValue(this, depth, options, () => `SecurityAlert(${shownText(String(this.AlertDisplayName), MAX_TEXT_VALUE)}, ${this.entities.length} entities)`);
  }
}
