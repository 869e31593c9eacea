/** SecretMasker: every form a key takes on its way out is masked. */
import { test } from "node:test";
import assert from "node:assert/strict";
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
