/** display(): formatter order and transport selection (fake tslab kernel, fake Deno, plain Node stdout). */
import { afterEach, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import Module from "node:module";
import path from "node:path";
import pl from "nodejs-polars";
import { createDisplay, display, flushDisplays, toMimeBundle, updateDisplay } from "../../src/display/display";
import { JUPYTER_DISPLAY, type MimeBundle } from "../../src/display/protocol";
import { loneSurrogates } from "../helpers/wellFormed";

const frame = () => pl.DataFrame({ user: ["alice", "<b>bob</b>"], logons: [3, 4] });

/** Captures what is written to stdout (and stderr) while `fn` runs. */
function capture(fn: () => void, stream: NodeJS.WriteStream = process.stdout): string {
  const chunks: string[] = [];
  const original = stream.write;
  stream.write = ((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  }) as typeof stream.write;
  try {
    fn();
  } finally {
    stream.write = original;
  }
  return chunks.join("");
}

/** Installs a fake module into require.cache under `file`; returns its remover. */
function fakeModule(file: string, exports: unknown): () => void {
  const mod = new Module(file);
  mod.filename = file;
  mod.loaded = true;
  mod.exports = exports;
  require.cache[file] = mod;
  return () => {
    delete require.cache[file];
  };
}

interface SentMessage {
  content: { data: MimeBundle; metadata: Record<string, unknown>; transient: { display_id?: string } };
  update: boolean;
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

describe("toMimeBundle: formatter order", () => {
  test("a polars DataFrame gets huntlab's table, not polars' own Jupyter.display", () => {
    const df = frame();
    assert.equal(typeof (df as unknown as Record<symbol, unknown>)[JUPYTER_DISPLAY], "function", "polars frames carry their own");
    const bundle = toMimeBundle(df);
    assert.deepEqual(Object.keys(bundle).sort(), ["text/html", "text/plain"]);
    assert.match(String(bundle["text/html"]), /^<div class="huntlab-df tex2jax_ignore mathjax_ignore">/);
    assert.ok(String(bundle["text/html"]).includes("&lt;b&gt;bob&lt;/b&gt;"));
    assert.match(String(bundle["text/plain"]), /2 rows × 2 columns$/);
  });

  test("a Promise (an async view not awaited) is an error saying to await it, not 'Promise { <pending> }'", async () => {
    const pending = Promise.resolve(frame());
    assert.throws(() => toMimeBundle(pending), { name: "DisplayError", code: "display/promise", message: /display\(await timeline\(df\)\)/ });
    await pending;
  });

  test("options reach the table", () => {
    const df = pl.DataFrame({ n: Array.from({ length: 30 }, (_, i) => i) });
    assert.match(String(toMimeBundle(df, { maxRows: 10, minRows: 2 })["text/plain"]), /^\s+n\n\s+f64\n0\s+0\.0\n…\s+…\n29\s+29\.0\n\n30 rows/);
  });

  test("an unknown or mistyped option name is an error naming it, the nearest name and the known ones", () => {
    const df = pl.DataFrame({ n: Array.from({ length: 30 }, (_, i) => i) });
    const known = "maxRows, minRows, maxColumns, maxCellChars, maxTitleChars, displayId";
    const shown = capture(() => {
      assert.throws(() => display(df, { maxrows: 5 } as never), (e: Error & { code?: string }) => {
        assert.equal(e.name, "DisplayError");
        assert.equal(e.code, "display/option-unknown");
        assert.equal(e.message, `display: unknown option maxrows (did you mean maxRows?); its options are ${known}.`);
        return true;
      });
      assert.throws(() => display(df, { max_cell_chars: 5 } as never), { code: "display/option-unknown", message: /unknown option max_cell_chars \(did you mean maxCellChars\?\)/ });
      assert.throws(() => display("text", { colour: "red" } as never), { code: "display/option-unknown", message: new RegExp(`^display: unknown option colour; its options are ${known}\\.$`) });
      assert.throws(() => createDisplay({ displayID: "x" } as never), { code: "display/option-unknown", message: /^createDisplay: unknown option displayID \(did you mean displayId\?\)/ });
      assert.throws(() => updateDisplay(df, "id", { maxRow: 5 } as never), { code: "display/option-unknown", message: /^updateDisplay: unknown option maxRow \(did you mean maxRows\?\)/ });
      assert.throws(() => toMimeBundle(df, { "<b>x</b>": 1 } as never), { code: "display/option-unknown", message: /^toMimeBundle: unknown option "<b>x<\/b>"; its options are maxRows,/ });
      // Options that are no object (an untyped Deno cell): an error naming the function, not a bare TypeError.
      for (const [call, fn] of [
        [() => display(df, 5 as never), "display"],
        [() => display(df, null as never), "display"],
        [() => createDisplay(null as never), "createDisplay"],
        [() => updateDisplay(df, "id", "rows" as never), "updateDisplay"],
        [() => toMimeBundle(df, 5 as never), "toMimeBundle"],
        [() => toMimeBundle("text", 5 as never), "toMimeBundle"],
      ] as const) {
        assert.throws(call, (e: Error & { code?: string }) => e.name === "DisplayError" && e.code === "display/options-not-object" && e.message.startsWith(`${fn}: its options must be an object`), fn);
      }
      // Known names, and names set to undefined (as { ...o, x: undefined }), are fine.
      display(df, { maxRows: 10, minRows: 2, displayId: undefined, other: undefined } as never);
    });
    assert.match(shown, /30 rows/);
  });

  test("a polars Series is shown as a one-column frame", () => {
    const bundle = toMimeBundle(pl.Series("host", ["web01", "db02"]));
    assert.match(String(bundle["text/html"]), /<th>host<\/th>/);
    assert.match(String(bundle["text/plain"]), /2 rows × 1 columns$/);
  });

  test("display-protocol objects give their own bundle; a non-object bundle is an error", () => {
    const bundle = { "text/html": "<i>x</i>", "application/json": { a: 1 } };
    assert.deepEqual(toMimeBundle({ [JUPYTER_DISPLAY]: () => bundle }), bundle);
    assert.throws(() => toMimeBundle({ [JUPYTER_DISPLAY]: () => "nope" }), { name: "DisplayError", code: "display/not-a-mime-bundle", message: /Jupyter\.display/ });
    assert.throws(() => toMimeBundle({ [JUPYTER_DISPLAY]: async () => bundle }), { name: "DisplayError", code: "display/not-a-mime-bundle" });
  });

  test("strings as they are, anything else through util.inspect", () => {
    assert.deepEqual(toMimeBundle("<b>as is</b>"), { "text/plain": "<b>as is</b>" });
    assert.deepEqual(toMimeBundle({ a: [1, 2] }), { "text/plain": "{ a: [ 1, 2 ] }" });
    assert.deepEqual(toMimeBundle(undefined), { "text/plain": "undefined" });
  });
});

describe("toMimeBundle: well-formed outputs", () => {
  test("lone surrogates in any text or JSON value of a bundle come out as visible escapes; pairs and the rest as they are", () => {
    const spec = { title: "x\ud800y", data: { values: [{ ["k\udc00"]: "a\\\ud83d", ok: "😀 \\ud800 text" }] }, n: 5 };
    const bundle = toMimeBundle({ [JUPYTER_DISPLAY]: () => ({ "text/html": "<b>h\udfff</b> 👩‍💻", "text/plain": "p\ud83d", "application/vnd.vegalite.v5+json": spec }) });
    assert.equal(bundle["text/html"], "<b>h\\udfff</b> 👩‍💻");
    assert.equal(bundle["text/plain"], "p\\ud83d");
    assert.deepEqual(bundle["application/vnd.vegalite.v5+json"], { title: "x\\ud800y", data: { values: [{ ["k\\udc00"]: "a\\\\ud83d", ok: "😀 \\ud800 text" }] }, n: 5 });
    assert.deepEqual(loneSurrogates(JSON.parse(JSON.stringify(bundle))), []);
    assert.equal(toMimeBundle("a\ud800")["text/plain"], "a\\ud800");
    // Nothing to mend: the very same bundle.
    const clean = { "text/plain": "ok 😀", "application/json": { a: ["\\ud800"] } };
    assert.equal(toMimeBundle({ [JUPYTER_DISPLAY]: () => clean }), clean);
  });
});

describe("transport: tslab kernel", () => {
  // Only the fakes below may look like tslab: npm test runs files in shared processes, where another file may have
  // loaded the real tslab (found first in require.cache); it is put back after each test.
  beforeEach(() => {
    const loaded = Object.entries(require.cache).filter(([file]) => /[\\/]tslab[\\/]dist[\\/]/.test(file));
    for (const [file] of loaded) delete require.cache[file];
    cleanups.unshift(() => {
      for (const [file, mod] of loaded) require.cache[file] = mod;
    });
  });

  function fakeKernel(file: string): SentMessage[] {
    const sent: SentMessage[] = [];
    cleanups.push(fakeModule(file, { lastWriteDisplayData: (content: SentMessage["content"], update: boolean) => sent.push({ content, update }) }));
    return sent;
  }

  test("a kernel module under another tslab copy receives the whole bundle", () => {
    const sent = fakeKernel(path.join("/tmp/elsewhere/node_modules/tslab/dist/jupyter.js"));
    const out = capture(() => display(frame()));
    assert.equal(out, "", "nothing printed");
    assert.equal(sent.length, 1);
    const [{ content, update }] = sent;
    assert.equal(update, false);
    assert.deepEqual(Object.keys(content.data).sort(), ["text/html", "text/plain"]);
    assert.match(String(content.data["text/html"]), /huntlab-df/);
    assert.deepEqual(content.metadata, {});
    assert.deepEqual(content.transient, {});
  });

  test("Windows-style paths are found too", () => {
    const sent = fakeKernel("C:\\Users\\hunter\\AppData\\npm\\node_modules\\tslab\\dist\\jupyter.js");
    display("hi");
    assert.deepEqual(sent.map((m) => m.content.data), [{ "text/plain": "hi" }]);
  });

  test("display ids and updates: display_data, then update_display_data", () => {
    const sent = fakeKernel("/opt/lab/node_modules/tslab/dist/jupyter.js");
    display("step 1", { displayId: "progress" });
    updateDisplay("step 2", "progress");
    assert.deepEqual(
      sent.map((m) => [m.content.data["text/plain"], m.content.transient.display_id, m.update]),
      [["step 1", "progress", false], ["step 2", "progress", true]],
    );
  });

  test("a handle's first update shows, later ones replace", () => {
    const sent = fakeKernel("/opt/lab/node_modules/tslab/dist/jupyter.js");
    const handle = createDisplay();
    handle.update("0%");
    handle.update("50%");
    handle.show("again");
    assert.match(handle.displayId, /^[0-9a-f-]{36}$/);
    assert.deepEqual(
      sent.map((m) => [m.content.data["text/plain"], m.content.transient.display_id, m.update]),
      [["0%", handle.displayId, false], ["50%", handle.displayId, true], ["again", handle.displayId, false]],
    );
  });

  test("without lastWriteDisplayData, tslab's public display sends the HTML", () => {
    const before = new Set(Object.keys(require.cache));
    const html: string[] = [];
    cleanups.push(fakeModule("/opt/old/node_modules/tslab/dist/jupyter.js", { lastWriteDisplayData: null }));
    cleanups.push(fakeModule("/opt/old/node_modules/tslab/dist/public.js", { display: { html: (s: string) => html.push(s), text: () => assert.fail("text") } }));
    // The require("tslab/dist/jupyter") fallback may load the real tslab (not in a cell: no writer); unload it after.
    cleanups.push(() => {
      for (const key of Object.keys(require.cache)) if (!before.has(key)) delete require.cache[key];
    });
    const out = capture(() => display(frame()));
    assert.equal(out, "");
    assert.equal(html.length, 1);
    assert.match(html[0], /^<div class="huntlab-df tex2jax_ignore mathjax_ignore">/);
  });
});

describe("transport: Deno kernel", () => {
  const g = globalThis as { Deno?: unknown };
  function fakeDeno(jupyter: unknown): void {
    const had = "Deno" in g;
    const previous = g.Deno;
    g.Deno = jupyter;
    cleanups.push(() => {
      if (had) g.Deno = previous;
      else delete g.Deno;
    });
  }

  test("Deno.jupyter.display receives the raw bundle with { raw: true }", () => {
    const calls: [unknown, Record<string, unknown>][] = [];
    fakeDeno({ jupyter: { display: async (obj: unknown, options: Record<string, unknown>) => void calls.push([obj, options]) } });
    const out = capture(() => display(frame()));
    assert.equal(out, "");
    assert.equal(calls.length, 1);
    const [bundle, options] = calls[0];
    assert.deepEqual(options, { raw: true });
    assert.deepEqual(Object.keys(bundle as MimeBundle).sort(), ["text/html", "text/plain"]);
    assert.deepEqual(bundle, toMimeBundle(frame()));
  });

  test("display ids and updates map to display_id / update", () => {
    const calls: Record<string, unknown>[] = [];
    fakeDeno({ jupyter: { display: async (_: unknown, options: Record<string, unknown>) => void calls.push(options) } });
    display("a", { displayId: "d1" });
    updateDisplay("b", "d1");
    assert.deepEqual(calls, [{ raw: true, display_id: "d1" }, { raw: true, update: true, display_id: "d1" }]);
  });

  test("a failed send is reported on stderr, not thrown", async () => {
    fakeDeno({ jupyter: { display: async () => { throw new Error("kernel gone"); } } });
    const errors: unknown[][] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void errors.push(args);
    try {
      display("x");
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      console.error = original;
    }
    assert.equal(errors.length, 1);
    assert.match(String(errors[0][0]), /huntlab display/);
    assert.match(String(errors[0][1]), /kernel gone/);
  });

  test("flushDisplays waits for the pending sends", async () => {
    const done: string[] = [];
    fakeDeno({
      jupyter: {
        display: (obj: MimeBundle) => new Promise<void>((resolve) => setTimeout(() => resolve(void done.push(String(obj["text/plain"]))), 20)),
      },
    });
    display("one");
    display("two");
    assert.deepEqual(done, []);
    await flushDisplays();
    assert.deepEqual(done, ["one", "two"]);
  });

  test("Deno.jupyter.broadcast, when there, queues display_data at once (before display() returns), with display ids", () => {
    const sent: [string, Record<string, unknown>][] = [];
    const displayed: unknown[] = [];
    fakeDeno({
      jupyter: {
        broadcast: (type: string, content: Record<string, unknown>) => void sent.push([type, content]),
        display: async (obj: unknown) => void displayed.push(obj),
      },
    });
    display(frame());
    display("a", { displayId: "d1" });
    updateDisplay("b", "d1");
    // Synchronously, not after a microtask: Deno's kernel may report the cell idle right after its code returns.
    assert.deepEqual(
      sent.map(([type, content]) => [type, content.transient]),
      [["display_data", {}], ["display_data", { display_id: "d1" }], ["update_display_data", { display_id: "d1" }]],
    );
    assert.deepEqual(sent[0][1], { data: toMimeBundle(frame()), metadata: {}, transient: {} });
    assert.deepEqual(displayed, []);
  });

  test("a broadcast that throws is reported on stderr, not thrown", () => {
    fakeDeno({ jupyter: { broadcast: () => { throw new Error("channel closed"); }, display: async () => undefined } });
    const errors: unknown[][] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void errors.push(args);
    try {
      display("x");
    } finally {
      console.error = original;
    }
    assert.equal(errors.length, 1);
    assert.match(String(errors[0][1]), /channel closed/);
  });

  test("outside `deno jupyter` (reading Deno.jupyter throws) the text is printed", () => {
    fakeDeno({
      get jupyter() {
        throw new Error("Deno.jupyter is only available in `deno jupyter` subcommand");
      },
    });
    assert.equal(capture(() => display("plain")), "plain\n");
  });
});

describe("transport: plain Node", () => {
  test("prints the text/plain rendition to stdout", () => {
    const out = capture(() => display(frame()));
    assert.match(out, /^\s+user\s+logons\n\s+str\s+f64\n0\s+alice\s+3\.0\n1\s+<b>bob<\/b>\s+4\.0\n\n2 rows × 2 columns\n$/);
  });

  test("strings, objects, updates and bundles without text", () => {
    assert.equal(capture(() => display("hello")), "hello\n");
    assert.equal(capture(() => display("ends\n")), "ends\n");
    assert.equal(capture(() => display(new Map([["k", 1]]))), "Map(1) { 'k' => 1 }\n");
    assert.equal(capture(() => updateDisplay("again", "id")), "again\n");
    assert.equal(capture(() => display({ [JUPYTER_DISPLAY]: () => ({ "text/html": "<p>x</p>" }) })), "[text/html]\n");
    const handle = createDisplay({ displayId: "fixed" });
    assert.equal(handle.displayId, "fixed");
    assert.equal(capture(() => handle.update("1/2")), "1/2\n");
  });
});
