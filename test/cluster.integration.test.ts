import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { saga } from '@faultline/instrumentation';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertmanagerWebhookPayload } from '../apps/dashboard/server/alerts/alertmanagerPayload';
import { type RunningDashboard, startDashboard } from './support/dashboard';
import { type RunningPostgres, startPostgres } from './support/postgres';
import { startRecoveringOrderService } from './support/recoveringService';
import { type RunningRedis, startRedis } from './support/redis';
import { getJson, waitFor } from './support/waitFor';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhookReceiver';

/**
 * Issue 8: two dashboard instances share a real PostgreSQL and a real Redis
 * (Debian packages, throwaway servers on loopback). Telemetry goes to one
 * instance; a browser connected to the other sees it live. One instance holds
 * the alert-evaluator lease; SIGKILL it mid-incident and the other takes over
 * within the lease time: the firing notification the dead instance decided
 * but could not deliver (the receiver was down) is delivered from the outbox,
 * the resolution is sent once, and nothing is sent twice.
 */
const LEASE_MS = 3000;

interface Health {
  cluster?: { instanceId: string; alertEvaluator: boolean };
}

describe('several dashboard instances: PostgreSQL + socket.io Redis adapter', () => {
  let pg: RunningPostgres;
  let redis: RunningRedis;
  let receiver: WebhookReceiver;
  let a: RunningDashboard;
  let b: RunningDashboard;
  const sockets: Socket[] = [];

  const evaluator = async (d: RunningDashboard) => (await getJson<Health>(`${d.url}/api/health`)).cluster;

  beforeAll(async () => {
    [pg, redis, receiver] = await Promise.all([startPostgres(), startRedis(), startWebhookReceiver()]);
    const databaseUrl = await pg.createDatabase();
    const dir = mkdtempSync(path.join(tmpdir(), 'faultline-cluster-'));
    const rulesFile = path.join(dir, 'faultline.alerts.yaml');
    writeFileSync(
      rulesFile,
      [
        'rules:',
        '  - name: payment-breaker-open',
        '    kind: breaker_open',
        '    selector: { dependency: payment-service }',
        '    severity: critical',
        '    channels:',
        `      - { type: webhook, url: "${receiver.url}/api/v2/alerts" }`,
        '  - name: checkout-compensations',
        '    kind: saga_compensation_rate',
        '    selector: { saga: checkout }',
        '    threshold: 0.5',
        '    severity: warning',
        '',
      ].join('\n'),
    );
    const env = (id: string) => ({
      REDIS_URL: redis.url,
      FAULTLINE_INSTANCE_ID: id,
      FAULTLINE_LEASE_MS: String(LEASE_MS),
      FAULTLINE_ALERTS_FILE: rulesFile,
    });
    // A first, so it is the one holding the lease (and the one killed later).
    a = await startDashboard({ ui: false, databaseUrl, env: env('dash-a') });
    await waitFor(async () => (await evaluator(a))?.alertEvaluator, { what: 'dash-a to hold the evaluator lease' });
    b = await startDashboard({ ui: false, databaseUrl, env: env('dash-b') });
  }, 120_000);

  afterAll(async () => {
    for (const s of sockets) s.close();
    await Promise.allSettled([a?.stop(), b?.stop()]);
    await Promise.allSettled([pg?.stop(), redis?.stop(), receiver?.close()]);
  });

  const subscribe = async (d: RunningDashboard, topics: string[]) => {
    const socket = connect(d.url, { transports: ['websocket'] });
    sockets.push(socket);
    const events: { event: string; payload: unknown }[] = [];
    socket.onAny((event: string, payload: unknown) => events.push({ event, payload }));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    socket.emit('subscribe', topics);
    return events;
  };

  it('runs on PostgreSQL, with exactly one alert evaluator', async () => {
    expect(a.databaseUrl).toMatch(/^postgresql:\/\//);
    expect(await evaluator(a)).toEqual({ instanceId: 'dash-a', alertEvaluator: true });
    expect(await evaluator(b)).toEqual({ instanceId: 'dash-b', alertEvaluator: false });
  });

  it('alerts fire once; when the evaluator dies the other instance takes over and resolves once', async () => {
    // A browser on instance A; telemetry only ever reaches instance B.
    const onA = await subscribe(a, ['topology', 'breakers']);
    const svc = await startRecoveringOrderService(b.url, { openDurationMs: 1500 });
    try {
      expect(await svc.calls(10)).toBe(10);

      // Live on A: the edge B ingested arrives through the peer sync and A's own feed.
      await waitFor(
        () => onA.some((e) => e.event.startsWith('topology') && JSON.stringify(e.payload).includes('order-service')),
        {
          what: 'a topology message on instance A naming order-service (ingested by B)',
          timeoutMs: 20_000,
        },
      );
      const edgeOnA = await waitFor(
        async () => {
          const t = await getJson<{ edges: { source: string; target: string; breaker: { state: string } | null }[] }>(
            `${a.url}/api/topology`,
          );
          return t.edges.find((e) => e.source === 'order-service' && e.target === 'payment-service');
        },
        { what: 'the order → payment edge in instance A’s API' },
      );
      expect(edgeOnA.breaker?.state).toBe('closed');

      // The receiver is down when the breaker opens on B's side; A's browser hears the transition through Redis.
      receiver.respondWith(503);
      await svc.open();
      await waitFor(
        () => onA.some((e) => e.event === 'breaker:transition' && (e.payload as { to?: string } | null)?.to === 'open'),
        { what: 'the breaker transition pushed to a browser on instance A', timeoutMs: 20_000 },
      );

      // Sagas are assembled by B too; A's saga rules see them through the peer link.
      const checkout = saga('checkout', [
        { name: 'reserve-stock', action: async () => 'reserved', compensate: async () => undefined },
        {
          name: 'charge-payment',
          action: async () => {
            throw new Error('declined');
          },
        },
      ]);
      for (let i = 0; i < 3; i++) expect((await checkout.run({ order: i })).status).toBe('compensated');
      const sagaAlert = await waitFor(
        async () =>
          (
            await getJson<{ active: { labels: Record<string, string>; state: string }[] }>(`${a.url}/api/alerts`)
          ).active.find((x) => x.labels.alertname === 'checkout-compensations' && x.state === 'firing'),
        { what: 'the saga compensation alert on dash-a, from sagas dash-b ingested', timeoutMs: 30_000 },
      );
      expect(sagaAlert.labels.saga).toBe('checkout');

      // A evaluates (it holds the lease) from the rollups B shared, decides to notify, and keeps retrying.
      const attempt = await waitFor(() => webhooks('any').find((p) => p.status === 'firing'), {
        what: 'dash-a trying to deliver the firing notification',
        timeoutMs: 30_000,
      });
      expect(attempt.alerts[0]?.labels).toMatchObject({ alertname: 'payment-breaker-open', service: 'order-service' });
      expect(attempt.externalURL, 'decided by the lease holder, dash-a').toBe(a.url);

      // The evaluator dies mid-delivery without a word; the receiver comes back, and the dependency heals
      // while nobody evaluates. Nothing may be lost: the firing A decided and the resolution B sees.
      const killedAt = Date.now();
      await a.kill();
      receiver.respondWith(200);
      const recovered = svc.recover();
      await waitFor(async () => (await evaluator(b))?.alertEvaluator, {
        what: 'dash-b to take over the evaluator lease',
        timeoutMs: 4 * LEASE_MS,
        intervalMs: 50,
      });
      const takeoverMs = Date.now() - killedAt;
      // Expiry plus at most one renewal interval, plus polling slack.
      expect(takeoverMs).toBeLessThan(LEASE_MS + LEASE_MS / 3 + 1500);
      await recovered;
      await waitFor(() => webhooks('delivered').find((p) => p.status === 'resolved'), {
        what: 'the resolved notification from the new evaluator',
        timeoutMs: 30_000,
      });
      // Two more evaluation ticks: nothing is sent again.
      await new Promise((r) => setTimeout(r, 11_000));
      const delivered = webhooks('delivered');
      expect(delivered.map((p) => p.status)).toEqual(['firing', 'resolved']);
      expect(delivered[0]?.externalURL, 'the firing A decided, delivered from the outbox').toBe(a.url);
      expect(delivered[1]?.externalURL, 'the resolution, decided by the new holder').toBe(b.url);
      const firstDelivery = receiver.received.find((r) => r.status === 200);
      expect(firstDelivery!.atMs).toBeGreaterThan(killedAt);
    } finally {
      await svc.shutdown();
    }
  }, 120_000);

  /** Payloads the receiver got: every attempt, or only those it accepted. */
  function webhooks(which: 'any' | 'delivered'): AlertmanagerWebhookPayload[] {
    return receiver.received
      .filter((r) => which === 'any' || r.status === 200)
      .map((r) => r.body as AlertmanagerWebhookPayload);
  }
});
