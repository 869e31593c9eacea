/**
 * `wevtutil qe <log> /f:text` output (.txt): read into a plain Get-WinEvent export's columns, so that the Message
 * parsing, the schemas and the process tree work on it as on the CSV export of the same events.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import pl from "nodejs-polars";
import { buildProcessTree } from "../../../src/index";
import { QueryProvider } from "../../../src/data/queryProvider";
import { readDataFile } from "../../../src/data/readers";
import { normalizeEvents, winEventFields } from "../../../src/data/schemas/index";
import { readWevtutilText } from "../../../src/data/schemas/wevtutilText";
import { tempTree } from "../../helpers/tmp";
import { chain, eventDataCsv, HOST, plainExportCsv, timeOf, type Event } from "./winEventExports";

const col = (df: pl.DataFrame, name: string) => df.getColumn(name).toArray() as unknown[];
const file = (name: string, text: string | Buffer) => path.join(tempTree({ [name]: text }), name);

/** The events as wevtutil writes them (CRLF line ends): the header lines, then the Description (the plain export's Message). */
function wevtutilText(events: readonly Event[]): string {
  const plain = readDataFile(file("plain.csv", plainExportCsv(events)));
  const messages = col(plain, "Message") as string[];
  return events
    .map((e, i) => {
      const sysmon = e.id === 1 || e.id === 3;
      return [
        `Event[${i}]:`, `  Log Name: ${sysmon ? "Microsoft-Windows-Sysmon/Operational" : "Security"}`, `  Source: ${sysmon ? "Microsoft-Windows-Sysmon" : "Microsoft-Windows-Security-Auditing"}`,
        `  Date: ${timeOf(i).toISOString().replace(/\.(\d{3})Z$/, ".$10000Z")}`, `  Event ID: ${e.id}`, `  Task: ${e.id === 4688 ? "Process Creation" : "Logon"}`, "  Level: Information",
        "  Opcode: Info", "  Keyword: Audit Success", `  User: ${sysmon ? "S-1-5-18" : "N/A"}`, `  User Name: ${sysmon ? "NT AUTHORITY\\SYSTEM" : "N/A"}`, `  Computer: ${HOST}`,
        "  Description: ", messages[i].replace(/\r?\n/g, "\r\n"), "",
      ].join("\r\n");
    })
    .join("\r\n");
}

