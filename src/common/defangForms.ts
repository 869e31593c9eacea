/**
 * The bracketed forms of defanged indicators (`evil[.]com`, `user(at)evil.com`, `hxxp[://]x`): one table for refang
 * (transform/defang.ts), which restores them, and for hideUrlUserInfo (urlUserInfo.ts), which must find a URL's
 * user info in the same forms refang will restore (common/ cannot import transform/).
 */

/** The punctuation defangers bracket. */
export type Fanged = "." | "@" | "://" | ":" | "//" | "/";

/**
 * Each form's inside (a regex source, any case) and the punctuation it stands for. Each in `[…]`, `(…)` or `{…}`
 * with matching brackets and an optional space inside (`[ . ]`), in the order refang restores them.
 */
export const BRACKETED_FORMS: readonly { inside: string; fanged: Fanged }[] = [
  { inside: String.raw`\.|dot`, fanged: "." },
  { inside: String.raw`at|@`, fanged: "@" },
  { inside: String.raw`:\/\/`, fanged: "://" },
  { inside: ":", fanged: ":" },
  { inside: String.raw`\/\/`, fanged: "//" },
  { inside: String.raw`\/`, fanged: "/" },
];

/** A regex source for `inside` in any of the three bracket pairs: every alternative of fixed maximum width (linear). */
export function bracketedSource(inside: string): string {
  return String.raw`\[ ?(?:${inside}) ?\]|\( ?(?:${inside}) ?\)|\{ ?(?:${inside}) ?\}`;
}

/** The regex source of the bracketed forms of `fanged` (`"@"`: `[at]`, `(@)`, `{ at }`…) from {@link BRACKETED_FORMS}. */
export function bracketedFormOf(fanged: Fanged): string {
  // Every Fanged value has its row (the type says which exist).
  return bracketedSource(BRACKETED_FORMS.filter((f) => f.fanged === fanged)[0].inside);
}
