/**
 * The `userPart` conversion (SubjectUserName of every process layout, Okta's and SigninLogs' user names): the same
 * names whether a frame's few distinct names are cut once and mapped back (many rows) or each row is cut (many
 * names, or few rows).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import pl from "nodejs-polars";
import { convert } from "../../../src/data/schemas/convert";

/** What userPart makes of one name: the part after the last backslash, before the first `@`. */
const expected = (v: string | null) => (v === null ? null : v.replace(/^.*\\/, "").replace(/@.*$/, ""));

describe("userPart", () => {
  for (const [label, rows, names] of [
    ["few rows", 50, 10],
    ["many rows, few names", 20_000, 40],
    ["many rows, many names", 20_000, 9_000],
  ] as const) {
    it(`${label}: DOMAIN\\user and user@domain cut to the user, nulls and plain names kept`, () => {
      const values = Array.from({ length: rows }, (_, i) => {
        const k = i % names;
        return i % 97 === 0 ? null : k % 4 === 0 ? `CORP\\u${k}` : k % 4 === 1 ? `u${k}@corp.example` : k % 4 === 2 ? `A\\B\\u${k}@x@y` : `u${k}`;
      });
      const out = convert(pl.Series("UserName", values, pl.Utf8), "userPart", "SubjectUserName");
      assert.equal(out.name, "SubjectUserName");
      assert.deepEqual(out.toArray(), values.map(expected));
    });
  }
});
