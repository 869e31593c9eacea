/**
 * Text compared ignoring case. Lower case alone is not enough for Greek: Σ
 * lowers to ς at a word's end and to σ elsewhere, so `ΟΔΟΣ-PC` and
 * `οδοσ-pc`, or `ΚΩΣΤΑΣ` inside `ΚΩΣΤΑΣΑΚΗΣ`, did not meet. Both sigmas fold to σ.
 */
import type { Expr } from "nodejs-polars";

/** `text` folded for comparison ignoring case. */
export function foldCase(text: string): string {
  const lower = text.toLowerCase();
  return lower.includes("ς") ? lower.replaceAll("ς", "σ") : lower;
}

/**
 * A text column folded as {@link foldCase} folds what it is compared with;
 * `needles` are the folded values: without a σ among them the sigma pass is skipped (it cannot change a match).
 */
export function foldCaseExpr(expr: Expr, needles: readonly string[]): Expr {
  const lower = expr.str.toLowerCase();
  return needles.some((n) => n.includes("σ")) ? lower.str.replaceAll("ς", "σ", true) : lower;
}

/**
 * Text as an identity (entity keys): {@link foldCase} of its NFC form, so that
 * `café` typed (one é) and `café` from a macOS path or another export (e and a
 * combining accent) are one name.
 */
export function foldIdentity(text: string): string {
  return foldCase(text.normalize("NFC"));
}
