/**
 * Slash dates whose day and month are all 12 or less (`05/06/2026`: 6 May in en-US, 5 June in en-GB) were read
 * month first without a word: an en-GB Get-WinEvent export's TimeCreated became May 6, and its windows missed.
 * Now: the CSV and JSON readers read such a column month first with a warning naming the file and column, and
 * `dayFirst: true` reads it day first; a plain Get-WinEvent export's TimeCreated in a 24-hour clock (its culture
 * unknown: en-US writes AM/PM) is kept as text with a warning, as winEventFields keeps it, and a start/end window
 * on it is refused rather than read month first.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import pl from "nodejs-polars";
import { buildProcessTree } from "../../src/transform/processTree";
// The package entry: it registers the process schemas a `schema: process` query maps with.
import { QueryProvider } from "../../src/index";
import { readDataFile } from "../../src/data/readers";
import { slashDates } from "../../src/data/timeParsing";
import { slashDatesProveDayFirst } from "../../src/common/slashDates";
import { winEventFields } from "../../src/data/schemas/winEvent";
import { normalizeEvents } from "../../src/data/schemas/index";
import { tempDir, tempTree } from "../helpers/tmp";
import { chain, plainExportCsv } from "./schemas/winEventExports";

const isoTimes = (df: pl.DataFrame, column: string) => (df.getColumn(column).toArray() as unknown[]).map((d) => (d instanceof Date ? d.toISOString() : d));

/** Reads `text` as `name` in a folder of its own, with the warnings it gives. */
function read(name: string, text: string, options: { dayFirst?: boolean } = {}): { df: pl.DataFrame; warnings: string[] } {
  const file = path.join(tempDir(), name);
  fs.writeFileSync(file, text);
  const warnings: string[] = [];
  return { df: readDataFile(file, { ...options, warn: (m) => warnings.push(m) }), warnings };
}

