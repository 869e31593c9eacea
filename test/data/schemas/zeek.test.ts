/**
 * Zeek's ASCII logs (src/data/schemas/zeek.ts, zeekEscapes.ts): `\xNN`
 * escapes decoded as Zeek's writer means them, and the file read by polars
 * in bounded memory (header lines found block by block, never one string).
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import pl from "nodejs-polars";
import { readDataFile } from "../../../src/data/readers";
import { readZeekTsv, readZeekTsvFile, SCAN_BLOCK } from "../../../src/data/schemas/zeek";
import { decodeZeekEscapes, decodeZeekSet } from "../../../src/data/schemas/zeekEscapes";
import { tempTree } from "../../helpers/tmp";

const col = (df: pl.DataFrame, name: string) => df.getColumn(name).toArray() as unknown[];
const T = "\t";

/** An http.log as Zeek 6 writes it (LogAscii::enable_utf_8 off: every non-ASCII byte escaped). */
const HTTP = [
  "#separator \\x09",
  "#set_separator\t,",
  "#empty_field\t(empty)",
  "#unset_field\t-",
  "#path\thttp",
  "#open\t2026-11-01-10-00-00",
  "#fields\tts\tuid\tid.orig_h\tmethod\thost\turi\tuser_agent\ttags\tstatus_code\tresp_mime_types",
  "#types\ttime\tstring\taddr\tstring\tstring\tstring\tstring\tset[enum]\tcount\tvector[string]",
  ["1793529600.123456", "CHt1", "10.20.4.17", "GET", "xn--caf-dma.example", "/caf\\xc3\\xa9/men\\xc3\\xbc?q=a\\x09b", 'curl/8.4.0 "quoted"', "(empty)", "200", "text/html"].join(T),
  // Latin-1 bytes (not UTF-8), an escaped backslash, a value that is `-` (not unset), a vector element holding the set separator.
  ["1793529601.000000", "CHt2", "10.20.4.17", "\\x2d", "203.0.113.9", "/d\\xe9j\\xe0/x\\x5cy", "-", "-", "404", "a\\x2cb,text/plain"].join(T),
  ["1793529602.500000", "CHt3", "10.20.4.18", "POST", "203.0.113.9", "/upload", "Mozilla/5.0 (Windows NT 10.0; Win64; x64)", "-", "-", "(empty)"].join(T),
  "#close\t2026-11-01-11-00-00",
].join("\n");

