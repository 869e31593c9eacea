/** Shared set-up of the TI tests: a TILookup over one twin provider. */
import type pl from "nodejs-polars";
import { TILookup } from "../../src/context/tiLookup";
import { startTwin, tempDir, writeConfig, FAKE_KEY, type Handler, type Twin } from "./tiTwins";

export interface ResultRow {
  Ioc: string;
  IocType: string;
  SafeIoc: string;
  QuerySubtype: string;
  Provider: string;
  Result: boolean;
  Severity: string;
  Details: string;
  RawResult: string;
  Reference: string;
  Status: number;
}

export function rowsOf(df: pl.DataFrame): ResultRow[] {
  return df.toRecords() as unknown as ResultRow[];
}

/** Details as an object (JSON) or the message text. */
export function details(row: ResultRow): Record<string, unknown> | string {
  try {
    const v: unknown = JSON.parse(row.Details);
    return v && typeof v === "object" ? (v as Record<string, unknown>) : row.Details;
  } catch {
    return row.Details;
  }
}

export function byIoc(rows: ResultRow[]): Record<string, ResultRow> {
  return Object.fromEntries(rows.map((r) => [r.Ioc, r]));
}

export interface Harness {
  twin: Twin;
  ti: TILookup;
  configPath: string;
  dir: string;
  close(): Promise<void>;
}

/**
 * A twin server answering with `handler`, and a TILookup whose only provider
 * `name` (class `provider`) points at it, with fast test defaults.
 */
export async function harness(provider: string, handler: Handler, settings: Record<string, unknown> = {}, name = provider): Promise<Harness> {
  const twin = await startTwin(handler);
  const dir = tempDir();
  const configPath = writeConfig(dir, {
    [name]: {
      Provider: provider,
      Primary: true,
      Args: { AuthKey: FAKE_KEY },
      BaseUrl: twin.url,
      // Generous: the twins answer at once, but a loaded machine (2 cores shared with a full test run) can stall a
      // loopback request for over a second. Tests of the timeout itself set their own short one (tiRobustness).
      TimeoutSeconds: 30,
      RetryBackoffSeconds: 0.05,
      ...settings,
    },
  });
  const ti = new TILookup({ configPath });
  return {
    twin,
    ti,
    configPath,
    dir,
    close: async () => {
      for (const p of Object.values(ti.loadedProviders)) p.close();
      await twin.close();
    },
  };
}
