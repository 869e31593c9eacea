/**
 * SPL's `search` command reads `*` as a wildcard even inside quotes: a
 * parameter value with `*` placed in a search command would match other
 * values. It is refused there with an error naming the query and parameter;
 * `where`/`eval` (which compare text as written) take it.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { QueryError } from "../../../src/data/messages";
import { QueryProvider } from "../../../src/data/queryProvider";
import { renderTemplate, type TemplateValue } from "../../../src/data/live/render";
import { splLiteral } from "../../../src/data/live/spl";
import { tempDir } from "../../helpers/tmp";
import { startSplunkTwin, type SplunkTwin } from "../../twins/splunk";

const render = (template: string, value: unknown, type: TemplateValue["type"] = "str"): string =>
  renderTemplate(template, new Map([["p", { value, type } as TemplateValue]]), "spl", "Test.q", (v) => splLiteral(v));

describe("SPL templates: a value with * in a search command", () => {
  const refused = [
    "search index=lab Computer={p}",
    "index=lab Computer={p}",
    '  search index=lab Computer="{p}"',
    'search index=lab Computer="pre-{p}"',
    "search index=lab | where x=1 | search Computer={p}",
    "search index=lab | where x=1 |search Computer={p}",
    "search index=lab [ search index=lab Computer={p} | fields Computer ]",
    "| inputlookup hosts | search Computer IN ({p})",
  ];
  for (const t of refused) {
    it(`is refused in ${JSON.stringify(t)}, naming the query and parameter`, () => {
      assert.throws(() => render(t, "MSTIC*"), (e: unknown) => e instanceof QueryError && /Test\.q: parameter "p"/.test(e.message) && /wildcard/.test(e.message) && /\| where/.test(e.message));
    });
  }
  it("is refused as a list item too", () => {
    assert.throws(() => render("search index=lab Computer IN ({p})", ["a", "b*"], "list"), QueryError);
  });

  const taken = [
    ["search index=lab | where Computer={p}", 'search index=lab | where Computer="MSTIC*"'],
    ["| inputlookup hosts | where Computer={p}", '| inputlookup hosts | where Computer="MSTIC*"'],
    ['search index=lab | eval x={p} | where x="a|search {p}"', 'search index=lab | eval x="MSTIC*" | where x="a|search MSTIC*"'],
    ["search index=lab [ search index=lab | fields Computer ] | where Computer={p}", 'search index=lab [ search index=lab | fields Computer ] | where Computer="MSTIC*"'],
    ['search index=lab [| makeresults | eval c={p}] | where c="x"', 'search index=lab [| makeresults | eval c="MSTIC*"] | where c="x"'],
  ];
  for (const [t, expected] of taken) {
    it(`is written in ${JSON.stringify(t)} (a where, eval or non-search command)`, () => {
      assert.equal(render(t, "MSTIC*"), expected);
    });
  }
  it("values without * are written in a search command as before", () => {
    assert.equal(render("search index=lab Computer={p}", 'MSTIC" OR x'), 'search index=lab Computer="MSTIC\\" OR x"');
  });
});

describe("SPL search wildcards against the Splunk twin", () => {
  let twin: SplunkTwin;
  let qp: QueryProvider;
  const TOKEN = "wildcard-test-token-0123456789";

  before(async () => {
    twin = await startSplunkTwin({ token: TOKEN });
    const dir = tempDir();
    const configPath = path.join(dir, "msticpyconfig.yaml");
    fs.writeFileSync(configPath, ["DataProviders:", "  Splunk:", "    Args:", "      host: 127.0.0.1", `      port: ${twin.port}`, "      scheme: http", "      bearer_token: {EnvironmentVar: HUNTLAB_TEST_SPLUNK_WILDCARD_TOKEN}", ""].join("\n"));
    const queries = path.join(dir, "queries.yaml");
    fs.writeFileSync(
      queries,
      [
        "metadata: {version: 1, description: t, data_environments: [Splunk], data_families: [Hunt]}",
        "sources:",
        "  by_search:",
        "    description: host in the search command",
        "    args: {query: 'search index=lab sourcetype=host_logons Computer={host_name} | fields Computer'}",
        "    parameters: {host_name: {description: host, type: str}}",
        "  by_where:",
        "    description: host in a where command",
        "    args: {query: 'search index=lab sourcetype=host_logons | where Computer={host_name} | fields Computer'}",
        "    parameters: {host_name: {description: host, type: str}}",
        "",
      ].join("\n"),
    );
    process.env.HUNTLAB_TEST_SPLUNK_WILDCARD_TOKEN = TOKEN;
    qp = new QueryProvider("Splunk", { configPath, queryPaths: [queries] });
    await qp.connect();
  });
  after(() => twin.close());

  it("a plain host name finds the same rows in a search or a where", async () => {
    const a = await qp.Hunt.by_search({ host_name: "MSTICAlertsWin1" });
    const b = await qp.Hunt.by_where({ host_name: "MSTICAlertsWin1" });
    assert.ok(a.height > 0);
    assert.equal(a.height, b.height);
  });

  it("a value with * is refused in the search command (it matched every MSTIC… host) and matched literally by where", async () => {
    const sent = twin.searches.length;
    await assert.rejects(qp.Hunt.by_search({ host_name: "MSTIC*" }), (e: unknown) => e instanceof QueryError && /Hunt\.by_search: parameter "host_name"/.test(e.message));
    assert.equal(twin.searches.length, sent, "nothing was sent");
    const literal = await qp.Hunt.by_where({ host_name: "MSTIC*" });
    assert.equal(literal.height, 0, "no host is named MSTIC*");
  });
});
