/** SPL literals (src/data/live/spl.ts): every value is one literal, whatever it holds. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { isSplFieldName, splField, splLiteral, SplLiteralError, splString } from "../../../src/data/live/spl";
import { tokenizeSpl } from "../../twins/splunk";

describe("splLiteral", () => {
  it("quotes text and escapes backslash and double quote", () => {
    assert.equal(splLiteral("ian"), '"ian"');
    assert.equal(splLiteral('a"b'), '"a\\"b"');
    assert.equal(splLiteral("C:\\Windows\\"), '"C:\\\\Windows\\\\"');
    assert.equal(splLiteral(""), '""');
  });

  it("writes numbers, booleans, times and lists", () => {
    assert.equal(splLiteral(4624), "4624");
    assert.equal(splLiteral(-1.5), "-1.5");
    assert.equal(splLiteral(true), "true()");
    assert.equal(splLiteral(false), "false()");
    assert.equal(splLiteral(new Date("2019-02-14T00:00:00Z")), "1550102400");
    assert.equal(splLiteral(new Date("2019-02-14T00:00:00.250Z")), "1550102400.25");
    assert.equal(splLiteral(["High", 'x"y']), '"High", "x\\"y"');
    assert.equal(splLiteral([]), "null()");
  });

  it("writes a number beyond 2^53 as the exact digits of the double it is, never digits of another integer; no exponent", () => {
    // String(2 ** 60) is 1152921504606847000, another integer; String(-(2 ** 63)) was outside Int64.
    assert.equal(splLiteral(2 ** 60), "1152921504606846976");
    assert.equal(splLiteral(-(2 ** 63)), "-9223372036854775808");
    assert.equal(splLiteral([1, 2 ** 60]), "1, 1152921504606846976");
    assert.equal(splLiteral(1e21), "1000000000000000000000");
    // A small number in plain decimals, the same double (SPL documents no exponent form).
    assert.equal(splLiteral(1.5e-7), "0.00000015");
    assert.equal(splLiteral(-5e-324), `-0.${"0".repeat(323)}5`);
    for (const n of [2 ** 60, -(2 ** 63), 1e21, 1.5e-7, 1e-7, 0.1, 123.456, -5e-324, 1.7976931348623157e308]) assert.equal(Number(splLiteral(n)), n);
  });

  it("refuses what it cannot write", () => {
    assert.throws(() => splLiteral(Number.NaN), SplLiteralError);
    assert.throws(() => splLiteral(Number.POSITIVE_INFINITY), SplLiteralError);
    assert.throws(() => splLiteral(new Date(Number.NaN)), SplLiteralError);
    assert.throws(() => splLiteral("a\u0000b"), SplLiteralError);
    assert.throws(() => splLiteral("a\u2028b"), SplLiteralError);
  });

  it("keeps tab, newline and carriage return (a Windows CRLF value) raw in the quotes: they cannot end the string; other controls are refused", () => {
    assert.equal(splLiteral("a\tb\r\nc"), '"a\tb\r\nc"');
    for (const c of ["\u0001", "\u000b", "\u000c", "\u001b", "\u007f"]) assert.throws(() => splLiteral(`a${c}b`), SplLiteralError, JSON.stringify(c));
  });

  for (const hostile of ['x" OR 1=1 | delete', "x' | delete", 'a\\" | delete index=main', 'line1\nline2" | delete', 'line1\r\nline2" | delete', '\\', '"', '*" OR "*']) {
    it(`keeps ${JSON.stringify(hostile)} one string literal`, () => {
      const spl = `search index=lab | where Computer=${splLiteral(hostile)} | head 5`;
      const tokens = tokenizeSpl(spl);
      const strings = tokens.filter((t) => t.kind === "str");
      assert.deepEqual(strings.map((t) => t.value), [hostile]);
      // Still three commands: nothing escaped the literal.
      assert.equal(tokens.filter((t) => t.kind === "op" && t.value === "|").length, 2);
    });
  }

  it("round-trips any text through the SPL tokenizer (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }).filter((s) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u2028\u2029]/.test(s)), (text) => {
        const tokens = tokenizeSpl(`where f=${splString(text)} | head 1`);
        assert.equal(tokens.filter((t) => t.kind === "str").length, 1);
        assert.equal(tokens.find((t) => t.kind === "str")?.value, text);
      }),
      { numRuns: 300 },
    );
  });
});

describe("splField", () => {
  it("leaves plain names bare and quotes the others", () => {
    assert.ok(isSplFieldName("Computer"));
    assert.ok(isSplFieldName("host.name"));
    assert.equal(splField("Computer"), "Computer");
    assert.equal(splField("EventTime [UTC]"), "'EventTime [UTC]'");
  });

  it("refuses names that cannot be quoted", () => {
    for (const bad of ["a'b", "a\\b", "", "x\ny", "a\u0001"]) assert.throws(() => splField(bad), SplLiteralError, bad);
    assert.ok(!isSplFieldName("1abc"));
    assert.ok(!isSplFieldName("a b"));
  });
});
