/** KQL literals and template rendering: values can only ever be data (checked by parsing the result with the twin's KQL parser). */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildEsSearchBody } from "../../../src/data/live/esdsl";
import { kqlDatetime, kqlLiteral, kqlString } from "../../../src/data/live/kql";
import { renderTemplate, type TemplateValue } from "../../../src/data/live/render";
import { parseKql } from "../../twins/kqlEngine";
import { QueryError } from "../../../src/data/messages";

const HOSTILE = [
  'x" or 1==1 //',
  "x' | delete",
  'a\\" | take 1 //',
  "back\\slash\\",
  "line1\nline2 | delete",
  "cr\r\n| where 1==1",
  "tab\there",
  "nul\u0000byte",
  "unicode ☃ 𝕏 é",
  "sep\u2028x\u2029y",
  "@'verbatim'",
  "h\"hidden\"",
  '"',
  "\\",
  "",
];

const columns = () => ["Computer", "Account", "TimeGenerated", "EventID", "Severity"];

describe("KQL literals", () => {
  it("a hostile string is one literal that reads back as itself", () => {
    for (const value of HOSTILE) {
      const query = `SecurityEvent | where Computer == ${kqlString(value)} | take 5`;
      const parsed = parseKql(query, columns);
      assert.deepEqual(parsed.literals, [value], `value ${JSON.stringify(value)} → ${query}`);
      assert.equal(parsed.ops.length, 2, "no operator was injected");
    }
  });

  it("escapes quotes, backslashes and control characters, and nothing else", () => {
    assert.equal(kqlString('a"b'), '"a\\"b"');
    assert.equal(kqlString("a\\b"), '"a\\\\b"');
    assert.equal(kqlString("a\nb\r\tc"), '"a\\nb\\r\\tc"');
    assert.equal(kqlString("\u0000\u2028"), '"\\u0000\\u2028"');
    assert.equal(kqlString("é ☃"), '"é ☃"');
    assert.ok(!/[\n\r]/.test(kqlString("x\ny\r")));
  });

  it("writes datetimes as datetime(ISO-8601 UTC with milliseconds)", () => {
    assert.equal(kqlDatetime(new Date("2019-02-14T00:00:00Z")), "datetime(2019-02-14T00:00:00.000Z)");
    assert.equal(kqlLiteral(new Date(Date.UTC(2019, 1, 14, 13, 5, 6, 7)), "datetime"), "datetime(2019-02-14T13:05:06.007Z)");
    assert.throws(() => kqlDatetime(new Date("nope")), QueryError);
  });

  it("writes lists as dynamic([...]) of escaped literals", () => {
    const lit = kqlLiteral(["High", 'x" or 1==1 //', 3], "list");
    assert.equal(lit, 'dynamic(["High", "x\\" or 1==1 //", 3])');
    const parsed = parseKql(`SecurityAlert | where Severity in (${lit})`, columns);
    assert.deepEqual(parsed.literals, ["High", 'x" or 1==1 //', 3]);
    assert.equal(parsed.ops.length, 1);
  });

  it("writes numbers and booleans plainly, refuses non-finite numbers", () => {
    assert.equal(kqlLiteral(4624, "int"), "4624");
    assert.equal(kqlLiteral(-3, "int"), "-3");
    assert.equal(kqlLiteral(1.5, "float"), "real(1.5)");
    assert.equal(kqlLiteral(true, "bool"), "true");
    assert.throws(() => kqlLiteral(Infinity, "float"), QueryError);
    assert.throws(() => kqlLiteral(NaN, "float"), QueryError);
    // A whole number beyond 2^53 is a double: written as a real, alone and in a list (its plain digits,
    // 1152921504606847000, would be another long).
    assert.equal(kqlLiteral(2 ** 60, "int"), "real(1.152921504606847e+18)");
    assert.equal(kqlLiteral([1, 2 ** 60], "list"), "dynamic([1, 1.152921504606847e+18])");
  });

  it("refuses datetimes outside the years 1 to 9999", () => {
    assert.throws(() => kqlLiteral(new Date(8.64e15), "datetime"), (e: unknown) => e instanceof QueryError && /275760 is outside the years 1 to 9999/.test(e.message));
    assert.throws(() => kqlLiteral(new Date(Date.UTC(10000, 0, 1)), "datetime"), QueryError);
    assert.equal(kqlLiteral(new Date("9999-12-31T23:59:59.999Z"), "datetime"), "datetime(9999-12-31T23:59:59.999Z)");
  });

  it("writes an absent value as the type's empty value", () => {
    assert.equal(kqlLiteral(null, "str"), '""');
    assert.equal(kqlLiteral(null, "list"), "dynamic([])");
    assert.equal(kqlLiteral(undefined, "int"), "long(null)");
    assert.equal(kqlLiteral(null, "datetime"), "datetime(null)");
    assert.equal(kqlLiteral(null, "bool"), "bool(null)");
  });
});

