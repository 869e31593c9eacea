import assert from "node:assert/strict";
import path from "node:path";
import { test } from "node:test";
import { QueryDefinitionError } from "../../src/data/messages";
import { LAB_DATA_DIR } from "../../src/common/paths";
import { findQueryFiles, loadQueries, parseQueryFile } from "../../src/data/queryStore";
import { tempTree } from "../helpers/tmp";

const VALID = `
metadata:
  version: 1
  description: test
  data_environments: [LocalData]
  data_families: [Fam]
defaults:
  parameters:
    start: {description: from, type: datetime, default: null}
sources:
  q1:
    description: first query
    args:
      query: a.csv
    parameters:
      host_name: {description: host, type: str, column: Computer}
  q2:
    description: second
    metadata:
      data_families: [Other, Fam2]
    args:
      query: b.parquet
    parameters:
`;

test("parses sources, families, defaults and parameters", () => {
  const qs = parseQueryFile("x.yaml", VALID);
  assert.deepEqual(qs.map((q) => `${q.family}.${q.name}`), ["Fam.q1", "Other.q2", "Fam2.q2"]);
  const q1 = qs[0];
  assert.equal(q1.query, "a.csv");
  assert.equal(q1.description, "first query");
  assert.deepEqual(q1.parameters.map((p) => [p.name, p.type, p.required]), [["start", "datetime", false], ["host_name", "str", true]]);
  assert.equal(q1.parameters[1].column, "Computer");
  assert.equal(qs[1].parameters.length, 1, "null parameters: keeps the defaults");
});

test("YAML syntax errors name the file and line", () => {
  assert.throws(() => parseQueryFile("bad.yaml", "metadata:\n  version: 1\n  x: [unclosed\nsources: {}\n"), (err: Error) => {
    assert.ok(err instanceof QueryDefinitionError);
    assert.equal(err.code, "data/query-yaml-syntax");
    assert.match(err.message, /^bad\.yaml:\d+:\d+: /);
    // The position once, and no dangling colon where the yaml package's snippet was.
    assert.doesNotMatch(err.message, /at line \d+|:\s*$/);
    return true;
  });
  // A second document: our advice, not the yaml package's API ("please use YAML.parseAllDocuments()").
  assert.throws(() => parseQueryFile("two.yaml", "metadata: {version: 1}\n---\nsources: {}\n"), (err: Error) => {
    assert.match(err.message, /^two\.yaml:2:1: YAML syntax error: a second document starts here \(a `---` line\)/);
    assert.doesNotMatch(err.message, /parseAllDocuments/);
    return true;
  });
});

