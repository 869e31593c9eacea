/** Types of scripts/kernels.mjs, for the TypeScript tests that import it. */

/** V8 flags the tslab kernel's Node runs with (see kernels.mjs for why). */
export declare const KERNEL_V8_FLAGS: readonly string[];
/** The flags `nodeBin` accepts: all of `flags` (default {@link KERNEL_V8_FLAGS}), or none. */
export declare function kernelNodeFlags(nodeBin: string, flags?: readonly string[]): string[];
export declare function kernelHomes(root: string, options?: { env?: NodeJS.ProcessEnv; tmpdir?: string }): string[];
export declare function privateTempTop(tmpdir?: string): string;
export interface WriteKernelSpecsResult {
  /** The folder that holds the specs. */
  dir: string;
  /** Whether anything was written (false: the specs there were already these). */
  wrote: boolean;
  /** The folders passed over, with why. */
  passed: { dir: string; why: string }[];
}
export declare function writeKernelSpecs(options: {
  dirs: string[];
  specsFor: (dir: string) => Record<string, object>;
  privateTop?: string;
}): WriteKernelSpecsResult;
export declare function jupyterRuntimeDir(env?: NodeJS.ProcessEnv, home?: string): string;
export declare function runtimeDirEnv(options?: { env?: NodeJS.ProcessEnv; home?: string; privateTop?: string }): { env: Record<string, string>; why?: string };
