/**
 * How deep a Parquet file's columns nest, read from its footer before polars reads the file. polars' reader spends
 * time growing with the cube of a column's nesting (a struct 100 levels deep took 0.5 s, 400 levels 13 s, and the
 * schema alone as long) and recurses per level: a crafted file could hold the kernel for minutes or overflow its
 * stack. Real logs nest a few levels (a list of structs is 4 schema levels). The footer is Thrift's compact protocol
 * (FileMetaData, its `schema` a depth-first list of SchemaElements with their `num_children`): read in one pass, no
 * recursion, only the fields needed; anything unexpected gives up (undefined) and polars reads the file as before.
 */
import fs from "node:fs";

/**
 * Deepest nesting of a Parquet column's schema read (a plain column is 1, each struct or list group adds one, a
 * list two: its group and its repeated `list` group). 128 holds 63 lists in lists (2 · 63 + 1 levels) or 127 structs.
 */
export const MAX_PARQUET_DEPTH = 128;

/** A Parquet file's top-level columns and the depth of each ({@link MAX_PARQUET_DEPTH}'s count). */
export interface ParquetColumnDepths {
  names: string[];
  depths: number[];
}

/** Footers larger than this are not screened (polars reads the file as before): a footer is KiBs to a few MiB. */
const MAX_FOOTER_BYTES = 64 * 1024 * 1024;
/** Thrift structs nested in one SchemaElement (its logical type's union and the struct in it): more is no footer. */
const MAX_THRIFT_DEPTH = 16;

/** The top-level columns of Parquet `file` and how deep each nests, or undefined when its footer cannot be read here. */
export function parquetColumnDepths(file: string): ParquetColumnDepths | undefined {
  const footer = readFooter(file);
  if (!footer) return undefined;
  try {
    return schemaDepths(new CompactReader(footer));
  } catch {
    return undefined;
  }
}

/** The footer's bytes: the last 8 bytes are its length (little-endian) and `PAR1`. */
function readFooter(file: string): Buffer | undefined {
  const fd = fs.openSync(file, "r");
  try {
    const size = fs.fstatSync(fd).size;
    if (size < 12) return undefined;
    const tail = Buffer.alloc(8);
    fs.readSync(fd, tail, 0, 8, size - 8);
    if (tail.toString("latin1", 4) !== "PAR1") return undefined;
    const length = tail.readUInt32LE(0);
    if (length > MAX_FOOTER_BYTES || length > size - 12) return undefined;
    const footer = Buffer.alloc(length);
    fs.readSync(fd, footer, 0, length, size - 8 - length);
    return footer;
  } finally {
    fs.closeSync(fd);
  }
}

/** Thrift compact protocol types. */
const T = { STOP: 0, TRUE: 1, FALSE: 2, BYTE: 3, I16: 4, I32: 5, I64: 6, DOUBLE: 7, BINARY: 8, LIST: 9, SET: 10, MAP: 11, STRUCT: 12 } as const;

/** A reader of Thrift's compact protocol over a buffer; throws past its end. */
class CompactReader {
  at = 0;
  constructor(readonly bytes: Buffer) {}

  byte(): number {
    if (this.at >= this.bytes.length) throw new RangeError("internal error: the Parquet footer ends early (caught: polars reads the file)");
    return this.bytes[this.at++];
  }

  /** An unsigned varint (up to 64 bits, as a number: exact for the sizes and counts read here). */
  varint(): number {
    let value = 0;
    let scale = 1;
    for (let k = 0; k < 10; k++) {
      const b = this.byte();
      value += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return value;
      scale *= 128;
    }
    throw new RangeError("internal error: a varint too long in the Parquet footer (caught)");
  }

  /** A zigzag varint (i16, i32, i64). */
  int(): number {
    const v = this.varint();
    return v % 2 === 0 ? v / 2 : -(v + 1) / 2;
  }

  binary(): Buffer {
    const length = this.varint();
    if (length > this.bytes.length - this.at) throw new RangeError("internal error: the Parquet footer ends early (caught: polars reads the file)");
    const out = this.bytes.subarray(this.at, this.at + length);
    this.at += length;
    return out;
  }

