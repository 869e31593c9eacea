/** The endpoint rule of the live drivers: https everywhere, plain http only on the loopback interface (the test twins). */
import { QueryError, dataMessages as msg } from "../messages";
import { withoutUserInfo } from "../../config/config";
import { urlHostHasVariable } from "../../config/pathSetting";
import { isLoopbackHost } from "../../common/proxy";

// One loopback rule for the http-only-on-loopback check and the proxy bypass.
export { isLoopbackHost };

/**
 * Parses `url` and checks its scheme: https, or http on a loopback host.
 * `setting` names where the URL came from; `shown` is what the error may
 * print of it (the caller masks secrets; user info is always dropped).
 */
export function checkLiveUrl(url: string, setting: string, mask: (text: string) => string = (t) => t): URL {
  // `https://$SPLUNK_HOST:8089` parsed, and the request went to a host named `$splunk_host`.
  if (urlHostHasVariable(url)) throw new QueryError(msg.liveUrlVariable(setting, mask(withoutUserInfo(url).slice(0, 200))));
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // A URL that does not parse shows no user info either.
    throw new QueryError(msg.liveUrl(setting, mask(withoutUserInfo(url).slice(0, 200)), true));
  }
  const shown = `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  if (parsed.protocol === "https:") return parsed;
  if (parsed.protocol === "http:" && isLoopbackHost(parsed.hostname)) return parsed;
  throw new QueryError(msg.liveUrl(setting, mask(shown)));
}


/** `base` (no trailing slash) joined with `path` (leading slash). */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/(?<!\/)\/+$/, "")}${path}`;
}
