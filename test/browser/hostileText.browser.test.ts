/**
 * Labels that are hard to show, in Chromium: every live view (process tree, entity graph, map, TI, pivot and
 * cluster browsers) built from 10 KB values, Hebrew and Arabic text, a right-to-left override, bidi isolates,
 * zero-width and combining characters and line breaks (fixtures/hostileTextViews.ts), hosted as JupyterLab Dark
 * hosts outputs. With every tip shown in turn, nothing may scroll the page sideways and each tip stays inside its
 * view; right-to-left text may not carry our words (a PID, a time, an indicator's type) into its own run; labels
 * show hidden characters as escapes and long ones cut; texts reach 4.5:1 under JupyterLab Dark and on a dark
 * page that asks for `prefers-color-scheme: dark` (darkTheme.browser.test.ts checks the lab's own data).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import { chromiumMissing, mountViews, openOffline, type OfflinePage } from "./chromium";
import { describeLow, KEEP_NAMES, measureContrast } from "./contrast";
import { ARABIC, COUNT_COLUMN, HEBREW, HOSTILE_TEXTS, hostileTextViews, type HostileView } from "./fixtures/hostileTextViews";
import { JUPYTERLAB_DARK, PLAIN_DARK, themedPage } from "./fixtures/jupyterlabThemes";
import { jupyterlabOutputPage } from "./fixtures/jupyterlabRendermime";
import { releaseChromium, sharedChromium } from "./sharedChromium";

const skip = chromiumMissing();
const VIEWPORT = { width: 1200, height: 900 };

/** Where a view's output is on the page (outputDivs numbers them in order). */
const outputOf = (views: readonly HostileView[], name: HostileView["name"]): string => `.output[data-output="${views.findIndex((v) => v.name === name)}"]`;

/** In the page: true when the page scrolls sideways (wider content than the window). */
const scrollsSideways = (page: Page): Promise<boolean> => page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);

/** Left and right edges (px) of element `sel` in output `scope`. */
interface Box {
  left: number;
  right: number;
  top: number;
  bottom: number;
  width: number;
}

/**
 * In the page: each process of the tree hovered in turn (Cytoscape's mouseover on its box, as the mouse gives
 * it); for each, the tip's box and the tree box's, and whether the page then scrolled sideways.
 */
async function processTreeTips(page: Page, scope: string): Promise<{ name: string; tip: Box; box: Box; sideways: boolean; text: string }[]> {
  await page.evaluate(KEEP_NAMES);
  return page.evaluate((scope) => {
    const root = document.querySelector(`${scope} .hl-view-process-tree`) as HTMLElement & {
      huntlabProcessTree: { nodes: { n: string }[]; cy: { getElementById(id: string): { length: number; emit(e: string): void } } };
    };
    const api = root.huntlabProcessTree;
    const tip = root.querySelector<HTMLElement>(".hl-pt-tip")!;
    const box = root.querySelector<HTMLElement>(".hl-pt-cy")!;
    const rect = (el: Element) => {
      const r = el.getBoundingClientRect();
      return { left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width };
    };
    const out: { name: string; tip: ReturnType<typeof rect>; box: ReturnType<typeof rect>; sideways: boolean; text: string }[] = [];
    api.nodes.forEach((n, i) => {
      const node = api.cy.getElementById(String(i));
      if (!node.length) return;
      node.emit("mouseover");
      out.push({ name: n.n, tip: rect(tip), box: rect(box), sideways: document.documentElement.scrollWidth > document.documentElement.clientWidth, text: tip.textContent ?? "" });
      node.emit("mouseout");
    });
    return out;
  }, scope);
}

/** In the page: the horizontal order of two parts of a text node's text (by their first occurrences): left edges. */
async function partsOrder(page: Page, selector: string, first: string, second: string): Promise<{ first: number; second: number; text: string } | string> {
  await page.evaluate(KEEP_NAMES);
  return page.evaluate(
    ([selector, first, second]) => {
      const el = document.querySelector(selector);
      if (!el) return `no ${selector}`;
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      const find = (part: string): DOMRect | undefined => {
        walker.currentNode = el;
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          const at = (n.textContent ?? "").indexOf(part);
          if (at < 0) continue;
          const range = document.createRange();
          range.setStart(n, at);
          range.setEnd(n, at + part.length);
          // The run's rectangles: a part split by reordering has several; the leftmost edge counts.
          const rects = Array.from(range.getClientRects());
          return rects.reduce((a, b) => (b.left < a.left ? b : a));
        }
        return undefined;
      };
      const a = find(first);
      const b = find(second);
      if (!a || !b) return `not found in ${JSON.stringify(el.textContent)}: ${a ? "" : first} ${b ? "" : second}`;
      return { first: a.left, second: b.left, text: el.textContent ?? "" };
    },
    [selector, first, second] as const,
  );
}

