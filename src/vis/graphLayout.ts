/**
 * The force-directed graph layout, as the Node side imports it. The code is
 * one TypeScript module, `client/forceLayout.ts` (pure: no DOM, no Node APIs),
 * which the entity graph's browser bundle imports too, so the static image and
 * the live view run the very same layout.
 */
export { forceLayout, forceLayoutFlat, type ForceLayoutOptions, type LayoutEdge, type LayoutPoint } from "./client/forceLayout";
