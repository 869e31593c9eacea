/**
 * Errors that name what went wrong (the file, query, column or setting) and
 * carry a stable code. The classes and message builders of each package live
 * in its `messages.ts`; docs/errors.md lists every code.
 */
import { distance } from "fastest-levenshtein";
import { revealLines } from "./hiddenChars";
import { compareText } from "./textOrder";

/** The packages whose errors carry codes: a code is `<package>/<what-went-wrong>`. */
export const ERROR_PACKAGES = ["common", "config", "display", "data", "entities", "transform", "analysis", "context", "vis", "lab", "pivot"] as const;

/** One of {@link ERROR_PACKAGES}. */
export type ErrorPackage = (typeof ERROR_PACKAGES)[number];

/**
 * The shape of a code of package `P`, e.g. `"data/file-missing"`. The exact
 * union of every code is `ErrorCode` (src/messages.ts); each package exports
 * its own (`DataErrorCode`, …).
 */
export type ErrorCodeOf<P extends ErrorPackage = ErrorPackage> = `${P}/${string}`;

/** What a message builder returns: a stable code and the text naming what is wrong. */
export interface ErrorMessage<C extends string = string> {
  readonly code: C;
  readonly message: string;
}

/** One row of the error table (docs/errors.md). */
export interface ErrorDoc {
  /** The class thrown with the code. */
  readonly class: string;
  /** When it is thrown. */
  readonly when: string;
  /** What the message names. */
  readonly names: string;
}

/** A package's codes, each with its documentation. */
export type ErrorCatalog<P extends ErrorPackage> = Readonly<Record<ErrorCodeOf<P>, ErrorDoc>>;

/** The codes of `T` (a catalog) thrown by class `K`. */
export type CodesOfClass<T, K extends string> = { [C in keyof T]: T[C] extends { readonly class: K } ? C : never }[keyof T] & string;

/** A message builder's result. */
export function errorMessage<C extends string>(code: C, message: string): ErrorMessage<C> {
  return { code, message };
}

/** `m` with its text rewritten by `f` (e.g. secrets masked), same code. */
export function mapMessage<C extends string>(m: ErrorMessage<C>, f: (text: string) => string): ErrorMessage<C> {
  return { code: m.code, message: f(m.message) };
}

/** What `JSON.stringify` writes for a huntlab error. */
export interface HuntlabErrorJson<C extends string = string> {
  name: string;
  code: C;
  message: string;
}

/**
 * Base class of every error huntlab raises on bad input. `code` is stable
 * (docs/errors.md): match on it, not on the message, which may be reworded.
 */
export class HuntlabError<C extends string = ErrorCodeOf> extends Error {
  override name = "HuntlabError";
  /** What went wrong, as `package/what`: an own enumerable property, so `util.inspect` and `JSON.stringify` show it. */
  readonly code: C;

  constructor(m: ErrorMessage<C>, options?: ErrorOptions) {
    // The last guard for names and values from data that a builder wrote raw: control, bidi and invisible characters
    // as escapes (line breaks kept), so a column named `x\u001b]0;…\u0007` cannot retitle, clear or recolour the
    // analyst's terminal when the error is printed, nor a `\u202e` reverse the rest of the message.
    super(revealLines(m.message), options);
    this.code = m.code;
  }

  /** `{ name, code, message }`: an Error's message is not enumerable, so `JSON.stringify` would drop it. */
  toJSON(): HuntlabErrorJson<C> {
    return { name: this.name, code: this.code, message: this.message };
  }
}

/**
 * The names closest to `name` (case-insensitive edit distance), best first:
 * the "did you mean" of an error message.
 */
export function closestNames(name: string, candidates: Iterable<string>, max = 3): string[] {
  const lower = name.toLowerCase();
  const scored = [...new Set(candidates)].map((candidate) => {
    const c = candidate.toLowerCase();
    // A substring match is as good as a near miss.
    const d = c.includes(lower) || lower.includes(c) ? Math.abs(c.length - lower.length) / 4 : distance(lower, c);
    return { candidate, d };
  });
  const limit = Math.max(2, Math.ceil(name.length / 2));
  return scored
    .filter((s) => s.d <= limit)
    .sort((a, b) => a.d - b.d || compareText(a.candidate, b.candidate))
    .slice(0, max)
    .map((s) => s.candidate);
}

/** Longest option name looked at: names are user (or YAML) input, and edit distance is quadratic. */
const MAX_OPTION_NAME = 100;

/** Folds case and `_`/`-`, so `maxrows` and `legend_col` (MSTICPy's spelling) find `maxRows` and `legendCol`. */
const foldedName = (name: string): string => name.toLowerCase().replace(/[_-]/g, "");

/** The known name `option` most likely meant: the same name but for case and `_`/`-`, else the nearest close one. */
export function nearestOption(option: string, known: readonly string[]): string | undefined {
  const name = option.slice(0, MAX_OPTION_NAME);
  return known.find((k) => foldedName(k) === foldedName(name)) ?? closestNames(name, known, 1)[0];
}

/** An option name a function does not know, and the known name it most likely meant. */
export interface UnknownOption {
  readonly option: string;
  readonly suggestion: string | undefined;
}

/**
 * The first own name of `options` that is not in `known`, with its suggestion:
 * an unknown name would otherwise be ignored and the default used, silently.
 * Names whose value is undefined are absent, as `{ ...o, x: undefined }` is.
 * Display and the views each throw their own error with it, worded by
 * {@link unknownOptionText}.
 */
export function findUnknownOption(options: object, known: readonly string[]): UnknownOption | undefined {
  for (const option of Object.keys(options)) {
    if ((options as Record<string, unknown>)[option] === undefined || known.includes(option)) continue;
    return { option, suggestion: nearestOption(option, known) };
  }
  return undefined;
}

/** " Did you mean A, B?" or "" when nothing is close. */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const close = closestNames(name, candidates);
  return close.length ? ` Did you mean ${close.join(", ")}?` : "";
}

/** Known option names listed in an unknown-option message at most. */
const MAX_KNOWN_OPTIONS = 20;

/**
 * The one wording of an unknown option, display's and every view's:
 * `display: unknown option maxrows (did you mean maxRows?); its options are maxRows, minRows, …`.
 * `fn` is the function or class called. The name is shown as JSON (cut) when it is not a
 * plain identifier: it may come from YAML or data.
 */
export function unknownOptionText(fn: string, { option, suggestion }: UnknownOption, known: readonly string[]): string {
  const name = /^[\w$]{1,60}$/.test(option) ? option : JSON.stringify(option.length > 60 ? `${option.slice(0, 59)}…` : option);
  const more = known.length > MAX_KNOWN_OPTIONS ? ` and ${known.length - MAX_KNOWN_OPTIONS} more` : "";
  return `${fn}: unknown option ${name}${suggestion !== undefined ? ` (did you mean ${suggestion}?)` : ""}; its options are ${known.slice(0, MAX_KNOWN_OPTIONS).join(", ")}${more}.`;
}
