/**
 * Runs the lab notebook's own cells, unchanged, on another data folder: the
 * cells of the sections that read logons, process events or network flows
 * (and the cells they depend on) are extracted from notebooks/HuntingLab.ipynb,
 * the parameters are overridden the way papermill does (a cell after the one
 * tagged `parameters`), and the result runs as one ES module in a Node child
 * process, with `display` collecting MIME bundles instead of printing them.
 *
 * Module rules differ from a kernel's, so the cells are adapted without
 * touching what they compute: imports are hoisted and de-duplicated, and
 * top-level `const`/`let` become `var` (a kernel lets a later cell declare a
 * name again).
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import ts from "typescript";
import { tempDir } from "../../helpers/tmp";

const ROOT = path.join(__dirname, "..", "..", "..");
export const NOTEBOOK = path.join(ROOT, "notebooks", "HuntingLab-Completed.ipynb");

/** The lab's queries whose results are logons, process events or network flows. */
export const EVENT_QUERIES: readonly string[] = [
  "list_host_logons",
  "list_host_logon_failures",
  "list_logon_attempts_by_account",
  "list_all_signins_geo",
  "list_aad_signins_for_account",
  "list_host_processes",
  "get_process_tree",
  "process_hierarchy",
  "list_azure_network_flows_by_host",
  "list_azure_network_flows_by_ip",
];

/**
 * The lab's sections whose cells read those events. (The pivots section is left
 * out: its cells rely on side effects of `new Pivot(...)` and on the lab's own
 * host and dates.)
 */
export const EVENT_SECTIONS: readonly string[] = ["data-acquisition", "enrich", "extract", "vis-maps-graphs", "vis-trees-timelines", "ml"];

interface Cell {
  index: number;
  section: string;
  source: string;
  tags: string[];
  file: ts.SourceFile;
  imports: ts.ImportDeclaration[];
  declares: Set<string>;
  uses: Set<string>;
  queries: string[];
}

function parseCell(index: number, section: string, source: string, tags: string[]): Cell {
  const file = ts.createSourceFile(`cell${index}.ts`, source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const imports: ts.ImportDeclaration[] = [];
  const declares = new Set<string>();
  const bind = (name: ts.BindingName) => {
    if (ts.isIdentifier(name)) declares.add(name.text);
    else for (const el of name.elements) if (!ts.isOmittedExpression(el)) bind(el.name);
  };
  for (const st of file.statements) {
    if (ts.isImportDeclaration(st)) imports.push(st);
    else if (ts.isVariableStatement(st)) st.declarationList.declarations.forEach((d) => bind(d.name));
    else if ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st)) && st.name) declares.add(st.name.text);
  }
  const uses = new Set<string>();
  const visit = (node: ts.Node) => {
    if (ts.isIdentifier(node) && !(ts.isPropertyAccessExpression(node.parent) && node.parent.name === node) && !(ts.isPropertyAssignment(node.parent) && node.parent.name === node)) {
      uses.add(node.text);
    }
    ts.forEachChild(node, visit);
  };
  file.statements.filter((s) => !ts.isImportDeclaration(s)).forEach(visit);
  const queries = [...source.matchAll(/\bqp\.\w+\.(\w+)\s*\(/g)].map((m) => m[1]);
  return { index, section, source, tags, file, imports, declares, uses, queries };
}

/** The notebook's code cells. */
export function notebookCells(notebook = NOTEBOOK): Cell[] {
  const nb = JSON.parse(fs.readFileSync(notebook, "utf8")) as { cells: { cell_type: string; source: string | string[]; metadata?: { tags?: string[]; huntlab_section?: string } }[] };
  return nb.cells
    .map((c, index) => ({ c, index }))
    .filter(({ c }) => c.cell_type === "code")
    .map(({ c, index }) => parseCell(index, c.metadata?.huntlab_section ?? "", Array.isArray(c.source) ? c.source.join("") : c.source, c.metadata?.tags ?? []));
}

/**
 * The cells of `sections` that concern `queries`: those calling them, those
 * using what they made (but nothing made from other queries), and the cells
 * those need (from any section).
 */
