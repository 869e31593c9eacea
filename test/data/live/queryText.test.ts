/**
 * The query text a live provider sends for a query file's template: list
 * parameters given as comma-separated text, and (MSTICPy's Sentinel files)
 * bare text placeholders that are query fragments.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { liveDriverFactory, registerLiveDriver, type LiveDriverFactory } from "../../../src/data/live/drivers/index";
import { createSentinelDriver } from "../../../src/data/live/drivers/sentinel";
import { createSplunkDriver } from "../../../src/data/live/drivers/splunk";
import type { LiveEnvironment, LiveRequest } from "../../../src/data/live/types";
import { QueryProvider } from "../../../src/data/queryProvider";
import { tempDir } from "../../helpers/tmp";

/** Every query text sent, per environment: the real driver's literal writer, no service. */
const sent: string[] = [];
const REAL: Partial<Record<LiveEnvironment, LiveDriverFactory>> = { MSSentinel: createSentinelDriver, Splunk: createSplunkDriver };
/**
 * The capturing drivers, for the tests of the calling `describe` only: the registry is shared by every test file
 * of one process (a unit group), where a file's top-level hooks run around all files' tests.
 */
function useCapturingDrivers(): void {
  const saved = new Map<LiveEnvironment, LiveDriverFactory | undefined>();
  before(() => {
    for (const [environment, real] of Object.entries(REAL) as [LiveEnvironment, LiveDriverFactory][]) {
      saved.set(environment, liveDriverFactory(environment));
      registerLiveDriver(environment, (settings) => {
        const driver = real(settings);
        return {
          environment,
          language: driver.language,
          connected: true,
          async connect() {},
          async query(request: LiveRequest) {
            sent.push(request.text);
            return { columns: [], rows: [], warnings: [] };
          },
          ...(driver.formatLiteral ? { formatLiteral: driver.formatLiteral.bind(driver) } : {}),
        };
      });
    }
  });
  after(() => {
    for (const [environment, factory] of saved) registerLiveDriver(environment, factory ?? (REAL[environment] as LiveDriverFactory));
  });
}

/** A provider for `environment` whose one query, Fam.q, has `query` and `parameters` (YAML flow maps). */
async function provider(environment: LiveEnvironment, fileEnvironment: string, query: string, parameters: Record<string, string>) {
  const dir = tempDir();
  const lines = [
    "metadata:",
    "  version: 1",
    "  description: query text",
    `  data_environments: [${fileEnvironment}]`,
    "  data_families: [Fam]",
    "sources:",
    "  q:",
    "    description: q",
    "    args:",
    `      query: ${JSON.stringify(query)}`,
    "    parameters:",
    ...Object.entries(parameters).map(([name, spec]) => `      ${name}: ${spec}`),
  ];
  fs.writeFileSync(path.join(dir, "q.yaml"), `${lines.join("\n")}\n`);
  fs.writeFileSync(path.join(dir, "msticpyconfig.yaml"), "DataProviders: {}\n");
  const qp = new QueryProvider(environment, { queryPaths: [dir], configPath: path.join(dir, "msticpyconfig.yaml"), warn: () => {} });
  await qp.connect({});
  return async (params: Record<string, unknown> = {}): Promise<string> => {
    sent.length = 0;
    await (qp as unknown as { Fam: { q: (p: Record<string, unknown>) => Promise<unknown> } }).Fam.q(params);
    return sent[0];
  };
}

describe("list parameters given as comma-separated text", () => {
  useCapturingDrivers();
  it("KQL: the text is split on commas and trimmed, as MSTICPy's _parse_param_list, for defaults and call values; an array stays as given", async () => {
    const run = await provider("MSSentinel", "LogAnalytics", "T | where Computer in ({hosts})", { hosts: '{description: h, type: list, default: "a, b,c"}' });
    assert.equal(await run(), 'T | where Computer in (dynamic(["a", "b", "c"]))');
    assert.equal(await run({ hosts: "a , c" }), 'T | where Computer in (dynamic(["a", "c"]))');
    assert.equal(await run({ hosts: "solo" }), 'T | where Computer in (dynamic(["solo"]))');
    assert.equal(await run({ hosts: ["a,b", " c "] }), 'T | where Computer in (dynamic(["a,b", " c "]))');
  });

  it("SPL: the same split", async () => {
    const run = await provider("Splunk", "Splunk", "search index=x | where in(host, {hosts})", { hosts: '{description: h, type: list, default: "a,b"}' });
    assert.equal(await run(), 'search index=x | where in(host, "a", "b")');
    assert.equal(await run({ hosts: "x, y" }), 'search index=x | where in(host, "x", "y")');
  });
});

