import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Attributes, IngestSpan } from '../ingest/telemetry';
import { SagaAssembler } from './sagaAssembler';
import type { SagaRunRecord } from './sagaRunRecord';

const TRACE = 'aa'.repeat(16);
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
    traceId: TRACE,
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

function root(id: string, status: string | undefined, start: number, end: number, service = 'order'): IngestSpan {
  const attributes: Attributes = { 'resilience.saga.name': 'checkout', 'resilience.saga.id': id };
  if (status) attributes['resilience.saga.status'] = status;
  return span(service, 'saga checkout', start, end, attributes);
}

function step(
  id: string,
  service: string,
  name: string,
  index: number | null,
  kind: 'action' | 'compensation',
  start: number,
  end: number,
  error?: string,
  sagaName: string | null = 'checkout',
): IngestSpan {
  const attributes: Attributes = {
    'resilience.saga.id': id,
    'resilience.saga.step.name': name,
    'resilience.saga.step.kind': kind,
    'resilience.saga.step.status': error ? 'failed' : 'completed',
  };
  if (sagaName) attributes['resilience.saga.name'] = sagaName;
  if (index !== null) attributes['resilience.saga.step.index'] = index;
  return span(service, `${kind === 'action' ? 'step' : 'compensate'} ${name}`, start, end, attributes, error);
}

/**
 * The reference story: order orchestrates, inventory reserves, payment fails
 * at step 2 (index 1), inventory's reservation is released. Inventory reports
 * its own spans (choreography: only the saga id, no index, no name).
 */
function failedCheckout(id = 'saga-1'): IngestSpan[] {
  return [
    root(id, 'compensated', 1000, 1500),
    step(id, 'order', 'reserve-inventory', 0, 'action', 1010, 1100),
    step(id, 'inventory', 'reserve-stock', null, 'action', 1020, 1090, undefined, null),
    step(id, 'order', 'charge-payment', 1, 'action', 1110, 1400, 'payment timed out'),
    step(id, 'payment', 'debit-card', null, 'action', 1120, 1390, 'db pool exhausted'),
    step(id, 'order', 'reserve-inventory', 0, 'compensation', 1410, 1490),
    step(id, 'inventory', 'release-stock', null, 'compensation', 1420, 1480, undefined, null),
  ];
}

const shape = (r: SagaRunRecord) => ({
  ...r,
  steps: r.steps.map(({ spanId, ...s }) => {
    expect(spanId).toMatch(/^[0-9a-f]{16}$/);
    return s;
  }),
});

