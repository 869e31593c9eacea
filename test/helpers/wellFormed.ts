/**
 * Lone surrogates anywhere in a value (strings and keys, at any depth), as a notebook would read it back:
 * JSON.stringify writes one as `\ud800`, which Python's json reads as the lone surrogate again, and the
 * notebook then cannot be saved as UTF-8.
 */
const LONE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Where `value` holds a lone surrogate: a path and some context for each, [] when none. */
export function loneSurrogates(value: unknown, path = "$"): string[] {
  if (typeof value === "string") {
    const m = LONE.exec(value);
    return m ? [`${path}: ${JSON.stringify(value.slice(Math.max(0, m.index - 40), m.index + 10))}`] : [];
  }
  if (value === null || typeof value !== "object") return [];
  if (Array.isArray(value)) return value.flatMap((v, i) => loneSurrogates(v, `${path}[${i}]`));
  return Object.entries(value).flatMap(([k, v]) => [...loneSurrogates(k, `${path} key`), ...loneSurrogates(v, `${path}.${k.slice(0, 30)}`)]);
}
