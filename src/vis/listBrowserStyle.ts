/**
 * CSS of the list browsers (queries, TI results): the static `<details>` list
 * and the live layout that `client/listBrowser.ts` builds with the same class
 * prefix. Colours from `THEME` (JupyterLab's variables, paired fallbacks).
 * Also the query and pivot browsers' text line.
 */
import { THEME } from "../display/theme";
import { shownText } from "../common/shownText";

/** Longest key or description in a list browser's text line, in characters. */
const MAX_LINE_PART = 200;

/**
 * A query or pivot browser's text line, `key — description`: each revealed (a line break in a YAML
 * description began a line of its own, one that looked like another entry) and cut (a 5 kB description was a 5 kB line).
 */
export function listLine(key: string, description: string): string {
  return `${shownText(key, MAX_LINE_PART)} — ${shownText(description, MAX_LINE_PART)}`;
}

/** Sizes of a list browser's live layout. */
export interface ListBrowserLayout {
  /** Height of the select list in pixels. */
  listHeight: number;
  /** Width of the side column (filter, list, count) in pixels. */
  sideWidth: number;
  /** How much taller than the list the detail panel may grow, in pixels. */
  panelExtra: number;
}

/** Scoped CSS for a browser whose classes start with `prefix` (`"hl-qb"`). */
export function listBrowserCss(r: string, prefix: string, size: ListBrowserLayout): string {
  const p = `${r} .${prefix}`;
  return (
    `${r} .hl-view-title{font-weight:normal}` +
    `${p}-item{margin:2px 0}` +
    `${p}-item>summary{cursor:pointer}` +
    `${p}-live{display:flex;gap:12px;align-items:flex-start}` +
    `${p}-side{display:flex;flex-direction:column;gap:4px;width:${size.sideWidth}px;flex:none}` +
    `${p}-filter{box-sizing:border-box;width:100%;padding:3px 4px}` +
    `${p}-list{box-sizing:border-box;width:100%;height:${size.listHeight}px;font-family:var(--jp-code-font-family,monospace)}` +
    `${p}-count{color:${THEME.muted};font-size:12px}` +
    `${p}-panel{flex:1;min-width:0;max-height:${size.listHeight + size.panelExtra}px;overflow:auto}` +
    `${r} pre{white-space:pre-wrap;word-break:break-word;margin:0;padding:4px 6px;background:${THEME.raised};color:${THEME.raisedText};max-height:240px;overflow:auto}`
  );
}

/** A list height from user options: a plain positive number, else the default (it ends up in CSS). */
export function listHeight(value: number | undefined, fallback: number): number {
  const height = value ?? fallback;
  return Number.isFinite(height) && height > 0 ? Math.round(height) : fallback;
}
