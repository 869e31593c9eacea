/**
 * Defanged forms (issue #18, item 2): the scheme manglings and bracketed
 * punctuation analysts write, refanged in any case; and MSTICPy's
 * `defanged: false` switch, which scans the text as written.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import pl from "nodejs-polars";
import { mayBeDefanged, refang } from "../../src/transform/defang";
import { IoCExtract } from "../../src/transform/iocExtract";

const iocs = new IoCExtract();

test("scheme manglings: hxxp, hXXps, hxtp, htxp, h**p, fxp, sfXp, with bracketed separators", () => {
  const cases: [string, string][] = [
    ["hxxp[:]//dl.badsite.example.com/a.exe", "http://dl.badsite.example.com/a.exe"],
    ["hXXps://cdn.badsite.example.com/p", "https://cdn.badsite.example.com/p"],
    ["HXXPS[://]upd.badsite.example.com/u", "https://upd.badsite.example.com/u"],
    ["hxtp://a.badsite.example.com/1", "http://a.badsite.example.com/1"],
    ["htxps://b.badsite.example.com/2", "https://b.badsite.example.com/2"],
    ["h**p://c.badsite.example.com/3", "http://c.badsite.example.com/3"],
    ["fxp://files.badsite.example.com/drop.zip", "ftp://files.badsite.example.com/drop.zip"],
    ["FXPS[:]//files.badsite.example.com/x", "ftps://files.badsite.example.com/x"],
    ["sfXp://transfer.badsite.example.com/loot.tgz", "sftp://transfer.badsite.example.com/loot.tgz"],
    ["sfxp:[//]transfer.badsite.example.com/y", "sftp://transfer.badsite.example.com/y"],
    ["hxxp(://)d.badsite.example.com/4", "http://d.badsite.example.com/4"],
  ];
  for (const [defanged, url] of cases) {
    assert.equal(refang(defanged), url, defanged);
    assert.deepEqual(iocs.extractText(`get ${defanged} now`, { urlHostAsDns: false }).url, [url], defanged);
  }
});

test("bracketed dots, ats, colons and slashes, any bracket kind and case, optional inner spaces", () => {
  assert.equal(refang("c2[.]badsite(.)example{.}com"), "c2.badsite.example.com");
  assert.equal(refang("c2[dot]badsite(DOT)example{Dot}com"), "c2.badsite.example.com");
  assert.equal(refang("c2[ . ]badsite[ dot ]com"), "c2.badsite.com");
  assert.equal(refang("ops[at]badsite[.]com ops(@)badsite[.]com ops{AT}badsite[.]com"), "ops@badsite.com ops@badsite.com ops@badsite.com");
  assert.equal(refang("http[:]//x[.]org[/]a[/]b"), "http://x.org/a/b");
  const r = iocs.extractText("beacon to 198[.]51[.]100[.]7 and c2[dot]badsite{.}com; mail ops[at]badsite(.)com");
  assert.deepEqual(r.ipv4, ["198.51.100.7"]);
  assert.deepEqual(r.email, ["ops@badsite.com"]);
  assert.ok(r.dns.includes("c2.badsite.com"));
  // Brackets must match, and what is inside must be exactly the form.
  assert.equal(refang("a[.)b a(.]b a[..]b a[dots]b"), "a[.)b a(.]b a[..]b a[dots]b");
  assert.equal(refang("[::1] (:-) {@x}"), "[::1] (:-) {@x}");
  // A mangled scheme without `://` after it stays a word.
  assert.equal(refang("hxxp and sfxp are words, hxxp: too"), "hxxp and sfxp are words, hxxp: too");
});

test("mayBeDefanged (the JavaScript screen) agrees with refang", () => {
  for (const s of ["sfXp://a.b", "h**p://a.b", "hxtp://a", "a{ dot }b", "a[//]b", "a(/)b", "hxxps[:]//x"]) {
    assert.ok(mayBeDefanged(s), s);
    assert.notEqual(refang(s), s, s);
  }
  for (const s of ["plain text", "http://a.b", "a.b", "[x]", "(a)"]) assert.ok(!mayBeDefanged(s), s);
});

test("DataFrame screen (polars regex) flags the new forms: same results as extractText", () => {
  const cells = [
    "curl sfXp://transfer.badsite.example.com/loot.tgz",
    "curl h**p://c.badsite.example.com/3",
    "ping c2[ dot ]badsite[.]com",
    "wget hxxp(://)d.badsite.example.com/4",
    "nothing defanged: http://ok.example.com/x",
  ];
  const out = iocs.extract(pl.DataFrame({ cmd: cells }), { columns: "cmd", iocTypes: ["url", "dns"] }).toRecords() as { IoCType: string; Observable: string; SourceIndex: number }[];
  const expected = cells.flatMap((c, row) => Object.entries(iocs.extractText(c, { iocTypes: ["url", "dns"] })).flatMap(([type, obs]) => obs.map((o) => [row, type, o])));
  assert.deepEqual(out.map((r) => [r.SourceIndex, r.IoCType, r.Observable]), expected);
  assert.ok(out.some((r) => r.Observable === "sftp://transfer.badsite.example.com/loot.tgz"));
  assert.ok(out.some((r) => r.Observable === "c2.badsite.com"));
});

test("host names obfuscated with invisible characters or non-ASCII dots are read as a browser reads them (they were cut to someone else's domain: il.com, soft.com)", () => {
  const cells = [
    "curl http://ev\u00adil.com/x",
    "ping micro\u00adsoft.com",
    "mail user@ev\u200bil.com",
    "get http://evil\u3002com/x and http://evil\uff0ecom/y or bad\uff61org",
    "a\u2060b\ufeff.c\u034fd.net",
    // The rest of IDNA's ignored characters, and after a dot (review).
    "ping ev\u2064il.com and http://evil.\u200bcom/a m\ufe0fx\u180bz.org q\u{e0100}r.net",
    // Not between ASCII letters or digits: text as written (a sentence's ideographic full stop, a joiner in a name).
    "访问evil.com。下载 \u200dx.org",
  ];
  const expected = [
    { dns: ["evil.com"], url: ["http://evil.com/x"] },
    { dns: ["microsoft.com"] },
    { dns: ["evil.com"], email: ["user@evil.com"] },
    { dns: ["evil.com", "bad.org"], url: ["http://evil.com/x", "http://evil.com/y"] },
    { dns: ["ab.cd.net"] },
    { dns: ["evil.com", "mxz.org", "qr.net"], url: ["http://evil.com/a"] },
    { dns: ["evil.com", "x.org"] },
  ];
  assert.deepEqual(cells.map((c) => iocs.extractText(c)), expected);
  // The DataFrame screen (polars regex) flags these rows for refanging too.
  const out = iocs.extract(pl.DataFrame({ cmd: cells }), { columns: "cmd" }).toRecords() as { IoCType: string; Observable: string; SourceIndex: number }[];
  assert.deepEqual(out.map((r) => [r.SourceIndex, r.IoCType, r.Observable]), expected.flatMap((e, row) => Object.entries(e).flatMap(([type, obs]) => (obs as string[]).map((o) => [row, type, o]))));
  assert.ok(!out.some((r) => /^(il|soft)\.com$/.test(r.Observable)));
});

test("defanged: false (MSTICPy's switch) scans the text as written: defanged forms are not indicators", () => {
  const text = "curl hxxp://evil[.]example[.]com/x and 203[.]0[.]113[.]5, mail a[at]evil[.]com; plain 198.51.100.9 http://ok.example.org/y";
  const on = iocs.extractText(text);
  assert.ok(on.url.includes("http://evil.example.com/x") && on.ipv4.includes("203.0.113.5") && on.email.includes("a@evil.com"));
  const off = iocs.extractText(text, { defanged: false });
  assert.deepEqual(off, { ipv4: ["198.51.100.9"], dns: ["ok.example.org"], url: ["http://ok.example.org/y"] });
  // As an instance default, and for DataFrames (the defang screen is skipped).
  const raw = new IoCExtract({ defanged: false });
  assert.deepEqual(raw.extractText("hxxps://evil[.]com/p"), {});
  const df = pl.DataFrame({ t: ["hxxps://evil[.]com/p", "c2[.]evil[.]com", "https://fine.example.com/"] });
  const rows = raw.extract(df, { columns: "t" }).toRecords() as { Observable: string; SourceIndex: number }[];
  assert.deepEqual(rows.map((r) => [r.SourceIndex, r.Observable]), [
    [2, "fine.example.com"],
    [2, "https://fine.example.com/"],
  ]);
  // A call's option overrides the instance default.
  assert.deepEqual(raw.extractText("hxxps://evil[.]com/p", { defanged: true }), { dns: ["evil.com"], url: ["https://evil.com/p"] });
});

test("brackets in brackets are restored whole: evil[(.)]com is evil.com (one pass left evil[.]com, and the URL was cut to http://evil)", () => {
  assert.equal(refang("evil[(.)]com"), "evil.com");
  assert.equal(refang("evil{[.]}com"), "evil.com");
  assert.equal(refang(refang("a[(.)]b")), refang("a[(.)]b"));
  const found = new IoCExtract().extractText("see hxxp://evil[(.)]com/x");
  assert.deepEqual(found.url, ["http://evil.com/x"]);
  assert.ok(found.dns?.includes("evil.com"));
});
