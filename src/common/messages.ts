/** Error codes and message builders of src/common (the class is {@link HuntlabError} itself). */
import { errorMessage, HuntlabError, type CodesOfClass, type ErrorCatalog } from "./errors";
import { revealLines } from "./hiddenChars";
import { inNotebook } from "./kernel";
import type { FileProblem } from "./regularFile";
import { nameList, quotedName } from "./shownText";

/** Every code of src/common, with what docs/errors.md says of it. */
export const COMMON_ERRORS = {
  "common/column-missing": { class: "HuntlabError", when: "a DataFrame has no column of the name asked for", names: "the column, the caller, the columns there are" },
  "common/nested-unreadable": { class: "HuntlabError", when: "a list or struct column could be neither handed to JavaScript nor written as JSON by polars", names: "the column and its type" },
  "common/proxy-setting": { class: "HuntlabError", when: "HTTPS_PROXY/HTTP_PROXY/ALL_PROXY holds no URL, or a proxy of a kind huntlab cannot use (socks5://)", names: "the variable, the proxy's scheme, host and port (never its credentials)" },
  "common/warning-handler": { class: "HuntlabError", when: "setWarningHandler was given something that is neither a function nor undefined", names: "the type of what it was given" },
  "common/internal-error": { class: "HuntlabError", when: "a frame operation broke an invariant of huntlab's own code (a bug: please report it)", names: "the columns it produced" },
} as const satisfies ErrorCatalog<"common">;

/** A code of src/common. */
export type CommonErrorCode = CodesOfClass<typeof COMMON_ERRORS, "HuntlabError">;

/** Message builders of src/common. */
export const commonMessages = {
  /** `what` asked for a column the frame does not have. Names come from the data: revealed and cut as display's are (a `\u202e` or newline in one reached the message raw). */
  columnMissing: (name: string, columns: readonly string[], what?: string) =>
    errorMessage("common/column-missing", `${what ? `${what}: ` : ""}no column ${quotedName(name)} (columns: ${nameList(columns)})`),
  /** A nested column polars can neither hand to JS nor write as JSON. */
  nestedUnreadable: (column: string, dtype: string) =>
    errorMessage("common/nested-unreadable", `column ${quotedName(column)} (${dtype.slice(0, 200)}) could not be read: polars can neither hand its values to JavaScript nor write them as JSON`),
  /** setWarningHandler given no function: refused then, not at the first warning. */
  warningHandler: (given: string) => errorMessage("common/warning-handler", `setWarningHandler: the handler is ${given}; give a function (message: string) => void, or undefined for the default`),
  /** A proxy variable that is no URL. */
  proxyNotUrl: (variable: string) => errorMessage("common/proxy-setting", `${variable} is not a proxy URL`),
  /** A proxy of a scheme the HTTP clients cannot use; `shown` is scheme, host and port only. */
  proxyScheme: (variable: string, scheme: string, shown: string) =>
    errorMessage("common/proxy-setting", `${variable} names a ${scheme} proxy (${shown}): only http:// and https:// proxies are supported`),
  /** A plain-named frame operation returned other columns than it was given. */
  plainNamesChanged: (got: readonly string[]) =>
    errorMessage("common/internal-error", `internal error: a plain-named frame operation changed the columns (${nameList(got)})`),
};

/**
 * Why a file could not be read ({@link FileProblem} of src/common/regularFile.ts), for a package's own
 * message that names the setting and the path: "it is a named pipe (FIFO), not a regular file".
 */
export function fileProblemText(p: FileProblem): string {
  switch (p.problem) {
    case "not-a-file":
      return `it is ${p.kind}, not a ${p.kind === "a folder" ? "" : "regular "}file`;
    case "too-large":
      return `${p.bytes.toLocaleString("en-US")} bytes is larger than the limit of ${p.maxBytes.toLocaleString("en-US")} bytes`;
    case "unreadable":
      return p.detail;
  }
}

/** Receives a warning's text (no `Warning:` prefix): {@link setWarningHandler}, or a call's `warn` option. */
export type WarningHandler = (message: string) => void;

let warningHandler: WarningHandler | undefined;

/**
 * Sends every warning that no `warn` option takes (most calls have none, and pivots and
 * pipelines call deep inside) to `handler`, or back to the default with `undefined`; returns
 * the handler it replaces, so a caller can put it back. A script silences warnings with
 * `setWarningHandler(() => {})` or collects them with `setWarningHandler((m) => list.push(m))`.
 */
export function setWarningHandler(handler: WarningHandler | undefined): WarningHandler | undefined {
  if (handler !== undefined && typeof handler !== "function") throw new HuntlabError(commonMessages.warningHandler(handler === null ? "null" : `a ${typeof handler}`));
  const previous = warningHandler;
  warningHandler = handler;
  return previous;
}

/**
 * The default of every `warn` option. In a notebook kernel the message is printed on stdout as
 * `Warning: …`, shown under the cell; in a script on stderr, so a script's stdout (a CSV or
 * JSON it prints for another program) holds its own output alone.
 */
export function printWarning(message: string): void {
  // As HuntlabError does: data's control characters never reach the terminal (or a handler's log) raw.
  const shown = revealLines(message);
  if (warningHandler) return warningHandler(shown);
  if (inNotebook()) console.log(`Warning: ${shown}`);
  else console.error(`Warning: ${shown}`);
}
