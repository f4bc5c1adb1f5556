/**
 * In-page scripts of the `ui` suite, as JavaScript source (the bench project
 * has no DOM typings, and these run in Chromium, not in Node).
 *
 * READY_PROBE is installed in every page before any of the page's own scripts
 * (`addInitScript`). From the first animation frame on it checks, once per
 * frame (requestAnimationFrame), whether the page it is on counts as rendered,
 * and stores the time in `window.__uiBench.readyAt` — `performance.now()`,
 * i.e. milliseconds since navigation start. What "rendered" means per page:
 *
 * - map (`/`): the layout has finished (`map-stats` shows "layout N ms"), React
 *   Flow has nodes in the DOM, every one of them is measured (React Flow keeps
 *   unmeasured nodes `visibility: hidden`), the viewport has been framed (its
 *   transform is no longer the initial `translate(0px, 0px) scale(1)`), and the
 *   transform and the number of rendered nodes stay the same for 3 consecutive
 *   frames. `readyAt` is the first of those frames. With
 *   `onlyRenderVisibleElements` the rendered nodes are exactly those in the
 *   visible viewport; `nodesOnScreen` counts those whose box intersects the pane.
 * - saga timeline (`/sagas/<id>`): the Gantt chart has `expectBars` bars
 *   (`g[data-kind]`), and its own `data-render-ms` (render start → commit).
 * - baselines: `/__bench/static` (50 divs, served by the browser itself) has its
 *   50 `.cell` divs; Next's `/_not-found` has its heading.
 *
 * The probe also counts socket.io frames received (WebSocket subclass), split
 * into topology updates — full snapshots and deltas, each with arrival time
 * and size — and breaker transitions, and keeps every long task of the page from its start.
 */
export const READY_PROBE = `(() => {
  const probe = { readyAt: null, firstNodesAt: null, info: null, ws: 0, wsBytes: 0, topology: 0, deltas: 0, transitions: 0, snapshots: [], longTasks: [] };
  window.__uiBench = probe;
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (probe.longTasks.length < 5000) probe.longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch {}
  const NativeWS = window.WebSocket;
  if (NativeWS) {
    window.WebSocket = class extends NativeWS {
      constructor(...args) {
        super(...args);
        this.addEventListener('message', (e) => {
          if (typeof e.data !== 'string') return;
          probe.ws++;
          probe.wsBytes += e.data.length;
          const full = e.data.startsWith('42["topology",');
          if (full || e.data.startsWith('42["topology:delta",')) {
            if (full) probe.topology++;
            else probe.deltas++;
            if (probe.snapshots.length < 1000) probe.snapshots.push({ at: performance.now(), bytes: e.data.length });
          }
          else if (e.data.startsWith('42["breaker:transition"')) probe.transitions++;
        });
      }
    };
  }
  const IDENTITY = 'translate(0px, 0px) scale(1)';
  let sig = '';
  let streak = 0;
  let candidate = 0;
  const path = location.pathname;
  function mapState(now) {
    const stats = document.querySelector('[data-testid="map-stats"]');
    const vp = document.querySelector('.react-flow__viewport');
    if (!stats || !/layout \\d+ ms/.test(stats.textContent || '') || !vp) return null;
    const nodes = document.querySelectorAll('.react-flow__node');
    if (nodes.length === 0) return null;
    if (probe.firstNodesAt === null) probe.firstNodesAt = now;
    for (const n of nodes) if (n.style.visibility === 'hidden') return null;
    const t = vp.style.transform;
    if (!t || t === IDENTITY) return null;
    return t + '|' + nodes.length;
  }
  function mapInfo() {
    const pane = document.querySelector('.react-flow');
    const box = pane ? pane.getBoundingClientRect() : { left: 0, top: 0, right: innerWidth, bottom: innerHeight };
    let onScreen = 0;
    const nodes = document.querySelectorAll('.react-flow__node');
    for (const n of nodes) {
      const r = n.getBoundingClientRect();
      if (r.right > box.left && r.left < box.right && r.bottom > box.top && r.top < box.bottom) onScreen++;
    }
    const stats = document.querySelector('[data-testid="map-stats"]');
    const vp = document.querySelector('.react-flow__viewport');
    return {
      nodesRendered: nodes.length,
      nodesOnScreen: onScreen,
      edgesRendered: document.querySelectorAll('.react-flow__edge').length,
      detailed: document.querySelectorAll('.fl-node').length,
      stats: stats ? stats.textContent : '',
      transform: vp ? vp.style.transform : '',
    };
  }
  function tick() {
    const now = performance.now();
    if (path === '/') {
      const s = mapState(now);
      if (s === null) { sig = ''; streak = 0; }
      else if (s === sig) streak++;
      else { sig = s; streak = 1; candidate = now; }
      if (streak >= 3) { probe.readyAt = candidate; probe.info = mapInfo(); return; }
    } else if (path.startsWith('/sagas/')) {
      const gantt = document.querySelector('[data-testid="saga-gantt"]');
      const bars = gantt ? gantt.querySelectorAll('g[data-kind]').length : 0;
      if (gantt && bars >= (window.__uiBenchExpectBars || 50)) {
        probe.readyAt = now;
        probe.info = { bars, renderMs: Number(gantt.getAttribute('data-render-ms')) };
        return;
      }
    } else if (path === '/__bench/static') {
      if (document.querySelectorAll('.cell').length === 50) { probe.readyAt = now; return; }
    } else if (document.querySelector('h1, h2')) {
      probe.readyAt = now;
      return;
    }
    requestAnimationFrame(tick);
  }
  requestAnimationFrame(tick);
})();`;

