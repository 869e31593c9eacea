// huntlab: API stable
/**
 * Vega-Lite charts as notebook outputs.
 *
 * The bundle holds:
 * - `application/vnd.vegalite.v5+json`: the spec, with a v5 `$schema`.
 *   JupyterLab 4, Notebook 7 and VS Code ship Vega-Lite 5 renderers (none
 *   renders v6), so specs are compiled and checked with vega-lite 5 / vega 5.
 * - `image/png`: the chart rendered in Node (vega → SVG → resvg), shown by
 *   GitHub, nbviewer, untrusted notebooks and any front end without a Vega
 *   renderer.
 * - `text/plain`.
 * No `text/html`: JupyterLab ranks HTML above the Vega renderer, so an HTML
 * entry would hide the interactive chart.
 *
 * Vega renders SVG asynchronously, so the factory is async:
 * `const chart = await vegaLiteChart(spec)` returns an object with its PNG
 * already made, and `display(chart)` (synchronous) sends the bundle.
 */
import { revealHidden } from "../common/hiddenChars";
import { cutText } from "../common/cutText";
import { inspect, type InspectOptions } from "node:util";
import type * as Vega from "vega";
import type * as VegaLite from "vega-lite";
import { VegaLiteSpecError, visMessages as msg } from "./messages";
import { checkOptionTypes, type OptionTypesOf } from "./options";
import { JUPYTER_DISPLAY, wellFormedBundle, type Displayable, type MimeBundle } from "../display/protocol";
import { inspectLastValue } from "../display/lastValue";
import { outputMetadata } from "../display/display";
import { DENO_RESULT, installDenoResultHook, type DenoResult } from "../common/kernel";
import { svgToPng } from "./png";

/** The MIME type Jupyter front ends render with their Vega-Lite 5 renderer. */
export const VEGA_LITE_MIME = "application/vnd.vegalite.v5+json";

/** The `$schema` every chart carries (major version 5). */
export const VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";

/**
 * A Vega-Lite 5 top-level spec: vega-lite's own type, so a chart written in a
 * cell is checked and completed as it is typed (its declarations are type-only
 * imports: the libraries themselves load on first use, below).
 */
export type VegaLiteSpec = VegaLite.TopLevelSpec;

/** A compiled Vega 5 spec (vega's own type). */
export type VegaSpec = Vega.Spec;

/*
 * vega and vega-lite are loaded on first use, not at `require("huntlab")`:
 * they take a third of a second to load and most cells draw no chart. Both
 * are CommonJS builds (vega's `main` is build/vega-node.js, vega-lite's a UMD
 * file), so a plain `require` works in Node, tsx and Deno's npm compat.
 */
let vegaModule: typeof Vega | undefined;
let vegaLiteModule: typeof VegaLite | undefined;
function loadVega(): typeof Vega {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (vegaModule ??= require("vega") as typeof Vega);
}
function loadVegaLite(): typeof VegaLite {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (vegaLiteModule ??= require("vega-lite") as typeof VegaLite);
}

/** Options of {@link vegaLiteChart}. */
export interface VegaLiteChartOptions {
  /**
   * The renderer the front end should use (vega-embed reads it from
   * `usermeta.embedOptions`): `"canvas"` draws 100,000 marks quickly, `"svg"`
   * gives crisp small charts. Default: leave the front end's choice (canvas).
   */
  renderer?: "canvas" | "svg";
  /** Pixel scale of the PNG (2 = sharp on high-DPI screens). Default 1. */
  pngScale?: number;
  /** The `text/plain` form. Default: `Vega-Lite chart: <title>` and the data size. */
  text?: string;
  /** Skip the PNG (tests, or very large data where only the interactive view matters); vega still parses the spec. Default false. */
  noPng?: boolean;
}

export { VegaLiteSpecError } from "./messages";

/** Collects vega-lite/vega log messages instead of printing them. */
class CollectingLogger {
  readonly warnings: string[] = [];
  private lvl = 2;
  level(): number;
  level(value: number): this;
  level(value?: number): number | this {
    if (value === undefined) return this.lvl;
    this.lvl = value;
    return this;
  }
  error(...args: readonly unknown[]): this {
    throw new VegaLiteSpecError(msg.vegaLiteLogged(args.map(String).join(" ")));
  }
  warn(...args: readonly unknown[]): this {
    this.warnings.push(args.map(String).join(" "));
    return this;
  }
  info(): this {
    return this;
  }
  debug(): this {
    return this;
  }
}

