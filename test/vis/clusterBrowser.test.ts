/** The cluster (logon session) browser's output: labels, tables, escaping, text. */
import assert from "node:assert/strict";
import { test } from "node:test";
import pl from "nodejs-polars";
import { QueryProvider } from "../../src/data/queryProvider";
import { dbclusterEvents } from "../../src/analysis/eventCluster";
import { withStringScore } from "../../src/analysis/features";
import { clusterBrowser, ClusterBrowserError, DEFAULT_MAX_CLUSTERS } from "../../src/vis/clusterBrowser";
import { JUPYTER_DISPLAY } from "../../src/display/protocol";

const qp = new QueryProvider("LocalData");

async function sessions(logons?: pl.DataFrame) {
  const df = logons ?? (await qp.WindowsSecurity.list_host_logons());
  const scored = withStringScore(withStringScore(df, "Account", "AccountNum"), "TargetUserName", "TargetUserNum");
  return dbclusterEvents(scored, { clusterColumns: ["AccountNum", "TargetUserNum", "LogonType"], maxClusterDistance: 0.0001, timeColumn: "TimeGenerated" });
}

test("one entry per session, labelled; each holds that session's logons in time order", async () => {
  const result = await sessions();
  const view = clusterBrowser(result, { labelColumns: ["TargetUserName", "LogonType"], columns: ["TimeGenerated", "Account", "LogonType", "IpAddress"], unit: "logons", title: "Logon sessions" });
  const bundle = view[JUPYTER_DISPLAY]();
  const html = bundle["text/html"] as string;
  const labels = [...html.matchAll(/<summary class="hl-cb-label">([^<]*)<\/summary>/g)].map((m) => m[1]);
  assert.equal(labels.length, 13);
  // The range as the table writes the times, to their last digit (it was cut to whole seconds).
  assert.equal(labels[0], "ian · 4: 2019-02-12 20:41:17.310 → 2019-02-12 20:41:17.310 (1 logon, unclustered)");
  assert.equal(labels[1], "SYSTEM · 5: 2019-02-09 12:32:50.220 → 2019-02-15 11:51:37.597 (120 logons)");
  assert.equal(labels[2], "MSTICAdmin · 3: 2019-02-12 04:37:25.340 → 2019-02-15 03:57:00.207 (8 logons)");
  const text = bundle["text/plain"] as string;
  assert.match(text, /^Logon sessions: 13 \(12 clusters, 1 unclustered\)/);
  assert.ok(text.includes("MSTICAdmin · 3: 2019-02-12 04:37:25"));
  // The MSTICAdmin type-3 table: 8 rows, 4 columns, times ascending.
  const bodies = html.split('<details class="hl-cb-item"').slice(1);
  assert.equal(bodies.length, 13);
  assert.match(bodies[2], /8 rows × 4 columns/);
  assert.match(bodies[1], /120 rows × 4 columns/);
  const times = [...bodies[2].split('class="hl-cb-body"')[1].matchAll(/2019-02-1\d \d\d:\d\d:\d\d(\.\d+)?/g)].map((m) => m[0]);
  assert.deepEqual(times, [...times].sort());
});

