/**
 * docs/api.md, the reference of every public name: current (what scripts/list-api.ts writes),
 * complete (every runtime export of the package, checked against the module itself, not the
 * script's own reading of it), and every public name documented.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, describe, it } from "node:test";
import * as huntlab from "../src";
import { apiReport, apiReportOnce, firstSentence, markdownLine } from "../scripts/list-api";

const ROOT = join(__dirname, "..");
const REGENERATE = "run: node --import tsx scripts/list-api.ts > docs/api.md";
const listedNames = (doc: string) => new Set([...doc.matchAll(/^- `([^`]+)` \(/gm)].map((m) => m[1]));

describe("docs/api.md", () => {
  it("is what scripts/list-api.ts writes", () => {
    const doc = readFileSync(join(ROOT, "docs", "api.md"), "utf8");
    const want = apiReportOnce().markdown;
    if (doc === want) return;
    // The first line that differs, rather than two 100 kB strings.
    const [a, b] = [doc.split("\n"), want.split("\n")];
    const i = a.findIndex((line, k) => line !== b[k]);
    assert.equal(a[i === -1 ? b.length - 1 : i], b[i === -1 ? b.length - 1 : i], `docs/api.md is stale from line ${(i === -1 ? b.length - 1 : i) + 1} (${REGENERATE})`);
    assert.equal(doc, want, REGENERATE);
  });

  it("lists every runtime export of the package, and the entities namespace's", () => {
    const listed = listedNames(readFileSync(join(ROOT, "docs", "api.md"), "utf8"));
    const runtime = [...Object.keys(huntlab), ...Object.keys(huntlab.entities).map((n) => `entities.${n}`)];
    assert.ok(runtime.length > 250, `only ${runtime.length} runtime exports seen`);
    assert.deepEqual(runtime.filter((n) => !listed.has(n)), [], `runtime exports missing from docs/api.md (${REGENERATE})`);
  });

  it("says what each name is at run time: values are values, types are not", () => {
    const exported = huntlab as unknown as Record<string, unknown>;
    const wrong: string[] = [];
    for (const e of apiReportOnce().entries.filter((x) => !x.name.includes("."))) {
      const value = exported[e.name];
      const ok =
        e.kind === "function" || e.kind === "class" ? typeof value === "function"
        : e.kind === "constant" || e.kind === "namespace" ? value !== undefined
        : value === undefined;
      if (!ok) wrong.push(`${e.name} (${e.kind}, ${typeof value} at run time)`);
    }
    assert.deepEqual(wrong, []);
  });

  it("every public name, and every listed member, has TSDoc (its first sentence is the reference's line)", () => {
    assert.deepEqual(apiReportOnce().undocumented, [], "add a /** … */ comment to each of these in src/ (node --import tsx scripts/list-api.ts --undocumented lists them)");
  });
});

