/** Interrupting long operations: the shared implementation lives in common/ (the data layer uses it too). */
export * from "../common/interrupt";
