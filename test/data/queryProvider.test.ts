import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import pl from "nodejs-polars";
import { DataFileError, QueryDefinitionError, QueryError } from "../../src/data/messages";
import { QueryProvider } from "../../src/data/queryProvider";
import { tempTree } from "../helpers/tmp";
import { LAB_DATA_DIR } from "../../src/common/paths";

const qp = new QueryProvider("LocalData");

test("every family is a property and every query an async method returning a DataFrame", async () => {
  assert.deepEqual(qp.listFamilies(), ["Azure", "LinuxSyslog", "Network", "Office365", "SecurityAlert", "WindowsSecurity"]);
  assert.equal(qp.listQueries().length, 17);
  assert.ok(qp.listQueries().includes("WindowsSecurity.list_host_logons"));
  const logons = await qp.WindowsSecurity.list_host_logons();
  assert.equal(typeof logons.getColumn, "function", "a polars DataFrame");
  assert.equal(logons.height, 164);
  const events = await qp.WindowsSecurity.list_host_events();
  assert.deepEqual(events.shape, { height: 25, width: 226 });
  const failures = await qp.WindowsSecurity.list_host_logon_failures();
  assert.equal(failures.height, 4);
  const alerts = await qp.all_queries.list_alerts();
  assert.equal(alerts.height, 41);
});

test("start and end filter on the time column, typed or text", async () => {
  const all = await qp.WindowsSecurity.list_host_logons();
  const times = (all.getColumn("TimeGenerated").toArray() as unknown as Date[]).map((d) => d.getTime()).sort((a, b) => a - b);
  const mid = new Date(times[Math.floor(times.length / 2)]);
  const later = await qp.WindowsSecurity.list_host_logons({ start: mid });
  assert.equal(later.height, times.filter((t) => t >= mid.getTime()).length);
  assert.ok(later.height > 0 && later.height < all.height);
  const earlier = await qp.WindowsSecurity.list_host_logons({ end: mid.toISOString() });
  assert.equal(earlier.height, times.filter((t) => t <= mid.getTime()).length);

  // processes_on_host keeps its text times ("2/13/19 9:31 AM"): filtering parses them, the column stays text.
  const allProcs = await qp.WindowsSecurity.list_host_processes();
  const onOrAfter13th = (allProcs.getColumn("TimeGenerated").toArray() as string[]).filter((t) => {
    const [m, d] = t.split(" ")[0].split("/").map(Number);
    return m > 2 || d >= 13;
  }).length;
  const procs = await qp.WindowsSecurity.list_host_processes({ start: "2019-02-13T00:00:00Z" });
  assert.ok(["String", "Utf8"].includes(procs.getColumn("TimeGenerated").dtype.variant));
  assert.equal(procs.height, onOrAfter13th);
  assert.equal(procs.height, 8399);
});

test("column parameters: equals, contains and in, ignoring case", async () => {
  const bob = await qp.WindowsSecurity.list_host_processes({ account_name: "msticadmin" });
  assert.ok(bob.height > 0);
  assert.ok((bob.getColumn("Account").toArray() as string[]).every((a) => a.toLowerCase().includes("msticadmin")));
  const high = await qp.SecurityAlert.list_alerts({ severity: ["high", "Medium"] });
  const sev = new Set(high.getColumn("Severity").toArray() as string[]);
  assert.ok([...sev].every((s) => ["High", "Medium"].includes(s)), [...sev].join());
  const host = await qp.WindowsSecurity.list_host_logons({ host_name: "NO-SUCH-HOST" });
  assert.equal(host.height, 0);
});

