/**
 * Pivot chains and YAML pipelines: each step feeds the next, display and tee
 * pass the frame on, and a failing step is named. Plus the lab's pivot
 * exercise: its answers come out of the solution (the notebook's code).
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { before, describe, it } from "node:test";
import pl from "nodejs-polars";
import * as entities from "../../src/entities";
import { QueryProvider } from "../../src/data/queryProvider";
import { TILookup } from "../../src/context/tiLookup";
import { checkAnswers, loadAnswers } from "../../src/lab/answers";
import { Pivot, PivotError, pivotChain, runPipeline } from "../../src/pivot";

const col = (df: pl.DataFrame, name: string): unknown[] => df.getColumn(name).toArray() as unknown as unknown[];

const SIGNINS = pl.DataFrame({
  user: ["ann", "bob", "cy", "dee"],
  ip: ["148.251.12.164", "10.0.0.7", "131.107.147.209", "40.77.232.95"],
});

/** Runs `f` with console.log captured (display() prints text outside a notebook). */
async function captured<T>(f: () => Promise<T>): Promise<{ value: T; out: string }> {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => void lines.push(args.map(String).join(" "));
  try {
    return { value: await f(), out: lines.join("\n") };
  } finally {
    console.log = log;
  }
}

const PIPELINE = `
pipelines:
  signins_to_ti:
    description: Public sign-in addresses, located and looked up in TI
    steps:
      - name: ip_type
        step_type: pivot
        entity: IpAddress
        function: util.ipType
        comment: MSTICPy's entity name works too
        params: {column: ip, join: left}
      - name: public_only
        step_type: filter
        params: {column: IpType, op: eq, value: Public}
      - name: show
        step_type: pivot_display
        params: {title: Public sign-ins, head: 2, cols: [user, ip]}
      - name: save
        step_type: pivot_tee
        params: {var_name: public_signins}
      - name: ti
        step_type: pivot
        entity: Ip
        function: ti.lookupIp_LocalTI
        params: {column: ip, join: inner}
      - name: sorted
        step_type: df_method
        function: sort
        params: {by: [user]}
  other:
    steps:
      - {step_type: df_method, function: head, params: {n: 1}}
`;

