/** Types of scripts/python.mjs, for the TypeScript scripts and tests that import it. */

export declare function pythonCandidates(env?: NodeJS.ProcessEnv): string[];
export declare function hasModules(python: string, modules: readonly string[], env?: NodeJS.ProcessEnv): boolean;
export declare function findPython(modules: readonly string[], options?: { env?: NodeJS.ProcessEnv; candidates?: readonly string[] }): string | undefined;
