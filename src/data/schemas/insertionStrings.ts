/**
 * Windows' `%%nnnn` insertion strings: EventData (XML, raw and Sentinel exports, the docs' EventData command)
 * holds the code where the rendered Message has words. huntlab writes the words, so that an EventData export and
 * a Message read by winEventFields give one column.
 */
import pl from "nodejs-polars";
import { columnNames, columnOf, frameOf } from "../../common/frames";
import { isTextType } from "../../common/dtypes";

/**
 * 4625's FailureReason codes and Windows' English words for them (msobjs.dll, as the Message renders them; learn.microsoft.com's
 * "4625(F) An account failed to log on"). `occured` is Windows' own spelling.
 */
export const FAILURE_REASONS: Readonly<Record<string, string>> = {
  "%%2304": "An Error occured during Logon.",
  "%%2305": "The specified user account has expired.",
  "%%2306": "The NetLogon component is not active.",
  "%%2307": "Account locked out.",
  "%%2308": "The user has not been granted the requested logon type at this machine.",
  "%%2309": "The specified account's password has expired.",
  "%%2310": "Account currently disabled.",
  "%%2311": "Account logon time restriction violation.",
  "%%2312": "User not allowed to logon at this computer.",
  "%%2313": "Unknown user name or bad password.",
  "%%2314": "Domain sid inconsistent.",
  "%%2315": "Smartcard logon is required and was not used.",
};

/** The column of a logon frame whose codes are written as words. */
const COLUMN = "FailureReason";

/**
 * The frame with its text `FailureReason` column's known `%%23xx` codes (white space around them allowed) replaced by
 * their words; other values (words already, unknown codes, nulls) stay as written. A frame without such a value comes back
 * unchanged (the same object).
 */
export function failureReasonWords(df: pl.DataFrame): pl.DataFrame {
  const names = columnNames(df);
  if (!names.includes(COLUMN)) return df;
  const column = columnOf(df, COLUMN);
  if (!isTextType(column.dtype)) return df;
  let changed = false;
  const values = (column.toArray() as (string | null)[]).map((v) => {
    const code = typeof v === "string" && v.length < 16 ? v.trim() : undefined;
    if (code === undefined || !Object.hasOwn(FAILURE_REASONS, code)) return v;
    changed = true;
    return FAILURE_REASONS[code];
  });
  if (!changed) return df;
  return frameOf(names.map((n) => (n === COLUMN ? pl.Series(COLUMN, values, pl.Utf8) : columnOf(df, n))));
}
