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

describe("MSTICPy's Sentinel templates: a table or column parameter where KQL reads a name", () => {
  useCapturingDrivers();
  const table = "{description: t, type: str, default: SecurityEvent}";

  it("{table} inside let, union (…), join (…) and materialize(…) is the table, as MSTICPy writes it, from the default or a caller's name", async () => {
    const run = await provider("MSSentinel", "LogAnalytics", "let head = {table} | where A == 1;\nlet src = materialize( {table} | take 1);\nhead | union ( {table} | where B == 2 ) | join kind=inner ({table} | project Id) on Id", { table });
    assert.equal(await run(), "let head = SecurityEvent | where A == 1;\nlet src = materialize( SecurityEvent | take 1);\nhead | union ( SecurityEvent | where B == 2 ) | join kind=inner (SecurityEvent | project Id) on Id");
    assert.equal(await run({ table: "SigninLogs" }), "let head = SigninLogs | where A == 1;\nlet src = materialize( SigninLogs | take 1);\nhead | union ( SigninLogs | where B == 2 ) | join kind=inner (SigninLogs | project Id) on Id");
  });

  it("a caller's table must be a name: query text, an operator word or nothing is an error naming the query and parameter, and nothing is sent", async () => {
    const run = await provider("MSSentinel", "LogAnalytics", "let x = {table} | take 1; x", { table });
    for (const bad of ["T | take 1", "T; .drop table X", 'T" or 1==1', "not", "", "a-b"]) {
      sent.length = 0;
      await assert.rejects(() => run({ table: bad }), (e: Error & { code?: string }) => e.code === "data/live-literal" && /Fam\.q: parameter "table": it is written bare in the query, where the query reads a name/.test(e.message), JSON.stringify(bad));
      assert.equal(sent.length, 0, "nothing sent");
    }
  });

  it("column-name parameters (MSTICPy's Sentinel network, time-series and M365D files) are columns, functions and numbers as their defaults say", async () => {
    const run = await provider("MSSentinel", "LogAnalytics", "{table}\n| where Vendor in ({vendors})\n| extend SourceIP = {source_ip_field}\n| where Flag and {time_column} > ago(1d)\n| extend Age = now() - {time_column}\n| project {time_column},{aggregatecolumn},{groupbycolumn}\n| make-series {aggregatecolumn}={aggregatefunction} on {time_column} step {timeframe} by {groupbycolumn}\n| extend (a, s, b) = series_decompose_anomalies({aggregatecolumn}, {scorethreshold}, -1)\n| summarize min({time_column}) by {groupbycolumn}", {
      table,
      vendors: '{description: v, type: list, default: ["Cisco", "Fortinet"]}',
      source_ip_field: "{description: c, type: str, default: SourceIP}",
      time_column: "{description: c, type: str, default: Timestamp}",
      aggregatecolumn: "{description: c, type: str, default: Total}",
      groupbycolumn: "{description: c, type: str, default: Type}",
      aggregatefunction: '{description: f, type: str, default: "count()"}',
      timeframe: "{description: t, type: str, default: 1h}",
      scorethreshold: "{description: s, type: str, default: '3'}",
    });
    assert.equal(await run(), 'SecurityEvent\n| where Vendor in (dynamic(["Cisco", "Fortinet"]))\n| extend SourceIP = SourceIP\n| where Flag and Timestamp > ago(1d)\n| extend Age = now() - Timestamp\n| project Timestamp,Total,Type\n| make-series Total=count() on Timestamp step 1h by Type\n| extend (a, s, b) = series_decompose_anomalies(Total, 3, -1)\n| summarize min(Timestamp) by Type');
    assert.equal(
      await run({ source_ip_field: "SrcIP", time_column: "TimeGenerated", aggregatecolumn: "Bytes", groupbycolumn: "Host", timeframe: "1d", scorethreshold: "2.5" }),
      'SecurityEvent\n| where Vendor in (dynamic(["Cisco", "Fortinet"]))\n| extend SourceIP = SrcIP\n| where Flag and TimeGenerated > ago(1d)\n| extend Age = now() - TimeGenerated\n| project TimeGenerated,Bytes,Host\n| make-series Bytes=count() on TimeGenerated step 1d by Host\n| extend (a, s, b) = series_decompose_anomalies(Bytes, 2.5, -1)\n| summarize min(TimeGenerated) by Host',
    );
    await assert.rejects(() => run({ aggregatefunction: "count() | take 1" }), { code: "data/live-literal", message: /parameter "aggregatefunction"/ });
    await assert.rejects(() => run({ timeframe: "1d | take 1" }), { code: "data/live-literal", message: /parameter "timeframe"/ });
  });

  it("without a default, or in a compared list, a value stays a literal: the lab's isempty({host}), `in (…, {x})`, `has_any ({x})`, `== {x}`", async () => {
    const run = await provider("MSSentinel", "LogAnalytics", "T | where isempty({host}) or Computer =~ {host}\n| where Severity in (\"High\", {sev}) and Name has_any ({sev}) and Id == {sev}\n| extend X = {host}", {
      host: "{description: h, type: str, default: null}",
      sev: "{description: s, type: str, default: Medium}",
    });
    assert.equal(await run(), 'T | where isempty("") or Computer =~ ""\n| where Severity in ("High", "Medium") and Name has_any ("Medium") and Id == "Medium"\n| extend X = ""');
    assert.equal(await run({ host: "Computer", sev: "Severity" }), 'T | where isempty("Computer") or Computer =~ "Computer"\n| where Severity in ("High", "Severity") and Name has_any ("Severity") and Id == "Severity"\n| extend X = "Computer"');
  });
});

