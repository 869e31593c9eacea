import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";

/*
 * patches/tslab+1.0.22.patch (applied by patch-package on npm's postinstall): tslab's converter
 * built a whole TypeScript program for each cell only to read the cell's top-level names, then a
 * second one to check and emit it. The patch reads the names by binding the cell's text alone, so
 * one program is built per cell. See patches/README.md; the time is measured in the coldStart bench.
 * Here: that the patch is in place, and that cells convert as tslab converts them (names carried to
 * later cells, redeclared, errors reported, top-level await, imports).
 */

const CONVERTER = require.resolve("tslab/dist/converter.js");

interface Converted {
  output?: string;
  sideOutputs?: { path: string; data: string }[];
  declOutput?: string;
  diagnostics: { messageText: string; fileName?: string }[];
  hasToplevelAwait?: boolean;
  lastExpressionVar?: string;
}

interface Converter {
  convert(prevDecl: string, src: string): Converted;
  close(): void;
}

test("the installed tslab carries the converter patch: one program per cell", () => {
  const source = fs.readFileSync(CONVERTER, "utf8");
  assert.match(source, /const locals = localsOf\(src\);/, "the cell's names are bound from its text (patch not applied)");
  assert.doesNotMatch(source, /const locals = srcFile\.locals;/, "the names are still read from a program built for them (patch not applied)");
  const version = JSON.parse(fs.readFileSync(path.join(path.dirname(CONVERTER), "..", "package.json"), "utf8")).version;
  assert.equal(version, "1.0.22", "the patch is written for tslab 1.0.22");
});

test("cells convert as tslab converts them: names carried and redeclared, declarations of every kind, errors, top-level await, imports", () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createConverter } = require(CONVERTER) as { createConverter: (o: { isJS: boolean; isBrowser: boolean }) => Converter };
  const converter = createConverter({ isJS: false, isBrowser: false });
  let prev = "";
  const run = (src: string): Converted => {
    const r = converter.convert(prev, src);
    if (!r.diagnostics.length) prev = r.declOutput ?? "";
    return r;
  };
  try {
    const destructured = run("let {x, y: [z]} = {x: 1, y: [2]};\nx + z");
    assert.deepEqual(destructured.diagnostics, []);
    assert.match(destructured.declOutput ?? "", /declare let x: number, z: number;/);
    assert.ok(destructured.lastExpressionVar, "the last expression's value is kept for display");
    assert.match(destructured.output ?? "", /exports\.x/, "the names are exported for the next cells");

    assert.deepEqual(run("const w: number = x * z;").diagnostics, [], "a later cell sees the earlier names");

    const kinds = run("function f(n: number): number { return n * 2; }\nclass C { m = 1; }\nenum E { A, B }\nnamespace N { export const q = 1; }\ntype T = number;\ninterface I { k: T }\nf(w)");
    assert.deepEqual(kinds.diagnostics, []);
    for (const d of [/declare function f\(n: number\): number;/, /declare class C/, /declare enum E/, /declare namespace N/, /type T = number;/, /interface I/]) assert.match(kinds.declOutput ?? "", d);

    assert.deepEqual(run('let x = "text";').diagnostics, [], "a name may be declared again");
    assert.deepEqual(run("const n: number = x.length;").diagnostics, [], "with its new type");
    assert.deepEqual(
      run("const bad: number = x;").diagnostics.map((d) => d.messageText),
      ["Type 'string' is not assignable to type 'number'."],
    );
    assert.deepEqual(run("w + n").diagnostics, [], "a cell with no names of its own");

    const awaited = run("const v = await Promise.resolve(41);\nv + 1");
    assert.deepEqual(awaited.diagnostics, []);
    assert.equal(awaited.hasToplevelAwait, true);

    const imported = run('import pl from "nodejs-polars";\nconst df = pl.DataFrame({ a: [1] });');
    assert.deepEqual(imported.diagnostics, []);
    assert.match(imported.declOutput ?? "", /import pl from "nodejs-polars";/);
    assert.deepEqual(run("const h: number = df.height + v;").diagnostics, []);

    assert.deepEqual(run("y").diagnostics.map((d) => d.messageText), ["Cannot find name 'y'."], "only declared names are carried");
  } finally {
    converter.close();
  }
});


/*
 * The same patch gives the kernel's watch program a plain program per cell (ts.createAbstractBuilder)
 * instead of tslab's emit-and-diagnostics builder, whose state walked the imports of every file of every
 * program (~420 with huntlab imported) and made a type checker for the first, empty one. The converter
 * needs from it only a cell's own dependencies: the local .ts/.js modules it imports, directly or through
 * another, whose code is emitted beside the cell's and whose type errors are the cell's. They are now found
 * from the cell alone (allDependencies in the patch); this checks they still are.
 */
test("the installed tslab carries the plain-program patch: no builder state per cell", () => {
  const source = fs.readFileSync(CONVERTER, "utf8");
  assert.match(source, /sys, ts\.createAbstractBuilder, function/, "the watch program still makes a builder's state for every program (patch not applied)");
  assert.match(source, /return allDependencies\(builder\.getProgram\(\), sourceFile\)/, "a cell's dependencies are read from a builder's state (patch not applied)");
});

