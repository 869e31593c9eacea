/**
 * The alert–entity graph on the lab's alerts: pinned node/edge counts, keying
 * by SystemAlertId (MSTICPy collapses same-named alerts), related alerts,
 * Cytoscape/GraphML export, editing, the layout, and the static fallback.
 *
 * Pinned counts are this implementation's results on the lab's 41 alerts with
 * the keying rules of src/vis/alertGraph.ts; the tests cross-check them against
 * counts taken from the raw Entities JSON with JSON.parse.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import cytoscape from "cytoscape";
import pl from "nodejs-polars";
import { LAB_DATA_DIR } from "../../src/common/paths";
import { readDataFile } from "../../src/data/readers";
import { JUPYTER_DISPLAY } from "../../src/display/protocol";
import { Account, Host, SecurityAlert } from "../../src/entities";
import { addRelatedAlerts, AlertGraph, createAlertGraph, GraphError } from "../../src/vis/alertGraph";
import { drawAlertEntityGraph, EntityGraph } from "../../src/vis/entityGraph";
import { forceLayout } from "../../src/vis/graphLayout";
import { graphElements } from "../../src/vis/client/graphElements";
import type { EntityGraphData } from "../../src/vis/client/views/entityGraph";

describe("alert graphs on the lab's alerts", async () => {
  const df = await readDataFile(`${LAB_DATA_DIR}/alerts_list.parquet`);
  const raw = (df.getColumn("Entities").toArray() as unknown as string[]).map((j) => (j ? (JSON.parse(j) as Record<string, unknown>[]) : []));

  it("createAlertGraph: the first alert with its IP, host and account", () => {
    const g = createAlertGraph(new SecurityAlert(df, 0));
    assert.equal(g.nodeCount, 4);
    assert.equal(g.edgeCount, 3);
    assert.deepEqual(g.nodes.map((n) => n.type), ["alert", "ip", "host", "account"]);
    assert.deepEqual(g.neighbors("alert:f1ce87ca-8863-4a66-a0bd-a4d3776a7c64").sort(), ["account:dbadmin", "host:msticalertslxvm2", "ip:23.97.60.214"]);
  });

  it("createAlertGraph follows entity relations (process → image file, parent, account)", () => {
    const idx = (df.getColumn("AlertDisplayName").toArray() as unknown as string[]).indexOf("Suspicious system process executed");
    const g = createAlertGraph(new SecurityAlert(df, idx));
    // 7 entities + the alert; the alert links only to entities nothing else refers to.
    assert.equal(g.nodeCount, 8);
    const conhost = "process:msticalertswin1|0x119c|c:\\windows\\fonts\\conhost.exe";
    const alertId = g.nodes[0].id;
    assert.deepEqual(g.neighbors(conhost).sort(), [alertId, "account:msticadmin", "file:c:\\windows\\fonts\\conhost.exe", "process:msticalertswin1|0x12b0|c:\\w!ndows\\system32\\rundll32.exe"].sort());
    assert.ok(g.hasEdge(alertId, conhost) && g.hasEdge(alertId, "host:msticalertswin1"));
    assert.ok(!g.hasEdge(alertId, "file:c:\\windows\\fonts\\conhost.exe"), "files hang off their processes");
    assert.equal(g.edges.find((e) => e.source === conhost && e.target.startsWith("file:"))?.relation, "ImageFile");
  });

  it("addRelatedAlerts links the alerts that share the host, account or IP (38 nodes, 83 edges)", () => {
    const g = createAlertGraph(new SecurityAlert(df, 0));
    const full = addRelatedAlerts(df, g);
    assert.equal(full.nodeCount, 38);
    assert.equal(full.edgeCount, 83);
    assert.equal(g.nodeCount, 4, "the input graph is not changed");
    // Cross-check: alerts naming host MSTICAlertsLxVM2, account dbadmin or IP 23.97.60.214 in their raw JSON.
    const sharing = raw.filter((ents) =>
      ents.some((e) => (e.Type === "host" && String(e.HostName).toLowerCase() === "msticalertslxvm2") || (e.Type === "account" && e.Name === "dbadmin") || (e.Type === "ip" && e.Address === "23.97.60.214")),
    );
    assert.equal(full.nodes.filter((n) => n.kind === "alert").length, sharing.length);
    assert.equal(full.nodes.filter((n) => n.related).length, sharing.length - 1);
    const withUnrelated = addRelatedAlerts(df, g, { includeUnrelated: true });
    assert.equal(withUnrelated.nodeCount, 4 + 40);
    assert.equal(withUnrelated.edgeCount, 83);
  });

  it("EntityGraph of all alerts: 81 nodes, 156 edges, alerts keyed by SystemAlertId", () => {
    const eg = new EntityGraph(df);
    assert.equal(eg.nodeCount, 81);
    assert.equal(eg.edgeCount, 156);
    assert.deepEqual(eg.graph.typeCounts(), [
      ["alert", 44],
      ["process", 14],
      ["file", 6],
      ["host-logon-session", 6],
      ["account", 3],
      ["incident", 3],
      ["ip", 3],
      ["host", 2],
    ]);
    // Cross-checks from the raw JSON: alert nodes = distinct SystemAlertIds of rows and of incidents' alert lists.
    const ids = new Set((df.getColumn("SystemAlertId").toArray() as unknown as string[]).map((s) => s.toLowerCase()));
    for (const ents of raw) for (const e of ents) if (e.Type === "alerts") for (const id of e.SystemAlertIds as string[]) ids.add(id.toLowerCase());
    assert.equal(eg.graph.nodes.filter((n) => n.kind === "alert" || n.kind === "incident").length, ids.size);
    const distinct = (type: string, key: string) => new Set(raw.flatMap((ents) => ents.filter((e) => e.Type === type).map((e) => String(e[key]).toLowerCase()))).size;
    assert.equal(eg.graph.typeCounts().find(([t]) => t === "host")![1], distinct("host", "HostName"));
    assert.equal(eg.graph.typeCounts().find(([t]) => t === "ip")![1], distinct("ip", "Address"));
    assert.equal(eg.graph.typeCounts().find(([t]) => t === "account")![1], distinct("account", "Name"));
    // MSTICPy merges the 30 "SSH Anomalous Login ML" alerts into one node; here each is its own.
    assert.equal(eg.graph.nodes.filter((n) => n.label === "Alert: SSH Anomalous Login ML").length, 30);
    // An incident is linked to the alerts it lists.
    const incident = eg.graph.nodes.find((n) => n.label === "Alert: Security incident with shared process detected")!;
    assert.equal(incident.kind, "incident");
    assert.equal(eg.graph.neighbors(incident.id).length, 5);
  });

  it("exports Cytoscape JSON and GraphML with every node and edge (escaped)", () => {
    const eg = new EntityGraph(df);
    const cy = eg.graph.toCytoscape();
    assert.equal(cy.nodes.length, 81);
    assert.equal(cy.edges.length, 156);
    const ids = new Set(cy.nodes.map((n) => n.data.id));
    assert.ok(cy.edges.every((e) => ids.has(e.data.source) && ids.has(e.data.target)));
    eg.addNote(`<x>&"`, { attachedTo: "msticalertswin1" });
    const xml = eg.graph.toGraphML();
    assert.equal((xml.match(/<node /g) ?? []).length, 82);
    assert.equal((xml.match(/<edge /g) ?? []).length, 157);
    assert.ok(xml.includes("&lt;x&gt;&amp;&quot;") && !xml.includes("<x>&"));
  });

  it("edits like MSTICPy's EntityGraph: notes, links, removals, to_df", () => {
    const eg = new EntityGraph(df);
    eg.addNote("Investigate", { description: "look at this host", attachedTo: ["MSTICAlertsLxVM2", "dbadmin"] });
    assert.equal(eg.nodeCount, 82);
    assert.equal(eg.edgeCount, 158);
    eg.addLink("Investigate", "23.97.60.214");
    assert.equal(eg.edgeCount, 159);
    eg.removeLink("Investigate", "23.97.60.214");
    assert.throws(() => eg.removeLink("Investigate", "23.97.60.214"), /No link between/);
    assert.throws(() => eg.addLink("Investigate", "dbadmn"), (e: Error) => e instanceof GraphError && /No node "dbadmn" in the graph\. Did you mean "dbadmin"/.test(e.message));
    assert.throws(() => eg.addLink("Investigate", "Alert: SSH Anomalous Login ML"), /names 30 nodes/);
    eg.removeNode("Investigate");
    assert.equal(eg.nodeCount, 81);
    assert.equal(eg.edgeCount, 156);
    const tdf = eg.toDf();
    assert.equal(tdf.height, 81);
    assert.deepEqual(tdf.columns, ["Id", "Name", "Description", "Type", "TimeGenerated", "StartTime", "EndTime"]);
    assert.equal(tdf.filter(pl.col("Type").eq(pl.lit("alert"))).height, 44);
    eg.addEntity(new Host({ HostName: "newhost" }), "dbadmin");
    assert.ok(eg.graph.hasEdge("host:newhost", "account:dbadmin"));
  });
});

describe("layout and drawing", async () => {
  const df = await readDataFile(`${LAB_DATA_DIR}/alerts_list.parquet`);

  it("lays out deterministically and keeps components apart", () => {
    const edges: [number, number][] = [[0, 1], [1, 2], [2, 0], [3, 4], [4, 5]];
    const a = forceLayout(7, edges);
    assert.deepEqual(a, forceLayout(7, edges));
    const box = (ids: number[]) => ({ x0: Math.min(...ids.map((i) => a[i].x)), x1: Math.max(...ids.map((i) => a[i].x)), y0: Math.min(...ids.map((i) => a[i].y)), y1: Math.max(...ids.map((i) => a[i].y)) });
    const p = box([0, 1, 2]);
    const q = box([3, 4, 5]);
    const apart = p.x1 < q.x0 || q.x1 < p.x0 || p.y1 < q.y0 || q.y1 < p.y0;
    assert.ok(apart, JSON.stringify({ p, q }));
    // No two nodes on top of each other.
    for (let i = 0; i < 7; i++) for (let j = i + 1; j < 7; j++) assert.ok(Math.hypot(a[i].x - a[j].x, a[i].y - a[j].y) > 10);
  });

  it("draws a static PNG and an HTML view with the same counts, escaped", () => {
    const payload = `</script><script>alert(1)</script>`;
    const g = createAlertGraph(new SecurityAlert({ SystemAlertId: "x", AlertDisplayName: payload, Entities: JSON.stringify([{ Type: "host", HostName: payload }]) }));
    const view = drawAlertEntityGraph(g, { width: 15, title: payload });
    const svg = view.toSvg();
    assert.ok(svg.startsWith("<svg") && svg.includes('width="900"'), "width 15 is read as MSTICPy's inches");
    assert.ok(!svg.includes("<script") && svg.includes("&lt;/script&gt;"));
    const html = String(view[JUPYTER_DISPLAY]()["text/html"]);
    assert.ok(html.includes(`src="data:image/png;base64,`));
    assert.ok(!html.includes("</script><script>alert(1)"));
    assert.match(html, /alt="Alert entity graph: 2 nodes, 1 edges/);
    const big = new EntityGraph(df).plot();
    const png = big.toPng();
    assert.equal(png.subarray(1, 4).toString(), "PNG");
    assert.ok(png.length > 20000);
    assert.equal(big.toText(), "Alert entity graph: 81 nodes, 156 edges (44 alert, 14 process, 6 file, 6 host-logon-session, 3 account, 3 incident, 3 ip, 2 host)");
  });

  it("puts only whitelisted fields into Cytoscape data: an entity property named parent nests no node", () => {
    // Control: a `parent` data key is what makes Cytoscape nest a node.
    const nested = cytoscape({ headless: true, elements: [{ data: { id: "host:victim" } }, { data: { id: "account:bob", parent: "host:victim" } }] });
    assert.equal(nested.nodes(":parent").length, 1);

    const entities = JSON.stringify([
      { $id: "1", Type: "host", HostName: "victim" },
      { $id: "2", Type: "account", Name: "bob", parent: "host:victim", source: "host:victim", target: "host:victim", id: "host:victim" },
    ]);
    const g = createAlertGraph(new SecurityAlert({ SystemAlertId: "p", AlertDisplayName: "nesting", Entities: entities }));
    // Not in the Account schema: kept as additional data, as entities from JSON are.
    const carol = { Name: "carol", parent: "host:victim" };
    const eg = new EntityGraph(new Account(carol));
    eg.addEntity(new Host({ HostName: "victim" }));
    for (const graph of [g, eg.graph]) {
      const account = graph.nodes.find((n) => n.type === "account")!;
      assert.equal(account.properties.parent, "host:victim", "the property itself is kept");
      // The model's export and the view's elements, each loaded into headless Cytoscape.
      const exported = graph.toCytoscape();
      const data = drawAlertEntityGraph(graph).toView().spec.data as EntityGraphData;
      const view = graphElements(data.nodes, data.edges);
      for (const elements of [[...exported.nodes, ...exported.edges], [...view.nodes, ...view.edges]]) {
        const cy = cytoscape({ headless: true, elements });
        assert.equal(cy.nodes().length, graph.nodeCount);
        assert.equal(cy.nodes(":parent").length, 0, "no compound node");
        assert.equal(cy.nodes(":child").length, 0);
        assert.equal(cy.getElementById(account.id).data("parent"), undefined);
      }
      assert.ok(exported.nodes.every((n) => !("parent" in n.data) && !("source" in n.data)));
      assert.equal(exported.nodes.find((n) => n.data.id === account.id)!.data.properties.parent, "host:victim");
      // The details panel still lists it.
      const rows = data.nodes.find((n) => n.id === account.id)!.details;
      assert.deepEqual(rows.find(([k]) => k === "parent"), ["parent", "host:victim"]);
    }
  });

  it("rejects what is not a graph", () => {
    assert.throws(() => drawAlertEntityGraph({} as AlertGraph), /expected an AlertGraph/);
    assert.throws(() => drawAlertEntityGraph(new AlertGraph(), { width: -1 }), /width must be a positive number/);
  });
});
