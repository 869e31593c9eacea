/** common/json: integers beyond 2^53 exact, and the reviver (20× slower) only where such a token may be. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { jsonErrorText, mayHoldLongInteger, numberJson, parseJsonExact, stringifyExact } from "../../src/common/json";

/** The reference: every text through the reviver (what parseJsonExact must equal). */
function alwaysExact(text: string): unknown {
  return JSON.parse(text, function (this: unknown, _key: string, value: unknown, context?: { source?: string }) {
    if (typeof value === "number" && !Number.isSafeInteger(value) && context?.source !== undefined && /^-?\d{1,40}$/.test(context.source)) return BigInt(context.source);
    return value;
  } as (key: string, value: unknown) => unknown);
}

describe("parseJsonExact", () => {
  it("looks for integer tokens of 16+ digits, not decimals or digits inside other tokens", () => {
    for (const text of ["[12345678901234567]", '{"a":-9223372036854775808}', '{"a": 9007199254740993}', "12345678901234567", "[1,\n 18446744073709551615]", '{"v":[0,-1234567890123456789]}']) {
      assert.equal(mayHoldLongInteger(text), true, text);
    }
    // Doubles as Kusto writes them (17 significant digits) filled the slow path.
    for (const text of ['{"a":0.12345678901234567}', "[1.2345678901234567e300, 12.345678901234567]", '{"a":"x"}', "[123456789012345]", "[1234567890123456.5]", "[1234567890123456E3]"]) {
      assert.equal(mayHoldLongInteger(text), false, text);
    }
  });

  it("equals the reviver's parse on any JSON with big integers, long decimals and digit strings (property)", () => {
    const leaf = fc.oneof(
      fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.integer(),
      fc.stringMatching(/^[0-9a-z.,: -]{0,24}$/),
      fc.boolean(),
      fc.constant(null),
    );
    const { value } = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: "small" }, leaf, fc.array(tie("value"), { maxLength: 5 }), fc.dictionary(fc.string({ maxLength: 6 }), tie("value"), { maxKeys: 4 })),
    }));
    fc.assert(
      fc.property(value, fc.boolean(), (v, spaced) => {
        const text = stringifyExact(v, spaced ? 2 : undefined);
        assert.deepEqual(parseJsonExact(text), alwaysExact(text), text);
      }),
      { numRuns: 500 },
    );
  });
});

describe("numberJson and stringifyExact's numbers", () => {
  it("write a number beyond 2^53 as the double it is (an exponent), never digits of another integer", () => {
    // JSON.stringify(2 ** 60) is 1152921504606847000: parseJsonExact (and Kusto, Elasticsearch) read another integer.
    assert.equal(numberJson(2 ** 60), "1.152921504606847e+18");
    assert.equal(numberJson(-(2 ** 63)), "-9.223372036854776e+18");
    assert.equal(numberJson(2 ** 53 - 1), "9007199254740991");
    assert.equal(numberJson(1.5), "1.5");
    assert.equal(stringifyExact({ a: [2 ** 60, 1n << 60n, 4624] }), '{"a":[1.152921504606847e+18,1152921504606846976,4624]}');
    assert.deepEqual(parseJsonExact(stringifyExact([2 ** 60, -(2 ** 63)])), [2 ** 60, -(2 ** 63)]);
  });
});

describe("jsonErrorText", () => {
  const complaint = (text: string): string => {
    try {
      JSON.parse(text);
    } catch (err) {
      return jsonErrorText(err);
    }
    throw new Error("parsed");
  };
  const lone = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

  it("V8's quote of text with emoji is cut between characters: no half emoji in the token or at the excerpt's cut", () => {
    // V8: `Unexpected token '\ud83d', "😀😀😀😀😀"... is not valid JSON` and `"a😀😀😀😀\ud83d"...`.
    assert.equal(complaint("😀".repeat(80)), `Unexpected token '😀', "😀😀😀😀😀"... is not valid JSON`);
    assert.equal(complaint("a" + "😀".repeat(80)), `Unexpected token 'a', "a😀😀😀😀"... is not valid JSON`);
    assert.equal(complaint("[1,😀]"), `Unexpected token '😀', "[1,😀]" is not valid JSON`);
    for (let pad = 0; pad < 6; pad++) {
      for (const tail of ["😀".repeat(40), `{"a":${"😀".repeat(30)}}`, `[1, ${"👩‍💻".repeat(20)}`]) {
        const text = complaint("x".repeat(pad) + tail);
        assert.ok(!lone.test(text), JSON.stringify(text));
      }
    }
  });

  it("a lone surrogate in the data itself is shown as an escape", () => {
    assert.equal(complaint("\udc00abc"), `Unexpected token '\\udc00', "\\udc00abc" is not valid JSON`);
    assert.equal(jsonErrorText("plain"), "plain");
  });
});
