/**
 * Nested ECS/OCSF exports (`{"process": {"parent": {"pid": …}}}`) map through
 * the schemas exactly as their dotted-key forms do (`"process.parent.pid"`):
 * the fixtures in test/fixtures/schemas/nested are the dotted ones nested by
 * make_nested.mjs.
 */
import assert from "node:assert/strict";
import path from "node:path";
import { describe, it } from "node:test";
import pl from "nodejs-polars";
import "../../../src/index"; // registers the process tree's schemas
import { buildProcessTree, ptree } from "../../../src/index";
import { readDataFile } from "../../../src/data/readers";
import { detectEventSchema, labColumnNames, normalizeEvents } from "../../../src/data/schemas/index";
import type { EventKind } from "../../../src/data/schemas/index";

const FIX = path.join(__dirname, "..", "..", "fixtures", "schemas");

const CASES: { flat: string; nested: string; kind: EventKind; columns: string[] }[] = [
  { flat: "process/ecs.ndjson", nested: "nested/process_ecs.ndjson", kind: "process", columns: ["TimeGenerated", "Computer", "Account", "NewProcessName", "CommandLine", "ParentProcessName", "process.pid", "process.parent.pid"] },
  { flat: "process/ocsf.ndjson", nested: "nested/process_ocsf.ndjson", kind: "process", columns: ["TimeGenerated", "Computer", "Account", "NewProcessName", "CommandLine", "ParentProcessName", "process.pid", "process.parent_process.pid"] },
  { flat: "logon/ecs_sshd_auth.ndjson", nested: "nested/logon_ecs_sshd_auth.ndjson", kind: "logon", columns: labColumnNames("logon") },
  { flat: "logon/ecs_azure_signins.ndjson", nested: "nested/logon_ecs_azure_signins.ndjson", kind: "logon", columns: labColumnNames("logon") },
];

/** A column's values as comparable text (times as ISO, numbers as numbers), or undefined when the frame lacks it. */
function values(df: pl.DataFrame, name: string): unknown[] | undefined {
  if (!df.columns.includes(name)) return undefined;
  return (df.getColumn(name).toArray() as unknown[]).map((v) => (v instanceof Date ? v.toISOString() : typeof v === "bigint" ? Number(v) : v));
}

describe("nested ECS/OCSF exports map as their dotted forms do", () => {
  for (const c of CASES) {
    it(`${c.nested} (${c.kind})`, () => {
      const flat = readDataFile(path.join(FIX, c.flat));
      const nested = readDataFile(path.join(FIX, c.nested));
      assert.ok(nested.columns.length < flat.columns.length, "the nested file has struct columns");
      assert.ok(nested.columns.some((n) => nested.getColumn(n).dtype.variant === "Struct"));
      assert.equal(detectEventSchema(nested, c.kind).name, detectEventSchema(flat, c.kind).name);
      const a = normalizeEvents(flat, c.kind);
      const b = normalizeEvents(nested, c.kind);
      let compared = 0;
      for (const name of c.columns) {
        const want = values(a, name);
        if (want === undefined) continue;
        assert.deepEqual(values(b, name), want, name);
        compared += 1;
      }
      assert.ok(compared >= 5, `compared ${compared} columns`);
    });
  }

  it("a process tree from nested OCSF equals the one from dotted OCSF", () => {
    const summary = (rel: string) => ptree.getSummaryInfo(buildProcessTree(normalizeEvents(readDataFile(path.join(FIX, rel)), "process")));
    assert.deepEqual(summary("nested/process_ocsf.ndjson"), summary("process/ocsf.ndjson"));
  });

  it("buildProcessTree reads nested ECS and OCSF exports as read, without normalizeEvents", () => {
    const links = (rel: string) => {
      const tree = buildProcessTree(readDataFile(path.join(FIX, rel)));
      return ["proc_key", "parent_key", "path"].map((c) => tree.getColumn(c).toArray());
    };
    assert.deepEqual(links("nested/process_ecs.ndjson"), links("process/ecs.ndjson"));
    assert.deepEqual(links("nested/process_ocsf.ndjson"), links("process/ocsf.ndjson"));
  });
});
