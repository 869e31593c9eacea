/**
 * The lab's two notebooks come from one source, notebooks/source/
 * (scripts/build-notebooks.ts): the source format, the exercise/completed
 * split, the shape of every exercise, and that the committed notebooks are up
 * to date with the source (cell types, sections, tags and sources; not outputs).
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import ts from "typescript";
import {
  buildNotebook,
  carryOutputs,
  cellText,
  COMPLETED_NOTEBOOK,
  differences,
  EXERCISES_NOTEBOOK,
  parseJsonSource,
  parseMarkdownSource,
  readSource,
  sectionOfFile,
  serialise,
  type SourceCell,
} from "../../scripts/build-notebooks";
import type { NotebookJson } from "../../src/lab/huntParams";
import { tempDir } from "../helpers/tmp";

const FENCE = "````";
const SETUP_IMPORTS = 'import pl from "nodejs-polars";\nimport { QueryProvider, display, entities, checkResult, checkAnswers } from "huntlab";';
/** The sections every other one may build on: a learner runs them first whatever else they skip. */
const BASE_SECTIONS = new Set(["How to use this lab", "Setting up", "Data acquisition"]);

/**
 * Each name a code cell reads that a cell of another `##` section declares at top level (other than the base
 * sections), unless the Markdown of the reader's section, before it, names it in backticks and says where it is
 * made (the title of that section or of its subsection): `cell N (Section): name, from Other`.
 */
