/**
 * Column parameters (`match: equals | in | contains`) on non-text columns:
 * numeric text compares as a number with an Int64, UInt32 or Float64 column
 * (CSV and Parquet, with nulls); text that is no number matches no row (one
 * junk pivot value does not fail the others); a type no value can equal is an
 * error naming the parameter and the column, not the file.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import pl from "nodejs-polars";
import { QueryProvider } from "../../src/data/queryProvider";
import { fitsInteger, matchKey, numberOf } from "../../src/data/matchValues";

const col = (df: pl.DataFrame, name: string): unknown[] => df.getColumn(name).toArray() as unknown as unknown[];

/** One query per column and match, on `file`. */
function queriesYaml(file: string, columns: readonly string[]): string {
  const sources = columns.flatMap((c) => [
    `  ${c}_eq:\n    description: ${c} equals\n    args: {query: ${file}}\n    parameters:\n      value: {description: v, type: str, default: null, column: ${c}, match: equals}`,
    `  ${c}_in:\n    description: ${c} in\n    args: {query: ${file}}\n    parameters:\n      values: {description: v, type: list, default: null, column: ${c}, match: in}`,
    `  ${c}_has:\n    description: ${c} contains\n    args: {query: ${file}}\n    parameters:\n      value: {description: v, type: str, default: null, column: ${c}, match: contains}`,
  ]);
  return `metadata:\n  version: 1\n  description: column parameters\n  data_environments: [LocalData]\n  data_families: [Ev]\nsources:\n${sources.join("\n")}\n`;
}

type Run = (name: string, params: Record<string, unknown>) => Promise<pl.DataFrame>;

