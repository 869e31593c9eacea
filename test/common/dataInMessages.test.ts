/**
 * Names and values from the data in error messages (column names of a hostile export, account names, ids):
 * quoted with their hidden characters as escapes (a raw U+202E reversed the rest of the message, a NUL or
 * line break broke it), cut, and lists of columns at most 30 long (3,000 columns made a 28,967-character
 * message). The vis messages did it raw where the timeline's column message did it right.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import pl from "nodejs-polars";
import { analysisMessages } from "../../src/analysis/messages";
import { contextMessages } from "../../src/context/messages";
import { dataMessages } from "../../src/data/messages";
import { commonMessages } from "../../src/common/messages";
import { columnOf } from "../../src/common/frames";
import { buildProcessTree } from "../../src/transform/processTree";
import { EntityGraph } from "../../src/vis/entityGraph";
import { plotProcessTree } from "../../src/vis/processTree";
import { timeseriesAnomaliesChart } from "../../src/vis/timeseriesAnomalies";
import { generate4688 } from "../helpers/processEvents";
import { HuntlabError, errorMessage } from "../../src/common/errors";
import { printWarning, setWarningHandler } from "../../src/common/messages";
import { ipsFromDataFrame } from "../../src/entities/fromDataFrame";
import { IoCExtract } from "../../src/transform/iocExtract";

/** Bidi controls, NUL, line breaks and separators: none may reach a message raw. */
const RAW = /[\u0000-\u001f\u202a-\u202e\u2066-\u2069\u2028\u2029]/;

/** The message of what `fn` throws (sync or async). */
async function messageOf(fn: () => unknown): Promise<{ code?: string; message: string }> {
  try {
    await fn();
  } catch (err) {
    return err as { code?: string; message: string };
  }
  throw new Error("nothing thrown");
}

describe("data in vis error messages", () => {
  it("vis/chart-column-missing: the name revealed, at most 30 columns listed, hostile ones quoted", async () => {
    const wide = pl.DataFrame(Object.fromEntries([["TimeGenerated", [new Date(0)]], ["odd\u202ename\u0000", [1]], ...Array.from({ length: 3000 }, (_, i) => [`col_${i}`, [i]])]));
    const err = await messageOf(() => timeseriesAnomaliesChart(wide, { y: "nope\u202e\u0000" }));
    assert.equal(err.code, "vis/chart-column-missing");
    assert.ok(!RAW.test(err.message), err.message);
    assert.ok(err.message.length < 600, `${err.message.length} characters`);
    assert.match(err.message, /y "nope\\u202e\\u0000" is not a column\. Columns: TimeGenerated, "odd\\u202ename\\u0000", col_0, .* and 2972 more\.$/);
  });

  it("vis/tree-plot-column-missing: legendCol revealed; close names as listed", async () => {
    const tree = buildProcessTree(generate4688(20).df);
    const err = await messageOf(() => plotProcessTree(tree, { legendCol: "Subject\u202eUserName\u0000" }));
    assert.equal(err.code, "vis/tree-plot-column-missing");
    assert.ok(!RAW.test(err.message), err.message);
    assert.match(err.message, /^legendCol "Subject\\u202eUserName\\u0000" is not a column of the tree\./);
  });

  it("vis/graph-node-missing and -ambiguous: account names and ids revealed (Did you mean \"bob‮exe.txt\"?)", async () => {
    const entities = JSON.stringify([
      { $id: "1", Type: "account", Name: "bob\u202eexe.txt", NTDomain: "A" },
      { $id: "2", Type: "account", Name: "bob\u202eexe.txt", NTDomain: "B" },
    ]);
    const df = pl.DataFrame({ TimeGenerated: [new Date(0)], AlertDisplayName: ["a"], SystemAlertId: ["1"], Severity: ["High"], Entities: [entities], ExtendedProperties: ["{}"] });
    const graph = new EntityGraph(df);
    const ambiguous = await messageOf(() => graph.addNote("n", { attachedTo: "bob\u202eexe.txt" }));
    assert.equal(ambiguous.code, "vis/graph-node-ambiguous");
    assert.ok(!RAW.test(ambiguous.message), ambiguous.message);
    assert.match(ambiguous.message, /^"bob\\u202eexe\.txt" names 2 nodes; use one of their ids: /);
    const missing = await messageOf(() => graph.addNote("n", { attachedTo: "bob\u202eexe.tx\u2028" }));
    assert.equal(missing.code, "vis/graph-node-missing");
    assert.ok(!RAW.test(missing.message), missing.message);
    assert.match(missing.message, /^No node "bob\\u202eexe\.tx\\u2028" in the graph\. Did you mean "bob\\u202eexe\.txt"/);
  });
});

