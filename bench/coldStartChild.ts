/**
 * One phase of the cold-start bench, in a fresh process (so that nothing is
 * cached): `node --import tsx bench/coldStartChild.ts <typecheck|require> NOTEBOOK`.
 *
 * - `typecheck`: what tslab does before it runs each cell, on its own: loads its
 *   TypeScript, creates its converter (a watch program: lib and @types parsed)
 *   and converts every code cell of NOTEBOOK in order (type check + emit), in
 *   notebooks/ as the kernel does. tslab creates the converter lazily, on the
 *   first cell.
 * - `require`: `require("huntlab")` (dist/index.js and its dependencies).
 * - `declfiles`: the declaration files a cell's `import … from "huntlab"` makes
 *   the type checker read (every cell re-checks them), by package.
 *
 * Prints one JSON line of ms figures. Exits explicitly: tslab's watch program
 * keeps file watchers open.
 */
import fs from "node:fs";
import path from "node:path";

const ROOT = path.resolve(__dirname, "..");

/** The part of tslab's converter used here (tslab/dist/converter.d.ts). */
interface TslabConverter {
  convert(prevDecl: string, src: string): { diagnostics: { messageText: string }[]; declOutput?: string };
}

export interface TypecheckTimes {
  loadTypescriptMs: number;
  createConverterMs: number;
  firstCellMs: number;
  otherCellsMs: number;
  cells: number;
  /** Cells tslab would skip (type errors): must be 0. */
  rejected: string[];
  cpuMs: number;
  /** Size of the declarations tslab carries from cell to cell (re-checked with every cell). */
  finalDeclChars: number;
}

function cellSources(notebook: string): string[] {
  const nb = JSON.parse(fs.readFileSync(notebook, "utf8")) as { cells: { cell_type: string; source: string | string[] }[] };
  return nb.cells.filter((c) => c.cell_type === "code").map((c) => (Array.isArray(c.source) ? c.source.join("") : c.source));
}

function typecheck(notebook: string): TypecheckTimes {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createConverter } = require(path.join(ROOT, "node_modules", "tslab", "dist", "converter.js")) as {
    createConverter: (options: { isJS: boolean; isBrowser: boolean }) => TslabConverter;
  };
  const t1 = performance.now();
  process.chdir(path.join(ROOT, "notebooks"));
  const converter = createConverter({ isJS: false, isBrowser: false });
  const t2 = performance.now();
  const times: number[] = [];
  const rejected: string[] = [];
  let prevDecl = "";
  for (const src of cellSources(notebook)) {
    const s = performance.now();
    const result = converter.convert(prevDecl, src);
    times.push(performance.now() - s);
    if (result.diagnostics.length) rejected.push(`${src.split("\n")[0]}: ${result.diagnostics.map((d) => d.messageText).join("; ")}`);
    else prevDecl = result.declOutput ?? "";
    if (process.env.HUNTLAB_COLDSTART_DECL) fs.writeFileSync(process.env.HUNTLAB_COLDSTART_DECL, prevDecl);
  }
  const cpu = process.cpuUsage(cpu0);
  return {
    loadTypescriptMs: t1 - t0,
    createConverterMs: t2 - t1,
    firstCellMs: times[0] ?? 0,
    otherCellsMs: times.slice(1).reduce((a, b) => a + b, 0),
    cells: times.length,
    rejected,
    cpuMs: (cpu.user + cpu.system) / 1000,
    finalDeclChars: prevDecl.length,
  };
}

function requireHuntlab(): { requireMs: number; cpuMs: number } {
  process.chdir(path.join(ROOT, "notebooks"));
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(require.resolve("huntlab", { paths: [process.cwd()] }));
  const cpu = process.cpuUsage(cpu0);
  return { requireMs: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000 };
}

export interface DeclFiles {
  files: number;
  bytes: number;
  /** Files per package (`huntlab` = dist/; others by npm name); the 12 largest counts. */
  byPackage: Record<string, number>;
}

function declFiles(): DeclFiles {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ts = require(path.join(ROOT, "node_modules", "typescript")) as typeof import("typescript");
  const dir = path.join(ROOT, "notebooks");
  const entry = path.join(dir, "__declfiles__.ts");
  const options = { module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10, target: ts.ScriptTarget.ES2022, esModuleInterop: true, types: ["node"], noEmit: true };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  host.readFile = (f) => (path.resolve(f) === entry ? 'import * as huntlab from "huntlab";\nexport const x = huntlab;\n' : readFile(f));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (f) => path.resolve(f) === entry || fileExists(f);
  const program = ts.createProgram([entry], options, host);
  const counts = new Map<string, number>();
  let bytes = 0;
  for (const sf of program.getSourceFiles()) {
    if (!sf.isDeclarationFile) continue;
    bytes += sf.text.length;
    const real = fs.realpathSync(sf.fileName);
    const pkg = real.startsWith(path.join(ROOT, "dist") + path.sep) ? "huntlab" : (/node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(real)?.[1] ?? "other");
    counts.set(pkg, (counts.get(pkg) ?? 0) + 1);
  }
  const byPackage = Object.fromEntries([...counts].sort((a, b) => b[1] - a[1]).slice(0, 12));
  return { files: [...counts.values()].reduce((a, b) => a + b, 0), bytes, byPackage };
}

const [mode, notebookArg] = process.argv.slice(2);
const notebook = path.resolve(notebookArg ?? "");
if (mode === "typecheck") process.stdout.write(`${JSON.stringify(typecheck(notebook))}\n`);
else if (mode === "declfiles") process.stdout.write(`${JSON.stringify(declFiles())}\n`);
else if (mode === "require") process.stdout.write(`${JSON.stringify(requireHuntlab())}\n`);
else throw new Error(`usage: coldStartChild.ts <typecheck|require|declfiles> NOTEBOOK (got ${mode})`);
process.exit(0);
