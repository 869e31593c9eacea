/**
 * MSTICPy query-file behaviour the tester found missing: relative datetime
 * values (`default: -2`, `-7d`, `-3d@d`), QueryDefinitions.Custom folders,
 * non-query YAML files in a query folder, symbolic link loops and broken links, and a query or
 * family named `then` (which made `await qp.Family` never settle).
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { resolveParameters } from "../../src/data/localData";
import { QueryProvider } from "../../src/data/queryProvider";
import { findQueryFiles, loadQueries } from "../../src/data/queryStore";
import { timeOffsetDate } from "../../src/data/timeParsing";
import type { QueryDefinition } from "../../src/data/types";
import { tempDir, tempTree } from "../helpers/tmp";

const DAY = 86_400_000;

/** A query file of family `family` with queries `names`, each reading `file`, with an optional datetime `start` default. */
function queryFile(family: string, names: string[], opts: { file?: string; description?: string; startDefault?: string } = {}): string {
  const start = opts.startDefault === undefined ? "" : `\n      start: {description: from, type: datetime, default: ${opts.startDefault}}`;
  return [
    "metadata:",
    "  version: 1",
    "  description: test",
    "  data_environments: [LocalData]",
    `  data_families: [${family}]`,
    "sources:",
    ...names.flatMap((n) => [`  ${n}:`, `    description: ${opts.description ?? n}`, "    args:", `      query: ${opts.file ?? "events.csv"}`, `    parameters:${start}`]),
    "",
  ].join("\n");
}

const EVENTS = "TimeGenerated,Account\n2020-01-01T00:00:00Z,old\n";

/** A config file holding only QueryDefinitions.Custom. */
function configWith(custom: string[]): string {
  const dir = tempDir();
  const file = path.join(dir, "msticpyconfig.yaml");
  fs.writeFileSync(file, `QueryDefinitions:\n  Custom:\n${custom.map((c) => `    - ${JSON.stringify(c)}`).join("\n")}\n`);
  return file;
}

const datetimeQuery = (): QueryDefinition => ({
  family: "F",
  name: "q",
  description: "",
  query: "events.csv",
  parameters: [{ name: "start", type: "datetime", description: "", required: false, aliases: [] }],
  metadata: {},
  sourceFile: "x.yaml",
});

/** The start value `value` resolves to, with the clock read before and after (so no timing assumption). */
function resolveStart(value: unknown): { got: Date; before: number; after: number } {
  const before = Date.now();
  const got = resolveParameters(datetimeQuery(), { start: value }).values().next().value as Date;
  return { got, before, after: Date.now() };
}

