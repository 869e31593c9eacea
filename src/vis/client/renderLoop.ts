/**
 * Cytoscape (3.35, the latest; upstream issues #2656, #2657, closed without a
 * fix) draws from a loop that asks for an animation frame in every frame for as
 * long as the graph exists, drawn or not: each idle graph on a page kept
 * Chromium making frames and running script 60 times a second. It has no
 * option to stop, and its one off switch (`destroyed`) also makes it ignore
 * changes.
 *
 * {@link sleepWhenIdle} lets that loop sleep: Cytoscape's own frame function
 * still does all the work, but this drives it and stops asking for frames
 * after {@link IDLE_FRAMES} frames with nothing drawn, no redraw asked and no
 * animation queued. Everything that needs a frame wakes it: a redraw request
 * (every change, pointer gesture, viewport move and texture-cache step goes
 * through `redraw`) and an animation played (a delayed one draws nothing at
 * first). With a Cytoscape that lacks these internals it does nothing.
 */

/** The renderer members this uses (not in Cytoscape's typings). */
interface Renderer {
  cy: Core;
  destroyed?: boolean;
  renderLoopStarted?: boolean;
  requestedFrame?: boolean;
  redrawCount?: number;
  startRenderLoop(): void;
  redraw(options?: unknown): void;
  [LOOP]?: Loop;
}

interface Core {
  batching(): boolean;
  renderer(): Renderer | undefined;
  animation?: (properties: object) => object;
  _private?: { aniEles?: { length: number }; animation?: { current?: unknown[]; queue?: unknown[] } };
}

interface Loop {
  frame: (time: number) => void;
  scheduled: boolean;
  idle: number;
}

/** Frames with nothing to do before the loop sleeps (~0.5 s): Cytoscape's texture caches do their work in such frames, each step asking for a redraw. */
export const IDLE_FRAMES = 30;

const LOOP = Symbol("huntlabLoop");
const PATCHED = Symbol.for("huntlab.sleepWhenIdle");

/** Makes every Cytoscape canvas renderer of this library copy sleep while idle (once per library copy). */
export function sleepWhenIdle(cytoscape: unknown): void {
  const get = cytoscape as (type: string, name: string) => { prototype?: Record<string | symbol, unknown> } | undefined;
  const proto = typeof get === "function" ? get("renderer", "canvas")?.prototype : undefined;
  const start = proto?.startRenderLoop;
  const redraw = proto?.redraw;
  if (!proto || proto[PATCHED] || typeof start !== "function" || typeof redraw !== "function") return;
  proto[PATCHED] = true;

  const schedule = (r: Renderer, loop: Loop): void => {
    loop.idle = 0;
    if (loop.scheduled || r.destroyed) return;
    loop.scheduled = true;
    requestAnimationFrame(loop.frame);
  };

  proto.startRenderLoop = function (this: Renderer): void {
    const had = this[LOOP];
    if (had) return schedule(this, had);
    if (this.renderLoopStarted) return; // started before this ran: left as it is
    // Cytoscape's loop asks for its first frame before returning: keep its frame function instead.
    let frame: FrameRequestCallback | undefined;
    const real = window.requestAnimationFrame;
    window.requestAnimationFrame = (fn) => ((frame = fn), 0);
    try {
      (start as () => void).call(this);
    } finally {
      window.requestAnimationFrame = real;
    }
    if (!frame) return;
    const r = this;
    const own = frame;
    const loop: Loop = {
      scheduled: false,
      idle: 0,
      frame: (time) => {
        loop.scheduled = false;
        const drawn = r.redrawCount;
        let again = false;
        // The frame function asks for the next frame itself (synchronously): note that, pass anything else on.
        const outer = window.requestAnimationFrame;
        window.requestAnimationFrame = (fn) => (fn === own ? ((again = true), 0) : outer.call(window, fn));
        try {
          own(time);
        } finally {
          window.requestAnimationFrame = outer;
        }
        if (!again) return; // destroyed
        const busy = r.requestedFrame || r.redrawCount !== drawn || r.cy.batching() || animating(r.cy);
        const idle = busy ? 0 : loop.idle + 1;
        if (idle < IDLE_FRAMES) {
          schedule(r, loop);
          loop.idle = idle;
        }
      },
    };
    r[LOOP] = loop;
    wakeOnAnimation(r.cy, (cy) => {
      const renderer = cy.renderer();
      const own = renderer?.[LOOP];
      if (renderer && own) schedule(renderer, own);
    });
    schedule(r, loop);
  };

  // Element and viewport animations step in the loop's frames; one that starts with a delay draws nothing at first.
  const animating = (cy: Core): boolean => {
    const p = cy._private;
    return (p?.aniEles?.length ?? 0) > 0 || (p?.animation?.current?.length ?? 0) > 0 || (p?.animation?.queue?.length ?? 0) > 0;
  };

  proto.redraw = function (this: Renderer, options?: unknown): void {
    (redraw as (o?: unknown) => void).call(this, options);
    const loop = this[LOOP];
    if (loop) schedule(this, loop);
  };
}

/**
 * Every animation (of elements or of the viewport; `animate`, `delay`, layouts
 * with `animate: true`) starts with `play()` on Cytoscape's one Animation
 * prototype: wake the loop of its graph there (once per library copy).
 */
function wakeOnAnimation(cy: Core, wake: (cy: Core) => void): void {
  const sample = typeof cy.animation === "function" ? cy.animation({ duration: 0 }) : undefined;
  const proto = sample ? (Object.getPrototypeOf(sample) as Record<string | symbol, unknown>) : undefined;
  const play = proto?.play;
  if (!proto || proto[PATCHED] || typeof play !== "function") return;
  proto[PATCHED] = true;
  proto.play = function (this: { _private?: { target?: { cy?: () => Core } | Core } }, ...args: unknown[]) {
    const out = (play as (...a: unknown[]) => unknown).apply(this, args);
    const target = this._private?.target as ({ cy?: () => Core } & Partial<Core>) | undefined;
    const owner = typeof target?.cy === "function" ? target.cy() : (target as Core | undefined);
    if (owner && typeof owner.renderer === "function") wake(owner);
    return out;
  };
}
