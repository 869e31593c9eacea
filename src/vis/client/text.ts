/**
 * Data text for the DOM, in the browser. `textContent` stops markup but not
 * spoofing: a bidi override makes `invoice\u202Egpj.exe` read as
 * `invoiceexe.jpg`. Views pass data text through {@link revealHidden} before it
 * reaches a label, tooltip or panel, as the Node side's `html` template does
 * for static markup; both use src/common/hiddenChars.ts.
 */
import { cutText } from "../../common/cutText";
import { isolateRtl, revealHidden as reveal } from "../../common/hiddenChars";

/** Shows invisible characters as escapes (RLO → `\u202e`, ESC → `\u001b`); tab and line breaks are kept. */
export function revealHidden(text: string): string {
  return reveal(text, { keepLayout: true });
}

/**
 * A data value for a line it shares with other words (a tip's `name  [PID]`, a list option's `ioc  [type]`):
 * revealed, and each of its lines that holds right-to-left letters wrapped in first-strong isolate … pop isolate.
 * A Hebrew or Arabic name otherwise carried the neutral and numeric text after it into its own run: the PID showed
 * before the name, an alert's time before its title. The isolates are added after revealing, so they are ours.
 */
export function shownValue(text: string): string {
  const shown = revealHidden(text);
  return shown.includes("\n") ? shown.split("\n").map(isolateRtl).join("\n") : isolateRtl(shown);
}

/**
 * A data value on a single line (a box label): every hidden character revealed, line breaks too (`\n`), cut at `max`
 * characters (between graphemes, never inside an escape), then isolated.
 */
export function shownLine(text: string, max = Infinity): string {
  return isolateRtl(cutText(reveal(text), max));
}
