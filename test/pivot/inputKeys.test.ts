/**
 * How pivot inputs become lookup values and join keys:
 * - a batched (`match: in`) query gives exactly the rows of the per-value
 *   (`equals`) query, also when inputs differ only in case;
 * - `join` finds the rows of every key column type (numbers, times, booleans)
 *   and of values with a BOM, as the lookup saw them;
 * - a File's blank hashes count as absent.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import pl from "nodejs-polars";
import * as entities from "../../src/entities";
import { QueryProvider } from "../../src/data/queryProvider";
import { LAB_DATA_DIR } from "../../src/common/paths";
import { Pivot, type PivotFunction } from "../../src/pivot";

const col = (df: pl.DataFrame, name: string): unknown[] => df.getColumn(name).toArray() as unknown as unknown[];

/** The same query twice: one `in` filter (one query for all values) and one `equals` filter (a query per value). */
function queriesYaml(file: string): string {
  return `metadata:
  version: 1
  description: batched and per-value host queries
  data_environments: [LocalData]
  data_families: [Logons]
sources:
  by_host_in:
    description: Logons on any of the hosts
    args:
      query: ${file}
    parameters:
      host_name: {description: Hosts, type: list, default: null, column: Computer, match: in}
  by_host_equals:
    description: Logons on the host
    args:
      query: ${file}
    parameters:
      host_name: {description: Host, type: str, default: null, column: Computer, match: equals}
`;
}

