/**
 * Snapshot ("golden file") assertions, as Observable Plot's tests do: rendered
 * output is compared byte for byte with a file under a `snapshots/` folder next
 * to the test.
 *
 * - The golden file is missing → it is written and the assertion passes (a line
 *   says so), except in CI (`CI` set, e.g. `CI=true`), where a missing snapshot
 *   fails: a forgotten file cannot pass silently.
 * - `UPDATE_SNAPSHOTS=1` → the file is (re)written from the output and the
 *   assertion passes.
 * - Otherwise a mismatch fails with a line-based unified diff (line numbers,
 *   context, `-` expected / `+` actual, capped in length) naming the file.
 *
 * Only what is inherently random may be normalised (the `normalize` option,
 * e.g. {@link normalizeHtmlViewIds}); nothing else is rewritten, so the file
 * holds exactly what was rendered.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";

/** A rewrite of the output applied before comparing and writing (for random parts only). */
export type SnapshotNormalizer = (text: string) => string;

/** Options of {@link assertSnapshot}. */
export interface SnapshotOptions {
  /** Rewrites of the output, applied in order before comparing or writing. Default none. */
  normalize?: SnapshotNormalizer | SnapshotNormalizer[];
  /** Environment read for `UPDATE_SNAPSHOTS` and `CI`. Default `process.env` (tests of this helper pass their own). */
  env?: Record<string, string | undefined>;
  /** Where the "wrote …" line goes. Default `console.log`. */
  log?: (message: string) => void;
  /** Most diff lines shown in a failure message. Default 80. */
  maxDiffLines?: number;
}

/** The command that accepts changed snapshots. */
export const UPDATE_COMMAND = "UPDATE_SNAPSHOTS=1 npm test";

/** `dir/snapshots/name`: the usual place of a golden file (`snapshotFile(__dirname, "x.html")`). */
export function snapshotFile(testDir: string, name: string): string {
  return path.join(testDir, "snapshots", name);
}

/**
 * Asserts that `actual` equals the golden file `file` (see the module comment
 * for missing files, `UPDATE_SNAPSHOTS` and CI). Throws an `AssertionError`
 * with a diff on mismatch.
 */
export function assertSnapshot(actual: string, file: string, options: SnapshotOptions = {}): void {
  const env = options.env ?? process.env;
  const log = options.log ?? ((message: string) => console.log(message));
  const normalizers = options.normalize === undefined ? [] : Array.isArray(options.normalize) ? options.normalize : [options.normalize];
  const output = normalizers.reduce((text, fn) => fn(text), actual);
  const shown = displayPath(file);
  const exists = fs.existsSync(file);

  if (flag(env.UPDATE_SNAPSHOTS)) {
    if (exists && fs.readFileSync(file, "utf8") === output) return;
    write(file, output);
    log(`[snapshot] ${exists ? "updated" : "wrote"} ${shown} (UPDATE_SNAPSHOTS is set)`);
    return;
  }
  if (!exists) {
    if (flag(env.CI)) {
      assert.fail(
        `Snapshot file missing: ${shown}\n` +
          `In CI (CI=${env.CI}) a missing snapshot fails instead of being written.\n` +
          `Generate it locally (run the test, or ${UPDATE_COMMAND}) and commit it.`,
      );
    }
    write(file, output);
    log(`[snapshot] wrote ${shown} (new snapshot; check it and commit it)`);
    return;
  }
  const expected = fs.readFileSync(file, "utf8");
  if (expected === output) return;
  const message =
    `Snapshot mismatch: ${shown}\n` +
    snapshotDiff(expected, output, { maxLines: options.maxDiffLines ?? 80 }) +
    `\nIf the new output is right, accept it with: ${UPDATE_COMMAND}` +
    `\n(or UPDATE_SNAPSHOTS=1 node --import tsx --test <the test file>)`;
  // AssertionError with only a message: node:test would otherwise print both whole texts again.
  throw new assert.AssertionError({ message, operator: "snapshot" });
}

