/**
 * Times without a year, as BSD syslog writes them (RFC 3164: `Dec  7 08:15:00`; /var/log/auth.log, syslog CSV
 * exports): a column of them is read as times, the newest in the year the `year` option gives or else the latest
 * that puts it no later than the file was written (a day's slack), a year back at each turn of the year in either
 * row order; always with a warning naming the file, the column and the years. One value (`toDate`) is refused,
 * saying it has no year. Every fixture is written here.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import pl from "nodejs-polars";
import { readDataFile } from "../../src/data/readers";
import { QueryProvider } from "../../src/data/queryProvider";
import { normalizeEvents } from "../../src/data/schemas/index";
import { parseReadTimes, parseTimeSeries, toDate } from "../../src/data/timeParsing";
import { tempDir } from "../helpers/tmp";

const iso = (s: pl.Series) => (s.toArray() as unknown as (Date | null)[]).map((d) => d?.toISOString() ?? null);
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
/** `date` as syslog writes it: `Dec  7 08:15:00` (the day space-padded), with `.fff` when `ms`. */
const syslog = (date: Date, ms = false) =>
  `${MONTHS[date.getUTCMonth()]} ${String(date.getUTCDate()).padStart(2, " ")} ${date.toISOString().slice(11, ms ? 23 : 19)}`;

test("parseTimeSeries: a year from writtenBy, a year back at each turn of the year, oldest or newest first; nulls and empty cells stay empty", () => {
  const writtenBy = new Date("2027-01-08T00:00:00Z");
  const oldestFirst = ["Dec 30 23:59:58", "Dec 31 23:59:59", "", "Jan  1 00:00:03", null, "Jan  7 08:15:00.250"];
  const read = parseTimeSeries(pl.Series("t", oldestFirst), { writtenBy });
  assert.ok(read.parsed, JSON.stringify(read.examples));
  assert.deepEqual(iso(read.series), ["2026-12-30T23:59:58.000Z", "2026-12-31T23:59:59.000Z", null, "2027-01-01T00:00:03.000Z", null, "2027-01-07T08:15:00.250Z"]);
  assert.deepEqual(read.yearsAssumed, { first: 2026, last: 2027, newest: "Jan  7 08:15:00.250", from: { writtenBy } });
  // An export sorted newest first: the same times.
  const newestFirst = parseTimeSeries(pl.Series("t", ["Jan  7 08:15:00", "Jan  1 00:00:03", "Dec 31 23:59:59"]), { writtenBy });
  assert.deepEqual(iso(newestFirst.series), ["2027-01-07T08:15:00.000Z", "2027-01-01T00:00:03.000Z", "2026-12-31T23:59:59.000Z"]);
  // Two turns (a log over two New Years).
  const twoTurns = parseTimeSeries(pl.Series("t", ["Nov  1 10:00:00", "Jan  2 10:00:00", "Jul  1 10:00:00", "Dec  1 10:00:00", "Jan  3 10:00:00"]), { writtenBy: new Date("2026-02-01T00:00:00Z") });
  assert.deepEqual(iso(twoTurns.series), ["2023-11-01T10:00:00.000Z", "2024-01-02T10:00:00.000Z", "2024-07-01T10:00:00.000Z", "2024-12-01T10:00:00.000Z", "2025-01-03T10:00:00.000Z"].map((t) => t.replace(/^(\d{4})/, (y) => String(Number(y) + 1))));
  // A newest time more than a day after writtenBy is last year's (a log read back later than it was written is not).
  const late = parseTimeSeries(pl.Series("t", ["Dec  7 08:15:00", "Dec  9 09:00:00"]), { writtenBy: new Date("2026-12-07T08:00:00Z") });
  assert.deepEqual(iso(late.series), ["2025-12-07T08:15:00.000Z", "2025-12-09T09:00:00.000Z"]);
  const sameDay = parseTimeSeries(pl.Series("t", ["Dec  7 08:15:00", "Dec  7 09:00:00"]), { writtenBy: new Date("2026-12-07T08:00:00Z") });
  assert.deepEqual(iso(sameDay.series), ["2026-12-07T08:15:00.000Z", "2026-12-07T09:00:00.000Z"], "a day's slack: syslog writes local time");
  // The slack across New Year: a log east of UTC (UTC+1) whose last line, "Jan  1 00:30:00" local, was written at
  // 23:30 UTC on 31 December: the latest year within a day of writtenBy is next year's, not writtenBy's own.
  const newYear = parseTimeSeries(pl.Series("t", ["Dec 31 23:50:00", "Jan  1 00:30:00"]), { writtenBy: new Date("2026-12-31T23:30:00Z") });
  assert.deepEqual(iso(newYear.series), ["2026-12-31T23:50:00.000Z", "2027-01-01T00:30:00.000Z"]);
  assert.deepEqual([newYear.yearsAssumed?.first, newYear.yearsAssumed?.last], [2026, 2027]);
  const newYearOnly = parseTimeSeries(pl.Series("t", ["Jan  1 00:10:00", "Jan  1 00:30:00"]), { writtenBy: new Date("2026-12-31T23:30:00Z") });
  assert.deepEqual(iso(newYearOnly.series), ["2027-01-01T00:10:00.000Z", "2027-01-01T00:30:00.000Z"]);
});