test("column parameters ignore case in Greek too: final and medial sigma are one letter", async () => {
  const dir = tempTree({
    "procs.csv": "Computer,Account,CommandLine\nΟΔΟΣ-PC,CORP\\ΝΙΚΟΣΠ,run ΚΩΣΤΑΣΑΚΗΣ.exe\nother,CORP\\x,cmd\n",
    "q/q.yaml": [
      "metadata: { data_environments: [LocalData], data_families: [Greek] }",
      "sources:",
      "  procs:",
      "    description: processes",
      "    args: { query: procs.csv }",
      "    parameters:",
      "      host_name: { description: host, type: str, default: null, column: Computer }",
      "      account_name: { description: account, type: str, default: null, column: Account, match: contains }",
      "      commandline: { description: command line, type: str, default: null, column: CommandLine, match: contains }",
      "      hosts: { description: hosts, type: list, default: null, column: Computer, match: in }",
      "",
    ].join("\n"),
  });
  const greek = new QueryProvider("LocalData", { dataPaths: [dir], queryPaths: [path.join(dir, "q")] }) as unknown as Record<string, Record<string, (p: object) => Promise<pl.DataFrame>>>;
  for (const params of [{ host_name: "οδοσ-pc" }, { account_name: "ΝΙΚΟΣ" }, { commandline: "ΚΩΣΤΑΣ" }, { hosts: ["x", "οδοσ-PC"] }]) {
    assert.equal((await greek.Greek.procs(params)).height, 1, JSON.stringify(params));
  }
});

test("contains with a list: each item a literal text, regex characters included, also in lists longer than one pattern", async () => {
  const cells = ["C:\\Temp\\a.exe", "run (x) [1] a|b", "^start$ #tag ~home &&x", "<script>", "1+1=2 a*b a?b {3}", "plain", "tab\there", "dash-ed", "ΚΩΣΤΑΣ"];
  const dir = tempTree({
    "ev.ndjson": cells.map((c, i) => JSON.stringify({ Seq: i, Cmd: c })).join("\n") + "\n",
    "q/q.yaml": [
      "metadata: { data_environments: [LocalData], data_families: [Ev] }",
      "sources:",
      "  ev:",
      "    description: events",
      "    args: { query: ev.ndjson }",
      "    parameters:",
      "      cmd: { description: command line, type: list, default: null, column: Cmd, match: contains }",
      "",
    ].join("\n"),
  });
  const qp = new QueryProvider("LocalData", { dataPaths: [dir], queryPaths: [path.join(dir, "q")] }) as unknown as Record<string, Record<string, (p: object) => Promise<pl.DataFrame>>>;
  const seqs = async (cmd: string[]) => (await qp.Ev.ev({ cmd })).getColumn("Seq").toArray().map(Number);
  const fold = (t: string) => t.toLowerCase().replaceAll("ς", "σ");
  const expected = (needles: string[]) => cells.flatMap((c, i) => (needles.some((n) => fold(c).includes(fold(n))) ? [i] : []));
  const lists = [
    ["\\temp\\a.", "(X) [1]"],
    ["a|b", "^START$", "#TAG ~HOME &&"],
    ["<SCRIPT>", "a*b", "a?b {3}", "1+1"],
    [".", "nothing"],
    ["\\d", "[a-z]", "(?i)x", ".*"],
    ["\there", "-ed", "κωστασ"],
  ];
  for (const needles of lists) assert.deepEqual(await seqs(needles), expected(needles), JSON.stringify(needles));
  // More than 64 KB of items: several patterns, the matches of each kept.
  const many = [...Array.from({ length: 9000 }, (_, i) => `no-such-text-${i}`), "plain", ...Array.from({ length: 9000 }, (_, i) => `never-${i}`), "dash-"];
  assert.deepEqual(await seqs(many), [5, 7]);
  // 2,000 CJK items of 30 characters (~180 KB of UTF-8): one pattern compiled past polars' 10 MB limit (an error blaming the file).
  const cjk = Array.from({ length: 2000 }, (_, i) => "漢字仮名交じり文日本語中文한국어조선말平仮名片仮名".repeat(2).slice(i % 20, (i % 20) + 26) + String(i).padStart(4, "0"));
  assert.deepEqual(await seqs([...cjk, "ΚΩΣΤΑΣ"]), [8]);
});

test("a query's data file that is a folder (Spark's x.csv/) or a broken link is named as such, not \"not found\"", async () => {
  const dir = tempTree({
    "spark.csv/part-00000.csv": "a\n1\n",
    "q/q.yaml": [
      "metadata: { data_environments: [LocalData], data_families: [F] }",
      "sources:",
      "  spark: { description: a folder, args: { query: spark.csv } }",
      "  broken: { description: a broken link, args: { query: broken.csv } }",
      "  gone: { description: nothing, args: { query: gone.csv } }",
      "",
    ].join("\n"),
  });
  fs.symlinkSync(path.join(dir, "nowhere", "x.csv"), path.join(dir, "broken.csv"));
  const qp = new QueryProvider("LocalData", { dataPaths: [dir], queryPaths: [path.join(dir, "q")], warn: () => {} }) as unknown as Record<string, Record<string, () => Promise<pl.DataFrame>>>;
  await assert.rejects(qp.F.spark(), { code: "data/file-unreadable", message: /^query F\.spark: data file .*spark\.csv cannot be read \(a folder\)/ });
  await assert.rejects(qp.F.broken(), { code: "data/file-unreadable", message: /^query F\.broken: data file .*broken\.csv is a symbolic link to .*nowhere.x\.csv, which does not exist/ });
  await assert.rejects(qp.F.gone(), { code: "data/file-missing", message: /"gone\.csv" not found/ });
});

