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
import { Account, File, Host, Process, SecurityAlert } from "../../src/entities";
import { addRelatedAlerts, AlertGraph, createAlertGraph, GraphError, mergeAlertsByType } from "../../src/vis/alertGraph";
import { drawAlertEntityGraph, EntityGraph } from "../../src/vis/entityGraph";
import { forceLayout } from "../../src/vis/graphLayout";
import { chooseLabels, graphElements, LABEL_PLACES, labelBox, labelBudget, labelPriority, type LabelBox } from "../../src/vis/client/graphElements";
import { seededRandom } from "../helpers/random";
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
    const conhost = "process:msticalertswin1|4508|c:\\windows\\fonts\\conhost.exe";
    const alertId = g.nodes[0].id;
    assert.deepEqual(g.neighbors(conhost).sort(), [alertId, "account:msticalertswin1\\msticadmin", "file:c:\\windows\\fonts\\conhost.exe", "process:msticalertswin1|4784|c:\\w!ndows\\system32\\rundll32.exe"].sort());
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
    assert.throws(() => eg.removeLink("Investigate", "23.97.60.214"), { name: "GraphError", code: "vis/graph-no-link", message: /"Investigate" and "23\.97\.60\.214"/ });
    assert.throws(
      () => eg.addLink("Investigate", "dbadmn"),
      (e: Error) => e instanceof GraphError && e.code === "vis/graph-node-missing" && /"dbadmn" .*Did you mean "dbadmin"/.test(e.message),
    );
    assert.throws(() => eg.addLink("Investigate", "Alert: SSH Anomalous Login ML"), { code: "vis/graph-node-ambiguous", message: /"Alert: SSH Anomalous Login ML" names 30 nodes/ });
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
    assert.throws(() => drawAlertEntityGraph({} as AlertGraph), { name: "GraphError", code: "vis/graph-input", message: /AlertGraph/ });
    // The alerts DataFrame, a row or nothing where one alert belongs; a DataFrame where the graph belongs: bare TypeErrors before.
    assert.throws(() => createAlertGraph(df as never), { name: "GraphError", code: "vis/graph-input", message: /^createAlertGraph: expected one SecurityAlert, not a DataFrame: .*new EntityGraph\(alerts\)/ });
    for (const given of [undefined, df.row(0), "alert"]) assert.throws(() => createAlertGraph(given as never), { code: "vis/graph-input", message: /createAlertGraph: expected one SecurityAlert: new SecurityAlert/ });
    assert.throws(() => addRelatedAlerts(df, df as never), { name: "GraphError", code: "vis/graph-input", message: /^addRelatedAlerts: expected an AlertGraph/ });
    // Rows of df.toRecords() where alerts belong: a TypeError deep inside ('IsIncident', 'a.allEntities is not a function').
    const rows = df.head(2).toRecords();
    const item = /item 0 of the list is a plain object \(one row\? make a DataFrame of it: `pl\.DataFrame\(\[row\]\)`\), not a SecurityAlert: pass the alerts DataFrame itself, or build each alert, rows\.map\(\(row\) => new SecurityAlert\(row\)\)\.$/;
    assert.throws(() => new EntityGraph(rows as never), { name: "GraphError", code: "vis/graph-input", message: new RegExp(`^new EntityGraph: ${item.source}`) });
    assert.throws(() => new EntityGraph().addIncident([new SecurityAlert(df, 0), "x"] as never), { code: "vis/graph-input", message: /^EntityGraph\.addIncident: item 1 of the list is text \(1 character\), not a SecurityAlert/ });
    const graph = createAlertGraph(new SecurityAlert(df, 0));
    assert.throws(() => addRelatedAlerts(rows as never, graph), { name: "GraphError", code: "vis/graph-input", message: new RegExp(`^addRelatedAlerts: ${item.source}`) });
    assert.throws(() => addRelatedAlerts(df.lazy() as never, graph), { code: "vis/graph-input", message: /^addRelatedAlerts: expected an alerts DataFrame, a SecurityAlert or a list of them, got a LazyDataFrame: collect it first/ });
    assert.equal(addRelatedAlerts(rows.map((row) => new SecurityAlert(row)), graph).nodeCount >= graph.nodeCount, true);
    assert.throws(() => drawAlertEntityGraph(new AlertGraph(), { width: -1 }), { code: "vis/graph-option", message: /width .*-1/ });
    assert.throws(() => drawAlertEntityGraph(new AlertGraph(), { width: 1e6 }), { code: "vis/graph-option", message: /width must be a positive number of pixels up to 10,000/ });
    // Sizes named with the view and the option (a NaN nodeSize was a generic "HTML view size" error; -1 and 0 passed).
    for (const [option, bad] of [["nodeSize", NaN], ["nodeSize", -1], ["fontSize", 0], ["height", -5], ["height", 1e5]] as const) {
      assert.throws(() => drawAlertEntityGraph(new AlertGraph(), { [option]: bad }), { name: "GraphError", code: "vis/graph-option", message: `drawAlertEntityGraph: ${option} must be a positive number of pixels up to 10,000, not ${bad}` });
    }
  });
});

