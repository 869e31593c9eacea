/** The error classes, codes and message builders of src/display. */
import { errorMessage, HuntlabError, unknownOptionText, type CodesOfClass, type ErrorCatalog, type UnknownOption } from "../common/errors";

/** Every code of src/display, with what docs/errors.md says of it. */
export const DISPLAY_ERRORS = {
  "display/view-size": { class: "HtmlViewError", when: "an HTML view's width or height is not a positive number, \"100%\" or \"auto\"", names: "the value" },
  "display/view-kind": { class: "HtmlViewError", when: "an HTML view's kind is not lower-case letters, digits and dashes", names: "the kind" },
  "display/view-fallback-missing": { class: "HtmlViewError", when: "an HTML view has no static fallback", names: "the view's kind" },
  "display/library-missing": { class: "LibraryNotFoundError", when: "a browser library's package is not installed or its files cannot be found", names: "the package, the file" },
  "display/library-unknown": { class: "LibraryNotFoundError", when: "a browser library name is not one huntlab knows", names: "the name, the known names" },
  "display/bundle-unsafe": { class: "ClientBundleError", when: "a view's browser bundle contains text that would end its inline script", names: "the bundle" },
  "display/bundle-name": { class: "ClientBundleError", when: "a browser bundle name is not a plain name", names: "the name" },
  "display/bundle-missing": { class: "ClientBundleError", when: "a view's browser bundle is not built", names: "the file, the command that builds it" },
  "display/option-unknown": { class: "DisplayError", when: "a display or DataFrame display option has a name display does not know (e.g. maxrows for maxRows)", names: "the function, the option, the nearest known option, the known options" },
  "display/options-not-object": { class: "DisplayError", when: "display, createDisplay, updateDisplay or toMimeBundle is given options that are not an object (a number, null, a string)", names: "the function, what it was given" },
  "display/option-range": { class: "DisplayError", when: "a DataFrame display option is not a number in range", names: "the option, the value" },
  "display/promise": { class: "DisplayError", when: "display is given a Promise: a query or an async view (timeline, timelineValues, timeseriesAnomaliesChart) not awaited", names: "how to await it" },
  "display/not-a-mime-bundle": { class: "DisplayError", when: "a displayable's Jupyter.display method returns something other than a MIME bundle", names: "the method" },
} as const satisfies ErrorCatalog<"display">;

/** A code of src/display. */
export type DisplayErrorCode = keyof typeof DISPLAY_ERRORS;

/** Raised for an invalid view spec. */
export class HtmlViewError extends HuntlabError<CodesOfClass<typeof DISPLAY_ERRORS, "HtmlViewError">> {
  override name = "HtmlViewError";
}

/** Raised when a library file cannot be found in node_modules. */
export class LibraryNotFoundError extends HuntlabError<CodesOfClass<typeof DISPLAY_ERRORS, "LibraryNotFoundError">> {
  override name = "LibraryNotFoundError";
}

/** Raised when a view's browser bundle is missing or unusable. */
export class ClientBundleError extends HuntlabError<CodesOfClass<typeof DISPLAY_ERRORS, "ClientBundleError">> {
  override name = "ClientBundleError";
}

/** Raised for bad display options, or a displayable that breaks the display protocol. */
export class DisplayError extends HuntlabError<CodesOfClass<typeof DISPLAY_ERRORS, "DisplayError">> {
  override name = "DisplayError";
}

/** Message builders of src/display. */
export const displayMessages = {
  viewSize: (value: unknown) =>
    errorMessage("display/view-size", `An HTML view size must be a positive number of pixels, "100%" or "auto", not ${String(value)}.`),
  viewKind: (kind: string) => errorMessage("display/view-kind", `HTML view kind "${kind}" must be lower-case letters, digits and dashes.`),
  viewFallbackMissing: (kind: string) =>
    errorMessage("display/view-fallback-missing", `HTML view "${kind}" needs a static fallback (fallback.png or fallback.html).`),
  libraryNotInstalled: (packageName: string, detail: string) =>
    errorMessage("display/library-missing", `The browser library "${packageName}" is not installed (run npm install in the huntlab folder): ${detail}`),
  libraryFolderMissing: (packageName: string, entry: string) =>
    errorMessage("display/library-missing", `Cannot find the package folder of "${packageName}" (resolved ${entry}).`),
  libraryFileUnreadable: (file: string, packageName: string, detail: string) =>
    errorMessage("display/library-missing", `Cannot read ${file} (${packageName}): ${detail}`),
  libraryUnknown: (name: string, known: readonly string[]) =>
    errorMessage("display/library-unknown", `Unknown browser library "${name}"; known: ${known.join(", ")}.`),
  bundleUnsafe: (name: string) =>
    errorMessage("display/bundle-unsafe", `The browser bundle "${name}" contains "</script" or "<!--", which would break out of its inline script.`),
  bundleName: (name: string) => errorMessage("display/bundle-name", `"${name}" is not a browser bundle name.`),
  bundleMissing: (file: string) =>
    errorMessage("display/bundle-missing", `The browser bundle ${file} is missing: run \`npm run build\` in the huntlab folder.`),
  /** `unknown`: the option and the known name nearest it, if one is close (src/common/errors.ts words it). */
  optionUnknown: (fn: string, unknown: UnknownOption, known: readonly string[]) => errorMessage("display/option-unknown", unknownOptionText(fn, unknown, known)),
  optionsNotObject: (fn: string, value: unknown) =>
    errorMessage("display/options-not-object", `${fn}: its options must be an object such as { maxRows: 20 }, not ${value === null ? "null" : Array.isArray(value) ? "an array" : typeof value === "string" ? `${JSON.stringify(value.slice(0, 60))} (text)` : String(value)}.`),
  optionRange: (option: string, min: number, value: unknown) =>
    errorMessage("display/option-range", `${option} must be a number >= ${min}, got ${typeof value === "string" ? `${JSON.stringify(value.slice(0, 60))} (text)` : String(value)}`),
  promise: () =>
    errorMessage(
      "display/promise",
      "display: this is a Promise, not a result: a query or an async view (timeline, timelineValues, timeseriesAnomaliesChart) not awaited; put `await` before it: display(await qp.WindowsSecurity.list_host_logons()), display(await timeline(df)), or displayTimeline(df)",
    ),
  notAMimeBundle: () =>
    errorMessage("display/not-a-mime-bundle", 'a [Symbol.for("Jupyter.display")]() method must return a MIME bundle object (synchronously)'),
};
