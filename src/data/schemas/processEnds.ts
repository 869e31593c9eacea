/**
 * Process ends: Sysmon's event 5 (ProcessTerminate) in the same frame as its event 1 (ProcessCreate) gives each
 * process the time it ended, as a column of its creation row ({@link PROCESS_END_COLUMN}). MSTICPy's process tree
 * has no end time; huntlab's carries it where the data records one, so a tree and its text show how long each
 * process lived. Read before a frame is cut to its process creations (normalizeEvents, buildProcessTree): the
 * event 5 rows themselves stay no process.
 *
 * A process's end is the event 5 of its host with its `ProcessGuid` (Sysmon's GUID names one process); where a row
 * has no GUID (empty, all zeros), the first event 5 of its host and `ProcessId` at or after its start, of the same
 * image where both name one, and before the next start of that id on the host (a PID reused after an end the data
 * lacks is another process's).
 */
import pl from "nodejs-polars";
import { columnNames, columnOf, frameHeight, frameOf } from "../../common/frames";
import { convert } from "./convert";
import { fieldSeries } from "./fields";

/** The column of a process's end time, on its creation row (null where the data has no end for it). */
export const PROCESS_END_COLUMN = "ProcessEndTime";
/**
 * The end time of a process's parent (by its parent GUID), on the child's row, where the data has it: a parent
 * whose creation is not in the data (started before the log) is rebuilt by the tree from its children's rows, and
 * takes its end from this column (the Sysmon schemas' `parentColumns`).
 */
export const PARENT_END_COLUMN = "ParentProcessEndTime";

/** Where a layout writes what a start and an end event need. */
interface EndLayout {
  eventId: string;
  start: number;
  end: number;
  time: string;
  guid: string;
  parentGuid: string;
  pid: string;
  image: string;
  host: string;
  /** The provider or channel column, and the values of this layout's events: other logs' event 5 is no process end. */
  provider?: { field: string; values: readonly string[] };
}

/** Sysmon's EventData as columns (EVTX, wevtutil XML, Sysmon for Linux's syslog and journal, the docs' CSV command, a Message read). */
const SYSMON: EndLayout = {
  eventId: "EventID",
  start: 1,
  end: 5,
  time: "UtcTime",
  guid: "ProcessGuid",
  parentGuid: "ParentProcessGuid",
  pid: "ProcessId",
  image: "Image",
  host: "Computer",
  provider: { field: "ProviderName", values: ["Microsoft-Windows-Sysmon", "Linux-Sysmon"] },
};

/** Sysmon under a Wazuh manager's alerts (`data.win.eventdata.*`, names lower-cased first). */
const WAZUH_SYSMON: EndLayout = {
  eventId: "data.win.system.eventID",
  start: 1,
  end: 5,
  time: "data.win.eventdata.utcTime",
  guid: "data.win.eventdata.processGuid",
  parentGuid: "data.win.eventdata.parentProcessGuid",
  pid: "data.win.eventdata.processId",
  image: "data.win.eventdata.image",
  host: "data.win.system.computer",
  provider: { field: "data.win.system.channel", values: ["Microsoft-Windows-Sysmon/Operational", "Linux-Sysmon/Operational"] },
};

const LAYOUTS: readonly EndLayout[] = [SYSMON, WAZUH_SYSMON];

/** A column's values as trimmed text, null for none (the values of a field the frame lacks are all null). */
function texts(df: pl.DataFrame, field: string): (string | null)[] {
  const series = fieldSeries(df, field);
  if (!series) return new Array<null>(frameHeight(df)).fill(null);
  return (series.cast(pl.Utf8).toArray() as (string | null | undefined)[]).map((v) => {
    const t = v === null || v === undefined ? "" : v.trim();
    return t === "" ? null : t;
  });
}

/** A GUID as compared: without braces, lower case; null for none or Sysmon's all-zero GUID. */
function guidKey(value: string | null): string | null {
  if (value === null) return null;
  const bare = value.replace(/^\{|\}$/g, "").toLowerCase();
  return /^[0-]*$/.test(bare) ? null : bare;
}

/** A PID as compared: a whole number as its digits (`420`, `420.0`, `0x1a4` alike), else the text. */
function pidKey(value: string | null): string | null {
  if (value === null) return null;
  const n = /^0x[0-9a-f]+$/i.test(value) ? Number.parseInt(value, 16) : Number(value);
  return Number.isInteger(n) ? String(n) : value;
}

