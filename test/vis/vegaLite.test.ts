import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { inspect } from "node:util";
import { toMimeBundle } from "../../src/display/display";
import { VEGA_LITE_MIME, VEGA_LITE_SCHEMA, VegaLiteSpecError, vegaLiteChart, type VegaLiteSpec } from "../../src/vis/vegaLite";

const SPEC: VegaLiteSpec = {
  $schema: "https://vega.github.io/schema/vega-lite/v6.json",
  title: "t <b>",
  data: { values: [{ a: 1, b: 2 }, { a: 2, b: 5 }] },
  mark: "point",
  encoding: { x: { field: "a", type: "quantitative" }, y: { field: "b", type: "quantitative" } },
};

describe("vegaLiteChart", () => {
  it("bundles a v5 spec, a PNG and text, and no HTML", async () => {
    const chart = await vegaLiteChart(SPEC, { renderer: "svg" });
    const bundle = toMimeBundle(chart);
    assert.deepEqual(Object.keys(bundle).sort(), [VEGA_LITE_MIME, "image/png", "text/plain"].sort());
    const spec = bundle[VEGA_LITE_MIME] as { $schema: string; usermeta: { embedOptions: { renderer: string } } };
    assert.equal(spec.$schema, VEGA_LITE_SCHEMA);
    assert.equal(spec.usermeta.embedOptions.renderer, "svg");
    const png = Buffer.from(bundle["image/png"] as string, "base64");
    assert.equal(png.subarray(1, 4).toString(), "PNG");
    assert.ok(png.length > 1000);
    assert.equal(bundle["text/plain"], "Vega-Lite chart: t <b> (2 rows)");
    assert.equal(inspect(chart), "Vega-Lite chart: t <b> (2 rows)");
  });

  it("rejects a spec vega-lite 5 cannot compile, naming the problem", async () => {
    const bad = { ...SPEC, mark: "nonsense" } as unknown as VegaLiteSpec;
    await assert.rejects(vegaLiteChart(bad), (err: Error) => err instanceof VegaLiteSpecError && err.code === "vis/vega-lite-rejected" && /Vega-Lite \d/.test(err.message));
  });

  it("renders the PNG when data text holds characters XML refuses (ESC, NUL, U+FFFE)", async () => {
    // A command line with an ANSI colour code in a tooltip killed the whole chart: resvg refused the SVG.
    for (const text of ["cmd \u001b[31m x", "a\u0000b", "bell\u0007", "x\ufffey"]) {
      const spec: VegaLiteSpec = { ...SPEC, data: { values: [{ a: 1, b: 2, c: text }] }, encoding: { ...SPEC.encoding, tooltip: [{ field: "c", type: "nominal" }], color: { field: "c", type: "nominal" } } };
      const bundle = toMimeBundle(await vegaLiteChart(spec));
      const png = Buffer.from(bundle["image/png"] as string, "base64");
      assert.equal(png.subarray(1, 4).toString(), "PNG", JSON.stringify(text));
    }
  });

  it("skips the PNG on request", async () => {
    const chart = await vegaLiteChart(SPEC, { noPng: true });
    assert.equal("image/png" in toMimeBundle(chart), false);
  });
});
