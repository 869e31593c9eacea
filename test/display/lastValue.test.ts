/**
 * Rich last values under tslab: huntlab objects (HtmlViews, frames given
 * `withRichLastValue`) display themselves when tslab's executor prints them
 * with console.log, and stay text everywhere else.
 *
 * The fake executor is a real file under `…/tslab/dist/executor.js` whose
 * `execute` prints a value with console.log, as tslab's does for a cell's last
 * expression; the fake kernel module receives what display() sends.
 */
import { after, afterEach, before, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import Module from "node:module";
import os from "node:os";
import path from "node:path";
import { inspect } from "node:util";
import pl from "nodejs-polars";
import { html } from "../../src/display/html";
import { htmlView } from "../../src/display/htmlView";
import { withRichLastValue } from "../../src/display/lastValue";
import { JUPYTER_DISPLAY, type MimeBundle } from "../../src/display/protocol";

interface Sent {
  data: MimeBundle;
}

let dir = "";
let executor: { execute(value: unknown): Promise<void> };
const cleanups: (() => void)[] = [];

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "huntlab-lastvalue-"));
  const file = path.join(dir, "node_modules", "tslab", "dist", "executor.js");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // As tslab's execute(): the cell's promise is awaited, then its last value logged.
  fs.writeFileSync(file, "exports.execute = async function execute(value) {\n  await Promise.resolve();\n  console.log(value);\n};\n");
  executor = require(file) as typeof executor;
});

after(() => fs.rmSync(dir, { recursive: true, force: true }));

afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

/** A fake tslab kernel module collecting display_data contents. */
function fakeKernel(): Sent[] {
  const sent: Sent[] = [];
  const file = path.join(dir, "node_modules", "tslab", "dist", "jupyter.js");
  const mod = new Module(file);
  mod.filename = file;
  mod.loaded = true;
  mod.exports = { lastWriteDisplayData: (content: Sent) => sent.push(content) };
  require.cache[file] = mod;
  cleanups.push(() => delete require.cache[file]);
  return sent;
}

async function captureStdout(fn: () => Promise<void> | void): Promise<string> {
  const chunks: string[] = [];
  const original = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  try {
    await fn();
  } finally {
    process.stdout.write = original;
  }
  return chunks.join("");
}

const view = () => htmlView({ kind: "demo", fallback: { alt: "demo", html: html`<b>${"<i>static</i>"}</b>` }, text: "demo view\nsecond line" });
const frame = () => pl.DataFrame({ user: ["alice", "<b>bob</b>"], logons: [3, 4] });

test("an HtmlView as tslab's last value is sent as a whole MIME bundle, leaving one empty text line", async () => {
  const sent = fakeKernel();
  const out = await captureStdout(() => executor.execute(view()));
  assert.equal(out, "\n", "console.log still ends the empty text with a newline");
  assert.equal(sent.length, 1);
  assert.deepEqual(Object.keys(sent[0].data).sort(), ["text/html", "text/plain"]);
  assert.match(String(sent[0].data["text/html"]), /&lt;i&gt;static&lt;\/i&gt;/);
  assert.equal(sent[0].data["text/plain"], "demo view\nsecond line");
});

test("an explicit console.log, a nested value or plain inspect stay text", async () => {
  const sent = fakeKernel();
  const v = view();
  const out = await captureStdout(() => {
    console.log(v);
  });
  assert.equal(out, "HtmlView(demo) demo view\n");
  const nested = await captureStdout(() => executor.execute([v]));
  assert.equal(nested, "[ HtmlView(demo) demo view ]\n");
  assert.equal(inspect(v), "HtmlView(demo) demo view");
  assert.deepEqual(sent, []);
});

test("a subclass that overrides the inspect text stays rich, and its text is used elsewhere", async () => {
  const sent = fakeKernel();
  class Special extends (view().constructor as typeof import("../../src/display/htmlView").HtmlView) {
    override [inspect.custom](): string {
      return "Special { 2 items }";
    }
  }
  const special = new Special({ kind: "special", fallback: { alt: "s", html: html`<i>s</i>` }, text: "special" });
  assert.equal(inspect(special), "Special { 2 items }");
  await captureStdout(() => executor.execute(special));
  assert.equal(sent.length, 1);
  assert.equal(sent[0].data["text/plain"], "special");
  assert.ok(!Object.keys(special).includes(String(inspect.custom)), "the hook is not enumerable");
});

