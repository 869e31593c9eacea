/**
 * MSTICPy's Kusto cluster settings (DataProv-Kusto.rst; azure_kusto_driver `_get_kusto_settings`,
 * `_lookup_cluster_settings`): `KustoClusters.<id>` entries and the older `DataProviders.Kusto-<id>` ones
 * (`DataProviders.Kusto` too), each naming its cluster in `Args.Cluster`; `KustoClusters.ClusterDefaults.Args`
 * fill what an entry leaves out. `connect({ cluster })` names one by its id, its URL or its short name (the
 * host's first label: `eucluster` of https://eucluster.kusto.windows.net), in any case; or is a cluster URL.
 */
import { QueryError, dataMessages as msg } from "../messages";
import { withArgs, type ArgSource } from "./settings";
import type { LiveSettings } from "./types";

/** The `KustoClusters` key whose Args every cluster takes where its own leave a setting out. */
export const CLUSTER_DEFAULTS = "ClusterDefaults";

/** A cluster of the config. */
export interface KustoClusterEntry {
  /** The section and key holding it: `KustoClusters` / `Cluster2`, `DataProviders` / `Kusto-MDE`. */
  section: string;
  key: string;
  /** Its id: the KustoClusters key, or the DataProviders key without `Kusto-`. */
  id: string;
  /** `Args.Cluster` as written ("" when it is not text: an EnvironmentVar, read when the entry is chosen). */
  url: string;
}

/** The cluster chosen by connect(): its URL, the settings to sign in with, and the settings they came from. */
export interface KustoClusterChoice {
  url: string | undefined;
  settings: LiveSettings;
  /** The setting (or option) the URL came from, for messages: `KustoClusters.Cluster2.Args.Cluster`, `connect({ cluster })`. */
  urlFrom: string;
  /** The Args the database and credentials come from, for messages: `KustoClusters.Cluster2.Args`. */
  argsFrom: string;
}

function mapping(value: unknown): Record<string, unknown> {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** Every cluster of the config: KustoClusters first (MSTICPy lets them replace a DataProviders one of the same id). */
export function kustoClusters(raw: Readonly<Record<string, unknown>>): KustoClusterEntry[] {
  const entry = (section: string, key: string, id: string, value: unknown): KustoClusterEntry[] => {
    const args = mapping(mapping(value).Args);
    if (!Object.hasOwn(args, "Cluster")) return [];
    return [{ section, key, id, url: typeof args.Cluster === "string" ? args.Cluster.trim() : "" }];
  };
  const clusters = mapping(raw.KustoClusters);
  const providers = mapping(raw.DataProviders);
  return [
    ...Object.keys(clusters).filter((key) => key !== CLUSTER_DEFAULTS).flatMap((key) => entry("KustoClusters", key, key, clusters[key])),
    ...Object.keys(providers).filter((key) => key.startsWith("Kusto")).flatMap((key) => entry("DataProviders", key, key.replace(/^Kusto-/, ""), providers[key])),
  ];
}

/** A cluster URL's short name, as MSTICPy's `get_cluster_name`: the host's first label. */
function shortName(url: string): string {
  try {
    return new URL(url).hostname.split(".")[0];
  } catch {
    return "";
  }
}

/** The cluster `name` names: by id (or key), then URL, then short name, in any case. */
export function findKustoCluster(entries: readonly KustoClusterEntry[], name: string): KustoClusterEntry | undefined {
  const wanted = name.trim().replace(/(?<!\/)\/+$/, "").toLowerCase();
  const same = (value: string) => value !== "" && value.replace(/(?<!\/)\/+$/, "").toLowerCase() === wanted;
  return entries.find((e) => same(e.id) || same(e.key)) ?? entries.find((e) => same(e.url)) ?? entries.find((e) => same(shortName(e.url)));
}

/** The option `name` as written (`cluster`, `Cluster`), and its value. */
function optionOf(options: Record<string, unknown>, name: string): [string, unknown] | undefined {
  const key = Object.keys(options).find((k) => k.toLowerCase() === name && options[k] !== undefined);
  return key === undefined ? undefined : [key, options[key]];
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

/**
 * The cluster connect() uses: the `cluster` option (a configured cluster, or a URL, which signs in with
 * `DataProviders.Kusto`'s Args), else `DataProviders.Kusto.Args.Cluster`, else the only cluster configured.
 * The chosen entry's Args, then ClusterDefaults', are read after the connect() options.
 */
export function chooseKustoCluster(settings: LiveSettings, options: Record<string, unknown>): KustoClusterChoice {
  const env = settings.environment;
  const entries = kustoClusters(settings.rawConfig);
  const defaults: ArgSource = [settings.entryArgs?.("KustoClusters", CLUSTER_DEFAULTS) ?? {}, `KustoClusters.${CLUSTER_DEFAULTS}.Args`];
  const own = { settings: withArgs(settings, [settings.args, `DataProviders.${env}.Args`], defaults), argsFrom: `DataProviders.${env}.Args` };
  const chosen = (e: KustoClusterEntry): KustoClusterChoice => {
    // DataProviders.Kusto's own Args are read already (and their unset variables warned of).
    const args = e.section === "DataProviders" && e.key === env ? settings.args : (settings.entryArgs?.(e.section, e.key) ?? {});
    const where = `${e.section}.${e.key}.Args`;
    return { url: text(args.Cluster), settings: withArgs(settings, [args, where], defaults), urlFrom: `${where}.Cluster`, argsFrom: where };
  };
  const known = () => (entries.length ? ` (clusters: ${entries.map((e) => e.id).join(", ")})` : "");
  const option = optionOf(options, "cluster");
  if (option) {
    const [key, value] = option;
    const name = text(value);
    const found = name === undefined ? undefined : findKustoCluster(entries, name);
    if (found) return chosen(found);
    if (name !== undefined && /^[a-z][a-z0-9+.-]*:\/\//i.test(name)) return { url: name, ...own, urlFrom: `connect({ ${key} })` };
    const shown = name === undefined ? "no text" : `"${name}"`;
    throw new QueryError(msg.liveConfig(env, `connect({ ${key} })`, `${shown} is neither a cluster of msticpyconfig.yaml by id, short name or URL${known()} nor a cluster URL (https://…)`));
  }
  const ownUrl = text(settings.arg("Cluster", {}));
  if (ownUrl) return { url: ownUrl, ...own, urlFrom: `DataProviders.${env}.Args.Cluster` };
  if (entries.length === 1) return chosen(entries[0]);
  throw new QueryError(
    msg.liveConfig(env, `DataProviders.${env}.Args.Cluster`, `no cluster URL (e.g. https://mycluster.westeurope.kusto.windows.net)${entries.length ? `; name one with connect({ cluster })${known()}` : ""}`),
  );
}