describe("merging alerts of one type (MSTICPy's merge, keyed on AlertType)", async () => {
  const df = await readDataFile(`${LAB_DATA_DIR}/alerts_list.parquet`);

  /** Where each node of `g` goes in the merged graph: merged alerts to their type's node, the rest to themselves. */
  function mapping(g: AlertGraph): Map<string, string> {
    const out = new Map<string, string>();
    for (const n of g.nodes) out.set(n.id, n.kind === "alert" ? `type:${n.related ? "R:" : ""}${(n.properties.AlertType ?? n.label).toLowerCase()}` : n.id);
    return out;
  }

  it("EntityGraph of the lab's alerts: one node per alert type with its count, edges merged (81/156 → 48/63)", () => {
    const eg = new EntityGraph(df);
    const merged = mergeAlertsByType(eg.graph);
    assert.equal(eg.nodeCount, 81, "the input graph is not changed");
    assert.equal(merged.nodeCount, 48);
    assert.equal(merged.edgeCount, 63);
    // Cross-check from the unmerged graph: one node per distinct AlertType, entities and incidents as they were.
    const types = new Set(eg.graph.nodes.filter((n) => n.kind === "alert").map((n) => n.properties.AlertType));
    assert.equal(merged.nodes.filter((n) => n.kind === "alert").length, types.size);
    assert.equal(merged.nodes.filter((n) => n.kind !== "alert").length, eg.graph.nodes.filter((n) => n.kind !== "alert").length);
    // Counts: the 30 "SSH Anomalous Login ML" alerts are one node; counts add up to the alerts merged.
    const ssh = merged.nodes.find((n) => n.label.startsWith("Alert: SSH Anomalous Login ML"))!;
    assert.equal(ssh.count, 30);
    assert.equal(ssh.label, "Alert: SSH Anomalous Login ML (30)");
    assert.equal(ssh.properties.Alerts, "30");
    assert.equal(merged.nodes.filter((n) => n.kind === "alert").reduce((a, n) => a + (n.count ?? 1), 0), 44);
    assert.deepEqual(
      merged.nodes.filter((n) => n.count).map((n) => [n.label, n.count]),
      [
        ["Alert: SSH Anomalous Login ML (30)", 30],
        ["Alert: Detected suspicious file download (4)", 4],
        ["Alert: Possible suspicious scheduling tasks access detected (2)", 2],
      ],
    );
    // Its time span covers its alerts; its severity is the highest of them.
    const sshAlerts = eg.graph.nodes.filter((n) => n.label === "Alert: SSH Anomalous Login ML");
    assert.equal(ssh.time!.getTime(), Math.min(...sshAlerts.map((n) => n.time!.getTime())));
    // Edges: exactly the distinct pairs the original edges map to (pairs inside one type vanish); counts add up.
    const to = mapping(eg.graph);
    const pairs = new Map<string, number>();
    for (const e of eg.graph.edges) {
      const [a, b] = [to.get(e.source)!, to.get(e.target)!].sort();
      if (a !== b) pairs.set(`${a}|${b}`, (pairs.get(`${a}|${b}`) ?? 0) + 1);
    }
    const back = (id: string) => (id.startsWith("alerts:") ? `type:${id.slice(7).replace(/^related:/, "R:")}` : to.get(id) ?? id);
    const got = new Map(merged.edges.map((e) => [[back(e.source), back(e.target)].sort().join("|"), e.count ?? 1]));
    assert.deepEqual(new Map([...got].sort()), new Map([...pairs].sort()));
    assert.equal(merged.edges.find((e) => e.source === ssh.id || e.target === ssh.id ? e.source === "host:msticalertslxvm2" || e.target === "host:msticalertslxvm2" : false)?.count, 30);
  });

  it("the seed's related-alert graph: the seed alert stays, related alerts merge apart from it (38/83 → 7/10)", () => {
    const g = addRelatedAlerts(df, createAlertGraph(new SecurityAlert(df, 0)));
    const merged = mergeAlertsByType(g);
    assert.deepEqual([merged.nodeCount, merged.edgeCount], [7, 10]);
    const related = merged.nodes.filter((n) => n.related);
    assert.deepEqual(related.map((n) => n.count ?? 1).sort((a, b) => a - b), [1, 4, 29]);
    assert.equal(merged.nodes.filter((n) => n.kind === "alert" && !n.related).length, 1, "the seed alert is not merged into its related copies");
    assert.equal(merged.edges.reduce((a, e) => a + (e.count ?? 1), 0), 83);
    // The related alerts merged into `alerts:related:*` nodes are in the graph: offered again, none comes back
    // beside its merged node (34 did), also after a second merge.
    for (const m of [merged, mergeAlertsByType(merged)]) {
      const again = addRelatedAlerts(df, m);
      assert.deepEqual([again.nodeCount, again.edgeCount], [7, 10]);
    }
  });

  it("is an option of plot() and drawAlertEntityGraph (default off), and of the EntityGraph", () => {
    const eg = new EntityGraph(df);
    assert.deepEqual([eg.plot().nodeCount, eg.plot().edgeCount], [81, 156]);
    assert.deepEqual([eg.plot({ mergeAlerts: true }).nodeCount, eg.plot({ mergeAlerts: true }).edgeCount], [48, 63]);
    assert.equal(new EntityGraph(df, { mergeAlerts: true }).plot().nodeCount, 48);
    assert.equal(new EntityGraph(df, { mergeAlerts: true }).plot({ mergeAlerts: false }).nodeCount, 81);
    const g = addRelatedAlerts(df, createAlertGraph(new SecurityAlert(df, 0)));
    const view = drawAlertEntityGraph(g, { mergeAlerts: true });
    assert.equal(view.nodeCount, 7);
    const data = view.toView().spec.data as EntityGraphData;
    assert.ok(data.nodes.some((n) => n.short === "SSH Anomalous Login ML (29)"), data.nodes.map((n) => n.short).join(", "));
    assert.match(view.toText(), /^Alert entity graph: 7 nodes, 10 edges/);
    assert.equal(g.nodeCount, 38, "the drawn graph is not changed");
  });

  it("keeps the count when a long alert name is cut for the label", () => {
    const long = "A very long alert display name that goes on and on";
    const g = new AlertGraph();
    for (const id of ["a", "b", "c"]) g.addNode({ id: `alert:${id}`, kind: "alert", type: "alert", label: `Alert: ${long}`, description: long, properties: { AlertType: "T" } });
    const data = drawAlertEntityGraph(g, { mergeAlerts: true }).toView().spec.data as EntityGraphData;
    assert.equal(data.nodes.length, 1);
    assert.equal(data.nodes[0].short.length, 40);
    assert.ok(data.nodes[0].short.endsWith("… (3)"), data.nodes[0].short);
  });
});

