// huntlab: API stable
/**
 * The browser libraries huntlab's HTML views use, read from the package's own
 * `node_modules` (never a CDN: the lab works offline) and shipped inside each
 * output as gzip + base64.
 *
 * Why compressed inline per output (measured, see `libraryPayloads`):
 * cytoscape 3.x is 443 KB minified but 139 KB gzipped (185 KB as base64), and
 * leaflet + markercluster + CSS are 73 KB as base64. An output that carries its
 * own libraries works wherever it is rendered on its own: VS Code and a reopened
 * trusted notebook render outputs in any order and drop earlier "loader"
 * outputs, so an output that relied on a library loaded by another output would
 * break there. The browser decompresses with the standard `DecompressionStream`
 * and evaluates each library once per page (a window-level registry keyed by
 * name@version), so ten views on one page still evaluate Cytoscape once.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import { LibraryNotFoundError, displayMessages as msg } from "./messages";

/** Browser libraries an HTML view can ask for. */
export type JsLibraryName = "cytoscape" | "cytoscape-dagre" | "leaflet" | "leaflet.markercluster";

/** Every library name, in dependency order. */
export const JS_LIBRARY_NAMES: readonly JsLibraryName[] = ["cytoscape", "cytoscape-dagre", "leaflet", "leaflet.markercluster"];

interface LibraryDefinition {
  /** npm package that holds the file. */
  packageName: string;
  /** The minified UMD build, relative to the package root. */
  file: string;
  /** Property of the `libs` object a view script receives. */
  exportAs: string;
  /** Libraries that must be evaluated first. */
  deps: JsLibraryName[];
  /**
   * Free variables of the library bound to a dependency's exports (markercluster
   * reads a global `L`; we pass it leaflet's exports instead of a global).
   */
  globals?: Record<string, JsLibraryName>;
  /** Stylesheets, relative to the package root; `url(images/…)` become data URIs. */
  css?: string[];
}

const LIBRARIES: Record<JsLibraryName, LibraryDefinition> = {
  cytoscape: { packageName: "cytoscape", file: "dist/cytoscape.min.js", exportAs: "cytoscape", deps: [] },
  "cytoscape-dagre": {
    // cytoscape-dagre 4 bundles dagre itself.
    packageName: "cytoscape-dagre",
    file: "dist/cytoscape-dagre.min.js",
    exportAs: "cytoscapeDagre",
    deps: ["cytoscape"],
    // Registered with cytoscape by the client runtime (client/runtime.ts).
  },
  leaflet: { packageName: "leaflet", file: "dist/leaflet.js", exportAs: "L", deps: [], css: ["dist/leaflet.css"] },
  "leaflet.markercluster": {
    packageName: "leaflet.markercluster",
    file: "dist/leaflet.markercluster.js",
    exportAs: "markercluster",
    deps: ["leaflet"],
    globals: { L: "leaflet" },
    css: ["dist/MarkerCluster.css", "dist/MarkerCluster.Default.css"],
  },
};

/** One library as it travels inside an output. */
export interface LibraryPayload {
  name: JsLibraryName;
  /** `name@version`: the page-level registry key (two versions never collide). */
  key: string;
  version: string;
  exportAs: string;
  /** Keys of the libraries to evaluate first. */
  deps: string[];
  /** Free variable name → key of the library whose exports it gets. */
  globals: Record<string, string>;
  /** gzip + base64 of the JavaScript. */
  js: string;
  /** gzip + base64 of the CSS (all stylesheets joined), or "" when none. */
  css: string;
  /** Sizes in bytes: raw JS+CSS, and the base64 text in the output. */
  rawBytes: number;
  inlineBytes: number;
}

export { LibraryNotFoundError } from "./messages";

/** Package root of an installed package (walks up from its resolved entry; some packages do not export package.json). */
function packageRoot(packageName: string): { root: string; version: string } {
  let entry: string;
  try {
    entry = require.resolve(packageName);
  } catch (err) {
    throw new LibraryNotFoundError(msg.libraryNotInstalled(packageName, (err as Error).message));
  }
  let dir = dirname(entry);
  for (let i = 0; i < 6; i += 1) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: string; version?: string };
      if (pkg.name === packageName) return { root: dir, version: pkg.version ?? "0" };
    } catch {
      // no package.json at this level
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new LibraryNotFoundError(msg.libraryFolderMissing(packageName, entry));
}

/** gzip (level 9) + base64. */
function pack(text: string): string {
  return gzipSync(Buffer.from(text, "utf8"), { level: 9 }).toString("base64");
}

/** Source-map comments would make devtools fetch files that do not exist. */
function stripSourceMaps(code: string): string {
  return code.replace(/^\/\/# sourceMappingURL=.*$/gm, "");
}

const IMAGE_URL = /url\((['"]?)(images\/[\w.-]+\.png)\1\)/g;

/** Inlines `url(images/x.png)` references of a stylesheet as data URIs. */
function inlineCssImages(css: string, cssDir: string): string {
  return css.replace(IMAGE_URL, (match, _quote: string, rel: string) => {
    try {
      return `url("data:image/png;base64,${readFileSync(join(cssDir, rel)).toString("base64")}")`;
    } catch {
      return match;
    }
  });
}

const cache = new Map<JsLibraryName, LibraryPayload>();

/** The payload of one library (read and compressed once per process). */
export function libraryPayload(name: JsLibraryName): LibraryPayload {
  const cached = cache.get(name);
  if (cached) return cached;
  const def = LIBRARIES[name];
  if (!def) throw new LibraryNotFoundError(msg.libraryUnknown(String(name), JS_LIBRARY_NAMES));
  const { root, version } = packageRoot(def.packageName);
  let js: string;
  try {
    js = stripSourceMaps(readFileSync(join(root, def.file), "utf8"));
  } catch (err) {
    throw new LibraryNotFoundError(msg.libraryFileUnreadable(join(root, def.file), def.packageName, (err as Error).message));
  }
  const css = (def.css ?? [])
    .map((file) => inlineCssImages(readFileSync(join(root, file), "utf8"), dirname(join(root, file))))
    .join("\n");
  const key = (n: JsLibraryName): string => `${n}@${n === name ? version : libraryPayload(n).version}`;
  const packedJs = pack(js);
  const packedCss = css ? pack(css) : "";
  const payload: LibraryPayload = {
    name,
    key: key(name),
    version,
    exportAs: def.exportAs,
    deps: def.deps.map(key),
    globals: Object.fromEntries(Object.entries(def.globals ?? {}).map(([v, lib]) => [v, key(lib)])),
    js: packedJs,
    css: packedCss,
    rawBytes: Buffer.byteLength(js) + Buffer.byteLength(css),
    inlineBytes: packedJs.length + packedCss.length,
  };
  cache.set(name, payload);
  return payload;
}

/**
 * The payloads for `names` plus their dependencies, dependencies first, each once.
 * The order is the evaluation order in the browser.
 */
export function libraryPayloads(names: readonly JsLibraryName[]): LibraryPayload[] {
  const out: LibraryPayload[] = [];
  const seen = new Set<JsLibraryName>();
  const visit = (name: JsLibraryName): void => {
    if (seen.has(name)) return;
    seen.add(name);
    const def = LIBRARIES[name];
    if (!def) throw new LibraryNotFoundError(msg.libraryUnknown(String(name), JS_LIBRARY_NAMES));
    def.deps.forEach(visit);
    out.push(libraryPayload(name));
  };
  names.forEach(visit);
  return out;
}
