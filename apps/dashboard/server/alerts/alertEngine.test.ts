import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { AlertEngine, type AlertNotification } from './alertEngine';
import type { AlertmanagerWebhookPayload } from './alertmanagerPayload';
import type { AlertSnapshot } from './alertTypes';
import { MemoryInstanceRepository, MemoryRuleRepository, MemorySilenceRepository } from './memoryAlertRepository';
import type { AlertRule } from './ruleSchema';
import { edge, rule, snapshot } from './testSnapshots';
import { WebhookSender } from './webhookSender';

const T0 = 1_767_225_600_000;

function setup(
  rules: AlertRule[],
  repos = { instances: new MemoryInstanceRepository(), silences: new MemorySilenceRepository() },
  onNotify: (n: AlertNotification) => void = () => {},
) {
  let now = T0;
  const sent: AlertNotification[] = [];
  const engine = new AlertEngine({
    rules: new MemoryRuleRepository(rules),
    instances: repos.instances,
    silences: repos.silences,
    notify: (n) => {
      sent.push(n);
      onNotify(n);
    },
    clock: { now: () => now },
    externalUrl: 'http://faultline.test:3000',
  });
  return {
    engine,
    sent,
    repos,
    at: (seconds: number) => {
      now = T0 + seconds * 1000;
    },
  };
}

const breakerState = (state: 'open' | 'closed') =>
  snapshot({ edges: [edge('order', 'payment', { breaker: { name: 'payment-cb', state } })] });

const webhookRule = (url: string) =>
  rule({
    name: 'payment breaker open',
    kind: 'breaker_open',
    selector: { service: 'order', dependency: 'payment' },
    forSeconds: 30,
    severity: 'critical',
    annotations: { summary: '{{service}} → {{dependency}} breaker is {{valueText}}' },
    channels: [{ type: 'webhook', url, name: 'ops' }, { type: 'ui' }],
  });

