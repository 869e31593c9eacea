/** The response-shape check the TI providers share (the provider base turns its error into a row's Details). */

/**
 * `body` as a JSON object holding at least one of a service's documented
 * `fields`; else throws (the row says "unexpected response", and is not
 * cached). A `{}` from an API gateway or a proxy, or another endpoint's answer,
 * says nothing about the indicator: read as the service's answer it was a clean
 * row (GreyNoise: not noise; OTX and X-Force: Result true).
 */
export function documentedObject(body: unknown, fields: readonly string[]): Record<string, unknown> {
  if (!body || typeof body !== "object" || Array.isArray(body)) throw new Error("expected a JSON object");
  if (!fields.some((f) => Object.hasOwn(body, f))) throw new Error(`none of its fields ${fields.map((f) => `\`${f}\``).join(", ")}`);
  return body as Record<string, unknown>;
}