test("a cell's local modules, imported directly or through another, are emitted with it and their type errors reported", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tslab-deps-"));
  fs.writeFileSync(path.join(dir, "leaf.ts"), "export const leaf: number = 2;\n");
  fs.writeFileSync(path.join(dir, "mid.ts"), 'import { leaf } from "./leaf";\nexport function twice(n: number): number { return n * leaf; }\n');
  fs.writeFileSync(path.join(dir, "helper.js"), "exports.three = 3;\n");
  fs.writeFileSync(path.join(dir, "other.ts"), "export const other = 1;\n");
  fs.writeFileSync(path.join(dir, "bad.ts"), 'export const bad: number = "two";\n');
  fs.writeFileSync(path.join(dir, "usesBad.ts"), 'import { bad } from "./bad";\nexport const usesBad = bad + 1;\n');
  // A process of its own: TypeScript's sys keeps the first working directory it is asked for, and the
  // converter resolves the cell's imports from there.
  const script = `
    const { createConverter } = require(${JSON.stringify(CONVERTER)});
    const converter = createConverter({ isJS: false, isBrowser: false });
    const first = converter.convert("", 'import { twice } from "./mid";\\nimport { three } from "./helper";\\nconst t = twice(three);');
    const second = converter.convert(first.declOutput || "", 'import { usesBad } from "./usesBad";\\nusesBad + t');
    converter.close();
    process.stdout.write(JSON.stringify({ first, second }));
    process.exit(0);`;
  try {
    const r = spawnSync(process.execPath, ["-e", script], { cwd: dir, encoding: "utf8", timeout: 180_000 });
    assert.equal(r.status, 0, r.stderr);
    const { first, second } = JSON.parse(r.stdout) as { first: Converted; second: Converted };
    assert.deepEqual(first.diagnostics, []);
    const emitted = (first.sideOutputs ?? []).map((o) => path.relative(dir, o.path));
    assert.deepEqual(emitted, ["helper.js", "leaf.js", "mid.js"], "each local module the cell reaches is emitted once, the unimported one not");
    assert.match(first.sideOutputs?.find((o) => o.path.endsWith("leaf.js"))?.data ?? "", /leaf = 2/);
    // A type error two imports away is the importing cell's error (tslab then does not run the cell).
    assert.deepEqual(
      second.diagnostics.map((d) => [d.fileName && path.basename(d.fileName), d.messageText]),
      [["bad.ts", "Type 'string' is not assignable to type 'number'."]],
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/*
 * The same patch, second part: zeromq 6 resolves up to 512 sends on a socket at once, then delays one, and a
 * send made before that one has gone throws EBUSY. tslab sent its messages without waiting, so in a kernel
 * open for a while every ~512th message was followed by lost ones (probed: the third cell of 200
 * console.log lines showed 88 of them and never turned idle). The patch chains each socket's sends.
 */
const JUPYTER = require.resolve("tslab/dist/jupyter.js");

test("the installed tslab carries the send patch: each socket's messages are sent one after the other", () => {
  const source = fs.readFileSync(JUPYTER, "utf8");
  assert.match(source, /sendInOrder\(sock, heads\.concat\(bodies\)\);/, "tslab sends without waiting (patch not applied)");
});

test("2,000 messages sent at once on a zeromq socket all arrive in order through tslab's sendInOrder; sent raw, some are refused", async () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const zmq = require(require.resolve("zeromq", { paths: [path.dirname(JUPYTER)] })) as typeof import("zeromq");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { sendInOrder } = require(JUPYTER) as { sendInOrder?: (sock: unknown, frames: string[]) => Promise<void> };
  assert.equal(typeof sendInOrder, "function", "tslab's jupyter.js exports no sendInOrder (patch not applied)");
  const COUNT = 2000;
  const pull = new zmq.Pull();
  const push = new zmq.Push();
  const address = `inproc://tslab-send-${process.pid}`;
  try {
    await pull.bind(address);
    push.connect(address);
    // The cause, shown on the raw socket: sends made at once without waiting are refused past zeromq's limit.
    let refused = 0;
    const raw: Promise<void>[] = [];
    for (let i = 0; i < COUNT; i++) {
      try {
        raw.push(push.send(["raw", String(i)]));
      } catch (err) {
        refused += 1;
        assert.equal((err as { code?: string }).code, "EBUSY");
      }
    }
    await Promise.all(raw);
    assert.ok(refused > 0, "zeromq accepted every send made at once: the patch may no longer be needed (see patches/README.md)");
    const sent = Array.from({ length: COUNT }, (_, i) => sendInOrder!(push, ["chained", String(i)]));
    const received: string[] = [];
    for (let got = 0; got < COUNT - refused; got++) await pull.receive();
    while (received.length < COUNT) {
      const [kind, n] = await pull.receive();
      assert.equal(kind.toString(), "chained");
      received.push(n.toString());
    }
    await Promise.all(sent);
    assert.deepEqual(received, Array.from({ length: COUNT }, (_, i) => String(i)));
  } finally {
    push.close();
    pull.close();
  }
});
