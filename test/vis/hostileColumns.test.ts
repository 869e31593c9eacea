/**
 * Every view factory with columns named like members of polars' DataFrame proxy
 * (`height`, `columns`, `select`, `filter`, `getColumn`, `lazy`): the proxy answers
 * those names with the column, so a view that reads `df.height` or
 * `df.columns.includes(…)` draws nothing or crashes. Each view is built twice,
 * from the same data with plain names (`p_height`…) and with the member names,
 * as extra columns and as the chosen columns; the outputs must be the same but
 * for the names.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import pl from "nodejs-polars";
import type { DbclusterResult } from "../../src/analysis/eventCluster";
import { dataFrameToText } from "../../src/display/dataframe";
import { JUPYTER_DISPLAY } from "../../src/display/protocol";
import { clusterBrowser } from "../../src/vis/clusterBrowser";
import { processTreeModel, processTreeSvg } from "../../src/vis/processTree";
import { browseResults } from "../../src/vis/tiBrowser";
import { timeline, timelineValues } from "../../src/vis/timeline";
import { timeseriesAnomaliesChart, timeseriesAnomaliesSpec } from "../../src/vis/timeseriesAnomalies";

const MEMBERS = ["height", "columns", "select", "filter", "getColumn", "lazy"] as const;
type Member = (typeof MEMBERS)[number];
const plain = (m: Member): string => `p_${m}`;

/** `build(name)` with plain names and with member names: the same frame but for the names. */
function twoFrames(build: (name: (m: Member) => string) => pl.DataFrame): { plainDf: pl.DataFrame; hostileDf: pl.DataFrame } {
  return { plainDf: build(plain), hostileDf: build((m) => m) };
}

/** The plain-name output with the plain names written as the member names. */
function renamed(value: unknown): string {
  let text = JSON.stringify(value, (_k, v: unknown) => (v instanceof Uint8Array ? [...v] : v));
  for (const m of MEMBERS) text = text.split(plain(m)).join(m);
  return text;
}

/** Six extra columns (text, numbers, booleans, times) named by `name`. */
function extras(name: (m: Member) => string, n: number): pl.Series[] {
  return [
    pl.Series(name("height"), Array.from({ length: n }, (_, i) => i + 1), pl.Int64),
    pl.Series(name("columns"), Array.from({ length: n }, (_, i) => `c${i % 3}`), pl.Utf8),
    pl.Series(name("select"), Array.from({ length: n }, (_, i) => `s${i}`), pl.Utf8),
    pl.Series(name("filter"), Array.from({ length: n }, (_, i) => i % 2 === 0), pl.Bool),
    pl.Series(name("getColumn"), Array.from({ length: n }, (_, i) => i * 1.5), pl.Float64),
    pl.Series(name("lazy"), Array.from({ length: n }, (_, i) => `l${i % 2}`), pl.Utf8),
  ];
}

const T0 = Date.UTC(2024, 2, 1, 10, 0, 0);
const times = (n: number, step = 60_000): Date[] => Array.from({ length: n }, (_, i) => new Date(T0 + i * step));

