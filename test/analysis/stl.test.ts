/**
 * STL against statsmodels: the reference numbers come from
 * scripts/make-stl-fixtures.py (statsmodels' STL, version recorded in the
 * fixture) on the lab's timeseries and on other series.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { AnalysisError } from "../../src/analysis/errors";
import { loessSmooth, movingAverage } from "../../src/analysis/loess";
import { stl, stlConfig, type StlOptions } from "../../src/analysis/stl";

interface StlCase {
  name: string;
  description: string;
  params: {
    period: number;
    seasonal: number;
    trend: number;
    low_pass: number;
    seasonal_deg: number;
    trend_deg: number;
    low_pass_deg: number;
    seasonal_jump: number;
    trend_jump: number;
    low_pass_jump: number;
    robust: boolean;
    inner_iter?: number;
    outer_iter?: number;
  };
  y: number[];
  trend: number[];
  seasonal: number[];
  resid: number[];
  weights: number[];
}

const FIXTURE = JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", "stl.json"), "utf8")) as {
  generator: Record<string, string>;
  cases: StlCase[];
};

/** Relative error, with an absolute floor of 1e-6 × the series' scale for values near zero. */
function assertClose(got: ArrayLike<number>, want: number[], scale: number, what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    const tolerance = 1e-6 * Math.max(Math.abs(want[i]), scale * 1e-3);
    assert.ok(Math.abs(got[i] - want[i]) <= tolerance, `${what}[${i}]: got ${got[i]}, statsmodels ${want[i]}`);
  }
}

function optionsOf(c: StlCase): StlOptions {
  const p = c.params;
  return {
    period: p.period,
    seasonal: p.seasonal,
    trend: p.trend,
    lowPass: p.low_pass,
    seasonalDeg: p.seasonal_deg,
    trendDeg: p.trend_deg,
    lowPassDeg: p.low_pass_deg,
    seasonalJump: p.seasonal_jump,
    trendJump: p.trend_jump,
    lowPassJump: p.low_pass_jump,
    robust: p.robust,
    innerIter: p.inner_iter,
    outerIter: p.outer_iter,
  };
}

test("the fixture records where its numbers come from", () => {
  assert.match(FIXTURE.generator.statsmodels, /^\d+\.\d+/);
  assert.ok(FIXTURE.cases.length >= 10);
  const lab = FIXTURE.cases.find((c) => c.name === "lab-timeseries");
  assert.equal(lab?.y.length, 168);
});

for (const c of FIXTURE.cases) {
  test(`STL matches statsmodels to 1e-6: ${c.name} (${c.description})`, () => {
    const result = stl(c.y, optionsOf(c));
    const scale = Math.max(...c.y.map(Math.abs));
    assertClose(result.trend, c.trend, scale, "trend");
    assertClose(result.seasonal, c.seasonal, scale, "seasonal");
    assertClose(result.residual, c.resid, scale, "residual");
    assertClose(result.weights, c.weights, 1000, "weights");
    for (let i = 0; i < c.y.length; i++) {
      assert.ok(Math.abs(result.trend[i] + result.seasonal[i] + result.residual[i] - c.y[i]) <= 1e-9 * scale);
    }
  });
}

test("defaults are statsmodels': derived trend and low-pass lengths, degree 1, jump 1, 5 inner / 0 outer unless robust", () => {
  const lab = FIXTURE.cases.find((c) => c.name === "lab-timeseries") as StlCase;
  const config = stlConfig({ period: 24 });
  // The fixture's config is what statsmodels resolved for STL(seasonal=7, period=24).
  assert.deepEqual(
    { period: config.period, seasonal: config.seasonal, trend: config.trend, lowPass: config.lowPass },
    { period: lab.params.period, seasonal: lab.params.seasonal, trend: lab.params.trend, lowPass: lab.params.low_pass },
  );
  assert.equal(config.trend, 47);
  assert.equal(config.lowPass, 25);
  assert.deepEqual([config.seasonalDeg, config.trendDeg, config.lowPassDeg], [1, 1, 1]);
  assert.deepEqual([config.seasonalJump, config.trendJump, config.lowPassJump], [1, 1, 1]);
  assert.deepEqual([config.innerIter, config.outerIter, config.robust], [5, 0, false]);
  const robust = stlConfig({ period: 24, robust: true });
  assert.deepEqual([robust.innerIter, robust.outerIter], [2, 15]);
  // Smallest odd integer ≥ 1.5·12/(1 − 1.5/13) = 20.35 → 21; smallest odd > 12 → 13.
  assert.deepEqual([stlConfig({ period: 12, seasonal: 13 }).trend, stlConfig({ period: 12 }).lowPass], [21, 13]);
  // Non-robust weights are all 1.
  assert.ok(stl(lab.y, { period: 24 }).weights.every((w) => w === 1));
});

