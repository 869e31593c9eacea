/**
 * Runs code that might block forever (a read of a named pipe) in a child Node
 * with a timeout, so that a test of it fails instead of hanging the run.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { tempDir } from "./tmp";

/** The repository's test/ folder, for absolute imports in child scripts: `${TEST_DIR}/../src/...`. */
export const TEST_DIR = path.resolve(__dirname, "..");
/** The repository's src/ folder. */
export const SRC_DIR = path.resolve(TEST_DIR, "..", "src");

/** What one call in the child did: its value (JSON) or its error's name, code and message. */
export type ChildOutcome = { ok: true; value: unknown } | { ok: false; name: string; code?: string; message: string };

/**
 * Runs each call (a TypeScript expression, awaited) in one child process, after `imports` (TypeScript import
 * lines, absolute paths from {@link SRC_DIR}/{@link TEST_DIR}), and returns what each did. Throws when the child
 * does not finish within `timeoutMs` (what a blocked read would do) or fails otherwise.
 */
export function outcomesInChild(imports: string, calls: Record<string, string>, timeoutMs = 60_000): Record<string, ChildOutcome> {
  const script = path.join(tempDir("huntlab-child-"), "child.ts");
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
  fs.writeFileSync(script, `${imports}\n(async () => {\n  const out: Record<string, unknown> = {};\n${body}\n  console.log("OUTCOMES " + JSON.stringify(out));\n  process.exit(0);\n})();\n`);
  const child = spawnSync(process.execPath, ["--import", "tsx", script], { encoding: "utf8", timeout: timeoutMs, env: { ...process.env, NODE_TEST_CONTEXT: "" } });
  if (child.error) throw new Error(`the child did not finish within ${timeoutMs} ms (a blocked read?): ${child.error.message}`);
  const line = child.stdout.split("\n").find((l) => l.startsWith("OUTCOMES "));
  if (child.status !== 0 || !line) throw new Error(`the child failed (status ${child.status}): ${child.stderr}`);
  return JSON.parse(line.slice("OUTCOMES ".length)) as Record<string, ChildOutcome>;
}