describe("MSTICPy's own defaults are query text: path_separator, Splunk's timeformat and index, datetime({text})", () => {
  useCapturingDrivers();

  it("a string holding only a placeholder gets the file's default as MSTICPy pastes it ('\\\\' is one backslash); a caller's value is escaped", async () => {
    const run = await provider("MSSentinel", "LogAnalytics", 'T | extend name = tostring(split(Path, "{path_separator}")[-1]), q = \'{quote}\', v = @"{verbatim}"', {
      path_separator: "{description: p, type: str, default: '\\\\'}",
      quote: "{description: q, type: str, default: 'it\\''s'}",
      verbatim: "{description: v, type: str, default: 'C:\\Temp'}",
    });
    assert.equal(await run(), "T | extend name = tostring(split(Path, \"\\\\\")[-1]), q = 'it\\'s', v = @\"C:\\Temp\"");
    assert.equal(await run({ path_separator: "/", quote: "x'y", verbatim: 'a"b' }), 'T | extend name = tostring(split(Path, "/")[-1]), q = "x\'y", v = "a\\"b"');
    // A caller's backslash is one backslash, escaped; the file's own text passed back is the file's.
    assert.match(await run({ path_separator: "\\" }), /split\(Path, "\\\\"\)/);
    assert.match(await run({ path_separator: "\\\\" }), /split\(Path, "\\\\"\)/);
  });

  it("a default that is not text of its string (a raw quote, a lone trailing backslash) is written as an escaped literal, never pasted", async () => {
    const run = await provider("MSSentinel", "LogAnalytics", 'T | where A == "{a}" and B == "{b}"', {
      a: "{description: a, type: str, default: 'x\" or 1==1 //'}",
      b: "{description: b, type: str, default: 'x\\'}",
    });
    assert.equal(await run(), 'T | where A == "x\\" or 1==1 //" and B == "x\\\\"');
  });

  it("SPL: the file's `index=*` and a timeformat default written as a string literal go in as written; a caller's * is still refused in search", async () => {
    const run = await provider("Splunk", "Splunk", "search index={index} timeformat={timeformat} | where host={host}", {
      index: "{description: i, type: str, default: '*'}",
      timeformat: "{description: t, type: str, default: '\"%Y-%m-%d %H:%M:%S.%6N\"'}",
      host: "{description: h, type: str, default: '\"x\" OR 1=1'}",
    });
    assert.equal(await run(), 'search index="*" timeformat="%Y-%m-%d %H:%M:%S.%6N" | where host="\\"x\\" OR 1=1"');
    assert.equal(await run({ index: "main", timeformat: "%Y" }), 'search index="main" timeformat="%Y" | where host="\\"x\\" OR 1=1"');
    await assert.rejects(() => run({ index: "ma*" }), { code: "data/live-literal", message: /parameter "index": the value holds "\*"/ });
  });

  it("KQL datetime({text}) (MSTICPy's MDE uncommon_powershell): the text is read as a time and written as one; other text is an error naming the parameter", async () => {
    const run = await provider("MSSentinel", "LogAnalytics", "let timestamp = datetime({timestamp});\nT | where Timestamp between ((timestamp - 5min) .. 10min)", { timestamp: "{description: t, type: str}" });
    assert.equal(await run({ timestamp: "2024-03-01 10:20:30" }), "let timestamp = datetime(2024-03-01T10:20:30.000Z);\nT | where Timestamp between ((timestamp - 5min) .. 10min)");
    await assert.rejects(() => run({ timestamp: '2024") | take 1 //' }), { code: "data/not-a-time", message: /parameter "timestamp"/ });
  });
});