describe("column parameters on numeric columns", () => {
  let dir: string;
  let csv: Run;
  let parquet: Run;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "huntlab-colparams-"));
    // As auditd / Sysmon exports look: a uid, a ProcessId, an EventID, a score; empty cells are nulls.
    const lines = [
      "Seq,uid,ProcessId,EventID,Score,Host",
      "0,0,4,4688,1.5,WKSTN-01",
      "1,1000,31,4624,2,dc01",
      "2,,7252,4688,,WKSTN-01",
      "3,4294967294,9007199254740993,1,0.1,dc01",
      "4,1000,,4625,-3,dc01",
    ];
    fs.mkdirSync(path.join(dir, "csv"));
    fs.writeFileSync(path.join(dir, "csv", "events.csv"), lines.join("\n") + "\n");
    fs.mkdirSync(path.join(dir, "pq"));
    const df = pl.DataFrame([
      pl.Series("Seq", [0, 1, 2, 3, 4], pl.Int64),
      pl.Series("uid", [0, 1000, null, 4294967294, 1000], pl.UInt32),
      pl.Series("ProcessId", ["4", "31", "7252", "9007199254740993", null]).cast(pl.Int64),
      pl.Series("EventID", [4688, 4624, 4688, 1, 4625], pl.UInt32),
      pl.Series("Score", [1.5, 2, null, 0.1, -3], pl.Float64),
      pl.Series("Host", ["WKSTN-01", "dc01", "WKSTN-01", "dc01", "dc01"], pl.Utf8),
      pl.Series("Tags", [["a"], ["b"], [], ["c"], ["d"]], pl.List(pl.Utf8)),
    ]);
    df.writeParquet(path.join(dir, "pq", "events.parquet"));
    const columns = ["uid", "ProcessId", "EventID", "Score", "Host", "Tags"];
    fs.writeFileSync(path.join(dir, "csv.yaml"), queriesYaml("events.csv", columns));
    fs.writeFileSync(path.join(dir, "pq.yaml"), queriesYaml("events.parquet", columns));
    const provider = (sub: string) => new QueryProvider("LocalData", { dataPaths: [path.join(dir, sub)], queryPaths: [path.join(dir, `${sub}.yaml`)] });
    const runner = (qp: ReturnType<typeof provider>): Run => (name, params) => qp.execQuery(`Ev.${name}`, params);
    csv = runner(provider("csv"));
    parquet = runner(provider("pq"));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const both = (f: (run: Run, kind: string) => Promise<void>) => async () => {
    await f(csv, "csv");
    await f(parquet, "parquet");
  };
  const seqs = async (run: Run, name: string, params: Record<string, unknown>) => col(await run(name, params), "Seq");

  it("numeric text equals a number: trimmed, signed, written as a float, hexadecimal", both(async (run, kind) => {
    assert.deepEqual(await seqs(run, "EventID_eq", { value: "4688" }), [0, 2], kind);
    assert.deepEqual(await seqs(run, "EventID_eq", { value: " 4688 " }), [0, 2], kind);
    assert.deepEqual(await seqs(run, "EventID_eq", { value: "4688.0" }), [0, 2], kind);
    assert.deepEqual(await seqs(run, "EventID_eq", { value: "0x1250" }), [0, 2], `${kind}: 0x1250 is 4688, as Windows writes ids`);
    assert.deepEqual(await seqs(run, "ProcessId_eq", { value: "0x1F" }), [1], kind);
    assert.deepEqual(await seqs(run, "uid_eq", { value: "+1000" }), [1, 4], kind);
    assert.deepEqual(await seqs(run, "uid_eq", { value: "4294967294" }), [3], `${kind}: UInt32's top range`);
    assert.deepEqual(await seqs(run, "Score_eq", { value: "1.50" }), [0], kind);
    assert.deepEqual(await seqs(run, "Score_eq", { value: "2" }), [1], kind);
    assert.deepEqual(await seqs(run, "Score_eq", { value: "-3" }), [4], kind);
    assert.deepEqual(await seqs(run, "Score_eq", { value: ".1" }), [3], kind);
  }));

  it("integers past 2^53 compare exactly", both(async (run, kind) => {
    assert.deepEqual(await seqs(run, "ProcessId_eq", { value: "9007199254740993" }), [3], kind);
    assert.deepEqual(await seqs(run, "ProcessId_eq", { value: "9007199254740992" }), [], `${kind}: not the double next to it`);
    assert.deepEqual(await seqs(run, "ProcessId_eq", { value: "9007199254740993.0" }), [3], `${kind}: written with a zero fraction, exactly`);
  }));

  it("text that is no number, a fraction for an integer column or a value out of the type's range matches no row", both(async (run, kind) => {
    for (const junk of ["N/A", "", "4,688", "1e999", "Infinity", "4688x", "0x", "4688.5", "-1000", "99999999999999999999999"]) {
      assert.deepEqual(await seqs(run, "EventID_eq", { value: junk }), [], `${kind}: ${JSON.stringify(junk)}`);
      assert.deepEqual(await seqs(run, "uid_eq", { value: junk }), [], `${kind}: uid ${JSON.stringify(junk)}`);
    }
    assert.deepEqual(await seqs(run, "Score_eq", { value: "abc" }), [], kind);
  }));

  it("in: numbers and numeric text, junk and nulls among them skipped", both(async (run, kind) => {
    assert.deepEqual(await seqs(run, "EventID_in", { values: ["4624", "junk", 4625, " 1 ", null] }), [1, 3, 4], kind);
    assert.deepEqual(await seqs(run, "uid_in", { values: ["1000", "0x0"] }), [0, 1, 4], kind);
    assert.deepEqual(await seqs(run, "Score_in", { values: ["0.1", "1.5", "nope"] }), [0, 3], kind);
    assert.deepEqual(await seqs(run, "EventID_in", { values: ["junk"] }), [], kind);
    assert.deepEqual(await seqs(run, "EventID_in", { values: [] }), [], kind);
  }));

  it("contains matches the number's text as polars writes it", both(async (run, kind) => {
    assert.deepEqual(await seqs(run, "EventID_has", { value: "68" }), [0, 2], kind);
    assert.deepEqual(await seqs(run, "ProcessId_has", { value: "4" }), [0, 3], kind);
    assert.deepEqual(await seqs(run, "Score_has", { value: "2.0" }), [1], kind);
  }));

  it("text columns still ignore case", both(async (run, kind) => {
    assert.deepEqual(await seqs(run, "Host_eq", { value: "wkstn-01" }), [0, 2], kind);
    assert.deepEqual(await seqs(run, "Host_in", { values: ["DC01"] }), [1, 3, 4], kind);
  }));

  it("contains on a list column matches its elements' text (joined by spaces), ignoring case", async () => {
    assert.deepEqual(await seqs(parquet, "Tags_has", { value: "A" }), [0]);
    assert.deepEqual(await seqs(parquet, "Tags_has", { value: "c" }), [3]);
    assert.deepEqual(await seqs(parquet, "Tags_has", { value: "x" }), [], "an empty list contains nothing");
  });

  it("a column no value can equal (a list) is an error naming the parameter and column, not the file", async () => {
    await assert.rejects(parquet("Tags_eq", { value: "a" }), (e: Error & { code?: string }) => {
      assert.equal(e.code, "data/parameter-type");
      assert.match(e.message, /Ev\.Tags_eq: parameter "value" filters column "Tags" with equals, but the column is List/);
      assert.doesNotMatch(e.message, /cannot read/);
      return true;
    });
  });
});

