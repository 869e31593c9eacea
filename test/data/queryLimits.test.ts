/**
 * Query files are parsed once, in linear time, within limits: a file over the
 * size or key limit is an error naming the file and the limit; a large file
 * within them loads whole; duplicate keys are still errors with a position.
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path, { join } from "node:path";
import { test } from "node:test";
import YAML from "yaml";
import { QueryDefinitionError } from "../../src/data/messages";
import { QueryProvider } from "../../src/data/queryProvider";
import { loadQueries, MAX_QUERY_FILE_BYTES, MAX_QUERY_FILE_KEYS, parseQueryFile } from "../../src/data/queryStore";
import { tempTree } from "../helpers/tmp";

const HEAD = `metadata:
  version: 1
  description: limits
  data_environments: [LocalData]
  data_families: [Big]
`;

/** A query file with `count` queries (10 keys each). */
function manyQueries(count: number): string {
  const lines = [HEAD, "sources:"];
  for (let i = 0; i < count; i += 1) {
    lines.push(`  q${i}:`, `    description: query ${i}`, `    args: {query: data${i % 7}.csv}`, `    parameters:`, `      host: {description: host, type: str, default: h${i}, column: Computer}`);
  }
  return lines.join("\n") + "\n";
}

/** A valid query file whose defaults hold one flow map of `keys` keys (40k keys ≈ 564 KB). */
function flowMapFile(keys: number): string {
  const map = Array.from({ length: keys }, (_, i) => `key${String(i).padStart(6, "0")}: 1`).join(", ");
  return `${HEAD}defaults:\n  metadata: {${map}}\nsources:\n  q1:\n    description: one\n    args: {query: a.csv}\n`;
}

test("a 40k-key flow map (≈564 KB) is refused with an error naming the file and the key limit", () => {
  const text = flowMapFile(40_000);
  assert.ok(text.length > 500_000 && text.length < MAX_QUERY_FILE_BYTES);
  const dir = tempTree({ "queries/huge.yaml": text, "data/a.csv": "x\n1\n" });
  assert.throws(
    () => new QueryProvider("LocalData", { dataPaths: [path.join(dir, "data")], queryPaths: [path.join(dir, "queries")] }),
    (err: Error) => {
      assert.ok(err instanceof QueryDefinitionError, err.name);
      assert.equal(err.code, "data/query-yaml-limit");
      assert.ok(err.message.includes(path.join(dir, "queries", "huge.yaml")), err.message);
      assert.match(err.message, new RegExp(`more than ${MAX_QUERY_FILE_KEYS.toLocaleString("en-US")} keys`));
      return true;
    },
  );
});

test("a file over the size limit is refused before it is parsed", () => {
  const text = `${HEAD}# ${"x".repeat(MAX_QUERY_FILE_BYTES)}\n`;
  const dir = tempTree({ "big.yaml": text });
  const file = path.join(dir, "big.yaml");
  let parsed = 0;
  const original = YAML.parseDocument;
  (YAML as { parseDocument: typeof YAML.parseDocument }).parseDocument = ((...args: Parameters<typeof YAML.parseDocument>) => {
    parsed += 1;
    return original(...args);
  }) as typeof YAML.parseDocument;
  try {
    for (const run of [() => loadQueries([dir], "LocalData"), () => parseQueryFile(file)]) {
      assert.throws(run, (err: Error) => {
        assert.ok(err instanceof QueryDefinitionError);
        assert.equal(err.code, "data/query-yaml-limit");
        assert.ok(err.message.startsWith(`${file}: `), err.message);
        assert.match(err.message, /4 MiB/);
        return true;
      });
    }
  } finally {
    (YAML as { parseDocument: typeof YAML.parseDocument }).parseDocument = original;
  }
  assert.equal(parsed, 0);
});

test("a large file within the limits loads whole, parsed once", () => {
  const queries = 1_500;
  const dir = tempTree({ "many.yaml": manyQueries(queries), "other.yaml": HEAD.replace("[LocalData]", "[Kusto]") + "sources: {x: {args: {query: y}}}\n" });
  let parses = 0;
  const originals = { parseDocument: YAML.parseDocument, parse: YAML.parse };
  const yaml = YAML as { parseDocument: typeof YAML.parseDocument; parse: typeof YAML.parse };
  yaml.parseDocument = ((...args: Parameters<typeof YAML.parseDocument>) => {
    parses += 1;
    return originals.parseDocument(...args);
  }) as typeof YAML.parseDocument;
  yaml.parse = ((...args: Parameters<typeof YAML.parse>) => {
    parses += 1;
    return originals.parse(...args);
  }) as typeof YAML.parse;
  let loaded;
  try {
    loaded = loadQueries([dir], "LocalData");
  } finally {
    Object.assign(yaml, originals);
  }
  assert.equal(parses, 2, "each file parsed once (the other environment's file too, to read its environments)");
  assert.equal(loaded.length, queries);
  const q = loaded.find((d) => d.name === "q1499");
  assert.ok(q);
  assert.equal(q.query, `data${1499 % 7}.csv`);
  assert.deepEqual(q.parameters.map((p) => [p.name, p.default, p.column]), [["host", "h1499", "Computer"]]);
});

