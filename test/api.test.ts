/** The public names of shared/API.md stay exported from the package entry point. */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as huntlab from "../src";

const API_NAMES = [
  "QueryProvider", "TILookup", "browseResults", "IoCExtract", "base64", "dnsResolve", "ipType",
  "entities", "GeoMap", "EntityGraph", "createAlertGraph", "addRelatedAlerts", "drawAlertEntityGraph",
  "buildProcessTree", "ptree", "plotProcessTree", "displayTimeline",
  "timeseriesAnomaliesStl", "displayTimeseriesAnomalies", "dbclusterEvents", "display", "loadConfig", "geoLookup",
] as const;

test("every name of the public API is exported", () => {
  const exported = huntlab as unknown as Record<string, unknown>;
  assert.deepEqual(API_NAMES.filter((n) => exported[n] === undefined), []);
  for (const n of ["Ip", "GeoLocation", "Host", "Account", "Process", "Url", "SecurityAlert"]) {
    assert.equal(typeof (huntlab.entities as unknown as Record<string, unknown>)[n], "function", `entities.${n}`);
  }
  for (const n of ["getRoots", "getDescendents", "getChildren", "getParent", "getAncestors", "getSiblings"]) {
    assert.equal(typeof (huntlab.ptree as unknown as Record<string, unknown>)[n], "function", `ptree.${n}`);
  }
  assert.equal(typeof huntlab.base64.unpack, "function");
  assert.equal(typeof huntlab.base64.unpackDf, "function");
});
