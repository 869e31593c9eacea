/**
 * Builds the lab's two notebooks from one source (lab authors' tool):
 *
 *   notebooks/source/NN-SECTION.md | NN-SECTION.json   (the one source of truth)
 *     → notebooks/HuntingLab.ipynb            exercises open: cells tagged `scaffold`, no `solution`
 *     → notebooks/HuntingLab-Completed.ipynb  solved: cells tagged `solution`, no `scaffold`; committed with outputs
 *
 * usage: node --import tsx scripts/build-notebooks.ts [--execute] [--check] [--kernel tslab]
 *   (no flag)   rewrite both notebooks; the completed one keeps the outputs of cells whose source did not change
 *   --execute   also run the completed notebook in the kernel (scripts/execute_notebook.py) and commit its outputs
 *   --check     write nothing; exit 1 and list the differences when a committed notebook is out of date
 *
 * Source files are read in name order; the file name gives each cell's
 * `huntlab_section` (`40-pivots.md` → `pivots`). A `.md` file is a list of cells,
 * each starting with a marker line:
 *
 *   <!-- markdown -->                      a markdown cell: the lines up to the next marker
 *   <!-- code tags=["solution"] -->        a code cell: the ````ts fenced block after the marker
 *
 * (the file reads as the lab on GitHub: markers are HTML comments). A `.json`
 * file is a list of `{ "cell_type": "markdown" | "code", "source": "…", "tags"?: […] }`,
 * the format of scripts/notebook_section.py, for sections written by tools.
 *
 * Both notebooks are written while holding the lock on notebooks/HuntingLab.ipynb.lock
 * (flock(1)), as other tooling reads them.
 */
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { NotebookCell, NotebookJson } from "../src/lab/huntParams";
import { findPython } from "./python.mjs";

const ROOT = path.resolve(__dirname, "..");
export const SOURCE_DIR = path.join(ROOT, "notebooks", "source");
export const EXERCISES_NOTEBOOK = path.join(ROOT, "notebooks", "HuntingLab.ipynb");
export const COMPLETED_NOTEBOOK = path.join(ROOT, "notebooks", "HuntingLab-Completed.ipynb");
const LOCK = path.join(ROOT, "notebooks", "HuntingLab.ipynb.lock");

/** Cells with this tag are in the exercise notebook only (the empty exercise cells). */
export const SCAFFOLD_TAG = "scaffold";
/** Cells with this tag are in the completed notebook only (the solutions). */
export const SOLUTION_TAG = "solution";

/** One cell of the source. */
export interface SourceCell {
  cellType: "markdown" | "code";
  source: string;
  tags: string[];
  section: string;
  /** Where it was written, for messages: `40-pivots.md:12`. */
  origin: string;
}

/** Which notebook to build. */
export type Variant = "exercises" | "completed";

const MARKER = /^<!-- (markdown|code)(?: tags=(\[[^\]\n]*\]))? -->[ \t]*$/;
/** A line meant as a marker (`<!-- code  -->`, `<!--code-->`): one that is not exactly one was taken as markdown text. */
const MARKER_LIKE = /^\s*<!--\s*(markdown|code)\b/i;

function parseTags(text: string | undefined, origin: string): string[] {
  if (!text) return [];
  let tags: unknown;
  try {
    tags = JSON.parse(text);
  } catch {
    throw new Error(`${origin}: tags must be a JSON list of strings (double quotes: tags=["solution"]), not ${text}`);
  }
  if (!Array.isArray(tags) || !tags.every((t) => typeof t === "string")) throw new Error(`${origin}: tags must be a JSON list of strings`);
  return tags;
}

/** Whether `line` is a cell marker; a line that looks like one but is not is an error naming it. */
function isMarker(line: string, origin: string): boolean {
  if (MARKER.test(line)) return true;
  if (MARKER_LIKE.test(line)) throw new Error(`${origin}: ${JSON.stringify(line.slice(0, 60))} is no cell marker: write <!-- markdown --> or <!-- code --> (optionally <!-- code tags=["solution"] -->), one space each side`);
  return false;
}

