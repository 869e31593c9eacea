/**
 * Lone surrogates (half an emoji: `"x\ud800y"` in alert JSON, a TI answer, a query file, or V8's own JSON error
 * text) never reach an output: each view shows them as escapes in its HTML and its text, and toMimeBundle's last
 * guard mends whatever else carries one. A notebook holding one in an output could not be saved (nbformat raised
 * UnicodeEncodeError and wrote 0 bytes; JupyterLab's save answered 500).
 *
 * The views' own bundles are read here without toMimeBundle, so the guard cannot hide a view that leaks.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import pl from "nodejs-polars";
import { JUPYTER_DISPLAY, type Displayable, type MimeBundle } from "../../src/display/protocol";
import { File, Host, SecurityAlert } from "../../src/entities";
import { QueryProvider } from "../../src/index";
import { TIProgress } from "../../src/context/tiProgress";
import { checkAnswers } from "../../src/lab/answers";
import { createAlertGraph } from "../../src/vis/alertGraph";
import { drawAlertEntityGraph, EntityGraph } from "../../src/vis/entityGraph";
import { browseResults } from "../../src/vis/tiBrowser";
import { loneSurrogates } from "../helpers/wellFormed";
import { tempDir } from "../helpers/tmp";
import * as sweep from "../browser/fixtures/payloadViews";
import { XSS_PAYLOADS } from "../browser/fixtures/xssPayloads";

/** The view's own bundle, as it made it (no guard), as the notebook reads it back. */
function ownBundle(view: Displayable): MimeBundle {
  return JSON.parse(JSON.stringify(view[JUPYTER_DISPLAY]())) as MimeBundle;
}

function alerts(entities: string, extended = "{}"): pl.DataFrame {
  return pl.DataFrame({
    TimeGenerated: [new Date("2024-01-01T00:00:00Z")],
    AlertDisplayName: ["a"],
    SystemAlertId: ["1"],
    Severity: ["High"],
    Entities: [entities],
    ExtendedProperties: [extended],
  });
}

const ENTITIES = '[{"$id":"1","Type":"host","HostName":"x\\ud800y"},{"$id":"2","Type":"file","Name":"f\\udc00.exe","Directory":"C:\\\\t\\ud83d"}]';

