/** huntlab's display layer: MIME bundles for notebooks, DataFrame tables, HTML views and the escaping template. */
export { JUPYTER_DISPLAY, isDisplayable, type Displayable, type MimeBundle } from "./protocol";
export { escapeHtml, escapeText, html, joinHtml, jsonForScript, revealHidden, SafeHtml, trustedHtml, type HtmlValue, type RevealOptions } from "./html";
export { HtmlView, HtmlViewError, htmlView, newViewId, pngDataUri, type HtmlViewFallback, type HtmlViewRuntime, type HtmlViewSizes, type HtmlViewSpec } from "./htmlView";
export { JS_LIBRARY_NAMES, LibraryNotFoundError, libraryPayload, libraryPayloads, type JsLibraryName, type LibraryPayload } from "./jsLibraries";
export { ClientBundleError, clientBundle, type ClientCode } from "./clientBundles";
export { DisplayError, DISPLAY_ERRORS, displayMessages, type DisplayErrorCode } from "./messages";
export {
  DATAFRAME_DISPLAY_DEFAULTS,
  dataFrameBundle,
  dataFrameFragment,
  dataFrameToHtml,
  dataFrameToText,
  formatFloat,
  isDataFrame,
  isSeries,
  type DataFrameBundle,
  type DataFrameDisplayOptions,
} from "./dataframe";
export {
  createDisplay,
  display,
  flushDisplays,
  inTslabKernel,
  toMimeBundle,
  updateDisplay,
  type DisplayHandle,
  type DisplayOptions,
} from "./display";
export { inspectLastValue, isTslabLastValuePrint, withRichLastValue } from "./lastValue";
export { THEME, themeCss } from "./theme";
