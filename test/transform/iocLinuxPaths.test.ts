/**
 * Linux paths after `key:` / `key=` option separators and relative paths
 * (issue #18, item 1), and the junk that must stay out: URL pieces, lone
 * `./` and `../`, ellipses, version strings, Windows drives written with `/`.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import pl from "nodejs-polars";
import { IoCExtract } from "../../src/transform/iocExtract";

const iocs = new IoCExtract();
const paths = (text: string) => iocs.extractText(text, { iocTypes: ["linux_path"] }).linux_path ?? [];

test("paths after a `key:` option separator, absolute and relative", () => {
  assert.deepEqual(paths("/usr/sbin/tcpdump -w:./cap/out.pcap -r:/var/tmp/in.pcap -F:../../etc/filt"), [
    "/usr/sbin/tcpdump",
    "./cap/out.pcap",
    "/var/tmp/in.pcap",
    "../../etc/filt",
  ]);
  // A single-letter option and a numeric key are keys too; a relative root needs one component only.
  assert.deepEqual(paths("tool -o:./x -n 3:/opt/a/b"), ["./x", "/opt/a/b"]);
  assert.deepEqual(paths("rsync backup@nas01:/srv/backups/db.tar ."), ["/srv/backups/db.tar"]);
});

test("paths after a `key=` option separator end before the next option", () => {
  assert.deepEqual(paths("/opt/tool/run --config=./conf/app.yml --log=/var/log/tool.log --out=../results/x.json"), [
    "/opt/tool/run",
    "./conf/app.yml",
    "/var/log/tool.log",
    "../results/x.json",
  ]);
  // sudo's log line: each `KEY=path` is its own path, not one path spanning the fields.
  assert.deepEqual(paths("sudo: omsagent : TTY=unknown ; PWD=/home/svc ; USER=root ; COMMAND=/usr/bin/python3 /opt/x/job.py"), [
    "/home/svc",
    "/usr/bin/python3",
    "/opt/x/job.py",
  ]);
  // Tab-separated fields are separate paths.
  assert.deepEqual(paths("exec\t/usr/bin/curl\t/tmp/.cache/x.sh\tok"), ["/usr/bin/curl", "/tmp/.cache/x.sh"]);
  // Folders with spaces still work when no option follows.
  assert.deepEqual(paths("cp /mnt/My Files/report.pdf /tmp/r.pdf"), ["/mnt/My Files/report.pdf", "/tmp/r.pdf"]);
});

test("URL pieces are not paths: `/url:https:`, `//user@host:88`, `scheme://` of unknown schemes", () => {
  const text = "c:\\tools\\fetch.exe /url:https://files.example.org/a/b?x=1 /url:https://admin@files.example.org:88/c/d?y=2 /url:https: //admin@host:88";
  assert.deepEqual(iocs.extractText(text, { iocTypes: ["linux_path"] }), {});
  assert.deepEqual(paths("mount smb://fileserver/share/dir and s3://bucket/key/obj"), []);
  assert.deepEqual(paths("proxy=http://proxy.example.com:8080/p ok"), []);
});

test("relative paths do not produce junk on ordinary text", () => {
  for (const text of [
    "../",
    "./",
    "cd ../ and ./ then stop",
    "see .../ and ..../x/y or ..../",
    "Wait.../tmp/x",
    "version 1.2.3/4.5.6 and v2.0./rc1 and 10./20",
    "It works./ Really./ Yes",
    "ratio 3:4/5 at 12:30/13:30",
    "C:/Windows/System32/drivers/etc/hosts", // a Windows drive written with `/`
    "and/or ./ -- ../ ~/",
    "key=./ key=../ key:./",
  ]) {
    assert.deepEqual(paths(text), [], JSON.stringify(text));
  }
  // A real relative path at the end of a sentence keeps its name, not the full stop.
  assert.deepEqual(paths("Then run ./configure."), ["./configure"]);
});

test("DataFrame extraction finds the same option-separated paths", () => {
  const df = pl.DataFrame({ cmd: ["/bin/sh --rcfile:./evil.rc --init-file=/tmp/.x/i.sh", "nothing here", "cat ../../etc/shadow"] });
  const out = iocs.extract(df, { columns: "cmd", iocTypes: ["linux_path"] }).toRecords() as { Observable: string; SourceIndex: number }[];
  assert.deepEqual(out.map((r) => [r.SourceIndex, r.Observable]), [
    [0, "/bin/sh"],
    [0, "./evil.rc"],
    [0, "/tmp/.x/i.sh"],
    [2, "../../etc/shadow"],
  ]);
});