describe("lone surrogates in views' outputs", () => {
  const dir = tempDir("huntlab-lone-");

  it("the entity graph, alert cards, entity cards and the alert graph show them as escapes", () => {
    const df = alerts(ENTITIES, '{"k":"v\\ud800"}');
    const alert = new SecurityAlert(df, 0);
    const views: [string, Displayable][] = [
      ["entity graph", new EntityGraph(df).plot()],
      ["alert card", alert],
      ["file card", new File({ Name: "x\ud800y.exe" })],
      ["host card", new Host({ HostName: "h\udc00" })],
      ["alert graph", drawAlertEntityGraph(createAlertGraph(alert))],
    ];
    for (const [name, view] of views) {
      const bundle = ownBundle(view);
      assert.deepEqual(loneSurrogates(bundle), [], name);
      assert.match(String(bundle["text/html"]), /\\ud800|\\udc00/, name);
    }
    assert.match(String(ownBundle(new EntityGraph(df).plot())["text/html"]), /x\\ud800y/);
  });

  it("an Entities cell that is no JSON and starts with an emoji: V8's complaint quoted whole, not half the emoji", () => {
    for (const pad of ["", "a", "aaa"]) {
      const view = new EntityGraph(alerts(pad + "😀".repeat(80))).plot();
      const bundle = ownBundle(view);
      assert.deepEqual(loneSurrogates(bundle), [], JSON.stringify(pad));
      assert.match(String(bundle["text/plain"]), /whose JSON could not be read \(alert 1: Entities: not valid JSON \(Unexpected token '(😀|a)', "a*😀+"\.\.\. is not valid JSON\)\)$/u);
    }
  });

  it("the TI results browser: Details and RawResult JSON with \\ud800", () => {
    const raw = '{"owner":"x\\ud800y","pair":"\\ud83d\\ude00","half":"\\ude00"}';
    const df = pl.DataFrame({
      // polars keeps no lone surrogate in a text column (it writes U+FFFD): they come in JSON escapes and titles.
      Ioc: ["x.example", "ok.example"],
      IocType: ["dns", "dns"],
      QuerySubtype: [null, null],
      Provider: ["OTX", "OTX"],
      Result: [true, true],
      Severity: ["high", "warning"],
      Details: [raw, raw],
      RawResult: [raw, raw],
      Reference: ["https://example.com/", ""],
      Status: [0, 0],
    });
    const bundle = ownBundle(browseResults(df, { severities: "all", title: "TI \ud83d" }));
    assert.deepEqual(loneSurrogates(bundle), []);
    assert.match(String(bundle["text/plain"]), /^TI \\ud83d \(2 indicators/m);
    assert.match(String(bundle["text/html"]), /&quot;x\\ud800y&quot;|"x\\ud800y"/);
    assert.match(String(bundle["text/html"]), /\\ude00/);
  });


  it("the query browser: a description in the YAML with \\ud800 (HTML and text)", () => {
    const queries = path.join(dir, "queries");
    fs.mkdirSync(queries, { recursive: true });
    fs.writeFileSync(
      path.join(queries, "q.yaml"),
      [
        "metadata: {version: 1, description: d, data_environments: [LocalData], data_families: [Fam]}",
        "sources:",
        "  q_lone:",
        '    description: "Описание x\\ud800y z\\udc00"',
        "    metadata: {data_families: [Fam]}",
        "    args: {query: x.csv}",
        '    parameters: {host_name: {description: "h \\ud83d", type: str, default: "d"}}',
      ].join("\n"),
    );
    const bundle = ownBundle(new QueryProvider("LocalData", { queryPaths: [queries], dataPaths: [queries] }).browseQueries());
    assert.deepEqual(loneSurrogates(bundle), []);
    assert.match(String(bundle["text/plain"]), /Описание x\\ud800y z\\udc00/);
    assert.match(String(bundle["text/html"]), /Описание x\\ud800y z\\udc00/);
  });

  it("TI progress and answer checks: provider names and question ids (from config and answer files) revealed in the text", async () => {
    const progress = new TIProgress([{ name: "OTX\nfake: 1/1 (found 1)\ud800", total: 1 }], 1, false);
    await progress.finish();
    const text = String(ownBundle(progress)["text/plain"]);
    assert.deepEqual(loneSurrogates(text), []);
    assert.match(text, /^OTX\\nfake: 1\/1 \(found 1\)\\ud800: 0\/1 /);
    assert.equal(text.split("\n").length, 2);
    const file = path.join(dir, "answers.json");
    fs.writeFileSync(file, JSON.stringify({ "q1\nfake: right\ud800": "x" }));
    const answers = String(ownBundle(checkAnswers({ "q1\nfake: right\ud800": "y" }, { answersPath: file }))["text/plain"]);
    assert.deepEqual(loneSurrogates(answers), []);
    assert.match(answers, /^✗ q1\\nfake: right\\ud800: y is not quite right/);
  });

  it("every view of the payload sweep (payloads with lone surrogates in every field), through toMimeBundle, is well-formed", async () => {
    const frame = sweep.alertsFrame();
    const bundles: MimeBundle[] = [
      ...sweep.dataFrameBundles(),
      sweep.queryBrowserBundle(fs.mkdtempSync(path.join(dir, "qb-"))),
      sweep.tiFrameBundle(),
      sweep.clusterBundle(),
      await sweep.tiProgressBundle(),
      sweep.answerBundle(fs.mkdtempSync(path.join(dir, "ans-"))),
      ...sweep.cardBundles(frame),
      ...sweep.processTreeBundles(),
      sweep.geoMapBundle(),
      ...sweep.graphBundles(frame),
      ...(await sweep.sweepCharts()).bundles,
    ];
    assert.ok(XSS_PAYLOADS.filter((p) => loneSurrogates(p).length).length >= 2, "the sweep's payloads hold lone surrogates");
    assert.deepEqual(bundles.flatMap((bundle, i) => loneSurrogates(JSON.parse(JSON.stringify(bundle)), `bundle ${i}`)), []);
  });
});
