/**
 * huntlab installed from its tarball into a hunter's own project (`npm pack`, then
 * `npm install huntlab-0.1.0.tgz`): npm runs the package's own `postinstall` there, where
 * patch-package (a devDependency) is not installed. It used to fail the whole install.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const ROOT = path.resolve(__dirname, "..");
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string>; files: string[] };

test("npm pack builds dist/ first (prepack): dist/ is not in git, and a tarball without it cannot be imported", () => {
  assert.equal(pkg.scripts.prepack, "node scripts/run.mjs build");
  assert.match(fs.readFileSync(path.join(ROOT, ".gitignore"), "utf8"), /^\/?dist\/?$/m);
});

/** Runs the postinstall as npm does on Linux (`sh -c`, node_modules/.bin of the package first on PATH). */
function postinstall(cwd: string, binDir: string): { status: number | null; out: string } {
  const nodeDir = path.dirname(process.execPath);
  const r = spawnSync("sh", ["-c", pkg.scripts.postinstall], { cwd, encoding: "utf8", env: { PATH: `${binDir}:${nodeDir}:/usr/bin:/bin` } });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

let packed: Set<string> | undefined;

/**
 * What `npm pack` would put in the tarball (dist/ as it is now: no build). Asked once per process: the three tests
 * below read the same list, and each `npm pack --dry-run` cost ~4 s of CPU (npm itself, and listing dist/).
 */
function packedFiles(): Set<string> {
  packed ??= packList();
  return packed;
}

function packList(): Set<string> {
  const npmCli = path.join(path.dirname(process.execPath), "..", "lib", "node_modules", "npm", "bin", "npm-cli.js");
  const args = ["pack", "--dry-run", "--json", "--ignore-scripts"];
  const out = fs.existsSync(npmCli) ? execFileSync(process.execPath, [npmCli, ...args], { cwd: ROOT, encoding: "utf8" }) : execFileSync("npm", args, { cwd: ROOT, encoding: "utf8" });
  return new Set((JSON.parse(out) as { files: { path: string }[] }[])[0].files.map((f) => f.path));
}

describe("the package as a dependency of another project", () => {
  test("postinstall skips patch-package where it is not installed (a consumer's node_modules/huntlab) and runs it in the repository", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "huntlab-pkg-"));
    try {
      const consumer = path.join(dir, "node_modules", "huntlab");
      const bin = path.join(dir, "bin");
      fs.mkdirSync(consumer, { recursive: true });
      fs.mkdirSync(bin);
      const plain = postinstall(consumer, bin);
      assert.equal(plain.status, 0, plain.out);
      // The repository's case: patch-package installed beside the package, its command on PATH.
      const marker = path.join(dir, "ran");
      fs.writeFileSync(path.join(bin, "patch-package"), `#!/bin/sh\necho ran > "${marker}"\n`, { mode: 0o755 });
      fs.mkdirSync(path.join(consumer, "node_modules", "patch-package"), { recursive: true });
      const repo = postinstall(consumer, bin);
      assert.equal(repo.status, 0, repo.out);
      assert.ok(fs.existsSync(marker), "patch-package did not run where it is installed");
      // A failing patch-package still fails the install in the repository.
      fs.writeFileSync(path.join(bin, "patch-package"), "#!/bin/sh\nexit 3\n", { mode: 0o755 });
      assert.equal(postinstall(consumer, bin).status, 3);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("the tarball holds the library, its data, the polars patch and the DejaVu Sans subsets (static PNGs), and no sources or tests", () => {
    const files = packedFiles();
    for (const f of ["dist/index.js", "dist/index.d.ts", "msticpyconfig.yaml", "NOTICE", "nbconvert-templates/lab-alt.html.j2", "nbconvert-templates/markdown-alt.md.j2", "nbconvert-templates/script-notes.j2", "patches/nodejs-polars+0.26.1.patch", "fonts/dejavu-latin/DejaVuSans.ttf", "fonts/dejavu-latin/DejaVuSans-BoldOblique.ttf", "fonts/dejavu-latin/LICENSE"]) assert.ok(files.has(f), `${f} is not packed`);
    assert.ok([...files].some((f) => f.startsWith("dist/client/")), "no client bundles packed");
    assert.ok([...files].some((f) => f.startsWith("data/") && f.endsWith(".yaml")), "no query files packed");
    assert.deepEqual([...files].filter((f) => /^(src|test|scripts|bench)\//.test(f)), []);
  });

  test("each packed source map carries its sources: src/ is not packed, so a map naming ../src/x.ts alone pointed at nothing", () => {
    const files = packedFiles();
    const maps = [...files].filter((f) => f.endsWith(".js.map"));
    assert.ok(maps.length > 0, "no source maps packed");
    const broken: string[] = [];
    for (const map of maps) {
      const m = JSON.parse(fs.readFileSync(path.join(ROOT, map), "utf8")) as { sources: string[]; sourcesContent?: (string | null)[] };
      m.sources.forEach((source, i) => {
        const packed = files.has(path.posix.join(path.posix.dirname(map), source));
        if (!packed && typeof m.sourcesContent?.[i] !== "string") broken.push(`${map} → ${source}`);
      });
    }
    assert.deepEqual(broken.slice(0, 5), []);
  });

  test("the tarball holds no output of a source that is gone (the build does not wipe dist/, so a deleted src/x.ts left dist/x.js to be packed)", () => {
    const emitted = /(\.d\.ts|\.js\.map|\.js)$/;
    const stale = [...packedFiles()].filter(
      (f) => f.startsWith("dist/") && !f.startsWith("dist/client/") && emitted.test(f) && !fs.existsSync(path.join(ROOT, "src", `${f.slice("dist/".length).replace(emitted, "")}.ts`)),
    );
    assert.deepEqual(stale, []);
  });
});

test("under npm pack (the prepack script) scripts/run.mjs prints to stderr: `npm pack --json | jq` reads npm's JSON only", (t) => {
  const runMjs = path.join(ROOT, "scripts", "run.mjs");
  // A task of run.mjs that prints on stdout without building (the build would rewrite dist/): where Python is found, its path.
  const direct = spawnSync(process.execPath, [runMjs, "python"], { cwd: ROOT, encoding: "utf8" });
  if (direct.status !== 0 || !direct.stdout.trim()) return t.skip("no Python with nbclient here: run.mjs python prints nothing");
  const python = direct.stdout.trim();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "huntlab-pack-"));
  try {
    fs.writeFileSync(path.join(dir, "index.js"), "module.exports = 1;\n");
    fs.writeFileSync(
      path.join(dir, "package.json"),
      // npm runs scripts through sh: single quotes keep a checkout path's spaces, quotes and `$HOME` as written.
      JSON.stringify({ name: "pack-probe", version: "1.0.0", files: ["index.js"], scripts: { prepack: `node '${runMjs.replace(/'/g, "'\\''")}' python` } }),
    );
    const npmCli = path.join(path.dirname(process.execPath), "..", "lib", "node_modules", "npm", "bin", "npm-cli.js");
    const args = ["pack", "--dry-run", "--json"];
    const r = fs.existsSync(npmCli) ? spawnSync(process.execPath, [npmCli, ...args], { cwd: dir, encoding: "utf8" }) : spawnSync("npm", args, { cwd: dir, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    // stdout is npm's JSON and nothing else; what the script printed is on stderr.
    const packed = JSON.parse(r.stdout) as { name: string }[];
    assert.equal(packed[0].name, "pack-probe");
    assert.ok(!r.stdout.includes(python), r.stdout);
    assert.ok(r.stderr.includes(python), r.stderr);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("engines.node says the Node huntlab needs, as README and the runner do: nodejs-polars' native binaries need Node 22 (it said >= 20)", () => {
  const engines = (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { engines: { node: string } }).engines.node;
  const least = Number(/^>=\s*(\d+)$/.exec(engines)?.[1]);
  // Every installed native binary of nodejs-polars (one per platform: optional dependencies) asks at most that.
  const modules = path.join(ROOT, "node_modules");
  const binaries = fs.readdirSync(modules).filter((d) => d.startsWith("nodejs-polars-"));
  assert.ok(binaries.length > 0, "no nodejs-polars binary installed");
  for (const d of binaries) {
    const need = (JSON.parse(fs.readFileSync(path.join(modules, d, "package.json"), "utf8")) as { engines?: { node?: string } }).engines?.node ?? "";
    const major = Number(/(\d+)/.exec(need)?.[1] ?? 0);
    assert.ok(least >= major, `${d} needs Node ${need}; package.json engines says ${engines}`);
  }
  assert.match(fs.readFileSync(path.join(ROOT, "README.md"), "utf8"), new RegExp(`nodejs-polars needs Node ≥ ${least}\\b`));
  assert.match(fs.readFileSync(path.join(ROOT, "scripts", "run.mjs"), "utf8"), new RegExp(`^const MIN_NODE = ${least};$`, "m"));
  const lock = JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, { engines?: { node?: string } }> };
  assert.equal(lock.packages[""]?.engines?.node, engines);
});