describe("the CSV and JSON readers and slash dates that read either way", () => {
  const ambiguous = "id,TimeGenerated\n1,05/06/2026 15:00:00\n2,06/06/2026 09:30:00\n";

  it("reads them month first, as before, with a warning naming the file and column", () => {
    const { df, warnings } = read("events.csv", ambiguous);
    assert.deepEqual(isoTimes(df, "TimeGenerated"), ["2026-05-06T15:00:00.000Z", "2026-06-06T09:30:00.000Z"]);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /events\.csv: column "TimeGenerated" holds slash dates whose day and month are all 12 or less .*read month first.*\{ dayFirst: true \}/);
  });

  it("reads them day first with dayFirst, without a warning; day-first dates past the 12th too", () => {
    const { df, warnings } = read("events.csv", ambiguous, { dayFirst: true });
    assert.deepEqual(isoTimes(df, "TimeGenerated"), ["2026-06-05T15:00:00.000Z", "2026-06-06T09:30:00.000Z"]);
    assert.deepEqual(warnings, []);
    const past = read("events.csv", "id,TimeGenerated\n1,05/06/2026 15:00:00\n2,31/12/2026 23:59:59\n", { dayFirst: true });
    assert.deepEqual(isoTimes(past.df, "TimeGenerated"), ["2026-06-05T15:00:00.000Z", "2026-12-31T23:59:59.000Z"]);
  });

  it("gives no warning when a day past the 12th settles the order, or the dates are ISO", () => {
    const us = read("us.csv", "id,TimeGenerated\n1,05/06/2026 15:00:00\n2,05/13/2026 09:30:00\n");
    assert.deepEqual(isoTimes(us.df, "TimeGenerated"), ["2026-05-06T15:00:00.000Z", "2026-05-13T09:30:00.000Z"]);
    assert.deepEqual(us.warnings, []);
    const iso = read("iso.csv", "id,TimeGenerated\n1,2026-05-06 15:00:00\n");
    assert.deepEqual(iso.warnings, []);
    // Day first past the 12th without dayFirst: the values prove day first, so day first (the column stayed text, silently).
    const gb = read("gb.csv", "id,TimeGenerated\n1,05/06/2026 15:00:00\n2,13/06/2026 09:30:00\n");
    assert.deepEqual(isoTimes(gb.df, "TimeGenerated"), ["2026-06-05T15:00:00.000Z", "2026-06-13T09:30:00.000Z"]);
    assert.deepEqual(gb.warnings, []);
  });

  it("reads day first what only day first reads, in CSV and JSON, whether or not the sampled rows show it", () => {
    // The proving day only after the sample's rows (1,000 ambiguous ones first), and only proving days.
    const late = ["id,Time", ...Array.from({ length: 1000 }, (_, i) => `${i},05/06/2026 15:00:00`), "1000,31/12/2026 23:59:59"].join("\n");
    const lateRead = read("late.csv", late);
    assert.deepEqual(isoTimes(lateRead.df, "Time").slice(-2), ["2026-06-05T15:00:00.000Z", "2026-12-31T23:59:59.000Z"]);
    assert.deepEqual(lateRead.warnings, []);
    assert.deepEqual(isoTimes(read("all.csv", "id,Time\n1,13/06/2026 15:00:00\n2,14/06/2026 15:00:00\n").df, "Time"), ["2026-06-13T15:00:00.000Z", "2026-06-14T15:00:00.000Z"]);
    const lines = '{"id":1,"Time":"05/06/2026 15:00:00"}\n{"id":2,"Time":"13/06/2026 09:30:00"}\n';
    assert.deepEqual(isoTimes(read("events.ndjson", lines).df, "Time"), ["2026-06-05T15:00:00.000Z", "2026-06-13T09:30:00.000Z"]);
    // Text that is no time stays text (a value neither order reads).
    assert.equal(read("bad.csv", "id,Time\n1,13/06/2026 15:00:00\n2,13/13/2026 15:00:00\n").df.getColumn("Time").dtype.variant, "String");
  });

  it("warns for JSON lines too, and reads them day first with dayFirst", () => {
    const lines = '{"id":1,"TimeGenerated":"05/06/2026 15:00:00"}\n{"id":2,"TimeGenerated":"06/06/2026 09:30:00"}\n';
    const { df, warnings } = read("events.ndjson", lines);
    assert.deepEqual(isoTimes(df, "TimeGenerated"), ["2026-05-06T15:00:00.000Z", "2026-06-06T09:30:00.000Z"]);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /events\.ndjson: column "TimeGenerated"/);
    assert.deepEqual(isoTimes(read("events.ndjson", lines, { dayFirst: true }).df, "TimeGenerated"), ["2026-06-05T15:00:00.000Z", "2026-06-06T09:30:00.000Z"]);
  });

  it("reads slash dates with a UTC offset (spaced or not, with a fraction or without seconds) as the instant in UTC, day first or month first", () => {
    // They stayed text: only the ISO forms had offset formats.
    const gb = read("gb.csv", "id,TimeGenerated\n1,28/06/2024 10:00:00 +02:00\n2,29/06/2024 11:30:00.250+0200\n3,30/06/2024 23:15 -05:00\n");
    assert.deepEqual(isoTimes(gb.df, "TimeGenerated"), ["2024-06-28T08:00:00.000Z", "2024-06-29T09:30:00.250Z", "2024-07-01T04:15:00.000Z"]);
    assert.deepEqual(gb.warnings, []);
    const us = read("us.csv", "id,TimeGenerated\n1,06/28/2024 10:00:00 +02:00\n2,06/29/2024 11:30:00-07:00\n");
    assert.deepEqual(isoTimes(us.df, "TimeGenerated"), ["2024-06-28T08:00:00.000Z", "2024-06-29T18:30:00.000Z"]);
    // Either way: month first with the warning, day first with dayFirst.
    const either = "id,TimeGenerated\n1,05/06/2026 15:00:00 +02:00\n";
    const monthFirst = read("either.csv", either);
    assert.deepEqual(isoTimes(monthFirst.df, "TimeGenerated"), ["2026-05-06T13:00:00.000Z"]);
    assert.equal(monthFirst.warnings.length, 1);
    assert.deepEqual(isoTimes(read("either.csv", either, { dayFirst: true }).df, "TimeGenerated"), ["2026-06-05T13:00:00.000Z"]);
    // An offset that is none (+25:00) leaves the column text.
    assert.equal(read("bad.csv", "id,Time\n1,28/06/2024 10:00:00 +25:00\n").df.getColumn("Time").dtype.variant, "String");
  });
});