export function selectCells(cells: readonly Cell[], queries: readonly string[] = EVENT_QUERIES, sections: readonly string[] = EVENT_SECTIONS): Cell[] {
  const wanted = new Set(queries);
  const dataVars = new Set<string>();
  const foreignVars = new Set<string>();
  const chosen = new Set<Cell>();
  for (const cell of cells) {
    const foreign = cell.queries.some((q) => !wanted.has(q)) || [...cell.uses].some((u) => foreignVars.has(u));
    const ours = sections.includes(cell.section) && (cell.queries.some((q) => wanted.has(q)) || [...cell.uses].some((u) => dataVars.has(u)));
    if (foreign) cell.declares.forEach((d) => foreignVars.add(d));
    else if (ours) {
      chosen.add(cell);
      cell.declares.forEach((d) => dataVars.add(d));
    }
  }
  // What the chosen cells use from other cells: the latest earlier declaration, transitively.
  let grew = true;
  while (grew) {
    grew = false;
    for (const cell of [...chosen]) {
      for (const name of cell.uses) {
        const decl = [...cells].reverse().find((c) => c.index < cell.index && c.declares.has(name));
        if (decl && !chosen.has(decl)) {
          chosen.add(decl);
          grew = true;
        }
      }
    }
  }
  const parameters = cells.find((c) => c.tags.includes("parameters"));
  if (parameters) chosen.add(parameters);
  return cells.filter((c) => chosen.has(c));
}

/** The module specifier as a file URL: "huntlab" is the source tree's entry, other packages resolve from the repository. */
function resolveSpecifier(spec: string): string {
  if (spec === "huntlab") return pathToFileURL(path.join(ROOT, "src", "index.ts")).href;
  return pathToFileURL(require.resolve(spec, { paths: [ROOT] })).href;
}

/** Hoisted imports: one per module, names de-duplicated; `display` is replaced by the collector. */
function hoistImports(cells: readonly Cell[]): string {
  const byModule = new Map<string, { default?: string; namespace?: string; named: Set<string> }>();
  for (const cell of cells) {
    for (const imp of cell.imports) {
      const spec = (imp.moduleSpecifier as ts.StringLiteral).text;
      const entry = byModule.get(spec) ?? { named: new Set<string>() };
      const clause = imp.importClause;
      if (clause?.name) entry.default = clause.name.text;
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) entry.namespace = bindings.name.text;
      if (bindings && ts.isNamedImports(bindings)) bindings.elements.forEach((e) => entry.named.add(e.propertyName ? `${e.propertyName.text} as ${e.name.text}` : e.name.text));
      byModule.set(spec, entry);
    }
  }
  // The packages are CommonJS (huntlab's source through tsx too): named exports are read off the default export,
  // since `export *` re-exports are not visible to Node's static CommonJS analysis.
  const lines: string[] = [];
  let n = 0;
  for (const [spec, entry] of byModule) {
    entry.named.delete("display");
    const local = `__module${n++}`;
    lines.push(`import ${local} from ${JSON.stringify(resolveSpecifier(spec))};`);
    if (entry.default) lines.push(`const ${entry.default} = (${local} as any).default ?? ${local};`);
    if (entry.namespace) lines.push(`const ${entry.namespace} = ${local};`);
    if (entry.named.size) lines.push(`const { ${[...entry.named].map((x) => x.replace(" as ", ": ")).join(", ")} } = ${local} as any;`);
  }
  lines.push(`import __huntlab from ${JSON.stringify(resolveSpecifier("huntlab"))};`, "const __toMimeBundle = (__huntlab as any).toMimeBundle;");
  return lines.join("\n");
}

