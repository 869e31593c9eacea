/**
 * A child that starts a few ms before its parent (two sources' clocks apart, events without GUIDs): no process with
 * the parent's id on the host at or before the child, so the tree invented ("inferred") a parent beside the real one
 * that starts 2 ms later. Now the child is linked to that one when it is the only process with the parent's id (and
 * image) starting within PARENT_CLOCK_SKEW_MS (1 s) after it, with a warning; never when several do, when it starts
 * later than that, when an earlier one exists, or when the link would close a loop. Fixtures written here.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import pl from "nodejs-polars";
import { buildProcessTree } from "../../src/transform/processTree";
import { PARENT_CLOCK_SKEW_MS } from "../../src/transform/processTreeSteps";
import { events4688 as rows4688, type Row4688 } from "../helpers/processEvents";

const col = <T>(df: pl.DataFrame, name: string) => df.getColumn(name).toArray() as T[];

/** Security 4688 rows without GUIDs on this file's day: [time, host, pid, image, parent pid, parent image]. */
const events4688 = (rows: Row4688[]): pl.DataFrame => rows4688(rows, { day: "2024-03-05", logonId: "0x3e7" });

function build(df: pl.DataFrame) {
  const warnings: string[] = [];
  const tree = buildProcessTree(df, { warn: (m) => warnings.push(m) });
  const parentImage = (image: string) => {
    // The event's row, not an inferred process of the same image.
    const row = col<string>(tree, "NewProcessName").findIndex((name, i) => name === image && !col<boolean>(tree, "IsInferred")[i]);
    const parent = col<string | null>(tree, "parent_key")[row];
    const at = col<string>(tree, "proc_key").indexOf(parent as string);
    return at < 0 ? null : `${col<string>(tree, "NewProcessName")[at]}${col<boolean>(tree, "IsInferred")[at] ? " (inferred)" : ""}`;
  };
  return { tree, warnings, parentImage };
}

const EXPLORER = "C:\\Windows\\explorer.exe";
const CMD = "C:\\Windows\\System32\\cmd.exe";
const WHOAMI = "C:\\Windows\\System32\\whoami.exe";

