import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { test } from "node:test";
import pl from "nodejs-polars";
import { DataFileError } from "../../src/data/messages";
import { csvDialect } from "../../src/data/csv";
import { firstBadJsonLine, readDataFile } from "../../src/data/readers";
import { QueryProvider } from "../../src/data/queryProvider";
import { tempDir, tempTree } from "../helpers/tmp";

const CSV = `TimeGenerated,Account,EventID,TimeCreatedUtc
2/13/19 9:31 AM,"CONTOSO\\alice",4688,19:04.4
2/12/19 10:11 PM,"CONTOSO\\bob, jr",4624,11:00.6
`;

test("CSV: types inferred, messy time column parsed, Excel-mangled one kept as text", () => {
  const dir = tempTree({ "e.csv": CSV });
  const df = readDataFile(path.join(dir, "e.csv"));
  assert.deepEqual(df.columns, ["TimeGenerated", "Account", "EventID", "TimeCreatedUtc"]);
  assert.equal(df.getColumn("TimeGenerated").dtype.variant, "Datetime");
  assert.equal((df.getColumn("TimeGenerated").toArray()[1] as unknown as Date).toISOString(), "2019-02-12T22:11:00.000Z");
  assert.deepEqual(df.getColumn("TimeCreatedUtc").toArray(), ["19:04.4", "11:00.6"]);
  assert.deepEqual(df.getColumn("Account").toArray(), ["CONTOSO\\alice", "CONTOSO\\bob, jr"]);
  assert.equal(df.getColumn("EventID").dtype.variant, "Int64");
});

test("NDJSON, JSON array, Parquet and Arrow IPC round-trip the same frame", () => {
  const dir = tempDir();
  const df = pl.DataFrame({ Account: ["a", "b", null], Count: [1, 2, 3] });
  fs.writeFileSync(path.join(dir, "x.ndjson"), '{"Account":"a","Count":1}\n{"Account":"b","Count":2}\n{"Account":null,"Count":3}\n');
  fs.writeFileSync(path.join(dir, "x.json"), '[{"Account":"a","Count":1},{"Account":"b","Count":2},{"Account":null,"Count":3}]');
  df.writeParquet(path.join(dir, "x.parquet"));
  df.writeIPC(path.join(dir, "x.arrow"));
  for (const f of ["x.ndjson", "x.json", "x.parquet", "x.arrow"]) {
    const got = readDataFile(path.join(dir, f));
    assert.deepEqual(got.getColumn("Account").toArray(), ["a", "b", null], f);
    assert.deepEqual(got.getColumn("Count").toArray().map(Number), [1, 2, 3], f);
  }
});

test("corrupt and unsupported files raise errors naming the file and the format", () => {
  const dir = tempTree({ "bad.parquet": "this is not parquet", "bad.ndjson": '{"a": 1}\n{"a": \n', "x.pkl": "pickle" });
  assert.throws(() => readDataFile(path.join(dir, "bad.parquet")), (err: Error) => {
    assert.ok(err instanceof DataFileError);
    assert.equal(err.code, "data/file-invalid");
    assert.ok(err.message.startsWith(path.join(dir, "bad.parquet") + ": "), err.message);
    assert.match(err.message, /PARQUET/);
    return true;
  });
  assert.throws(() => readDataFile(path.join(dir, "bad.ndjson")), { code: "data/file-invalid", message: /bad\.ndjson: .*NDJSON/ });
  assert.throws(() => readDataFile(path.join(dir, "x.pkl")), { code: "data/unsupported-format", message: /x\.pkl: .*"\.pkl"/ });
  assert.throws(() => readDataFile(path.join(dir, "missing.csv")), { code: "data/file-missing", message: /missing\.csv: / });
});

