/**
 * The dashboard UI in headless Chromium (issues 4 and 5): time to first render
 * of the map for 50, 500 and 2 000 services (≈ 5 × as many edges), frame time
 * and long tasks while live updates arrive, and the render of a 50-step saga
 * timeline. The real dashboard (`startDashboard({ ui: true })`, fresh SQLite,
 * one server per size) is fed through the real ingest (OTLP/JSON POSTs to
 * `/v1/metrics` and `/v1/traces`). Baseline: a static page of 50 divs rendered
 * by the same browser in the same repetition (`× static`), and Next's
 * `/_not-found` page for what the framework alone costs.
 *
 * What is timed is defined in `ui/probes.ts` (READY_PROBE): milliseconds from
 * navigation start to the first animation frame at which the page is rendered.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { CHROMIUM_PATH, hasChromium, launchBrowser } from '../../test/browser/helpers/chromium.js';
import { REPO_ROOT, type RunningDashboard, startDashboard } from '../../test/support/dashboard.js';
import { formatBytes, formatNumber, formatRange, formatRatio, median, percentile, summarize } from '../lib/stats.js';
import type { Check, Suite, SuiteOptions, Table } from '../lib/suite.js';
import { metricsBodies, type SyntheticTopology, sagaBody, serviceName, syntheticTopology } from './ui/otlp.js';
import {
  FINISH_MONITOR,
  type MonitorResult,
  type ProbeState,
  READY_PROBE,
  START_MONITOR,
  STATIC_PAGE,
} from './ui/probes.js';

const SIZES = [50, 500, 2000] as const;
const FIRST_RENDER_TARGET_MS = 2000;
const LONG_TASK_TARGET_MS = 50;
const SAGA_TARGET_MS = 500;
const SAGA_STEPS = 50;
/** A key with no binding on the page: only its input delay matters. */
const PROBE_KEY = 'F9';
const VIEWPORT = { width: 1440, height: 900 };
const DASHBOARD_DIR = path.join(REPO_ROOT, 'apps/dashboard');

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

interface Navigation {
  readyMs: number;
  firstNodesMs: number | null;
  dclMs: number;
  topologyResponseMs: number | null;
  /** Long tasks of the page between navigation start and readyAt. */
  loadLongTaskMax: number;
  loadLongTaskTotal: number;
  /** When the map showed the fast layout standing in for ELK's: when ELK's replaced it (ms since navigation start). */
  elkLayoutMs: number | null;
  info: Record<string, unknown> | null;
}

interface SizeResult {
  services: number;
  edges: number;
  ingestMs: number;
  cold: Navigation;
  warm: Navigation[];
  staticMs: number[];
  notFoundMs: number[];
  idle: FrameSummary;
  live: FrameSummary & {
    rounds: number;
    postMs: number[];
    topologyMessages: number;
    deltaMessages: number;
    transitionMessages: number;
    snapshotBytes: number;
    /** Long tasks that started within 500 ms after a topology update (full or delta) arrived, of all long tasks. */
    longTasksAfterSnapshot: number;
  };
}

interface FrameSummary {
  seconds: number;
  frames: number;
  frameP50: number;
  frameP95: number;
  frameMax: number;
  longTasks: number;
  longTaskMax: number;
  longTaskTotal: number;
  keyPresses: number;
  slowKeyEvents: number;
  inputDelayMax: number;
  mutations: number;
}

