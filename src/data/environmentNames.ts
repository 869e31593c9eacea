/**
 * MSTICPy's names of one data environment: its DataEnvironment enum gives
 * several names one value (msticpy/data/core/query_defns.py), and its query
 * store files a query under the environment whatever name the file uses. Its
 * bundled mssentinel queries say `data_environments: [LogAnalytics]`, which
 * huntlab's MSSentinel provider skipped.
 */

/** Groups of names of one environment, huntlab's provider name (where it has one) first. */
const ALIASES: readonly (readonly string[])[] = [
  ["MSSentinel", "AzureSentinel", "LogAnalytics", "MSSentinel_New"],
  ["Kusto", "AzureDataExplorer", "Kusto_New"],
  ["MSGraph", "SecurityGraph"],
  ["MDE", "MDATP"],
  ["OTRF", "Mordor"],
  ["OSQueryLogs", "OSQuery"],
  ["MSSentinel_Legacy", "MSSentinel_KQLM"],
  ["Kusto_Legacy", "Kusto_KQLM"],
  ["VelociraptorLogs", "Velociraptor"],
];

/**
 * Every environment name a query file may give in `metadata.data_environments`: huntlab's providers and MSTICPy's
 * DataEnvironment names (its drivers huntlab does not have included: their files are for other tools, not misspelt).
 */
export const KNOWN_ENVIRONMENTS: readonly string[] = [
  ...new Set([
    "LocalData",
    "MSSentinel",
    "Kusto",
    "Splunk",
    "Elasticsearch",
    ...ALIASES.flat(),
    ...["Elastic", "ResourceGraph", "Sumologic", "M365D", "M365DGraph", "Cybereason", "Prismacloud", "OpenObserve", "MSSentinelSearch"],
  ]),
];

/** Whether `name` (a file's `data_environments` entry, any case) is an environment huntlab or MSTICPy knows. */
export function isKnownEnvironment(name: string): boolean {
  return KNOWN_ENVIRONMENTS.some((known) => sameName(known, name));
}

/** The names a query file may give `environment` in `metadata.data_environments`: itself, then MSTICPy's other names of it. */
export function environmentNames(environment: string): readonly string[] {
  const group = ALIASES.find((names) => names.some((name) => sameName(name, environment)));
  return group ? [environment, ...group.filter((name) => !sameName(name, environment))] : [environment];
}

/** Whether `name`, as a query file or a caller writes it (any case), names `environment`: one rule for both. */
export function namesEnvironment(environment: string, name: string): boolean {
  return environmentNames(environment).some((known) => sameName(known, name));
}

function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
