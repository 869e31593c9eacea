import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { gunzipSync } from "node:zlib";
import { toMimeBundle } from "../../src/display/display";
import { HtmlViewError, htmlView } from "../../src/vis/htmlView";
import { libraryPayloads } from "../../src/vis/jsLibraries";
import { svgToPng } from "../../src/vis/png";

const PNG = svgToPng(`<svg xmlns="http://www.w3.org/2000/svg" width="50" height="20"><rect width="50" height="20"/></svg>`);
const HOSTILE = `</script><img src=x onerror=alert(1)><script>alert(2)</script>`;

describe("htmlView", () => {
  it("puts data only in escaped places, with a data-URI image fallback", () => {
    const view = htmlView({
      kind: "demo",
      title: HOSTILE,
      libraries: ["cytoscape"],
      data: { label: HOSTILE },
      script: "container.textContent = data.label;",
      fallback: { png: PNG, alt: HOSTILE, html: "<p>static</p>" },
      text: "demo",
    });
    const bundle = toMimeBundle(view);
    assert.deepEqual(Object.keys(bundle).sort(), ["text/html", "text/plain"]);
    const html = bundle["text/html"] as string;
    // exactly one script element, ours; the hostile text never appears raw
    assert.equal(html.match(/<script>/g)?.length, 1);
    assert.equal(html.match(/<\/script>/g)?.length, 1);
    assert.ok(!html.includes("<img src=x"));
    assert.ok(html.includes(`alt="&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;`));
    assert.match(html, /<img class="hl-view-img" alt="[^"]*" src="data:image\/png;base64,[A-Za-z0-9+/=]+" width="50"/);
    assert.ok(!/https?:\/\//.test(html.replace(/http:\/\/www\.w3\.org[^"]*/g, "")), "no external URLs");
  });

  it("compresses large payloads", () => {
    const big = Array.from({ length: 5000 }, (_, i) => ({ i, s: `row ${i}` }));
    const html = htmlView({ kind: "big", data: big, script: "void 0;", fallback: { png: PNG, alt: "" }, text: "" }).toHtml();
    const gz = /"data":\{"gz":"([^"]+)"/.exec(html);
    assert.ok(gz);
    assert.deepEqual(JSON.parse(gunzipSync(Buffer.from(gz[1], "base64")).toString()), big);
  });

  it("validates its spec", () => {
    assert.throws(() => htmlView({ kind: "Bad Kind", script: "x", fallback: { png: PNG, alt: "" }, text: "" }), HtmlViewError);
    assert.throws(() => htmlView({ kind: "k", script: "x", fallback: { alt: "" }, text: "" }), /static fallback/);
    assert.throws(() => htmlView({ kind: "k", script: "x", height: -1, fallback: { png: PNG, alt: "" }, text: "" }), /positive/);
  });

  it("ships libraries with their dependencies, compressed (sizes measured)", () => {
    const libs = libraryPayloads(["cytoscape-dagre", "leaflet.markercluster"]);
    assert.deepEqual(libs.map((l) => l.name), ["cytoscape", "cytoscape-dagre", "leaflet", "leaflet.markercluster"]);
    for (const lib of libs) {
      assert.ok(lib.inlineBytes < lib.rawBytes * 0.5, `${lib.name} compresses`);
      assert.ok(!gunzipSync(Buffer.from(lib.js, "base64")).toString().includes("sourceMappingURL"));
    }
    const leafletCss = gunzipSync(Buffer.from(libs[2].css, "base64")).toString();
    assert.ok(leafletCss.includes("data:image/png;base64,") && !leafletCss.includes("url(images/"));
  });
});
