/**
 * The lab's data (data/*.parquet) as the Log Analytics tables a Sentinel
 * workspace has, for the Log Analytics and Kusto twins (AzureNetworkAnalytics_CL
 * and CommonSecurityLog are rebuilt with their real columns: sentinelTables.ts). Several files make one
 * table where the workspace has one (SecurityEvent = logons + failed logons +
 * process creations + other events). TimeGenerated is a datetime as in the
 * real tables; lab files that hold it as text are parsed, and a value that
 * does not parse (some lab exports kept only "mm:ss.f") becomes null.
 */
import path from "node:path";
import pl from "nodejs-polars";
import type { Row, Value } from "./kqlEngine";
import { commonSecurityLogTable, networkAnalyticsTable } from "./sentinelTables";

const DATA = path.join(__dirname, "..", "..", "data");

/** Table → lab files. */
export const LAB_TABLES: Record<string, string[]> = {
  SecurityAlert: ["alerts_list.parquet"],
  SecurityEvent: ["host_logons.parquet", "failed_logons.parquet", "processes_on_host.parquet", "all_events.parquet"],
  SigninLogs: ["aad_logons.parquet"],
  Syslog: ["syslog_data.parquet"],
  OfficeActivity: ["activity_for_account.parquet"],
};

/**
 * Tables whose lab file is a query's output, not the table: rebuilt with the
 * real table's columns (sentinelTables.ts).
 */
export const DERIVED_TABLES: Record<string, { file: string; build: (lab: TwinTable) => TwinTable }> = {
  AzureNetworkAnalytics_CL: { file: "az_net_comms.parquet", build: networkAnalyticsTable },
  CommonSecurityLog: { file: "timeseries.parquet", build: commonSecurityLogTable },
};

export interface TwinColumn {
  name: string;
  /** Log Analytics type name. */
  type: string;
}

export interface TwinTable {
  columns: TwinColumn[];
  rows: Row[];
}

function typeOf(dtype: string): string {
  if (dtype.startsWith("Datetime") || dtype.startsWith("Date")) return "datetime";
  if (dtype.startsWith("Duration")) return "timespan";
  if (dtype.startsWith("List") || dtype.startsWith("Struct")) return "dynamic";
  if (/^(Int64|UInt64|UInt32)/.test(dtype)) return "long";
  if (/^(Int32|Int16|Int8|UInt16|UInt8)/.test(dtype)) return "int";
  if (/^Float/.test(dtype)) return "real";
  if (dtype === "Bool") return "bool";
  return "string";
}

/** A lab file's rows; `times: false` leaves text times as the file has them. */
function readFile(file: string, options: { times?: boolean } = {}): TwinTable {
  const df = pl.readParquet(path.join(DATA, file));
  const columns = df.columns.map((name, i) => ({ name, type: typeOf(String(df.dtypes[i].variant ?? df.dtypes[i])) }));
  const rows = df.toRecords() as Row[];
  for (const c of columns) {
    if (c.name === "TimeGenerated" && c.type === "string" && options.times !== false) {
      c.type = "datetime";
      for (const r of rows) {
        const d = typeof r[c.name] === "string" ? new Date(r[c.name] as string) : null;
        r[c.name] = d && !Number.isNaN(d.getTime()) && d.getFullYear() > 2000 ? d : null;
      }
    } else if (c.type === "timespan") {
      for (const r of rows) if (typeof r[c.name] === "number") r[c.name] = `${r[c.name]}ms`;
    }
    for (const r of rows) if (r[c.name] === undefined) r[c.name] = null;
  }
  return { columns, rows };
}

/** One lab table, from its files. */
function buildTable(table: string): TwinTable | undefined {
  const derived = DERIVED_TABLES[table];
  if (derived) return derived.build(readFile(derived.file, { times: false }));
  const files = LAB_TABLES[table];
  if (!files) return undefined;
  const parts = files.map((f) => readFile(f));
  const columns: TwinColumn[] = [];
  for (const p of parts) for (const c of p.columns) if (!columns.some((x) => x.name === c.name)) columns.push(c);
  const rows = parts.flatMap((p) => p.rows.map((r) => Object.fromEntries(columns.map((c) => [c.name, (r[c.name] ?? null) as Value]))));
  return { columns, rows };
}

/**
 * The lab tables, each read when a query first asks for it: a query reads one table, and SecurityEvent
 * alone (4 files, 23,000 rows) costs ~2 s of CPU, paid by every test process that starts a twin. Tests
 * may set and delete tables of their own; only `get` reads (nothing lists the lab's tables).
 */
class LabTableMap extends Map<string, TwinTable> {
  override get(table: string): TwinTable | undefined {
    if (!super.has(table)) {
      const built = buildTable(table);
      if (built) super.set(table, built);
    }
    return super.get(table);
  }
}

let cache: LabTableMap | undefined;

/** Every lab table (each read once, on first use). */
export function labTables(): Map<string, TwinTable> {
  cache ??= new LabTableMap();
  return cache;
}

/** JSON as the services write it: 64-bit integers (BigInt) as their exact digits. */
export function wireJson(body: unknown): string {
  const raw = (JSON as unknown as { rawJSON: (text: string) => unknown }).rawJSON;
  return JSON.stringify(body, (_key, v: unknown) => (typeof v === "bigint" ? raw(v.toString()) : v));
}

/** A value as Log Analytics writes it in JSON. */
export function wireValue(value: Value, type: string): unknown {
  if (value === null) return null;
  if (value instanceof Date) return value.toISOString();
  if (type === "dynamic") return wireJson(value);
  // Exact digits on the wire (sendJson writes BigInts as digits), as the services send longs.
  return value;
}
