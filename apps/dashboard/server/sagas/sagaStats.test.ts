import { describe, expect, it } from 'vitest';
import type { SagaRunRecord, SagaRunStatus } from './sagaRunRecord';
import { sagaStats } from './sagaStats';

function run(name: string, status: SagaRunStatus, startedAt: number, durationMs: number | null): SagaRunRecord {
  return {
    id: `${name}-${startedAt}-${Math.random()}`,
    name,
    status,
    startedAt,
    endedAt: durationMs === null ? null : startedAt + durationMs,
    traceId: '',
    services: [],
    steps: [],
  };
}

describe('sagaStats', () => {
  it('buckets runs per saga type by start time', () => {
    const rows = sagaStats(
      [
        run('checkout', 'completed', 0, 10),
        run('checkout', 'completed', 59_999, 10),
        run('checkout', 'completed', 60_000, 10),
        run('refund', 'completed', 5, 1),
      ],
      60_000,
    );
    expect(rows.map((r) => [r.name, r.bucketStartMs, r.runs])).toEqual([
      ['checkout', 0, 2],
      ['checkout', 60_000, 1],
      ['refund', 0, 1],
    ]);
  });

  it('computes compensation and failure rates over finished runs', () => {
    const [row] = sagaStats(
      [
        run('c', 'completed', 0, 10),
        run('c', 'completed', 0, 10),
        run('c', 'compensated', 0, 10),
        run('c', 'failed', 0, 10),
        run('c', 'running', 0, null),
        run('c', 'stuck', 0, null),
      ],
      1000,
    );
    expect(row).toMatchObject({ runs: 6, unfinished: 2, compensationRate: 0.5, failureRate: 0.25 });
  });

  it('computes nearest-rank duration percentiles of finished runs', () => {
    const runs = Array.from({ length: 100 }, (_, i) => run('c', 'completed', 0, i + 1));
    const [row] = sagaStats(runs, 1000);
    expect(row).toMatchObject({ p50Ms: 50, p95Ms: 95, p99Ms: 99 });
    const [single] = sagaStats([run('c', 'compensated', 0, 7)], 1000);
    expect(single).toMatchObject({ p50Ms: 7, p95Ms: 7, p99Ms: 7 });
  });

  it('has null rates and percentiles when nothing finished', () => {
    const [row] = sagaStats([run('c', 'running', 0, null)], 1000);
    expect(row).toMatchObject({
      runs: 1,
      unfinished: 1,
      compensationRate: null,
      failureRate: null,
      p50Ms: null,
      p99Ms: null,
    });
  });

  it('rejects a bucket size ≤ 0', () => {
    expect(() => sagaStats([], 0)).toThrow('bucketMs');
  });
});
