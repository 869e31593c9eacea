/** The twins' KQL interpreter: the operators and functions the real-table queries use, and nothing else. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { KqlSyntaxError, parseKql, resultTypes, runKql, type Row } from "../../twins/kqlEngine";

const columns = [
  { name: "TimeGenerated", type: "datetime" },
  { name: "VM_s", type: "string" },
  { name: "PublicIPs_s", type: "string" },
  { name: "DestPort_d", type: "real" },
  { name: "Bytes", type: "long" },
];
const rows: Row[] = [
  { TimeGenerated: new Date("2020-01-01T10:05:00Z"), VM_s: "rg/vm1", PublicIPs_s: "1.2.3.4|1|0|0|0|0|0 2001:db8::1|2|0|0|0|0|0", DestPort_d: 443, Bytes: 10 },
  { TimeGenerated: new Date("2020-01-01T10:55:00Z"), VM_s: "", PublicIPs_s: "", DestPort_d: 22, Bytes: 5 },
  { TimeGenerated: new Date("2020-01-01T11:00:00Z"), VM_s: "rg/vm2", PublicIPs_s: "5.6.7.8|1|0|0|0|0|0", DestPort_d: null, Bytes: 7 },
];

function run(query: string) {
  const parsed = parseKql(query, () => columns);
  const out = runKql(parsed, rows, columns.map((c) => c.name));
  return { rows: out.rows, types: resultTypes(parsed, out.rows) };
}

describe("twin KQL: real-table operators", () => {
  it("has and has_any match whole terms, as Kusto does (a substring such as \"vm\" of \"vm1\" is no term); contains matches any substring", () => {
    const vms = (where: string) => run(`T | where ${where} | project VM_s`).rows.map((r) => r.VM_s);
    assert.deepEqual(vms('VM_s has "vm"'), []);
    assert.deepEqual(vms('VM_s has "VM1"'), ["rg/vm1"]);
    assert.deepEqual(vms('VM_s has "rg/vm2"'), ["rg/vm2"], "a phrase of whole terms");
    assert.deepEqual(vms('VM_s has_any ("vm", "g/vm2", "vm1")'), ["rg/vm1"]);
    assert.deepEqual(vms('VM_s !has "vm1"'), ["", "rg/vm2"]);
    assert.deepEqual(vms('VM_s contains "vm"'), ["rg/vm1", "rg/vm2"]);
  });

  it("text compared with a number is a semantic error, as in Kusto (no match by converting \"443\")", () => {
    assert.throws(() => run('T | where DestPort_d == "443"'), (e: unknown) => e instanceof KqlSyntaxError && /Cannot compare values of types real and string/.test(e.message));
    assert.throws(() => run('T | where "5" < Bytes'), KqlSyntaxError);
    assert.equal(run("T | where DestPort_d == 443").rows.length, 1);
  });

  it("project with renames and expressions, split()[i], tostring, tolong, extract_all, iif", () => {
    const { rows: out, types } = run('T | project VM = tostring(split(VM_s, "/")[1]), Port = tolong(DestPort_d), IPs = extract_all(@"([\\da-fA-F.:]+)\\|[\\d|]*", PublicIPs_s), Web = iif(DestPort_d == 443, "yes", "no")');
    assert.deepEqual(out.map((r) => r.VM), ["vm1", "", "vm2"], "no null strings: an out-of-range element is \"\"");
    assert.deepEqual(out.map((r) => r.Port), [443, 22, null]);
    assert.deepEqual(out.map((r) => r.IPs), [["1.2.3.4", "2001:db8::1"], null, ["5.6.7.8"]], "one capture group: a flat list; no match: null");
    assert.deepEqual(out.map((r) => r.Web), ["yes", "no", "no"]);
    assert.deepEqual(types.map((t) => t.type), ["string", "long", "dynamic", "string"]);
  });

  it("extend, pack_array, array_concat, project-away and mv-expand … to typeof(string)", () => {
    const { rows: out, types } = run('T | extend IPs = extract_all(@"([\\da-fA-F.:]+)\\|[\\d|]*", PublicIPs_s) | extend All = iif(isempty(IPs), pack_array("none"), array_concat(IPs, pack_array("x"))) | project-away IPs, PublicIPs_s | mv-expand All to typeof(string)');
    assert.deepEqual(out.map((r) => r.All), ["1.2.3.4", "2001:db8::1", "x", "none", "5.6.7.8", "x"]);
    assert.ok(!types.some((t) => t.name === "IPs" || t.name === "PublicIPs_s"));
    assert.equal(types.find((t) => t.name === "All")?.type, "string");
  });

  it("summarize sum() by bin(TimeGenerated, 1h), + on numbers, sort", () => {
    const { rows: out, types } = run("T | extend B2 = Bytes + Bytes | summarize Total = sum(B2), N = count() by bin(TimeGenerated, 1h) | sort by TimeGenerated asc");
    assert.deepEqual(out, [
      { TimeGenerated: new Date("2020-01-01T10:00:00Z"), Total: 30, N: 2 },
      { TimeGenerated: new Date("2020-01-01T11:00:00Z"), Total: 14, N: 1 },
    ]);
    assert.deepEqual(run('T | take 1 | project E = isempty(dynamic([])), N = isempty(extract_all(@"(q)", VM_s)), S = isempty(VM_s)').rows, [{ E: false, N: true, S: false }], "as Kusto: [] is not empty, null is");
    assert.deepEqual(types, [
      { name: "TimeGenerated", type: "datetime" },
      { name: "Total", type: "long" },
      { name: "N", type: "long" },
    ]);
  });

  it("refuses what it does not implement, and columns a step removed", () => {
    for (const q of [
      "T | join (T) on VM_s",
      "T | make-series sum(Bytes) on TimeGenerated step 1h",
      "T | summarize avg(Bytes)",
      "T | extend x = parse_json(VM_s)",
      "T | project-away Nope",
      "T | project VM_s | where Bytes > 1",
      "T | mv-expand VM_s to typeof(guid)",
      'T | extend x = extract_all(VM_s, "a")',
      'T | extend x = extract_all(@"\\d+", VM_s)',
    ]) {
      assert.throws(() => run(q), KqlSyntaxError, q);
    }
  });
});
