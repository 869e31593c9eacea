/**
 * TI lookups at scale: 1,000 distinct IPs against a loopback GreyNoise twin
 * that answers each request after 50 ms, with concurrency 10 (ideal: 5 s).
 * Then the same batch again, from the memory cache, and from the disk cache
 * in a new TILookup (as after a kernel restart). Last, LocalTI offline: a
 * feed of 100,000 CIDR ranges (a blocklist), loaded, then 5,000 addresses
 * looked up in it (each was tested against every range: 9.5 s).
 */
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import pl from "nodejs-polars";
import YAML from "yaml";
import { TILookup } from "../src/context/tiLookup";
import { measure, report } from "./harness";

const COUNT = Number(process.env.BENCH_TI_IPS ?? 1000);
const DELAY_MS = 50;
const CONCURRENCY = 10;

export async function run(): Promise<void> {
  let served = 0;
  let inFlight = 0;
  let peak = 0;
  const server = http.createServer((req, res) => {
    served += 1;
    inFlight += 1;
    peak = Math.max(peak, inFlight);
    const ip = (req.url ?? "").split("/").pop() ?? "";
    setTimeout(() => {
      inFlight -= 1;
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ ip, noise: true, riot: false, classification: Number(ip.split(".")[2]) % 7 === 0 ? "malicious" : "benign", name: "bench", link: "", last_seen: "2024-05-01", message: "Success" }));
    }, DELAY_MS);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "huntlab-ti-bench-"));
  const configPath = path.join(dir, "msticpyconfig.yaml");
  const cacheDir = path.join(dir, "cache");
  fs.writeFileSync(
    configPath,
    YAML.stringify({
      TIProviders: {
        GreyNoise: { Provider: "GreyNoise", Primary: true, Args: { AuthKey: "bench-key-000000" }, BaseUrl: `http://127.0.0.1:${port}`, Concurrency: CONCURRENCY, TimeoutSeconds: 10 },
      },
    }),
  );
  const ips = Array.from({ length: COUNT }, (_, i) => `23.${Math.floor(i / 250)}.${(i % 250) + 1}.7`);
  try {
    let rows = 0;
    const cold = await measure(
      `${COUNT} IPs, ${DELAY_MS} ms each, concurrency ${CONCURRENCY} (cold)`,
      async () => {
        fs.rmSync(cacheDir, { recursive: true, force: true });
        const ti = new TILookup({ configPath, cacheDir });
        rows = (await ti.lookupIocs(ips)).height;
      },
      { runs: 3, warmup: 0, targetMs: 6000, note: `ideal ${((COUNT * DELAY_MS) / CONCURRENCY / 1000).toFixed(1)} s` },
    );
    const sent = served;
    const warmTi = new TILookup({ configPath, cacheDir });
    await warmTi.lookupIocs(ips);
    const warm = await measure(`same ${COUNT} IPs again (memory cache)`, async () => {
      await warmTi.lookupIocs(ips);
    }, { runs: 5, warmup: 1, targetMs: 500 });
    const before = served;
    const disk = await measure(`same ${COUNT} IPs, new TILookup (disk cache)`, async () => {
      await new TILookup({ configPath, cacheDir }).lookupIocs(ips);
    }, { runs: 5, warmup: 1 });
    const cachedRequests = served - before;
    // The floor on this machine: the same requests with bare node:http (no TI layer, no axios).
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const get = (p: string) =>
      new Promise<void>((resolve, reject) => {
        http.get({ host: "127.0.0.1", port, path: p, agent }, (res) => {
          res.resume();
          res.on("end", () => resolve());
        }).on("error", reject);
      });
    const floor = await measure(`floor: same requests with bare node:http`, async () => {
      let next = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < ips.length) await get(`/v3/community/${ips[next++]}`);
        }),
      );
    }, { runs: 1, warmup: 0 });
    agent.destroy();
    const local = await localRanges(dir);
    report("ti", [cold, warm, disk, floor, ...local]);
    console.log(
      `rows per run: ${rows}; requests during the cold runs: ${sent} (${sent / 3} per run); server peak in flight: ${peak} (limit ${CONCURRENCY}); requests during cached runs: ${cachedRequests}`,
    );
  } finally {
    server.closeAllConnections();
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** LocalTI with a feed of 100,000 /24 ranges: its load, and 5,000 distinct addresses looked up. */
async function localRanges(dir: string): Promise<Awaited<ReturnType<typeof measure>>[]> {
  const feed = path.join(dir, "ranges.csv");
  const lines = ["observable,severity,description"];
  for (let i = 0; i < 100_000; i++) lines.push(`${10 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}.0/24,${i % 3 ? "low" : "high"},block ${i}`);
  fs.writeFileSync(feed, lines.join("\n") + "\n");
  const configPath = path.join(dir, "local.yaml");
  fs.writeFileSync(configPath, YAML.stringify({ TIProviders: { LocalTI: { Provider: "LocalTI", Primary: true, Args: { Path: feed } } } }));
  let ti: TILookup | undefined;
  const load = await measure("LocalTI: load a feed of 100,000 CIDR ranges", () => (ti = new TILookup({ configPath })), { runs: 3 });
  // Distinct (the octets' periods 256 and 251 share no factor), in the listed 10/8 and 11.0–127 ranges.
  const addresses = Array.from({ length: 5000 }, (_, i) => `${10 + (i % 2)}.${Math.floor(i / 2) % 128}.${i % 251}.${(i % 254) + 1}`);
  // Once, on the loaded feed: a second run would be answered from the lookup's memory cache.
  const lookup = await measure("LocalTI: 5,000 addresses in those ranges", () => (ti as TILookup).lookupIocs(addresses, { progress: false }), { runs: 1, warmup: 0 });
  const found = (await (ti as TILookup).lookupIocs(addresses, { progress: false })).filter(pl.col("Result")).height;
  return [load, { ...lookup, note: `${found} of ${addresses.length} addresses in a listed range` }];
}

if (require.main === module) void run();
