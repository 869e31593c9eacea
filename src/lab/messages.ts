/** The error class, codes and message builders of src/lab (the exercises' answer check). */
import { errorMessage, HuntlabError, type ErrorCatalog } from "../common/errors";

/** Every code of src/lab, with what docs/errors.md says of it. */
export const LAB_ERRORS = {
  "lab/answers-unreadable": { class: "AnswersError", when: "the answers file cannot be read or is not a JSON object", names: "the file" },
  "lab/unknown-question": { class: "AnswersError", when: "checkAnswers is given a question the answers file does not have", names: "the questions given, the questions there are" },
} as const satisfies ErrorCatalog<"lab">;

/** A code of src/lab. */
export type LabErrorCode = keyof typeof LAB_ERRORS;

/** The answers file is unreadable, or an answer names an unknown question. */
export class AnswersError extends HuntlabError<LabErrorCode> {
  override name = "AnswersError";
}

/** Message builders of src/lab. */
export const labMessages = {
  answersUnreadable: (file: string, detail: string) => errorMessage("lab/answers-unreadable", `Cannot read the answers file ${file}: ${detail}`),
  answersNotAnObject: (file: string) => errorMessage("lab/answers-unreadable", `The answers file ${file} must hold a JSON object of question → answer.`),
  unknownQuestion: (unknown: readonly string[], questions: readonly string[]) =>
    errorMessage("lab/unknown-question", `checkAnswers: no question ${unknown.map((q) => `"${q}"`).join(", ")}; the questions are ${questions.join(", ")}.`),
};