describe("datetime parameters: MSTICPy's relative times", () => {
  const now = new Date("2026-03-31T15:42:17.123Z");

  it("timeOffsetDate: numbers are days, offsets take y/mon/w/d/h/m/s in any case, @unit rounds down for negative offsets and up otherwise", () => {
    const iso = (v: string | number) => timeOffsetDate(v, now)?.toISOString();
    assert.equal(iso(-2), "2026-03-29T15:42:17.123Z");
    assert.equal(iso(0.5), "2026-04-01T03:42:17.123Z");
    assert.equal(iso("-2"), "2026-03-29T15:42:17.123Z");
    assert.equal(iso(" +3 "), "2026-04-03T15:42:17.123Z");
    assert.equal(iso("-7d"), "2026-03-24T15:42:17.123Z");
    assert.equal(iso("-7D"), "2026-03-24T15:42:17.123Z");
    assert.equal(iso("-3h"), "2026-03-31T12:42:17.123Z");
    assert.equal(iso("-10m"), "2026-03-31T15:32:17.123Z");
    assert.equal(iso("-30s"), "2026-03-31T15:41:47.123Z");
    assert.equal(iso("-1w"), "2026-03-24T15:42:17.123Z");
    assert.equal(iso("+1d"), "2026-04-01T15:42:17.123Z");
    assert.equal(iso("-1mon"), "2026-02-28T15:42:17.123Z", "calendar month, day clamped to February's end");
    assert.equal(iso("-1y"), "2025-03-31T15:42:17.123Z");
    assert.equal(iso("now"), "2026-03-31T15:42:17.123Z");
    assert.equal(iso("NOW"), "2026-03-31T15:42:17.123Z");
    assert.equal(iso("-3d@d"), "2026-03-28T00:00:00.000Z", "midnight UTC three days ago");
    assert.equal(iso("-1h@d"), "2026-03-31T00:00:00.000Z");
    assert.equal(iso("-10m@h"), "2026-03-31T15:00:00.000Z");
    assert.equal(iso("-1mon@mon"), "2026-02-01T00:00:00.000Z");
    assert.equal(iso("+1d@d"), "2026-04-02T00:00:00.000Z", "positive: up to the next day's start");
    assert.equal(iso("now@d"), "2026-04-01T00:00:00.000Z");
    assert.equal(iso("0@y"), "2027-01-01T00:00:00.000Z");
    assert.equal(iso("5s@s"), "2026-03-31T15:42:23.000Z");
    for (const bad of ["", "x", "-3q", "-3d@w", "2026-01-01", "--3d", "3d4h", Number.NaN, Number.POSITIVE_INFINITY, "-99999999999y"]) {
      assert.equal(timeOffsetDate(bad, now), undefined, `not an offset: ${String(bad)}`);
    }
  });

  it("a datetime parameter given a number or integer text is that many days from now (not epoch ms)", () => {
    for (const value of [-2, "-2", -0.5, 1]) {
      const days = Number(value);
      const { got, before, after } = resolveStart(value);
      assert.ok(got.getTime() >= before + days * DAY && got.getTime() <= after + days * DAY, `${JSON.stringify(value)} → ${got.toISOString()}`);
    }
  });

  it("offset text is from now; time text keeps its meaning; other text is still an error", () => {
    const week = resolveStart("-7d");
    assert.ok(week.got.getTime() >= week.before - 7 * DAY && week.got.getTime() <= week.after - 7 * DAY);
    const hours = resolveStart("-3h");
    assert.ok(hours.got.getTime() >= hours.before - 3 * 3_600_000 && hours.got.getTime() <= hours.after - 3 * 3_600_000);
    const midnight = resolveStart("-3d@d");
    const midnights = [midnight.before, midnight.after].map((t) => Math.floor((t - 3 * DAY) / DAY) * DAY);
    assert.ok(midnights.includes(midnight.got.getTime()), midnight.got.toISOString());
    const current = resolveStart("now");
    assert.ok(current.got.getTime() >= current.before && current.got.getTime() <= current.after);
    assert.equal(resolveStart("2026-01-02T03:04:05Z").got.toISOString(), "2026-01-02T03:04:05.000Z");
    assert.equal(resolveStart("2026-01-02 03:04").got.toISOString(), "2026-01-02T03:04:00.000Z");
    assert.equal(resolveStart(new Date("2021-05-06T00:00:00Z")).got.toISOString(), "2021-05-06T00:00:00.000Z");
    for (const bad of ["yesterday", "-3q", "2026-13-01"]) assert.throws(() => resolveStart(bad), { code: "data/not-a-time" }, bad);
    assert.throws(() => resolveStart(Number.POSITIVE_INFINITY), { code: "data/not-a-time" });
    // A date written without dashes is a number of days (MSTICPy overflows past 9999): an error, not zero rows.
    for (const far of ["20261201", 20261201, "-3000000"]) {
      assert.throws(() => resolveStart(far), { code: "data/not-a-time", message: /days from now.*outside 1–9999.*2026-12-01/s }, String(far));
    }
    assert.equal(resolveStart("3000").got.getUTCFullYear() > 2030, true, "3000 days ahead is a time");
  });

  it("an epoch time given as a number (read as days, past any date) says how to pass an epoch time", () => {
    for (const epoch of [1704067200000, 1704067200]) {
      assert.throws(() => resolveStart(epoch), { code: "data/not-a-time", message: /days from now.*beyond any date.*new Date\(milliseconds\)/s }, String(epoch));
    }
    assert.throws(() => resolveStart("1704067200000"), { code: "data/not-a-time", message: /"1704067200000" is read as a number of days from now.*beyond any date\. Write a date as 2026-12-01/s });
  });

  it("a default of the wrong type (an int's `default: abc`, a datetime's `default: someday`) names the query file and the default, not a value the caller never gave", async () => {
    const data = tempTree({ "events.csv": "TimeGenerated,Account,Count\n2020-01-01T00:00:00Z,a,1\n2020-01-02T00:00:00Z,b,2\n" });
    const file = [
      "metadata: {version: 1, description: d, data_environments: [LocalData], data_families: [Fam]}",
      "sources:",
      "  q:",
      "    description: q",
      "    args: {query: events.csv}",
      "    parameters:",
      "      n: {description: n, type: int, column: Count, match: equals, default: abc}",
      "      start: {description: s, type: datetime, default: someday}",
      "",
    ].join("\n");
    const queries = tempTree({ "q.yaml": file });
    const qp = new QueryProvider("LocalData", { dataPaths: [data], queryPaths: [queries], fileQueries: false });
    const where = path.join(queries, "q.yaml").replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    await assert.rejects(() => qp.Fam.q({ start: "2020-01-01" }), { code: "data/parameter-default", message: new RegExp(`^Fam\\.q: parameter "n" was not given, and its default in ${where} cannot be used: expects an integer .*got "abc"\\. Pass n, or correct its default`) });
    await assert.rejects(() => qp.Fam.q({ n: 1 }), { code: "data/parameter-default", message: /parameter "start" was not given, and its default in .*q\.yaml cannot be used: "someday" is not a time/ });
    assert.deepEqual((await qp.Fam.q({ n: 2, start: "2020-01-01" })).getColumn("Account").toArray(), ["b"]);
  });

  it("LocalData: `{param}` in a query's file name is filled as MSTICPy formats args.query (`{table}.csv`); a value that is no file-name part is an error", async () => {
    const data = tempTree({ "events.csv": EVENTS, "other.csv": "TimeGenerated,Account\n2020-01-01T00:00:00Z,x\n2020-01-02T00:00:00Z,y\n", "sub/inner.csv": EVENTS, "{{odd}}.csv": EVENTS });
    const file = [
      "metadata: {version: 1, description: d, data_environments: [LocalData], data_families: [Fam]}",
      "sources:",
      "  q: {description: q, args: {query: '{table}.csv'}, parameters: {table: {description: t, type: str, default: events, aliases: [tbl]}}}",
      "  braces: {description: b, args: {query: '{{{{odd}}}}.csv'}}",
      "",
    ].join("\n");
    const qp = new QueryProvider("LocalData", { dataPaths: [data], queryPaths: [tempTree({ "q.yaml": file })], fileQueries: false });
    assert.deepEqual((await qp.Fam.q()).getColumn("Account").toArray(), ["old"]);
    assert.deepEqual((await qp.Fam.q({ table: "other" })).getColumn("Account").toArray(), ["x", "y"]);
    assert.deepEqual((await qp.Fam.q({ tbl: "other" })).getColumn("Account").toArray(), ["x", "y"]);
    assert.equal((await qp.Fam.braces()).height, 1, "{{ }} are braces");
    for (const bad of ["../events", "sub/inner", "sub\\inner", "..", ""]) {
      await assert.rejects(() => qp.Fam.q({ table: bad }), { code: "data/file-name-value", message: /^query Fam\.q: parameter "table" is part of the data file name "\{table\}\.csv"/ }, bad);
    }
    await assert.rejects(() => qp.Fam.q({ table: "nope" }), { code: "data/file-missing", message: /"nope\.csv" not found/ });
  });

  it("a query file's `default: -2` filters to the last two days", async () => {
    const t = (ms: number) => new Date(ms).toISOString();
    const base = Date.now();
    const data = tempTree({ "events.csv": `TimeGenerated,Account\n${t(base - 5 * DAY)},old\n${t(base - DAY)},recent\n${t(base - 60_000)},latest\n` });
    const queries = tempTree({ "q.yaml": queryFile("Fam", ["recent"], { startDefault: "-2" }) + "", "r.yaml": queryFile("Fam2", ["week"], { startDefault: "-7d" }) });
    const qp = new QueryProvider("LocalData", { dataPaths: [data], queryPaths: [queries], fileQueries: false });
    assert.deepEqual((await qp.Fam.recent()).getColumn("Account").toArray(), ["recent", "latest"]);
    assert.deepEqual((await qp.Fam2.week()).getColumn("Account").toArray(), ["old", "recent", "latest"]);
    assert.deepEqual((await qp.Fam2.week({ start: "-2d" })).getColumn("Account").toArray(), ["recent", "latest"]);
  });
});

