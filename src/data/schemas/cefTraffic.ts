/**
 * Which CEF events (Sentinel's CommonSecurityLog) are traffic records, for the flow layout. A firewall
 * logs a connection in its traffic log and, when a security feature looks at it, again in a threat, URL
 * or other log with the same addresses: counting those too makes one connection several flows. Each
 * vendor says which log a CEF event is in its own field; the table below reads it (docs/schemas.md).
 *
 * - Palo Alto Networks PAN-OS: CEF's Name (`Activity`) is the log type (`TRAFFIC`, `THREAT`…) and its
 *   signature id (`DeviceEventClassID`) the subtype (`end`, `url`…); either field naming the type
 *   `TRAFFIC` makes a flow, one naming another PAN-OS log type (`THREAT`, `DECRYPTION`, `GLOBALPROTECT`,
 *   `SYSTEM`…) does not.
 * - Fortinet FortiGate: a ten-digit log id (`DeviceEventClassID` `0000000013`) starts with its type, `00`
 *   traffic (`01` event, `02`… UTM logs); otherwise `Activity` or `DeviceEventCategory` say it
 *   (`traffic:forward close`, `forward traffic` a flow; `utm:webfilter`, `event:system`… not).
 * - Check Point: each software blade is its own `DeviceProduct`: the firewall's (`VPN-1 & FireWall-1`,
 *   `Firewall`) events are flows; IPS, Anti Virus, Anti-Bot, URL Filtering, Application Control, Threat
 *   Emulation… are other logs about them.
 *
 * Another vendor's events, and a known vendor's event whose deciding field is empty, are flows as before:
 * the table only leaves out what the vendor marks as no traffic.
 */
import type { RowTest } from "./types";

/** The fields read, in this order. */
const FIELDS = ["DeviceVendor", "DeviceProduct", "Activity", "DeviceEventClassID", "DeviceEventCategory"] as const;

type Values = readonly (string | null)[];

/** One event's fields, trimmed and lower case. */
interface Event {
  vendor: string;
  product: string;
  activity: string;
  classId: string;
  category: string;
}

interface VendorRule {
  /** The device, from its vendor and product. */
  device: (e: Event) => boolean;
  /** True when the event is a traffic record; undefined when its fields do not say (kept). */
  traffic: (e: Event) => boolean | undefined;
}

/** PAN-OS log types (its syslog `type` field), as CEF's Name writes them. */
const PAN_LOG_TYPES = new Set(["traffic", "threat", "config", "system", "hip-match", "hipmatch", "globalprotect", "userid", "iptag", "auth", "authentication", "decryption", "tunnel", "sctp", "gtp", "correlation"]);

const VENDORS: readonly VendorRule[] = [
  {
    device: (e) => e.vendor.startsWith("palo alto") || e.product === "pan-os",
    traffic: (e) => {
      if (e.activity === "traffic" || e.classId === "traffic") return true;
      return PAN_LOG_TYPES.has(e.activity) || PAN_LOG_TYPES.has(e.classId) ? false : undefined;
    },
  },
  {
    device: (e) => e.vendor.startsWith("fortinet") && e.product.startsWith("fortigate"),
    traffic: (e) => {
      if (/^[0-9]{10}$/.test(e.classId)) return e.classId.startsWith("00");
      const words = `${e.activity} ${e.category}`.split(/[^a-z0-9-]+/);
      if (words.includes("traffic")) return true;
      return words.includes("utm") || words.includes("event") ? false : undefined;
    },
  },
  {
    device: (e) => e.vendor.replace(/\s+/g, "") === "checkpoint",
    traffic: (e) => (e.product === "" ? undefined : e.product.includes("firewall") || e.product.includes("vpn-1")),
  },
];

const lower = (v: string | null | undefined) => (v ?? "").trim().toLowerCase();

/** The CommonSecurityLog's traffic records (see the module's comment). */
export const CEF_TRAFFIC: RowTest = {
  fields: FIELDS,
  keep: (values: Values) => {
    const [vendor, product, activity, classId, category] = values.map(lower);
    const e = { vendor, product, activity, classId, category };
    return VENDORS.find((r) => r.device(e))?.traffic(e) ?? true;
  },
  label: (values: Values) => {
    const [vendor, product, activity] = values.map((v) => (v ?? "").trim());
    // The log's kind, not its details: `THREAT`, `utm:webfilter`, a blade's name.
    return [vendor, product, activity.split(/\s/, 1)[0]].filter((v) => v !== "").join(" ");
  },
  what: "threat, URL and other logs of a firewall that are no traffic records",
};
