/**
 * `npm run hunt`'s injected-parameters cell is code in the executed notebook
 * (and in its HTML, Markdown and script exports, and the report): a parameter
 * value with a bidi override or a zero-width character was written into it as
 * it is, and the cell read `hostName = "WKS<RLO>gnp.exe"` reordered on screen.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { runInNewContext } from "node:vm";
import { cellText, parameterize, type NotebookJson } from "../../src/lab/huntParams";

const HIDDEN = /[\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]|\udb40[\udc00-\udc7f]/;

test("a parameter's invisible and bidi characters are escapes in the injected cell, the value unchanged", () => {
  const nb: NotebookJson = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: [{ cell_type: "code", source: 'let hostName: string = "x";\nlet dataPaths: string[] = [];', metadata: { tags: ["parameters"] } }],
  };
  const host = "WKS-0042<img src=x onerror=alert(1)>\u202egnp.exe\u200b\u2028\\\u{e0041}";
  const paths = ["/data/\u2067week48\u2069"];
  const source = cellText(parameterize(nb, { hostName: host, dataPaths: JSON.stringify(paths) }).notebook.cells[1].source);
  assert.doesNotMatch(source, HIDDEN, "a raw invisible or bidi character in the injected cell");
  assert.match(source, /hostName = "WKS-0042<img src=x onerror=alert\(1\)>\\u202egnp\.exe\\u200b\\u2028\\\\/);
  // The cell still sets the same values.
  const values = runInNewContext(`let hostName, dataPaths; ${source.replace(/^\/\/.*$/gm, "")}; ({ hostName, dataPaths })`) as { hostName: string; dataPaths: string[] };
  assert.equal(values.hostName, host);
  assert.deepEqual([...values.dataPaths], paths);
});
