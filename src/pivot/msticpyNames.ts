/**
 * MSTICPy's names of the pivot functions huntlab has too, for pipelines pasted from MSTICPy (`function:
 * util.ip_type` in its YAML): the one table of them (README's MSTICPy/huntlab table says the same). Only functions
 * that do the same job are here; MSTICPy functions huntlab lacks (`util.dns_is_resolvable`, `util.ip_rev_resolve`…)
 * stay unknown and are refused, naming huntlab's functions. Query functions keep MSTICPy's names already.
 * Checked against MSTICPy's source: the util names are the `func_new_name` (else `src_func_name`) of
 * msticpy/resources/mp_pivot_reg.yaml, registered in the `util` container (msticpy/init/pivot.py); the ti names are
 * `lookup_<ioc>` for msticpy/init/pivot_init/pivot_ti_provider.py's IOC_TYPES (ip, dns, file_hash, url). huntlab's
 * fileHashType and lookupEmail have no MSTICPy pivot of their own (`file_hash_type` is IoCExtract's method, not one).
 */

/** namespace → MSTICPy's function name → huntlab's. */
export const MSTICPY_FUNCTION_NAMES: Readonly<Record<"util" | "ti", Readonly<Record<string, string>>>> = {
  util: {
    ip_type: "ipType",
    geoloc: "geoLoc",
    dns_resolve: "dnsResolve",
    dns_components: "domainParts",
    url_components: "urlParts",
    extract_iocs: "extractIocs",
  },
  ti: {
    lookup_ip: "lookupIp",
    lookup_dns: "lookupDns",
    lookup_url: "lookupUrl",
    lookup_file_hash: "lookupFileHash",
  },
};

/**
 * huntlab's name of `name` in `namespace` when it is one of MSTICPy's, else undefined. A provider's own lookup,
 * `lookup_ip_OTX`, is `lookupIp_OTX` (the provider's name as written).
 */
export function huntlabFunctionName(namespace: string, name: string): string | undefined {
  if (namespace !== "util" && namespace !== "ti") return undefined;
  const table = MSTICPY_FUNCTION_NAMES[namespace];
  if (Object.hasOwn(table, name)) return table[name];
  if (namespace !== "ti") return undefined;
  // Longest generic name first: lookup_file_hash_X before a shorter prefix could match.
  const generic = Object.keys(table)
    .sort((a, b) => b.length - a.length)
    .find((g) => name.startsWith(`${g}_`) && name.length > g.length + 1);
  return generic === undefined ? undefined : `${table[generic]}_${name.slice(generic.length + 1)}`;
}