async function post(url: string, signal: 'metrics' | 'traces', body: string): Promise<void> {
  const res = await fetch(`${url}/v1/${signal}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  if (res.status !== 200) throw new Error(`POST /v1/${signal}: ${res.status} ${await res.text()}`);
}

async function getJson<T>(url: string): Promise<T | null> {
  const res = await fetch(url);
  return res.ok ? ((await res.json()) as T) : null;
}

async function until(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`ui bench: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Metrics sender for one dashboard: every `round()` posts all services with grown counters. */
class Feeder {
  private rounds = 0;
  private readonly startMs = Date.now() - 120_000;
  constructor(
    private readonly url: string,
    readonly topology: SyntheticTopology,
  ) {}
  async round(openBreakerOf = -1, nowMs = Date.now()): Promise<number> {
    this.rounds++;
    const t0 = performance.now();
    const bodies = metricsBodies(this.topology, { round: this.rounds, startMs: this.startMs, nowMs, openBreakerOf });
    await Promise.all(bodies.map((b) => post(this.url, 'metrics', b)));
    return performance.now() - t0;
  }
}

/** Resolves to the page's clock once the map's stats name ELK's layout as the one shown. */
const ELK_LAYOUT_SHOWN = `(() => {
  const stats = document.querySelector('[data-testid=map-stats]')?.textContent ?? '';
  return /ELK layout/.test(stats) && !/ELK to follow/.test(stats) ? performance.now() : null;
})()`;

/** Navigate from about:blank and wait for the probe's "rendered". */
async function navigate(page: Page, url: string, timeoutMs = 60_000): Promise<Navigation> {
  await page.goto('about:blank');
  await page.goto(url, { waitUntil: 'commit' });
  await page.waitForFunction('window.__uiBench && window.__uiBench.readyAt !== null', undefined, {
    timeout: timeoutMs,
    polling: 50,
  });
  const probe = (await page.evaluate('window.__uiBench')) as ProbeState;
  const timing = (await page.evaluate(`(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const topo = performance.getEntriesByType('resource').find((e) => e.name.includes('/api/topology'));
    return { dcl: nav ? nav.domContentLoadedEventEnd : -1, topology: topo ? topo.responseEnd : null };
  })()`)) as { dcl: number; topology: number | null };
  const loadTasks = probe.longTasks.filter((t) => t.start < probe.readyAt!).map((t) => t.duration);
  // The first map may show the fast layout while ELK works in its worker: wait for ELK's too.
  const elkLayoutMs = String(probe.info?.stats ?? '').includes('ELK to follow')
    ? ((await (
        await page.waitForFunction(ELK_LAYOUT_SHOWN, undefined, { timeout: timeoutMs, polling: 50 })
      ).jsonValue()) as number)
    : null;
  return {
    readyMs: probe.readyAt!,
    firstNodesMs: probe.firstNodesAt,
    dclMs: timing.dcl,
    topologyResponseMs: timing.topology,
    loadLongTaskMax: Math.max(0, ...loadTasks),
    loadLongTaskTotal: loadTasks.reduce((a, b) => a + b, 0),
    elkLayoutMs,
    info: probe.info,
  };
}

async function newContext(ctxFactory: () => Promise<BrowserContext>, dashboardUrl: string): Promise<Page> {
  const context = await ctxFactory();
  await context.addInitScript({ content: READY_PROBE });
  await context.route(`${dashboardUrl}/__bench/static`, (route) =>
    route.fulfill({ status: 200, contentType: 'text/html', body: STATIC_PAGE }),
  );
  return context.newPage();
}

function summarizeFrames(m: MonitorResult, keyPresses: number): FrameSummary {
  const lt = m.longTasks.map((t) => t.duration);
  return {
    seconds: m.ms / 1000,
    frames: m.frames.length,
    frameP50: percentile(m.frames, 0.5),
    frameP95: percentile(m.frames, 0.95),
    frameMax: Math.max(...m.frames),
    longTasks: lt.length,
    longTaskMax: lt.length ? Math.max(...lt) : 0,
    longTaskTotal: lt.reduce((a, b) => a + b, 0),
    keyPresses,
    slowKeyEvents: m.events.length,
    inputDelayMax: m.events.length ? Math.max(...m.events.map((e) => e.delay)) : 0,
    mutations: m.mutations,
  };
}

/** Records frames, long tasks and key-press input delay while `during` runs; presses PROBE_KEY every 200 ms. */
async function monitor(page: Page, during: () => Promise<void>): Promise<{ m: MonitorResult; presses: number }> {
  await page.evaluate(START_MONITOR);
  let presses = 0;
  let pressing = true;
  const presser = (async () => {
    while (pressing) {
      try {
        await page.keyboard.press(PROBE_KEY);
        presses++;
      } catch {
        break;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  try {
    await during();
  } finally {
    pressing = false;
    await presser;
  }
  const m = (await page.evaluate(FINISH_MONITOR)) as MonitorResult;
  return { m, presses };
}

async function measureSize(
  services: number,
  opts: SuiteOptions,
  browserContext: () => Promise<BrowserContext>,
  reps: number,
  liveSeconds: number,
  idleSeconds: number,
  withSaga: (dashboard: RunningDashboard) => Promise<void>,
): Promise<SizeResult> {
  const log = opts.log;
  const dashboard = await startDashboard({ ui: true });
  try {
    const topology = syntheticTopology(services);
    const feeder = new Feeder(dashboard.url, topology);
    const t0 = performance.now();
    await feeder.round(-1, Date.now() - 10_000);
    await feeder.round();
    await until(`${services} services in /api/topology`, 60_000, async () => {
      const t = await getJson<{ services: unknown[]; edges: unknown[] }>(`${dashboard.url}/api/topology`);
      return t !== null && t.services.length >= services && t.edges.length >= topology.edges;
    });
    const ingestMs = performance.now() - t0;
    log(`ui: ${services} services, ${topology.edges} edges ingested in ${Math.round(ingestMs)} ms (load ${load()})`);

    const page = await newContext(browserContext, dashboard.url);
    const mapUrl = `${dashboard.url}/`;
    const cold = await navigate(page, mapUrl);
    log(`ui: ${services} services: cold first render ${Math.round(cold.readyMs)} ms ${JSON.stringify(cold.info)}`);
    const warm: Navigation[] = [];
    const staticMs: number[] = [];
    const notFoundMs: number[] = [];
    for (let r = 0; r < reps; r++) {
      // Keep the data inside the 60 s live window; outside the timed region, no page is subscribed.
      await feeder.round();
      const order = r % 2 === 0 ? (['static', 'notFound', 'map'] as const) : (['map', 'notFound', 'static'] as const);
      for (const which of order) {
        if (which === 'static') staticMs.push((await navigate(page, `${dashboard.url}/__bench/static`)).readyMs);
        else if (which === 'notFound') notFoundMs.push((await navigate(page, `${dashboard.url}/_not-found`)).readyMs);
        else warm.push(await navigate(page, mapUrl));
      }
      log(
        `ui: ${services} services rep ${r + 1}/${reps}: map ${Math.round(warm.at(-1)!.readyMs)} ms, static ${Math.round(staticMs.at(-1)!)} ms`,
      );
    }

    // Live mode: the page stays on the map; first a quiet window, then updates.
    await feeder.round();
    await navigate(page, mapUrl);
    await new Promise((r) => setTimeout(r, 1500));
    const idle = await monitor(page, () => new Promise((r) => setTimeout(r, idleSeconds * 1000)));
    const before = (await page.evaluate('window.__uiBench')) as ProbeState;
    const postMs: number[] = [];
    const live = await monitor(page, async () => {
      const end = Date.now() + liveSeconds * 1000;
      let i = 0;
      while (Date.now() < end) {
        const started = Date.now();
        // The breaker of service 0 (left-most layer, in the first view) flips every 2 s.
        postMs.push(await feeder.round(Math.floor(i / 2) % 2 === 0 ? 0 : -1));
        i++;
        await new Promise((r) => setTimeout(r, Math.max(0, 1000 - (Date.now() - started))));
      }
    });
    const after = (await page.evaluate('window.__uiBench')) as ProbeState;
    log(
      `ui: ${services} services live: ${postMs.length} rounds, ${after.topology - before.topology} full topology messages and ${after.deltas - before.deltas} deltas, ${after.transitions - before.transitions} transitions received (load ${load()})`,
    );
    const snapshots = after.snapshots.slice(before.snapshots.length);
    const afterSnapshot = live.m.longTasks.filter((t) =>
      snapshots.some((sn) => t.start >= sn.at - 5 && t.start - sn.at < 500),
    ).length;
    if (services === SIZES[0]) await withSaga(dashboard);
    await page.context().close();
    return {
      services,
      edges: topology.edges,
      ingestMs,
      cold,
      warm,
      staticMs,
      notFoundMs,
      idle: summarizeFrames(idle.m, idle.presses),
      live: {
        ...summarizeFrames(live.m, live.presses),
        rounds: postMs.length,
        postMs,
        topologyMessages: after.topology - before.topology,
        deltaMessages: after.deltas - before.deltas,
        transitionMessages: after.transitions - before.transitions,
        snapshotBytes: median(snapshots.map((sn) => sn.bytes)),
        longTasksAfterSnapshot: afterSnapshot,
      },
    };
  } finally {
    await dashboard.stop();
  }
}

interface SagaResult {
  cold: Navigation;
  warm: Navigation[];
  staticMs: number[];
  storeMs: number;
}

async function measureSaga(
  dashboard: RunningDashboard,
  browserContext: () => Promise<BrowserContext>,
  reps: number,
): Promise<SagaResult> {
  const id = 'bench-saga-50';
  const t0 = performance.now();
  await post(dashboard.url, 'traces', sagaBody(id, SAGA_STEPS, Date.now() - 60_000));
  await until(`saga ${id} in /api/sagas`, 30_000, async () => {
    const run = await getJson<{ steps: unknown[]; endedAt: number | null }>(`${dashboard.url}/api/sagas/${id}`);
    return run !== null && run.steps.length === SAGA_STEPS && run.endedAt !== null;
  });
  const storeMs = performance.now() - t0;
  const page = await newContext(browserContext, dashboard.url);
  const url = `${dashboard.url}/sagas/${id}`;
  const cold = await navigate(page, url);
  const warm: Navigation[] = [];
  const staticMs: number[] = [];
  for (let r = 0; r < reps; r++) {
    if (r % 2 === 0) {
      staticMs.push((await navigate(page, `${dashboard.url}/__bench/static`)).readyMs);
      warm.push(await navigate(page, url));
    } else {
      warm.push(await navigate(page, url));
      staticMs.push((await navigate(page, `${dashboard.url}/__bench/static`)).readyMs);
    }
  }
  await page.context().close();
  return { cold, warm, staticMs, storeMs };
}

const ms = (v: number | null | undefined) => (v === null || v === undefined ? '–' : formatNumber(v));

/** The layout the ready map showed, and when ELK's replaced a stand-in (median over the warm loads). */
function layoutCell(layout: RegExpExecArray | null, warm: readonly Navigation[]): string {
  if (!layout) return '–';
  const elk = warm.map((n) => n.elkLayoutMs).filter((v): v is number => v !== null);
  return `${layout[1]} ${layout[2]} ms${elk.length ? `, ELK at ${formatNumber(median(elk))} ms` : ''}`;
}

function pairedRatios(a: readonly number[], b: readonly number[]): number[] {
  return a.map((x, i) => x / b[i]!);
}

async function run(opts: SuiteOptions) {
  const notes: string[] = [];
  if (!hasChromium()) {
    return {
      tables: [{ title: 'ui — skipped', columns: ['reason'], rows: [[`no Chromium at ${CHROMIUM_PATH}`]] }],
      checks: [],
      data: { skipped: 'no chromium' },
    };
  }
  if (!existsSync(path.join(DASHBOARD_DIR, '.next/BUILD_ID'))) {
    opts.log('ui: no Next build (apps/dashboard/.next/BUILD_ID); running `next build` once');
    try {
      execFileSync('npx', ['next', 'build'], { cwd: DASHBOARD_DIR, stdio: ['ignore', 'ignore', 'inherit'] });
    } catch {
      // Most often another `next build` is running (tests build too): wait for its BUILD_ID.
      opts.log('ui: `next build` failed; waiting up to 5 min for another build to finish');
      await until('apps/dashboard/.next/BUILD_ID', 300_000, async () =>
        existsSync(path.join(DASHBOARD_DIR, '.next/BUILD_ID')),
      );
    }
  }
  const reps = opts.quick ? 2 : 5;
  const liveSeconds = opts.quick ? 4 : 10;
  const idleSeconds = opts.quick ? 2 : 4;
  const loadBefore = load();
  opts.log(`ui: load average before ${loadBefore}`);

  const session = await launchBrowser({ viewport: VIEWPORT });
  await session.context.close();
  const browserContext = () => session.browser.newContext({ viewport: VIEWPORT, colorScheme: 'light' });
  const sizes: SizeResult[] = [];
  let saga: SagaResult | null = null;
  try {
    for (const n of SIZES) {
      sizes.push(
        await measureSize(n, opts, browserContext, reps, liveSeconds, idleSeconds, async (d) => {
          saga = await measureSaga(d, browserContext, reps);
        }),
      );
    }
  } finally {
    await session.close();
  }
  const sagaResult = saga as SagaResult | null;
  const loadAfter = load();
  notes.push(
    `Load average (1, 5, 15 min) before ${loadBefore}, after ${loadAfter}; dashboard server, Chromium and this process share the machine's cores.`,
  );

  const firstRender: Table = {
    title: 'ui · map time to first render (navigation start → viewport rendered, ms)',
    columns: [
      'services',
      'edges',
      'median',
      'IQR',
      'min–max',
      '× static',
      'cold (1st load)',
      'DOMContentLoaded',
      '/api/topology done',
      'first nodes',
      'layout',
      'nodes on screen',
      'edges drawn',
      'longest task in load',
    ],
    rows: sizes.map((s) => {
      const w = summarize(s.warm.map((n) => n.readyMs));
      const info = s.warm.at(-1)?.info ?? {};
      const layout = /(ELK|fast) layout (\d+) ms/.exec(String(info.stats ?? ''));
      return [
        String(s.services),
        String(s.edges),
        formatNumber(w.median),
        formatRange(w.p25, w.p75),
        formatRange(w.min, w.max),
        formatRatio(
          median(
            pairedRatios(
              s.warm.map((n) => n.readyMs),
              s.staticMs,
            ),
          ),
        ),
        formatNumber(s.cold.readyMs),
        ms(median(s.warm.map((n) => n.dclMs))),
        ms(median(s.warm.map((n) => n.topologyResponseMs ?? Number.NaN))),
        ms(median(s.warm.map((n) => n.firstNodesMs ?? Number.NaN))),
        layoutCell(layout, s.warm),
        `${info.nodesOnScreen ?? '–'} / ${info.nodesRendered ?? '–'}`,
        String(info.edgesRendered ?? '–'),
        `${formatNumber(median(s.warm.map((n) => n.loadLongTaskMax)))} (Σ ${formatNumber(median(s.warm.map((n) => n.loadLongTaskTotal)))})`,
      ];
    }),
    notes: [
      `${reps} warm loads per size (about:blank → map, HTTP cache warm), interleaved with the baselines; "cold" is the first load in a fresh browser context. Viewport ${VIEWPORT.width}×${VIEWPORT.height}, headless Chromium (${CHROMIUM_PATH}).`,
      'Rendered = layout finished, every React Flow node in the DOM measured, viewport framed, and transform + node count unchanged for 3 frames (first of them); polled once per frame with requestAnimationFrame (≤ 1 frame of quantisation). The page sets no performance marks of its own.',
      'Topology: service i calls up to 5 services of higher index within the next 40 (layered DAG); one resource per service, `resilience.call.duration` + one breaker state gauge each, two rounds POSTed as OTLP/JSON to /v1/metrics before the first load, one more before each repetition (no page subscribed at that moment).',
      '"longest task in load": median over the warm loads of the longest main-thread task (PerformanceObserver "longtask", buffered) before the ready frame, and of their sum; on ≤ 100 nodes and ≤ 250 edges the map lays out with ELK (elkjs, in a Web Worker; if it has not answered 250 ms after the topology, the fast layout stands in and "ELK at" is when the ELK layout replaced it), above with its own linear layered layout.',
      '"nodes on screen / rendered": React Flow renders only visible elements (onlyRenderVisibleElements); maps above 150 nodes first frame their left-most corner at a readable zoom.',
      `Baselines (same browser, same repetitions): static page of 50 divs ${formatNumber(median(sizes.flatMap((s) => s.staticMs)))} ms, Next /_not-found ${formatNumber(median(sizes.flatMap((s) => s.notFoundMs)))} ms (medians over all sizes).`,
      `Ingest (2 rounds POSTed → all services and edges in /api/topology): ${sizes.map((s) => `${s.services}: ${formatNumber(s.ingestMs)} ms`).join(', ')}.`,
    ],
  };

  const frameRow = (s: SizeResult, label: string, f: FrameSummary, extra: string) => [
    String(s.services),
    label,
    formatNumber(f.seconds),
    String(f.frames),
    formatNumber(f.frameP50),
    formatNumber(f.frameP95),
    formatNumber(f.frameMax),
    String(f.longTasks),
    f.longTasks ? formatNumber(f.longTaskMax) : 'none',
    formatNumber(f.longTaskTotal),
    f.slowKeyEvents
      ? `${formatNumber(f.inputDelayMax)} (${f.slowKeyEvents} of ${f.keyPresses})`
      : `none of ${f.keyPresses}`,
    String(f.mutations),
    extra,
  ];
  const frames: Table = {
    title: 'ui · map in live mode: frames, long tasks and input delay (ms)',
    columns: [
      'services',
      'window',
      's',
      'frames',
      'frame p50',
      'frame p95',
      'frame max',
      'long tasks',
      'max long task',
      'long-task total',
      'input delay max (slow keys)',
      'DOM mutations',
      'updates',
    ],
    rows: sizes.flatMap((s) => [
      frameRow(s, 'idle', s.idle, '–'),
      frameRow(
        s,
        'updates',
        s.live,
        `${s.live.rounds} rounds (POST ${formatNumber(median(s.live.postMs))} ms); ${s.live.topologyMessages} full topology + ${s.live.deltaMessages} delta messages (median ${formatBytes(s.live.snapshotBytes)}), ${s.live.transitionMessages} transitions; ${s.live.longTasksAfterSnapshot} of ${s.live.longTasks} long tasks < 500 ms after a topology update`,
      ),
    ]),
    notes: [
      `Page on the map in live mode; "idle": ${idleSeconds} s with nothing sent. "updates": ${liveSeconds} s in which every service's metrics are POSTed once a second with changed counts, and the breaker of ${serviceName(0)} → ${serviceName(syntheticTopology(50).peers[0]![0]!)} flips closed ↔ open every 2 s; the dashboard pushes a topology snapshot at most once a second and each transition at once.`,
      'frame = interval between requestAnimationFrame callbacks (16.7 ms at 60 Hz). Long tasks: PerformanceObserver "longtask" (tasks ≥ 50 ms). Input delay: a key with no binding (F9) pressed every 200 ms through CDP; Event Timing processingStart − startTime, reported by Chromium only for events lasting ≥ 16 ms ("none" = all were faster).',
      'The POSTs are parsed by the dashboard server on the same cores as Chromium: on this 2-core machine their CPU competes with the page.',
    ],
  };

  const tables: Table[] = [firstRender, frames];
  if (sagaResult) {
    const w = summarize(sagaResult.warm.map((n) => n.readyMs));
    const chart = sagaResult.warm.map((n) => Number(n.info?.renderMs ?? Number.NaN));
    tables.push({
      title: `ui · saga timeline of ${SAGA_STEPS} steps (/sagas/<id>, ms)`,
      columns: ['measure', 'median', 'IQR', 'min–max', '× static', 'cold (1st load)'],
      rows: [
        [
          `navigation start → ${SAGA_STEPS} bars`,
          formatNumber(w.median),
          formatRange(w.p25, w.p75),
          formatRange(w.min, w.max),
          formatRatio(
            median(
              pairedRatios(
                sagaResult.warm.map((n) => n.readyMs),
                sagaResult.staticMs,
              ),
            ),
          ),
          formatNumber(sagaResult.cold.readyMs),
        ],
        [
          'chart render → commit (data-render-ms)',
          formatNumber(median(chart)),
          formatRange(percentile(chart, 0.25), percentile(chart, 0.75)),
          formatRange(Math.min(...chart), Math.max(...chart)),
          '–',
          ms(Number(sagaResult.cold.info?.renderMs ?? Number.NaN)),
        ],
        [
          'static page (baseline)',
          formatNumber(median(sagaResult.staticMs)),
          formatRange(percentile(sagaResult.staticMs, 0.25), percentile(sagaResult.staticMs, 0.75)),
          formatRange(Math.min(...sagaResult.staticMs), Math.max(...sagaResult.staticMs)),
          '1.00×',
          '–',
        ],
      ],
      notes: [
        `Saga "checkout": root span \`saga checkout\` + ${SAGA_STEPS} child step spans over 5 services, POSTed as OTLP/JSON to /v1/traces; stored (GET /api/sagas/<id> returns all steps) after ${formatNumber(sagaResult.storeMs)} ms. ${reps} warm loads, on the 50-service dashboard.`,
      ],
    });
  }

  const biggest = sizes.at(-1)!;
  const biggestMedian = median(biggest.warm.map((n) => n.readyMs));
  const worstLongTask = Math.max(...sizes.map((s) => s.live.longTaskMax));
  const worstInput = Math.max(...sizes.map((s) => s.live.inputDelayMax));
  const checks: Check[] = [
    {
      target: `map first render of ${formatNumber(biggest.services)} services < ${FIRST_RENDER_TARGET_MS} ms`,
      measured: `${formatNumber(biggestMedian)} ms median warm (cold ${formatNumber(biggest.cold.readyMs)} ms)`,
      met: biggestMedian < FIRST_RENDER_TARGET_MS,
    },
    {
      target: `live updates never block input > ${LONG_TASK_TARGET_MS} ms (max long task, all sizes)`,
      measured: sizes
        .map((s) => `${s.services}: ${s.live.longTasks ? `${formatNumber(s.live.longTaskMax)} ms` : 'none'}`)
        .join(', ')
        .concat(`; max key input delay ${worstInput ? `${formatNumber(worstInput)} ms` : '< 16 ms'}`),
      met: worstLongTask <= LONG_TASK_TARGET_MS,
    },
  ];
  if (sagaResult) {
    const sagaMedian = median(sagaResult.warm.map((n) => n.readyMs));
    checks.push({
      target: `${SAGA_STEPS}-step saga timeline renders < ${SAGA_TARGET_MS} ms`,
      measured: `${formatNumber(sagaMedian)} ms navigation → bars (cold ${formatNumber(sagaResult.cold.readyMs)} ms)`,
      met: sagaMedian < SAGA_TARGET_MS,
    });
  }
  const last = tables.at(-1)!;
  tables[tables.length - 1] = { ...last, notes: [...(last.notes ?? []), ...notes] };
  return { tables, checks, data: { loadBefore, loadAfter, reps, liveSeconds, idleSeconds, sizes, saga: sagaResult } };
}

export const uiSuite: Suite = {
  name: 'ui',
  description:
    'dashboard UI in headless Chromium: map first render and live-update frames (50/500/2 000 services), 50-step saga timeline',
  run,
};