test("a path that is no regular file is a clear error naming it: a folder, a named pipe (it blocked the kernel for ever), a broken symbolic link", () => {
  const dir = tempDir();
  fs.mkdirSync(path.join(dir, "folder.csv"));
  execFileSync("mkfifo", [path.join(dir, "pipe.csv")]);
  fs.symlinkSync(path.join(dir, "gone", "x.csv"), path.join(dir, "link.csv"));
  assert.throws(() => readDataFile(path.join(dir, "folder.csv")), { code: "data/file-unreadable", message: /folder\.csv cannot be read \(a folder\)/ });
  assert.throws(() => readDataFile(path.join(dir, "folder.csv") + "/"), { code: "data/file-unreadable", message: /a folder/ });
  assert.throws(() => readDataFile(path.join(dir, "pipe.csv")), { code: "data/file-unreadable", message: /pipe\.csv cannot be read \(a named pipe \(FIFO\)\)/ });
  assert.throws(() => readDataFile(path.join(dir, "link.csv")), { code: "data/file-unreadable", message: /link\.csv is a symbolic link to .*gone.x\.csv, which does not exist/ });
  // A loop of links: the target exists (it is a link), it only cannot be resolved.
  fs.symlinkSync(path.join(dir, "loop2.csv"), path.join(dir, "loop1.csv"));
  fs.symlinkSync(path.join(dir, "loop1.csv"), path.join(dir, "loop2.csv"));
  assert.throws(() => readDataFile(path.join(dir, "loop1.csv")), { code: "data/file-unreadable", message: /loop1\.csv is a symbolic link to .*loop2\.csv, which cannot be read \(ELOOP\)$/ });
});

test("a .json file holding one record written over several lines, or an array after much white space, is read", () => {
  const dir = tempTree({ "pretty.json": '{\n  "a": 1,\n  "b": "x"\n}\n', "spaced.json": " ".repeat(300) + '\n[{"a": 1}, {"a": 2}]', "lines.json": '{"a": 1}\n{"a": 2}\n' });
  assert.deepEqual(readDataFile(path.join(dir, "pretty.json")).toRecords(), [{ a: 1, b: "x" }]);
  assert.deepEqual(readDataFile(path.join(dir, "spaced.json")).toRecords(), [{ a: 1 }, { a: 2 }]);
  assert.deepEqual(readDataFile(path.join(dir, "lines.json")).toRecords(), [{ a: 1 }, { a: 2 }]);
  // With an integer wider than Int128 (read as text, with a warning): the record is read whole, not as broken lines.
  fs.writeFileSync(path.join(dir, "wide.json"), '{\n  "id": 1234567890123456789012345678901234567890,\n  "a": 1\n}\n');
  const warnings: string[] = [];
  assert.deepEqual(readDataFile(path.join(dir, "wide.json"), { warn: (m) => warnings.push(m) }).toRecords(), [{ id: "1234567890123456789012345678901234567890", a: 1 }]);
  assert.equal(warnings.length, 1);
  fs.writeFileSync(path.join(dir, "bad.json"), '{"a": 1}\n{"a": \n');
  assert.throws(() => readDataFile(path.join(dir, "bad.json")), { code: "data/file-invalid", message: /bad\.json: .*line 2 is not JSON/ });
});

test("a .json or .log holding a JSON array whose file ends inside it (cut mid-copy), or a top-level scalar, is an error naming the file and saying so", () => {
  const dir = tempTree({
    "cut.json": '[{"a": 1},\n {"a": 2}',
    "cut.log": '[\n  {"a": 1},\n  {"a": 2},\n',
    "number.json": "42\n",
    "text.json": '\uFEFF "x"',
  });
  for (const f of ["cut.json", "cut.log"]) {
    assert.throws(() => readDataFile(path.join(dir, f)), { code: "data/file-invalid", message: new RegExp(`${f.replace(".", "\\.")}: .*the JSON array is not closed`) }, f);
  }
  // Text after a closed array is no cut file.
  const after = path.join(tempTree({ "after.json": '[{"a": 1}] trailing\n' }), "after.json");
  assert.throws(() => readDataFile(after), (e: unknown) => e instanceof Error && /after\.json/.test(e.message) && !/not closed/.test(e.message));
  assert.throws(() => readDataFile(path.join(dir, "number.json")), { code: "data/file-invalid", message: /number\.json: .*holds a JSON number, not records/ });
  assert.throws(() => readDataFile(path.join(dir, "text.json")), { code: "data/file-invalid", message: /text\.json: .*holds a JSON string, not records/ });
});

