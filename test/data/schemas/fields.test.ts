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