describe("scripts/list-api.ts", () => {
  const dir = mkdtempSync(join(tmpdir(), "huntlab-apidoc-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const write = (rel: string, text: string) => {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  };
  write(
    "index.ts",
    [
      'export * from "./data";',
      'export { lookup as lookupAll, Maker, type LookupOptions, type Result } from "./context/lookup";',
      'export * as things from "./entities";',
      'export { BUILT } from "./helpers";',
      'import { tidy } from "./common/tidy";',
      "export { tidy };",
    ].join("\n"),
  );
  write("data/index.ts", 'export { readIt, READ_KINDS, reader } from "./read";\n');
  write(
    "data/read.ts",
    [
      "/** Reads a file (e.g. `a.csv`) into rows. The rest is detail. */",
      "export function readIt(file: string, options?: { n?: number }): string[] { return [file]; }",
      "export const READ_KINDS = [\"csv\"] as const;",
      "/** The reader as one object. */",
      "export const reader = Object.freeze({ readIt });",
    ].join("\n"),
  );
  write("context/base.ts", "export interface BaseOptions {\n  /** Stops the look-up. Default: none. */\n  signal?: AbortSignal;\n}\n");
  write(
    "context/lookup.ts",
    [
      'import type { BaseOptions } from "./base";',
      "/** Looks `a|b` up in <b>bold</b> and `x.y` (default 5). Second sentence. */",
      "export function lookup(values: string[], ...more: string[]): number { return values.length + more.length; }",
      "/** Options of `lookupAll`. */",
      "export interface LookupOptions extends BaseOptions {",
      "  /** How many. Default 5. */",
      "  count?: number;",
      "  /**",
      "   * Where to look:",
      "   * - `here`",
      "   * - `there`",
      "   * @defaultValue \"here\"",
      "   */",
      "  where: string;",
      "}",
      "const SHOW: unique symbol = Symbol.for(\"show\") as never;",
      "/** A result. */",
      "export interface Result {",
      "  /** The count. */",
      "  n: number;",
      "  describe(x: string, y?: number): string;",
      "  [SHOW](): string;",
      "}",
      "interface MakerConstructor {",
      "  new (a: string): Result;",
      "  new (a: number, b: number): Result;",
      "  /** The kinds it makes. */",
      "  kinds(): string[];",
      "}",
      "/** Makes results. */",
      "export const Maker: MakerConstructor = function () {} as unknown as MakerConstructor;",
    ].join("\n"),
  );
  write("entities/index.ts", '/** The things. */\nexport { Thing } from "./thing";\n');
  write(
    "entities/thing.ts",
    [
      "/** A thing. */",
      "export class Thing {",
      "  constructor(readonly name: string, extra?: number) {}",
      "  /** Its label. */",
      "  label(prefix?: string): string { return `${prefix}${this.name}`; }",
      "  /** Its size. */",
      "  get size(): number { return 1; }",
      "  static make(): Thing { return new Thing(\"x\"); }",
      "  private hidden(): void {}",
      "  _internal = 1;",
      "}",
    ].join("\n"),
  );
  write("helpers.ts", "export const BUILT = 1;\n");
  write("common/tidy.ts", "/** Tidies text. */\nexport function tidy(text: string): string { return text.trim(); }\n");

  it("follows re-exports to the declaring files, groups by folder and reports names without TSDoc", () => {
    const report = apiReport(dir);
    const line = (name: string) => report.markdown.split("\n").find((l) => l.startsWith(`- \`${name}\` (`));
    assert.deepEqual(report.undocumented, ["READ_KINDS", "things.Thing.make", "BUILT"]);
    assert.equal(line("readIt"), "- `readIt` (function) `readIt(file, options?): string[]` — Reads a file (e.g. `a.csv`) into rows.");
    assert.equal(line("lookupAll"), "- `lookupAll` (function) `lookupAll(values, ...more): number` — Looks `a|b` up in &lt;b&gt;bold&lt;/b&gt; and `x.y` (default 5).");
    // A class's public members (not private or _-named ones), an object of functions' functions.
    assert.match(report.markdown, /^- `things\.Thing` \(class\) `new Thing\(name, extra\?\)` — A thing\.\n {2}- `\.label\(prefix\?\)` — Its label\.\n {2}- `\.size` — Its size\.\n {2}- `Thing\.make\(\)`\n\n/m);
    assert.match(report.markdown, /^- `reader` \(constant\) — The reader as one object\.\n {2}- `reader\.readIt\(file, options\?\): string\[\]` — Reads a file \(e\.g\. `a\.csv`\) into rows\.\n/m);
    assert.equal(line("things"), "- `things` (namespace) — The things.");
    const md = report.markdown;
    // The inherited option comes from a file reached only through `extends`; defaults from "Default …" and @defaultValue.
    assert.match(md, /- `LookupOptions` \(interface\) — Options of `lookupAll`\.\n {2}- `count\?: number` — How many\. Default 5\.\n {2}- `where: string` — Where to look: … Default: "here"\.\n {2}- `signal\?: AbortSignal` — Stops the look-up\. Default: none\.\n/);
    // An interface's properties and methods; a constant of a type with construct signatures is a class, its other members static.
    assert.match(md, /^- `Result` \(interface\) — A result\.\n {2}- `n: number` — The count\.\n {2}- `describe\(x, y\?\): string`\n {2}- `\[SHOW\]\(\): string`\n/m);
    assert.match(md, /^- `Maker` \(class\) `new Maker\(a\) \(\+1 overload\)` — Makes results\.\n {2}- `Maker\.kinds\(\)` — The kinds it makes\.\n/m);
    // Groups in MSTICPy's order, names by code point within one (BUILT from src/helpers.ts is common/).
    const order = ["READ_KINDS", "readIt", "reader", "LookupOptions", "Maker", "Result", "lookupAll", "things", "things.Thing", "BUILT", "tidy"];
    assert.deepEqual([...listedNames(md)], order);
    assert.ok(md.indexOf("## Data") < md.indexOf("## Context") && md.indexOf("## Entities") < md.indexOf("## Common"));
  });

  it("writes one line of Markdown: pipes escaped, no raw HTML, backticks paired", () => {
    assert.equal(markdownLine("a | b <script>x</script> & c"), "a \\| b &lt;script&gt;x&lt;/script&gt; &amp; c");
    assert.equal(markdownLine("keeps `a|b<i>` as code"), "keeps `a|b<i>` as code");
    assert.equal(markdownLine("an odd ` tick and `code`"), "an odd ` tick and `code\\`");
    assert.equal(markdownLine("two\n  lines"), "two lines");
  });

  it("takes the first sentence: not cut at abbreviations, code or parentheses, nor run into a list", () => {
    assert.equal(firstSentence("Reads `a.b. c` files (one per line. e.g. x) i.e. all. Then more."), "Reads `a.b. c` files (one per line. e.g. x) i.e. all.");
    assert.equal(firstSentence("Adds columns:\n- `a`\n- `b`"), "Adds columns: …");
    assert.equal(firstSentence("- `clean` (default): tidy. More."), "`clean` (default): tidy.");
    assert.equal(firstSentence("First paragraph\nwraps\n\nSecond."), "First paragraph wraps");
    assert.equal(firstSentence(""), "");
  });
});