test("a pretty-printed JSON record or array in a .ndjson, .jsonl or .log is read as a .json holding it is; several such records, or a cut one, are an error saying why", () => {
  const record = JSON.stringify({ a: 1, b: "x", ts: 1700000000.5 }, null, 2);
  const array = JSON.stringify([{ a: 1, b: "x" }, { a: 2, b: "y" }], null, 2);
  const deep = `{\n  "a": ${"[".repeat(100)}${"]".repeat(100)}\n}\n`;
  const dir = tempTree({
    "record.ndjson": `${record}\n`,
    "record.jsonl": `\uFEFF\n  ${record}\n`,
    "conn.log": `${record}\n`,
    "array.ndjson": `${array}\n`,
    "repeated.jsonl": '{\n  "a": 1,\n  "a": 2\n}\n',
    "deep.ndjson": deep,
    "two.ndjson": `${record}\n${record}\n`,
    "two.json": `${record}\n${record}\n`,
    "cut.jsonl": '{\n  "a": 1,\n',
    "broken.ndjson": '{"a": 1\n{"a": 2}\n',
  });
  // They failed with polars' "line 1 is not JSON", as if the file were broken.
  for (const name of ["record.ndjson", "record.jsonl"]) assert.deepEqual(readDataFile(path.join(dir, name)).toRecords(), [{ a: 1, b: "x", ts: 1700000000.5 }], name);
  // A .log's record read as its JSON lines would be (Zeek's epoch `ts` as a time).
  assert.deepEqual(readDataFile(path.join(dir, "conn.log")).getColumn("ts").toArray(), [new Date(1700000000500)]);
  assert.deepEqual(readDataFile(path.join(dir, "array.ndjson")).toRecords(), [{ a: 1, b: "x" }, { a: 2, b: "y" }]);
  const warnings: string[] = [];
  assert.deepEqual(readDataFile(path.join(dir, "repeated.jsonl"), { warn: (m) => warnings.push(m) }).toRecords(), [{ a: 2 }]);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /repeated\.jsonl/);
  assert.throws(() => readDataFile(path.join(dir, "deep.ndjson")), { code: "data/file-invalid", message: /deep\.ndjson: cannot read as NDJSON: line 2 nests arrays or objects more than 64 levels deep/ });
  for (const [name, format] of [["two.ndjson", "NDJSON"], ["two.json", "JSON"], ["cut.jsonl", "NDJSON"]]) {
    assert.throws(() => readDataFile(path.join(dir, name)), { code: "data/file-invalid", message: new RegExp(`${name.replace(".", "\\.")}: cannot read as ${format}: line 1 is not JSON .*JSON written over several lines \\(pretty-printed\\) is read as one document only.*one record per line`) }, name);
  }
  // A broken JSON line is no pretty-printed JSON: its error as before.
  assert.throws(() => readDataFile(path.join(dir, "broken.ndjson")), (e: unknown) => e instanceof DataFileError && /broken\.ndjson: .*line 1 is not JSON/.test(e.message) && !/pretty-printed/.test(e.message));
});

test("the lab's Parquet files keep the manifest's types", () => {
  const logons = readDataFile(path.join(__dirname, "..", "..", "data", "host_logons.parquet"));
  assert.equal(logons.height, 164);
  assert.equal(logons.getColumn("TimeGenerated").dtype.variant, "Datetime");
  assert.equal(logons.getColumn("LogonType").dtype.variant, "Int64");
  const procs = readDataFile(path.join(__dirname, "..", "..", "data", "processes_on_host.parquet"));
  assert.equal(procs.height, 22979);
  // Text in the original pickle stays text, as MSTICPy returns it.
  assert.ok(["String", "Utf8"].includes(procs.getColumn("TimeGenerated").dtype.variant));
  const exch = readDataFile(path.join(__dirname, "..", "..", "data", "exchange_admin.parquet"));
  assert.equal(exch.getColumn("cmds").dtype.variant, "List");
  assert.equal(exch.getColumn("duration").dtype.variant, "Duration");
});

