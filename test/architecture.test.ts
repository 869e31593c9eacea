/**
 * The module map holds: packages import only the layers below them (see
 * docs/architecture.md), browser code lives in src/vis/client, and nothing
 * evaluates strings as code.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize, relative, sep } from "node:path";
import { describe, it } from "node:test";

const SRC = join(__dirname, "..", "src");

/** Which packages each package may import (besides itself). */
const ALLOWED: Record<string, string[]> = {
  common: [],
  config: ["common"],
  display: ["common"],
  data: ["common", "config", "display"],
  entities: ["common", "config", "display"],
  transform: ["common", "config", "display", "data"],
  analysis: ["common", "config", "display", "data"],
  context: ["common", "config", "display", "data", "entities", "transform"],
  // Browser code: other browser modules, the Node/browser contract types, and the two import-free text helpers both sides share.
  "vis/client": ["display/viewConfig", "common/hiddenChars", "common/cutText"],
  vis: ["common", "config", "display", "data", "entities", "transform", "analysis", "context", "vis/client"],
  lab: ["common", "config", "display", "data", "analysis", "vis"],
  pivot: ["common", "config", "display", "data", "entities", "transform", "context", "vis"],
  index: ["*"],
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? files(full) : full.endsWith(".ts") ? [full] : [];
  });
}

/** `vis/client`, `vis`, `data`…, or `index` for files at the top of src/. */
function packageOf(file: string): string {
  const parts = relative(SRC, file).split(sep);
  if (parts.length === 1) return "index";
  if (parts[0] === "vis" && parts[1] === "client") return "vis/client";
  return parts[0];
}

function allowed(from: string, target: string): boolean {
  const to = packageOf(target);
  if (to === from) return true;
  const rules = ALLOWED[from] ?? [];
  const rel = relative(SRC, target).replace(/\.ts$/, "").split(sep).join("/");
  return rules.includes("*") || rules.includes(to) || rules.includes(rel);
}

const SOURCES = files(SRC);
const IMPORT = /^\s*(?:import|export)\b[^;]*?\bfrom\s+"(\.[^"]+)"/gm;

describe("architecture", () => {
  it("every package imports only the packages below it", () => {
    const leaks: string[] = [];
    for (const file of SOURCES) {
      const from = packageOf(file);
      assert.ok(from in ALLOWED, `${relative(SRC, file)}: package "${from}" is not in the module map`);
      for (const m of readFileSync(file, "utf8").matchAll(IMPORT)) {
        const target = normalize(join(dirname(file), m[1])) + ".ts";
        if (!allowed(from, target)) leaks.push(`${relative(SRC, file)} → ${m[1]}`);
      }
    }
    assert.deepEqual(leaks, []);
  });

  it("no string is evaluated as code", () => {
    const found = SOURCES.filter((f) => /\bnew Function\s*\(|(?<![\w.])eval\s*\(/.test(readFileSync(f, "utf8"))).map((f) => relative(SRC, f));
    assert.deepEqual(found, []);
  });

  it("nothing sorts or writes by the machine's language or zone", () => {
    // Node's default locale follows LANG (under sv_SE localeCompare put Å after Z): text is sorted with
    // common/textOrder's compareText; Intl formats name their locale; Vega writes times with utcFormat.
    const machineBound = /\.localeCompare\(|\.toLocale(?:Date|Time)?String\(\s*\)|new Intl\.(?:Collator|DateTimeFormat|NumberFormat|DisplayNames|ListFormat|PluralRules|RelativeTimeFormat)\(\s*(?:\)|undefined)|(?<![\w.])timeFormat\(/;
    const found = SOURCES.filter((f) => !f.endsWith(`common${sep}textOrder.ts`) && machineBound.test(readFileSync(f, "utf8"))).map((f) => relative(SRC, f));
    assert.deepEqual(found, []);
  });

  it("browser code lives only in src/vis/client", () => {
    // DOM calls outside the client folder would be script text in a template string.
    const dom = /\bdocument\.(?:createElement|getElementById|querySelector)|\.addEventListener\(|\.textContent\s*=/;
    const found = SOURCES.filter((f) => packageOf(f) !== "vis/client" && dom.test(readFileSync(f, "utf8"))).map((f) => relative(SRC, f));
    assert.deepEqual(found, []);
  });

  it("browser code imports no Node module", () => {
    const found = SOURCES.filter((f) => packageOf(f) === "vis/client" && /from\s+"(?:node:|fs"|path"|nodejs-polars)/.test(readFileSync(f, "utf8"))).map((f) => relative(SRC, f));
    assert.deepEqual(found, []);
  });
});
