import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TimeoutError } from '../errors.js';
import { bulkhead } from './bulkhead.js';
import { circuitBreaker } from './circuitBreaker.js';
import { compose } from './compose.js';
import { schedulerFor } from './deadlineScheduler.js';
import { chainOf, type Stage } from './policy.js';
import { timeout } from './timeout.js';

// A chain of built-in policies runs as inline runs (inlineRun.ts): these pin
// that the fused execution behaves exactly like the nested one would.

let clock: { now(): number };

beforeEach(() => {
  vi.useFakeTimers();
  clock = { now: () => Date.now() };
});

afterEach(() => {
  vi.useRealTimers();
});

function deferred<T>(): { promise: Promise<T>; resolve(value: T): void; reject(error: unknown): void } {
  let resolve: (value: T) => void = () => {};
  let reject: (error: unknown) => void = () => {};
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('inline runs', () => {
  it('a timeout inside a bulkhead and breaker settles them at the deadline, once', async () => {
    const pool = bulkhead({ name: 'inline-pool', maxConcurrent: 1, clock });
    const breaker = circuitBreaker({ name: 'inline-breaker', minimumCalls: 10, clock });
    const guard = compose(pool, breaker, timeout({ ms: 100, clock }));
    const late = deferred<string>();
    let seen: AbortSignal | undefined;
    const call = guard.execute((signal) => {
      seen = signal;
      return late.promise;
    });
    call.catch(() => {});
    expect(pool.active).toBe(1);
    await vi.advanceTimersByTimeAsync(101);
    await expect(call).rejects.toBeInstanceOf(TimeoutError);
    expect(seen?.aborted).toBe(true);
    // The stages outside the timeout saw the timeout at the deadline, not when the call settles.
    expect(pool.active).toBe(0);
    expect(breaker.stats()).toMatchObject({ calls: 1, failures: 1 });
    // The call settling later changes nothing outside the barrier.
    late.resolve('too late');
    await vi.advanceTimersByTimeAsync(0);
    expect(pool.active).toBe(0);
    expect(breaker.stats()).toMatchObject({ calls: 1, failures: 1 });
    expect(schedulerFor(clock).pending).toBe(0);
  });

  it('a bulkhead inside a timeout keeps its permit until the call really settles', async () => {
    const pool = bulkhead({ name: 'inner-pool', maxConcurrent: 1, clock });
    const guard = compose(timeout({ ms: 100, clock }), pool);
    const late = deferred<string>();
    const call = guard.execute(() => late.promise);
    call.catch(() => {});
    await vi.advanceTimersByTimeAsync(101);
    await expect(call).rejects.toBeInstanceOf(TimeoutError);
    // Nested semantics: the work is still running, so the pool still counts it.
    expect(pool.active).toBe(1);
    late.resolve('done');
    await vi.advanceTimersByTimeAsync(0);
    expect(pool.active).toBe(0);
  });

  it("the caller's abort rejects with its reason, aborts the task and releases the outer stages", async () => {
    const pool = bulkhead({ name: 'abort-pool', maxConcurrent: 1, clock });
    const breaker = circuitBreaker({ name: 'abort-breaker', minimumCalls: 10, clock });
    const guard = compose(pool, breaker, timeout({ ms: 1_000, clock }));
    const caller = new AbortController();
    let seen: AbortSignal | undefined;
    const call = guard.execute((signal) => {
      seen = signal;
      return new Promise<string>(() => {});
    }, caller.signal);
    call.catch(() => {});
    const reason = new Error('user went away');
    caller.abort(reason);
    await expect(call).rejects.toBe(reason);
    expect(seen?.aborted).toBe(true);
    expect(seen?.reason).toBe(reason);
    expect(pool.active).toBe(0);
    expect(schedulerFor(clock).pending).toBe(0);
    expect(breaker.stats().calls).toBe(1);
  });

  it('an already aborted caller signal rejects before the task runs and holds nothing', async () => {
    const pool = bulkhead({ name: 'pre-aborted-pool', maxConcurrent: 1, clock });
    const guard = compose(pool, timeout({ ms: 1_000, clock }));
    const caller = new AbortController();
    caller.abort(new Error('gone'));
    let ran = false;
    await expect(
      guard.execute(async () => {
        ran = true;
      }, caller.signal),
    ).rejects.toThrow('gone');
    expect(ran).toBe(false);
    expect(pool.active).toBe(0);
    expect(schedulerFor(clock).pending).toBe(0);
  });

  it('a queued call continues through the rest of the chain when a permit frees up', async () => {
    const pool = bulkhead({ name: 'queue-pool', maxConcurrent: 1, maxQueue: 1, clock });
    const breaker = circuitBreaker({ name: 'queue-breaker', minimumCalls: 10, clock });
    const guard = compose(pool, breaker, timeout({ ms: 100, clock }));
    const first = deferred<string>();
    const order: string[] = [];
    const a = guard.execute(async () => {
      order.push('a');
      return first.promise;
    });
    const b = guard.execute(async () => {
      order.push('b');
      throw new Error('b failed');
    });
    b.catch(() => {});
    expect(pool.queued).toBe(1);
    // The queued call's deadline starts when it leaves the queue, not before.
    await vi.advanceTimersByTimeAsync(90);
    first.resolve('a done');
    await expect(a).resolves.toBe('a done');
    await expect(b).rejects.toThrow('b failed');
    expect(order).toEqual(['a', 'b']);
    expect(pool.active).toBe(0);
    expect(pool.queued).toBe(0);
    expect(breaker.stats()).toMatchObject({ calls: 2, failures: 1 });
  });

  it('a failure passes every stage on its way out', async () => {
    const pool = bulkhead({ name: 'fail-pool', maxConcurrent: 2, clock });
    const breaker = circuitBreaker({
      name: 'fail-breaker',
      minimumCalls: 2,
      failureRateThreshold: 0.5,
      window: { kind: 'count', size: 2 },
      clock,
    });
    const guard = compose(pool, breaker, timeout({ ms: 100, clock }));
    for (let i = 0; i < 2; i++) {
      await expect(guard.execute(() => Promise.reject(new Error('down')))).rejects.toThrow('down');
    }
    expect(breaker.state).toBe('open');
    expect(pool.active).toBe(0);
    expect(schedulerFor(clock).pending).toBe(0);
  });

  it('a synchronous throw of the task is a rejection that every stage sees', async () => {
    const pool = bulkhead({ name: 'sync-pool', maxConcurrent: 1, clock });
    const breaker = circuitBreaker({ name: 'sync-breaker', minimumCalls: 10, clock });
    const guard = compose(pool, breaker, timeout({ ms: 100, clock }));
    const call = guard.execute(() => {
      throw new Error('sync');
    });
    await expect(call).rejects.toThrow('sync');
    expect(pool.active).toBe(0);
    expect(breaker.stats()).toMatchObject({ calls: 1, failures: 1 });
    expect(schedulerFor(clock).pending).toBe(0);
  });

  it('splits chains with two breakers or two timeouts into runs, and both stages record', async () => {
    const outer = circuitBreaker({ name: 'outer-breaker', minimumCalls: 10, clock });
    const inner = circuitBreaker({ name: 'inner-breaker', minimumCalls: 10, clock });
    const pool = bulkhead({ name: 'split-pool', maxConcurrent: 1, clock });
    const guard = compose(pool, outer, timeout({ ms: 50, clock }), inner, timeout({ ms: 500, clock }));
    await expect(guard.execute(async () => 'ok')).resolves.toBe('ok');
    const slow = guard.execute(() => new Promise<string>(() => {}));
    slow.catch(() => {});
    await vi.advanceTimersByTimeAsync(51);
    // The outer (shorter) timeout fires first and aborts the signal it handed
    // down; the inner timeout follows that abort at once, so the inner breaker
    // records the failure too and no deadline is left armed.
    await expect(slow).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(outer.stats()).toMatchObject({ calls: 2, failures: 1 });
    expect(inner.stats()).toMatchObject({ calls: 2, failures: 1 });
    expect(pool.active).toBe(0);
    expect(schedulerFor(clock).pending).toBe(0);
  });

  it('computes where each run ends: any permits, at most one breaker and one deadline', () => {
    const permit: Stage = { inline: 'permit', runStage: (call, i, s) => call.invoke(i + 1, s) };
    const breaker: Stage = { inline: 'breaker', runStage: (call, i, s) => call.invoke(i + 1, s) };
    const deadline: Stage = { inline: 'deadline', runStage: (call, i, s) => call.invoke(i + 1, s) };
    const generic: Stage = { runStage: (call, i, s) => call.invoke(i + 1, s) };
    const chain = chainOf([permit, breaker, permit, deadline, breaker, generic, deadline, permit]);
    expect(Array.from(chain.runEnd)).toEqual([4, 4, 5, 5, 5, 5, 8, 8, 8]);
  });
});