test("the year option sets the newest time's year; 29 February only in a leap year (else no time, the text kept and quoted)", () => {
  const read = parseTimeSeries(pl.Series("t", ["Dec 31 23:00:00", "Jan  1 01:00:00"]), { year: 2020, writtenBy: new Date("2030-01-01T00:00:00Z") });
  assert.deepEqual(iso(read.series), ["2019-12-31T23:00:00.000Z", "2020-01-01T01:00:00.000Z"]);
  assert.deepEqual(read.yearsAssumed?.from, { year: 2020 });
  assert.deepEqual(iso(parseTimeSeries(pl.Series("t", ["Feb 29 08:15:00"]), { year: 2024 }).series), ["2024-02-29T08:15:00.000Z"]);
  const notLeap = parseTimeSeries(pl.Series("t", ["Feb 28 08:15:00", "Feb 29 08:15:00"]), { year: 2025 });
  assert.equal(notLeap.parsed, false);
  assert.deepEqual(notLeap.examples, ["Feb 29 08:15:00"]);
  assert.equal(notLeap.series.dtype.variant, "String");
  // Text that is no time among them keeps the column text, quoted as written.
  const mixed = parseTimeSeries(pl.Series("t", ["Dec  7 08:15:00", "(not logged)"]));
  assert.deepEqual([mixed.parsed, mixed.examples], [false, ["(not logged)"]]);
});