describe("pivot chains and pipelines", () => {
  before(() => {
    new Pivot({ providers: [new QueryProvider("LocalData"), new TILookup({ providers: ["LocalTI"] })] });
  });

  it("a chain runs its steps in order; display and tee pass the frame on", async () => {
    const tees: Record<string, pl.DataFrame> = {};
    const chain = pivotChain(SIGNINS)
      .run(entities.Ip.util.ipType, { column: "ip", join: "left" })
      .filter(pl.col("IpType").eq(pl.lit("Public")))
      .display({ title: "Public sign-ins", head: 2 })
      .tee("publicSignins", tees)
      .run(entities.Ip.ti.lookupIp, { column: "ip", join: "inner" });
    assert.deepEqual(chain.steps, [
      "step 1: run entities.Ip.util.ipType",
      "step 2: filter",
      'step 3: display "Public sign-ins"',
      'step 4: tee "publicSignins"',
      "step 5: run entities.Ip.ti.lookupIp",
    ]);
    const { value: df, out } = await captured(() => chain.df);
    assert.match(out, /Public sign-ins/);
    assert.deepEqual(col(df, "user"), ["ann", "cy", "dee"]);
    assert.deepEqual(col(df, "Severity"), ["high", "high", "information"]);
    assert.equal(tees.publicSignins.height, 3);
    assert.equal(chain.tees.publicSignins, tees.publicSignins);
    assert.ok(!tees.publicSignins.columns.includes("Severity"), "the tee saved the frame of its step");
    assert.equal(await chain.df, df, "the chain runs once");
  });

  it("a failing step is named, with the cause kept", async () => {
    const chain = pivotChain(SIGNINS)
      .run(entities.Ip.util.ipType, { column: "ip", join: "left" })
      .filter(pl.col("NoSuchColumn").eq(pl.lit(1)))
      .run(entities.Ip.util.geoLoc, { column: "ip" });
    await assert.rejects(
      () => chain.df,
      (e: PivotError) => e.code === "pivot/step-failed" && /^step 2 \(filter\) failed/.test(e.message) && /NoSuchColumn/.test(e.message) && e.cause instanceof Error,
    );
    const wrongColumn = pivotChain(SIGNINS).run(entities.Ip.util.ipType, { column: "IpAddress" });
    await assert.rejects(() => wrongColumn.df, (e: PivotError) => e.code === "pivot/step-failed" && /step 1 \(run entities\.Ip\.util\.ipType\)/.test(e.message) && /pivot\/column-missing/.test(e.message));
  });

  it("a YAML pipeline (MSTICPy's layout) gives the same result as the chain", async () => {
    const tees: Record<string, pl.DataFrame> = {};
    const { value: df, out } = await captured(() => runPipeline(SIGNINS, PIPELINE, { tees }));
    assert.match(out, /Public sign-ins/);
    assert.deepEqual(col(df, "user"), ["ann", "cy", "dee"]);
    assert.deepEqual(col(df, "Severity"), ["high", "high", "information"]);
    assert.equal(tees.public_signins.height, 3);
    const other = await runPipeline(SIGNINS, PIPELINE, { pipeline: "other" });
    assert.equal(other.height, 1);
  });

  it("a pipeline file runs by path", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "huntlab-pipeline-"));
    const file = path.join(dir, "p.yaml");
    fs.writeFileSync(file, PIPELINE);
    const { value: df } = await captured(() => runPipeline(SIGNINS, file));
    assert.equal(df.height, 3);
    await assert.rejects(() => runPipeline(SIGNINS, path.join(dir, "missing.yaml")), (e: PivotError) => e.code === "pivot/pipeline" && /missing\.yaml/.test(e.message));
  });

  it("chain and pipeline steps work on frames with columns called filter, select, drop, lazy, head or sort", async () => {
    const hostile = pl.DataFrame({
      acct: ["CONTOSO\\alice", "bob@contoso.com", "carol", "CONTOSO\\dave"],
      filter: [1, 2, 1, null],
      select: ["a", "b", "c", "d"],
      drop: [true, false, true, false],
      lazy: [4, 3, 2, 1],
      head: ["h1", "h2", "h3", "h4"],
      sort: [0, 0, 1, 1],
    });
    const { value: df } = await captured(() =>
      pivotChain(hostile)
        .filter(pl.col("filter").eq(1).or(pl.col("lazy").eq(1)))
        .display({ title: "kept", head: 2, columns: ["acct", "select"] })
        .run(entities.Account.util.accountParts, { column: "acct", join: "left" }).df,
    );
    assert.deepEqual(df.columns, ["acct", "filter", "select", "drop", "lazy", "head", "sort", "Domain", "UserName", "UpnSuffix", "Format"]);
    assert.deepEqual(col(df, "UserName"), ["alice", "carol", "dave"]);
    const steps = (lines: string[]) => `pipelines:\n  p:\n    steps:\n${lines.map((l) => `      - ${l}\n`).join("")}`;
    const run = (lines: string[]) => captured(() => runPipeline(hostile, steps(lines))).then((r) => r.value);
    const filtered = await run(["{step_type: filter, params: {column: filter, op: eq, value: 1}}"]);
    assert.deepEqual(col(filtered, "select"), ["a", "c"]);
    assert.deepEqual((await run(["{step_type: df_method, function: select, params: {columns: [select, lazy]}}"])).columns, ["select", "lazy"]);
    assert.deepEqual((await run(["{step_type: df_method, function: drop, params: {columns: [drop, filter]}}"])).columns, ["acct", "select", "lazy", "head", "sort"]);
    assert.deepEqual(col(await run(["{step_type: df_method, function: sort, params: {by: [lazy]}}"]), "lazy"), [1, 2, 3, 4]);
    assert.deepEqual(col(await run(["{step_type: df_method, function: head, params: {n: 2}}"]), "head"), ["h1", "h2"]);
    assert.deepEqual(col(await run(["{step_type: df_method, function: tail, params: {n: 1}}"]), "head"), ["h4"]);
    assert.deepEqual(col(await run(["{step_type: df_method, function: unique, params: {subset: [sort]}}"]), "select"), ["a", "c"]);
    assert.deepEqual(col(await run(["{step_type: df_method, function: dropNulls, params: {subset: [filter]}}"]), "select"), ["a", "b", "c"]);
    assert.deepEqual(col(await run(["{step_type: pivot_display, params: {cols: [select], head: 1}}"]), "select"), ["a", "b", "c", "d"], "display passes the frame on");
  });

  it("a pipeline written with MSTICPy's function names runs as with huntlab's; MSTICPy functions huntlab lacks are refused", async () => {
    const msticpy = PIPELINE.replace("function: util.ipType", "function: util.ip_type").replace("function: ti.lookupIp_LocalTI", "function: ti.lookup_ip_LocalTI");
    assert.notEqual(msticpy, PIPELINE);
    const { value: df } = await captured(() => runPipeline(SIGNINS, msticpy));
    const { value: expected } = await captured(() => runPipeline(SIGNINS, PIPELINE));
    assert.deepEqual(df.toRecords(), expected.toRecords());
    assert.deepEqual(col(df, "user"), ["ann", "cy", "dee"]);
    const step = (entity: string, fn: string) => `pipelines:\n  p:\n    steps:\n      - {name: s, step_type: pivot, entity: ${entity}, function: ${fn}, params: {column: v}}\n`;
    const one = async (entity: string, fn: string, values: string[]) => (await runPipeline(pl.DataFrame({ v: values }), step(entity, fn))).columns;
    assert.ok((await one("IpAddress", "ti.lookup_ip", ["148.251.12.164"])).includes("Severity"), "ti.lookup_ip");
    assert.ok((await one("Url", "util.url_components", ["https://evil.example:8443/x"])).includes("Port"), "util.url_components");
    assert.ok((await one("Dns", "util.dns_components", ["a.b.example.co.uk"])).includes("RegisteredDomain"), "util.dns_components");
    assert.ok((await one("File", "ti.lookup_file_hash", ["d41d8cd98f00b204e9800998ecf8427e"])).includes("Severity"), "ti.lookup_file_hash");
    // MSTICPy has no pivot of these names (mp_pivot_reg.yaml registers no File function; its TI pivots are lookup_ip,
    // lookup_dns, lookup_file_hash and lookup_url): refused, naming huntlab's own functions.
    await assert.rejects(() => runPipeline(pl.DataFrame({ v: ["d41d8cd98f00b204e9800998ecf8427e"] }), step("File", "util.file_hash_type")), (e: PivotError) => e.code === "pivot/pipeline" && /file_hash_type/.test(e.message) && /fileHashType/.test(e.message));
    await assert.rejects(() => runPipeline(pl.DataFrame({ v: ["ann@contoso.com"] }), step("Account", "ti.lookup_email")), (e: PivotError) => e.code === "pivot/pipeline" && /lookup_email/.test(e.message) && /lookupEmail/.test(e.message));
    // Not in huntlab: refused as before, naming huntlab's functions.
    await assert.rejects(() => runPipeline(SIGNINS, step("IpAddress", "util.ip_rev_resolve")), (e: PivotError) => e.code === "pivot/pipeline" && /ip_rev_resolve/.test(e.message) && /ipType/.test(e.message));
    await assert.rejects(() => runPipeline(SIGNINS, step("IpAddress", "ti.lookup_ip_NoSuchProvider")), (e: PivotError) => e.code === "pivot/pipeline" && /lookup_ip_NoSuchProvider/.test(e.message));
    // A name of another entity's function is not this entity's.
    await assert.rejects(() => runPipeline(SIGNINS, step("IpAddress", "util.url_components")), (e: PivotError) => e.code === "pivot/pipeline" && /url_components/.test(e.message));
  });

  it("pipeline errors name the step: bad ones before running, failing ones when they fail", async () => {
    const bad = (steps: string) => `pipelines:\n  p:\n    steps:\n${steps}`;
    await assert.rejects(
      () => runPipeline(SIGNINS, bad("      - {name: first, step_type: filter, params: {column: ip, op: eq, value: x}}\n      - {name: oops, step_type: pivot, entity: Ip, function: util.ipTyp, params: {column: ip}}\n")),
      (e: PivotError) => e.code === "pivot/pipeline" && /step 2 "oops"/.test(e.message) && /ipType/.test(e.message),
    );
    await assert.rejects(() => runPipeline(SIGNINS, bad("      - {step_type: pivot, entity: Computer, function: util.ipType}\n")), (e: PivotError) => e.code === "pivot/pipeline" && /step 1/.test(e.message) && /Computer/.test(e.message));
    await assert.rejects(() => runPipeline(SIGNINS, bad("      - {step_type: run_python, function: x}\n")), (e: PivotError) => e.code === "pivot/pipeline" && /run_python/.test(e.message));
    await assert.rejects(() => runPipeline(SIGNINS, bad("      - {step_type: df_method, function: writeCSV}\n")), (e: PivotError) => e.code === "pivot/pipeline" && /writeCSV/.test(e.message));
    await assert.rejects(() => runPipeline(SIGNINS, bad("      - {step_type: filter, params: {column: ip, op: like, value: x}}\n")), (e: PivotError) => e.code === "pivot/pipeline" && /like/.test(e.message));
    await assert.rejects(() => runPipeline(SIGNINS, "pipelines:\n  p:\n    steps: [\n"), (e: PivotError) => e.code === "pivot/pipeline" && /YAML/.test(e.message));
    // Valid, but step 2 fails at run time: its name and number are in the error.
    await assert.rejects(
      () =>
        runPipeline(
          SIGNINS,
          bad("      - {name: types, step_type: pivot, entity: Ip, function: util.ipType, params: {column: ip, join: left}}\n      - {name: located, step_type: pivot, entity: Ip, function: util.geoLoc, params: {column: ip_address}}\n"),
        ),
      (e: PivotError) => e.code === "pivot/step-failed" && /step 2 \("located": pivot entities\.Ip\.util\.geoLoc\)/.test(e.message) && /ip_address/.test(e.message),
    );
  });
});

