/**
 * A host's Security log mixing 4688 template versions (Windows Server 2012 R2 and older write no Creator Process
 * Name; newer versions do), as a log kept across an in-place upgrade or a collection of several hosts' exports is:
 * the old rows' ParentProcessName is null where the new rows' is set. The old rows' null name stood for "unknown",
 * which no parent's image matched, so each got an inferred parent beside its real one. A row without a parent name
 * is matched by id and time alone, as a file without the column is; the new rows by id, image and time as before.
 */
import assert from "node:assert/strict";
import path from "node:path";
import { describe, it } from "node:test";
import pl from "nodejs-polars";
import { buildProcessTree } from "../../src/index";
import { readDataFile } from "../../src/data/readers";
import { tempTree } from "../helpers/tmp";
import { chain, msg4688, plainExportCsv, type Event, type Proc } from "../data/schemas/winEventExports";

/** Windows Server 2012 R2's 4688 Message: no Target Subject, Mandatory Label nor Creator Process Name. */
const msg4688Old = (p: Proc) =>
  msg4688(p)
    .split("\r\n")
    .filter((line) => !/Creator Process Name|Mandatory Label|^Target Subject:/.test(line))
    .join("\r\n")
    .replace(/\r\n\r\n\tSecurity ID:\t\tS-1-0-0\r\n\tAccount Name:\t\t-\r\n\tAccount Domain:\t\t-\r\n\tLogon ID:\t\t0x0/, "");

const col = (df: pl.DataFrame, name: string) => df.getColumn(name).toArray() as unknown[];

describe("a 4688 log mixing the 2012 R2 template (no Creator Process Name) with newer ones", () => {
  const procs = chain(8);
  const events: Event[] = procs.map((proc) => ({ id: 4688, proc }));
  // Odd rows in the old template; one old row names a parent id no event holds (its parent inferred, as ever).
  const stray: Proc = { pid: 0x2000, image: "C:\\Windows\\System32\\whoami.exe", ppid: 0x3000, pimage: "C:\\x\\gone.exe", cmd: "whoami" };
  const all: Event[] = [...events, { id: 4688, proc: stray }];
  const text = plainExportCsv(all, (e, i) => (e.id === 4688 && (i % 2 === 1 || i === 8) ? msg4688Old(e.proc) : msg4688((e as { proc: Proc }).proc)));
  const df = readDataFile(path.join(tempTree({ "mixed.csv": text }), "mixed.csv"), { warn: () => {} });

  it("the generated file does mix them: the old rows' parent name is null, the new rows' set", () => {
    const tree = buildProcessTree(df, { warn: () => {} });
    const real = tree.filter(pl.col("IsInferred").not());
    assert.equal(real.height, all.length);
    const names = col(real, "ParentProcessName");
    assert.equal(names.filter((n) => n === null).length, 5, String(names));
  });

  it("each process's real parent is its parent, whichever template either wrote; only explorer and the stray's parent inferred", () => {
    const tree = buildProcessTree(df, { warn: () => {} });
    const keyOf = new Map<string, string>();
    for (const r of tree.toRecords() as Record<string, unknown>[]) if (!r.IsInferred) keyOf.set(`${r.NewProcessId}`, String(r.proc_key));
    const parentOf = new Map((tree.toRecords() as Record<string, unknown>[]).filter((r) => !r.IsInferred).map((r) => [`${r.NewProcessId}`, r.parent_key]));
    const hex = (n: number) => `0x${n.toString(16)}`;
    for (const p of procs.slice(1)) assert.equal(parentOf.get(hex(p.pid)), keyOf.get(hex(p.ppid)), `${hex(p.pid)} (${p.image})`);
    const inferred = tree.filter(pl.col("IsInferred"));
    assert.deepEqual(col(inferred, "NewProcessId").sort(), ["0x1a20", "0x3000"]);
    assert.deepEqual(col(inferred, "NewProcessName").sort(), ["C:\\Windows\\explorer.exe", "unknown"].sort());
  });

  it("a new row still needs its parent's image: the id alone does not match another image", () => {
    // Row 2 (new template) names 0x1004 as powershell.exe; an earlier cmd.exe holding 0x1004 first is not its parent.
    const clash = plainExportCsv(
      [{ id: 4688, proc: { pid: 0x1004, image: "C:\\Windows\\System32\\cmd.exe", ppid: 0x1a20, pimage: "C:\\Windows\\explorer.exe", cmd: "cmd" } }, { id: 4688, proc: { pid: 0x1008, image: "C:\\a.exe", ppid: 0x1004, pimage: "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe", cmd: "a" } }, { id: 4688, proc: { pid: 0x100c, image: "C:\\b.exe", ppid: 0x1004, pimage: "x", cmd: "b" } }],
      (e, i) => (i === 2 ? msg4688Old((e as { proc: Proc }).proc) : msg4688((e as { proc: Proc }).proc)),
    );
    const tree = buildProcessTree(readDataFile(path.join(tempTree({ "clash.csv": clash }), "clash.csv"), { warn: () => {} }), { warn: () => {} });
    const rows = (tree.toRecords() as Record<string, unknown>[]).filter((r) => !r.IsInferred);
    const cmd = rows.find((r) => r.NewProcessId === "0x1004")!;
    assert.notEqual(rows.find((r) => r.NewProcessId === "0x1008")!.parent_key, cmd.proc_key, "powershell's child is not cmd's");
    assert.equal(rows.find((r) => r.NewProcessId === "0x100c")!.parent_key, cmd.proc_key, "the old row's child of 0x1004 is cmd's, by id and time");
  });
});
