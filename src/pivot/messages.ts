/** The error class, codes and message builders of src/pivot (pivot functions, chains and pipelines). */
import { didYouMean, errorMessage, HuntlabError, unknownOptionText, type ErrorCatalog, type UnknownOption } from "../common/errors";

/** Every code of src/pivot, with what docs/errors.md says of it. */
export const PIVOT_ERRORS = {
  "pivot/not-initialised": { class: "PivotError", when: "a pivot namespace is used before `new Pivot(...)` attached the functions", names: "the entity and namespace, the call to make" },
  "pivot/unknown-function": { class: "PivotError", when: "a pivot namespace has no function (or query family) of the name used", names: "the entity, the namespace, the name, the names there are" },
  "pivot/bad-provider": { class: "PivotError", when: "a provider given to `new Pivot` or `addProvider` is neither a QueryProvider nor a TILookup", names: "what was given" },
  "pivot/bad-input": { class: "PivotError", when: "a pivot function is given something other than a value, an array, an entity or a DataFrame with `column`, or pivotChain or runPipeline something other than a DataFrame (a query not awaited, a variable never set) or runPipeline no pipeline text or path", names: "the function, what it was given, what it accepts" },
  "pivot/column-missing": { class: "PivotError", when: "the `column` of a DataFrame input is missing (or not given)", names: "the function, the column, the columns there are" },
  "pivot/bad-option": { class: "PivotError", when: "a pivot option (join, concurrency, inputColumn, a chain step's option) has a value it does not accept, or a util or TI pivot is given an option it does not know (misspelt)", names: "the function or step, the option, the value, or the nearest known option" },
  "pivot/entity-value": { class: "PivotError", when: "an entity input has no value for the attribute the pivot needs", names: "the function, the entity, the attribute" },
  "pivot/missing-parameter": { class: "PivotError", when: "a query pivot's query needs a parameter that its input does not give (the entity's attribute, the value or column fills one parameter) and the call's options do not either", names: "the function, the parameter, its type and description, how to pass it" },
  "pivot/mappings": { class: "PivotError", when: "the parameter → entity mapping file is unreadable or malformed", names: "the file, the entry" },
  "pivot/pipeline": { class: "PivotError", when: "a pivot pipeline (YAML) is malformed: a missing or unknown step type, function or key", names: "the pipeline, the step, the problem" },
  "pivot/filter-column": { class: "PivotError", when: "a pipeline `filter` step's column is not in the frame, is a list, or cannot hold the step's value", names: "the column, its type, the value" },
  "pivot/step-failed": { class: "PivotError", when: "a step of a pivot chain or pipeline throws", names: "the step (number and name), the error" },
} as const satisfies ErrorCatalog<"pivot">;

/** A code of src/pivot. */
export type PivotErrorCode = keyof typeof PIVOT_ERRORS;

/** A pivot was misused: bad input, an unknown function, a malformed pipeline. */
export class PivotError extends HuntlabError<PivotErrorCode> {
  override name = "PivotError";
}

const list = (names: readonly string[], max = 30): string => (names.length ? names.slice(0, max).join(", ") + (names.length > max ? `, … (${names.length} in all)` : "") : "(none)");

/** Notes (not errors) of src/pivot. */
export const pivotNotes = {
  /** A re-made provider took an old one's place in the attached pivots. */
  followed: (namespace: string, what: string) =>
    `Pivot: the entities' ${namespace} pivots now use the ${what} just made, in place of the one made before (run new Pivot({ providers: [...] }) again to choose others).`,
};

/** Message builders of src/pivot. */
export const pivotMessages = {
  notInitialised: (entity: string, namespace: string) =>
    errorMessage(
      "pivot/not-initialised",
      `entities.${entity}.${namespace}: no pivot functions are attached yet; create them first with \`const pivot = new Pivot({ providers: [qp, ti] })\`.`,
    ),
  unknownFunction: (where: string, name: string, names: readonly string[]) =>
    errorMessage("pivot/unknown-function", `${where}: no pivot "${name}".${didYouMean(name, names)} Available: ${list(names)}.`),
  badProvider: (given: string) =>
    errorMessage("pivot/bad-provider", `Pivot: a provider must be a QueryProvider or a TILookup, not ${given}.`),
  badInput: (fn: string, given: string) =>
    errorMessage(
      "pivot/bad-input",
      `${fn}: cannot pivot on ${given}; give a value, an array of values, an entity, or a DataFrame with { column: "<name>" }.`,
    ),
  columnMissing: (fn: string, column: string | undefined, columns: readonly string[]) =>
    errorMessage(
      "pivot/column-missing",
      column === undefined
        ? `${fn}: a DataFrame input needs { column: "<name>" } naming the column of values (columns: ${list(columns)}).`
        : `${fn}: no column "${column}" in the input DataFrame.${didYouMean(column, columns)} Columns: ${list(columns)}.`,
    ),
  nestedColumn: (fn: string, column: string, type: string) =>
    errorMessage(
      "pivot/bad-input",
      `${fn}: column "${column}" holds ${type} values, not one value a row; make one row per value first, e.g. df.explode("${column}") for a list.`,
    ),
  /** `what`: the input described by common/notAFrame.ts (a Promise: await it…). */
  notAFrame: (fn: string, what: string) => errorMessage("pivot/bad-input", `${fn}: expected a polars DataFrame to start from, got ${what}.`),
  pipelineText: (given: string) =>
    errorMessage("pivot/bad-input", `runPipeline: its second argument is the pipeline, as YAML text or the path of a .yaml file, not ${given}.`),
  unknownOption: (fn: string, unknown: UnknownOption, known: readonly string[]) => errorMessage("pivot/bad-option", unknownOptionText(fn, unknown, known)),
  badOption: (fn: string, option: string, value: unknown, accepted: string) =>
    errorMessage("pivot/bad-option", `${fn}: option ${option} = ${showValue(value)} is not accepted; expected ${accepted}.`),
  entityValue: (fn: string, entity: string, attribute: string) =>
    errorMessage("pivot/entity-value", `${fn}: the ${entity} entity has no ${attribute}, the attribute this pivot takes its value from.`),
  missingParameter: (fn: string, input: string, name: string, type: string, description: string) =>
    errorMessage(
      "pivot/missing-parameter",
      `${fn}: its query also needs "${name}" (${type}${description ? `: ${description}` : ""}), which the input (${input}) does not give; pass it with the input: ${fn}(input, { ${name}: … }).`,
    ),
  mappings: (file: string, detail: string) => errorMessage("pivot/mappings", `${file}: ${detail}`),
  pipeline: (pipeline: string, step: string, detail: string) => errorMessage("pivot/pipeline", `pipeline ${pipeline}, ${step}: ${detail}`),
  filterColumn: (column: string, detail: string) => errorMessage("pivot/filter-column", `filter on column "${column}": ${detail}`),
  stepFailed: (step: string, detail: string) => errorMessage("pivot/step-failed", `${step} failed: ${detail}`),
};

/** A value for a message, short and on one line. */
export function showValue(value: unknown): string {
  // JSON writes Infinity and NaN as null.
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  let text: string;
  try {
    text = typeof value === "string" ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}
