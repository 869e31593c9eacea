/**
 * Entity graphs: account joins at scale.
 * - `new EntityGraph(alerts)` of 16,000 generated alerts, each with an
 *   account without a domain and the same account with one (every alert
 *   joins one account): the join moved each joined account's edges by a scan
 *   of every edge, 37 s at 16,000 alerts (quadratic); linear since the graph
 *   keeps each node's edges.
 * - The same alerts added 1,000 at a time (`addIncident`), then a second
 *   domain for 1,000 of the names, which undoes those joins.
 * - 8,000 `addEntity` calls of distinct accounts (each call joins the names it
 *   touched only; a join over every key per call took 35 s).
 * Target: each ≤ 2 s (the alerts' entity parsing included).
 */
import { SecurityAlert } from "../src/entities/securityAlert";
import { Account } from "../src/entities/types";
import { EntityGraph } from "../src/vis/entityGraph";
import { measure, report, type Measurement } from "./harness";

const ALERTS = 16_000;
const ADDS = 8_000;

function alerts(n: number, domain = "CONTOSO", prefix = "a"): SecurityAlert[] {
  return Array.from({ length: n }, (_, i) => {
    const entities = [
      { Type: "host", HostName: `host${i % 60}` },
      { Type: "account", Name: `user${i}` },
      { Type: "account", Name: `user${i}`, NTDomain: domain },
      { Type: "ip", Address: `10.0.${i % 200}.${i % 250}` },
    ];
    return new SecurityAlert({ SystemAlertId: `${prefix}${i}`, AlertDisplayName: `alert ${i % 30}`, AlertType: "T", Severity: "Low", Entities: JSON.stringify(entities) });
  });
}

export async function run(): Promise<void> {
  const all = alerts(ALERTS);
  const second = alerts(1_000, "FABRIKAM", "b");
  // allEntities() once before timing: the graph, not the alerts, is measured.
  for (const a of [...all, ...second]) a.allEntities();
  let shape = "";
  const rows: Measurement[] = [
    await measure(`EntityGraph of ${ALERTS.toLocaleString("en")} alerts, each joining an account`, () => {
      const g = new EntityGraph(all);
      shape = `${g.nodeCount} nodes, ${g.edgeCount} edges`;
    }, { runs: 3, targetMs: 2000 }),
  ];
  rows[rows.length - 1].note = shape;
  rows.push(
    await measure(`  the same 1,000 at a time, then 1,000 second domains (joins undone)`, () => {
      const g = new EntityGraph();
      for (let i = 0; i < ALERTS; i += 1000) g.addIncident(all.slice(i, i + 1000));
      g.addIncident(second);
      shape = `${g.nodeCount} nodes, ${g.edgeCount} edges`;
    }, { runs: 3, targetMs: 2000 }),
  );
  rows[rows.length - 1].note = shape;
  rows.push(
    await measure(`${ADDS.toLocaleString("en")} addEntity calls of distinct accounts`, () => {
      const g = new EntityGraph();
      for (let i = 0; i < ADDS; i++) g.addEntity(new Account({ Name: `u${i}`, NTDomain: "D" }));
    }, { runs: 3, targetMs: 2000 }),
  );
  report("Entity graphs: account joins", rows);
}
