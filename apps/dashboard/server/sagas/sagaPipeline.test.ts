import { beforeAll, describe, expect, it } from 'vitest';
import type { Attributes, IngestSpan } from '../ingest/telemetry';
import type { StoreClient } from '../store/storeClient';
import { STORE_PROVIDERS, testDatabases } from '../store/testDatabases';
import { SagaPipeline, stuckAfterMsFromEnv } from './sagaPipeline';
import { PrismaSagaRepository, type SagaRepository } from './sagaRepository';
import { T0 } from './sagaTestRecords';

let prisma: StoreClient;
let repo: PrismaSagaRepository;

let nextSpan = 1;
function span(
  service: string,
  name: string,
  start: number,
  end: number,
  attributes: Attributes,
  error?: string,
): IngestSpan {
  return {
    resource: { service, instance: null, attributes: { 'service.name': service } },
    scope: '@faultline/instrumentation',
    traceId: 'ab'.repeat(16),
    spanId: (nextSpan++).toString(16).padStart(16, '0'),
    parentSpanId: null,
    name,
    kind: 1,
    startTimeMs: start,
    endTimeMs: end,
    statusCode: error ? 2 : 0,
    statusMessage: error ?? '',
    attributes,
    events: [],
  };
}
const sagaAttrs = (id: string) => ({ 'resilience.saga.id': id, 'resilience.saga.name': 'checkout' });
const stepSpan = (
  id: string,
  service: string,
  name: string,
  index: number,
  kind: string,
  start: number,
  error?: string,
) =>
  span(
    service,
    `${kind === 'action' ? 'step' : 'compensate'} ${name}`,
    start,
    start + 50,
    {
      ...sagaAttrs(id),
      'resilience.saga.step.name': name,
      'resilience.saga.step.index': index,
      'resilience.saga.step.kind': kind,
      'resilience.saga.step.status': error ? 'failed' : 'completed',
    },
    error,
  );

describe.each(STORE_PROVIDERS)('SagaPipeline on %s', (provider) => {
  const databases = testDatabases(provider);
  beforeAll(async () => {
    ({ client: prisma } = await databases.migratedClient());
    repo = new PrismaSagaRepository(prisma);
  });

  it('persists runs as they grow, reports stuck ones and completes them when the root arrives', async () => {
    const pipeline = new SagaPipeline({ repository: repo, stuckAfterMs: 60_000 });
    pipeline.ingest([stepSpan('p1', 'inventory', 'reserve', 0, 'action', T0)]);
    expect(await pipeline.tick(T0 + 1000)).toEqual([expect.objectContaining({ id: 'p1', status: 'running' })]);
    expect(await pipeline.tick(T0 + 2000)).toEqual([]);

    const stuck = await pipeline.tick(T0 + 61_000);
    expect(stuck).toEqual([expect.objectContaining({ id: 'p1', status: 'stuck', endedAt: null })]);
    expect((await repo.get('p1'))?.status).toBe('stuck');

    pipeline.ingest([
      stepSpan('p1', 'payment', 'charge', 1, 'action', T0 + 100, 'declined'),
      stepSpan('p1', 'inventory', 'reserve', 0, 'compensation', T0 + 200),
      span('order', 'saga checkout', T0 - 5, T0 + 300, { ...sagaAttrs('p1'), 'resilience.saga.status': 'compensated' }),
    ]);
    const done = await pipeline.tick(T0 + 62_000);
    expect(done).toEqual([
      expect.objectContaining({
        id: 'p1',
        status: 'compensated',
        failedStep: 'charge',
        error: 'declined',
        service: 'order',
      }),
    ]);
    const stored = await repo.get('p1');
    expect(stored?.steps.map((s) => `${s.kind}:${s.name}@${s.service}`)).toEqual([
      'action:reserve@inventory',
      'action:charge@payment',
      'compensation:reserve@inventory',
    ]);
    expect(stored?.services).toEqual(['order', 'inventory', 'payment']);
  });

  it('marks runs a previous process left running as stuck', async () => {
    await repo.save(
      [
        {
          id: 'orphan',
          name: 'checkout',
          status: 'running',
          startedAt: T0,
          endedAt: null,
          traceId: '',
          services: ['a'],
          steps: [],
        },
      ],
      T0,
    );
    const pipeline = new SagaPipeline({ repository: repo, stuckAfterMs: 1000 });
    const changed = await pipeline.tick(T0 + 5000);
    expect(changed).toContainEqual(expect.objectContaining({ id: 'orphan', status: 'stuck' }));
  });

  it('keeps runs the database refused and writes them at the next tick', async () => {
    let fail = true;
    const errors: unknown[] = [];
    const flaky: SagaRepository = {
      save: (records, now) => (fail ? Promise.reject(new Error('disk full')) : repo.save(records, now)),
      list: (f) => repo.list(f),
      get: (id) => repo.get(id),
      stats: (q) => repo.stats(q),
      markStuck: (b, n) => repo.markStuck(b, n),
      prune: (b) => repo.prune(b),
    };
    const pipeline = new SagaPipeline({ repository: flaky, stuckAfterMs: 600_000, onError: (e) => errors.push(e) });
    pipeline.ingest([stepSpan('retry-me', 'inventory', 'reserve', 0, 'action', T0)]);
    expect(await pipeline.tick(T0 + 1000)).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(pipeline.stats().queuedRuns).toBe(1);
    fail = false;
    expect(await pipeline.tick(T0 + 2000)).toEqual([expect.objectContaining({ id: 'retry-me' })]);
    expect(pipeline.stats().queuedRuns).toBe(0);
  });

  it('ticks do not overlap', async () => {
    const pipeline = new SagaPipeline({ repository: repo });
    pipeline.ingest([stepSpan('overlap', 'inventory', 'reserve', 0, 'action', T0)]);
    const [a, b] = await Promise.all([pipeline.tick(T0 + 1), pipeline.tick(T0 + 2)]);
    expect(a.map((r) => r.id)).toEqual(['overlap']);
    expect(b).toEqual([]);
  });

  it('reads FAULTLINE_SAGA_STUCK_SECONDS', () => {
    expect(stuckAfterMsFromEnv({})).toBe(300_000);
    expect(stuckAfterMsFromEnv({ FAULTLINE_SAGA_STUCK_SECONDS: '90' })).toBe(90_000);
    expect(() => stuckAfterMsFromEnv({ FAULTLINE_SAGA_STUCK_SECONDS: '-1' })).toThrow(/FAULTLINE_SAGA_STUCK_SECONDS/);
    expect(() => stuckAfterMsFromEnv({ FAULTLINE_SAGA_STUCK_SECONDS: 'soon' })).toThrow(/FAULTLINE_SAGA_STUCK_SECONDS/);
  });
});
