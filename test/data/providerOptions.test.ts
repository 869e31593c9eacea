/**
 * QueryProvider's options and a query's run options from untyped cells (Deno,
 * JavaScript): a misspelt or MSTICPy-spelt option, the paths as the second
 * argument, a value of the wrong type are refused by name (they were ignored,
 * and the bundled lab data queried as if it were the hunter's); a single path
 * or column is a list of one. The run option `columns` names columns of the
 * mapped frame on a query with a schema (it failed on every such query).
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { QueryProvider, type LocalDataOptions } from "../../src/data/queryProvider";
import { tempTree } from "../helpers/tmp";

const LAB_DATA = path.join(__dirname, "..", "..", "data");
/** A provider made as an untyped cell makes it. */
const provider = (environment: string, options: unknown) => new QueryProvider(environment, options as LocalDataOptions);

/** A data folder of one logon on MYHOST, named as the lab's query reads it: any answer from the lab's 164 logons is the bundled data. */
const mine = tempTree({ "host_logons.csv": "TimeGenerated,Computer,EventID,TargetUserName,TargetDomainName,LogonType,IpAddress\n2024-01-01T00:00:00Z,MYHOST,4624,bob,CORP,3,10.0.0.1\n" });
const hostsOf = async (qp: ReturnType<typeof provider>) => (await qp.WindowsSecurity.list_host_logons()).getColumn("Computer").toArray();

describe("new QueryProvider checks its options", () => {
  it("a misspelt or MSTICPy-spelt dataPaths is refused, naming the option meant (it queried the bundled lab data)", () => {
    for (const name of ["data_paths", "datapaths", "DataPaths"]) {
      assert.throws(() => provider("LocalData", { [name]: [mine] }), {
        name: "QueryError",
        code: "data/provider-option",
        message: new RegExp(`^QueryProvider\\("LocalData"\\): unknown option ${name} \\(did you mean dataPaths\\?\\); its options are dataPaths, `),
      });
    }
    assert.throws(() => provider("LocalData", { queryPath: [mine] }), { code: "data/provider-option", message: /queryPath \(did you mean queryPaths\?\)/ });
    assert.throws(() => provider("LocalData", { readOptions: { parse_times: false } }), { code: "data/provider-option", message: /readOptions: unknown option parse_times \(did you mean parseTimes\?\)/ });
    // Every read option the readers take passes the check (dayFirst was added to ReadOptions after the check was written).
    assert.doesNotThrow(() => provider("LocalData", { readOptions: { parseTimes: true, inferSchemaLength: 100, dayFirst: true, warn: () => undefined } }));
    assert.throws(() => provider("LocalData", { readOptions: { day_first: true } }), { code: "data/provider-option", message: /did you mean dayFirst\?/ });
  });

  it("the paths as the second argument, or options that are no object, say where the paths go", () => {
    assert.throws(() => provider("LocalData", [mine]), { code: "data/provider-option", message: /its options must be an object such as \{ dataPaths: \["\/my\/data"\] \}, not \[.*\] \(the data paths go in the option dataPaths\)/ });
    assert.throws(() => provider("LocalData", null), { code: "data/provider-option", message: /its options must be an object .*, not null\./ });
    assert.throws(() => provider("LocalData", mine), { code: "data/provider-option", message: /its options must be an object/ });
  });

  it("values of the wrong type are named (they failed as 'is not iterable' or ERR_INVALID_ARG_TYPE)", () => {
    assert.throws(() => provider("LocalData", { dataPaths: 5 }), { code: "data/provider-option", message: /option dataPaths must be a path or a list of paths, not 5\./ });
    assert.throws(() => provider("LocalData", { dataPaths: [undefined] }), { code: "data/provider-option", message: /option dataPaths must be a path or a list of paths, not \[null\]\./ });
    assert.throws(() => provider("LocalData", { dataPaths: [""] }), { code: "data/provider-option", message: /option dataPaths/ });
    assert.throws(() => provider("LocalData", { fileQueries: "no" }), { code: "data/provider-option", message: /option fileQueries must be true or false, not "no"/ });
    assert.throws(() => provider("LocalData", { interrupt: "always" }), { code: "data/provider-option", message: /option interrupt must be "kernel" or "never", not "always"/ });
  });

  it("one path as text is a list of one (it was split into characters)", async () => {
    assert.deepEqual(await hostsOf(provider("LocalData", { dataPaths: mine })), ["MYHOST"]);
    assert.deepEqual(await hostsOf(provider("LocalData", { dataPaths: [mine] })), ["MYHOST"]);
  });

  it("typed: LocalDataOptions take one path as text and read-only lists (dataPaths was typed string[], so TypeScript refused what the provider takes)", async () => {
    // No cast: this file does not type-check where the types say string[].
    const paths = [mine] as const;
    assert.deepEqual(await hostsOf(new QueryProvider("LocalData", { dataPaths: mine, queryPaths: LAB_DATA })), ["MYHOST"]);
    assert.deepEqual(await hostsOf(new QueryProvider("LocalData", { dataPaths: paths, queryPaths: [LAB_DATA] as const })), ["MYHOST"]);
  });

  it("live providers check theirs, naming an option of LocalData's as such", () => {
    assert.throws(() => provider("Splunk", { dataPaths: [mine] }), {
      code: "data/provider-option",
      message: /^QueryProvider\("Splunk"\): option dataPaths is an option of LocalData providers, not of this one; its options are queryPaths, /,
    });
    assert.throws(() => provider("MSSentinel", { timeout_ms: 500 }), { code: "data/provider-option", message: /timeout_ms \(did you mean timeoutMs\?\)/ });
    assert.throws(() => provider("Kusto", { timeoutMs: "500" }), { code: "data/provider-option", message: /option timeoutMs must be a number, not "500"/ });
    assert.throws(() => provider("Kusto", { timeoutMs: Infinity }), { code: "data/provider-option", message: /option timeoutMs must be a number of ms above 0, not Infinity/ });
    assert.throws(() => provider("Elasticsearch", { retries: -1 }), { code: "data/provider-option", message: /option retries must be a whole number/ });
    assert.throws(() => provider("LocalData", { timeoutMs: 500 }), { code: "data/provider-option", message: /timeoutMs is an option of live providers/ });
  });
});

