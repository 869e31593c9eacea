/**
 * Parquet columns nested hundreds of levels deep (a broken or crafted file): polars' reader took time growing with
 * the cube of the depth (a struct 100 levels deep 0.5 s, 400 levels 13 s, its schema alone as long) and recurses per
 * level. The footer is read first: columns nested deeper than MAX_PARQUET_DEPTH are left out with a warning naming
 * them and the file, the others read; a file whose every column is so deep is refused naming them; files within the
 * limit read whole, as before.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import pl from "nodejs-polars";
import { readDataFile } from "../../src/data/readers";
import { MAX_PARQUET_DEPTH, parquetColumnDepths } from "../../src/data/parquetDepth";
import { outcomesInChild, SRC_DIR } from "../helpers/child";
import { nestedLists } from "../helpers/nested";
import { tempTree } from "../helpers/tmp";

/** Thrift compact protocol, as a Parquet footer is written: only what the crafted footer below needs. */
const varint = (n: number): number[] => {
  const out: number[] = [];
  for (; n >= 0x80; n = Math.floor(n / 128)) out.push((n & 0x7f) | 0x80);
  out.push(n);
  return out;
};
const zigzag = (n: number) => varint(n >= 0 ? 2 * n : -2 * n - 1);
const text = (s: string) => [...varint(Buffer.byteLength(s)), ...Buffer.from(s)];
/** SchemaElement{ name (4), num_children (5) } or a leaf SchemaElement{ type (1) = INT32, name (4) }. */
const group = (name: string, children: number) => [0x48, ...text(name), 0x15, ...zigzag(children), 0x00];
const leaf = (name: string) => [0x15, ...zigzag(1), 0x38, ...text(name), 0x00];

/**
 * A Parquet file's frame (`PAR1`, footer, its length, `PAR1`) whose one column nests `levels` groups: a FileMetaData
 * with its required fields (version, schema, num_rows 0, no row groups), no data pages.
 */
function craftedParquet(levels: number): Buffer {
  const elements = [group("schema", 1), ...Array.from({ length: levels }, (_, k) => group(`g${k}`, 1)), leaf("x")];
  const footer = Buffer.from([0x15, ...zigzag(1), 0x19, 0xfc, ...varint(elements.length), ...elements.flat(), 0x16, 0x00, 0x19, 0x0c, 0x00]);
  const length = Buffer.alloc(4);
  length.writeUInt32LE(footer.length);
  return Buffer.concat([Buffer.from("PAR1"), footer, length, Buffer.from("PAR1")]);
}

describe("Parquet columns nested too deeply", () => {
  const dir = tempTree({ "crafted.parquet": craftedParquet(100_000) });
  const write = (name: string, df: pl.DataFrame) => {
    const file = path.join(dir, name);
    df.writeParquet(file);
    return file;
  };
  const deepLevels = 70; // 141 schema levels
  const mixed = write("mixed.parquet", pl.DataFrame([pl.Series("a", [1]), nestedLists("ok", 2), nestedLists("deep", deepLevels), pl.Series("s", ["x"])]));
  const onlyDeep = write("only.parquet", pl.DataFrame([nestedLists("deep", deepLevels)]));
  const edge = write("edge.parquet", pl.DataFrame([pl.Series("a", [1]), nestedLists("v", 63)]));

  it("the footer gives each top-level column's depth, as polars wrote it", () => {
    assert.deepEqual(parquetColumnDepths(mixed), { names: ["a", "ok", "deep", "s"], depths: [1, 5, 2 * deepLevels + 1, 1] });
    assert.deepEqual(parquetColumnDepths(edge)?.depths, [1, MAX_PARQUET_DEPTH - 1]);
  });

  it("on a Node whose require() cannot load ES modules (22.0–22.11; here --no-experimental-require-module), the module loads and the screen is skipped", () => {
    // Compiled to CommonJS as the build compiles it (tsx would load the ES module itself): hyparquet is an ES module only.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ts = require("typescript") as typeof import("typescript");
    const source = fs.readFileSync(path.join(__dirname, "..", "..", "src", "data", "parquetDepth.ts"), "utf8");
    const compiled = path.join(dir, "parquetDepth.js");
    fs.writeFileSync(compiled, ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText);
    const run = (flags: string[]) =>
      spawnSync(process.execPath, [...flags, "-e", `process.stdout.write(JSON.stringify(require(${JSON.stringify(compiled)}).parquetColumnDepths(${JSON.stringify(mixed)}) ?? null))`], {
        encoding: "utf8",
        env: { ...process.env, NODE_PATH: path.join(__dirname, "..", "..", "node_modules") },
      });
    const old = run(["--no-experimental-require-module"]);
    assert.equal(old.status, 0, old.stderr);
    assert.equal(old.stdout, "null");
    const current = run([]);
    assert.equal(current.status, 0, current.stderr);
    assert.deepEqual(JSON.parse(current.stdout), { names: ["a", "ok", "deep", "s"], depths: [1, 5, 2 * deepLevels + 1, 1] });
  });

  it("a deep column is left out with a warning naming it and the file; the other columns read", () => {
    const warnings: string[] = [];
    const df = readDataFile(mixed, { warn: (m) => warnings.push(m) });
    assert.deepEqual(df.columns, ["a", "ok", "s"]);
    assert.deepEqual(df.getColumn("ok").toArray().map((v) => JSON.stringify(v)), ["[[0]]"]);
    assert.deepEqual(warnings, [`${mixed}: column(s) deep nest more than ${MAX_PARQUET_DEPTH} levels deep, which no log needs (a broken or hostile file; polars' reader would take minutes): left out; every other column was read`]);
  });

  it("every column too deep: refused naming the file and column", () => {
    assert.throws(() => readDataFile(onlyDeep), { code: "data/file-invalid", message: new RegExp(`^${onlyDeep.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: cannot read as PARQUET: its column\\(s\\) deep nest more than 128 levels deep`) });
  });

  it("a crafted footer 100,000 levels deep: refused from the footer alone, the process alive", () => {
    const file = path.join(dir, "crafted.parquet");
    assert.equal(parquetColumnDepths(file)?.depths[0], 100_001);
    assert.throws(() => readDataFile(file), { code: "data/file-invalid", message: /its column\(s\) g0 nest more than 128 levels deep/ });
  });

  it("63 lists in lists (127 levels) read whole, no warning; a footer that is no Thrift leaves the file to polars", () => {
    const warnings: string[] = [];
    const df = readDataFile(edge, { warn: (m) => warnings.push(m) });
    assert.deepEqual(df.columns, ["a", "v"]);
    assert.deepEqual(warnings, []);
    const junk = path.join(dir, "junk.parquet");
    fs.writeFileSync(junk, Buffer.concat([Buffer.from("PAR1"), Buffer.from([0xff, 0xff, 0xff]), Buffer.from([3, 0, 0, 0]), Buffer.from("PAR1")]));
    assert.equal(parquetColumnDepths(junk), undefined);
    assert.throws(() => readDataFile(junk), { code: "data/file-invalid", message: /junk\.parquet: cannot read as PARQUET: parquet: File out of specification/ });
  });
});

