/**
 * A raw syslog file (/var/log/auth.log, /var/log/syslog) read by the data readers: one row per line in Sentinel's
 * Syslog columns, for RFC 3164 (no year: the readers' rule and warning), rsyslog's RFC 3339 form and RFC 5424; a
 * line of none of these forms is a row of its text, counted in one warning. Before, a `.log` of syslog lines was
 * refused ("neither a Zeek ASCII log … nor JSON lines") and not listed by LocalData. Every fixture is written here.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { test } from "node:test";
import pl from "nodejs-polars";
import { readDataFile } from "../../src/data/readers";
import { readSyslogFile } from "../../src/data/syslog";
import { QueryProvider } from "../../src/data/queryProvider";
import { columnNames } from "../../src/common/frames";
import { tempDir } from "../helpers/tmp";

const iso = (df: pl.DataFrame) => (df.getColumn("TimeGenerated").toArray() as unknown as (Date | null)[]).map((d) => d?.toISOString() ?? null);
const col = (df: pl.DataFrame, name: string) => df.getColumn(name).toArray() as unknown[];

const AUTH_LOG = [
  "Dec 31 23:59:58 web1 sshd[1234]: Accepted publickey for maya from 203.0.113.5 port 50522 ssh2: ED25519 SHA256:abc",
  "Dec 31 23:59:59 web1 sshd[1234]: pam_unix(sshd:session): session opened for user maya(uid=1000) by (uid=0)",
  "",
  "Jan  1 00:00:03 web1 CRON[2001]: pam_unix(cron:session): session closed for user root",
  "    continuation of a message a program wrote over two lines",
  "Jan  1 00:00:04 web1 kernel: [12345.678] eth0: link up",
  "<38>Jan  1 00:00:05 web1 sudo:     maya : TTY=pts/0 ; PWD=/home/maya ; USER=root ; COMMAND=/bin/bash",
  "Jan  1 00:00:06 web1 -- MARK --",
].join("\n");

test("an auth.log (RFC 3164): one row per line, time (years by the file's date, warned), host, program, pid, message; a line of no syslog form is a row of its text", () => {
  const dir = tempDir();
  const file = path.join(dir, "auth.log");
  fs.writeFileSync(file, AUTH_LOG + "\n");
  const written = new Date("2027-01-02T00:00:00Z");
  fs.utimesSync(file, written, written);
  const warnings: string[] = [];
  const df = readDataFile(file, { warn: (m) => warnings.push(m) });
  assert.deepEqual(columnNames(df), ["TimeGenerated", "HostName", "ProcessName", "ProcessID", "SyslogMessage", "Facility", "SeverityLevel", "MsgId", "StructuredData"]);
  assert.deepEqual(iso(df), ["2026-12-31T23:59:58.000Z", "2026-12-31T23:59:59.000Z", "2027-01-01T00:00:03.000Z", null, "2027-01-01T00:00:04.000Z", "2027-01-01T00:00:05.000Z", "2027-01-01T00:00:06.000Z"]);
  assert.deepEqual(col(df, "HostName"), ["web1", "web1", "web1", null, "web1", "web1", "web1"]);
  assert.deepEqual(col(df, "ProcessName"), ["sshd", "sshd", "CRON", null, "kernel", "sudo", null]);
  assert.deepEqual(col(df, "ProcessID"), [1234, 1234, 2001, null, null, null, null]);
  assert.equal(df.getColumn("ProcessID").dtype.variant, "Int64");
  assert.deepEqual(col(df, "SyslogMessage"), [
    "Accepted publickey for maya from 203.0.113.5 port 50522 ssh2: ED25519 SHA256:abc",
    "pam_unix(sshd:session): session opened for user maya(uid=1000) by (uid=0)",
    "pam_unix(cron:session): session closed for user root",
    "    continuation of a message a program wrote over two lines",
    "[12345.678] eth0: link up",
    "    maya : TTY=pts/0 ; PWD=/home/maya ; USER=root ; COMMAND=/bin/bash",
    "-- MARK --",
  ]);
  assert.deepEqual([col(df, "Facility")[5], col(df, "SeverityLevel")[5]], ["auth", "info"], "<38>: facility 4 (auth), severity 6 (info)");
  assert.equal(warnings.length, 2, warnings.join("\n"));
  assert.match(warnings[0], /auth\.log: 1 of 7 line\(s\) are not syslog lines \(RFC 3164, RFC 3339 or RFC 5424; the first: line 5\)/);
  assert.match(warnings[1], /auth\.log: column "TimeGenerated" holds times without a year .*read as 2026–2027/);
  // The year option, as for any file; gzipped (a rotated log, compressed) the same rows.
  assert.deepEqual(iso(readDataFile(file, { year: 2020, warn: () => undefined })).slice(0, 3), ["2019-12-31T23:59:58.000Z", "2019-12-31T23:59:59.000Z", "2020-01-01T00:00:03.000Z"]);
  const gz = path.join(dir, "auth.2.log.gz");
  fs.writeFileSync(gz, zlib.gzipSync(AUTH_LOG));
  fs.utimesSync(gz, written, written);
  const unzipped = readDataFile(gz, { warn: () => undefined });
  assert.deepEqual(col(unzipped, "SyslogMessage"), col(df, "SyslogMessage"));
  assert.deepEqual(iso(unzipped), iso(df));
});

test("rsyslog's RFC 3339 lines and RFC 5424 lines (structured data with a quoted ] and escapes, a BOM before the message, '-' for none)", () => {
  const dir = tempDir();
  const rfc3339 = path.join(dir, "syslog.log");
  fs.writeFileSync(rfc3339, "2026-12-07T08:15:00.123456+01:00 web1 systemd[1]: Started Session 4 of User maya.\r\n2026-12-07T08:15:01.000000+01:00 web1 sshd[812]: Connection closed by 198.51.100.7 port 40022 [preauth]\r\n");
  const a = readDataFile(rfc3339, { warn: (m) => assert.fail(m) });
  assert.deepEqual(iso(a), ["2026-12-07T07:15:00.123Z", "2026-12-07T07:15:01.000Z"]);
  assert.deepEqual(col(a, "ProcessName"), ["systemd", "sshd"]);
  assert.deepEqual(col(a, "SyslogMessage"), ["Started Session 4 of User maya.", "Connection closed by 198.51.100.7 port 40022 [preauth]"]);
  const rfc5424 = path.join(dir, "relay.log");
  fs.writeFileSync(
    rfc5424,
    [
      '<165>1 2026-12-07T08:15:00.003Z mymachine.example.com evntslog 4242 ID47 [exampleSDID@32473 iut="3" eventSource="App]lication" note="a \\"quoted\\" \\] here"][other@1 k="v"] \uFEFFAn application event',
      "<34>1 2026-12-07T08:16:00Z web1 su - - - 'su root' failed for maya on /dev/pts/8",
      "<13>1 - - - - - -",
    ].join("\n"),
  );
  const b = readDataFile(rfc5424, { warn: (m) => assert.fail(m) });
  assert.deepEqual(iso(b), ["2026-12-07T08:15:00.003Z", "2026-12-07T08:16:00.000Z", null]);
  assert.deepEqual(col(b, "HostName"), ["mymachine.example.com", "web1", null]);
  assert.deepEqual(col(b, "ProcessName"), ["evntslog", "su", null]);
  assert.deepEqual(col(b, "ProcessID"), [4242, null, null]);
  assert.deepEqual(col(b, "MsgId"), ["ID47", null, null]);
  assert.deepEqual(col(b, "StructuredData"), ['[exampleSDID@32473 iut="3" eventSource="App]lication" note="a \\"quoted\\" \\] here"][other@1 k="v"]', null, null]);
  assert.deepEqual(col(b, "SyslogMessage"), ["An application event", "'su root' failed for maya on /dev/pts/8", ""]);
  assert.deepEqual(col(b, "Facility"), ["local4", "auth", "user"]);
  assert.deepEqual(col(b, "SeverityLevel"), ["notice", "crit", "notice"]);
});

test("a long line of no syslog form is one row (no header looked for past its start); other text logs are still refused, naming the syslog forms; LocalData lists and filters an auth.log", async () => {
  const dir = tempDir();
  const file = path.join(dir, "auth.log");
  const long = "x".repeat(1 << 20);
  fs.writeFileSync(file, `Dec  7 08:15:00 web1 sshd[1]: start\n${long}\nDec  7 08:15:02 web1 sshd[1]: ${long}\n`);
  const df = readDataFile(file, { warn: () => undefined, year: 2026 });
  assert.deepEqual((col(df, "SyslogMessage") as string[]).map((m) => m.length), [5, 1 << 20, 1 << 20]);
  // Read whole: a file past the limit (256 MiB) is refused, saying how to split it.
  assert.throws(() => readSyslogFile(file, undefined, 1000), { code: "data/file-invalid", message: /auth\.log: .*a syslog file of \d+ bytes is more than the 1000 read whole: split it by lines \(split -C 200m/ });
  const text = path.join(dir, "app.log");
  fs.writeFileSync(text, "[2026-11-01 10:00:00] INFO started\n");
  assert.throws(() => readDataFile(text), { code: "data/file-invalid", message: /app\.log: .*syslog lines \(RFC 3164 `Dec {2}7 08:15:00 host sshd\[42\]: …`, RFC 3339 or RFC 5424\) nor syslog lines of <Event> XML \(Sysmon for Linux\)/ });
  fs.rmSync(text);
  fs.writeFileSync(file, AUTH_LOG + "\n");
  const written = new Date("2027-01-02T00:00:00Z");
  fs.utimesSync(file, written, written);
  const qp = new QueryProvider("LocalData", { dataPaths: [dir], readOptions: { warn: () => undefined } });
  const rows = await qp.execQuery("LocalData.auth", { start: "2027-01-01T00:00:00Z", end: "2027-01-01T00:00:05Z" });
  assert.deepEqual(col(rows, "ProcessName"), ["CRON", "kernel", "sudo"]);
});