describe("execQuery of a misspelt Family.query name", () => {
  useCapturingDrivers();

  it("a bare dotted name that is no query is a data/unknown-query with the close names, sent nowhere (KQL and SPL); query text still goes as written", async () => {
    for (const [environment, fileEnvironment, text] of [["MSSentinel", "LogAnalytics", "SecurityAlert | take 1"], ["Splunk", "Splunk", "search index=main Fam.q"]] as const) {
      const dir = tempDir();
      fs.writeFileSync(path.join(dir, "q.yaml"), "metadata: {version: 1, description: d, data_environments: [" + fileEnvironment + "], data_families: [Fam]}\nsources:\n  list_things: {description: q, args: {query: 'T | take 1'}}\n");
      fs.writeFileSync(path.join(dir, "msticpyconfig.yaml"), "DataProviders: {}\n");
      const qp = new QueryProvider(environment, { queryPaths: [dir], configPath: path.join(dir, "msticpyconfig.yaml"), warn: () => {} });
      await qp.connect({});
      for (const misspelt of ["Fam.list_thing", "Fm.list_things", " Fam.Sub.list_things "]) {
        sent.length = 0;
        await assert.rejects(() => qp.execQuery(misspelt), (e: Error & { code?: string }) => e.code === "data/unknown-query" && e.message.includes(`no query "${misspelt.trim()}"`) && e.message.includes("Did you mean Fam.list_things?"), misspelt);
        assert.equal(sent.length, 0, "nothing sent");
      }
      sent.length = 0;
      await qp.execQuery(text);
      assert.deepEqual(sent, [text]);
    }
  });
});