describe("Zeek ASCII logs: escapes", () => {
  it("decodes \\xNN to the value's bytes: UTF-8 text decoded, other bytes kept visible as \\xNN", () => {
    const df = readZeekTsv(HTTP, "http.log");
    assert.deepEqual(col(df, "uri"), ["/café/menü?q=a\tb", "/d\\xe9j\\xe0/x\\y", "/upload"]);
    assert.deepEqual(col(df, "method"), ["GET", "-", "POST"], "an escaped `-` is the text `-`, not unset");
    assert.deepEqual(col(df, "user_agent"), ['curl/8.4.0 "quoted"', null, "Mozilla/5.0 (Windows NT 10.0; Win64; x64)"], "quotes are data");
    // A set's elements: the separator inside one stays escaped, so the text still splits into its elements.
    assert.deepEqual(col(df, "resp_mime_types"), ["text/html", "a\\x2cb,text/plain", ""]);
    assert.deepEqual(col(df, "tags"), ["", null, null]);
    assert.deepEqual(col(df, "status_code").map((v) => (v === null ? null : Number(v))), [200, 404, null]);
    assert.equal(df.getColumn("ts").dtype.variant, "Datetime");
  });

  it("decodeZeekEscapes / decodeZeekSet", () => {
    assert.equal(decodeZeekEscapes("plain"), "plain");
    assert.equal(decodeZeekEscapes("a\\x09b\\x0a"), "a\tb\n");
    assert.equal(decodeZeekEscapes("\\xe2\\x82\\xac 5"), "€ 5");
    // Invalid UTF-8: a lone continuation byte, a cut sequence, an overlong form, a surrogate.
    assert.equal(decodeZeekEscapes("\\x80x\\xe2\\x82y\\xc0\\xafz\\xed\\xa0\\x80"), "\\x80x\\xe2\\x82y\\xc0\\xafz\\xed\\xa0\\x80");
    assert.equal(decodeZeekEscapes("\\x5cx41"), "\\x41", "an escaped backslash is decoded once");
    assert.equal(decodeZeekEscapes("\\q \\x4"), "\\q \\x4", "other backslashes are kept");
    assert.equal(decodeZeekSet("a\\x2cb,c\\x09", ","), "a\\x2cb,c\t");
  });

  it("header separators are decoded as values are (one decoder): `\\x20` is a space; a byte that is no UTF-8 is named as written", () => {
    const spaced = ["#separator \\x20", "#set_separator ;", "#empty_field (empty)", "#unset_field -", "#fields uid tags", "#types string set[string]", "C1 a\\x3bb;c", "C2 -"].join("\n");
    const df = readZeekTsv(spaced, "spaced.log");
    assert.deepEqual(col(df, "uid"), ["C1", "C2"]);
    assert.deepEqual(col(df, "tags"), ["a\\x3bb;c", null], "the set separator's own escape is kept inside an element");
    // Zeek writes the separator byte 0xFE as \xfe: it is no character (the older header decoder made it `þ`).
    const odd = ["#separator \\xfe", "#fields uid", "C1"].join("\n");
    assert.throws(() => readZeekTsv(odd, "odd.log"), { code: "data/file-invalid", message: /odd\.log: .*the separator "\\\\xfe" is not one character/ });
  });

  it("header lines written with the separator in force (LogAscii::separator = \"|\")", () => {
    const piped = ["#separator \\x7c", "#set_separator|,", "#empty_field|(empty)", "#unset_field|-", "#path|conn", "#fields|ts|uid|id.orig_h|service", "#types|time|string|addr|string", "1793529600.5|C1|10.0.0.1|dns", "1793529601.0|C2|10.0.0.2|-"].join("\n");
    const df = readZeekTsv(piped, "piped.log");
    assert.deepEqual(df.columns, ["ts", "uid", "id.orig_h", "service"]);
    assert.deepEqual(col(df, "uid"), ["C1", "C2"]);
    assert.deepEqual(col(df, "service"), ["dns", null]);
  });

  it("a file reads as its text does; blank lines, short and long rows, CRLF and rows before #fields", () => {
    const lines = HTTP.split("\n");
    // A row before the #fields line (read with the first header), a short row, a long row and a blank line.
    const odd = [...lines.slice(0, 6), ["1793529599.000000", "CHt0", "10.0.0.1", "GET", "h", "/early", "-", "-", "100", "-"].join(T), ...lines.slice(6, 9), ["1793529603", "CHt4"].join(T), "", [...lines[9].split(T), "extra"].join(T), ...lines.slice(10)];
    const dir = tempTree({ "http.log": odd.join("\n") + "\n", "crlf.log": odd.join("\r\n") + "\r\n" });
    for (const f of ["http.log", "crlf.log"]) {
      const df = readZeekTsvFile(path.join(dir, f));
      assert.deepEqual(col(df, "uid"), ["CHt0", "CHt1", "CHt4", "CHt2", "CHt3"], f);
      assert.deepEqual(col(df, "uri"), ["/early", "/café/menü?q=a\tb", null, "/d\\xe9j\\xe0/x\\y", "/upload"], f);
      assert.deepEqual(col(df, "resp_mime_types"), [null, "text/html", null, "a\\x2cb,text/plain", ""], f);
      assert.deepEqual(col(df, "status_code").map((v) => (v === null ? null : Number(v))), [100, 200, null, 404, null], f);
    }
    assert.deepEqual(col(readDataFile(path.join(dir, "http.log")), "uid"), ["CHt0", "CHt1", "CHt4", "CHt2", "CHt3"]);
  });
});