test("exports as Windows tools write them: a JSON array whose later records add fields or change types, a BOM before JSON, PowerShell's #TYPE line, Excel's sep= line", () => {
  const records: object[] = Array.from({ length: 200 }, (_, i) => ({ TimeGenerated: "2024-01-02T10:00:00Z", v: i }));
  records.push({ TimeGenerated: "2024-01-02T11:00:00Z", v: "n/a", UserName: "bob" });
  const bom = "\uFEFF";
  const typeLine = "#TYPE System.Diagnostics.Eventing.Reader.EventLogRecord\r\n";
  const bigRows = Array.from({ length: 12_000 }, (_, i) => `"1/2/2024 10:${String(Math.floor(i / 60) % 60).padStart(2, "0")}:${String(i % 60).padStart(2, "0")} AM","${4688 + (i % 2)}","msg, ${i}"`);
  const dir = tempTree({
    "array.json": JSON.stringify(records),
    "bom.ndjson": bom + '{"a":1,"TimeGenerated":"2024-01-02T10:00:00Z"}\n{"a":2,"TimeGenerated":"2024-01-02T11:00:00Z"}\n',
    "bom.json": bom + '[{"a":1},{"a":2}]',
    "type.csv": typeLine + '"TimeCreated","Id","Message"\r\n"1/2/2024 10:00:00 AM","4688","A new process, x"\r\n',
    "type_big.csv": typeLine + '"TimeCreated","Id","Message"\r\n' + bigRows.join("\r\n") + "\r\n",
    "excel.csv": "sep=;\r\nTimeGenerated;Account;Bytes\r\n2024-01-02 10:00:00;a;1,5\r\n2024-01-02 11:00:00;b;2\r\n",
  });
  const array = readDataFile(path.join(dir, "array.json"));
  assert.equal(array.height, 201);
  assert.deepEqual(array.columns, ["TimeGenerated", "v", "UserName"]);
  assert.equal(array.getColumn("v").toArray()[200], "n/a");
  assert.equal(array.getColumn("UserName").toArray()[200], "bob");
  const ndjson = readDataFile(path.join(dir, "bom.ndjson"));
  assert.deepEqual(ndjson.columns, ["a", "TimeGenerated"]);
  assert.equal(ndjson.getColumn("TimeGenerated").dtype.variant, "Datetime");
  assert.deepEqual(readDataFile(path.join(dir, "bom.json")).getColumn("a").toArray().map(Number), [1, 2]);
  for (const [name, rows] of [["type.csv", 1], ["type_big.csv", 12_000]] as const) {
    const df = readDataFile(path.join(dir, name));
    assert.deepEqual(df.columns, ["TimeCreated", "Id", "Message"], name);
    assert.equal(df.height, rows, name);
    assert.equal(df.getColumn("TimeCreated").dtype.variant, "Datetime", name);
    assert.equal((df.getColumn("TimeCreated").toArray()[0] as unknown as Date).toISOString(), "2024-01-02T10:00:00.000Z", name);
    assert.equal(Number(df.getColumn("Id").toArray()[0]), 4688, name);
  }
  const excel = readDataFile(path.join(dir, "excel.csv"));
  assert.deepEqual(excel.columns, ["TimeGenerated", "Account", "Bytes"]);
  assert.deepEqual(excel.getColumn("Bytes").toArray(), [1.5, 2], "a `;` file's decimal commas are numbers (csv.ts withDecimalCommas; they stayed text before)");
  assert.deepEqual(csvDialect('sep=|\n"a"|"b"\n'), { sep: "|", skipRows: 1 });
  assert.deepEqual(csvDialect("#TYPE X\na;b\n"), { sep: ";", skipRows: 1 });
  assert.deepEqual(csvDialect("#TYPE X\na;b\n", ","), { sep: ",", skipRows: 1 });
  assert.deepEqual(csvDialect("#a,b\n"), { sep: ",", skipRows: 0 });
});

test("a UTF-16 text file (PowerShell 5's > and Out-File) is read as its text; one that does not decode, or is broken inside, is an error naming the file", () => {
  const le = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
  const be = (text: string) => Buffer.from([0xfe, 0xff, ...Buffer.from(text, "utf16le").swap16()]);
  const csvText = "#TYPE System.Diagnostics.Eventing.Reader.EventLogRecord\r\n\"TimeGenerated\",\"x\"\r\n\"2024-01-02 10:00:00\",\"Zürich 😀\"\r\n";
  const json = '[\r\n    {\r\n        "x":  "Zürich 😀",\r\n        "n":  1\r\n    }\r\n]';
  const dir = tempTree({
    "le.csv": le(csvText), "be.csv": be(csvText), "le.json": le(json), "le.ndjson": le('{"x":"a"}\r\n{"x":"b"}\r\n'),
    "lone.csv": Buffer.concat([le("x\r\n"), Buffer.from([0x00, 0xd8]), Buffer.from("a\r\n", "utf16le")]),
    "broken.ndjson": le('{"x":"a"}\r\n{"x":\r\n'),
  });
  for (const name of ["le.csv", "be.csv"]) {
    const df = readDataFile(path.join(dir, name));
    assert.deepEqual([df.columns, df.getColumn("x").toArray()], [["TimeGenerated", "x"], ["Zürich 😀"]], name);
  }
  assert.deepEqual(readDataFile(path.join(dir, "le.json")).toRecords(), [{ x: "Zürich 😀", n: 1 }]);
  assert.deepEqual(readDataFile(path.join(dir, "le.ndjson")).getColumn("x").toArray(), ["a", "b"]);
  assert.throws(() => readDataFile(path.join(dir, "lone.csv")), { code: "data/file-invalid", message: /lone\.csv: cannot read as CSV: UTF-16LE text that does not decode .*save it as UTF-8/ });
  assert.throws(() => readDataFile(path.join(dir, "broken.ndjson")), (err: Error) => err.message.includes(path.join(dir, "broken.ndjson")) && /line 2 is not JSON/.test(err.message) && !/huntlab-/.test(err.message.replace(dir, "")));
});

