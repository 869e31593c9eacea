/** Types of scripts/tempdir.mjs, for the TypeScript tests that import it. */

export declare function tempDirEnv(env?: NodeJS.ProcessEnv): { env: Record<string, string>; why?: string; none?: boolean };
