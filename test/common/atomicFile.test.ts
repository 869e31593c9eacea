/**
 * src/common/atomicFile.ts with real processes at once: writers rewriting one file (the Tor exit list, a compacted
 * TI result cache in a folder a class shares) while another reads it. The temporary name was `<file>.<pid>.tmp`;
 * in containers (one per learner, each kernel at the same pid) writers shared it, and a cut list could be renamed
 * into place. The second test runs each writer in a PID namespace of its own, where every one is pid 1.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { tempDir } from "../helpers/tmp";

const ROOT = path.resolve(__dirname, "..", "..");
const MODULE = path.join(ROOT, "src", "common", "atomicFile.ts");
/** Past one write() of a pipe or a page: a reader of a file being written sees it part-written. */
const BYTES = 512 * 1024;
const textOf = (version: number): string => `v${version}\n` + String(version).repeat(BYTES) + "\nEND\n";

/** Whether PID namespaces can be made here (Linux, root or unprivileged user namespaces). */
const canUnshare = process.platform === "linux" && spawnSync("unshare", ["--pid", "--fork", "true"], { stdio: "ignore" }).status === 0;

interface Ran {
  code: number | null;
  out: string;
  err: string;
}

/** A child process: `ran` settles when it ends, `said` at its first line starting with `first` (or its end). */
function run(cmd: string, args: string[], first: string): { ran: Promise<Ran>; said: Promise<unknown>; go: () => void } {
  const child = spawn(cmd, args, { cwd: ROOT, stdio: ["pipe", "pipe", "pipe"], env: { ...process.env, NODE_TEST_CONTEXT: "" } });
  let out = "";
  let err = "";
  let seen: () => void = () => {};
  const said = new Promise<void>((resolve) => (seen = resolve));
  child.stdout.on("data", (d) => {
    out += d;
    for (const line of String(d).split("\n")) if (line.startsWith(first)) seen();
  });
  child.stderr.on("data", (d) => (err += d));
  child.stdin.on("error", () => {}); // a child that ended already
  const ran = new Promise<Ran>((resolve) => child.on("close", (code) => resolve({ code, out, err })));
  return { ran, said: Promise.race([said, ran]), go: () => child.stdin.end("go\n") };
}

/**
 * Two writers (versions 2 and 3, 30 writes each) and one reader of `file` (holding version 1 at first); with
 * `ownPidNamespace`, each writer runs under `unshare --pid --fork`. Returns the writers' pids and the torn reads.
 */
async function writeWhileReading(ownPidNamespace: boolean): Promise<{ pids: number[]; reads: number; torn: string[]; file: string; dir: string }> {
  const dir = tempDir("huntlab-atomic-");
  const file = path.join(dir, "Tor-0123456789abcdef.list");
  fs.writeFileSync(file, textOf(1));
  const writer = path.join(dir, "writer.ts");
  // Each writer says it is ready (its pid) and writes when told on its stdin, once both writers and the reader run:
  // the reader spun on the unchanged file through the writers' start (tsx), and the writers began apart.
  fs.writeFileSync(writer, `import { writeFileAtomic } from ${JSON.stringify(MODULE)};
const [file, version] = process.argv.slice(2);
const text = "v" + version + "\\n" + version.repeat(${BYTES}) + "\\nEND\\n";
process.stdout.write("pid " + process.pid + "\\n");
let told = "";
process.stdin.on("data", (d) => (told += d));
process.stdin.on("end", () => {
  if (told !== "go\\n") process.exit(3); // the test ended without a go
  for (let i = 0; i < 30; i++) writeFileAtomic(file, text, { mode: 0o600 });
});
`);
  const stop = path.join(dir, "stop");
  const reader = path.join(dir, "reader.mjs");
  fs.writeFileSync(reader, `import fs from "node:fs";
const [file, stop] = process.argv.slice(2);
const whole = (t) => { const v = t.slice(1, t.indexOf("\\n")); return ["1", "2", "3"].includes(v) && t === "v" + v + "\\n" + v.repeat(${BYTES}) + "\\nEND\\n"; };
let reads = 0; const torn = [];
for (;;) {
  const last = fs.existsSync(stop);
  const t = fs.readFileSync(file, "utf8"); reads += 1;
  if (!whole(t)) torn.push(t.length + " characters, starting " + JSON.stringify(t.slice(0, 4)));
  if (reads === 1) process.stdout.write("ready\\n");
  if (last) break;
}
process.stdout.write(JSON.stringify({ reads, torn: torn.slice(0, 5) }) + "\\n");
`);
  const node = [process.execPath, "--import", "tsx", writer, file];
  const writing = ["2", "3"].map((v) => (ownPidNamespace ? run("unshare", ["--pid", "--fork", ...node, v], "pid ") : run(node[0], [...node.slice(1), v], "pid ")));
  await Promise.all(writing.map((w) => w.said));
  const reading = run(process.execPath, [reader, file, stop], "ready");
  await reading.said;
  for (const w of writing) w.go();
  const writers = await Promise.all(writing.map((w) => w.ran));
  // The reader stops before any assertion: a failed writer left it spinning, and the test's process alive.
  fs.writeFileSync(stop, "");
  const r = await reading.ran;
  for (const w of writers) assert.equal(w.code, 0, w.err);
  assert.equal(r.code, 0, r.err);
  const tally = JSON.parse(r.out.trim().split("\n").pop() as string) as { reads: number; torn: string[] };
  const pids = writers.map((w) => Number(/^pid (\d+)$/m.exec(w.out)?.[1]));
  return { pids, reads: tally.reads, torn: tally.torn, file, dir };
}

function assertWhole(file: string, dir: string): void {
  const text = fs.readFileSync(file, "utf8");
  assert.ok(text === textOf(2) || text === textOf(3), `the file holds no one writer's whole text (${text.length} characters)`);
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  assert.deepEqual(fs.readdirSync(dir).filter((f) => f.endsWith(".tmp")), [], "a temporary file was left behind");
}

test("two processes rewriting one file while a third reads it: every read, and the file at the end, is one writer's whole text", async () => {
  const { reads, torn, file, dir } = await writeWhileReading(false);
  assert.deepEqual(torn, [], `${torn.length} of ${reads} reads were part-written`);
  assertWhole(file, dir);
});

test("the same with each writer in a PID namespace of its own (containers): both are pid 1, and still no write mixes with the other", { skip: canUnshare ? false : "no PID namespaces here (unshare needs Linux and root or user namespaces)" }, async () => {
  const { pids, reads, torn, file, dir } = await writeWhileReading(true);
  assert.deepEqual(pids, [1, 1], "the writers did not share a pid: the case is not exercised");
  assert.deepEqual(torn, [], `${torn.length} of ${reads} reads were part-written`);
  assertWhole(file, dir);
});
