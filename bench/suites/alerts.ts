/**
 * Alerts (issue 6, "Performance"):
 *
 * 1. Evaluation time of one tick for 1 000 rules over a model of 2 000 edges
 *    and 500 bulkheads, built with the builders of the alert tests
 *    (`apps/dashboard/server/alerts/testSnapshots.ts`): the very first tick of the process (cold code, no
 *    instances yet), first ticks with warm code, and steady ticks (state
 *    carried over, every 5 s of fake clock). Each timed tick is paired with a
 *    baseline timed right after it: a naive scan that, for every rule, walks
 *    every edge and bulkhead comparing the selector's service and the
 *    threshold (what any evaluator does at least, without globs, state,
 *    labels or fingerprints).
 * 2. Breaker transition → webhook delivery: the real dashboard (child
 *    process), a loopback node:http receiver, a `breaker_open` rule with
 *    `forSeconds: 0` created over the HTTP API, and breakers of this process
 *    (`startTelemetry` defaults: metrics every 1 s) forced open with
 *    `isolate()`; time from the call to the Alertmanager payload naming that
 *    breaker as firing, then from `reset()` to the resolved payload.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { circuitBreaker } from '@faultline/instrumentation';
import { startTelemetry } from '@faultline/instrumentation/setup';
import { type RunningDashboard, startDashboard } from '../../test/support/dashboard.js';
import { collectGarbage } from '../lib/gc.js';
import { formatNumber, median, percentile } from '../lib/stats.js';
import type { Check, Suite, SuiteOptions, Table } from '../lib/suite.js';

// ── part 1: evaluation of one tick ─────────────────────────────────────────

interface Instance {
  readonly state: string;
}
interface Snapshot {
  readonly topology: { readonly edges: readonly { source: string; target: string; errorRate: number }[] };
  readonly bulkheads: readonly { service: string; dependency: string; saturation: number | null }[];
}
interface AlertRule {
  readonly kind: string;
  readonly threshold: number | null;
  readonly selector: { readonly service?: string };
}
interface AlertModules {
  evaluate(
    rules: readonly AlertRule[],
    snapshot: Snapshot,
    nowMs: number,
    previous: readonly Instance[],
  ): { instances: Instance[] };
  validateRule(input: unknown, meta: { id: string }): { ok: true; rule: AlertRule } | { ok: false; errors: unknown[] };
  edge(source: string, target: string, overrides: Record<string, unknown>): Snapshot['topology']['edges'][number];
  bulkhead(service: string, dependency: string, overrides: Record<string, unknown>): Snapshot['bulkheads'][number];
  snapshot(parts: { edges: unknown[]; bulkheads: unknown[] }): Snapshot;
}

const ALERTS_DIR = new URL('../../apps/dashboard/server/alerts/', import.meta.url);

async function loadAlerts(): Promise<AlertModules> {
  const [evaluator, schema, snapshots] = await Promise.all(
    ['evaluator.ts', 'ruleSchema.ts', 'testSnapshots.ts'].map((f) => import(new URL(f, ALERTS_DIR).href)),
  );
  return { ...evaluator, ...schema, ...snapshots } as AlertModules;
}

const SERVICES = 200;
const EDGES = 2000;
const BULKHEADS = 500;
const RULES = 1000;
const TICK_TARGET_MS = 50;

/** 1 000 rules over 2 000 edges and 500 bulkheads (issue 6's scale), from the alert tests' builders. */
function timingInputs(m: AlertModules) {
  const edges = Array.from({ length: EDGES }, (_, i) =>
    m.edge(`svc-${i % SERVICES}`, `dep-${i}`, {
      errorRate: i % 50 === 0 ? 0.6 : 0.01,
      p99Ms: i % 40 === 0 ? 3000 : 50,
      breaker: { name: `cb-${i}`, state: i % 100 === 0 ? 'open' : 'closed' },
    }),
  );
  const bulkheads = Array.from({ length: BULKHEADS }, (_, i) =>
    m.bulkhead(`svc-${i % SERVICES}`, `dep-${i}`, { saturation: i % 25 === 0 ? 1 : 0.3, rejectionsPerSec: i % 30 }),
  );
  const snap = m.snapshot({ edges, bulkheads });
  const kinds = ['breaker_open', 'edge_error_rate', 'edge_latency_p99', 'bulkhead_saturation', 'bulkhead_rejections'];
  const thresholds: Record<string, number | null> = {
    breaker_open: null,
    edge_error_rate: 0.5,
    edge_latency_p99: 1000,
    bulkhead_saturation: 0.9,
    bulkhead_rejections: 20,
  };
  const rules = Array.from({ length: RULES }, (_, i) => {
    const kind = kinds[i % kinds.length]!;
    // Most rules name one caller; one in ten uses a glob; a few select everything.
    const selector =
      i % 100 === 0 ? {} : i % 10 === 0 ? { service: `svc-${i % 20}*` } : { service: `svc-${i % SERVICES}` };
    const r = m.validateRule(
      {
        name: `rule ${i}`,
        kind,
        threshold: thresholds[kind],
        selector,
        forSeconds: 30,
        annotations: { summary: '{{service}} {{valueText}}' },
      },
      { id: `r${i}` },
    );
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    return r.rule;
  });
  return { snap, rules };
}

