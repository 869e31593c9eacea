/**
 * Arrow IPC columns nested hundreds of levels deep (a broken or crafted file), in the file and the stream form:
 * polars' reader took time growing steeply with the depth (a struct 400 levels deep 8.5 s in the file form, 1.7 s in
 * the stream form) and recurses per level. The schema is read first: columns nested deeper than MAX_IPC_DEPTH are left
 * out with a warning naming them and the file, the others read; a file whose every column is so deep is refused
 * naming them; a crafted schema 100,000 levels deep is refused from its schema alone; files within the limit read
 * whole, as before.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import pl from "nodejs-polars";
import { Builder } from "flatbuffers";
import { Field } from "apache-arrow/fb/field";
import { Footer } from "apache-arrow/fb/footer";
import { Int } from "apache-arrow/fb/int";
import { Message } from "apache-arrow/fb/message";
import { MessageHeader } from "apache-arrow/fb/message-header";
import { MetadataVersion } from "apache-arrow/fb/metadata-version";
import { Schema } from "apache-arrow/fb/schema";
import { Struct_ } from "apache-arrow/fb/struct-";
import { Type } from "apache-arrow/fb/type";
import { readDataFile } from "../../src/data/readers";
import { MAX_IPC_DEPTH, ipcColumnDepths } from "../../src/data/ipcDepth";
import { outcomesInChild, SRC_DIR } from "../helpers/child";
import { nestedLists, nestedStructs } from "../helpers/nested";
import { tempTree } from "../helpers/tmp";

/**
 * A schema written with the flatbuffers builders apache-arrow generates from Arrow's Schema.fbs: one column of
 * `levels` structs around an Int32, or, with `shared`, each struct's two children the same table (a tree of 2^levels
 * fields in few bytes). Returned as an IPC stream (the schema message, end of stream) and as an IPC file.
 */
function craftedSchema(levels: number, shared = false): { stream: Buffer; file: Buffer } {
  /** Field{ name, nullable, type_type, type, children } (Field has no create helper: a union member). */
  const fieldOf = (b: Builder, name: number, typeType: Type, type: number, children: number) => {
    Field.startField(b);
    Field.addName(b, name);
    Field.addNullable(b, true);
    Field.addTypeType(b, typeType);
    Field.addType(b, type);
    Field.addChildren(b, children);
    return Field.endField(b);
  };
  const schemaOf = (b: Builder) => {
    const name = b.createString("x");
    const int = Int.createInt(b, 32, true);
    let field = fieldOf(b, name, Type.Int, int, Field.createChildrenVector(b, []));
    for (let k = levels - 1; k >= 0; k--) {
      const g = b.createString(`g${k}`);
      Struct_.startStruct_(b);
      const struct = Struct_.endStruct_(b);
      const children = Field.createChildrenVector(b, shared ? [field, field] : [field]);
      field = fieldOf(b, g, Type.Struct_, struct, children);
    }
    return Schema.createSchema(b, 0, Schema.createFieldsVector(b, [field]), 0, Schema.createFeaturesVector(b, []));
  };
  const message = new Builder(1024);
  message.finish(Message.createMessage(message, MetadataVersion.V5, MessageHeader.Schema, schemaOf(message), 0n, 0));
  const meta = Buffer.from(message.asUint8Array());
  const padded = Buffer.concat([meta, Buffer.alloc((8 - (meta.length % 8)) % 8)]);
  const prefix = Buffer.alloc(8);
  prefix.writeUInt32LE(0xffffffff, 0);
  prefix.writeInt32LE(padded.length, 4);
  const end = Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);
  const stream = Buffer.concat([prefix, padded, end]);
  const footer = new Builder(1024);
  Footer.startRecordBatchesVector(footer, 0);
  const batches = footer.endVector();
  const schema = schemaOf(footer);
  Footer.startFooter(footer);
  Footer.addVersion(footer, MetadataVersion.V5);
  Footer.addSchema(footer, schema);
  Footer.addRecordBatches(footer, batches);
  footer.finish(Footer.endFooter(footer));
  const footerBytes = Buffer.from(footer.asUint8Array());
  const length = Buffer.alloc(4);
  length.writeInt32LE(footerBytes.length);
  const file = Buffer.concat([Buffer.from("ARROW1\0\0"), stream, footerBytes, length, Buffer.from("ARROW1")]);
  return { stream, file };
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

