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
  // Named for what a secret is for, not a secret: `AuthnType: interactive` would star out every "interactive".
  for (const name of ["AuthnType", "auth_methods", "TokenUrl", "KeyPath", "AuthMode", "TokenEndpoint", "KeyFile", "SecretUri"]) assert.ok(!isSecretArgName(name), name);
  for (const name of ["AppKey", "AccessToken", "SessionKey", "AuthKeyValue", "authn"]) assert.ok(isSecretArgName(name), name);
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

/** A key with every character HTML escapes. */
const HTML_KEY = `k"<y>&'42-Secret`;

test("masks HTML-escaped forms: named, decimal and hex character references, mixed with plain characters", () => {
  const m = new SecretMasker([HTML_KEY]);
  const forms = [
    "k&quot;&lt;y&gt;&amp;&#39;42-Secret",
    "k&#34;&#60;y&#62;&#38;&#x27;42-Secret",
    "k&#x22;&#X3C;y&#x3e;&amp;&apos;42-Secret",
    "k&quot;<y>&amp;'42-Secret",
    "&#107;&#x22;&lt;y&gt;&amp;&#0039;42-&#83;ecret",
  ];
  for (const form of forms) {
    assert.equal(m.mask(`<p title="${form}">bad key ${form}</p>`), `<p title="${MASK}">bad key ${MASK}</p>`, form);
  }
  // Entities that stand for other characters, or are not entities, do not match.
  for (const other of ["k&quot;&lt;y&gt;&amp;&#40;42-Secret", "k&quot&lt;y&gt;&amp;&#39;42-Secret", "k&qout;&lt;y&gt;&amp;&#39;42-Secret", "k&#x110000;"]) {
    assert.equal(m.mask(other), other, other);
  }
  // An escaped ampersand is one escape: "&amp;lt;" is "&lt;" as text, not "<".
  assert.equal(m.mask("k&quot;&amp;lt;y&gt;&amp;&#39;42-Secret"), "k&quot;&amp;lt;y&gt;&amp;&#39;42-Secret");
});

test("masks a key echoed in another letter case, in every escaped form; short keys match exactly", () => {
  const key = "hl-Mixed-Key-7f3c9A2e";
  const m = new SecretMasker([key, HTML_KEY]);
  for (const form of [key.toUpperCase(), key.toLowerCase(), "HL-mIXED-kEY-7F3C9a2E"]) {
    assert.equal(m.mask(`x ${form} y`), `x ${MASK} y`, form);
    assert.equal(m.mask(`q=${encodeURIComponent(form)}&a=1`), `q=${MASK}&a=1`, form);
    assert.deepEqual(JSON.parse(m.mask(JSON.stringify({ e: `key ${form}` }).replace(/-/g, "\\u002d"))), { e: `key ${MASK}` }, form);
  }
  assert.equal(m.mask("K&QUOT;&LT;Y&GT;&AMP;&#39;42-SECRET"), MASK);
  assert.equal(m.mask(`<b>${HTML_KEY.toLowerCase().replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")}</b>`), `<b>${MASK}</b>`);
  // Base64 is not case-insensitive: the base64 of the upper-cased key is another text, and other base64 text stays.
  const b64Upper = Buffer.from(key).toString("base64").toUpperCase();
  assert.equal(m.mask(b64Upper), b64Upper);
  // Keys under 8 characters are matched as written: "Ab3xY" would otherwise mask "AB3XY" and "ab3xy" in ordinary text.
  const short = new SecretMasker(["Ab3xY"]);
  assert.equal(short.mask("AB3XY ab3xy Ab3xY %41b3xY"), `AB3XY ab3xy ${MASK} ${MASK}`);
});

test("HTML and case-insensitive matching stay linear on hostile text", () => {
  const m = new SecretMasker([HTML_KEY, "another-secret-value-123"]);
  const hostile = [
    "&".repeat(2_000_000),
    "&#".repeat(1_000_000),
    "&#x".repeat(700_000),
    "&#0000000".repeat(250_000),
    "&amp".repeat(500_000),
    "&quot;".repeat(400_000),
    "aA".repeat(1_000_000),
    `K&QUOT;&LT;Y&GT;&AMP;&#39;42-SECRE`.repeat(60_000),
  ];
  const t0 = process.cpuUsage();
  for (const text of hostile) assert.equal(m.mask(text).length, text.length);
  // A sanity guard only, in CPU time: quadratic work would take minutes.
  const { user, system } = process.cpuUsage(t0);
  assert.ok((user + system) / 1000 < 10_000, `took ${((user + system) / 1000).toFixed(0)} ms of CPU`);
});

test("maskValue keeps a __proto__ key as data and returns unmasked parts as they are", () => {
  const masker = new SecretMasker(["s3cr3t-value-1234"]);
  const value = JSON.parse('{"a":{"n":1},"__proto__":{"x":"s3cr3t-value-1234"},"b":["s3cr3t-value-1234",2]}') as Record<string, unknown>;
  const masked = masker.maskValue(value);
  assert.notEqual(masked, value);
  assert.ok(Object.hasOwn(masked, "__proto__"));
  assert.equal(Object.getPrototypeOf(masked), Object.prototype);
  assert.deepEqual(masked["__proto__"], { x: "****" });
  assert.deepEqual(masked.b, ["****", 2]);
  assert.equal(masked.a, value.a, "nothing to mask: not copied");
  assert.equal(value.b instanceof Array && value.b[0], "s3cr3t-value-1234", "the input is not changed");
  // Not plain objects are always copied (an Error's own keys only).
  const err = Object.assign(new Error("s3cr3t-value-1234"), { code: "E1" });
  assert.deepEqual(masker.maskValue({ err }).err, { code: "E1" });
});

test("thousands of secrets (a config with many secret-named settings): the masker builds, and a Basic-auth pair still hides its key", () => {
  // Every ordered pair's base64 was a needle: 5,000 secrets made 75 million and overflowed a Set (RangeError).
  const secrets = Array.from({ length: 5_000 }, (_, i) => `secret-value-${i}-${"x".repeat(i % 7)}`);
  const m = new SecretMasker(secrets);
  assert.equal(m.mask(`a ${secrets[4_321]} b`), `a ${MASK} b`);
  const key = secrets[17];
  const basic = Buffer.from(`user:${key}`).toString("base64");
  const masked = m.mask(`Authorization: Basic ${basic}`);
  // The key's base64 core inside the pair is masked: what is left cannot decode to the key.
  assert.ok(masked.includes(MASK), masked);
  assert.ok(!Buffer.from(masked.replace("Authorization: Basic ", "").replace(MASK, ""), "base64").toString("latin1").includes(key), masked);
});
