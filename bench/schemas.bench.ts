/**
 * Mapping other layouts onto the lab's frames (src/data/schemas): 200,000 Security Lake VPC flow
 * events (OCSF Network Activity) through `normalizeEvents`, as Athena's CSV writes them (each struct
 * column Presto/Trino text, `{ip=10.0.0.5, port=443, …}`) and as nested NDJSON (struct columns), for
 * comparison. The rows repeat the test fixtures' events with their source port and address varied
 * (so nearly every struct text is distinct); files cached in bench/out/schemas/.
 */
import fs from "node:fs";
import path from "node:path";
import { readDataFile } from "../src/data/readers";
import { normalizeEvents } from "../src/data/schemas";
import { measure, report } from "./harness";

const ROWS = Number(process.env.BENCH_ROWS ?? 200_000);
const FIXTURES = path.join(__dirname, "..", "test", "fixtures", "schemas", "ocsf");
const OUT = path.join(__dirname, "out", "schemas");

const address = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;

function athenaCsv(file: string): void {
  const [head, ...rows] = fs.readFileSync(path.join(FIXTURES, "securitylake_vpcflow_athena.csv"), "utf8").trimEnd().split("\n");
  const out = [head];
  for (let i = 0; i < ROWS; i += 1) {
    // The first struct is src_endpoint: its port and ip varied.
    out.push(rows[i % rows.length].replace(/port=\d+/, `port=${40000 + (i % 20000)}`).replace(/ip=[0-9.]+/, `ip=${address(i)}`));
  }
  fs.writeFileSync(file, out.join("\n") + "\n");
}

function nestedNdjson(file: string): void {
  const rows = fs.readFileSync(path.join(FIXTURES, "securitylake_vpcflow.ndjson"), "utf8").trimEnd().split("\n").map((l) => JSON.parse(l) as { src_endpoint: { port: number; ip: string } });
  const out: string[] = [];
  for (let i = 0; i < ROWS; i += 1) {
    const r = structuredClone(rows[i % rows.length]);
    r.src_endpoint.port = 40000 + (i % 20000);
    r.src_endpoint.ip = address(i);
    out.push(JSON.stringify(r));
  }
  fs.writeFileSync(file, out.join("\n") + "\n");
}

function input(name: string, write: (file: string) => void): string {
  const file = path.join(OUT, `${ROWS}_${name}`);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(OUT, { recursive: true });
    write(file);
  }
  return file;
}

export async function run(): Promise<void> {
  const csv = readDataFile(input("securitylake_athena.csv", athenaCsv));
  const ndjson = readDataFile(input("securitylake.ndjson", nestedNdjson));
  const n = ROWS.toLocaleString("en");
  report(`Security Lake flows onto the lab's columns (${n} rows)`, [
    await measure(`Athena CSV (Trino struct text): normalizeEvents`, () => normalizeEvents(csv, "networkFlow"), { runs: 3, release: true, note: "each struct column read once; its fields picked out in JS" }),
    await measure(`nested NDJSON (struct columns): normalizeEvents`, () => normalizeEvents(ndjson, "networkFlow"), { runs: 3, release: true }),
  ]);
}