describe("QueryDefinitions.Custom in msticpyconfig.yaml", () => {
  const data = tempTree({ "events.csv": EVENTS });

  it("its folders are read besides queryPaths, before them (queryPaths win), absolute or relative to the current folder", () => {
    const custom = tempTree({ "c.yaml": queryFile("Custom", ["only_custom", "shared"], { description: "from custom" }) });
    const mine = tempTree({ "m.yaml": queryFile("Custom", ["shared", "mine"], { description: "from queryPaths" }) });
    for (const entry of [custom, path.relative(process.cwd(), custom)]) {
      const qp = new QueryProvider("LocalData", { dataPaths: [data], queryPaths: [mine], configPath: configWith([entry]), fileQueries: false });
      assert.deepEqual(qp.listQueries(), ["Custom.mine", "Custom.only_custom", "Custom.shared"], entry);
      assert.equal(qp.Custom.shared.definition.description, "from queryPaths");
      assert.equal(qp.Custom.only_custom.definition.sourceFile, path.join(custom, "c.yaml"));
    }
  });

  it("without queryPaths: the bundled queries plus the custom ones, which replace a bundled query of the same name", () => {
    const custom = tempTree({ "c.yaml": queryFile("WindowsSecurity", ["list_host_logons", "extra"], { description: "custom logons" }) });
    const qp = new QueryProvider("LocalData", { configPath: configWith([custom]) });
    assert.ok(qp.listQueries().includes("WindowsSecurity.extra"));
    assert.ok(qp.listQueries().includes("WindowsSecurity.list_host_processes"), "bundled queries stay");
    assert.equal(qp.WindowsSecurity.list_host_logons.definition.description, "custom logons");
  });

  it("a loaded config works as the config option", () => {
    const custom = tempTree({ "c.yaml": queryFile("Cfg", ["q"]) });
    const config = { path: "/x/msticpyconfig.yaml", tiProviders: [], otherProviders: [], customQueryPaths: [custom], raw: {} };
    const qp = new QueryProvider("LocalData", { dataPaths: [data], queryPaths: [tempTree({ "m.yaml": queryFile("Mine", ["q"]) })], config, fileQueries: false });
    assert.deepEqual(qp.listQueries(), ["Cfg.q", "Mine.q"]);
  });

  it("a config found on its own (MSTICPYCONFIG) that does not load is a warning: local data does not depend on it", () => {
    const bad = path.join(tempDir(), "msticpyconfig.yaml");
    // Not YAML, or a QueryDefinitions of the wrong shape (a bad setting inside a TI provider stops that provider only,
    // and a DataProviders or TIProviders of the wrong shape its own readers only: the queries load).
    const before = process.env.MSTICPYCONFIG;
    process.env.MSTICPYCONFIG = bad;
    try {
      for (const [written, error] of [["DataProviders: [OTX\n", /YAML syntax error/], ["QueryDefinitions: [~/queries]\n", /QueryDefinitions: expected a mapping/]] as const) {
        fs.writeFileSync(bad, written);
        const warnings: string[] = [];
        const qp = new QueryProvider("LocalData", { warn: (m) => warnings.push(m) });
        assert.ok(qp.listQueries().includes("WindowsSecurity.list_host_logons"), "the bundled queries load");
        assert.equal(warnings.length, 1, written);
        assert.match(warnings[0], /QueryDefinitions\.Custom not read: .*msticpyconfig\.yaml/);
        // Named explicitly, the same config is an error.
        assert.throws(() => new QueryProvider("LocalData", { configPath: bad }), error);
      }
      fs.writeFileSync(bad, "DataProviders: [OTX]\n");
      const warnings: string[] = [];
      assert.ok(new QueryProvider("LocalData", { warn: (m) => warnings.push(m) }).listQueries().length > 0);
      assert.deepEqual(warnings, []);
    } finally {
      if (before === undefined) delete process.env.MSTICPYCONFIG;
      else process.env.MSTICPYCONFIG = before;
    }
  });

  it("a custom path that does not exist is an error naming the setting, the config file and the path", () => {
    const configPath = configWith(["no/such/queries"]);
    assert.throws(() => new QueryProvider("LocalData", { dataPaths: [data], configPath }), (err: Error & { code?: string }) => {
      assert.equal(err.code, "data/query-path-missing");
      assert.ok(err.message.includes(configPath), err.message);
      assert.ok(err.message.includes("QueryDefinitions.Custom"), err.message);
      assert.ok(err.message.includes(path.resolve("no/such/queries")), err.message);
      return true;
    });
  });
});