describe("Zeek ASCII logs: types", () => {
  it("a count beyond Int64 (unsigned 64-bit) keeps its digits: that column is UInt64; counts that fit are Int64", () => {
    const log = ["#separator \\x09", "#fields\tuid\tbytes\tpkts", "#types\tstring\tcount\tcount", "C1\t18446744073709551615\t5", "C2\t-\t7", "C3\t9223372036854775808\t(empty)"].join("\n");
    const df = readZeekTsv(log, "conn.log");
    assert.deepEqual(df.dtypes.map(String), ["DataType(String)", "DataType(UInt64)", "DataType(Int64)"]);
    assert.deepEqual(col(df, "bytes"), [18446744073709551615n, null, 9223372036854775808n]);
    assert.deepEqual(col(df, "pkts"), [5, 7, null]);
    // Blocks with other #fields (a script added community_id), stacked: decided on the whole log (one block
    // narrowed alone stacked with the other as Float64, rounding 2^64 - 1).
    const stacked = [log, "#fields\tuid\tbytes\tpkts\tcommunity_id", "#types\tstring\tcount\tcount\tstring", "C4\t12\t3\t1:abc"].join("\n");
    const both = readZeekTsv(stacked, "conn.log");
    assert.deepEqual(both.dtypes.map(String), ["DataType(String)", "DataType(UInt64)", "DataType(Int64)", "DataType(String)"]);
    assert.deepEqual(col(both, "bytes"), [18446744073709551615n, null, 9223372036854775808n, 12n]);
    // A field `count` in one block and `int` in the next, every value within Int64: Int64, exact (was Float64).
    const mixed = ["#separator \\x09", "#fields\tuid\tbytes", "#types\tstring\tcount", "C1\t9007199254740993", "#fields\tuid\tbytes\tx", "#types\tstring\tint\tstring", "C2\t-1\ty"].join("\n");
    const m = readZeekTsv(mixed, "conn.log");
    assert.equal(String(m.getColumn("bytes").dtype), "DataType(Int64)");
    assert.deepEqual(m.getColumn("bytes").cast(pl.Utf8).toArray(), ["9007199254740993", "-1"]);
    // A count beyond Int64 in one block and `int` in the next: UInt64 when no value is negative, else text; every digit
    // kept either way (stacked as Float64, 2^64 - 1 became 1.8446744073709552e19).
    const wideThenInt = (v: string) => ["#separator \\x09", "#fields\tuid\tbytes", "#types\tstring\tcount", "C1\t18446744073709551615", "#fields\tuid\tbytes\tx", "#types\tstring\tint\tstring", `C2\t${v}\ty`].join("\n");
    const unsigned = readZeekTsv(wideThenInt("7"), "conn.log");
    assert.equal(String(unsigned.getColumn("bytes").dtype), "DataType(UInt64)");
    assert.deepEqual(col(unsigned, "bytes"), [18446744073709551615n, 7n]);
    const text = readZeekTsv(wideThenInt("-5"), "conn.log");
    assert.deepEqual(col(text, "bytes"), ["18446744073709551615", "-5"]);
  });
});

describe("Zeek ASCII logs: time", () => {
  it("reads epoch times before 1970 (the fraction signed too) and past 2255 to the microsecond, in integers", () => {
    const times = ["1704067200.123456", "-86400.5", "-0.000001", "-1", "253402300799.999999", "9999999999.000001", "-"];
    const log = ["#separator \\x09", "#unset_field\t-", "#fields\tts\tuid", "#types\ttime\tstring", ...times.map((t, i) => `${t}\tC${i}`)].join("\n");
    const df = readZeekTsv(log, "conn.log");
    assert.equal(String(df.getColumn("ts").dtype), String(pl.Datetime("us")));
    const micros = df.getColumn("ts").cast(pl.Int64).cast(pl.Utf8).toArray();
    assert.deepEqual(micros, ["1704067200123456", "-86400500000", "-1", "-1000000", "253402300799999999", "9999999999000001", null]);
  });
});

describe("Zeek ASCII logs: large files", () => {
  it("header lines are found across the read blocks: a header block starting at a block's first byte", () => {
    const head = (extra: string) =>
      `#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tconn\n#fields\tts\tuid\tproto${extra ? "\t" + extra : ""}\n#types\ttime\tstring\tenum${extra ? "\tstring" : ""}\n`;
    const first = head("");
    const row = (i: number) => `1793529600.000000\tC${String(i).padStart(12, "0")}\ttcp\n`;
    let body = "";
    const parts: string[] = [first];
    let size = first.length;
    for (let i = 0; size + row(i).length <= SCAN_BLOCK; i += 1) {
      parts.push(row(i));
      size += row(i).length;
    }
    // Pad the last row so that the next header's `#` is the first byte of the second block.
    const short = SCAN_BLOCK - size;
    body = parts.join("");
    if (short > 0) body = body.slice(0, -1) + "x".repeat(short) + "\n";
    assert.equal(Buffer.byteLength(body), SCAN_BLOCK);
    const text = body + head("service") + "1793529700.000000\tCLAST\tudp\tdns\n";
    const dir = tempTree({ "conn.log": text });
    const df = readZeekTsvFile(path.join(dir, "conn.log"));
    assert.equal(df.height, parts.length);
    assert.deepEqual(col(df.tail(1), "service"), ["dns"], "the second header block is read with its own #fields");
    assert.deepEqual(col(df.tail(1), "uid"), ["CLAST"]);
    assert.equal(df.getColumn("service").nullCount(), df.height - 1);
  });

  it("the file is never read into one string", () => {
    const dir = tempTree({ "conn.log": HTTP });
    const readFileSync = fs.readFileSync;
    let whole = 0;
    (fs as { readFileSync: unknown }).readFileSync = (...args: Parameters<typeof fs.readFileSync>) => {
      if (String(args[0]).endsWith("conn.log")) whole += 1;
      return readFileSync(...args);
    };
    try {
      assert.equal(readZeekTsvFile(path.join(dir, "conn.log")).height, 3);
    } finally {
      (fs as { readFileSync: unknown }).readFileSync = readFileSync;
    }
    assert.equal(whole, 0);
  });
});
