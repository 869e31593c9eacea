/**
 * Live part of the TI results browser (../../tiBrowser.ts): filter box,
 * severity check boxes, list of indicators and a panel with the chosen one's
 * provider sections (clones of the static blocks, cut to the ticked severities).
 */
import { defineView, type ViewContext } from "../runtime";
import { mountListBrowser, staticBlocks, type ListEntry } from "../listBrowser";
import { noHitNote } from "../tiLookedUp";
import { shownValue } from "../text";

/** Severities, lowest first. */
export const TI_SEVERITIES = ["unknown", "information", "warning", "high"] as const;
export type TISeverity = (typeof TI_SEVERITIES)[number];

/** One provider's answer: provider, severity, hit (Result true), not looked up (`n`: failed, skipped, not supported). */
export interface TIBrowserDataRow {
  p: string;
  s: TISeverity;
  h: boolean;
  n?: true;
}

/** What `TIBrowser` sends: the indicators in the order of their static blocks. */
export interface TIBrowserData {
  severities: TISeverity[];
  items: { ioc: string; type: string; rows: TIBrowserDataRow[] }[];
}

const rank = (s: TISeverity): number => TI_SEVERITIES.indexOf(s);

/** MSTICPy's option label, for the ticked rows: `ioc  [type]  top severity  providers  (no hits)` (or `(not looked up)`). */
function entryOf(item: TIBrowserData["items"][number], rows: TIBrowserDataRow[], index: number): ListEntry {
  const top = rows.reduce<TISeverity>((m, r) => (rank(r.s) > rank(m) ? r.s : m), "unknown");
  const providers = [...new Set(rows.map((r) => r.p))].join(", ");
  const note = noHitNote(rows.map((r) => ({ provider: r.p, hit: r.h, answered: !r.n })));
  const label = `${item.ioc}  [${item.type}]  ${top}  ${providers}${note ? `  ${note}` : ""}`;
  // Each value isolated: a Hebrew or Arabic indicator took `[type]` and the severity after it into its own run.
  const shownLabel = `${shownValue(item.ioc)}  [${shownValue(item.type)}]  ${top}  ${[...new Set(rows.map((r) => r.p))].map(shownValue).join(", ")}${note ? `  ${shownValue(note)}` : ""}`;
  return { index, label, shownLabel, data: { sev: top } };
}

/** Check boxes, highest severity first; `changed` runs on every tick. */
function severityBoxes(view: ViewContext, checked: Set<string>, changed: () => void): HTMLElement {
  const box = view.el("div", "hl-tib-sevs");
  for (const s of [...TI_SEVERITIES].reverse()) {
    const label = view.el("label", "hl-tib-sevlabel");
    const input = view.el("input", "hl-tib-sevbox");
    input.type = "checkbox";
    input.value = s;
    input.checked = checked.has(s);
    input.addEventListener("change", () => {
      if (input.checked) checked.add(s);
      else checked.delete(s);
      changed();
    });
    label.append(input, ` ${s}`);
    box.appendChild(label);
  }
  return box;
}

export const boot = defineView<TIBrowserData>((container, data, _libs, view) => {
  const blocks = staticBlocks(view, ".hl-tib-item > .hl-tib-detail", data.items.length);
  const checked = new Set<string>(data.severities);
  const browser = mountListBrowser(container, view, {
    prefix: "hl-tib",
    placeholder: "Filter indicators",
    filterLabel: "Filter indicators by value, type or provider",
    listLabel: "Indicators",
    noun: "indicators",
    noMatch: "No indicators match the filter.",
    total: data.items.length,
    controls: [severityBoxes(view, checked, () => browser.refresh())],
    entries: () =>
      data.items.flatMap((item, i) => {
        const rows = item.rows.filter((r) => checked.has(r.s));
        return rows.length ? [entryOf(item, rows, i)] : [];
      }),
    show(panel, index) {
      const detail = blocks[index].cloneNode(true) as HTMLElement;
      for (const section of Array.from(detail.querySelectorAll(".hl-tib-prov"))) {
        if (!checked.has(section.getAttribute("data-sev") ?? "")) section.remove();
      }
      panel.appendChild(detail);
    },
  });
});
