/**
 * The live layout shared by the list browsers (queries, TI results): a filter
 * box, optional controls, a select list with a count under it, and a detail
 * panel beside the list. The view supplies the entries and fills the panel
 * (with clones of its static detail blocks, rendered and escaped in Node).
 *
 * Entry text comes from data: it reaches the DOM as textContent, with
 * invisible characters revealed (as the static list shows them).
 */
import type { ViewContext } from "./runtime";
import { revealHidden } from "./text";

/** One line of the list. */
export interface ListEntry {
  /** Index of the item in the view's data (and of its static detail block). */
  index: number;
  /** The option text (raw: revealed here). */
  label: string;
  /** The option text as shown, built by the view from values it revealed and isolated itself (`shownValue`). Default: the label revealed. */
  shownLabel?: string;
  /** What the filter box searches, case-insensitively. Default: the label. */
  search?: string;
  /** Tooltip of the option. */
  title?: string;
  /** `data-*` attributes of the option, e.g. `{ sev: "high" }`. */
  data?: Record<string, string>;
}

/** What a view tells the list browser. */
export interface ListBrowserOptions {
  /** Class prefix: `"hl-qb"` gives `hl-qb-filter`, `hl-qb-list`, `hl-qb-panel`, … (the view's CSS styles them). */
  prefix: string;
  /** Placeholder of the filter box: `"Filter queries"`. */
  placeholder: string;
  /** Accessible name of the filter box. */
  filterLabel: string;
  /** Accessible name of the list. */
  listLabel: string;
  /** Plural noun of the count line: `"3 of 17 queries"`. */
  noun: string;
  /** Panel text when nothing matches. */
  noMatch: string;
  /** Number of items in all (the count's denominator). */
  total: number;
  /** The entries, in list order, before the text filter; called on every refresh, so it may follow other controls. */
  entries(): ListEntry[];
  /** Fills the (emptied) panel with item `index`. */
  show(panel: HTMLElement, index: number): void;
  /** Controls between the filter box and the list (check boxes). */
  controls?: HTMLElement[];
}

/** A mounted list browser. */
export interface ListBrowser {
  /** Rebuilds the list (after a control changed), keeping the selected item while it still matches. */
  refresh(): void;
}

interface Parts {
  filter: HTMLInputElement;
  list: HTMLSelectElement;
  count: HTMLElement;
  panel: HTMLElement;
}

function layout(container: HTMLElement, view: ViewContext, o: ListBrowserOptions): Parts {
  const live = view.el("div", `${o.prefix}-live`);
  const side = view.el("div", `${o.prefix}-side`);
  const filter = view.el("input", `${o.prefix}-filter`);
  filter.type = "search";
  filter.placeholder = o.placeholder;
  filter.setAttribute("aria-label", o.filterLabel);
  const list = view.el("select", `${o.prefix}-list`);
  list.size = 10;
  list.setAttribute("aria-label", o.listLabel);
  const count = view.el("div", `${o.prefix}-count`);
  const panel = view.el("div", `${o.prefix}-panel`);
  panel.setAttribute("aria-live", "polite");
  side.append(filter, ...(o.controls ?? []), list, count);
  live.append(side, panel);
  container.appendChild(live);
  return { filter, list, count, panel };
}

function option(view: ViewContext, entry: ListEntry): HTMLOptionElement {
  const node = view.el("option", undefined, entry.shownLabel ?? revealHidden(entry.label));
  node.value = String(entry.index);
  if (entry.title !== undefined) node.title = revealHidden(entry.title);
  for (const [name, value] of Object.entries(entry.data ?? {})) node.setAttribute(`data-${name}`, value);
  return node;
}

/** Builds the browser inside `container` and shows the first entry. */
export function mountListBrowser(container: HTMLElement, view: ViewContext, o: ListBrowserOptions): ListBrowser {
  const { filter, list, count, panel } = layout(container, view, o);
  const selected = (): number => (list.selectedIndex < 0 ? -1 : Number(list.options[list.selectedIndex].value));
  const show = (index: number): void => {
    panel.textContent = "";
    if (index < 0) panel.appendChild(view.el("p", `${o.prefix}-nomatch`, o.noMatch));
    else o.show(panel, index);
  };
  const refresh = (): void => {
    const needle = filter.value.trim().toLowerCase();
    const keep = selected();
    // The search runs on the text as shown (revealed), so what you see is what matches.
    const visible = o.entries().filter((e) => revealHidden(e.search ?? e.label).toLowerCase().includes(needle));
    list.textContent = "";
    for (const entry of visible) list.appendChild(option(view, entry));
    if (visible.length === 0) list.selectedIndex = -1;
    else if (visible.some((e) => e.index === keep)) list.value = String(keep);
    else list.selectedIndex = 0;
    count.textContent = `${visible.length} of ${o.total} ${o.noun}`;
    show(selected());
  };
  filter.addEventListener("input", refresh);
  filter.addEventListener("keydown", (event) => {
    if ((event.key === "ArrowDown" || event.key === "Enter") && list.options.length > 0) {
      event.preventDefault();
      list.focus();
    }
  });
  list.addEventListener("change", () => show(selected()));
  refresh();
  return { refresh };
}

/**
 * The static detail blocks the panel shows clones of. A count that does not
 * match the data means the output was altered: fail, so the static list stays.
 */
export function staticBlocks(view: ViewContext, selector: string, expected: number): HTMLElement[] {
  const blocks = view.fallback ? Array.from(view.fallback.querySelectorAll<HTMLElement>(selector)) : [];
  if (blocks.length !== expected) throw new Error(`expected ${expected} detail blocks, found ${blocks.length}`);
  return blocks;
}

/** A button that copies `text` and says whether it worked. */
export function copyButton(view: ViewContext, text: string, className: string): HTMLButtonElement {
  const button = view.el("button", className, "Copy");
  button.type = "button";
  button.addEventListener("click", () => {
    void copyText(text).then((ok) => {
      button.textContent = ok ? "Copied" : "Copy failed";
      setTimeout(() => (button.textContent = "Copy"), 1500);
    });
  });
  return button;
}

/** The clipboard API where the page may use it, else a hidden text area and `execCommand` (older Notebook pages, http). */
export function copyText(text: string): Promise<boolean> {
  if (navigator.clipboard?.writeText) {
    return navigator.clipboard.writeText(text).then(
      () => true,
      () => fallbackCopy(text),
    );
  }
  return Promise.resolve(fallbackCopy(text));
}

function fallbackCopy(text: string): boolean {
  const area = document.createElement("textarea");
  area.value = text;
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.appendChild(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand("copy");
  } catch {
    ok = false;
  }
  area.remove();
  return ok;
}