describe('SagaAssembler', () => {
  it('assembles a three-service saga that fails at step 2 into a compensated timeline', () => {
    const assembler = new SagaAssembler();
    assembler.ingest(failedCheckout());
    const [run] = assembler.drainChanged();
    expect(shape(run!)).toEqual({
      id: 'saga-1',
      name: 'checkout',
      status: 'compensated',
      startedAt: 1000,
      endedAt: 1500,
      traceId: TRACE,
      services: ['order', 'inventory', 'payment'],
      steps: [
        {
          name: 'reserve-inventory',
          index: 0,
          kind: 'action',
          service: 'order',
          status: 'completed',
          startedAt: 1010,
          endedAt: 1100,
        },
        {
          name: 'reserve-stock',
          index: null,
          kind: 'action',
          service: 'inventory',
          status: 'completed',
          startedAt: 1020,
          endedAt: 1090,
        },
        {
          name: 'charge-payment',
          index: 1,
          kind: 'action',
          service: 'order',
          status: 'failed',
          startedAt: 1110,
          endedAt: 1400,
          error: 'payment timed out',
        },
        {
          name: 'debit-card',
          index: null,
          kind: 'action',
          service: 'payment',
          status: 'failed',
          startedAt: 1120,
          endedAt: 1390,
          error: 'db pool exhausted',
        },
        {
          name: 'reserve-inventory',
          index: 0,
          kind: 'compensation',
          service: 'order',
          status: 'completed',
          startedAt: 1410,
          endedAt: 1490,
        },
        {
          name: 'release-stock',
          index: null,
          kind: 'compensation',
          service: 'inventory',
          status: 'completed',
          startedAt: 1420,
          endedAt: 1480,
        },
      ],
    });
    expect(assembler.get('saga-1')).toEqual(run);
  });

  it('gives the same run whatever the arrival order and batching (property)', () => {
    const spans = failedCheckout('p');
    const reference = new SagaAssembler();
    reference.ingest(spans);
    const expected = reference.get('p');
    fc.assert(
      fc.property(
        fc.shuffledSubarray(spans, { minLength: spans.length, maxLength: spans.length }),
        fc.array(fc.integer({ min: 1, max: spans.length }), { maxLength: 4 }),
        fc.boolean(),
        (shuffled, cuts, duplicate) => {
          const assembler = new SagaAssembler();
          const bounds = [0, ...[...new Set(cuts)].sort((a, b) => a - b), shuffled.length];
          for (let i = 0; i + 1 < bounds.length; i++) {
            const batch = shuffled.slice(bounds[i], bounds[i + 1]);
            assembler.ingest(duplicate ? [...batch, ...batch] : batch);
            assembler.drainChanged();
          }
          expect(assembler.get('p')).toEqual(expected);
        },
      ),
    );
  });

  it('shows a run as running until its root span arrives, then finished', () => {
    const [rootSpan, ...steps] = failedCheckout('late-root');
    const assembler = new SagaAssembler();
    assembler.ingest(steps.slice(0, 3));
    const [first] = assembler.drainChanged();
    expect(first).toMatchObject({
      id: 'late-root',
      name: 'checkout',
      status: 'running',
      startedAt: 1010,
      endedAt: null,
    });
    expect(first!.steps).toHaveLength(3);
    expect(assembler.drainChanged()).toEqual([]);

    assembler.ingest([rootSpan!]);
    assembler.ingest(steps.slice(3));
    const [done] = assembler.drainChanged();
    expect(done).toMatchObject({ status: 'compensated', startedAt: 1000, endedAt: 1500 });
    expect(done!.steps).toHaveLength(6);
  });

  it('names a run from a step span when its only spans so far are remote ones without a name', () => {
    const assembler = new SagaAssembler();
    assembler.ingest([step('r', 'payment', 'debit-card', null, 'action', 5, 6, undefined, null)]);
    expect(assembler.get('r')).toMatchObject({ name: '', status: 'running', services: ['payment'], traceId: TRACE });
    assembler.ingest([step('r', 'order', 'charge', 1, 'action', 4, 7)]);
    expect(assembler.get('r')).toMatchObject({ name: 'checkout', services: ['order', 'payment'] });
  });

  it('ignores spans that only copy the saga baggage and spans of no saga', () => {
    const assembler = new SagaAssembler();
    const copied = span('payment', 'SELECT accounts', 1, 2, {
      'resilience.saga.id': 'x',
      'resilience.saga.name': 'checkout',
    });
    const plain = span('payment', 'GET /', 1, 2, {});
    assembler.ingest([copied, plain]);
    expect(assembler.drainChanged()).toEqual([]);
    expect(assembler.stats()).toMatchObject({ running: 0, finished: 0 });
  });

  it('derives the status when the root does not carry one', () => {
    const assembler = new SagaAssembler();
    assembler.ingest([
      root('d', undefined, 0, 10),
      step('d', 'order', 'a', 0, 'action', 1, 2),
      step('d', 'order', 'b', 1, 'action', 3, 4, 'boom'),
      step('d', 'order', 'a', 0, 'compensation', 5, 6, 'still broken'),
    ]);
    expect(assembler.get('d')).toMatchObject({ status: 'failed' });
  });

  it('takes the error of a failed step from its exception event when the status has no message', () => {
    const failed = step('e', 'order', 'a', 0, 'action', 1, 2, 'x');
    failed.statusMessage = '';
    failed.events = [{ name: 'exception', timeMs: 2, attributes: { 'exception.message': 'card declined' } }];
    const assembler = new SagaAssembler();
    assembler.ingest([failed]);
    expect(assembler.get('e')!.steps[0]!.error).toBe('card declined');
  });
});

