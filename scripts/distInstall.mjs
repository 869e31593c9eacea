/**
 * Putting a new build into dist/ while kernels import it. tsc and esbuild write each output in place (open with
 * truncation, then write): a kernel started meanwhile (another learner's, on a shared checkout the instructor
 * updates, or beside a second `npm run lab`) could read a file cut short, and its `import … from "huntlab"` failed
 * with "(0 , features_1.registerProcessFeatureColumns) is not a function" (1 import in 350 during one rebuild).
 * So the build writes into a staging folder beside dist/, and each file is then renamed over its old self: a
 * reader opens either the old file or the new one, whole. (Files are replaced one by one, so an import in the
 * millisecond of the renames can still mix old and new modules of a changed API; it never reads half a file.)
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/**
 * A new staging folder for one build: `<parent of dest>/.<name of dest>-staging-<pid>-<random>`, beside `dest`
 * so that its files are renamed on the same file system, and at the same depth so that the source maps' relative
 * paths (`../src/x.ts`) still hold. The random part keeps two builds apart even where process ids repeat (containers).
 *
 * @param {string} dest the folder the build is for (dist/)
 * @returns {string}
 */
export function makeStaging(dest) {
  const dir = path.join(path.dirname(dest), `.${path.basename(dest)}-staging-${process.pid}-${crypto.randomBytes(6).toString("hex")}`);
  fs.mkdirSync(dir);
  return dir;
}

/** The files under `dir`, as paths relative to it, sorted. */
function filesUnder(dir, rel = "") {
  const out = [];
  for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const sub = path.join(rel, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(dir, sub));
    else out.push(sub);
  }
  return out.sort();
}

/**
 * Moves every file of `staging` to the same place under `dest`, each by a rename over the old one (never an
 * in-place rewrite), then removes `staging`. Files other than those of the build are left in `dest`.
 *
 * @param {string} staging a folder from {@link makeStaging}
 * @param {string} dest
 * @param {{ last?: string[] }} [options] `last`: paths (relative) to move after all the others, e.g. the package's
 *   entry point, so that a fresh import finds the modules it requires already replaced. Default none.
 * @returns {number} how many files were moved
 */
export function installTree(staging, dest, { last = [] } = {}) {
  const files = filesUnder(staging);
  const ordered = [...files.filter((f) => !last.includes(f)), ...files.filter((f) => last.includes(f))];
  const made = new Set();
  for (const rel of ordered) {
    const target = path.join(dest, rel);
    const folder = path.dirname(target);
    if (!made.has(folder)) {
      fs.mkdirSync(folder, { recursive: true });
      made.add(folder);
    }
    replaceWith(path.join(staging, rel), target);
  }
  fs.rmSync(staging, { recursive: true, force: true });
  return ordered.length;
}

/** Renames `from` over `to`; across file systems (dist/ a link to another disk), copies beside `to` first. */
function replaceWith(from, to) {
  try {
    fs.renameSync(from, to);
  } catch (err) {
    if (err?.code !== "EXDEV") throw err;
    const aside = tempName(to);
    try {
      fs.copyFileSync(from, aside);
      fs.renameSync(aside, to);
    } finally {
      fs.rmSync(aside, { force: true });
    }
  }
}

/** A name beside `file` that no other process uses: the process id alone repeats across containers. */
function tempName(file) {
  return `${file}.${process.pid}-${crypto.randomBytes(6).toString("hex")}.tmp`;
}

/**
 * Writes `text` to `file` whole under another name, then renames it: a reader never sees half of it, and two
 * writers at once leave one whole file (the build stamp, kernels.mjs' kernel specs). src/common/atomicFile.ts is
 * the library's own (dist/ cannot import scripts/).
 *
 * @param {string} file
 * @param {string | Buffer} text
 */
export function writeFileAtomic(file, text) {
  const aside = tempName(file);
  try {
    // `wx`: should the name exist after all, fail rather than write into another writer's file.
    fs.writeFileSync(aside, text, { flag: "wx" });
    fs.renameSync(aside, file);
  } finally {
    fs.rmSync(aside, { force: true });
  }
}
