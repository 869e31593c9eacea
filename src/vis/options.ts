/**
 * Checks of view options, shared by every view factory: an option of the
 * wrong type (`groupBy: 5`) or of a name the view does not know (`groupby`)
 * is an error of the view's own class that names the view and the option, not
 * a TypeError from deep inside or a default view. The check itself is
 * common/options.ts's (the query provider and the tree queries use it too);
 * other ranges and whether a column exists stay with each view.
 */
import { findOptionProblem, type OptionTypes } from "../common/options";
import type { ErrorMessage } from "../common/errors";
import { visMessages as msg, type VisOptionCode } from "./messages";

export type { OptionKind, OptionType, OptionTypes, OptionTypesOf } from "../common/options";

/**
 * Most pixels a view's width or height (and a graph's node or font size) may
 * have: the static image is drawn at that size in Node (a timeline of
 * `height: 1e6` took 35 s; a process tree of `width: 1e9` aborted the process
 * inside the PNG renderer, taking the kernel with it).
 */
export const MAX_VIEW_PIXELS = 10_000;

/**
 * Who reports a bad option: the view (function or class) named in the message,
 * the code, and the view's error class, e.g.
 * `{ view: "timeline", code: "vis/timeline-option", error: (m) => new TimelineError(m) }`.
 */
export interface OptionView<C extends VisOptionCode> {
  view: string;
  code: C;
  error: (m: ErrorMessage<C>) => Error;
}

/**
 * Throws the view's error for the first option name of `options` that is not
 * in `types` (with the nearest known name, if any is close, and the known names), then for the first option
 * in `types` whose value is set (not undefined) and of none of its accepted
 * types (see {@link findOptionProblem}). `options` that is not an object at all is reported as the option `options`.
 */
export function checkOptionTypes<C extends VisOptionCode>(options: unknown, types: OptionTypes, by: OptionView<C>): void {
  const found = findOptionProblem(options, types);
  if (!found) return;
  if (found.problem === "unknown") throw by.error(msg.optionUnknown(by.code, by.view, found.unknown, found.known));
  if (found.problem === "not-object") throw by.error(msg.optionType(by.code, by.view, "options", "an object", found.value));
  throw by.error(msg.optionType(by.code, by.view, found.option, found.expected, found.value));
}
