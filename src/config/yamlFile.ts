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
import { isUtf8 } from "node:buffer";
import YAML, { isAlias, isMap, isScalar, isSeq, LineCounter, visit, YAMLSeq, type Node } from "yaml";
import { readRegularFile } from "../common/regularFile";
import { yamlMessages as msg, type YamlProblem } from "./messages";
import { reindentQuotedScalars, type ReindentedSpan } from "./yamlQuotedIndent";

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

/** How {@link parseYamlText} reads some values. */
export interface YamlReadOptions {
  /**
   * Map keys whose plain scalar values (and the items of a list value) keep
   * their text where YAML would read a number. An API key of digits (`AuthKey: 00998877665544332211`) became
   * 998877665544332200: leading zeros and digits past 2^53 lost (PyYAML, which
   * MSTICPy uses, reads that one as text), and a number was never masked.
   */
  keepNumberText?: (key: string) => boolean;
  /**
   * Read plain values as PyYAML (YAML 1.1, MSTICPy's reader of
   * msticpyconfig.yaml) does where YAML 1.2 differs, as far as that is safe:
   * `yes`/`no`/`on`/`off` (in PyYAML's spellings: `yes`, `Yes`, `YES`…) are
   * true/false (`Primary: yes` was the text "yes", an error); an integer
   * written with a leading zero (`0777`, `0o17`) keeps its text, since PyYAML
   * reads `0777` as octal 511 and YAML 1.2 as 777: a number setting then says
   * it got text instead of silently differing, and an id keeps its digits.
   * Keys stay text (PyYAML makes a key `on` true and merges it with `yes`),
   * and so do the values {@link keepNumberText} keeps. Other YAML 1.1 forms
   * (`1:20` sexagesimal, `1_000`, `0b101`) are text in YAML 1.2 already (a number setting so written is an error
   * giving PyYAML's number: {@link pyyamlInteger}); tagged `!!int`, they are PyYAML's numbers.
   */
  pyyamlScalars?: boolean;
  /**
   * Filled with the setting path (`TIProviders.OTX.TimeoutSeconds`) of each quoted value that reads as a number
   * unquoted (`TimeoutSeconds: "010"`, `"30"`): text to PyYAML and YAML 1.2 alike, so that a number setting can say it
   * got quoted text (the plain `010` kept as text looks the same once read).
   */
  quotedNumbers?: Set<string>;
}

/**
 * PyYAML's (YAML 1.1) integer forms, as its resolver's pattern has them: binary `0b1010`, octal `017`, decimal (`+12`),
 * hex `0x1A`, each with `_` anywhere after the first digit (`1_000`), and sexagesimal `190:20:30`. Each alternative a
 * single pass over disjoint classes: linear.
 */