describe("data in other modules' column messages", () => {
  const columns = ["Time\u202eGenerated", ...Array.from({ length: 100 }, (_, i) => `c${i}`)];
  it("analysis, data and context name columns revealed and list at most 30", () => {
    const messages = [
      analysisMessages.columnMissing("timeseriesAnomaliesStl", "timeColumn", "Time\u202eGen\n", columns).message,
      analysisMessages.columnNotNumeric("dbclusterEvents", "x\u202e\u0000", "Utf8").message,
      dataMessages.columnMissing("parseJsonColumn", "J\u202e", columns).message,
      dataMessages.timeColumnUnparsed("q", "T\u202e", 2, ["not\u2028a time"]).message,
      contextMessages.geoIpColumnMissing("ip\u202e", columns).message,
      contextMessages.lookupColumnMissing("obs\u202e", "obsCol", columns).message,
    ];
    for (const m of messages) {
      assert.ok(!RAW.test(m), m);
      assert.ok(m.length < 500, m);
    }
    assert.match(messages[0], /timeColumn "Time\\u202eGen\\n" is not a column of the DataFrame\. Columns: "Time\\u202eGenerated", c0, .* and 71 more\.$/);
  });

  it("common's column messages (the frame helpers every package reads columns with) reveal the names too: a\u202eb or a line break reached them raw", () => {
    const hostile = ["a\u202eb", "line\nbreak", ...columns];
    const missing = commonMessages.columnMissing("x\u202e\n", hostile, "parseJsonColumn").message;
    assert.ok(!RAW.test(missing), missing);
    assert.match(missing, /^parseJsonColumn: no column "x\\u202e\\n" \(columns: "a\\u202eb", "line\\nbreak", "Time\\u202eGenerated", c0, .* and 73 more\)$/);
    const unreadable = commonMessages.nestedUnreadable("n\u202e", "List(Object)").message;
    assert.ok(!RAW.test(unreadable), unreadable);
    // Through the frame helper, as src/data and src/entities reach it.
    const df = pl.DataFrame({ "a\u202eb": [1], "line\nbreak": [2] });
    assert.throws(() => columnOf(df, "gone\u2028"), (err: Error) => !RAW.test(err.message) && /no column "gone\\u2028" \(columns: "a\\u202eb", "line\\nbreak"\)/.test(err.message));
  });
});

describe("terminal escapes from data in errors and warnings", () => {
  // A column name that, printed raw to a terminal, sets its title (OSC 0), clears the screen and hides what follows.
  const hostile = "x\u001b]0;PWNED\u0007\u001b[2J\u001b[8m";
  const wide = pl.DataFrame(Object.fromEntries([[hostile, ["1.2.3.4"]], ["a\u202eb", [1]], ...Array.from({ length: 3000 }, (_, i) => [`col_${i}`, [i]])]));

  it("entities/column-missing, transform/process-schema-unknown and ioc-column-missing list the frame's columns revealed and at most 30 (ipsFromDataFrame and buildProcessTree listed 3,000 raw)", async () => {
    const errors = [
      await messageOf(() => ipsFromDataFrame(wide)),
      await messageOf(() => ipsFromDataFrame(wide, { ipColumn: "x\u001b" })),
      await messageOf(() => buildProcessTree(wide)),
      await messageOf(() => new IoCExtract().extract(wide, { columns: ["gone\u001b[2J"] })),
    ];
    assert.deepEqual(errors.map((e) => e.code), ["entities/column-missing", "entities/column-missing", "transform/process-schema-unknown", "transform/ioc-column-missing"]);
    for (const e of errors) {
      assert.ok(!RAW.test(e.message), e.message);
      assert.ok(e.message.includes(String.raw`"x\u001b]0;PWNED\u0007\u001b[2J\u001b[8m"`), e.message);
      assert.match(e.message, /and 2972 more/);
    }
  });

  it("every HuntlabError and printed warning shows control and bidi characters as escapes, line breaks kept, whatever its builder wrote", () => {
    const err = new HuntlabError(errorMessage("common/internal-error", `raw ${hostile} \u202e\r\tend\nsecond line`));
    assert.equal(err.message, String.raw`raw x\u001b]0;PWNED\u0007\u001b[2J\u001b[8m \u202e\r\tend` + "\nsecond line");
    const seen: string[] = [];
    const previous = setWarningHandler((m) => seen.push(m));
    try {
      printWarning(`file ${hostile}.csv: 2 rows left out`);
    } finally {
      setWarningHandler(previous);
    }
    assert.deepEqual(seen, [String.raw`file x\u001b]0;PWNED\u0007\u001b[2J\u001b[8m.csv: 2 rows left out`]);
  });
});
