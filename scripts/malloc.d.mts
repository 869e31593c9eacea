/** Types of scripts/malloc.mjs, for the TypeScript tests and benches that import it. */

export declare const THP_TUNABLES: string;
export declare const MAX_CPUS: number;
export interface MallocFacts {
  platform: string;
  glibc: string | undefined;
  thp: string | undefined;
  cpus: number;
  env: Record<string, string | undefined>;
}
export interface MallocChoice {
  env: Record<string, string>;
  reason: string;
}
export declare function machineFacts(env?: NodeJS.ProcessEnv): MallocFacts;
export declare function mallocChoice(facts: MallocFacts): MallocChoice;
