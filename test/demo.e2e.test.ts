import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mode } from '../apps/demo/src/config.js';
import type { LoadCounts } from '../apps/demo/src/load/loadGenerator.js';
import type { RunningServices } from '../apps/demo/src/processes.js';
import type { RunningDashboard } from './support/dashboard.js';
import { playShortAfternoon, RECOVERY_SECONDS, startDemo } from './support/demoScenario.js';
import { getJson, waitFor } from './support/waitFor.js';

/**
 * The reference incident, shortened to seconds: the real dashboard (API
 * only), the six demo services as separate processes and the load generator,
 * once per mode. Assertions read the API a person's screen is drawn from.
 * Scale and phases: see support/demoScenario.ts.
 */

interface Service {
  name: string;
  health: 'healthy' | 'degraded' | 'failing';
  ownHealth: 'healthy' | 'degraded' | 'failing';
  reasons: string[];
}
interface Edge {
  source: string;
  target: string;
  calls: number;
  errorRate: number;
  p99Ms: number | null;
  outcomes: Record<'success' | 'failure' | 'timeout' | 'short_circuited' | 'bulkhead_rejected', number>;
  breaker: { name: string; state: string } | null;
  retryAmplification: number | null;
  inflight: number | null;
  blockedShare: number | null;
}
interface Topology {
  services: Service[];
  edges: Edge[];
  cascade: { rootCauses: string[]; blastRadius: string[]; sentence: string };
}
interface BulkheadRow {
  service: string;
  name: string;
  saturation: number | null;
  saturatedShare: number;
  rejectionsPerSec: number;
}
interface BreakerTransition {
  from: string | null;
  to: string;
}

interface AlertTransition {
  ruleName: string;
  from: string;
  to: string;
  atMs: number;
  labels: Record<string, string>;
}
interface AlertInstance {
  ruleName: string;
  state: 'pending' | 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  firedAtMs: number | null;
  resolvedAtMs: number | null;
  /** `file`: loaded from FAULTLINE_ALERTS_FILE, here the demo's faultline.alerts.yaml. */
  source: 'api' | 'file' | null;
}
interface Alerts {
  active: AlertInstance[];
  history: AlertTransition[];
}

interface Scenario {
  dashboard: RunningDashboard;
  services: RunningServices;
  load: LoadCounts;
  /** Breaker states seen on order → payment while the load ran. */
  breakerStates: Set<string>;
  spike: { fromMs: number; toMs: number };
}

/** Unprotected: normal traffic and the spike. Protected: then a few seconds of normal traffic, to recover. */
async function runScenario(mode: Mode): Promise<Scenario> {
  const demo = await startDemo(mode, { ui: false });
  const { dashboard, services } = demo;
  try {
    const breakerStates = new Set<string>();
    const watching = setInterval(() => {
      getJson<Topology>(`${dashboard.url}/api/topology`)
        .then((t) => {
          const state = edge(t, 'order-service', 'payment-service')?.breaker?.state;
          if (state) breakerStates.add(state);
        })
        .catch(() => {});
    }, 500);
    const afternoon = playShortAfternoon(services, { recoverySeconds: mode === 'protected' ? RECOVERY_SECONDS : 0 });
    const load = await afternoon.done.finally(() => clearInterval(watching));
    return { dashboard, services, load, breakerStates, spike: afternoon.spike };
  } catch (error) {
    await demo.stop();
    throw error;
  }
}

async function stopScenario(s: Scenario | undefined): Promise<void> {
  if (!s) return;
  await s.services.stop();
  await s.dashboard.stop();
}

function edge(t: Topology, source: string, target: string): Edge | undefined {
  return t.edges.find((e) => e.source === source && e.target === target);
}

function service(t: Topology, name: string): Service {
  const s = t.services.find((x) => x.name === name);
  if (!s) throw new Error(`${name} is not on the map: ${t.services.map((x) => x.name).join(', ')}`);
  return s;
}

/** One line per mode in the test output: what the map said. */
function summary(mode: Mode, s: Scenario, t: Topology): string {
  const edges = ['user-service>order-service', 'order-service>payment-service'].map((k) => {
    const [a = '', b = ''] = k.split('>');
    const e = edge(t, a, b);
    return `${k}: p99 ${e?.p99Ms} ms, uncontained ${e ? uncontainedRate(e).toFixed(3) : '?'}, short-circuited ${e?.outcomes.short_circuited}, blocked ${e?.blockedShare}, retries ×${e?.retryAmplification}`;
  });
  return `[${mode}] load ${JSON.stringify(s.load)} · ${t.cascade.sentence} · ${edges.join(' · ')} · ${t.services.map((x) => `${x.name}=${x.health}/${x.ownHealth}`).join(' ')}`;
}

