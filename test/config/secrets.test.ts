/** SecretMasker: every form a key takes on its way out is masked. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import { isSecretArgName, MASK, SecretMasker } from "../../src/config/secrets";

test("masks the plain, percent-encoded and base64 forms, and Basic-auth pairs", () => {
  const key = "k3y/with+special=chars";
  const id = "user-id-42";
  const m = new SecretMasker([key, id, "", null, 7]);
  assert.equal(m.mask(`x ${key} y`), `x ${MASK} y`);
  assert.equal(m.mask(`q=${encodeURIComponent(key)}`), `q=${MASK}`);
  const b64 = Buffer.from(key).toString("base64");
  assert.equal(m.mask(b64), MASK + (b64.match(/=+$/)?.[0] ?? ""));
  const basic = Buffer.from(`${id}:${key}`).toString("base64");
  assert.ok(!m.mask(`Authorization: Basic ${basic}`).includes(basic.replace(/=+$/, "")));
  assert.equal(m.mask("nothing here"), "nothing here");
});

test("longer secrets are masked whole even when they contain a shorter one", () => {
  const m = new SecretMasker(["abcdef", "abcdefghij"]);
  assert.equal(m.mask("abcdefghij"), MASK);
});

test("maskValue walks objects and arrays, keys included", () => {
  const m = new SecretMasker(["s3cr3t-value"]);
  assert.deepEqual(m.maskValue({ a: ["s3cr3t-value", 1, { "s3cr3t-value": "x s3cr3t-value" }], b: null }), { a: [MASK, 1, { [MASK]: `x ${MASK}` }], b: null });
});

test("very short secrets are not masked (they would mangle every output)", () => {
  const m = new SecretMasker(["ab"]);
  assert.ok(m.empty);
  assert.equal(m.mask("abc"), "abc");
});

test("secret Args names", () => {
  for (const name of ["AuthKey", "ApiID", "api_key", "Token", "Password", "ClientSecret"]) assert.ok(isSecretArgName(name), name);
  for (const name of ["Path", "Region", "MaxAgeInDays", "ListPath"]) assert.ok(!isSecretArgName(name), name);
});

test("the masker never exposes its secrets: JSON, inspect, keys, structuredClone", () => {
  const key = "s3cr3t-key-0123456789";
  const m = new SecretMasker([key, "other-secret-value"]);
  assert.equal(JSON.stringify(m), '"SecretMasker(2 secrets)"');
  assert.equal(JSON.stringify({ masker: m }), '{"masker":"SecretMasker(2 secrets)"}');
  assert.equal(inspect(m, { depth: Infinity, showHidden: true }), "SecretMasker(2 secrets)");
  assert.ok(!inspect({ ...m }, { depth: Infinity, showHidden: true }).includes("s3cr3t"));
  assert.deepEqual(Object.keys(m), []);
  const keys: string[] = [];
  for (const k in m) keys.push(k);
  assert.deepEqual(keys, []);
  assert.ok(!JSON.stringify(structuredClone(m)).includes("s3cr3t"));
  assert.equal(m.mask(`x ${key}`), `x ${MASK}`);
});

/** A key with the characters JSON and URLs escape, and its encoded forms. */
const ESC_KEY = "sk/AbC+def=ghi123XYZ";
const b64 = (s: string) => Buffer.from(s).toString("base64").replace(/=+$/, "");
const b64url = (s: string) => b64(s).replace(/\+/g, "-").replace(/\//g, "_");

test("masks JSON-escaped forms: \\/, \\uXXXX of any character (either hex case), and keeps the JSON valid", () => {
  const m = new SecretMasker([ESC_KEY]);
  const cases = [
    `{"msg":"bad key sk\\/AbC+def=ghi123XYZ"}`,
    `{"msg":"bad key \\u0073k\\u002FAbC\\u002bdef\\u003Dghi123XYZ"}`,
    `{"msg":"bad key ${[...ESC_KEY].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join("")}"}`,
    JSON.stringify({ msg: `bad key ${ESC_KEY}` }),
  ];
  for (const text of cases) {
    const masked = m.mask(text);
    assert.deepEqual(JSON.parse(masked), { msg: `bad key ${MASK}` }, text);
  }
  // An escaped backslash is not an escape: "\\\\u0073" is a backslash then "u0073".
  assert.equal(m.mask(`\\\\u0073k/AbC+def=ghi123XYZ`), `\\\\u0073k/AbC+def=ghi123XYZ`);
});

test("masks %-encoding in either case, partial encoding and UTF-8 sequences", () => {
  const m = new SecretMasker([ESC_KEY, "clé-secrète-42"]);
  for (const text of [
    "key=sk%2FAbC%2Bdef%3Dghi123XYZ&x=1",
    "key=sk%2fAbC%2bdef%3dghi123XYZ&x=1",
    "key=sk/AbC%2Bdef=ghi123XYZ&x=1",
    "key=%73%6B%2f%41bC+def=ghi123XYZ&x=1",
  ]) {
    assert.equal(m.mask(text), `key=${MASK}&x=1`, text);
  }
  assert.equal(m.mask(`k=${encodeURIComponent("clé-secrète-42")}`), `k=${MASK}`);
  assert.equal(m.mask(`k=${encodeURIComponent("clé-secrète-42").toLowerCase()}`), `k=${MASK}`);
  // Stray or invalid escapes are left alone.
  assert.equal(m.mask("100% of %zz and %C3%28 and \\x and \\u12"), "100% of %zz and %C3%28 and \\x and \\u12");
});

test("masks base64 and base64url, alone and inside a longer base64 blob at any alignment", () => {
  const m = new SecretMasker([ESC_KEY]);
  assert.equal(m.mask(`b=${b64(ESC_KEY)}`), `b=${MASK}`);
  assert.equal(m.mask(`b=${b64url(ESC_KEY)}`), `b=${MASK}`);
  for (const prefix of ["", "x", "xy", "Bearer ", "{\"key\":\""]) {
    for (const blob of [b64(`${prefix}${ESC_KEY}"}`), b64url(`${prefix}${ESC_KEY}"}`)]) {
      const masked = m.mask(blob);
      assert.ok(masked.includes(MASK), `${prefix}: ${blob}`);
      // What is left around the mask is at most the bits shared with the neighbours.
      const left = masked.replace(MASK, "");
      assert.ok(left.length <= blob.length - Math.floor((ESC_KEY.length * 4) / 3) + 4, `${prefix}: ${masked}`);
    }
  }
  // A JSON-escaped base64 form (PHP escapes "/"): a key whose base64 has slashes.
  const slashKey = "\u00ff\u00ff\u00ff-key-\u00ff\u00ff\u00ff";
  const slashy = b64(slashKey);
  assert.ok(slashy.includes("/"));
  assert.equal(new SecretMasker([slashKey]).mask(`{"b":"${slashy.replace(/\//g, "\\/")}"}`), `{"b":"${MASK}"}`);
});

test("masking stays linear on hostile text (long escape runs, near-misses)", () => {
  const m = new SecretMasker([ESC_KEY, "another-secret-value-123"]);
  const hostile = [
    "\\".repeat(2_000_000),
    "%".repeat(2_000_000),
    "\\u00".repeat(500_000),
    "%2".repeat(700_000),
    "sk/AbC+def=ghi123XY".repeat(100_000),
    "\\u0073k\\/AbC+def=ghi123XY".repeat(60_000),
  ];
  const t0 = process.cpuUsage();
  for (const text of hostile) assert.equal(m.mask(text).length, text.length);
  // A sanity guard only (the timing itself belongs to bench/): quadratic work would take minutes.
  // CPU time, not wall time: a loaded machine (CI, test files side by side) does not stretch it.
  const { user, system } = process.cpuUsage(t0);
  assert.ok((user + system) / 1000 < 10_000, `took ${((user + system) / 1000).toFixed(0)} ms of CPU`);
  const many = `${"%41".repeat(100_000)}${encodeURIComponent(ESC_KEY)}${"\\u0041".repeat(100_000)}`;
  assert.equal(m.mask(many), `${"%41".repeat(100_000)}${MASK}${"\\u0041".repeat(100_000)}`);
});
