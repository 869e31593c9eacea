/**
 * Converts the lab's NDJSON exports (with their pandas dtype manifest) into the
 * Parquet files under data/. Run: `npm run convert-data -- <lab-data dir>`
 * (default ../shared/lab-data). The output is deterministic for a given input.
 *
 * dtype mapping (pandas → polars):
 *   object[str] → Utf8; int64 → Int64; float64 → Float64 (NaN/None → null);
 *   bool, object[bool] → Boolean; datetime64[ns] → Datetime(ms) (the data has
 *   millisecond precision at most); datetime64[ns, UTC] → Datetime(ms, UTC);
 *   timedelta64[ns] → Duration(ms) (the export holds seconds);
 *   object[list] of strings → List(Utf8); other lists and dicts → JSON text
 *   (parse with `parseJsonColumn`).
 */
import fs from "node:fs";
import path from "node:path";
import pl from "nodejs-polars";

interface ManifestEntry {
  source: string;
  rows: number;
  columns: Record<string, string>;
}

/** Where each dataset lands: the file name the query YAML refers to. */
export function outputName(dataset: string): string {
  return `${dataset}.parquet`;
}

function toSeries(name: string, dtype: string, values: unknown[]): pl.Series {
  const nullish = (v: unknown) => v === null || v === undefined || (typeof v === "number" && Number.isNaN(v));
  switch (dtype) {
    case "int64":
      return pl.Series(name, values.map((v) => (nullish(v) ? null : Number(v))), pl.Int64);
    case "float64":
      return pl.Series(name, values.map((v) => (nullish(v) ? null : Number(v))), pl.Float64);
    case "bool":
    case "object[bool]":
      return pl.Series(name, values.map((v) => (nullish(v) ? null : Boolean(v))), pl.Bool);
    case "datetime64[ns]":
    case "datetime64[ns, UTC]": {
      const dates = values.map((v) => (nullish(v) || v === "" ? null : new Date(String(v))));
      for (const d of dates) {
        if (d && Number.isNaN(d.getTime())) throw new Error(`column ${name}: unparseable datetime`);
      }
      const s = pl.Series(name, dates, pl.Datetime("ms"));
      return dtype.includes("UTC") ? s.cast(pl.Datetime("ms", "UTC")) : s;
    }
    case "timedelta64[ns]":
      return pl.Series(name, values.map((v) => (nullish(v) ? null : Math.round(Number(v) * 1000))), pl.Int64).cast(
        pl.Duration("ms"),
      );
    case "object[list]": {
      const allStrings = values.every((v) => nullish(v) || (Array.isArray(v) && v.every((e) => typeof e === "string")));
      if (allStrings) return pl.Series(name, values.map((v) => (nullish(v) ? null : v)), pl.List(pl.Utf8));
      return pl.Series(name, values.map((v) => (nullish(v) ? null : JSON.stringify(v))), pl.Utf8);
    }
    case "object[dict]":
      return pl.Series(name, values.map((v) => (nullish(v) ? null : JSON.stringify(v))), pl.Utf8);
    case "object[str]":
      return pl.Series(name, values.map((v) => (nullish(v) ? null : String(v))), pl.Utf8);
    default:
      throw new Error(`column ${name}: no mapping for dtype ${dtype}`);
  }
}

export function convertDataset(labDir: string, dataset: string, entry: ManifestEntry): pl.DataFrame {
  const file = path.join(labDir, `${dataset}.ndjson`);
  const rows = fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line, i) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch (err) {
        throw new Error(`${file}:${i + 1}: invalid JSON (${(err as Error).message})`);
      }
    });
  if (rows.length !== entry.rows) throw new Error(`${file}: ${rows.length} rows, manifest says ${entry.rows}`);
  const columns = Object.entries(entry.columns).map(([name, dtype]) =>
    toSeries(name, dtype, rows.map((r) => r[name])),
  );
  return pl.DataFrame(columns);
}

function main(): void {
  const labDir = path.resolve(process.argv[2] ?? path.join(__dirname, "..", "..", "shared", "lab-data"));
  const outDir = path.resolve(process.argv[3] ?? path.join(__dirname, "..", "data"));
  const manifest = JSON.parse(fs.readFileSync(path.join(labDir, "manifest.json"), "utf8")) as Record<string, ManifestEntry>;
  fs.mkdirSync(outDir, { recursive: true });
  for (const [dataset, entry] of Object.entries(manifest)) {
    const df = convertDataset(labDir, dataset, entry);
    const out = path.join(outDir, outputName(dataset));
    df.writeParquet(out, { compression: "zstd" });
    console.log(`${dataset}: ${df.height} rows × ${df.width} columns → ${path.relative(process.cwd(), out)} (${fs.statSync(out).size} bytes)`);
  }
}

if (require.main === module) main();