test("readDataFile: CSV (past the sample) and JSON lines read year-less times by the file's modification time, with a warning naming file, column and years", () => {
  const dir = tempDir();
  // 3,000 rows, ten minutes apart, over New Year: past the 256 values the time formats are sampled from.
  const start = Date.UTC(2025, 11, 31, 12, 0, 0);
  const times = Array.from({ length: 3000 }, (_, i) => new Date(start + i * 600_000));
  const csv = path.join(dir, "auth.csv");
  fs.writeFileSync(csv, `TimeGenerated,Host,Message\n${times.map((t, i) => `${syslog(t, i % 2 === 0)},web1,"sshd[${i}]: Accepted publickey"`).join("\n")}\n`);
  const jsonl = path.join(dir, "syslog.jsonl");
  fs.writeFileSync(jsonl, times.slice(0, 50).map((t) => JSON.stringify({ timestamp: syslog(t), host: "web1" })).join("\n") + "\n");
  // Written on 22 January 2026.
  const mtime = new Date("2026-01-22T10:00:00Z");
  for (const f of [csv, jsonl]) fs.utimesSync(f, mtime, mtime);
  const expected = times.map((t, i) => (i % 2 === 0 ? t.toISOString() : t.toISOString().replace(/\.\d{3}Z$/, ".000Z")));
  const warnings: string[] = [];
  const df = readDataFile(csv, { warn: (m) => warnings.push(m) });
  assert.equal(df.getColumn("TimeGenerated").dtype.variant, "Datetime");
  assert.deepEqual(iso(df.getColumn("TimeGenerated")), expected);
  assert.equal(warnings.length, 1, warnings.join("\n"));
  assert.match(warnings[0], /auth\.csv: column "TimeGenerated" holds times without a year \(syslog's "Jan 21 07:50:00"\); read as 2025–2026, .*2026-01-22 10:00 UTC.*\{ year: <the newest line's year> \}/);
  const jsonWarnings: string[] = [];
  const json = readDataFile(jsonl, { warn: (m) => jsonWarnings.push(m) });
  assert.deepEqual(iso(json.getColumn("timestamp")), times.slice(0, 50).map((t) => t.toISOString()));
  assert.equal(jsonWarnings.length, 1);
  assert.match(jsonWarnings[0], /syslog\.jsonl: column "timestamp" holds times without a year \(syslog's "Dec 31 20:10:00"\); read as 2025: /);
  // The year option: the newest line's year, no guess from the file's date (an archive copied years later).
  fs.utimesSync(csv, new Date("2030-06-01T00:00:00Z"), new Date("2030-06-01T00:00:00Z"));
  const given: string[] = [];
  const withYear = readDataFile(csv, { year: 2026, warn: (m) => given.push(m) });
  assert.deepEqual(iso(withYear.getColumn("TimeGenerated")), expected);
  assert.match(given[0], /read as 2025–2026.*in 2026 as the year option says/);
  const guessed = readDataFile(csv, { warn: () => {} });
  assert.equal((guessed.getColumn("TimeGenerated").toArray()[0] as unknown as Date).getUTCFullYear(), 2029, "by the file's date when no year is given");
});

test("toDate refuses one year-less time, saying it has no year; parseReadTimes (trees, charts) warns as the readers do", () => {
  assert.throws(() => toDate("Dec  7 08:15:00", "start"), { code: "data/not-a-time", message: 'start: "Dec  7 08:15:00" has no year (syslog\'s form); write the time with its year, e.g. "2026-12-07 08:15:00" (a file\'s column of such times is read with a year and a warning)' });
  assert.equal(toDate("Dec 07 2026 08:15:00 GMT".replace("Dec 07 2026", "2026-12-07")).toISOString(), "2026-12-07T08:15:00.000Z");
  const warnings: string[] = [];
  const read = parseReadTimes(pl.Series("EventTime", ["Dec  7 08:15:00"]), "buildProcessTree", (m) => warnings.push(m), { writtenBy: new Date("2026-12-08T00:00:00Z") });
  assert.deepEqual(iso(read.series), ["2026-12-07T08:15:00.000Z"]);
  assert.match(warnings[0] ?? "", /^buildProcessTree: column "EventTime" holds times without a year \(syslog's "Dec  7 08:15:00"\); read as 2026: /);
});

test("normalizeEvents reads a time field without a year by the same rule, with the same warning (it stayed text, the lab's time empty)", () => {
  const logons = pl.DataFrame({ TimeGenerated: ["Dec 31 23:59:59", "Jan  1 00:00:03"], EventID: [4624, 4624], Computer: ["web1", "web1"], TargetUserName: ["maya", "bob"], TargetDomainName: ["CORP", "CORP"], LogonType: [3, 10], IpAddress: ["10.0.0.1", "10.0.0.2"] });
  const warnings: string[] = [];
  const out = normalizeEvents(logons, "logon", { warn: (m) => warnings.push(m), writtenBy: new Date("2027-01-08T00:00:00Z"), source: "auth.parquet" });
  assert.deepEqual(iso(out.getColumn("TimeGenerated")), ["2026-12-31T23:59:59.000Z", "2027-01-01T00:00:03.000Z"]);
  assert.equal(warnings.length, 1, warnings.join("\n"));
  assert.match(warnings[0], /^auth\.parquet: column "TimeGenerated" holds times without a year \(syslog's "Jan  1 00:00:03"\); read as 2026–2027/);
  // The year option, as readDataFile's.
  const given = normalizeEvents(logons, "logon", { warn: () => undefined, year: 2020 });
  assert.deepEqual(iso(given.getColumn("TimeGenerated")), ["2019-12-31T23:59:59.000Z", "2020-01-01T00:00:03.000Z"]);
});

test("LocalData's start/end window on a Parquet text column without years: by the file's date or readOptions.year, with the warning", async () => {
  const dir = tempDir();
  try {
    fs.mkdirSync(path.join(dir, "pq"));
    const file = path.join(dir, "pq", "auth.parquet");
    pl.DataFrame({ Seq: [0, 1, 2, 3], TimeGenerated: ["Dec 30 10:00:00", "Dec 31 23:59:59", "Jan  1 00:00:03", "Jan  7 08:15:00"], Message: ["a", "b", "c", "d"] }).writeParquet(file);
    const written = new Date("2027-01-08T00:00:00Z");
    fs.utimesSync(file, written, written);
    const param = (n: string) => `      ${n}: {description: ${n}, type: datetime, default: null}`;
    fs.writeFileSync(path.join(dir, "q.yaml"), `metadata:\n  version: 1\n  description: auth\n  data_environments: [LocalData]\n  data_families: [Syslog]\nsources:\n  auth:\n    description: auth\n    args: {query: auth.parquet}\n    parameters:\n${param("start")}\n${param("end")}\n`);
    const run = async (readOptions: Record<string, unknown>) => {
      const warnings: string[] = [];
      const qp = new QueryProvider("LocalData", { dataPaths: [path.join(dir, "pq")], queryPaths: [path.join(dir, "q.yaml")], readOptions: { ...readOptions, warn: (m: string) => warnings.push(m) } });
      const df = await qp.execQuery("Syslog.auth", { start: "2026-12-31T00:00:00Z", end: "2027-01-02T00:00:00Z" });
      return { seq: df.getColumn("Seq").toArray().map(Number), warnings };
    };
    const byFile = await run({});
    assert.deepEqual(byFile.seq, [1, 2], "the two rows around New Year 2027, by the file's date (the clock gave them other years)");
    assert.equal(byFile.warnings.length, 1, byFile.warnings.join("\n"));
    assert.match(byFile.warnings[0], /^auth\.parquet: column "TimeGenerated" holds times without a year .*read as 2026–2027.*2027-01-08 00:00 UTC/);
    const byYear = await run({ year: 2021 });
    assert.deepEqual(byYear.seq, [], "the newest in 2021: nothing in a 2026–27 window");
    assert.match(byYear.warnings[0] ?? "", /in 2021 as the year option says/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("LocalData with a schema reads the file's date once: the window and the mapped times take the same year (a file written to between two reads had two)", async () => {
  const dir = tempDir();
  try {
    fs.mkdirSync(path.join(dir, "pq"));
    const file = path.join(dir, "pq", "auth.parquet");
    pl.DataFrame({ TimeGenerated: ["Dec 30 10:00:00", "Dec 31 23:59:59", "Jan  1 00:00:03", "Jan  7 08:15:00"], EventID: [4624, 4624, 4624, 4624], Computer: ["web1", "web1", "web1", "web1"], TargetUserName: ["a", "b", "c", "d"], TargetDomainName: ["CORP", "CORP", "CORP", "CORP"], LogonType: [3, 3, 10, 3], IpAddress: ["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4"] }).writeParquet(file);
    const param = (n: string) => `      ${n}: {description: ${n}, type: datetime, default: null}`;
    fs.writeFileSync(path.join(dir, "q.yaml"), `metadata:\n  version: 1\n  description: auth\n  data_environments: [LocalData]\n  data_families: [Syslog]\nsources:\n  auth:\n    description: auth\n    metadata: {schema: logon}\n    args: {query: auth.parquet}\n    parameters:\n${param("start")}\n${param("end")}\n`);
    const warnings: string[] = [];
    const qp = new QueryProvider("LocalData", { dataPaths: [path.join(dir, "pq")], queryPaths: [path.join(dir, "q.yaml")], readOptions: { warn: (m: string) => warnings.push(m) } });
    // The file is "written to" between reads of its date: each stat of it whose mtime is read says a year later than the one before.
    const realStat = fs.statSync;
    let reads = 0;
    const statMock = test.mock.method(fs, "statSync", ((p: fs.PathLike, o?: fs.StatSyncOptions) => {
      const st = realStat(p, o as never);
      if (st && path.resolve(String(p)) === path.resolve(file)) Object.defineProperty(st, "mtime", { get: () => new Date(Date.UTC(2027 + reads++, 0, 8)) });
      return st;
    }) as typeof fs.statSync);
    let df: pl.DataFrame;
    try {
      df = await qp.execQuery("Syslog.auth", { start: "2026-12-31T00:00:00Z", end: "2027-01-02T00:00:00Z" });
    } finally {
      statMock.mock.restore();
    }
    assert.deepEqual(df.getColumn("TargetUserName").toArray(), ["b", "c"], "the two rows around New Year 2027");
    assert.deepEqual(iso(df.getColumn("TimeGenerated")), ["2026-12-31T23:59:59.000Z", "2027-01-01T00:00:03.000Z"], "the mapped times in the year the window read them in");
    assert.ok(warnings.length >= 1 && warnings.every((w) => /read as 2026–2027.*2027-01-08 00:00 UTC/.test(w)), warnings.join("\n"));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