/** The cells of one `.md` source file. */
export function parseMarkdownSource(text: string, section: string, file = `${section}.md`): SourceCell[] {
  const lines = text.replace(/\r\n/g, "\n").split("\n");
  const cells: SourceCell[] = [];
  let i = 0;
  while (i < lines.length && lines[i].trim() === "") i++;
  while (i < lines.length) {
    const origin = `${file}:${i + 1}`;
    const m = MARKER.exec(lines[i]);
    if (!m) throw new Error(`${origin}: expected a cell marker (<!-- markdown --> or <!-- code -->), found ${JSON.stringify(lines[i].slice(0, 60))}`);
    const tags = parseTags(m[2], origin);
    i++;
    let body: string[] = [];
    if (m[1] === "code") {
      while (i < lines.length && lines[i].trim() === "") i++;
      if (lines[i] !== "````ts") throw new Error(`${origin}: a code cell is a \`\`\`\`ts fenced block right after its marker`);
      const close = lines.indexOf("````", i + 1);
      if (close < 0) throw new Error(`${origin}: the code cell's \`\`\`\`ts block is not closed`);
      body = lines.slice(i + 1, close);
      i = close + 1;
      while (i < lines.length && lines[i].trim() === "") i++;
      if (i < lines.length && !isMarker(lines[i], `${file}:${i + 1}`)) throw new Error(`${file}:${i + 1}: text after a code cell must start with a marker`);
    } else {
      // A fenced block's lines are its own (a markdown cell may show an HTML comment in one).
      let fence: string | undefined;
      while (i < lines.length && (fence !== undefined || !isMarker(lines[i], `${file}:${i + 1}`))) {
        const f = /^(`{3,}|~{3,})/.exec(lines[i])?.[1];
        if (f && (fence === undefined || (lines[i].trim() === fence.slice(0, 1).repeat(lines[i].trim().length) && lines[i].trim().length >= fence.length))) fence = fence === undefined ? f : undefined;
        body.push(lines[i++]);
      }
    }
    cells.push({ cellType: m[1] as "markdown" | "code", source: body.join("\n").replace(/^\n+|\s+$/g, ""), tags, section, origin });
  }
  return cells;
}

/** The cells of one `.json` source file (scripts/notebook_section.py's format). */
export function parseJsonSource(text: string, section: string, file = `${section}.json`): SourceCell[] {
  const specs: unknown = JSON.parse(text);
  if (!Array.isArray(specs)) throw new Error(`${file}: expected a JSON list of cells`);
  return specs.map((spec: { cell_type?: unknown; source?: unknown; tags?: unknown }, index) => {
    const origin = `${file}#${index}`;
    if (spec.cell_type !== "markdown" && spec.cell_type !== "code") throw new Error(`${origin}: cell_type must be "markdown" or "code"`);
    const source = Array.isArray(spec.source) ? spec.source.join("") : spec.source;
    if (typeof source !== "string") throw new Error(`${origin}: source must be text`);
    return { cellType: spec.cell_type, source: source.replace(/\s+$/, ""), tags: parseTags(spec.tags === undefined ? undefined : JSON.stringify(spec.tags), origin), section, origin };
  });
}

/** A section file's name: `NN-SECTION.md|json`. */
const SOURCE_FILE = /^\d+-[A-Za-z0-9_-]+\.(md|json)$/;

/** The section a source file holds: its name without the order prefix and extension. */
export function sectionOfFile(file: string): string {
  return path.basename(file).replace(/\.(md|json)$/, "").replace(/^\d+-/, "");
}

/** Every cell of the source folder, in file-name order. */
export function readSource(dir: string = SOURCE_DIR): SourceCell[] {
  const names = fs.readdirSync(dir).filter((f) => /\.(md|json)$/i.test(f));
  const odd = names.filter((f) => !SOURCE_FILE.test(f));
  if (odd.length) throw new Error(`${dir}: ${odd.map((f) => JSON.stringify(f)).join(", ")}: a section file is NN-SECTION.md or NN-SECTION.json (NN its place, a number; SECTION letters, digits, _ and -); rename it or move it out of the folder`);
  // By number (5 before 40, 100 after 90), then name.
  const files = names.sort((a, b) => parseInt(a, 10) - parseInt(b, 10) || (a < b ? -1 : a > b ? 1 : 0));
  return files.flatMap((f) => {
    const text = fs.readFileSync(path.join(dir, f), "utf8");
    return f.endsWith(".json") ? parseJsonSource(text, sectionOfFile(f), f) : parseMarkdownSource(text, sectionOfFile(f), f);
  });
}

/** nbformat's layout of a source: a list of lines, each but the last ending in a newline. */
function sourceLines(text: string): string[] {
  return text === "" ? [] : text.split(/(?<=\n)/);
}

/** Joins an nbformat source. */
export function cellText(source: string | string[]): string {
  return Array.isArray(source) ? source.join("") : source;
}

/** Whether a cell belongs in the notebook of `variant`. */
export function inVariant(cell: { tags: readonly string[] }, variant: Variant): boolean {
  if (variant === "exercises") return !cell.tags.includes(SOLUTION_TAG);
  return !cell.tags.includes(SCAFFOLD_TAG);
}

const NOTEBOOK_METADATA = {
  kernelspec: { display_name: "TypeScript (huntlab)", language: "typescript", name: "tslab" },
  language_info: { file_extension: ".ts", mimetype: "text/typescript", name: "typescript" },
};

/** The notebook of `variant` built from the source (no outputs). */
export function buildNotebook(cells: readonly SourceCell[], variant: Variant): NotebookJson {
  const perSection = new Map<string, number>();
  const out: NotebookCell[] = [];
  for (const cell of cells) {
    // Ids from the cell's place in its section: the same cell has the same id in both notebooks.
    const n = perSection.get(cell.section) ?? 0;
    perSection.set(cell.section, n + 1);
    if (!inVariant(cell, variant)) continue;
    const id = crypto.createHash("sha1").update(`${cell.section}:${n}`).digest("hex").slice(0, 12);
    const metadata: NotebookCell["metadata"] = { huntlab_section: cell.section };
    if (cell.tags.length) metadata.tags = [...cell.tags];
    out.push(
      cell.cellType === "code"
        ? { cell_type: "code", execution_count: null, id, metadata, outputs: [], source: sourceLines(cell.source) }
        : { cell_type: "markdown", id, metadata, source: sourceLines(cell.source) },
    );
  }
  return { cells: out, metadata: structuredClone(NOTEBOOK_METADATA), nbformat: 4, nbformat_minor: 5 };
}

/** JSON as nbformat writes it: keys sorted, one-space indent, a final newline. */
export function serialise(nb: NotebookJson): string {
  const sortKeys = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(sortKeys);
    if (value && typeof value === "object") return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]));
    return value;
  };
  return JSON.stringify(sortKeys(nb), null, 1) + "\n";
}

