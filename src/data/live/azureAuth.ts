/**
 * Azure AD (Entra ID) access tokens for Log Analytics and Azure Data Explorer,
 * over plain HTTP (no SDK): client credentials, the Azure CLI's token, or
 * device-code sign-in. Tokens are kept in memory until shortly before they
 * expire, then fetched again (refresh token when the flow gave one).
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { QueryError, dataMessages as msg } from "../messages";
import { onAbort } from "../../common/interrupt";
import { joinUrl } from "./urls";
import type { LiveSettings } from "./types";

/** How to sign in. */
export type AzureAuthMethod = "client_secret" | "cli" | "device_code";

/** The public client ID of the Azure CLI, used for device-code sign-in when no ClientId is configured (as MSTICPy does). */
export const AZURE_CLI_CLIENT_ID = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";

/** What {@link AzureTokenSource} needs. */
export interface AzureAuthConfig {
  environment: string;
  /** e.g. https://login.microsoftonline.com (no trailing slash needed). */
  authorityUrl: string;
  tenantId: string;
  clientId?: string;
  clientSecret?: string;
  /** The resource the token is for: `{resource}/.default` is the scope (Log Analytics endpoint, or the Kusto cluster URL). */
  resource: string;
  method: AzureAuthMethod;
  /** Device code: longest wait for the user, ms. Default: the code's own `expires_in` (15 min), at most 15 min. */
  deviceCodeTimeoutMs?: number;
  /** Where the device-code instructions are printed. Default console.log. */
  print?: (text: string) => void;
  /** The `az` executable (default: found on PATH). */
  azPath?: string;
}

/** What the drivers ask for tokens: one sign-in method ({@link AzureTokenSource}) or a chain of them ({@link AzureTokenChain}). */
export interface AzureTokens {
  /** A valid access token (cached until near expiry). */
  getToken(signal: AbortSignal): Promise<string>;
  /** Forgets the cached token (after a 401), so the next call fetches a new one. */
  invalidate(): void;
  /** Never shows the token. */
  toJSON(): string;
}

/** Why each sign-in failed, as its error says it after "sign-in by <method> failed: " (masked), for a chain's error. */
const SIGN_IN_REASONS = new WeakMap<object, string>();

/** Tokens are renewed this long before they expire. */
const EXPIRY_MARGIN_MS = 5 * 60_000;

/** The path of `name` on $PATH, or undefined. */
export function findOnPath(name: string): string | undefined {
  const exts = process.platform === "win32" ? (process.env.PATHEXT ?? ".EXE;.CMD;.BAT").split(";") : [""];
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      const candidate = path.join(dir, name + ext);
      try {
        fs.accessSync(candidate, fs.constants.X_OK);
        if (fs.statSync(candidate).isFile()) return candidate;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

interface TokenAnswer {
  access_token?: string;
  expires_in?: number | string;
  refresh_token?: string;
  error?: string;
  error_description?: string;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => (stop(), resolve()), ms);
    const stop = onAbort(signal, () => (clearTimeout(timer), reject(signal.reason)));
  });
}

/** One resource's tokens for one sign-in method. */
export class AzureTokenSource implements AzureTokens {
  private token: string | undefined;
  private expiresAt = 0;
  private refreshToken: string | undefined;

  constructor(
    private readonly config: AzureAuthConfig,
    private readonly settings: Pick<LiveSettings, "http" | "addSecrets" | "mask">,
    private readonly now: () => number = Date.now,
  ) {
    settings.addSecrets(config.clientSecret);
  }

  /** Never shows the token. */
  toJSON(): string {
    return `AzureTokenSource(${this.config.method})`;
  }

  /** A valid access token (cached until near expiry). */
  async getToken(signal: AbortSignal): Promise<string> {
    if (this.token && this.now() < this.expiresAt - EXPIRY_MARGIN_MS) return this.token;
    const answer = this.refreshToken ? await this.refresh(signal) : await this.fetchToken(signal);
    this.keep(answer);
    return this.token as string;
  }

  /** Forgets the cached token (after a 401), so the next call fetches a new one. */
  invalidate(): void {
    this.token = undefined;
    this.expiresAt = 0;
  }

  private keep(answer: { token: string; expiresInMs: number; refreshToken?: string }): void {
    this.settings.addSecrets(answer.token, answer.refreshToken);
    this.token = answer.token;
    this.expiresAt = this.now() + answer.expiresInMs;
    if (answer.refreshToken) this.refreshToken = answer.refreshToken;
  }

