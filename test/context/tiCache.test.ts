/** The TI result cache's file: entries appended as NDJSON lines, read back by the next process. */
import assert from "node:assert/strict";
import fs from "node:fs";
import { test } from "node:test";
import { ResultCache } from "../../src/context/tiCache";
import type { ProviderResult } from "../../src/context/tiProvider";
import { tempDir } from "../helpers/tmp";

const result = (reference: string): ProviderResult => ({ result: true, severity: "information", details: {}, rawResult: {}, reference, status: 0 });

test("an entry written after a torn last line (a crash mid-write) starts a line of its own and is read back", () => {
  const dir = tempDir();
  const options = { ttlMs: 3_600_000, dir, namespace: "twin", label: "Twin" };
  const first = new ResultCache(options);
  first.set("a", result("ref-a"));
  first.flush();
  fs.appendFileSync(first.file as string, '{"k":"torn","w":1,"e":');
  const second = new ResultCache(options);
  second.set("b", result("ref-b"));
  second.flush();
  const third = new ResultCache(options);
  assert.equal(third.get("a")?.reference, "ref-a");
  assert.equal(third.get("b")?.reference, "ref-b", "the entry after the torn line was joined onto it and lost");
  assert.equal(third.get("torn"), undefined);
  assert.ok((fs.readFileSync(first.file as string, "utf8").match(/\n/g) ?? []).length >= 3);
});