/** What the up-to-date check compares: per cell, its type, section, tags and source (not outputs). */
function comparable(nb: NotebookJson): { type: string; section: unknown; tags: string[]; source: string }[] {
  return nb.cells.map((c) => ({ type: c.cell_type, section: c.metadata.huntlab_section, tags: c.metadata.tags ?? [], source: cellText(c.source) }));
}

/** The differences between a committed notebook and the one built from the source; empty when up to date. */
export function differences(committed: NotebookJson, built: NotebookJson): string[] {
  const a = comparable(committed);
  const b = comparable(built);
  const diffs: string[] = [];
  if (a.length !== b.length) diffs.push(`${a.length} cells committed, ${b.length} built from the source`);
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    for (const key of ["type", "section", "tags", "source"] as const) {
      if (JSON.stringify(a[i][key]) !== JSON.stringify(b[i][key])) {
        diffs.push(`cell ${i + 1} (${String(b[i].section)}): its ${key} differs: ${JSON.stringify(b[i].source.split("\n")[0].slice(0, 70))}`);
        break;
      }
    }
    if (diffs.length > 20) break;
  }
  return diffs;
}

/**
 * Outputs of `from` copied onto the code cells of `to` with the same section and source (the k-th such
 * cell onto the k-th): ids come from a cell's place in its section, so a cell added above moved every id
 * after it, and the outputs of all those unchanged cells were dropped.
 */
export function carryOutputs(to: NotebookJson, from: NotebookJson | undefined): NotebookJson {
  if (!from) return to;
  const keysOf = (nb: NotebookJson) => {
    const seen = new Map<string, number>();
    return nb.cells.map((c) => {
      const key = `${String(c.metadata.huntlab_section)}\n${cellText(c.source)}`;
      const k = seen.get(key) ?? 0;
      seen.set(key, k + 1);
      return `${key}\n${k}`;
    });
  };
  const fromKeys = keysOf(from);
  const old = new Map(from.cells.flatMap((c, i) => (c.cell_type === "code" ? [[fromKeys[i], c] as const] : [])));
  const toKeys = keysOf(to);
  for (const [i, cell] of to.cells.entries()) {
    const prior = cell.cell_type === "code" ? old.get(toKeys[i]) : undefined;
    if (prior) {
      cell.outputs = prior.outputs ?? [];
      cell.execution_count = prior.execution_count ?? null;
    }
  }
  return to;
}

function readNotebook(file: string): NotebookJson | undefined {
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as NotebookJson) : undefined;
}

