/**
 * How deep an Arrow IPC file's columns nest, read from its schema before polars reads the file. polars' reader spends
 * time growing steeply with a column's nesting (a struct 100 levels deep took 0.08 s, 200 levels 0.8 s, 400 levels
 * 8.5 s in the file form) and recurses per level: a crafted file could hold the kernel for minutes or overflow its
 * stack. The schema is the footer's in the file form (`ARROW1`…, what polars reads), the first message in the stream
 * form; both are flatbuffers, read with the accessors the `apache-arrow` package generates from Arrow's own `.fbs`
 * files (lazy: nothing is decoded until asked, so a schema of any depth is walked in one loop, no recursion). A schema
 * that cannot be read here is left to polars (undefined), as before.
 */
import fs from "node:fs";
import type { ByteBuffer } from "flatbuffers";
import type { Field } from "apache-arrow/fb/field";
import type { Schema } from "apache-arrow/fb/schema";
import { MAX_PARQUET_DEPTH } from "./parquetDepth";

/**
 * Deepest nesting of an Arrow column's schema read (a plain column is 1, each child field adds one: a list of
 * integers is 2, a map 3 — its `entries` struct, then `key` and `value`). The Parquet limit, so a struct nests as deep
 * in either format; polars reads a struct 128 levels deep in ~0.1 s.
 */
export const MAX_IPC_DEPTH = MAX_PARQUET_DEPTH;

/** An Arrow IPC file's top-level columns and the depth of each ({@link MAX_IPC_DEPTH}'s count). */
export interface IpcColumnDepths {
  names: string[];
  depths: number[];
  /**
   * True when the schema lists more fields than its bytes can hold as a tree: fields shared by several parents, which
   * polars would expand (twice as many at each level of a crafted file). Not a file any Arrow writer makes.
   */
  shared?: boolean;
}

/** Schemas larger than this are not screened (polars reads the file as before): a schema is KiBs, rarely MiBs. */
const MAX_SCHEMA_BYTES = 64 * 1024 * 1024;

/** The flatbuffers of Arrow's IPC format, loaded when the first Arrow file is read (not when huntlab is imported). */
function flatbuffers() {
  return {
    ByteBuffer: (require("flatbuffers") as typeof import("flatbuffers")).ByteBuffer,
    Footer: (require("apache-arrow/fb/footer") as typeof import("apache-arrow/fb/footer")).Footer,
    Message: (require("apache-arrow/fb/message") as typeof import("apache-arrow/fb/message")).Message,
    MessageHeader: (require("apache-arrow/fb/message-header") as typeof import("apache-arrow/fb/message-header")).MessageHeader,
    Schema: (require("apache-arrow/fb/schema") as typeof import("apache-arrow/fb/schema")).Schema,
  };
}

/** The top-level columns of Arrow IPC `file` (file or stream form) and how deep each nests, or undefined when its schema cannot be read here. */
export function ipcColumnDepths(file: string): IpcColumnDepths | undefined {
  const fd = fs.openSync(file, "r");
  try {
    const fb = flatbuffers();
    const size = fs.fstatSync(fd).size;
    const head = read(fd, 0, Math.min(size, 8));
    let schema: Schema | null;
    // The flatbuffer's size: the most fields a schema of that many bytes can hold as a tree (fieldDepths).
    let length: number;
    if (head.length >= 6 && head.toString("latin1", 0, 6) === "ARROW1") {
      // File form: `ARROW1`, padding, a stream, the footer, its int32 length, `ARROW1`. polars reads the footer's schema.
      if (size < 16) return undefined;
      const tail = read(fd, size - 10, 10);
      if (tail.toString("latin1", 4) !== "ARROW1") return undefined;
      length = tail.readInt32LE(0);
      if (length <= 0 || length > MAX_SCHEMA_BYTES || length > size - 16) return undefined;
      const bytes = read(fd, size - 10 - length, length);
      schema = fb.Footer.getRootAsFooter(byteBuffer(fb.ByteBuffer, bytes)).schema();
    } else {
      // Stream form: the first message is the schema, its metadata after a 0xFFFFFFFF continuation and an int32
      // length (or the length alone, as writers before Arrow 0.15 wrote it).
      if (head.length < 8) return undefined;
      const continued = head.readUInt32LE(0) === 0xffffffff;
      length = continued ? head.readInt32LE(4) : head.readInt32LE(0);
      const start = continued ? 8 : 4;
      if (length <= 0 || length > MAX_SCHEMA_BYTES || length > size - start) return undefined;
      const message = fb.Message.getRootAsMessage(byteBuffer(fb.ByteBuffer, read(fd, start, length)));
      if (message.headerType() !== fb.MessageHeader.Schema) return undefined;
      schema = message.header(new fb.Schema()) as Schema | null;
    }
    return schema ? fieldDepths(schema, length) : undefined;
  } catch {
    // Not a flatbuffer these accessors can read (out-of-range offsets throw): polars reads the file and says what is wrong.
    return undefined;
  } finally {
    fs.closeSync(fd);
  }
}

function read(fd: number, position: number, length: number): Buffer {
  const bytes = Buffer.alloc(length);
  const got = fs.readSync(fd, bytes, 0, length, position);
  return bytes.subarray(0, got);
}

function byteBuffer(ctor: typeof ByteBuffer, bytes: Buffer): ByteBuffer {
  return new ctor(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length));
}

/**
 * Each top-level field's name and deepest nesting, walked depth-first with an explicit stack. A field table takes
 * at least 8 bytes (its vtable offset and its offset in the parent's vector): more fields than `bytes / 8` means
 * tables shared by several parents, reported as `shared` without walking further (the walk stays linear in `bytes`).
 */
function fieldDepths(schema: Schema, bytes: number): IpcColumnDepths | undefined {
  const names: string[] = [];
  const depths: number[] = [];
  const maxFields = Math.max(1024, Math.ceil(bytes / 8));
  let visited = 0;
  const count = schema.fieldsLength();
  if (!(count >= 0 && count <= bytes / 4)) return undefined;
  for (let k = 0; k < count; k++) {
    const top = schema.fields(k);
    if (!top) continue;
    names.push(top.name() ?? "");
    let deepest = 1;
    const stack: [Field, number][] = [[top, 1]];
    while (stack.length) {
      const [field, depth] = stack.pop()!;
      deepest = Math.max(deepest, depth);
      if (++visited > maxFields) return { names, depths: [...depths, deepest], shared: true };
      const children = field.childrenLength();
      // A vector longer than the bytes can hold is no flatbuffer (its offsets would read past the end): left to polars.
      if (!(children >= 0 && children <= bytes / 4)) return undefined;
      for (let c = 0; c < children; c++) {
        const child = field.children(c);
        if (child) stack.push([child, depth + 1]);
      }
    }
    depths.push(deepest);
  }
  return { names, depths };
}
