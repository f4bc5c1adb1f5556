import { describe, expect, it } from 'vitest';
import { SagaAlertFeed } from './sagaAlertFeed';
import type { SagaRunSummary } from './sagaApiTypes';

const run = (id: string, status: SagaRunSummary['status'], endedAt: number | null, startedAt = 0): SagaRunSummary => ({
  id,
  name: 'checkout',
  status,
  service: 'order-service',
  services: ['order-service'],
  startedAt,
  endedAt,
  durationMs: endedAt === null ? null : endedAt - startedAt,
  traceId: null,
  failedStep: null,
  error: null,
});

describe('SagaAlertFeed', () => {
  it('counts finished runs per type in the window and tracks running ones until they end', () => {
    const feed = new SagaAlertFeed(60_000);
    feed.observe([run('a', 'running', null, 1000), run('b', 'compensated', 2000), run('c', 'completed', 3000)]);
    feed.observe([run('d', 'failed', 4000)]);
    expect(feed.snapshot(10_000)).toEqual({
      stats: [{ name: 'checkout', runs: 3, compensated: 1, failed: 1 }],
      running: [{ id: 'a', name: 'checkout', startedAtMs: 1000 }],
    });
    feed.observe([run('a', 'completed', 5000, 1000)]);
    expect(feed.snapshot(10_000).running).toEqual([]);
    // Outside the window, finished runs no longer count.
    expect(feed.snapshot(64_500).stats).toEqual([{ name: 'checkout', runs: 1, compensated: 0, failed: 0 }]);
  });
});
