/** Types of scripts/packageLink.mjs, for the TypeScript tests that import it. */

export declare function ensurePackageLink(root: string): { shared?: { nodeModules: string; huntlab: string } };
export declare function sharedNodeModulesText(root: string, shared: { nodeModules: string; huntlab: string }): string;