describe('AlertEngine', () => {
  it('breaker opens → pending → firing; a loopback receiver gets a v4 payload, then a resolved one', async () => {
    const received: AlertmanagerWebhookPayload[] = [];
    const server = http.createServer((req, res) => {
      let text = '';
      req.on('data', (c) => {
        text += c;
      });
      req.on('end', () => {
        received.push(JSON.parse(text));
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v2/alerts`;
    const sender = new WebhookSender({ log: () => {} });
    const { engine, at } = setup([webhookRule(url)], undefined, (n) => {
      for (const w of n.webhooks) sender.enqueue(w.url, w.payload);
    });
    try {
      await engine.start();
      at(0);
      expect(engine.tick(breakerState('open')).transitions.map((t) => t.to)).toEqual(['pending']);
      at(30);
      const firing = engine.onBreakerTransition(breakerState('open'));
      expect(firing.transitions.map((t) => t.to)).toEqual(['firing']);
      await sender.drain();
      expect(received).toHaveLength(1);
      const p = received[0]!;
      expect(p).toMatchObject({
        version: '4',
        status: 'firing',
        receiver: 'ops',
        groupKey: '{}:{alertname="payment breaker open"}',
        externalURL: 'http://faultline.test:3000',
        truncatedAlerts: 0,
      });
      expect(p.alerts[0]).toMatchObject({
        status: 'firing',
        labels: { alertname: 'payment breaker open', service: 'order', dependency: 'payment', breaker: 'payment-cb' },
        annotations: { summary: 'order → payment breaker is open' },
        startsAt: new Date(T0 + 30_000).toISOString(),
        endsAt: '0001-01-01T00:00:00Z',
      });
      at(45);
      engine.tick(breakerState('open'));
      at(60);
      engine.tick(breakerState('closed'));
      await sender.drain();
      expect(received.map((r) => r.status)).toEqual(['firing', 'resolved']);
      expect(received[1]!.alerts[0]).toMatchObject({ status: 'resolved', endsAt: new Date(T0 + 60_000).toISOString() });
    } finally {
      server.close();
    }
  });

  it('groups a failing dependency and its three degraded callers into one notification', async () => {
    const r = rule({
      name: 'edge errors',
      kind: 'edge_error_rate',
      threshold: 0.2,
      channels: [{ type: 'webhook', url: 'http://hooks.test/' }],
    });
    const { engine, sent } = setup([r]);
    await engine.start();
    const snap: AlertSnapshot = snapshot({
      edges: [
        edge('order', 'payment', { errorRate: 0.9 }),
        edge('inventory', 'payment', { errorRate: 0.8 }),
        edge('user', 'order', { errorRate: 0.5 }),
        edge('user', 'profile', { errorRate: 0 }),
      ],
      cascade: {
        rootCauses: ['payment'],
        blastRadius: ['order', 'inventory', 'user'],
        path: ['user->order', 'order->payment', 'inventory->payment'],
        sentence: 'payment is failing',
      },
    });
    engine.tick(snap);
    expect(sent).toHaveLength(1);
    const n = sent[0]!;
    expect(n.group.rootCause).toBe('payment');
    expect(n.group.affectedServices).toEqual(['inventory', 'order', 'user']);
    expect(n.webhooks).toHaveLength(1);
    const payload = n.webhooks[0]!.payload;
    expect(payload.alerts).toHaveLength(3);
    expect(payload.groupLabels).toEqual({ root_cause: 'payment' });
    expect(payload.commonAnnotations).toMatchObject({
      root_cause: 'payment',
      cascade: 'payment is the root cause; affected: inventory, order, user',
    });
    // Still firing next tick: no new page.
    engine.tick(snap);
    expect(sent).toHaveLength(1);
    const views = engine.alerts();
    expect(views.every((v) => v.rootCause === 'payment' && v.group === '{}:{root_cause="payment"}')).toBe(true);
  });

  it('does not re-notify alerts that were firing before a restart, but announces their resolution', async () => {
    const repos = { instances: new MemoryInstanceRepository(), silences: new MemorySilenceRepository() };
    const r = rule({ kind: 'breaker_open' });
    const first = setup([r], repos);
    await first.engine.start();
    first.engine.tick(breakerState('open'));
    expect(first.sent).toHaveLength(1);
    await first.engine.flush();

    const second = setup([r], repos);
    await second.engine.start();
    second.at(10);
    second.engine.tick(breakerState('open'));
    expect(second.sent).toHaveLength(0);
    second.at(20);
    second.engine.tick(breakerState('closed'));
    expect(second.sent.map((n) => n.status)).toEqual(['resolved']);
    await second.engine.flush();
    expect(repos.instances.transitions.map((t) => `${t.from}->${t.to}`)).toEqual([
      'normal->firing',
      'firing->resolved',
    ]);
  });

  it('silenced alerts are not notified, nor is their resolution', async () => {
    const { engine, sent, repos, at } = setup([rule({ kind: 'breaker_open', labels: { team: 'payments' } })]);
    await repos.silences.save({
      id: 's1',
      matchers: [{ name: 'team', op: '=', value: 'payments' }],
      startsAtMs: T0,
      endsAtMs: T0 + 60_000,
      createdBy: 'test',
      comment: '',
    });
    await engine.start();
    engine.tick(breakerState('open'));
    expect(sent).toHaveLength(0);
    expect(engine.alerts()[0]).toMatchObject({ state: 'firing', silencedBy: 's1' });
    at(30);
    engine.tick(breakerState('closed'));
    expect(sent).toHaveLength(0);
    // After the silence ends a new firing is announced.
    at(61);
    engine.tick(breakerState('open'));
    expect(sent.map((n) => n.status)).toEqual(['firing']);
  });

  it('re-notifies a still-firing group after the repeat interval', async () => {
    const { engine, sent, at } = setup([rule({ kind: 'breaker_open' })]);
    await engine.start();
    engine.tick(breakerState('open'));
    at(3 * 3600);
    engine.tick(breakerState('open'));
    expect(sent).toHaveLength(1);
    at(4 * 3600);
    engine.tick(breakerState('open'));
    expect(sent).toHaveLength(2);
  });

  it('a throwing notifier or a failing database does not break evaluation', async () => {
    const errors: unknown[] = [];
    const instances = new MemoryInstanceRepository();
    instances.save = async () => {
      throw new Error('disk full');
    };
    const engine = new AlertEngine({
      rules: new MemoryRuleRepository([rule({ kind: 'breaker_open' })]),
      instances,
      notify: () => {
        throw new Error('socket gone');
      },
      clock: { now: () => T0 },
      externalUrl: 'http://x',
      onError: (e) => errors.push(e),
    });
    await engine.start();
    expect(engine.tick(breakerState('open')).transitions).toHaveLength(1);
    await engine.flush();
    expect(errors.map((e) => (e as Error).message)).toEqual(['socket gone', 'disk full']);
  });

  it('previews which instances a rule would produce', async () => {
    const { engine } = setup([]);
    await engine.start();
    const preview = engine.preview(rule({ kind: 'breaker_open', forSeconds: 60 }), breakerState('open'));
    expect(preview.matched).toBe(1);
    expect(preview.wouldAlert.map((i) => i.state)).toEqual(['pending']);
  });
});