describe("YAML files that are not query files", () => {
  const NOT_QUERIES: Record<string, string> = {
    "empty.yaml": "",
    "comments.yaml": "# notes about these queries\n# nothing else\n",
    "document-marker.yml": "---\n",
    "list.yaml": "- a\n- b\n",
    "scalar.yaml": "just text\n",
    "number.yaml": "42\n",
  };

  it("are skipped with a warning naming each; the query files beside them load", async () => {
    const queries = tempTree({ ...NOT_QUERIES, "sub/q.yaml": queryFile("Fam", ["q"]) });
    const data = tempTree({ "events.csv": EVENTS });
    const warnings: string[] = [];
    const qp = new QueryProvider("LocalData", { dataPaths: [data], queryPaths: [queries], fileQueries: false, warn: (m) => warnings.push(m) });
    assert.deepEqual(qp.listQueries(), ["Fam.q"]);
    assert.equal((await qp.Fam.q()).height, 1);
    assert.equal(warnings.length, Object.keys(NOT_QUERIES).length, warnings.join("\n"));
    for (const name of Object.keys(NOT_QUERIES)) assert.ok(warnings.some((w) => w.startsWith(path.join(queries, name)) && /not a query file/.test(w)), name);
    assert.ok(warnings.some((w) => w.includes("empty.yaml") && w.includes("(empty;")));
    assert.ok(warnings.some((w) => w.includes("list.yaml") && w.includes("(a list;")));
    const direct: string[] = [];
    assert.deepEqual(loadQueries([queries], "LocalData", { warn: (m) => direct.push(m) }).map((q) => q.name), ["q"]);
    assert.equal(direct.length, Object.keys(NOT_QUERIES).length);
  });

  it("YAML syntax errors and broken query files are still errors", () => {
    const ok = queryFile("Fam", ["q"]);
    assert.throws(() => loadQueries([tempTree({ "q.yaml": ok, "bad.yaml": "metadata: [unclosed\n" })], "LocalData", { warn: () => {} }), { code: "data/query-yaml-syntax" });
    assert.throws(() => loadQueries([tempTree({ "q.yaml": ok, "bad.yaml": "sources: {a: {args: {query: x}}}\n" })], "LocalData", { warn: () => {} }), { code: "data/query-file-invalid" });
    assert.throws(() => loadQueries([tempTree({ "bad.yaml": "metadata: {data_environments: [LocalData], data_families: [A]}\n" })], "LocalData", { warn: () => {} }), { code: "data/query-file-invalid" });
  });
});

