/**
 * Deno's kernel shows a cell's last value by calling its `[Symbol.for("Jupyter.display")]()` itself
 * (`format` in Deno's cli/js/40_jupyter.js: `if (hasDisplaySymbol(obj)) return await obj[$display]();`),
 * never through huntlab's toMimeBundle. So the lone-surrogate guard (under tslab a lone surrogate in an output
 * made the notebook unsavable; Deno 2.9 sends it as U+FFFD, the character lost) must be in each display method:
 * here every huntlab class's bundle, taken as Deno takes it, holds none. A source check keeps new display methods on it.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import pl from "nodejs-polars";
import { html } from "../../src/display/html";
import { htmlView } from "../../src/display/htmlView";
import { withRichLastValue } from "../../src/display/lastValue";
import { Ip } from "../../src/entities/types";
import { SecurityAlert } from "../../src/entities/securityAlert";
import { AnswerCheck } from "../../src/lab/answers";
import { ResultCheck } from "../../src/lab/results";
import { VegaLiteChart } from "../../src/vis/vegaLite";
import { loneSurrogates } from "../helpers/wellFormed";

/** What Deno's kernel does with a cell's last value that has the display symbol. */
const denoFormat = (value: unknown): unknown => (value as Record<symbol, () => unknown>)[Symbol.for("Jupyter.display")]();

const HALF = "half an emoji \ud83d here";

test("every huntlab object Deno shows as a cell's last value gives a bundle without lone surrogates", () => {
  const values: [string, unknown][] = [
    ["htmlView", htmlView({ kind: "demo", fallback: { alt: HALF, html: html`<b>${HALF}</b>` }, text: HALF })],
    ["VegaLiteChart", new VegaLiteChart({ title: HALF, data: { values: [{ user: HALF }] }, mark: "bar" } as never, Buffer.alloc(0), HALF)],
    ["withRichLastValue", withRichLastValue(pl.DataFrame({ user: [HALF] }))],
    ["Entity", new Ip({ Address: `10.0.0.1 ${HALF}` })],
    ["SecurityAlert", new SecurityAlert({ AlertDisplayName: HALF, SystemAlertId: "a1", Entities: JSON.stringify([{ Type: "ip", Address: HALF }]) })],
    ["AnswerCheck", new AnswerCheck([{ question: HALF, answered: true, correct: false, given: HALF, detail: HALF }])],
    ["ResultCheck", new ResultCheck(HALF, "wrong", [HALF])],
  ];
  for (const [name, value] of values) {
    const bundle = denoFormat(value);
    assert.ok(bundle !== null && typeof bundle === "object", name);
    // As the kernel sends it and nbformat reads it back: JSON.
    assert.deepEqual(loneSurrogates(JSON.parse(JSON.stringify(bundle))), [], name);
  }
});

test("every display method in src returns its bundle through wellFormedBundle or another display method (Deno calls them directly)", () => {
  const root = path.join(__dirname, "..", "..", "src");
  const files = fs.readdirSync(root, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts"));
  const unguarded: string[] = [];
  let methods = 0;
  for (const file of files) {
    const text = fs.readFileSync(path.join(root, file), "utf8");
    // A method `[JUPYTER_DISPLAY](): MimeBundle { … }` (class members end at a line `  }`), or a `[JUPYTER_DISPLAY]: () => …` property.
    for (const m of text.matchAll(/\[JUPYTER_DISPLAY\]\(\): MimeBundle \{\n([\s\S]*?)\n {2}\}\n|\[JUPYTER_DISPLAY\]: (\(\) => [^\n]*)/g)) {
      methods++;
      const body = m[1] ?? m[2];
      if (!/wellFormedBundle\(|\[JUPYTER_DISPLAY\]\(\)|\[JUPYTER_DISPLAY\]\s*[,}]/.test(body)) unguarded.push(`${file}: ${body.trim().slice(0, 80)}`);
    }
  }
  assert.ok(methods >= 10, `found ${methods} display methods`);
  assert.deepEqual(unguarded, []);
});