test("a Decimal column (Parquet from Spark or pandas) compares numbers with equals and in (it was refused)", async () => {
  const dir = tempTree({
    "q/q.yaml": [
      "metadata: { data_environments: [LocalData], data_families: [D] }",
      "sources:",
      "  amounts:",
      "    description: amounts",
      "    args: { query: amounts.parquet }",
      "    parameters:",
      "      amount: { description: an amount, type: str, default: null, column: Amount }",
      "      amounts: { description: amounts, type: list, default: null, column: Amount, match: in }",
      "",
    ].join("\n"),
  });
  pl.DataFrame([pl.Series("Seq", [0, 1, 2], pl.Int64), pl.Series("Amount", ["1.10", "2.50", "-0.01"]).cast(pl.Decimal(10, 2))]).writeParquet(path.join(dir, "amounts.parquet"));
  const qp = new QueryProvider("LocalData", { dataPaths: [dir], queryPaths: [path.join(dir, "q")] }) as unknown as Record<string, Record<string, (p: object) => Promise<pl.DataFrame>>>;
  const seqs = async (p: object) => (await qp.D.amounts(p)).getColumn("Seq").toArray().map(Number);
  assert.deepEqual(await seqs({ amount: "1.1" }), [0]);
  assert.deepEqual(await seqs({ amount: 2.5 }), [1]);
  assert.deepEqual(await seqs({ amounts: ["-0.01", "1.10", "7"] }), [0, 2]);
});

test("a Decimal(38,0) column (Spark's 128-bit ids) compares exactly: an id 1 apart is another id (through Float64 they matched)", async () => {
  const dir = tempTree({
    "q/q.yaml": [
      "metadata: { data_environments: [LocalData], data_families: [D] }",
      "sources:",
      "  ids:",
      "    description: ids",
      "    args: { query: ids.parquet }",
      "    parameters:",
      "      id: { description: an id, type: str, default: null, column: BigId }",
      "      ids: { description: ids, type: list, default: null, column: BigId, match: in }",
      "",
    ].join("\n"),
  });
  pl.DataFrame([pl.Series("Seq", [0, 1, 2], pl.Int64), pl.Series("BigId", ["12345678901234567890123", "1000", "99999999999999999999999999999999999999"]).cast(pl.Decimal(38, 0))]).writeParquet(
    path.join(dir, "ids.parquet"),
  );
  const qp = new QueryProvider("LocalData", { dataPaths: [dir], queryPaths: [path.join(dir, "q")] }) as unknown as Record<string, Record<string, (p: object) => Promise<pl.DataFrame>>>;
  const seqs = async (p: object) => (await qp.D.ids(p)).getColumn("Seq").toArray().map(Number);
  assert.deepEqual(await seqs({ id: "12345678901234567890123" }), [0]);
  assert.deepEqual(await seqs({ id: "12345678901234567890124" }), []);
  assert.deepEqual(await seqs({ id: "0x3e8" }), [1]);
  assert.deepEqual(await seqs({ id: 99999999999999999999999999999999999999n }), [2]);
  assert.deepEqual(await seqs({ ids: ["1000", "7", "N/A"] }), [1]);
});

