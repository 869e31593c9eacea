/**
 * One run of `elasticMemory.bench.ts`: N generated ECS logon hits (`_source` nested, `sort`, `_id`), answered in
 * pages of 1,000 as JSON text and parsed as the HTTP client does, then made a frame. `kept`: every hit held until
 * the last page, then elasticTable (the driver before); `pages`: each page read into ElasticRecords as it comes
 * (the driver now). Prints JSON: rows, peak RSS (MB), CPU (s).
 */
import { ElasticRecords, elasticFieldTypes, elasticTable, type ElasticHit } from "../src/data/live/elasticColumns";
import { liveFrame } from "../src/data/live/results";

const mode = process.argv[2] === "kept" ? "kept" : "pages";
const N = Number(process.argv[3] ?? 1_000_000);
const PAGE = 1000;
const kw = { type: "keyword" };
const mapping = {
  "logs-bench": {
    mappings: {
      properties: {
        "@timestamp": { type: "date" },
        event: { properties: { code: { type: "long" }, action: kw, outcome: kw } },
        host: { properties: { name: kw, ip: { type: "ip" } } },
        user: { properties: { name: kw, domain: kw } },
        source: { properties: { ip: { type: "ip" }, port: { type: "long" } } },
        destination: { properties: { ip: { type: "ip" }, port: { type: "long" } } },
        process: { properties: { name: kw, pid: { type: "long" }, command_line: kw } },
        message: { type: "text" },
      },
    },
  },
};
const fieldTypes = elasticFieldTypes(mapping);

function pageText(p: number): string {
  const hits = [];
  for (let i = 0; i < PAGE; i++) {
    const n = p * PAGE + i;
    hits.push({
      _index: "logs-bench",
      _id: `id${n.toString(36)}xyzABC`,
      _score: null,
      sort: [1700000000000 + n, n],
      _source: {
        "@timestamp": new Date(1700000000000 + n * 1000).toISOString(),
        event: { code: 4624 + (n % 3), action: "logon", outcome: n % 7 ? "success" : "failure" },
        host: { name: `ws-${n % 500}.corp.example`, ip: `10.0.${(n >> 8) & 255}.${n & 255}` },
        user: { name: `user${n % 2000}`, domain: "CORP" },
        source: { ip: `192.168.${(n >> 8) & 255}.${n & 255}`, port: 40000 + (n % 20000) },
        destination: { ip: "10.1.1.1", port: 445 },
        process: { name: "svchost.exe", pid: 1000 + (n % 30000), command_line: `C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s Schedule ${n}` },
        message: `An account was successfully logged on. ${n}`,
      },
    });
  }
  return JSON.stringify({ hits: { hits } });
}

const page = (p: number) => (JSON.parse(pageText(p)) as { hits: { hits: ElasticHit[] } }).hits.hits;
/** As the driver does: what it holds is out of reach once it returns the table. */
function query(): ReturnType<typeof elasticTable> {
  if (mode === "kept") {
    const hits: ElasticHit[] = [];
    for (let p = 0; p < N / PAGE; p++) for (const h of page(p)) hits.push(h);
    return elasticTable(hits, fieldTypes);
  }
  const records = new ElasticRecords(fieldTypes);
  for (let p = 0; p < N / PAGE; p++) records.add(page(p));
  return records.table();
}
const cpu0 = process.cpuUsage();
const table = query();
const df = liveFrame({ columns: table.columns, rows: table.rows });
const cpu = process.cpuUsage(cpu0);
console.log(JSON.stringify({ mode, rows: df.height, peakMb: Math.round(process.resourceUsage().maxRSS / 1024), cpuS: Number(((cpu.user + cpu.system) / 1e6).toFixed(1)) }));
