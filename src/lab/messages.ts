/** The error class, codes and message builders of src/lab (the exercises' answer check). */
import { errorMessage, HuntlabError, type ErrorCatalog } from "../common/errors";
import { quotedText } from "../common/shownText";

/** Every code of src/lab, with what docs/errors.md says of it. */
export const LAB_ERRORS = {
  "lab/answers-unreadable": { class: "AnswersError", when: "the answers file cannot be read, is not a JSON object, or holds an entry no answer can match (\"\", [], null, an object)", names: "the file (and the question)" },
  "lab/unknown-question": { class: "AnswersError", when: "checkAnswers is given a question the answers file does not have", names: "the questions given, the questions there are" },
  "lab/invalid-argument": { class: "AnswersError", when: "checkAnswers is given answers that are not an object of question → answer; checkAnswers or checkResult is given options that are not an object, an option it does not know (misspelt), a path option that is not text, or dataPaths that are not folder paths", names: "what was given, what it takes (the nearest known option)" },
  "lab/unknown-exercise": { class: "AnswersError", when: "checkResult is given an exercise the results file (data/answers_results.json) does not describe, or checkAnswers an exercise with no answers file (data/answers_<exercise>.json)", names: "the exercise given, the exercises there are" },
} as const satisfies ErrorCatalog<"lab">;

/** A code of src/lab. */
export type LabErrorCode = keyof typeof LAB_ERRORS;

/** The answers file is unreadable, or an answer names an unknown question. */
export class AnswersError extends HuntlabError<LabErrorCode> {
  override name = "AnswersError";
}

/** Longest value of the learner's data shown in a verdict, in characters (checkAnswers shows an answer as long). */
const MAX_SHOWN_VALUE = 200;

/**
 * A value of the learner's data, quoted as JSON text, with control, line and bidi characters as escapes and
 * cut as checkAnswers shows an answer: a 5 kB value holding U+202E or U+2028 was written raw and whole.
 */
function quotedValue(value: string): string {
  return quotedText(value, MAX_SHOWN_VALUE);
}

/**
 * What a self-check says to the learner (not errors: verdicts shown in the
 * notebook). Kept here so that docs/teaching.md can quote them and tests can
 * match them; none of them reveals an answer.
 */
export const labFeedback = {
  notAnswered: (variable: string) => `not answered yet: put your result in \`${variable}\` and run this cell again.`,
  allNotAnswered: () => "Not answered yet: write your answers in the cell and run it again.",
  promise: (variable: string) => `\`${variable}\` is a Promise, not a DataFrame: did you forget \`await\` before the query?`,
  notAFrame: (variable: string, kind: string) =>
    /^a (LazyDataFrame|Series)\b/.test(kind) ? `\`${variable}\` is ${kind}, not a DataFrame.` : `\`${variable}\` is ${kind}, not a DataFrame: keep the DataFrame itself (display(...) returns nothing).`,
  missingColumns: (variable: string, missing: readonly string[], query: string) =>
    `\`${variable}\` has no ${missing.map((c) => `\`${c}\``).join(", ")} column${missing.length > 1 ? "s" : ""}: is it the result of ${query}?`,
  wrongRows: (have: number, want: number, hint: string) => `you have ${have} row${have === 1 ? "" : "s"} (${want} expected): ${hint}`,
  tooFewRows: (have: number, min: number, hint: string) => `you have ${have} row${have === 1 ? "" : "s"} (at least ${min} expected): ${hint}`,
  /** A value an `include` rule wants is missing, named: only when the rule says that gives nothing away (`showValue`). */
  missingValue: (column: string, value: string, hint: string) => `no \`${column}\` is ${quotedValue(value)}: ${hint}`,
  /** Values an `include` rule wants are missing, counted, not named: they are often the answer (an include rule quoted it). */
  missingValues: (column: string, count: number, hint: string) => `\`${column}\` lacks ${count === 1 ? "a value" : `${count} values`} the exercise expects: ${hint}`,
  unexpectedValues: (column: string, values: readonly string[], hint: string) =>
    `\`${column}\` also has ${values.slice(0, 3).map(quotedValue).join(", ")}${values.length > 3 ? ", …" : ""}: ${hint}`,
  correct: (variable: string, task: string) => `\`${variable}\` is right: ${task}.`,
  allAnswersRight: (n: number) => (n === 2 ? "Both answers are right, well done!" : `All ${n} answers are right, well done!`),
  /** Every column is named (the first was given as the example, and IoCExtract's first is IoCType, not the answer). */
  frameAnswer: (columns: readonly string[]) =>
    `it has ${columns.length} columns (${columns.slice(0, 6).map((c) => quotedValue(c.slice(0, 40))).join(", ")}${columns.length > 6 ? ", …" : ""}): pass the one that holds the answer, df.getColumn(name)`,
  promiseAnswer: () => "did you forget `await`?",
  lazyAnswer: () => "collect it first: await lf.collect()",
  objectAnswer: () => "put the value itself in the answer (row.Ioc, not the row)",
  notADateTime: (problem: string) => `not a date and time: ${problem}`,
  /** A day-month date both ways round (its own two readings are named: they say nothing of the answer). */
  dateReadsTwoWays: (given: string, dayFirst: string, monthFirst: string) => `${given} reads as ${dayFirst} or ${monthFirst}: write the date as YYYY-MM-DD`,
  dateForm: () => "write the date as YYYY-MM-DD",
  numberAlone: (number: string) => `write the number alone: ${number}`,
  oneTextForList: (count: number) => `that is one text holding ${count} values: write them as a list, ["…", "…"]`,
  dateIsUtcDay: (utcDay: string, localDay: string) =>
    `a Date counts by its UTC day, ${utcDay}, in every time zone; yours is local midnight of ${localDay}: write that day as text, "${localDay}"`,
  /** The notebook reads other data than the lab's, and its folders hold no answer file of this name: the check is skipped. */
  answersNotForData: (file: string, dataPaths: readonly string[]) =>
    `not checked: the lab's answers are those of its own data, and this notebook reads ${dataPaths.map((p) => quotedValue(p)).join(", ")} (dataPaths). To check answers on that data, put its ${file} in that folder (docs/teaching.md, "Using other data").`,
  /** A results rule's slash dates read either way and nothing said how the data reads them (no dates quoted: they may be the answer). */
  ambiguousSlashRule: (exercise: string, file: string, column: string) =>
    `checkResult("${exercise}"): the results file ${file} has slash dates on \`${column}\` whose day and month are all 12 or less: read month first, as the readers read such a file; if the notebook's data is read day first (readOptions: { dayFirst: true }), write "dayFirst": true in that rule or pass checkResult(…, { dayFirst: true }) (docs/teaching.md)`,
  listPartlyRight: (found: number, expected: number, extra: number) =>
    `you have ${found} of the ${expected} values${extra ? ` and ${extra} that ${extra === 1 ? "is" : "are"} not in the answer` : ""}`,
};

