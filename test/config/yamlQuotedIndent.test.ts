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
import { assertLinear } from "../helpers/linearTime";

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

  it("reads a file of many such values, and its answer is right", () => {
    const count = 50_000;
    const text = Array.from({ length: count }, (_, i) => `k${i}: '\nvalue ${i}\n'`).join("\n") + "\n";
    assert.ok(text.length > 900_000);
    const got = read(text) as Record<string, string>;
    assert.equal(Object.keys(got).length, count);
    assert.equal(got.k49999, " value 49999 ");
  });

  it("reads such values in linear time (CPU time of twice the file under 3×)", () => {
    const doc = (size: number) => {
      const lines: string[] = [];
      for (let i = 0, n = 0; n < size; i++) {
        const line = `k${i}: '\nvalue ${i}\n'\n`;
        lines.push(line);
        n += line.length;
      }
      return lines.join("");
    };
    assertLinear("quoted values", doc, (text) => read(text), { size: 128 * 1024 });
  });

  it("scans 1 MB lines of list markers, keys or quotes in linear time (one regex for markers and key took minutes)", () => {
    const shapes: Record<string, (n: number) => string> = {
      "list markers": (n) => "- ".repeat(n / 2),
      "markers and tabs": (n) => "-\t \t".repeat(n / 4),
      keys: (n) => "a: ".repeat(n / 3),
      quotes: (n) => "a: '" + "''".repeat(n / 2),
      "block scalar": (n) => "a: |" + "0".repeat(n),
    };
    for (const [name, line] of Object.entries(shapes)) {
      assertLinear(name, line, (l) => assert.equal(reindentQuotedScalars(`${l}\nb: 1\n`), undefined));
    }
  });
});
