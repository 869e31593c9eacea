/** The process tree's tidy layout (src/vis/client/processTreeLayout.ts): levels, centring, no overlaps, order, deep chains. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { tidyTreePositions, type LayoutBox } from "../../../src/vis/client/processTreeLayout";

const OPTIONS = { boxHeight: 30, boxGap: 5, levelGap: 40 };
const ROW = OPTIONS.boxHeight + OPTIONS.levelGap;

/** Depth of each box (roots 0), for boxes whose parent comes first. */
function depths(boxes: readonly LayoutBox[]): number[] {
  const d: number[] = [];
  boxes.forEach((b, i) => (d[i] = b.parent >= 0 && b.parent < i ? d[b.parent] + 1 : 0));
  return d;
}

/** A forest, each parent listed before its children, widths 20–160 px: a parent index and width per box. */
const forests = fc
  .array(fc.tuple(fc.nat(), fc.integer({ min: 20, max: 160 })), { minLength: 1, maxLength: 120 })
  .map((rows) => rows.map(([p, width], i): LayoutBox => ({ parent: i === 0 || p % 5 === 0 ? -1 : p % i, width })));

describe("tidyTreePositions", () => {
  test("every level is one row; no two boxes of a row overlap or come closer than the gap", () => {
    fc.assert(
      fc.property(forests, (boxes) => {
        const { x, y } = tidyTreePositions(boxes, OPTIONS);
        const d = depths(boxes);
        boxes.forEach((_, i) => assert.equal(y[i], d[i] * ROW));
        const rows = new Map<number, number[]>();
        boxes.forEach((_, i) => rows.set(d[i], [...(rows.get(d[i]) ?? []), i]));
        for (const row of rows.values()) {
          const sorted = [...row].sort((a, b) => x[a] - x[b]);
          for (let k = 1; k < sorted.length; k += 1) {
            const [a, b] = [sorted[k - 1], sorted[k]];
            const gap = x[b] - boxes[b].width / 2 - (x[a] + boxes[a].width / 2);
            assert.ok(gap >= OPTIONS.boxGap - 1e-6, `boxes ${a} and ${b} are ${gap} px apart`);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  test("children keep their order left to right, and a parent sits centred over its first and last child", () => {
    fc.assert(
      fc.property(forests, (boxes) => {
        const { x } = tidyTreePositions(boxes, OPTIONS);
        const children = new Map<number, number[]>();
        boxes.forEach((b, i) => b.parent >= 0 && children.set(b.parent, [...(children.get(b.parent) ?? []), i]));
        for (const [p, kids] of children) {
          for (let k = 1; k < kids.length; k += 1) assert.ok(x[kids[k]] > x[kids[k - 1]], `children of ${p} in order`);
          assert.ok(Math.abs(x[p] - (x[kids[0]] + x[kids[kids.length - 1]]) / 2) < 1e-6, `box ${p} centred over its children`);
        }
        const roots = boxes.flatMap((b, i) => (b.parent < 0 ? [i] : []));
        for (let k = 1; k < roots.length; k += 1) assert.ok(x[roots[k]] > x[roots[k - 1]], "roots in order");
      }),
      { numRuns: 200 },
    );
  });

  test("a 20,000-deep chain is laid out (no recursion limit): one column, a row per level", () => {
    const boxes: LayoutBox[] = Array.from({ length: 20_000 }, (_, i) => ({ parent: i - 1, width: 60 }));
    const { x, y } = tidyTreePositions(boxes, OPTIONS);
    assert.ok(x.every((v) => v === x[0]));
    assert.equal(y[19_999], 19_999 * ROW);
  });

  test("a parent listed after its child, or a box its own parent, is laid out as a root", () => {
    const { y } = tidyTreePositions(
      [
        { parent: 1, width: 40 },
        { parent: -1, width: 40 },
        { parent: 2, width: 40 },
      ],
      OPTIONS,
    );
    assert.deepEqual([...y], [0, 0, 0]);
  });

  test("a parent of 40,000 children: one row, siblings a gap apart", () => {
    const boxes: LayoutBox[] = [{ parent: -1, width: 80 }, ...Array.from({ length: 40_000 }, (): LayoutBox => ({ parent: 0, width: 50 }))];
    const { x, y } = tidyTreePositions(boxes, OPTIONS);
    assert.equal(x[2] - x[1], 50 + OPTIONS.boxGap);
    assert.equal(y[40_000], ROW);
    assert.ok(Math.abs(x[0] - (x[1] + x[40_000]) / 2) < 1e-6);
  });
});