/**
 * Text for places where vega-lite copies a string into a Vega expression
 * escaping only `"` (tooltip titles; not custom sort lists, whose values it
 * writes as JSON, so doubled backslashes there matched no value): hidden characters are
 * revealed (a raw U+2028 or line break ends the expression) and backslashes
 * doubled (so `\"` cannot close the string early). The expression parser
 * undoes the doubling, so the text shows as given.
 */
export function vegaExprText(text: string): string {
  return revealHidden(text).replace(/\\/g, "\\\\");
}

/** Compiles a Vega-Lite spec to Vega, turning compiler errors into {@link VegaLiteSpecError}. */
export function compileVegaLite(spec: VegaLiteSpec): { vega: VegaSpec; warnings: string[] } {
  const vl = loadVegaLite();
  const logger = new CollectingLogger();
  try {
    const out = vl.compile(spec, { logger: logger as unknown as NonNullable<Parameters<typeof vl.compile>[1]>["logger"] });
    return { vega: out.spec, warnings: logger.warnings };
  } catch (err) {
    if (err instanceof VegaLiteSpecError) throw err;
    throw new VegaLiteSpecError(msg.vegaLiteRejected(vl.version, (err as Error).message));
  }
}

/** Renders a Vega-Lite spec to an SVG document in Node. */
export async function renderVegaLiteSvg(spec: VegaLiteSpec, scale = 1): Promise<string> {
  return renderVegaSvg(compileVegaLite(spec).vega, scale);
}

/**
 * Parses a compiled spec with vega, its expressions included: vega-lite
 * compiles some specs (a tooltip title with `\"` or a line break) into an
 * expression vega cannot parse, and the front end would show no chart.
 */
function parseVega(vgSpec: VegaSpec): Vega.Runtime {
  const vega = loadVega();
  try {
    return vega.parse(vgSpec);
  } catch (err) {
    throw new VegaLiteSpecError(msg.vegaRejected(vega.version, (err as Error).message));
  }
}

async function renderVegaSvg(vgSpec: VegaSpec, scale: number): Promise<string> {
  const runtime = parseVega(vgSpec);
  const vega = loadVega();
  let view: Vega.View;
  try {
    // Error level: in Node, vega warns about browser-only event sources (window) of zoom/brush params.
    view = new vega.View(runtime, { renderer: "none", logLevel: vega.Error });
  } catch (err) {
    throw new VegaLiteSpecError(msg.vegaRejected(vega.version, (err as Error).message));
  }
  try {
    return xmlSafe(await view.toSVG(scale));
  } finally {
    view.finalize();
  }
}

/**
 * Vega writes data text (tooltip `aria-label`s, labels) into its SVG as it is;
 * a control character (ESC, NUL in a command line) or U+FFFE/U+FFFF there is
 * not XML, and resvg refuses the whole image. Hidden characters are revealed
 * (`\u001b`, as the lab's other static images show them), the other non-XML
 * ones become U+FFFD; markup never holds either.
 */
function xmlSafe(svg: string): string {
  return revealHidden(svg, { keepLayout: true }).replace(/[\ufffe\uffff]/g, "\ufffd");
}

/** The spec with a v5 `$schema` (any other `$schema` is replaced) and optional embed options. */
/** Keys whose text Vega shows as a title or label. */
const TITLE_KEYS = new Set(["title", "text", "subtitle"]);

/**
 * Vega looks a title's text up among its signals, in a plain object: a title
 * `constructor`, `toString` or `hasOwnProperty` (a column named so in a hostile
 * export) found Object's and failed the chart ("Operator not defined"). Such
 * a text gets a trailing space, which shows as nothing. Data is not walked.
 * The same holds for a literal `datum`/`value` through a scale (a legend entry):
 * views write those with {@link vegaLiteralText} themselves, domain and datum alike.
 * Titles also have their hidden characters revealed: the live chart drew a title's
 * U+202E as it is (the text after it reversed), where the PNG showed `\u202e`.
 */
/** `text` as a Vega title or literal legend entry: a prototype member's name gets a trailing space (see guardTitles). */
export function vegaLiteralText(text: string): string {
  return text in Object.prototype ? `${text} ` : text;
}