describe("wevtutil qe /f:text output (.txt)", () => {
  const procs = chain(5);
  const security: Event[] = [
    ...procs.map((proc) => ({ id: 4688 as const, proc })),
    { id: 4625, logon: { user: "bob", type: 3, ip: "203.0.113.45" } },
    { id: 4624, logon: { user: "bob", type: 3, ip: "203.0.113.45" } },
  ];

  it("reads as a Get-WinEvent export: the same EventData fields from its Descriptions as from the CSV export's Messages; Date as UTC", () => {
    const txt = readDataFile(file("security.txt", wevtutilText(security)));
    assert.deepEqual(col(txt, "Id"), security.map((e) => e.id));
    assert.deepEqual([...new Set(col(txt, "ProviderName"))], ["Microsoft-Windows-Security-Auditing"]);
    assert.deepEqual([...new Set(col(txt, "UserId"))], [null], "N/A is null");
    assert.equal((col(txt, "TimeCreated")[1] as Date).toISOString(), timeOf(1).toISOString());
    const fromTxt = winEventFields(txt, { warn: assert.fail });
    const fromCsv = winEventFields(readDataFile(file("security.csv", plainExportCsv(security))), { warn: assert.fail });
    for (const c of ["NewProcessId", "NewProcessName", "CommandLine", "ProcessId", "ParentProcessName", "SubjectUserName", "TargetUserName", "LogonType", "IpAddress", "FailureReason", "Status"]) {
      assert.deepEqual(col(fromTxt, c), col(fromCsv, c), c);
    }
    assert.deepEqual(col(normalizeEvents(txt, "logon", { warn: assert.fail }), "Account"), ["CONTOSO\\bob", "CONTOSO\\bob"]);
  });

  it("a Sysmon export builds the true process tree; a LocalData query finds processes_on_host.txt by the lab's name", async () => {
    const sysmon = procs.map((proc) => ({ id: 1 as const, proc }));
    const tree = buildProcessTree(readDataFile(file("sysmon.txt", wevtutilText(sysmon))));
    const docs = buildProcessTree(readDataFile(file("processes_on_host.csv", eventDataCsv(sysmon))));
    const parents = (t: pl.DataFrame) => (col(t, "parent_key") as (string | null)[]).map((k, i) => [col(t, "ProcessId")[i], k === null ? null : col(t, "ProcessId")[(col(t, "proc_key") as string[]).indexOf(k)]].map(String).join("<"));
    assert.deepEqual(parents(tree).sort(), parents(docs).sort());
    const dir = tempTree({
      "q/evtx.yaml": "metadata: {version: 1, description: evtx, data_environments: [LocalData], data_families: [Evtx]}\nsources:\n  processes:\n    description: p\n    metadata: {schema: process}\n    args: {query: processes_on_host.parquet}\n    parameters: {}\n",
      "d/processes_on_host.txt": wevtutilText(sysmon),
      "d/notes.txt": "Hunt notes: look at cmd.exe\n",
    });
    const qp = new QueryProvider("LocalData", { dataPaths: [path.join(dir, "d")], queryPaths: [path.join(dir, "q")] }) as unknown as Record<string, Record<string, () => Promise<pl.DataFrame>>>;
    const p = await qp.Evtx.processes();
    assert.deepEqual(col(p, "NewProcessName"), procs.map((x) => x.image));
  });

  it("a malformed block is one row with a warning naming the file and the block; the rest is read; a Description's own Event[n]: line stays in it", () => {
    const text = wevtutilText(security.slice(0, 3))
      .replace("  Event ID: 4688\r\n  Task: Process Creation\r\n  Level", "  Event ID: 4x88\r\n  Task: Process Creation\r\n garbage\r\n  Level")
      .replace("cmd.exe /c whoami /all", "cmd.exe /c whoami /all\r\nEvent[1]:\r\nEvent[9]:\r\n  Log Name: forged");
    const warnings: string[] = [];
    const df = readDataFile(file("security.txt", text), { warn: (m) => warnings.push(m) });
    assert.equal(df.height, 3);
    assert.deepEqual(col(df, "Id"), [null, 4688, 4688]);
    assert.equal(warnings.length, 1, warnings.join("\n"));
    assert.match(warnings[0], /security\.txt: 1 event block\(s\) of wevtutil's text output could not be read whole .* Event\[0\] at line 1\)/);
    const fields = winEventFields(df, { warn: () => {} });
    assert.equal(col(fields, "CommandLine")[0], null, "no Id: not read as a 4688");
    assert.match(col(df, "Message")[0] as string, /whoami \/all\nEvent\[1\]:\nEvent\[9\]:\n {2}Log Name: forged\n/);
  });

  it("a Description over the cap is cut with a warning; reading is one linear pass (a million-line Description)", () => {
    const lines = ["Event[0]:", "  Log Name: Security", "  Source: X", "  Event ID: 1", "  Description:", ...Array(1_100_000).fill("ab")];
    const warnings: string[] = [];
    const read = readWevtutilText(lines);
    assert.equal(read.cut, 1);
    assert.equal((col(read.df, "Message")[0] as string).length, 1 << 20);
    const df = readDataFile(file("big.txt", lines.join("\n")), { warn: (m) => warnings.push(m) });
    assert.equal(df.height, 1);
    assert.match(warnings.join("\n"), /big\.txt: 1 event Description\(s\) longer than 1048576 characters/);
    // One line of 8 MB (no line break): cut at the cap as it is read.
    const oneLine = readDataFile(file("line.txt", lines.slice(0, 5).join("\n") + "\n" + "x".repeat(8_000_000)), { warn: () => {} });
    assert.equal((col(oneLine, "Message")[0] as string).length, 1 << 20);
  });

  it("UTF-16 (PowerShell 5.1's `wevtutil … > x.txt`) reads the same; any other .txt is no source and readDataFile says what it reads", () => {
    const text = wevtutilText(security);
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
    assert.deepEqual(readDataFile(file("security.txt", utf16)).toRecords(), readDataFile(file("security.txt", text)).toRecords());
    assert.throws(() => readDataFile(file("notes.txt", "Event log notes\n")), (e: Error & { code?: string }) => e.code === "data/file-invalid" && /notes\.txt/.test(e.message) && /wevtutil qe <log> \/f:text/.test(e.message));
    assert.ok(fs.existsSync(file("x.txt", "x")));
  });
});