describe("pivot inputs", () => {
  let dir: string;
  let lab: Record<string, PivotFunction>;
  let mixed: Record<string, PivotFunction>;
  let shadowing: Record<string, PivotFunction>;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "huntlab-pivot-keys-"));
    // Computer names in several cases, interleaved, so each input matches rows of more than one spelling.
    const rows = ["HostA", "hostb", "HOSTA", "HostB", "hosta", "HostC", "HOSTB", "hosta"].map((c, i) => `${c},${i},${i % 2 === 0 ? "alice" : "bob"}`);
    fs.writeFileSync(path.join(dir, "mixed_logons.csv"), ["Computer,Seq,User", ...rows].join("\n") + "\n");
    fs.writeFileSync(path.join(dir, "lab.yaml"), queriesYaml("host_logons.parquet"));
    fs.writeFileSync(path.join(dir, "mixed.yaml"), queriesYaml("mixed_logons.csv"));
    // Columns named like DataFrame members (nodejs-polars' proxy answers `df.height` with such a column).
    const shadowRows = ["HostA", "hostb", "HOSTA"].map((c, i) => `${c},${170 + i},${i},x${i}`);
    fs.writeFileSync(path.join(dir, "shadow_logons.csv"), ["Computer,height,width,select", ...shadowRows].join("\n") + "\n");
    fs.writeFileSync(path.join(dir, "shadow.yaml"), queriesYaml("shadow_logons.csv"));
    const pivot = new Pivot({ providers: [new QueryProvider("LocalData")] });
    pivot.addProvider(new QueryProvider("LocalData", { dataPaths: [LAB_DATA_DIR], queryPaths: [path.join(dir, "lab.yaml")] }), { name: "Lab" });
    pivot.addProvider(new QueryProvider("LocalData", { dataPaths: [dir], queryPaths: [path.join(dir, "mixed.yaml")] }), { name: "Mixed" });
    lab = pivot.namespace("Host", "Lab").Logons;
    mixed = pivot.namespace("Host", "Mixed").Logons;
    pivot.addProvider(new QueryProvider("LocalData", { dataPaths: [dir], queryPaths: [path.join(dir, "shadow.yaml")] }), { name: "Shadow" });
    shadowing = pivot.namespace("Host", "Shadow").Logons;
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  describe("batched (`in`) queries", () => {
    it("inputs differing only in case each get every logon (the lab's 164), as per-value queries give them", async () => {
      const variants = ["MSTICAlertsWin1", "MSTICALERTSWIN1", "msticalertswin1"];
      const df = pl.DataFrame({ h: variants, note: ["a", "b", "c"] });
      const batched = await lab.by_host_in(df, { column: "h" });
      const perValue = await lab.by_host_equals(df, { column: "h" });
      assert.equal(batched.height, 3 * 164);
      assert.deepEqual(col(batched, "HostName"), variants.flatMap((v) => Array<string>(164).fill(v)), "each row names the input it answers, in input order");
      assert.deepEqual(batched.toRecords(), perValue.toRecords(), "one frame whichever way the query ran");

      const left = await lab.by_host_in(df, { column: "h", join: "left" });
      assert.equal(left.height, 3 * 164);
      for (const v of variants) assert.equal(col(left, "h").filter((h) => h === v).length, 164, v);
      assert.equal(col(left, "TargetUserName").filter((u) => u === null).length, col(await lab.by_host_equals(df, { column: "h", join: "left" }), "TargetUserName").filter((u) => u === null).length);
      assert.deepEqual(left.toRecords(), (await lab.by_host_equals(df, { column: "h", join: "left" })).toRecords());
    });

    it("mixed-case data, interleaved inputs, a missing host: the same frame both ways, for every join", async () => {
      const inputs = ["hostb", "HostA", "nohost", "HOSTA", "HostB", "hostA"];
      const batched = await mixed.by_host_in(inputs);
      const perValue = await mixed.by_host_equals(inputs);
      assert.deepEqual(batched.toRecords(), perValue.toRecords());
      // hostb: rows 1, 3, 6; each HostA spelling: rows 0, 2, 4, 7.
      assert.deepEqual(col(batched, "Seq"), [1, 3, 6, 0, 2, 4, 7, 0, 2, 4, 7, 1, 3, 6, 0, 2, 4, 7]);
      assert.deepEqual(col(batched, "HostName"), ["hostb", "hostb", "hostb", ...Array(4).fill("HostA"), ...Array(4).fill("HOSTA"), "HostB", "HostB", "HostB", ...Array(4).fill("hostA")]);
      const df = pl.DataFrame({ h: inputs, n: [1, 2, 3, 4, 5, 6] });
      for (const join of ["inner", "left", "outer"] as const) {
        const a = await mixed.by_host_in(df, { column: "h", join });
        const b = await mixed.by_host_equals(df, { column: "h", join });
        assert.deepEqual(a.toRecords(), b.toRecords(), join);
      }
      assert.equal((await mixed.by_host_in(df, { column: "h", join: "left" })).height, 3 + 4 + 1 + 4 + 3 + 4);
    });
  });

  describe("batched (`in`) queries on Greek names", () => {
    it("final and medial sigma are one letter: rows the filter finds are labelled with the input that found them", async () => {
      fs.writeFileSync(path.join(dir, "greek_logons.csv"), "Computer,Seq\nΟΔΥΣΣΕΥΣ,0\nοδυσσευς,1\njlee,2\n");
      fs.writeFileSync(path.join(dir, "greek.yaml"), queriesYaml("greek_logons.csv"));
      const pivot = new Pivot({ providers: [new QueryProvider("LocalData", { dataPaths: [dir], queryPaths: [path.join(dir, "greek.yaml")] })] });
      const greek = pivot.namespace("Host", "LocalData").Logons;
      const df = pl.DataFrame({ h: ["οδυσσευσ", "JLEE"], note: ["a", "b"] });
      for (const join of ["inner", "left"] as const) {
        const batched = await greek.by_host_in(df, { column: "h", join });
        assert.deepEqual(col(batched, "Seq"), [0, 1, 2], join);
        assert.deepEqual(col(batched, "note"), ["a", "a", "b"], join);
        assert.deepEqual(batched.toRecords(), (await greek.by_host_equals(df, { column: "h", join })).toRecords(), join);
      }
    });
  });

  describe("column names from the data", () => {
    it("result columns called height, width or select, and input columns called join, drop or withColumn, do not break a pivot", async () => {
      const inputs = ["hostb", "HostA"];
      const perValue = await shadowing.by_host_equals(inputs);
      assert.deepEqual(col(perValue, "HostName"), ["hostb", "HostA", "HostA"]);
      assert.deepEqual(col(perValue, "height"), [171, 170, 172]);
      const batched = await shadowing.by_host_in(inputs);
      assert.deepEqual(batched.toRecords(), perValue.toRecords(), "the batched rows, reordered by input, are the per-value ones");
      const df = pl.DataFrame({ h: ["HostA", "nohost"], join: [1, 2], drop: ["a", "b"], withColumn: [true, false], Computer: ["left", "left"] });
      for (const join of ["inner", "left", "outer"] as const) {
        const joined = await shadowing.by_host_equals(df, { column: "h", join });
        assert.deepEqual(joined.columns, ["h", "join", "drop", "withColumn", "Computer", "Computer_right", "height", "width", "select"], join);
        assert.deepEqual(col(joined, "height").filter((v) => v !== null), [170, 172], join);
        assert.deepEqual(col(joined, "join").filter((v) => v !== null), join === "inner" ? [1, 1] : [1, 1, 2], join);
      }
    });
  });

  describe("join keys are the values looked up", () => {
    it("Float64, Int64, Boolean and Datetime key columns join every row", async () => {
      const t1 = new Date("2024-01-01T00:00:00Z");
      const t2 = new Date("2024-06-30T12:34:56.789Z");
      const cases: [string, pl.Series, string[]][] = [
        ["Float64", pl.Series("k", [1.0, 2.5, -0.0], pl.Float64), ["1", "2.5", "0"]],
        ["Int64", pl.Series("k", [7, 4624], pl.Int64), ["7", "4624"]],
        // Beyond 2^53 the lookup gets the exact digits (toArray's doubles gave 9007199254740992 for both).
        ["Int64 beyond 2^53", pl.Series("k", ["9007199254740993", "-9223372036854775807"]).cast(pl.Int64), ["9007199254740993", "-9223372036854775807"]],
        ["UInt64 beyond 2^63", pl.Series("k", ["18446744073709551615", "9007199254740993"]).cast(pl.UInt64), ["18446744073709551615", "9007199254740993"]],
        ["Boolean", pl.Series("k", [true, false], pl.Bool), ["true", "false"]],
        ["Datetime", pl.Series("k", [t1, t2]), [t1.toISOString(), t2.toISOString()]],
      ];
      for (const [type, keys, text] of cases) {
        const df = pl.DataFrame([keys, pl.Series("row", Array.from({ length: keys.len() }, (_, i) => i))]);
        const joined = await entities.Account.util.accountParts(df, { column: "k", join: "left" });
        assert.equal(joined.height, df.height, type);
        assert.deepEqual(col(joined, "UserName"), text, `${type}: every row has its result`);
        assert.deepEqual(col(joined, "row"), df.getColumn("row").toArray(), type);
        const inner = await entities.Account.util.accountParts(df, { column: "k", join: "inner" });
        assert.equal(inner.height, df.height, `${type} inner`);
      }
      const hashes = await entities.File.util.fileHashType(pl.DataFrame({ h: [1.0, 2.5] }), { column: "h", join: "left" });
      assert.deepEqual(hashes.toRecords(), [{ h: 1, HashType: null }, { h: 2.5, HashType: null }]);
      assert.deepEqual(hashes.columns, ["h", "HashType"], "the lookup's rows joined, not a null-padded right side");
    });

    it("values with a BOM or surrounding spaces join their trimmed lookup", async () => {
      const md5 = "d41d8cd98f00b204e9800998ecf8427e";
      const sha1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709";
      const df = pl.DataFrame({ h: [`\uFEFF${md5}`, ` ${sha1}\u00a0`, md5, null, ""], n: [1, 2, 3, 4, 5] });
      const joined = await entities.File.util.fileHashType(df, { column: "h", join: "left" });
      assert.deepEqual(col(joined, "n"), [1, 2, 3, 4, 5]);
      assert.deepEqual(col(joined, "HashType"), ["md5", "sha1", "md5", null, null]);
      const inner = await entities.File.util.fileHashType(df, { column: "h", join: "inner" });
      assert.deepEqual(col(inner, "n"), [1, 2, 3], "null and blank keys join nothing");
    });
  });

  describe("entity inputs", () => {
    it("a File's blank hashes count as absent", async () => {
      const md5 = "d41d8cd98f00b204e9800998ecf8427e";
      const sha1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709";
      const one = async (file: entities.File) => (await entities.File.util.fileHashType(file)).toRecords();
      assert.deepEqual(await one(new entities.File({ Md5: md5, Sha256: "" })), [{ FileHash: md5, HashType: "md5" }]);
      assert.deepEqual(await one(new entities.File({ Md5: md5, Sha1: "  ", Sha256: "" })), [{ FileHash: md5, HashType: "md5" }]);
      assert.deepEqual(await one(new entities.File({ Sha256: "", Sha1: sha1 })), [{ FileHash: sha1, HashType: "sha1" }]);
      assert.deepEqual(await one(new entities.File({ Sha256: "", FileHashes: [new entities.FileHash({ Algorithm: "MD5", Value: md5 })] })), [{ FileHash: md5, HashType: "md5" }]);
      await assert.rejects(() => entities.File.util.fileHashType(new entities.File({ Md5: "", Sha256: " " })), { code: "pivot/entity-value" });
    });

    it("a Host known by its NetBIOS name only (an alert rule mapping that identifier alone) pivots on it, as it is named", async () => {
      const netbios = new entities.Host({ NetBiosName: "MSTICALERTSWIN1" });
      assert.equal(netbios.nameStr, "MSTICALERTSWIN1");
      const rows = await lab.by_host_equals(netbios);
      assert.equal(rows.height, 164, "the lab's logons of that host");
      assert.deepEqual([...new Set(col(rows, "HostName"))], ["MSTICALERTSWIN1"]);
      // The HostName wins where both are given; a blank HostName is none.
      assert.equal((await lab.by_host_equals(new entities.Host({ HostName: "nohost", NetBiosName: "MSTICAlertsWin1" }))).height, 0);
      assert.equal((await lab.by_host_equals(new entities.Host({ HostName: " ", NetBiosName: "MSTICAlertsWin1" }))).height, 164);
      await assert.rejects(() => lab.by_host_equals(new entities.Host({ OSFamily: "Windows" })), (e: Error & { code?: string }) => e.code === "pivot/entity-value" && /no HostName or NetBiosName/.test(e.message));
    });
  });
});