/** Baseline: every rule against every edge and bulkhead, by service name and a number; returns the matches. */
function naiveScan(rules: readonly AlertRule[], snap: Snapshot): number {
  let hits = 0;
  for (const rule of rules) {
    const service = rule.selector.service;
    const threshold = rule.threshold ?? 0;
    for (const e of snap.topology.edges)
      if ((service === undefined || service === e.source) && e.errorRate > threshold) hits++;
    for (const b of snap.bulkheads)
      if ((service === undefined || service === b.service) && (b.saturation ?? 0) >= threshold) hits++;
  }
  return hits;
}

function timeMs(fn: () => unknown): number {
  collectGarbage();
  const start = performance.now();
  fn();
  return performance.now() - start;
}

function evaluationTimings(m: AlertModules, options: SuiteOptions) {
  const { snap, rules } = timingInputs(m);
  // The very first evaluation in this process: cold code, no instances yet.
  collectGarbage();
  let instances: Instance[] = [];
  const coldMs = timeMs(() => {
    instances = m.evaluate(rules, snap, 0, []).instances;
  });
  const firstTicks = options.quick ? 5 : 15;
  const steadyTicks = options.quick ? 20 : 80;
  const warmupTicks = 10;
  // First tick again, code warm: creating every instance from nothing.
  const first: number[] = [];
  for (let i = 0; i < firstTicks; i++) first.push(timeMs(() => m.evaluate(rules, snap, 0, [])));
  // Steady ticks: state carried over (pending → firing after forSeconds 30), each paired with the baseline.
  const steady: number[] = [];
  const baseline: number[] = [];
  for (let tick = 1; tick <= warmupTicks + steadyTicks; tick++) {
    const ms = timeMs(() => {
      instances = m.evaluate(rules, snap, tick * 5000, instances).instances;
    });
    const base = timeMs(() => naiveScan(rules, snap));
    if (tick > warmupTicks) {
      steady.push(ms);
      baseline.push(base);
    }
  }
  const firing = instances.filter((i) => i.state === 'firing').length;
  return { coldMs, first, steady, baseline, instances: instances.length, firing, hits: naiveScan(rules, snap) };
}

// ── part 2: breaker transition → webhook ─────────────────────────────────

const SERVICE = 'alerts-bench';
const DELIVERY_TARGET_MS = 1000;
const WAIT_MS = 5000;
/** `startTelemetry`'s default metric interval. */
const EXPORT_INTERVAL_MS = 1000;

