import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { inspect } from "node:util";
import { gunzipSync } from "node:zlib";
import pl from "nodejs-polars";
import { QueryProvider } from "../../src/data/queryProvider";
import { toMimeBundle } from "../../src/display/display";
import { revealHidden as revealHiddenNode } from "../../src/display/html";
import { buildProcessTree } from "../../src/transform/processTree";
import { CHILD_PAGE, Folding } from "../../src/vis/client/processTreeFolding";
import { childrenOf, decodeProcesses, encodeProcesses } from "../../src/vis/client/processTreeWire";
import { detailFields, MAX_BOX_NAME, MAX_BOX_PID, MAX_INDENT_LEVELS, nameCellParts, nodeLabel, tableCells, tooltipText, type ProcessNode } from "../../src/vis/client/processTreeText";
import { revealHidden } from "../../src/vis/client/text";
import { fromWire, type ProcessTreeData, type ProcessTreeWire } from "../../src/vis/client/views/processTree";
import { ProcessTreePlotError, childLists, initialFolding, initiallyVisible, levelColouring, numericRange, parentPositions, plotProcessTree, processRows, processTreeModel, processTreeSvg, treeLevels } from "../../src/vis/processTree";
import { generate4688 } from "../helpers/processEvents";
import { Resvg } from "@resvg/resvg-js";
import { dejaVuSansFiles, pngFonts } from "../../src/vis/png";

const ROOT = join(__dirname, "../..");
const qp = new QueryProvider("LocalData", { dataPaths: [join(ROOT, "data")], queryPaths: [join(ROOT, "data")] });
const EVIL = `<img src=x onerror="alert(1)"><script>alert(2)</script>`;
const RLO = "\u202E";

/** The client's data, from the output's config element (gzip-compressed or not), decoded as the page decodes it. */
function payload(html: string): ProcessTreeData {
  const m = /<script type="application\/json" class="hl-view-config">(.*?)<\/script>/s.exec(html);
  assert.ok(m, "config element in the output");
  const data = (JSON.parse(m[1]) as { data: { json: ProcessTreeWire } | { gz: string } }).data;
  return fromWire("gz" in data ? (JSON.parse(gunzipSync(Buffer.from(data.gz, "base64")).toString()) as ProcessTreeWire) : data.json);
}

function staticPart(html: string): string {
  const start = html.indexOf('<div class="hl-view-static">');
  const end = html.indexOf('<script type="application/json"');
  assert.ok(start > 0 && end > start, "static part before the config");
  return html.slice(start, end);
}

/** A built tree frame: one root and `children` children, with a numeric column. */
function wideTree(children: number): pl.DataFrame {
  const n = children + 1;
  const keys = Array.from({ length: n }, (_, i) => `k${i}`);
  return pl.DataFrame({
    proc_key: keys,
    parent_key: keys.map((_, i) => (i === 0 ? null : "k0")),
    IsRoot: keys.map((_, i) => i === 0),
    IsLeaf: keys.map((_, i) => i > 0),
    IsBranch: keys.map(() => false),
    path: keys.map((k, i) => (i === 0 ? k : `k0/${k}`)),
    Level: keys.map((_, i) => (i === 0 ? 1 : 2)),
    Score: keys.map((_, i) => i % 1000),
  });
}

function hostileEvents(commandLines: [string, string], images: [string, string] = ["C:\\a\\cmd.exe", `C:\\a\\${EVIL}.exe`], users: [string, string] = [EVIL, "bob"]): pl.DataFrame {
  return pl.DataFrame({
    EventID: [4688, 4688],
    TimeGenerated: [new Date("2024-01-01T10:00:00Z"), new Date("2024-01-01T10:00:01Z")],
    Computer: ["h", "h"],
    NewProcessId: ["0x10", "0x20"],
    NewProcessName: images,
    ProcessId: ["0x1", "0x10"],
    ParentProcessName: ["C:\\a\\svc.exe", "C:\\a\\cmd.exe"],
    CommandLine: commandLines,
    SubjectUserName: users,
    SubjectLogonId: ["0x1", "0x1"],
  });
}