describe("bare text placeholders that are query fragments (MSTICPy's {table}, {query_project}, {add_query_items})", () => {
  useCapturingDrivers();
  const parameters = {
    table: "{description: t, type: str, default: SecurityAlert}",
    query_project: '{description: p, type: str, default: " | project-rename Severity = AlertSeverity"}',
    add_query_items: '{description: a, type: str, default: ""}',
    host: "{description: h, type: str, default: null}",
  };
  const template = "{table}\n| where isempty({host}) or Computer =~ {host}\n{query_project}\n| where Name != \"{host}\" {add_query_items}";

  it("the file's defaults are written as they are; a value placeholder (after an operator, in a string) stays a literal", async () => {
    const run = await provider("MSSentinel", "LogAnalytics", template, parameters);
    assert.equal(await run(), 'SecurityAlert\n| where isempty("") or Computer =~ ""\n | project-rename Severity = AlertSeverity\n| where Name != "" ');
    assert.equal(await run({ host: 'x" or 1==1 //' }), 'SecurityAlert\n| where isempty("x\\" or 1==1 //") or Computer =~ "x\\" or 1==1 //"\n | project-rename Severity = AlertSeverity\n| where Name != "x\\" or 1==1 //" ');
  });

  it("an empty-default fragment after a name, `)`, a string or `*` is a clause; as an operand it is a literal", async () => {
    const run = await provider("MSSentinel", "LogAnalytics", "T | where A == 1 {x} | distinct * {x} | where isempty({x}) and B has {x}", { x: '{description: x, type: str, default: ""}' });
    assert.equal(await run(), 'T | where A == 1  | distinct *  | where isempty("") and B has ""');
  });

  it("a caller's value for a fragment must be a name or empty; anything else is an error naming the query and parameter, never pasted", async () => {
    const run = await provider("MSSentinel", "LogAnalytics", template, parameters);
    assert.equal(await run({ table: "SigninLogs", add_query_items: "" }), 'SigninLogs\n| where isempty("") or Computer =~ ""\n | project-rename Severity = AlertSeverity\n| where Name != "" ');
    for (const bad of ["SigninLogs | take 1", "| where 1 == 1", "1abc", "a-b"]) {
      sent.length = 0;
      await assert.rejects(() => run({ add_query_items: bad }), (e: Error & { code?: string }) => e.code === "data/live-literal" && /Fam\.q: parameter "add_query_items": it is written bare in the query, as a query fragment/.test(e.message) && !e.message.includes(bad), bad);
      assert.equal(sent.length, 0, "nothing sent");
    }
    await assert.rejects(() => run({ table: "T; .drop table X" }), { code: "data/live-literal", message: /parameter "table"/ });
  });

  it("SPL: the same fragments", async () => {
    const run = await provider("Splunk", "Splunk", "search index={index} | where len({host})=0 OR host={host} {extra}", {
      index: "{description: i, type: str, default: main}",
      host: '{description: h, type: str, default: ""}',
      extra: '{description: e, type: str, default: "| head 5"}',
    });
    // `index={index}` is an operand: a literal, whatever the default (index="main" is the same search).
    assert.equal(await run(), 'search index="main" | where len("")=0 OR host="" | head 5');
    assert.equal(await run({ index: "lab", host: "h1" }), 'search index="lab" | where len("h1")=0 OR host="h1" | head 5');
    await assert.rejects(() => run({ extra: "| delete" }), { code: "data/live-literal", message: /parameter "extra"/ });
  });

  it("a caller's fragment that is a logical operator word (OR widens a search, NOT inverts it) is refused, in SPL and KQL, any case", async () => {
    const spl = await provider("Splunk", "Splunk", "search index=lab {extra} EventCode=4625 | where len({host})=0", {
      extra: '{description: e, type: str, default: ""}',
      host: '{description: h, type: str, default: ""}',
    });
    assert.equal(await spl({ extra: "host_logons" }), 'search index=lab host_logons EventCode=4625 | where len("")=0');
    const kql = await provider("MSSentinel", "LogAnalytics", "{table}\n| where EventID == 4625 {add_query_items} Computer startswith \"WS\"", {
      table: "{description: t, type: str, default: SecurityEvent}",
      add_query_items: '{description: a, type: str, default: "and"}',
    });
    // The file's own default stays as written (trusted like the query text).
    assert.equal(await kql(), 'SecurityEvent\n| where EventID == 4625 and Computer startswith "WS"');
    for (const [run, words] of [[spl, ["OR", "NOT", "AND", "XOR", "or", "Not"]], [kql, ["or", "not", "OR", "xor"]]] as const) {
      for (const word of words) {
        sent.length = 0;
        const parameter = run === spl ? "extra" : "add_query_items";
        await assert.rejects(() => run({ [parameter]: word }), (e: Error & { code?: string }) => e.code === "data/live-literal" && new RegExp(`parameter "${parameter}": it is written bare in the query, as a query fragment`).test(e.message), word);
        assert.equal(sent.length, 0, "nothing sent");
      }
    }
    await assert.rejects(() => kql({ table: "not" }), { code: "data/live-literal", message: /parameter "table"/ });
  });

  it("an operand is a literal even with a default in the file (a caller's `Computer` compared the column with itself), after every KQL operator word; a placeholder in a comment is no fragment; the file's own default passed back is accepted", async () => {
    const run = await provider("MSSentinel", "LogAnalytics", "SecurityEvent // looking for {h}\n| where Computer =~ {h} or Account has {h} or Process startswith_cs {h} or Path !endswith_cs {h} or Id notcontains {h}\n{extra}", {
      h: "{description: h, type: str, default: WS01}",
      extra: '{description: e, type: str, default: "| take 5"}',
    });
    assert.equal(await run(), 'SecurityEvent // looking for "WS01"\n| where Computer =~ "WS01" or Account has "WS01" or Process startswith_cs "WS01" or Path !endswith_cs "WS01" or Id notcontains "WS01"\n| take 5');
    const hostile = await run({ h: "Computer" });
    assert.ok(!/=~ Computer|has Computer/.test(hostile), hostile);
    assert.match(await run({ h: "ws01.contoso.com" }), /Computer =~ "ws01\.contoso\.com"/);
    assert.match(await run({ extra: "| take 5" }), /\n\| take 5$/);
  });
});
