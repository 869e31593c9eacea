/** Query DSL from templates and parameters (src/data/live/esdsl.ts): values only ever become JSON values. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { stringifyExact } from "../../../src/common/json";
import { buildEsSearchBody, EsDslError, escapeWildcard, esJsonLiteral } from "../../../src/data/live/esdsl";
import { renderTemplate, type TemplateValue } from "../../../src/data/live/render";
import type { LiteralType, LiteralValue } from "../../../src/data/live/types";

/** Braces doubled, placeholders single (Python str.format's rule, as in MSTICPy's query files). */
const TEMPLATE = `{{"query": {{"bool": {{"filter": [
  {{"term": {{"Computer": {{"value": {host_name}, "case_insensitive": true}}}}}},
  {{"contains": {{"Account": {account_name}}}}},
  {{"terms": {{"Severity": {severity}}}}},
  {{"range": {{"@timestamp": {{"gte": {start}, "lte": {end}}}}}}}]}}}},
 "sort": [{{"@timestamp": "asc"}}]}}`;

/** The template rendered as the provider does, with the driver's JSON writer. */
function render(values: Record<string, [LiteralValue | null, LiteralType]>): string {
  const map = new Map<string, TemplateValue>(Object.entries(values).map(([k, [value, type]]) => [k, { value, type }]));
  return renderTemplate(TEMPLATE, map, "esdsl", "Test.query", (v) => esJsonLiteral(v));
}

const ALL = { host_name: ["", "str"], account_name: ["", "str"], severity: [[], "list"], start: [new Date(0), "datetime"], end: [new Date("2030-01-01T00:00:00Z"), "datetime"] } as const satisfies Record<string, [LiteralValue, LiteralType]>;

type Filter = Record<string, Record<string, unknown>>;
const filtersOf = (body: Record<string, unknown>) => ((body.query as { bool: { filter: Filter[] } }).bool.filter);

describe("esJsonLiteral", () => {
  it("writes JSON values: text escaped, times as ISO, lists as arrays", () => {
    assert.equal(esJsonLiteral('a"b\\c\n'), '"a\\"b\\\\c\\n"');
    assert.equal(esJsonLiteral(4624), "4624");
    assert.equal(esJsonLiteral(true), "true");
    assert.equal(esJsonLiteral(new Date("2019-02-14T00:00:00Z")), '"2019-02-14T00:00:00.000Z"');
    assert.equal(esJsonLiteral(["High", 2]), '["High",2]');
  });

  it("writes a number beyond 2^53 as the double it is (an exponent), never digits of another integer", () => {
    // JSON.stringify(2 ** 60) is 1152921504606847000, another long; -(2 ** 63)'s digits were outside Int64.
    assert.equal(esJsonLiteral(2 ** 60), "1.152921504606847e+18");
    assert.equal(esJsonLiteral(-(2 ** 63)), "-9.223372036854776e+18");
    assert.equal(esJsonLiteral([1, 2 ** 60]), "[1,1.152921504606847e+18]");
    assert.equal(esJsonLiteral(2 ** 53 - 1), "9007199254740991");
    const body = buildEsSearchBody(renderTemplate('{{"query": {{"term": {{"Id": {p}}}}}}}', new Map([["p", { value: 2 ** 60, type: "int" as const }]]), "esdsl", "Test.q", (v) => esJsonLiteral(v))).body;
    assert.deepEqual(body.query, { term: { Id: 2 ** 60 } });
    // As the request sends it.
    assert.equal(stringifyExact(body.query), '{"term":{"Id":1.152921504606847e+18}}');
  });

  it("refuses non-finite numbers and invalid dates", () => {
    assert.throws(() => esJsonLiteral(Number.NaN), EsDslError);
    assert.throws(() => esJsonLiteral(new Date(Number.NaN)), EsDslError);
  });
});

