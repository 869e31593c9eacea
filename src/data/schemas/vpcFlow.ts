/**
 * AWS VPC Flow Logs as the S3 delivery writes them (a `.log` once gunzipped): a
 * first line of field names (`version account-id interface-id srcaddr dstaddr
 * srcport dstport protocol packets bytes start end action log-status` for the
 * default format, others for a custom one), then one record per line, fields
 * separated by single spaces, `-` where a field has no value. This reads them:
 * the numeric fields become integers (a value that is not a number null),
 * `start` and `end` (epoch seconds) Datetimes, the others text.
 *
 * The file is read by polars (never one JavaScript string); only its first
 * line, the header, is read here. A file whose first line is not such a header
 * is no flow log.
 */
import pl from "nodejs-polars";
import { renameAll } from "../../common/frames";
import { headBytes } from "../../common/regularFile";
import { runSync, type ReadSteps } from "../collect";
import { DataFileError, dataMessages as msg } from "../messages";

/** Fields AWS writes as integers (its flow log record documentation, versions 2–8). */
const INTEGER_FIELDS = new Set(["version", "srcport", "dstport", "protocol", "packets", "bytes", "start", "end", "tcp-flags", "traffic-path", "ecs-container-instance-count"]);

/** Fields that are epoch seconds. */
const TIME_FIELDS = new Set(["start", "end"]);

/** A field name as AWS spells them: lower-case words joined by hyphens. (A linear pattern: no nesting, no alternation.) */
const FIELD_NAME = /^[a-z][a-z0-9-]{0,63}$/;

/** A header line longer than this is no flow-log header (the full v8 format is ~500 characters). */
const MAX_HEADER = 4096;

/** The default (version 2) format's fields, for messages. */
export const VPC_FLOW_DEFAULT_HEADER = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status";

/** The first line of `head`, without a byte-order mark and its line end. */
function firstLine(head: string): string {
  const text = head.startsWith("\uFEFF") ? head.slice(1) : head;
  const end = text.indexOf("\n");
  const line = end < 0 ? text : text.slice(0, end);
  return line.endsWith("\r") ? line.slice(0, -1) : line;
}

/**
 * The field names of a flow log's header line, or undefined when `head` does not start with one: names
 * as AWS spells them, separated by single spaces, none twice, `srcaddr` and `dstaddr` among them.
 */
export function vpcFlowHeader(head: string): string[] | undefined {
  const line = firstLine(head);
  if (line.length === 0 || line.length > MAX_HEADER) return undefined;
  const fields = line.split(" ");
  if (!fields.every((f) => FIELD_NAME.test(f))) return undefined;
  if (new Set(fields).size !== fields.length) return undefined;
  return fields.includes("srcaddr") && fields.includes("dstaddr") ? fields : undefined;
}

/** True when `head` (a file's first bytes) starts with a VPC flow log's header line. */
export function isVpcFlowLog(head: string): boolean {
  return vpcFlowHeader(head) !== undefined;
}

/**
 * True when the first line looks like a default-format flow log record without its header (CloudWatch
 * Logs' messages saved to a file): 14 fields, version 2, a 12-digit account id, an `eni-` interface.
 */
export function isHeaderlessVpcFlowLog(head: string): boolean {
  const fields = firstLine(head).split(" ");
  return fields.length === 14 && fields[0] === "2" && fields[1].length === 12 && [...fields[1]].every((c) => c >= "0" && c <= "9") && fields[2].startsWith("eni-");
}

const plain = (i: number) => `c${i}`;

/** The records of a flow log whose header gave `fields`, from polars' read of its lines. */
function typed(raw: pl.LazyDataFrame, fields: readonly string[]): pl.LazyDataFrame {
  const last = fields.length - 1;
  return (
    raw
      // The header line again (flow logs concatenated with `cat`), and blank lines, are no records.
      .filter(pl.col(plain(0)).isNull().or(pl.col(plain(0)).neq(pl.lit(fields[0]))).and(pl.anyHorizontal(fields.map((_, i) => pl.col(plain(i)).isNotNull()))))
      .select(
        ...fields.map((name, i) => {
          let c = pl.col(plain(i));
          // A file copied through Windows: its lines end in CR, and so does the last field.
          if (i === last) c = c.str.stripCharsEnd(pl.lit("\r"));
          c = pl.when(c.eq(pl.lit("-"))).then(pl.lit(null).cast(pl.Utf8)).otherwise(c);
          if (!INTEGER_FIELDS.has(name)) return c.alias(plain(i));
          const int = c.str.strip().cast(pl.Int64, false);
          return (TIME_FIELDS.has(name) ? int.mul(pl.lit(1000).cast(pl.Int64)).cast(pl.Datetime("ms")) : int).alias(plain(i));
        }),
      )
  );
}

function csvOptions(fields: readonly string[]) {
  const schema = Object.fromEntries(fields.map((_, i) => [plain(i), pl.Utf8]));
  // Every field as text (the casts above make the numbers); no quoting in flow logs; a short or long line is read as far as it goes.
  return { sep: " ", hasHeader: false, skipRows: 1, quoteChar: "\x01", schema, inferSchemaLength: 0, truncateRaggedLines: true, ignoreErrors: true, raiseIfEmpty: false } as const;
}

function* readSteps(fields: readonly string[], raw: pl.LazyDataFrame): ReadSteps<pl.DataFrame> {
  const df: pl.DataFrame = yield typed(raw, fields);
  return renameAll(df, fields);
}

function noHeader(file: string, head: string): DataFileError {
  const detail = isHeaderlessVpcFlowLog(head)
    ? `its first line is an AWS VPC flow log record, not the header line of field names: add the header line (for the default format: ${VPC_FLOW_DEFAULT_HEADER})`
    : "its first line is not a flow log header (field names such as srcaddr and dstaddr, separated by spaces)";
  return new DataFileError(msg.fileInvalid(file, "vpc flow log", detail));
}

/** A VPC flow log given as text; `file` names it in errors. */
export function readVpcFlowLog(text: string, file = "VPC flow log"): pl.DataFrame {
  const fields = vpcFlowHeader(text.slice(0, MAX_HEADER + 2));
  if (!fields) throw noHeader(file, text.slice(0, MAX_HEADER));
  return runSync(readSteps(fields, pl.readCSV(Buffer.from(text, "utf8"), csvOptions(fields)).lazy()));
}

/** The read of a VPC flow log file, as steps (collect.ts): polars reads the file itself. */
export function* readVpcFlowLogFileSteps(file: string): ReadSteps<pl.DataFrame> {
  const head = headBytes(file, MAX_HEADER + 2).toString("utf8");
  const fields = vpcFlowHeader(head);
  if (!fields) throw noHeader(file, head);
  return yield* readSteps(fields, pl.scanCSV(file, { ...csvOptions(fields), glob: false, cache: false }));
}

/** Reads a VPC flow log file. */
export function readVpcFlowLogFile(file: string): pl.DataFrame {
  return runSync(readVpcFlowLogFileSteps(file));
}
