/**
 * YAML files not saved as UTF-8: UTF-16 with a byte-order mark (PowerShell 5.1's `Out-File`) reads as
 * PyYAML (MSTICPy) reads it; Latin-1 ("ANSI" in Notepad) is an error naming the line and column, not a key
 * with U+FFFD in it that no service accepts; UTF-32 is refused saying so. The same reader reads query files.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { ConfigError, loadConfig } from "../../src/config/config";
import { parseQueryFile } from "../../src/data/queryStore";
import { tempDir } from "../context/tiTwins";

const KEY = "Clé-9f8e7d6c5b";
const CONFIG = `TIProviders:\n  OTX:\n    Provider: OTX\n    Args:\n      AuthKey: ${KEY}\n`;

function fileOf(name: string, bytes: Buffer): string {
  const file = path.join(tempDir("huntlab-encoding-"), name);
  fs.writeFileSync(file, bytes);
  return file;
}

const utf16le = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
const utf16be = (text: string) => Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, "utf16le").swap16()]);

test("UTF-16 with a byte-order mark (LE and BE) and UTF-8 with one read the same key as UTF-8", () => {
  for (const [encoding, bytes] of [
    ["UTF-16 LE", utf16le(CONFIG)],
    ["UTF-16 BE", utf16be(CONFIG)],
    ["UTF-8 with a BOM", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(CONFIG, "utf8")])],
  ] as const) {
    const [otx] = loadConfig(fileOf("msticpyconfig.yaml", bytes)).tiProviders;
    assert.equal(otx.args.AuthKey, KEY, encoding);
  }
});

test("a Latin-1 file: config/yaml-encoding naming the file, line and column of the first byte that is not UTF-8, never the key", () => {
  const file = fileOf("msticpyconfig.yaml", Buffer.from(CONFIG, "latin1"));
  assert.throws(
    () => loadConfig(file),
    (err: Error) =>
      err instanceof ConfigError &&
      err.code === "config/yaml-encoding" &&
      // `      AuthKey: Cl` is 17 characters: é is the 18th of line 5.
      err.message.startsWith(`${file}:5:18: the file is not UTF-8`) &&
      err.message.includes("save it as UTF-8") &&
      !/Cl|9f8e/.test(err.message),
  );
  // A character before it on its line counts as one column, whatever its bytes.
  const later = fileOf("later.yaml", Buffer.concat([Buffer.from("# Zürich\nTIProviders: {}\n# ü ", "utf8"), Buffer.from([0xe9, 0x0a])]));
  assert.throws(() => loadConfig(later), { code: "config/yaml-encoding", message: new RegExp(`^${later.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:3:5: `) });
});

test("invalid UTF-8 of every kind is refused: overlong, a surrogate, past U+10FFFF, cut short", () => {
  for (const bad of [
    [0xc0, 0xaf],
    [0xe0, 0x80, 0xaf],
    [0xed, 0xa0, 0x80],
    [0xf4, 0x90, 0x80, 0x80],
    [0xe2, 0x82],
  ]) {
    const file = fileOf("msticpyconfig.yaml", Buffer.concat([Buffer.from("TIProviders: {}\n# ", "utf8"), Buffer.from(bad)]));
    assert.throws(() => loadConfig(file), { code: "config/yaml-encoding", message: /:2:3: the file is not UTF-8/ }, bad.join(","));
  }
});

test("UTF-32, UTF-16 cut short or with half a surrogate pair: config/yaml-encoding saying which", () => {
  const cases: [Buffer, RegExp][] = [
    [Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), Buffer.from(CONFIG, "utf16le")]), /the file is UTF-32 LE .*which huntlab does not read/],
    [Buffer.concat([Buffer.from([0, 0, 0xfe, 0xff]), Buffer.from(CONFIG, "utf16le")]), /the file is UTF-32 BE /],
    [Buffer.concat([utf16le(CONFIG), Buffer.from([0x41])]), /the file is UTF-16 LE .*odd number of bytes/],
    [Buffer.concat([utf16le(CONFIG), Buffer.from([0x00, 0xd8, 0x41, 0x00])]), /the file is UTF-16 LE .*half of a surrogate pair/],
  ];
  for (const [bytes, message] of cases) {
    const file = fileOf("msticpyconfig.yaml", bytes);
    assert.throws(() => loadConfig(file), (err: Error) => err instanceof ConfigError && err.code === "config/yaml-encoding" && err.message.startsWith(`${file}: `) && message.test(err.message), String(message));
  }
});

test("query files go through the same reader: UTF-16 reads, Latin-1 is data/query-yaml-encoding", () => {
  const query = `metadata:\n  version: 1\n  description: Requêtes\n  data_environments: [LocalData]\n  data_families: [Fam]\nsources:\n  q:\n    description: x\n    args:\n      query: x.csv\n    parameters: {}\n`;
  assert.equal(parseQueryFile(fileOf("q.yaml", utf16le(query)))[0].name, "q");
  const latin1 = fileOf("q.yaml", Buffer.from(query, "latin1"));
  assert.throws(() => parseQueryFile(latin1), { name: "QueryDefinitionError", code: "data/query-yaml-encoding", message: new RegExp(`^${latin1.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:3:20: `) });
});

test("UTF-16 without a byte-order mark, and a NUL byte: config/yaml-encoding naming where and what to do (it read as one text value, \"(top level): expected record\")", () => {
  for (const [bytes, where, says] of [
    [Buffer.from(CONFIG, "utf16le"), ":1:2", /every other byte is NUL, as in UTF-16 without a byte-order mark; save it as UTF-8$/],
    [Buffer.from(CONFIG, "utf16le").swap16(), ":1:1", /UTF-16 without a byte-order mark/],
    [Buffer.from(CONFIG.replace("Provider: OTX", "Provider: OTX\0"), "utf8"), ":3:18", /a NUL byte, which YAML does not allow/],
  ] as const) {
    const file = fileOf("msticpyconfig.yaml", bytes);
    assert.throws(() => loadConfig(file), (e: unknown) => e instanceof ConfigError && e.code === "config/yaml-encoding" && e.message.startsWith(`${file}${where}: `) && says.test(e.message) && !e.message.includes(KEY));
    const query = fileOf("queries.yaml", bytes);
    assert.throws(() => parseQueryFile(query), { code: "data/query-yaml-encoding" });
  }
});
