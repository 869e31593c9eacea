/**
 * Properties of indicator extraction (`IoCExtract.extractText` and
 * `IoCExtract.extract` over a DataFrame, default types):
 * - noise that cannot form an indicator (letters and digits in short words,
 *   no `.`, `:`, `/`, `@` or `\`) yields nothing;
 * - indicators planted into such noise, set apart by whitespace and optional
 *   brackets, quotes and sentence punctuation, are all found with their type,
 *   and nothing else is: the only extra observables are the ones the
 *   extractor documents — the host of each URL and the domain of each e-mail
 *   address, as `dns` (`urlHostAsDns`, MSTICPy's behaviour).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import pl from "nodejs-polars";
import { IoCExtract } from "../../src/transform/iocExtract";
import { runs } from "./settings";

/** A planted indicator: its text, its type, and the observables it implies besides itself. */
interface Planted {
  value: string;
  type: string;
  implied: [string, string][];
}

// ---------------------------------------------------------------- generators

/** Word characters without hex letters (a long run of a–f or digits would be a hash): no word is an indicator. */
const NOISE_CHARS = [..."ghijklmnopqrstuvwxyzGHIJKLMNOPQRSTUVWXYZ0123456789_", "é", "ß", "Ж", "中", "ü", "😀"];

const noiseWord = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: fc.constantFrom(...NOISE_CHARS), minLength: 1, maxLength: 10 }) },
  // Words the defang screen and the TLD table react to, without the punctuation that makes them indicators.
  { weight: 1, arbitrary: fc.constantFrom("hxxp", "hxxps", "fxp", "at", "dot", "com", "org", "www", "http", "https") },
);

const SPACES = fc.constantFrom(" ", "  ", "\t", "\n", "\r\n", " \u00a0");

const noise = fc.array(fc.tuple(noiseWord, SPACES), { maxLength: 8 }).map((words) => words.map(([w, s]) => w + s).join(""));

const TLDS = ["com", "org", "net", "io", "de", "uk", "info", "co", "ru", "jp", "COM", "Org"];

/** A label that starts with a letter (a domain of digit labels could read as an IPv4 address). */
const label = fc.stringMatching(/^[a-zA-Z](?:[a-zA-Z0-9-]{0,8}[a-zA-Z0-9])?$/);

const domain = fc
  .tuple(fc.array(label, { minLength: 1, maxLength: 3 }), fc.constantFrom(...TLDS))
  .map(([labels, tld]) => [...labels, tld].join("."));

const octet = fc.integer({ min: 0, max: 255 });
/** Public unicast first octets (no 0, 10, 100, 127, 169, 172, 192, multicast or reserved). */
const firstOctet = fc.integer({ min: 1, max: 223 }).filter((n) => ![10, 100, 127, 169, 172, 192].includes(n));

const ipv4 = fc.tuple(firstOctet, octet, octet, octet).map((parts): Planted => ({ value: parts.join("."), type: "ipv4", implied: [] }));

const dns = domain.map((d): Planted => ({ value: d, type: "dns", implied: [] }));

const url = fc
  .record({
    scheme: fc.constantFrom("http", "https", "HTTPS"),
    host: domain,
    path: fc.option(fc.array(fc.stringMatching(/^[A-Za-z0-9_~-]{1,8}$/), { maxLength: 3 }), { nil: undefined }),
    query: fc.option(fc.stringMatching(/^[a-z]{1,5}=[A-Za-z0-9]{0,6}$/), { nil: undefined }),
  })
  .map(({ scheme, host, path, query }): Planted => {
    const value = `${scheme}://${host}${path ? `/${path.join("/")}` : ""}${query ? `?${query}` : ""}`;
    return { value, type: "url", implied: [[host, "dns"]] };
  });

const email = fc
  .tuple(fc.stringMatching(/^[a-z0-9][a-z0-9_+-]{0,8}$/), domain)
  .map(([local, d]): Planted => ({ value: `${local}@${d}`, type: "email", implied: [[d, "dns"]] }));

const hexOf = (length: number) => fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), minLength: length, maxLength: length });
const hash = fc.oneof(
  hexOf(32).map((h): Planted => ({ value: h, type: "md5_hash", implied: [] })),
  hexOf(40).map((h): Planted => ({ value: h, type: "sha1_hash", implied: [] })),
  hexOf(64).map((h): Planted => ({ value: h.toUpperCase(), type: "sha256_hash", implied: [] })),
);

const indicator = fc.oneof(ipv4, dns, url, email, hash);

/** Brackets or quotes around an indicator, and sentence punctuation after it. */
const WRAPS: readonly [string, string][] = [["", ""], ["(", ")"], ["[", "]"], ['"', '"'], ["'", "'"], ["<", ">"]];
const PUNCTUATION = ["", ",", ";", ".", "!", "?", ":"];

interface Line {
  text: string;
  planted: Planted[];
}