/** An image as compared: lower case, `/` and `\` alike. */
const imageKey = (value: string | null): string | null => (value === null ? null : value.toLowerCase().replace(/\//g, "\\"));

/** The event id of each row as a number (NaN for none), cast by polars (`"5"`, `5.0`): no JavaScript per row. */
function eventIds(series: pl.Series): number[] {
  const numbers = (series.dtype.variant === "Utf8" || series.dtype.variant === "String" ? series.str.strip() : series).cast(pl.Float64, false);
  return Array.from(numbers.toArray() as (number | null)[], (v) => (v === null ? Number.NaN : v));
}

/** The layout whose start and end events the frame holds, or undefined. */
function endLayout(df: pl.DataFrame): { layout: EndLayout; ids: number[] } | undefined {
  for (const layout of LAYOUTS) {
    const idSeries = fieldSeries(df, layout.eventId);
    if (!idSeries || !fieldSeries(df, layout.time)) continue;
    // Most process frames hold no end: told by polars before any row is read in JavaScript.
    const numbers = (idSeries.dtype.variant === "Utf8" || idSeries.dtype.variant === "String" ? idSeries.str.strip() : idSeries).cast(pl.Float64, false);
    if (!numbers.eq(layout.end).any()) continue;
    const ids = eventIds(idSeries);
    if (ids.includes(layout.start)) return { layout, ids };
  }
  return undefined;
}

/**
 * `df` with {@link PROCESS_END_COLUMN} (a time, UTC) on each process creation whose end the frame holds, null on other
 * rows, when it holds Sysmon 1 and Sysmon 5 rows (the column all null when no end is a creation's); unchanged
 * otherwise (a column of that name it has is then kept, as a frame already read keeps it). Rows are neither added
 * nor removed.
 */
export function withProcessEnds(df: pl.DataFrame): pl.DataFrame {
  const found = endLayout(df);
  if (!found) return df;
  const { layout, ids } = found;
  const n = frameHeight(df);
  const timeSeries = convert(fieldSeries(df, layout.time)!, "time", PROCESS_END_COLUMN);
  if (!/^Datetime/.test(timeSeries.dtype.variant)) return df;
  const times = (timeSeries.toArray() as unknown[]).map((d) => (d instanceof Date ? d.getTime() : null));
  const providers = layout.provider && fieldSeries(df, layout.provider.field) ? texts(df, layout.provider.field) : undefined;
  const ofLayout = (i: number) => !providers || providers[i] === null || layout.provider!.values.includes(providers[i]!);
  const hosts = texts(df, layout.host).map((h) => (h ?? "").toLowerCase());
  const guids = texts(df, layout.guid).map(guidKey);
  const pids = texts(df, layout.pid).map(pidKey);
  const images = texts(df, layout.image).map(imageKey);

  // The ends, by host and GUID (the first, should a GUID end twice), and by host and PID in time order.
  const byGuid = new Map<string, number>();
  const byPid = new Map<string, number[]>();
  // The starts by host and PID in time order: an end after the next start of the id is not this process's.
  const startsByPid = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    if (!ofLayout(i) || times[i] === null) continue;
    if (ids[i] === layout.end) {
      if (guids[i] !== null) {
        const key = `${hosts[i]}|${guids[i]}`;
        const had = byGuid.get(key);
        if (had === undefined || times[i]! < times[had]!) byGuid.set(key, i);
      }
      if (pids[i] !== null) push(byPid, `${hosts[i]}|${pids[i]}`, i);
    } else if (ids[i] === layout.start && pids[i] !== null) push(startsByPid, `${hosts[i]}|${pids[i]}`, i);
  }
  const byTime = (a: number, b: number) => times[a]! - times[b]!;
  for (const rows of byPid.values()) rows.sort(byTime);
  for (const rows of startsByPid.values()) rows.sort(byTime);

  const ends: (Date | null)[] = new Array<Date | null>(n).fill(null);
  const parentEnds: (Date | null)[] = new Array<Date | null>(n).fill(null);
  const parentGuids = texts(df, layout.parentGuid).map(guidKey);
  for (let i = 0; i < n; i++) {
    if (ids[i] !== layout.start || !ofLayout(i) || times[i] === null) continue;
    const parentEnd = parentGuids[i] !== null ? byGuid.get(`${hosts[i]}|${parentGuids[i]}`) : undefined;
    if (parentEnd !== undefined) parentEnds[i] = new Date(times[parentEnd]!);
    const byId = guids[i] !== null ? byGuid.get(`${hosts[i]}|${guids[i]}`) : undefined;
    const end = byId ?? (pids[i] !== null ? endByPid(i, `${hosts[i]}|${pids[i]}`) : undefined);
    if (end !== undefined) ends[i] = new Date(times[end]!);
  }

  /** The first end of the key at or after start `i`, of its image, before the key's next start; a GUID'd end only for a GUID-less start or one of the same GUID. */
  function endByPid(i: number, key: string): number | undefined {
    // Both lists in time order: found by halving, so a PID reused many times (a crafted log) stays n log n, not n².
    const starts = startsByPid.get(key) ?? [];
    const nextAt = firstAfter(starts, times[i]!, true);
    const next = nextAt < starts.length ? times[starts[nextAt]]! : Infinity;
    const ends = byPid.get(key) ?? [];
    for (let k = firstAfter(ends, times[i]!, false); k < ends.length; k++) {
      const e = ends[k];
      if (times[e]! > next) return undefined;
      if (guids[i] !== null && guids[e] !== null && guids[e] !== guids[i]) continue;
      if (images[i] !== null && images[e] !== null && images[e] !== images[i]) continue;
      return e;
    }
    return undefined;
  }

  /** The first position in `rows` (in time order) whose time is after `time` (`strictly`) or at or after it. */
  function firstAfter(rows: readonly number[], time: number, strictly: boolean): number {
    let lo = 0, hi = rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const t = times[rows[mid]]!;
      if (strictly ? t <= time : t < time) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  const timeColumn = (name: string, values: (Date | null)[]) => pl.Series(name, values, pl.Datetime("ms", "UTC")).cast(timeSeries.dtype);
  // The parents' ends only where one is known: most frames' parents are in them, or never end in the log.
  const added = [timeColumn(PROCESS_END_COLUMN, ends), ...(parentEnds.some((e) => e !== null) ? [timeColumn(PARENT_END_COLUMN, parentEnds)] : [])];
  const names = new Set(added.map((s) => s.name));
  return frameOf([...columnNames(df).filter((c) => !names.has(c)).map((c) => columnOf(df, c)), ...added]);
}

function push(map: Map<string, number[]>, key: string, value: number): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
