/**
 * IP addresses glued to a word are not reported: `v1.2.3.4`, `build1.2.3.4`,
 * `abc10.0.0.1`, `10.0.0.1abc`, `WindowsAzureNetAgent_1.0.0.139` are versions
 * or names (the rule domains follow for a label glued to a letter, `gluedAt`).
 * Addresses set apart by punctuation, symbols or spaces, and those inside
 * text of scripts written without spaces (Han, kana, Thai) or followed by a
 * Korean particle, are still found — in text and in DataFrame columns alike.
 * MSTICPy has no boundaries for IPv4 and reports them all.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import pl from "nodejs-polars";
import { IoCExtract } from "../../src/transform/iocExtract";

const iocs = new IoCExtract();

const ADDRESSES: { value: string; type: "ipv4" | "ipv6" }[] = [
  { value: "10.0.0.1", type: "ipv4" },
  { value: "1.2.3.4", type: "ipv4" },
  { value: "203.0.113.255", type: "ipv4" },
  { value: "2001:db8::1", type: "ipv6" },
  { value: "fe80::1", type: "ipv6" },
  { value: "2001:0db8:0000:0000:0000:ff00:0042:8329", type: "ipv6" },
];

/** Characters that glue an address to a word: ASCII letters, `_`, letters of other alphabets, a combining mark, an astral letter. */
const GLUE = ["v", "x", "Z", "abc", "build", "_", "\u00e9", "\u0434", "\u03b2", "\u0301", "\u{1D400}"];

/** Contexts of real text (before, after): none of them glues. */
const CONTEXTS: [string, string][] = [
  ["", ""], ["ip=", ""], ["(", ")"], ["[", "]"], ['"', '"'], ["'", "'"], ["<", ">"], ["host/", ""], ["", ","], ["from ", "."],
  ["", ";"], ["\t", "\t"], ["src:", " "], ["-", "-"], ["\u00ab", "\u00bb"], ["IP\uff1a", "\u3002"], ["\u6765\u81ea", "\u7684\u8fde\u63a5"],
  ["\u63a5\u7d9a\u5143", "\u304b\u3089"], ["\u30b5\u30fc\u30d0\u30fc", "\u306b"], ["\uc11c\ubc84 ", "\uc5d0\uc11c"], ["\u0e08\u0e32\u0e01", "\u0e44\u0e1b"],
];

/** What extraction reports for the two address types, in text and as the only cell of a column (the prefilter path). */
function found(text: string): { text: string[]; frame: string[] } {
  const r = iocs.extractText(text);
  const rows = iocs.extract(pl.DataFrame({ t: [text] }), { columns: "t", iocTypes: ["ipv4", "ipv6"] }).toRecords() as { IoCType: string; Observable: string }[];
  return { text: [...(r.ipv4 ?? []), ...(r.ipv6 ?? [])], frame: rows.map((x) => x.Observable) };
}

test("an address glued to a word character on either side is not reported (text and DataFrame)", () => {
  for (const { value, type } of ADDRESSES) {
    for (const glue of GLUE) {
      // IPv6 before a hex letter would read as a longer group: those are checked by the before/after forms that are not hex.
      const forms = [`${glue}${value}`, `see ${glue}${value} now`];
      if (type === "ipv4" || !/^[0-9a-f]/i.test(glue)) forms.push(`${value}${glue}`, `see ${value}${glue} now`);
      for (const text of forms) assert.deepEqual(found(text), { text: [], frame: [] }, JSON.stringify(text));
    }
  }
  for (const text of ["v1.2.3.4", "build1.2.3.4", "abc10.0.0.1", "10.0.0.1abc", "C:\\Agents\\WindowsAzureNetAgent_1.0.0.139\\agent.exe", "v10[.]0[.]0[.]1"]) {
    assert.deepEqual(found(text), { text: [], frame: [] }, text);
  }
});

test("an address set apart by punctuation, symbols, spaces, or in text written without spaces, is found exactly (text and DataFrame)", () => {
  for (const { value, type } of ADDRESSES) {
    for (const [before, after] of CONTEXTS) {
      if (type === "ipv6" && before.endsWith(":")) continue; // `src:2001:db8::1` has no end to read the address from
      const text = `${before}${value}${after}`;
      assert.deepEqual(found(text), { text: [value], frame: [value] }, JSON.stringify(text));
    }
  }
  for (const [text, value] of [
    ["10.0.0.1:443", "10.0.0.1"], ["\\\\10.0.0.1\\share\\x.txt", "10.0.0.1"], ["http://10.0.0.1/x", "10.0.0.1"], ["ssh admin@10.0.0.1", "10.0.0.1"],
    ["10.0.0.0/24", "10.0.0.0"], ["[2001:db8::1]:443", "2001:db8::1"], ["http://[2001:db8::1]/x", "2001:db8::1"], ["ping fe80::1%eth0", "fe80::1"],
    ["10[.]0[.]0[.]1", "10.0.0.1"], ["connect to 10.0.0.1.", "10.0.0.1"],
  ]) {
    assert.deepEqual(found(text), { text: [value], frame: [value] }, text);
  }
});

test("IPv6 at the end of a sentence is found; before a dotted number or a word it is not (`::ffff:1.2.3.4` stays IPv4)", () => {
  assert.deepEqual(iocs.extractText("blocked 2001:db8::1. Then fe80::1... and 2001:db8::2."), { ipv6: ["2001:db8::1", "fe80::1", "2001:db8::2"] });
  for (const text of ["2001:db8::1.5", "2001:db8::1.exe", "at 12:34:56."]) assert.equal(iocs.extractText(text).ipv6, undefined, text);
  assert.deepEqual(iocs.extractText("::ffff:1.2.3.4"), { ipv4: ["1.2.3.4"] });
});

test("a glued version next to a real address: only the address", () => {
  const r = iocs.extractText("agent v2.1.0.7 (build3.4.5.6) connected from 198.51.100.7, next hop 2001:db8::2; lib_1.0.0.139.dll");
  assert.deepEqual(r.ipv4, ["198.51.100.7"]);
  assert.deepEqual(r.ipv6, ["2001:db8::2"]);
});
