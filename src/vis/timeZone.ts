/**
 * Wall-clock times for the charts' `timeZone` option. Vega's time scales are UTC or the browser's own zone
 * only, so a chart in another zone draws each instant at its wall-clock time read as UTC (`t + offset(t)`) on
 * a UTC scale, and names the zone on the chart. Across a daylight-saving change the offsets differ: in a
 * repeated hour (Europe/Berlin 2026-10-25 02:00–03:00) two instants an hour apart are drawn at the same
 * place, so tips add the offset (`+02:00`, then `+01:00`) when the chart's range holds a change; a skipped
 * hour (2026-03-29 02:00–03:00) holds no time at all, and the axis simply has no events there.
 */
import type { ErrorMessage } from "../common/errors";
import { visMessages as msg, type VisOptionCode } from "./messages";
import { offsetText, wallTimeText } from "./client/timeText";

/** The zone of every chart unless its `timeZone` option names another. */
export const DEFAULT_TIME_ZONE = "UTC";

/** A zone a chart draws its times in. */
export interface ChartZone {
  /** The zone's name as given, its case as the runtime writes it (`Europe/Berlin` for `europe/berlin`). */
  name: string;
  /** True for UTC (and its aliases, `Etc/UTC`): no shift, and the chart is written as it always was. */
  utc: boolean;
  /** The zone's offset from UTC at instant `ms`, in milliseconds (Berlin in summer: 7,200,000). */
  offsetAt(ms: number): number;
}

const DAY = 86_400_000;

/**
 * The zone named by a chart's `timeZone` option (undefined: {@link DEFAULT_TIME_ZONE}); a name the runtime's
 * time zone data does not know is the view's option error, naming the option and the value.
 */
export function chartZone<C extends VisOptionCode>(value: string | undefined, by: { view: string; code: C; error: (m: ErrorMessage<C>) => Error }): ChartZone {
  const given = value ?? DEFAULT_TIME_ZONE;
  // An empty name is no zone (Intl would take it as the runtime's own).
  if (given.trim() === "") throw by.error(msg.timeZoneUnknown(by.code, by.view, given));
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: given,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
  } catch {
    throw by.error(msg.timeZoneUnknown(by.code, by.view, given));
  }
  const resolved = format.resolvedOptions().timeZone;
  // The runtime's spelling when it only fixes the case (`europe/berlin`); else the name as given: ICU
  // resolves some current names to older links (`Asia/Kolkata` to `Asia/Calcutta`).
  const name = resolved.toLowerCase() === given.toLowerCase() ? resolved : given;
  const utc = resolved === "UTC" || resolved === "Etc/UTC" || resolved === "Etc/GMT" || resolved === "GMT";
  // Offsets change at most a few times a year: one per distinct day, checked again at the day's end, and
  // worked out per instant only on a day that holds a change (bounded: two Intl calls a distinct day).
  const days = new Map<number, number | null>();
  const exact = (ms: number): number => {
    const second = Math.floor(ms / 1000) * 1000;
    const parts: Record<string, number> = {};
    for (const p of format.formatToParts(second)) if (p.type !== "literal") parts[p.type] = Number(p.value);
    const wall = Date.UTC(parts.year as number, (parts.month as number) - 1, parts.day as number, parts.hour as number, parts.minute as number, parts.second as number);
    // Years before 100: Date.UTC maps 0–99 onto 1900–1999.
    const fixed = (parts.year as number) < 100 ? new Date(wall).setUTCFullYear(parts.year as number) : wall;
    return fixed - second;
  };
  const offsetAt = (ms: number): number => {
    if (utc) return 0;
    const day = Math.floor(ms / DAY);
    let offset = days.get(day);
    if (offset === undefined) {
      const start = exact(day * DAY);
      offset = exact(day * DAY + DAY - 1000) === start ? start : null;
      days.set(day, offset);
    }
    return offset ?? exact(ms);
  };
  return { name, utc, offsetAt };
}

/** UTC as a {@link ChartZone}: what a chart is drawn in by default. */
export const UTC_ZONE: ChartZone = { name: "UTC", utc: true, offsetAt: () => 0 };

/** Re-exported for the charts that import their zone helpers from here. */
export { offsetText };

/** `2026-03-29 03:30:00.000 +02:00`: an instant's wall-clock time in `zone`, with its offset. */
export function zonedText(ms: number, zone: ChartZone): string {
  const offset = zone.offsetAt(ms);
  return `${wallTimeText(ms + offset)} ${offsetText(offset)}`;
}
