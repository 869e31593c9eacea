/** Types of scripts/distCurrent.mjs, for the TypeScript tests that import it. */

export declare function distCurrent(root: string): boolean;
