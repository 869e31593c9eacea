import { test } from "node:test";
import assert from "node:assert/strict";
import { jsonDeeperThan } from "../../src/context/tiJson";

test("jsonDeeperThan counts nesting in the text, not brackets inside strings", () => {
  const nest = (n: number) => "[".repeat(n) + "]".repeat(n);
  assert.equal(jsonDeeperThan(nest(64), 64), false);
  assert.equal(jsonDeeperThan(nest(65), 64), true);
  assert.equal(jsonDeeperThan(`{"a":${nest(64)}}`, 64), true);
  assert.equal(jsonDeeperThan(`{"a":"${"[{".repeat(100)}"}`, 64), false);
  // An escaped quote does not end the string; an escaped backslash before a quote does.
  assert.equal(jsonDeeperThan(`["\\"${"[".repeat(100)}"]`, 64), false);
  assert.equal(jsonDeeperThan(`["\\\\",${nest(64)}]`, 64), true);
  assert.equal(jsonDeeperThan(`{"k":1,"l":[1,2,{"m":null}]}`, 2), true);
  assert.equal(jsonDeeperThan(`{"k":1,"l":[1,2,{"m":null}]}`, 3), false);
});
