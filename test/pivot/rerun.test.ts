/**
 * Cells re-run: `const qp = new QueryProvider(...)` again on another data
 * folder, or `new TILookup()` again after the feed changed, without running the
 * `new Pivot(...)` cell again. The pivots attached must follow the new objects
 * (they went on reading the old folder and the old feed, silently).
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import pl from "nodejs-polars";
import * as entities from "../../src/entities";
import { QueryProvider } from "../../src/data/queryProvider";
import { TILookup } from "../../src/context/tiLookup";
import { LAB_DATA_DIR } from "../../src/common/paths";
import { Pivot } from "../../src/pivot";
import { tempDir } from "../helpers/tmp";

const QUERIES = path.join(LAB_DATA_DIR, "queries");
const HOST = new entities.Host({ HostName: "Msticalertswin1" });

/** Two data folders: the lab's host logons, and their first `rows` rows. */
function folders(rows: number): { a: string; b: string; all: number } {
  const a = tempDir();
  const b = tempDir();
  fs.copyFileSync(path.join(LAB_DATA_DIR, "host_logons.parquet"), path.join(a, "host_logons.parquet"));
  const all = pl.readParquet(path.join(a, "host_logons.parquet"));
  all.head(rows).writeParquet(path.join(b, "host_logons.parquet"));
  return { a, b, all: all.height };
}

/** A config whose LocalTI reads a copy of the lab feed, with 131.107.147.209 at `severity`. */
function tiConfig(dir: string, severity: string): string {
  fs.mkdirSync(path.join(dir, "ti"), { recursive: true });
  const feed = fs.readFileSync(path.join(LAB_DATA_DIR, "ti", "lab_indicators.csv"), "utf8");
  fs.writeFileSync(path.join(dir, "ti", "feed.csv"), feed.replace("131.107.147.209,ipv4,high", `131.107.147.209,ipv4,${severity}`));
  const config = path.join(dir, "config.yaml");
  fs.writeFileSync(config, "TIProviders:\n  LocalTI:\n    Args:\n      Path: ti\n    Primary: true\n    Provider: LocalTI\n");
  return config;
}

const severity = async () => String((await entities.Ip.ti.lookupIp("131.107.147.209", { progress: false })).getColumn("Severity").get(0));
const logons = async () => (await entities.Host.LocalData.WindowsSecurity.list_host_logons(HOST)).height;

describe("re-run cells: the attached pivots follow re-made providers", () => {
  it("a QueryProvider made again on another folder: the LocalData pivots read the new folder", async (t) => {
    const { a, b, all } = folders(3);
    let qp = new QueryProvider("LocalData", { dataPaths: [a], queryPaths: [QUERIES] });
    new Pivot({ providers: [qp] });
    assert.equal(await logons(), all);
    const printed: string[] = [];
    t.mock.method(console, "log", (...args: unknown[]) => printed.push(args.join(" ")));
    qp = new QueryProvider("LocalData", { dataPaths: [b], queryPaths: [QUERIES] });
    assert.equal((await qp.WindowsSecurity.list_host_logons()).height, 3);
    assert.equal(await logons(), 3, "the pivot still read the old folder");
    assert.match(printed.join("\n"), /LocalData pivots now use the LocalData QueryProvider just made/);
  });

  it("a provider added under a name of its own, or a second one of the environment, is left alone", async (t) => {
    t.mock.method(console, "log", () => undefined);
    const { a, b, all } = folders(2);
    const qpA = new QueryProvider("LocalData", { dataPaths: [a], queryPaths: [QUERIES] });
    const pivot = new Pivot({ providers: [qpA] });
    pivot.addProvider(new QueryProvider("LocalData", { dataPaths: [b], queryPaths: [QUERIES] }), { name: "Other" });
    // Two LocalData providers attached: a third replaces neither.
    new QueryProvider("LocalData", { dataPaths: [b], queryPaths: [QUERIES] });
    assert.equal(await logons(), all);
    assert.equal((await pivot.namespace("Host", "Other").WindowsSecurity.list_host_logons(HOST)).height, 2);
  });

  it("addProvider with a name already in use: that namespace queries the new provider (a re-run cell added Other_2)", async (t) => {
    t.mock.method(console, "log", () => undefined);
    const { a, b, all } = folders(4);
    const pivot = new Pivot({ providers: [new QueryProvider("LocalData", { dataPaths: [a], queryPaths: [QUERIES] })] });
    pivot.addProvider(new QueryProvider("LocalData", { dataPaths: [a], queryPaths: [QUERIES] }), { name: "Other" });
    assert.equal((await pivot.namespace("Host", "Other").WindowsSecurity.list_host_logons(HOST)).height, all);
    pivot.addProvider(new QueryProvider("LocalData", { dataPaths: [b], queryPaths: [QUERIES] }), { name: "Other" });
    assert.equal((await pivot.namespace("Host", "Other").WindowsSecurity.list_host_logons(HOST)).height, 4);
    assert.throws(() => pivot.namespace("Host", "Other_2"), { code: "pivot/unknown-function" });
    assert.equal(await logons(), all, "the default LocalData namespace is left alone");
  });

  it("a TILookup made again on the same config (its feed changed): the ti pivots answer from the new one; another kind is left alone", async (t) => {
    t.mock.method(console, "log", () => undefined);
    const dir = tempDir();
    const config = tiConfig(dir, "high");
    let ti = new TILookup({ configPath: config });
    new Pivot({ providers: [ti] });
    assert.equal(await severity(), "high");
    tiConfig(dir, "information");
    ti = new TILookup({ configPath: config });
    assert.equal(await severity(), "information", "the pivot still asked the old TILookup");
    // A lookup of other providers is no re-run of that cell.
    tiConfig(dir, "warning");
    new TILookup({ configPath: config, providers: ["LocalTI"] });
    assert.equal(await severity(), "information");
    // reloadProviders() on the attached one: the pivots follow it too.
    ti.reloadProviders();
    assert.equal(await severity(), "warning");
  });
});