test("temporary copies that cannot be removed (still open elsewhere) are removed at exit by one listener for all, not one each (Node's MaxListenersExceededWarning after ten)", (t) => {
  const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("x\r\na\r\n", "utf16le")]);
  const dir = tempTree({ "le.csv": le });
  const copies = tempDir();
  const rmSync = fs.rmSync;
  // The copy's removal right after its read fails (maxRetries: removeCopy's call); removal at exit works.
  t.mock.method(fs, "rmSync", (target: fs.PathLike, options?: fs.RmOptions) => {
    if (options?.maxRetries !== undefined) throw Object.assign(new Error("EBUSY: resource busy or locked"), { code: "EBUSY" });
    rmSync(target, options);
  });
  const before = process.listeners("exit");
  const emitted: Error[] = [];
  const onWarning = (w: Error) => emitted.push(w);
  process.on("warning", onWarning);
  t.after(() => process.off("warning", onWarning));
  for (let k = 0; k < 15; k++) assert.deepEqual(readDataFile(path.join(dir, "le.csv"), { tempFolder: copies }).getColumn("x").toArray(), ["a"]);
  const added = process.listeners("exit").filter((l) => !before.includes(l));
  assert.equal(added.length, 1);
  assert.equal(fs.readdirSync(copies).length, 15);
  t.mock.restoreAll();
  (added[0] as () => void)();
  assert.deepEqual(fs.readdirSync(copies), []);
  assert.deepEqual(emitted.filter((w) => w.name === "MaxListenersExceededWarning"), []);
});

test("an NDJSON/JSONL export cut while downloaded or copied (its last line incomplete, no newline after it) loses that line only, with a warning naming the file and line", () => {
  const lines = Array.from({ length: 300 }, (_, i) => JSON.stringify({ TimeGenerated: "2024-01-02T10:00:00Z", CommandLine: `cmd.exe /c echo ${i}` }));
  for (const name of ["cut.ndjson", "cut.jsonl", "cut_bom.ndjson"]) {
    const dir = tempTree({ [name]: (name.includes("bom") ? "\uFEFF" : "") + lines.join("\n") + '\n{"TimeGenerated":"2024-01-02T10:00:00Z","CommandLine":"powershell -enc SQ' });
    const warnings: string[] = [];
    const df = readDataFile(path.join(dir, name), { warn: (m) => warnings.push(m) });
    assert.equal(df.height, 300, name);
    assert.equal(df.getColumn("TimeGenerated").dtype.variant, "Datetime", name);
    assert.equal(warnings.length, 1, warnings.join("\n"));
    assert.ok(warnings[0].startsWith(`${path.join(dir, name)}: line 301, the last, is incomplete`), warnings[0]);
  }
});

test("a bad NDJSON line is named by its number", () => {
  const lines = Array.from({ length: 5000 }, (_, i) => JSON.stringify({ TimeGenerated: "2024-01-02T10:00:00Z", v: i }));
  lines.push('{"TimeGenerated":"2024-01-02T10:00:00Z","v":4000');
  const dir = tempTree({ "cut.ndjson": lines.join("\n") + "\n" });
  assert.throws(() => readDataFile(path.join(dir, "cut.ndjson")), { code: "data/file-invalid", message: /cut\.ndjson: cannot read as NDJSON: line 5001 is not JSON/ });
  // A JSON array spans lines: a broken one names no line (its first line, "[", is no JSON on its own).
  const array = path.join(dir, "broken.json");
  fs.writeFileSync(array, '[\n{"a": 1},\n{"a": \n]\n');
  assert.throws(() => readDataFile(array), (err: Error) => /broken\.json: cannot read as JSON/.test(err.message) && !/line \d+ is not JSON/.test(err.message));
  const bad = firstBadJsonLine(path.join(dir, "cut.ndjson"));
  assert.equal(bad?.line, 5001);
  assert.match(bad?.error ?? "", /JSON|Unexpected|Expected/);
});

