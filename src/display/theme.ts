/**
 * Colours of huntlab's HTML outputs: JupyterLab's theme variables, so that
 * outputs follow "JupyterLab Light", "JupyterLab Dark" or any other theme, with
 * fallbacks for front ends without them (classic Notebook, VS Code, GitHub).
 *
 * The rule that keeps text readable everywhere: an element that sets its own
 * background sets its text colour from the same source — both from JupyterLab's
 * variables, or both from the fallbacks — never a theme background under an
 * inherited text colour (light text on a white fallback panel in a dark front end)
 * or the reverse. Text on no background of its own inherits.
 */

/** CSS colour values; use them inside scoped CSS (`color:${THEME.muted}`). */
export const THEME = Object.freeze({
  /** Main text where the output has no background of its own: the theme's, or the front end's. */
  text: "var(--jp-ui-font-color1,inherit)",
  /** Secondary text (counts, hints, dtypes): the theme's, or the inherited colour toned down. */
  muted: "var(--jp-ui-font-color2,color-mix(in srgb,currentColor 68%,transparent))",
  /** A panel over other content (side panels, popups, tooltips): pair with `panelText`. */
  panel: "var(--jp-layout-color1,#fff)",
  panelText: "var(--jp-ui-font-color1,#1a1a1a)",
  /** A raised block (code, table headers): pair with `raisedText`. */
  raised: "var(--jp-layout-color2,#f3f3f3)",
  raisedText: "var(--jp-ui-font-color1,#1a1a1a)",
  /** The ground of a drawing area (graphs): pair with `groundText`. */
  ground: "var(--jp-layout-color0,#fff)",
  groundText: "var(--jp-ui-font-color1,#1a1a1a)",
  /** Form fields (filter boxes, lists): pair with `fieldText`. */
  field: "var(--jp-layout-color0,Field)",
  fieldText: "var(--jp-ui-font-color1,FieldText)",
  /** Buttons: pair with `buttonText`. */
  button: "var(--jp-layout-color2,ButtonFace)",
  buttonText: "var(--jp-ui-font-color1,ButtonText)",
  /** Lines: strong (outlines, form fields) and soft (table rules). */
  border: "var(--jp-border-color1,#bbb)",
  borderSoft: "var(--jp-border-color2,#ddd)",
  /**
   * Links and the focus accent. A link's fallback is the text colour around it tinted blue: a fixed #1976d2 was
   * 3.6:1 on a dark front end without JupyterLab's variables (a TI result's reference link); the text colour is
   * paired with its ground, so the tint keeps its contrast on light and dark grounds (links stay underlined).
   */
  link: "var(--jp-content-link-color,color-mix(in srgb,currentColor 65%,#1976d2))",
  accent: "var(--jp-brand-color1,#1976d2)",
  /** A selected item (list options, table rows): pair with `selectedText`; brand-color0 keeps white text ≥ 4.5:1 in both JupyterLab themes. */
  selected: "var(--jp-brand-color0,#1976d2)",
  selectedText: "#fff",
});

/**
 * CSS every view gets under its root selector `r`: form controls, buttons, code
 * and table headers in the theme's colours (browsers draw them light by
 * default, whatever the page around them).
 */
export function themeCss(r: string): string {
  const t = THEME;
  return (
    `${r} input,${r} select,${r} textarea{background:${t.field};color:${t.fieldText};border:1px solid ${t.border};border-radius:2px}` +
    `${r} select option:checked{background:${t.selected};color:${t.selectedText}}` +
    `${r} button{background:${t.button};color:${t.buttonText};border:1px solid ${t.border};border-radius:2px;padding:1px 6px;cursor:pointer}` +
    `${r} button:hover{border-color:${t.accent}}` +
    `${r} input:focus,${r} select:focus,${r} textarea:focus,${r} button:focus-visible{outline:1px solid ${t.accent};outline-offset:0}` +
    // Canvas views and table rows that take the keys (client/keyboard.ts), and <summary>: a ring inside the box (parents clip).
    `${r} [tabindex]:focus-visible,${r} summary:focus-visible{outline:2px solid ${t.accent};outline-offset:-2px}` +
    `${r} a{color:${t.link}}`
  );
}

/**
 * CSS that gives the table `t` (a scoped selector, `#hl-… .hl-geo-popup`) its
 * own look inside JupyterLab, whose rules for every HTML output
 * (`.jp-RenderedHTMLCommon table/td/th/tr`: fixed layout, centred, right-aligned
 * padded cells, `white-space: normal`, zebra and hover rows) would otherwise
 * reach it. The scoped id outranks those rules; the view's own rules for the
 * table come after this. Cells inherit `white-space`, so a Leaflet popup's
 * width, measured with `nowrap` on its container, fits its content.
 */
export function plainTableCss(t: string): string {
  const parts = `${t} thead,${t} tbody,${t} tr,${t} th,${t} td`;
  return (
    `${t}{table-layout:auto;border-collapse:collapse;border-spacing:0;border:none;margin:0;width:auto;font-size:inherit;color:inherit}` +
    `${parts}{padding:0;border:none;background:transparent;text-align:left;vertical-align:top;line-height:inherit;white-space:inherit;max-width:none}` +
    `${t} tbody tr:nth-child(odd),${t} tbody tr:nth-child(even),${t} tbody tr:hover{background:transparent}` +
    `${t} th{font-weight:bold}`
  );
}