const PYYAML_INTEGER = /^[-+]?(?:0b[01_]+|0[0-7_]+|0|[1-9][0-9_]*|0x[0-9a-fA-F_]+|[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;

/**
 * The integer PyYAML (`construct_yaml_int`) makes of `text`, one of {@link PYYAML_INTEGER}'s forms: `_` dropped,
 * `0b` binary, `0x` hex, a leading `0` octal, `:` parts base 60 (`190:20:30` is 685230, `1:30` 90). Undefined for
 * other text, and for an integer past 2^53 (no JavaScript number holds it exactly).
 */
export function pyyamlInteger(text: string): number | undefined {
  if (text.length > 256 || !PYYAML_INTEGER.test(text)) return undefined;
  const negative = text.startsWith("-");
  const body = text.replace(/^[-+]/, "").replaceAll("_", "");
  let value: bigint;
  if (body === "" || body === "0b" || body === "0x") return undefined;
  if (body.startsWith("0b")) value = BigInt(body);
  else if (body.startsWith("0x")) value = BigInt(body);
  else if (body.length > 1 && body.startsWith("0")) value = BigInt(`0o${body.slice(1)}`);
  else if (body.includes(":")) value = body.split(":").reduce((sum, part) => sum * 60n + BigInt(part), 0n);
  else value = BigInt(body);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
  return negative && value !== 0n ? -Number(value) : Number(value);
}

/** Text that reads as a number unquoted, to PyYAML or YAML 1.2 (`010`, `30`, `-1.5`, `1_000`, `0x1A`, `1:30`): see {@link YamlReadOptions.quotedNumbers}. */
const NUMBER_LIKE = /^[-+]?(?:[0-9][0-9_]*(?:[.:][0-9_]*)*|\.[0-9]+|0[xXoObB][0-9a-fA-F_]+)(?:[eE][-+]?[0-9]+)?$/;

/** PyYAML's (YAML 1.1) booleans beyond true/false, as its resolver spells them (not `y`/`n`, not mixed case). */
const YAML11_BOOLEAN = /^(?:yes|Yes|YES|on|On|ON|no|No|NO|off|Off|OFF)$/;
/** YAML's integer tag. */
const INT_TAG = "tag:yaml.org,2002:int";

/**
 * True for an `!!int` value's text that PyYAML (YAML 1.1) and YAML 1.2 read as two numbers: a leading zero then
 * digits, octal to PyYAML (`0777` → 511, `08` an error) and decimal to YAML 1.2 (777). `007` and `00` are one number
 * to both, and `0o777` is 511 to both (PyYAML's int(…, 8) takes the prefix).
 */
function octalDisagrees(source: string): boolean {
  const m = /^[-+]?0([0-9]+)$/.exec(source);
  if (!m) return false;
  const digits = m[1].replace(/^0+/, "");
  return digits.length > 1 || digits === "8" || digits === "9";
}

/** Integers that YAML 1.1 reads as octal (`0777` → 511) and YAML 1.2 as decimal or `0o` octal. */
export const LEADING_ZERO_INTEGER = /^[-+]?0(?:[0-9_]+|o[0-7]+)$/;

/**
 * A plain, untagged value as {@link YamlReadOptions.pyyamlScalars} reads it.
 * `keepText`: the value of a key whose text is kept (a secret).
 */
function pyyamlScalar(node: unknown, keepText: boolean): void {
  if (!isScalar(node) || node.type !== "PLAIN" || node.tag !== undefined || typeof node.source !== "string") return;
  if (typeof node.value === "string" && !keepText && YAML11_BOOLEAN.test(node.value)) node.value = /^(?:yes|on)$/i.test(node.value);
  else if ((typeof node.value === "number" || typeof node.value === "bigint") && LEADING_ZERO_INTEGER.test(node.source)) node.value = node.source;
}

/** Makes the error thrown for a bad file: the caller's class, with a code of its package for the problem (whose message starts with the file name). */
export type YamlErrorFactory = (problem: YamlProblem) => Error;

/**
 * The text of a YAML file, refused before reading when it is over the size
 * limit. The read itself stops one byte past the limit too: a /proc file says
 * size 0. A folder, a FIFO, a socket or a device is an error naming it and
 * what it is, found by `stat` before any open: opening a FIFO waits for a
 * writer (`MSTICPYCONFIG` naming a named pipe hung the kernel), and
 * `/dev/zero` read until Node aborted. A file that cannot be opened is an
 * error naming it. (The checks: {@link readRegularFile}, shared with other
 * files settings name.) Decoded by {@link decodeYamlBytes}: UTF-8, or UTF-16
 * with a byte-order mark; other bytes are an error naming the line and column.
 */
export function readYamlText(file: string, limits: YamlLimits, fail: YamlErrorFactory): string {
  const bytes = readRegularFile(file, { maxBytes: limits.maxBytes }, (p) =>
    fail(
      p.problem === "not-a-file"
        ? msg.notAFile(file, p.kind)
        : p.problem === "too-large"
          ? msg.tooLarge(file, p.bytes, limits.maxBytes, limits.what)
          : msg.unreadable(file, p.detail),
    ),
  );
  return decodeYamlBytes(file, bytes, fail);
}

/**
 * The text of a YAML file's bytes, as PyYAML (MSTICPy's reader) takes them: UTF-8, or UTF-16 when a
 * byte-order mark says so (PowerShell 5.1's `Out-File` writes UTF-16 LE with one). Bytes that are not
 * UTF-8 (a file saved as Latin-1, Notepad's "ANSI") are an error naming the line and column of the
 * first, not text with U+FFFD in it: `AuthKey: Clé…` was read as a key that no service accepts.
 * UTF-32 (which PyYAML does not read either) is an error saying so.
 */
export function decodeYamlBytes(file: string, bytes: Buffer, fail: YamlErrorFactory): string {
  const [a, b, c, d] = bytes;
  if ((a === 0xff && b === 0xfe && c === 0 && d === 0) || (a === 0 && b === 0 && c === 0xfe && d === 0xff)) {
    throw fail(msg.badEncoding(file, a === 0xff ? "UTF-32 LE" : "UTF-32 BE", "which huntlab does not read (nor does MSTICPy)"));
  }
  if ((a === 0xff && b === 0xfe) || (a === 0xfe && b === 0xff)) {
    const encoding = a === 0xff ? "UTF-16 LE" : "UTF-16 BE";
    if (bytes.length % 2 !== 0) throw fail(msg.badEncoding(file, encoding, "but has an odd number of bytes (cut short?)"));
    // Big-endian as little-endian with each pair of bytes swapped (a copy: the caller's buffer stays as read).
    const le = a === 0xff ? bytes : Buffer.from(bytes).swap16();
    try {
      // The decoder drops the byte-order mark.
      return new TextDecoder("utf-16le", { fatal: true }).decode(le);
    } catch {
      throw fail(msg.badEncoding(file, encoding, "but does not decode as UTF-16 (half of a surrogate pair)"));
    }
  }
  // NUL is valid UTF-8 but no YAML (PyYAML: "unacceptable character #x0000"). UTF-16 without a BOM is mostly NULs
  // (said before any byte that is not UTF-8: its é is one).
  const head = bytes.subarray(0, 256);
  const utf16 = head.length >= 2 && head.filter((byte) => byte === 0).length * 3 >= head.length;
  if (utf16) throw fail(msg.nulByte(positionOf(file, bytes, bytes.indexOf(0)), true));
  if (!isUtf8(bytes)) throw fail(msg.notUtf8(positionOf(file, bytes, firstInvalidUtf8(bytes))));
  const nul = bytes.indexOf(0);
  if (nul >= 0) throw fail(msg.nulByte(positionOf(file, bytes, nul), false));
  return bytes.toString("utf8");
}

/** The offset of the first byte of `bytes` that does not start a valid UTF-8 sequence (RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF); -1 if none. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const lead = bytes[i];
    if (lead < 0x80) {
      i += 1;
      continue;
    }
    const more = lead >= 0xc2 && lead <= 0xdf ? 1 : lead >= 0xe0 && lead <= 0xef ? 2 : lead >= 0xf0 && lead <= 0xf4 ? 3 : 0;
    if (more === 0 || i + more >= bytes.length) return i;
    // The second byte's range rules out overlong forms (E0, F0), surrogates (ED) and code points past U+10FFFF (F4).
    const low = lead === 0xe0 ? 0xa0 : lead === 0xf0 ? 0x90 : 0x80;
    const high = lead === 0xed ? 0x9f : lead === 0xf4 ? 0x8f : 0xbf;
    if (bytes[i + 1] < low || bytes[i + 1] > high) return i;
    for (let k = 2; k <= more; k += 1) if ((bytes[i + k] & 0xc0) !== 0x80) return i;
    i += more + 1;
  }
  return -1;
}

/** `file:line:col` of a byte offset (the column in characters, from 1). */
function positionOf(file: string, bytes: Buffer, offset: number): string {
  if (offset < 0) return file;
  let line = 1;
  let lineStart = 0;
  for (let at = bytes.indexOf(0x0a); at >= 0 && at < offset; at = bytes.indexOf(0x0a, at + 1)) {
    line += 1;
    lineStart = at + 1;
  }
  // The bytes before it on its line are valid UTF-8: count their characters.
  return `${file}:${line}:${[...bytes.subarray(lineStart, offset).toString("utf8")].length + 1}`;
}

/** `file:line:col` for an offset of the text (just `file` without one). */
function where(file: string, lines: LineCounter, offset: number | undefined): string {
  if (offset === undefined) return file;
  const pos = lines.linePos(offset);
  return `${file}:${pos.line}:${pos.col}`;
}

/**
 * Identity of a map key for the duplicate check: scalars by type and value (as the yaml package compares them), other keys never equal.
 * A `<<` merge key (the yaml package reads it as a symbol) may repeat: PyYAML applies each (see mergeAsPyyaml).
 */
function keyIdentity(key: unknown): string | undefined {
  if (!isScalar(key) || typeof key.value === "symbol") return undefined;
  const value = key.value;
  return `${value === null ? "null" : typeof value}:${String(value)}`;
}

/** YAML 1.1 tags the yaml package reads into values no setting is (bytes, a Date, a Set, a Map): the tag's name and what it makes. */
const VALUE_TAGS: ReadonlyMap<string, readonly [string, string]> = new Map([
  ["tag:yaml.org,2002:binary", ["binary", "bytes"]],
  ["tag:yaml.org,2002:timestamp", ["timestamp", "a date"]],
  ["tag:yaml.org,2002:set", ["set", "a set"]],
  ["tag:yaml.org,2002:omap", ["omap", "an ordered mapping"]],
]);

/** A node of checkDocument's walk. `value`: a map value or sequence item (not a key). `keep`: the value of a key whose numbers keep their text, or an item of a list of them. `parent` and `label` (its key, or `[i]`) name the setting, only when an error needs it. */
interface Walked {
  node: unknown;
  depth: number;
  value?: boolean;
  keep?: boolean;
  parent?: Walked;
  label?: string;
}

/** The key path of a walked node (`TIProviders.OTX.Args.Port`, `Items[2]`), or "the document" at the top. */
function settingPath(entry: Walked): string {
  const labels: string[] = [];
  for (let e: Walked | undefined = entry; e; e = e.parent) if (e.label !== undefined) labels.push(e.label);
  return labels.reverse().join(".").replaceAll(".[", "[") || "the document";
}

/**
 * Checks the parsed document in one iterative pass, in document order:
 * duplicate keys in a map, the number of keys, the nesting depth, aliases that
 * name no anchor, `!!int` values PyYAML and YAML 1.2 read differently. Throws
 * the first problem found.
 */
function checkDocument(file: string, root: Node | null, lines: LineCounter, limits: YamlLimits, fail: YamlErrorFactory, options: YamlReadOptions): void {
  let keys = 0;
  const stack: Walked[] = [{ node: root, depth: 0 }];
  // Anchors seen so far: an alias is the last node anchored with its name before it, as the yaml package resolves it.
  const anchors = new Map<string, unknown>();
  const keepNumber = (value: unknown) => {
    if (isScalar(value) && value.type === "PLAIN" && typeof value.source === "string" && (typeof value.value === "number" || typeof value.value === "bigint")) value.value = value.source;
  };
  while (stack.length) {
    const entry = stack.pop()!;
    const { node, depth, value, keep } = entry;
    // `Port: !!int 0777` is 511 to MSTICPy and 777 to YAML 1.2 (and `!!int 08` no number to PyYAML): refused, naming the setting.
    if (isScalar(node) && node.tag === INT_TAG && typeof node.source === "string" && octalDisagrees(node.source)) {
      throw fail(msg.octalInt(where(file, lines, node.range?.[0]), settingPath(value ? entry : (entry.parent ?? entry))));
    }
    if ((isScalar(node) || isMap(node) || isSeq(node)) && node.anchor) anchors.set(node.anchor, node);
    // `AuthKey: !!binary …` made bytes, which the secret handling walked as an object and failed on (a TypeError naming nothing).
    const tag = (isScalar(node) || isMap(node) || isSeq(node)) && node.tag ? VALUE_TAGS.get(node.tag) : undefined;
    if (tag) throw fail(msg.valueTag(where(file, lines, (node as { range?: [number, number, number] }).range?.[0]), tag[0], tag[1]));
    if (isMap(node) || isSeq(node)) {
      if (depth >= limits.maxDepth) throw fail(msg.tooDeep(where(file, lines, node.range?.[0]), limits.maxDepth, limits.what));
    }
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      // Not echoed: an unquoted value starting with `*` (`password: *Sp1unk…`) is read as an alias.
      if (target === undefined) throw fail(msg.unknownAlias(where(file, lines, node.range?.[0])));
      // A secret reached through an alias (`AuthKey: *vt`) keeps its text too; the anchored value with it, so that printing it is masked.
      if (keep) for (const item of isSeq(target) ? target.items : [target]) keepNumber(item);
    } else if (isScalar(node) && value) {
      if (keep) keepNumber(node);
      if (options.pyyamlScalars) pyyamlScalar(node, !!keep);
      if (options.quotedNumbers && (node.type === "QUOTE_DOUBLE" || node.type === "QUOTE_SINGLE") && node.tag === undefined && typeof node.value === "string" && node.value.length <= 64 && NUMBER_LIKE.test(node.value.trim())) {
        options.quotedNumbers.add(settingPath(entry));
      }
    } else if (isMap(node)) {
      keys += node.items.length;
      if (keys > limits.maxKeys) throw fail(msg.tooManyKeys(file, limits.maxKeys, limits.what));
      const seen = new Set<string>();
      for (const pair of node.items) {
        const id = keyIdentity(pair.key);
        if (id !== undefined) {
          if (seen.has(id)) {
            const key = pair.key as { range?: [number, number, number]; value?: unknown };
            throw fail(msg.duplicateKey(where(file, lines, key.range?.[0]), String(key.value)));
          }
          seen.add(id);
        }
      }
      mergeAsPyyaml(node);
      // Pushed last to first, so that they are popped in document order.
      for (let i = node.items.length - 1; i >= 0; i -= 1) {
        const pair = node.items[i];
        const keepText = !!options.keepNumberText && isScalar(pair.key) && options.keepNumberText(String(pair.key.value));
        const label = isScalar(pair.key) ? String(pair.key.value) : "?";
        stack.push({ node: pair.value, depth: depth + 1, value: true, keep: keepText, parent: entry, label }, { node: pair.key, depth: depth + 1, parent: entry });
      }
    } else if (isSeq(node)) {
      // A list under a secret key (a list of keys) keeps its items' text.
      for (let i = node.items.length - 1; i >= 0; i -= 1) stack.push({ node: node.items[i], depth: depth + 1, value: true, keep, parent: entry, label: `[${i}]` });
    }
  }
}

/**
 * Several `<<` keys in one map as PyYAML applies them: each in turn, a later one's values winning over an
 * earlier one's (the yaml package let the first win, so MSTICPy read another value from the same file); within
 * one `<<: [*a, *b]` list the earlier wins, for both. Rewritten as the one list form with that precedence:
 * the keys last to first, each list in its order.
 */
function mergeAsPyyaml(map: { items: { key: unknown; value: unknown }[] }): void {
  const merges = map.items.filter((pair) => isScalar(pair.key) && typeof pair.key.value === "symbol");
  if (merges.length < 2) return;
  const seq = new YAMLSeq();
  // A loop, not push(...): a `<<` list of a 4 MiB file may hold ~1M aliases.
  for (const pair of [...merges].reverse()) for (const item of isSeq(pair.value) ? pair.value.items : [pair.value]) seq.items.push(item);
  merges[0].value = seq;
  map.items = map.items.filter((pair) => pair === merges[0] || !merges.includes(pair));
}

/**
 * The yaml package's message for a syntax error, as ours: its position (we
 * give it as file:line:col) and the snippet after it cut off, and its advice
 * to call its own API replaced.
 */
function syntaxDetail(code: string, message: string): string {
  if (code === "MULTIPLE_DOCS") return "a second document starts here (a `---` line): one file is one document; remove the `---`, or split the file";
  return message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "").replace(/:$/, "");
}