describe("a plain Get-WinEvent export whose TimeCreated reads either way", () => {
  const procs = chain(4);
  const usExport = plainExportCsv(procs.map((proc) => ({ id: 4688 as const, proc })));
  /** The en-US export's times (5/31/2026 3:00:00 PM…) on 5 June 2026, as an en-GB Windows writes them: 05/06/2026 15:00:00. */
  const british = usExport.replace(/"\d+\/\d+\/\d{4} (\d+):(\d\d):(\d\d) (AM|PM)"/g, (_, h, mi, se, ap) => `"05/06/2026 ${String((Number(h) % 12) + (ap === "PM" ? 12 : 0)).padStart(2, "0")}:${mi}:${se}"`);
  /** The en-US export on 5/6/2026 (May 6): AM/PM says en-US. */
  const american = usExport.replace(/"\d+\/\d+\/(\d{4}) /g, '"5/6/$1 ');

  it("keeps a 24-hour TimeCreated as text with a warning (read by the CSV reader or given to winEventFields), and reads it day first with dayFirst", () => {
    assert.ok(british.includes('"05/06/2026 15:00:00"'), "the fixture is en-GB");
    const { df, warnings } = read("security.csv", british);
    assert.equal(df.getColumn("TimeCreated").dtype.variant, "String");
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /security\.csv: column "TimeCreated" holds slash dates .* 24-hour clock; the export's culture is unknown .*kept as text/);
    // The reader's frame: its warning is not said again by winEventFields or buildProcessTree (it was, by each).
    const fieldWarnings: string[] = [];
    const fields = winEventFields(df, { warn: (m) => fieldWarnings.push(m) });
    assert.equal(fields.getColumn("TimeGenerated").dtype.variant, "String", "not May 6");
    assert.ok(buildProcessTree(df, { warn: (m) => fieldWarnings.push(m) }).height >= 4);
    assert.deepEqual(fieldWarnings.filter((m) => /TimeCreated/.test(m)), [], fieldWarnings.join("\n"));
    // A frame the reader did not warn about (built elsewhere: here a copy) is told, once.
    const copy = pl.DataFrame(df.toRecords());
    winEventFields(copy, { warn: (m) => fieldWarnings.push(m) });
    assert.equal(fieldWarnings.filter((m) => /TimeCreated.*kept as text/.test(m)).length, 1, fieldWarnings.join("\n"));
    const dayFirst = read("security.csv", british, { dayFirst: true });
    assert.equal(isoTimes(dayFirst.df, "TimeCreated")[0], "2026-06-05T15:00:00.000Z");
    assert.deepEqual(dayFirst.warnings, []);
  });

  it("builds the tree by the reader's rule: ambiguous text times month first with a warning (not silently), day first where a day past the 12th proves it", () => {
    const { df } = read("security.csv", british);
    const warnings: string[] = [];
    const tree = buildProcessTree(df, { warn: (m) => warnings.push(m) });
    // Month first, as the readers read such a column, and said: it was read so without a word (5 June as 6 May).
    assert.ok(isoTimes(tree, "TimeGenerated").every((t) => t === null || String(t).startsWith("2026-05-06")), String(isoTimes(tree, "TimeGenerated")));
    assert.equal(warnings.filter((m) => /^buildProcessTree: column "TimeGenerated" holds slash dates .*read month first.*dayFirst: true/.test(m)).length, 1, warnings.join("\n"));
    // The same export on the 13th: only day first reads it, so day first (the tree failed, unparsed, before).
    const thirteenth = read("security.csv", british.replace(/"05\/06\/2026 /g, '"13/06/2026 '));
    // The reader reads it day first too, as the values prove (it kept the text, silently).
    assert.ok(isoTimes(thirteenth.df, "TimeCreated").every((t) => String(t).startsWith("2026-06-13")), String(isoTimes(thirteenth.df, "TimeCreated")));
    assert.deepEqual(thirteenth.warnings, []);
    const later: string[] = [];
    const dayFirst = buildProcessTree(thirteenth.df, { warn: (m) => later.push(m) });
    assert.ok(isoTimes(dayFirst, "TimeGenerated").some((t) => String(t).startsWith("2026-06-13T15:")), String(isoTimes(dayFirst, "TimeGenerated")));
    assert.ok(isoTimes(dayFirst, "TimeGenerated").every((t) => t === null || String(t).startsWith("2026-06-13")));
    assert.deepEqual(later.filter((m) => /slash dates/.test(m) && /buildProcessTree/.test(m)), []);
    // With dayFirst the reader reads them, and the tree has 5 June without a word.
    const gb = read("security.csv", british, { dayFirst: true });
    const quiet: string[] = [];
    assert.ok(isoTimes(buildProcessTree(gb.df, { warn: (m) => quiet.push(m) }), "TimeGenerated").every((t) => t === null || String(t).startsWith("2026-06-05")));
    assert.deepEqual(quiet.filter((m) => /slash dates/.test(m)), []);
  });

  it("reads a JSON export as the CSV one: a 24-hour TimeCreated kept as text with one warning (it was read month first), an AM/PM one month first without a word", () => {
    const record = (id: number, time: string) => JSON.stringify({ Id: 4688, MachineName: "H", TimeCreated: time, Message: "x", ProviderName: "Microsoft-Windows-Security-Auditing", RecordId: id });
    const gb = read("security.ndjson", [record(1, "05/06/2026 15:00:00"), record(2, "06/06/2026 09:30:00")].join("\n"));
    assert.equal(gb.df.getColumn("TimeCreated").dtype.variant, "String", "not May 6");
    assert.deepEqual(gb.df.getColumn("TimeCreated").toArray(), ["05/06/2026 15:00:00", "06/06/2026 09:30:00"]);
    assert.equal(gb.warnings.length, 1, gb.warnings.join("\n"));
    assert.match(gb.warnings[0], /security\.ndjson: column "TimeCreated" holds slash dates .* 24-hour clock; the export's culture is unknown .*kept as text/);
    const us = read("security.ndjson", [record(1, "5/6/2026 3:00:00 PM"), record(2, "6/6/2026 9:30:00 AM")].join("\n"));
    assert.equal(isoTimes(us.df, "TimeCreated")[0], "2026-05-06T15:00:00.000Z");
    assert.deepEqual(us.warnings, []);
    assert.equal(isoTimes(read("security.ndjson", record(1, "05/06/2026 15:00:00"), { dayFirst: true }).df, "TimeCreated")[0], "2026-06-05T15:00:00.000Z");
  });

  it("reads day first a TimeCreated or Event Viewer `Date and Time` a day past the 12th proves (mixed with dates that read either way), CSV, JSON and winEventFields alike", () => {
    // Mixed: 05/06 reads either way, 13/06 only day first; the column is day first. (It stayed text, silently: no row had a time.)
    const mixed = british.replace('"05/06/2026 ', '"13/06/2026 ');
    const csv = read("security.csv", mixed);
    const times = isoTimes(csv.df, "TimeCreated");
    assert.equal(times[0], "2026-06-13T" + String(times[0]).slice(11), String(times));
    assert.ok(times.slice(1).every((t) => String(t).startsWith("2026-06-05")), String(times));
    assert.deepEqual(csv.warnings, []);
    const record = (time: string) => JSON.stringify({ Id: 4688, MachineName: "H", TimeCreated: time, Message: "x", ProviderName: "Microsoft-Windows-Security-Auditing" });
    const json = read("security.ndjson", [record("13/06/2026 15:00:00"), record("05/06/2026 09:30:00")].join("\n"));
    assert.deepEqual(isoTimes(json.df, "TimeCreated"), ["2026-06-13T15:00:00.000Z", "2026-06-05T09:30:00.000Z"]);
    assert.deepEqual(json.warnings, []);
    // A frame built elsewhere, its TimeCreated text: winEventFields reads it by the same rule.
    const text = pl.DataFrame({ Message: ["x", "y"], Id: [1, 1], ProviderName: ["P", "P"], MachineName: ["H", "H"], TimeCreated: ["13/06/2026 15:00:00", "05/06/2026 09:30:00"] });
    const fieldWarnings: string[] = [];
    assert.deepEqual(isoTimes(winEventFields(text, { warn: (m) => fieldWarnings.push(m) }), "TimeGenerated"), ["2026-06-13T15:00:00.000Z", "2026-06-05T09:30:00.000Z"]);
    assert.deepEqual(fieldWarnings.filter((m) => /TimeCreated/.test(m)), []);
    // Event Viewer's "Save All Events As… CSV": en-GB day first, en-US with AM/PM month first.
    const viewer = (a: string, b: string) => `Level,Date and Time,Source,Event ID,Task Category,Computer,\nInformation,${a},Microsoft-Windows-Security-Auditing,4624,Logon,H,"An account was logged on."\nInformation,${b},Microsoft-Windows-Security-Auditing,4624,Logon,H,"x"\n`;
    const gbViewer = read("viewer.csv", viewer("13/06/2026 15:00:00", "05/06/2026 09:30:00"));
    assert.deepEqual(isoTimes(gbViewer.df, "TimeCreated"), ["2026-06-13T15:00:00.000Z", "2026-06-05T09:30:00.000Z"]);
    assert.deepEqual(gbViewer.warnings, []);
    const usViewer = read("viewer.csv", viewer("6/13/2026 3:00:00 PM", "6/5/2026 9:30:00 AM"));
    assert.deepEqual(isoTimes(usViewer.df, "TimeCreated"), ["2026-06-13T15:00:00.000Z", "2026-06-05T09:30:00.000Z"]);
    assert.deepEqual(usViewer.warnings, []);
  });

  it("reads an en-US export (AM/PM) month first without a warning", () => {
    const { df, warnings } = read("security.csv", american);
    assert.equal(isoTimes(df, "TimeCreated")[0], "2026-05-06T15:00:00.000Z");
    assert.deepEqual(warnings, []);
  });

  it("refuses a start/end window on the text rather than reading it month first; readOptions.dayFirst windows it", async () => {
    const queries = `metadata: {version: 1, description: evtx, data_environments: [LocalData], data_families: [Evtx]}
sources:
  processes:
    description: processes
    metadata: {schema: process}
    args: {query: security.csv}
    parameters:
      start: {description: s, type: datetime, default: null}
      end: {description: e, type: datetime, default: null}
`;
    const dir = tempTree({ "q/evtx.yaml": queries, "d/security.csv": british });
    const provider = (dayFirst: boolean) =>
      new QueryProvider("LocalData", { dataPaths: [path.join(dir, "d")], queryPaths: [path.join(dir, "q")], warn: () => {}, readOptions: { dayFirst } }) as unknown as Record<
        string,
        Record<string, (p?: object) => Promise<pl.DataFrame>>
      >;
    const window = { start: "2026-06-05T15:00:30Z", end: "2026-06-05T15:01:30Z" };
    await assert.rejects(provider(false).Evtx.processes(window), (err: Error & { code?: string }) => err.code === "data/time-column-not-time" && /day and month are all 12 or less.*dayFirst/.test(err.message));
    // Said once, by the reader naming the file (the mapping said it again, as "winEventFields").
    const warnings: string[] = [];
    const warned = new QueryProvider("LocalData", { dataPaths: [path.join(dir, "d")], queryPaths: [path.join(dir, "q")], warn: (m) => warnings.push(m) }) as unknown as Record<string, Record<string, () => Promise<pl.DataFrame>>>;
    assert.equal((await warned.Evtx.processes()).height, 4);
    const said = warnings.filter((m) => /TimeCreated.*slash dates/.test(m));
    assert.equal(said.length, 1, said.join("\n"));
    assert.match(said[0], /security\.csv: column "TimeCreated" holds slash dates .*kept as text/);
    const rows = await provider(true).Evtx.processes(window);
    assert.deepEqual(rows.getColumn("NewProcessName").toArray(), [procs[1].image, procs[2].image]);
  });
});

describe("slash dates in a field the mapping reads (normalizeEvents)", () => {
  const base = { "event.outcome": ["success", "failure", "success"], "user.name": ["a", "b", "c"], "source.ip": ["1.2.3.4", "1.2.3.5", "1.2.3.6"] };
  const frame = (stamps: string[]) => pl.DataFrame(base).withColumns(pl.Series("@timestamp", stamps));
  const iso = (s: pl.Series) => (s.cast(pl.Datetime("ms")).toArray() as unknown as Date[]).map((d) => d?.toISOString() ?? null);

  it("day-first dates a day past the 12th proves are read day first (they were null); dates that read either way are read month first with a warning naming the field", () => {
    const warnings: string[] = [];
    const dayFirst = normalizeEvents(frame(["13/06/2026 15:00:00", "05/06/2026 15:00:00", "01/12/2026 08:30:00"]), "logon", { source: "ecs.ndjson", warn: (m) => warnings.push(m) });
    assert.deepEqual(iso(dayFirst.getColumn("TimeGenerated")), ["2026-06-13T15:00:00.000Z", "2026-06-05T15:00:00.000Z", "2026-12-01T08:30:00.000Z"]);
    assert.deepEqual(warnings, []);
    const said: string[] = [];
    const either = normalizeEvents(frame(["05/06/2026 15:00:00", "06/05/2026 15:00:00", "12/01/2026 08:30:00"]), "logon", { source: "ecs.ndjson", warn: (m) => said.push(m) });
    assert.deepEqual(iso(either.getColumn("TimeGenerated")), ["2026-05-06T15:00:00.000Z", "2026-06-05T15:00:00.000Z", "2026-12-01T08:30:00.000Z"]);
    assert.equal(said.length, 1);
    assert.match(said[0], /^ecs\.ndjson: field "@timestamp" holds slash dates whose day and month are all 12 or less .*read month first/);
    // ISO text: no warning.
    const isoWarnings: string[] = [];
    normalizeEvents(frame(["2026-06-05T15:00:00Z", "2026-06-06T15:00:00Z", "2026-06-07T15:00:00Z"]), "logon", { warn: (m) => isoWarnings.push(m) });
    assert.deepEqual(isoWarnings, []);
  });
});

describe("slashDates on a long column (its first values are looked at first)", () => {
  const column = (values: (string | null)[]) => pl.Series("v", values, pl.Utf8);
  const many = (n: number, f: (i: number) => string | null) => Array.from({ length: n }, (_, i) => f(i));

  it("turns down a column whose first values are not slash dates, and one whose later value is not; keeps one whose first values are all empty", () => {
    // `mm:ss.f` text: not slash dates.
    assert.equal(slashDates(column(many(5000, (i) => `${String(i % 60).padStart(2, "0")}:09.${i % 10}`))), undefined);
    // Slash dates in the first rows, then one that is not: the whole column decides.
    assert.equal(slashDates(column(many(5000, (i) => (i === 4000 ? "2026-06-05" : "05/06/2026")))), undefined);
    // Empty and null first values say nothing: the slash dates after them are read, order and all.
    const late = slashDates(column(many(5000, (i) => (i < 3000 ? (i % 2 ? "" : null) : `${(i % 28) + 1}/06/2026 10:00:00`))));
    assert.deepEqual(late && { ambiguous: late.ambiguous, dayFirst: late.order?.dayFirst }, { ambiguous: false, dayFirst: true });
    // A slash date past the head proves the order as in a short column.
    const either = slashDates(column(many(5000, (i) => (i === 4999 ? "13/06/2026" : "05/06/2026"))));
    assert.equal(either?.ambiguous, false);
    assert.equal(slashDates(column(many(5000, () => "05/06/2026")))?.ambiguous, true);
  });
});

describe("a CSV whose sampled slash dates prove day first (the read plans the day-first formats)", () => {
  const rows = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i));
  const day = (i: number) => String((i % 28) + 1).padStart(2, "0");
  const month = (i: number) => String((i % 12) + 1).padStart(2, "0");

  it("says which samples prove it: a first field above 12 and no second one", () => {
    assert.equal(slashDatesProveDayFirst(["28/06/2024 10:00", "05/06/2024", "n/a"]), true);
    assert.equal(slashDatesProveDayFirst(["05/06/2024", "12/11/2024"]), false, "either way");
    assert.equal(slashDatesProveDayFirst(["06/28/2024", "05/06/2024"]), false, "month first");
    assert.equal(slashDatesProveDayFirst(["28/06/2024", "06/28/2024"]), false, "neither order");
    assert.equal(slashDatesProveDayFirst(["2024-06-28", ""]), false);
  });

  it("reads 12,000 day-first times past the sampled rows, fraction digits and all, without a warning; a later value neither order reads keeps the text", () => {
    const text = (extra = "") => ["id,TimeGenerated", ...rows(12_000, (i) => `${i},${day(i)}/${month(i)}/2024 10:00:${String(i % 60).padStart(2, "0")}.${String(i).padStart(6, "0")}`), extra].join("\n");
    const { df, warnings } = read("gb.csv", text());
    const times = df.getColumn("TimeGenerated");
    assert.equal(`${times.dtype.variant} ${(times.dtype as unknown as { timeUnit: string }).timeUnit}`, "Datetime us");
    const at = (i: number) => new Date(Date.UTC(2024, i % 12, (i % 28) + 1, 10, 0, i % 60)).toISOString().replace(".000Z", `.${String(i).padStart(6, "0")}Z`);
    const micros = (times.cast(pl.Int64).toArray() as unknown as bigint[]).map((us) => {
      const ms = Number(BigInt(us) / 1000n);
      return new Date(ms).toISOString().replace(/\.\d{3}Z$/, `.${String(BigInt(us) % 1_000_000n).padStart(6, "0")}Z`);
    });
    for (const i of [0, 12, 27, 9_999, 10_000, 11_999]) assert.equal(micros[i], at(i), `row ${i}`);
    assert.deepEqual(warnings, []);
    // A value past the sample only month first reads: neither order reads the column, which stays text.
    const neither = read("neither.csv", text("12000,06/13/2024 10:00:00.000000"));
    assert.equal(neither.df.getColumn("TimeGenerated").dtype.variant, "String");
  });
});
