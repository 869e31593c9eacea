/**
 * Files in formats huntlab knows but cannot read (pandas pickles, Excel, EVTX)
 * get an error that says what the format is and how to convert it, naming the
 * file — never "not found".
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { DataFileError } from "../../src/data/messages";
import { QueryProvider } from "../../src/data/queryProvider";
import { readDataFile } from "../../src/data/readers";
import { tempTree } from "../helpers/tmp";

// The first bytes of a pandas pickle (protocol 4): the content is never parsed.
const PICKLE = Buffer.from([0x80, 0x04, 0x95, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x8c, 0x11, 0x70, 0x61, 0x6e, 0x64, 0x61, 0x73]);

const QUERIES = `metadata: {version: 1, description: msticpy data, data_environments: [LocalData], data_families: [WindowsSecurity]}
sources:
  list_processes:
    description: the pickle MSTICPy's query file names
    args: {query: win_proc_test.pkl}
`;

test("a pickle named by a query: Python-only, convert with to_parquet, naming the file", async () => {
  const dir = tempTree({ "d/win_proc_test.pkl": PICKLE, "q/q.yaml": QUERIES });
  const qp = new QueryProvider("LocalData", { dataPaths: [path.join(dir, "d")], queryPaths: [path.join(dir, "q")] });
  await assert.rejects(() => qp.WindowsSecurity.list_processes(), (err: Error) => {
    assert.ok(err instanceof DataFileError);
    assert.equal(err.code, "data/unsupported-format");
    assert.ok(err.message.includes(path.join(dir, "d", "win_proc_test.pkl")), err.message);
    assert.match(err.message, /Python-only/);
    assert.match(err.message, /pd\.read_pickle\("win_proc_test\.pkl"\)\.to_parquet\("win_proc_test\.parquet"\)/);
    assert.doesNotMatch(err.message, /not found/);
    return true;
  });
  await assert.rejects(() => qp.execQuery("win_proc_test.pkl"), { code: "data/unsupported-format", message: /Python-only/ });
  // Once converted, the readable file is used, the pickle still there.
  fs.writeFileSync(path.join(dir, "d", "win_proc_test.csv"), "TimeGenerated,NewProcessName\n2019-01-15 05:15:15,cmd.exe\n");
  const converted = new QueryProvider("LocalData", { dataPaths: [path.join(dir, "d")], queryPaths: [path.join(dir, "q")] });
  assert.equal((await converted.WindowsSecurity.list_processes()).height, 1);
});

test("a folder with a pickle lists it as a query that explains the conversion; Excel likewise (EVTX is read: test/data/schemas/evtxFile.test.ts)", async () => {
  const dir = tempTree({ "proc.pickle": PICKLE, "book.xlsx": "PK\u0003\u0004", "Security.evtx": "ElfFile\u0000" });
  const qp = new QueryProvider("LocalData", { dataPaths: [dir], queryPaths: [] });
  assert.deepEqual(qp.listQueries(), ["LocalData.book", "LocalData.proc", "LocalData.Security"]);
  await assert.rejects(() => qp.LocalData.proc(), { code: "data/unsupported-format", message: /proc\.pickle: "\.pickle" is a Python pickle.*to_parquet\("proc\.parquet"\)/ });
  await assert.rejects(() => qp.LocalData.book(), { code: "data/unsupported-format", message: /book\.xlsx: .*Excel.*CSV/ });
  // Eight bytes of an EVTX file: its header cut, said so (it was a conversion hint when EVTX was not read).
  await assert.rejects(() => qp.LocalData.Security(), { code: "data/file-invalid", message: /Security\.evtx: .*cut inside its 4096-byte file header/ });
  assert.throws(() => readDataFile(path.join(dir, "book.xlsx")), { code: "data/unsupported-format", message: /Save As > CSV/ });
});