/** In the page: elements of the views reaching past their output's right edge, unless a box of the view clips them. */
function outsideOutputs(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll(".output"), (o) => {
      const out = o.getBoundingClientRect();
      const view = o.querySelector(".hl-view")!;
      // Any element of the view reaching past the output's right edge (hidden ones have no box).
      // Clipped by a box of the view that scrolls or hides its overflow and is itself inside: contained.
      const clipped = (el: Element): boolean => {
        for (let n = el.parentElement; n && n !== o; n = n.parentElement) {
          if (getComputedStyle(n).overflowX !== "visible" && n.getBoundingClientRect().right <= out.right + 1) return true;
        }
        return false;
      };
      const wide = [view, ...Array.from(view.querySelectorAll("*"))].filter((el) => {
        const r = el.getBoundingClientRect();
        return r.width > 0 && r.right > out.right + 1 && !clipped(el);
      });
      return wide.slice(0, 3).map((el) => `${view.className.split(" ")[1]}: ${el.tagName.toLowerCase()}.${String(el.className).split(" ")[0]} right ${Math.round(el.getBoundingClientRect().right)} > ${Math.round(out.right)}`);
    }).flat(),
  );
}

describe("views with hard labels: long, right-to-left, bidi controls, invisible, combining, multi-line", { skip, timeout: 300_000 }, () => {
  let browser: Browser;
  let views: HostileView[] = [];
  let dark: OfflinePage;
  /** Milliseconds from opening the page to every view mounted. */
  let mountMs = 0;

  before(async () => {
    browser = await sharedChromium();
    views = hostileTextViews();
    const started = Date.now();
    dark = await openOffline(browser, jupyterlabOutputPage(views.map((v) => String(v.bundle["text/html"])), JUPYTERLAB_DARK), { name: "hostile-text-dark", viewport: VIEWPORT });
    await mountViews(dark.page);
    await dark.page.waitForFunction(() => Array.from(document.querySelectorAll(".hl-view[data-hl-live]")).every((v) => ["1", "failed"].includes(v.getAttribute("data-hl-live") ?? "")), undefined, { timeout: 60_000 });
    mountMs = Date.now() - started;
    // The page functions below are compiled with keepNames: the document gets the helper once.
    await dark.page.evaluate(KEEP_NAMES);
  });

  after(async () => {
    await dark?.close();
    await releaseChromium(browser);
  });

  it("every view mounts, inside its output, and the page does not scroll sideways", async () => {
    const { page } = dark;
    const states = await page.evaluate(() => Array.from(document.querySelectorAll(".hl-view"), (v) => `${v.className.split(" ")[1]}: ${v.getAttribute("data-hl-live")}`));
    assert.deepEqual(
      states,
      views.map((v) => `hl-view-${v.name}: 1`),
    );
    const outside = await outsideOutputs(page);
    assert.deepEqual(outside, []);
    assert.equal(await scrollsSideways(page), false, "the page scrolls sideways");
    // Responsive: 10 KB labels cost no more than the lab's views (a generous bound for a shared, busy machine).
    assert.ok(mountMs < 30_000, `mounted in ${mountMs} ms`);
    assert.deepEqual(dark.errors, [], "page errors");
  });

  it("process tree: each box label is one line of escapes, cut; the box stays small; the tips show the values whole but revealed", async () => {
    const { page } = dark;
    const scope = outputOf(views, "process-tree");
    await page.evaluate(KEEP_NAMES);
    const boxes = await page.evaluate((scope) => {
      const root = document.querySelector(`${scope} .hl-view-process-tree`) as HTMLElement & {
        huntlabProcessTree: { nodes: { n: string }[]; cy: { getElementById(id: string): { length: number; data(k: string): string; width(): number } } };
      };
      const api = root.huntlabProcessTree;
      return api.nodes.map((n, i) => {
        const el = api.cy.getElementById(String(i));
        return { name: n.n, label: el.length ? el.data("label") : "", width: el.length ? el.width() : 0 };
      });
    }, scope);
    // By the start of the name (the Node side cuts names at 1,000 characters).
    const byName = (raw: string) => boxes.find((b) => b.name.startsWith(raw.slice(0, 50)));
    // The parent, a child per label, and the parent's parent (inferred: named in the events, not one of them).
    assert.ok(boxes.length >= Object.keys(HOSTILE_TEXTS).length + 1, `boxes: ${boxes.length}`);
    // A label is name and PID: two lines, whatever line breaks the name holds.
    for (const b of boxes) assert.equal(b.label.split("\n").length, 2, `label of ${JSON.stringify(b.name.slice(0, 30))}: ${JSON.stringify(b.label.slice(0, 80))}`);
    assert.match(byName(HOSTILE_TEXTS.newlines)!.label.split("\n")[0], /^line1\\nline2\\r\\nline3\\u2028x$/);
    assert.match(byName(HOSTILE_TEXTS.override)!.label, /^invoice\\u202egpj\.exe\n/);
    assert.match(byName(HOSTILE_TEXTS.isolates)!.label, /^a\\u2066b\\u2067c\\u2068d\\u2069e\.exe\n/);
    assert.match(byName(HOSTILE_TEXTS.zeroWidth)!.label, /^cmd\\u200b\.exe\\u200d\\ufeff\n/);
    const long = byName(HOSTILE_TEXTS.long)!;
    assert.match(long.label, /^x{59}…\n/, "a long name is cut on its box");
    // Boxes are sized by their labels: none may be wider than a few hundred pixels (a whole 1,000-character name: 6,000).
    const wide = boxes.filter((b) => b.width > 600).map((b) => `${JSON.stringify(b.name.slice(0, 20))}: ${Math.round(b.width)} px`);
    assert.deepEqual(wide, []);

    const tips = await processTreeTips(page, scope);
    assert.equal(tips.length, boxes.filter((b) => b.label).length);
    const tipOf = (raw: string) => tips.find((t) => t.name.startsWith(raw.slice(0, 50)))?.text ?? "";
    assert.ok(tipOf(HOSTILE_TEXTS.override).startsWith("invoice\\u202egpj.exe  [10"), tipOf(HOSTILE_TEXTS.override).slice(0, 60));
    assert.ok(tipOf(HOSTILE_TEXTS.zeroWidth).startsWith("cmd\\u200b.exe\\u200d\\ufeff  [10"));
    // The tip keeps the values (the Node side cuts them at 1,000 characters).
    assert.ok(tipOf(HOSTILE_TEXTS.long).includes("x".repeat(999)));
  });

  it("tips stay inside their views: process tree, entity graph timeline, map", async () => {
    const { page } = dark;
    const problems: string[] = [];
    const within = (what: string, inner: Box, outer: Box) => {
      if (inner.width === 0) problems.push(`${what}: not shown`);
      else if (inner.left < outer.left - 1 || inner.right > outer.right + 1) problems.push(`${what}: ${Math.round(inner.left)}–${Math.round(inner.right)} outside ${Math.round(outer.left)}–${Math.round(outer.right)}`);
    };
    for (const t of await processTreeTips(page, outputOf(views, "process-tree"))) {
      within(`process tree tip "${t.text.slice(0, 20)}"`, t.tip, t.box);
      if (t.tip.bottom > t.box.bottom + 1 || t.tip.top < t.box.top - 1) problems.push(`process tree tip "${t.text.slice(0, 20)}" below or above the tree box`);
      if (t.sideways) problems.push(`process tree tip "${t.text.slice(0, 20)}": the page scrolls sideways`);
    }
    const scope = outputOf(views, "entity-graph");
    await page.evaluate(KEEP_NAMES);
    const strip = await page.evaluate((scope) => {
      const root = document.querySelector(`${scope} .hl-eg-tl`)!;
      const tip = root.querySelector<HTMLElement>(".hl-eg-tl-tip")!;
      const rect = (el: Element) => {
        const r = el.getBoundingClientRect();
        return { left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width };
      };
      return Array.from(root.querySelectorAll<HTMLElement>(".hl-eg-tl-dot"), (dot) => {
        dot.focus();
        const seen = { tip: rect(tip), strip: rect(root), text: tip.textContent ?? "", sideways: document.documentElement.scrollWidth > document.documentElement.clientWidth };
        dot.blur();
        return seen;
      });
    }, scope);
    assert.ok(strip.length >= 5, `timeline dots: ${strip.length}`);
    for (const s of strip) {
      within(`entity graph tip "${s.text.slice(0, 20)}"`, s.tip, s.strip);
      if (s.sideways) problems.push(`entity graph tip "${s.text.slice(0, 20)}": the page scrolls sideways`);
    }
    const map = await page.evaluate((scope) => {
      const live = document.querySelector(`${scope} .hl-view-geo-map .hl-view-live`) as HTMLElement & { huntlabMap: { eachLayer(f: (l: unknown) => void): void } };
      const pins: { openTooltip(): void; closeTooltip(): void; getTooltip(): { getElement(): HTMLElement | undefined } | undefined }[] = [];
      live.huntlabMap.eachLayer((l) => {
        if (typeof l === "object" && l !== null && "hlSpot" in l) pins.push(l as unknown as (typeof pins)[number]);
      });
      const rect = (el: Element) => {
        const r = el.getBoundingClientRect();
        return { left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width };
      };
      return pins.map((pin) => {
        pin.openTooltip();
        // The pin's own tooltip (a closed one fades out, still in the page).
        const tip = pin.getTooltip()?.getElement();
        const seen = { tip: tip ? rect(tip) : { left: 0, right: 0, top: 0, bottom: 0, width: 0 }, text: tip?.textContent ?? "", sideways: document.documentElement.scrollWidth > document.documentElement.clientWidth };
        pin.closeTooltip();
        return seen;
      });
    }, outputOf(views, "geo-map"));
    assert.ok(map.length >= 5, `map pins: ${map.length}`);
    for (const m of map) {
      // Wrapped at 320 px (and its padding): a one-line tooltip of a 1,000-character value ran far past the map.
      if (m.tip.width > 360) problems.push(`map tooltip "${m.text.slice(0, 20)}": ${Math.round(m.tip.width)} px wide`);
      if (m.sideways) problems.push(`map tooltip "${m.text.slice(0, 20)}": the page scrolls sideways`);
    }
    assert.deepEqual(problems, []);
  });

  it("right-to-left values do not carry our words into their run: a process's PID, an alert's time, an indicator's type", async () => {
    const { page } = dark;
    const problems: string[] = [];
    // Process tree: the tip of the Hebrew and of the Arabic process, name then PID, left to right (the Hebrew name ends
    // in `.exe`, left-to-right letters that kept the PID in place before; the Arabic one's run took in the decimal PID).
    const scope = outputOf(views, "process-tree");
    for (const name of [HEBREW, ARABIC]) {
      await page.evaluate(
        ([scope, name]) => {
          const root = document.querySelector(`${scope} .hl-view-process-tree`) as HTMLElement & { huntlabProcessTree: { nodes: { n: string }[]; cy: { getElementById(id: string): { emit(e: string): void } } } };
          const api = root.huntlabProcessTree;
          api.cy.getElementById(String(api.nodes.findIndex((n) => n.n === name))).emit("mouseover");
        },
        [scope, name] as const,
      );
      const order = await partsOrder(page, `${scope} .hl-pt-tip`, name, "[10");
      if (typeof order === "string") problems.push(`process tree tip: ${order}`);
      else if (!(order.second > order.first)) problems.push(`process tree tip ${JSON.stringify(order.text.split("\n")[0])}: the PID shows left of the name`);
    }
    // Entity graph: the Arabic alert's timeline tip (its name ends in Arabic-Indic digits: a right-to-left run up to the time), name then time.
    const eg = outputOf(views, "entity-graph");
    const focused = await page.evaluate(
      ([eg, name]) => {
        const dot = Array.from(document.querySelectorAll<HTMLElement>(`${eg} .hl-eg-tl-dot`)).find((d) => (d.getAttribute("aria-label") ?? "").includes(name));
        dot?.focus();
        return !!dot;
      },
      [eg, ARABIC] as const,
    );
    assert.ok(focused, "the Arabic alert's dot");
    const time = await partsOrder(page, `${eg} .hl-eg-tl-tip`, ARABIC, "2024-01-01T");
    if (typeof time === "string") problems.push(`entity graph tip: ${time}`);
    else if (!(time.second > time.first)) problems.push(`entity graph tip ${JSON.stringify(time.text)}: the time shows left of the name`);
    // Its node list (the text form under the graph): `type: name time`, the time in an element of its own.
    await page.evaluate((eg) => document.querySelectorAll<HTMLDetailsElement>(`${eg} details.hl-eg-static-list`).forEach((d) => (d.open = true)), eg);
    const itemIndex = await page.evaluate(
      ([eg, name]) => Array.from(document.querySelectorAll(`${eg} .hl-view-live ~ details.hl-eg-static-list li, ${eg} details.hl-eg-static-list li`)).findIndex((li) => li.textContent!.startsWith(`alert: ${name}`) || (li.textContent!.includes(name) && !!li.querySelector(".hl-eg-time"))),
      [eg, ARABIC] as const,
    );
    assert.ok(itemIndex >= 0, "the Arabic alert in the node list");
    const listed = await page.evaluate(
      ([eg, i, name]) => {
        const li = Array.from(document.querySelectorAll(`${eg} .hl-view-live ~ details.hl-eg-static-list li, ${eg} details.hl-eg-static-list li`))[i];
        // The name's text node (in a <bdi> when the static markup isolates it, else the item's own).
        const walker = document.createTreeWalker(li, NodeFilter.SHOW_TEXT);
        let text: Node | null = walker.nextNode();
        while (text && !(text.textContent ?? "").includes(name)) text = walker.nextNode();
        if (!text) throw new Error(`no ${name} in ${li.textContent}`);
        const range = document.createRange();
        range.selectNodeContents(text);
        const rects = Array.from(range.getClientRects());
        return { name: Math.min(...rects.map((r) => r.left)), time: li.querySelector(".hl-eg-time")!.getBoundingClientRect().left, text: li.textContent };
      },
      [eg, itemIndex, ARABIC] as const,
    );
    if (!(listed.time > listed.name)) problems.push(`entity graph node list ${JSON.stringify(listed.text)}: the time shows left of the name`);
    // Map: a pin's tooltip line `عدد: 100`, the column's name then its value.
    await page.evaluate((map) => {
      const live = document.querySelector(`${map} .hl-view-geo-map .hl-view-live`) as HTMLElement & { huntlabMap: { eachLayer(f: (l: unknown) => void): void } };
      let first: { openTooltip(): void; getTooltip(): { getElement(): HTMLElement | undefined } | undefined } | undefined;
      live.huntlabMap.eachLayer((l) => {
        if (!first && typeof l === "object" && l !== null && "hlSpot" in l) first = l as unknown as typeof first;
      });
      first?.openTooltip();
      first?.getTooltip()?.getElement()?.setAttribute("data-hl-probe", "");
    }, outputOf(views, "geo-map"));
    const line = await partsOrder(page, `${outputOf(views, "geo-map")} .leaflet-tooltip[data-hl-probe]`, COUNT_COLUMN, "10");
    if (typeof line === "string") problems.push(`map tooltip: ${line}`);
    else if (!(line.second > line.first)) problems.push(`map tooltip ${JSON.stringify(line.text)}: the value shows left of its column's name`);
    // TI browser: the option of the Hebrew indicator has it isolated from its `[type]` and severity.
    const options = await page.evaluate((ti) => Array.from(document.querySelectorAll(`${ti} .hl-tib-list option`), (o) => o.textContent ?? ""), outputOf(views, "ti-browser"));
    const hebrew = options.find((o) => o.replace(/^\u2068/, "").startsWith(HEBREW));
    assert.ok(hebrew, "the Hebrew indicator is listed");
    if (!hebrew.startsWith(`\u2068${HEBREW}\u2069  [`)) problems.push(`TI option ${JSON.stringify(hebrew)}: the indicator is not isolated`);
    // Cluster browser: the Arabic account's cluster, its name isolated from the time range after it.
    const clusters = await page.evaluate((cb) => Array.from(document.querySelectorAll(`${cb} .hl-cb-list option`), (o) => o.textContent ?? ""), outputOf(views, "cluster-browser"));
    const arabic = clusters.find((o) => o.replace(/^\u2068/, "").startsWith(ARABIC));
    assert.ok(arabic, "the Arabic account's cluster is listed");
    if (!arabic.startsWith(`\u2068${ARABIC}\u2069: 2024-01-01 `)) problems.push(`cluster option ${JSON.stringify(arabic)}: the account is not isolated`);
    assert.deepEqual(problems, []);
  });

  it("every text reaches 4.5:1 with the tips open: JupyterLab Dark, and a dark page asking for prefers-color-scheme: dark", async () => {
    const plainDark = themedPage(PLAIN_DARK, views.map((v) => String(v.bundle["text/html"]))).replace(":root{", ":root{color-scheme:dark;");
    const plain = await openOffline(browser, plainDark, { name: "hostile-text-plain-dark", viewport: VIEWPORT });
    try {
      await plain.page.emulateMedia({ colorScheme: "dark" });
      await mountViews(plain.page);
      await plain.page.evaluate(KEEP_NAMES);
      const problems: string[] = [];
      for (const o of [dark, plain]) {
        const { page } = o;
        await page.mouse.move(0, 0);
        await page.waitForFunction(() => Array.from(document.querySelectorAll(".hl-view[data-hl-live]")).every((v) => v.getAttribute("data-hl-live") === "1"), undefined, { timeout: 60_000 });
        // A tip of each kind open: the Hebrew process's, the first alert's, a pin's.
        await page.evaluate(KEEP_NAMES);
        await page.evaluate(
          ([pt, eg, map, name]) => {
            const root = document.querySelector(`${pt} .hl-view-process-tree`) as HTMLElement & { huntlabProcessTree: { nodes: { n: string }[]; cy: { getElementById(id: string): { emit(e: string): void } } } };
            const api = root.huntlabProcessTree;
            api.cy.getElementById(String(api.nodes.findIndex((n) => n.n === name))).emit("mouseover");
            document.querySelector<HTMLElement>(`${eg} .hl-eg-tl-dot`)?.focus();
            const live = document.querySelector(`${map} .hl-view-geo-map .hl-view-live`) as HTMLElement & { huntlabMap: { eachLayer(f: (l: unknown) => void): void } };
            let opened = false;
            live.huntlabMap.eachLayer((l) => {
              if (!opened && typeof l === "object" && l !== null && "hlSpot" in l) {
                (l as unknown as { openTooltip(): void }).openTooltip();
                opened = true;
              }
            });
          },
          [outputOf(views, "process-tree"), outputOf(views, "entity-graph"), outputOf(views, "geo-map"), HEBREW] as const,
        );
        await page.evaluate(`Promise.all(document.getAnimations().filter(function (a) { return a.effect && a.effect.getComputedTiming().endTime !== Infinity; }).map(function (a) { return a.finished.catch(function () {}); }))`);
        for (const v of views) {
          const report = await measureContrast(page, outputOf(views, v.name));
          if (report.checked === 0) problems.push(`${o === dark ? "JupyterLab Dark" : "plain dark"} ${v.name}: no text checked`);
          if (report.low.length) problems.push(`${o === dark ? "JupyterLab Dark" : "plain dark"} ${v.name}: ${describeLow(report)}`);
        }
      }
      assert.deepEqual(problems, [], problems.join("\n"));
      assert.deepEqual(plain.errors, [], "page errors");
    } finally {
      // The page goes back to the shared pool: without the emulation.
      await plain.page.emulateMedia({ colorScheme: null });
      await plain.close();
    }
  });

  it("zoomed to 200% (a 640 px window) with the tips shown, nothing reaches past its output or scrolls the page sideways", async () => {
    const narrow = await openOffline(browser, jupyterlabOutputPage(views.map((v) => String(v.bundle["text/html"])), JUPYTERLAB_DARK), { name: "hostile-text-narrow", viewport: { width: 640, height: 900 } });
    try {
      await mountViews(narrow.page);
      await narrow.page.evaluate(KEEP_NAMES);
      const problems = await outsideOutputs(narrow.page);
      for (const t of await processTreeTips(narrow.page, outputOf(views, "process-tree"))) {
        if (t.sideways || t.tip.right > t.box.right + 1) problems.push(`process tree tip "${t.name.slice(0, 20)}" past the tree box or the window`);
      }
      assert.deepEqual(problems, []);
      assert.equal(await scrollsSideways(narrow.page), false, "the page scrolls sideways");
      assert.deepEqual(narrow.errors, [], "page errors");
    } finally {
      await narrow.close();
    }
  });
});
