/**
 * Live answers' JSON (common/json parseJsonExact): a 50,000-row, ~6 MB
 * Kusto-style answer with doubles written to 17 significant digits, and the
 * same with a `long` column beyond 2^53 (the exact, reviver path), against
 * plain JSON.parse.
 */
import { parseJsonExact } from "../src/common/json";
import { measure, report } from "./harness";

/** Deterministic doubles (17 significant digits when written, as Kusto writes them). */
function answer(rows: number, withLongs: boolean): string {
  let x = 0.5;
  const table = Array.from({ length: rows }, (_, i) => {
    x = (x * 9301 + 49297) % 233280;
    const r = x / 233280;
    return [`2024-06-01T00:${String(i % 60).padStart(2, "0")}:00Z`, `host-${i % 40}`, i * 7, r * 1000, r / 3, withLongs ? `${9007199254740993n + BigInt(i)}` : i, "C:\\Windows\\System32\\svchost.exe -k netsvcs"];
  });
  // Longs as bare digits (a JSON number token), as Kusto sends them.
  return JSON.stringify([{ FrameType: "DataTable", TableKind: "PrimaryResult", Rows: table }]).replace(/"(\d{16,})"/g, "$1");
}

export async function run(): Promise<void> {
  const doubles = answer(50_000, false);
  const longs = answer(50_000, true);
  const mb = (t: string) => `${(t.length / 1e6).toFixed(1)} MB`;
  report("Live answers' JSON (50,000 rows)", [
    await measure(`JSON.parse, doubles (${mb(doubles)})`, () => JSON.parse(doubles)),
    await measure("parseJsonExact, doubles: no integer beyond 2^53, no reviver", () => parseJsonExact(doubles)),
    await measure(`parseJsonExact, a long column beyond 2^53 (${mb(longs)}): exact, through the reviver`, () => parseJsonExact(longs)),
  ]);
}
