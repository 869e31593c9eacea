/**
 * Page script of the `npm run hunt` report (src/lab/huntReport.ts inlines it
 * after vega, vega-lite and vega-embed, then calls `boot()`): draws each
 * Vega-Lite output with vega-embed over its PNG fallback, hiding the PNG once
 * the live chart is drawn. If embedding fails the PNG stays and the reason is
 * shown under it, as text (spec contents come from log data).
 *
 * Unlike the other views it boots the whole page, not one output by id.
 */
// vega-embed's package.json gives types only to `import` (its `require` entry has none); this page script is
// bundled as an ES module (scripts/build-client.mjs), so its types are resolved as an import's.
import type { default as vegaEmbed, EmbedOptions, VisualizationSpec } from "vega-embed" with { "resolution-mode": "import" };

/** The global that vega-embed's UMD build defines. */
type VegaEmbed = typeof vegaEmbed;

/** Renderers a spec may ask for in `usermeta.embedOptions.renderer`. */
const RENDERERS = ["svg", "canvas"] as const;
type Renderer = (typeof RENDERERS)[number];

function isRenderer(value: unknown): value is Renderer {
  return RENDERERS.includes(value as Renderer);
}

/** The renderer named by the spec's `usermeta.embedOptions`, if it is one vega-embed knows. */
function rendererOf(spec: unknown): Renderer | undefined {
  const usermeta = (spec as { usermeta?: { embedOptions?: { renderer?: unknown } } } | null)?.usermeta;
  const renderer = usermeta?.embedOptions?.renderer;
  return isRenderer(renderer) ? renderer : undefined;
}

function errorText(err: unknown): string {
  return String((err as { message?: unknown } | null)?.message || err);
}

/** Embeds the chart of one `.hunt-vega` box. */
function embedChart(box: Element, embed: VegaEmbed): void {
  const data = box.querySelector("script.hunt-vega-spec");
  if (!data) return;
  let spec: VisualizationSpec;
  try {
    spec = JSON.parse(data.textContent || "null") as VisualizationSpec;
  } catch {
    // Unreadable JSON (should not happen: the report writes it): the PNG stays, as without scripts.
    return;
  }
  const target = document.createElement("div");
  target.className = "hunt-vega-live";
  box.appendChild(target);
  const options: EmbedOptions = { actions: false, mode: "vega-lite" };
  const renderer = rendererOf(spec);
  if (renderer) options.renderer = renderer;
  embed(target, spec, options)
    .then(() => {
      const fallback = box.querySelector<HTMLElement>(".hunt-fallback");
      if (fallback) fallback.style.display = "none";
      box.setAttribute("data-live", "true");
    })
    .catch((err: unknown) => {
      target.remove();
      const note = document.createElement("div");
      note.className = "hunt-vega-error";
      note.textContent = `Interactive chart unavailable (${errorText(err)}); showing the static image.`;
      box.appendChild(note);
    });
}

/** Embeds every chart of the page; without vega-embed the PNGs stay. */
export function boot(): void {
  const embed = (window as unknown as { vegaEmbed?: VegaEmbed }).vegaEmbed;
  if (typeof embed !== "function") return;
  document.querySelectorAll(".hunt-vega").forEach((box) => embedChart(box, embed));
}