describe("buildEsSearchBody", () => {
  it("drops clauses whose parameter is empty, keeps the others", () => {
    const { body, limit } = buildEsSearchBody(render({ ...ALL }));
    assert.equal(limit, undefined);
    assert.deepEqual(filtersOf(body), [{ range: { "@timestamp": { gte: "1970-01-01T00:00:00.000Z", lte: "2030-01-01T00:00:00.000Z" } } }]);
    assert.deepEqual(body.sort, [{ "@timestamp": "asc" }]);
  });

  it("turns contains into an escaped case-insensitive wildcard", () => {
    const { body } = buildEsSearchBody(render({ ...ALL, account_name: ["a*b?c\\", "str"] }));
    assert.deepEqual(filtersOf(body)[0], { wildcard: { Account: { case_insensitive: true, value: "*a\\*b\\?c\\\\*" } } });
    assert.equal(escapeWildcard("*?\\x"), "\\*\\?\\\\x");
  });

  for (const hostile of ['x", "must_not": [{"match_all": {}}], "y": "', "x' | delete", '"}}]}, "script": {"source": "x"}, "a": {"b": "', "line1\nline2", "\u0000\u2028\\"]) {
    it(`keeps ${JSON.stringify(hostile)} one JSON string value`, () => {
      const { body } = buildEsSearchBody(render({ ...ALL, host_name: [hostile, "str"], severity: [[hostile, "High"], "list"] }));
      const filters = filtersOf(body);
      assert.equal(filters.length, 3, "no clause added or removed");
      assert.deepEqual(filters[0], { term: { Computer: { value: hostile, case_insensitive: true } } });
      assert.deepEqual(filters[1], { terms: { Severity: [hostile, "High"] } });
      assert.deepEqual(Object.keys(body).sort(), ["query", "sort"]);
    });
  }

  it("keeps any text one value (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (text) => {
        const { body } = buildEsSearchBody(render({ ...ALL, host_name: [text, "str"] }));
        const filters = filtersOf(body);
        if (text === "") assert.equal(filters.length, 1);
        else assert.deepEqual(filters[0], { term: { Computer: { value: text, case_insensitive: true } } });
      }),
      { numRuns: 300 },
    );
  });

  it("reads size as the row limit and refuses the driver's own keys", () => {
    assert.equal(buildEsSearchBody('{"size": 5, "query": {"match_all": {}}}').limit, 5);
    assert.throws(() => buildEsSearchBody('{"size": -1}'), EsDslError);
    assert.throws(() => buildEsSearchBody('{"search_after": [1]}'), /set by the driver/);
    assert.throws(() => buildEsSearchBody('{"pit": {"id": "x"}}'), /set by the driver/);
    assert.throws(() => buildEsSearchBody("[1]"), /JSON object/);
  });

  it("explains a placeholder written inside quotes", () => {
    assert.throws(() => buildEsSearchBody('{"query": {"term": {"a": ""x""}}}'), /whole JSON values/);
  });

  it("leaves a query with nothing left to filter as match_all", () => {
    const { body } = buildEsSearchBody('{"query": {"bool": {"filter": [{"term": {"a": ""}}, {"terms": {"b": []}}]}}}');
    assert.deepEqual(body.query, { match_all: {} });
  });
});