describe("symbolic links in query folders", () => {
  it("a link back up the tree (or to itself) is walked once: no ELOOP, each file once", () => {
    const root = tempTree({ "q/a.yaml": queryFile("A", ["a"]), "q/sub/b.yaml": queryFile("B", ["b"]) });
    fs.symlinkSync("..", path.join(root, "q", "sub", "up"));
    fs.symlinkSync(".", path.join(root, "q", "self"));
    fs.symlinkSync(path.join(root, "q"), path.join(root, "q", "sub", "abs"));
    const files = findQueryFiles([path.join(root, "q")]);
    assert.deepEqual(files, [path.join(root, "q", "a.yaml"), path.join(root, "q", "sub", "b.yaml")]);
    assert.deepEqual(loadQueries([path.join(root, "q")], "LocalData").map((q) => `${q.family}.${q.name}`), ["A.a", "B.b"]);
  });

  it("a broken link (missing target, or a loop of links) is skipped with a warning naming it; the other queries load", async () => {
    const root = tempTree({ "a.yaml": queryFile("A", ["a"]), "sub/b.yaml": queryFile("B", ["b"]) });
    const links = { "gone.yaml": path.join(root, "missing.yaml"), "sub/gone-dir": path.join(root, "no-such-folder"), loop: "loop" };
    for (const [link, target] of Object.entries(links)) fs.symlinkSync(target, path.join(root, link));
    const warnings: string[] = [];
    assert.deepEqual(findQueryFiles([root], { warn: (m) => warnings.push(m) }), [path.join(root, "a.yaml"), path.join(root, "sub", "b.yaml")]);
    assert.deepEqual(warnings.map((w) => w.slice(0, w.indexOf(":"))).sort(), Object.keys(links).map((l) => path.join(root, l)).sort());
    for (const w of warnings) assert.match(w, /skipped, a broken symbolic link \(its target .+ cannot be read\)$/);
    assert.ok(warnings.some((w) => w.includes(path.join(root, "missing.yaml"))), "names the target");
    const data = tempTree({ "events.csv": EVENTS });
    const viaProvider: string[] = [];
    const qp = new QueryProvider("LocalData", { dataPaths: [data], queryPaths: [root], fileQueries: false, warn: (m) => viaProvider.push(m) });
    assert.deepEqual(qp.listQueries(), ["A.a", "B.b"]);
    assert.equal((await qp.A.a()).height, 1);
    assert.equal(viaProvider.length, 3, viaProvider.join("\n"));
  });

  it("a linked folder elsewhere is still read", () => {
    const elsewhere = tempTree({ "c.yaml": queryFile("C", ["c"]) });
    const root = tempTree({ "a.yaml": queryFile("A", ["a"]) });
    fs.symlinkSync(elsewhere, path.join(root, "linked"));
    assert.deepEqual(loadQueries([root], "LocalData").map((q) => `${q.family}.${q.name}`), ["A.a", "C.c"]);
  });
});