  /** A field header in a struct whose last field id was `last`: [type, id], type STOP at the struct's end. */
  field(last: number): [number, number] {
    const b = this.byte();
    const type = b & 0x0f;
    if (type === T.STOP) return [T.STOP, 0];
    const delta = b >> 4;
    return [type, delta ? last + delta : this.int()];
  }

  /** A list or set header: [element type, size]. */
  listHeader(): [number, number] {
    const b = this.byte();
    const size = b >> 4 === 15 ? this.varint() : b >> 4;
    return [b & 0x0f, size];
  }

  /** Skips a value of `type`, containers included: an explicit stack of what is left to skip, no recursion. */
  skip(type: number): void {
    // Each entry: a struct (fields until STOP, its last field id) or a run of `left` values of one or two types.
    type Frame = { struct: true; last: number } | { struct: false; types: number[]; left: number; k: number };
    const stack: Frame[] = [];
    const value = (t: number): void => {
      switch (t) {
        case T.TRUE:
        case T.FALSE:
          return;
        case T.BYTE:
          this.byte();
          return;
        case T.I16:
        case T.I32:
        case T.I64:
          this.varint();
          return;
        case T.DOUBLE:
          if (this.bytes.length - this.at < 8) throw new RangeError("internal error: the Parquet footer ends early (caught: polars reads the file)");
          this.at += 8;
          return;
        case T.BINARY:
          this.binary();
          return;
        case T.LIST:
        case T.SET: {
          const [element, size] = this.listHeader();
          // Booleans in a list are one byte each.
          stack.push({ struct: false, types: [element === T.TRUE || element === T.FALSE ? T.BYTE : element], left: size, k: 0 });
          break;
        }
        case T.MAP: {
          const size = this.varint();
          const kinds = size ? this.byte() : 0;
          stack.push({ struct: false, types: [kinds >> 4, kinds & 0x0f], left: size * 2, k: 0 });
          break;
        }
        case T.STRUCT:
          stack.push({ struct: true, last: 0 });
          break;
        default:
          throw new RangeError(`internal error: unknown Thrift type ${t} in the Parquet footer (caught)`);
      }
      if (stack.length > MAX_THRIFT_DEPTH) throw new RangeError("internal error: Thrift structs nested too deeply in the Parquet footer (caught)");
    };
    value(type);
    while (stack.length) {
      const top = stack[stack.length - 1];
      if (top.struct) {
        const [t, id] = this.field(top.last);
        if (t === T.STOP) stack.pop();
        else {
          top.last = id;
          value(t);
        }
      } else if (top.left === 0) stack.pop();
      else {
        top.left--;
        value(top.types[top.k++ % top.types.length]);
      }
    }
  }
}

/** FileMetaData's `schema` (field 2): the top-level columns' names and depths, its other fields skipped. */
function schemaDepths(r: CompactReader): ParquetColumnDepths | undefined {
  let last = 0;
  for (;;) {
    const [type, id] = r.field(last);
    if (type === T.STOP) return undefined;
    last = id;
    if (id !== 2 || type !== T.LIST) {
      r.skip(type);
      continue;
    }
    const [element, count] = r.listHeader();
    if (element !== T.STRUCT || count < 1) return undefined;
    const names: string[] = [];
    const depths: number[] = [];
    // Children still to come at each open group, the root's first: an element's depth is how many groups are open.
    const open: number[] = [];
    for (let k = 0; k < count; k++) {
      const { name, children } = schemaElement(r);
      if (k === 0) {
        open.push(children);
        continue;
      }
      if (!open.length) return undefined;
      const depth = open.length;
      if (depth === 1) {
        names.push(name);
        depths.push(1);
      }
      depths[depths.length - 1] = Math.max(depths[depths.length - 1], depth);
      open[open.length - 1]--;
      if (children > 0) open.push(children);
      while (open.length && open[open.length - 1] <= 0) open.pop();
    }
    return { names, depths };
  }
}

/** One SchemaElement: its name (field 4) and number of children (field 5, 0 for a leaf). */
function schemaElement(r: CompactReader): { name: string; children: number } {
  let last = 0;
  let name = "";
  let children = 0;
  for (;;) {
    const [type, id] = r.field(last);
    if (type === T.STOP) return { name, children };
    last = id;
    if (id === 4 && type === T.BINARY) name = r.binary().toString("utf8");
    else if (id === 5 && type === T.I32) children = r.int();
    else r.skip(type);
  }
}
