/**
 * A URL's user info (`https://admin:Secr3t@host/`, a token as the user name) is a victim's secret captured in a log:
 * it shows nowhere, hidden the same way as TI lookups hide it (`https://***@host/`, hideUrlUserInfo) — in IoC
 * extraction's observables and quoted cells, an Url entity's name, card and text, other entities' values (a command
 * line's URL), and the entity graph's HTML. Before, only TI lookups hid it.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import pl from "nodejs-polars";
import { IoCExtract } from "../../src/transform/iocExtract";
import { Process, Url } from "../../src/entities/types";
import { EntityGraph } from "../../src/vis/entityGraph";
import { JUPYTER_DISPLAY } from "../../src/display/protocol";
import { hideUrlUserInfo } from "../../src/common/urlUserInfo";
import { formatEntityValue } from "../../src/entities/entity";
import { assertLinear } from "../helpers/linearTime";

const SECRET = "Secr3t";
const leaks = (text: string) => text.includes(SECRET) || text.includes("admin:");

test("IoC extraction: observables and the quoted cells show a URL's user info as ***; two URLs differing only there are one observable", () => {
  const ex = new IoCExtract();
  const text = `curl https://admin:${SECRET}@files.example.com/x.sh and https://bob:other@files.example.com/x.sh, defanged hxxp[:]//admin:${SECRET}[at]evil[.]com/p`;
  const found = ex.extractText(text);
  assert.deepEqual(found.url, ["https://***@files.example.com/x.sh", "hxxp://***@evil.com/p"].map((u) => u.replace("hxxp", "http")));
  assert.ok(!leaks(JSON.stringify(found)), JSON.stringify(found));
  const df = ex.extract(pl.DataFrame({ CommandLine: [text, "no url here"] }), { columns: ["CommandLine"] });
  const urls = df.filter(pl.col("IoCType").eq(pl.lit("url")));
  assert.ok(urls.height >= 1);
  for (const column of ["Observable", "Input"]) {
    for (const v of df.getColumn(column).toArray() as string[]) assert.ok(!leaks(v), `${column}: ${v}`);
  }
  assert.ok((urls.getColumn("Observable").toArray() as string[]).includes("https://***@files.example.com/x.sh"));
});

test("entities and the entity graph: an Url's name, card, text and graph HTML hide its user info; a process's command line too", () => {
  const url = new Url(`https://admin:${SECRET}@files.example.com/x.sh`);
  assert.equal(url.nameStr, "https://***@files.example.com/x.sh");
  for (const shown of [url.toText(), url.toHtml(), url.description, String(url.card())]) assert.ok(!leaks(shown), shown);
  const proc = new Process({ CommandLine: `curl -O https://admin:${SECRET}@files.example.com/x.sh` });
  for (const shown of [proc.toText(), proc.toHtml(), proc.description]) assert.ok(!leaks(shown), shown);
  assert.match(proc.toText(), /curl -O https:\/\/\*\*\*@files\.example\.com\/x\.sh/);
  const alerts = pl.DataFrame({
    SystemAlertId: ["a1"],
    AlertDisplayName: ["Download with credentials"],
    Entities: [JSON.stringify([{ $id: "2", Type: "url", Url: `https://admin:${SECRET}@files.example.com/x.sh` }, { $id: "3", Type: "process", ProcessFilePath: "/usr/bin/curl", CommandLine: `curl https://admin:${SECRET}@files.example.com/x.sh` }])],
  });
  const bundle = new EntityGraph(alerts)[JUPYTER_DISPLAY]();
  const html = String(bundle["text/html"]);
  assert.match(html, /\*\*\*@files\.example\.com/);
  assert.ok(!leaks(html) && !leaks(String(bundle["text/plain"])), "the graph's HTML and text");
});

test("user info ends where a URL does: a quote, < > | ` ^ end it, so compact JSON with a URL and an e-mail address keeps both", () => {
  // An entity's value shown as JSON (no spaces), an NDJSON cell quoted by IoC extraction: the `"` after the host ends
  // the URL. Before, the user info ran to the e-mail's `@`: `{"Url":"http://***@corp.com"}`, evil.com and Upn gone.
  const json = JSON.stringify({ Url: "http://evil.example/x", Upn: "bob@corp.example" });
  assert.equal(hideUrlUserInfo(json), json);
  assert.equal(formatEntityValue({ Url: "http://evil.example", Upn: "bob@corp.example" }), '{"Url":"http://evil.example","Upn":"bob@corp.example"}');
  for (const sep of ['"', "<", ">", "|", "`", "^"]) assert.equal(hideUrlUserInfo(`http://evil.example${sep}bob@corp.example`), `http://evil.example${sep}bob@corp.example`, sep);
  // Still hidden inside such text.
  assert.equal(hideUrlUserInfo(`{"u":"https://admin:${SECRET}@files.example.com","m":"bob@corp.example"}`), '{"u":"https://***@files.example.com","m":"bob@corp.example"}');
  const df = new IoCExtract().extract(pl.DataFrame({ AdditionalFields: [json] }), { columns: ["AdditionalFields"] });
  const inputs = df.getColumn("Input").toArray() as string[];
  assert.ok(inputs.length > 0 && inputs.every((v) => v === json), inputs.join(" | "));
});

test("extractText stays linear with many URLs holding user info (the merge of masked URLs is no list search)", () => {
  // Each masked URL was looked for in its type's list before it was added: 40,000 distinct credentialed URLs
  // (u1:p@h1.example.com, …) took 17.5 s against 0.25 s without user info.
  const ex = new IoCExtract();
  let i = 0;
  const make = (size: number) => {
    const parts: string[] = [];
    for (let n = 0; n < size; ) {
      const url = `http://u${i}:p@h${i}.example.com/x `;
      i += 1;
      parts.push(url);
      n += url.length;
    }
    return parts.join("");
  };
  assertLinear("credentialed URLs", make, (s) => ex.extractText(s));
  // Masked URLs equal to one written with *** are one observable too.
  assert.deepEqual(ex.extractText("http://a:1@h.example.com/x http://b:2@h.example.com/x http://***@h.example.com/x").url, ["http://***@h.example.com/x"]);
});

test("extract: a cell with many URLs is rewritten once, not once per observable (its Input repeats it)", () => {
  // Each distinct cell is rewritten once and gathered back (reading every copy was quadratic in the cell: one 210 KB
  // cell of 8,000 URLs took 24 s and 3.5 GB; too slow to show here): the copies must map back to their own cells.
  const ex = new IoCExtract();
  const cell = "http://a:1@h1.example.com/x http://h2.example.com/y";
  const df = ex.extract(pl.DataFrame({ t: [cell, "x", cell], u: ["http://b:2@h3.example.com/", null, "none"] }), { columns: ["t", "u"] });
  const shown = (df.getColumn("Input").toArray() as string[]).filter((v, i, all) => all.indexOf(v) === i);
  assert.deepEqual(shown, ["http://***@h1.example.com/x http://h2.example.com/y", "http://***@h3.example.com/"]);
  assert.equal(df.height, 10);
  // Each row's Input is the cell its observable came from.
  const observables = df.getColumn("Observable").toArray() as string[];
  (df.getColumn("Input").toArray() as string[]).forEach((input, i) => assert.ok(input.includes(observables[i]), `${observables[i]} in ${input}`));
});