  private fail(method: string, reason: string): QueryError {
    const masked = this.settings.mask(reason);
    const err = new QueryError(msg.liveAuth(this.config.environment, method, masked));
    SIGN_IN_REASONS.set(err, masked);
    return err;
  }

  private tokenUrl(): string {
    return joinUrl(this.config.authorityUrl, `/${encodeURIComponent(this.config.tenantId)}/oauth2/v2.0/token`);
  }

  private scope(): string {
    return `${this.config.resource.replace(/(?<!\/)\/+$/, "")}/.default`;
  }

  private async fetchToken(signal: AbortSignal): Promise<{ token: string; expiresInMs: number; refreshToken?: string }> {
    switch (this.config.method) {
      case "client_secret":
        return this.clientCredentials(signal);
      case "cli":
        return this.azureCli(signal);
      case "device_code":
        return this.deviceCode(signal);
    }
  }

  /** POSTs a token request; an OAuth error answer becomes a sign-in error naming the method. */
  private async postToken(method: string, form: Record<string, string>, signal: AbortSignal, accept: readonly number[] = [400, 401]): Promise<{ status: number; body: TokenAnswer }> {
    const res = await this.settings.http.request({ method: "POST", url: this.tokenUrl(), body: new URLSearchParams(form), signal, acceptStatus: accept });
    const body = (res.data ?? {}) as TokenAnswer;
    if (typeof body !== "object") throw this.fail(method, "the token endpoint's answer is not JSON");
    return { status: res.status, body };
  }

  private answerOf(method: string, body: TokenAnswer): { token: string; expiresInMs: number; refreshToken?: string } {
    if (typeof body.access_token !== "string" || !body.access_token) {
      throw this.fail(method, body.error ? `${body.error}: ${String(body.error_description ?? "").split("\n")[0]}` : "no access_token in the answer");
    }
    const seconds = Number(body.expires_in ?? 3600);
    return { token: body.access_token, expiresInMs: (Number.isFinite(seconds) ? seconds : 3600) * 1000, ...(body.refresh_token ? { refreshToken: body.refresh_token } : {}) };
  }

  private async clientCredentials(signal: AbortSignal) {
    const { clientId, clientSecret } = this.config;
    if (!clientId || !clientSecret) throw this.fail("client credentials", "ClientId and ClientSecret are both needed");
    const { body } = await this.postToken("client credentials", { grant_type: "client_credentials", client_id: clientId, client_secret: clientSecret, scope: this.scope() }, signal);
    return this.answerOf("client credentials", body);
  }

  private async refresh(signal: AbortSignal) {
    const { body } = await this.postToken("refresh token", {
      grant_type: "refresh_token",
      client_id: this.config.clientId ?? AZURE_CLI_CLIENT_ID,
      refresh_token: this.refreshToken as string,
      scope: this.scope(),
    }, signal);
    if (!body.access_token) {
      // A refused refresh token: sign in again from the start.
      this.refreshToken = undefined;
      return this.fetchToken(signal);
    }
    return this.answerOf("refresh token", body);
  }

  private azureCli(signal: AbortSignal): Promise<{ token: string; expiresInMs: number }> {
    const az = this.config.azPath ?? findOnPath("az");
    if (!az) return Promise.reject(this.fail("Azure CLI", "`az` is not on PATH; install the Azure CLI and run `az login`, or use client credentials / device code"));
    const args = ["account", "get-access-token", "--resource", this.config.resource, "-o", "json"];
    if (this.config.tenantId) args.push("--tenant", this.config.tenantId);
    return new Promise((resolve, reject) => {
      execFile(az, args, { signal, timeout: 60_000, maxBuffer: 1024 * 1024, windowsHide: true }, (err, stdout, stderr) => {
        if (signal.aborted) return reject(signal.reason);
        if (err) return reject(this.fail("Azure CLI", `${String(stderr || err.message).trim().split("\n")[0]} (run \`az login\`)`));
        let parsed: { accessToken?: unknown; expires_on?: number | string; expiresOn?: string } | undefined;
        try {
          parsed = JSON.parse(stdout);
        } catch {
          parsed = undefined;
        }
        if (!parsed || typeof parsed.accessToken !== "string" || !parsed.accessToken) return reject(this.fail("Azure CLI", "`az account get-access-token` did not print a token as JSON"));
        const expiresAt = parsed.expires_on !== undefined ? Number(parsed.expires_on) * 1000 : Date.parse(String(parsed.expiresOn));
        const expiresInMs = Number.isFinite(expiresAt) ? Math.max(0, expiresAt - this.now()) : 3600_000;
        resolve({ token: parsed.accessToken, expiresInMs });
      });
    });
  }