describe("datetime parameters on time columns with a zone and unit", () => {
  let dir: string;
  let run: Run;
  const at = ["2024-01-02T03:04:05.000Z", "2024-01-02T03:04:06.000Z", "2024-01-02T03:04:06.001Z"];

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "huntlab-timeparams-"));
    fs.mkdirSync(path.join(dir, "pq"));
    // As Spark and Arrow write them: µs in UTC, ms in another zone, and ns without one.
    const ms = at.map((t) => new Date(t));
    const df = pl.DataFrame([
      pl.Series("Seq", [0, 1, 2], pl.Int64),
      pl.Series("Utc", ms).cast(pl.Datetime("us", "UTC")),
      pl.Series("Paris", ms).cast(pl.Datetime("ms", "Europe/Paris")),
      pl.Series("Naive", ms).cast(pl.Datetime("ns")),
    ]);
    df.writeParquet(path.join(dir, "pq", "times.parquet"));
    const sources = ["Utc", "Paris", "Naive"].flatMap((c) => [
      `  ${c}_eq:\n    description: at\n    args: {query: times.parquet}\n    parameters:\n      at: {description: t, type: datetime, default: null, column: ${c}, match: equals}`,
    ]);
    fs.writeFileSync(path.join(dir, "q.yaml"), `metadata:\n  version: 1\n  description: times\n  data_environments: [LocalData]\n  data_families: [Ev]\nsources:\n${sources.join("\n")}\n`);
    const qp = new QueryProvider("LocalData", { dataPaths: [path.join(dir, "pq")], queryPaths: [path.join(dir, "q.yaml")] });
    run = (name, params) => qp.execQuery(`Ev.${name}`, params);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("equals compares UTC instants in the column's own unit and zone (a zoneless literal failed on a UTC column)", async () => {
    for (const column of ["Utc", "Paris", "Naive"]) {
      assert.deepEqual(col(await run(`${column}_eq`, { at: new Date(at[1]) }), "Seq"), [1], column);
      assert.deepEqual(col(await run(`${column}_eq`, { at: at[2] }), "Seq"), [2], `${column}: text is read as a time, to the millisecond`);
      assert.deepEqual(col(await run(`${column}_eq`, { at: "2024-01-02T04:04:05+01:00" }), "Seq"), [0], `${column}: an offset is an instant`);
    }
  });
});

