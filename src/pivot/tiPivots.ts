/**
 * The `ti` namespace: one function per indicator type the loaded TI providers
 * support (`lookupIp`, `lookupDns`, `lookupUrl`, `lookupFileHash`,
 * `lookupEmail`), plus one per provider (`lookupIp_LocalTI`).
 */
import pl from "nodejs-polars";
import { TI_RESULT_COLUMNS, type TILookup } from "../context/tiLookup";
import type { PivotEntityName } from "./attach";
import { makePivotFunction, type PivotImpl } from "./pivotFunction";
import type { PivotFunction, PivotFunctionInfo } from "./types";

/** Which TI lookups go on which entity: function name, indicator types, the entity attribute. */
const TI_KINDS: readonly { entity: PivotEntityName; name: string; types: readonly string[]; attribute: string; what: string }[] = [
  { entity: "Ip", name: "lookupIp", types: ["ipv4", "ipv6"], attribute: "Address", what: "IP addresses" },
  { entity: "Dns", name: "lookupDns", types: ["dns"], attribute: "DomainName", what: "domains" },
  { entity: "Url", name: "lookupUrl", types: ["url"], attribute: "Url", what: "URLs" },
  { entity: "File", name: "lookupFileHash", types: ["md5_hash", "sha1_hash", "sha256_hash"], attribute: "FileHash", what: "file hashes" },
  { entity: "Account", name: "lookupEmail", types: ["email"], attribute: "UPN", what: "e-mail addresses (UPNs)" },
];

/** TILookup over distinct values; rows come value by value, one per provider asked. */
function lookupImpl(ti: TILookup, providers: string[] | undefined): PivotImpl {
  return async (values, context) => {
    if (values.length === 0) return { frame: pl.DataFrame(TI_RESULT_COLUMNS.map((c) => pl.Series(c, [], pl.Utf8))), inputs: [] };
    const scope = context.params.provScope === "all" ? "all" : undefined;
    const frame = await ti.lookupIocs(values, { ...(providers ? { providers } : {}), ...(scope ? { provScope: scope } : {}) });
    // lookupIocs keeps the order of distinct values and gives each the same number of rows (one per provider).
    const per = frame.height / values.length;
    const inputs = Number.isInteger(per) ? values.flatMap((v) => Array<string>(per).fill(v)) : (frame.getColumn("Ioc").toArray() as unknown as string[]);
    return { frame, inputs };
  };
}

/** The ti functions for the providers loaded in `ti`, by entity then name. */
export function tiFunctions(ti: TILookup): Map<PivotEntityName, Record<string, PivotFunction>> {
  const out = new Map<PivotEntityName, Record<string, PivotFunction>>();
  const loaded = ti.loadedProviders;
  const names = Object.keys(loaded);
  for (const kind of TI_KINDS) {
    const supporting = names.filter((n) => kind.types.some((t) => loaded[n].info.supportedTypes.includes(t)));
    if (!supporting.length) continue;
    const fns = out.get(kind.entity) ?? {};
    const base = (name: string, description: string, source: string): PivotFunctionInfo => ({
      entity: kind.entity,
      namespace: "ti",
      family: "",
      name,
      description,
      inputAttribute: kind.attribute,
      inputColumn: kind.attribute,
      parameters: [{ name: "provScope", type: "str", description: '"primary" (default) or "all" providers', required: false }],
      outputColumns: [...TI_RESULT_COLUMNS],
      source,
      batching: "batch",
    });
    fns[kind.name] = makePivotFunction(base(kind.name, `Look ${kind.what} up in the primary TI providers (${supporting.join(", ")})`, `TILookup (${supporting.join(", ")})`), lookupImpl(ti, undefined));
    for (const provider of supporting) {
      const name = `${kind.name}_${provider}`;
      fns[name] = makePivotFunction({ ...base(name, `Look ${kind.what} up in ${provider}`, `TILookup (${provider})`), parameters: [] }, lookupImpl(ti, [provider]));
    }
    out.set(kind.entity, fns);
  }
  return out;
}