/** Noise with indicators planted in it, each set apart by whitespace. */
const line: fc.Arbitrary<Line> = fc
  .tuple(noise, fc.array(fc.tuple(indicator, fc.constantFrom(...WRAPS), fc.constantFrom(...PUNCTUATION), SPACES, noise), { maxLength: 5 }))
  .map(([head, parts]) => ({
    text: head + parts.map(([p, [open, close], punct, space, tail]) => ` ${open}${p.value}${close}${punct}${space}${tail}`).join(""),
    planted: parts.map(([p]) => p),
  }));

// ---------------------------------------------------------------- expectations

/** Observable → type that extraction must report for the planted indicators, nothing more. */
function expectedOf(planted: readonly Planted[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of planted) {
    out.set(p.value, p.type);
    for (const [value, type] of p.implied) if (!out.has(value)) out.set(value, type);
  }
  return out;
}

function foundOf(result: Record<string, string[]>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [type, values] of Object.entries(result)) {
    for (const value of values) {
      assert.ok(!out.has(value), `${value} reported twice (${out.get(value)}, ${type})`);
      out.set(value, type);
    }
  }
  return out;
}

function sorted(map: Map<string, string>): [string, string][] {
  return [...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

const iocs = new IoCExtract();

// ---------------------------------------------------------------- properties

// extract() has a fixed cost of tens of milliseconds per call (polars compiles its
// screens): the DataFrame properties use few runs of many rows each.

test("property: noise without indicator characters yields nothing", () => {
  fc.assert(
    fc.property(noise, (text) => {
      assert.deepEqual(iocs.extractText(text), {}, JSON.stringify(text));
    }),
    runs(200),
  );
});

test("property: a DataFrame column of noise yields no rows", () => {
  fc.assert(
    fc.property(fc.array(fc.option(noise, { nil: null, freq: 8 }), { minLength: 1, maxLength: 40 }), (cells) => {
      assert.equal(iocs.extract(pl.DataFrame({ CommandLine: pl.Series("CommandLine", cells, pl.Utf8) }), { columns: "CommandLine" }).height, 0);
    }),
    runs(5),
  );
});

test("property: every planted indicator is found with its type, and nothing else but URL hosts and e-mail domains", () => {
  fc.assert(
    fc.property(line, ({ text, planted }) => {
      assert.deepEqual(sorted(foundOf(iocs.extractText(text))), sorted(expectedOf(planted)), JSON.stringify(text));
    }),
    runs(200),
  );
});

test("property: extract over DataFrame columns finds, per source row, what extractText finds in its cells", () => {
  const cell = fc.option(line, { nil: null, freq: 6 });
  const table = fc.record({
    first: fc.array(cell, { minLength: 1, maxLength: 25 }),
    second: fc.array(cell, { minLength: 25, maxLength: 25 }),
  });
  fc.assert(
    fc.property(table, ({ first, second }) => {
      const height = first.length;
      const a = first.map((c) => c?.text ?? null);
      const b = second.slice(0, height).map((c) => c?.text ?? null);
      const df = pl.DataFrame([pl.Series("a", a, pl.Utf8), pl.Series("b", b, pl.Utf8)]);
      const found = iocs.extract(df, { columns: ["a", "b"] }).toRecords() as { IoCType: string; Observable: string; SourceIndex: number; Input: string }[];
      for (let r = 0; r < height; r++) {
        const got = found.filter((f) => f.SourceIndex === r);
        for (const [column, cells] of [["a", a], ["b", b]] as const) {
          const text = cells[r];
          const planted = [first[r], second[r]][column === "a" ? 0 : 1]?.planted ?? [];
          const rowFound = new Map(got.filter((f) => f.Input === text).map((f) => [f.Observable, f.IoCType]));
          assert.deepEqual(sorted(rowFound), sorted(expectedOf(text === null ? [] : planted)), `row ${r} column ${column}: ${JSON.stringify(text)}`);
        }
        // Every output row belongs to one of the row's cells.
        for (const f of got) assert.ok(f.Input === a[r] || f.Input === b[r], `row ${r}: Input ${JSON.stringify(f.Input)}`);
      }
      assert.ok(found.every((f) => f.SourceIndex >= 0 && f.SourceIndex < height));
    }),
    runs(6),
  );
});

// ---------------------------------------------------------------- defanged forms and paths

/** Every `.` of an indicator written in one of the bracketed forms, `@` too, and a mangled scheme. */
const DOT_FORMS = ["[.]", "(.)", "{.}", "[dot]", "(DOT)", "{dot}", "[ . ]", "[ dot ]"];
const AT_FORMS = ["[at]", "(at)", "{AT}", "[@]", "(@)"];
const SCHEME_FORMS: Record<string, string[]> = {
  http: ["hxxp", "hXXp", "hxtp", "htxp", "h**p", "HXXP"],
  https: ["hxxps", "hXXps", "htxps", "HXXPS"],
};
const SEPARATOR_FORMS = ["://", "[://]", "[:]//", "(://)", ":[//]"];

/** A planted indicator, fully defanged: no `.`, `@` or real scheme left in it. */
const defangedIndicator = fc
  .tuple(fc.oneof(ipv4, dns, url, email), fc.nat(), fc.nat(), fc.nat(), fc.nat())
  .map(([p, dot, at, scheme, sep]): [Planted, string] => {
    let text = p.value;
    const m = /^(https?):\/\//i.exec(text);
    let rest = m ? text.slice(m[0].length) : text;
    rest = rest.replace(/\./g, DOT_FORMS[dot % DOT_FORMS.length]).replace(/@/g, AT_FORMS[at % AT_FORMS.length]);
    if (m) {
      const forms = SCHEME_FORMS[m[1].toLowerCase()];
      text = `${forms[scheme % forms.length]}${SEPARATOR_FORMS[sep % SEPARATOR_FORMS.length]}${rest}`;
    } else text = rest;
    // Refanged, a URL's scheme is lower case.
    return [m ? { ...p, value: p.value.replace(/^https?/i, (s) => s.toLowerCase()) } : p, text];
  });

const defangedLine = fc
  .tuple(noise, fc.array(fc.tuple(defangedIndicator, fc.constantFrom(...PUNCTUATION), SPACES, noise), { maxLength: 4 }))
  .map(([head, parts]) => ({
    text: head + parts.map(([[, defanged], punct, space, tail]) => ` ${defanged}${punct}${space}${tail}`).join(""),
    planted: parts.map(([[p]]) => p),
  }));

test("property: defanged indicators are found refanged, with their type; with defanged: false, not at all", () => {
  fc.assert(
    fc.property(defangedLine, ({ text, planted }) => {
      assert.deepEqual(sorted(foundOf(iocs.extractText(text))), sorted(expectedOf(planted)), JSON.stringify(text));
      assert.deepEqual(iocs.extractText(text, { defanged: false }), {}, JSON.stringify(text));
    }),
    runs(200),
  );
});

test("property: a DataFrame column of defanged lines gives what extractText gives, row by row", () => {
  fc.assert(
    fc.property(fc.array(defangedLine, { minLength: 1, maxLength: 30 }), (lines) => {
      const df = pl.DataFrame({ t: lines.map((l) => l.text) });
      const found = iocs.extract(df, { columns: "t" }).toRecords() as { IoCType: string; Observable: string; SourceIndex: number }[];
      const expected = lines.flatMap((l, row) => Object.entries(iocs.extractText(l.text)).flatMap(([type, obs]) => obs.map((o) => [row, type, o])));
      assert.deepEqual(found.map((f) => [f.SourceIndex, f.IoCType, f.Observable]), expected);
    }),
    runs(5),
  );
});

/** Tokens of ordinary text that hold path-like characters but no path. */
const pathJunk = fc.constantFrom(
  "./", "../", ".../", "..../", "~/", "/", "-", "--", "=", ":", "key=", "key:", "-o:", "--out=",
  "v1.2.3/4", "1.2/3.4", "and/or", "C:/", "12:30/13:30", "a./", "it./", "3:4/5", "x=/", "y:./", "z=../", "//",
);

const junkLine = fc.array(fc.tuple(fc.oneof(pathJunk, noiseWord), SPACES), { maxLength: 12 }).map((ws) => ws.map(([w, s]) => w + s).join(""));

test("property: path-like words of ordinary text (lone roots, ellipses, versions, option signs) give no linux_path", () => {
  fc.assert(
    fc.property(junkLine, (text) => {
      assert.deepEqual(iocs.extractText(text, { iocTypes: ["linux_path"] }), {}, JSON.stringify(text));
    }),
    runs(300),
  );
});

/** A Linux path: an absolute path of 2–4 components, or a `./`/`../` path of 1–3. */
const component = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,8}[A-Za-z0-9_]$/);
const linuxPath = fc.oneof(
  fc.array(component, { minLength: 2, maxLength: 4 }).map((cs) => `/${cs.join("/")}`),
  fc.tuple(fc.constantFrom("./", "../", "../../"), fc.array(component, { minLength: 1, maxLength: 3 })).map(([root, cs]) => root + cs.join("/")),
);

test("property: paths after `key:`, `key=` and spaces are each found whole", () => {
  const line = fc.array(fc.tuple(fc.constantFrom("", "--file:", "-o:", "--out=", "KEY=", "x="), linuxPath), { minLength: 1, maxLength: 5 });
  fc.assert(
    fc.property(line, (parts) => {
      const text = parts.map(([key, path]) => key + path).join(" ");
      const want = [...new Set(parts.map(([, path]) => path))];
      assert.deepEqual(iocs.extractText(text, { iocTypes: ["linux_path"] }).linux_path, want, JSON.stringify(text));
    }),
    runs(200),
  );
});
