/**
 * Pivot chains, after MSTICPy's `df.mp_pivot.run(...)` pipelines:
 * `pivotChain(df).run(fn, { column, join }).filter(expr).display({ title, head }).tee("name").run(…).df`.
 * Each step's output is the next step's input; nothing runs until `.df` is read.
 */
import pl from "nodejs-polars";
import { HuntlabError } from "../common/errors";
import { isDataFrame, lazyFrame } from "../common/frames";
import { display } from "../display/display";
import { PivotError, pivotMessages as msg } from "./messages";
import { notAFrameText } from "../common/notAFrame";
import type { PivotCallOptions, PivotFunction } from "./types";

/** Options of `chain.display(...)`. */
export interface ChainDisplayOptions {
  /** Printed above the table. Default: none. */
  title?: string;
  /** Show only the first rows. Default: all (the table display cuts long frames itself). */
  head?: number;
  /** Show only these columns. Default: all. */
  columns?: string[];
}

/** A filter: a polars expression, or a function of the frame. */
export type ChainFilter = pl.Expr | ((df: pl.DataFrame) => pl.DataFrame);

/** One step: a label for errors and the work. */
export interface ChainStep {
  label: string;
  apply(df: pl.DataFrame, tees: Record<string, pl.DataFrame>): Promise<pl.DataFrame> | pl.DataFrame;
}

/** A chain of pivot steps over a DataFrame (immutable: each method returns a longer chain). */
export class PivotChain {
  readonly #start: pl.DataFrame;
  readonly #steps: readonly ChainStep[];
  #result?: Promise<pl.DataFrame>;
  /** Frames saved by `tee(name)`, filled as the chain runs. */
  readonly tees: Record<string, pl.DataFrame>;

  constructor(df: pl.DataFrame, steps: readonly ChainStep[] = [], tees: Record<string, pl.DataFrame> = {}, fn = "pivotChain") {
    if (!isDataFrame(df)) throw new PivotError(msg.notAFrame(fn, notAFrameText(df)));
    this.#start = df;
    this.#steps = steps;
    this.tees = tees;
  }

  /** The chain plus one step (not called `then`: a chain must not look like a promise). */
  addStep(step: ChainStep): PivotChain {
    return new PivotChain(this.#start, [...this.#steps, step], this.tees);
  }

  /** Runs a pivot function on the current frame (`column` names the values; `join` joins the result back, as in a direct call). */
  run(fn: PivotFunction, options: PivotCallOptions = {}): PivotChain {
    const path = typeof fn === "function" && typeof (fn as Partial<PivotFunction>).path === "string" ? fn.path : "a function that is not a pivot";
    return this.addStep({
      label: `run ${path}`,
      apply: (df) => {
        if (typeof fn !== "function" || !("info" in fn)) throw new PivotError(msg.badOption("pivotChain.run", "fn", typeof fn, "a pivot function, e.g. entities.Ip.util.geoLoc"));
        return fn(df, options);
      },
    });
  }

  /** Keeps the rows matching a polars expression (or transforms the frame with a function). */
  filter(filter: ChainFilter): PivotChain {
    // Through lazyFrame: a column called `filter` (or `lazy`) would answer df.filter; the expression keeps the frame's own names.
    return this.addStep({ label: "filter", apply: (df) => (typeof filter === "function" ? filter(df) : lazyFrame(df).filter(filter).collectSync()) });
  }

  /** Any DataFrame → DataFrame step (MSTICPy's `pd_accessor`), named for errors. */
  apply(name: string, f: (df: pl.DataFrame) => pl.DataFrame | Promise<pl.DataFrame>): PivotChain {
    return this.addStep({ label: name, apply: (df) => f(df) });
  }

  /** Shows the current frame without changing it (MSTICPy's `pivot_display`). */
  display(options: ChainDisplayOptions = {}): PivotChain {
    return this.addStep(displayStep(options));
  }

  /** Saves the current frame as `chain.tees[name]` (and in `target[name]` when given) without changing it (MSTICPy's `pivot_tee`). */
  tee(name: string, target?: Record<string, pl.DataFrame>): PivotChain {
    return this.addStep(teeStep(name, target));
  }

  /** The labels of the steps, in order. */
  get steps(): string[] {
    return this.#steps.map((s, i) => `step ${i + 1}: ${s.label}`);
  }

  /** Runs the steps (once) and gives the last frame. A failing step's error names it. */
  get df(): Promise<pl.DataFrame> {
    this.#result ??= runSteps(this.#start, this.#steps, this.tees);
    return this.#result;
  }
}

/** A step showing the frame (title, head, columns) and passing it on unchanged. */
export function displayStep(options: ChainDisplayOptions): ChainStep {
  return {
    label: `display${options.title ? ` "${options.title}"` : ""}`,
    apply: (df) => {
      let shown = options.columns ? lazyFrame(df).select(...options.columns).collectSync() : df;
      if (options.head !== undefined) shown = lazyFrame(shown).head(options.head).collectSync();
      if (options.title) console.log(options.title);
      display(shown);
      return df;
    },
  };
}

/** A step saving the frame under `name` in the chain's tees (and `target`), passing it on unchanged. */
export function teeStep(name: string, target?: Record<string, pl.DataFrame>): ChainStep {
  const save = (into: Record<string, pl.DataFrame>, df: pl.DataFrame) => Object.defineProperty(into, name, { value: df, enumerable: true, configurable: true, writable: true });
  return {
    label: `tee "${name}"`,
    apply: (df, tees) => {
      save(tees, df);
      if (target) save(target, df);
      return df;
    },
  };
}

/** Runs steps in order; wraps a failure in `pivot/step-failed` naming the step (the original error is the cause). */
export async function runSteps(start: pl.DataFrame, steps: readonly ChainStep[], tees: Record<string, pl.DataFrame>): Promise<pl.DataFrame> {
  let df = start;
  for (const [i, step] of steps.entries()) {
    try {
      df = await step.apply(df, tees);
    } catch (err) {
      const detail = err instanceof HuntlabError ? `${err.message} [${err.code}]` : err instanceof Error ? err.message : String(err);
      throw new PivotError(msg.stepFailed(`step ${i + 1} (${step.label})`, detail), { cause: err });
    }
    if (!isDataFrame(df)) throw new PivotError(msg.stepFailed(`step ${i + 1} (${step.label})`, "it did not return a DataFrame"));
  }
  return df;
}

/** Starts a pivot chain on a DataFrame. */
export function pivotChain(df: pl.DataFrame): PivotChain {
  return new PivotChain(df);
}