describe("query templates", () => {
  const values = (entries: Record<string, TemplateValue>) => new Map(Object.entries(entries));

  it("fills placeholders with literals; quoted placeholders and datetime({x}) are replaced whole", () => {
    const t = 'SecurityEvent | where Computer =~ {host} | where Account == "{acct}" | where TimeGenerated >= datetime({start}) | where Severity == \'{sev}\'';
    const out = renderTemplate(t, values({ host: { value: 'h" | delete', type: "str" }, acct: { value: "a\\b", type: "str" }, start: { value: new Date("2019-01-01T00:00:00Z"), type: "datetime" }, sev: { value: "x' | delete", type: "str" } }), "kql", "T.q");
    assert.equal(out, 'SecurityEvent | where Computer =~ "h\\" | delete" | where Account == "a\\\\b" | where TimeGenerated >= datetime(2019-01-01T00:00:00.000Z) | where Severity == "x\' | delete"');
    assert.deepEqual(parseKql(out, columns).literals, ['h" | delete', "a\\b", new Date("2019-01-01T00:00:00Z"), "x' | delete"]);
  });

  it("keeps {{ }} as braces and leaves unknown names alone", () => {
    assert.equal(renderTemplate("T | extend d = dynamic({{\"a\":1}}) | where X == {unknown}", new Map(), "kql", "T.q"), 'T | extend d = dynamic({"a":1}) | where X == {unknown}');
  });

  it("uses the driver's literal writer when it has one, with absent values as empty values", () => {
    const seen: unknown[] = [];
    const out = renderTemplate("search host={h} count={n}", values({ h: { value: null, type: "str" }, n: { value: 5, type: "int" } }), "spl", "T.q", (v, type) => {
      seen.push([v, type]);
      return `<${String(v)}>`;
    });
    assert.equal(out, "search host=<> count=<5>");
    assert.deepEqual(seen, [["", "str"], [5, "int"]]);
  });

  it("a verbatim @\"{x}\" or '{x}' literal is replaced whole: no value leaves its literal (a \\ ends nothing in @\"…\", so the old \\\" escape let a value out)", () => {
    for (const value of HOSTILE) {
      for (const t of ['T | where Path has @"{p}"', "T | where Path has @'{p}'", "T | where Path has ```{p}```", 'T | where Path has "{p}"']) {
        const out = renderTemplate(t, values({ p: { value, type: "str" } }), "kql", "T.q");
        assert.deepEqual(parseKql(out, () => ["Path"]).literals, [value], `${t} ← ${JSON.stringify(value)}: ${out}`);
      }
      // An obfuscated verbatim string (the twin reads no h"…"): the h stays before one escaped literal.
      assert.equal(renderTemplate('T | where Path has h@"{p}"', values({ p: { value, type: "str" } }), "kql", "T.q"), `T | where Path has h${kqlString(value)}`);
    }
    // The tester's break-out: a Windows path that closed the verbatim string and ran `project secret`.
    const out = renderTemplate('T | where Path has @"{p}"', values({ p: { value: 'C:\\Windows\\x" or 1==1 | project secret //', type: "str" } }), "kql", "T.q");
    assert.equal(out, 'T | where Path has "C:\\\\Windows\\\\x\\" or 1==1 | project secret //"');
  });

  it("a placeholder inside a string with other text is the value escaped for that string; where that is not safe, an error naming the query and parameter", () => {
    for (const value of HOSTILE) {
      const out = renderTemplate('T | where Path startswith "C:\\\\Users\\\\{user}\\\\" and Path != "{{x}}"', values({ user: { value, type: "str" } }), "kql", "T.q");
      assert.deepEqual(parseKql(out, () => ["Path"]).literals, [`C:\\Users\\${value}\\`, "{x}"], JSON.stringify(value));
    }
    const refused = (t: string, v: TemplateValue) =>
      assert.throws(() => renderTemplate(t, values({ p: v }), "kql", "Fam.q"), (e: unknown) => e instanceof QueryError && e.code === "data/live-literal" && /Fam\.q/.test(e.message) && /"p"/.test(e.message) && /inside/.test(e.message), t);
    refused('T | where Path has @"C:\\{p}"', { value: "x", type: "str" });
    refused("T | where Path has ```C:\\{p}```", { value: "x", type: "str" });
    refused("T | where Path has 'C:\\\\{p}'", { value: "x", type: "str" });
    refused('T | where Msg has "{p} items"', { value: 5, type: "int" });
  });

  it("quotes in a // comment open no string: the placeholders after it are still literals", () => {
    const out = renderTemplate("T // don't \"quote\"\n| where Computer == {host} | where Account == \"{acct}\"", values({ host: { value: 'h" | delete', type: "str" }, acct: { value: "x' //", type: "str" } }), "kql", "T.q");
    const [comment, rest] = [out.slice(0, out.indexOf("\n")), out.slice(out.indexOf("\n"))];
    assert.equal(comment, "T // don't \"quote\"");
    // The twin reads no comments: the query without its comment.
    assert.deepEqual(parseKql(`T${rest}`, columns).literals, ['h" | delete', "x' //"]);
  });

  it("a caller's hostile value where KQL reads a name (MSTICPy's `{table}` with its default) is refused; in a string whose file default is pasted as written, it stays one literal", () => {
    const table = (value: string): TemplateValue => ({ value, type: "str", origin: "caller", fileDefault: "SecurityEvent" });
    for (const value of HOSTILE) {
      for (const t of ["let x = {t} | take 1; x", "T | union ({t} | take 1)", "T | join kind=inner ({t}) on Id", "T | extend X = {t}", "T | project A, {t}", "T | summarize count() by {t}"]) {
        assert.throws(() => renderTemplate(t, values({ t: table(value) }), "kql", "Fam.q"), (e: unknown) => e instanceof QueryError && e.code === "data/live-literal" && /Fam\.q: parameter "t"/.test(e.message), `${t} ← ${JSON.stringify(value)}`);
      }
      const sep: TemplateValue = { value, type: "str", origin: "caller", fileDefault: "\\\\" };
      const out = renderTemplate('T | where Path == "{sep}"', values({ sep }), "kql", "T.q");
      assert.deepEqual(parseKql(out, () => ["Path"]).literals, [value], `${JSON.stringify(value)}: ${out}`);
    }
    // The file's own default: one backslash in KQL, as MSTICPy writes `"{path_separator}"` with `default: '\\\\'`.
    const own = renderTemplate('T | where Path == "{sep}"', values({ sep: { value: "\\\\", type: "str", origin: "file", fileDefault: "\\\\" } }), "kql", "T.q");
    assert.deepEqual(parseKql(own, () => ["Path"]).literals, ["\\"]);
  });

  it("datetime( {x} ) with spaces is replaced whole, as datetime({x})", () => {
    assert.equal(renderTemplate("T | where t > datetime( {s} )", values({ s: { value: new Date(0), type: "datetime" } }), "kql", "T.q"), "T | where t > datetime(1970-01-01T00:00:00.000Z)");
  });

  it("SPL comments (```…```): their quotes open no string, and a placeholder in one stays as written", () => {
    const spl = (t: string) => renderTemplate(t, values({ h: { value: "x OR 1=1 | delete", type: "str" }, a: { value: "bob", type: "str" } }), "spl", "T.q", (v) => `"${String(v).replace(/[\\"]/g, (c) => `\\${c}`)}"`);
    // An odd quote in a comment: before, it opened a string and the next value went in unquoted.
    assert.equal(spl('index=lab ```e.g. "WIN-1``` | where Computer={h} | where Account="{a}"'), 'index=lab ```e.g. "WIN-1``` | where Computer="x OR 1=1 | delete" | where Account="bob"');
    assert.equal(spl("index=lab ```don't``` | where Computer={h}"), 'index=lab ```don\'t``` | where Computer="x OR 1=1 | delete"');
    // A value's own ``` would end the comment: placeholders in comments are not filled.
    assert.equal(spl("index=lab ```host {h} {{x}}``` | where Account={a}"), 'index=lab ```host {h} {x}``` | where Account="bob"');
    assert.equal(spl("index=lab | where Account={a} ```unclosed {h}"), 'index=lab | where Account="bob" ```unclosed {h}');
  });

  it("SPL and Elasticsearch: a placeholder inside a \"…\" string is the value escaped by the driver's writer", () => {
    const spl = renderTemplate('search host="{h}*" user={u}', values({ h: { value: 'web"01 OR x', type: "str" }, u: { value: "a b", type: "str" } }), "spl", "T.q", (v) => `"${String(v).replace(/[\\"]/g, (c) => `\\${c}`)}"`);
    assert.equal(spl, 'search host="web\\"01 OR x*" user="a b"');
    // Elasticsearch: one JSON string whatever the value; the driver then escapes it for the string's syntax (elasticsearchDsl.test.ts).
    const es = renderTemplate('{{"query": {{"wildcard": {{"host": "{h}-*"}}}}}}', values({ h: { value: 'a"}, "x": {"*', type: "str" } }), "esdsl", "T.q", (v) => JSON.stringify(v));
    assert.deepEqual(buildEsSearchBody(es).body, { query: { wildcard: { host: 'a"}, "x": {"\\*-*' } } });
  });

  it("a value that cannot be written is a data/live-literal error naming the parameter", () => {
    assert.throws(
      () => renderTemplate("T | where X == {n}", values({ n: { value: Infinity, type: "float" } }), "kql", "Fam.q"),
      (e: unknown) => e instanceof QueryError && e.code === "data/live-literal" && /Fam\.q/.test(e.message) && /"n"/.test(e.message),
    );
  });
});