/** The static baseline page: 50 divs, no script. */
export const STATIC_PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>static</title>
<style>body{font:14px system-ui;margin:0;display:grid;grid-template-columns:repeat(10,1fr);gap:4px}.cell{padding:8px;background:#eef}</style>
</head><body>${Array.from({ length: 50 }, (_, i) => `<div class="cell">cell ${i}</div>`).join('')}</body></html>`;

/**
 * Starts recording in the page: rAF frame intervals (callback timestamps),
 * long tasks (PerformanceObserver 'longtask', ≥ 50 ms by definition), input
 * delay of key presses (Event Timing: processingStart − startTime; Chromium
 * reports only events lasting ≥ 16 ms, so "none" means every one was shorter)
 * and DOM mutations under the map (evidence the updates were painted).
 */
export const START_MONITOR = `(() => {
  const m = { frames: [], longTasks: [], events: [], mutations: 0, stop: false, t0: performance.now() };
  window.__uiFrames = m;
  let last = null;
  const loop = (t) => {
    if (m.stop) return;
    if (last !== null) m.frames.push(t - last);
    last = t;
    requestAnimationFrame(loop);
  };
  requestAnimationFrame(loop);
  const lt = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) m.longTasks.push({ start: e.startTime, duration: e.duration });
  });
  lt.observe({ type: 'longtask' });
  const ev = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (e.name.startsWith('key')) m.events.push({ name: e.name, delay: e.processingStart - e.startTime, duration: e.duration });
    }
  });
  ev.observe({ type: 'event', durationThreshold: 16 });
  const target = document.querySelector('.react-flow__viewport') || document.body;
  const mo = new MutationObserver((recs) => { m.mutations += recs.length; });
  mo.observe(target, { subtree: true, childList: true, attributes: true, characterData: true });
  m.finish = () => {
    m.stop = true;
    lt.disconnect();
    ev.disconnect();
    mo.disconnect();
    return { frames: m.frames, longTasks: m.longTasks, events: m.events, mutations: m.mutations, ms: performance.now() - m.t0 };
  };
  return true;
})()`;

export const FINISH_MONITOR = `new Promise((resolve) => setTimeout(() => resolve(window.__uiFrames.finish()), 100))`;

export interface MonitorResult {
  frames: number[];
  longTasks: { start: number; duration: number }[];
  events: { name: string; delay: number; duration: number }[];
  mutations: number;
  ms: number;
}

export interface ProbeState {
  readyAt: number | null;
  firstNodesAt: number | null;
  info: Record<string, unknown> | null;
  ws: number;
  wsBytes: number;
  /** Full `topology` messages. */
  topology: number;
  /** `topology:delta` messages (what a subscribed page mostly gets). */
  deltas: number;
  transitions: number;
  snapshots: { at: number; bytes: number }[];
  longTasks: { start: number; duration: number }[];
}
