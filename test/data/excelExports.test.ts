/**
 * Files as Excel saves a sheet: "Unicode Text" (a `.txt`, UTF-16 LE with its byte-order mark, tab-delimited, CRLF)
 * and "Text (Tab delimited)" (a `.txt` in the machine's code page). A `.txt` was read only as wevtutil's or
 * Event Viewer's text: an analyst's sheet saved so was an error, and no query in a data folder.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import "../../src/index";
import { readDataFile } from "../../src/data/readers";
import { QueryProvider } from "../../src/data/queryProvider";
import { tempDir } from "../helpers/tmp";

const SHEET = "TimeGenerated\tComputer\tCommandLine\tProcessId\r\n2026-12-07 08:15:00\tHOST1\tcmd.exe /c \"whoami\"\t4242\r\n2026-12-07 09:30:00\tHÔTE-2\tpowershell -nop\t17\r\n";

/** Excel's Unicode Text: UTF-16 LE after its byte-order mark. */
const unicodeText = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);

describe("readDataFile: tab-delimited .txt as Excel saves it", () => {
  for (const [form, bytes] of [
    ["Unicode Text (UTF-16 LE)", unicodeText(SHEET)],
    ["Text (Tab delimited)", Buffer.from(SHEET, "utf8")],
  ] as const) {
    it(`${form}: read as a .tsv, its times parsed and its text intact; a query in a data folder`, async () => {
      const dir = tempDir();
      const file = path.join(dir, "sheet.txt");
      fs.writeFileSync(file, bytes);
      const df = readDataFile(file);
      assert.deepEqual(df.columns, ["TimeGenerated", "Computer", "CommandLine", "ProcessId"]);
      assert.equal(df.getColumn("TimeGenerated").dtype.variant, "Datetime");
      assert.deepEqual(df.getColumn("Computer").toArray(), ["HOST1", "HÔTE-2"]);
      assert.deepEqual(df.getColumn("CommandLine").toArray(), ['cmd.exe /c "whoami"', "powershell -nop"]);
      assert.deepEqual(df.getColumn("ProcessId").toArray(), [4242, 17]);
      const qp = new QueryProvider("LocalData", { dataPaths: [dir] });
      const rows = await qp.execQuery("LocalData.sheet", { start: "2026-12-07T09:00:00Z", end: "2026-12-08" });
      assert.deepEqual(rows.getColumn("ProcessId").toArray(), [17]);
    });
  }

  it("a .txt with a tab in its first line only (notes) is still no data source: readDataFile says what a .txt may be", async () => {
    const dir = tempDir();
    const file = path.join(dir, "notes.txt");
    fs.writeFileSync(file, "Hunt notes:\tday 1\nlook at cmd.exe\n");
    assert.throws(() => readDataFile(file), (e: Error & { code?: string }) => e.code === "data/file-invalid" && /notes\.txt/.test(e.message) && /Unicode Text/.test(e.message));
    const qp = new QueryProvider("LocalData", { dataPaths: [dir] });
    assert.ok(!qp.listQueries().some((q: string) => /notes/.test(q)), qp.listQueries().join(", "));
  });
});
