/**
 * Secret masking. Provider keys must never reach an output, an error message,
 * a Reference URL, a log line or a saved notebook: every string huntlab shows
 * that could carry one goes through a {@link SecretMasker}.
 */

/** What a masked secret is replaced with. */
export const MASK = "****";

/**
 * Args keys treated as secrets whatever their source (values read from an
 * `EnvironmentVar` are always secrets). Matches MSTICPy's AuthKey/ApiID and the
 * usual spellings of keys, tokens and passwords.
 */
const SECRET_ARG = /key|secret|token|passw|pwd|apiid|auth|credential/i;

/** True when an Args entry named `name` holds a secret. */
export function isSecretArgName(name: string): boolean {
  return SECRET_ARG.test(name);
}

/**
 * Secrets shorter than this are not masked: replacing every "ab" in an output
 * would mangle it without protecting anything (no real API key is that short).
 */
export const MIN_SECRET_LENGTH = 3;

/**
 * Replaces every occurrence of the given secrets in text, also in the encoded
 * forms a secret takes on its way into a URL or an HTTP header
 * (percent-encoding, base64 of `id:key` for Basic auth).
 */
export class SecretMasker {
  private readonly needles: string[];

  constructor(secrets: Iterable<string | number | boolean | null | undefined>) {
    const plain = [...new Set([...secrets].filter((s): s is string => typeof s === "string" && s.length >= MIN_SECRET_LENGTH))];
    const forms = new Set<string>();
    for (const s of plain) {
      forms.add(s);
      forms.add(encodeURIComponent(s));
      forms.add(Buffer.from(s, "utf8").toString("base64").replace(/=+$/, ""));
    }
    // Basic auth sends base64("id:key"): mask every pair.
    for (const a of plain) for (const b of plain) if (a !== b) forms.add(Buffer.from(`${a}:${b}`, "utf8").toString("base64").replace(/=+$/, ""));
    // Longest first, so a secret containing another is masked whole.
    this.needles = [...forms].filter((f) => f.length >= MIN_SECRET_LENGTH).sort((x, y) => y.length - x.length);
  }

  /** True when there is nothing to mask. */
  get empty(): boolean {
    return this.needles.length === 0;
  }

  /** `text` with every secret replaced by {@link MASK}. */
  mask(text: string): string {
    let out = text;
    for (const needle of this.needles) if (out.includes(needle)) out = out.split(needle).join(MASK);
    return out;
  }

  /** A copy of a JSON-like value with every string masked (keys included). */
  maskValue<T>(value: T): T {
    if (this.needles.length === 0) return value;
    return this.walk(value, 0) as T;
  }

  private walk(value: unknown, depth: number): unknown {
    if (typeof value === "string") return this.mask(value);
    if (value === null || typeof value !== "object" || depth > 64) return value;
    if (Array.isArray(value)) return value.map((v) => this.walk(v, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[this.mask(k)] = this.walk(v, depth + 1);
    return out;
  }

  /** The masked text of an error (its name unless plain `Error`, and its message). */
  errorText(err: unknown): string {
    const text = err instanceof Error ? `${err.name === "Error" ? "" : `${err.name}: `}${err.message}` : String(err);
    return this.mask(text);
  }
}

/** A masker with nothing to hide. */
export const NO_SECRETS = new SecretMasker([]);