describe("views with columns named like DataFrame members", () => {
  it("timeseriesAnomaliesSpec: a column `height` does not empty the chart (3 rows in, 3 points out)", () => {
    const df = pl.DataFrame({
      TimeGenerated: ["2024-03-01T10:00:00Z", "2024-03-01T11:00:00Z", "2024-03-01T12:00:00Z"],
      Total: [1, 5, 2],
      anomalies: [0, 1, 0],
      baseline: [1, 1, 1],
      height: [1, 2, 3],
    });
    const spec = timeseriesAnomaliesSpec(df, { y: "Total" }) as unknown as { data: { values: { y: number; anomaly: number }[] } };
    assert.deepEqual(spec.data.values.map((r) => [r.y, r.anomaly]), [[1, 0], [5, 1], [2, 0]]);
  });

  it("timeseriesAnomaliesSpec / Chart: extra and chosen member-named columns give the same spec and text", async () => {
    const n = 8;
    const base = (name: (m: Member) => string, chosen: boolean) =>
      pl.DataFrame([
        pl.Series(chosen ? name("select") : "TimeGenerated", times(n, 3_600_000), pl.Datetime("ms")),
        pl.Series(chosen ? name("columns") : "Total", [3, 4, 3, 40, 3, 4, 1, 3], pl.Float64),
        pl.Series(chosen ? name("filter") : "anomalies", [0, 0, 0, 1, 0, 0, -1, 0], pl.Int32),
        pl.Series(chosen ? name("getColumn") : "baseline", [3, 3, 3, 3, 3, 3, 3, 3], pl.Float64),
        pl.Series(chosen ? name("lazy") : "score", [0.1, 0.2, 0.1, 9, 0.1, 0.2, -3, 0.1], pl.Float64),
        ...(chosen ? [pl.Series(name("height"), Array.from({ length: n }, (_, i) => i), pl.Int64)] : extras(name, n)),
      ]);
    for (const chosen of [false, true]) {
      const { plainDf, hostileDf } = twoFrames((name) => base(name, chosen));
      const opts = (name: (m: Member) => string) =>
        chosen ? { y: name("columns"), timeColumn: name("select"), anomaliesColumn: name("filter"), baselineColumn: name("getColumn"), scoreColumn: name("lazy") } : { y: "Total" };
      const want = timeseriesAnomaliesSpec(plainDf, opts(plain));
      const got = timeseriesAnomaliesSpec(hostileDf, opts((m) => m));
      assert.equal((got as unknown as { data: { values: unknown[] } }).data.values.length, n);
      assert.equal(JSON.stringify(got), renamed(want));
      const wantText = (await timeseriesAnomaliesChart(plainDf, opts(plain))).text;
      const gotText = (await timeseriesAnomaliesChart(hostileDf, opts((m) => m))).text;
      assert.match(gotText, /8 points, 2 anomalies/);
      assert.equal(JSON.stringify(gotText), renamed(wantText));
    }
  });

  it("timeline and timelineValues: extra and chosen member-named columns give the same spec, lanes and text", async () => {
    const n = 9;
    const build = (name: (m: Member) => string, chosen: boolean) =>
      pl.DataFrame([
        pl.Series(chosen ? name("height") : "TimeGenerated", times(n), pl.Datetime("ms")),
        pl.Series(chosen ? name("columns") : "Account", Array.from({ length: n }, (_, i) => ["alice", "bob", "carol"][i % 3]), pl.Utf8),
        pl.Series(chosen ? name("select") : "Bytes", Array.from({ length: n }, (_, i) => i * 10), pl.Int64),
        pl.Series(chosen ? name("filter") : "Cmd", Array.from({ length: n }, (_, i) => `cmd ${i}`), pl.Utf8),
        ...(chosen ? [pl.Series(name("getColumn"), Array.from({ length: n }, () => 1), pl.Int32), pl.Series(name("lazy"), Array.from({ length: n }, () => "x"), pl.Utf8)] : extras(name, n)),
      ]);
    for (const chosen of [false, true]) {
      const { plainDf, hostileDf } = twoFrames((name) => build(name, chosen));
      const opts = (name: (m: Member) => string) =>
        chosen ? { timeColumn: name("height"), groupBy: name("columns"), sourceColumns: [name("filter"), name("lazy")] } : { groupBy: "Account", sourceColumns: ["Cmd"] };
      const want = await timeline(plainDf, opts(plain));
      const got = await timeline(hostileDf, opts((m) => m));
      assert.equal(got.events, n);
      assert.deepEqual(got.lanes.map((l) => [l.name, l.count]), [["alice", 3], ["bob", 3], ["carol", 3]]);
      assert.equal(JSON.stringify(got.spec), renamed(want.spec));
      assert.equal(JSON.stringify(got.text), renamed(want.text));
      const vOpts = (name: (m: Member) => string) => ({ ...opts(name), y: chosen ? name("select") : "Bytes" });
      const wantV = await timelineValues(plainDf, vOpts(plain));
      const gotV = await timelineValues(hostileDf, vOpts((m) => m));
      assert.equal((gotV.spec as unknown as { data: { values: unknown[] } }).data.values.length, n);
      assert.equal(JSON.stringify(gotV.spec), renamed(wantV.spec));
    }
  });

  it("process tree (built tree and raw events): extra and chosen member-named columns give the same model and image", () => {
    // A built tree: 1 → 2 → {3, 4}, 5 a second root.
    const built = (name: (m: Member) => string, chosen: boolean) =>
      pl.DataFrame([
        pl.Series("proc_key", ["k1", "k2", "k3", "k4", "k5"], pl.Utf8),
        pl.Series("parent_key", [null, "k1", "k2", "k2", null], pl.Utf8),
        pl.Series("IsRoot", [true, false, false, false, true], pl.Bool),
        pl.Series("IsLeaf", [false, false, true, true, true], pl.Bool),
        pl.Series("IsBranch", [false, true, false, false, false], pl.Bool),
        pl.Series("path", ["0", "0/1", "0/1/2", "0/1/3", "4"], pl.Utf8),
        pl.Series("Level", [0, 1, 2, 2, 0], pl.Int32),
        pl.Series(chosen ? name("select") : "Image", ["C:\\w\\a.exe", "C:\\w\\b.exe", "C:\\w\\c.exe", "C:\\w\\d.exe", "C:\\w\\e.exe"], pl.Utf8),
        pl.Series(chosen ? name("getColumn") : "Pid", ["0x1", "0x2", "0x3", "0x4", "0x5"], pl.Utf8),
        pl.Series(chosen ? name("lazy") : "PPid", ["0x0", "0x1", "0x2", "0x2", "0x0"], pl.Utf8),
        pl.Series(chosen ? name("height") : "When", times(5), pl.Datetime("ms")),
        pl.Series(chosen ? name("filter") : "Cmd", ["a", "b -x", "c -y", "d", "e"], pl.Utf8),
        pl.Series(chosen ? name("columns") : "User", ["u1", "u2", "u2", "u1", "u3"], pl.Utf8),
        ...(chosen ? [] : extras(name, 5)),
      ]);
    for (const chosen of [false, true]) {
      const { plainDf, hostileDf } = twoFrames((name) => built(name, chosen));
      const opts = (name: (m: Member) => string) => {
        const n = (m: Member, p: string) => (chosen ? name(m) : p);
        return {
          legendCol: n("columns", "User"),
          showTable: true,
          schema: { name: "test", processName: n("select", "Image"), processId: n("getColumn", "Pid"), parentId: n("lazy", "PPid"), timeStamp: n("height", "When"), cmdLine: n("filter", "Cmd"), userName: n("columns", "User"), pathSeparator: "\\" },
        };
      };
      const want = processTreeModel(plainDf, opts(plain));
      const got = processTreeModel(hostileDf, opts((m) => m));
      assert.deepEqual(got.nodes.map((nd) => [nd.n, nd.i, nd.c, nd.l, nd.g]), [
        ["a.exe", "0x1", "a", 1, "u1"],
        ["b.exe", "0x2", "b -x", 2, "u2"],
        ["c.exe", "0x3", "c -y", 3, "u2"],
        ["d.exe", "0x4", "d", 3, "u1"],
        ["e.exe", "0x5", "e", 1, "u3"],
      ]);
      assert.equal(renamed(got), renamed(want));
      assert.equal(processTreeSvg(hostileDf, opts((m) => m)), JSON.parse(renamed(processTreeSvg(plainDf, opts(plain)))));
    }
    // Raw Windows 4688 events (built into a tree first), member-named extras, coloured by one of them.
    const raw = (name: (m: Member) => string) =>
      pl.DataFrame([
        pl.Series("TimeGenerated", times(3), pl.Datetime("ms")),
        pl.Series("Computer", ["h", "h", "h"], pl.Utf8),
        pl.Series("NewProcessName", ["C:\\a.exe", "C:\\b.exe", "C:\\c.exe"], pl.Utf8),
        pl.Series("NewProcessId", ["0x2", "0x3", "0x4"], pl.Utf8),
        pl.Series("ProcessId", ["0x1", "0x2", "0x3"], pl.Utf8),
        pl.Series("ParentProcessName", ["C:\\p.exe", "C:\\a.exe", "C:\\b.exe"], pl.Utf8),
        pl.Series("CommandLine", ["a", "b", "c"], pl.Utf8),
        pl.Series("SubjectUserName", ["u", "u", "u"], pl.Utf8),
        pl.Series("SubjectLogonId", ["0x9", "0x9", "0x9"], pl.Utf8),
        pl.Series("TargetLogonId", ["0x0", "0x0", "0x0"], pl.Utf8),
        pl.Series("EventID", [4688, 4688, 4688], pl.Int32),
        ...extras(name, 3),
      ]);
    const { plainDf, hostileDf } = twoFrames(raw);
    const gotRaw = processTreeModel(hostileDf, { legendCol: "columns" });
    assert.deepEqual(gotRaw.nodes.map((nd) => [nd.n, nd.l, nd.g]), [["p.exe", 1, ""], ["a.exe", 2, "c0"], ["b.exe", 3, "c1"], ["c.exe", 4, "c2"]]);
    assert.equal(renamed(gotRaw), renamed(processTreeModel(plainDf, { legendCol: plain("columns") })));
  });

  it("cluster browser: member-named event columns (shown, labels, time column) give the same HTML", () => {
    // Four events: three of alice's (one cluster, out of time order), one of bob's (noise).
    const events = (name: (m: Member) => string, rows: number[]) => {
      const at = <T>(values: T[]): T[] => rows.map((r) => values[r]);
      return pl.DataFrame([
        pl.Series(name("height"), at([new Date(T0 + 3000), new Date(T0 + 1000), new Date(T0 + 2000), new Date(T0 + 5000)]), pl.Datetime("ms")),
        pl.Series(name("columns"), at(["alice", "alice", "alice", "bob"]), pl.Utf8),
        pl.Series(name("select"), at([3, 1, 2, 9]), pl.Int32),
        pl.Series(name("filter"), at([true, false, true, false]), pl.Bool),
        pl.Series(name("getColumn"), at(["x", "y", "z", "w"]), pl.Utf8),
        pl.Series(name("lazy"), at(["l", "l", "l", "m"]), pl.Utf8),
      ]);
    };
    const result = (name: (m: Member) => string): DbclusterResult => {
      const clustered = pl.DataFrame([
        pl.Series(name("columns"), ["bob", "alice"], pl.Utf8),
        pl.Series(name("select"), [9, 3], pl.Int32),
        pl.Series("Clustered", [false, true], pl.Bool),
        pl.Series("ClusterId", [-1, 0], pl.Int32),
        pl.Series("ClusterSize", [1, 3], pl.Int32),
        pl.Series("FirstEventTime", [new Date(T0 + 5000), new Date(T0 + 1000)], pl.Datetime("ms")),
        pl.Series("LastEventTime", [new Date(T0 + 5000), new Date(T0 + 3000)], pl.Datetime("ms")),
      ]);
      return { clustered, labels: [0, 0, 0, -1], coreSampleIndices: [0, 1, 2], clusterCount: 1, noiseCount: 1, features: [], timeColumn: name("height"), members: (id) => events(name, id === 0 ? [0, 1, 2] : [3]) };
    };
    const opts = (name: (m: Member) => string) => ({ labelColumns: [name("columns")], columns: [name("height"), name("select"), name("getColumn")] });
    const bundle = (r: DbclusterResult, o: ReturnType<typeof opts>) => clusterBrowser(r, o)[JUPYTER_DISPLAY]();
    const want = bundle(result(plain), opts(plain));
    const got = bundle(result((m) => m), opts((m) => m));
    const html = got["text/html"] as string;
    const ids = /hl-cluster-browser-[\w-]+/g;
    assert.equal(JSON.stringify(got["text/plain"]), renamed(want["text/plain"]));
    assert.equal(JSON.stringify(html.replace(ids, "ID")), renamed((want["text/html"] as string).replace(ids, "ID")));
    // alice's cluster: three events in time order (1, 2, 3), three columns.
    const alice = html.split('<details class="hl-cb-item"')[2];
    assert.match(alice, /3 rows × 3 columns/);
    const order = [...alice.matchAll(/>([xyz])</g)].map((m) => m[1]);
    assert.deepEqual(order, ["y", "z", "x"]);
    // Without `columns`: every event column.
    assert.match(bundle(result((m) => m), { labelColumns: ["columns"] } as ReturnType<typeof opts>)["text/html"] as string, /3 rows × 6 columns/);
  });

  it("TI results browser: member-named extra columns give the same items and text", () => {
    const build = (name: (m: Member) => string) =>
      pl.DataFrame([
        pl.Series("Ioc", ["1.2.3.4", "1.2.3.4", "evil.example"], pl.Utf8),
        pl.Series("IocType", ["ipv4", "ipv4", "dns"], pl.Utf8),
        pl.Series("Provider", ["A", "B", "A"], pl.Utf8),
        pl.Series("Result", [true, false, true], pl.Bool),
        pl.Series("Severity", ["high", "information", "warning"], pl.Utf8),
        pl.Series("Status", [0, 0, 0], pl.Int32),
        ...extras(name, 3),
      ]);
    const { plainDf, hostileDf } = twoFrames(build);
    const want = browseResults(plainDf, { severities: "all" });
    const got = browseResults(hostileDf, { severities: "all" });
    assert.deepEqual(got.items.map((i) => [i.ioc, i.rows.length]), [["1.2.3.4", 2], ["evil.example", 1]]);
    assert.deepEqual(got.items, want.items);
    assert.equal(got.toText(), want.toText());
  });

  it("DataFrame tables (the events tables of the browsers): columns `toSeries`, `getColumn`, `getColumns`, `height` are shown", () => {
    const names = ["toSeries", "getColumn", "getColumns", "height", "columns"];
    const build = (name: (n: string) => string) => pl.DataFrame(names.map((n, k) => pl.Series(name(n), [k, k + 10, k + 20], pl.Int32)));
    const text = dataFrameToText(build((n) => n));
    assert.match(text, /3 rows × 5 columns/);
    const squeeze = (t: string) => t.replace(/ +/g, " ");
    assert.equal(squeeze(text), squeeze(dataFrameToText(build((n) => `p_${n}`)).split("p_").join("")));
  });
});

