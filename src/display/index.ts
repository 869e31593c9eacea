/** huntlab's display layer: MIME bundles for notebooks, and pandas-like DataFrame tables. */
export { JUPYTER_DISPLAY, isDisplayable, type Displayable, type MimeBundle } from "./protocol";
export { escapeHtml, jsonForScript } from "./html";
export {
  DATAFRAME_DISPLAY_DEFAULTS,
  dataFrameBundle,
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
  toMimeBundle,
  updateDisplay,
  type DisplayHandle,
  type DisplayOptions,
} from "./display";