/** A cell's code without its imports, its top-level `const`/`let` as `var`. */
function cellBody(cell: Cell): string {
  const edits: { start: number; end: number; text: string }[] = [];
  for (const st of cell.file.statements) {
    if (ts.isImportDeclaration(st)) edits.push({ start: st.getStart(), end: st.getEnd(), text: "" });
    else if (ts.isVariableStatement(st)) {
      const list = st.declarationList;
      const start = list.getStart();
      const keyword = cell.source.slice(start).match(/^(const|let)\b/);
      if (keyword) edits.push({ start, end: start + keyword[1].length, text: "var" });
    }
  }
  let out = cell.source;
  for (const e of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

/** What a run produced. */
export interface LabRun {
  /** Notebook indexes of the cells that completed, in order. */
  ran: number[];
  /** Milliseconds each completed cell took. */
  ms: number[];
  /** The cell that threw, and the error. */
  failed?: { cell: number; error: string };
  /** text/plain + text/html of every `display(...)` of the cells. */
  displays: string[];
  /** What the cells (and views that display themselves) printed. */
  stdout: string;
  stderr: string;
  /** The generated module (for failure messages). */
  module: string;
}

/** One run of the cells: a data folder and parameter values. */
export interface LabRunSpec {
  /** A folder of files named like the lab's (host_logons.csv, az_net_comms.ndjson…). */
  dataPath: string;
  /** Values of the parameters cell (hostName, accountName, ipAddress…). */
  params?: Record<string, unknown>;
}

/** The module that runs the cells on one folder and writes its result to `out`. */
function cellsModule(cells: readonly Cell[], allCells: readonly Cell[], spec: LabRunSpec, out: string): string {
  const overrides = { dataPaths: [path.resolve(spec.dataPath)], queryPaths: [path.join(ROOT, "data", "queries")], ...spec.params };
  // Imports from every cell (the import-only setup cell included): unused ones cost nothing.
  const parts = [hoistImports(allCells), "const __displays: string[] = []; const __ran: number[] = []; const __ms: number[] = []; let __cell = -1; let __t = Date.now();"];
  parts.push(
    "const display = (value: unknown) => { const b = __toMimeBundle(value) as Record<string, unknown>; __displays.push(String(b['text/plain'] ?? '') + '\\n' + String(b['text/html'] ?? '')); };",
    `const __finish = (failed?: unknown) => { __fs.writeFileSync(${JSON.stringify(out)}, JSON.stringify({ ran: __ran, ms: __ms, displays: __displays, failed: failed === undefined ? undefined : { cell: __cell, error: failed instanceof Error ? (failed.stack ?? failed.message) : String(failed) } })); };`,
    `import __fs from "node:fs";`,
    "try {",
  );
  for (const cell of cells) {
    parts.push(`__cell = ${cell.index}; __t = Date.now();`, cellBody(cell), `__ran.push(${cell.index}); __ms.push(Date.now() - __t);`);
    // papermill's injected-parameters cell, after the one tagged "parameters".
    if (cell.tags.includes("parameters")) parts.push(...Object.entries(overrides).map(([k, v]) => `${k} = ${JSON.stringify(v)};`));
  }
  parts.push("__finish(); } catch (err) { __finish(err); }");
  return parts.join("\n");
}

/**
 * Runs the event cells of the lab on each folder, with the lab's query
 * definitions, in one Node child process (the library loads once; each run is
 * its own module, so each has its own variables).
 */
export function runLabCells(runs: readonly LabRunSpec[], options: { timeoutMs?: number; notebook?: string } = {}): LabRun[] {
  const allCells = notebookCells(options.notebook);
  const cells = selectCells(allCells);
  const dir = tempDir("huntlab-labcells-");
  const files = runs.map((spec, i) => {
    const file = path.join(dir, `run${i}.mts`);
    const out = path.join(dir, `run${i}.json`);
    fs.writeFileSync(file, cellsModule(cells, allCells, spec, out));
    return { file, out };
  });
  const driver = path.join(dir, "driver.mts");
  fs.writeFileSync(driver, files.map((f, i) => `console.log("@@run ${i}"); await import(${JSON.stringify(pathToFileURL(f.file).href)});`).join("\n") + "\n");
  const child = spawnSync(process.execPath, ["--import", "tsx", driver], {
    cwd: path.join(ROOT, "notebooks"),
    env: { ...process.env, NODE_OPTIONS: "" },
    encoding: "utf8",
    timeout: options.timeoutMs ?? 300_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  const stdout = (child.stdout ?? "").split(/^@@run \d+\n/m).slice(1);
  return files.map((f, i) => {
    const result = fs.existsSync(f.out)
      ? (JSON.parse(fs.readFileSync(f.out, "utf8")) as Omit<LabRun, "stdout" | "stderr" | "module">)
      : { ran: [], ms: [], displays: [], failed: { cell: -1, error: `no result (exit ${child.status}, signal ${child.signal}): ${child.stderr}` } };
    return { ...result, stdout: stdout[i] ?? "", stderr: child.stderr ?? "", module: fs.readFileSync(f.file, "utf8") };
  });
}
