/**
 * `metadata.schema: process | logon | networkFlow` passes a query's result
 * through the event-schema mapping (normalizeEvents), naming the query and its
 * file; an unknown schema name is an error naming the query file.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { QueryDefinitionError } from "../../src/data/messages";
import { QueryProvider } from "../../src/data/queryProvider";
import { parseQueryFile } from "../../src/data/queryStore";
import { tempTree } from "../helpers/tmp";

const LAB_DATA = path.join(__dirname, "..", "..", "data");

const yaml = (schema: string) => `metadata: {version: 1, description: s, data_environments: [LocalData], data_families: [Mine]}
sources:
  logons:
    description: logons
    metadata: {schema: ${schema}}
    args: {query: logons.parquet}
  odd:
    description: not logons at all
    metadata: {schema: ${schema}}
    args: {query: odd.csv}
`;

test("an unknown schema name is an error naming the query file and query", () => {
  assert.throws(() => parseQueryFile("/q/mine.yaml", yaml("logins")), (err: Error) => {
    assert.ok(err instanceof QueryDefinitionError);
    assert.equal(err.code, "data/unknown-schema");
    assert.match(err.message, /^\/q\/mine\.yaml: query "logons": unknown schema "logins".*known: process, logon, networkFlow.*Did you mean logon\?/);
    return true;
  });
  const [q] = parseQueryFile("/q/mine.yaml", yaml("logon"));
  assert.equal(q.schema, "logon");
});

test("a query with a schema returns its frame through normalizeEvents, which names the query and file", async () => {
  const dir = tempTree({ "q/mine.yaml": yaml("logon"), "d/odd.csv": "Foo,Bar\n1,2\n" });
  fs.copyFileSync(path.join(LAB_DATA, "host_logons.parquet"), path.join(dir, "d", "logons.parquet"));
  const qp = new QueryProvider("LocalData", { dataPaths: [path.join(dir, "d")], queryPaths: [path.join(dir, "q")] });
  assert.match(qp.Mine.logons.help(), /schema: logon/);
  // The lab's own layout goes through as it is.
  assert.equal((await qp.Mine.logons()).height, 164);
  // A frame that fits no logon schema: the mapping's error names the query and its file.
  await assert.rejects(() => qp.Mine.odd(), (err: Error & { code?: string }) => {
    assert.equal(err.code, "data/event-schema-unknown");
    assert.ok(err.message.includes("Mine.odd (odd.csv)"), err.message);
    return true;
  });
});