/** A Python with nbclient and nbformat (scripts/python.mjs), or an error saying how to get one. */
function nbclientPython(): string {
  const found = findPython(["nbclient", "nbformat"]);
  if (!found) throw new Error("no Python with nbclient: apt-get install python3-nbclient (or pip install nbclient), or set HUNTLAB_PYTHON");
  return found;
}

/** Runs the notebook with scripts/execute_notebook.py; returns the executed copy. Fails on any problem. */
function execute(nb: NotebookJson, kernel: string): NotebookJson {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "huntlab-build-"));
  try {
    const input = path.join(dir, "in.ipynb");
    const output = path.join(dir, "out.ipynb");
    fs.writeFileSync(input, serialise(nb));
    const python = nbclientPython();
    const r = spawnSync(python, [path.join(ROOT, "scripts", "execute_notebook.py"), input, output, "--kernel", kernel, "--cwd", path.join(ROOT, "notebooks"), "--progress"], {
      encoding: "utf8",
      maxBuffer: 256 * 1024 * 1024,
      stdio: ["ignore", "pipe", "inherit"],
    });
    if (r.status !== 0) throw new Error(`execute_notebook.py failed (exit ${r.status})`);
    const report = JSON.parse(r.stdout) as { problems: { cell: number; kind: string; text: string }[] };
    if (report.problems.length) throw new Error(`the completed notebook has problems:\n${report.problems.map((p) => `cell ${p.cell + 1} (${p.kind}): ${p.text.slice(0, 300)}`).join("\n")}`);
    const executed = JSON.parse(fs.readFileSync(output, "utf8")) as NotebookJson;
    // Keep outputs and counts only: timings and kernel details change on every run.
    return carryOutputs(nb, { ...executed, cells: executed.cells.map((c, i) => ({ ...c, id: nb.cells[i].id })) });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes files while holding the notebook lock (flock(1); other tooling locks the same file). */
function writeLocked(files: Record<string, string>): void {
  const staged = Object.entries(files).map(([file, text]) => {
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, text);
    return [tmp, file] as const;
  });
  const script = staged.map(([tmp, file]) => `mv -f '${tmp.replace(/'/g, "'\\''")}' '${file.replace(/'/g, "'\\''")}'`).join(" && ");
  const r = spawnSync("flock", [LOCK, "sh", "-c", script], { stdio: "inherit" });
  if (r.error || r.status !== 0) {
    for (const [tmp] of staged) fs.rmSync(tmp, { force: true });
    throw new Error(`could not write the notebooks under ${LOCK}: ${r.error?.message ?? `exit ${r.status}`}`);
  }
}

function main(argv: string[]): number {
  const check = argv.includes("--check");
  const run = argv.includes("--execute");
  const kernelAt = argv.indexOf("--kernel");
  const kernel = kernelAt >= 0 ? argv[kernelAt + 1] : "tslab";
  const cells = readSource();
  const exercises = buildNotebook(cells, "exercises");
  let completed = buildNotebook(cells, "completed");
  if (check) {
    let stale = false;
    for (const [file, built] of [
      [EXERCISES_NOTEBOOK, exercises],
      [COMPLETED_NOTEBOOK, completed],
    ] as const) {
      const committed = readNotebook(file);
      const diffs = committed ? differences(committed, built) : ["missing"];
      if (diffs.length) {
        stale = true;
        console.error(`${path.relative(ROOT, file)} is out of date with notebooks/source/ (run node --import tsx scripts/build-notebooks.ts):\n  ${diffs.join("\n  ")}`);
      }
    }
    return stale ? 1 : 0;
  }
  completed = run ? execute(completed, kernel) : carryOutputs(completed, readNotebook(COMPLETED_NOTEBOOK));
  writeLocked({ [EXERCISES_NOTEBOOK]: serialise(exercises), [COMPLETED_NOTEBOOK]: serialise(completed) });
  const codeCells = (nb: NotebookJson) => nb.cells.filter((c) => c.cell_type === "code").length;
  const withOutputs = completed.cells.filter((c) => (c.outputs ?? []).length > 0).length;
  console.log(`${path.relative(ROOT, EXERCISES_NOTEBOOK)}: ${exercises.cells.length} cells (${codeCells(exercises)} code)`);
  console.log(`${path.relative(ROOT, COMPLETED_NOTEBOOK)}: ${completed.cells.length} cells (${codeCells(completed)} code, ${withOutputs} with outputs)`);
  return 0;
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