/** One parse of the text, its errors in the document. */
function parseOnce(file: string, text: string, limits: YamlLimits, fail: YamlErrorFactory): { doc: YAML.Document.Parsed; lines: LineCounter } {
  const lines = new LineCounter();
  // The parser makes an Error per problem it finds (a file of 50,000 values it refuses: 50,000), and each took a
  // stack trace no one reads: ~40% of such a read's CPU. Their messages and positions are all that is used.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    // merge: `<<: *anchor` merge keys, which PyYAML (MSTICPy's loader) applies; without it they were a key named "<<".
    return { doc: YAML.parseDocument(text, { prettyErrors: true, uniqueKeys: false, lineCounter: lines, merge: true }), lines };
  } catch (err) {
    // The composer recurses per nesting level: a deep enough document overflows the stack.
    if (err instanceof RangeError) throw fail(msg.tooDeep(file, limits.maxDepth, limits.what));
    throw err;
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}

/** Whether each span re-indented is exactly one quoted scalar of the document: white space a quoted value folds away, so no value changed. */
function quotedSpans(doc: YAML.Document.Parsed, spans: readonly ReindentedSpan[]): boolean {
  const quoted = new Map<number, number>();
  visit(doc, {
    Scalar(_, node) {
      if ((node.type === "QUOTE_SINGLE" || node.type === "QUOTE_DOUBLE") && node.range) quoted.set(node.range[0], node.range[1]);
    },
  });
  return spans.every((span) => quoted.get(span.start) === span.end + 1);
}