describe("pipeline filter and df_method steps", () => {
  const steps = (lines: string[]) => `pipelines:\n  p:\n    steps:\n${lines.map((l) => `      - ${l}\n`).join("")}`;
  // Zoned µs times (as Spark writes), numbers, text ports, booleans, a list column and empty cells.
  const EVENTS = pl
    .DataFrame({
      t: [Date.UTC(2019, 1, 12, 9, 0), Date.UTC(2019, 1, 12, 10, 30), Date.UTC(2019, 1, 13, 8, 0), null],
      bytes: [10, 2000, 300, null],
      port: ["443", "80", "8080", null],
      ok: [true, false, true, null],
      who: ["ann", "bob", null, "dee"],
      tags: [["a", "b"], ["c"], [], null],
    })
    .withColumns(pl.col("t").cast(pl.Datetime("ms")).cast(pl.Datetime("us")).dt.replaceTimeZone("UTC").alias("t"), pl.col("tags").cast(pl.List(pl.Utf8)));
  const run = async (...lines: string[]) => col(await runPipeline(EVENTS, steps(lines)), "who");

  it("a filter value is read as the column's type: time text, digit text, a number for text, true/false", async () => {
    assert.deepEqual(await run("{step_type: filter, params: {column: t, op: gte, value: '2019-02-12 10:00'}}"), ["bob", null]);
    assert.deepEqual(await run("{step_type: filter, params: {column: t, op: lt, value: '2019-02-12T11:00:00+01:00'}}"), ["ann"]);
    assert.deepEqual(await run("{step_type: filter, params: {column: t, op: in, value: ['2019-02-12T09:00:00Z', '2019-02-13 08:00']}}"), ["ann", null]);
    assert.deepEqual(await run("{step_type: filter, params: {column: bytes, op: gt, value: '299'}}"), ["bob", null]);
    assert.deepEqual(await run("{step_type: filter, params: {column: port, op: eq, value: 443}}"), ["ann"]);
    assert.deepEqual(await run("{step_type: filter, params: {column: port, op: in, value: [80, 8080]}}"), ["bob", null]);
    assert.deepEqual(await run("{step_type: filter, params: {column: ok, op: eq, value: 'false'}}"), ["bob"]);
    assert.deepEqual(await run("{step_type: filter, params: {column: tags, op: contains, value: b}}"), ["ann"]);
  });

  it("a number in the YAML is its written text on a text column; digits compare exactly on a 64-bit column", async () => {
    const ids = pl.DataFrame({ LogonId: ["0x3e7", "999", "12345678901234567890", "1.50", "007", "1"] });
    const keep = async (df: pl.DataFrame, column: string, op: string, value: string) =>
      (await runPipeline(df, steps([`{step_type: filter, params: {column: ${column}, op: ${op}, value: ${value}}}`]))).getColumn(column).cast(pl.Utf8).toArray();
    assert.deepEqual(await keep(ids, "LogonId", "eq", "0x3e7"), ["0x3e7"], "YAML read 0x3e7 as 999");
    assert.deepEqual(await keep(ids, "LogonId", "eq", "12345678901234567890"), ["12345678901234567890"]);
    assert.deepEqual(await keep(ids, "LogonId", "eq", "1.50"), ["1.50"]);
    assert.deepEqual(await keep(ids, "LogonId", "in", "[007, 1]"), ["007", "1"]);
    const big = pl.DataFrame({ id: pl.Series("id", ["9007199254740992", "9007199254740993", "1"]).cast(pl.Int64) });
    assert.deepEqual(await keep(big, "id", "eq", "9007199254740993"), ["9007199254740993"], "compared as a double it matched …992 too");
    assert.deepEqual(await keep(big, "id", "gt", "'9007199254740992'"), ["9007199254740993"]);
    assert.deepEqual(await keep(big, "id", "in", "[9007199254740993]"), ["9007199254740993"]);
    // Digits past the type's range compare as a number (they were refused as "out of its range").
    assert.deepEqual(await keep(big, "id", "lt", "99999999999999999999"), ["9007199254740992", "9007199254740993", "1"]);
    const small = pl.DataFrame({ id: pl.Series("id", [1, 2]).cast(pl.UInt32) });
    assert.deepEqual(await keep(small, "id", "gt", "-1"), ["1", "2"]);
    assert.deepEqual(await keep(small, "id", "not_in", "[-1]"), ["1", "2"]);
    // …decided exactly: as a double, 9223372036854775808 equalled Int64's largest value.
    const edge = pl.DataFrame({ id: pl.Series("id", ["1", "9223372036854775807"]).cast(pl.Int64) });
    assert.deepEqual(await keep(edge, "id", "eq", "9223372036854775808"), []);
    assert.deepEqual(await keep(edge, "id", "lt", "9223372036854775808"), ["1", "9223372036854775807"]);
    assert.deepEqual(await keep(edge, "id", "gt", "-9223372036854775809"), ["1", "9223372036854775807"]);
    assert.deepEqual(await keep(edge, "id", "in", "[9223372036854775808, 1]"), ["1"]);
    const unsigned = pl.DataFrame({ id: pl.Series("id", ["18446744073709551615", "18446744073709551614"]).cast(pl.UInt64) });
    assert.deepEqual(await keep(unsigned, "id", "eq", "18446744073709551615"), ["18446744073709551615"]);
  });

  it("NaN is an empty float cell (pandas): no comparison keeps it, is_null finds it; µs and ns times compare to the digit", async () => {
    const floats = pl.DataFrame({ x: [1, NaN, null, 10] });
    const xs = async (op: string, value?: string) => (await runPipeline(floats, steps([`{step_type: filter, params: {column: x, op: ${op}${value === undefined ? "" : `, value: ${value}`}}}`]))).getColumn("x").toArray();
    assert.deepEqual(await xs("gt", "5"), [10], "polars orders NaN above every number");
    assert.deepEqual(await xs("lt", ".inf"), [1, 10]);
    assert.deepEqual((await xs("is_null")).length, 2);
    assert.deepEqual(await xs("not_null"), [1, 10]);
    // 2019-02-12 10:00:00 and one microsecond later, as epoch units.
    const t = (unit: "us" | "ns") =>
      pl.DataFrame({ t: pl.Series("t", unit === "us" ? ["1549965600000000", "1549965600000001"] : ["1549965600000000000", "1549965600000001000"]).cast(pl.Int64).cast(pl.Datetime(unit)) });
    for (const unit of ["us", "ns"] as const) {
      const out = await runPipeline(t(unit), steps(["{step_type: filter, params: {column: t, op: eq, value: '2019-02-12 10:00:00.000001'}}"]));
      assert.equal(out.height, 1, unit);
      assert.match(String(out.getColumn("t").cast(pl.Utf8).get(0)), /\.000001/, unit);
    }
  });

  it("a column named like a pattern is that column; a Duration column is named in the error", async () => {
    const odd = pl.DataFrame({ "^a.*$": ["x", "y"], ab: ["y", "x"], "*": ["x", "z"] });
    assert.deepEqual((await runPipeline(odd, steps(["{step_type: filter, params: {column: '^a.*$', op: eq, value: x}}"]))).getColumn("ab").toArray(), ["y"]);
    assert.deepEqual((await runPipeline(odd, steps(["{step_type: filter, params: {column: '*', op: eq, value: z}}"]))).getColumn("ab").toArray(), ["x"]);
    const durations = pl.DataFrame({ d: pl.Series("d", [1000, 2000]).cast(pl.Duration("ms")) });
    await assert.rejects(() => runPipeline(durations, steps(["{step_type: filter, params: {column: d, op: gt, value: 1}}"])), /column "d": value "1" is not comparable/);
  });

  it("neq and not_in keep empty cells (pandas' != and ~isin); eq and in do not", async () => {
    assert.deepEqual(await run("{step_type: filter, params: {column: who, op: neq, value: ann}}"), ["bob", null, "dee"]);
    assert.deepEqual(await run("{step_type: filter, params: {column: port, op: not_in, value: ['443']}}"), ["bob", null, "dee"]);
    assert.deepEqual(await run("{step_type: filter, params: {column: port, op: in, value: []}}"), []);
    assert.deepEqual(await run("{step_type: filter, params: {column: who, op: is_null}}"), [null]);
  });

  it("malformed filter and df_method steps are refused before any step runs", async () => {
    const tees: Record<string, pl.DataFrame> = {};
    const refused = async (step: string, why: RegExp) => {
      await assert.rejects(
        () => runPipeline(EVENTS, steps(["{step_type: pivot_tee, params: {var_name: ran}}", `{name: bad, ${step}}`]), { tees }),
        (e: PivotError) => e.code === "pivot/pipeline" && /step 2 "bad"/.test(e.message) && why.test(e.message),
      );
      assert.equal(tees.ran, undefined, `step 1 ran before ${step} was refused`);
    };
    await refused("step_type: filter, params: {column: who, op: eq}", /op eq needs a value \(for empty cells, op is_null\)/);
    await refused("step_type: filter, params: {column: who, op: eq, value: null}", /needs a value/);
    await refused("step_type: filter, params: {column: who, op: eq, value: {a: 1}}", /needs one value .*\{"a":1\}/);
    await refused("step_type: filter, params: {column: who, op: in, value: ann}", /op in needs a list/);
    await refused("step_type: filter, params: {column: who, op: in, value: [ann, [bob]]}", /op in needs a list/);
    await refused("step_type: filter, params: {column: who, op: is_null, value: x}", /takes no value/);
    await refused("step_type: filter, params: {op: eq, value: x}", /params\.column/);
    await refused("step_type: df_method, function: head, params: {n: -1}", /n must be a whole number/);
    await refused("step_type: df_method, function: tail, params: {n: five}", /n must be a whole number/);
    await refused("step_type: pivot, entity: Ip, function: util.ipType, params: {column: who, join: Inner}", /join "Inner" is not one of inner, left, outer/);
    await refused("step_type: pivot, entity: Ip, function: util.ipType, params: {join: left}", /params\.column/);
    await refused("step_type: pivot, entity: Ip, function: util.ipType, params: {column: who, concurrency: 0}", /concurrency/);
  });

  it("a filter value its column cannot hold, or a missing column, fails naming the column", async () => {
    const failed = (step: string, why: RegExp) =>
      assert.rejects(() => runPipeline(EVENTS, steps([step])), (e: PivotError) => e.code === "pivot/step-failed" && /\[pivot\/filter-column\]/.test(e.message) && why.test(e.message));
    await failed("{step_type: filter, params: {column: t, op: gt, value: yesterday-ish}}", /column "t": value "yesterday-ish" is not a time \(the column is Datetime\)/);
    await failed("{step_type: filter, params: {column: bytes, op: eq, value: lots}}", /column "bytes": value "lots" is not a number \(the column is Float64\)/);
    await failed("{step_type: filter, params: {column: ok, op: eq, value: yes}}", /"yes" is not true or false/);
    await failed("{step_type: filter, params: {column: tags, op: eq, value: a}}", /column "tags": the column is List/);
    await failed("{step_type: filter, params: {column: Who, op: eq, value: ann}}", /column "Who": the frame has no such column; it has t, bytes, port, ok, who, tags/);
  });
});

