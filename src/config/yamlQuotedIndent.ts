/**
 * Quoted scalars whose continuation lines PyYAML reads and the yaml package
 * refuses: lines indented with tabs, or no deeper than their key (MSTICPy's
 * bundled mde/kql_mdatp_hunting.yaml, splunk_queries.yaml,
 * sumologic_queries.yaml). PyYAML does not check the indentation of a quoted
 * scalar's lines, and line folding strips their leading spaces and tabs from
 * the value in both readers; so indenting those lines with spaces, deeper than
 * their key, changes no value and lets the yaml package read the file.
 *
 * One pass over the lines, each read once: a quoted value that does not close
 * on its line is followed to its closing quote, and the lines after it are
 * read from there. Only values that start a line's node (`key: '…`, `- '…`,
 * `'…`) are seen, and block scalars are skipped; the caller checks that each
 * span re-indented is one quoted scalar of the repaired document (else the
 * repair is dropped), so a line misread here cannot change a value.
 */

/** A quoted scalar re-indented: its offsets in the repaired text, the opening and the closing quote. */
export interface ReindentedSpan {
  start: number;
  end: number;
}

/** Indentation and `- ` markers of a line (a regex of its own: with the key's in one, a line of `- - - …` took minutes). */
const LINE_INDENT = /^[ \t]*(?:-[ \t]+)*/;
/** After them: an optional plain `key: `, then a quote, or a block scalar header. */
const NODE_START = /^((?:[^\s#'"][^#]*?:[ \t]+)?)(?:(['"])|[|>][-+0-9]*[ \t]*(?:#.*)?\r?$)/;
/** A document marker at the start of a line, which PyYAML refuses inside a quoted scalar too. */
const DOCUMENT_MARKER = /^(?:---|\.\.\.)(?:[ \t]|\r?$)/;

/** Offset of the quote closing the quoted scalar opened at `open` (`''` and `\"` are not closings), or -1. */
function closingQuote(text: string, open: number): number {
  const quote = text[open];
  let end = text.indexOf(quote, open + 1);
  if (quote === "'") {
    while (end !== -1 && text[end + 1] === "'") end = text.indexOf("'", end + 2);
    return end;
  }
  while (end !== -1) {
    let backslashes = 0;
    while (text[end - 1 - backslashes] === "\\") backslashes += 1;
    if (backslashes % 2 === 0) return end;
    end = text.indexOf('"', end + 1);
  }
  return -1;
}

/**
 * `text` with the continuation lines of its multi-line quoted scalars that
 * are indented with tabs or not deeper than their key re-indented with spaces,
 * and the spans changed; undefined when none needed it.
 */
export function reindentQuotedScalars(text: string): { text: string; spans: ReindentedSpan[] } | undefined {
  const lines = text.split("\n");
  const out: string[] = [];
  const spans: ReindentedSpan[] = [];
  let offset = 0; // of line i in `text`
  let shift = 0; // what the repaired text has more than `text` before line i
  let blockIndent = -1; // indentation of a block scalar's header line while its lines are skipped
  let i = 0;
  const keep = (repaired = lines[i]) => {
    out.push(repaired);
    offset += lines[i].length + 1;
    i += 1;
  };
  while (i < lines.length) {
    const line = lines[i];
    const indent = /^ */.exec(line)![0].length;
    if (blockIndent >= 0 && (indent > blockIndent || /^[ \t]*\r?$/.test(line))) {
      keep();
      continue;
    }
    blockIndent = -1;
    const prefix = LINE_INDENT.exec(line)![0];
    const m = NODE_START.exec(line.slice(prefix.length));
    if (!m?.[2]) {
      if (m) blockIndent = indent;
      keep();
      continue;
    }
    const open = offset + prefix.length + m[1].length;
    const close = closingQuote(text, open);
    // Unclosed: an error the parser reports.
    if (close === -1) return undefined;
    const changed = spans.length;
    const start = open + shift;
    // Deeper than the key (or the `- ` holding the value): what the yaml package requires.
    const depth = prefix.length + 1;
    keep();
    while (offset <= close && i < lines.length) {
      const cont = lines[i];
      if (DOCUMENT_MARKER.test(cont)) return undefined;
      const lead = /^[ \t]*/.exec(cont)![0];
      const blank = /^[ \t]*\r?$/.test(cont);
      if (lead.includes("\t") || (!blank && lead.length < depth)) {
        // A blank line is a line break of the value whatever its white space.
        const fixed = (blank ? "" : " ".repeat(depth)) + cont.slice(lead.length);
        shift += fixed.length - cont.length;
        if (spans.length === changed) spans.push({ start, end: -1 });
        keep(fixed);
      } else keep();
    }
    if (spans.length > changed) spans[changed].end = close + shift;
  }
  return spans.length ? { text: out.join("\n"), spans } : undefined;
}