describe("queries and families named then", () => {
  const data = tempTree({ "events.csv": EVENTS });

  it("a query file's query or family `then` is an error at load naming the file (await would never settle)", () => {
    for (const [file, what] of [
      [queryFile("Fam", ["ok", "then"]), /query "then" of data family Fam/],
      [queryFile("then", ["q"]), /data family "then"/],
    ] as const) {
      const queries = tempTree({ "q.yaml": file });
      assert.throws(() => new QueryProvider("LocalData", { dataPaths: [data], queryPaths: [queries], fileQueries: false }), (err: Error & { code?: string }) => {
        assert.equal(err.code, "data/query-invalid");
        assert.ok(err.message.startsWith(path.join(queries, "q.yaml")), err.message);
        assert.match(err.message, what);
        return true;
      });
    }
  });

  it("data files and folders named then become then_file and then_files: families stay awaitable", async () => {
    const files = tempTree({ "then.csv": EVENTS, "then/x.csv": EVENTS, "other.csv": EVENTS });
    const qp = new QueryProvider("LocalData", { dataPaths: [files], queryPaths: [tempTree({ "q.yaml": queryFile("Fam", ["q"]) })] });
    assert.deepEqual(qp.listQueries(), ["Fam.q", "LocalData.other", "LocalData.then_file", "then_files.x"]);
    // Checked before awaiting: a callable then would make the await below never settle.
    assert.equal(typeof (qp.LocalData as Record<string, unknown>).then, "undefined");
    assert.equal(typeof (qp.all_queries as Record<string, unknown>).then, "undefined");
    assert.equal(await qp.LocalData, qp.LocalData);
    assert.equal(await qp.all_queries, qp.all_queries);
    assert.equal((await qp.LocalData.then_file()).height, 1);
  });
});

