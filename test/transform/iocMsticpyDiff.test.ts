/**
 * Differences from MSTICPy's regexes found by differential testing that were
 * defects here (not deliberate): each test names what was reported before.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { IoCExtract } from "../../src/transform/iocExtract";

const iocs = new IoCExtract();
const ALL = ["ipv4", "ipv6", "dns", "url", "email", "windows_path", "linux_path", "md5_hash", "sha1_hash", "sha256_hash"];
const of = (text: string, type: string) => iocs.extractText(text, { iocTypes: ALL })[type] ?? [];

test("email: an apostrophe between local-part characters is part of the address (o'brien@evil.com was cut to brien@evil.com)", () => {
  assert.deepEqual(of("mail o'brien@evil.com now", "email"), ["o'brien@evil.com"]);
  assert.deepEqual(of("to: d'arcy@contoso.com", "email"), ["d'arcy@contoso.com"]);
  // A quote that opens or closes a quoted string is not part of it.
  assert.deepEqual(of("from 'bob@evil.com' and user='o'brien@evil.com'", "email"), ["bob@evil.com", "o'brien@evil.com"]);
  assert.deepEqual(of("x ''bob@evil.com", "email"), ["bob@evil.com"]);
});