test("a file in a Windows code page (not UTF-8) is an error naming the file, the line and the byte, and saying to save it as UTF-8", () => {
  const rows = Array.from({ length: 20_000 }, (_, i) => `${i},x\n`).join("");
  const dir = tempTree({
    // Excel's "CSV (Comma delimited)" in a German locale: Windows-1252, `;`, CRLF.
    "excel.csv": Buffer.concat([Buffer.from("Name;Stadt\r\nM"), Buffer.from([0xfc]), Buffer.from("ller;K"), Buffer.from([0xf6]), Buffer.from("ln\r\n")]),
    // One such byte in the last of 20,001 lines: past the 10,000-row sample.
    "late.csv": Buffer.concat([Buffer.from(`a,b\n${rows}1,caf`), Buffer.from([0xe9]), Buffer.from("\n")]),
    "x.ndjson": Buffer.concat([Buffer.from('{"a":"ok"}\n{"a":"caf'), Buffer.from([0xe9]), Buffer.from('"}\n')]),
  });
  const cases: [string, string, string][] = [["excel.csv", "CSV", "line 2 has the byte 0xFC"], ["late.csv", "CSV", "line 20002 has the byte 0xE9"], ["x.ndjson", "NDJSON", "line 2 has the byte 0xE9"]];
  for (const [name, format, where] of cases) {
    assert.throws(() => readDataFile(path.join(dir, name)), (err: Error & { code?: string }) => {
      assert.equal(err.code, "data/file-invalid", name);
      assert.ok(err.message.includes(`${name}: cannot read as ${format}: not UTF-8 text: ${where}`), err.message);
      assert.match(err.message, /save the file as UTF-8/);
      // Excel's advice only where the file is a CSV; a JSON or Zeek log gets the command to convert it.
      if (format === "CSV") assert.match(err.message, /Excel: "CSV UTF-8"/);
      else assert.match(err.message, new RegExp(`iconv -f windows-1252 -t utf-8 ${name.replace(".", "\\.")} > utf8-`));
      if (format !== "CSV") assert.doesNotMatch(err.message, /Excel/);
      return true;
    });
  }
});

test("a compressed file that is not UTF-8 gets the command that converts the compressed file (the advice named the temporary copy's inner name)", () => {
  const text = Buffer.concat([Buffer.from('{"a":"ok"}\n{"a":"caf'), Buffer.from([0xe9]), Buffer.from('"}\n')]);
  const dir = tempTree({ "events.ndjson.gz": zlib.gzipSync(text) });
  assert.throws(() => readDataFile(path.join(dir, "events.ndjson.gz")), (err: Error & { code?: string }) => {
    assert.equal(err.code, "data/file-invalid");
    assert.ok(err.message.includes("events.ndjson.gz"), err.message);
    assert.match(err.message, /gzip -dc events\.ndjson\.gz \| iconv -f windows-1252 -t utf-8 > utf8-events\.ndjson/);
    assert.doesNotMatch(err.message, /iconv -f windows-1252 -t utf-8 events\.ndjson >/);
    return true;
  });
});

test("a Zeek ASCII log with a byte that is not UTF-8 names the line and byte, with advice for a log, not for Excel", () => {
  const header = ["#separator \\x09", "#set_separator\t,", "#empty_field\t(empty)", "#unset_field\t-", "#path\thttp", "#fields\tts\turi", "#types\ttime\tstring"].join("\n");
  const dir = tempTree({ "http.log": Buffer.concat([Buffer.from(`${header}\n1793529600.5\t/ok\n1793529601.5\t/caf`), Buffer.from([0xe9]), Buffer.from("\n")]) });
  assert.throws(() => readDataFile(path.join(dir, "http.log")), (err: Error & { code?: string }) => {
    assert.equal(err.code, "data/file-invalid");
    assert.match(err.message, /http\.log: cannot read as .*: not UTF-8 text: line 9 has the byte 0xE9 \(.*where Zeek writes \\xNN\): save the file as UTF-8, e\.g\. iconv -f windows-1252 -t utf-8 http\.log > utf8-http\.log/);
    assert.doesNotMatch(err.message, /Excel/);
    return true;
  });
});

