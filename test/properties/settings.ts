/**
 * Settings shared by the property tests: one fixed seed (a failure is
 * reproducible and fast-check prints the seed and path with the
 * counterexample) and small run counts, so the whole property suite stays
 * well under a minute on a 2-core machine.
 *
 * For a deeper local search, scale the runs and change the seed:
 *   HUNTLAB_PROPERTY_RUNS=10 HUNTLAB_PROPERTY_SEED=42 node --import tsx --test test/properties/*.test.ts
 */
import type { Parameters } from "fast-check";

/** The seed of every property (overridable for exploration only). */
export const SEED: number = Number(process.env.HUNTLAB_PROPERTY_SEED ?? 0x5eed);

const SCALE = Math.max(0.01, Number(process.env.HUNTLAB_PROPERTY_RUNS ?? 1) || 1);

/**
 * fast-check parameters: the fixed seed and `numRuns` runs (times
 * HUNTLAB_PROPERTY_RUNS). The failing assertion's message goes into the report:
 * node's reporter does not print an error's `cause`.
 */
export function runs<T = unknown>(numRuns: number): Parameters<T> {
  return {
    seed: SEED,
    numRuns: Math.max(1, Math.round(numRuns * SCALE)),
    includeErrorInReport: true,
    // Bounds shrinking, which can take minutes when each run costs milliseconds:
    // a failure found before the limit is still reported (shrunk as far as it got).
    // Far above what a property takes on a loaded 2-core machine.
    interruptAfterTimeLimit: SCALE > 1 ? undefined : 45_000,
  };
}