describe("the lab's pivot exercise", () => {
  it("the solution's answers are the answers file's, and checkAnswers says so", async () => {
    const qp = new QueryProvider("LocalData");
    new Pivot({ providers: [qp, new TILookup()] });
    // The notebook's solution cell, as written there.
    const exFlows = await qp.Network.list_azure_network_flows_by_host();
    const exTees: Record<string, pl.DataFrame> = {};
    const { value: flagged } = await captured(() =>
      pivotChain(exFlows.select("TimeGenerated", "VMName", "AllExtIPs", "L7Protocol", "TotalAllowedFlows"))
        .run(entities.Ip.util.geoLoc, { column: "AllExtIPs", join: "inner" })
        .filter(pl.col("IpType").eq(pl.lit("Public")))
        .tee("publicFlows", exTees)
        .apply("distinct addresses", (df) => df.unique({ subset: ["AllExtIPs"], maintainOrder: true }))
        .run(entities.Ip.ti.lookupIp_LocalTI, { column: "AllExtIPs", join: "inner" })
        .filter(pl.col("Severity").eq(pl.lit("high")))
        .display({ title: "Remote addresses flagged high", columns: ["AllExtIPs", "CountryName", "Severity", "Details"] }).df,
    );
    const byCountry = exTees.publicFlows.groupBy("CountryName").len().sort("len", true);
    const country = String(col(byCountry, "CountryName")[0]);
    const highIps = col(flagged, "AllExtIPs");
    assert.deepEqual(highIps, ["131.107.147.209"]);
    assert.equal(country, "United States");
    assert.ok(Number(col(byCountry, "len")[0]) > Number(col(byCountry, "len")[1]), "a clear winner");
    const expected = loadAnswers(path.join(__dirname, "..", "..", "data", "answers_pivots.json"));
    // The country's other names are right too (the file's anyOf): the data's own name is the first.
    assert.deepEqual(expected, { country: { anyOf: [country, "United States of America", "USA", "US"] }, highIp: String(highIps[0]) });
    const check = checkAnswers({ country, highIp: String(highIps[0]) }, { exercise: "pivots" });
    assert.ok(check.allCorrect);
    assert.equal(checkAnswers({ country: "Canada" }, { exercise: "pivots" }).allCorrect, false);
    assert.throws(() => checkAnswers({ country: "x" }, { exercise: "../answers" }), { code: "lab/unknown-exercise", message: /is not an exercise name/ });
  });
});
