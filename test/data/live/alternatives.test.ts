/**
 * rewriteForAlternatives (src/data/live/alternatives.ts): where a template compares a parameter given several forms,
 * each form gets a placeholder of its own; anywhere else the template is left as it is and the reason said.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AnyOf, rewriteForAlternatives } from "../../../src/data/live/alternatives";
import type { QueryLanguage } from "../../../src/data/live/types";
import { AnyOfInString, renderTemplate } from "../../../src/data/live/render";
import { buildEsSearchBody, esAnyOfProblem } from "../../../src/data/live/esdsl";

const rewrite = (template: string, language: QueryLanguage) => rewriteForAlternatives(template, language, "host", 2, (i) => `f${i}`);
const text = (template: string, language: QueryLanguage) => {
  const r = rewrite(template, language);
  assert.ok("template" in r, JSON.stringify(r));
  return r.template;
};
const problem = (template: string, language: QueryLanguage) => {
  const r = rewrite(template, language);
  assert.ok("problem" in r, `rewritten: ${JSON.stringify(r)}`);
  return r.problem;
};

describe("rewriteForAlternatives", () => {
  it("KQL: equality operators become their list forms, text operators an or group (negated: and), whole lists get every form", () => {
    assert.equal(text("T | where isempty({host}) or Computer =~ {host}\n| take 5", "kql"), "T | where isempty({host}) or Computer in~ ({f0}, {f1})\n| take 5");
    assert.equal(text("T | where Computer == {host}", "kql"), "T | where Computer in ({f0}, {f1})");
    assert.equal(text("T | where Computer != {host}", "kql"), "T | where Computer !in ({f0}, {f1})");
    assert.equal(text("T | where Computer !~ {host}", "kql"), "T | where Computer !in~ ({f0}, {f1})");
    assert.equal(text('T | where Computer =~ "{host}"', "kql"), 'T | where Computer in~ ("{f0}", "{f1}")');
    assert.equal(text("T | where Computer has {host} and X == 1", "kql"), "T | where (Computer has {f0} or Computer has {f1}) and X == 1");
    assert.equal(text("T | where Computer !contains {host}", "kql"), "T | where (Computer !contains {f0} and Computer !contains {f1})");
    assert.equal(text("T | where tolower(Computer) == tolower({host})", "kql"), "T | where (tolower(Computer) == tolower({f0}) or tolower(Computer) == tolower({f1}))");
    assert.equal(text("T | where Computer in~ ({host})", "kql"), "T | where Computer in~ ({f0}, {f1})");
    assert.equal(text("T | where strlen({host}) == 0 or Computer =~ {host}", "kql"), "T | where strlen({host}) == 0 or Computer in~ ({f0}, {f1})");
    // A placeholder in a comment is no comparison; {{host}} is braces.
    assert.equal(text("T // Computer =~ {host}\n| where X == '{{host}}'", "kql"), "T // Computer =~ {host}\n| where X == '{{host}}'");
  });

  it("SPL: field={x} in search becomes IN (…), where comparisons an OR group (!=: AND), guards keep the value", () => {
    assert.equal(text("search index=lab host={host} EventCode=4625", "spl"), "search index=lab host IN ({f0}, {f1}) EventCode=4625");
    assert.equal(
      text("search index=lab\n| where len({host})=0 OR lower(Computer)=lower({host})\n| fields - x", "spl"),
      "search index=lab\n| where len({host})=0 OR (lower(Computer)=lower({f0}) OR lower(Computer)=lower({f1}))\n| fields - x",
    );
    assert.equal(text("search index=lab | where Computer!={host}", "spl"), "search index=lab | where (Computer!={f0} AND Computer!={f1})");
    assert.equal(text("search index=lab | where isnull({host}) OR Computer=={host}", "spl"), "search index=lab | where isnull({host}) OR (Computer=={f0} OR Computer=={f1})");
  });

  it("an operator given by a parameter (MSTICPy's `Computer {host_op} \"{host_name}\"`) is read as that operator when it is one", () => {
    const ops: Record<string, string> = { has_op: "has", eq_op: "=~", not_op: "!has", bad: "matches regex", text: 'x" or 1==1' };
    const withOp = (template: string, language: QueryLanguage) => rewriteForAlternatives(template, language, "host", 2, (i) => `f${i}`, (name) => ops[name]);
    assert.deepEqual(withOp('T | where Computer {has_op} "{host}"', "kql"), { template: 'T | where (Computer has "{f0}" or Computer has "{f1}")', compared: true });
    assert.deepEqual(withOp("T | where Computer {eq_op} {host}", "kql"), { template: "T | where Computer in~ ({f0}, {f1})", compared: true });
    assert.deepEqual(withOp("T | where Computer {not_op} {host}", "kql"), { template: "T | where (Computer !has {f0} and Computer !has {f1})", compared: true });
    // Anything but a known operator is no operator: the placeholder stays, and the comparison is not read.
    for (const op of ["bad", "text", "unknown"]) assert.ok("problem" in withOp(`T | where Computer {${op}} {host}`, "kql"), op);
    assert.deepEqual(withOp("search index=lab | where Computer {eq_op} {host}", "spl"), { problem: 'it stands inside a call or a list (after "}"), not as a comparison\'s value' });
  });

  it("anywhere else: the reason, the template untouched", () => {
    assert.match(problem("T | where Computer matches regex {host}", "kql"), /compared with regex/);
    assert.match(problem('T | where Computer == strcat({host}, ".x")', "kql"), /call of strcat\(\) with other arguments/);
    assert.match(problem("T | where Computer == tostring({host})", "kql"), /call of tostring\(\)/);
    assert.match(problem('T | where Computer == "a{host}"', "kql"), /inside a string with other text/);
    assert.match(problem("T | where Computer == {host} + 1", "kql"), /no whole operand/);
    assert.match(problem("T | where X + Computer has {host}", "kql"), /left side/);
    assert.match(problem("T | where strlen({host}) > 3", "kql"), /call of strlen\(\)/);
    assert.match(problem("T | extend h = {host}", "kql"), /compared with =/);
    assert.match(problem("search index=lab | where like(Computer, {host})", "spl"), /call or a list/);
    assert.match(problem('search index=lab | where Computer={host} . "x"', "spl"), /no whole operand/);
    assert.match(problem("search index=lab host!={host}", "spl"), /only field=\{value\}/);
    assert.match(problem("search index=lab | where Computer<{host}", "spl"), /compared with </);
  });

  it("AnyOf.of: blank and repeated forms dropped; one left is that text", () => {
    assert.deepEqual((AnyOf.of(["WS01", " ", "WS01", "ws01.contoso.com"]) as AnyOf).values, ["WS01", "ws01.contoso.com"]);
    assert.equal(AnyOf.of(["WS01", "WS01", ""]), "WS01");
    assert.equal(AnyOf.of([]), undefined);
  });
});

describe("Elasticsearch: a value of several forms in a query body", () => {
  const forms = ["WS01", "WS01.contoso.com"];
  const body = (template: string) => renderTemplate(template, new Map([["host", { value: forms[0], type: "str" as const, anyOf: forms }]]), "esdsl", "Q.q");

  it("term → terms, a term with options, match, prefix and contains → bool.should (contains then a wildcard each)", () => {
    assert.deepEqual(buildEsSearchBody(body('{{"query": {{"term": {{"Computer": {host}}}}}}}')).body.query, { terms: { Computer: forms } });
    const should = (one: (v: string) => unknown) => ({ bool: { should: forms.map(one), minimum_should_match: 1 } });
    assert.deepEqual(buildEsSearchBody(body('{{"query": {{"term": {{"Computer": {{"value": {host}, "case_insensitive": true}}}}}}}}')).body.query, should((value) => ({ term: { Computer: { value, case_insensitive: true } } })));
    assert.deepEqual(buildEsSearchBody(body('{{"query": {{"match": {{"Computer": {{"query": {host}}}}}}}}}')).body.query, should((query) => ({ match: { Computer: { query } } })));
    assert.deepEqual(buildEsSearchBody(body('{{"query": {{"prefix": {{"Computer": {host}}}}}}}')).body.query, should((v) => ({ prefix: { Computer: v } })));
    assert.deepEqual(buildEsSearchBody(body('{{"query": {{"contains": {{"Computer": {host}}}}}}}')).body.query, should((v) => ({ wildcard: { Computer: { case_insensitive: true, value: `*${v}*` } } })));
    for (const ok of ['{{"query": {{"term": {{"Computer": {host}}}}}}}', '{{"query": {{"match": {{"Computer": {host}}}}}}}']) assert.equal(esAnyOfProblem(body(ok)), undefined);
  });

  it("anywhere else the reason; inside a string an AnyOfInString; a template's own marker character is refused", () => {
    assert.match(esAnyOfProblem(body('{{"query": {{"range": {{"Computer": {{"gte": {host}}}}}}}}}')) ?? "", /no list of terms/);
    assert.match(esAnyOfProblem(body('{{"query": {{"terms": {{"Computer": [{host}]}}}}}}')) ?? "", /no list of terms/);
    assert.throws(() => body('{{"query": {{"wildcard": {{"Computer": "{host}*"}}}}}}'), AnyOfInString);
    assert.match(esAnyOfProblem('{"query": {"term": {"Computer": {"\uE002anyOf": ["a", "b"]}}}, "x": "\uE002"}') ?? "", /U\+E002/);
    assert.throws(() => buildEsSearchBody('{"query": {"range": {"Computer": {"gte": {"\uE002anyOf": ["a", "b"]}}}}}'), /several forms: it stands where the query takes no list of terms/);
  });
});