function guardTitles(value: unknown, inTitle = false, depth = 0): unknown {
  if (typeof value === "string") return inTitle ? vegaLiteralText(revealHidden(value)) : value;
  if (depth > 32 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => guardTitles(v, inTitle && typeof v === "string", depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const walked = k === "data" || k === "datasets" ? v : guardTitles(v, TITLE_KEYS.has(k), depth + 1);
    Object.defineProperty(out, k, { value: walked, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** Longest chart description (the accessible name of the chart); the text form can list hundreds of lanes. */
const MAX_DESCRIPTION = 1000;

function normaliseSpec(spec: VegaLiteSpec, options: VegaLiteChartOptions): VegaLiteSpec {
  const out = { ...(guardTitles(spec) as VegaLiteSpec), $schema: VEGA_LITE_SCHEMA } as VegaLiteSpec & { usermeta?: Record<string, unknown>; description?: unknown };
  // Vega names the chart with the description (aria-label of its canvas or SVG): without one a screen reader met an
  // unnamed "graphics document". The text form says what the chart shows (events, lanes and counts, time range).
  if (typeof out.description !== "string") out.description = cutText(revealHidden(options.text ?? defaultText(out)), MAX_DESCRIPTION);
  if (options.renderer) {
    const usermeta = (out.usermeta ?? {}) as { embedOptions?: Record<string, unknown> };
    out.usermeta = { ...usermeta, embedOptions: { ...(usermeta.embedOptions ?? {}), renderer: options.renderer } };
  }
  return out;
}

function defaultText(spec: VegaLiteSpec): string {
  const title = (spec as { title?: unknown }).title;
  const titleText = revealHidden(typeof title === "string" ? title : title && typeof title === "object" && "text" in title ? String((title as { text: unknown }).text) : "");
  const data = (spec as { data?: { values?: unknown } }).data;
  const rows = data && Array.isArray(data.values) ? ` (${data.values.length} rows)` : "";
  return `Vega-Lite chart${titleText ? `: ${titleText}` : ""}${rows}`;
}

/** A Vega-Lite chart that displays itself (interactive spec + PNG + text). */
export class VegaLiteChart implements Displayable {
  /** The spec sent to the front end (v5 `$schema`). */
  readonly spec: VegaLiteSpec;
  /** The static rendering (empty when `noPng` was set). */
  readonly png: Buffer;
  /** The `text/plain` form. */
  readonly text: string;
  /** Compiler warnings (e.g. an unused encoding), for tests and debugging. */
  readonly warnings: readonly string[];

  constructor(spec: VegaLiteSpec, png: Buffer, text: string, warnings: readonly string[] = []) {
    this.spec = spec;
    this.png = png;
    this.text = text;
    this.warnings = warnings;
    // In Deno's kernel, so that the chart left as a cell's last value keeps its image's alt (kernel.ts).
    installDenoResultHook();
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    const bundle: MimeBundle = { [VEGA_LITE_MIME]: this.spec };
    if (this.png.length > 0) bundle["image/png"] = this.png.toString("base64");
    bundle["text/plain"] = this.text;
    return wellFormedBundle(bundle);
  }

  /** The chart as Deno's last value: its bundle with the image's alt, which Deno's own result leaves out. */
  [DENO_RESULT](): DenoResult {
    const data = this[JUPYTER_DISPLAY]();
    return { data, metadata: outputMetadata(data) };
  }

  [inspect.custom](depth: number, options: InspectOptions): string {
    return inspectLastValue(this, depth, options, () => this.text.split("\n", 1)[0]);
  }

  toString(): string {
    return this.text;
  }
}

/**
 * Validates `spec` with vega-lite 5 and vega 5, renders its PNG and returns the
 * chart object. Throws {@link VegaLiteSpecError} for a spec that does not compile.
 */
export async function vegaLiteChart(spec: VegaLiteSpec, options: VegaLiteChartOptions = {}): Promise<VegaLiteChart> {
  checkOptionTypes(
    options,
    { renderer: { oneOf: ["canvas", "svg"] }, pngScale: "number", text: "string", noPng: "boolean" } satisfies OptionTypesOf<VegaLiteChartOptions>,
    { view: "vegaLiteChart", code: "vis/vega-option", error: (m) => new VegaLiteSpecError(m) },
  );
  const full = normaliseSpec(spec, options);
  const { vega, warnings } = compileVegaLite(full);
  let png: Buffer = Buffer.alloc(0);
  // Without the PNG, vega still parses the compiled spec (the PNG's render parses it anyway).
  if (options.noPng) parseVega(vega);
  else {
    const scale = options.pngScale ?? 1;
    if (!(scale > 0 && scale <= 8)) throw new VegaLiteSpecError(msg.pngScale(scale));
    png = svgToPng(await renderVegaSvg(vega, scale));
  }
  return new VegaLiteChart(full, png, options.text ?? defaultText(full), warnings);
}