describe("Parquet datasets (hive-partitioned and Spark folders) with a part whose column nests too deeply", () => {
  it("the deep column is left out of the query with a warning naming it and its part, in the first part (polars' schema) or a later one; a first part of nothing else refused: the process alive", () => {
    const dir = tempTree({ "crafted.parquet/part-00000.parquet": craftedParquet(100_000), "crafted.parquet/part-00001.parquet": craftedParquet(2) });
    const deep = pl.DataFrame([pl.Series("a", [1], pl.Int64), nestedLists("deep", 70), pl.Series("s", ["x"])]);
    const plain = pl.DataFrame([pl.Series("a", [2], pl.Int64), pl.Series("s", ["y"])]);
    const part = (folder: string, df: pl.DataFrame) => {
      fs.mkdirSync(path.join(dir, folder), { recursive: true });
      df.writeParquet(path.join(dir, folder, "part-0.parquet"));
    };
    part("first/day=1", deep);
    part("first/day=2", plain);
    part("later/day=1", plain);
    part("later/day=2", deep);
    const query = (name: string) =>
      `(async () => { const warnings: string[] = []; const qp: any = new QueryProvider("LocalData", { dataPaths: [${JSON.stringify(dir)}], queryPaths: [], warn: (m: string) => warnings.push(m) });
        const df = await qp.LocalData[${JSON.stringify(name)}](); return { columns: df.columns, rows: df.sort("day").toRecords(), warnings }; })()`;
    const outcomes = outcomesInChild(`import { QueryProvider } from ${JSON.stringify(path.join(SRC_DIR, "data", "queryProvider.ts"))};`, {
      first: query("first"),
      later: query("later"),
      crafted: query("crafted"),
    });
    for (const [name, deepPart] of [["first", "day=1"], ["later", "day=2"]]) {
      const o = outcomes[name];
      assert.ok(o.ok, `${name}: ${o.ok ? "" : o.message}`);
      const value = o.value as { columns: string[]; rows: unknown[]; warnings: string[] };
      assert.deepEqual(value.columns, ["a", "s", "day"], name);
      assert.deepEqual(value.rows, [{ a: name === "first" ? 1 : 2, s: name === "first" ? "x" : "y", day: 1 }, { a: name === "first" ? 2 : 1, s: name === "first" ? "y" : "x", day: 2 }], name);
      assert.deepEqual(value.warnings, [
        `${path.join(dir, name, deepPart, "part-0.parquet")}: column(s) deep nest more than ${MAX_PARQUET_DEPTH} levels deep, which no log needs (a broken or hostile file; polars' reader would take minutes): left out; every other column was read`,
      ]);
    }
    const crafted = outcomes.crafted;
    assert.ok(
      !crafted.ok && crafted.code === "data/file-invalid" && crafted.message.includes(`: ${path.join(dir, "crafted.parquet", "part-00000.parquet")}: cannot read as PARQUET DATASET: its column(s) g0 nest more than 128`),
      JSON.stringify(crafted),
    );
  });
});
