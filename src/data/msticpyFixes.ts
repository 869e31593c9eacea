/**
 * Corrections of known defects in MSTICPy's own query files, made when such a
 * file is loaded (users point `queryPaths` at MSTICPy's folders; huntlab ships
 * none of these queries). Each names its queries and the exact text it
 * corrects: text that differs (a later MSTICPy release, a user's own edit) is
 * left as written. README ("Query files") lists them, since results differ
 * from MSTICPy's on purpose.
 */

/** One correction: in the queries named `names`, the text `find` becomes `replace`. */
export interface QueryTextFix {
  names: readonly string[];
  find: string;
  replace: string;
  /** Why, for the reader of this file. */
  why: string;
}

export const MSTICPY_QUERY_FIXES: readonly QueryTextFix[] = [
  {
    names: ["list_storage_ops_for_hash", "list_storage_ops_for_ip"],
    find: 'iff(OperationName has "range", "StorageFileLogs", "StorageBlobLogs")',
    replace: 'iff(OperationName =~ "PutRange", "StorageFileLogs", "StorageBlobLogs")',
    why:
      "KQL's `has` matches whole terms and PutRange is one term, so `has \"range\"` was never true and every upload, " +
      "Azure Files' PutRange included, was said to come from StorageBlobLogs; PutRange is the file-share upload " +
      "(blobs log PutBlob, PutBlock, PutPage).",
  },
];

/** `query` (the source `name`'s text) with the corrections that apply to it. */
export function fixMsticpyQuery(name: string, query: string): string {
  let out = query;
  for (const fix of MSTICPY_QUERY_FIXES) {
    if (fix.names.includes(name) && out.includes(fix.find)) out = out.split(fix.find).join(fix.replace);
  }
  return out;
}