describe("a placeholder inside a string with other text", () => {
  /** `template` rendered with `value` for {p} and built into a body. */
  const built = (template: string, value: string) =>
    buildEsSearchBody(renderTemplate(template, new Map([["p", { value, type: "str" as const }]]), "esdsl", "Test.q", (v) => esJsonLiteral(v))).body.query as Record<string, Record<string, unknown>>;

  it("is one literal term of a query_string (Lucene syntax escaped), not query text", () => {
    const q = built('{{"query": {{"query_string": {{"query": "Computer:{p} AND EventID:4624"}}}}}}', "x OR Computer:*");
    assert.equal(q.query_string.query, "Computer:x\\ OR\\ Computer\\:\\* AND EventID:4624");
    const simple = built('{{"query": {{"simple_query_string": {{"query": "user {p}", "fields": ["msg"]}}}}}}', 'a|b -c "d"');
    assert.equal(simple.simple_query_string.query, 'user a\\|b\\ \\-c\\ \\"d\\"');
    assert.throws(() => built('{{"query": {{"query_string": {{"query": "n:{p}"}}}}}}', "<5"), (e: unknown) => e instanceof EsDslError && /cannot escape/.test((e as Error).message));
  });

  it("matches itself in wildcard and regexp patterns: its * ? and regex operators escaped, the template's kept", () => {
    assert.deepEqual(built('{{"query": {{"wildcard": {{"Computer": "{p}.corp.*"}}}}}}', "*").wildcard, { Computer: "\\*.corp.*" });
    assert.deepEqual(built('{{"query": {{"wildcard": {{"Computer": {{"value": "{p}-?", "case_insensitive": true}}}}}}}}', "a?b\\").wildcard, { Computer: { value: "a\\?b\\\\-?", case_insensitive: true } });
    assert.deepEqual(built('{{"query": {{"regexp": {{"path": "{p}/.*"}}}}}}', "C:.*(x)").regexp, { path: "C:\\.\\*\\(x\\)/.*" });
  });

  it("is the text as given where the string has no query syntax (match, term)", () => {
    assert.deepEqual(built('{{"query": {{"match": {{"message": "failed {p}"}}}}}}', "a*b OR c").match, { message: "failed a*b OR c" });
  });

  it("is refused inside a script's text (no escape makes it one Painless literal); a script's params take it whole", () => {
    const scripts = [
      '{{"query": {{"script": {{"script": {{"source": "doc[\'h\'].value == \'{p}\'", "lang": "painless"}}}}}}}}',
      '{{"query": {{"script": {{"script": "doc[\'h\'].value == \'{p}\'"}}}}}}',
      '{{"query": {{"match_all": {{}}}}, "runtime_mappings": {{"x": {{"type": "keyword", "script": "emit(\'{p}\')"}}}}}}',
      '{{"query": {{"function_score": {{"script_score": {{"script": {{"source": "\'{p}\'.length()"}}}}}}}}}}',
    ];
    for (const t of scripts) assert.throws(() => built(t, "x' || true || '"), (e: unknown) => e instanceof EsDslError && /script's text/.test((e as Error).message) && /params/.test((e as Error).message), t);
    // Aggregations named like field clauses take real scripts: still refused there.
    assert.throws(() => built('{{"query": {{"match_all": {{}}}}, "aggs": {{"a": {{"terms": {{"script": {{"source": "doc[\'h\'].value == \'{p}\'"}}}}}}}}}}', "x' || true || '"), /script's text/);
    // A field that is called `script`, under a query's field clause, is a field: its value is escaped as the clause's.
    assert.deepEqual(built('{{"query": {{"wildcard": {{"script": {{"value": "*{p}*"}}}}}}}}', "evil.ps1").wildcard, { script: { value: "*evil.ps1*" } });
    assert.deepEqual(built('{{"query": {{"term": {{"script": "x {p}"}}}}}}', "y").term, { script: "x y" });
    // In params a value is data: a string with other text is kept as written.
    const q = built('{{"query": {{"script": {{"script": {{"source": "doc[\'h\'].value == params.h", "params": {{"h": "pre-{p}"}}}}}}}}}}', "x' || true || '");
    assert.deepEqual(q.script, { script: { source: "doc['h'].value == params.h", params: { h: "pre-x' || true || '" } } });
  });

  it("a value holding the private-use marker characters is refused, naming the parameter", () => {
    assert.throws(() => built('{{"query": {{"match": {{"message": "x {p}"}}}}}}', "a\uE001b"), (e: unknown) => e instanceof Error && (e as { code?: string }).code === "data/live-literal" && /"p"/.test(e.message));
  });

  it("a whole value holding the marker characters reaches Elasticsearch exactly (no clause dropped, no character lost), beside marked values too", () => {
    const body = (template: string, value: LiteralValue, type: LiteralType, values: [string, TemplateValue][] = []) =>
      buildEsSearchBody(renderTemplate(template, new Map([["p", { value, type }], ...values]), "esdsl", "Test.q", (v) => esJsonLiteral(v))).body.query;
    assert.deepEqual(body('{{"query": {{"bool": {{"filter": [{{"term": {{"Computer": {p}}}}}, {{"term": {{"EventID": 4624}}}}]}}}}}}', "\uE000\uE001", "str"), {
      bool: { filter: [{ term: { Computer: "\uE000\uE001" } }, { term: { EventID: 4624 } }] },
    });
    assert.deepEqual(body('{{"query": {{"term": {{"Computer": {p}}}}}}}', "\uE000\uE001", "str"), { term: { Computer: "\uE000\uE001" } });
    assert.deepEqual(body('{{"query": {{"terms": {{"Computer": {p}}}}}}}', ["\uE000\uE001"], "list"), { terms: { Computer: ["\uE000\uE001"] } });
    assert.deepEqual(body('{{"query": {{"term": {{"Computer": {p}}}}}}}', "WS\uE000*\uE00101", "str"), { term: { Computer: "WS\uE000*\uE00101" } });
    // With a marked value (a placeholder inside a string) in the same body: only that one is escaped and unmarked.
    const both = body('{{"query": {{"bool": {{"filter": [{{"term": {{"Computer": {p}}}}}, {{"wildcard": {{"User": "{u}*"}}}}]}}}}}}', "WS\uE000*\uE00101", "str", [["u", { value: "a*b", type: "str" }]]);
    assert.deepEqual(both, { bool: { filter: [{ term: { Computer: "WS\uE000*\uE00101" } }, { wildcard: { User: "a\\*b*" } }] } });
  });
});