for (const form of ["file", "stream"] as const) {
  describe(`Arrow IPC ${form}s with columns nested too deeply`, () => {
    const ext = form === "file" ? ".arrow" : ".ipc";
    const crafted = craftedSchema(100_000);
    const shared = craftedSchema(60, true);
    const dir = tempTree({ [`crafted${ext}`]: crafted[form], [`shared${ext}`]: shared[form] });
    const write = (name: string, df: pl.DataFrame) => {
      const file = path.join(dir, name + ext);
      if (form === "file") df.writeIPC(file);
      else df.writeIPCStream(file);
      return file;
    };
    const deepLevels = 200; // 201 schema levels: 0.8 s in the file form without the screen
    // A column named like a polars pattern is kept as written (the file form selects by position).
    const mixed = write("mixed", pl.DataFrame([pl.Series("a", [1]), nestedLists("ok", 2), nestedStructs("deep", deepLevels), pl.Series("^s.*$", ["x"])]));
    const onlyDeep = write("only", pl.DataFrame([nestedStructs("deep", deepLevels)]));
    const edge = write("edge", pl.DataFrame([pl.Series("a", [1]), nestedLists("v", MAX_IPC_DEPTH - 1)]));

    it("the schema gives each top-level column's depth, as polars wrote it", () => {
      assert.deepEqual(ipcColumnDepths(mixed), { names: ["a", "ok", "deep", "^s.*$"], depths: [1, 3, deepLevels + 1, 1] });
      assert.deepEqual(ipcColumnDepths(edge)?.depths, [1, MAX_IPC_DEPTH]);
    });

    it("a deep column is left out with a warning naming it and the file; the other columns read", () => {
      const warnings: string[] = [];
      const df = readDataFile(mixed, { warn: (m) => warnings.push(m) });
      assert.deepEqual(df.columns, ["a", "ok", "^s.*$"]);
      assert.deepEqual(df.getColumn("ok").toArray().map((v) => JSON.stringify(v)), ["[[0]]"]);
      assert.deepEqual(df.getColumn("^s.*$").toArray(), ["x"]);
      assert.deepEqual(warnings, [`${mixed}: column(s) deep nest more than ${MAX_IPC_DEPTH} levels deep, which no log needs (a broken or hostile file; polars' reader would take minutes): left out; every other column was read`]);
    });

    it("every column too deep: refused naming the file and column", () => {
      assert.throws(() => readDataFile(onlyDeep), { code: "data/file-invalid", message: new RegExp(`^${escape(onlyDeep)}: cannot read as IPC: its column\\(s\\) deep nest more than ${MAX_IPC_DEPTH} levels deep`) });
    });

    it("a crafted schema 100,000 levels deep: refused from the schema alone, the process alive", () => {
      const file = path.join(dir, `crafted${ext}`);
      assert.deepEqual(ipcColumnDepths(file), { names: ["g0"], depths: [100_001] });
      assert.throws(() => readDataFile(file), { code: "data/file-invalid", message: /its column\(s\) g0 nest more than 128 levels deep/ });
    });

    it("a schema whose fields are shared (2^60 fields in a few KiB): refused without walking them all", () => {
      const file = path.join(dir, `shared${ext}`);
      assert.equal(ipcColumnDepths(file)?.shared, true);
      assert.throws(() => readDataFile(file), { code: "data/file-invalid", message: /its schema lists more fields than its bytes can hold/ });
    });

    it(`${MAX_IPC_DEPTH} levels read whole, no warning; a schema that is no flatbuffer leaves the file to polars`, () => {
      const warnings: string[] = [];
      const df = readDataFile(edge, { warn: (m) => warnings.push(m) });
      assert.deepEqual(df.columns, ["a", "v"]);
      assert.deepEqual(warnings, []);
      const junk = path.join(dir, `junk${ext}`);
      const body = Buffer.from([0xff, 0xff, 0xff, 0xff, 8, 0, 0, 0, 0xff, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff, 0x7f]);
      fs.writeFileSync(junk, form === "file" ? Buffer.concat([Buffer.from("ARROW1\0\0"), body, Buffer.from([8, 0, 0, 0]), Buffer.from("ARROW1")]) : body);
      assert.equal(ipcColumnDepths(junk), undefined);
      assert.throws(() => readDataFile(junk), { code: "data/file-invalid", message: new RegExp(`junk\\${ext}: cannot read as IPC`) });
    });
  });
}

describe("LocalData queries of Parquet and Arrow files with columns nested too deeply", () => {
  it("are read as readDataFile reads them (deep columns left out, or the file refused), not scanned: the process alive", () => {
    const dir = tempTree({ "crafted.arrow": craftedSchema(100_000).file });
    const mixed = pl.DataFrame([pl.Series("a", [1]), nestedStructs("deep", 200)]);
    mixed.writeIPC(path.join(dir, "mixed.arrow"));
    mixed.writeParquet(path.join(dir, "mixedpq.parquet"));
    const query = (name: string) =>
      `(async () => { const warnings: string[] = []; const qp: any = new QueryProvider("LocalData", { dataPaths: [${JSON.stringify(dir)}], queryPaths: [], warn: (m: string) => warnings.push(m) });
        const df = await qp.LocalData[${JSON.stringify(name)}](); return { columns: df.columns, warnings }; })()`;
    const outcomes = outcomesInChild(`import { QueryProvider } from ${JSON.stringify(path.join(SRC_DIR, "data", "queryProvider.ts"))};`, {
      arrow: query("mixed"),
      parquet: query("mixedpq"),
      crafted: query("crafted"),
    });
    for (const [name, file] of [["arrow", "mixed.arrow"], ["parquet", "mixedpq.parquet"]]) {
      const o = outcomes[name];
      assert.ok(o.ok, `${name}: ${o.ok ? "" : o.message}`);
      const value = o.value as { columns: string[]; warnings: string[] };
      assert.deepEqual(value.columns, ["a"], name);
      assert.equal(value.warnings.length, 1, name);
      assert.match(value.warnings[0], new RegExp(`${escape(file)}: column\\(s\\) deep nest more than 128 levels deep`), name);
    }
    const crafted = outcomes.crafted;
    assert.ok(!crafted.ok && crafted.code === "data/file-invalid" && /crafted\.arrow: cannot read as IPC: its column\(s\) g0 nest more than 128/.test(crafted.message), JSON.stringify(crafted));
  });
});
