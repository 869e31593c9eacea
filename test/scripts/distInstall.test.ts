/**
 * scripts/distInstall.mjs, with real processes at once: a rebuild of dist/ (a second `npm run lab`, an instructor's
 * update of a shared checkout) while kernels import it. tsc wrote each file in place, and a kernel importing then
 * read a file cut short: `(0 , features_1.registerProcessFeatureColumns) is not a function`. Readers here read the
 * tree over and over while two builds install theirs; every file they read must be one build's whole file.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { pathToFileURL } from "node:url";

const INSTALL = pathToFileURL(path.resolve(__dirname, "..", "..", "scripts", "distInstall.mjs")).href;
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "huntlab-dist-install-"));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** Big enough that one write() cannot hold a file: a reader of an in-place rewrite sees it part-written. */
const FILE_BYTES = 256 * 1024;
const FILES = ["index.js", "a.js", "a.js.map", "sub/b.js", "sub/b.d.ts", "sub/deep/c.js", "client/view.js", "d.js"];

/** File `rel` of build `version`: a first line naming both and the length, a body, an end mark; {@link whole} checks it. */
const CONTENT_OF = `(version, rel) => { const head = version + " " + rel + "\\n"; return head + String(version % 10).repeat(${FILE_BYTES} - head.length - 4) + "END\\n"; }`;

/** A child's program (ES module): the file's content function, then `body`. */
function program(name: string, body: string): string {
  const file = path.join(scratch, `${name}.mjs`);
  fs.writeFileSync(file, `import fs from "node:fs"; import path from "node:path";\nimport { installTree, makeStaging, writeFileAtomic } from ${JSON.stringify(INSTALL)};\nconst contentOf = ${CONTENT_OF};\nconst FILES = ${JSON.stringify(FILES)};\n${body}\n`);
  return file;
}

/** Whether `text` is one build's whole file `rel` (`versions`: the builds allowed). */
function whole(text: string, rel: string, versions: number[]): boolean {
  const version = Number(text.slice(0, text.indexOf(" ")));
  return versions.includes(version) && text.length === FILE_BYTES && text.startsWith(`${version} ${rel}\n`) && text.endsWith(`${version % 10}END\n`);
}

/** Reads every file of DEST over and over until STOP exists; prints "ready" after the first pass, then a JSON tally. */
const READER = `
const [dest, stop, versionsText] = process.argv.slice(2);
const versions = JSON.parse(versionsText);
const whole = (text, rel) => { const v = Number(text.slice(0, text.indexOf(" "))); return versions.includes(v) && text === contentOf(v, rel); };
let passes = 0, reads = 0; const torn = [];
for (;;) {
  const last = fs.existsSync(stop);
  for (const rel of FILES) {
    const text = fs.readFileSync(path.join(dest, rel), "utf8");
    reads += 1;
    if (!whole(text, rel)) torn.push(rel + ": " + text.length + " bytes, starts " + JSON.stringify(text.slice(0, 20)));
  }
  if (++passes === 1) process.stdout.write("ready\\n");
  if (last) break;
}
process.stdout.write(JSON.stringify({ passes, reads, torn: torn.slice(0, 5), tornCount: torn.length }) + "\\n");
`;

/** Installs build VERSION into DEST ROUNDS times, each from a staging folder of its own. */
const INSTALLER = `
const [dest, versionText, roundsText] = process.argv.slice(2);
const version = Number(versionText);
for (let round = 0; round < Number(roundsText); round++) {
  const staging = makeStaging(dest);
  for (const rel of FILES) {
    fs.mkdirSync(path.dirname(path.join(staging, rel)), { recursive: true });
    fs.writeFileSync(path.join(staging, rel), contentOf(version, rel));
  }
  installTree(staging, dest, { last: ["index.js"] });
}
process.stdout.write("done\\n");
`;

interface Ran {
  code: number | null;
  out: string;
  err: string;
}

