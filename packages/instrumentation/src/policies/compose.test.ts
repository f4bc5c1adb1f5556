import { describe, expect, it } from 'vitest';
import { BrokenCircuitError, BulkheadRejectedError } from '../errors.js';
import { bulkhead } from './bulkhead.js';
import { circuitBreaker } from './circuitBreaker.js';
import { compose } from './compose.js';
import { schedulerFor } from './deadlineScheduler.js';
import type { Policy, Task } from './policy.js';
import { retry } from './retry.js';
import { timeout } from './timeout.js';

function tracing(log: string[], name: string): Policy {
  return {
    async execute<T>(fn: Task<T>, signal?: AbortSignal): Promise<T> {
      log.push(`${name}>`);
      try {
        return await fn(signal ?? new AbortController().signal);
      } finally {
        log.push(`<${name}`);
      }
    },
  };
}

describe('compose', () => {
  it('runs policies outermost first, including foreign ones', async () => {
    const log: string[] = [];
    const guard = compose(tracing(log, 'a'), compose(tracing(log, 'b'), tracing(log, 'c')));
    await guard.execute(async () => {
      log.push('fn');
    });
    expect(log).toEqual(['a>', 'b>', 'c>', 'fn', '<c', '<b', '<a']);
  });

  it('nests built-in policies in any order', async () => {
    const breaker = circuitBreaker({ name: 'b', minimumCalls: 1, window: { kind: 'count', size: 1 } });
    const pool = bulkhead({ name: 'p', maxConcurrent: 1 });
    const attempts = { count: 0 };
    const retrying = retry({ maxAttempts: 3, backoff: { initialMs: 0, maxMs: 0 } });
    // Retry outside the breaker: once it opens, the retry must stop at once.
    const guard = compose(retrying, pool, breaker, timeout({ ms: 1_000 }));
    await expect(
      guard.execute(async () => {
        attempts.count++;
        throw new Error('down');
      }),
    ).rejects.toBeInstanceOf(BrokenCircuitError);
    expect(attempts.count).toBe(1);
    expect(pool.active).toBe(0);
  });

  it('passes a fast failure up through every stage and leaves nothing held', async () => {
    const clock = { now: () => 0 };
    const breaker = circuitBreaker({ name: 'fast', clock });
    breaker.isolate();
    const pool = bulkhead({ name: 'fast-pool', maxConcurrent: 1 });
    const deadline = timeout({ ms: 1_000, clock });
    const scheduler = schedulerFor(clock);
    let ran = 0;
    const work = async () => {
      ran++;
      return 1;
    };
    // Timeout outside the breaker, so the timeout stage sees the fast failure too.
    const guard = compose(pool, deadline, breaker);
    const first = guard.execute(work);
    // The permit and the deadline are given back before execute returns, not a tick later.
    expect(pool.active).toBe(0);
    expect(scheduler.pending).toBe(0);
    await expect(first).rejects.toBeInstanceOf(BrokenCircuitError);
    await expect(guard.execute(work)).rejects.toBeInstanceOf(BrokenCircuitError);
    expect(ran).toBe(0);
    // A full bulkhead fails fast the same way.
    breaker.reset();
    let release = (): void => {};
    const held = guard.execute(() => new Promise<number>((resolve) => (release = () => resolve(2))));
    await expect(guard.execute(work)).rejects.toBeInstanceOf(BulkheadRejectedError);
    expect(scheduler.pending).toBe(1);
    release();
    await expect(held).resolves.toBe(2);
    expect(pool.active).toBe(0);
    expect(scheduler.pending).toBe(0);
  });

  it('takes its dependency from the options or the first policy that has one', () => {
    expect(compose(timeout({ ms: 5 }), bulkhead({ name: 'p', dependency: 'db', maxConcurrent: 1 })).dependency).toBe(
      'db',
    );
    expect(compose(timeout({ ms: 5 }), { dependency: 'api', operation: 'get' }).dependency).toBe('api');
    expect(compose(timeout({ ms: 5 })).dependency).toBeUndefined();
  });

  it('rejects things that are not policies', () => {
    expect(() => compose(timeout({ ms: 5 }), 3 as never, {})).toThrow(/compose: argument 2 must be a policy/);
  });
});
