/** docs/schemas.md documents every schema table: its name, what it needs and the lab columns it yields. */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { FILE_LAYOUTS, FILE_SCHEMAS, LOGON_LAYOUTS, LOGON_SCHEMAS, NETWORK_LAYOUTS, NETWORK_SCHEMAS, PROCESS_LAYOUTS } from "../../../src/data/schemas/index";

const DOC = fs.readFileSync(path.join(__dirname, "..", "..", "..", "docs", "schemas.md"), "utf8");

describe("docs/schemas.md", () => {
  it("has a section per schema with its required fields and mapped columns", () => {
    for (const schema of [...LOGON_SCHEMAS, ...NETWORK_SCHEMAS, ...FILE_SCHEMAS]) {
      const start = DOC.indexOf(`### ${schema.name} (\`${schema.id}\`)`);
      assert.ok(start >= 0, `no section for ${schema.name}`);
      const next = DOC.indexOf("\n### ", start + 4);
      const section = DOC.slice(start, next < 0 ? undefined : next);
      for (const f of [...schema.requires, ...(schema.requiresOneOf ?? []).flat()]) assert.ok(section.includes(`\`${f}\``), `${schema.name}: ${f}`);
      for (const c of Object.keys(schema.columns)) assert.ok(section.includes(`| \`${c}\` |`), `${schema.name}: ${c}`);
    }
  });

  it("lists the lab's columns of every layout", () => {
    for (const layout of [...LOGON_LAYOUTS, ...NETWORK_LAYOUTS, ...PROCESS_LAYOUTS, ...FILE_LAYOUTS]) {
      assert.ok(DOC.includes(`#### ${layout.name}`), layout.name);
      for (const c of layout.columns) assert.ok(DOC.includes(`| \`${c.name}\` | ${c.type} |`), `${layout.name}: ${c.name}`);
    }
  });
});