describe("which labels are drawn", () => {
  const intersect = (a: LabelBox, b: LabelBox) => a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;

  it("orders labels by distinct text first, then degree", () => {
    const nodes = ["hub", "ssh", "ssh", "ssh", "other", "leaf"].map((short, i) => ({ id: `n${i}`, short }));
    const edges = [
      ["n0", "n1"], ["n0", "n2"], ["n0", "n3"], ["n0", "n4"], ["n0", "n5"],
      ["n1", "n5"], ["n2", "n5"], ["n3", "n5"], ["n1", "n4"],
    ].map(([source, target]) => ({ source, target }));
    // Degrees: hub 5, leaf 4, ssh 3/2/2, other 2. Repeats of "ssh" come after every first copy.
    assert.deepEqual([...labelPriority(nodes, edges)], [0, 5, 1, 4, 2, 3]);
  });

  it("grows the budget with the zoom, all labels past the threshold", () => {
    assert.equal(labelBudget(1), 10);
    assert.equal(labelBudget(0.5), 10);
    assert.equal(labelBudget(2), 40);
    assert.equal(labelBudget(3), Infinity);
    assert.equal(labelBudget(1, 4), 4);
  });

  it("never draws two intersecting labels, keeps the budget, puts forced labels first (seeded random layouts)", () => {
    const random = seededRandom(17);
    for (let round = 0; round < 50; round++) {
      const n = 5 + Math.floor(random() * 200);
      const pos = Array.from({ length: n }, () => ({ x: random() * 600, y: random() * 400, w: 20 + random() * 120 }));
      const boxesOf = (i: number) => LABEL_PLACES.map((p) => labelBox(p, pos[i].x, pos[i].y, 8, pos[i].w, 10, 2, 2));
      const order = Array.from({ length: n }, (_, i) => i);
      const budget = 1 + Math.floor(random() * 30);
      const obstacles = pos.map((p, i) => ({ node: i, box: { x1: p.x - 8, x2: p.x + 8, y1: p.y - 8, y2: p.y + 8 } }));
      const bounds = { x1: 0, y1: 0, x2: 600, y2: 400 };
      const chosen = chooseLabels(order, [n - 1], budget, boxesOf, { obstacles, bounds, mayCover: 3 });
      assert.equal(chosen[0].node, n - 1, "the forced label first");
      assert.ok(chosen.length - 1 <= budget);
      const boxes = chosen.map((c) => boxesOf(c.node)[LABEL_PLACES.indexOf(c.place)]);
      for (let a = 0; a < boxes.length; a++) for (let b = a + 1; b < boxes.length; b++) assert.ok(!intersect(boxes[a], boxes[b]), `round ${round}: labels ${chosen[a].node} and ${chosen[b].node} intersect`);
      // Past the first mayCover, a label covers no other node and stays in bounds.
      for (const [k, c] of chosen.slice(4).entries()) {
        const box = boxes[k + 4];
        assert.ok(box.x1 >= 0 && box.y1 >= 0 && box.x2 <= 600 && box.y2 <= 400);
        for (const o of obstacles) if (o.node !== c.node) assert.ok(!intersect(box, o.box), `round ${round}: label ${c.node} covers node ${o.node}`);
      }
    }
  });

  it("the static images of the lab's graphs: at most the budget, the hubs labelled, no two labels intersecting", async () => {
    const df = await readDataFile(`${LAB_DATA_DIR}/alerts_list.parquet`);
    const related = drawAlertEntityGraph(addRelatedAlerts(df, createAlertGraph(new SecurityAlert(df, 0))), { width: 15 });
    for (const view of [related, new EntityGraph(df).plot()]) {
      const svg = view.toSvg();
      const labels = [...svg.matchAll(/<text x="([\d.]+)" y="([\d.]+)" font-size="10" text-anchor="(\w+)"[^>]*>([^<]*)<\/text>/g)];
      assert.ok(labels.length >= 5 && labels.length <= 10, `${labels.length} labels`);
      // Boxes from the drawn text: DejaVu Sans at 10 px, about 6 px a character, 3.3 px for narrow ones.
      const boxes = labels.map(([, x, y, anchor, text]) => {
        const w = [...text].reduce((a, ch) => a + (/[iljtI.,:;!|'()[\] ]/.test(ch) ? 3.3 : 6), 0);
        const x1 = anchor === "middle" ? +x - w / 2 : anchor === "start" ? +x : +x - w;
        return { x1, x2: x1 + w, y1: +y - 9, y2: +y + 2 };
      });
      for (let a = 0; a < boxes.length; a++) for (let b = a + 1; b < boxes.length; b++) assert.ok(!intersect(boxes[a], boxes[b]), `${labels[a][4]} / ${labels[b][4]}`);
    }
    const texts = [...related.toSvg().matchAll(/text-anchor="\w+"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    for (const hub of ["MSTICAlertsLxVM2", "dbadmin", "23.97.60.214"]) assert.ok(texts.includes(hub), `${hub} in ${texts.join(", ")}`);
  });

  it("rejects a negative label budget", () => {
    assert.throws(() => drawAlertEntityGraph(new AlertGraph(), { labels: -1 }), /labels must be 0 or more/);
  });

  it("takes maxStaticLabels as a whole number of at least 0 (NaN drew every label however big the graph)", () => {
    for (const bad of [-1, 2.5, Number.NaN]) {
      assert.throws(() => drawAlertEntityGraph(new AlertGraph(), { maxStaticLabels: bad }), {
        name: "GraphError",
        code: "vis/graph-option",
        message: `drawAlertEntityGraph: option maxStaticLabels must be a whole number of at least 0 (Infinity: no limit), not ${bad}.`,
      });
    }
    for (const ok of [0, 3, Infinity]) assert.doesNotThrow(() => drawAlertEntityGraph(new AlertGraph(), { maxStaticLabels: ok }));
  });
});

describe("alerts whose JSON does not parse", () => {
  it("are drawn and said to be unreadable: the node's ParseErrors, the text, the PNG's alt text and the SVG header", async () => {
    const good = JSON.stringify([{ $id: "1", Type: "host", HostName: "wks-7" }]);
    const df = pl.DataFrame({
      SystemAlertId: ["a1", "a2"],
      AlertDisplayName: ["Good alert", "Broken alert"],
      Severity: ["High", "Low"],
      TimeGenerated: ["2024-01-01T00:00:00Z", "2024-01-01T01:00:00Z"],
      Entities: [good, '[{"$id":"1","Type":"host"'],
    });
    const graph = new EntityGraph(df);
    const byName = (name: string) => graph.graph.nodes.find((n) => n.properties.AlertDisplayName === name);
    const broken = byName("Broken alert");
    assert.ok(broken?.properties.ParseErrors, "the broken alert's node says why");
    assert.deepEqual(graph.graph.unreadableAlerts.map((n) => n.properties.AlertDisplayName), ["Broken alert"]);
    assert.equal(byName("Good alert")?.properties.ParseErrors, undefined);
    const view = graph.plot();
    assert.match(view.toText(), /; 1 alert whose JSON could not be read \(alert a2: Entities/);
    const bundle = (view as unknown as { [JUPYTER_DISPLAY](): Record<string, unknown> })[JUPYTER_DISPLAY]();
    const html = String(bundle["text/html"] ?? "");
    assert.ok(html.includes("1 alert whose JSON could not be read"), "the HTML view says so");
    // No unreadable alerts: no note.
    assert.ok(!new EntityGraph(df.head(1)).plot().toText().includes("could not be read"));
  });

  it("JSON nested thousands of levels deep is one unreadable alert, not a stack overflow that loses the graph", () => {
    // 5,000 levels is 10 KB of brackets; the recursive entity walk overflowed the stack at about 4,000.
    const deep = "[".repeat(5000) + "1" + "]".repeat(5000);
    const df = pl.DataFrame({
      SystemAlertId: ["a1", "a2", "a3"],
      AlertDisplayName: ["Good alert", "Deep entities", "Deep properties"],
      TimeGenerated: ["2024-01-01T00:00:00Z", "2024-01-01T01:00:00Z", "2024-01-01T02:00:00Z"],
      Entities: [JSON.stringify([{ $id: "1", Type: "host", HostName: "wks-7" }]), `[{"$id":"1","Type":"host","HostName":"wks-7","Extra":${deep}}]`, "[]"],
      ExtendedProperties: ["{}", "{}", `{"k":${deep},"s":"[[[["}`],
    });
    const graph = new EntityGraph(df);
    assert.deepEqual(graph.graph.unreadableAlerts.map((n) => n.properties.AlertDisplayName), ["Deep entities", "Deep properties"]);
    assert.match(graph.plot().toText(), /alert a2: Entities: not valid JSON \(nested deeper than 256 levels\)/);
    assert.ok(graph.graph.nodes.some((n) => n.label === "wks-7"), "the good alert's host is drawn");
    // Brackets inside strings are text, not nesting.
    assert.equal(new SecurityAlert({ SystemAlertId: "s", Entities: JSON.stringify([{ Type: "host", HostName: "[".repeat(1000) }]) }).entities.length, 1);
  });
});

describe("huge values in alerts", () => {
  /** An alert with a host, a process, a file and an entity of an unknown type, every text `size` characters long. */
  function hugeAlert(size: number, id = "a1"): SecurityAlert {
    const v = (c: string) => c.repeat(size);
    const entities = [
      { $id: "1", Type: "host", HostName: v("H") },
      { $id: "2", Type: "process", ProcessId: "1", CommandLine: v("C"), Host: { $ref: "1" }, ImageFile: { $ref: "3" } },
      { $id: "3", Type: "file", Name: v("F"), Directory: v("D") },
      { $id: "4", Type: v("t"), [v("k")]: v("W") },
    ];
    return new SecurityAlert({ SystemAlertId: `${id}${v("S")}`, AlertDisplayName: v("A"), Description: v("d"), CompromisedEntity: v("H"), StartTimeUtc: new Date("2024-01-01T00:00:00Z"), Entities: JSON.stringify(entities) });
  }

  it("are cut in the view (labels, details, ids, static list, text), not in the exports: 100 kB values no longer make a multi-MB output", () => {
    const html = (size: number) => String(drawAlertEntityGraph(createAlertGraph(hugeAlert(size)))[JUPYTER_DISPLAY]()["text/html"]);
    const small = html(10);
    const big = html(100_000);
    // 13 values of 100 kB (1.3 MB): each is shown a few times (node label, description, details row, static list, ids in edges), at
    // most 1,000 characters (names, types and ids 200) each time, so about 40 kB more than the same graph with 10-character values
    // (the inlined Cytoscape and the PNG are most of the rest). Before, the output was 950 kB: every value whole, several times.
    assert.ok(big.length - small.length < 64_000, `the huge values add ${big.length - small.length} characters`);
    assert.ok(big.length < 400_000, `HTML output of ${big.length} characters`);
    assert.ok(!/H{1001}|C{1001}|W{1001}|S{1001}|t{1001}|k{201}/.test(big), "no value shown whole (property names cut at 200)");
    assert.ok(big.includes(`${"H".repeat(999)}…`), "the host name appears cut");
    const view = drawAlertEntityGraph(createAlertGraph(hugeAlert(100_000)));
    const data = view.toView().spec.data as EntityGraphData;
    const host = data.nodes.find((n) => n.type === "host")!;
    assert.equal(host.label, `${"H".repeat(999)}…`);
    assert.deepEqual(host.details.find(([k]) => k === "HostName"), ["HostName", `${"H".repeat(999)}…`]);
    assert.ok(data.nodes.every((n) => n.id.length <= 220 && n.type.length <= 200 && n.details.every(([k, v]) => k.length <= 200 && v.length <= 1000)));
    assert.equal(new Set(data.nodes.map((n) => n.id)).size, data.nodes.length, "cut ids stay unique");
    const ids = new Set(data.nodes.map((n) => n.id));
    assert.ok(data.edges.length > 0 && data.edges.every((e) => ids.has(e.source) && ids.has(e.target) && e.id.length <= 450), "edges join the cut ids");
    assert.ok(data.timeline.every((p) => ids.has(p.id)));
    const cy = cytoscape({ headless: true, elements: graphElements(data.nodes, data.edges) });
    assert.deepEqual([cy.nodes().length, cy.edges().length], [view.nodeCount, view.edgeCount]);
    assert.ok(view.toText().length < 1000, view.toText().slice(0, 300));
    // The graph and its exports are data: every value whole.
    const graph = view.graph;
    assert.equal(graph.nodes.find((n) => n.type === "host")!.label, "H".repeat(100_000));
    assert.ok(graph.toGraphML().includes("H".repeat(100_000)));
    assert.ok(graph.toCytoscape().nodes.some((n) => n.data.properties.CommandLine === "C".repeat(100_000)));
    assert.ok(graph.toDataFrame().getColumn("Name").toArray().includes("F".repeat(100_000)));
  });

  it("two long ids alike in their first 200 characters stay two nodes in the view", () => {
    const g = new EntityGraph([hugeAlert(1000, "a1"), hugeAlert(1000, "a2")]);
    const data = g.plot().toView().spec.data as EntityGraphData;
    assert.equal(new Set(data.nodes.map((n) => n.id)).size, g.nodeCount);
    const cy = cytoscape({ headless: true, elements: graphElements(data.nodes, data.edges) });
    assert.deepEqual([cy.nodes().length, cy.edges().length], [g.nodeCount, g.edgeCount]);
  });

  it("hidden characters in the live view's texts show as escapes (the static image already showed them so)", () => {
    const g = createAlertGraph(new SecurityAlert({ SystemAlertId: "b", AlertDisplayName: "invoice\u202Egpj.exe", Entities: JSON.stringify([{ Type: "host", HostName: "wks\u200B7" }]) }));
    const data = drawAlertEntityGraph(g).toView().spec.data as EntityGraphData;
    const host = data.nodes.find((n) => n.type === "host")!;
    assert.equal(host.label, "wks\\u200b7");
    assert.ok(data.nodes.some((n) => n.short === "invoice\\u202egpj.exe"));
    assert.ok(!JSON.stringify(data).includes("\u202E"));
  });
});

describe("EntityGraph.addEntity", () => {
  it("follows references transitively, each entity once: a process's parent chain of any length, a cycle", () => {
    const host = new Host("WS01");
    // 20,000 ancestors: a recursive walk would overflow the stack.
    let proc = new Process({ ProcessId: "0", ImageFile: new File("C:\\p0.exe"), Host: host });
    for (let i = 1; i <= 20_000; i++) proc = new Process({ ProcessId: String(i), ImageFile: new File(`C:\\p${i}.exe`), Host: host, ParentProcess: proc });
    const eg = new EntityGraph().addEntity(proc);
    assert.deepEqual(Object.fromEntries(eg.graph.typeCounts()), { process: 20_001, file: 20_001, host: 1 });
    assert.ok(eg.graph.hasEdge(proc.key, proc.ParentProcess!.key) && eg.graph.hasEdge(proc.ParentProcess!.key, proc.ParentProcess!.ParentProcess!.key));
    // A process its own parent's parent (a $ref cycle): each once, no endless walk.
    const a = new Process({ ProcessId: "1", ImageFile: new File("C:\\a.exe"), Host: host });
    const b = new Process({ ProcessId: "2", ImageFile: new File("C:\\b.exe"), Host: host, ParentProcess: a });
    a.ParentProcess = b;
    const cycle = new EntityGraph().addEntity(a);
    assert.deepEqual(Object.fromEntries(cycle.graph.typeCounts()), { process: 2, file: 2, host: 1 });
    assert.equal(cycle.graph.edges.find((e) => [e.source, e.target].includes(a.key) && [e.source, e.target].includes(b.key))?.relation, "ParentProcess");
  });
});
