/**
 * What `console.log(x)` (util.inspect) and JSON.stringify show of the objects
 * a notebook holds: a one-line summary, not a dump of internal state (a
 * LocalData provider printed 10 kB of query functions, an AlertGraph 40 kB of
 * nodes, IoCExtract its scanner table), and an AlertGraph's JSON its content
 * (its Maps serialised as `{}`: a full graph looked empty).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { inspect } from "node:util";
import { QueryProvider } from "../src/data/queryProvider";
import { IoCExtract } from "../src/transform/iocExtract";
import { EntityGraph } from "../src/vis/entityGraph";

describe("inspect and JSON forms", () => {
  it("a LocalData QueryProvider: one line naming the environment, its queries and data paths", () => {
    const qp = new QueryProvider("LocalData");
    const n = qp.listQueries().length;
    const text = inspect(qp);
    assert.equal(text, `QueryProvider(LocalData, ${n} queries, 1 data path)`);
    assert.equal(String(qp), text);
    assert.deepEqual(JSON.parse(JSON.stringify(qp)), { environment: "LocalData", queries: n, dataPaths: 1 });
    assert.ok(inspect(qp, { depth: Infinity, showHidden: true }).length < 200);
  });

  it("an AlertGraph: counts in one line; JSON holds every node and edge", async () => {
    const qp = new QueryProvider("LocalData");
    const alerts = await qp.SecurityAlert.list_alerts();
    const graph = new EntityGraph(alerts).graph;
    const text = inspect(graph);
    assert.match(text, new RegExp(`^AlertGraph\\(${graph.nodeCount} nodes, ${graph.edgeCount} edges: \\d+ alert`));
    assert.ok(text.length < 300, text);
    const json = JSON.parse(JSON.stringify(graph)) as { nodes: { id: string }[]; edges: unknown[] };
    assert.equal(json.nodes.length, graph.nodeCount);
    assert.equal(json.edges.length, graph.edgeCount);
    assert.deepEqual(json.nodes.map((n) => n.id).sort(), graph.nodes.map((n) => n.id).sort());
  });

  it("IoCExtract: its types, in one line", () => {
    const ioc = new IoCExtract();
    assert.equal(inspect(ioc), `IoCExtract(${ioc.iocTypes.join(", ")})`);
  });
});
