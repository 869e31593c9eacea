/**
 * The lab's own cells, unchanged, on data folders in other schemas (ECS;
 * SecurityEvent CSV + SigninLogs JSON + Zeek + Sysmon): the logon, process and
 * network-flow cells run and show values that only those folders hold.
 */
import assert from "node:assert/strict";
import path from "node:path";
import { before, describe, it } from "node:test";
import { EVENT_QUERIES, notebookCells, runLabCells, selectCells, type LabRun } from "./labCells";

const FOLDERS = path.join(__dirname, "..", "..", "fixtures", "schemas", "folders");
const ATTACKER = "45.137.22.48";

/** Strings of the lab's own data that must not appear: the cells read the folder, not ../data. */
const LAB_ONLY = ["MSTICAlertsWin1", "seccxp.ninja", "131.107.147.209", "msticalertswin1"];

function assertRan(run: LabRun, name: string): void {
  const expected = selectCells(notebookCells()).map((c) => c.index);
  assert.equal(run.failed, undefined, `${name}: cell ${run.failed?.cell} failed: ${run.failed?.error}\n${run.stderr.slice(0, 2000)}`);
  assert.deepEqual(run.ran, expected, name);
}

function assertOwnData(run: LabRun, name: string): void {
  const shown = run.displays.join("\n") + run.stdout;
  for (const lab of LAB_ONLY) assert.ok(!shown.includes(lab), `${name}: shows the lab's ${lab}`);
  // Logons: the password spray's address (TI lookups, tables), the account, the host.
  assert.ok(shown.includes(ATTACKER), `${name}: the attacker's address`);
  assert.ok(shown.includes("m.lindqvist"), `${name}: the account`);
  // Sign-ins on the map: the user principal names.
  assert.ok(shown.includes("northwind-logistics.example"), `${name}: the sign-ins' user principal names`);
  // Process events: the host's command lines; the encoded PowerShell was decoded and its domain extracted; and the tree is built.
  assert.ok(shown.includes("cdn-updates.northwind-support.net"), `${name}: the decoded command's domain`);
  assert.match(shown, /nwl-wks-014/i, `${name}: the process events' host`);
  // The tree: 31 events and 2 parents rebuilt from the children's parent columns (wininit.exe, explorer.exe);
  // whoami.exe and nltest.exe, logged before the cmd.exe that started them, are linked to it by its GUID (both folders' events carry GUIDs), where the id and time rule rebuilt a cmd.exe for each;
  // the first root's text is services.exe and its children under the rebuilt wininit.exe.
  assert.match(run.stdout, /Processes: 33,/, `${name}: the process tree's summary`);
  assert.match(run.stdout, /\(inferred\).*\n\s+\+-- \S*services\.exe/i, `${name}: the process tree as text (services.exe under its rebuilt parent)`);
  // (The host-logon timeline is an exercise now: its code is in the notebook's answer, not in a cell.)
  // Session clustering on the 42 logons of the folder.
  assert.match(run.stdout, /42 logons: \d+ sessions/, `${name}: logon sessions`);
  // Network flows: the remote addresses located by country (193.0.6.139 is RIPE's, in the Netherlands).
  assert.ok(shown.includes("Netherlands"), `${name}: flows per country`);
}

describe("the lab's cells on other schemas", () => {
  let runs: LabRun[] = [];
  before(() => {
    runs = runLabCells([
      { dataPath: path.join(FOLDERS, "ecs"), params: { hostName: "nwl-fs01.nwlog.local", accountName: "lindqvist", ipAddress: ATTACKER } },
      { dataPath: path.join(FOLDERS, "sentinel-zeek-sysmon"), params: { hostName: "NWL-FS01", accountName: "lindqvist", ipAddress: ATTACKER } },
    ]);
  });

  it("selects the cells that read logons, process events and flows", () => {
    const cells = selectCells(notebookCells());
    const sources = cells.map((c) => c.source).join("\n");
    for (const q of ["list_host_logons", "list_all_signins_geo", "list_host_processes", "get_process_tree", "list_azure_network_flows_by_host"]) {
      assert.ok(sources.includes(q), q);
      assert.ok(EVENT_QUERIES.includes(q));
    }
    assert.ok(cells.some((c) => c.tags.includes("parameters")));
    for (const other of ["list_alerts", "list_all_syslog_events", "get_network_summary", "list_host_events"]) assert.ok(!sources.includes(other), other);
  });

  it("ECS: Winlogbeat logons, Azure sign-ins, network flows and process events", () => {
    assertRan(runs[0], "ecs");
    assertOwnData(runs[0], "ecs");
  });

  it("SecurityEvent CSV, SigninLogs JSON, Zeek conn JSON, Sysmon CSV", () => {
    assertRan(runs[1], "sentinel-zeek-sysmon");
    assertOwnData(runs[1], "sentinel-zeek-sysmon");
  });
});