/** Message builders of src/lab. */
export const labMessages = {
  answersUnreadable: (file: string, detail: string) => errorMessage("lab/answers-unreadable", `Cannot read the answers file ${file}: ${detail}`),
  answersNotAnObject: (file: string) => errorMessage("lab/answers-unreadable", `The answers file ${file} must hold a JSON object of question → answer.`),
  unknownQuestion: (unknown: readonly string[], questions: readonly string[]) =>
    errorMessage("lab/unknown-question", `checkAnswers: no question ${unknown.map((q) => `"${q}"`).join(", ")}; the questions are ${questions.join(", ")}.`),
  unknownExercise: (exercise: unknown, exercises: readonly string[]) =>
    errorMessage(
      "lab/unknown-exercise",
      typeof exercise === "string"
        ? `checkResult: no exercise ${JSON.stringify(exercise.slice(0, 60))}; the exercises are ${exercises.join(", ")}.`
        : `checkResult: the first argument is the exercise's name (checkResult("exercise1", alerts)), not ${kindText(exercise)}; the exercises are ${exercises.join(", ")}.`,
    ),
  answersNotGiven: (given: unknown) => errorMessage("lab/invalid-argument", `checkAnswers: the answers are an object of question → answer (checkAnswers({ question1: "2020-07-10" })), not ${kindText(given)}.`),
  unknownOption: (text: string) => errorMessage("lab/invalid-argument", text),
  answerEntryInvalid: (file: string, question: string, why: string) =>
    errorMessage("lab/answers-unreadable", `The answers file ${file}: question ${JSON.stringify(question.slice(0, 60))} can never be answered right: ${why}. Write its answer as text or a number (a list of them for a set; several right answers as { "anyOf": [...] }).`),
  badExerciseName: (exercise: unknown, exercises: readonly string[]) =>
    errorMessage(
      "lab/unknown-exercise",
      `checkAnswers: ${typeof exercise === "string" ? JSON.stringify(exercise.slice(0, 60)) : kindText(exercise)} is not an exercise name (letters, digits, - and _: { exercise: "pivots" }); the exercises with answers are ${exercises.join(", ")}.`,
    ),
  noExerciseAnswers: (exercise: string, exercises: readonly string[]) =>
    errorMessage(
      "lab/unknown-exercise",
      `checkAnswers: no answers for exercise ${JSON.stringify(exercise)} (no file answers_${exercise}.json); the exercises with answers are ${exercises.join(", ")} (without the exercise option: answers.json).`,
    ),
  optionsNotObject: (fn: string, given: unknown, example: string) =>
    errorMessage("lab/invalid-argument", `${fn}: its options are an object such as ${example}, not ${typeof given === "string" ? `${JSON.stringify(given.slice(0, 60))} (text)` : kindText(given)}.`),
  optionNotABoolean: (fn: string, option: string, given: unknown) => errorMessage("lab/invalid-argument", `${fn}: ${option} is true or false, not ${typeof given === "string" ? `${JSON.stringify(given.slice(0, 60))} (text)` : kindText(given)}.`),
  optionNotAPath: (fn: string, option: string, given: unknown) => errorMessage("lab/invalid-argument", `${fn}: ${option} is the path of a JSON file (text), not ${kindText(given)}.`),
  dataPathsNotPaths: (fn: string, given: unknown) =>
    errorMessage("lab/invalid-argument", `${fn}: dataPaths is the notebook's data folders (text, or a list of text: { dataPaths: dataPaths }), not ${typeof given === "string" ? "empty text" : kindText(given)}.`),
  resultsSpecInvalid: (file: string, detail: string) => errorMessage("lab/answers-unreadable", `The results file ${file} is not valid: ${detail}`),
};

/** What a value is, for messages (a frame's own text would be its data). */
function kindText(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") {
    const v = value as { columns?: unknown; dtype?: unknown };
    return Array.isArray(v.columns) ? "a DataFrame" : v.dtype !== undefined ? "a Series" : "an object";
  }
  return `a ${typeof value}`;
}