test("structural errors name the file, query and parameter", () => {
  assert.throws(() => parseQueryFile("f.yaml", "sources: {a: {}}"), { code: "data/query-file-invalid", message: /^f\.yaml: .*"metadata"/ });
  assert.throws(() => parseQueryFile("f.yaml", "metadata: {data_environments: [LocalData], data_families: [A]}\n"), { code: "data/query-file-invalid", message: /^f\.yaml: "sources"/ });
  assert.throws(() => parseQueryFile("f.yaml", "metadata: {data_families: [A]}\nsources: {a: {args: {query: x}}}"), { code: "data/query-file-invalid", message: /^f\.yaml: metadata\.data_environments/ });
  assert.throws(
    () => parseQueryFile("f.yaml", "metadata: {data_environments: [LocalData], data_families: [A]}\nsources: {q: {description: d}}"),
    { code: "data/query-invalid", message: /^f\.yaml: query "q": .*args\.query/ },
  );
  assert.throws(
    () =>
      parseQueryFile(
        "f.yaml",
        "metadata: {data_environments: [LocalData], data_families: [A]}\nsources: {q: {args: {query: x.csv}, parameters: {p: {type: timestamp}}}}",
      ),
    { code: "data/parameter-invalid", message: /^f\.yaml: query "q": parameter "p" .*"timestamp" \(known: str, string, datetime/ },
  );
});

test("missing query paths are listed", () => {
  assert.throws(() => findQueryFiles(["/nope/one", LAB_DATA_DIR, "/nope/two"]), { code: "data/query-path-missing", message: /\/nope\/one, \/nope\/two$/ });
});

test("later files override earlier ones; other environments are skipped", () => {
  const dir = tempTree({
    "a/1.yaml": VALID,
    "b/2.yml": VALID.replace("first query", "overridden"),
    "c/kql.yaml": VALID.replace("[LocalData]", "[MSSentinel]").replace("q1:", "kql_only:"),
  });
  const qs = loadQueries([dir], "LocalData");
  assert.equal(qs.find((q) => q.name === "q1")?.description, "overridden");
  assert.equal(qs.find((q) => q.name === "kql_only"), undefined);
});

test("the lab's query file covers every query of the original, with the same families and descriptions", () => {
  const qs = loadQueries([path.join(LAB_DATA_DIR, "queries")], "LocalData");
  const names = qs.map((q) => `${q.family}.${q.name}`);
  for (const expected of [
    "Network.get_network_summary",
    "WindowsSecurity.list_host_logons",
    "WindowsSecurity.list_host_processes",
    "Azure.OfficeActivity",
    "SecurityAlert.list_alerts",
    "WindowsSecurity.process_hierarchy",
    "WindowsSecurity.list_host_logon_failures",
    "WindowsSecurity.list_host_events",
    "WindowsSecurity.get_process_tree",
    "Network.list_azure_network_flows_by_ip",
    "Network.list_azure_network_flows_by_host",
    "Azure.list_all_signins_geo",
    "LinuxSyslog.list_all_syslog_events",
    "Azure.list_aad_signins_for_account",
    "Office365.list_activity_for_account",
    "WindowsSecurity.list_logon_attempts_by_account",
    "LinuxSyslog.list_logons_for_account",
  ]) {
    assert.ok(names.includes(expected), `${expected} missing`);
  }
  assert.equal(qs.length, 17);
  assert.equal(qs.find((q) => q.name === "list_host_events")?.query, "all_events.parquet");
  assert.equal(qs.find((q) => q.name === "list_host_logon_failures")?.query, "failed_logons.parquet");
  assert.equal(qs.find((q) => q.name === "list_host_logons")?.description, "List logons on host");
});

test("a source's parameter entry is merged with the defaults' one of its name, as MSTICPy's collapse_dicts (it replaced it)", () => {
  // As MSTICPy's prismacloud/rql_config_resource_aws_s3.yaml: the source changes a default parameter's description only.
  const text = `
metadata:
  version: 1
  data_environments: [LocalData]
  data_families: [Fam]
defaults:
  parameters:
    limit: {description: Max rows, type: int, default: 10}
sources:
  q1:
    description: x
    args: {query: a.csv}
    parameters:
      limit: {description: Max rows for q1}
      host: {description: host, type: str}
`;
  const [q] = parseQueryFile("merge.yaml", text);
  const limit = q.parameters.find((p) => p.name === "limit");
  assert.deepEqual(limit, { name: "limit", type: "int", description: "Max rows for q1", required: false, aliases: [], default: 10 });
  assert.deepEqual(q.parameters.map((p) => p.name), ["limit", "host"]);
});

test("query_macros ($<name>$) are replaced at load time by the source's value, or nothing when undefined, as MSTICPy's _replace_query_macros", () => {
  const file = `
metadata:
  version: 1
  description: macros
  data_environments: [LogAnalytics]
  data_families: [Macro]
defaults:
  query_macros:
    cond: {description: ignored by MSTICPy, value: '| where C == 3'}
sources:
  with_macro:
    description: macro with a value holding a parameter
    args:
      query: "T | where A == 1\\n\\n$<cond>$\\n| take 1"
    parameters:
      host: {description: h, type: str}
    query_macros:
      cond:
        description: c
        value: '| where B has "{host}"'
  without_macro:
    description: macro without definition
    args:
      query: 'T | where A == 1 $<cond>$ | take 1'
`;
  const [withMacro, withoutMacro] = parseQueryFile("m.yaml", file);
  assert.equal(withMacro.query, 'T | where A == 1\n| where B has "{host}"\n| take 1');
  assert.equal(withoutMacro.query, "T | where A == 1  | take 1");
});

test("a data_environments name no environment has is a warning naming the file, the name, its close names and the known ones; the rest still load", () => {
  const dir = tempTree({
    "a/typo.yaml": VALID.replace("[LocalData]", "[LocalDta]").replace("q1:", "typo_only:"),
    "b/mixed.yaml": VALID.replace("[LocalData]", "[Sentinal, LocalData]").replace("q1:", "mixed:"),
    "c/other.yaml": VALID.replace("[LocalData]", "[Cybereason, DataEnvironment.MDATP]").replace("q1:", "other_tool:"),
    "d/good.yaml": VALID,
  });
  const warnings: string[] = [];
  const qs = loadQueries([dir], "LocalData", { warn: (m) => warnings.push(m) });
  const names = qs.map((q) => q.name);
  assert.ok(names.includes("q1") && names.includes("mixed"), names.join(", "));
  assert.ok(!names.includes("typo_only") && !names.includes("other_tool"));
  assert.equal(warnings.length, 2, warnings.join("\n"));
  assert.match(warnings[0], /a\/typo\.yaml: metadata\.data_environments names no data environment: "LocalDta" \(did you mean LocalData\?\); its queries are not loaded\. Known environments: LocalData, MSSentinel, /);
  assert.match(warnings[1], /b\/mixed\.yaml: .*"Sentinal" \(did you mean MSSentinel[^)]*\); its queries are loaded only for the other environments it names/);
});
