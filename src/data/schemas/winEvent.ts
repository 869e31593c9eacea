/**
 * Windows events exported the plain way, `Get-WinEvent | Export-Csv`: the
 * columns are the .NET EventLogRecord's, the event's own fields only in the
 * `Message` text, and `ProcessId` is the process that wrote the log (4 for
 * Security), so a close-name hint would lead to a wrong process tree.
 */

/** The docs section whose PowerShell command exports the EventData fields as columns. */
export const EVTX_DOCS = 'docs/schemas.md, section "From EVTX (Windows event logs)"';

/** EventLogRecord properties every Get-WinEvent export has (Export-Csv writes them all, in this case). */
const RECORD_COLUMNS = ["Message", "Id", "ProviderName", "MachineName", "TimeCreated"] as const;

/** True when the columns are a Get-WinEvent export's (EventLogRecord properties, not the event's fields). */
export function isWinEventExport(columns: readonly string[]): boolean {
  const have = new Set(columns);
  return RECORD_COLUMNS.every((c) => have.has(c));
}