describe("a query's run options", () => {
  const qp = new QueryProvider("LocalData");

  it("columns on a query with a schema returns those columns of the mapped frame (it failed: the columns fit no known logon schema)", async () => {
    const logons = await qp.WindowsSecurity.list_host_logons({}, { columns: ["TimeGenerated", "Account"] });
    assert.deepEqual(logons.columns, ["TimeGenerated", "Account"]);
    assert.equal(logons.height, 164);
    const procs = await qp.WindowsSecurity.list_host_processes({ account_name: "msticadmin" }, { columns: ["NewProcessName"] });
    assert.deepEqual(procs.columns, ["NewProcessName"]);
    assert.ok(procs.height > 0);
  });

  it("on an export in another schema, columns name the mapped (lab) columns, and filters on them still apply", async () => {
    // SecurityEvent 4624 columns: no Account column in the file; the logon mapping makes it DOMAIN\name.
    const dir = tempTree({
      "host_logons.csv": "TimeGenerated,Computer,EventID,TargetUserName,TargetDomainName,LogonType,IpAddress\n2024-01-01T00:00:00Z,HOST1,4624,bob,CORP,3,10.0.0.1\n2024-01-01T01:00:00Z,HOST2,4624,alice,CORP,2,-\n",
    });
    const exported = new QueryProvider("LocalData", { dataPaths: [dir] });
    const bob = await exported.WindowsSecurity.list_host_logons({ account_name: "bob" }, { columns: ["Account", "LogonType"] });
    assert.deepEqual(bob.toRecords(), [{ Account: "CORP\\bob", LogonType: 3 }]);
  });

  it("one column as text is a list of one; an unknown column is named with the close names", async () => {
    assert.deepEqual((await qp.WindowsSecurity.list_host_logons({}, { columns: "Account" } as never)).columns, ["Account"]);
    await assert.rejects(() => qp.WindowsSecurity.list_host_logons({}, { columns: ["account"] }), { code: "data/select-column-missing", message: /no column "account"\. Did you mean Account\?/ });
  });

  it("a misspelt option, or options that are no object, are refused (column was ignored and every column returned)", async () => {
    await assert.rejects(() => qp.WindowsSecurity.list_host_logons({}, { column: ["Account"] } as never), {
      name: "QueryError",
      code: "data/run-option",
      message: /^WindowsSecurity\.list_host_logons: unknown option column \(did you mean columns\?\); its options are columns\./,
    });
    await assert.rejects(() => qp.WindowsSecurity.list_host_logons({}, null as never), { code: "data/run-option", message: /its options \(the second argument; parameters go first\) must be an object such as \{ columns: \["Account"\] \}, not null/ });
    await assert.rejects(() => qp.WindowsSecurity.list_host_logons({}, { columns: [5] } as never), { code: "data/run-option", message: /option columns must be a column name or a list of column names, not \[5\]/ });
    await assert.rejects(() => qp.execQuery("host_logons.parquet", {}, { colums: ["Account"] } as never), { code: "data/run-option", message: /^execQuery\("host_logons\.parquet"\): unknown option colums \(did you mean columns\?\)/ });
    assert.throws(() => qp.WindowsSecurity.list_host_logons.lazy({}, { column: ["Account"] } as never), { code: "data/run-option", message: /list_host_logons\.lazy: unknown option column/ });
    assert.deepEqual(qp.WindowsSecurity.list_host_logons.lazy({}, { columns: "Account" } as never).collectSync().columns, ["Account"]);
  });
});

describe("the bundled data is still the default", () => {
  it("without options, and with options that name no data path", async () => {
    assert.equal((await new QueryProvider("LocalData").WindowsSecurity.list_host_logons()).height, 164);
    assert.equal((await provider("LocalData", { dataPaths: undefined, warn: () => {} }).WindowsSecurity.list_host_logons()).height, 164);
    assert.ok(fs.existsSync(path.join(LAB_DATA, "host_logons.parquet")));
  });
});
