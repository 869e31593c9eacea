// npm test runs this file in a process of its own: its first test loads data/ before the package entry registers the query browser.
import { test } from "node:test";
import assert from "node:assert/strict";
import { QueryBrowser, queryCallExample } from "../../src/vis";
import { HtmlView } from "../../src/display/htmlView";
import { QueryProvider as DataQueryProvider } from "../../src/data/queryProvider";
import { JUPYTER_DISPLAY, isDisplayable } from "../../src/display/protocol";
import { escapeHtml, escapeText } from "../../src/display/html";
import { FIXTURE_QUERIES, XSS_PAYLOADS, XSS_QUERIES } from "../browser/fixtures/queries";

/** Executable scripts (the view's bundle). */
const scripts = (html: string): string[] => [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
/** The text of the view's JSON configuration element (data for the bundle). */
const configText = (html: string): string => html.match(/<script type="application\/json" class="hl-view-config">([\s\S]*?)<\/script>/)![1];
const config = (html: string): { id: string; data: { json: { queries: { key: string; description: string }[] } } } => JSON.parse(configText(html));
const withoutScripts = (html: string): string => html.replace(/<script\b[^>]*>[\s\S]*?<\/script>/g, "");
/** Real start tags outside scripts (escaped text has no `<`). */
const tags = (html: string): string[] => withoutScripts(html).match(/<[a-zA-Z][^>]*>/g) ?? [];

test("is displayable and returns an HTML + text bundle", () => {
  const browser = new QueryBrowser(FIXTURE_QUERIES);
  assert.ok(isDisplayable(browser));
  assert.ok(browser instanceof HtmlView);
  const bundle = browser[JUPYTER_DISPLAY]();
  assert.deepEqual(Object.keys(bundle).sort(), ["text/html", "text/plain"]);
  assert.match(bundle["text/html"] as string, /class="hl-view hl-view-query-browser\b/);
  assert.equal(bundle["text/plain"], browser.toText());
});

test("text lists one line per query, sorted by family then name", () => {
  const lines = new QueryBrowser(FIXTURE_QUERIES).toText().split("\n");
  assert.equal(lines.length, FIXTURE_QUERIES.length);
  assert.equal(lines[0], "Azure.list_aad_signins_for_account — Lists Azure AD Logon (sign-in) events for an account");
  assert.ok(lines.includes("WindowsSecurity.list_host_logons — Retrieves the logon events on the host"));
  assert.equal(new QueryBrowser([]).toText(), "(no queries)");
});

test("text: one line per query, however long its description or whatever it holds (line breaks and bidi as escapes, cut)", () => {
  const hostile = [
    { ...FIXTURE_QUERIES[0], description: "first\nFake.query — a row the data made up\r\u202e" },
    { ...FIXTURE_QUERIES[1], name: "q\u2028two", description: "x".repeat(5000) },
  ];
  const text = new QueryBrowser(hostile).toText();
  const lines = text.split("\n");
  assert.equal(lines.length, 2, text.slice(0, 400));
  assert.ok(lines.every((l) => l.length < 500), String(lines.map((l) => l.length)));
  assert.ok(!/[\r\u2028\u202e]/.test(text), "no raw hidden characters");
  assert.ok(lines.includes(`${FIXTURE_QUERIES[0].family}.${FIXTURE_QUERIES[0].name} — first\\nFake.query — a row the data made up\\r\\u202e`), text.slice(0, 400));
  assert.ok(lines.some((l) => /^SecurityAlert\.q\\u2028two — x+…$/.test(l)), text.slice(0, 400));
});

test("static HTML lists every query with description, parameters, query text and example", () => {
  const html = new QueryBrowser(FIXTURE_QUERIES).toHtml();
  const summaries = [...html.matchAll(/<summary><code class="hl-qb-key">([^<]*)<\/code>/g)].map((m) => m[1]);
  assert.deepEqual(summaries.sort(), FIXTURE_QUERIES.map((q) => `${q.family}.${q.name}`).sort());
  for (const q of FIXTURE_QUERIES) {
    assert.ok(html.includes(`<h4 class="hl-qb-desc">${escapeHtml(q.description)}</h4>`), q.name);
    assert.ok(html.includes(`<pre class="hl-qb-query">${escapeHtml(q.query)}</pre>`), q.name);
    assert.ok(html.includes(escapeHtml(queryCallExample(q))), q.name);
  }
  assert.match(html, /<th>Name<\/th><th>Type<\/th><th>Required<\/th><th>Default<\/th><th>Description<\/th><th>Aliases<\/th>/);
  assert.ok(html.includes("<td><code>host_name</code></td><td>str</td><td>yes</td><td><code></code></td><td>Name of host</td><td>hostname, computer</td>"));
  assert.ok(html.includes("<td><code>table</code></td><td>str</td><td>no (optional)</td><td><code>&quot;SecurityEvent&quot;</code></td>"));
  assert.ok(html.includes("<td><code>count</code></td><td>int</td><td>no (optional)</td><td><code>100</code></td>"));
  assert.ok(html.includes(`<p class="hl-qb-noparams">No parameters.</p>`));
  assert.ok(html.includes("host_logons.pkl") && html.includes("net_summary.parquet"));
});

test("call examples name the declared parameters as an options object", () => {
  const byName = (name: string) => FIXTURE_QUERIES.find((q) => q.name === name)!;
  assert.equal(queryCallExample(byName("list_host_logons")), "await qp.WindowsSecurity.list_host_logons({ start, end, host_name, table })");
  assert.equal(queryCallExample(byName("get_network_summary")), "await qp.Network.get_network_summary()");
  assert.equal(queryCallExample(byName("get_alert"), "provider"), "await provider.SecurityAlert.get_alert({ system_alert_id })");
  const html = new QueryBrowser([byName("list_alerts")], { providerVariable: "lp" }).toHtml();
  assert.ok(html.includes("await lp.SecurityAlert.list_alerts({ start, end, table, add_query_items })"));
});

test("options: title and list height", () => {
  const html = new QueryBrowser(FIXTURE_QUERIES, { title: "Local <data>", height: 420 }).toHtml();
  assert.ok(html.includes("<strong>Local &lt;data&gt;</strong>"));
  assert.match(html, /\.hl-qb-list\{[^}]*height:420px/);
  assert.match(new QueryBrowser(FIXTURE_QUERIES).toHtml(), /\.hl-qb-list\{[^}]*height:300px/);
  // Not a number: back to the default rather than into the CSS.
  assert.equal(new QueryBrowser([], { height: Number.NaN }).height, 300);
});

test("unique ids across instances and renderings; CSS and script scoped to the id", () => {
  const a = new QueryBrowser(FIXTURE_QUERIES);
  const b = new QueryBrowser(FIXTURE_QUERIES);
  const ids = [a.toHtml(), a.toHtml(), b.toHtml()].map((html) => {
    const id = html.match(/^<div id="([\w-]+)" class="hl-view hl-view-query-browser[^"]*">/)![1];
    assert.ok(html.includes(`#${id} .hl-qb-list{`));
    assert.ok(scripts(html)[0].includes(`__hl.boot(${JSON.stringify(id)})`));
    assert.equal(config(html).id, id);
    return id;
  });
  assert.equal(new Set(ids).size, 3);
});

test("one script, no inline handlers, no external resources", () => {
  const html = new QueryBrowser([...FIXTURE_QUERIES, ...XSS_QUERIES]).toHtml();
  assert.equal(scripts(html).length, 1);
  // The bundle and its JSON configuration.
  assert.equal(html.match(/<\/script/gi)?.length, 2);
  for (const tag of tags(html)) assert.doesNotMatch(tag, /\son[a-z]+\s*=/i, tag);
  assert.doesNotMatch(html, /https?:\/\//);
  assert.doesNotMatch(html, /<(link|iframe|img|object|embed)\b/i);
  assert.doesNotMatch(html, /@import|url\(/);
});

test("hostile family, name, description, parameters and query text are escaped", () => {
  const html = new QueryBrowser(XSS_QUERIES).toHtml();
  const staticPart = withoutScripts(html);
  // Only our own tags survive: every start tag is one the browser writes itself.
  const ownTags = new Set(["div", "style", "strong", "span", "details", "summary", "code", "h4", "h5", "table", "thead", "tbody", "tr", "th", "td", "pre", "p"]);
  for (const tag of tags(html)) assert.ok(ownTags.has(tag.slice(1).split(/[\s>]/)[0]), tag);
  assert.doesNotMatch(staticPart, /<(img|svg|script)\b/i);
  assert.doesNotMatch(staticPart, /<!--/);
  // Escaped, with invisible characters (U+2028/9) revealed as \u2028.
  for (const payload of XSS_PAYLOADS) assert.ok(staticPart.includes(escapeText(payload)), payload);
  assert.doesNotMatch(staticPart, /[\u2028\u2029]/);

  for (const script of [scripts(html)[0], configText(html)]) {
    assert.doesNotMatch(script, /<\/script|<!--|<script|<img|<svg/i);
    assert.doesNotMatch(script, /[\u2028\u2029]/);
  }
  // The data is still all there, as JSON string escapes.
  const data = config(html).data.json;
  assert.deepEqual(
    data.queries.map((q) => q.key),
    new QueryBrowser(XSS_QUERIES).queries.map((q) => `${q.family}.${q.name}`),
  );
  assert.ok(data.queries.every((q) => q.description.startsWith("Hostile description ")));
});

test("empty list renders a note and no broken script", () => {
  const html = new QueryBrowser([]).toHtml();
  assert.match(html, /No queries\./);
  assert.match(html, /\(0 queries\)/);
  assert.equal(scripts(html).length, 1);
});

/** What `fn` writes to stdout (display() prints the text form when no kernel runs). */
function stdoutOf(fn: () => void): string {
  const write = process.stdout.write;
  let out = "";
  process.stdout.write = ((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  try {
    fn();
  } finally {
    process.stdout.write = write;
  }
  return out;
}

test("qp.browseQueries(): installed by the package entry (data/ does not import vis/), returns the provider's query browser", async () => {
  // data/ alone: no browser registered yet, and the error says where it comes from.
  assert.throws(() => new DataQueryProvider("LocalData").browseQueries(), { name: "QueryError", code: "data/no-query-browser", message: /"huntlab"/ });
  const huntlab = await import("../../src/index.js");
  const qp = new huntlab.QueryProvider("LocalData");
  let browser: unknown;
  const printed = stdoutOf(() => {
    browser = qp.browseQueries({ title: "Lab queries" });
  });
  // a displayable, shown by display(); nothing printed on the way
  assert.equal(printed, "");
  assert.ok(browser instanceof QueryBrowser);
  assert.equal(browser.title, "Lab queries");
  assert.equal(browser.toText(), new QueryBrowser(qp.queryDefinitions()).toText());
  assert.ok(browser.toText().includes("WindowsSecurity.list_host_logons — "));
});
