/**
 * IoC types for threat-intelligence lookups: type names and aliases, and the
 * form of an observable sent to providers.
 *
 * Which type a value is comes from the indicator extractor's table
 * (src/transform/iocPatterns.ts, `classifyObservable`): TILookup calls a value
 * `dns` exactly when IoCExtract would report the whole of it as `dns`, and
 * custom types added with `IoCExtract.addIocType` are detected too. This
 * module only adds what TI needs on top: aliases and canonical forms.
 */
import ipaddr from "ipaddr.js";
import { refang } from "../transform/defang";
import { BUILTIN_IOC_TYPES, classifyObservable, customIocTypes, iocTypeDefinition, isDefaultIocType, isIpv6, isObservableOf, type BuiltinIocType } from "../transform/iocPatterns";

import { nonGlobalIpReason } from "./ipType";
import { isIcannTld } from "../transform/domains";

export { nonGlobalIpReason };

/**
 * Why a URL points inside a network and should not be sent to an internet
 * service, or undefined for a public host. Intranet URLs are real attack URLs
 * (`http://badguyserver/pwnme`), so extraction keeps them; but asking VirusTotal
 * about them would only leak internal names: a host that is a non-public IP,
 * a single label, or a name without an ICANN suffix (`.local`, `.corp`, `.lan`)
 * stays inside.
 */
export function internalUrlReason(url: string): string | undefined {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return undefined; // not a URL the WHATWG parser reads: the provider decides
  }
  host = host.replace(/^\[|\]$/g, "").replace(/\.$/, "");
  if (ipaddr.isValid(host)) {
    const why = nonGlobalIpReason(host);
    return why ? `its host is ${why}` : undefined;
  }
  const labels = host.split(".");
  if (labels.length < 2) return "its host is a single-label (intranet) name";
  const tld = labels[labels.length - 1];
  return isIcannTld(tld) ? undefined : `its host has no public suffix (".${tld}")`;
}
/** Re-exported: the one refang of the codebase is the extractor's. */
export { refang };

/** A built-in type TI providers understand: IoCExtract's default types (MSTICPy's names; no paths). */
export type BuiltinTiType = Exclude<BuiltinIocType, "windows_path" | "linux_path">;

/** The built-in observable types TI providers understand. */
export const IOC_TYPES: readonly BuiltinTiType[] = BUILTIN_IOC_TYPES.filter((t): t is BuiltinTiType => isDefaultIocType(t));

/**
 * An observable type: built-in, a custom type registered with
 * `IoCExtract.addIocType` (any other name), or `"unknown"` for a value that is
 * none of them.
 */
export type IocType = BuiltinTiType | "unknown" | (string & {});

/** Spellings accepted for an explicit type (`iocType`, an `iocTypeCol` value) → canonical type. */
const TYPE_ALIASES: Readonly<Record<string, IocType>> = {
  ipv4: "ipv4",
  ip: "ipv4",
  ipv6: "ipv6",
  dns: "dns",
  domain: "dns",
  hostname: "dns",
  fqdn: "dns",
  url: "url",
  uri: "url",
  email: "email",
  md5: "md5_hash",
  md5_hash: "md5_hash",
  sha1: "sha1_hash",
  sha1_hash: "sha1_hash",
  sha256: "sha256_hash",
  sha256_hash: "sha256_hash",
  unknown: "unknown",
};

/**
 * The canonical type for an alias (`"domain"` → `"dns"`) or a registered
 * custom type's name (any case), or undefined when it is neither.
 */
export function normalizeIocType(name: string): IocType | undefined {
  const key = name.trim().toLowerCase();
  if (Object.hasOwn(TYPE_ALIASES, key)) return TYPE_ALIASES[key];
  return customIocTypes().find((d) => d.name.toLowerCase() === key)?.name;
}

/** A classified observable: its type and the form sent to providers. */
export interface ClassifiedIoc {
  /** The value as given. */
  ioc: string;
  type: IocType;
  /**
   * The normalised value providers are asked about: trimmed, refanged
   * (`hxxp`, `[.]`), hostnames and hashes lower-cased, IPs in canonical form;
   * custom types as written. Empty when the value is not a usable observable
   * of its type.
   */
  safeIoc: string;
}

/** `[2001:db8::1]` (an IPv6 literal as URLs write it) is the address. */
function unbracket(text: string): string {
  return text.startsWith("[") && text.endsWith("]") && isIpv6(text.slice(1, -1)) ? text.slice(1, -1) : text;
}

function canonicalUrl(text: string): string | undefined {
  try {
    return new URL(text).href;
  } catch {
    return undefined;
  }
}

/** The form sent to providers of `text` (trimmed, refanged) as a `type`, or undefined when it is not one. */
function safeForm(text: string, type: IocType): string | undefined {
  const def = iocTypeDefinition(type);
  if (!def || !isObservableOf(text, def)) return undefined;
  switch (type) {
    case "ipv4":
    case "ipv6":
      return ipaddr.parse(text).toString();
    case "dns":
      return text.toLowerCase().replace(/\.$/, "");
    case "url":
      return canonicalUrl(text);
    case "email": {
      const at = text.lastIndexOf("@");
      return text.slice(0, at + 1) + text.slice(at + 1).toLowerCase();
    }
    case "md5_hash":
    case "sha1_hash":
    case "sha256_hash":
      return text.toLowerCase();
    default:
      return text;
  }
}

/** A hostname under a real top-level domain, lower-cased and without its root dot; else undefined. */
export function canonicalDomain(value: string): string | undefined {
  return safeForm(value, "dns");
}

/**
 * The type of a single observable: ipv4, ipv6, url (any host: intranet names
 * such as `http://server/file.sct` too), email, md5/sha1/sha256 hash, dns (a
 * hostname under a real top-level domain), a registered custom type, else
 * `"unknown"`.
 */
export function detectIocType(value: string): IocType {
  return classifyObservable(unbracket(refang(value.trim()))) ?? "unknown";
}

/**
 * Type and normalised form of an observable. With `type`, the value is checked
 * against that type instead of detected: a value that is not of the given type
 * gets an empty `safeIoc` (a "bad format" row, not a lookup).
 */
export function classifyIoc(value: string, type?: IocType): ClassifiedIoc {
  const text = unbracket(refang(value.trim()));
  const resolved = type ?? classifyObservable(text) ?? "unknown";
  return { ioc: value, type: resolved, safeIoc: safeForm(text, resolved) ?? "" };
}
