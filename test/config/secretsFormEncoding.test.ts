/** Secret masking of form-encoded bodies, and which setting names are secrets. */
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { loadConfig } from "../../src/config/config";
import { isSecretArgName, MASK, SecretMasker } from "../../src/config/secrets";
import { createLiveSettings } from "../../src/data/live/settings";
import { tempDir } from "../helpers/tmp";

const PASSWORD = 'pa ss"w\\rd!x9';

test("masks a secret in application/x-www-form-urlencoded (URLSearchParams: space → +)", () => {
  const m = new SecretMasker([PASSWORD]);
  const form = new URLSearchParams({ username: "hunter", password: PASSWORD }).toString();
  assert.equal(form, "username=hunter&password=pa+ss%22w%5Crd%21x9");
  assert.equal(m.mask(form), `username=hunter&password=${MASK}`);
  // A 401 body echoing the request, as text and inside JSON; lower-case hex too.
  assert.equal(m.mask(`{"messages":[{"type":"WARN","text":"bad login: ${form}"}]}`), `{"messages":[{"type":"WARN","text":"bad login: username=hunter&password=${MASK}"}]}`);
  assert.equal(m.mask("password=pa+ss%22w%5crd%21x9"), `password=${MASK}`);
  // The space spellings that were masked already still are.
  assert.equal(m.mask(`p=${encodeURIComponent(PASSWORD)}`), `p=${MASK}`);
  assert.equal(m.mask(`p=${PASSWORD}`), `p=${MASK}`);
});

test("a form-encoded short secret with a space is masked without any %-escape in the text", () => {
  const m = new SecretMasker(["ab cd"]);
  assert.equal(m.mask("password=ab+cd&x=1"), `password=${MASK}&x=1`);
  assert.equal(m.mask("ab+cde"), `${MASK}e`);
});

test("AuthorityUrl and other authority settings are not secrets; auth keys and tokens are", () => {
  for (const name of ["AuthorityUrl", "authority_url", "AUTHORITY", "AuthorityHost"]) assert.equal(isSecretArgName(name), false, name);
  for (const name of ["AuthToken", "auth_key", "AuthKey", "Authorization", "authn", "ApiKey", "ClientSecret", "password"]) assert.equal(isSecretArgName(name), true, name);
});

test("an AuthorityUrl in the config stays readable in messages; the ClientSecret next to it is masked", () => {
  const file = path.join(tempDir(), "msticpyconfig.yaml");
  fs.writeFileSync(file, ["DataProviders:", "  MSSentinel:", "    Args:", "      AuthorityUrl: https://login.example.test", "      ClientSecret: client-secret-0123456789", ""].join("\n"));
  const settings = createLiveSettings({ environment: "MSSentinel", config: loadConfig(file, { missingEnvironment: "skip" }), warn: () => {} });
  assert.equal(settings.mask("POST https://login.example.test/tenant/oauth2/v2.0/token: client-secret-0123456789"), `POST https://login.example.test/tenant/oauth2/v2.0/token: ${MASK}`);
});
