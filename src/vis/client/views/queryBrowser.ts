/** Live part of the query browser (../../queryBrowser.ts): filter box, list of queries, detail panel with a Copy button. */
import { defineView } from "../runtime";
import { copyButton, mountListBrowser, staticBlocks, type ListEntry } from "../listBrowser";

/** What `QueryBrowser` sends: the list; the details are the static blocks. */
export interface QueryBrowserData {
  queries: { key: string; description: string }[];
}

export const boot = defineView<QueryBrowserData>((container, data, _libs, view) => {
  const details = staticBlocks(view, ".hl-qb-item > .hl-qb-detail", data.queries.length);
  const entries: ListEntry[] = data.queries.map((q, index) => ({ index, label: q.key, title: q.description, search: `${q.key}\n${q.description}` }));
  mountListBrowser(container, view, {
    prefix: "hl-qb",
    placeholder: "Filter queries",
    filterLabel: "Filter queries by family, name or description",
    listLabel: "Queries",
    noun: "queries",
    noMatch: "No queries match the filter.",
    total: entries.length,
    entries: () => entries,
    show(panel, index) {
      const detail = details[index].cloneNode(true) as HTMLElement;
      const example = detail.querySelector(".hl-qb-example");
      // Copies the example as shown (invisible characters revealed), never hidden text.
      if (example) example.after(copyButton(view, example.textContent ?? "", "hl-qb-copy"));
      panel.appendChild(detail);
    },
  });
});
