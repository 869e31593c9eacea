/**
 * Numeric query parameters given as text: blank text is an error naming the
 * parameter (as it is for datetime parameters), never a silent 0; integer text
 * past 2^53 is an error unless the number holds it exactly, never rounded.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { resolveParameters } from "../../src/data/localData";
import type { QueryDefinition, QueryParameter, QueryParameterType } from "../../src/data/types";

function param(name: string, type: QueryParameterType): QueryParameter {
  return { name, type, description: name, default: null, required: false, aliases: [] };
}

const query: QueryDefinition = {
  family: "Test",
  name: "numbers",
  description: "numeric parameters",
  query: "x.csv",
  parameters: [param("event_id", "int"), param("score", "float"), param("start", "datetime")],
  metadata: {},
  sourceFile: "test.yaml",
};

/** The converted value of one parameter. */
function value(name: string, given: unknown): unknown {
  const values = resolveParameters(query, { [name]: given });
  return values.get(query.parameters.find((p) => p.name === name)!);
}

const typeError = (name: string) => (e: Error & { code?: string }) => e.code === "data/parameter-type" && e.message.includes(`parameter "${name}"`) && e.message.includes("Test.numbers");

describe("numeric parameters given as text", () => {
  it("blank text is an error naming the parameter, for int, float and datetime alike", () => {
    for (const blank of ["", "   ", "\t"]) {
      assert.throws(() => value("event_id", blank), typeError("event_id"), `int ${JSON.stringify(blank)}`);
      assert.throws(() => value("score", blank), typeError("score"), `float ${JSON.stringify(blank)}`);
      assert.throws(() => value("start", blank), (e: Error & { code?: string }) => e.code === "data/not-a-time" && e.message.includes('parameter "start"'));
    }
  });

  it("integer text past 2^53 is refused unless exact; safe and exact integers convert", () => {
    for (const big of ["9007199254740993", "-9007199254740993", "12345678901234567891", " 9007199254740995 "]) {
      assert.throws(() => value("event_id", big), typeError("event_id"), big);
    }
    assert.equal(value("event_id", "9007199254740991"), Number.MAX_SAFE_INTEGER);
    assert.equal(value("event_id", "9007199254740992"), 2 ** 53, "2^53 is exact as a number");
    assert.equal(value("event_id", " 4624 "), 4624);
    assert.equal(value("event_id", "-5"), -5);
    assert.equal(value("event_id", 4625), 4625);
    assert.throws(() => value("event_id", "1.5"), typeError("event_id"));
    assert.equal(value("score", " 2.5 "), 2.5);
    assert.equal(value("score", "0"), 0, "a written zero is still zero");
    assert.equal(value("event_id", null), null, "null is absent, as before");
  });

  it("numbers are read as the column filters read them: decimal or 0x, never 0b/0o or Infinity", () => {
    // A value an int parameter takes is one a text parameter matches on an integer column (numberOf).
    assert.equal(value("event_id", "0x1250"), 4688, "0x hexadecimal, as Windows writes ids");
    assert.equal(value("event_id", " 0X2a "), 42);
    assert.equal(value("event_id", "42.0"), 42);
    assert.equal(value("event_id", "1e3"), 1000);
    assert.equal(value("score", "0x10"), 16);
    assert.equal(value("score", "1.5e-3"), 0.0015);
    for (const junk of ["0o17", "0b11", "Infinity", "-Infinity", "1e999", "NaN", "1_000", "4,688"]) {
      assert.throws(() => value("event_id", junk), typeError("event_id"), `int ${junk}`);
      assert.throws(() => value("score", junk), typeError("score"), `float ${junk}`);
    }
    assert.throws(() => value("score", Infinity), typeError("score"), "a float parameter takes finite numbers only");
    assert.throws(() => value("score", Number.NaN), typeError("score"));
    assert.throws(() => value("event_id", "1e20"), typeError("event_id"), "decimal text past 2^53 may be rounded");
  });
});
