/**
 * The tree's text columns written as CSV bytes (processTreeText.ts) and the
 * integer lookups behind them (processTreeSteps.ts), against plain
 * references: polars' own strftime, JS string joins and counts, and the
 * parent each generated event really has.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import pl from "nodejs-polars";
import { buildProcessTree } from "../../src/transform/processTree";
import { keyColumn, treeTextColumns, type KeyParts } from "../../src/transform/processTreeText";
import { generate4688 } from "../helpers/processEvents";
import { seededRandom } from "../helpers/random";

const col = <T>(df: pl.DataFrame, c: string): T[] => df.getColumn(c).toArray() as unknown as T[];

/** `image|id|time` for each node of `parts`, joined in JS, with `#n` for repeats. */
function plainKeys(parts: KeyParts, times: string[]): string[] {
  return Array.from(parts.image, (_, i) => `${parts.images[parts.image[i]]}|${parts.ids[parts.id[i]]}|${times[i]}${parts.nth[i] > 1 ? `#${parts.nth[i]}` : ""}`);
}

/** polars' text of µs times (`%Y-%m-%d %H:%M:%S%.6f`), NaT for -Infinity. */
function polarsTimes(us: number[]): string[] {
  return col<string | null>(
    pl.DataFrame([pl.Series("us", us.map((t) => (t === -Infinity ? null : t)), pl.Float64)]).select(pl.col("us").cast(pl.Int64).cast(pl.Datetime("us")).dt.strftime("%Y-%m-%d %H:%M:%S%.6f").alias("t")),
    "t",
  ).map((t) => t ?? "NaT");
}

describe("process tree text columns", () => {
  it("writes times as polars does, across days, leap years, before 1970 and outside years 0-9999", () => {
    const random = seededRandom(5);
    const DAY = 86_400_000_000;
    const times = [
      0, -10, 10, -DAY, DAY - 10, Date.UTC(2024, 1, 29, 23, 59, 59, 999) * 1000 + 990, Date.UTC(2000, 2, 1) * 1000, Date.UTC(1900, 1, 28) * 1000,
      -62_167_219_200_000_000, 253_402_300_799_999_990, 253_402_300_800_000_000, -62_167_219_200_000_010, -Infinity,
      ...Array.from({ length: 300 }, () => Math.round((random() - 0.3) * 4e17 / 10) * 10),
    ];
    const parts: KeyParts = { image: new Uint32Array(times.length), id: new Uint32Array(times.length), time: Float64Array.from(times), nth: new Uint32Array(times.length), images: ["a"], ids: ["1"] };
    const keys = col<string>(pl.DataFrame([keyColumn(parts, Array.from(times, (_, i) => i))]), "key");
    assert.deepEqual(keys, plainKeys(parts, polarsTimes(times)));
  });

  it("writes the added nodes' times kept apart (addedTime) as it writes the same times in one array", () => {
    // The last times only in addedTime, one outside years 0-9999 (formatted by polars) and one NaT.
    const times = [1.7e15, -Infinity, 1.7e15 + 10, 253_402_300_800_000_000, -Infinity, 0];
    const n = 3;
    const whole: KeyParts = { image: Uint32Array.from(times, (_, i) => i % 2), id: new Uint32Array(times.length), time: Float64Array.from(times), nth: Uint32Array.from(times, (_, i) => (i === 5 ? 2 : 0)), images: ["a", "b"], ids: ["1"] };
    const apart: KeyParts = { ...whole, time: Float64Array.from(times.slice(0, n)), addedTime: Float64Array.from(times.slice(n)) };
    const order = [5, 0, 3, 1, 4, 2];
    const expected = order.map((i) => plainKeys(whole, polarsTimes(times))[i]);
    assert.deepEqual(keyColumn(whole, order).toArray(), expected);
    assert.deepEqual(keyColumn(apart, order).toArray(), expected);
  });

  it("quotes what log data may hold: commas, quotes, newlines, pipes, non-ASCII; one chunk or many", () => {
    const images = ['c:\\a,b.exe', 'say "hi".exe', "line\nbreak\r\n.exe", "p|ipe", "", "ünï©ødé 进程.exe", '"', ","];
    const ids = ["0x1", "NaN", "a,b", '"q"', "x\ny"];
    const n = 200;
    const parts: KeyParts = {
      image: Uint32Array.from({ length: n }, (_, i) => i % images.length),
      id: Uint32Array.from({ length: n }, (_, i) => (i * 7) % ids.length),
      time: Float64Array.from({ length: n }, (_, i) => (i % 9 === 0 ? -Infinity : 1.7e15 + i * 10)),
      nth: Uint32Array.from({ length: n }, (_, i) => i % 5),
      images,
      ids,
    };
    const order = Array.from({ length: n }, (_, i) => (i * 37) % n);
    const expected = order.map((i) => plainKeys(parts, polarsTimes(Array.from(parts.time)))[i]);
    assert.deepEqual(keyColumn(parts, order).toArray(), expected);
    // Chunks of ~100 bytes: a polars read per few rows.
    assert.deepEqual(keyColumn(parts, order, "key", 100).toArray(), expected);
  });

  it("writes the same paths in small chunks (paths rebuilt from the ancestors) as in one", () => {
    // A deep chain, siblings, a second root and a cycle row (level 1 with a parent), in tree order.
    // (The last row too: level 1 under a parent, whose index, the end of the parent's path, is its parent_index.)
    const parentPos = Int32Array.of(-1, 0, 1, 2, 3, 2, 0, -1, 7, 7, 9, 10);
    const level = Int32Array.of(1, 2, 3, 4, 5, 4, 2, 1, 2, 2, 3, 1);
    parentPos[10] = 9;
    const node = Int32Array.from({ length: parentPos.length }, (_, k) => k);
    const sourceIndex = Int32Array.from({ length: parentPos.length }, (_, k) => 1000 - k * 7);
    const rows = { node, parentPos, level, sourceIndex, width: 5 };
    const whole = treeTextColumns(rows);
    for (const chunk of [30, 45, 64, 200]) assert.deepEqual(treeTextColumns(rows, undefined, chunk).toRecords(), whole.toRecords(), `chunk ${chunk}`);
    // Plain JS: a row's path is its parent's + "/" + its padded index; level 1 rows (roots, cycle rows) only their own.
    const expected: string[] = [];
    parentPos.forEach((p, k) => {
      const label = String(sourceIndex[k]).padStart(5, "0");
      expected.push(level[k] > 1 && p >= 0 ? `${expected[p]}/${label}` : label);
    });
    assert.deepEqual(col(whole, "path"), expected);
    assert.deepEqual(col(whole, "parent_index"), Array.from(parentPos, (p) => (p >= 0 ? String(sourceIndex[p]).padStart(5, "0") : null)));
    assert.deepEqual(col(whole, "NodeRole"), ["root", "branch", "branch", "branch", "leaf", "leaf", "leaf", "root", "leaf", "branch", "branch", "leaf"]);
    assert.deepEqual(col(whole, "IsBranch"), [false, true, true, true, false, false, false, false, false, true, true, false]);
    // With keys, in many reads: proc_key comes in one chunk (the tree gathers parent keys from it), the same values.
    const keys: KeyParts = {
      image: Uint32Array.from(node, (k) => k % 3),
      id: Uint32Array.from(node, (k) => k % 2),
      time: Float64Array.from(node, (k) => 1.7e15 + k * 10),
      nth: new Uint32Array(node.length),
      images: ["a.exe", 'b,"c".exe', "ünï.exe"],
      ids: ["4", "0x1f"],
    };
    const keyed = treeTextColumns(rows, keys);
    for (const chunk of [60, 200]) {
      const pieces = treeTextColumns(rows, keys, chunk);
      assert.equal(pieces.getColumn("proc_key").nChunks(), 1, `chunk ${chunk}`);
      assert.ok(pieces.getColumn("path").nChunks() > 1, `chunk ${chunk}: read in pieces`);
      assert.deepEqual(pieces.toRecords(), keyed.toRecords(), `chunk ${chunk}`);
    }
    assert.deepEqual(col(keyed, "proc_key"), plainKeys(keys, polarsTimes(Array.from(keys.time))));
  });

  it("writes no path for rows deeper than maxPathLevel, in one chunk or many; parent_index and roles as without the limit", () => {
    // The same rows as above: levels 1-5; paths down to level 3 (a row of level 4 or 5 is a parent in this chunk or an earlier one).
    const parentPos = Int32Array.of(-1, 0, 1, 2, 3, 2, 0, -1, 7, 7, 9, 10);
    const level = Int32Array.of(1, 2, 3, 4, 5, 4, 2, 1, 2, 2, 3, 1);
    const node = Int32Array.from({ length: parentPos.length }, (_, k) => k);
    const sourceIndex = Int32Array.from({ length: parentPos.length }, (_, k) => 1000 - k * 7);
    const rows = { node, parentPos, level, sourceIndex, width: 5 };
    const whole = treeTextColumns(rows);
    for (const chunk of [30, 45, 64, 200, undefined]) {
      const cut = treeTextColumns({ ...rows, maxPathLevel: 3 }, undefined, chunk);
      assert.deepEqual(col(cut, "path"), col(whole, "path").map((p, k) => (level[k] <= 3 ? p : null)), `chunk ${chunk}`);
      for (const name of ["source_index", "parent_index", "NodeRole", "IsRoot", "IsLeaf", "IsBranch"]) assert.deepEqual(col(cut, name), col(whole, name), `chunk ${chunk}: ${name}`);
    }
  });

  it("keys every event by its own image|id|time and numbers repeats in key order (PID reuse, copies, duplicates, odd text)", () => {
    const { df } = generate4688(4000, { seed: 9, hosts: 3, pidPool: 700 });
    // Copies on other hosts (every key repeats), rows exported twice, names and ids with separators and quotes.
    const odd = df.withColumns(
      pl.col("NewProcessName").str.replace("cmd", 'c|m,"d').alias("NewProcessName"),
      pl.col("ParentProcessName").str.replace("cmd", 'c|m,"d').alias("ParentProcessName"),
    );
    const copies = [0, 1].map((k) => odd.withColumns(pl.concatString([pl.col("Computer"), pl.lit(`-${k}`)], "").alias("Computer")));
    const input = pl.concat([...copies, odd.slice(50, 20)]);
    const tree = buildProcessTree(input);
    const keys = col<string>(tree, "proc_key");
    assert.equal(new Set(keys).size, keys.length);
    // Events: the key without its #n is lower(image)|id|time, as polars writes them.
    const events = tree.filter(pl.col("IsInferred").not());
    const own = col<string>(
      events.select(pl.concatString([pl.col("NewProcessName").str.toLowerCase(), pl.col("NewProcessId"), pl.col("TimeGenerated").cast(pl.Datetime("us")).dt.strftime("%Y-%m-%d %H:%M:%S%.6f")], "|").alias("k")),
      "k",
    );
    assert.deepEqual(col<string>(events, "proc_key").map((k) => k.replace(/#\d+$/, "")), own);
    // Repeats: numbered 2, 3… in time order (ties in input row order), as a plain count.
    const byTime = events.select(pl.col("proc_key"), pl.col("TimeGenerated"), pl.col("source_index")).sort(["TimeGenerated", "source_index"]);
    const seen = new Map<string, number>();
    for (const key of col<string>(byTime, "proc_key")) {
      const base = key.replace(/#\d+$/, "");
      const count = (seen.get(base) ?? 0) + 1;
      seen.set(base, count);
      assert.equal(key, count > 1 ? `${base}#${count}` : base);
    }
    // Every parent_key is the key of the row its path says is the parent.
    const paths = col<string>(tree, "path");
    const parentKeys = col<string | null>(tree, "parent_key");
    const byPath = new Map(paths.map((p, i) => [p, keys[i]]));
    paths.forEach((path, i) => {
      const up = path.includes("/") ? byPath.get(path.slice(0, path.lastIndexOf("/"))) : null;
      assert.equal(parentKeys[i], up ?? null);
    });
  });

  it("matches parents by host, id and image when they are too many to index an array by (sparse codes)", () => {
    // 2,000 events: 100 hosts × 120 images × ~1,000 ids, each a child of an earlier event of its host.
    const random = seededRandom(3);
    const n = 2000;
    const host: string[] = [];
    const pid: string[] = [];
    const image: string[] = [];
    const ppid: string[] = [];
    const parentImage: string[] = [];
    const parentRow: number[] = [];
    for (let i = 0; i < n; i += 1) {
      host.push(`h${i % 100}`);
      pid.push(String(1000 + i));
      image.push(`C:\\x\\img${Math.floor(random() * 120)}.exe`);
      const candidates = i >= 100 ? Math.floor(i / 100) : 0;
      const p = candidates ? (i % 100) + 100 * Math.floor(random() * candidates) : -1;
      parentRow.push(p);
      ppid.push(p >= 0 ? pid[p] : "4");
      parentImage.push(p >= 0 ? image[p].toUpperCase() : "System");
    }
    const df = pl.DataFrame({
      EventID: Array.from({ length: n }, () => 4688),
      TimeGenerated: Array.from({ length: n }, (_, i) => new Date(Date.UTC(2024, 0, 1) + i * 1000)),
      Computer: host,
      NewProcessId: pid,
      NewProcessName: image,
      ProcessId: ppid,
      ParentProcessName: parentImage,
    });
    const tree = buildProcessTree(df);
    const events = tree.filter(pl.col("IsInferred").not());
    const keyOfRow = new Map(col<string>(events, "source_index").map((s, k) => [Number(s), col<string>(events, "proc_key")[k]]));
    const parentKeys = col<string | null>(events, "parent_key");
    col<string>(events, "source_index").forEach((s, k) => {
      const p = parentRow[Number(s)];
      if (p >= 0) assert.equal(parentKeys[k], keyOfRow.get(p));
      else assert.match(parentKeys[k] ?? "", /^system\|4\|1970/);
    });
  });

  it("reads text times with a year outside ns's range (.NET's 9999-12-31) as written: the column is µs instead of wrapping", () => {
    const { df } = generate4688(50, { seed: 3, hosts: 1, pidPool: 400 });
    // 100 ns digits, as MDE and Sysmon write them, ask for ns; one event carries the sentinel.
    const text = col<string>(df.select(pl.col("TimeGenerated").cast(pl.Datetime("us")).dt.strftime("%Y-%m-%dT%H:%M:%S%.6f").alias("t")), "t").map((t) => `${t}1Z`);
    text[7] = "9999-12-31T23:59:59.9999999Z";
    const tree = buildProcessTree(df.withColumns(pl.Series("TimeGenerated", text)));
    const times = tree.getColumn("TimeGenerated");
    assert.equal((times.dtype as unknown as { timeUnit?: string }).timeUnit, "us");
    // Every event at its own time, to the µs (the 100 ns digit cut); the sentinel last in time, not in 1816.
    const events = tree.filter(pl.col("IsInferred").not()).select(pl.col("source_index").cast(pl.Int64).alias("i"), pl.col("TimeGenerated").cast(pl.Int64).cast(pl.Utf8).alias("us"));
    const expected = (i: number) => (i === 7 ? "253402300799999999" : String(BigInt(Date.parse(text[i].slice(0, 19) + "Z")) * 1000n + BigInt(text[i].slice(20, 26))));
    const got = col<string>(events, "us");
    col<number>(events, "i").forEach((i, k) => assert.equal(got[k], expected(Number(i)), `event ${i}`));
  });

  it("reads text times in one fixed-width pass to the instants chrono reads, the column's unit still its finest value's (one unsampled 7-digit time: ns)", () => {
    const { df } = generate4688(120, { seed: 4, hosts: 1, pidPool: 400 });
    const us = col<string>(df.select(pl.col("TimeGenerated").cast(pl.Datetime("us")).dt.strftime("%Y-%m-%dT%H:%M:%S%.6f").alias("t")), "t");
    const cases: { name: string; text: string[]; unit: string }[] = [
      { name: "ms", text: us.map((t) => t.slice(0, 23)), unit: "ms" },
      { name: "µs", text: us, unit: "us" },
      { name: "seconds", text: us.map((t) => t.slice(0, 19)), unit: "ms" },
      // The first 64 values are the sample: row 100's 100 ns digit is seen by the column's scan only.
      { name: "ms, one value in ns", text: us.map((t, i) => (i === 100 ? `${t.slice(0, 23)}4567` : t.slice(0, 23))), unit: "ns" },
      { name: "ms, one value in µs", text: us.map((t, i) => (i === 100 ? t : t.slice(0, 23))), unit: "us" },
    ];
    for (const { name, text, unit } of cases) {
      const tree = buildProcessTree(df.withColumns(pl.Series("TimeGenerated", text)));
      const times = tree.getColumn("TimeGenerated");
      assert.equal((times.dtype as unknown as { timeUnit?: string }).timeUnit, unit, name);
      // Whole seconds by Date.parse, the fraction's digits as written: in the column's unit, every value exact.
      const perUnit = { ms: 1_000_000n, us: 1000n, ns: 1n }[unit as "ms"];
      const expected = text.map((t) => ((BigInt(Date.parse(`${t.slice(0, 19)}Z`)) * 1_000_000n + BigInt((t.slice(20) || "0").padEnd(9, "0"))) / perUnit));
      const events = tree.filter(pl.col("IsInferred").not()).select(pl.col("source_index").cast(pl.Int64).alias("i"), pl.col("TimeGenerated").cast(pl.Int64).cast(pl.Utf8).alias("t"));
      // As text: a double holds today's epoch ns to 256 ns only.
      const got = col<string>(events, "t");
      col<number>(events, "i").forEach((i, k) => assert.equal(got[k], String(expected[Number(i)]), `${name}: event ${i}`));
    }
  });
});
