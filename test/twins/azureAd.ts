/**
 * A loopback twin of the Azure AD (Entra ID) v2.0 token endpoints:
 * `POST /{tenant}/oauth2/v2.0/token` (client_credentials, device_code and
 * refresh_token grants, form-encoded) and `POST /{tenant}/oauth2/v2.0/devicecode`.
 * Errors as AAD sends them: `{error, error_description: "AADSTS…", error_codes, …}`
 * (400, or 401 for invalid_client). Issued tokens are opaque and remember
 * their audience (the scope's resource) and expiry, so the service twins can check them.
 */
import http from "node:http";
import { LoopbackTwin } from "./loopback";
import { randomBytes } from "node:crypto";

export interface AzureAdTwinOptions {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** Token lifetime, seconds. Default 3600. */
  expiresIn?: number;
  /** Device code: polls answered authorization_pending before the sign-in completes. Default 2. */
  pendingPolls?: number;
  /** Device code polling interval sent to the client, seconds. Default 0 (tests). */
  interval?: number;
  /** Device code: never complete (the user never signs in). */
  neverApprove?: boolean;
}

export interface IssuedToken {
  audience: string;
  expiresAt: number;
  grant: string;
}

export class AzureAdTwin extends LoopbackTwin {
  readonly tokens = new Map<string, IssuedToken>();
  /** Every request: path and form fields (secrets included, for assertions). */
  readonly requests: { path: string; form: Record<string, string> }[] = [];
  /** Answers (tokens and errors) sent this late, ms: a slow token endpoint. 0: at once. */
  tokenDelayMs = 0;
  /** Called when a delayed answer starts its wait (the request has arrived). */
  onTokenDelay?: () => void;
  private readonly devices = new Map<string, { polls: number; audience: string }>();
  private readonly refreshTokens = new Map<string, string>();

  constructor(readonly options: AzureAdTwinOptions) {
    super();
  }

  protected onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.handle(req, res);
  }

  /** The audience of a valid bearer token, or undefined. */
  check(authorization: string | undefined, audience: string): "ok" | "missing" | "invalid" | "expired" | "audience" {
    const m = /^Bearer (\S+)$/.exec(authorization ?? "");
    if (!m) return "missing";
    const t = this.tokens.get(m[1]);
    if (!t) return "invalid";
    if (Date.now() >= t.expiresAt) return "expired";
    return t.audience.replace(/\/+$/, "") === audience.replace(/\/+$/, "") ? "ok" : "audience";
  }

  /** Expires every issued token (to test refresh after a 401). */
  expireAll(): void {
    for (const t of this.tokens.values()) t.expiresAt = 0;
  }

  private issue(audience: string, grant: string): Record<string, unknown> {
    const token = `eyJ0eXAi.${randomBytes(24).toString("base64url")}`;
    const expiresIn = this.options.expiresIn ?? 3600;
    this.tokens.set(token, { audience, expiresAt: Date.now() + expiresIn * 1000, grant });
    const out: Record<string, unknown> = { token_type: "Bearer", expires_in: expiresIn, ext_expires_in: expiresIn, access_token: token };
    if (grant !== "client_credentials") {
      const refresh = `rt.${randomBytes(24).toString("base64url")}`;
      this.refreshTokens.set(refresh, audience);
      out.refresh_token = refresh;
    }
    return out;
  }

  /** The request handler (also mounted by the Log Analytics twin when it serves tokens on its own port). */
  handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const send = (status: number, body: unknown) => {
        const answer = () => {
          if (res.destroyed) return;
          res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" });
          res.end(JSON.stringify(body));
        };
        if (!this.tokenDelayMs) return answer();
        this.onTokenDelay?.();
        setTimeout(answer, this.tokenDelayMs);
      };
      const aadError = (status: number, error: string, code: number, description: string) =>
        send(status, { error, error_description: `AADSTS${code}: ${description}\r\nTrace ID: 0000\r\nTimestamp: ${new Date().toISOString()}`, error_codes: [code], timestamp: new Date().toISOString(), trace_id: "0000", correlation_id: "0000" });
      const url = new URL(req.url ?? "/", "http://x");
      const m = /^\/([^/]+)\/oauth2\/v2\.0\/(token|devicecode)$/.exec(url.pathname);
      if (req.method !== "POST" || !m) return send(404, { error: "not_found" });
      if (!/^application\/x-www-form-urlencoded/.test(req.headers["content-type"] ?? "")) return aadError(400, "invalid_request", 900144, "The request body must contain the following parameter: 'grant_type'.");
      const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString("utf8")));
      this.requests.push({ path: url.pathname, form });
      if (decodeURIComponent(m[1]) !== this.options.tenantId) return aadError(400, "invalid_tenant", 90002, `Tenant '${m[1]}' not found.`);
      const audienceOf = (scope: string | undefined) => {
        const s = (scope ?? "").split(" ").find((x) => x.endsWith("/.default"));
        return s ? s.slice(0, -"/.default".length) : undefined;
      };
      if (m[2] === "devicecode") {
        const audience = audienceOf(form.scope);
        if (!form.client_id) return aadError(400, "invalid_request", 900144, "The request body must contain the following parameter: 'client_id'.");
        if (!audience) return aadError(400, "invalid_scope", 70011, "The provided value for the input parameter 'scope' is not valid.");
        const deviceCode = `dc.${randomBytes(16).toString("base64url")}`;
        this.devices.set(deviceCode, { polls: 0, audience });
        return send(200, {
          user_code: "HLTWIN42",
          device_code: deviceCode,
          verification_uri: "https://microsoft.com/devicelogin",
          expires_in: 900,
          interval: this.options.interval ?? 0,
          message: "To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code HLTWIN42 to authenticate.",
        });
      }
      switch (form.grant_type) {
        case "client_credentials": {
          if (form.client_id !== this.options.clientId) return aadError(400, "unauthorized_client", 700016, `Application with identifier '${form.client_id}' was not found in the directory.`);
          if (form.client_secret !== this.options.clientSecret) return aadError(401, "invalid_client", 7000215, "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.");
          const audience = audienceOf(form.scope);
          if (!audience) return aadError(400, "invalid_scope", 1002012, "The provided value for scope is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier.");
          return send(200, this.issue(audience, "client_credentials"));
        }
        case "urn:ietf:params:oauth:grant-type:device_code": {
          const device = this.devices.get(form.device_code ?? "");
          if (!device) return aadError(400, "expired_token", 70020, "The provided authorization code or refresh token has expired.");
          device.polls += 1;
          if (this.options.neverApprove || device.polls <= (this.options.pendingPolls ?? 2)) return aadError(400, "authorization_pending", 70016, "OAuth 2.0 device flow error. Authorization is pending.");
          this.devices.delete(form.device_code);
          return send(200, this.issue(device.audience, "device_code"));
        }
        case "refresh_token": {
          const audience = this.refreshTokens.get(form.refresh_token ?? "");
          if (!audience) return aadError(400, "invalid_grant", 70008, "The provided authorization code or refresh token has expired due to inactivity.");
          return send(200, this.issue(audienceOf(form.scope) ?? audience, "refresh_token"));
        }
        default:
          return aadError(400, "unsupported_grant_type", 70003, `The app requested an unsupported grant type '${form.grant_type}'.`);
      }
    });
  }
}
