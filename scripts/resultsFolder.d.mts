/** Types of scripts/resultsFolder.mjs, for the TypeScript tests that import it. */

export declare function newResultsFolder(parent: string, stamp: string): string;