test("help() shows a query file's control and bidi characters as escapes; contains on a Duration column matches its count (it failed, blaming the file)", async () => {
  const dir = tempTree({
    "q/q.yaml": [
      "metadata: { data_environments: [LocalData], data_families: [E] }",
      "sources:",
      "  q:",
      '    description: "desc \\u001b]0;TITLE\\u0007 \\u202egpj.exe"',
      "    args: { query: d.parquet }",
      "    parameters:",
      "      dur: { description: a duration, type: str, default: null, column: Took, match: contains }",
      "",
    ].join("\n"),
  });
  pl.DataFrame([pl.Series("Seq", [0, 1], pl.Int64), pl.Series("Took", [1500, 90000], pl.Int64).cast(pl.Duration("ms"))]).writeParquet(path.join(dir, "d.parquet"));
  const qp = new QueryProvider("LocalData", { dataPaths: [dir], queryPaths: [path.join(dir, "q")] }) as unknown as Record<string, Record<string, ((p: object) => Promise<pl.DataFrame>) & { help(): string }>>;
  const help = qp.E.q.help();
  assert.ok(!/[\u001b\u0007\u202e]/.test(help) && help.includes("\\u001b]0;TITLE\\u0007 \\u202egpj.exe"), help);
  assert.deepEqual((await qp.E.q({ dur: "9000" })).getColumn("Seq").toArray().map(Number), [1]);
});

test("bad parameters and names get errors that say what is wrong and suggest", async () => {
  // The message names the query, the parameter and the parameters there are.
  await assert.rejects(() => qp.WindowsSecurity.list_host_logons({ hostname: "x" }), {
    name: "QueryError",
    code: "data/unknown-parameter",
    message: /list_host_logons: .*"hostname".*start, end, host_name/,
  });
  await assert.rejects(() => qp.WindowsSecurity.list_host_logons({ start: "not a time" }), { code: "data/not-a-time", message: /parameter "start": "not a time"/ });
  await assert.rejects(() => qp.WindowsSecurity.list_host_logons({ start: "2019-03-01", end: "2019-02-01" }), {
    code: "data/time-range-reversed",
    message: /2019-03-01T00:00:00\.000Z.*2019-02-01T00:00:00\.000Z/,
  });
  assert.throws(() => qp.WindowsSecurty, (err: Error) => {
    assert.ok(err instanceof QueryError);
    assert.equal(err.code, "data/unknown-family");
    assert.match(err.message, /"WindowsSecurty".*Did you mean WindowsSecurity\?/);
    return true;
  });
  assert.throws(() => qp.WindowsSecurity.list_host_logon, { code: "data/unknown-query", message: /"list_host_logon".*WindowsSecurity\. Did you mean list_host_logons/ });
  assert.throws(() => new QueryProvider("Sentinel" as "LocalData"), { code: "data/unsupported-environment", message: /"Sentinel"/ });
});

test("execQuery reads a data file by name, or runs a named query", async () => {
  const df = await qp.execQuery("host_logons.parquet");
  assert.equal(df.height, 164);
  // MSTICPy's YAML names pickles: the same stem in a readable format is used.
  assert.equal((await qp.execQuery("host_logons.pkl")).height, 164);
  const named = await qp.execQuery("WindowsSecurity.list_host_logons", { host_name: "NO-SUCH-HOST" });
  assert.equal(named.height, 0);
  await assert.rejects(() => qp.execQuery("host_logon.parquet"), (err: Error) => {
    assert.ok(err instanceof DataFileError);
    assert.equal(err.code, "data/file-missing");
    assert.match(err.message, /"host_logon\.parquet" .*data\. Closest files: host_logons\.parquet/);
    return true;
  });
  // A misspelt Family.query is an unknown query with close names, with or without parameters (it was "data file not found",
  // or "parameters apply only to named queries").
  for (const params of [undefined, { host_name: "x" }]) {
    await assert.rejects(() => qp.execQuery("WindowsSecurity.list_host_logon", params), { name: "QueryError", code: "data/unknown-query", message: /"WindowsSecurity\.list_host_logon".*Did you mean WindowsSecurity\.list_host_logons/ });
  }
  // A name of no family is still a file name, with the closest files (review): an extension huntlab does not read too.
  await assert.rejects(() => qp.execQuery("host_logon.txt"), { code: "data/file-missing", message: /Closest files: host_logons/ });
  // A name no lstat can take (a file as a folder, too long) is missing, not a raw ENOTDIR or ENAMETOOLONG (review).
  for (const name of ["host_logons.parquet/x.csv", `${"a".repeat(300)}.csv`]) await assert.rejects(() => qp.execQuery(name), { code: "data/file-missing" }, name.slice(0, 40));
});

