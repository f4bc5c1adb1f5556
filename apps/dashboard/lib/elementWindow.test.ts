import { describe, expect, it } from 'vitest';
import { grow, viewRect, windowGraph, windowServes } from './elementWindow';

const size = { width: 100, height: 50 };
const positions = new Map([
  ['a', { x: 0, y: 0 }],
  ['b', { x: 300, y: 0 }],
  ['far-left', { x: -5000, y: 20 }],
  ['far-right', { x: 5000, y: 20 }],
  ['far-below', { x: 0, y: 9000 }],
  ['unplaced-target', { x: 9000, y: 9000 }],
]);
const services = [...positions.keys(), 'no-position'].map((name) => ({ name }));

describe('windowGraph', () => {
  const window = { x0: -50, y0: -50, x1: 500, y1: 200 };

  it('keeps the services in the window and drops the rest', () => {
    const { services: kept } = windowGraph(services, [], positions, size, window);
    expect(kept.map((s) => s.name)).toEqual(['a', 'b']);
  });

  it('keeps an edge crossing the window with both of its far endpoints', () => {
    const edges = [
      { source: 'far-left', target: 'far-right' },
      { source: 'far-below', target: 'unplaced-target' },
      { source: 'a', target: 'b' },
      { source: 'a', target: 'no-position' },
    ];
    const out = windowGraph(services, edges, positions, size, window);
    expect(out.edges).toEqual([edges[0], edges[2]]);
    expect(out.services.map((s) => s.name)).toEqual(['a', 'b', 'far-left', 'far-right']);
  });

  it('counts a node box that only touches the window edge', () => {
    const { services: kept } = windowGraph(services, [], positions, size, { x0: 400, y0: 0, x1: 600, y1: 10 });
    expect(kept.map((s) => s.name)).toEqual(['b']);
  });
});

describe('viewport windows', () => {
  it('turns a viewport into the flow rectangle the pane shows', () => {
    expect(viewRect({ x: -100, y: 50, zoom: 2 }, 800, 600)).toEqual({ x0: 50, y0: -25, x1: 450, y1: 275 });
  });

  it('serves views inside it, not views past it nor views much smaller than it', () => {
    const view = { x0: 0, y0: 0, x1: 100, y1: 100 };
    const window = grow(view, 1);
    expect(window).toEqual({ x0: -100, y0: -100, x1: 200, y1: 200 });
    expect(windowServes(null, view)).toBe(false);
    expect(windowServes(window, view)).toBe(true);
    expect(windowServes(window, { x0: 50, y0: 50, x1: 150, y1: 150 })).toBe(true);
    expect(windowServes(window, { x0: 150, y0: 0, x1: 250, y1: 100 })).toBe(false);
    // Zoomed in 4×: the old window is 16× the new view's own window.
    expect(windowServes(window, { x0: 0, y0: 0, x1: 25, y1: 25 })).toBe(false);
  });
});