test("integers beyond Int64 (read by polars as Int128, which JavaScript cannot read) become text with every digit, in CSV, NDJSON and JSON", () => {
  const big = "18446744073709551615";
  const later = Array.from({ length: 10_005 }, (_, i) => `${i},b\n`).join("");
  const dir = tempTree({
    "small.csv": `LogonId,Name\n${big},a\n12345678901234567890,b\n1,c\n`,
    // In the 10,000-row sample, and after it.
    "sampled.csv": `LogonId,Name\n${big},a\n${later}`,
    "after.csv": `LogonId,Name\n${later}${big},z\n`,
    "x.ndjson": `{"LogonId":${big},"Name":"a"}\n{"LogonId":1,"Name":"b"}\n`,
    "x.json": `[{"LogonId":${big},"Name":"a"},{"LogonId":1,"Name":"b"}]`,
    "nested.ndjson": `{"a":{"id":${big},"n":"x"},"b":1}\n{"a":{"id":1,"n":"y"},"b":2}\n`,
  });
  for (const f of ["small.csv", "sampled.csv", "after.csv", "x.ndjson", "x.json"]) {
    const df = readDataFile(path.join(dir, f));
    assert.deepEqual(df.dtypes.map((d) => d.variant), ["String", "String"], f);
    assert.ok(df.getColumn("LogonId").toArray().includes(big), f);
  }
  assert.deepEqual(readDataFile(path.join(dir, "small.csv")).getColumn("LogonId").toArray(), [big, "12345678901234567890", "1"]);
  assert.equal(readDataFile(path.join(dir, "sampled.csv")).height, 10_006);
  const nested = readDataFile(path.join(dir, "nested.ndjson"));
  assert.deepEqual(nested.getColumn("a").toArray(), [`{"id":${big},"n":"x"}`, '{"id":1,"n":"y"}']);
  assert.deepEqual(nested.getColumn("b").toArray().map(Number), [1, 2]);
});

test("a null cell of an integer column beyond Int64 stays null (it became the text \"null\", which filters took for a value), in CSV, NDJSON and JSON, nested too", () => {
  const big = "18446744073709551615";
  const dir = tempTree({
    "gap.csv": `LogonId,Name\n${big},a\n,b\n5,c\n`,
    "gap.ndjson": `{"LogonId":${big},"Name":"a"}\n{"LogonId":null,"Name":"b"}\n{"LogonId":5,"Name":"c"}\n`,
    "gap.json": `[{"LogonId":${big},"Name":"a"},{"Name":"b"},{"LogonId":5,"Name":"c"}]`,
    "nested.ndjson": `{"a":{"id":${big}},"b":1}\n{"a":null,"b":2}\n`,
  });
  for (const f of ["gap.csv", "gap.ndjson", "gap.json"]) {
    const id = readDataFile(path.join(dir, f)).getColumn("LogonId");
    assert.deepEqual(id.toArray(), [big, null, "5"], f);
    assert.equal(id.nullCount(), 1, f);
  }
  assert.deepEqual(readDataFile(path.join(dir, "nested.ndjson")).getColumn("a").toArray(), [`{"id":${big}}`, null]);
});

test("integers beyond Int128 (40-digit IDs, which polars fails to read as Int128) are text with every digit, in a small CSV as in a large one", () => {
  const huge = "1234567890123456789012345678901234567890";
  const negative = "-9876543210987654321098765432109876543210";
  const later = Array.from({ length: 10_005 }, (_, i) => `${i},${i},b\n`).join("");
  const dir = tempTree({
    // Two such columns (one read more each), a third of plain integers.
    "small.csv": `ObjectId,Other,Count\n${huge},${negative},1\n42,7,2\n`,
    "sampled.csv": `ObjectId,Other,Count\n${huge},${negative},1\n${later}`,
    "after.csv": `ObjectId,Other,Count\n${later}${huge},${negative},1\n`,
  });
  for (const f of ["small.csv", "sampled.csv", "after.csv"]) {
    const df = readDataFile(path.join(dir, f));
    assert.deepEqual(df.dtypes.map((d) => d.variant).slice(0, 2), ["String", "String"], f);
    assert.ok(df.getColumn("ObjectId").toArray().includes(huge), f);
    assert.ok(df.getColumn("Other").toArray().includes(negative), f);
  }
  const small = readDataFile(path.join(dir, "small.csv"));
  assert.deepEqual(small.getColumn("ObjectId").toArray(), [huge, "42"]);
  assert.equal(small.getColumn("Count").dtype.variant, "Int64");
});