  private async deviceCode(signal: AbortSignal) {
    const clientId = this.config.clientId ?? AZURE_CLI_CLIENT_ID;
    const method = "device code";
    const url = joinUrl(this.config.authorityUrl, `/${encodeURIComponent(this.config.tenantId)}/oauth2/v2.0/devicecode`);
    const res = await this.settings.http.request({ method: "POST", url, body: new URLSearchParams({ client_id: clientId, scope: `${this.scope()} offline_access` }), signal, acceptStatus: [400, 401] });
    const code = (res.data ?? {}) as { device_code?: string; user_code?: string; verification_uri?: string; expires_in?: number; interval?: number; message?: string; error?: string; error_description?: string };
    if (!code.device_code || !code.user_code || !code.verification_uri) {
      throw this.fail(method, code.error ? `${code.error}: ${String(code.error_description ?? "").split("\n")[0]}` : "the devicecode endpoint gave no code");
    }
    this.settings.addSecrets(code.device_code);
    (this.config.print ?? console.log)(`To sign in to ${this.config.environment}, open ${code.verification_uri} and enter the code ${code.user_code}`);
    const limit = Math.min(this.config.deviceCodeTimeoutMs ?? Infinity, (code.expires_in ?? 900) * 1000, 15 * 60_000);
    const deadline = this.now() + limit;
    let interval = Math.max(0, Number(code.interval ?? 5)) * 1000;
    for (;;) {
      if (this.now() >= deadline) throw this.fail(method, `nobody entered the code within ${Math.round(limit / 1000)} s`);
      await sleep(Math.min(interval, Math.max(0, deadline - this.now())), signal);
      const { body } = await this.postToken(method, { grant_type: "urn:ietf:params:oauth:grant-type:device_code", client_id: clientId, device_code: code.device_code }, signal);
      if (body.access_token) return this.answerOf(method, body);
      if (body.error === "authorization_pending") continue;
      if (body.error === "slow_down") {
        interval += 5000;
        continue;
      }
      throw this.fail(method, `${body.error ?? "error"}: ${String(body.error_description ?? "").split("\n")[0]}`);
    }
  }
}

/** One sign-in of a chain: its name as `Azure.auth_methods` writes it (`env`, `cli`, `devicecode`) and its tokens. */
export interface AzureChainLink {
  name: string;
  source: AzureTokenSource;
}

/**
 * MSTICPy's chain of credential types (`Azure.auth_methods`): each sign-in is tried in order until one gives a
 * token, and that one is kept for the renewals. A sign-in that is refused or fails (a wrong `env` secret, `az`
 * not logged in, an unanswered device code) falls through to the next, with a warning naming it and why, once
 * one signs in; when none does, one error names each with its reason. (azure-identity's ChainedTokenCredential,
 * which MSTICPy builds, stops at a credential that tried and was refused; huntlab goes on, and says so.)
 */
export class AzureTokenChain implements AzureTokens {
  private chosen: AzureTokenSource | undefined;

  /** `unavailable`: the chain's entries that could not even try (`msi: not a sign-in huntlab has`), for the error. */
  constructor(
    private readonly environment: string,
    private readonly links: readonly AzureChainLink[],
    private readonly unavailable: readonly string[],
    private readonly settings: Pick<LiveSettings, "mask" | "warn">,
  ) {}

  toJSON(): string {
    return `AzureTokenChain(${this.links.map((l) => l.name).join(", ")})`;
  }

  invalidate(): void {
    this.chosen?.invalidate();
  }

  async getToken(signal: AbortSignal): Promise<string> {
    if (this.chosen) return this.chosen.getToken(signal);
    const failed: string[] = [];
    for (const link of this.links) {
      try {
        const token = await link.source.getToken(signal);
        this.chosen = link.source;
        if (failed.length) this.settings.warn(`${this.environment}: Azure.auth_methods: signed in by ${link.name}; before it, ${failed.join("; ")}`);
        return token;
      } catch (err) {
        // Interrupt Kernel, or the connect() timeout: not a sign-in that failed.
        if (signal.aborted) throw err;
        const reason = SIGN_IN_REASONS.get(err as object) ?? this.settings.mask(err instanceof Error ? err.message : String(err));
        failed.push(`${link.name}: ${reason}`);
      }
    }
    throw new QueryError(msg.liveAuth(this.environment, "Azure.auth_methods", `no credential type listed signed in (${[...this.unavailable, ...failed].join("; ")})`));
  }
}
