/**
 * Child Node processes for tests: code that might block forever (a read of a named pipe) run with a timeout,
 * so that a test of it fails instead of hanging the run, and checks that need a fresh module cache.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { distCurrent as distCurrentIn } from "../../scripts/distCurrent.mjs";
import { tempDir } from "./tmp";

/** The repository's test/ folder, for absolute imports in child scripts: `${TEST_DIR}/../src/...`. */
export const TEST_DIR = path.resolve(__dirname, "..");
/** The repository's src/ folder. */
export const SRC_DIR = path.resolve(TEST_DIR, "..", "src");
const ROOT = path.resolve(TEST_DIR, "..");

/**
 * Whether `root`'s dist/ was built from its src/ as it is now: dist/.built (written by run.mjs's build after
 * a whole build) is at least as new as every file and folder under src/ (a folder's time moves when a file in
 * it is added, removed or renamed), tsconfig.json and package.json — run.mjs's own rule for rebuilding (scripts/distCurrent.mjs).
 * `npm test` builds dist/ before the unit stage; a file run by hand after an edit finds it stale.
 */
export function distCurrent(root = ROOT): boolean {
  return distCurrentIn(root);
}

/**
 * How a child Node loads huntlab's modules. From dist/ with plain Node when dist/ is current ({@link distCurrent}):
 * ~1 s of CPU less a child than src/ through tsx (measured: the package entry 0.9 against 2.0 CPU-s, tsx's
 * cache warm); else src/ through tsx, so a child never runs a stale build. `module("data/queryProvider")` is
 * the file to require or import; `args` go before the child's script.
 */
export function childLibrary(root = ROOT): { built: boolean; args: string[]; module: (rel: string) => string } {
  const built = distCurrent(root);
  return built
    ? { built, args: [], module: (rel) => path.join(root, "dist", `${rel}.js`) }
    : { built, args: ["--import", "tsx"], module: (rel) => path.join(root, "src", `${rel}.ts`) };
}

/** What one call in the child did: its value (JSON) or its error's name, code and message. */
export type ChildOutcome = { ok: true; value: unknown } | { ok: false; name: string; code?: string; message: string };

/**
 * The child script's import lines for plain Node from dist/, when they import only Node's modules and src/
 * (`${SRC_DIR}/x` or `${SRC_DIR}/x.ts`) and this Node strips TypeScript's types (22.18 on by default);
 * undefined when the script must run through tsx (a test helper imported, dist/ stale, an older Node).
 */
function importsFromDist(imports: string): string | undefined {
  if (!(process.features as { typescript?: string }).typescript) return undefined;
  const lib = childLibrary();
  if (!lib.built) return undefined;
  const specifiers = [...imports.matchAll(/\bfrom\s+("(?:[^"\\]|\\.)*")/g)].map((m) => m[1]);
  const inSrc = (s: string) => s.startsWith(SRC_DIR + path.sep);
  const parsed = specifiers.map((s) => JSON.parse(s) as string);
  if (!parsed.every((s) => s.startsWith("node:") || inSrc(s))) return undefined;
  return imports.replace(/\bfrom\s+("(?:[^"\\]|\\.)*")/g, (whole, literal: string) => {
    const spec = JSON.parse(literal) as string;
    return inSrc(spec) ? `from ${JSON.stringify(lib.module(path.relative(SRC_DIR, spec).replace(/\.ts$/, "")))}` : whole;
  });
}

/**
 * Runs each call (a TypeScript expression, awaited) in one child process, after `imports` (TypeScript import
 * lines, absolute paths from {@link SRC_DIR}/{@link TEST_DIR}), and returns what each did. Throws when the child
 * does not finish within `timeoutMs` (what a blocked read would do) or fails otherwise. A child that imports only
 * src/ loads it from a current dist/ ({@link childLibrary}).
 */
export function outcomesInChild(imports: string, calls: Record<string, string>, timeoutMs = 60_000): Record<string, ChildOutcome> {
  const fromDist = importsFromDist(imports);
  const script = path.join(tempDir("huntlab-child-"), fromDist === undefined ? "child.ts" : "child.mts");
  const body = Object.entries(calls)
    .map(
      ([name, call]) => `  try {
    const value = await (async () => ${call})();
    out[${JSON.stringify(name)}] = { ok: true, value: value === undefined ? null : value };
  } catch (err) {
    const e = err as { name?: string; code?: string; message?: string };
    out[${JSON.stringify(name)}] = { ok: false, name: String(e.name), ...(e.code ? { code: e.code } : {}), message: String(e.message) };
  }`,
    )
    .join("\n");
  fs.writeFileSync(script, `${fromDist ?? imports}\n(async () => {\n  const out: Record<string, unknown> = {};\n${body}\n  console.log("OUTCOMES " + JSON.stringify(out));\n  process.exit(0);\n})();\n`);
  const args = fromDist === undefined ? ["--import", "tsx", script] : [script];
  const child = spawnSync(process.execPath, args, { encoding: "utf8", timeout: timeoutMs, env: { ...process.env, NODE_TEST_CONTEXT: "" } });
  if (child.error) throw new Error(`the child did not finish within ${timeoutMs} ms (a blocked read?): ${child.error.message}`);
  const line = child.stdout.split("\n").find((l) => l.startsWith("OUTCOMES "));
  if (child.status !== 0 || !line) throw new Error(`the child failed (status ${child.status}): ${child.stderr}`);
  return JSON.parse(line.slice("OUTCOMES ".length)) as Record<string, ChildOutcome>;
}