test("hostile values are escaped; bad options are named", async () => {
  const logons = await qp.WindowsSecurity.list_host_logons();
  const hostile = `<img src=x onerror="alert(1)">`;
  const names = (logons.getColumn("TargetUserName").toArray() as unknown as string[]).map((n) => (n === "ian" ? hostile : n));
  const result = await sessions(logons.withColumns(pl.Series("TargetUserName", names)));
  const html = clusterBrowser(result, { labelColumns: ["TargetUserName"] }).toHtml();
  assert.ok(!html.includes(hostile));
  assert.ok(html.includes("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"));
  assert.throws(
    () => clusterBrowser(result, { labelColumns: ["TargetUser"] }),
    (e: unknown) => e instanceof ClusterBrowserError && e.code === "vis/cluster-column-missing" && /"TargetUser".*Did you mean .*TargetUserName/.test(e.message),
  );
  assert.throws(() => clusterBrowser(result, { columns: ["Acount"] }), { code: "vis/cluster-column-missing", message: /column "Acount"/ });
  const custom = clusterBrowser(result, { label: (r) => `#${String(r.ClusterId)}` }).toText();
  assert.match(custom, /\n {2}#-1\n {2}#0\n/);
});

test("right-to-left label values are isolated from the time range after them: <bdi> in the list, parts for the live list", async () => {
  const logons = await qp.WindowsSecurity.list_host_logons();
  const arabic = "مستخدم١٢";
  const names = (logons.getColumn("TargetUserName").toArray() as unknown as string[]).map((n) => (n === "ian" ? arabic : n));
  const result = await sessions(logons.withColumns(pl.Series("TargetUserName", names)));
  const view = clusterBrowser(result, { labelColumns: ["TargetUserName", "LogonType"] });
  const bundle = view[JUPYTER_DISPLAY]();
  const html = bundle["text/html"] as string;
  assert.match(html, new RegExp(`<summary class="hl-cb-label"><bdi>${arabic}</bdi> · (\\d): 2019-02-\\d\\d [\\d:.]+ → 2019-`));
  const logonType = new RegExp(`<bdi>${arabic}</bdi> · (\\d)`).exec(html)![1];
  // Plain values keep their markup.
  assert.ok(html.includes(`<summary class="hl-cb-label">SYSTEM · 5: 2019-02-09 12:32:50.220 → `));
  // The text form is the label as before: an output's text/plain shows isolate characters as escapes.
  assert.match(bundle["text/plain"] as string, new RegExp(`\\n {2}${arabic} · ${logonType}: 2019-02-`));
  const config = JSON.parse(/<script type="application\/json" class="hl-view-config">(.*?)<\/script>/s.exec(html)![1]) as { data: { json?: { names: string[][]; labels: string[] } } };
  const data = config.data.json!;
  assert.ok(data, "the data is sent as JSON (small)");
  const k = data.labels.findIndex((l) => l.startsWith(arabic));
  assert.deepEqual(data.names[k], [arabic, logonType]);
});

/** `k` logon sessions of `per` events each, plus `noise` lone events: dbclusterEvents finds exactly those clusters. */
function manySessions(k: number, per = 3, noise = 0) {
  const t0 = Date.UTC(2024, 5, 1);
  const rows: Record<string, unknown>[] = [];
  for (let c = 0; c < k; c++) {
    for (let j = 0; j < per; j++) rows.push({ TimeGenerated: new Date(t0 + c * 60_000 + j * 1000), TargetUserName: `user${c}`, IpAddress: `10.0.${c >> 8}.${c & 255}`, F: c * 10 });
  }
  for (let j = 0; j < noise; j++) rows.push({ TimeGenerated: new Date(t0 + j), TargetUserName: `lone${j}`, IpAddress: "192.0.2.1", F: 1e6 + j * 10 });
  return dbclusterEvents(pl.readRecords(rows), { clusterColumns: ["F"], maxClusterDistance: 1, timeColumn: "TimeGenerated", normalize: false });
}

test("the tables' stylesheet is written once, not once per cluster (5,000 copies were 3.2 MB of 13.5 MB)", () => {
  const result = manySessions(30);
  assert.equal(result.clusterCount, 30);
  const html = clusterBrowser(result).toHtml();
  assert.equal((html.match(/<div class="huntlab-df tex2jax_ignore mathjax_ignore">/g) ?? []).length, 30);
  assert.equal((html.match(/\.huntlab-df table\{/g) ?? []).length, 1);
});

test(`lists at most maxClusters clusters (default ${DEFAULT_MAX_CLUSTERS}) and says how many more there are, and which option shows them`, () => {
  const clusters = DEFAULT_MAX_CLUSTERS + 5;
  const result = manySessions(clusters, 2, 3);
  assert.equal(result.clusterCount, clusters);
  const count = (html: string) => (html.match(/<details class="hl-cb-item"/g) ?? []).length;
  const view = clusterBrowser(result, { labelColumns: ["TargetUserName"] });
  const html = view.toHtml();
  assert.equal(count(html), 3 + DEFAULT_MAX_CLUSTERS);
  const more = `5 more clusters not shown (maxClusters ${DEFAULT_MAX_CLUSTERS})`;
  assert.ok(html.includes(`<p class="hl-cb-more">${more}.</p>`));
  assert.ok(view.toText().endsWith(`\n  … ${more}`));
  assert.equal((view.spec.data as { more?: string }).more, more);
  // The first clusters in the result's order are the ones listed.
  assert.ok(html.includes(`user${DEFAULT_MAX_CLUSTERS - 1}: `));
  assert.ok(!html.includes(`user${DEFAULT_MAX_CLUSTERS}: `));
  // Both caps at once: one notice naming both options.
  const both = clusterBrowser(result, { maxClusters: 10, maxRows: 1 });
  assert.equal(count(both.toHtml()), 1 + 10);
  assert.equal((both.spec.data as { more?: string }).more, `${clusters - 10} more clusters not shown (maxClusters 10); 2 more unclustered events not shown (maxRows 1)`);
  assert.equal(count(clusterBrowser(result, { maxClusters: Infinity }).toHtml()), 3 + clusters);
  // Caps are whole numbers of at least 1: maxRows 0 was an empty table per cluster, -1 a DisplayError from the table.
  for (const option of ["maxClusters", "maxRows"] as const) {
    for (const bad of [0, -3, 2.5, Number.NaN]) {
      assert.throws(() => clusterBrowser(result, { [option]: bad }), {
        name: "ClusterBrowserError",
        code: "vis/cluster-option",
        message: `clusterBrowser: option ${option} must be a whole number of at least 1 (Infinity: no limit), not ${bad}.`,
      });
    }
  }
});

test("a cluster's events are in time order when the time column is text (they were sorted as text); label times as the tables show them; a column named twice is refused", () => {
  const T = ["12/31/2023 10:00:00", "1/2/2024 09:00:00", "2/1/2024 08:00:00", "1/15/2024 07:00:00", "not a time"];
  const zoned = pl.Series("Z", [1704103200000n, 1704103200000n, 1704103200000n, 1704103200000n, 1704103200000n]).cast(pl.Datetime("ms")).dt.replaceTimeZone("UTC").dt.convertTimeZone("America/New_York");
  const df = pl.DataFrame([pl.Series("a", [1, 1, 1, 1, 1]), pl.Series("T", T), pl.Series("n", [1, 2, 3, 4, 5]), zoned]);
  const r = dbclusterEvents(df, { clusterColumns: ["a"], timeColumn: "T", maxClusterDistance: 0.0001, normalize: false });
  const html = String(clusterBrowser(r, { labelColumns: ["Z"] })[JUPYTER_DISPLAY]()["text/html"]);
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? "";
  const times = [...body.matchAll(/<td[^>]*>(\d+\/\d+\/\d+ [\d:]+|not a time)<\/td>/g)].map((m) => m[1]);
  assert.deepEqual(times, ["12/31/2023 10:00:00", "1/2/2024 09:00:00", "1/15/2024 07:00:00", "2/1/2024 08:00:00", "not a time"], "time order, the unread time last");
  assert.match(html, /<summary class="hl-cb-label">2024-01-01 05:00:00-05:00: 2023-12-31 10:00:00 → 2024-02-01 08:00:00 \(5 events\)/, "the label's time as the table writes it");
  // A zoned or µs time column: the range as the table writes it too, zone and digits kept (it was UTC cut to the second, unmarked).
  const berlin = pl
    .Series("t", [Date.UTC(2026, 9, 25, 0, 30), Date.UTC(2026, 9, 25, 1, 30), Date.UTC(2026, 9, 25, 2, 30)], pl.Float64)
    .cast(pl.Int64)
    .cast(pl.Datetime("ms"))
    .dt.replaceTimeZone("UTC")
    .dt.convertTimeZone("Europe/Berlin");
  const zonedRange = String(clusterBrowser(dbclusterEvents(pl.DataFrame([pl.Series("a", [1, 1, 1]), berlin]), { clusterColumns: ["a"], timeColumn: "t", normalize: false }))[JUPYTER_DISPLAY]()["text/plain"]);
  assert.match(zonedRange, /2026-10-25 02:30:00\+02:00 → 2026-10-25 03:30:00\+01:00 \(3 events\)/);
  const us = pl.Series("t", [1_700_000_000_000_001n, 1_700_000_000_000_002n, 1_700_000_000_123_457n]).cast(pl.Datetime("us"));
  const usRange = String(clusterBrowser(dbclusterEvents(pl.DataFrame([pl.Series("a", [1, 1, 1]), us]), { clusterColumns: ["a"], timeColumn: "t", normalize: false }))[JUPYTER_DISPLAY]()["text/plain"]);
  assert.match(usRange, /2023-11-14 22:13:20\.000001 → 2023-11-14 22:13:20\.123457 \(3 events\)/);
  // ns times within one ms: in order to the last digit (a sort on ms kept input order).
  const ns = pl.Series("T", ["1700000000000000300", "1700000000000000100", "1700000000000000200"]).cast(pl.Int64).cast(pl.Datetime("ns"));
  const nsFrame = pl.DataFrame([pl.Series("a", [1, 1, 1]), ns, pl.Series("id", ["third", "first", "second"])]);
  const nsHtml = String(clusterBrowser(dbclusterEvents(nsFrame, { clusterColumns: ["a"], timeColumn: "T", normalize: false }), { columns: ["id"] })[JUPYTER_DISPLAY]()["text/html"]);
  assert.deepEqual([...nsHtml.matchAll(/<td>(first|second|third)<\/td>/g)].map((m) => m[1]), ["first", "second", "third"]);
  assert.doesNotMatch(html, /GMT/, "no JS Date text");
  assert.throws(() => clusterBrowser(r, { columns: ["a", "a"] }), (e: unknown) => e instanceof ClusterBrowserError && e.code === "vis/cluster-option" && /option columns names column "a" twice/.test(e.message));
});

test("the text form: a label value with tabs and line breaks stays on its line, revealed; a long one is cut (a 2,062-character line)", async () => {
  const times = [0, 1, 2, 3].map((m) => new Date(Date.UTC(2024, 0, 1, 0, m)));
  const events = pl.DataFrame({ TimeGenerated: times, Feature: [0, 0, 100, 100], User: ["a\tb\r\nc: fake line", "a\tb\r\nc: fake line", "A".repeat(2000), "A".repeat(2000)] });
  const result = dbclusterEvents(events, { clusterColumns: ["Feature"], normalize: false, maxClusterDistance: 1, minClusterSamples: 2, timeColumn: "TimeGenerated" });
  const view = clusterBrowser(result, { labelColumns: ["User"], title: "Sessions\nfake: 9" });
  const lines = (view[JUPYTER_DISPLAY]()["text/plain"] as string).split("\n");
  assert.equal(lines.length, 3, lines.join("\n"));
  assert.equal(lines[0], "Sessions\\nfake: 9: 2 (2 clusters, 0 unclustered)");
  assert.equal(lines[1], "  a\\tb\\r\\nc: fake line: 2024-01-01 00:00:00 → 2024-01-01 00:01:00 (2 events)");
  assert.match(lines[2], /^  A{199}…: 2024-01-01 00:02:00 → 2024-01-01 00:03:00 \(2 events\)$/);
});
