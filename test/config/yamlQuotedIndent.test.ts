/**
 * Multi-line quoted values whose lines are indented with tabs or no deeper
 * than their key: PyYAML (MSTICPy's loader) reads them, so huntlab does, with
 * the same values (each expected value below is PyYAML's). Files that still
 * fail keep their error and its position; the other checks still apply.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseYamlText, type YamlLimits } from "../../src/config/yamlFile";
import type { YamlProblem } from "../../src/config/messages";
import { reindentQuotedScalars } from "../../src/config/yamlQuotedIndent";

const LIMITS: YamlLimits = { maxBytes: 4 * 1024 * 1024, maxKeys: 200_000, maxDepth: 64, what: "query files" };
const fail = (p: YamlProblem) => Object.assign(new Error(p.message), { code: p.code });
const read = (text: string) => parseYamlText("f.yaml", text, LIMITS, fail);

describe("quoted values PyYAML reads whatever their lines' indentation", () => {
  it("reads continuation lines indented with tabs (as MSTICPy's mde/kql_mdatp_hunting.yaml) as PyYAML does", () => {
    const text = "sources:\n  q:\n    args:\n      query: '\n        let a = 1;\n\t\t\t    // tab-indented comment\n          | where x == \"y\"\n\t\n        | take 10'\n    description: after\n";
    assert.deepEqual(read(text), { sources: { q: { args: { query: ' let a = 1; // tab-indented comment | where x == "y"\n| take 10' }, description: "after" } } });
  });

  it("reads continuation lines no deeper than their key (as splunk_queries.yaml, sumologic_queries.yaml), single and double quoted", () => {
    const text = [
      "sources:",
      "  q:",
      "    args:",
      "      query: '",
      '      | tstats count where index="*"',
      "        by sourcetype",
      "      | sort -count",
      "      '",
      "  r:",
      "    args:",
      '      query: "*',
      '      | format(\\"a\\") \\',
      "      x",
      '      "',
      "",
    ].join("\n");
    assert.deepEqual(read(text), {
      sources: { q: { args: { query: ' | tstats count where index="*" by sourcetype | sort -count ' } }, r: { args: { query: '* | format("a") x ' } } },
    });
  });

  it("reads list items and values of maps in lists, and leaves a block scalar's lines as they are", () => {
    const text = "items:\n  - 'first\n  line'\n  - key: 'a\n    b'\nblock: |\n  'not closed here\n  kept  as is\nlast: 'x\ny'\n";
    assert.deepEqual(read(text), { items: ["first line", { key: "a b" }], block: "'not closed here\nkept  as is\n", last: "x y" });
  });

  it("keeps the first error and its position for a file that still fails", () => {
    // Re-indenting `a` is not enough (the flow list never closes): the error of the file as written.
    const text = "a: '\nx\n'\nb: [1, 2\nbad: 'open\n";
    assert.throws(() => read(text), { code: "yaml-syntax", message: /^f\.yaml:1:5: YAML syntax error: Missing closing .quote$/ });
    // A document marker inside the value: PyYAML refuses it too.
    assert.throws(() => read("a: 'one\n---\ntwo'\n"), { code: "yaml-syntax", message: /^f\.yaml:\d+:\d+: YAML syntax error/ });
  });

  it("still refuses a repeated key, with its line, in a file read re-indented", () => {
    assert.throws(() => read("a: '\nx\n'\nb: 1\nb: 2\n"), { code: "yaml-syntax", message: /^f\.yaml:5:1: .*\("b"\)/ });
  });

  it("reads a 1 MB file of 50k such values in linear time", () => {
    const count = 50_000;
    const text = Array.from({ length: count }, (_, i) => `k${i}: '\nvalue ${i}\n'`).join("\n") + "\n";
    assert.ok(text.length > 900_000);
    const started = Date.now();
    const got = read(text) as Record<string, string>;
    assert.equal(Object.keys(got).length, count);
    assert.equal(got.k49999, " value 49999 ");
    assert.ok(Date.now() - started < 20_000, `${Date.now() - started} ms`);
  });

  it("scans 1 MB lines of list markers, keys or quotes in linear time (one regex for markers and key took minutes)", () => {
    for (const line of ["- ".repeat(500_000), "-\t \t".repeat(250_000), "a: ".repeat(300_000), "a: '" + "''".repeat(500_000), "a: |" + "0".repeat(1_000_000)]) {
      const started = Date.now();
      assert.equal(reindentQuotedScalars(`${line}\nb: 1\n`), undefined);
      assert.ok(Date.now() - started < 3_000, `${line.slice(0, 6)}…: ${Date.now() - started} ms`);
    }
  });
});