describe("parameter values a notebook gives", () => {
  let dir = "";
  let run: (name: string, params: Record<string, unknown>) => Promise<pl.DataFrame>;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "huntlab-paramvalues-"));
    fs.mkdirSync(path.join(dir, "pq"));
    pl.DataFrame({ Seq: [0, 1], When: ["2024-01-02T03:04:05.000Z", "2024-01-02T03:04:06.000Z"] }).writeParquet(path.join(dir, "pq", "texts.parquet"));
    const sources = [
      "  Text_eq:\n    description: at\n    args: {query: texts.parquet}\n    parameters:\n      at: {description: t, type: datetime, default: null, column: When, match: equals}",
      "  Seq_eq:\n    description: seq\n    args: {query: texts.parquet}\n    parameters:\n      seq: {description: s, type: int, default: null, column: Seq, match: equals, aliases: [sequence]}",
      "  Name_eq:\n    description: name\n    args: {query: texts.parquet}\n    parameters:\n      seq: {description: s, type: str, default: null, column: Seq, match: equals}",
    ];
    fs.writeFileSync(path.join(dir, "q.yaml"), `metadata:\n  version: 1\n  description: values\n  data_environments: [LocalData]\n  data_families: [Ev]\nsources:\n${sources.join("\n")}\n`);
    const qp = new QueryProvider("LocalData", { dataPaths: [path.join(dir, "pq")], queryPaths: [path.join(dir, "q.yaml")] });
    run = (name, params) => qp.execQuery(`Ev.${name}`, params);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("a BigInt is an integer or text value (a notebook's `4688n`; the message itself threw a TypeError)", async () => {
    assert.deepEqual(col(await run("Seq_eq", { seq: 1n }), "Seq"), [1]);
    assert.deepEqual(col(await run("Name_eq", { seq: 1n }), "Seq"), [1]);
    await assert.rejects(() => run("Seq_eq", { seq: 2n ** 60n + 1n }), { code: "data/parameter-type", message: /expects an integer that a JS number holds exactly.*got 1152921504606846977n/ });
    await assert.rejects(() => run("Seq_eq", { seq: NaN }), { code: "data/parameter-type", message: /got NaN$/ });
  });

  it("a parameter given under its name and its alias is an error naming both (the last one written won, silently)", async () => {
    await assert.rejects(() => run("Seq_eq", { seq: 0, sequence: 1 }), { code: "data/parameter-twice", message: /Ev\.Seq_eq: parameter "seq" is given twice, as "seq" and as "sequence"/ });
    assert.deepEqual(col(await run("Seq_eq", { sequence: 1 }), "Seq"), [1]);
  });

  it("a time parameter on a column of time text is an error (it compared the Date's text in the machine's zone: no row)", async () => {
    for (const at of [new Date("2024-01-02T03:04:06.000Z"), "2024-01-02T03:04:06.000Z"]) {
      await assert.rejects(() => run("Text_eq", { at }), { code: "data/parameter-type", message: /parameter "at" is a time, but column "When" holds text/ });
    }
  });
});

describe("matchKey", () => {
  it("gives one key however a number is written, and none for what is no number", () => {
    for (const v of ["42", " 42 ", "+42", "42.0", "4.2e1", "0x2A", "0X2a", 42, 42n]) assert.equal(matchKey(v, "integer"), "42", String(v));
    for (const v of ["42.5", "abc", "", "0x", "-0x2A", "1_000", "1,000", "Infinity", "NaN", null, undefined, NaN]) assert.equal(matchKey(v, "integer"), undefined, String(v));
    assert.equal(matchKey("9007199254740993", "integer"), "9007199254740993");
    assert.equal(matchKey("9007199254740993.00", "integer"), "9007199254740993");
    assert.equal(matchKey("1.50", "float"), "1.5");
    assert.equal(matchKey("-0", "float"), "0");
    assert.equal(matchKey(" TRUE ", "bool"), "true");
    assert.equal(matchKey("yes", "bool"), undefined);
    assert.equal(matchKey("HostA", "text"), "hosta");
    assert.equal(numberOf("9".repeat(500)), undefined, "long text is no number (and no BigInt parse)");
    assert.equal(fitsInteger("4294967295", "UInt32"), true);
    assert.equal(fitsInteger("4294967296", "UInt32"), false);
    assert.equal(fitsInteger("-1", "UInt64"), false);
    assert.equal(fitsInteger("-128", "Int8"), true);
  });
});

