/** Live part of the pivot browser (../../pivotBrowser.ts): filter box, list of pivot functions, detail panel with a Copy button. */
import { defineView } from "../runtime";
import { copyButton, mountListBrowser, staticBlocks, type ListEntry } from "../listBrowser";

/** What `PivotBrowser` sends: one line per function; the details are the static blocks. */
export interface PivotBrowserData {
  functions: { key: string; description: string }[];
}

export const boot = defineView<PivotBrowserData>((container, data, _libs, view) => {
  const details = staticBlocks(view, ".hl-pb-item > .hl-pb-detail", data.functions.length);
  const entries: ListEntry[] = data.functions.map((f, index) => ({ index, label: f.key, title: f.description, search: `${f.key}\n${f.description}` }));
  mountListBrowser(container, view, {
    prefix: "hl-pb",
    placeholder: "Filter pivots",
    filterLabel: "Filter pivot functions by entity, namespace, name or description",
    listLabel: "Pivot functions",
    noun: "functions",
    noMatch: "No pivot functions match the filter.",
    total: entries.length,
    entries: () => entries,
    show(panel, index) {
      const detail = details[index].cloneNode(true) as HTMLElement;
      const example = detail.querySelector(".hl-pb-example");
      // Copies the call as shown (invisible characters revealed), never hidden text.
      if (example) example.after(copyButton(view, example.textContent ?? "", "hl-pb-copy"));
      panel.appendChild(detail);
    },
  });
});
