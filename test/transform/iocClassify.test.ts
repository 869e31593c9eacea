/** Whole-value classification from the pattern table: the one type model IoCExtract and TILookup share. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { BUILTIN_DEFINITIONS, classifyObservable, detectionDefinitions, isDefaultIocType, isObservableOf, iocTypeDefinition } from "../../src/transform/iocPatterns";

test("whole values: each built-in type, in priority order", () => {
  const cases: [string, string | undefined][] = [
    ["10.1.2.3", "ipv4"],
    ["::ffff:10.1.2.3", "ipv6"], // no scanner finds this in text, but it is one address
    ["evil[.]com", "dns"],
    ["ftp.evil.com.", "dns"], // a fully-qualified name's root dot
    ["hxxps://evil[.]com/a?b=c#d", "url"],
    ["a.b@evil.com", "email"],
    ["D41D8CD98F00B204E9800998ECF8427E", "md5_hash"],
    ["C:\\Windows\\x.exe", undefined], // paths: only when asked for
    ["a b.com", undefined],
    ["evil.com/x", undefined],
    ["host.local", undefined],
    ["", undefined],
  ];
  for (const [value, type] of cases) assert.equal(classifyObservable(value), type, value);
  assert.equal(classifyObservable("C:\\Windows\\x.exe", BUILTIN_DEFINITIONS), "windows_path");
  assert.equal(classifyObservable("host.local", detectionDefinitions(), true), "dns");
  assert.deepEqual(detectionDefinitions().map((d) => d.name), BUILTIN_DEFINITIONS.map((d) => d.name).filter((n) => isDefaultIocType(n)));
});

test("isObservableOf checks one type; a definition without a whole-value check uses its scanner", () => {
  const email = iocTypeDefinition("email");
  assert.ok(email && !email.isWhole);
  assert.ok(isObservableOf(" a@evil[.]com ", email));
  assert.ok(!isObservableOf("mail a@evil.com", email));
  const dns = iocTypeDefinition("dns");
  assert.ok(dns && !isObservableOf("10.1.2.3", dns));
  assert.equal(iocTypeDefinition("nope"), undefined);
});

test("classification is linear on long hostile input", () => {
  const hostile = ["a.".repeat(50_000) + "!", "a".repeat(100_000), "1.".repeat(50_000), `http://${"a".repeat(100_000)}`, `${"a".repeat(60)}@`.repeat(2_000), ":".repeat(100_000), "f".repeat(100_000)];
  const t0 = process.cpuUsage();
  for (const v of hostile) classifyObservable(v, BUILTIN_DEFINITIONS);
  // A hang guard against a super-linear (backtracking) blow-up, not a speed check: ~50 ms of CPU here, quadratic
  // work on 100,000 characters takes many seconds. CPU time, so a loaded machine does not stretch it.
  const { user, system } = process.cpuUsage(t0);
  assert.ok((user + system) / 1000 < 3_000, `took ${((user + system) / 1000).toFixed(0)} ms of CPU`);
});