/**
 * Element ids of HTML views (`hl-<kind>-<counter>-<random>`, see src/display/htmlView.ts)
 * → `hl-ID`, `hl-ID-2`, … in order of first appearance, every occurrence of one id
 * (attribute, CSS selector, script) getting the same name. Only values of
 * `id="…"` attributes of that shape count as ids, so class names such as
 * `hl-view-static` are left alone.
 */
export function normalizeHtmlViewIds(text: string): string {
  const ids: string[] = [];
  for (const m of text.matchAll(/\bid="(hl-[a-z][a-z0-9-]*-[0-9a-z]+-[0-9a-z]+)"/g)) {
    if (!ids.includes(m[1])) ids.push(m[1]);
  }
  let out = text;
  ids.forEach((id, i) => {
    out = out.split(id).join(i === 0 ? "hl-ID" : `hl-ID-${i + 1}`);
  });
  return out;
}

// ---------------------------------------------------------------------------

/** `1`, `true`, `yes` (any case) and any other non-empty value but `0`/`false`/`no`. */
function flag(value: string | undefined): boolean {
  if (value === undefined) return false;
  const v = value.trim().toLowerCase();
  return v !== "" && v !== "0" && v !== "false" && v !== "no";
}

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text, "utf8");
}

function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : file;
}

/** Longest text of one diff line shown; longer lines are cut around their first difference. */
const MAX_LINE = 160;
const CONTEXT = 3;

type Op = { kind: " " | "-" | "+"; text: string; oldNo?: number; newNo?: number };

/**
 * A unified-style line diff of `expected` (−) against `actual` (+): a summary of
 * the first difference (line, column, excerpts with invisible characters
 * escaped), then hunks with `CONTEXT` lines around changes, each line with its
 * old and new line numbers. At most `maxLines` diff lines; the rest is counted.
 */
export function snapshotDiff(expected: string, actual: string, { maxLines = 80 } = {}): string {
  const a = expected.split("\n");
  const b = actual.split("\n");
  const out: string[] = [];

  // First difference, by line and column.
  let line = 0;
  while (line < a.length && line < b.length && a[line] === b[line]) line++;
  const ea = a[line];
  const ab = b[line];
  if (ea === undefined || ab === undefined) {
    // One text is the other plus more lines (often only a trailing newline).
    const longer = ea === undefined ? "actual" : "expected";
    const extra = (ea === undefined ? b : a).slice(line);
    out.push(
      extra.length === 1 && extra[0] === "" && line > 0
        ? `The only difference: the ${longer} text ends with a newline, the other does not.`
        : `The ${longer} text has ${extra.length} more line(s) from line ${line + 1} on.`,
    );
  } else {
    let col = 0;
    while (col < ea.length && col < ab.length && ea[col] === ab[col]) col++;
    out.push(`First difference: line ${line + 1}, column ${col + 1}`);
    out.push(`  expected: ${excerpt(ea, col)}`);
    out.push(`  actual:   ${excerpt(ab, col)}`);
  }
  out.push("--- expected (snapshot file)", "+++ actual (rendered output)");

  const ops = lineDiff(a, b);
  const changed = ops.map((op, i) => (op.kind === " " ? -1 : i)).filter((i) => i >= 0);
  // Hunks: runs of changes with CONTEXT lines around, merged when they touch.
  const hunks: [number, number][] = [];
  for (const i of changed) {
    const from = Math.max(0, i - CONTEXT);
    const to = Math.min(ops.length, i + CONTEXT + 1);
    const last = hunks[hunks.length - 1];
    if (last && from <= last[1]) last[1] = Math.max(last[1], to);
    else hunks.push([from, to]);
  }
  const width = String(Math.max(a.length, b.length)).length;
  const num = (n: number | undefined) => (n === undefined ? " ".repeat(width) : String(n).padStart(width));
  let shown = 0;
  let shownChanges = 0;
  let cut = false;
  for (const [from, to] of hunks) {
    if (shown >= maxLines) {
      cut = true;
      break;
    }
    const slice = ops.slice(from, to);
    const oldStart = slice.find((o) => o.oldNo !== undefined)?.oldNo ?? 0;
    const newStart = slice.find((o) => o.newNo !== undefined)?.newNo ?? 0;
    const oldCount = slice.filter((o) => o.kind !== "+").length;
    const newCount = slice.filter((o) => o.kind !== "-").length;
    out.push(`@@ -${oldStart},${oldCount} +${newStart},${newCount} @@`);
    for (const op of slice) {
      if (shown >= maxLines) {
        cut = true;
        break;
      }
      const col = op.kind === " " ? 0 : firstDiffColumn(op, ops);
      out.push(`${op.kind} ${num(op.oldNo)} ${num(op.newNo)} | ${clip(op.text, col)}`);
      shown++;
      if (op.kind !== " ") shownChanges++;
    }
  }
  if (cut) out.push(`… diff cut at ${maxLines} lines; ${changed.length - shownChanges} more changed line(s) not shown.`);
  return out.join("\n");
}

