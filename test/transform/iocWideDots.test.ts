/**
 * IDNA's other dots (`。` U+3002, `．` U+FF0E, `｡` U+FF61) in free text, outside URLs: `new URL` reads each as `.` in
 * a host, and so does extraction now, for `dns` and an e-mail address's domain. Before, they were dots only between
 * ASCII letters (a refang rule): `пример。рф`, `user@пример。рф` and `ｅｘａｍｐｌｅ．ｃｏｍ` gave nothing, and
 * `ü。аpple.de` gave the cut `аpple.de` (a shorter, wrong host). `。` ends Chinese and Japanese sentences, so beside
 * Han or kana it parts nothing; `．` and `｡` are no sentence punctuation, so beside Han or kana they join the host to
 * letters no free-text host holds, and the host is then none rather than cut.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { domainToASCII } from "node:url";
import pl from "nodejs-polars";
import { IoCExtract } from "../../src/transform/iocExtract";

const iocs = new IoCExtract();

/** The host a browser reads from `written` (wide dots and all). */
const browserHost = (written: string) => new URL(`http://${written}/`).hostname;

/** Sentences as logs and reports write them, each with the host as written and the dns value reported for it. */
const SENTENCES: { text: string; written: string; dns: string }[] = [
  // Russian: a phishing report, the ideographic dot a Chinese or Japanese keyboard layout typed.
  { text: "Фишинговое письмо вело на пример。рф, ответы уходили туда же.", written: "пример。рф", dns: "пример.рф" },
  // Greek: the half-width ideographic dot.
  { text: "Ο χρήστης άνοιξε τον σύνδεσμο παράδειγμα｡ελ και κατέβασε το αρχείο.", written: "παράδειγμα｡ελ", dns: "παράδειγμα.ελ" },
  // Arabic (right to left): the full-width dot.
  { text: "تم تنزيل الملف الضار من مثال．مصر أمس", written: "مثال．مصر", dns: "مثال.مصر" },
  // Japanese: a host typed in an IME's full-width mode inside a sentence (kana on both sides do not glue).
  { text: "詳細はｅｘａｍｐｌｅ．ｃｏｍを参照してください。", written: "ｅｘａｍｐｌｅ．ｃｏｍ", dns: "ｅｘａｍｐｌｅ.ｃｏｍ" },
  // A Latin label with a diacritic before a look-alike in Cyrillic: the whole host, not `аpple.de`.
  { text: "beacon to ü。аpple.de every 60 s", written: "ü。аpple.de", dns: "ü.аpple.de" },
  // Mixed wide dots in one host.
  { text: "Сервер управления: почта｡пример．рф (ответ 200)", written: "почта｡пример．рф", dns: "почта.пример.рф" },
];

test("free text: a host's wide dots between letters of Cyrillic, Greek, Arabic, Latin or full-width labels are dots, as new URL reads them", () => {
  for (const { text, written, dns } of SENTENCES) {
    for (const defanged of [true, false]) {
      const r = iocs.extractText(text, { defanged });
      assert.deepEqual(r.dns, [dns], `${text} (defanged: ${defanged})`);
      assert.equal(domainToASCII(dns), browserHost(written), written);
    }
  }
});

test("free text: an e-mail address's domain with wide dots is the whole domain, reported with dots (the local part as written)", () => {
  const cases: [string, string, string][] = [
    ["Пишите на admin@пример。рф до пятницы", "admin@пример.рф", "пример。рф"],
    ["Αποστολέας: γραμματεία@παράδειγμα｡ελ", "γραμματεία@παράδειγμα.ελ", "παράδειγμα｡ελ"],
    ["お問い合わせはinfo@ｅｘａｍｐｌｅ．ｃｏｍまで", "info@ｅｘａｍｐｌｅ.ｃｏｍ", "ｅｘａｍｐｌｅ．ｃｏｍ"],
    ["reply-to: ｕｓｅｒ．ｎａｍｅ@ü。аpple.de", "ｕｓｅｒ．ｎａｍｅ@ü.аpple.de", "ü。аpple.de"],
  ];
  for (const [text, email, domain] of cases) {
    for (const defanged of [true, false]) {
      const r = iocs.extractText(text, { defanged });
      assert.deepEqual(r.email, [email], `${text} (defanged: ${defanged})`);
      assert.equal(domainToASCII(email.slice(email.lastIndexOf("@") + 1)), browserHost(domain), text);
    }
  }
});

