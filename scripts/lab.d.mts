/** Types of scripts/lab.mjs, for the TypeScript tests that import it. */

export declare const LAB_REQUIREMENT: string;
export declare const PIP_NETWORK_ARGS: readonly string[];

export declare function venvDir(root: string): string;
export declare function venvExecutable(venv: string, name: string): string;
export declare function onPath(name: string, envPath?: string): string | undefined;
export declare function majorOf(version: string | undefined): number;
export declare function appVersion(jupyter: string, app: string, env?: NodeJS.ProcessEnv): string | undefined;

export interface LabCandidate {
  jupyter: string;
  source: string;
}
export declare function labCandidates(options: { root: string; env?: NodeJS.ProcessEnv }): LabCandidate[];
export declare function findJupyterLab(options: { root: string; env?: NodeJS.ProcessEnv; log?: (msg: string) => void }): (LabCandidate & { version: string }) | undefined;
export declare function venvScriptElsewhere(venv: string, script: string): { interpreter: string; gone: boolean } | undefined;
export declare function venvPythonUnrunnable(venv: string): { interpreter: string; code: "EACCES" | "ENOENT" } | undefined;
export declare function findVenvPython(env?: NodeJS.ProcessEnv): { python: string } | { error: string };
export declare function manualInstallHint(root: string): string;

export interface ProvisionOptions {
  root: string;
  env?: NodeJS.ProcessEnv;
  log?: (msg: string) => void;
  /** Default true. */
  install?: boolean;
  /** Default false. */
  quiet?: boolean;
}
export declare function provisionVenvLab(options: ProvisionOptions): { jupyter: string; version: string; installed: boolean } | { error: string };
export declare function findClassicNotebook(env?: NodeJS.ProcessEnv): { jupyter: string; version: string; lost: string | undefined } | undefined;
export declare function givenToken(args: string[], env?: NodeJS.ProcessEnv): string | undefined;
export declare function pickServerUrl(urls: string[], token?: string): string | undefined;
export declare function sshTunnelHint(url: string, env?: NodeJS.ProcessEnv, user?: string): string | undefined;

export interface RunServerOptions {
  jupyter: string;
  app: "lab" | "notebook";
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  announce?: (url: string) => void;
  log?: (msg: string) => void;
  /** Default 30 000. */
  killAfterMs?: number;
}
export declare function runJupyterServer(options: RunServerOptions): Promise<number>;
