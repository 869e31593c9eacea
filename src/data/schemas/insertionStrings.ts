/**
 * Windows' `%%nnnn` insertion strings, and 4688's integrity-level SIDs: EventData (XML, raw and Sentinel exports, the
 * docs' EventData command, a JSON export's Properties) holds the code or SID where the rendered Message has words.
 * huntlab writes the words, so that an EventData export and a Message read by winEventFields give one column.
 */
import pl from "nodejs-polars";
import { columnNames, columnOf, frameOf } from "../../common/frames";
import { isTextType } from "../../common/dtypes";
import { fieldSeries } from "./fields";

/**
 * The codes of the Security events huntlab reads and Windows' English words for them, as the Message renders them
 * (msobjs.dll; learn.microsoft.com's "4625(F) An account failed to log on", "4624(S) An account was successfully
 * logged on", "4688(S) A new process has been created"). `occured` is Windows' own spelling. One table: a code means
 * the same wherever it appears (a SID is only read in MandatoryLabel, the one field here that holds SIDs).
 */
export const INSERTION_STRINGS: Readonly<Record<string, string>> = {
  // 4625 FailureReason.
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
  // 4624 ImpersonationLevel.
  "%%1832": "Identification",
  "%%1833": "Impersonation",
  "%%1840": "Delegation",
  "%%1841": "Denied by Process Trust Label ACE",
  // 4624 ElevatedToken, VirtualAccount, RestrictedAdminMode.
  "%%1842": "Yes",
  "%%1843": "No",
  // 4688 TokenElevationType.
  "%%1936": "TokenElevationTypeDefault (1)",
  "%%1937": "TokenElevationTypeFull (2)",
  "%%1938": "TokenElevationTypeLimited (3)",
  // 4688 MandatoryLabel: the integrity level's well-known SID (learn.microsoft.com's "Well-known SIDs"), which the
  // Message renders as the account name Windows looks it up as, domain `Mandatory Label`.
  "S-1-16-0": "Mandatory Label\\Untrusted Mandatory Level",
  "S-1-16-4096": "Mandatory Label\\Low Mandatory Level",
  "S-1-16-8192": "Mandatory Label\\Medium Mandatory Level",
  "S-1-16-8448": "Mandatory Label\\Medium Plus Mandatory Level",
  "S-1-16-12288": "Mandatory Label\\High Mandatory Level",
  "S-1-16-16384": "Mandatory Label\\System Mandatory Level",
  "S-1-16-20480": "Mandatory Label\\Protected Process Mandatory Level",
  "S-1-16-28672": "Mandatory Label\\Secure Process Mandatory Level",
};

/** The EventData fields whose codes are written as words (other fields' `%%` text is left alone: it may be a value's own). */
export const INSERTION_STRING_FIELDS = ["FailureReason", "ImpersonationLevel", "ElevatedToken", "VirtualAccount", "RestrictedAdminMode", "TokenElevationType", "MandatoryLabel"] as const;

/** The JSON or struct column Sentinel's WindowsEvent table keeps the event's fields in. */
const EVENT_DATA = "EventData";

/** The column's known codes as words (white space around a code allowed); undefined when it has none. */
function words(column: pl.Series): pl.Series | undefined {
  let changed = false;
  const values = (column.toArray() as unknown[]).map((v) => {
    const code = typeof v === "string" && v.length < 16 ? v.trim() : undefined;
    if (code === undefined || !Object.hasOwn(INSERTION_STRINGS, code)) return v === undefined ? null : (v as string | null);
    changed = true;
    return INSERTION_STRINGS[code];
  });
  return changed ? pl.Series(column.name, values, pl.Utf8) : undefined;
}

/**
 * The frame with the known codes of its text {@link INSERTION_STRING_FIELDS} columns replaced by their words; other
 * values (words already, unknown codes, nulls) stay as written. A field that is only inside an `EventData` JSON text
 * or struct column (Sentinel's WindowsEvent) is added as a column of its own name first, as SecurityEvent has it.
 * A frame with nothing to change comes back unchanged (the same object).
 */
export function insertionStringWords(df: pl.DataFrame): pl.DataFrame {
  const names = columnNames(df);
  const replaced = new Map<string, pl.Series>();
  const added: pl.Series[] = [];
  for (const field of INSERTION_STRING_FIELDS) {
    const own = names.includes(field);
    const lifted = !own && names.includes(EVENT_DATA) ? fieldSeries(df, `${EVENT_DATA}.${field}`) : undefined;
    const column = own ? columnOf(df, field) : lifted && lifted.nullCount() < lifted.len() ? lifted.rename(field) : undefined;
    if (!column || !isTextType(column.dtype)) continue;
    const mapped = words(column);
    if (own) {
      if (mapped) replaced.set(field, mapped);
    } else added.push(mapped ?? column);
  }
  if (!replaced.size && !added.length) return df;
  return frameOf([...names.map((n) => replaced.get(n) ?? columnOf(df, n)), ...added]);
}