describe("DataFrame columns that hold several values a row", () => {
  it("a list or struct column is refused, naming the column (its cells were looked up as one joined text)", async () => {
    new Pivot({});
    const df = pl.DataFrame({ ips: [["1.2.3.4", "5.6.7.8"], ["9.9.9.9"]] });
    await assert.rejects(entities.Ip.util.ipType(df, { column: "ips" }), (e: Error & { code?: string }) => e.code === "pivot/bad-input" && /column "ips" holds List values/.test(e.message) && /explode\("ips"\)/.test(e.message));
    const structs = pl.DataFrame({ loc: [{ ip: "1.2.3.4" }] });
    await assert.rejects(entities.Ip.util.ipType(structs, { column: "loc", join: "left" }), /column "loc" holds Struct values/);
    const exploded = await entities.Ip.util.ipType(df.explode("ips"), { column: "ips", join: "left" });
    assert.deepEqual(col(exploded, "IpType"), ["Public", "Public", "Public"]);
  });
});

/**
 * Per-value (`equals`) query pivots over local data run as one read and one
 * `in` filter: the frame must be the per-value queries' own, row for row,
 * whatever the values (case, numeric text, junk) and the column type.
 */
describe("equals pivots over local data: one read, the per-value rows", () => {
  let dir: string;
  let qp: ReturnType<typeof provider>;
  let fns: Record<string, PivotFunction>;
  let execCalls = 0;
  const provider = (d: string) => new QueryProvider("LocalData", { dataPaths: [d], queryPaths: [path.join(d, "q.yaml")] });

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "huntlab-pivot-anyof-"));
    // auditd-like rows: a numeric uid (empty = null), a user name in several cases; a Float64 score.
    const rows = [
      "0,1000,Alice,1.5",
      "1,0,root,2",
      "2,,ALICE,",
      "3,1000,alice,0.5",
      "4,4294967294,nobody,2",
      "5,33,www-data,1.5",
    ];
    fs.writeFileSync(path.join(dir, "audit.csv"), ["Seq,uid,acct,score", ...rows].join("\n") + "\n");
    const q = (name: string, type: string, column: string, match = "equals") =>
      `  ${name}:\n    description: ${name}\n    args: {query: audit.csv}\n    parameters:\n      user: {description: u, type: ${type}, default: null, column: ${column}, match: ${match}}\n`;
    fs.writeFileSync(
      path.join(dir, "q.yaml"),
      `metadata:\n  version: 1\n  description: audit\n  data_environments: [LocalData]\n  data_families: [Audit]\nsources:\n` +
        q("by_uid", "str", "uid") + q("by_uid_int", "int", "uid") + q("by_uid_in", "list", "uid", "in") + q("by_acct", "str", "acct") + q("by_score", "str", "score"),
    );
    qp = provider(dir);
    const pivot = new Pivot({ providers: [] });
    pivot.addProvider(qp, { name: "Audit" });
    fns = pivot.namespace("Account", "Audit").Audit;
    const exec = qp.execQuery.bind(qp);
    qp.execQuery = (...args: Parameters<typeof exec>) => {
      execCalls += 1;
      return exec(...args);
    };
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** What one query per value gives: each value's rows, in input order, under the input column. */
  async function perValue(name: string, values: readonly string[]): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    for (const v of values) for (const r of (await qp.execQuery(`Audit.${name}`, { user: v })).toRecords()) out.push({ Name: v, ...r });
    return out;
  }

  it("numeric text, hex, junk and case variants: the same rows, order and input column as one query per value, from one read", async () => {
    const cases: [string, string[]][] = [
      ["by_uid", ["1000", "0x3E8", "junk", "33", "1000.0", "4294967294", "7"]],
      ["by_uid_int", ["1000", "0x3E8", "33", "0"]],
      ["by_acct", ["alice", "ROOT", "Alice", "nope", "www-data"]],
      ["by_score", ["1.5", "2", "x", "2.0", "0.50"]],
    ];
    for (const [name, values] of cases) {
      const expected = await perValue(name, values);
      execCalls = 0;
      const got = await fns[name](values);
      assert.equal(execCalls, 0, `${name}: no query per value`);
      assert.deepEqual(got.toRecords(), expected, name);
      assert.deepEqual(got.columns, ["Name", "Seq", "uid", "acct", "score"], name);
    }
    assert.match(fns.by_uid.help(), /one read for all values/);
  });

  it("the batched (in) pivot finds numeric columns' rows by number too, as the equals pivot does", async () => {
    const values = ["1000", "0x3E8", "junk", "33"];
    assert.deepEqual((await fns.by_uid_in(values)).toRecords(), (await fns.by_uid(values)).toRecords());
    assert.deepEqual(col(await fns.by_uid_in(values), "Name"), ["1000", "1000", "0x3E8", "0x3E8", "33"]);
  });

  it("joins back onto a DataFrame input as the per-value rows do", async () => {
    const df = pl.DataFrame({ who: ["1000", "junk", "0", "0x21"], n: [1, 2, 3, 4] });
    const left = await fns.by_uid(df, { column: "who", join: "left" });
    assert.deepEqual(col(left, "who"), ["1000", "1000", "junk", "0", "0x21"]);
    assert.deepEqual(col(left, "Seq"), [0, 3, null, 1, 5]);
  });

  it("a value the parameter's type refuses fails the pivot as its own query would", async () => {
    await assert.rejects(fns.by_uid_int(["1000", "junk"]), (e: Error & { code?: string }) => e.code === "data/parameter-type" && /Audit\.by_uid_int: parameter "user"/.test(e.message));
  });
});

