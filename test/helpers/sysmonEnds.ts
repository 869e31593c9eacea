/**
 * Sysmon 1 (process created) and 5 (process terminated) events of one host, made here for the process tree's ends
 * (`ProcessEndTime`, src/data/schemas/processEnds.ts): explorer.exe (not in the data: an inferred parent) started
 * cmd.exe, which never ends; cmd.exe started powershell.exe (ends after 3.2 s), backup.exe (ends after 2 h 5 min)
 * and whoami.exe, whose event 5 is logged a second before its start (clocks apart, or a forged event).
 */
import pl from "nodejs-polars";

/** The first event's time: 2026-11-02 14:00:00 UTC. */
export const ENDS_T0 = Date.UTC(2026, 10, 2, 14, 0, 0);
/**
 * The same events moved so powershell.exe starts a second before Europe/Berlin's clocks go back (2026-10-25
 * 03:00 CEST = 01:00 UTC) and ends 3.2 s later, at 02:00:01.200 CET: a lifetime across a daylight-saving change.
 */
export const BERLIN_CHANGE_T0 = Date.UTC(2026, 9, 25, 0, 59, 56);
const guid = (n: number): string => `{6d1a2f3e-5b00-6570-${String(n).padStart(4, "0")}-000000000a0${n}}`;

const EXPLORER = "C:\\Windows\\explorer.exe";
const CMD = "C:\\Windows\\System32\\cmd.exe";
const POWERSHELL = "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe";
const BACKUP = "C:\\Tools\\backup.exe";
const WHOAMI = "C:\\Windows\\System32\\whoami.exe";

/** What the view should say of each process, by image name: its end time text and lifetime. */
export const EXPECTED_ENDS: Record<string, { end: string; lifetime: string }> = {
  "explorer.exe": { end: "", lifetime: "no end seen" },
  "cmd.exe": { end: "", lifetime: "no end seen" },
  "powershell.exe": { end: "2026-11-02 14:00:05.200", lifetime: "ran 3.2 s" },
  "backup.exe": { end: "2026-11-02 16:05:03.000", lifetime: "ran 2 h 5 min" },
  "whoami.exe": { end: "2026-11-02 14:00:19.000", lifetime: "inconsistent order: ended before it started" },
};

/** The events, in time order of their rows (the forged end after the start it precedes); `t0`: the first event's time. */
export function sysmonEndEvents(t0 = ENDS_T0): pl.DataFrame {
  const at = (s: number): Date => new Date(t0 + s * 1000);
  // [event id, time (s), guid, pid, image, command line, parent guid, parent pid, parent image]
  const rows: [number, number, number, number, string, string | null, number | null, number | null, string | null][] = [
    [1, 0, 1, 4100, CMD, "cmd.exe /k", 8, 3000, EXPLORER],
    [1, 2, 2, 4200, POWERSHELL, "powershell.exe -nop -c Get-Date", 1, 4100, CMD],
    [1, 3, 3, 4300, BACKUP, "backup.exe --all", 1, 4100, CMD],
    [5, 5.2, 2, 4200, POWERSHELL, null, null, null, null],
    [1, 20, 4, 4400, WHOAMI, "whoami /all", 1, 4100, CMD],
    [5, 19, 4, 4400, WHOAMI, null, null, null, null],
    [5, 3 + 2 * 3600 + 5 * 60, 3, 4300, BACKUP, null, null, null, null],
  ];
  return pl.DataFrame([
    pl.Series("EventID", rows.map((r) => r[0]), pl.Int64),
    pl.Series("UtcTime", rows.map((r) => at(r[1])), pl.Datetime("ms")),
    pl.Series("Computer", rows.map(() => "WS01.contoso.local")),
    pl.Series("ProcessGuid", rows.map((r) => guid(r[2]))),
    pl.Series("ProcessId", rows.map((r) => r[3]), pl.Int64),
    pl.Series("Image", rows.map((r) => r[4])),
    pl.Series("CommandLine", rows.map((r) => r[5]), pl.Utf8),
    pl.Series("User", rows.map(() => "CONTOSO\\alice")),
    pl.Series("ParentProcessGuid", rows.map((r) => (r[6] === null ? null : guid(r[6]))), pl.Utf8),
    pl.Series("ParentProcessId", rows.map((r) => r[7]), pl.Int64),
    pl.Series("ParentImage", rows.map((r) => r[8]), pl.Utf8),
  ]);
}