/** Where a changed line differs from its counterpart (the nearest line of the other side), for clipping. */
function firstDiffColumn(op: Op, ops: Op[]): number {
  const i = ops.indexOf(op);
  const other = op.kind === "-" ? "+" : "-";
  let j = i;
  while (j < ops.length && ops[j].kind !== " " && ops[j].kind !== other) j++;
  if (j >= ops.length || ops[j].kind !== other) {
    j = i;
    while (j >= 0 && ops[j].kind !== " " && ops[j].kind !== other) j--;
  }
  const twin = j >= 0 && j < ops.length && ops[j].kind === other ? ops[j].text : "";
  let col = 0;
  while (col < op.text.length && col < twin.length && op.text[col] === twin[col]) col++;
  return col;
}

/** Invisible and control characters as escapes, so a difference in them shows. */
function visible(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/g, (ch) =>
    ch === "\t" ? "\\t" : ch === "\r" ? "\\r" : `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** ~60 characters of `text` around column `col`, with invisible characters escaped. */
function excerpt(text: string, col: number): string {
  const from = Math.max(0, col - 30);
  const to = Math.min(text.length, col + 30);
  if (text.length === 0) return "(empty line)";
  return `${from > 0 ? "…" : ""}${visible(text.slice(from, to))}${to < text.length ? "…" : ""}`;
}

/** A line cut to MAX_LINE characters, keeping column `col` (its first difference) in view. */
function clip(text: string, col: number): string {
  if (text.length <= MAX_LINE) return visible(text);
  const from = Math.max(0, Math.min(col - 40, text.length - MAX_LINE));
  const to = from + MAX_LINE;
  return `${from > 0 ? `…(${from} chars)…` : ""}${visible(text.slice(from, to))}${to < text.length ? `…(${text.length - to} more chars)` : ""}`;
}

/** Line diff: common prefix and suffix, LCS in between (or all −/+ when the middle is too big for LCS). */
function lineDiff(a: string[], b: string[]): Op[] {
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const am = a.slice(pre, a.length - suf);
  const bm = b.slice(pre, b.length - suf);
  const ops: Op[] = [];
  for (let i = 0; i < pre; i++) ops.push({ kind: " ", text: a[i], oldNo: i + 1, newNo: i + 1 });
  const n = am.length;
  const m = bm.length;
  if (n * m <= 4_000_000) {
    // lcs[i][j]: LCS length of am[i..] and bm[j..].
    const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) lcs[i][j] = am[i] === bm[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && am[i] === bm[j]) {
        ops.push({ kind: " ", text: am[i], oldNo: pre + i + 1, newNo: pre + j + 1 });
        i++;
        j++;
      } else if (j < m && (i >= n || lcs[i][j + 1] > lcs[i + 1][j])) {
        ops.push({ kind: "+", text: bm[j], newNo: pre + j + 1 });
        j++;
      } else {
        ops.push({ kind: "-", text: am[i], oldNo: pre + i + 1 });
        i++;
      }
    }
  } else {
    am.forEach((text, i) => ops.push({ kind: "-", text, oldNo: pre + i + 1 }));
    bm.forEach((text, j) => ops.push({ kind: "+", text, newNo: pre + j + 1 }));
  }
  for (let k = 0; k < suf; k++) {
    ops.push({ kind: " ", text: a[a.length - suf + k], oldNo: a.length - suf + k + 1, newNo: b.length - suf + k + 1 });
  }
  return ops;
}
