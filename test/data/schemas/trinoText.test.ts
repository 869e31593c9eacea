/** Presto/Trino's text form of rows, maps and arrays (Athena's CSV of Security Lake tables) read as JSON. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { looksLikeTrinoRow, trinoTextToJson } from "../../../src/data/schemas/trinoText";
import { runs } from "../../properties/settings";

const parse = (text: string) => {
  const json = trinoTextToJson(text);
  return json === null ? null : JSON.parse(json);
};

/** The text Trino writes for a value (rows and maps as `{k=v, …}`, arrays as `[a, b]`). */
function trino(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return `[${v.map(trino).join(", ")}]`;
  if (typeof v === "object") return `{${Object.entries(v as Record<string, unknown>).map(([k, x]) => `${k}=${trino(x)}`).join(", ")}}`;
  return String(v);
}

describe("Trino row text", () => {
  it("rows, nested rows, arrays of scalars and of rows, null; safe numbers and booleans typed, ids kept as text", () => {
    assert.deepEqual(parse("{port=443, ip=10.20.4.17, instance_uid=i-0a1b2c3d4e5f60718}"), { port: 443, ip: "10.20.4.17", instance_uid: "i-0a1b2c3d4e5f60718" });
    assert.deepEqual(parse("{product={name=Amazon VPC, vendor_name=AWS}, profiles=[cloud, datetime], version=1.1.0}"), { product: { name: "Amazon VPC", vendor_name: "AWS" }, profiles: ["cloud", "datetime"], version: "1.1.0" });
    assert.deepEqual(parse("[{name=src_endpoint.ip, type_id=2}, {name=user, type_id=4}]"), [{ name: "src_endpoint.ip", type_id: 2 }, { name: "user", type_id: 4 }]);
    assert.deepEqual(parse("{a=null, b=true, c=000123, d=12345678901234567890, e=-1.5, f=, g={}, h=[]}"), { a: null, b: true, c: "000123", d: "12345678901234567890", e: -1.5, f: "", g: {}, h: [] });
    assert.deepEqual(parse("{coordinates=[-122.33, 47.61]}"), { coordinates: [-122.33, 47.61] });
    assert.equal(trinoTextToJson("{__proto__={polluted=1}, constructor=x}"), '{"__proto__":{"polluted":1},"constructor":"x"}', "field names are data, never the prototype");
    // Map keys are not only identifiers: AWS tags.
    assert.deepEqual(parse("{aws:cloudformation:stack-name=web, Name=web server 1}"), { "aws:cloudformation:stack-name": "web", Name: "web server 1" });
  });

  it("values holding =, commas without a name after them, and balanced braces stay whole", () => {
    assert.deepEqual(parse("{url=https://intranet.example/login?next=/a&b=c, port=443}"), { url: "https://intranet.example/login?next=/a&b=c", port: 443 });
    assert.deepEqual(parse("{name=Smith, John, uid=42}"), { name: "Smith, John", uid: 42 });
    assert.deepEqual(parse('{raw_data={"a": 1, "b": [2]}, x=2}'), { raw_data: '{"a": 1, "b": [2]}', x: 2 });
    assert.deepEqual(parse("{cmd=powershell -c {Get-Process}, pid=7}"), { cmd: "powershell -c {Get-Process}", pid: 7 });
  });

  it("the ambiguous cases, as documented: `, name=` inside a value splits it; separators out of place leave the cell unread", () => {
    assert.deepEqual(parse("{url=https://x.example/?q=a, b=c}"), { url: "https://x.example/?q=a", b: "c" });
    assert.deepEqual(parse("{tags=[a, b c, d]}"), { tags: ["a", "b c", "d"] });
    assert.equal(parse("{text=hello }, there, b=1}"), null);
    assert.equal(parse("{a=1"), null);
    assert.equal(parse("ip=1.2.3.4"), null);
    assert.equal(parse('{"ip": "1.2.3.4"}'), null, "JSON is JSON's business");
  });

  it("recognises Trino rows, not JSON objects or plain text", () => {
    assert.ok(looksLikeTrinoRow("{ip=1.2.3.4}"));
    assert.ok(looksLikeTrinoRow(" {}"));
    assert.ok(!looksLikeTrinoRow('{"ip": "1.2.3.4"}'));
    assert.ok(!looksLikeTrinoRow("ip=1.2.3.4"));
  });

  it("bounded: deep nesting, long runs of separators and unclosed brackets come back (null or text), whole", () => {
    const deep = "{a=".repeat(5000) + "1" + "}".repeat(5000);
    assert.equal(typeof trinoTextToJson(deep), "string", "past the depth limit the rest is text");
    assert.deepEqual(parse("{a=" + ", ".repeat(100_000) + "}"), { a: ", ".repeat(100_000) }, "commas with no name after them are the value");
    assert.equal(trinoTextToJson("{a=" + "{b=[".repeat(15) + "x".repeat(100_000)), null);
    assert.equal(trinoTextToJson("{a=" + "x".repeat(2_000_000) + "}"), null, "over MAX_CHARS: not read");
  });

  it("property: a value of rows, arrays and plain scalars (no separators inside) comes back as written", () => {
    const key = fc.stringMatching(/^[a-z_][a-z0-9_]{0,11}$/);
    const word = fc.stringMatching(/^[A-Za-z][A-Za-z0-9 .:\/-]{0,15}$/).filter((w) => !/ $/.test(w) && !["null", "true", "false"].includes(w));
    const leaf = fc.oneof(word, fc.integer({ min: -1e9, max: 1e9 }), fc.constant(null), fc.boolean());
    const { value } = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: "small", withCrossShrink: true }, leaf, tie("row"), tie("array")),
      row: fc.dictionary(key, tie("value"), { maxKeys: 4 }),
      array: fc.array(tie("value"), { maxLength: 4 }),
    }));
    const top = fc.dictionary(key, value, { maxKeys: 5 });
    fc.assert(
      fc.property(top, (v) => {
        assert.deepEqual(parse(trino(v)), JSON.parse(JSON.stringify(v)));
      }),
      runs(200),
    );
  });
});
