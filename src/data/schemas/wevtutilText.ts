/**
 * `wevtutil qe <log> /f:text` output, the export a hunter makes on a server without PowerShell: one block per event,
 *
 * ```
 * Event[0]:
 *   Log Name: Security
 *   Source: Microsoft-Windows-Security-Auditing
 *   Date: 2026-05-31T19:00:00.1230000Z
 *   Event ID: 4688
 *   …
 *   Computer: WS01.contoso.local
 *   Description:
 * A new process has been created.
 * …
 * ```
 *
 * read into the frame of a plain `Get-WinEvent | Export-Csv` (Message, Id, ProviderName, MachineName, TimeCreated…), so
 * that winEventFields and everything after it read it unchanged. One pass over the lines, in blocks: linear, bounded.
 */
import fs from "node:fs";
import pl from "nodejs-polars";
import { frameOf } from "../../common/frames";

/** Longest Description kept per event (characters): Windows' own are a few KB; longer ones are cut, with a warning. */
export const MAX_DESCRIPTION_CHARS = 1 << 20;

/** An event block's first line: `Event[<n>]:` (n counts from 0). */
const HEADER = /^Event\[(\d{1,12})\]:?[ \t]*$/;
/** A header field line: two spaces, an English label, a colon. */
const HEAD_FIELD = /^ {2}([A-Za-z][A-Za-z ]{0,30}):[ \t]?(.*)$/;
/** A block's second line: its log's name (wevtutil writes it first). */
const LOG_NAME = "  Log Name:";

/** wevtutil's header labels → the Get-WinEvent column of the same value. `User Name` has no such column and is not kept. */
const HEAD_COLUMNS: Readonly<Record<string, string>> = {
  "Log Name": "LogName",
  Source: "ProviderName",
  Date: "TimeCreated",
  "Event ID": "Id",
  Task: "TaskDisplayName",
  Level: "LevelDisplayName",
  Opcode: "OpcodeDisplayName",
  Keyword: "KeywordsDisplayNames",
  User: "UserId",
  Computer: "MachineName",
};
const COLUMNS: readonly string[] = ["Message", ...Object.values(HEAD_COLUMNS)];

/** True when the text (a file's first bytes) starts as wevtutil's text output: `Event[0]:` then `  Log Name:`. */
export function isWevtutilText(head: string): boolean {
  const lines = head.replace(/^\uFEFF/, "").replace(/^[ \t\r\n]+/, "").split("\n", 2);
  return lines.length === 2 && HEADER.exec(lines[0].replace(/\r$/, ""))?.[1] === "0" && lines[1].startsWith(LOG_NAME);
}

/** What {@link readWevtutilText} read besides the frame: blocks it could not read whole, Descriptions it cut. */
export interface WevtutilRead {
  df: pl.DataFrame;
  /** Blocks without a numeric Event ID or a Source, or with a header line that is no `  Label: value`: their rows are kept, nulls where unread. */
  malformed: { count: number; firstEvent?: number; firstLine?: number };
  /** Descriptions longer than {@link MAX_DESCRIPTION_CHARS}, cut there. */
  cut: number;
}

interface Block {
  event: number;
  line: number;
  head: Map<string, string>;
  description: string[] | undefined;
  chars: number;
  bad: boolean;
}

/**
 * The events of wevtutil's text output, one row each, as a Get-WinEvent export's columns: `Message` (the Description),
 * `Id` (Int64), `ProviderName`, `LogName`, `MachineName`, `TimeCreated` (as written), `UserId`, `LevelDisplayName`,
 * `TaskDisplayName`, `OpcodeDisplayName`, `KeywordsDisplayNames` (`N/A` as null).
 *
 * A block starts at a line `Event[<n>]:` whose n is the next event's number (or 0: outputs joined one after another)
 * followed by a line `  Log Name:`: a Description's own line of that form for another number stays in it. The
 * Description runs to the next block; its line ends are `\n`, the blank lines at its end (wevtutil's separator) dropped.
 */
