/**
 * Event Viewer's "Save All Events As… → CSV (Comma delimited)" and "Text (Tab delimited)": a header of the view's
 * columns (`Level, Date and Time, Source, Event ID, Task Category` by default, `Keywords` first in the Security log,
 * more when the user added columns; German Windows writes `Ebene, Datum und Uhrzeit, Quelle, Ereignis-ID,
 * Aufgabenkategorie`) and, in each row, one more field without a header name: the event's Message, quoted, over
 * several lines. Renamed here into a Get-WinEvent export's columns, so that winEventFields and everything
 * after it read it unchanged.
 */
import pl from "nodejs-polars";
import { columnNames, columnOf, frameOf } from "../../common/frames";

/** Event Viewer's column names (English; View → Add/Remove Columns) → the Get-WinEvent export's column they hold. */
const ENGLISH: Readonly<Record<string, string>> = {
  Level: "LevelDisplayName",
  Keywords: "KeywordsDisplayNames",
  "Date and Time": "TimeCreated",
  Source: "ProviderName",
  "Event ID": "Id",
  "Task Category": "TaskDisplayName",
  User: "UserId",
  "Operational Code": "OpcodeDisplayName",
  Log: "LogName",
  Computer: "MachineName",
  "Process ID": "ProcessId",
  "Thread ID": "ThreadId",
  "Correlation Id": "ActivityId",
  "Relative Correlation Id": "RelatedActivityId",
};

/**
 * German Windows' names of the default view's columns, as a German export's header writes them (seen in a public
 * export of the EVTX-to-MITRE-Attack samples: `Ebene,Datum und Uhrzeit,Quelle,Ereignis-ID,Aufgabenkategorie`). The
 * columns a user adds (Keywords, Computer…) are left out until their German names are seen in a real export: a
 * German export with them is not recognised (read as a plain CSV), rather than read with a guessed mapping.
 */
const GERMAN: Readonly<Record<string, string>> = {
  Ebene: "LevelDisplayName",
  "Datum und Uhrzeit": "TimeCreated",
  Quelle: "ProviderName",
  "Ereignis-ID": "Id",
  Aufgabenkategorie: "TaskDisplayName",
};

/** Each language's header names; a header is one language's (names are not mixed). */
const LANGUAGES: readonly Readonly<Record<string, string>>[] = [ENGLISH, GERMAN];

/** The columns every Event Viewer export has (the view cannot hide them all; these are its defaults), by what they hold. */
const REQUIRED = ["TimeCreated", "ProviderName", "Id"] as const;

/** The language of Event Viewer column names `named` (the header without the Message), or undefined when they are none's. */
function languageOf(named: readonly string[]): Readonly<Record<string, string>> | undefined {
  return LANGUAGES.find((columns) => named.every((n) => Object.hasOwn(columns, n)) && REQUIRED.every((c) => named.some((n) => columns[n] === c)));
}

/**
 * Event Viewer shows a provider's display name as `Source` where the export's ProviderName is its name: the two
 * providers huntlab reads, by their display names. Another name stays as written (its rows are no query's).
 */
const PROVIDERS: Readonly<Record<string, string>> = {
  "Microsoft Windows security auditing.": "Microsoft-Windows-Security-Auditing",
  Sysmon: "Microsoft-Windows-Sysmon",
};

/**
 * True when `names` (a CSV or tab-separated file's columns as read) are an Event Viewer export's: every name one of
 * Event Viewer's columns in one language, `Date and Time`, `Source` and `Event ID` (German: `Datum und Uhrzeit`,
 * `Quelle`, `Ereignis-ID`) among them, and last one without a header name (`column_<i>`, the Message).
 */
export function isEventViewerExport(names: readonly string[]): boolean {
  if (names.length < REQUIRED.length + 1 || names[names.length - 1] !== `column_${names.length - 1}`) return false;
  return languageOf(names.slice(0, -1)) !== undefined;
}

