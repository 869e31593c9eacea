// npm test runs this file in a process of its own: its linear-time checks compare CPU times, which the heap other files leave in a shared process skews.
/**
 * Crafted input must cost linear time: for each shape below (aimed at one
 * scanner's weak spot: long runs, repeated separators, unclosed brackets,
 * nested schemes), extraction over 1 MB may take at most ~3× the time of
 * 512 KB (quadratic behaviour gives 4×, catastrophic backtracking far more).
 * Times are the best CPU times of several runs, re-measured up to twice before failing,
 * so a busy machine does not fail the test; a control shows quadratic work fails.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import pl from "nodejs-polars";
import { base64 } from "../../src/transform/base64Unpack";
import { BUILTIN_IOC_TYPES, IoCExtract } from "../../src/transform/iocExtract";
import { assertLinear } from "../helpers/linearTime";

const iocs = new IoCExtract();
const ALL = { iocTypes: BUILTIN_IOC_TYPES };
const KB = 1024;

/** `unit` repeated (whole units) to about `size` characters: both sizes of a shape hold the same kind of content. */
const repeat = (unit: string, size: number) => unit.repeat(Math.max(1, Math.floor(size / unit.length)));

const SHAPES: Record<string, (size: number) => string> = {
  "label dots a.a.a.": (n) => repeat("a.", n),
  "long label run": (n) => repeat("abcdefghij", n),
  "dotted digits 1.1.1.": (n) => repeat("1.", n),
  "colons": (n) => repeat(":", n),
  "hex colons a:a:": (n) => repeat("a:", n),
  "schemes http://http://": (n) => repeat("http://", n),
  "url with closing parens": (n) => "http://a.com/" + repeat(")", n - 13),
  "url with nested urls": (n) => repeat("http://a.com/?u=", n),
  "percent escapes in a url": (n) => "http://a.com/" + repeat("%41", n - 13),
  "urls in typographic quotes": (n) => repeat("\u201chttp://a.com/x\u2019\u201d,", n),
  "url after an unclosed opening quote": (n) => "\u201chttp://a.com/" + repeat("\u2019\u201c", n - 14),
  "unclosed ipv6 literals": (n) => repeat("http://[", n),
  "at signs a@a@": (n) => repeat("a@", n),
  "local parts and domains": (n) => repeat("a@b.c.d.e.f.g.h.", n),
  "backslashes": (n) => repeat("\\", n),
  "backslash space": (n) => repeat("\\ a", n),
  "drive roots": (n) => repeat("C:\\a b", n),
  "slashes": (n) => repeat("/", n),
  "slash space": (n) => repeat("/a /", n),
  "hex run": (n) => repeat("a", n),
  "hex runs of 31": (n) => repeat("abcdef0123456789abcdef012345678g", n),
  "defang brackets": (n) => repeat("[.]", n),
  "defanged schemes": (n) => repeat("hxxp[:]//", n),
  "mangled schemes sfXp h**p": (n) => repeat("sfXp[://]h**p(://)", n),
  "spaced bracket words": (n) => repeat("a[ dot ]b{ at }", n),
  "option separators key: key=": (n) => repeat("--f:./a -g=../b ", n),
  "spaces then =/ in one folder run": (n) => "/a" + repeat(" b", n - 6) + "=/x/y",
  "ellipsis roots": (n) => repeat(".../", n),
  "intranet url hosts": (n) => repeat("http://a/", n),
  "single-label hosts with ports": (n) => repeat("ftp://h_1:21", n),
  // Internationalised names: each label goes through IDNA (tr46), a long label never does.
  "IDN labels \u00fc.\u00fc.": (n) => repeat("\u00fc.", n),
  "IDN url hosts and addresses": (n) => repeat("http://\u00fc.\u0430pple.de/ \u00fc@\u00fc.", n),
  "one long IDN label": (n) => repeat("\u00fc", n - 3) + ".de",
  // User info in any script: one run per `://`, to the authority's last `@`.
  "user info in other scripts": (n) => repeat("http://\uff55\u0438@\ud835\udc2e@", n),
  "one long user info": (n) => "http://" + repeat("\uff55:", n) + "@a.de/",
  "full-width local parts": (n) => repeat("\uff55\uff0e\uff55\uff0b@", n),
  // Full-width at signs: each looks back over its local part, and over a URL's user name before `:` (to the previous at sign).
  "full-width at signs after user names": (n) => repeat("a:b\uff20c:", n),
  "full-width and ASCII at signs": (n) => repeat("x\uff20y@z.de ", n),
  // Mathematical letters around addresses, and wide dots in URL hosts of other scripts.
  "mathematical letters and at signs": (n) => repeat("\u{1d41a}x@a.de\u{1d41a}", n),
  "wide dots in an IDN url host": (n) => "http://" + repeat("\u00fc\u3002", n),
  "IDN url hosts with wide dots": (n) => repeat("http://\u00fc\uff0e\u00e4\u3002de/ ", n),
  // Wide dots in free text: one run of a wide-dotted name, and dots gluing hosts and addresses to Han (each dot looks
  // at its two neighbours once).
  "wide dots between IDN labels \u00fc\u3002\u00fc\u3002": (n) => repeat("\u00fc\u3002", n),
  "wide dots gluing hosts to Han": (n) => repeat("\u4f8b\uff0e\u00fc\u3002de@\u00fc\uff61\u4f8b ", n),
  "environment variable roots": (n) => repeat("%TEMP%\\a %$env:X\\b aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa%\\", n),
};

test("the linear-time check fails super-linear work (its control)", () => {
  // Triples over the first n/4096 characters: cubic (8× for twice the input), a few ms at 512 KB. (Over n/8192, ~2 ms
  // and ~18 ms a call, the check passed it once in a clean-clone CI: too close to the check's noise floor.)
  const cubic = (s: string) => {
    const n = s.length >> 12;
    let same = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) if (s.charCodeAt(i) === s.charCodeAt(j) + s.charCodeAt(k)) same++;
    return same;
  };
  assert.throws(() => assertLinear("cubic", (n) => repeat("ab", n), cubic), /cubic: 512 KB/);
});

for (const [name, make] of Object.entries(SHAPES)) {
  test(`linear time, extractText, all types: ${name}`, () => {
    assertLinear(name, make, (s) => iocs.extractText(s, ALL));
  });
}

test("linear time, extract over a DataFrame cell (bulk scanning): schemes and label dots", () => {
  for (const name of ["schemes http://http://", "label dots a.a.a.", "local parts and domains"]) {
    assertLinear(name, SHAPES[name], (s) => iocs.extract(pl.DataFrame({ t: [s, "x"] }), { columns: ["t"], ...ALL }));
  }
});

const B64_SHAPES: Record<string, (size: number) => string> = {
  "one long run": (n) => repeat("QUFB", n),
  "runs of 29": (n) => repeat("AAAAAAAAAAAAAAAAAAAAAAAAAAAAA ", n),
  "runs that do not decode (4n+1)": (n) => repeat("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA ", n),
  // A whole number of 4-line blocks: the decoded "AAA…" then always decodes again (a
  // nested item), so both sizes do the same kind of work. With an odd line count only
  // one level decodes, and the doubled input's extra level looked like super-linear time.
  "lines of base64": (n) => "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB\r\n".repeat(Math.max(4, Math.floor(n / 42 / 4) * 4)),
};

for (const [name, make] of Object.entries(B64_SHAPES)) {
  test(`linear time, base64.unpack: ${name}`, () => {
    assertLinear(name, make, (s) => base64.unpack(s));
  });
}