describe("MSTICPy's MDE templates: a number compared bare, and a text parameter that is a whole list", () => {
  useCapturingDrivers();

  it("KQL `RemotePort == {protocol}` (a str parameter): number text is the number MSTICPy pastes, not the text \"443\" an int column never equals; other text stays text", async () => {
    const run = await provider("MSSentinel", "LogAnalytics", "DeviceNetworkEvents\n| where RemotePort == {protocol} and LocalPort != {protocol} and Bytes >= {protocol}\n| where Computer =~ {protocol} or Name has {protocol} or Tag == \"{protocol}\"", {
      protocol: "{description: port, type: str}",
    });
    assert.equal(await run({ protocol: "443" }), 'DeviceNetworkEvents\n| where RemotePort == 443 and LocalPort != 443 and Bytes >= 443\n| where Computer =~ "443" or Name has "443" or Tag == "443"');
    assert.match(await run({ protocol: 443 }), /RemotePort == 443 and/);
    assert.match(await run({ protocol: "-1.5" }), /RemotePort == real\(-1\.5\) and/);
    // Not a number as written (leading zeros, past 2^53, an IP address, an injection): text, escaped.
    for (const text of ["0443", "99999999999999999999", "10.0.0.1", "443 or 1==1", "1e3"]) {
      assert.match(await run({ protocol: text }), new RegExp(`RemotePort == ${JSON.stringify(text).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} and`), text);
    }
  });

  it("SPL `where Bytes>{min}` (a str parameter): number text is a number after <, <=, >, >= in where and search, where Splunk orders a quoted \"1000\" as text; = and other text stay text", async () => {
    const run = await provider("Splunk", "Splunk", "search index=x Bytes>={min} | where Bytes>{min} AND Sent<{min} AND Recv<= {min} AND Port={min} AND Port!={min} AND Tag>\"{min}\"", {
      min: "{description: m, type: str, default: '1000'}",
    });
    assert.equal(await run({ min: "1000" }), 'search index=x Bytes>=1000 | where Bytes>1000 AND Sent<1000 AND Recv<= 1000 AND Port="1000" AND Port!="1000" AND Tag>"1000"');
    // The file's default, pasted by MSTICPy, is the same number.
    assert.match(await run(), /\| where Bytes>1000 AND Sent<1000 /);
    assert.match(await run({ min: 1000 }), /\| where Bytes>1000 AND/);
    assert.match(await run({ min: "-2.5" }), /\| where Bytes>-2\.5 AND Sent<-2\.5 /);
    // Not a number as written (leading zeros, past 2^53, an address, an injection, an exponent): text, escaped.
    for (const text of ["01000", "99999999999999999999", "10.0.0.1", '1 OR 1=1 | delete', "1e3"]) {
      assert.match(await run({ min: text }), new RegExp(`\\| where Bytes>${JSON.stringify(text).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} AND`), text);
    }
  });

  it("KQL `has_any ({cmd_line})` (a str parameter MSTICPy pastes): Python's ['a','b'], quoted items and an array are one literal per value", async () => {
    const run = await provider("MSSentinel", "LogAnalytics", "DeviceProcessEvents\n| where ProcessCommandLine has_any ({cmd_line}) and Name in~ ( {cmd_line} )", { cmd_line: "{description: c, type: str}" });
    const expect = (items: string) => `DeviceProcessEvents\n| where ProcessCommandLine has_any (${items}) and Name in~ ( ${items} )`;
    assert.equal(await run({ cmd_line: "['mimikatz', 'procdump']" }), expect('"mimikatz", "procdump"'));
    assert.equal(await run({ cmd_line: "[ 'solo' ]" }), expect('"solo"'));
    assert.equal(await run({ cmd_line: `'it\\'s', "C:\\\\Temp\\\\a.exe"` }), expect('"it\'s", "C:\\\\Temp\\\\a.exe"'));
    assert.equal(await run({ cmd_line: ["a,b", 'c" or 1==1 //', null] }), expect('"a,b", "c\\" or 1==1 //"'));
    assert.equal(await run({ cmd_line: "solo" }), expect('"solo"'));
    assert.equal(await run({ cmd_line: "[]" }), expect('""'));
  });

  it("any other text is one value, its commas and quotes its own: a pivot's command line is not split or unquoted (that would widen the match)", async () => {
    const run = await provider("MSSentinel", "LogAnalytics", "T | where ProcessCommandLine has_any ({cmd_line})", { cmd_line: "{description: c, type: str}" });
    for (const one of ["rundll32.exe shell32.dll,Control_RunDLL", '"C:\\Program Files\\x.exe" -arg', '"C:\\Windows\\x.exe"', "'a', b", "['a', 'b'", "'a' 'b'", "O'Brien, x\"y", "[x] y", "mimikatz, procdump"]) {
      assert.equal(await run({ cmd_line: one }), `T | where ProcessCommandLine has_any (${JSON.stringify(one)})`, one);
    }
  });

  it("a list where one text goes is refused, sent nowhere", async () => {
    const run = await provider("MSSentinel", "LogAnalytics", "T | where ProcessCommandLine has_any ({cmd_line}) | where A == {other}", { cmd_line: "{description: c, type: str}", other: "{description: o, type: str, default: x}" });
    sent.length = 0;
    await assert.rejects(() => run({ cmd_line: "a", other: ["x", "y"] }), { code: "data/live-literal", message: /Fam\.q: parameter "other": a list was given, but the parameter is text/ });
    assert.equal(sent.length, 0, "nothing sent");
  });

  it("SPL `host IN ({hosts})` with a text parameter: the same items", async () => {
    const run = await provider("Splunk", "Splunk", "search index=main host IN ({hosts})", { hosts: "{description: h, type: str}" });
    assert.equal(await run({ hosts: "'ws1', 'ws2'" }), 'search index=main host IN ("ws1", "ws2")');
    assert.equal(await run({ hosts: ["ws1", "ws2"] }), 'search index=main host IN ("ws1", "ws2")');
  });
});