test("outside tslab (no kernel module) the last value prints its text", async () => {
  const out = await captureStdout(() => executor.execute(view()));
  assert.equal(out, "HtmlView(demo) demo view\n");
});

test("withRichLastValue: that frame is rich as tslab's last value and as Deno's Jupyter.display; polars' own frames are untouched", async () => {
  const sent = fakeKernel();
  const plain = frame();
  const df = withRichLastValue(plain);
  const out = await captureStdout(() => executor.execute(df));
  assert.equal(out, "\n");
  assert.equal(sent.length, 1);
  assert.match(String(sent[0].data["text/html"]), /^<div class="huntlab-df tex2jax_ignore mathjax_ignore">.*&lt;b&gt;bob&lt;\/b&gt;/s);
  // Deno renders a last value through Jupyter.display: huntlab's table for this frame.
  assert.ok(JUPYTER_DISPLAY in df);
  const bundle = (df as unknown as Record<symbol, () => MimeBundle>)[JUPYTER_DISPLAY]();
  assert.match(String(bundle["text/html"]), /^<div class="huntlab-df tex2jax_ignore mathjax_ignore">/);
  // Text elsewhere: huntlab's aligned table with the shape line.
  assert.equal(inspect(df), ["   user        logons", "   str            f64", "0  alice          3.0", "1  <b>bob</b>     4.0", "", "2 rows × 2 columns"].join("\n"));
  // The frame given is left as polars made it, and so is every frame polars makes itself.
  assert.match(inspect(plain), /^shape: \(2, 2\)/);
  assert.match(inspect(frame().head(1)), /^shape: \(1, 2\)/);
  assert.match(String((plain as unknown as Record<symbol, () => MimeBundle>)[JUPYTER_DISPLAY]()["text/html"]), /^<table>/);
  assert.equal(sent.length, 1);
});

test("withRichLastValue: frames derived through the frame's methods, lazy frames and group-bys are rich too", async () => {
  const sent = fakeKernel();
  const df = withRichLastValue(pl.DataFrame({ user: ["alice", "bob", "carol", "bob"], logons: [3, 4, 5, 6] }));
  const derived: [string, unknown][] = [
    ["head", df.head(2)],
    ["filter", df.filter(pl.col("logons").gt(3))],
    ["select + sort", df.select("user").sort("user")],
    ["withColumns", df.withColumns(pl.col("logons").mul(2).alias("twice"))],
    ["groupBy().agg()", df.groupBy("user").agg(pl.col("logons").sum())],
    ["groupBy().len()", df.groupBy("user").len()],
    ["lazy()…collectSync()", df.lazy().filter(pl.col("user").eq(pl.lit("bob"))).collectSync()],
    ["lazy()…collect()", await df.lazy().limit(1).collect()],
    ["chain", df.filter(pl.col("logons").gt(3)).head(1).tail(1)],
  ];
  for (const [what, value] of derived) {
    assert.match(inspect(value), /\n\d+ rows × \d+ columns$/, `${what}: huntlab's text`);
    assert.ok(JUPYTER_DISPLAY in (value as object), `${what}: a Jupyter.display hook`);
  }
  assert.equal(inspect(df.groupBy("user").agg(pl.col("logons").sum()).sort("user")).split("\n")[2], "0  alice     3.0");
  await captureStdout(() => executor.execute(df.filter(pl.col("user").eq(pl.lit("carol")))));
  assert.equal(sent.length, 1, "a derived frame as tslab's last value is displayed");
  assert.match(String(sent[0].data["text/html"]), /<td[^>]*>carol<\/td>/);
  // Not frames: values as polars gives them.
  assert.equal(df.height, 4);
  assert.deepEqual(df.columns, ["user", "logons"]);
  assert.equal(df.getColumn("logons").sum(), 18);
  assert.equal((df as unknown as Record<string, pl.Series>)["logons"].sum(), 18, "column access through polars' proxy");
  assert.deepEqual(df.row(0), ["alice", 3]);
  assert.match(inspect(df.getColumn("user")), /^shape: \(4,\)/, "a Series stays polars'");
  assert.match(inspect(df.groupBy("user")), /^GroupBy/, "a group-by inspects as polars'");
  // Works with polars' functions, wrapped once.
  assert.equal(pl.concat([df, df.head(1)]).height, 5);
  assert.ok(pl.DataFrame.isDataFrame(df));
  assert.equal(withRichLastValue(df), df, "wrapping a rich frame again returns it");
  const before = sent.length;
  df.head(1).toRecords();
  assert.equal(sent.length, before, "only a last-value print displays");
});