test("query help lists description, parameters and data file", () => {
  const help = qp.WindowsSecurity.list_host_logons.help();
  assert.match(help, /^WindowsSecurity\.list_host_logons: List logons on host/);
  assert.match(help, /data file: host_logons\.parquet/);
  assert.match(help, /host_name \(str, optional, default null\): Name of the host; filters Computer \(equals\)/);
  assert.equal(qp.queryHelp("list_alerts").split("\n")[0], "SecurityAlert.list_alerts: Retrieves list of alerts");
});

test("user data and queries: CSV with messy times; errors name the paths, file and query", async () => {
  const yaml = `metadata: {version: 1, description: mine, data_environments: [LocalData], data_families: [Mine]}
sources:
  events:
    description: my events
    args: {query: events.csv}
    parameters:
      start: {type: datetime, default: null}
  ghost:
    description: file missing
    args: {query: ghost.csv}
`;
  const dir = tempTree({
    "q/mine.yaml": yaml,
    "d/events.csv": "TimeGenerated,Host\n2/10/19 3:21 PM,a\n5/4/2021 7:48 AM,b\n",
  });
  const mine = new QueryProvider("LocalData", { dataPaths: [path.join(dir, "d")], queryPaths: [path.join(dir, "q")] });
  const events = await mine.Mine.events({ start: "2020-01-01" });
  assert.deepEqual(events.getColumn("Host").toArray(), ["b"]);
  await assert.rejects(() => mine.Mine.ghost(), { code: "data/file-missing", message: /query Mine\.ghost: .*"ghost\.csv"/ });
  assert.throws(() => new QueryProvider("LocalData", { dataPaths: ["/no/data"], queryPaths: [path.join(dir, "q")] }), (err: Error & { code?: string }) => err.code === "data/path-missing" && /\/no\/data$/.test(err.message));
  // A notebook copied out of notebooks/ keeps "../data": the message said only "data path not found: /home/maya/data".
  const relative = path.join("..", `huntlab-no-data-${process.pid}`);
  const from = `read from the current folder, ${process.cwd()}`;
  const lab = `the lab's own data and queries are in ${LAB_DATA_DIR})`;
  for (const options of [{ dataPaths: [relative], queryPaths: [path.join(dir, "q")] }, { dataPaths: [dir], queryPaths: [relative] }]) {
    assert.throws(() => new QueryProvider("LocalData", options), (err: Error) => err.message.includes(path.resolve(relative)) && err.message.includes(from) && err.message.endsWith(lab));
  }
  assert.throws(() => new QueryProvider("LocalData", { dataPaths: [dir], queryPaths: ["/no/q1", "/no/q2"] }), { code: "data/query-path-missing", message: /\/no\/q1, \/no\/q2/ });
  const bad = tempTree({ "q.yaml": "metadata: [\n" });
  assert.throws(
    () => new QueryProvider("LocalData", { dataPaths: [dir], queryPaths: [bad] }),
    (err: Error) => err instanceof QueryDefinitionError && err.code === "data/query-yaml-syntax" && /q\.yaml:\d+:\d+: /.test(err.message),
  );
});

test("the environment in a `string` variable (a notebook's parameters cell) type-checks and is checked when the provider is made", async () => {
  let environment: string = "LocalData";
  const qp = new QueryProvider(environment);
  assert.ok((await qp.WindowsSecurity.list_host_logons({ host_name: "MSTICAlertsWin1" })).height > 0);
  environment = "NoSuchSiem";
  assert.throws(() => new QueryProvider(environment), (e: unknown) => e instanceof Error && /NoSuchSiem/.test(e.message));
});

test("MSTICPy's names of an environment make its provider (AzureSentinel, LogAnalytics → MSSentinel; AzureDataExplorer → Kusto), in any case; an unknown one lists every provider", () => {
  for (const [name, environment] of [["AzureSentinel", "MSSentinel"], ["LogAnalytics", "MSSentinel"], ["mssentinel", "MSSentinel"], ["AzureDataExplorer", "Kusto"], ["localdata", "LocalData"]]) {
    assert.equal(new QueryProvider(name).environment, environment, name);
  }
  assert.throws(() => new QueryProvider("Sentinal"), (e: unknown) => e instanceof QueryError && /supported: LocalData, MSSentinel, Kusto, Splunk, Elasticsearch/.test(e.message) && /Did you mean/.test(e.message));
});
