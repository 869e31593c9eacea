/**
 * Sysmon's `Hashes` text read into a File's hashes (src/entities/fileHashes.ts): each algorithm Sysmon writes, in any
 * order and case; each malformed value (wrong length, not hex, an unknown algorithm, junk, a second value of one
 * algorithm) ignored and counted, the others kept; a text of any length read in bounded work.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MAX_HASHES_TEXT, parseFileHashes } from "../../src/entities/fileHashes";

const MD5 = "9F86D081884C7D659A2FEAA0C55AD015";
const SHA1 = "A94A8FE5CCB19BA61C4C0873D391E987982FBBD3";
const SHA256 = "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08";
const IMPHASH = "F34D5F2D4577ED6D9CEEC516C1F5A744";

describe("parseFileHashes", () => {
  it("Sysmon's forms: any algorithms of its config, in its order, the import hash apart", () => {
    assert.deepEqual(parseFileHashes(`SHA1=${SHA1},MD5=${MD5},SHA256=${SHA256},IMPHASH=${IMPHASH}`), {
      hashes: [{ Algorithm: "SHA1", Value: SHA1 }, { Algorithm: "MD5", Value: MD5 }, { Algorithm: "SHA256", Value: SHA256 }],
      imphash: IMPHASH,
      ignored: 0,
    });
    assert.deepEqual(parseFileHashes(`SHA256=${SHA256}`), { hashes: [{ Algorithm: "SHA256", Value: SHA256 }], ignored: 0 });
    // Lower case and spaces, as a re-export may write them; values keep their case.
    assert.deepEqual(parseFileHashes(` md5=${MD5.toLowerCase()} , sha256=${SHA256} `).hashes, [{ Algorithm: "MD5", Value: MD5.toLowerCase() }, { Algorithm: "SHA256", Value: SHA256 }]);
    // Hashing off, or no value: nothing, nothing ignored.
    for (const none of ["", "-", "  "]) assert.deepEqual(parseFileHashes(none), { hashes: [], ignored: 0 }, JSON.stringify(none));
  });

  it("each malformed value is ignored and counted, the well-formed ones beside it kept", () => {
    const cases: [string, number][] = [
      [`SHA256=${SHA256.slice(1)}`, 1], // 63 hex digits
      [`SHA256=${SHA256}0`, 1], // 65
      [`MD5=${MD5.slice(0, 31)}Z`, 1], // not hex
      [`MD5=${SHA256}`, 1], // a SHA256's length under MD5
      [`CRC32=DEADBEEF`, 1], // an algorithm Sysmon does not write
      [`__proto__=${MD5}`, 1],
      [`constructor=${MD5}`, 1],
      [`${MD5}`, 1], // no algorithm
      [`=${MD5}`, 1],
      [`MD5=`, 1],
      [`<script>alert(1)</script>`, 1],
      [`SHA256=${SHA256};MD5=${MD5}`, 1], // one value: a `;` is no separator of Sysmon's
      [`MD5=${MD5},MD5=${"0".repeat(32)}`, 1], // a second MD5, another value: the first kept
      [`IMPHASH=${IMPHASH},IMPHASH=${"0".repeat(32)}`, 1],
      [`MD5=${MD5},MD5=${MD5.toLowerCase()}`, 0], // the same hash twice
      [`MD5=${MD5},,SHA256=${SHA256}`, 0], // an empty part is no value
    ];
    for (const [text, ignored] of cases) {
      const parsed = parseFileHashes(`${text},SHA1=${SHA1}`);
      assert.equal(parsed.ignored, ignored, text);
      assert.ok(parsed.hashes.some((h) => h.Algorithm === "SHA1" && h.Value === SHA1), `${text}: the well-formed SHA1 kept`);
      for (const h of parsed.hashes) assert.match(h.Value, /^[0-9A-Fa-f]{32}(?:[0-9A-Fa-f]{8})?(?:[0-9A-Fa-f]{24})?$/, text);
    }
    assert.equal(parseFileHashes(`MD5=${MD5},MD5=${"0".repeat(32)}`).hashes[0].Value, MD5);
    assert.equal(Object.getPrototypeOf(parseFileHashes(`__proto__=${MD5}`)), Object.prototype);
  });

  it("a text over MAX_HASHES_TEXT is one ignored value, not scanned: 100 KB of junk or of commas", () => {
    assert.equal(MAX_HASHES_TEXT, 1024);
    for (const junk of [`SHA256=${"A".repeat(100 * 1024)}`, ",".repeat(100 * 1024), `MD5=${MD5},${"x=y,".repeat(30_000)}`]) {
      assert.deepEqual(parseFileHashes(junk), { hashes: [], ignored: 1 });
    }
    // Just under the limit: read, each part counted.
    const many = `MD5=${MD5},${"x=y,".repeat(200)}`;
    assert.ok(many.length <= MAX_HASHES_TEXT);
    assert.deepEqual(parseFileHashes(many), { hashes: [{ Algorithm: "MD5", Value: MD5 }], ignored: 200 });
  });
});
