/**
 * The native gzip fast path of archives.ts (`gunzipWhole`): it reads exactly
 * the single-member gzip files that fit the cap, byte for byte, and declines
 * everything else (over the cap, several members, trailing bytes, truncated),
 * which the capped streaming decoder then reads with its notes.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import zlib from "node:zlib";
import fc from "fast-check";
import { gunzipWhole, readArchive } from "../../src/transform/archives";
import { runs } from "../properties/settings";

const limits = (cap: number) => ({ maxMembers: 100, maxExpandedBytes: cap, budget: { remaining: 1 << 30 } });

test("gunzipWhole: a single member within the cap is read whole, as the streaming decoder reads it", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 4000 }), fc.boolean(), (data, repetitive) => {
      const input = repetitive ? Buffer.from(Buffer.from(data).toString("hex").repeat(20)) : data;
      const gz = zlib.gzipSync(input);
      assert.deepEqual(Buffer.from(gunzipWhole(gz, input.length + 1) ?? []), Buffer.from(input.length ? input : []));
      const read = readArchive(gz, "gz", limits(1 << 20));
      assert.deepEqual(Buffer.from(read.members[0].bytes), Buffer.from(input));
      assert.equal(read.members[0].note, undefined);
    }),
    runs(60),
  );
});

test("gunzipWhole declines what the streaming decoder must handle: over the cap, two members, trailing bytes, truncated", () => {
  const text = Buffer.from("a payload that compresses well ".repeat(40));
  const gz = zlib.gzipSync(text);
  assert.equal(gunzipWhole(gz, text.length - 1), undefined, "over the cap");
  const capped = readArchive(gz, "gz", limits(100));
  assert.equal(capped.members[0].bytes.length, 100);
  assert.match(capped.members[0].note ?? "", /^maxExpandedBytes: output stopped at 100 bytes/);
  assert.equal(gunzipWhole(Buffer.concat([gz, gz]), 1 << 20), undefined, "two members");
  assert.equal(gunzipWhole(Buffer.concat([gz, Buffer.from("xyz")]), 1 << 20), undefined, "trailing bytes");
  assert.equal(gunzipWhole(gz.subarray(0, gz.length - 10), 1 << 20), undefined, "truncated");
  assert.match(readArchive(gz.subarray(0, gz.length - 10), "gz", limits(1 << 20)).members[0].note ?? "", /corrupt or truncated/);
  assert.deepEqual(Buffer.from(gunzipWhole(gz, text.length) ?? []), text, "exactly the cap");
});
