/**
 * Input of the `processTree` benchmark: generated Windows 4688 events
 * (test/helpers/processEvents.ts: 4 hosts, PID reuse, Windows-like trees),
 * written once as CSV under bench/out/processTree/ and read back with every
 * column as text, as a CSV export arrives before any typing.
 */
import fs from "node:fs";
import path from "node:path";
import pl from "nodejs-polars";
import { generate4688 } from "../test/helpers/processEvents";

const OUT = path.join(__dirname, "out", "processTree");

/** The events as generated (typed columns: Datetime times, integer event ids). */
export function typedEvents(rows: number, seed = 1): pl.DataFrame {
  const { df } = generate4688(rows, { seed });
  // Event ids as integers, as exports write them ("4688", not "4688.0").
  return df.withColumns(pl.col("EventID").cast(pl.Int32));
}

/** Path of the cached CSV of {@link typedEvents} (written on first use). */
export function eventsCsv(rows: number, seed = 1): string {
  const file = path.join(OUT, `events-${rows}-seed${seed}.csv`);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(OUT, { recursive: true });
    const partial = `${file}.partial`;
    typedEvents(rows, seed).writeCSV(partial);
    fs.renameSync(partial, file);
  }
  return file;
}

/** The events as read from CSV with no type inference: every column is text (times ISO, `2024-01-01T00:00:00.026`). */
export function textEvents(rows: number, seed = 1): pl.DataFrame {
  return pl.readCSV(eventsCsv(rows, seed), { inferSchemaLength: 0 });
}