test("free text: `。` after or before Han or kana ends a Chinese or Japanese sentence, joining nothing to the next word", () => {
  const cases: [string, string[] | undefined][] = [
    // Chinese: the sentence ends, then a host starts the next one (found as written, not joined to 测试).
    ["这是一个测试。пример.рф是钓鱼网站。", ["пример.рф"]],
    ["他访问了钓鱼网站。аpple.de是假的。", ["аpple.de"]],
    // Japanese: likewise, a full-width host after the sentence's end.
    ["サーバーに接続しました。ｅｘａｍｐｌｅ．ｃｏｍへ転送されました。", ["ｅｘａｍｐｌｅ.ｃｏｍ"]],
    // A host then the sentence's end: the host alone.
    ["感染源はпример。рф。次に調査します。", ["пример.рф"]],
    // Prose only: no host.
    ["下载完成。Windows更新失败。请重启。", undefined],
  ];
  for (const [text, dns] of cases) assert.deepEqual(iocs.extractText(text, { defanged: false }).dns, dns, text);
});

test("free text: a host a wide dot joins to letters no free-text host holds is none, never cut at that dot", () => {
  // `．` and `｡` are no sentence punctuation: `例．аpple.de` is the host 例.аpple.de (Han: none in free text, as
  // 例.аpple.de gives none), and `evil.com．例` is evil.com.例; a mathematical letter beside any wide dot likewise.
  for (const text of ["例．аpple.de", "访问｡аpple.de", "evil.com．例", "𝐞𝐯𝐢𝐥。аpple.de", "login at ü.de｡𝐱"]) {
    const r = iocs.extractText(text, { defanged: false });
    assert.equal(r.dns, undefined, `${text}: ${r.dns}`);
  }
  assert.equal(browserHost("例．аpple.de"), domainToASCII("例.аpple.de"));
  // Nor an address cut at a wide dot in its local part (before, with `defanged: false`, `b@пример.рф` once the domain was
  // read); a `。` ending a Chinese sentence before the address is no part of it.
  assert.deepEqual(iocs.extractText("请联系我们。admin@пример。рф", { defanged: false }).email, ["admin@пример.рф"]);
  for (const text of ["user@evil.com．例", "user@пример。рф｡東京", "иван。петров@пример。рф", "a｡b@ü。аpple.de", "例｡admin@пример.рф"]) {
    assert.equal(iocs.extractText(text, { defanged: false }).email, undefined, text);
  }
  // Nor a URL cut there: a browser goes to evil.例.
  assert.equal(iocs.extractText("http://evil．例/x").url, undefined);
  // What is no dot at all ends the host: a wide dot not between two letters, or two in a row (an empty label).
  assert.deepEqual(iocs.extractText("see пример.рф．", { defanged: false }).dns, ["пример.рф"]);
  assert.deepEqual(iocs.extractText("see пример.рф。 then", { defanged: false }).dns, ["пример.рф"]);
});

test("a DataFrame finds them too (screened by the dns prefilter in polars), with and without refanging", () => {
  const df = pl.DataFrame({ t: ["nothing here", SENTENCES[0].text, "下载完成。请重启。", SENTENCES[3].text] });
  for (const defanged of [true, false]) {
    const rows = iocs.extract(df, { columns: "t", iocTypes: ["dns"], defanged }).toRecords() as { Observable: string; SourceIndex: number }[];
    assert.deepEqual(rows.map((row) => [row.SourceIndex, row.Observable]), [[1, "пример.рф"], [3, "ｅｘａｍｐｌｅ.ｃｏｍ"]], `defanged: ${defanged}`);
  }
});