describe("MSTICPy's names of one data environment", () => {
  /** A query file for `environments` (MSTICPy's mssentinel folder says [LogAnalytics]). */
  const envFile = (environments: string) =>
    `metadata:\n  version: 1\n  data_environments: [${environments}]\n  data_families: [Env]\nsources:\n  q:\n    description: q\n    args:\n      query: 'SecurityAlert'\n`;
  const config = () => {
    const file = path.join(tempDir(), "msticpyconfig.yaml");
    fs.writeFileSync(file, "AzureSentinel: {}\n");
    return file;
  };

  it("loads files for LogAnalytics, AzureSentinel and MSSentinel_New in the MSSentinel provider, AzureDataExplorer in Kusto's", () => {
    const folder = tempTree({ "a.yaml": envFile("LogAnalytics"), "b.yaml": envFile("AzureSentinel").replace("Env]", "Env2]"), "c.yaml": envFile("Sentinel.MSSentinel_New").replace("Env]", "Env3]") });
    assert.deepEqual(loadQueries([folder], "MSSentinel").map((q) => q.family), ["Env", "Env2", "Env3"]);
    assert.deepEqual(loadQueries([tempTree({ "k.yaml": envFile("AzureDataExplorer") })], "Kusto").map((q) => q.family), ["Env"]);
    assert.deepEqual(loadQueries([folder], "LocalData"), []);
    const qp = new QueryProvider("MSSentinel", { configPath: config(), queryPaths: [folder], warn: () => undefined });
    assert.deepEqual(qp.listQueries(), ["Env.q", "Env2.q", "Env3.q"]);
  });

  it("the no-queries error names the provider's environment and its other names", () => {
    const folder = tempTree({ "l.yaml": envFile("LocalData") });
    assert.throws(() => new QueryProvider("MSSentinel", { configPath: config(), queryPaths: [folder], warn: () => undefined }), {
      code: "data/no-queries",
      message: `no MSSentinel queries found in ${folder} (query files are *.yaml whose metadata.data_environments lists MSSentinel, AzureSentinel, LogAnalytics or MSSentinel_New)`,
    });
    assert.throws(() => new QueryProvider("Splunk", { configPath: config(), queryPaths: [folder], warn: () => undefined }), {
      code: "data/no-queries",
      message: `no Splunk queries found in ${folder} (query files are *.yaml whose metadata.data_environments lists Splunk)`,
    });
  });
});

describe("dotted data families, nested as MSTICPy nests them", () => {
  const data = tempTree({ "events.csv": EVENTS });
  const provider = (...files: string[]) =>
    new QueryProvider("LocalData", { dataPaths: [data], queryPaths: [tempTree(Object.fromEntries(files.map((f, i) => [`q${i}.yaml`, f])))], fileQueries: false });

  it("`data_families: [Azure.Sentinel]` is qp.Azure.Sentinel.query (and still qp[\"Azure.Sentinel\"]), beside a family Azure's own queries", async () => {
    const qp = provider(queryFile("Azure.Sentinel, MDATP.Hunting.Deep", ["signins"]), queryFile("Azure", ["activity"]));
    assert.deepEqual(qp.listFamilies(), ["Azure", "Azure.Sentinel", "MDATP.Hunting.Deep"]);
    assert.deepEqual(qp.listQueries(), ["Azure.activity", "Azure.Sentinel.signins", "MDATP.Hunting.Deep.signins"]);
    assert.equal((await qp.Azure.Sentinel.signins()).height, 1);
    assert.equal((await qp.MDATP.Hunting.Deep.signins()).height, 1);
    assert.equal(qp.Azure.Sentinel.signins, qp["Azure.Sentinel"].signins);
    assert.equal(qp.Azure.Sentinel, qp["Azure.Sentinel"]);
    assert.equal((await qp.Azure.activity()).height, 1);
    assert.deepEqual(Object.keys(qp.Azure).sort(), ["Sentinel", "activity"]);
    assert.equal((await qp.execQuery("Azure.Sentinel.signins")).height, 1);
    // A part misspelt is an error with the close names, as for any family or query.
    assert.throws(() => qp.Azure.Sentinal, { code: "data/unknown-query", message: /no query "Sentinal" in data family Azure\. Did you mean Sentinel\?/ });
    assert.throws(() => qp.MDATP.Hunting.Deeper, { code: "data/unknown-query", message: /data family MDATP\.Hunting/ });
  });

  it("execQuery of a dotted family's query misspelt is an unknown query with close names (it was \"data file not found\")", async () => {
    const qp = provider(queryFile("Azure.Sentinel, MDATP.Hunting.Deep", ["signins"]));
    await assert.rejects(qp.execQuery("Azure.Sentinel.signin"), { name: "QueryError", code: "data/unknown-query", message: /no query "Azure\.Sentinel\.signin"\. Did you mean Azure\.Sentinel\.signins\?/ });
    await assert.rejects(qp.execQuery("MDATP.Hunting.Deep.sigins"), { code: "data/unknown-query", message: /Did you mean MDATP\.Hunting\.Deep\.signins\b/ });
    await assert.rejects(qp.execQuery("Azure.Sentinal.signins"), { code: "data/unknown-query", message: /Did you mean Azure\.Sentinel\.signins\?/ });
    // A file name is still a file name.
    await assert.rejects(qp.execQuery("Azure.Sentinel.csv"), { code: "data/file-missing" });
  });

  it("a dotted data_environments entry names its environment by its second part, as MSTICPy's split(\".\")[1]", () => {
    const folder = tempTree({
      "second.yaml": queryFile("Fam", ["by_second"]).replace("[LocalData]", "[DataEnvironment.LocalData.Legacy]"),
      "last.yaml": queryFile("Fam", ["by_last"]).replace("[LocalData]", "[Legacy.Splunk.LocalData]"),
    });
    const qp = new QueryProvider("LocalData", { dataPaths: [data], queryPaths: [folder], fileQueries: false });
    assert.deepEqual(qp.listQueries(), ["Fam.by_second"]);
  });

  it("live providers nest them too (MSTICPy's files for LogAnalytics)", () => {
    const file = path.join(tempDir(), "msticpyconfig.yaml");
    fs.writeFileSync(file, "AzureSentinel: {}\n");
    const queries = tempTree({ "q.yaml": queryFile("Azure.Sentinel", ["signins"]).replace("[LocalData]", "[LogAnalytics]") });
    const qp = new QueryProvider("MSSentinel", { configPath: file, queryPaths: [queries], warn: () => undefined });
    assert.equal(qp.Azure.Sentinel.signins.definition.family, "Azure.Sentinel");
  });

  it("a part that is a query of the family before it, a provider member, or then is an error at load naming it", () => {
    assert.throws(() => provider(queryFile("Azure", ["Sentinel"]), queryFile("Azure.Sentinel", ["q"])), {
      code: "data/family-clash",
      message: 'data family "Azure.Sentinel" is reached as Azure.Sentinel, where data family Azure has a query "Sentinel"; rename one of them in its query file',
    });
    assert.throws(() => provider(queryFile("listQueries.X", ["q"])), { code: "data/family-clash", message: /data family "listQueries"/ });
    assert.throws(() => provider(queryFile("A.then", ["q"])), { code: "data/query-invalid", message: /data family "A\.then"/ });
  });
});

