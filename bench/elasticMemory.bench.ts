/**
 * Elasticsearch paging memory (on request: `node --import tsx bench/index.ts elasticMemory`; N from
 * BENCH_ELASTIC_HITS, default 1,000,000): peak RSS and CPU of a paged answer made a frame, every hit kept to the
 * end (the driver before) against each page read into rows as it comes (ElasticRecords, the driver now), each in
 * a child process of its own (elasticMemoryChild.ts), old and new alternating.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";

export async function run(): Promise<void> {
  if (!process.argv.slice(2).some((a) => "elasticMemory.bench.ts".includes(a))) {
    console.log("\n## Elasticsearch paging memory: skipped (run `node --import tsx bench/index.ts elasticMemory`)");
    return;
  }
  const hits = process.env.BENCH_ELASTIC_HITS ?? "1000000";
  console.log(`\n## Elasticsearch paging memory (${hits} hits, pages of 1,000)`);
  for (const mode of ["kept", "pages", "kept", "pages"]) {
    const r = spawnSync(process.execPath, ["--max-old-space-size=8192", "--import", "tsx", path.join(__dirname, "elasticMemoryChild.ts"), mode, hits], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`elasticMemoryChild ${mode}: ${r.stderr}`);
    const out = JSON.parse(r.stdout.trim().split("\n").at(-1) ?? "{}") as { rows: number; peakMb: number; cpuS: number };
    console.log(`${mode === "kept" ? "every hit kept (before)" : "rows per page (now)    "}  rows ${out.rows}  peak RSS ${out.peakMb} MB  CPU ${out.cpuS} s`);
  }
}