/** YAML's own scalar tags, which the yaml package reads as YAML 1.2 does (`!!bool yes` does not resolve there). */
const SCALAR_TAGS = new Map([
  ["tag:yaml.org,2002:bool", "bool"],
  ["tag:yaml.org,2002:int", "int"],
  ["tag:yaml.org,2002:float", "float"],
  ["tag:yaml.org,2002:null", "null"],
]);
const SCALAR_TAG_WARNING = /^Unresolved tag: tag:yaml\.org,2002:(?:bool|int|float|null) /;

/**
 * `!!bool yes` (`on`, `off`, `no`: PyYAML's spellings) is the boolean it is in YAML 1.1, which MSTICPy's PyYAML reads;
 * `!!int 0b1010`, `!!int 1_000`, `!!int 190:20:30` (YAML 1.1's binary, `_` and base-60 forms, which YAML 1.2 has not)
 * are the integers PyYAML makes of them (10, 1000, 685230): they were "a !!int value that does not read as one".
 * A value its scalar tag does not read (`!!int x`, `!!bool maybe`) is an error naming the tag; the value is not shown (it may be a key).
 */
function resolveScalarTags(file: string, doc: YAML.Document, lines: LineCounter, fail: YamlErrorFactory): void {
  if (!doc.warnings.some((w) => w.code === "TAG_RESOLVE_FAILED" && SCALAR_TAG_WARNING.test(w.message))) return;
  visit(doc, {
    Scalar(_key, node) {
      const tag = node.tag === undefined ? undefined : SCALAR_TAGS.get(node.tag);
      // Resolved values are typed (true, 5, null); one left as text did not read as its tag.
      if (tag === undefined || typeof node.value !== "string") return;
      const integer = tag === "int" ? pyyamlInteger(node.value) : undefined;
      if (tag === "bool" && YAML11_BOOLEAN.test(node.value)) node.value = /^(?:yes|on)$/i.test(node.value);
      else if (integer !== undefined) node.value = integer;
      else throw fail(msg.scalarTag(where(file, lines, node.range?.[0]), tag));
    },
  });
}

