/** Kusto/Log Analytics limit errors: only result-set truncation is a "cut at the limit" warning; memory/run-time limits are partial failures. */
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { isResultLimit } from "../../../src/data/live/drivers/azure";
import { createKustoDriver } from "../../../src/data/live/drivers/kusto";
import type { LiveTable } from "../../../src/data/live/types";
import { QueryProvider } from "../../../src/data/queryProvider";
import { startAzureTwins, type AzureTwins } from "../../twins/azureTwins";

const RUNAWAY = "Query execution has exceeded the allowed limits (80DA0001): 'summarize' operator has exceeded the memory budget during evaluation (E_RUNAWAY_QUERY).";
const LOW_MEMORY = "Query execution lacks memory resources to complete (80DA0009): bad allocation (E_LOW_MEMORY_CONDITION).";

describe("isResultLimit", () => {
  it("matches Kusto's documented truncation messages", () => {
    assert.ok(isResultLimit("LimitsExceeded: Query execution has exceeded the allowed limits (80DA0003): The results of this query exceed the set limit of 500000 records (E_QUERY_RESULT_SET_TOO_LARGE)."));
    assert.ok(isResultLimit("Query result set has exceeded the internal record count limit 500000 (E_QUERY_RESULT_SET_TOO_LARGE)."));
    assert.ok(isResultLimit("EngineError/-2133196797: Query result set has exceeded the internal data size limit 67108864"));
  });

  it("does not match other limits, nor messages that merely mention 500,000 or 64 MB", () => {
    assert.equal(isResultLimit(`LimitsExceeded: ${RUNAWAY}`), false);
    assert.equal(isResultLimit(LOW_MEMORY), false);
    assert.equal(isResultLimit("Query execution has exceeded the allowed limits (80DA0001): memory"), false);
    assert.equal(isResultLimit("Shard 3 failed after 500,000 rows (64 MB)"), false);
  });
});

describe("Kusto driver: limit errors in the answer", () => {
  let twins: AzureTwins;
  const quiet = { warn: () => undefined, onProgress: () => undefined, interrupt: "never" as const, retryBackoffMs: 1 };
  before(async () => {
    twins = await startAzureTwins();
  });
  after(() => twins.stop());
  beforeEach(() => {
    twins.kusto.faults = {};
  });

  it("reports a memory/run-time limit as a partial failure naming it, not as the row cap", async () => {
    const warnings: string[] = [];
    const qp = new QueryProvider("Kusto", { configPath: twins.configPath, ...quiet, warn: (m: string) => warnings.push(m) });
    await qp.connect({});
    twins.kusto.faults = { partialError: RUNAWAY };
    const df = await qp.SecurityAlert.list_alerts();
    assert.ok(df.height > 0);
    const text = warnings.join("\n");
    assert.match(text, /partial result: .*80DA0001.*E_RUNAWAY_QUERY/);
    assert.doesNotMatch(text, /Kusto limit/);
  });

  it("an answer without its DataSetCompletion frame is a partial result, not a whole one", () => {
    const driver = createKustoDriver({ mask: (t: string) => t } as never) as unknown as { tableOf(r: unknown, s: number, d: unknown): LiveTable };
    const frames = [
      { FrameType: "DataSetHeader", IsProgressive: false, Version: "v2.0" },
      { FrameType: "DataTable", TableId: 1, TableKind: "PrimaryResult", TableName: "PrimaryResult", Columns: [{ ColumnName: "a", ColumnType: "long" }], Rows: [[1], [2]] },
    ];
    const whole = driver.tableOf({ queryName: "Q" }, 200, [...frames, { FrameType: "DataSetCompletion", HasErrors: false, Cancelled: false }]);
    assert.equal(whole.partialError, undefined);
    const cut = driver.tableOf({ queryName: "Q" }, 200, frames);
    assert.equal(cut.rows.length, 2);
    assert.match(cut.partialError ?? "", /ends without its DataSetCompletion frame.*may be cut short/);
  });

  it("finds a truncation among an error's details, not only in the first; the other details are a partial result", () => {
    const driver = createKustoDriver({ mask: (t: string) => t } as never) as unknown as { tableOf(r: unknown, s: number, d: unknown): LiveTable };
    const error = {
      code: "PartialError",
      message: "There were some errors when processing your query.",
      details: [
        { code: "EngineError", message: "Partial query failure: cluster B did not answer" },
        { code: "LimitsExceeded", message: "Query result set has exceeded the internal record count limit 500000 (E_QUERY_RESULT_SET_TOO_LARGE)." },
      ],
    };
    const table = driver.tableOf({ queryName: "Q" }, 200, [
      { FrameType: "DataTable", TableKind: "PrimaryResult", Columns: [{ ColumnName: "a", ColumnType: "long" }], Rows: [[1], [2]] },
      { FrameType: "DataSetCompletion", HasErrors: true, Cancelled: false, OneApiErrors: [{ error }] },
    ]);
    assert.equal(table.warnings.length, 1, table.warnings.join("\n"));
    assert.match(table.warnings[0], /Kusto limit.*PartialError\/LimitsExceeded: .*E_QUERY_RESULT_SET_TOO_LARGE/);
    assert.equal(table.partialError, "PartialError/EngineError: Partial query failure: cluster B did not answer");
  });

  it("warns once about truncation sent both inline and in the completion frame with different codes", () => {
    const driver = createKustoDriver({ mask: (t: string) => t } as never) as unknown as { tableOf(r: unknown, s: number, d: unknown): LiveTable };
    const truncation = (code: string) => ({ error: { code, "@message": "Query result set has exceeded the internal record count limit 500000 (E_QUERY_RESULT_SET_TOO_LARGE)." } });
    const table = driver.tableOf({ queryName: "Q" }, 200, [
      { FrameType: "DataTable", TableKind: "PrimaryResult", Columns: [{ ColumnName: "a", ColumnType: "long" }], Rows: [[1], [2], { OneApiErrors: [truncation("LimitsExceeded")] }] },
      { FrameType: "DataSetCompletion", HasErrors: true, OneApiErrors: [truncation("LimitsExceeded/E_QUERY_RESULT_SET_TOO_LARGE")] },
    ]);
    assert.equal(table.rows.length, 2);
    assert.equal(table.warnings.length, 1, table.warnings.join("\n"));
    assert.match(table.warnings[0], /Kusto limit/);
    assert.equal(table.partialError, undefined);
  });
});