test("duplicate keys are still errors with their position, in block and flow maps", () => {
  const block = `${HEAD}sources:\n  q1:\n    args: {query: a.csv}\n  q1:\n    args: {query: b.csv}\n`;
  assert.throws(() => parseQueryFile("dup.yaml", block), { name: "QueryDefinitionError", code: "data/query-yaml-syntax", message: /^dup\.yaml:9:3: .*\("q1"\)/ });
  const flow = `${HEAD}sources: {q1: {args: {query: a.csv, query: b.csv}}}\n`;
  assert.throws(() => parseQueryFile("dup.yaml", flow), { name: "QueryDefinitionError", code: "data/query-yaml-syntax", message: /^dup\.yaml:6:\d+: .*\("query"\)/ });
  // Equal values of different types are different keys (as in the yaml package).
  const typed = `${HEAD}sources:\n  q1:\n    args: {query: a.csv}\n    parameters: {1: {type: str, default: a}, "1": {type: str, default: b}}\n`;
  assert.doesNotThrow(() => parseQueryFile("typed.yaml", typed));
});

test("deep nesting is an error naming the file, not a crash", () => {
  const deep = `${HEAD}defaults: ${"[".repeat(50_000)}${"]".repeat(50_000)}\nsources: {q: {args: {query: a}}}\n`;
  assert.throws(() => parseQueryFile("deep.yaml", deep), (err: Error) => {
    assert.ok(err instanceof QueryDefinitionError, `${err.name}: ${err.message}`);
    assert.equal(err.code, "data/query-yaml-limit");
    assert.match(err.message, /^deep\.yaml: .*\d+ levels/);
    return true;
  });
});

test("YAML keys named __proto__ stay data", () => {
  const text = `${HEAD}defaults:\n  metadata: {__proto__: {polluted: true}}\nsources:\n  q1:\n    metadata: {__proto__: {polluted: 2}}\n    args: {query: a.csv}\n`;
  const [q] = parseQueryFile("proto.yaml", text);
  assert.equal(Object.getPrototypeOf(q.metadata), Object.prototype);
  assert.equal((q.metadata as Record<string, unknown>).polluted, undefined);
  assert.ok(Object.hasOwn(q.metadata, "__proto__"));
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test("a query named __proto__ is an own query, never the family's prototype", async () => {
  const dir = mkdtempSync(join(tmpdir(), "hl-proto-"));
  writeFileSync(join(dir, "q.yaml"), "metadata:\n  data_environments: [LocalData]\n  data_families: [Evil]\nsources:\n  __proto__:\n    description: hostile name\n    args: {query: 'x.csv'}\n  constructor:\n    description: another\n    args: {query: 'x.csv'}\n");
  writeFileSync(join(dir, "x.csv"), "a\n1\n");
  const qp = new QueryProvider("LocalData", { dataPaths: [dir], queryPaths: [dir] }) as unknown as Record<string, Record<string, unknown>>;
  const family = qp.Evil;
  assert.equal(Object.getPrototypeOf(family), Object.prototype);
  assert.deepEqual(Object.keys(family).sort(), ["__proto__", "constructor"]);
  const df = await (Object.getOwnPropertyDescriptor(family, "__proto__")!.value as () => Promise<{ height: number }>)();
  assert.equal(df.height, 1);
  assert.equal(({} as Record<string, unknown>).description, undefined);
});

test("a query file that repeats a key is refused with a warning naming file, line and key; the provider's other files load", async () => {
  const good = `${HEAD}sources:\n  ok:\n    args: {query: a.csv}\n`;
  const dup = `${HEAD.replace("[Big]", "[Dup]")}sources:\n  q1:\n    args: {query: a.csv}\n  q1:\n    args: {query: b.csv}\n`;
  const dir = tempTree({ "q/good.yaml": good, "q/dup.yaml": dup, "d/a.csv": "TimeGenerated,v\n2026-01-01T00:00:00Z,1\n" });
  const warnings: string[] = [];
  const queries = loadQueries([path.join(dir, "q")], "LocalData", { warn: (m) => warnings.push(m) });
  assert.deepEqual(queries.map((q) => `${q.family}.${q.name}`), ["Big.ok"]);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], new RegExp(`^${path.join(dir, "q", "dup.yaml").replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}:9:3: .*unique \\("q1"\\); its queries are not loaded`));
  const said: string[] = [];
  const qp = new QueryProvider("LocalData", { dataPaths: [path.join(dir, "d")], queryPaths: [path.join(dir, "q")], warn: (m) => said.push(m) });
  assert.equal((await qp.execQuery("Big.ok")).height, 1);
  assert.ok(said.some((m) => /dup\.yaml:9:3: .*\("q1"\)/.test(m)), said.join("\n"));
  // Other YAML errors still stop the provider.
  assert.throws(() => loadQueries([tempTree({ "good.yaml": good, "bad.yaml": "metadata: [unclosed\n" })], "LocalData", { warn: () => {} }), { code: "data/query-yaml-syntax" });
});