/**
 * Parses YAML text and returns it as plain JS: once, or again with quoted
 * values re-indented (reindentQuotedScalars) when that alone makes it read.
 * Errors (syntax, duplicate keys, limits, nesting too deep for the parser,
 * alias bombs) name the file, and the line and column where there is one.
 */
export function parseYamlText(file: string, text: string, limits: YamlLimits, fail: YamlErrorFactory, options: YamlReadOptions = {}): unknown {
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > limits.maxBytes) throw fail(msg.tooLarge(file, bytes, limits.maxBytes, limits.what));
  let { doc, lines } = parseOnce(file, text, limits, fail);
  if (doc.errors.length) {
    // Quoted values whose lines PyYAML reads and the yaml package refuses (see yamlQuotedIndent): read again re-indented.
    // Lines keep their numbers; a file that still fails is reported as it was.
    const repaired = reindentQuotedScalars(text);
    if (repaired && Buffer.byteLength(repaired.text, "utf8") <= limits.maxBytes) {
      const again = parseOnce(file, repaired.text, limits, fail);
      if (!again.doc.errors.length && quotedSpans(again.doc, repaired.spans)) ({ doc, lines } = again);
    }
  }
  if (doc.errors.length) {
    const err = doc.errors[0];
    if (/call stack/i.test(err.message)) throw fail(msg.tooDeep(file, limits.maxDepth, limits.what));
    const pos = err.linePos?.[0];
    throw fail(msg.syntax(`${file}${pos ? `:${pos.line}:${pos.col}` : ""}`, syntaxDetail(err.code, err.message)));
  }
  resolveScalarTags(file, doc, lines, fail);
  // An unknown tag is only a warning to the yaml package, and its value silently "" (`AuthKey: !Kx9…`) or the text after it; PyYAML refuses it.
  const tag = doc.warnings.find((w) => w.code === "TAG_RESOLVE_FAILED" && !SCALAR_TAG_WARNING.test(w.message));
  if (tag) throw fail(msg.unknownTag(where(file, lines, tag.pos[0])));
  checkDocument(file, doc.contents, lines, limits, fail, options);
  try {
    return doc.toJS();
  } catch (err) {
    // toJS refuses alias bombs ("Excessive alias count…").
    throw fail(msg.unreadable(file, (err as Error).message));
  }
}
