/** The TI results browser's HTML and text, without a browser. */
import { test } from "node:test";
import assert from "node:assert/strict";
import pl from "nodejs-polars";
import { browseResults, DEFAULT_MAX_ITEMS, DEFAULT_MAX_RAW_CHARS, safeHref, TIBrowser } from "../../src/vis/tiBrowser";
import { JUPYTER_DISPLAY, isDisplayable } from "../../src/display/protocol";
import { HuntlabError } from "../../src/common/errors";
import { BIDI_ROWS, FIXTURE_ROWS, tiFrame, XSS_ROWS } from "../browser/fixtures/tiResults";
import { XSS_PAYLOADS } from "../browser/fixtures/queries";

/** Executable scripts (the view's bundle). */
const scripts = (html: string): string[] => [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
/** The text of the view's JSON configuration element (data for the bundle). */
const configText = (html: string): string => html.match(/<script type="application\/json" class="hl-view-config">([\s\S]*?)<\/script>/)![1];
const withoutScripts = (html: string): string => html.replace(/<script\b[^>]*>[\s\S]*?<\/script>/g, "");
const tags = (html: string): string[] => withoutScripts(html).match(/<[a-zA-Z][^>]*>/g) ?? [];

test("groups answers by indicator; highest severity first, hits before no-hits", () => {
  const b = browseResults(tiFrame(FIXTURE_ROWS), { severities: "all" });
  assert.ok(isDisplayable(b));
  assert.deepEqual(b.items.map((i) => i.ioc), ["131.107.147.209", "wh401k.org", "45.83.66.10", "10.0.3.4", "5.5.5.50"]);
  assert.deepEqual(b.items[0].rows.map((r) => `${r.provider}:${r.severity}`), ["LocalTI:high", "GreyNoise:information"]);
});

test("text: MSTICPy's option labels for the selected severities (default warning, high)", () => {
  const text = browseResults(tiFrame(FIXTURE_ROWS)).toText().split("\n");
  assert.deepEqual(text, [
    `${"131.107.147.209".padEnd(40)} type: ipv4       (sev: high)  providers: [LocalTI]`,
    `${"wh401k.org".padEnd(40)} type: dns        (sev: high)  providers: [LocalTI, VirusTotal]`,
    `${"45.83.66.10".padEnd(40)} type: ipv4       (sev: warning)  providers: [AbuseIPDB]`,
    // The totals of every indicator, as the HTML heading gives them (the lines above are those at the selected severities).
    "Threat intelligence results (5 indicators: high 2, warning 1, information 1, unknown 1)",
  ]);
  const info = browseResults(tiFrame(FIXTURE_ROWS), { severities: ["information"] }).toText();
  assert.match(info, /10\.0\.3\.4 +type: ipv4 +\(sev: information\)  providers: \[LocalTI\]  \(no hits\)/);
  // A lookup that failed (HTTP 500) is no clean answer: not looked up (it was "(no hits)"), in the text and the live list's data.
  const all = browseResults(tiFrame(FIXTURE_ROWS), { severities: "all" });
  assert.match(all.toText(), /^5\.5\.5\.50 +type: ipv4 +\(sev: unknown\)  providers: \[GreyNoise\]  \(not looked up\)$/m);
  assert.match(configText(all.toHtml()), /"ioc":"5\.5\.5\.50","type":"ipv4","rows":\[\{"p":"GreyNoise","s":"unknown","h":false,"n":true\}\]/);
});

test("text: a 10 kB indicator is cut (one 20 kB line before)", () => {
  const long = "a".repeat(10_000) + ".example.com";
  const rows = FIXTURE_ROWS.slice(0, 2).map((r, i) => ({ ...r, Ioc: i === 0 ? long : "שלום.example", Severity: "high" }));
  const text = browseResults(tiFrame(rows)).toText().split("\n");
  assert.ok(text.every((l) => l.length < 400), String(text.map((l) => l.length)));
  assert.ok(text.some((l) => l.startsWith("שלום.example")), text.join("\n"));
});

test("HTML: a 1 MB indicator, type or provider is cut where it is shown (it was written whole twice, 2 MB of HTML, its Details beside it cut)", () => {
  const huge = "h".repeat(1_000_000) + ".com";
  const rows = FIXTURE_ROWS.slice(0, 2).map((r, i) => ({ ...r, Ioc: i === 0 ? huge : r.Ioc, IocType: i === 0 ? "t".repeat(50_000) : r.IocType, Provider: i === 0 ? "p".repeat(50_000) : r.Provider, Severity: "high" }));
  const html = browseResults(tiFrame(rows))[JUPYTER_DISPLAY]()["text/html"] as string;
  assert.ok(html.length < 200_000, `${html.length} characters of HTML`);
  for (const c of ["h", "t", "p"]) assert.ok(!html.includes(c.repeat(1_001)), `a run of ${c} longer than the cut`);
  assert.ok(html.includes(`${"h".repeat(999)}…`), "the indicator is there, cut");
});

test("text: one line per indicator, whatever its Ioc, type or provider holds (line breaks and bidi as escapes; a long type cut)", () => {
  const rows = [
    { ...FIXTURE_ROWS[0], Ioc: "1.2.3.4\n5.6.7.8                                  type: ipv4", Provider: "Local\rTI\u202e", Severity: "high" },
    { ...FIXTURE_ROWS[1], Ioc: "wh401k.org", IocType: "t".repeat(5000) + "\u2028", Severity: "high" },
  ];
  const b = browseResults(tiFrame(rows));
  const text = b.toText();
  const lines = text.split("\n");
  assert.equal(lines.length, 3, text.slice(0, 400));
  assert.equal(lines[2], "Threat intelligence results (2 indicators: high 2)");
  assert.ok(lines.every((l) => l.length < 400), String(lines.map((l) => l.length)));
  assert.ok(!/[\r\u2028\u202e]/.test(text), "no raw hidden characters");
  const faked = lines.find((l) => l.startsWith("1.2.3.4\\n5.6.7.8 ")) ?? "";
  assert.match(faked, /providers: \[Local\\rTI\\u202e\]/, text.slice(0, 400));
  assert.ok(lines.some((l) => /^wh401k\.org +type: t{39}… \(sev: high\)/.test(l)), text.slice(0, 400));
  assert.equal(b[JUPYTER_DISPLAY]()["text/plain"], text);
});

test("nothing at the requested severities: a notice and every severity (MSTICPy's fallback)", () => {
  const onlyInfo = tiFrame(FIXTURE_ROWS.filter((r) => r.Severity === "information"));
  const b = browseResults(onlyInfo, { severities: ["high"] });
  assert.equal(b.fellBack, true);
  assert.match(b.toText(), /^No results with severity high; showing all severities\./);
  assert.match(b.toHtml(), /<p class="hl-tib-notice">No results with severity high; showing all severities\.<\/p>/);
});

test("static HTML: selected indicators listed, the others in a collapsed block; per provider details, link, raw result", () => {
  const html = browseResults(tiFrame(FIXTURE_ROWS)).toHtml();
  const staticPart = withoutScripts(html);
  const others = staticPart.slice(staticPart.indexOf('<details class="hl-tib-others">'));
  assert.match(others, /^<details class="hl-tib-others"><summary>2 more indicators with other severities<\/summary>/);
  assert.ok(others.includes("10.0.3.4") && others.includes("5.5.5.50") && !others.includes("wh401k.org"));
  assert.ok(html.includes("<h4>ipv4 · LocalTI · severity: <span class=\"hl-tib-sev hl-tib-sev-high\" style=\"display:inline-block;min-width:74px;padding:0 4px;border-radius:3px;font-size:11px;text-align:center;background-color:#c62828;color:#fff;font-weight:bold\">high</span></h4>"));
  assert.ok(html.includes("<tr><th>Description</th><td>NTLM network logons as MSTICAdmin</td></tr>"));
  assert.ok(html.includes(`<tr><th>Other</th><td><pre>${'{\n  "nested": [\n    1,\n    2\n  ]\n}'.replace(/"/g, "&quot;")}</pre></td></tr>`));
  assert.ok(html.includes('<p class="hl-tib-details hl-tib-message">Not found in the local feed.</p>'));
  assert.ok(html.includes('<a href="https://api.greynoise.io/v3/community/131.107.147.209" target="_blank" rel="noopener noreferrer">'));
  // Element text: only & < > escaped (quotes mean nothing between tags; as &quot; they were a third of the bytes).
  assert.ok(html.includes('<details class="hl-tib-raw"><summary>Raw result</summary><pre>{\n  "ip": "131.107.147.209"'));
  assert.match(html, /\(5 indicators: high 2, warning 1, information 1, unknown 1\)/);
});

test("references: only absolute http(s) URLs become links; others are text", () => {
  assert.equal(safeHref("https://x.example/a b"), "https://x.example/a%20b");
  for (const bad of ["javascript:alert(1)", " javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html,x", "vbscript:x", "//evil.example", "/relative", "http:/x", "ftp://x.example", ""]) {
    assert.equal(safeHref(bad), undefined, bad);
  }
  const html = browseResults(tiFrame([...FIXTURE_ROWS, ...XSS_ROWS]), { severities: "all" }).toHtml();
  const links = withoutScripts(html).match(/<a [^>]*>/g) ?? [];
  assert.ok(links.length >= 3);
  for (const a of links) {
    assert.match(a, /^<a href="https?:\/\/[^"]*" target="_blank" rel="noopener noreferrer">$/);
  }
  assert.ok(html.includes('<span class="hl-tib-ref-text">javascript:alert(document.domain)</span>'));
  assert.ok(html.includes('href="http://example.com/x?a=%3Cb%3E&amp;c=%22d%22"'));
});

test("hostile values are escaped everywhere; one script, no inline handlers", () => {
  const html = browseResults(tiFrame(XSS_ROWS), { severities: "all" }).toHtml();
  assert.equal(scripts(html).length, 1);
  // The bundle and its JSON configuration.
  assert.equal(html.match(/<\/script/gi)?.length, 2);
  const allowed = /^<(div|style|strong|span|p|details|summary|code|h3|h4|section|table|tbody|tr|th|td|pre|a)\b/;
  for (const tag of tags(html)) {
    assert.match(tag, allowed, tag);
    assert.doesNotMatch(tag, /\son\w+=/i, tag);
  }
  for (const payload of XSS_PAYLOADS) assert.ok(!withoutScripts(html).includes(payload), payload);
  for (const script of [scripts(html)[0], configText(html)]) {
    assert.ok(!script.includes("</"), "no closing tags inside the script");
    assert.ok(!/<!--|<script/i.test(script));
  }
});

test("invisible characters (bidi overrides, zero-width, escape) are revealed in the static part", () => {
  const html = withoutScripts(browseResults(tiFrame(BIDI_ROWS), { severities: "all" }).toHtml());
  assert.doesNotMatch(html, /[\u0000-\u0008\u001b\u200b-\u200f\u202a-\u202e\u2066-\u2069]/);
  assert.ok(html.includes('<code class="hl-tib-ioc">invoice\\u202egpj.exe</code>'));
  assert.ok(html.includes('<span class="hl-tib-type">file\\u200bname</span>'));
  assert.ok(html.includes("<h4>file\\u200bname · Local\\u2066TI · severity:"));
  assert.ok(html.includes("<tr><th>Na\\u202eme</th><td>evil\\u202etxt.exe</td></tr>"));
  assert.ok(html.includes('<p class="hl-tib-details hl-tib-message">message \\u202e text</p>'));
  assert.ok(html.includes("<pre>raw \\u202e result</pre>"));
  assert.ok(html.includes('<span class="hl-tib-ref-text">ref\\u202etext</span>'));
});

test("unique ids per rendering; CSS and script scoped to the id", () => {
  const b = browseResults(tiFrame(FIXTURE_ROWS));
  const ids = [b.toHtml(), b.toHtml(), browseResults(tiFrame(FIXTURE_ROWS)).toHtml()].map((html) => {
    const id = html.match(/^<div id="([\w-]+)" class="hl-view hl-view-ti-browser[^"]*">/)![1];
    assert.ok(html.includes(`#${id} .hl-tib-list{`));
    assert.ok(scripts(html)[0].includes(`__hl.boot(${JSON.stringify(id)})`));
    assert.equal((JSON.parse(configText(html)) as { id: string }).id, id);
    return id;
  });
  assert.equal(new Set(ids).size, 3);
});

test("bad input: not a DataFrame, missing columns, unknown severities; empty results are shown, not an error", () => {
  assert.throws(() => browseResults([] as unknown as pl.DataFrame), (e: Error) => e instanceof HuntlabError && e.code === "vis/ti-results-invalid" && /lookupIocs/.test(e.message));
  assert.throws(() => browseResults(pl.DataFrame({ Ioc: ["x"], Provder: ["p"], Severity: ["high"] })), { code: "vis/ti-results-invalid", message: /"Provider" .* Did you mean Provder\?/ });
  assert.throws(() => browseResults(tiFrame(FIXTURE_ROWS), { severities: ["hihg"] }), {
    name: "TIBrowserError",
    code: "vis/ti-severity",
    message: /"hihg" \(use unknown, information, warning, high or "all"\)\. Did you mean high\?/,
  });
  const empty = browseResults(tiFrame([]));
  assert.equal(empty.toText(), "(no TI results)");
  assert.match(empty.toHtml(), /<p class="hl-tib-empty">No results\.<\/p>/);
  assert.equal(empty[JUPYTER_DISPLAY]()["text/plain"], "(no TI results)");
});

test("a frame from another source: only Ioc, Provider and Severity needed; odd severities count as unknown", () => {
  const b = new TIBrowser(pl.DataFrame({ Ioc: ["a.example.com"], Provider: ["Mine"], Severity: ["critical"] }), { severities: "all" });
  assert.equal(b.items[0].rows[0].severity, "unknown");
});

test("the raw result keeps each number as the provider wrote it (ids past 2^53, exponents)", () => {
  const df = pl.DataFrame({ Ioc: ["1.1.1.1"], IocType: ["ipv4"], Provider: ["VirusTotal"], Severity: ["high"], RawResult: ['{"id": 9007199254740993, "big": 1e400, "f": 0.10, "n": [18446744073709551615]}'] });
  const html = String(browseResults(df)[JUPYTER_DISPLAY]()["text/html"]);
  const raw = /<summary>Raw result<\/summary><pre>([\s\S]*?)<\/pre>/.exec(html)?.[1];
  assert.equal(raw, '{\n  "id": 9007199254740993,\n  "big": 1e400,\n  "f": 0.10,\n  "n": [\n    18446744073709551615\n  ]\n}');
});

/** `n` indicators, each with a VirusTotal-like answer (severity by position) whose raw result is `rawBytes` of JSON. */
function manyResults(n: number, rawBytes = 400): pl.DataFrame {
  const severities = ["high", "warning", "information", "unknown"];
  return pl.DataFrame({
    Ioc: Array.from({ length: n }, (_, i) => `198.51.${i >> 8}.${i & 255}`),
    IocType: Array.from({ length: n }, () => "ipv4"),
    Provider: Array.from({ length: n }, () => "VirusTotal"),
    Severity: Array.from({ length: n }, (_, i) => severities[Math.min(3, Math.floor((i * 4) / n))]),
    Result: Array.from({ length: n }, () => true),
    RawResult: Array.from({ length: n }, (_, i) => JSON.stringify({ id: i, engines: Array.from({ length: Math.ceil(rawBytes / 40) }, (_, k) => ({ name: `E${k}`, verdict: "clean" })) })),
  });
}

test(`lists at most maxItems indicators (default ${DEFAULT_MAX_ITEMS}), highest severity first, and says how many more and which option shows them`, () => {
  const items = (html: string) => (html.match(/<details class="hl-tib-item"/g) ?? []).length;
  const b = browseResults(manyResults(260), { severities: "all" });
  assert.equal(b.items.length, 260);
  const html = b.toHtml();
  assert.equal(items(html), DEFAULT_MAX_ITEMS);
  const more = `${260 - DEFAULT_MAX_ITEMS} more indicators not shown (maxItems ${DEFAULT_MAX_ITEMS})`;
  assert.ok(html.includes(`<p class="hl-tib-more">${more}.</p>`));
  // Those left out are the last of the list: the lowest severities (manyResults numbers them 198.51.0.0, 198.51.0.1…).
  assert.ok(html.includes(`198.51.0.${DEFAULT_MAX_ITEMS - 1}<`));
  assert.ok(!html.includes(`198.51.0.${DEFAULT_MAX_ITEMS}<`));
  assert.ok(b.toText().endsWith(`\n… ${more}\nThreat intelligence results (260 indicators: ${b.toHtml().match(/hl-tib-total">\(260 indicators: ([^)]*)\)/)?.[1]})`), b.toText().slice(-300));
  // The client's data matches the static blocks, one entry each.
  assert.equal((b.spec.data as { items: unknown[] }).items.length, DEFAULT_MAX_ITEMS);
  // Default severities (warning, high): the 130 at those first, up to the cap.
  const narrow = browseResults(manyResults(260), { maxItems: 200 });
  assert.equal(items(narrow.toHtml()), 200);
  assert.match(narrow.toText(), /… 60 more indicators not shown \(maxItems 200\)\nThreat intelligence results \(260 indicators: [^\n]*\)$/);
  assert.equal(items(browseResults(manyResults(260), { maxItems: Infinity }).toHtml()), 260);
  assert.doesNotMatch(browseResults(manyResults(20)).toHtml(), /hl-tib-more/);
  for (const option of ["maxItems", "maxRawChars"] as const) {
    for (const bad of [0, -1, 2.5, Number.NaN]) {
      assert.throws(() => browseResults(manyResults(3), { [option]: bad }), {
        name: "TIBrowserError",
        code: "vis/ti-option",
        message: `browseResults: option ${option} must be a whole number of at least 1 (Infinity: no limit), not ${bad}.`,
      });
    }
  }
});

test(`a raw result is cut at maxRawChars (default ${DEFAULT_MAX_RAW_CHARS.toLocaleString("en")}) with a notice; quotes are not written as &quot;`, () => {
  const df = manyResults(1, 60_000);
  // A line break beside a blank line is written &#10; (src/display/html.ts): the cut may fall in an indentation.
  const raw = (html: string) => /<summary>Raw result<\/summary><pre>([\s\S]*?)<\/pre>/.exec(html)![1].replace(/&#10;/g, "\n");
  const full = JSON.stringify(JSON.parse(df.getColumn("RawResult").get(0) as string), null, 2);
  const cut = raw(browseResults(df).toHtml());
  assert.equal(cut.slice(0, DEFAULT_MAX_RAW_CHARS), full.slice(0, DEFAULT_MAX_RAW_CHARS));
  assert.equal(
    cut.slice(DEFAULT_MAX_RAW_CHARS),
    `\n… ${(full.length - DEFAULT_MAX_RAW_CHARS).toLocaleString("en")} more characters not shown (maxRawChars ${DEFAULT_MAX_RAW_CHARS}; the whole text is in the RawResult column)`,
  );
  assert.equal(raw(browseResults(df, { maxRawChars: Infinity }).toHtml()), full);
  assert.ok(!cut.includes("&quot;"));
  // 2,000 answers with 2 kB raw results each: the output is bounded by default.
  const big = browseResults(manyResults(2000, 2000), { severities: "all" }).toHtml();
  assert.ok(big.length < 1.5e6, `${big.length} bytes`);
});

test("Details are cut at maxRawChars too (a provider's 100k tags made 2 MB of output), and Details nested past the stack do not throw", () => {
  const tags = Array.from({ length: 100_000 }, (_, i) => `tag-${i}`);
  const df = manyResults(1, 100).withColumns(pl.lit(JSON.stringify({ Malicious: 5, Tags: tags })).alias("Details"));
  const html = browseResults(df).toHtml();
  assert.ok(html.length < 200_000, `${html.length} bytes`);
  assert.match(html, /more characters not shown \(maxRawChars 10000; the whole text is in the Details column\)/);
  assert.match(html, /&quot;Malicious&quot;: 5|"Malicious": 5/);
  const deep = "[".repeat(6000) + "]".repeat(6000);
  const nested = manyResults(1, 100).withColumns(pl.lit(`{"Tags":${deep}}`).alias("Details"));
  assert.doesNotThrow(() => browseResults(nested, { maxRawChars: Infinity }).toHtml());
});

test("Details show numbers as written, as the raw result does (an id past 2^53 was rounded, 1e400 was Infinity); a cut never splits a character", () => {
  const raw = '{"id": 9007199254740993, "f": 1e400, "d": 0.10000000000000000001, "n": {"big": 12345678901234567890}}';
  const base = { Ioc: ["1.1.1.1"], IocType: ["ipv4"], Provider: ["A"], Severity: ["high"], Result: [true] };
  const html = String(browseResults(pl.DataFrame({ ...base, RawResult: [raw], Details: [raw] }))[JUPYTER_DISPLAY]()["text/html"]);
  const table = /<table class="hl-tib-details">[\s\S]*?<\/table>/.exec(html)?.[0] ?? "";
  for (const written of ["9007199254740993", "1e400", "0.10000000000000000001", "12345678901234567890"]) assert.ok(table.includes(written), `${written} in ${table}`);
  assert.doesNotMatch(table, /9007199254740992|Infinity/);
  const emoji = String(browseResults(pl.DataFrame({ ...base, RawResult: [""], Details: ["😀😀😀😀😀"] }), { maxRawChars: 3 })[JUPYTER_DISPLAY]()["text/html"]);
  assert.match(emoji, /<pre class="hl-tib-details">😀\n… 4 more characters not shown \(maxRawChars 3;/);
  assert.doesNotMatch(emoji, /[\uD800-\uDBFF](?![\uDC00-\uDFFF])/, "no half character");
});

test("the static list's heading counts the indicators at the severities it lists, not all of them (\"100 of 25000\" where 12,500 matched)", () => {
  const heading = (html: string) => /<p class="hl-tib-showing">([^<]*)<\/p>/.exec(html)?.[1];
  // manyResults(400): 100 each of high, warning, information, unknown.
  assert.equal(heading(browseResults(manyResults(400)).toHtml()), "Severity high, warning: 100 of 200 (400 in all)");
  assert.equal(heading(browseResults(manyResults(400), { severities: ["high"], maxItems: Infinity }).toHtml()), "Severity high: 100 of 100 (400 in all)");
  assert.equal(heading(browseResults(manyResults(40)).toHtml()), "Severity high, warning: 20 of 20 (40 in all)");
  assert.match(heading(browseResults(manyResults(400), { severities: "all" }).toHtml()) ?? "", /: 100 of 400$/);
});
