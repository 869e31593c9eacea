/**
 * Data text for the DOM, in the browser. `textContent` stops markup but not
 * spoofing: a bidi override makes `invoice\u202Egpj.exe` read as
 * `invoiceexe.jpg`. Views pass data text through {@link revealHidden} before it
 * reaches a label, tooltip or panel, as the Node side's `html` template does
 * for static markup; both use src/common/hiddenChars.ts.
 */
import { revealHidden as reveal } from "../../common/hiddenChars";

/** Shows invisible characters as escapes (RLO → `\u202e`, ESC → `\u001b`); tab and line breaks are kept. */
export function revealHidden(text: string): string {
  return reveal(text, { keepLayout: true });
}
