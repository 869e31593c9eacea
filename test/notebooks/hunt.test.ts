// npm test runs the browser checks after this file: they read the report of its full run.
/**
 * `npm run hunt` (scripts/hunt.mjs): the parameters cell and the injected
 * cell, the HTML report, a full run of the lab on a data folder unlike the
 * lab's (made at test time from data/*.parquet: other hosts, accounts,
 * addresses and times, as CSV, NDJSON and Parquet). The full run's report is
 * left in test-results/hunt/report/ for the browser check
 * (test/browser/huntReport.browser.test.ts). The command lines it refuses,
 * other schemas, broken folders, failing cells and kernels: huntMore.test.ts
 * (run beside the browser checks).
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { LAB_IP, NEW_ACCOUNT, NEW_HOST, NEW_IP, makeHuntData } from "../fixtures/hunt/makeData";
import { buildHuntReport, capText, errorSummary, MAX_TEXT_CHARS, renderMarkdown, type HuntReportMeta } from "../../src/lab/huntReport";
import {
  HuntParameterError,
  INJECTED_TAG,
  cellText,
  coerceParameter,
  effectiveParameters,
  findParametersCell,
  parameterize,
  parseParameters,
  type NotebookJson,
} from "../../src/lab/huntParams";

import { HUNT_REPORT_DIR, OUT, ROOT, hunt, missing, readExecuted, readLab } from "./huntHelpers";

describe("the parameters cell", () => {
  test("the lab has one, tagged parameters, declaring the data, time and entity parameters with the lab's values", () => {
    const nb = readLab();
    const at = findParametersCell(nb);
    assert.ok(at >= 0, "no code cell tagged parameters");
    const codeBefore = nb.cells.slice(0, at).filter((c) => c.cell_type === "code");
    assert.deepEqual(codeBefore.map((c) => cellText(c.source).trim()), ['import pl from "nodejs-polars";\nimport { QueryProvider, display, entities, checkResult, checkAnswers } from "huntlab";'], "the parameters cell should come right after the imports");
    const decls = parseParameters(cellText(nb.cells[at].source));
    const byName = Object.fromEntries(decls.map((d) => [d.name, d]));
    for (const name of ["dataPaths", "queryPaths", "start", "end", "hostName", "accountName", "ipAddress"]) {
      assert.ok(byName[name], `parameters cell lacks ${name}`);
      assert.equal(byName[name].kind, "let", `${name} must be let so a hunt can set it`);
      assert.ok(byName[name].type, `${name} needs an explicit type for tslab`);
    }
    assert.equal(byName.hostName.value, '"MSTICAlertsWin1"');
    assert.equal(byName.accountName.value, '"ian"');
    assert.equal(byName.dataPaths.value, '["../data"]');
    assert.equal(byName.start.type, "string | undefined");
  });

  test("the lab's cells use the parameters instead of hard-coded entities and folders", () => {
    const code = readLab()
      .cells.filter((c) => c.cell_type === "code" && !(c.metadata.tags ?? []).includes("parameters"))
      .map((c) => cellText(c.source))
      .join("\n");
    assert.doesNotMatch(code, /MSTICAlertsWin1/, "a code cell still names the lab's host");
    assert.doesNotMatch(code, /account_name: "ian"/);
    assert.match(code, /new QueryProvider\("LocalData", \{ dataPaths: dataPaths, queryPaths: queryPaths \}\)/);
    assert.match(code, /host_name: hostName, account_name: accountName/);
    assert.match(code, /geoLookup\(\[ipAddress,/);
  });

  test("declarations are read with their types, values and comments; strings and brackets may hold = ; //", () => {
    const decls = parseParameters(
      [
        'let a: string = "x=y; // not a comment"; // the comment',
        "let b: Array<string> = [\"p\", 'q'];",
        "const c = 3",
        "let d: { x?: number } = { x: 1 };",
        "not a declaration",
      ].join("\n"),
    );
    assert.deepEqual(
      decls.map((d) => [d.name, d.kind, d.type, d.value, d.comment]),
      [
        ["a", "let", "string", '"x=y; // not a comment"', "the comment"],
        ["b", "let", "Array<string>", "[\"p\", 'q']", ""],
        ["c", "const", "", "3", ""],
        ["d", "let", "{ x?: number }", "{ x: 1 }", ""],
      ],
    );
  });

  test("--param values are typed: JSON when it parses, else text; the declared type decides", () => {
    assert.equal(coerceParameter("WKS-0042", "string"), "WKS-0042");
    assert.equal(coerceParameter("123", "string"), "123", "a string parameter keeps digits as text");
    assert.equal(coerceParameter("123", "number"), 123);
    assert.equal(coerceParameter("true"), true);
    assert.equal(coerceParameter("2026-11-01", "string | undefined"), "2026-11-01");
    assert.equal(coerceParameter("null", "string | undefined"), undefined);
    assert.equal(coerceParameter("", "string | undefined"), undefined);
    assert.equal(coerceParameter("null", "string | null"), null);
    assert.deepEqual(coerceParameter("/data/x", "string[]"), ["/data/x"]);
    assert.deepEqual(coerceParameter('["a","b"]', "string[]"), ["a", "b"]);
    assert.deepEqual(coerceParameter('{"k":1}'), { k: 1 });
  });

  test("a value that does not fit the declared type is refused before the kernel, naming the parameter", () => {
    // The kernel refuses the whole injected cell for one type error: with --allow-errors every
    // parameter (dataPaths too) then kept the notebook's own value and the hunt ran on the lab's data.
    const nb: NotebookJson = {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: [{ cell_type: "code", source: "let limit: number = 3;\nlet verbose: boolean = false;\nlet dataPaths: string[] = [];\nlet since: Date | undefined = undefined;", metadata: { tags: ["parameters"] } }],
    };
    assert.throws(() => parameterize(nb, { limit: "abc" }, "x.ipynb"), (e: Error) => e instanceof HuntParameterError && /parameter "limit" is declared `number` in x\.ipynb: "abc" is not number/.test(e.message));
    assert.throws(() => parameterize(nb, { verbose: "yes" }, "x.ipynb"), /parameter "verbose" is declared `boolean`/);
    assert.throws(() => parameterize(nb, { dataPaths: '{"a":1}' }, "x.ipynb"), /parameter "dataPaths" is declared `string\[\]`/);
    // A Date parameter is given a Date (text there was a type error, and the kernel refused the whole cell).
    assert.equal(cellText(parameterize(nb, { limit: "5", verbose: "true", since: "2026-11-01" }).notebook.cells[1].source).split("\n").slice(1, 4).join(" "), 'limit = 5; verbose = true; since = new Date("2026-11-01T00:00:00.000Z");');
    assert.throws(() => parameterize(nb, { since: "last tuesday" }, "x.ipynb"), /parameter "since" is declared `Date \| undefined` in x\.ipynb: "last tuesday" is not any of Date, undefined/);
    // Text stays text where the type wants text: a host named null, a folder named 2026.
    assert.equal(coerceParameter("null", "string"), "null");
    assert.deepEqual(coerceParameter("2026", "string[]"), ["2026"]);
    // Without an annotation the type is the one TypeScript infers from a plain literal.
    const plain: NotebookJson = { ...nb, cells: [{ cell_type: "code", source: 'let limit = 3;\nlet host = "h";\nlet when = new Date();', metadata: { tags: ["parameters"] } }] };
    assert.throws(() => parameterize(plain, { limit: "abc" }, "x.ipynb"), /parameter "limit" is a number \(declared as 3\) in x\.ipynb: "abc" is not number/);
    assert.match(cellText(parameterize(plain, { host: "123", when: "2026" }).notebook.cells[1].source), /host = "123";\nwhen = 2026;/);
    // JSON has no Infinity: JSON.stringify would have written null.
    assert.match(cellText(parameterize(nb, { limit: "1e999" }).notebook.cells[1].source), /limit = Infinity;/);
  });

  test("a Date parameter reads time text as a query's datetime parameter does: no zone is UTC, impossible dates and epoch digits are refused", () => {
    const nb: NotebookJson = { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: "code", source: "let since: Date = new Date(0);\nlet until: Date | string = \"\";", metadata: { tags: ["parameters"] } }] };
    const tz = process.env.TZ;
    process.env.TZ = "America/New_York";
    try {
      for (const text of ["2026-11-01 10:00", "2026-11-01T10:00:00", "2026-11-01T10:00:00Z"]) {
        assert.equal((coerceParameter(text, "Date") as Date).toISOString(), "2026-11-01T10:00:00.000Z", text);
      }
      assert.match(cellText(parameterize(nb, { since: "2026-11-01 10:00" }).notebook.cells[1].source), /since = new Date\("2026-11-01T10:00:00\.000Z"\);/);
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
    // No roll-over into March; digits are days from now (MSTICPy's rule for a datetime parameter), so an epoch is no time.
    assert.throws(() => parameterize(nb, { since: "2026-02-30" }, "x.ipynb"), (e: Error) => e instanceof HuntParameterError && /parameter "since" is declared `Date` in x\.ipynb: "2026-02-30" is not Date; .*"2026-02-30" is not a time/.test(e.message));
    assert.throws(() => parameterize(nb, { since: "1700000000" }, "x.ipynb"), (e: Error) => e instanceof HuntParameterError && /parameter "since" .*1700000000 is not Date; .*"1700000000" is read as a number of days from now .*beyond any date/.test(e.message));
    const twoDaysAgo = coerceParameter("-2", "Date") as Date;
    assert.ok(Math.abs(twoDaysAgo.getTime() - (Date.now() - 2 * 86_400_000)) < 60_000, String(twoDaysAgo));
    assert.ok(coerceParameter("-7d", "Date") instanceof Date);
    // Text that is no time stays text where the type also takes text.
    assert.equal(coerceParameter("2026-02-30", "Date | string"), "2026-02-30");
  });

  test("literal unions, bigint, Record and several declarators on a line are checked before the kernel", () => {
    const nb: NotebookJson = {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: [
        {
          cell_type: "code",
          source: 'let mode: "fast" | "full" = "fast";\nlet big: bigint = 1n;\nlet weights: Record<string, number> = {};\nlet two = 1, three: string = "x"; // both\nlet n: 1 | 2 = 1;',
          metadata: { tags: ["parameters"] },
        },
      ],
    };
    assert.deepEqual(parseParameters(cellText(nb.cells[0].source)).map((d) => [d.name, d.type, d.value]), [
      ["mode", '"fast" | "full"', '"fast"'],
      ["big", "bigint", "1n"],
      ["weights", "Record<string, number>", "{}"],
      ["two", "", "1"],
      ["three", "string", '"x"'],
      ["n", "1 | 2", "1"],
    ]);
    assert.throws(() => parameterize(nb, { mode: "quick" }), /parameter "mode" is declared `"fast" \| "full"`/);
    assert.throws(() => parameterize(nb, { big: "1.5" }), /parameter "big" is declared `bigint`/);
    assert.throws(() => parameterize(nb, { weights: "abc" }), /parameter "weights" is declared `Record<string, number>`/);
    assert.throws(() => parameterize(nb, { weights: '{"a":"x"}' }), /parameter "weights"/);
    assert.throws(() => parameterize(nb, { two: "abc" }), /parameter "two" is a number \(declared as 1\)/);
    assert.throws(() => parameterize(nb, { n: "3" }), /parameter "n" is declared `1 \| 2`/);
    const ok = parameterize(nb, { mode: "full", big: "12345678901234567890", weights: '{"a":1}', three: "y", n: "2" });
    assert.equal(cellText(ok.notebook.cells[1].source).split("\n").slice(1, 6).join(" "), 'mode = "full"; big = 12345678901234567890n; weights = {"a":1}; three = "y"; n = 2;');
  });

  test("outputs, counts and run marks of an earlier run are cleared: a cell this hunt does not reach shows nothing old", () => {
    const nb: NotebookJson = {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: [
        { cell_type: "code", source: "let host: string = 'a';", metadata: { tags: ["parameters"] }, outputs: [], execution_count: 1 },
        { cell_type: "markdown", source: "# Results", metadata: {} },
        {
          cell_type: "code",
          source: "count(host)",
          metadata: { huntlab: { status: "ok" }, tags: ["keep"] },
          outputs: [{ output_type: "execute_result", data: { "text/plain": "OLD RESULT: 3 suspicious logons" }, metadata: {}, execution_count: 7 }],
          execution_count: 7,
        },
      ],
    };
    const p = parameterize(nb, { host: "b" });
    const code = p.notebook.cells.filter((c) => c.cell_type === "code");
    assert.deepEqual(code.map((c) => [c.outputs, c.execution_count, "huntlab" in c.metadata]), [[[], null, false], [[], null, false], [[], null, false]]);
    assert.deepEqual(p.notebook.cells[3].metadata.tags, ["keep"], "other metadata is kept");
    assert.equal(nb.cells[2].outputs?.length, 1, "the input notebook is not changed");
  });

  test("parameterize adds one injected-parameters cell right after the parameters cell, replacing an old one", () => {
    const lab = readLab();
    const at = findParametersCell(lab);
    const p = parameterize(lab, { hostName: "123", dataPaths: ["/tmp/a\"b"], start: "2026-11-01" });
    const cell = p.notebook.cells[at + 1];
    assert.deepEqual(cell.metadata.tags, [INJECTED_TAG]);
    assert.equal(
      cellText(cell.source),
      '// Parameters injected by `npm run hunt` (papermill\'s injected-parameters cell)\nhostName = "123";\ndataPaths = ["/tmp/a\\"b"];\nstart = "2026-11-01";\nvoid 0;',
    );
    assert.equal(p.notebook.cells.length, lab.cells.length + 1);
    assert.equal(lab.cells.length, readLab().cells.length, "the input notebook is not changed");
    // Run on an already parameterised notebook: still one injected cell, with the new values.
    const again = parameterize(p.notebook, { accountName: "maya" });
    assert.equal(again.notebook.cells.filter((c) => (c.metadata.tags ?? []).includes(INJECTED_TAG)).length, 1);
    assert.match(cellText(again.notebook.cells[at + 1].source), /accountName = "maya";/);
    const shown = Object.fromEntries(effectiveParameters(again).map((e) => [e.name, e]));
    assert.deepEqual(shown.accountName, { name: "accountName", value: '"maya"', injected: true });
    assert.deepEqual(shown.hostName, { name: "hostName", value: '"MSTICAlertsWin1"', injected: false });
  });

  test("an unknown parameter, a const one or a notebook without a parameters cell is refused with what to fix", () => {
    assert.throws(() => parameterize(readLab(), { hostname: "x" }), (e: Error) => e instanceof HuntParameterError && /unknown parameter "hostname" \(did you mean "hostName"\?\)/.test(e.message) && /declares: dataPaths, queryPaths/.test(e.message));
    const nb: NotebookJson = { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: "code", source: "const host = 1;", metadata: { tags: ["parameters"] } }] };
    assert.throws(() => parameterize(nb, { host: "2" }, "x.ipynb"), /declared with const in x\.ipynb: declare it with let/);
    assert.throws(() => parameterize({ ...nb, cells: [{ cell_type: "code", source: "let a = 1;", metadata: {} }] }, {}, "x.ipynb"), /x\.ipynb has no code cell tagged "parameters"/);
  });
});

describe("the report", () => {
  const meta: HuntReportMeta = {
    notebook: "notebooks/Mini.ipynb",
    dataPaths: ["/exports/<week48>"],
    queryPaths: ["/work/data/queries"],
    parameters: [
      { name: "hostName", value: '"WKS-<0042>"', injected: true },
      { name: "start", value: "undefined", injected: false },
    ],
    kernel: "tslab",
    started: "2026-12-02T10:00:00.000Z",
    seconds: 12.5,
    huntlabVersion: "9.9.9",
    failures: [{ cell: 3, error: "DataFileError: data file \"x.parquet\" is corrupt\n    at read (file.ts:1:1)\n    at run (file.ts:2:2)" }],
    stopped: true,
  };
  const png = Buffer.from("89504e470d0a1a0a", "hex").toString("base64");
  const nb: NotebookJson = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: [
      { cell_type: "markdown", source: "# Title <script>alert(1)</script>\n\n<img src=x onerror=alert(2)> [link](javascript:alert(3))\n\n<details><summary>Answer</summary>\n\n`code`\n</details>", metadata: {} },
      { cell_type: "code", source: "display(view)", metadata: { huntlab: { status: "ok" } }, execution_count: 1, outputs: [{ output_type: "display_data", data: { "text/html": '<div id="hl-view"><script>window.viewRan = true;</script></div>', "text/plain": "view" }, metadata: {} }] },
      {
        cell_type: "code",
        source: "await displayTimeline(df)",
        metadata: { huntlab: { status: "ok" } },
        execution_count: 2,
        outputs: [
          { output_type: "display_data", data: { "application/vnd.vegalite.v5+json": { $schema: "https://vega.github.io/schema/vega-lite/v5.json", mark: "point", data: { values: [{ a: "</script><b>x</b>" }] } }, "image/png": png, "text/plain": "chart" }, metadata: {} },
          { output_type: "stream", name: "stdout", text: "rows: <3>\n" },
        ],
      },
      { cell_type: "code", source: "const df = await qp.Fam.q();\nline 2\nline 3\nline 4", metadata: { huntlab: { status: "failed" } }, execution_count: 3, outputs: [{ output_type: "stream", name: "stderr", text: "DataFileError: corrupt" }] },
      { cell_type: "code", source: "later()", metadata: { huntlab: { status: "not-run" } }, execution_count: null, outputs: [] },
    ],
  };
  const page = buildHuntReport(nb, meta);

  test("markdown is rendered and sanitised: no scripts, handlers or javascript: links; details kept", () => {
    const md = renderMarkdown(cellText(nb.cells[0].source)).toString();
    assert.match(md, /<h1>Title\s*<\/h1>/);
    assert.doesNotMatch(md, /<script|onerror|javascript:/i);
    assert.match(md, /<details><summary>Answer<\/summary>/);
    assert.match(md, /<code>code<\/code>/);
    const section = /<section class="hunt-cell hunt-markdown" data-cell="1">[\s\S]*?<\/section>/.exec(page)?.[0] ?? "";
    assert.match(section, /<h1>Title/);
    assert.doesNotMatch(section, /alert|onerror|javascript:|src="x"/i, "in the report too, and no image that would be fetched");
  });

  test("the header shows the parameters, data folder, date, kernel, huntlab version and outcome, escaped", () => {
    assert.match(page, /<code>\/exports\/&lt;week48&gt;<\/code>/);
    assert.match(page, /<code>hostName<\/code><\/td><td><code>&quot;WKS-&lt;0042&gt;&quot;<\/code> <span class="hunt-set">set by the hunt<\/span>/);
    assert.match(page, /<time datetime="2026-12-02T10:00:00.000Z">/);
    assert.match(page, /<td class="hunt-version">9\.9\.9<\/td>/);
    assert.match(page, /1 of 4 code cells failed, 1 not run/);
  });

  test("outputs: huntlab HTML as is, Vega-Lite as a chart over its PNG with the libraries inlined, text escaped", () => {
    assert.ok(page.includes('<div id="hl-view"><script>window.viewRan = true;</script></div>'));
    assert.match(page, /<div class="hunt-vega" data-mime="application\/vnd\.vegalite\.v5\+json"><img class="hunt-fallback" alt="chart" src="data:image\/png;base64,/);
    assert.ok(page.includes("\\u003c/script\\u003e\\u003cb\\u003ex"), "the spec is JSON safe inside its script element");
    assert.ok(page.includes("vegaEmbed"), "vega-embed is inlined");
    assert.ok(page.length > 700_000, "vega and vega-lite are inlined");
    assert.doesNotMatch(page, /<script[^>]+src=/, "no external scripts");
    assert.match(page, /<pre class="hunt-stream hunt-stdout">rows: &lt;3&gt;/);
  });

  test("a failed cell is marked with its error (no stack frames); the cells after it are marked not run", () => {
    assert.match(page, /data-cell="4" data-status="failed"/);
    assert.match(page, /Cell 4 failed: <pre>DataFileError: data file &quot;x.parquet&quot; is corrupt<\/pre>/);
    assert.match(page, /data-status="not-run"[\s\S]*Not run: the hunt stopped/);
    assert.equal(errorSummary("E: x\n    at a (b:1)\nmore"), "E: x\nmore");
  });

  test("cells left not run without a failed one (a kernel that never started) are no success; the reason is shown, escaped", () => {
    const notRun = { ...nb, cells: nb.cells.slice(0, 2).map((c) => (c.cell_type === "code" ? { ...c, execution_count: null, outputs: [], metadata: { huntlab: { status: "not-run" } } } : c)) };
    const broken = buildHuntReport(notRun, { ...meta, failures: [], stopped: false, problem: "RuntimeError: Kernel died before replying to kernel_info <b>" });
    assert.doesNotMatch(broken, /all 1 code cells ran/);
    assert.match(broken, /<span class="hunt-outcome-failed">1 of 1 code cells not run<\/span><pre class="hunt-problem">The kernel could not run the notebook: RuntimeError: Kernel died before replying to kernel_info &lt;b&gt;<\/pre>/);
    assert.match(broken, /Not run: the kernel could not run the notebook/);
    assert.doesNotMatch(broken, /stopped at an earlier failed cell/, "no cell failed before it");
  });

  test("a text output longer than maxTextChars keeps its start and end around a line saying how much is left out", () => {
    const log = Array.from({ length: 200_000 }, (_, i) => `line ${i} <${i}>`).join("\n");
    const cells: NotebookJson["cells"] = [
      { cell_type: "code", source: "console.log(log)", metadata: { huntlab: { status: "ok" } }, execution_count: 1, outputs: [{ output_type: "stream", name: "stdout", text: log }, { output_type: "execute_result", data: { "text/plain": log }, metadata: {}, execution_count: 1 }, { output_type: "error", ename: "Error", evalue: "x", traceback: [log] }] },
    ];
    const report = buildHuntReport({ ...nb, cells }, { ...meta, failures: [] }, { maxTextChars: 10_000 });
    assert.ok(report.length < 200_000, `${report.length} characters for ${3 * log.length} of output`);
    // A line break beside an empty line is written &#10; (src/display/html.ts): the cut may end a line.
    const notice = /(?:\n|&#10;)… ([\d,]+) characters not shown here \(the executed notebook has the whole output\) …(?:\n|&#10;)/g;
    const notices = [...report.matchAll(notice)];
    assert.equal(notices.length, 3, "one per output: stream, text/plain, traceback");
    for (const [, left] of notices) assert.equal(Number(left.replace(/,/g, "")), log.length - 10_000);
    assert.match(report, /<pre class="hunt-stream hunt-stdout">line 0 &lt;0&gt;\nline 1 &lt;1&gt;/, "the start, escaped");
    assert.ok(report.includes(`line 199999 &lt;199999&gt;</pre>`), "the end");
    // The default keeps an ordinary output whole, and a surrogate pair is never split.
    assert.equal(capText("abc", MAX_TEXT_CHARS), "abc");
    const emoji = "😀".repeat(10);
    for (let max = 2; max < 20; max++) assert.doesNotMatch(capText(emoji, max), /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/, `max ${max}`);
    assert.ok(buildHuntReport({ ...nb, cells }, { ...meta, failures: [] }).length < 3 * MAX_TEXT_CHARS + 150_000, "capped by default");
  });

  test("without Vega-Lite outputs no chart libraries are added", () => {
    const small = buildHuntReport({ ...nb, cells: nb.cells.slice(0, 2) }, { ...meta, failures: [] });
    assert.ok(small.length < 100_000, `${small.length} bytes`);
    assert.doesNotMatch(small, /vegaEmbed/);
  });

  test("a colour-coded last value (Deno) loses its codes; JSON and LaTeX outputs show escaped; tags that are no list do not fail the report", () => {
    const cells: NotebookJson["cells"] = [
      { cell_type: "code", source: "x", metadata: { huntlab: { status: "ok" }, tags: "notarray" as unknown as string[] }, execution_count: 1, outputs: [{ output_type: "execute_result", data: { "text/plain": '{ host: \u001b[32m"WKS-0042"\u001b[39m, n: \u001b[33m5\u001b[39m }' }, metadata: {} }] },
      { cell_type: "code", source: "y", metadata: { huntlab: { status: "ok" } }, execution_count: 2, outputs: [{ output_type: "display_data", data: { "application/json": { a: "<b>1</b>" } }, metadata: {} }, { output_type: "display_data", data: { "text/latex": "$x < y$" }, metadata: {} }] },
    ];
    const page = buildHuntReport({ ...nb, cells }, { ...meta, failures: [], stopped: false });
    assert.match(page, /\{ host: &quot;WKS-0042&quot;, n: 5 \}/);
    assert.doesNotMatch(page, /\u001b/);
    assert.match(page, /&quot;a&quot;: &quot;&lt;b&gt;1&lt;\/b&gt;&quot;/);
    assert.match(page, /\$x &lt; y\$/);
  });

  test("an SVG output stored as a list of lines (as nbformat writes it) shows as an image, also over its text/plain", () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">\n<rect width="10" height="10" fill="red"/>\n</svg>\n';
    const lines = svg.split(/(?<=\n)/);
    const cells: NotebookJson["cells"] = [
      { cell_type: "code", source: "svg()", metadata: { huntlab: { status: "ok" } }, execution_count: 1, outputs: [
        { output_type: "display_data", data: { "image/svg+xml": lines }, metadata: {} },
        { output_type: "display_data", data: { "image/svg+xml": lines, "text/plain": ["<Figure>"] }, metadata: {} },
      ] },
    ];
    const page = buildHuntReport({ ...nb, cells }, { ...meta, failures: [], stopped: false });
    const images = [...page.matchAll(/src="data:image\/svg\+xml;base64,([A-Za-z0-9+/=]+)"/g)].map((m) => Buffer.from(m[1], "base64").toString("utf8"));
    assert.deepEqual(images, [svg, svg]);
    // The text form is the image's alt (an image with none says "image"), never shown as text beside it.
    assert.deepEqual([...page.matchAll(/<img alt="([^"]*)" src="data:image\/svg/g)].map((m) => m[1]), ["image", "&lt;Figure&gt;"]);
    assert.doesNotMatch(page.replace(/<img alt="[^"]*"/g, "<img"), /&lt;Figure&gt;/, "the image is shown, not its text form");
  });

  test("the error summary drops the closing brace of Node's inspected error (its properties kept) with the stack frames", () => {
    const inspected = "Error: x\n    at a (b.ts:1:1)\n    at c (d.ts:2:2) {\n  code: 'data/file-missing',\n  path: '/a'\n}";
    assert.equal(errorSummary(inspected), "Error: x\n  code: 'data/file-missing',\n  path: '/a'");
    assert.equal(errorSummary("Error: x\n    at a\n\n  code: 'data/file-missing'\n}"), "Error: x\n  code: 'data/file-missing'");
    // A brace of the message itself (JSON in it) stays.
    assert.equal(errorSummary('Error: bad body {\n  "a": 1\n}'), 'Error: bad body {\n  "a": 1\n}');
  });
});

describe("npm run hunt on a data folder unlike the lab's", { skip: missing() }, () => {
  test("every cell runs; the report and the executed notebook show the new data and none of the lab's", { timeout: 600_000 }, () => {
    const data = path.join(OUT, "data");
    fs.rmSync(data, { recursive: true, force: true });
    fs.rmSync(HUNT_REPORT_DIR, { recursive: true, force: true });
    const files = makeHuntData(data);
    assert.ok(files.some((f) => f.endsWith(".csv")) && files.some((f) => f.endsWith(".ndjson")) && files.some((f) => f.endsWith(".parquet")));
    const r = hunt(["--data", data, "--out", HUNT_REPORT_DIR, "--param", `hostName=${NEW_HOST}`, "--param", `accountName=${NEW_ACCOUNT}`, "--param", `ipAddress=${NEW_IP}`]);
    assert.equal(r.status, 0, `hunt failed:\n${r.stderr.slice(-6000)}`);
    assert.match(r.stderr, /\[hunt\] cell \d+\/\d+ \(code 1\/\d+\) ok/, "progress per cell on stderr");
    assert.match(r.stderr, /all \d+ code cells ran/);

    const executed = readExecuted(HUNT_REPORT_DIR);
    const injected = executed.cells.find((c) => (c.metadata.tags ?? []).includes(INJECTED_TAG));
    assert.ok(injected, "no injected-parameters cell");
    assert.match(cellText(injected.source), new RegExp(`dataPaths = \\[${JSON.stringify(data).replace(/[\\[\]/.]/g, "\\$&")}\\];`));
    assert.match(cellText(injected.source), /queryPaths = \[".*data\/queries"\];/, "the lab's queries read the new folder");
    const code = executed.cells.filter((c) => c.cell_type === "code");
    assert.deepEqual(code.filter((c) => c.metadata.huntlab?.status !== "ok").map((c) => cellText(c.source).slice(0, 60)), [], "cells not ok");

    const outputs = JSON.stringify(code.map((c) => c.outputs ?? []));
    for (const value of [NEW_HOST, NEW_ACCOUNT, NEW_IP, "2021-11-"]) assert.ok(outputs.includes(value), `outputs lack the new data's ${value}`);
    for (const old of [/msticalertswin1/i, new RegExp(LAB_IP.replace(/\./g, "\\.")), /seccxp\.ninja/i, /2019-02-1\d/]) {
      const m = old.exec(outputs);
      const cell = m ? code.findIndex((c) => old.test(JSON.stringify(c.outputs ?? []))) : -1;
      assert.equal(m, null, m ? `outputs still show the lab's ${old}, first in code cell ${cell + 1} (${cellText(code[cell].source).split("\n")[0]}): …${outputs.slice(Math.max(0, m.index - 120), m.index + 80)}…` : "");
    }
    // The filtered logons of the data-acquisition cell: the new host and account, found through the parameters.
    const logonCell = code.find((c) => cellText(c.source).includes("host_name: hostName"));
    assert.ok(logonCell && JSON.stringify(logonCell.outputs).includes(`${NEW_HOST}\\\\${NEW_ACCOUNT}`), "the host/account query found nothing");

    const page = fs.readFileSync(path.join(HUNT_REPORT_DIR, "HuntingLab.html"), "utf8");
    const version = (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string }).version;
    assert.ok(page.includes(`<td class="hunt-data"><code>${data}</code>`), "the header names the data folder");
    assert.match(page, new RegExp(`<code>hostName</code></td><td><code>&quot;${NEW_HOST}&quot;</code> <span class="hunt-set">`));
    assert.match(page, new RegExp(`<td class="hunt-version">${version.replace(/\./g, "\\.")}</td>`));
    assert.match(page, /all \d+ code cells ran/);
    assert.doesNotMatch(page, /data-status="failed"|data-status="not-run"/);
    assert.ok(page.includes(NEW_IP) && page.includes(NEW_HOST));
    assert.match(page, /class="hunt-vega"/, "the charts are in the report");
    assert.match(page, /hl-view-geo-map|leaflet/i, "the maps are in the report");
  });
});
