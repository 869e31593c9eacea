/**
 * Regular expressions run on cell values, SIEM answers and output JSON take linear time on crafted text (a run of
 * digits, zeros or backslashes that ends badly): each of these backtracked quadratically, so one cell of 100k
 * characters held the kernel for minutes. Sizes are small (16 KB and 32 KB): the quadratic forms already took
 * seconds there, and the ratio tells linear from quadratic.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import pl from "nodejs-polars";
import { numericValues } from "../../src/analysis/columns";
import { parseDuration } from "../../src/analysis/timeseries";
import { canonicalDecimal, DECIMAL_TEXT } from "../../src/common/decimal";
import { elasticTable } from "../../src/data/live/elasticColumns";
import { readDataFile } from "../../src/data/readers";
import { findKustoCluster } from "../../src/data/live/kustoClusters";
import { joinUrl } from "../../src/data/live/urls";
import { wellFormedBundle } from "../../src/display/protocol";
import { assertLinear } from "../helpers/linearTime";

const SMALL = { size: 16 * 1024 };
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "huntlab-linear-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("regular expressions on data: linear time on crafted values", () => {
  it("decimal text still reads what it read, and refuses what it refused", () => {
    for (const ok of ["1", " -1.5 ", "+.5", "1.", "4.76e1", "1E-3", "007"]) assert.ok(DECIMAL_TEXT.test(ok), ok);
    for (const bad of ["", ".", "1..2", "0x10", "Infinity", "1e", "1 2", "47N", "-", "1.5.", "e5"]) assert.ok(!DECIMAL_TEXT.test(bad), bad);
  });

  it("numericValues: a text column's cell of digits and a letter (was quadratic: every split of the digits tried)", () => {
    assertLinear(
      "numericValues",
      (n) => "1".repeat(n) + "x",
      (s) => assert.throws(() => numericValues(pl.DataFrame({ TotalBytesSent: [s] }), "TotalBytesSent", "timeseriesAnomaliesStl"), { code: "analysis/column-not-numeric" }),
      SMALL,
    );
  });

  it("Elasticsearch: a `_source` value of a double field that is digits and a letter (ignore_malformed) becomes text, in linear time", () => {
    const types = new Map([["logs", new Map([["bytes", "real" as const]])]]);
    const table = elasticTable([{ _index: "logs", _source: { bytes: "12x" } }], types);
    assert.deepEqual(table.rows, [["12x"]]);
    assert.equal(table.columns[0].type, "string");
    assertLinear(
      "elasticTable",
      (n) => "1".repeat(n) + "x",
      (s) => assert.equal(elasticTable([{ _index: "logs", _source: { bytes: s } }], types).columns[0].type, "string"),
      SMALL,
    );
  });

  it("canonicalDecimal: a fraction of zeros ended by a 1 (pivot input)", () => {
    assert.equal(canonicalDecimal("-012.500"), "-12.5");
    assert.equal(canonicalDecimal("2.00"), "2");
    assert.equal(canonicalDecimal("1.0001"), "1.0001");
    assertLinear("canonicalDecimal", (n) => `1.${"0".repeat(n)}1`, (s) => assert.equal(canonicalDecimal(s), s), SMALL);
  });

  it("parseDuration: a run of spaces that ends badly (was quadratic in the run)", () => {
    assert.equal(parseDuration("  15 min "), 900_000);
    assert.equal(parseDuration("1H"), 3_600_000);
    assertLinear(
      "parseDuration",
      (n) => `${" ".repeat(n)}1!`,
      (s) => assert.throws(() => parseDuration(s), { code: "analysis/not-a-duration" }),
      SMALL,
    );
  });

  it("wellFormedBundle: a chart value of backslashes beside a lone surrogate (was quadratic in the run)", () => {
    const fixed = wellFormedBundle({ "application/json": { a: "\\\\\ud800", b: "\\\ud800" } }) as { "application/json": { a: string; b: string } };
    assert.deepEqual(fixed["application/json"], { a: "\\\\\\ud800", b: "\\\\ud800" });
    assertLinear(
      "wellFormedBundle",
      (n) => "\\".repeat(n) + "x",
      (s) => {
        const out = wellFormedBundle({ "application/json": { a: s, b: "\ud800" } }) as { "application/json": { a: string; b: string } };
        assert.equal(out["application/json"].b, "\\ud800");
      },
      SMALL,
    );
  });

  it("readDataFile: a broken JSON array whose last block is spaces and a letter (the cut-array check was quadratic in the spaces)", () => {
    const file = path.join(dir, "broken.json");
    assertLinear(
      "readDataFile",
      (n) => `[{"a":1},${" ".repeat(n)}x`,
      (s) => {
        fs.writeFileSync(file, s);
        assert.throws(() => readDataFile(file), { code: "data/file-invalid" });
      },
      SMALL,
    );
  });

  it("URLs from a config file (4 MiB allowed): trailing slashes cut in linear time where a run of slashes and a letter was quadratic", () => {
    assert.equal(joinUrl("https://ti.example/api///", "/v1"), "https://ti.example/api/v1");
    assert.equal(joinUrl("https://a//b", "/c"), "https://a//b/c");
    assertLinear("joinUrl", (n) => `https://x/${"/".repeat(n)}x`, (s) => assert.ok(joinUrl(s, "/v1").endsWith("x/v1")), SMALL);
    const entries = [{ id: "c1", key: "c1", url: "https://help.kusto.windows.net/" }] as unknown as Parameters<typeof findKustoCluster>[0];
    assert.equal(findKustoCluster(entries, "https://help.kusto.windows.net//")?.id, "c1");
    assertLinear("findKustoCluster", (n) => `${"/".repeat(n)}x`, (s) => assert.equal(findKustoCluster(entries, s), undefined), SMALL);
  });
});