describe("join order", () => {
  it("inner and outer joins keep the input's row order, a row's results together (polars gave the result's order when it had more rows)", async () => {
    new Pivot({ providers: [] });
    const extractIocs = (entities.Url as unknown as { util: { extractIocs: PivotFunction } }).util.extractIocs;
    // 10,000 rows, a tenth of their URLs repeated, three indicators each (URL, host, address).
    const urls = Array.from({ length: 10000 }, (_, i) => `http://h${i % 9000}.example.com/?ip=10.0.${i % 250}.${(i % 9000) % 200}`);
    const df = pl.DataFrame({ Url: [...urls, null], row: [...urls.map((_, i) => i), 10000] });
    for (const join of ["inner", "left", "outer"] as const) {
      const joined = await extractIocs(df, { column: "Url", join });
      const rows = col(joined, "row") as (number | null)[];
      const seen = rows.filter((r): r is number => r !== null);
      assert.deepEqual(seen, [...seen].sort((a, b) => a - b), `${join}: row order`);
      assert.ok(seen.length >= 30000, `${join}: ${seen.length} rows`);
      if (join !== "inner") assert.equal(seen.at(-1), 10000, `${join}: the null-key row in its place`);
    }
  });
});

describe("a query pivot given no values", () => {
  it("returns no rows but the query's columns (an empty or all-blank input gave a frame of one column, and the next step failed)", async () => {
    new Pivot({ providers: [new QueryProvider("LocalData")] });
    const logons = (entities.Host as unknown as { LocalData: { WindowsSecurity: { list_host_logons: PivotFunction } } }).LocalData.WindowsSecurity.list_host_logons;
    const some = await logons(pl.DataFrame({ h: ["nohost"] }), { column: "h" });
    const blanks = pl.DataFrame({ h: pl.Series("h", [null, " "], pl.Utf8), n: [1, 2] });
    const none = await logons(blanks, { column: "h" });
    assert.equal(none.height, 0);
    assert.deepEqual(none.columns, some.columns);
    assert.ok(none.columns.includes("LogonType"));
    const left = await logons(blanks, { column: "h", join: "left" });
    assert.equal(left.height, 2);
    assert.ok(left.columns.includes("LogonType"));
  });

  it("also when the query's parameter is an integer (a placeholder of its type: text was refused as no integer)", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "huntlab-pivot-int-"));
    fs.mkdirSync(path.join(dir, "data"));
    fs.writeFileSync(path.join(dir, "data", "events.csv"), "TimeGenerated,Computer,ProcessId\n2024-01-01T00:00:00Z,h1,42\n");
    fs.writeFileSync(
      path.join(dir, "q.yaml"),
      "metadata: {version: 1, description: probe, data_environments: [LocalData], data_families: [Probe]}\nsources:\n  by_pid:\n    description: by pid\n    args: {query: events.csv}\n    parameters:\n      process_id: {description: pid, type: int, default: null, column: ProcessId, match: equals}\n",
    );
    fs.writeFileSync(path.join(dir, "map.yaml"), "parameters:\n  process_id:\n    - {entity: Process, attribute: ProcessId}\n");
    const qp = new QueryProvider("LocalData", { dataPaths: [path.join(dir, "data")], queryPaths: [path.join(dir, "q.yaml")] });
    new Pivot({ providers: [qp], mappingsPaths: [path.join(dir, "map.yaml")] });
    const byPid = (entities.Process as unknown as { LocalData: { Probe: { by_pid: PivotFunction } } }).LocalData.Probe.by_pid;
    const none = await byPid(pl.DataFrame({ pid: pl.Series("pid", [null, null], pl.Int64) }), { column: "pid" });
    assert.equal(none.height, 0);
    assert.ok(none.columns.includes("Computer"), none.columns.join(","));
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe("decimal input columns", () => {
  it("look up and join a Decimal's value as a number is written (2.00 is 2, 2.50 is 2.5), not with its scale's zeros", async () => {
    new Pivot({ providers: [] });
    const ipType = (entities.Ip as unknown as { util: { ipType: PivotFunction } }).util.ipType;
    const df = pl.DataFrame({ d: [2.0, 2.5, -0.0] }).withColumns(pl.col("d").cast(pl.Decimal(10, 2)));
    const r = await ipType(df, { column: "d" });
    assert.deepEqual(col(r, "Address"), ["2", "2.5", "0"]);
    const joined = await ipType(df, { column: "d", join: "inner" });
    assert.equal(joined.height, 3);
  });
});