describe("list values and query files as hunters copy them", () => {
  it("a list given to an equals or contains filter matches any item; an empty list (default: []) filters nothing", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "huntlab-listparams-"));
    fs.mkdirSync(path.join(dir, "q"));
    fs.mkdirSync(path.join(dir, "data", "a"), { recursive: true });
    fs.writeFileSync(path.join(dir, "data", "a", "Events.csv"), "Computer,Account\nWKS1,alice\nwks1,bob\nSRV1,carol\nWKS2,dave\n");
    const query = (name: string, param: string) => `  ${name}:\n    description: d\n    args: {query: Events.csv}\n    parameters:\n      ${param}`;
    fs.writeFileSync(
      path.join(dir, "q", "a.yaml"),
      [
        "metadata: {version: 1, description: t, data_environments: [LocalData], data_families: [Sec]}",
        "sources:",
        query("hosts", "hosts: {description: h, type: list, column: Computer}"),
        query("accounts_like", "accts: {description: a, type: list, column: Account, match: contains}"),
        query("accounts", "accts: {description: a, type: list, default: [], column: Account, match: in}"),
        // Written as a Windows path and with ./ (they were "not found"; a/Events.csv worked).
        "  winpath:\n    description: d\n    args: {query: 'a\\Events.csv'}",
        "  dotpath:\n    description: d\n    args: {query: ./a/Events.csv}",
      ].join("\n") + "\n",
    );
    // No data_environments: skipped with a warning (it was skipped without a word).
    fs.writeFileSync(path.join(dir, "q", "noenv.yaml"), "metadata: {version: 1, description: t, data_families: [Hunt]}\nsources:\n  x: {description: d, args: {query: Events.csv}}\n");
    const warnings: string[] = [];
    const qp = new QueryProvider("LocalData", { dataPaths: [path.join(dir, "data")], queryPaths: [path.join(dir, "q")], warn: (m) => warnings.push(m) });
    const run = (name: string, params: Record<string, unknown> = {}) => qp.execQuery(name, params as never) as unknown as Promise<pl.DataFrame>;
    assert.deepEqual(col(await run("Sec.hosts", { hosts: ["WKS1", "SRV1"] }), "Computer"), ["WKS1", "wks1", "SRV1"], "a list read as the text \"wks1,srv1\" matched nothing");
    assert.deepEqual(col(await run("Sec.accounts_like", { accts: ["ali", "bo"] }), "Account"), ["alice", "bob"]);
    assert.equal((await run("Sec.accounts_like", { accts: [] })).height, 0, "the empty set (it threw a bare TypeError)");
    assert.equal((await run("Sec.accounts_like", { accts: [null] })).height, 0);
    assert.equal((await run("Sec.accounts")).height, 4, "default: [] dropped every row");
    // Given explicitly, an empty list is the empty set, as before: no row is in it.
    assert.equal((await run("Sec.accounts", { accts: [] })).height, 0);
    assert.deepEqual(col(await run("Sec.accounts", { accts: ["carol"] }), "Account"), ["carol"]);
    assert.equal((await run("Sec.winpath")).height, 4);
    assert.equal((await run("Sec.dotpath")).height, 4);
    assert.ok(!qp.listQueries().some((q) => q.startsWith("Hunt.")));
    assert.ok(warnings.some((w) => /noenv\.yaml: skipped, metadata\.data_environments is missing or empty/.test(w)), warnings.join("\n"));
  });

  it("a list parameter given as comma-separated text is split on commas and trimmed, as MSTICPy's _parse_param_list (it was one item, matching nothing)", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "huntlab-listtext-"));
    fs.writeFileSync(path.join(dir, "t.csv"), "TimeGenerated,Computer,N\n2024-01-01T00:00:00Z,a,1\n2024-01-02T00:00:00Z,b,2\n2024-01-03T00:00:00Z,c,3\n");
    const param = (extra: string) => `{description: h, type: list, column: Computer, match: in${extra}}`;
    fs.writeFileSync(
      path.join(dir, "q.yaml"),
      ["metadata: {version: 1, description: t, data_environments: [LocalData], data_families: [Top]}", "sources:", `  by_hosts:\n    description: d\n    args: {query: t.csv}\n    parameters:\n      hosts: ${param(', default: "a, b"')}`, `  eq_hosts:\n    description: d\n    args: {query: t.csv}\n    parameters:\n      hosts: ${param("").replace("match: in", "match: equals")}`].join("\n") + "\n",
    );
    const qp = new QueryProvider("LocalData", { dataPaths: [dir], queryPaths: [path.join(dir, "q.yaml")], fileQueries: false });
    const run = (name: string, params: Record<string, unknown> = {}) => qp.execQuery(name, params as never) as unknown as Promise<pl.DataFrame>;
    assert.deepEqual(col(await run("Top.by_hosts"), "Computer"), ["a", "b"], "the default");
    assert.deepEqual(col(await run("Top.by_hosts", { hosts: "a,c" }), "Computer"), ["a", "c"]);
    assert.deepEqual(col(await run("Top.eq_hosts", { hosts: " c , b " }), "Computer"), ["b", "c"]);
    assert.deepEqual(col(await run("Top.by_hosts", { hosts: "c" }), "Computer"), ["c"]);
    // An array's items are not split.
    assert.equal((await run("Top.by_hosts", { hosts: ["a,c"] })).height, 0);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