function uncontainedRate(e: Edge): number {
  return e.calls > 0 ? (e.outcomes.failure + e.outcomes.timeout) / e.calls : 0;
}

/** What the map shows, once the last metric export has landed. */
async function settledTopology(url: string, ready: (t: Topology) => boolean, what: string): Promise<Topology> {
  return waitFor(
    async () => {
      const t = await getJson<Topology>(`${url}/api/topology`);
      return ready(t) ? t : null;
    },
    { timeoutMs: 15_000, intervalMs: 500, what },
  );
}

describe('demo: unprotected, the cascade spreads', () => {
  let s: Scenario | undefined;
  let topology: Topology;
  beforeAll(async () => {
    s = await runScenario('unprotected');
    topology = await settledTopology(
      s.dashboard.url,
      (t) => {
        const names = t.services.filter((x) => x.health !== 'healthy').map((x) => x.name);
        return ['payment-service', 'order-service', 'user-service'].every((n) => names.includes(n));
      },
      'payment, order and user services all unhealthy',
    ).catch(async (error) => {
      const t = await getJson<Topology>(`${s!.dashboard.url}/api/topology`);
      throw new Error(`${(error as Error).message}\n${JSON.stringify(t.services, null, 1)}`);
    });
    console.info(summary('unprotected', s, topology));
  }, 120_000);
  afterAll(() => stopScenario(s), 60_000);

  it('customers see errors', () => {
    expect(s!.load.errors / s!.load.sent).toBeGreaterThan(0.05);
  });

  it('traces the failure back to payment and shows its callers dragged down', () => {
    const { cascade } = topology;
    expect(
      cascade.rootCauses.some((r) => r === 'payment-service' || r === 'payment-db'),
      cascade.sentence,
    ).toBe(true);
    expect(cascade.blastRadius, cascade.sentence).toEqual(expect.arrayContaining(['order-service', 'user-service']));
    expect(service(topology, 'order-service').health).not.toBe('healthy');
    expect(service(topology, 'user-service').health).not.toBe('healthy');
  });

  it('shows callers blocked on payment: slow calls, retries, in-flight requests waiting', () => {
    const orderToPayment = edge(topology, 'order-service', 'payment-service')!;
    const userToOrder = edge(topology, 'user-service', 'order-service')!;
    expect(orderToPayment.breaker?.state ?? 'none').not.toBe('open');
    expect(orderToPayment.p99Ms ?? 0).toBeGreaterThanOrEqual(1000);
    expect(userToOrder.p99Ms ?? 0).toBeGreaterThanOrEqual(1000);
    expect(userToOrder.blockedShare ?? 0).toBeGreaterThanOrEqual(0.5);
    expect(userToOrder.retryAmplification ?? 1).toBeGreaterThan(1);
  });

  it('shows payment’s database pool saturated', async () => {
    const rows = await getJson<BulkheadRow[]>(`${s!.dashboard.url}/api/bulkheads`);
    const pool = rows.find((r) => r.service === 'payment-service' && r.name === 'db-pool');
    expect(pool, JSON.stringify(rows)).toBeDefined();
    expect(pool!.saturatedShare).toBeGreaterThan(0);
  });
});

const BREAKER_RULE = 'payment-breaker-open';

