/**
 * The part of a big map that is handed to React Flow: the services and
 * dependencies around the viewport. React Flow renders only what is visible
 * (onlyRenderVisibleElements) but still takes in every element on each live
 * update — on 2 000 services and 10 000 edges rebuilding its lookups and
 * testing each edge's visibility was most of a 75–140 ms task per second.
 * The window is the viewport grown by a screen on each side, so panning
 * within it needs no new elements.
 */
import type { Positions } from './graphLayout';

/** A rectangle in flow coordinates. */
export interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Maps above this many services are windowed; smaller ones are handed over whole. */
export const WINDOW_MIN_SERVICES = 300;

/** What the pane shows at a viewport (React Flow's translate-then-scale transform). */
export function viewRect(viewport: { x: number; y: number; zoom: number }, width: number, height: number): Rect {
  const x0 = -viewport.x / viewport.zoom;
  const y0 = -viewport.y / viewport.zoom;
  return { x0, y0, x1: x0 + width / viewport.zoom, y1: y0 + height / viewport.zoom };
}

/** `rect` grown by `screens` times its own size on every side. */
export function grow(rect: Rect, screens: number): Rect {
  const dx = (rect.x1 - rect.x0) * screens;
  const dy = (rect.y1 - rect.y0) * screens;
  return { x0: rect.x0 - dx, y0: rect.y0 - dy, x1: rect.x1 + dx, y1: rect.y1 + dy };
}

function area(r: Rect): number {
  return Math.max(0, r.x1 - r.x0) * Math.max(0, r.y1 - r.y0);
}

/**
 * Whether a window still serves a view: it contains the view and is not much
 * larger than the view's own window (after zooming in, a smaller one is cheaper).
 */
export function windowServes(window: Rect | null, view: Rect): boolean {
  if (window === null) return false;
  const inside = view.x0 >= window.x0 && view.y0 >= window.y0 && view.x1 <= window.x1 && view.y1 <= window.y1;
  return inside && area(window) <= 4 * area(grow(view, 1));
}

function overlaps(a: Rect, x0: number, y0: number, x1: number, y1: number): boolean {
  return x0 <= a.x1 && x1 >= a.x0 && y0 <= a.y1 && y1 >= a.y0;
}

/**
 * The services whose box meets the window, the edges whose endpoints' bounding
 * box meets it (React Flow's own visibility rule, so a long edge crossing the
 * window is kept), and both endpoints of every kept edge (an edge is drawn
 * only between nodes React Flow knows). Order is kept.
 */
export function windowGraph<S extends { name: string }, E extends { source: string; target: string }>(
  services: readonly S[],
  edges: readonly E[],
  positions: Positions,
  size: { width: number; height: number },
  window: Rect,
): { services: S[]; edges: E[] } {
  const keep = new Set<string>();
  for (const s of services) {
    const p = positions.get(s.name);
    if (p && overlaps(window, p.x, p.y, p.x + size.width, p.y + size.height)) keep.add(s.name);
  }
  const keptEdges: E[] = [];
  for (const e of edges) {
    const a = positions.get(e.source);
    const b = positions.get(e.target);
    if (!a || !b) continue;
    const x0 = Math.min(a.x, b.x);
    const y0 = Math.min(a.y, b.y);
    const x1 = Math.max(a.x, b.x) + size.width;
    const y1 = Math.max(a.y, b.y) + size.height;
    if (!overlaps(window, x0, y0, x1, y1)) continue;
    keptEdges.push(e);
    keep.add(e.source);
    keep.add(e.target);
  }
  return { services: services.filter((s) => keep.has(s.name)), edges: keptEdges };
}
