/**
 * Box labels of the process tree stay readable on every box colour (WCAG
 * 2.1 AA, 4.5:1): the category palette, the level and numeric ramps, "Other"
 * and the inferred parents' white, in the static image (the live view uses
 * the same `inkOn`, checked in Chromium by test/browser/accessibility.browser.test.ts).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import pl from "nodejs-polars";
import { contrastRatio, inkOn } from "../../src/vis/client/processTreeText";
import { processTreeSvg } from "../../src/vis/processTree";

/** A built tree: `roots` roots each with a user of its own, and under the first a chain `depth` deep; a numeric column. */
function tree(roots: number, depth: number): pl.DataFrame {
  const keys: string[] = [];
  const parents: (string | null)[] = [];
  const levels: number[] = [];
  for (let r = 0; r < roots; r += 1) {
    keys.push(`r${r}`);
    parents.push(null);
    levels.push(1);
  }
  for (let d = 1; d < depth; d += 1) {
    keys.push(`c${d}`);
    parents.push(d === 1 ? "r0" : `c${d - 1}`);
    levels.push(d + 1);
  }
  const n = keys.length;
  return pl.DataFrame({
    proc_key: keys,
    parent_key: pl.Series("parent_key", parents, pl.Utf8),
    IsRoot: parents.map((p) => p === null),
    IsLeaf: keys.map(() => false),
    IsBranch: keys.map(() => false),
    path: keys,
    Level: levels,
    NewProcessName: keys.map((k) => `C:\\x\\${k}.exe`),
    NewProcessId: keys.map((_, i) => `0x${(i + 16).toString(16)}`),
    SubjectUserName: keys.map((_, i) => `user${i}`),
    Score: keys.map((_, i) => (i * 37) % n),
  });
}

/** Each process box of the image: its fill and its label's fill. */
function boxInks(svg: string): { box: string; ink: string }[] {
  return [...svg.matchAll(/<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="21"[^>]*fill="(#[0-9A-Fa-f]{6})"[^>]*\/><text [^>]*fill="(#[0-9A-Fa-f]{6})">/g)].map((m) => ({ box: m[1], ink: m[2] }));
}

describe("process tree box labels: contrast", () => {
  it("inkOn picks black or white at 4.5:1 or more on any colour (grey steps and the palettes' hues)", () => {
    for (let v = 0; v < 256; v += 5) {
      const grey = `#${v.toString(16).padStart(2, "0").repeat(3)}`;
      assert.ok(contrastRatio(grey, inkOn(grey)) >= 4.5, grey);
    }
    // White on orange was 2.4:1 (the old rule cut perceived brightness at 0.6).
    assert.equal(inkOn("#F28E2B"), "#000000");
    assert.equal(inkOn("#440154"), "#FFFFFF");
  });

  for (const [name, options] of [
    ["by category (20 colours and Other)", { legendCol: "SubjectUserName" }],
    ["by level (the ramp)", {}],
    ["by a number (the ramp)", { legendCol: "Score" }],
  ] as const) {
    it(`every label of the static image reads on its box, coloured ${name}`, () => {
      const svg = processTreeSvg(tree(24, 13), { ...options, expandDepth: Infinity, maxInitialNodes: Infinity });
      const found = boxInks(svg);
      assert.ok(found.length >= 30, `${found.length} boxes`);
      const colours = new Set(found.map((f) => f.box));
      assert.ok(colours.size >= 8, `${colours.size} colours`);
      const low = found.filter((f) => contrastRatio(f.box, f.ink) < 4.5).map((f) => `${f.ink} on ${f.box}: ${contrastRatio(f.box, f.ink).toFixed(2)}:1`);
      assert.deepEqual([...new Set(low)], []);
    });
  }
});
