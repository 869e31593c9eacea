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

describe("readDataFile: decimal commas of a European Excel CSV (`;`) and tab-delimited text", () => {
  const NBSP = "\u00a0";
  const HEADER = "Computer;CPU;Betrag;Version;Ports;Id;Tausend;Notiz;Lang;Plus;Ziffern;Paare;Anteil";
  const ROWS = [
    "H1;12,5;1.234,5;1,2,3;80,443;0012,5;1,234;a, b;1234567890123456,5;+12,5;١٢,٥;4624,4672;0,125",
    "H2;3;-0,25;2,0,1;22;0013,5;2,500;c;1,5;  ;3,5;12,5;-3,1416",
    `H3;;1${NBSP}234,75;1,2;;;;d;2;7;4;8080,8443;1.234,567`,
  ];
  const expectTypes = (df: ReturnType<typeof readDataFile>) => {
    assert.deepEqual(df.getColumn("CPU").toArray(), [12.5, 3, null], "a whole value beside decimal ones, an empty cell");
    assert.deepEqual(df.getColumn("Betrag").toArray(), [1234.5, -0.25, 1234.75], "thousands grouped by a dot or a no-break space");
    assert.deepEqual(df.getColumn("Plus").toArray(), [12.5, null, 7], "a sign; a value of spaces is no value");
    assert.deepEqual(df.getColumn("Anteil").toArray(), [0.125, -3.1416, 1234.567], "three or more decimals after 0, a sign or dot groups");
    // A pair of numbers (`4624,4672`, `8080,8443`) reads as a decimal too: one keeps its column text, `12,5` beside it as well.
    assert.deepEqual(df.getColumn("Paare").toArray(), ["4624,4672", "12,5", "8080,8443"]);
    // Not numbers: a version or list, a port list or thousands (every comma followed by 3 digits), an id with a
    // leading zero, text with a comma, more digits than a Float64 holds, digits of another script.
    for (const c of ["Version", "Ports", "Id", "Tausend", "Notiz", "Lang", "Ziffern", "Paare"]) assert.equal(df.getColumn(c).dtype.variant, "String", c);
    assert.deepEqual(df.getColumn("Version").toArray(), ["1,2,3", "2,0,1", "1,2"]);
    assert.deepEqual(df.getColumn("Lang").toArray(), ["1234567890123456,5", "1,5", "2"]);
  };

  it("with Excel's sep=; line (CRLF): a column of decimal-comma numbers is Float64; ids, versions, lists and text stay text", () => {
    const file = path.join(tempDir(), "excel.csv");
    fs.writeFileSync(file, ["sep=;", HEADER, ...ROWS].join("\r\n") + "\r\n");
    expectTypes(readDataFile(file));
  });

  it("without the sep= line (the separator sniffed from the header), and a late value past the type sample keeps its column text", () => {
    const file = path.join(tempDir(), "excel.csv");
    fs.writeFileSync(file, [HEADER, ...ROWS].join("\n") + "\n");
    expectTypes(readDataFile(file));
    const late = path.join(tempDir(), "late.csv");
    const many = Array.from({ length: 40 }, (_, i) => `H${i};${i},5`);
    fs.writeFileSync(late, ["Computer;Load", ...many, "H40;n/a"].join("\n") + "\n");
    assert.equal(readDataFile(late, { inferSchemaLength: 5 }).getColumn("Load").dtype.variant, "String");
    fs.writeFileSync(late, ["Computer;Load", ...many].join("\n") + "\n");
    assert.deepEqual(readDataFile(late, { inferSchemaLength: 5 }).getColumn("Load").toArray().slice(0, 3), [0.5, 1.5, 2.5]);
  });

  for (const [form, encode] of [
    ["Text (Tab delimited)", (t: string) => Buffer.from(t, "utf8")],
    ["Unicode Text (UTF-16 LE)", unicodeText],
  ] as const) {
    it(`a German Excel's ${form} .txt: the same columns are Float64 and the same stay text, as in a \`;\` file`, () => {
      const file = path.join(tempDir(), "blatt.txt");
      fs.writeFileSync(file, encode([HEADER, ...ROWS].map((l) => l.replaceAll(";", "\t")).join("\r\n") + "\r\n"));
      expectTypes(readDataFile(file));
    });
  }

  it("a tab-delimited file whose numbers have decimal dots (an en-US sheet) keeps \"12,5\" as text; a .tsv with commas only reads them as decimals", () => {
    const dir = tempDir();
    const us = path.join(dir, "us.txt");
    fs.writeFileSync(us, "Computer\tCPU\tPair\r\nH1\t12.5\t12,5\r\nH2\t3.25\t3,5\r\n");
    const df = readDataFile(us);
    assert.deepEqual(df.getColumn("CPU").toArray(), [12.5, 3.25]);
    assert.deepEqual(df.getColumn("Pair").toArray(), ["12,5", "3,5"]);
    const tsv = path.join(dir, "de.tsv");
    fs.writeFileSync(tsv, "Computer\tCPU\tPorts\nH1\t12,5\t80,443\nH2\t3\t22\n");
    const de = readDataFile(tsv);
    assert.deepEqual(de.getColumn("CPU").toArray(), [12.5, 3]);
    assert.deepEqual(de.getColumn("Ports").toArray(), ["80,443", "22"]);
  });

  it("a list of whole numbers (`22,80`, ports) stays text in a tab or `;` file; decimals Excel writes with fixed places (`22,80`, `3,00`) are numbers", () => {
    const dir = tempDir();
    for (const sep of ["\t", ";"]) {
      // Ports: `22,80` beside one port. Excel's General format drops a fraction's trailing zeros (22,8), and a fixed
      // format writes every value with the same places (443 as 443,00): as a decimal, `22,80` fits neither.
      const ports = path.join(dir, sep === "\t" ? "ports.tsv" : "ports.csv");
      fs.writeFileSync(ports, ["Host", "Ports", "Load"].join(sep) + "\n" + [["H1", "22,80", "12,5"], ["H2", "443", "3"], ["H3", "25,53", "0,75"]].map((r) => r.join(sep)).join("\n") + "\n");
      const df = readDataFile(ports);
      assert.deepEqual(df.getColumn("Ports").toArray(), ["22,80", "443", "25,53"], `ports (${JSON.stringify(sep)})`);
      assert.deepEqual(df.getColumn("Load").toArray(), [12.5, 3, 0.75], `General-format decimals (${JSON.stringify(sep)})`);
      // A fixed two-place format: every value has its places, a trailing zero included; proven decimals (0,50, -1,10, 1.234,50) too.
      const fixed = path.join(dir, sep === "\t" ? "fixed.tsv" : "fixed.csv");
      fs.writeFileSync(fixed, ["Host", "Price", "Delta"].join(sep) + "\n" + [["H1", "22,80", "0,50"], ["H2", "443,00", "-1,10"], ["H3", "25,53", "1.234,50"], ["H4", "", "7"]].map((r) => r.join(sep)).join("\n") + "\n");
      const read = readDataFile(fixed);
      assert.deepEqual(read.getColumn("Price").toArray(), [22.8, 443, 25.53, null], `fixed places (${JSON.stringify(sep)})`);
      assert.deepEqual(read.getColumn("Delta").toArray(), [0.5, -1.1, 1234.5, 7], `proven decimals (${JSON.stringify(sep)})`);
    }
  });

  it("a comma-separated file's quoted \"12,5\" stays text: only a `;` or tab file is read with decimal commas", () => {
    const file = path.join(tempDir(), "us.csv");
    fs.writeFileSync(file, 'Computer,CPU\nH1,"12,5"\nH2,"3,25"\n');
    assert.deepEqual(readDataFile(file).getColumn("CPU").toArray(), ["12,5", "3,25"]);
  });
});