interface WebhookAlert {
  readonly status: string;
  readonly labels: Record<string, string>;
  readonly startsAt: string;
  readonly endsAt: string;
}
interface Arrival {
  readonly at: number;
  readonly alert: WebhookAlert;
  readonly payloadAlerts: number;
}

function wallNow(): number {
  return performance.timeOrigin + performance.now();
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Loopback receiver resolving waiters keyed by `breaker→status` on the first payload naming them. */
async function startReceiver() {
  const waiting = new Map<string, (a: Arrival) => void>();
  let payloads = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = wallNow();
      payloads++;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { alerts?: WebhookAlert[] };
        for (const alert of body.alerts ?? []) {
          const k = `${alert.labels.breaker}→${alert.status}`;
          waiting.get(k)?.({ at, alert, payloadAlerts: body.alerts?.length ?? 0 });
          waiting.delete(k);
        }
      } catch {
        // not ours
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/v2/alerts`,
    payloads: () => payloads,
    next(breaker: string, status: string, timeoutMs: number): Promise<Arrival | null> {
      return new Promise((resolve) => {
        const k = `${breaker}→${status}`;
        const timer = setTimeout(() => {
          waiting.delete(k);
          resolve(null);
        }, timeoutMs);
        waiting.set(k, (a) => {
          clearTimeout(timer);
          resolve(a);
        });
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface DeliverySample {
  readonly breaker: string;
  /** act → payload at the receiver. */
  readonly totalMs: number;
  /** act → the alert's `startsAt` / `endsAt` (when the dashboard's evaluation saw the change; ms precision). */
  readonly untilEvaluatedMs: number;
  /** `startsAt` / `endsAt` → payload at the receiver: notification, queue, HTTP. */
  readonly afterEvaluatedMs: number;
  readonly payloadAlerts: number;
}

async function webhookLatency(options: SuiteOptions) {
  const transitions = options.quick ? 12 : 50;
  const receiver = await startReceiver();
  const dir = mkdtempSync(path.join(tmpdir(), 'faultline-alerts-bench-'));
  let dashboard: RunningDashboard | undefined;
  let telemetry: { shutdown(): Promise<void> } | undefined;
  try {
    // No rule file: only the rule created below exists.
    dashboard = await startDashboard({ ui: false, env: { FAULTLINE_ALERTS_FILE: path.join(dir, 'none.yaml') } });
    telemetry = startTelemetry({ serviceName: SERVICE, endpoint: dashboard.url });
    const breakers = Array.from({ length: transitions }, (_, i) =>
      circuitBreaker({ name: `alerts-bench-breaker-${i}`, dependency: `alerts-bench-dependency-${i % 5}` }),
    );
    const res = await fetch(`${dashboard.url}/api/alerts/rules`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'bench breaker open',
        kind: 'breaker_open',
        selector: { service: SERVICE },
        threshold: null,
        forSeconds: 0,
        keepFiringForSeconds: 0,
        severity: 'critical',
        annotations: { summary: '{{service}} → {{dependency}} breaker is open' },
        channels: [{ type: 'webhook', url: receiver.url, name: 'bench-receiver' }],
      }),
    });
    if (res.status !== 201) throw new Error(`creating the rule: ${res.status} ${await res.text()}`);
    // Let the dashboard see every breaker closed before the first transition.
    await sleep(2.5 * EXPORT_INTERVAL_MS);

    const firing: DeliverySample[] = [];
    const resolved: DeliverySample[] = [];
    let missedFiring = 0;
    let missedResolved = 0;
    const measure = async (
      breaker: string,
      status: 'firing' | 'resolved',
      act: () => void,
    ): Promise<DeliverySample | null> => {
      const arrived = receiver.next(breaker, status, WAIT_MS);
      const at = wallNow();
      act();
      const a = await arrived;
      if (a === null) return null;
      const evaluatedAt = Date.parse(status === 'firing' ? a.alert.startsAt : a.alert.endsAt);
      return {
        breaker,
        totalMs: a.at - at,
        untilEvaluatedMs: evaluatedAt - at,
        afterEvaluatedMs: a.at - evaluatedAt,
        payloadAlerts: a.payloadAlerts,
      };
    };
    for (const [i, breaker] of breakers.entries()) {
      // A random pause decorrelates the transition from the export timer's phase.
      await sleep(Math.random() * EXPORT_INTERVAL_MS);
      const open = await measure(breaker.name, 'firing', () => breaker.isolate());
      if (open) firing.push(open);
      else missedFiring++;
      await sleep(Math.random() * EXPORT_INTERVAL_MS);
      const closed = await measure(breaker.name, 'resolved', () => breaker.reset());
      if (closed) resolved.push(closed);
      else missedResolved++;
      if ((i + 1) % 10 === 0) options.log(`  ${i + 1}/${transitions} breakers opened and closed`);
    }
    return { transitions, firing, resolved, missedFiring, missedResolved, payloads: receiver.payloads() };
  } finally {
    await telemetry?.shutdown();
    await dashboard?.stop();
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

// ── the suite ─────────────────────────────────────────────────────────────

const loadText = (l: readonly number[]) => l.map((x) => x.toFixed(2)).join(' ');

function msRow(label: string, values: readonly number[]): string[] {
  return [
    label,
    String(values.length),
    formatNumber(percentile(values, 0.5)),
    formatNumber(percentile(values, 0.95)),
    formatNumber(Math.min(...values)),
    formatNumber(Math.max(...values)),
  ];
}

export const alertsSuite: Suite = {
  name: 'alerts',
  description: 'alert evaluation of 1 000 rules per tick; breaker transition → webhook delivery (issue 6)',
  async run(options: SuiteOptions) {
    const loadAtStart = loadavg();
    const evaluation = evaluationTimings(await loadAlerts(), options);
    const loadAfterEvaluation = loadavg();
    const delivery = await webhookLatency(options);
    const loadAfterDelivery = loadavg();

    const ratios = evaluation.steady.map((ms, i) => ms / evaluation.baseline[i]!);
    const steadyP50 = percentile(evaluation.steady, 0.5);
    const steadyP95 = percentile(evaluation.steady, 0.95);
    const firstP95 = percentile(evaluation.first, 0.95);
    const evalTable: Table = {
      title: `Evaluation of ${RULES} rules over ${EDGES} edges + ${BULKHEADS} bulkheads (one tick)`,
      columns: ['tick', 'n', 'p50 ms', 'p95 ms', 'min ms', 'max ms'],
      rows: [
        ['first tick of the process (cold)', '1', formatNumber(evaluation.coldMs), '–', '–', '–'],
        msRow('first tick, warm code (no prior instances)', evaluation.first),
        msRow('steady tick (state carried over)', evaluation.steady),
        msRow('baseline: naive rules × subjects scan', evaluation.baseline),
      ],
      notes: [
        `Inputs: ${SERVICES} callers; 1 in 50 edges at 60 % errors, 1 in 40 with p99 3 s, 1 in 100 breakers open; 1 in 25 bulkheads saturated; 5 kinds round-robin, most rules select one caller, 1 in 10 a glob, 1 in 100 everything; forSeconds 30, ticks 5 s apart (fake clock).`,
        `After the last tick: ${evaluation.instances} instances, ${evaluation.firing} firing. The baseline counts ${evaluation.hits} rule × subject matches.`,
        `Steady tick ÷ the baseline timed right after it: median ${formatNumber(median(ratios))}× (p25–p75 ${formatNumber(percentile(ratios, 0.25))}–${formatNumber(percentile(ratios, 0.75))}×). Full GC before every timed call.`,
        `Load average before ${loadText(loadAtStart)}, after ${loadText(loadAfterEvaluation)}.`,
      ],
    };

    const d = delivery;
    const deliveryRows: string[][] = [];
    for (const [label, samples] of [
      ['isolate() → firing payload', d.firing],
      ['reset() → resolved payload', d.resolved],
    ] as const) {
      if (samples.length === 0) continue;
      deliveryRows.push(
        msRow(
          label,
          samples.map((s) => s.totalMs),
        ),
      );
      deliveryRows.push(
        msRow(
          '  of which: until evaluated (startsAt/endsAt)',
          samples.map((s) => s.untilEvaluatedMs),
        ),
      );
      deliveryRows.push(
        msRow(
          '  of which: evaluated → at the receiver',
          samples.map((s) => s.afterEvaluatedMs),
        ),
      );
    }
    const firingTotals = d.firing.map((s) => s.totalMs);
    const deliveryTable: Table = {
      title: 'Breaker transition in an instrumented process → Alertmanager webhook at a loopback receiver',
      columns: ['interval (ms)', 'n', 'p50', 'p95', 'min', 'max'],
      rows: deliveryRows,
      notes: [
        `Real dashboard (child process, API only, fresh SQLite); startTelemetry defaults (OTLP/JSON, metrics every ${EXPORT_INTERVAL_MS} ms); rule breaker_open on service ${SERVICE}, forSeconds 0, keepFiringForSeconds 0, one webhook channel. ${d.transitions} distinct breakers, each forced open then closed once, after a random 0–1 s pause.`,
        `isolate()/reset() make no call, so the change travels in the next metric export (state gauge / transition counter): "until evaluated" is about that wait, uniform over 0–${EXPORT_INTERVAL_MS} ms, plus export and ingest; startsAt/endsAt are the dashboard's wall clock (ms precision, same machine).`,
        `Missed (no payload within ${WAIT_MS} ms): ${d.missedFiring} firing, ${d.missedResolved} resolved. Payloads received: ${d.payloads}; alerts per payload naming the breaker: median ${formatNumber(median(d.firing.map((s) => s.payloadAlerts)))} (grouped by root cause).`,
        `Load average after ${loadText(loadAfterDelivery)}.`,
      ],
    };

    const checks: Check[] = [
      {
        target: `evaluation of ${RULES} rules over ${EDGES} edges + ${BULKHEADS} bulkheads < ${TICK_TARGET_MS} ms per tick (issue 6)`,
        measured: `steady p50 ${formatNumber(steadyP50)} ms, p95 ${formatNumber(steadyP95)} ms (${formatNumber(median(ratios))}× naive scan); first tick with warm code p95 ${formatNumber(firstP95)} ms`,
        met: Math.max(steadyP95, firstP95) < TICK_TARGET_MS,
      },
      {
        target: `the same, first tick of a fresh process (cold code, once at start) < ${TICK_TARGET_MS} ms`,
        measured: `${formatNumber(evaluation.coldMs)} ms (one sample)`,
        met: evaluation.coldMs < TICK_TARGET_MS,
      },
      {
        target: `breaker transition → webhook delivery p95 < ${DELIVERY_TARGET_MS} ms (issue 6)`,
        measured:
          firingTotals.length === 0
            ? `no firing payload arrived (${d.missedFiring} missed)`
            : `p95 ${formatNumber(percentile(firingTotals, 0.95))} ms, p50 ${formatNumber(percentile(firingTotals, 0.5))} ms over ${firingTotals.length}${d.missedFiring ? ` (+${d.missedFiring} missed)` : ''}`,
        met:
          firingTotals.length === 0
            ? null
            : d.missedFiring === 0 && percentile(firingTotals, 0.95) < DELIVERY_TARGET_MS,
      },
    ];
    return {
      tables: [evalTable, deliveryTable],
      checks,
      data: {
        load: { atStart: loadAtStart, afterEvaluation: loadAfterEvaluation, afterDelivery: loadAfterDelivery },
        evaluation,
        delivery,
      },
    };
  },
};