describe('SagaAssembler: stuck runs', () => {
  it('reports a run with no end after stuckAfterMs as stuck, once as a change, until its root arrives', () => {
    const assembler = new SagaAssembler();
    assembler.ingest([
      step('s', 'order', 'a', 0, 'action', 1000, 1100),
      step('ok', 'order', 'a', 0, 'action', 5000, 5100),
    ]);
    assembler.drainChanged();

    expect(assembler.stuck(60_999, 60_000)).toEqual([]);
    const stuck = assembler.stuck(61_000, 60_000);
    expect(stuck.map((r) => [r.id, r.status])).toEqual([['s', 'stuck']]);
    expect(assembler.drainChanged().map((r) => [r.id, r.status])).toEqual([['s', 'stuck']]);
    expect(assembler.stuck(62_000, 60_000)).toHaveLength(1);
    expect(assembler.drainChanged()).toEqual([]);

    assembler.ingest([root('s', 'completed', 990, 70_000)]);
    expect(assembler.drainChanged().map((r) => [r.id, r.status])).toEqual([['s', 'completed']]);
    expect(assembler.stuck(200_000, 60_000).map((r) => r.id)).toEqual(['ok']);
  });
});

describe('SagaAssembler: bounded memory', () => {
  it('evicts finished runs once drained, beyond the few kept for late spans', () => {
    const assembler = new SagaAssembler({ maxFinishedRetained: 2 });
    for (let i = 0; i < 100; i++) assembler.ingest([root(`r${i}`, 'completed', i, i + 1)]);
    expect(assembler.stats().finished).toBe(100); // nothing drained yet: nothing may be lost
    expect(assembler.drainChanged()).toHaveLength(100);
    expect(assembler.stats().finished).toBe(2);
    expect(assembler.get('r0')).toBeUndefined();
    expect(assembler.get('r99')).toBeDefined();
  });

  it('lets a late step join a retained finished run, and ignores late spans of evicted runs', () => {
    const assembler = new SagaAssembler({ maxFinishedRetained: 1 });
    assembler.ingest([root('old', 'compensated', 0, 10), root('new', 'compensated', 20, 30)]);
    assembler.drainChanged();
    assembler.ingest([step('new', 'inventory', 'release', null, 'compensation', 25, 28, undefined, null)]);
    assembler.ingest([step('old', 'inventory', 'release', null, 'compensation', 5, 8, undefined, null)]);
    const changed = assembler.drainChanged();
    expect(changed.map((r) => [r.id, r.steps.length])).toEqual([['new', 1]]);
    expect(assembler.stats()).toMatchObject({ running: 0, finished: 1, lateSpansIgnored: 1 });
  });

  it('caps runs without a root, dropping the oldest', () => {
    const assembler = new SagaAssembler({ maxRunning: 3 });
    for (let i = 0; i < 10; i++) assembler.ingest([step(`r${i}`, 'order', 'a', 0, 'action', i, i + 1)]);
    expect(assembler.stats()).toMatchObject({ running: 3, droppedRuns: 7 });
    expect(assembler.drainChanged().map((r) => r.id)).toEqual(['r7', 'r8', 'r9']);
  });

  it('caps steps per run', () => {
    const assembler = new SagaAssembler({ maxStepsPerRun: 5 });
    assembler.ingest(Array.from({ length: 8 }, (_, i) => step('big', 'order', `s${i}`, i, 'action', i, i + 1)));
    expect(assembler.get('big')!.steps).toHaveLength(5);
    expect(assembler.stats().droppedSteps).toBe(3);
  });

  it('stays within its bounds under a long stream of runs', () => {
    const assembler = new SagaAssembler({ maxRunning: 50, maxFinishedRetained: 20, maxEvictedIds: 100 });
    for (let i = 0; i < 5_000; i++) {
      const spans = failedCheckout(`run-${i}`);
      // Every tenth run never finishes; the rest finish.
      assembler.ingest(i % 10 === 0 ? spans.slice(1) : spans);
      if (i % 7 === 0) assembler.drainChanged();
    }
    assembler.drainChanged();
    const { running, finished } = assembler.stats();
    expect(running).toBeLessThanOrEqual(50);
    expect(finished).toBeLessThanOrEqual(20);
  });

  it('rejects invalid limits with the option name', () => {
    expect(() => new SagaAssembler({ maxRunning: 0 })).toThrow('maxRunning');
  });
});
