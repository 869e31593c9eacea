/** Fields by dotted name, whatever the export did with the nesting; hostile column names. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import pl from "nodejs-polars";
import { fieldNames, fieldSeries } from "../../../src/data/schemas/fields";
import { normalizeEvents } from "../../../src/data/schemas/index";

describe("event fields", () => {
  it("finds a dotted field as a flat column, in a struct, or in JSON text", () => {
    const flat = pl.DataFrame({ "source.ip": ["10.0.0.1"] });
    const nested = pl.readRecords([{ source: { ip: "10.0.0.2", geo: { location: { lat: 1.5 } } } }]);
    const text = pl.DataFrame({ source: ['{"ip":"10.0.0.3"}'] });
    assert.deepEqual(fieldSeries(flat, "source.ip")?.toArray(), ["10.0.0.1"]);
    assert.deepEqual(fieldSeries(nested, "source.ip")?.toArray(), ["10.0.0.2"]);
    assert.deepEqual(fieldSeries(nested, "source.geo.location.lat")?.toArray(), [1.5]);
    assert.deepEqual(fieldSeries(text, "source.ip")?.toArray(), ["10.0.0.3"]);
    assert.equal(fieldSeries(nested, "source.port"), undefined);
    assert.deepEqual(fieldNames(nested), ["source", "source.ip", "source.geo", "source.geo.location", "source.geo.location.lat"]);
  });

  it("lists a wide frame's fields with the columns listed a fixed number of times, not once per column (quadratic: ~2 s for 3,000 columns)", () => {
    const wide = pl.DataFrame(Object.fromEntries([["source", [{ ip: "10.0.0.1" }]], ...Array.from({ length: 300 }, (_, i) => [`col_${i}`, [i]]), ["dtypes", ["x"]]]));
    let listings = 0;
    // Counts how often the frame's columns are listed (its proxy's ownKeys: what columnNames and columnOf call).
    const counted = new Proxy(wide, {
      ownKeys: (target) => {
        listings++;
        return Reflect.ownKeys(target);
      },
    });
    assert.deepEqual(fieldNames(counted), ["source", "source.ip", ...Array.from({ length: 300 }, (_, i) => `col_${i}`), "dtypes"]);
    assert.ok(listings <= 4, `the columns were listed ${listings} times`);
  });

  it("Trino row text (Athena's CSV): each row's own value, whatever repeats, in any order, with nulls and cells that do not parse", () => {
    // Texts out of sorted order, repeated apart and together, a null, a cell that is no row, members missing or nested.
    const texts = ["{ip=10.0.0.9, port=443}", "{ip=10.0.0.1, port=80, geo={city=Oslo}}", null, "{ip=10.0.0.9, port=443}", "{ip=10.0.0.1 }, x, port=1}", "{port=22}", "{ip=10.0.0.1, port=80, geo={city=Oslo}}", "{ip=10.0.0.1, port=80, geo={city=Oslo}}"];
    const rows = Array.from({ length: 600 }, (_, i) => texts[(i * 5) % texts.length]);
    const df = pl.DataFrame([pl.Series("src_endpoint", rows, pl.Utf8)]);
    const want = (pick: (t: string) => string | null) => rows.map((t) => (t === null || t.includes(" }, x") ? null : pick(t)));
    assert.deepEqual(fieldSeries(df, "src_endpoint.ip")?.toArray(), want((t) => /ip=([0-9.]+)/.exec(t)?.[1] ?? null));
    assert.deepEqual(fieldSeries(df, "src_endpoint.port")?.toArray(), want((t) => /port=(\d+)/.exec(t)![1]));
    assert.deepEqual(fieldSeries(df, "src_endpoint.geo")?.toArray(), want((t) => (t.includes("Oslo") ? '{"city":"Oslo"}' : null)));
    assert.deepEqual(fieldSeries(df, "src_endpoint.geo.city")?.toArray(), want((t) => (t.includes("Oslo") ? "Oslo" : null)));
  });

  it("text that is not JSON is not looked into; a JSON path cannot be bent by the field name", () => {
    assert.equal(fieldSeries(pl.DataFrame({ source: ["plain text"] }), "source.ip"), undefined);
    assert.equal(fieldSeries(pl.DataFrame({ source: ['{"a":1}'] }), "source.a[0]"), undefined);
  });

  it("maps a frame whose other columns are named like DataFrame members", () => {
    const df = pl.DataFrame({ columns: ["x"], filter: ["y"], UserPrincipalName: ["ann@contoso.example"], IPAddress: ["8.8.8.8"], ResultType: [0] });
    const out = normalizeEvents(df, "logon");
    const names = Reflect.ownKeys(out).filter((k): k is string => typeof k === "string");
    assert.ok(names.includes("columns") && names.includes("filter") && names.includes("TargetUserName"));
    assert.deepEqual((Reflect.getOwnPropertyDescriptor(out, "TargetUserName")?.value as pl.Series).toArray(), ["ann"]);
  });
});
