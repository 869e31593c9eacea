/**
 * Splunk's JSON export saved as a file: Splunk Web's Export (JSON) and the REST export endpoint
 * (`/services/search/jobs/export?output_mode=json`, `curl … > out.json`) write one line per result,
 * `{"preview":false,"offset":0,"result":{"_time":"…","host":"…"}}`, the last with `"lastrow":true`, and
 * `{"messages":[…]}` lines for the search's warnings. Read as plain JSON lines, every row was one `result` struct
 * column beside `preview`/`offset`/`lastrow`, which no cell reads. Here the results are the rows, typed as the
 * Splunk provider types a live answer (splunkColumns.ts: every value is text in Splunk's JSON, so `_time` is a
 * Datetime, `4624` a whole number, a multivalue field JSON text), so a saved export and a live query of the same
 * search give the same frame.
 */
import fs from "node:fs";
import type pl from "nodejs-polars";
import { headBytes } from "../common/regularFile";
import { printWarning } from "../common/messages";
import { parseSplunkExport } from "./live/drivers/splunk";
import { liveFrame } from "./live/results";
import { splunkTable } from "./live/splunkColumns";
import { DataFileError, dataMessages as msg, dataWarnings } from "./messages";

/** Bytes of the file's start searched for its first line. */
const HEAD_BYTES = 64 << 10;

/**
 * The largest export read this way: the file is read as one text and its results as JS objects (about four times
 * the file's size in memory), as the live provider reads an answer. V8's strings stop near 512 MB.
 */
export const MAX_SPLUNK_EXPORT_BYTES = 256 << 20;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** A line of the search's messages alone, `{"messages":[{"type":"WARN","text":"…"}]}`, as Splunk writes them before the results. */
function isMessagesLine(line: unknown): boolean {
  if (!isObject(line) || Object.keys(line).length !== 1 || !Array.isArray(line.messages) || line.messages.length === 0) return false;
  return line.messages.every((m) => isObject(m) && typeof m.type === "string" && typeof m.text === "string");
}

/**
 * Whether the file's first line (after lines of messages alone, {@link isMessagesLine}) is a line of Splunk's JSON
 * export: an object with a boolean `preview` and a `result` object, a `messages` list or the last row's marker alone
 * (`offset`, `lastrow: true`) (the REST results form, one object with a `results` list, is an API response:
 * apiResponses.ts). A file of messages lines alone (a search that failed before any result) is one too.
 */
export function isSplunkExportFile(file: string): boolean {
  const bytes = headBytes(file, HEAD_BYTES);
  let head = bytes.toString("utf8");
  if (head.startsWith("\uFEFF")) head = head.slice(1);
  const lines = head.trimStart().split(/\r?\n/);
  // The head's last line may be cut (unless the head is the whole file): only complete lines are judged.
  const complete = bytes.length < HEAD_BYTES ? lines.length : lines.length - 1;
  let messages = 0;
  for (let i = 0; i < complete; i += 1) {
    const line = lines[i];
    if (!line.trim()) continue;
    if (!line.startsWith("{")) return false;
    let item: unknown;
    try {
      item = JSON.parse(line);
    } catch {
      return false;
    }
    if (isMessagesLine(item)) {
      messages += 1;
      continue;
    }
    // A search with no results writes one line, the last row's marker: `{"preview":false,"offset":0,"lastrow":true}`.
    if (!isObject(item) || typeof item.preview !== "boolean" || "results" in item) return false;
    return isObject(item.result) || Array.isArray(item.messages) || (item.lastrow === true && typeof item.offset === "number");
  }
  return messages > 0 && complete === lines.length;
}

/** The export's results as a frame; its messages, a preview-only file and lines that are no JSON said. */
export function readSplunkExport(file: string, warn: (message: string) => void = printWarning): pl.DataFrame {
  const size = fs.statSync(file).size;
  if (size > MAX_SPLUNK_EXPORT_BYTES) {
    throw new DataFileError(
      msg.fileInvalid(
        file,
        "json",
        `a Splunk JSON export of ${size} bytes: more than the ${MAX_SPLUNK_EXPORT_BYTES} read as Splunk's JSON lines; export the search as CSV (Splunk's CSV reads at any size) or in several time ranges`,
      ),
    );
  }
  let text = fs.readFileSync(file, "utf8");
  if (text.startsWith("\uFEFF")) text = text.slice(1);
  const parsed = parseSplunkExport(text);
  const messages = [...parsed.errors.map((m) => `ERROR ${m}`), ...parsed.warnings.map((m) => `WARN ${m}`)];
  if (messages.length) warn(dataWarnings.splunkExportMessages(file, messages));
  if (!parsed.final && (parsed.results.length || parsed.previewed)) warn(dataWarnings.splunkExportPreview(file, parsed.results.length));
  if (parsed.skipped) warn(dataWarnings.splunkExportSkipped(file, parsed.skipped, parsed.firstSkipped ?? 0, parsed.results.length));
  return liveFrame(splunkTable(parsed.results));
}