export function readWevtutilText(lines: Iterable<string>): WevtutilRead {
  const columns = new Map<string, (string | null)[]>(COLUMNS.map((c) => [c, []]));
  const ids: (number | null)[] = [];
  const malformed: WevtutilRead["malformed"] = { count: 0 };
  let cut = 0;
  let block: Block | undefined;
  let pending: { event: number; text: string; line: number } | undefined; // a header line waiting for its `  Log Name:`
  let next = 0;
  let lineNo = 0;

  const finish = (b: Block) => {
    const id = b.head.get("Event ID");
    const number = id !== undefined && /^\d{1,10}$/.test(id) ? Number(id) : null;
    if (number === null || !b.head.get("Source") || b.bad) {
      malformed.count++;
      if (malformed.firstEvent === undefined) Object.assign(malformed, { firstEvent: b.event, firstLine: b.line });
    }
    ids.push(number);
    const text = b.description ?? [];
    while (text.length && text[text.length - 1].trim() === "") text.pop();
    columns.get("Message")!.push(b.description ? text.join("\n") : null);
    for (const [label, column] of Object.entries(HEAD_COLUMNS)) {
      if (column === "Id") continue;
      const v = b.head.get(label);
      columns.get(column)!.push(v === undefined || v === "" || v === "N/A" ? null : v);
    }
  };
  const start = (event: number, line: number) => {
    if (block) finish(block);
    block = { event, line, head: new Map(), description: undefined, chars: 0, bad: false };
    next = event + 1;
  };
  // The Description's length so far, joined by `\n` (`chars`); past the cap, the rest is dropped and counted once.
  const describe = (text: string) => {
    const b = block!;
    const lines = (b.description ??= []);
    if (b.chars > MAX_DESCRIPTION_CHARS) return;
    const room = MAX_DESCRIPTION_CHARS - b.chars - (lines.length ? 1 : 0);
    if (text.length > room) {
      cut++;
      b.chars = MAX_DESCRIPTION_CHARS + 1; // nothing more is added
      if (room >= 0) lines.push(text.slice(0, room));
      return;
    }
    b.chars += text.length + (lines.length ? 1 : 0);
    lines.push(text);
  };

  for (let raw of lines) {
    lineNo++;
    if (raw.endsWith("\r")) raw = raw.slice(0, -1);
    if (lineNo === 1) raw = raw.replace(/^\uFEFF/, "");
    if (pending) {
      const held = pending;
      pending = undefined;
      if (raw.startsWith(LOG_NAME)) start(held.event, held.line);
      else if (block!.description !== undefined) describe(held.text);
      else block!.bad = true;
    }
    const header = raw.length < 32 ? HEADER.exec(raw) : null;
    if (header && (Number(header[1]) === next || header[1] === "0")) {
      // The first block starts here; a later one only when `  Log Name:` follows (else the line is a Description's).
      if (!block) start(Number(header[1]), lineNo);
      else pending = { event: Number(header[1]), text: raw, line: lineNo };
      continue;
    }
    // Before the first block (the sniffing saw `Event[0]:` first, after blank lines): blank lines only.
    if (!block) continue;
    if (block.description !== undefined) {
      describe(raw);
      continue;
    }
    const field = HEAD_FIELD.exec(raw);
    if (field && field[1] === "Description") {
      block.description = [];
      if (field[2].trim()) describe(field[2]);
    } else if (field) {
      if (!block.head.has(field[1])) block.head.set(field[1], field[2].trim());
    } else if (raw.trim() !== "") block.bad = true;
  }
  if (pending && block) {
    if (block.description !== undefined) describe(pending.text);
    else block.bad = true;
  }
  if (block) finish(block);
  const df = frameOf(COLUMNS.map((c) => (c === "Id" ? pl.Series("Id", ids, pl.Int64) : pl.Series(c, columns.get(c)!, pl.Utf8))));
  return { df, malformed, cut };
}

/**
 * The lines of a UTF-8 file, read in 1 MiB blocks (an invalid byte throws, naming UTF-8). A line longer than a
 * Description may be is cut to one character more (so the Description's cut is counted): a file of one huge line
 * costs no more memory than that.
 */
export function* fileLines(file: string): Generator<string> {
  const fd = fs.openSync(file, "r");
  try {
    const block = Buffer.alloc(1 << 20);
    const decoder = new TextDecoder("utf-8", { fatal: true });
    let pending = "";
    for (let pos = 0; ; ) {
      const n = fs.readSync(fd, block, 0, block.length, pos);
      pos += n;
      const parts = decoder.decode(block.subarray(0, n), { stream: n > 0 }).split("\n");
      for (let i = 0; i < parts.length; i++) {
        if (pending.length <= MAX_DESCRIPTION_CHARS) pending += parts[i].slice(0, MAX_DESCRIPTION_CHARS + 1 - pending.length);
        if (i < parts.length - 1) {
          yield pending;
          pending = "";
        }
      }
      if (n === 0) {
        if (pending) yield pending;
        return;
      }
    }
  } finally {
    fs.closeSync(fd);
  }
}
