/**
 * Event Viewer's "Save All Events As… → CSV (Comma delimited)" and "Text (Tab delimited)": a header of the view's
 * columns (`Level, Date and Time, Source, Event ID, Task Category` by default, `Keywords` first in the Security log,
 * more when the user added columns) and, in each row, one more field without a header name: the event's Message,
 * quoted, over several lines. Renamed here into a Get-WinEvent export's columns, so that winEventFields and everything
 * after it read it unchanged.
 */
import pl from "nodejs-polars";
import { columnNames, columnOf, frameOf } from "../../common/frames";

/** Event Viewer's column names (English; View → Add/Remove Columns) → the Get-WinEvent export's column they hold. */
const COLUMNS: Readonly<Record<string, string>> = {
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

/** The columns every Event Viewer export has (the view cannot hide them all; these are its defaults). */
const REQUIRED = ["Date and Time", "Source", "Event ID"] as const;

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
 * Event Viewer's columns, `Date and Time`, `Source` and `Event ID` among them, and last one without a header name
 * (`column_<i>`, the Message).
 */
export function isEventViewerExport(names: readonly string[]): boolean {
  if (names.length < REQUIRED.length + 1 || names[names.length - 1] !== `column_${names.length - 1}`) return false;
  const named = names.slice(0, -1);
  return named.every((n) => Object.hasOwn(COLUMNS, n)) && REQUIRED.every((n) => named.includes(n));
}

/** A Source as the provider's name ({@link PROVIDERS}). */
function providerNames(source: pl.Series): pl.Series {
  const values = (source.toArray() as unknown[]).map((v) => {
    const text = v === null || v === undefined ? null : String(v).trim();
    return text !== null && Object.hasOwn(PROVIDERS, text) ? PROVIDERS[text] : text;
  });
  return pl.Series("ProviderName", values, pl.Utf8);
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
 * export's: the machine's local time), `Source` as ProviderName (display names of Security and Sysmon as their
 * provider names), `Event ID` as Id, the others by {@link COLUMNS}; `MachineName` null when the view had no Computer column.
 */
export function eventViewerFrame(df: pl.DataFrame): EventViewerFrame {
  const names = columnNames(df);
  const named = names.slice(0, -1);
  const message = columnOf(df, names[names.length - 1]);
  const messages = (message.toArray() as unknown[]).map((v) => (v === null || v === undefined ? null : String(v).replace(/\r\n?/g, "\n")));
  const columns = named.map((n) => (n === "Source" ? providerNames(columnOf(df, n)) : columnOf(df, n).rename(COLUMNS[n])));
  const noComputer = !named.includes("Computer");
  if (noComputer) columns.push(pl.Series("MachineName", new Array<string | null>(messages.length).fill(null), pl.Utf8));
  return { df: frameOf([pl.Series("Message", messages, pl.Utf8), ...columns]), noComputer };
}