describe('demo: protected, the spike stays contained to payment', () => {
  let s: Scenario | undefined;
  let topology: Topology;
  /** The alerts once payment has recovered: the breaker closed again and its alert resolved. */
  let alerts: Alerts;
  beforeAll(async () => {
    s = await runScenario('protected');
    topology = await settledTopology(
      s.dashboard.url,
      (t) => (edge(t, 'order-service', 'payment-service')?.outcomes.short_circuited ?? 0) > 0,
      'short-circuited calls to payment-service',
    );
    const url = s.dashboard.url;
    alerts = await waitFor(
      async () => {
        const a = await getJson<Alerts>(`${url}/api/alerts`);
        const breaker = a.active.filter((x) => x.ruleName === BREAKER_RULE);
        return breaker.length > 0 && breaker.every((x) => x.state === 'resolved') ? a : null;
      },
      // keepFiringForSeconds (5 s) after the breaker closes, evaluated on the engine's 5 s tick.
      { timeoutMs: 30_000, intervalMs: 500, what: `${BREAKER_RULE} resolved after the recovery` },
    ).catch(async (error) => {
      const a = await getJson<Alerts>(`${url}/api/alerts`).catch(() => null);
      throw new Error(`${(error as Error).message}\n${JSON.stringify(a?.active, null, 1)}`);
    });
    console.info(summary('protected', s, topology));
    console.info(
      `[protected] alerts (ms from spike start): ${alerts.history
        .map((h) => `${h.ruleName} ${h.from}→${h.to} @${h.atMs - s!.spike.fromMs}`)
        .reverse()
        .join(' · ')}`,
    );
  }, 150_000);
  afterAll(() => stopScenario(s), 60_000);

  it('opens the payment breaker', async () => {
    const transitions = await getJson<BreakerTransition[]>(`${s!.dashboard.url}/api/breakers/payment/transitions`);
    expect(transitions.some((t) => t.to === 'open') || s!.breakerStates.has('open'), JSON.stringify(transitions)).toBe(
      true,
    );
    expect(edge(topology, 'order-service', 'payment-service')!.outcomes.short_circuited).toBeGreaterThan(100);
  });

  it('blames payment alone and keeps its callers healthy', () => {
    const { cascade } = topology;
    expect(cascade.rootCauses, cascade.sentence).toContain('payment-service');
    expect(service(topology, 'payment-service').ownHealth).not.toBe('healthy');
    for (const name of ['user-service', 'order-service', 'profile-service', 'inventory-service', 'email-service']) {
      expect(service(topology, name).ownHealth, `${name}: ${service(topology, name).reasons.join('; ')}`).toBe(
        'healthy',
      );
    }
    const userToOrder = edge(topology, 'user-service', 'order-service')!;
    expect(uncontainedRate(userToOrder)).toBeLessThan(0.05);
    expect(userToOrder.p99Ms ?? 0).toBeLessThan(1000);
  });

  it('answers customers quickly: cancelled orders, not errors', () => {
    expect(s!.load.errors / s!.load.sent).toBeLessThan(0.05);
    expect(s!.load.cancelled).toBeGreaterThan(s!.load.sent * 0.2);
  });

  it('compensates the checkouts payment could not complete', async () => {
    const page = await getJson<{ runs: { name: string; status: string; failedStep: string | null }[] }>(
      `${s!.dashboard.url}/api/sagas?status=compensated&name=checkout`,
    );
    const compensated = page.runs.filter((r) => r.name === 'checkout' && r.status === 'compensated');
    expect(compensated.length, JSON.stringify(page).slice(0, 500)).toBeGreaterThan(0);
    expect(compensated.map((r) => r.failedStep)).toContain('charge-payment');
    // Compensated to the end: no checkout left half done.
    const failed = await getJson<{ runs: unknown[] }>(`${s!.dashboard.url}/api/sagas?status=failed&name=checkout`);
    expect(failed.runs).toEqual([]);
  });

  it('fires the shipped "payment breaker open" alert while payment is exhausted', () => {
    const fired = alerts.history.filter(
      (h) =>
        h.ruleName === BREAKER_RULE &&
        h.to === 'firing' &&
        h.labels.service === 'order-service' &&
        h.labels.dependency === 'payment-service',
    );
    expect(fired.length, JSON.stringify(alerts.history)).toBeGreaterThan(0);
    const { fromMs, toMs } = s!.spike;
    expect(fired.some((h) => h.atMs >= fromMs && h.atMs <= toMs)).toBe(true);
  });

  it('resolves it once payment has recovered and the breaker has closed', async () => {
    const [instance] = alerts.active.filter((x) => x.ruleName === BREAKER_RULE);
    expect(instance?.labels).toMatchObject({ service: 'order-service', dependency: 'payment-service' });
    expect(instance?.source).toBe('file');
    expect(instance?.state).toBe('resolved');
    expect(instance?.resolvedAtMs ?? 0).toBeGreaterThan(s!.spike.toMs);
    expect(instance?.annotations.summary).toMatch(
      /^order-service stopped calling payment-service: breaker payment is /,
    );
    const last = alerts.history.find((h) => h.ruleName === BREAKER_RULE);
    expect(last?.to).toBe('resolved');
    const now = await getJson<Topology>(`${s!.dashboard.url}/api/topology`);
    expect(edge(now, 'order-service', 'payment-service')?.breaker?.state).toBe('closed');
  });
});