/** Starts `file` with `args`; `ready` resolves at the child's first "ready" line, `done` when it exits. */
function start(file: string, args: string[]): { ready: Promise<void>; done: Promise<Ran> } {
  const child = spawn(process.execPath, [file, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  let onReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  child.stdout.on("data", (d) => {
    out += d;
    if (out.includes("ready\n")) onReady();
  });
  child.stderr.on("data", (d) => (err += d));
  const done = new Promise<Ran>((resolve) =>
    child.on("close", (code) => {
      onReady();
      resolve({ code, out, err });
    }),
  );
  return { ready, done };
}

function writeTree(dest: string, version: number): void {
  for (const rel of FILES) {
    fs.mkdirSync(path.dirname(path.join(dest, rel)), { recursive: true });
    fs.writeFileSync(path.join(dest, rel), new Function(`return ${CONTENT_OF}`)()(version, rel));
  }
}

test("two builds installing into one dist/ at once while two readers read it: every read is one build's whole file", { skip: process.platform === "win32" ? "POSIX renames" : false }, async () => {
  const dest = path.join(scratch, "two-builds", "dist");
  writeTree(dest, 1);
  fs.writeFileSync(path.join(dest, "kept.txt"), "not the build's\n");
  const stop = path.join(scratch, "two-builds", "stop");
  const reader = program("reader", READER);
  const installer = program("installer", INSTALLER);
  const readers = [0, 1].map(() => start(reader, [dest, stop, "[1,2,3]"]));
  await Promise.all(readers.map((r) => r.ready));
  const installs = await Promise.all([start(installer, [dest, "2", "25"]).done, start(installer, [dest, "3", "25"]).done]);
  for (const i of installs) assert.equal(i.code, 0, i.err);
  fs.writeFileSync(stop, "");
  const tallies = await Promise.all(readers.map(async (r) => {
    const ran = await r.done;
    assert.equal(ran.code, 0, ran.err);
    return JSON.parse(ran.out.trim().split("\n").pop() as string) as { passes: number; reads: number; torn: string[]; tornCount: number };
  }));
  for (const t of tallies) {
    assert.deepEqual(t.torn, [], `a reader read ${t.tornCount} part-written files in ${t.reads} reads`);
    assert.ok(t.passes >= 2, "each reader read the tree after the installs too");
  }
  // The last install of either build wins, whole; nothing of the staging folders is left; other files stay.
  for (const rel of FILES) assert.ok(whole(fs.readFileSync(path.join(dest, rel), "utf8"), rel, [2, 3]), rel);
  assert.deepEqual(fs.readdirSync(path.dirname(dest)).filter((f) => f.includes("staging")), []);
  assert.equal(fs.readFileSync(path.join(dest, "kept.txt"), "utf8"), "not the build's\n");
});

test("the staging folder is beside dist/ (same file system, same depth for source maps) and named apart per build", () => {
  const dest = path.join(scratch, "beside", "dist");
  fs.mkdirSync(dest, { recursive: true });
  const file = program("staging-names", `const dest = process.argv[2]; const a = makeStaging(dest), b = makeStaging(dest); process.stdout.write(JSON.stringify([a, b]));`);
  const names = [0, 1].map(() => {
    const child = start(file, [dest]);
    return child.done;
  });
  return Promise.all(names).then((ran) => {
    const dirs = ran.flatMap((r) => JSON.parse(r.out) as string[]);
    assert.equal(new Set(dirs).size, 4, "two staging folders of one process, or of two, share a name");
    for (const d of dirs) {
      assert.equal(path.dirname(d), path.dirname(dest));
      assert.match(path.basename(d), /^\.dist-staging-\d+-[0-9a-f]{12}$/);
      assert.ok(fs.statSync(d).isDirectory());
    }
  });
});

test("writeFileAtomic: two processes rewriting one file while a third reads it: each read is one writer's whole text", { skip: process.platform === "win32" ? "POSIX renames" : false }, async () => {
  const dir = path.join(scratch, "stamp");
  fs.mkdirSync(dir);
  const target = path.join(dir, "kernel.json");
  const writer = program("atomic-writer", `
const [file, version] = process.argv.slice(2);
for (let i = 0; i < 40; i++) writeFileAtomic(file, contentOf(Number(version), "stamp"));
process.stdout.write("done\\n");`);
  fs.writeFileSync(target, new Function(`return ${CONTENT_OF}`)()(1, "stamp"));
  const stop = path.join(dir, "stop");
  const reader = program("atomic-reader", `
const [file, stop] = process.argv.slice(2);
let reads = 0; const torn = [];
for (;;) {
  const last = fs.existsSync(stop);
  const text = fs.readFileSync(file, "utf8"); reads += 1;
  const v = Number(text.slice(0, text.indexOf(" ")));
  if (![1, 2, 3].includes(v) || text !== contentOf(v, "stamp")) torn.push(text.length);
  if (reads === 1) process.stdout.write("ready\\n");
  if (last) break;
}
process.stdout.write(JSON.stringify({ reads, torn: torn.slice(0, 5) }) + "\\n");`);
  const r = start(reader, [target, stop]);
  await r.ready;
  const writers = await Promise.all([start(writer, [target, "2"]).done, start(writer, [target, "3"]).done]);
  for (const w of writers) assert.equal(w.code, 0, w.err);
  fs.writeFileSync(stop, "");
  const ran = await r.done;
  assert.equal(ran.code, 0, ran.err);
  assert.deepEqual((JSON.parse(ran.out.trim().split("\n").pop() as string) as { torn: number[] }).torn, []);
  assert.ok(whole(fs.readFileSync(target, "utf8"), "stamp", [2, 3]));
  assert.deepEqual(fs.readdirSync(dir).sort(), ["kernel.json", "stop"], "a temporary file was left beside the target");
});
