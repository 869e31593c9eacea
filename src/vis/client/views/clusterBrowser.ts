/** Live part of the cluster browser (../../clusterBrowser.ts): a list of clusters and the chosen one's events. */
import { defineView } from "../runtime";
import { revealHidden, shownValue } from "../text";

/** What `clusterBrowser` sends. */
export interface ClusterBrowserData {
  labels: string[];
  /** Each label's leading data values (revealed), joined by " · " at its start: the list isolates them. */
  names?: string[][];
  title: string;
  /** "N more unclustered events not shown (maxRows M)", or "" when every entry is listed. */
  more?: string;
}

/**
 * A label as its option shows it: revealed, its data values isolated (a Hebrew or Arabic account took the time
 * range after it into its run: the times showed before the name).
 */
function optionText(label: string, names: readonly string[] | undefined): string {
  const joined = names?.join(" · ");
  if (!names?.length || joined === undefined || !label.startsWith(joined)) return revealHidden(label);
  return names.map(shownValue).join(" · ") + revealHidden(label.slice(joined.length));
}

export const boot = defineView<ClusterBrowserData>((container, data, _libs, view) => {
  // Tables are rendered and escaped in Node; the live view moves clones of them.
  const bodies = view.fallback ? view.fallback.querySelectorAll(".hl-cb-item > .hl-cb-body") : [];
  if (bodies.length !== data.labels.length) throw new Error("cluster tables missing");
  const list = view.el("select", "hl-cb-list");
  list.size = Math.min(12, Math.max(2, data.labels.length));
  list.setAttribute("aria-label", data.title);
  data.labels.forEach((label, i) => {
    // Invisible characters shown as \uXXXX, as the static list shows them: a label cannot pass for another.
    const option = view.el("option", undefined, optionText(label, data.names?.[i]));
    option.value = String(i);
    list.appendChild(option);
  });
  const count = view.el("div", "hl-cb-count", `${data.labels.length} entries: pick one to see its events${data.more ? `; ${data.more}` : ""}`);
  const panel = view.el("div", "hl-cb-panel");
  panel.setAttribute("aria-live", "polite");
  const show = (i: number): void => {
    panel.textContent = "";
    if (i >= 0 && bodies[i]) panel.appendChild(bodies[i].cloneNode(true));
  };
  list.addEventListener("change", () => show(Number(list.value)));
  container.append(list, count, panel);
  list.selectedIndex = 0;
  show(0);
});