function crossSectionNames(nb: NotebookJson): string[] {
  const declaredIn = new Map<string, { section: string; sub: string }>();
  const problems: string[] = [];
  let section = "";
  let sub = "";
  let said = "";
  for (const [i, cell] of nb.cells.entries()) {
    const text = cellText(cell.source);
    if (cell.cell_type === "markdown") {
      const heading = /^(#{2,6}) +(.+)$/m.exec(text);
      if (heading) {
        sub = heading[2].trim();
        if (heading[1] === "##") {
          section = sub;
          said = "";
        }
      }
      said += text;
      continue;
    }
    if (cell.cell_type !== "code") continue;
    const sf = ts.createSourceFile(`cell${i}.ts`, text, ts.ScriptTarget.Latest, true);
    const own = new Set<string>();
    const read = new Set<string>();
    const visit = (node: ts.Node): void => {
      const p = node.parent;
      if (ts.isIdentifier(node)) {
        if ((ts.isVariableDeclaration(p) || ts.isParameter(p) || ts.isFunctionDeclaration(p) || ts.isBindingElement(p) || ts.isImportSpecifier(p) || ts.isImportClause(p)) && p.name === node) own.add(node.text);
        else if (!((ts.isPropertyAccessExpression(p) || ts.isPropertyAssignment(p) || ts.isPropertySignature(p)) && p.name === node) && !(ts.isQualifiedName(p) && p.right === node)) read.add(node.text);
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
    for (const name of read) {
      const from = declaredIn.get(name);
      if (from === undefined || own.has(name) || from.section === section || BASE_SECTIONS.has(from.section)) continue;
      if (said.includes(`\`${name}\``) && (said.includes(from.section) || said.includes(from.sub))) continue;
      problems.push(`cell ${i} (${section}): ${name}, from ${from.sub}`);
    }
    for (const st of sf.statements) {
      const names = ts.isImportDeclaration(st)
        ? [st.importClause?.name, ...(st.importClause?.namedBindings && ts.isNamedImports(st.importClause.namedBindings) ? st.importClause.namedBindings.elements.map((e) => e.name) : [])]
        : ts.isVariableStatement(st)
          ? st.declarationList.declarations.map((d) => (ts.isIdentifier(d.name) ? d.name : undefined))
          : ts.isFunctionDeclaration(st)
            ? [st.name]
            : [];
      for (const n of names) if (n && !declaredIn.has(n.text)) declaredIn.set(n.text, { section, sub });
    }
  }
  return problems;
}

describe("the source format", () => {
  test("markdown and code cells with tags; the file name gives the section", () => {
    const text = [
      "<!-- markdown -->",
      "# Title",
      "",
      "```ts",
      "// a fenced block inside markdown stays markdown",
      "```",
      "",
      '<!-- code tags=["solution", "check"] -->',
      `${FENCE}ts`,
      "const a = 1;",
      "",
      "a",
      FENCE,
      "",
      '<!-- code tags=["scaffold"] -->',
      `${FENCE}ts`,
      "const a = undefined;",
      FENCE,
    ].join("\n");
    const cells = parseMarkdownSource(text, sectionOfFile("40-my-part.md"));
    assert.deepEqual(
      cells.map((c) => [c.cellType, c.section, c.tags, c.source]),
      [
        ["markdown", "my-part", [], "# Title\n\n```ts\n// a fenced block inside markdown stays markdown\n```"],
        ["code", "my-part", ["solution", "check"], "const a = 1;\n\na"],
        ["code", "my-part", ["scaffold"], "const a = undefined;"],
      ],
    );
  });

  test("mistakes are refused with the file and line", () => {
    assert.throws(() => parseMarkdownSource("no marker here", "s", "10-s.md"), /10-s\.md:1: expected a cell marker/);
    assert.throws(() => parseMarkdownSource("<!-- code -->\nconst a = 1;", "s", "10-s.md"), /10-s\.md:1: a code cell is a ````ts fenced block/);
    assert.throws(() => parseMarkdownSource(`<!-- code -->\n${FENCE}ts\nconst a = 1;`, "s", "10-s.md"), /is not closed/);
    assert.throws(() => parseMarkdownSource(`<!-- code -->\n${FENCE}ts\na\n${FENCE}\nstray text`, "s", "10-s.md"), /10-s\.md:5: text after a code cell/);
    assert.throws(() => parseMarkdownSource('<!-- code tags=[1] -->\n', "s", "10-s.md"), /tags must be a JSON list of strings/);
    // Single quotes: was a bare SyntaxError from JSON.parse, with no file or line.
    assert.throws(() => parseMarkdownSource(`<!-- markdown -->\nA\n<!-- code tags=['solution'] -->\n${FENCE}ts\na\n${FENCE}`, "s", "10-s.md"), /10-s\.md:3: tags must be a JSON list of strings \(double quotes/);
    // A marker with a typo after the first cell: the code cell was silently taken into the markdown above.
    for (const typo of ["<!-- code  -->", "<!--code-->", "<!-- Code -->", "<!-- markdown-->"]) {
      assert.throws(() => parseMarkdownSource(`<!-- markdown -->\nA\n\n${typo}\n${FENCE}ts\na\n${FENCE}\n`, "s", "10-s.md"), /10-s\.md:4: .* is no cell marker/, typo);
    }
    // Inside a fenced block of a markdown cell, a comment is the block's text.
    const shown = parseMarkdownSource("<!-- markdown -->\nWrite cells so:\n```\n<!-- code  -->\n```\n", "s", "10-s.md");
    assert.deepEqual(shown.map((c) => c.source), ["Write cells so:\n```\n<!-- code  -->\n```"]);
  });

  test("a JSON section (scripts/notebook_section.py's format, e.g. a helper's cells file) reads as cells", () => {
    const cells = parseJsonSource(JSON.stringify([{ cell_type: "markdown", source: ["## Live\n", "text\n"] }, { cell_type: "code", source: "const x = 1;\n", tags: ["check"] }]), "live");
    assert.deepEqual(
      cells.map((c) => [c.cellType, c.section, c.tags, c.source]),
      [
        ["markdown", "live", [], "## Live\ntext"],
        ["code", "live", ["check"], "const x = 1;"],
      ],
    );
    assert.throws(() => parseJsonSource('[{"cell_type": "raw", "source": ""}]', "live", "85-live.json"), /85-live\.json#0: cell_type/);
  });

  test("files are read in name order, .md and .json alike", () => {
    const dir = tempDir("huntlab-source-");
    fs.writeFileSync(path.join(dir, "20-b.json"), JSON.stringify([{ cell_type: "markdown", source: "B" }]));
    fs.writeFileSync(path.join(dir, "10-a.md"), "<!-- markdown -->\nA\n");
    fs.writeFileSync(path.join(dir, "README.txt"), "not a section");
    assert.deepEqual(readSource(dir).map((c) => [c.section, c.source]), [["a", "A"], ["b", "B"]]);
  });

  test("files are ordered by their number (5 before 10, 100 after 20); a section file with another name is refused, not skipped", () => {
    const dir = tempDir("huntlab-source-");
    for (const [f, t] of [["100-wrapup.md", "W"], ["20-b.md", "B"], ["5-pre.md", "P"], ["10-a.md", "A"]]) fs.writeFileSync(path.join(dir, f), `<!-- markdown -->\n${t}\n`);
    assert.deepEqual(readSource(dir).map((c) => c.section), ["pre", "a", "b", "wrapup"]);
    for (const odd of ["95-exercise 8.md", "47_extra.md", "46-übung.md", "notes.md"]) {
      fs.writeFileSync(path.join(dir, odd), "<!-- markdown -->\nX\n");
      assert.throws(() => readSource(dir), (e: Error) => e.message.includes(JSON.stringify(odd)) && /NN-SECTION\.md/.test(e.message), odd);
      fs.rmSync(path.join(dir, odd));
    }
  });
});

describe("the two notebooks", () => {
  const cells: SourceCell[] = [
    { cellType: "markdown", source: "# T", tags: [], section: "s", origin: "" },
    { cellType: "code", source: "const a = undefined;", tags: ["scaffold"], section: "s", origin: "" },
    { cellType: "code", source: "const a = 1;", tags: ["solution"], section: "s", origin: "" },
    { cellType: "code", source: "check(a)", tags: ["check"], section: "s", origin: "" },
  ];

  test("scaffolds only in the exercise notebook, solutions only in the completed one; shared cells keep their id", () => {
    const ex = buildNotebook(cells, "exercises");
    const done = buildNotebook(cells, "completed");
    assert.deepEqual(ex.cells.map((c) => cellText(c.source)), ["# T", "const a = undefined;", "check(a)"]);
    assert.deepEqual(done.cells.map((c) => cellText(c.source)), ["# T", "const a = 1;", "check(a)"]);
    assert.equal(ex.cells[2].id, done.cells[2].id);
    assert.notEqual(ex.cells[1].id, done.cells[1].id);
    assert.deepEqual(ex.cells[2].metadata, { huntlab_section: "s", tags: ["check"] });
    assert.deepEqual(ex.metadata.kernelspec, { display_name: "TypeScript (huntlab)", language: "typescript", name: "tslab" });
  });

  test("the up-to-date check sees a changed source or tag, not outputs", () => {
    const built = buildNotebook(cells, "completed");
    const committed = JSON.parse(serialise(built)) as NotebookJson;
    committed.cells[1].outputs = [{ output_type: "stream", name: "stdout", text: "1\n" }];
    assert.deepEqual(differences(committed, built), []);
    committed.cells[1].source = ["const a = 2;"];
    assert.match(differences(committed, built).join("\n"), /cell 2 \(s\): its source differs/);
    committed.cells[1].source = ["const a = 1;"];
    committed.cells[2].metadata.tags = [];
    assert.match(differences(committed, built).join("\n"), /cell 3 \(s\): its tags differs/);
    assert.match(differences({ ...committed, cells: committed.cells.slice(1) }, built).join("\n"), /2 cells committed, 3 built/);
  });

  test("outputs are carried over only onto cells whose source is unchanged", () => {
    const old = buildNotebook(cells, "completed");
    old.cells[1].outputs = [{ output_type: "stream", name: "stdout", text: "old\n" }];
    old.cells[2].outputs = [{ output_type: "stream", name: "stdout", text: "kept\n" }];
    const changed = buildNotebook(
      cells.map((c) => (c.source === "const a = 1;" ? { ...c, source: "const a = 2;" } : c)),
      "completed",
    );
    carryOutputs(changed, old);
    assert.deepEqual(changed.cells[1].outputs, []);
    assert.equal(changed.cells[2].outputs?.length, 1);
  });

  test("a cell added above keeps the outputs of the unchanged cells after it (ids follow places, so they all moved)", () => {
    const old = buildNotebook(cells, "completed");
    old.cells[1].outputs = [{ output_type: "stream", name: "stdout", text: "one\n" }];
    old.cells[2].outputs = [{ output_type: "stream", name: "stdout", text: "checked\n" }];
    const added = buildNotebook([cells[0], { cellType: "markdown", source: "A note.", tags: [], section: "s", origin: "" }, ...cells.slice(1)], "completed");
    carryOutputs(added, old);
    assert.deepEqual(added.cells.map((c) => (c.outputs ?? []).map((o) => (o as { text?: string }).text)), [[], [], ["one\n"], ["checked\n"]].map((x, i) => (added.cells[i].cell_type === "code" ? x : [])));
  });
});

describe("the committed lab notebooks", () => {
  const source = readSource();
  const read = (file: string) => JSON.parse(fs.readFileSync(file, "utf8")) as NotebookJson;

  test("are up to date with notebooks/source/ (else: node --import tsx scripts/build-notebooks.ts)", () => {
    for (const [file, variant] of [
      [EXERCISES_NOTEBOOK, "exercises"],
      [COMPLETED_NOTEBOOK, "completed"],
    ] as const) {
      assert.ok(fs.existsSync(file), `${file} is missing`);
      assert.deepEqual(differences(read(file), buildNotebook(source, variant)), [], `${path.basename(file)} is out of date with notebooks/source/`);
    }
  });

  test("the completed notebook is committed with outputs; the exercise notebook without", () => {
    const done = read(COMPLETED_NOTEBOOK).cells.filter((c) => c.cell_type === "code");
    const withOutputs = done.filter((c) => (c.outputs ?? []).length > 0).length;
    assert.ok(withOutputs >= done.length * 0.8, `only ${withOutputs} of ${done.length} code cells of the completed notebook have outputs: run the build with --execute`);
    assert.ok(read(EXERCISES_NOTEBOOK).cells.every((c) => (c.outputs ?? []).length === 0));
  });

  test("the parameters cell is the first code cell but the import, in both", () => {
    for (const file of [EXERCISES_NOTEBOOK, COMPLETED_NOTEBOOK]) {
      const code = read(file).cells.filter((c) => c.cell_type === "code");
      assert.deepEqual(code[1].metadata.tags, ["parameters"], path.basename(file));
      assert.equal(cellText(code[0].source).trim(), SETUP_IMPORTS);
    }
  });

  test("every exercise (1, 2, 4, 5, 6, 7) has its task, 2–3 hints, an exercise cell and a self-check, with its solution apart", () => {
    const numbers: string[] = [];
    for (let i = 0; i < source.length; i++) {
      const m = source[i].cellType === "markdown" ? /^### Exercise (\d+)(, bonus)?:/m.exec(source[i].source) : null;
      if (!m) continue;
      numbers.push(m[1] + (m[2] ? "b" : ""));
      const hints = source[i].source.match(/<details><summary>Hint \d<\/summary>/g) ?? [];
      assert.ok(hints.length >= 2 && hints.length <= 3, `exercise ${m[1]}: ${hints.length} hints`);
      assert.doesNotMatch(source[i].source, /<summary>Answer/, `exercise ${m[1]} gives its answer away`);
      const end = source.findIndex((c, k) => k > i && c.cellType === "markdown" && /^##/m.test(c.source) && !c.tags.includes("solution"));
      const own = source.slice(i + 1, end < 0 ? source.length : end);
      const checks = own.filter((c) => c.tags.includes("check"));
      assert.ok(checks.length > 0, `exercise ${m[1]} has no self-check`);
      assert.ok(checks.every((c) => /checkResult\(|checkAnswers\(/.test(c.source)), `exercise ${m[1]}: a check cell calls neither checkResult nor checkAnswers`);
      const solutions = own.filter((c) => c.tags.includes("solution") && c.cellType === "code");
      const scaffolds = own.filter((c) => c.tags.includes("scaffold") && c.cellType === "code");
      assert.ok(solutions.length > 0 && scaffolds.length > 0, `exercise ${m[1]}: needs an exercise (scaffold) cell and a solution`);
      for (const s of scaffolds.filter((c) => !c.tags.includes("check"))) assert.match(s.source, /^\/\/ /m, `exercise ${m[1]}: the exercise cell has comments saying where to write`);
    }
    assert.deepEqual(numbers, ["1", "2", "6", "4", "4b", "5", "7"]);
  });

  test("a section skipped leaves the later ones working: what a section takes from another (but Setting up and Data acquisition) its text names", () => {
    // A learner skipping a section (or an instructor dropping one) ran into tslab's "Cannot find name 'displayTimeline'"
    // (imported by the process trees, used by the timelines), 'checkResult' / 'checkAnswers' (imported by exercises 1
    // and 2's checks, used by every later one), 'entities' (imported by the pivots, used by the maps and alert graphs),
    // 'ti' and 'hostLogons', with nothing in the notebook saying where they came from.
    for (const file of [EXERCISES_NOTEBOOK, COMPLETED_NOTEBOOK]) {
      const problems = crossSectionNames(read(file));
      assert.deepEqual(problems, [], `${path.basename(file)}: import such a name in Setting up, or name it in the section's text`);
    }
  });

  test("every self-check passes the notebook's dataPaths, so a hunt on other data (npm run hunt -- --data) is not held to the lab's answers", () => {
    const calls = source.filter((c) => c.cellType === "code").flatMap((c) => c.source.match(/\b(checkResult|checkAnswers)\((?:[^()]|\([^()]*(?:\([^()]*\)[^()]*)*\))*\)/g) ?? []);
    assert.ok(calls.length >= 15, `${calls.length} self-check calls found`);
    for (const call of calls) assert.match(call, /[{,]\s*dataPaths: dataPaths\s*\}\)$/, call);
  });

  test("every link and image of the Markdown resolves: files beside the notebooks, anchors to a heading, the web over https", () => {
    const md = source.filter((c) => c.cellType === "markdown");
    // JupyterLab's heading anchors: the heading's text, spaces as "-" (case kept).
    const anchors = new Set(md.flatMap((c) => [...c.source.matchAll(/^#{1,6} +(.+)$/gm)].map((m) => m[1].trim().replace(/ /g, "-"))));
    const targets = md.flatMap((c) => {
      // Code spans and fenced code are not links.
      const text = c.source.replace(/```[\s\S]*?```/g, "").replace(/`[^`\n]*`/g, "");
      return [...text.matchAll(/!?\[[^\]\n]*\]\(([^)\s]+)\)|(?:href|src)="([^"]+)"/g)].map((m) => ({ target: m[1] ?? m[2], origin: c.origin }));
    });
    assert.ok(targets.length >= 5, `${targets.length} links found`);
    for (const { target, origin } of targets) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) {
        assert.match(target, /^https:\/\//, `${origin}: ${target} (the lab runs offline; a link out is https)`);
        continue;
      }
      const [file, hash] = target.split("#");
      if (file) assert.ok(fs.existsSync(path.join(path.dirname(COMPLETED_NOTEBOOK), decodeURIComponent(file))), `${origin}: ${target} is no file beside the notebooks`);
      if (hash !== undefined && !file) assert.ok(anchors.has(decodeURIComponent(hash)), `${origin}: #${hash} is no heading of the lab`);
    }
  });

  test("the lab starts with how to use it and ends with what was covered, next steps and credits", () => {
    const md = source.filter((c) => c.cellType === "markdown").map((c) => c.source);
    const how = md.findIndex((s) => /^## How to use this lab/m.test(s));
    assert.ok(how >= 0 && how < md.findIndex((s) => /^## Setting up/m.test(s)), "How to use this lab comes first");
    for (const needed of ["npm run lab", "TypeScript (huntlab)", "await", "display(", "HuntingLab-Completed.ipynb", "minutes"]) assert.ok(md[how].includes(needed), `How to use this lab: ${needed}`);
    const last = md.slice(-1)[0];
    for (const needed of ["## What you have covered", "## Where to go next", "## Credits", "MSTICPy team", "DB-IP", "Natural Earth", "npm run hunt"]) assert.ok(last.includes(needed), `closing section: ${needed}`);
  });
});
