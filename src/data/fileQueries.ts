/**
 * Any folder of files is a data source: every data file (and Parquet dataset
 * folder) under the data paths becomes a query named after its stem, in a
 * family named after its folder (`LocalData` at the top). A file that a query
 * file already reads is left to that query, which adds its description,
 * parameters and time column.
 */
import path from "node:path";
import { TOP_FAMILY, type DataFileIndex, type DataSource } from "./dataSources";
import { foreignFormat } from "./readers";
import type { QueryDefinition, QueryParameter } from "./types";

/** The family of a source: its folders under the data path joined with `_` (`mde/2026` → `mde_2026`), or `LocalData` at the top. */
export function familyOf(source: DataSource): string {
  // In one Unicode form (NFC), as a name typed in a notebook is: a macOS folder's `Ä` is `A` + a combining mark.
  return source.folders.length ? source.folders.join("_").normalize("NFC") : TOP_FAMILY;
}

/**
 * The lab's answer files (`answers.json`, `answers_<exercise>.json`) at the top of a data path: a copy of
 * the lab's data/ for a class must not list them to learners as queries (checkAnswers reads the project's own).
 */
function isAnswersFile(source: DataSource): boolean {
  return source.kind === "file" && source.folders.length === 0 && /^answers(_[A-Za-z0-9_-]+)?\.json$/i.test(source.name);
}

/** The optional time range every file query takes. */
const TIME_PARAMETERS: readonly QueryParameter[] = [
  { name: "start", type: "datetime", description: "Events at or after this time (absent: from the first)", required: false, aliases: [] },
  { name: "end", type: "datetime", description: "Events at or before this time (absent: to the last)", required: false, aliases: [] },
];

function describe(source: DataSource): string {
  switch (source.kind) {
    case "file":
      return `${source.format.toUpperCase()} file ${source.name}`;
    case "dataset": {
      const by = source.partitionKeys.length ? `, partitioned by ${source.partitionKeys.join(", ")}` : "";
      return `Parquet dataset ${source.name}/ (${source.files.length} file${source.files.length === 1 ? "" : "s"}${by})`;
    }
    case "foreign":
      return `${source.name}: ${foreignFormat(source.name)?.what ?? "unsupported format"} (convert it to read it)`;
  }
}

/** The relative path of a source under its data path, with `/`. */
function relativeOf(source: DataSource): string {
  return path.relative(source.root, source.path).split(path.sep).join("/") || source.name;
}

/**
 * The queries made from the data sources that no query in `defined` reads.
 * One stem in two formats in one folder gives one query, which names the
 * ambiguity when run; a later data path's source replaces an earlier one.
 * With `skipAnswers`, the lab's answer files are left out ({@link isAnswersFile}).
 * A family name for which `reserved` is true (a provider member) gets `_files` appended,
 * and so does a family `then`; a file named `then.*` gives a query `then_file`
 * (a query or family `then` would make `await qp.Family` call it as a promise's then).
 */
export function fileQueries(index: DataFileIndex, defined: readonly QueryDefinition[], reserved: (family: string) => boolean = () => false, skipAnswers = false): QueryDefinition[] {
  const used = new Set<string>();
  for (const q of defined) {
    try {
      const source = index.find(q.query, `query ${q.family}.${q.name}`);
      if (source) used.add(source.path);
    } catch {
      // An ambiguous name: the query reports it when it runs.
    }
  }
  const taken = new Set(defined.map((q) => `${q.family}.${q.name}`));
  const byKey = new Map<string, { query: QueryDefinition; sources: DataSource[] }>();
  for (const source of index.sources()) {
    if (used.has(source.path) || (skipAnswers && isAnswersFile(source))) continue;
    const family = reserved(familyOf(source)) || familyOf(source) === "then" ? `${familyOf(source)}_files` : familyOf(source);
    const stem = source.stem.normalize("NFC");
    const name = stem === "then" ? "then_file" : stem;
    const key = `${family}.${name}`;
    if (taken.has(key)) continue;
    const previous = byKey.get(key);
    const sameFolder = previous?.sources.filter((s) => s.rootIndex === source.rootIndex) ?? [];
    const sources = [...sameFolder, source];
    const rel = relativeOf(source);
    const query: QueryDefinition = {
      family,
      name,
      description: describe(source),
      query: sources.length > 1 ? rel.slice(0, rel.length - source.name.length) + source.stem : rel,
      parameters: TIME_PARAMETERS.map((p) => ({ ...p, aliases: [...p.aliases] })),
      metadata: { data_families: [family], data_file: rel },
      sourceFile: source.path,
    };
    // Two formats of one stem: resolved by name at run time, which reports the ambiguity.
    if (sources.length === 1) query.dataFile = source.path;
    byKey.set(key, { query, sources });
  }
  return [...byKey.values()].map((v) => v.query);
}