describe("buildProcessTree: a child a few ms before its parent (clocks apart, no GUIDs)", () => {
  it("is linked to the parent that starts 2 ms later, with a warning naming both; no parent is invented", () => {
    const { tree, warnings, parentImage } = build(
      events4688([
        ["09:00:00.000", "ws1", "0x200", CMD, "0x100", EXPLORER],
        ["09:00:00.002", "ws1", "0x100", EXPLORER, "0x4", "C:\\Windows\\System32\\userinit.exe"],
        ["09:00:05.000", "ws1", "0x300", WHOAMI, "0x200", CMD],
      ]),
    );
    assert.equal(parentImage(CMD), EXPLORER);
    assert.equal(parentImage(WHOAMI), CMD);
    assert.deepEqual(col<string>(tree.filter(pl.col("IsInferred")), "NewProcessName"), ["C:\\Windows\\System32\\userinit.exe"], "only explorer's own missing parent");
    assert.equal(warnings.length, 1, warnings.join("\n"));
    assert.match(
      warnings[0],
      /^buildProcessTree: 1 process starts before the parent its parent id names \(sources' clocks apart\), e\.g\. "C:\\\\Windows\\\\System32\\\\cmd\.exe" \[0x200\] \(input row 0\) 2 ms before "C:\\\\Windows\\\\explorer\.exe" \[0x100\] \(input row 1\): .* at most 1000 ms after it/,
    );
  });

  it("by id alone where the events name no parent image (Windows Server 2012 R2's 4688), on its own host only", () => {
    const { warnings, parentImage } = build(
      events4688([
        ["09:00:00.000", "ws1", "0x200", CMD, "0x100", null],
        ["09:00:00.400", "ws2", "0x100", "C:\\other.exe", "0x4", null],
        ["09:00:00.900", "ws1", "0x100", EXPLORER, "0x4", null],
      ]),
    );
    assert.equal(parentImage(CMD), EXPLORER);
    assert.equal(warnings.filter((w) => /starts before the parent/.test(w)).length, 1, warnings.join("\n"));
  });

  it("not past the skew, not when two could be the parent, not over an earlier parent, never into a loop", () => {
    const late = build(events4688([["09:00:00.000", "ws1", "0x200", CMD, "0x100", EXPLORER], ["09:00:01.010", "ws1", "0x100", EXPLORER, "0x4", "C:\\userinit.exe"]]));
    assert.ok(PARENT_CLOCK_SKEW_MS < 1010);
    assert.equal(late.parentImage(CMD), `${EXPLORER} (inferred)`);
    assert.deepEqual(late.warnings, []);
    const two = build(
      events4688([
        ["09:00:00.000", "ws1", "0x200", CMD, "0x100", EXPLORER],
        ["09:00:00.002", "ws1", "0x100", EXPLORER, "0x4", "C:\\userinit.exe"],
        ["09:00:00.500", "ws1", "0x100", EXPLORER, "0x4", "C:\\userinit.exe"],
      ]),
    );
    assert.equal(two.parentImage(CMD), `${EXPLORER} (inferred)`, "two explorer.exe 0x100 within the skew: which is unknown");
    assert.deepEqual(two.warnings, []);
    const earlier = build(
      events4688([
        ["08:00:00.000", "ws1", "0x100", EXPLORER, "0x4", "C:\\userinit.exe"],
        ["09:00:00.000", "ws1", "0x200", CMD, "0x100", EXPLORER],
        ["09:00:00.002", "ws1", "0x100", EXPLORER, "0x4", "C:\\userinit.exe"],
      ]),
    );
    assert.equal(col<string>(earlier.tree, "parent_key")[col<string>(earlier.tree, "NewProcessName").indexOf(CMD)], "c:\\windows\\explorer.exe|0x100|2024-03-05 08:00:00.000000", "the explorer.exe 0x100 at or before it");
    assert.deepEqual(earlier.warnings, []);
    // a.exe 0x1 names 0x2 as its parent, and b.exe 0x2 (2 ms later) names 0x1: linking a.exe under b.exe would close a loop.
    const loop = build(events4688([["09:00:00.000", "ws1", "0x1", "C:\\a.exe", "0x2", "C:\\b.exe"], ["09:00:00.002", "ws1", "0x2", "C:\\b.exe", "0x1", "C:\\a.exe"]]));
    assert.equal(loop.parentImage("C:\\b.exe"), "C:\\a.exe");
    assert.equal(loop.parentImage("C:\\a.exe"), "C:\\b.exe (inferred)");
    assert.deepEqual(loop.warnings, []);
    // A loop through a link made here: x.exe is linked under b.exe (2 ms later), then b.exe may not go under c.exe,
    // whose parent found by id is x.exe.
    const through = build(
      events4688([
        ["09:00:00.000", "ws1", "0x1", "C:\\x.exe", "0x2", "C:\\b.exe"],
        ["09:00:00.002", "ws1", "0x2", "C:\\b.exe", "0x3", "C:\\c.exe"],
        ["09:00:00.004", "ws1", "0x3", "C:\\c.exe", "0x1", "C:\\x.exe"],
      ]),
    );
    assert.equal(through.parentImage("C:\\x.exe"), "C:\\b.exe");
    assert.equal(through.parentImage("C:\\c.exe"), "C:\\x.exe");
    assert.equal(through.parentImage("C:\\b.exe"), "C:\\c.exe (inferred)");
  });

  it("under a parent at any depth (the loop check once walked at most 4,096 ancestors per child)", () => {
    const depth = 5000;
    const rows: [string, string, string, string, string, string | null][] = [];
    const at = (ms: number) => new Date(Date.UTC(2024, 2, 5, 9) + ms).toISOString().slice(11, 23);
    for (let k = 0; k < depth; k += 1) rows.push([at(k * 10), "ws1", `0x${(0x1000 + k).toString(16)}`, CMD, `0x${(0xfff + k).toString(16)}`, k ? CMD : EXPLORER]);
    // whoami names the chain's last cmd.exe, which starts 2 ms after it.
    rows.push([at((depth - 1) * 10 - 2), "ws1", "0x9", WHOAMI, `0x${(0xfff + depth).toString(16)}`, CMD]);
    const { parentImage, tree } = build(events4688(rows));
    assert.equal(parentImage(WHOAMI), CMD);
    assert.equal(col<boolean>(tree, "IsInferred").filter(Boolean).length, 1, "only the chain's own missing parent (explorer.exe)");
  });
});