describe("chart titles from hostile column names", () => {
  const t = Array.from({ length: 4 }, (_, i) => new Date(Date.UTC(2024, 0, 1, i)));
  // Vega looked these up in a plain object ("Operator not defined"); a line break ended an ARIA expression.
  const NAMES = ["constructor", "toString", "hasOwnProperty", "valueOf", "a\nb", "a\rb", "a\u2028b", "__proto__"];

  it("timeline and timelineValues draw with such a title, groupBy or y (the chart was refused)", async () => {
    for (const name of NAMES) {
      const df = pl.DataFrame([pl.Series("TimeGenerated", t), pl.Series(name, ["x", "y", "x", "y"]), pl.Series(`${name}_v`, [1, 2, 3, 4])]);
      const byGroup = await timeline(df, { groupBy: name, title: name });
      assert.match(byGroup.text, /4 event/, JSON.stringify(name));
      const values = await timelineValues(df, { y: `${name}_v`, title: name });
      assert.ok(values.spec, JSON.stringify(name));
      if (name === "constructor") assert.match(JSON.stringify(byGroup.spec), /"title":"constructor /);
    }
  });

  it("timeseriesAnomaliesChart draws with such a value column and title", async () => {
    for (const name of NAMES) {
      const df = pl.DataFrame([pl.Series("TimeGenerated", t), pl.Series(name, [1, 2, 3, 40]), pl.Series("anomalies", [0, 0, 0, 1])]);
      const chart = await timeseriesAnomaliesChart(df, { y: name, title: name, baselineColumn: null });
      assert.ok(chart.spec, JSON.stringify(name));
    }
  });
});

describe("timeseriesAnomaliesChart legend entries", () => {
  it("a value column named `anomaly` or `baseline` keeps its own legend entry and colour", () => {
    const t = Array.from({ length: 4 }, (_, i) => new Date(Date.UTC(2024, 0, 1, i)));
    const df = pl.DataFrame([pl.Series("TimeGenerated", t), pl.Series("anomaly", [1, 2, 3, 40]), pl.Series("anomalies", [0, 0, 0, 1])]);
    const spec = timeseriesAnomaliesSpec(df, { y: "anomaly", baselineColumn: null }) as unknown as { layer: { encoding: { color: { scale: { domain: string[] } } } }[] };
    const domain = spec.layer[0].encoding.color.scale.domain;
    assert.deepEqual(domain, ["anomaly (value)", "anomaly"]);
  });
});
