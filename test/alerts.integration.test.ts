import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertsResponse, AlertTransition, AlertView } from '../apps/dashboard/components/alerts/alertModel';
import { normalizeNotification } from '../apps/dashboard/components/alerts/alertModel';
import type { AlertmanagerWebhookPayload } from '../apps/dashboard/server/alerts/alertmanagerPayload';
import type { AlertRule } from '../apps/dashboard/server/alerts/ruleSchema';
import { type RunningDashboard, startDashboard } from './support/dashboard';
import { startRecoveringOrderService } from './support/recoveringService';
import { getJson, waitFor } from './support/waitFor';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhookReceiver';

/**
 * Issue 6 end to end: a real instrumented process exports through the OTel
 * SDK into the real dashboard; a breaker_open rule created over the HTTP API
 * goes pending then firing when the breaker opens, a real HTTP receiver on
 * loopback gets an Alertmanager v4 payload, and a resolved one after the
 * breaker closes again. Browsers on the `alerts` room get the notification.
 */
const RULE_NAME = 'payment breaker open';
const ZERO_TIME = '0001-01-01T00:00:00Z';
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

describe('alerts: breaker opens → pending → firing → webhook; recovery → resolved', () => {
  let dashboard: RunningDashboard;
  let receiver: WebhookReceiver;
  let socket: Socket | null = null;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    const dir = mkdtempSync(path.join(tmpdir(), 'faultline-alerts-'));
    dashboard = await startDashboard({
      ui: false,
      // No rule file: only the rules this test creates exist.
      env: { FAULTLINE_ALERTS_FILE: path.join(dir, 'faultline.alerts.yaml') },
    });
  });

  afterAll(async () => {
    socket?.close();
    await dashboard?.stop();
    await receiver?.close();
  });

  const post = (p: string, body: unknown) =>
    fetch(`${dashboard.url}${p}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('rejects an invalid rule with 400 naming each field', async () => {
    const res = await post('/api/alerts/rules', {
      name: 'bad',
      kind: 'edge_error_rate',
      threshold: 2,
      channels: [{ type: 'webhook', url: 'ftp://127.0.0.1/hook' }],
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errors: { field: string; message: string }[] };
    expect(body.errors.map((e) => e.field).sort()).toEqual(['channels.0.url', 'threshold']);
    expect(body.errors.find((e) => e.field === 'threshold')?.message).toMatch(/between 0 and 1/);

    const missing = await post('/api/alerts/rules', { name: 'no threshold', kind: 'edge_latency_p99' });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { errors: { field: string }[] }).errors[0]?.field).toBe('threshold');

    expect(await getJson<AlertRule[]>(`${dashboard.url}/api/alerts/rules`)).toEqual([]);
  });

  it('fires, notifies the webhook and the UI room, then resolves after recovery', async () => {
    const svc = await startRecoveringOrderService(dashboard.url, { openDurationMs: 1500 });
    try {
      // The edge exists with a closed breaker before the rule is created.
      expect(await svc.calls(10)).toBe(10);
      await waitFor(
        async () => {
          const t = await getJson<{ edges: { source: string; target: string; breaker: { state: string } | null }[] }>(
            `${dashboard.url}/api/topology`,
          );
          return t.edges.some((e) => e.source === 'order-service' && e.breaker?.state === 'closed');
        },
        { what: 'the order-service → payment-service edge with its breaker' },
      );

      const created = await post('/api/alerts/rules', {
        name: RULE_NAME,
        kind: 'breaker_open',
        selector: { service: 'order-service', dependency: 'payment-*' },
        forSeconds: 1,
        severity: 'critical',
        labels: { team: 'payments' },
        annotations: { summary: '{{service}} → {{dependency}} breaker is open' },
        channels: [{ type: 'webhook', url: `${receiver.url}/api/v2/alerts`, name: 'test-receiver' }, { type: 'ui' }],
      });
      expect(created.status).toBe(201);
      const rule = (await created.json()) as AlertRule;
      expect(rule).toMatchObject({ name: RULE_NAME, source: 'api', forSeconds: 1, threshold: null, enabled: true });

      // Preview: the rule matches the breaker, which is closed, so nothing would alert.
      const preview = await post('/api/alerts/rules/preview', { name: 'p', kind: 'breaker_open' });
      expect(preview.status).toBe(200);
      expect(await preview.json()).toMatchObject({ matched: 1, wouldAlert: [] });

      socket = connect(dashboard.url, { transports: ['websocket'] });
      const notifications: unknown[] = [];
      socket.on('alerts', (n: unknown) => notifications.push(n));
      await new Promise<void>((resolve, reject) => {
        socket?.once('connect', () => resolve());
        socket?.once('connect_error', reject);
      });
      socket.emit('subscribe', ['alerts']);

      // Open the breaker: the instance goes pending (forSeconds 1), then firing.
      const openedAt = Date.now();
      await svc.open();
      await svc.calls(3); // short-circuited
      const instanceOf = (r: AlertsResponse) => r.active.find((a) => a.ruleId === rule.id);
      const pending = await waitFor(
        async () => {
          const a = instanceOf(await getJson<AlertsResponse>(`${dashboard.url}/api/alerts`));
          return a && a.state !== 'resolved' ? a : undefined;
        },
        { what: 'the alert instance', intervalMs: 50 },
      );
      expect(pending.state).toBe('pending');
      expect(pending.labels).toMatchObject({
        alertname: RULE_NAME,
        severity: 'critical',
        service: 'order-service',
        dependency: 'payment-service',
        breaker: 'payments',
        team: 'payments',
      });
      const firing = await waitFor(
        async () => {
          const a = instanceOf(await getJson<AlertsResponse>(`${dashboard.url}/api/alerts`));
          return a?.state === 'firing' ? a : undefined;
        },
        { what: 'the alert to fire', timeoutMs: 20_000 },
      );
      expect(firing.firedAtMs! - firing.activeAtMs).toBeGreaterThanOrEqual(1000);
      expect(firing.annotations.summary).toBe('order-service → payment-service breaker is open');

      const history = (await getJson<AlertsResponse>(`${dashboard.url}/api/alerts`)).history.filter(
        (t: AlertTransition) => t.ruleId === rule.id,
      );
      expect(history.map((t) => `${t.from}→${t.to}`)).toEqual(
        expect.arrayContaining(['normal→pending', 'pending→firing']),
      );

      const firingHook = await waitFor(() => receiver.received.find((r) => isPayload(r.body, 'firing')), {
        what: 'the firing webhook',
      });
      const fired = firingHook.body as AlertmanagerWebhookPayload;
      expect(firingHook.path).toBe('/api/v2/alerts');
      expect(firingHook.headers['content-type']).toMatch(/application\/json/);
      expectV4Payload(fired, dashboard.url);
      expect(fired.status).toBe('firing');
      expect(fired.alerts).toHaveLength(1);
      const alert = fired.alerts[0]!;
      expect(alert.status).toBe('firing');
      expect(alert.labels).toMatchObject({
        alertname: RULE_NAME,
        service: 'order-service',
        dependency: 'payment-service',
      });
      expect(alert.annotations.summary).toBe('order-service → payment-service breaker is open');
      expect(alert.endsAt).toBe(ZERO_TIME);
      expect(alert.fingerprint).toBe(firing.fingerprint);
      expect(Date.parse(alert.startsAt)).toBeGreaterThanOrEqual(openedAt - 1000);
      expect(fired.commonLabels).toMatchObject({ alertname: RULE_NAME, team: 'payments' });
      console.log(`breaker opened → firing webhook in ${firingHook.atMs - openedAt} ms`);

      // The UI channel: the same notification on the socket.io `alerts` room.
      const uiFiring = await waitFor(
        () => notifications.map(normalizeNotification).find((n) => n?.status === 'firing'),
        { what: 'the firing notification on the alerts room' },
      );
      expect(uiFiring.alerts?.[0]?.labels.alertname).toBe(RULE_NAME);
      expect(uiFiring.groupKey).toBe(fired.groupKey);

      // Recovery: the dependency heals, the breaker half-opens, the probe succeeds, it closes.
      await svc.recover();
      const resolvedHook = await waitFor(() => receiver.received.find((r) => isPayload(r.body, 'resolved')), {
        what: 'the resolved webhook',
        timeoutMs: 20_000,
      });
      const resolved = resolvedHook.body as AlertmanagerWebhookPayload;
      expectV4Payload(resolved, dashboard.url);
      expect(resolved.groupKey).toBe(fired.groupKey);
      expect(resolved.alerts).toHaveLength(1);
      expect(resolved.alerts[0]).toMatchObject({
        status: 'resolved',
        fingerprint: alert.fingerprint,
        startsAt: alert.startsAt,
      });
      expect(resolved.alerts[0]!.endsAt).not.toBe(ZERO_TIME);
      expect(Date.parse(resolved.alerts[0]!.endsAt)).toBeGreaterThan(Date.parse(alert.startsAt));

      const after = instanceOf(await getJson<AlertsResponse>(`${dashboard.url}/api/alerts`)) as AlertView | undefined;
      if (after) expect(after.state).toBe('resolved');
      const allHistory = (await getJson<AlertsResponse>(`${dashboard.url}/api/alerts`)).history;
      expect(allHistory.some((t) => t.ruleId === rule.id && t.from === 'firing' && t.to === 'resolved')).toBe(true);

      // Exactly one firing and one resolved notification: no duplicates.
      expect(receiver.received.filter((r) => isPayload(r.body, 'firing'))).toHaveLength(1);
      expect(receiver.received.filter((r) => isPayload(r.body, 'resolved'))).toHaveLength(1);
    } finally {
      await svc.shutdown();
    }
  }, 90_000);
});

function isPayload(body: unknown, status: 'firing' | 'resolved'): boolean {
  return typeof body === 'object' && body !== null && (body as { status?: unknown }).status === status;
}

/** The fields every Alertmanager v4 webhook receiver relies on. */
function expectV4Payload(p: AlertmanagerWebhookPayload, dashboardUrl: string): void {
  expect(p.version).toBe('4');
  expect(p.receiver).toBe('test-receiver');
  expect(typeof p.groupKey).toBe('string');
  expect(p.groupKey.length).toBeGreaterThan(0);
  expect(p.groupLabels).toEqual(expect.any(Object));
  expect(p.commonLabels).toEqual(expect.any(Object));
  expect(p.commonAnnotations).toEqual(expect.any(Object));
  expect(p.externalURL).toBe(dashboardUrl);
  expect(p.truncatedAlerts).toBe(0);
  for (const a of p.alerts) {
    expect(Object.keys(a).sort()).toEqual(
      ['annotations', 'endsAt', 'fingerprint', 'generatorURL', 'labels', 'startsAt', 'status'].sort(),
    );
    expect(a.startsAt).toMatch(RFC3339);
    expect(a.endsAt === ZERO_TIME || RFC3339.test(a.endsAt)).toBe(true);
    expect(a.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(a.generatorURL.startsWith(dashboardUrl)).toBe(true);
  }
}