/** True when `name` is the `Date and Time` column (in its language) of an Event Viewer export of columns `names`. */
export function isEventViewerTimeColumn(name: string, names: readonly string[]): boolean {
  if (!isEventViewerExport(names)) return false;
  return languageOf(names.slice(0, -1))?.[name] === "TimeCreated";
}

/** A Source as the provider's name ({@link PROVIDERS}). */
function providerNames(source: pl.Series): pl.Series {
  const values = (source.toArray() as unknown[]).map((v) => {
    const text = v === null || v === undefined ? null : String(v).trim();
    return text !== null && Object.hasOwn(PROVIDERS, text) ? PROVIDERS[text] : text;
  });
  return pl.Series("ProviderName", values, pl.Utf8);
}

/** German Windows' `Date and Time`: day, month, year with dots and a 24-hour clock, one order only. */
const DOTTED_TIME = /^\s*(\d{1,2})\.(\d{1,2})\.(\d{4}) (\d{1,2}):(\d{2}):(\d{2})\s*$/;

/** A dotted time as the local time written (a UTC Date of those fields, as the readers give naive times), or undefined when it is none or does not exist (31.02.2021). */
function dottedTime(text: string): Date | undefined {
  const m = DOTTED_TIME.exec(text);
  if (!m) return undefined;
  const [d, mo, y, h, mi, s] = m.slice(1).map(Number);
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  // Date.UTC rolls 31 February over into March: such a time is no time.
  return date.getUTCDate() === d && date.getUTCMonth() === mo - 1 && date.getUTCHours() === h && date.getUTCMinutes() === mi && date.getUTCSeconds() === s ? date : undefined;
}

/**
 * A text column of dotted times (`27.10.2021 12:28:26`) as local times as written (Datetime(ms), as the readers give
 * an English export's); any other column unchanged, and the text kept whole when one value is no such time.
 */
function dottedTimes(series: pl.Series): pl.Series {
  if (series.dtype.variant !== "String") return series;
  const texts = series.toArray() as (string | null)[];
  const times = texts.map((t) => (t === null ? null : dottedTime(t)));
  if (times.includes(undefined) || times.every((t) => t === null)) return series;
  return pl.Series(series.name, times, pl.Datetime("ms"));
}

/** What {@link eventViewerFrame} made of the file. */
export interface EventViewerFrame {
  df: pl.DataFrame;
  /** True when the export had no `Computer` column: MachineName is null in every row. */
  noComputer: boolean;
}

/**
 * An Event Viewer export ({@link isEventViewerExport}) in a Get-WinEvent export's columns: the Message from the
 * unnamed last field (line ends `\n`), `Date and Time` as TimeCreated (the reader's time parsing as for a Get-WinEvent
 * export's: the machine's local time; German's `27.10.2021 12:28:26`, day first by its dots, here), `Source` as
 * ProviderName (display names of Security and Sysmon as their provider names), `Event ID` as Id, the others by
 * {@link ENGLISH}; `MachineName` null when the view had no Computer column.
 */
export function eventViewerFrame(df: pl.DataFrame): EventViewerFrame {
  const names = columnNames(df);
  const named = names.slice(0, -1);
  const message = columnOf(df, names[names.length - 1]);
  const messages = (message.toArray() as unknown[]).map((v) => (v === null || v === undefined ? null : String(v).replace(/\r\n?/g, "\n")));
  const language = languageOf(named) ?? ENGLISH;
  const columns = named.map((n) => (language[n] === "ProviderName" ? providerNames(columnOf(df, n)) : language[n] === "TimeCreated" ? dottedTimes(columnOf(df, n)).rename("TimeCreated") : columnOf(df, n).rename(language[n])));
  const noComputer = !named.some((n) => language[n] === "MachineName");
  if (noComputer) columns.push(pl.Series("MachineName", new Array<string | null>(messages.length).fill(null), pl.Utf8));
  return { df: frameOf([pl.Series("Message", messages, pl.Utf8), ...columns]), noComputer };
}