describe("plotProcessTree", () => {
  it("renders the lab tree: static image, escaped static table, one script, text", async () => {
    const tree = buildProcessTree(await qp.WindowsSecurity.get_process_tree());
    const plot = plotProcessTree(tree, { legendCol: "SubjectUserName", showTable: true });
    const bundle = toMimeBundle(plot);
    const html = bundle["text/html"] as string;
    assert.match(html, /<img class="hl-view-img" alt="Process tree: 18 of 18 processes" src="data:image\/png;base64,/);
    assert.equal(html.match(/<script>/g)?.length, 1);
    // static table: one row per process
    assert.equal(html.match(/<tr><td>/g)?.length, 18);
    assert.match(bundle["text/plain"] as string, /^Process tree: 18 processes, 1 root\(s\), depth 3, coloured by SubjectUserName\nsvchost\.exe \[0x498\] \(inferred\)\n {2}cmd\.exe \[0x12f4\]/);
    assert.equal(inspect(plot), "Process tree: 18 processes, 1 root(s), depth 3, coloured by SubjectUserName");
    const data = payload(html);
    assert.equal(data.nodes.length, 18);
    assert.deepEqual(data.nodes.slice(0, 2).map((n) => [n.n, n.p, n.l]), [["svchost.exe", -1, 1], ["cmd.exe", 0, 2]]);
  });

  it("escapes hostile command lines, account names and images everywhere", () => {
    const df = hostileEvents([EVIL, `</script><script>alert(3)</script>`]);
    const html = toMimeBundle(plotProcessTree(df, { legendCol: "SubjectUserName", showTable: true }))["text/html"] as string;
    assert.ok(!html.includes("<img src=x"));
    assert.ok(!html.includes("<script>alert"));
    // The config element is followed by the bundle's script: data must not close it.
    assert.ok(!html.includes("</script><script>alert(3)"));
    assert.equal(html.match(/<script>/g)?.length, 1);
    assert.ok(html.includes("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&lt;script&gt;"));
    const data = payload(html);
    assert.equal(data.nodes.find((n) => n.l === 2)?.c, EVIL);
  });

  it("reveals bidi and control characters in the static table and image; the data keeps them", () => {
    const spoof = `invoice${RLO}gpj.exe`;
    const df = hostileEvents([`cmd /c ${spoof}`, `run ${spoof}\u0007`], ["C:\\a\\cmd.exe", `C:\\a\\${spoof}`], ["alice", `bob${RLO}`]);
    const plot = plotProcessTree(df, { legendCol: "SubjectUserName", showTable: true });
    const html = plot.toHtml();
    const table = staticPart(html);
    assert.ok(!table.includes(RLO) && !table.includes("\u0007"), "no raw hidden characters in the static part");
    assert.ok(table.includes(`<td style="text-align:left">cmd /c invoice\\u202egpj.exe</td>`));
    assert.ok(table.includes("invoice\\u202egpj.exe\\u0007</td>"));
    assert.ok(table.includes("<td>bob\\u202e</td>"));
    const data = payload(html);
    assert.equal(data.nodes.find((n) => n.l === 3)?.n, spoof);
    // The image's SVG went through the template: a control character would make it invalid XML.
    assert.match(html, /src="data:image\/png;base64,/);
  });

  it("without showTable, gives its processes as a collapsible text table (hl-view-textalt), bounded and escaped", () => {
    const long = `powershell -enc ${"A".repeat(5000)}`;
    const df = hostileEvents([EVIL, long]);
    const html = plotProcessTree(df, { legendCol: "SubjectUserName" }).toHtml();
    const alt = /<details class="hl-pt-static-list hl-view-textalt"><summary>Processes \((\d+)\)<\/summary>.*?<\/details>/s.exec(staticPart(html));
    assert.ok(alt, "a text alternative in the static part (the live view keeps a copy)");
    assert.equal(alt[0].match(/<tr><td>/g)?.length, Number(alt[1]), "a row per process");
    assert.match(alt[0], /<th>Command line<\/th>/);
    assert.ok(alt[0].includes("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;") && !alt[0].includes("<img src=x"));
    assert.ok(!alt[0].includes("A".repeat(300)) && alt[0].includes("powershell -enc AAAA"), "command lines cut");
    // A big tree: the first 300 processes, and how many more there are.
    const big = plotProcessTree(buildProcessTree(generate4688(5_000, { seed: 5 }).df)).toHtml();
    const bigAlt = /<details class="hl-pt-static-list hl-view-textalt">.*?<\/details>/s.exec(big)?.[0] ?? "";
    assert.equal(bigAlt.match(/<tr><td>/g)?.length, 300);
    assert.match(bigAlt, /<p>\d+ more processes not listed\.<\/p>/);
    assert.ok(bigAlt.length < 150_000, `text alternative ${bigAlt.length} bytes`);
    // With showTable the table is the text form: no second one.
    assert.doesNotMatch(staticPart(plotProcessTree(df, { showTable: true }).toHtml()), /hl-view-textalt/);
  });

  it("opens a 10,000-process tree folded to a few levels", () => {
    const { df } = generate4688(10_000, { seed: 3 });
    const tree = buildProcessTree(df);
    const plot = plotProcessTree(tree, { showTable: true });
    const html = plot.toHtml();
    const data = payload(html);
    assert.equal(data.nodes.length, tree.height);
    const open = new Set(data.expanded);
    const visible = data.nodes.filter((n) => n.p < 0 || open.has(n.p)).length;
    assert.ok(visible <= 300 && visible > 100, `visible ${visible}`);
    assert.ok(html.length < 2_000_000, `output ${html.length} bytes`);
    // The static table lists the first 500 processes and says how many more there are.
    assert.match(html, /more processes not listed/);
  });

  it("rejects an unknown legend column, suggesting the right one", async () => {
    const tree = buildProcessTree(await qp.WindowsSecurity.get_process_tree());
    assert.throws(
      () => plotProcessTree(tree, { legendCol: "SubjectUsername" }),
      (e: Error) => e instanceof ProcessTreePlotError && e.code === "vis/tree-plot-column-missing" && /"SubjectUsername".*SubjectUserName/.test(e.message),
    );
  });
  it("takes expandDepth, maxInitialNodes and maxCmdLength only as whole numbers of at least 1 (maxCmdLength 0 cut every command line to its last character but one)", async () => {
    const tree = buildProcessTree(await qp.WindowsSecurity.get_process_tree());
    for (const option of ["expandDepth", "maxInitialNodes", "maxCmdLength"] as const) {
      for (const bad of [0, -3, 2.5, Number.NaN]) {
        assert.throws(() => plotProcessTree(tree, { [option]: bad }), {
          name: "ProcessTreePlotError",
          code: "vis/tree-plot-option",
          message: `plotProcessTree: option ${option} must be a whole number of at least 1 (Infinity: no limit), not ${bad}.`,
        });
      }
      assert.doesNotThrow(() => plotProcessTree(tree, { [option]: Infinity }));
    }
  });
  it("takes width and height only as pixels up to 10,000 (width 1e9 aborted the process inside the PNG renderer)", async () => {
    const tree = buildProcessTree(await qp.WindowsSecurity.get_process_tree());
    for (const [option, bad] of [["width", 1e9], ["width", Infinity], ["width", 399], ["width", NaN], ["height", 10_001], ["height", 149]] as const) {
      assert.throws(() => plotProcessTree(tree, { [option]: bad }), { name: "ProcessTreePlotError", code: "vis/tree-plot-option", message: new RegExp(`^${option} must be from \\d+ to 10,000 pixels, not ${bad}\\.$`) });
    }
    assert.ok(plotProcessTree(tree, { width: 10_000, height: 150 }).toHtml().includes('width="10000"'), "the largest width is drawn");
  });
});

describe("process tree view model", () => {
  it("builds the model of one parent with 150,000 children (numeric legend, opened and folded) without overflowing the stack", () => {
    const tree = wideTree(150_000);
    for (const options of [{ legendCol: "Score", expandDepth: 2 }, { legendCol: "Score" }]) {
      const model = processTreeModel(tree, options);
      assert.equal(model.nodes.length, 150_001);
      assert.equal(model.children[0].length, 150_000);
      assert.equal(model.maxLevel, 2);
      assert.deepEqual(model.numericLegend, { min: 0, max: 999 });
      const visible = model.isVisible.reduce((a, b) => a + b, 0);
      assert.equal(visible, options.expandDepth ? 150_001 : 1, JSON.stringify(options));
    }
    // The whole plot too: the static image and table are capped, the data travels compressed.
    const plot = plotProcessTree(tree, { legendCol: "Score", expandDepth: 2, showTable: true });
    assert.equal(plot.processes, 150_001);
  });

  it("levels come from the links in the frame; a parent cycle is cut where it closes", () => {
    // 0 → 1 → 2, and 3 ↔ 4 (a cycle), 5 under 4.
    const parents = parentPositions(["a", "b", "c", "d", "e", "f"], [null, "a", "b", "e", "d", "e"]);
    assert.deepEqual(parents, [-1, 0, 1, 4, 3, 4]);
    const { parents: cut, levels } = treeLevels(parents);
    assert.deepEqual(levels, [1, 2, 3, 1, 2, 3]);
    assert.deepEqual(cut, [-1, 0, 1, -1, 3, 4]);
    assert.deepEqual(parents, [-1, 0, 1, 4, 3, 4], "input links untouched");
    // A parent outside the frame (a subtree) makes a root.
    assert.deepEqual(treeLevels(parentPositions(["x", "y"], ["gone", "x"])).levels, [1, 2]);
  });

  it("labels raw events whose image column is named like an output column (osquery's path) by their image", () => {
    const events = pl.DataFrame({
      path: ["/usr/sbin/sshd", "/bin/bash", "/usr/bin/curl"],
      pid: [100, 200, 300],
      parent: [1, 100, 200],
      time: ["2024-03-01T10:00:00Z", "2024-03-01T10:00:01Z", "2024-03-01T10:00:02Z"],
    });
    const schema = { processName: "path", processId: "pid", parentId: "parent", timeStamp: "time", pathSeparator: "/" };
    // Built here, the tree's `path` is the source-index path ("00003/00000"): the images are in path_source.
    assert.deepEqual(processTreeModel(events, { schema }).nodes.map((n) => n.n), ["unknown", "sshd", "bash", "curl"]);
  });

  it("a tree built with a custom schema is labelled by it when plotted without the schema again", () => {
    const events = pl.DataFrame({
      img: ["C:\\w\\explorer.exe", "C:\\w\\cmd.exe"],
      me: [10, 20],
      dad: [1, 10],
      when: ["2024-03-01T10:00:00Z", "2024-03-01T10:00:01Z"],
    });
    const tree = buildProcessTree(events, { schema: { processName: "img", processId: "me", parentId: "dad", timeStamp: "when" } });
    assert.deepEqual(processTreeModel(tree, {}).nodes.map((n) => n.n), ["unknown", "explorer.exe", "cmd.exe"]);
    // A frame derived from it (filtered, selected) is no longer the tree built: the schema is given again, or inferred.
    assert.deepEqual(processTreeModel(tree.filter(pl.lit(true)), {}).nodes.map((n) => n.n), ["(unknown)", "(unknown)", "(unknown)"]);
  });

  it("shows 64-bit process ids exactly (Falcon's TargetProcessId past 2^53)", () => {
    const events = pl.DataFrame({
      ImageFileName: ["\\Device\\HarddiskVolume3\\Windows\\explorer.exe", "\\Device\\HarddiskVolume3\\Windows\\System32\\cmd.exe"],
      TargetProcessId: [9007199254740993n, 9007199254740997n],
      ParentProcessId: [9007199254740995n, 9007199254740993n],
      timestamp: ["2024-03-01T10:00:00Z", "2024-03-01T10:01:00Z"],
    }).withColumns(pl.col("TargetProcessId").cast(pl.Int64), pl.col("ParentProcessId").cast(pl.Int64)); // as JSON is read
    const schema = { processName: "ImageFileName", processId: "TargetProcessId", parentId: "ParentProcessId", timeStamp: "timestamp" };
    // As JS numbers they read 9007199254740996, 9007199254740992, 9007199254740996: two processes with one id.
    assert.deepEqual(processTreeModel(events, { schema }).nodes.map((n) => n.i), ["9007199254740995", "9007199254740993", "9007199254740997"]);
  });

  it("opens breadth first within maxInitialNodes, or to expandDepth", () => {
    // root 0 with children 1, 2; 1 has 3 children, 2 has 5 children.
    const p = [-1, 0, 0, 1, 1, 1, 2, 2, 2, 2, 2];
    const levels = treeLevels(p).levels;
    const nodes = p.map((parent, i) => ({ p: parent, l: levels[i] }));
    const children = childLists(nodes);
    assert.deepEqual(children.slice(0, 3), [[1, 2], [3, 4, 5], [6, 7, 8, 9, 10]]);
    const folded = initialFolding(nodes, children, { maxInitialNodes: 7 });
    assert.deepEqual([...folded.slice(0, 3)], [1, 1, 0], "root (3 visible) and node 1 (6 visible) fit, node 2 (11) does not");
    assert.deepEqual(initiallyVisible(nodes, children, folded).isVisible.reduce((a, b) => a + b, 0), 6);
    assert.equal(initialFolding(nodes, children, {}).every((v) => v === 1), true, "small trees open entirely");
    // expandDepth: levels shown; 2 opens the roots only.
    assert.deepEqual([...initialFolding(nodes, children, { expandDepth: 2 }).slice(0, 3)], [1, 0, 0]);
    assert.equal(initiallyVisible(nodes, children, initialFolding(nodes, children, { expandDepth: 2 })).openLevels, 2);
    assert.equal(initialFolding(nodes, children, { expandDepth: 1 }).some((v) => v === 1), false);
    assert.throws(() => initialFolding(nodes, children, { expandDepth: 0 }), (e: Error) => e instanceof ProcessTreePlotError && e.code === "vis/tree-plot-option" && /expandDepth .*0/.test(e.message));
  });

  it("numeric legend range by a loop, ignoring missing and infinite values", () => {
    assert.deepEqual(numericRange([3, null, -2, Infinity, 7, NaN]), { min: -2, max: 7 });
    assert.equal(numericRange([null, NaN]), undefined);
    const many = Array.from({ length: 300_000 }, (_, i) => i);
    assert.deepEqual(numericRange(many), { min: 0, max: 299_999 });
  });
});

describe("process tree client helpers", () => {
  const node = (over: Partial<ProcessNode>): ProcessNode => ({ p: -1, n: "cmd.exe", f: "C:\\cmd.exe", i: "0x10", c: "", u: "", t: "", l: 1, k: "#440154", g: "", x: 0, ...over });

  it("revealHidden matches the Node template's (same characters; tab and line breaks kept)", () => {
    for (let code = 0; code <= 0xffff; code += 1) {
      if (code >= 0xd800 && code <= 0xdfff) continue;
      const ch = String.fromCharCode(code);
      assert.equal(revealHidden(`a${ch}b`), revealHiddenNode(`a${ch}b`, { keepLayout: true }), `U+${code.toString(16)}`);
    }
    assert.equal(revealHidden(`invoice${RLO}gpj.exe\tx\ny`), "invoice\\u202egpj.exe\tx\ny");
  });

  it("labels, tooltips, details and table cells reveal hidden characters", () => {
    const spoof = node({ n: `invoice${RLO}gpj.exe`, c: `invoice${RLO}gpj.exe --x\nnext`, u: `bob\u200B`, g: `v${RLO}`, l: 2 });
    assert.equal(nodeLabel(spoof, 3), "invoice\\u202egpj.exe\n0x10  +3");
    assert.equal(tooltipText(spoof), "invoice\\u202egpj.exe  [0x10]\ninvoice\\u202egpj.exe --x\nnext\nUser: bob\\u200b");
    assert.deepEqual(detailFields(spoof, `col${RLO}`), [
      ["Process", "C:\\cmd.exe"],
      ["PID", "0x10"],
      ["Command line", "invoice\\u202egpj.exe --x\nnext"],
      ["User", "bob\\u200b"],
      ["col\\u202e", "v\\u202e"],
      ["Level", "2"],
    ]);
    assert.deepEqual(tableCells(spoof, true), ["2", "\u00a0\u00a0invoice\\u202egpj.exe", "0x10", "invoice\\u202egpj.exe --x\nnext", "v\\u202e", "bob\\u200b", ""]);
    assert.deepEqual(tableCells(node({ x: 1 }), false), ["1", "cmd.exe (inferred)", "0x10", "", "", ""]);
  });

  it("box labels are two lines whatever the name holds: line breaks shown as escapes, long names cut", () => {
    assert.equal(nodeLabel(node({ n: "evil\nfake.exe\r\n0x99" }), 0), "evil\\nfake.exe\\r\\n0x99\n0x10");
    const long = nodeLabel(node({ n: "x".repeat(10_240), i: "9".repeat(100) }), 2);
    assert.equal(long, `${"x".repeat(MAX_BOX_NAME - 1)}…\n${"9".repeat(MAX_BOX_PID - 1)}…  +2`);
    // Cut after revealing, never inside an escape: 30 zero-width spaces are 180 characters shown.
    const hidden = nodeLabel(node({ n: "\u200b".repeat(30) }), 0).split("\n")[0];
    assert.ok(hidden.length <= MAX_BOX_NAME && /^(\\u200b)+…$/.test(hidden), hidden);
  });

  it("right-to-left values are isolated where they share a line with our words (tip, box label); the table's name cell is parts", () => {
    const hebrew = node({ n: "שלום.exe", i: "0x1a4", u: "مستخدم", c: "שלום.exe -x\nשורה ٢" });
    assert.equal(tooltipText(hebrew), "\u2068שלום.exe\u2069  [0x1a4]\n\u2068שלום.exe -x\u2069\n\u2068שורה ٢\u2069\nUser: \u2068مستخدم\u2069");
    assert.equal(nodeLabel(hebrew, 3), "\u2068שלום.exe\u2069\n0x1a4  +3");
    // An isolate in the data is revealed, never taken for ours.
    assert.equal(tooltipText(node({ n: "a\u2068b" })), "a\\u2068b  [0x10]");
    assert.deepEqual(nameCellParts(node({ n: "שלום.exe", l: 2, x: 1 })), ["\u00a0\u00a0", "שלום.exe", " (inferred)"]);
    assert.equal(tableCells(node({ n: "שלום.exe" }), false)[1], "שלום.exe");
  });

  it("folding: visible set, ancestors opened on demand, reset", () => {
    const p = [-1, 0, 1, 0, -1];
    const tree = { nodes: p.map((x) => ({ p: x })), children: childLists(p.map((x) => ({ p: x }))) };
    const folding = new Folding(tree, [0]);
    assert.deepEqual(folding.visible(), [0, 1, 3, 4]);
    assert.equal(folding.hiddenChildren(1), 1);
    assert.equal(folding.openAncestors(2), true);
    assert.deepEqual(folding.visible(), [0, 1, 2, 3, 4]);
    assert.equal(folding.openAncestors(2), false);
    assert.equal(folding.set(2, true), false, "a leaf has nothing to fold");
    assert.equal(folding.set(0, false), true);
    assert.deepEqual(folding.visible(), [0, 4]);
    folding.reset();
    assert.deepEqual(folding.visible(), [0, 1, 3, 4]);
    folding.openAll();
    assert.equal(folding.visible().length, 5);
  });

  it("folding pages the children of a wide parent: the first page, a +N more box, the next page; a selected child beyond the pages shows after them, alone", () => {
    const n = 1 + 2 * CHILD_PAGE + 50;
    const p = Array.from({ length: n }, (_, i) => (i === 0 ? -1 : 0));
    const tree = { nodes: p.map((x) => ({ p: x })), children: childLists(p.map((x) => ({ p: x }))) };
    const folding = new Folding(tree, []);
    assert.deepEqual(folding.visible(), [0]);
    assert.equal(folding.moreChildren(0), 0, "closed: nothing waits behind a more box");
    folding.set(0, true);
    assert.equal(folding.visible().length, 1 + CHILD_PAGE);
    assert.equal(folding.moreChildren(0), CHILD_PAGE + 50);
    assert.equal(folding.showMore(0), true);
    assert.equal(folding.visible().length, 1 + 2 * CHILD_PAGE);
    assert.equal(folding.moreChildren(0), 50);
    folding.reset();
    // A selected child beyond the page shows after it, alone: not with every child before it.
    assert.equal(folding.openAncestors(n - 1), true);
    assert.equal(folding.openAncestors(n - 1), false, "already shown");
    assert.deepEqual(folding.visible(), [0, ...tree.children[0].slice(0, CHILD_PAGE), n - 1]);
    assert.equal(folding.moreChildren(0), n - 2 - CHILD_PAGE, "the +N more box counts the children still hidden");
    folding.openAncestors(CHILD_PAGE + 10);
    assert.deepEqual(folding.visible().slice(-2), [CHILD_PAGE + 10, n - 1], "pinned children in their data order");
    assert.equal(folding.moreChildren(0), n - 3 - CHILD_PAGE);
    // The next page takes in a pinned child (shown once), and the count stays right.
    folding.showMore(0);
    assert.equal(folding.visible().length, 1 + 2 * CHILD_PAGE + 1);
    assert.equal(new Set(folding.visible()).size, folding.visible().length, "no process twice");
    assert.equal(folding.moreChildren(0), 50 - 1);
    folding.showMore(0);
    assert.equal(folding.visible().length, n);
    assert.equal(new Set(folding.visible()).size, n);
    assert.equal(folding.moreChildren(0), 0);
    folding.openAll();
    assert.equal(folding.visible().length, n);
    // A bigger page (plotProcessTree sends max(300, maxInitialNodes)).
    const wide = new Folding(tree, [0], 1000);
    assert.equal(wide.visible().length, n);
  });

  it("colours by level over at most 12 levels: a 20,000-level chain keeps distinct colours at the top", () => {
    const levels = Array.from({ length: 20_000 }, (_, i) => i + 1);
    const c = levelColouring(levels);
    assert.notEqual(c.colors[0], c.colors[11], "level 1 and level 12 differ");
    assert.equal(c.colors[11], c.colors[19_999], "levels past 12 share the last colour");
    assert.equal(c.legend.length, 12);
    assert.equal(c.legend[11].label, "Level 12+");
    assert.deepEqual(levelColouring([1, 2, 3]).legend.map((l) => l.label), ["Level 1", "Level 2", "Level 3"]);
  });

  it("sends the processes as columns, every text once, and gets them back unchanged (children rebuilt)", () => {
    const tree = buildProcessTree(generate4688(10_000, { seed: 3 }).df);
    const model = processTreeModel(tree, { legendCol: "SubjectUserName" });
    const wire = encodeProcesses(model.nodes);
    assert.deepEqual(decodeProcesses(wire), model.nodes);
    assert.deepEqual(childrenOf(model.nodes), model.children);
    const objects = JSON.stringify(model.nodes).length;
    const columns = JSON.stringify(wire).length;
    assert.ok(columns < 0.6 * objects, `columns ${columns} bytes, objects ${objects}`);
    // Hostile and hidden characters go through as they are (the page reveals them when it shows them).
    const odd = [{ p: -1, n: EVIL, f: `C:\\${EVIL}`, i: "0x1", c: `a${RLO}b\u0000`, u: "", t: "", l: 1, k: "#FFFFFF", g: "", x: 1 }];
    assert.deepEqual(decodeProcesses(JSON.parse(JSON.stringify(encodeProcesses(odd)))), odd);
  });

  it("indents table rows at most 16 levels deep, and says the level once in the details of a tree coloured by level", () => {
    const deep = node({ l: 20_000, g: "20000" });
    assert.equal(tableCells(deep, false)[1], `${"\u00a0\u00a0".repeat(MAX_INDENT_LEVELS)}cmd.exe`);
    assert.deepEqual(detailFields(deep, "Level").filter(([h]) => h === "Level"), [["Level", "20000"]]);
    assert.deepEqual(detailFields(node({ l: 3, g: "x" }), "Tag").slice(-2), [["Tag", "x"], ["Level", "3"]]);
  });
});

describe("times shown", () => {
  it("a zoned time column shows in its own zone with its offset, as the table display does (was UTC, unlabelled); a naive one as written, cut to the ms", () => {
    const micros = [1710053999999999n, 1710054000500000n];
    const zoned = pl.Series("T", micros).cast(pl.Datetime("us")).dt.replaceTimeZone("UTC").dt.convertTimeZone("America/New_York");
    const naive = pl.Series("N", micros).cast(pl.Datetime("us"));
    const tree = pl.DataFrame([pl.Series("proc_key", ["a", "b"]), pl.Series("parent_key", [null, "a"], pl.Utf8), zoned, naive]);
    assert.deepEqual(processRows(tree, { timeStamp: "T" }).times, ["2024-03-10 01:59:59.999-05:00", "2024-03-10 03:00:00.500-04:00"]);
    assert.deepEqual(processRows(tree, { timeStamp: "N" }).times, ["2024-03-10 06:59:59.999", "2024-03-10 07:00:00.500"]);
  });
});

describe("short image names", () => {
  it("cut a Unix path at '/' only: a backslash in a Linux file name does not make it pass for another program", () => {
    const images = ["/tmp/.x\\sshd", "x\\bash", "C:\\Windows\\System32\\cmd.exe", "C:/Tools/psexec.exe", "/usr/sbin/sshd", "svchost.exe"];
    const tree = pl.DataFrame({ proc_key: images.map((_, i) => `k${i}`), parent_key: images.map(() => null), Image: images });
    // Sysmon's schema (separator "\"), as Sysmon for Linux writes it, and the auditd schema (separator "/").
    assert.deepEqual(processRows(tree, { processName: "Image", pathSeparator: "\\" }).short, [".x\\sshd", "bash", "cmd.exe", "psexec.exe", "sshd", "svchost.exe"]);
    assert.deepEqual(processRows(tree, { processName: "Image", pathSeparator: "/" }).short.slice(0, 2), [".x\\sshd", "x\\bash"]);
  });
});

describe("the text form with missing ids", () => {
  it("a process without a PID shows no empty brackets (treeToText leaves them out too)", () => {
    const events = pl.DataFrame({
      Computer: ["h", "h"],
      NewProcessName: ["C:\\p.exe", "C:\\q.exe"],
      NewProcessId: ["0x10", null],
      ProcessId: ["0x4", "0x10"],
      TimeGenerated: [new Date("2024-01-01T00:00:00Z"), new Date("2024-01-01T00:00:01Z")],
    });
    const text = toMimeBundle(plotProcessTree(buildProcessTree(events)))["text/plain"] as string;
    assert.match(text, /q\.exe/);
    assert.doesNotMatch(text, /\[\]/);
  });
});

describe("the text form with line breaks in the data", () => {
  it("a process name with line breaks stays on its line, revealed, and a long one is cut (it forged tree lines)", () => {
    const events = pl.DataFrame({
      Computer: ["h", "h", "h"],
      NewProcessName: ["C:\\p.exe", "C:\\evil\nfake.exe [0x1]\n    other.exe", `C:\\${"B".repeat(3000)}.exe`],
      NewProcessId: ["0x10", "0x11", "0x12\r\n  x.exe [0x99]"],
      ProcessId: ["0x4", "0x10", "0x10"],
      TimeGenerated: [new Date("2024-01-01T00:00:00Z"), new Date("2024-01-01T00:00:01Z"), new Date("2024-01-01T00:00:02Z")],
    });
    const text = toMimeBundle(plotProcessTree(buildProcessTree(events), { legendCol: "Computer" }))["text/plain"] as string;
    const lines = text.split("\n");
    // The summary, the inferred parent, p.exe and its two children.
    assert.equal(lines.length, 5, text);
    assert.equal(lines[3], "    evil\\nfake.exe [0x1]\\n    other.exe [0x11]");
    assert.match(lines[4], /^    B+… \[0x12\\r\\n  x\.exe \[0x99\]\]$/);
    assert.ok(lines[4].length < 200, `${lines[4].length} characters`);
  });
});

describe("the static image's texts", () => {
  /** Width in pixels of SVG text (markup as the image holds it) drawn by resvg in DejaVu Sans. */
  function drawnWidth(markup: string, fontSize: number, bold = false): number {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="4000" height="40" font-family="DejaVu Sans" font-size="${fontSize}"><text x="0" y="20"${bold ? ' font-weight="bold"' : ""}>${markup}</text></svg>`;
    const box = new Resvg(svg, { font: pngFonts(svg, dejaVuSansFiles()) }).getBBox();
    return box ? box.x + box.width : 0;
  }
  /** Each box of the image: its x and width, and its label's x and markup. */
  function boxes(svg: string): { x: number; width: number; textX: number; label: string }[] {
    return [...svg.matchAll(/<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)" height="21"[^>]*\/><text x="([\d.]+)" y="[\d.]+" fill="[^"]+">([^<]*)<\/text>/g)].map((m) => ({ x: +m[1], width: +m[2], textX: +m[3], label: m[4] }));
  }
  const skip = dejaVuSansFiles().length === 0 ? "DejaVu Sans is not installed" : false;

  it("a box holds its label: the PID whole, the name cut to the room left (SearchProtocolHost.exe ran over the command line)", { skip }, () => {
    const events = pl.DataFrame({
      TimeGenerated: [0, 1, 2, 3, 4].map((s) => new Date(Date.UTC(2024, 0, 1, 0, 0, s))),
      Computer: ["h", "h", "h", "h", "h"],
      NewProcessId: ["0x1a2c", "0x1b3c", "0x2c44", "0x1150", "18446744073709551615"],
      NewProcessName: ["C:\\Windows\\System32\\svchost.exe", "C:\\Windows\\System32\\SearchProtocolHost.exe", "C:\\Program Files\\MicrosoftEdgeUpdate.exe", "C:\\Users\\Пользователь-ПК.exe", "C:\\WWWWWWWWWWWWWWWWWWWWWWWWWWWWWW.exe"],
      ProcessId: ["0x4", "0x1a2c", "0x1a2c", "0x1a2c", "0x1a2c"],
      CommandLine: ["svchost.exe -k netsvcs", "SearchProtocolHost.exe Global\\UsGthrFltPipeMssGthrPipe1", "MicrosoftEdgeUpdate.exe /ua", "x", "y"],
      SubjectUserName: ["SYSTEM", "SYSTEM", "SYSTEM", "Пользователь-ПК Администратор домена", "WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW"],
    });
    const svg = processTreeSvg(buildProcessTree(events), { legendCol: "SubjectUserName", title: "W".repeat(120) });
    const found = boxes(svg);
    assert.equal(found.length, 6); // the inferred parent and the five processes
    const pids = ["0x4", "0x1a2c", "0x1b3c", "0x2c44", "0x1150", "18446744073709551615"];
    for (const box of found) {
      assert.ok(pids.some((pid) => box.label.endsWith(`  ${pid}`)), `the PID whole: ${box.label}`);
      assert.ok(box.textX + drawnWidth(box.label, 11) <= box.x + box.width, `${box.label}: ${drawnWidth(box.label, 11)} px in a ${box.width} px box`);
    }
    assert.ok(found.some((b) => /^SearchProt.*…  0x1b3c$/.test(b.label)) && found.some((b) => /^Пользоват.*…  0x1150$/.test(b.label)), found.map((b) => b.label).join(" | "));
    // The command line starts after its box.
    for (const m of svg.matchAll(/<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="21"[^>]*\/><text[^>]*>[^<]*<\/text><text x="([\d.]+)"/g)) assert.ok(+m[4] >= +m[1] + +m[3], m[0]);
    // Legend entries and the title end inside the image (900 px).
    const legend = [...svg.matchAll(/<rect x="[\d.]+" y="[\d.]+" width="14" height="14"[^>]*\/><text x="([\d.]+)" y="[\d.]+">([^<]*)<\/text>/g)];
    assert.ok(legend.length >= 3);
    for (const [, x, label] of legend) assert.ok(+x + drawnWidth(label, 11) <= 900, `${label} ends at ${+x + drawnWidth(label, 11)}`);
    const title = /font-size="15" font-weight="bold">([^<]*)</.exec(svg)?.[1] ?? "";
    assert.ok(title.endsWith("…") && 8 + drawnWidth(title, 15, true) <= 900, title);
  });

  it("hidden spacing characters in a command line show as escapes, as in the table (JS's \\s made U+FEFF, VT and U+2028 spaces)", () => {
    const events = pl.DataFrame({
      TimeGenerated: [new Date("2024-01-01T00:00:00Z"), new Date("2024-01-01T00:00:01Z")],
      Computer: ["h", "h"],
      NewProcessId: ["0x10", "0x11"],
      NewProcessName: ["C:\\p.exe", "C:\\powershell.exe"],
      ProcessId: ["0x4", "0x10"],
      CommandLine: ["p", "powershell\ufeff-enc\u000bAAA\u2028BBB  \t CCC\r\nDDD"],
    });
    const svg = processTreeSvg(buildProcessTree(events));
    assert.match(svg, />powershell\\ufeff-enc\\u000bAAA\\u2028BBB CCC DDD</);
  });
});

describe("right-to-left names in the static table", () => {
  it("a Hebrew or Arabic process name is in a <bdi>, so ' (inferred)' stays after it; other names keep their markup", () => {
    const t = (s: string): Date => new Date(`2024-01-01T${s}Z`);
    const events = pl.DataFrame({
      EventID: [4688, 4688],
      TimeGenerated: [t("10:00:00"), t("10:00:01")],
      Computer: ["h", "h"],
      NewProcessId: ["1001", "1002"],
      NewProcessName: ["C:\\a\\cmd.exe", "C:\\a\\שלום.exe"],
      ProcessId: ["1000", "1001"],
      // The parent of cmd.exe is not in the data: inferred, named in Arabic.
      ParentProcessName: ["C:\\a\\برنامج١٢٣", "C:\\a\\cmd.exe"],
    });
    const html = String(toMimeBundle(plotProcessTree(events, { showTable: true }))["text/html"]);
    assert.ok(html.includes('<td style="text-align:left"><bdi>برنامج١٢٣</bdi> (inferred)</td>'), html.slice(html.indexOf("hl-pt-static-table"), html.indexOf("hl-pt-static-table") + 600));
    assert.ok(html.includes('<td style="text-align:left">\u00a0\u00a0\u00a0\u00a0<bdi>שלום.exe</bdi></td>'));
    assert.ok(html.includes('<td style="text-align:left">\u00a0\u00a0cmd.exe</td>'));
  });
});
