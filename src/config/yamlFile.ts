/**
 * Reading YAML files huntlab did not write (query files, msticpyconfig.yaml)
 * with bounded work: a size limit checked before reading, one parse, a linear
 * duplicate-key check, and limits on keys and nesting, each an error that
 * names the file and the limit.
 *
 * Why not the yaml package's own duplicate check (`uniqueKeys`)? It compares
 * each new key with every earlier key of its map: quadratic, 20 s for a flow
 * map of 40k keys. Here it is off, and one pass over the parsed document with
 * a set per map does the same check.
 */
import fs from "node:fs";
import YAML, { isMap, isScalar, isSeq, LineCounter, type Node } from "yaml";

/** Limits of one YAML file. */
export interface YamlLimits {
  /** Largest file, in bytes. */
  maxBytes: number;
  /** Most map keys in the whole document. */
  maxKeys: number;
  /** Deepest nesting of maps and sequences. */
  maxDepth: number;
  /** What the file is, for messages: "query files", "the config file". */
  what: string;
}

/** Makes the error thrown for a bad file (the caller's error class); `message` starts with the file name. */
export type YamlErrorFactory = (message: string) => Error;

/** `bytes` as a short size: `4 MiB`, `512 KiB`, `100 bytes`. */
function sizeText(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes.toLocaleString("en-US")} bytes`;
}

/** The text of a YAML file, refused before reading when it is over the size limit. */
export function readYamlText(file: string, limits: YamlLimits, fail: YamlErrorFactory): string {
  const size = fs.statSync(file).size;
  if (size > limits.maxBytes) throw fail(`${file}: ${size.toLocaleString("en-US")} bytes is larger than the ${sizeText(limits.maxBytes)} limit for ${limits.what}`);
  return fs.readFileSync(file, "utf8");
}

/** `file:line:col` for an offset of the text (just `file` without one). */
function where(file: string, lines: LineCounter, offset: number | undefined): string {
  if (offset === undefined) return file;
  const pos = lines.linePos(offset);
  return `${file}:${pos.line}:${pos.col}`;
}

/** Identity of a map key for the duplicate check: scalars by type and value (as the yaml package compares them), other keys never equal. */
function keyIdentity(key: unknown): string | undefined {
  if (!isScalar(key)) return undefined;
  const value = key.value;
  return `${value === null ? "null" : typeof value}:${String(value)}`;
}

/**
 * Checks the parsed document in one iterative pass: duplicate keys in a map,
 * the number of keys, the nesting depth. Throws the first problem found.
 */
function checkDocument(file: string, root: Node | null, lines: LineCounter, limits: YamlLimits, fail: YamlErrorFactory): void {
  let keys = 0;
  const stack: { node: unknown; depth: number }[] = [{ node: root, depth: 0 }];
  while (stack.length) {
    const { node, depth } = stack.pop()!;
    if (isMap(node) || isSeq(node)) {
      if (depth >= limits.maxDepth) throw fail(`${where(file, lines, node.range?.[0])}: YAML nested more than ${limits.maxDepth} levels deep (the limit for ${limits.what})`);
    }
    if (isMap(node)) {
      keys += node.items.length;
      if (keys > limits.maxKeys) throw fail(`${file}: YAML with more than ${limits.maxKeys.toLocaleString("en-US")} keys (the limit for ${limits.what})`);
      const seen = new Set<string>();
      for (const pair of node.items) {
        const id = keyIdentity(pair.key);
        if (id !== undefined) {
          if (seen.has(id)) {
            const key = pair.key as { range?: [number, number, number]; value?: unknown };
            throw fail(`${where(file, lines, key.range?.[0])}: YAML syntax error: Map keys must be unique (${JSON.stringify(String(key.value)).slice(0, 80)})`);
          }
          seen.add(id);
        }
        stack.push({ node: pair.value, depth: depth + 1 }, { node: pair.key, depth: depth + 1 });
      }
    } else if (isSeq(node)) {
      for (const item of node.items) stack.push({ node: item, depth: depth + 1 });
    }
    // Scalars and aliases end here (aliases are bounded by toJS's maxAliasCount).
  }
}

/**
 * Parses YAML text once and returns it as plain JS. Errors (syntax,
 * duplicate keys, limits, nesting too deep for the parser, alias bombs) name
 * the file, and the line and column where there is one.
 */
export function parseYamlText(file: string, text: string, limits: YamlLimits, fail: YamlErrorFactory): unknown {
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > limits.maxBytes) throw fail(`${file}: ${bytes.toLocaleString("en-US")} bytes is larger than the ${sizeText(limits.maxBytes)} limit for ${limits.what}`);
  const lines = new LineCounter();
  let doc: ReturnType<typeof YAML.parseDocument>;
  try {
    doc = YAML.parseDocument(text, { prettyErrors: true, uniqueKeys: false, lineCounter: lines });
  } catch (err) {
    // The composer recurses per nesting level: a deep enough document overflows the stack.
    if (err instanceof RangeError) throw fail(`${file}: YAML nested more than ${limits.maxDepth} levels deep (the limit for ${limits.what})`);
    throw err;
  }
  if (doc.errors.length) {
    const err = doc.errors[0];
    if (/call stack/i.test(err.message)) throw fail(`${file}: YAML nested more than ${limits.maxDepth} levels deep (the limit for ${limits.what})`);
    const pos = err.linePos?.[0];
    throw fail(`${file}${pos ? `:${pos.line}:${pos.col}` : ""}: YAML syntax error: ${err.message.split("\n")[0]}`);
  }
  checkDocument(file, doc.contents, lines, limits, fail);
  try {
    return doc.toJS();
  } catch (err) {
    // toJS refuses alias bombs ("Excessive alias count…").
    throw fail(`${file}: YAML cannot be read: ${(err as Error).message}`);
  }
}