test("invalid settings and inputs are refused with the setting named", () => {
  const y = Array.from({ length: 100 }, (_, i) => Math.sin(i));
  // Each message names the option and the value given (and the bound it breaks).
  assert.throws(() => stl(y, { period: 1 }), { name: "AnalysisError", code: "analysis/invalid-option", message: /period .*≥ 2.*got 1/ });
  assert.throws(() => stl(y, { period: 24, seasonal: 8 }), (e: unknown) => e instanceof AnalysisError && e.code === "analysis/invalid-option" && /seasonal .*got 8/.test(e.message));
  assert.throws(() => stl(y, { period: 24, trend: 23 }), { code: "analysis/invalid-option", message: /trend .*period \(24\); got 23/ });
  assert.throws(() => stl(y, { period: 24, lowPass: 24 }), { code: "analysis/invalid-option", message: /lowPass/ });
  assert.throws(() => stl(y, { period: 12, seasonalDeg: 2 }), { code: "analysis/invalid-option", message: /seasonalDeg .*got 2/ });
  assert.throws(() => stl(y, { period: 12, trendJump: 0 }), { code: "analysis/invalid-option", message: /trendJump .*got 0/ });
  assert.throws(() => stl(y.slice(0, 47), { period: 24 }), { code: "analysis/series-too-short", message: /47 points .*period 24 needs 48/ });
  assert.throws(() => stl([...y.slice(0, 50), Number.NaN], { period: 12 }), { code: "analysis/not-finite", message: /point 50 is NaN/ });
});

test("moving average and a LOESS smooth of a straight line", () => {
  const x = Float64Array.from([1, 2, 3, 4, 5, 6]);
  const out = new Float64Array(4);
  movingAverage(x, 6, 3, out);
  assert.deepEqual(Array.from(out), [2, 3, 4, 5]);
  // A degree-1 LOESS reproduces a line exactly, with or without jumps.
  const line = Float64Array.from({ length: 40 }, (_, i) => 3 + 0.5 * i);
  for (const jump of [1, 3, 7]) {
    const smooth = new Float64Array(40);
    loessSmooth(line, 40, 9, 1, jump, false, new Float64Array(40), smooth, new Float64Array(40));
    smooth.forEach((v, i) => assert.ok(Math.abs(v - line[i]) < 1e-9, `jump ${jump} point ${i}: ${v}`));
  }
});

test("robust STL when most points fit exactly (a level with one spike): the spike weighs 0 and stays in the residual", () => {
  // The median |residual| is 0 or rounding noise here: statsmodels' rule (all weights 1 at 0) let the spike pull the
  // seasonal (residual 0 or 68.6 of 100), and noise-level medians weighed points by their rounding errors.
  for (const [n, at] of [[480, 120], [2000, 500], [2000, 1000], [5000, 2500]]) {
    for (const level of [0, 5, -3]) {
      const y = Array.from({ length: n }, (_, i) => (i === at ? level + 100 : level));
      const result = stl(y, { period: 24, robust: true });
      const what = `${n} points at ${level}, spike at ${at}`;
      assert.ok(Array.from(result.weights).every((w) => Number.isFinite(w) && w >= 0 && w <= 1), `${what}: weights in [0, 1]`);
      assert.equal(result.weights[at], 0, `${what}: spike weight`);
      assert.ok(result.residual[at] > 99, `${what}: spike residual ${result.residual[at]}`);
      assert.ok(Math.abs(result.seasonal[at]) < 1, `${what}: seasonal at the spike ${result.seasonal[at]}`);
    }
  }
  // A constant: every residual 0, every weight 1 (no spread to weigh by).
  assert.ok(Array.from(stl(new Array<number>(96).fill(7), { period: 24, robust: true }).weights).every((w) => w === 1));
});