describe("MSTICPy's own query defects, corrected on purpose when its files are loaded", () => {
  /** MSTICPy's kql_sent_azure.yaml storage queries, as far as the defect goes, and the same text under another name. */
  const storageFile = (name: string) =>
    [
      "metadata: {version: 1, description: d, data_environments: [LogAnalytics], data_families: [Azure]}",
      "sources:",
      `  ${name}:`,
      "    description: Returns Azure Storage Operations for an MD5 file hash",
      "    args:",
      "      query: '",
      "        union",
      "        StorageFileLogs,",
      "        StorageBlobLogs",
      '        | where OperationName =~ "PutBlob" or OperationName =~ "PutRange"',
      '        | extend SourceTable = iff(OperationName has "range", "StorageFileLogs", "StorageBlobLogs")',
      "        | where Md5Hash =~ {file_hash}'",
      "    parameters:",
      "      file_hash: {description: MD5 hash of file, type: str}",
      "",
    ].join("\n");

  it("list_storage_ops_for_hash/_for_ip: `OperationName has \"range\"` (never true: PutRange is one term) is `=~ \"PutRange\"`, so Azure Files uploads name StorageFileLogs", () => {
    for (const name of ["list_storage_ops_for_hash", "list_storage_ops_for_ip"]) {
      const dir = tempTree({ "kql_sent_azure.yaml": storageFile(name) });
      const [q] = loadQueries([dir], "MSSentinel", { warn: () => {} });
      assert.match(q.query, /\| extend SourceTable = iff\(OperationName =~ "PutRange", "StorageFileLogs", "StorageBlobLogs"\)/, name);
      assert.ok(!q.query.includes('has "range"'), name);
    }
  });

  it("the same text in a query of another name (a user's own) is left as written", () => {
    const dir = tempTree({ "mine.yaml": storageFile("my_storage_ops") });
    const [q] = loadQueries([dir], "MSSentinel", { warn: () => {} });
    assert.match(q.query, /iff\(OperationName has "range"/);
  });
});
