import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { instrument } from '../clients/instrument.js';
import { BrokenCircuitError, BulkheadRejectedError, TimeoutError } from '../errors.js';
import { bulkhead } from '../policies/bulkhead.js';
import { circuitBreaker } from '../policies/circuitBreaker.js';
import { compose } from '../policies/compose.js';
import { retry } from '../policies/retry.js';
import { timeout } from '../policies/timeout.js';
import { useGlobalTestTelemetry } from './globalTelemetry.testSupport.js';
import { collectByName, pinMetricsContract } from './metricsContract.testSupport.js';
import { ATTR, EVENT, OUTCOME } from './names.js';

const { spans, reader } = useGlobalTestTelemetry();

const collect = () => collectByName(reader);

function callSpans(name: string): ReadableSpan[] {
  return spans.getFinishedSpans().filter((span) => span.name === name);
}

const failing = async (): Promise<never> => {
  throw new Error('payment db exhausted');
};

describe('call spans', () => {
  it('one CLIENT span per guarded call, annotated by every policy, attempts as children', async () => {
    const guard = compose(
      bulkhead({ name: 'payment-pool', dependency: 'payment-service', maxConcurrent: 2, maxQueue: 2 }),
      circuitBreaker({ name: 'payments', dependency: 'payment-service' }),
      timeout({ ms: 1_000 }),
      retry({ maxAttempts: 2, backoff: { initialMs: 0, maxMs: 0 } }),
      { operation: 'charge' },
    );
    let attempt = 0;
    let activeInside: string | undefined;
    await guard.execute(async () => {
      activeInside = trace.getActiveSpan()?.spanContext().spanId;
      if (++attempt === 1) throw new Error('flaky');
      return 'ok';
    });
    const [call] = callSpans('payment-service charge');
    expect(call).toBeDefined();
    if (call === undefined) return;
    expect(call.kind).toBe(SpanKind.CLIENT);
    expect(call.attributes).toMatchObject({
      [ATTR.PEER_SERVICE]: 'payment-service',
      [ATTR.OUTCOME]: OUTCOME.SUCCESS,
      [ATTR.BREAKER_NAME]: 'payments',
      [ATTR.BREAKER_STATE]: 'closed',
      [ATTR.BULKHEAD_NAME]: 'payment-pool',
      [ATTR.BULKHEAD_QUEUE_WAIT]: 0,
    });
    expect(call.status.code).not.toBe(SpanStatusCode.ERROR);
    const attempts = callSpans('payment-service charge attempt');
    expect(attempts.map((span) => span.attributes[ATTR.RETRY_ATTEMPT])).toEqual([1, 2]);
    expect(attempts.map((span) => span.attributes[ATTR.OUTCOME])).toEqual([OUTCOME.FAILURE, OUTCOME.SUCCESS]);
    for (const span of attempts) expect(span.parentSpanContext?.spanId).toBe(call.spanContext().spanId);
    expect(attempts[0]?.status.code).toBe(SpanStatusCode.ERROR);
    // The function runs inside the attempt span: trace context reaches the dependency.
    expect(activeInside).toBe(attempts[1]?.spanContext().spanId);
  });

  it('records the transition on the span of the call that caused it, and short-circuits after', async () => {
    const breaker = circuitBreaker({
      name: 'orders',
      dependency: 'order-service',
      window: { kind: 'count', size: 2 },
      minimumCalls: 2,
    });
    await breaker.execute(failing).catch(() => {});
    await breaker.execute(failing).catch(() => {});
    const shortCircuited = await breaker.execute(failing).catch((error: unknown) => error);
    expect(shortCircuited).toBeInstanceOf(BrokenCircuitError);
    const [first, second, third] = callSpans('order-service execute');
    expect(first?.events.filter((e) => e.name === EVENT.BREAKER_STATE_CHANGE)).toEqual([]);
    const change = second?.events.find((e) => e.name === EVENT.BREAKER_STATE_CHANGE);
    expect(change?.attributes).toMatchObject({ [ATTR.TRANSITION_FROM]: 'closed', [ATTR.TRANSITION_TO]: 'open' });
    expect(second?.status.code).toBe(SpanStatusCode.ERROR);
    expect(second?.events.some((e) => e.name === 'exception')).toBe(true);
    expect(second?.attributes[ATTR.OUTCOME]).toBe(OUTCOME.FAILURE);
    expect(third?.attributes).toMatchObject({
      [ATTR.OUTCOME]: OUTCOME.SHORT_CIRCUITED,
      [ATTR.BREAKER_STATE]: 'open',
    });
  });

  it('tells timeouts and bulkhead rejections apart', async () => {
    const pool = bulkhead({ name: 'inventory-pool', dependency: 'inventory', maxConcurrent: 1 });
    const guard = compose(pool, timeout({ ms: 20 }));
    const first = guard.execute(() => new Promise(() => {}));
    const rejected = await guard.execute(async () => 1).catch((error: unknown) => error);
    expect(rejected).toBeInstanceOf(BulkheadRejectedError);
    await expect(first).rejects.toBeInstanceOf(TimeoutError);
    const outcomes = callSpans('inventory execute').map((span) => span.attributes[ATTR.OUTCOME]);
    expect(outcomes.sort()).toEqual([OUTCOME.BULKHEAD_REJECTED, OUTCOME.TIMEOUT]);
  });

  it('keeps the caller context through a queued bulkhead call', async () => {
    const pool = bulkhead({ name: 'ctx-pool', maxConcurrent: 1, maxQueue: 5 });
    const tracer = trace.getTracer('test');
    let release!: () => void;
    const blocker = tracer.startActiveSpan('blocker', (span) =>
      pool.execute(() => new Promise<void>((resolve) => (release = resolve))).finally(() => span.end()),
    );
    const seen: (string | undefined)[] = [];
    const expected: string[] = [];
    const queued = [1, 2, 3].map((i) =>
      tracer.startActiveSpan(`caller-${i}`, (span) => {
        expected.push(span.spanContext().spanId);
        return pool
          .execute(async () => {
            seen.push(trace.getActiveSpan()?.spanContext().spanId);
          })
          .finally(() => span.end());
      }),
    );
    release();
    await Promise.all([blocker, ...queued]);
    expect(seen).toEqual(expected);
  });

  it('instrument(): span per method named "{dependency} {method}"', async () => {
    const client = {
      secret: 7,
      async charge(amount: number) {
        return amount + this.secret;
      },
    };
    const payments = instrument(client, { dependency: 'payment-service' });
    await expect(payments.charge(1)).resolves.toBe(8);
    expect(callSpans('payment-service charge')[0]?.attributes[ATTR.PEER_SERVICE]).toBe('payment-service');
  });

  it('a policy executed inside a call of the same dependency joins it; another dependency is a child call', async () => {
    const breaker = circuitBreaker({ name: 'join', dependency: 'email' });
    const pool = bulkhead({ name: 'join-pool', dependency: 'email', maxConcurrent: 1 });
    const other = bulkhead({ name: 'other', dependency: 'profile', maxConcurrent: 1 });
    await pool.execute(() => breaker.execute(() => other.execute(async () => 1)));
    const email = callSpans('email execute');
    expect(email).toHaveLength(1);
    expect(email[0]?.attributes).toMatchObject({ [ATTR.BREAKER_NAME]: 'join', [ATTR.BULKHEAD_NAME]: 'join-pool' });
    const profile = callSpans('profile execute');
    expect(profile[0]?.parentSpanContext?.spanId).toBe(email[0]?.spanContext().spanId);
  });
});

describe('metrics through the @opentelemetry/api instruments (no Faultline producer)', () => {
  it('pins every name, unit and attribute of the contract', async () => {
    await pinMetricsContract(collect);
  });
});