test("integers beyond Int128 in JSON and NDJSON: the file loads (it failed whole, at a character position), their columns text with every digit, with a warning naming the line", () => {
  const huge = "1234567890123456789012345678901234567890";
  const dir = tempTree({
    "events.ndjson": `{"id":1,"note":"a ${huge} in text stays"}\n{"id":${huge},"note":"x"}\n{"id":-${huge},"note":"y","n":1.5e300}\n`,
    "events.json": `[{"id":1},\n{"id":${huge}}]`,
    "events.log": `{"ts":1709287200.5,"id":${huge},"ratio":0.${huge}}\n`,
  });
  for (const f of ["events.ndjson", "events.json", "events.log"]) {
    const warnings: string[] = [];
    const df = readDataFile(path.join(dir, f), { warn: (w) => warnings.push(w) });
    assert.equal(df.getColumn("id").dtype.variant, "String", f);
    assert.ok(df.getColumn("id").toArray().includes(huge), f);
    assert.equal(warnings.length, 1, f);
    assert.match(warnings[0], new RegExp(`${f}: \\d integer\\(s\\) wider than 128 bits \\(the first on line ${f === "events.log" ? 1 : 2}\\) read as text`));
  }
  const nd = readDataFile(path.join(dir, "events.ndjson"), { warn: () => undefined });
  assert.deepEqual(nd.getColumn("id").toArray(), ["1", huge, `-${huge}`]);
  assert.equal(nd.getColumn("note").toArray()[0], `a ${huge} in text stays`);
  // Any other bad number still fails the file, naming its line.
  const bad = tempTree({ "bad.ndjson": `{"id":1}\n{"id":${huge}, "x": 01}\n` });
  assert.throws(() => readDataFile(path.join(bad, "bad.ndjson"), { warn: () => undefined }), (e: Error) => /bad\.ndjson/.test(e.message) && /line 2 is not JSON/.test(e.message));
});

test("an empty JSON or NDJSON export (a search with no hits) is no rows, as `[]` is; a query's start/end over it gives no rows, not an error", async () => {
  const dir = tempTree({ "none.ndjson": "", "blank.json": "\n  \n", "bom.ndjson": "\uFEFF\n", "arr.json": "[]" });
  for (const f of ["none.ndjson", "blank.json", "bom.ndjson", "arr.json"]) {
    const df = readDataFile(path.join(dir, f));
    assert.deepEqual([df.height, df.width], [0, 0], f);
  }
  const qp = new QueryProvider("LocalData", { dataPaths: [dir] });
  for (const q of ["none", "arr"]) {
    const run = (qp as unknown as Record<string, Record<string, (p: object) => Promise<pl.DataFrame>>>).LocalData[q];
    const df = await run({ start: new Date("2024-01-01T00:00:00Z"), end: new Date("2024-02-01T00:00:00Z") });
    assert.equal(df.height, 0, q);
  }
});

test("an empty CSV export (`@() | Export-Csv` writes nothing; Excel's of an empty sheet a blank line) is no rows, as an empty JSON export; start/end over it gives no rows", async () => {
  const dir = tempTree({ "none.csv": "", "bom.csv": "\uFEFF\r\n", "utf16.csv": Buffer.from([0xff, 0xfe]) });
  for (const f of ["none.csv", "bom.csv", "utf16.csv"]) {
    const df = readDataFile(path.join(dir, f));
    assert.deepEqual([df.height, df.width], [0, 0], f);
  }
  const qp = new QueryProvider("LocalData", { dataPaths: [dir] });
  const df = await qp.execQuery("LocalData.none", { start: new Date("2024-01-01T00:00:00Z"), end: new Date("2024-02-01T00:00:00Z") });
  assert.equal(df.height, 0);
  // A header alone keeps its columns.
  const header = readDataFile(path.join(tempTree({ "h.csv": "TimeGenerated,Computer\r\n" }), "h.csv"));
  assert.deepEqual(header.columns, ["TimeGenerated", "Computer"]);
});
