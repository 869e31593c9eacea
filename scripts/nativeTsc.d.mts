/** Types of scripts/nativeTsc.mjs, for the TypeScript tests that import it. */

export declare function nativeTsc(root: string, host?: { platform?: string; arch?: string }): { tsc: string } | { error: string };
