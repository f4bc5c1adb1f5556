import { beforeAll, describe, expect, it } from 'vitest';
import type { StoreClient } from '../store/storeClient';
import { STORE_PROVIDERS, testDatabases } from '../store/testDatabases';
import { AlertEngine, type AlertNotification } from './alertEngine';
import { PrismaInstanceRepository, PrismaRuleRepository, PrismaSilenceRepository } from './prismaAlertRepository';
import { edge, rule, snapshot } from './testSnapshots';

const T0 = 1_767_225_600_000;
let prisma: StoreClient;

describe.each(STORE_PROVIDERS)('Prisma alert repositories on %s', (provider) => {
  const databases = testDatabases(provider);
  beforeAll(async () => {
    ({ client: prisma } = await databases.migratedClient());
  });

  it('round-trips rules, including fields kept in the condition JSON', async () => {
    const repo = new PrismaRuleRepository(prisma, { now: () => T0 });
    const r = rule({
      name: 'stored',
      kind: 'edge_latency_p99',
      threshold: 1500,
      forSeconds: 12.5,
      keepFiringForSeconds: 60,
      paused: true,
      selector: { service: 'order-*' },
      labels: { team: 'core' },
      annotations: { summary: '{{service}} slow' },
      channels: [{ type: 'webhook', url: 'https://hooks.example.com/x', name: 'ops' }],
    });
    await repo.save(r);
    expect(await repo.get(r.id)).toEqual(r);
    await repo.replaceFileRules([
      { ...rule({ name: 'from file', kind: 'breaker_open' }), id: 'file:from file', source: 'file' },
    ]);
    expect((await repo.list()).map((x) => [x.id, x.source])).toEqual([
      [r.id, 'api'],
      ['file:from file', 'file'],
    ]);
    await repo.replaceFileRules([]);
    expect((await repo.list()).map((x) => x.id)).toEqual([r.id]);
    expect(await repo.delete(r.id)).toBe(true);
    expect(await repo.delete(r.id)).toBe(false);
  });

  it('an engine restarted on the same database does not re-notify, and keeps history', async () => {
    const rules = new PrismaRuleRepository(prisma);
    const r = rule({ name: 'restart', kind: 'breaker_open', forSeconds: 0 });
    await rules.save(r);
    const open = snapshot({ edges: [edge('order', 'payment', { breaker: { name: 'cb', state: 'open' } })] });
    const closed = snapshot({ edges: [edge('order', 'payment', { breaker: { name: 'cb', state: 'closed' } })] });
    const make = (sent: AlertNotification[], now: number) =>
      new AlertEngine({
        rules,
        instances: new PrismaInstanceRepository(prisma),
        silences: new PrismaSilenceRepository(prisma),
        notify: (n) => sent.push(n),
        clock: { now: () => now },
        externalUrl: 'http://x',
      });
    const sentBefore: AlertNotification[] = [];
    const before = make(sentBefore, T0);
    await before.start();
    before.tick(open);
    await before.flush();
    expect(sentBefore).toHaveLength(1);

    const sentAfter: AlertNotification[] = [];
    const after = make(sentAfter, T0 + 10_000);
    await after.start();
    expect(after.alerts().map((a) => [a.state, a.notifiedState])).toEqual([['firing', 'firing']]);
    after.tick(open);
    expect(sentAfter).toHaveLength(0);
    after.tick(closed);
    await after.flush();
    expect(sentAfter.map((n) => n.status)).toEqual(['resolved']);
    const history = await new PrismaInstanceRepository(prisma).history({ ruleId: r.id });
    expect(history.map((t) => `${t.from}->${t.to}`)).toEqual(['firing->resolved', 'normal->firing']);
  });

  it('stores silences', async () => {
    const repo = new PrismaSilenceRepository(prisma, () => T0);
    const s = {
      id: 's1',
      matchers: [{ name: 'team', op: '=~' as const, value: 'pay.*' }],
      startsAtMs: T0,
      endsAtMs: T0 + 60_000,
      createdBy: 'me',
      comment: 'deploy',
    };
    await repo.save(s);
    expect(await repo.list()).toEqual([s]);
    expect(await repo.delete('s1')).toBe(true);
  });
});
