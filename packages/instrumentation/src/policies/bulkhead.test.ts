import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BulkheadRejectedError } from '../errors.js';
import { bulkhead } from './bulkhead.js';

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

afterEach(() => {
  vi.useRealTimers();
});

describe('bulkhead', () => {
  it('runs maxConcurrent calls, queues maxQueue, rejects the rest at once', async () => {
    const pool = bulkhead({ name: 'pool', maxConcurrent: 2, maxQueue: 1 });
    const gates = [deferred(), deferred(), deferred()];
    const calls = gates.map((gate) => pool.execute(() => gate.promise));
    expect([pool.active, pool.queued]).toEqual([2, 1]);
    const fn = vi.fn(async () => {});
    const rejected = await pool.execute(fn).catch((error: unknown) => error);
    expect(rejected).toBeInstanceOf(BulkheadRejectedError);
    expect(rejected).toMatchObject({ bulkhead: 'pool', reason: 'queue_full' });
    expect(fn).not.toHaveBeenCalled();
    for (const gate of gates) gate.resolve();
    await Promise.all(calls);
    expect([pool.active, pool.queued]).toEqual([0, 0]);
  });

  it('starts queued calls in FIFO order', async () => {
    const pool = bulkhead({ name: 'fifo', maxConcurrent: 1, maxQueue: 10 });
    const order: number[] = [];
    const calls = Array.from({ length: 8 }, (_, i) =>
      pool.execute(async () => {
        order.push(i);
        await flush();
      }),
    );
    await Promise.all(calls);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('releases the permit when the call throws', async () => {
    const pool = bulkhead({ name: 'throws', maxConcurrent: 1, maxQueue: 1 });
    const failing = pool.execute(async () => {
      throw new Error('x');
    });
    const next = pool.execute(async () => 'next');
    await expect(failing).rejects.toThrow('x');
    await expect(next).resolves.toBe('next');
    expect(pool.active).toBe(0);
  });

  it('a call aborted while queued leaves the queue without taking a permit', async () => {
    const pool = bulkhead({ name: 'abort', maxConcurrent: 1, maxQueue: 2 });
    const gate = deferred();
    const running = pool.execute(() => gate.promise);
    const controller = new AbortController();
    const fn = vi.fn(async () => {});
    const aborted = pool.execute(fn, controller.signal);
    const after = pool.execute(async () => 'after');
    controller.abort(new Error('caller gave up'));
    await expect(aborted).rejects.toThrow('caller gave up');
    expect(pool.queued).toBe(1);
    gate.resolve();
    await running;
    await expect(after).resolves.toBe('after');
    expect(fn).not.toHaveBeenCalled();
    expect([pool.active, pool.queued]).toEqual([0, 0]);
  });

  it('adds no abort listener for queued calls that have no caller signal', async () => {
    const pool = bulkhead({ name: 'no-listeners', maxConcurrent: 1, maxQueue: 50 });
    const gate = deferred();
    let shared: AbortSignal | undefined;
    const first = pool.execute((signal) => {
      shared = signal;
      return gate.promise;
    });
    const queued = Array.from({ length: 50 }, () => pool.execute(async () => 1));
    expect(pool.queued).toBe(50);
    expect(getEventListeners(shared as AbortSignal, 'abort')).toHaveLength(0);
    gate.resolve();
    await Promise.all([first, ...queued]);
    expect([pool.active, pool.queued]).toEqual([0, 0]);
  });

  it('rejects a call already aborted', async () => {
    const pool = bulkhead({ name: 'pre', maxConcurrent: 1 });
    await expect(pool.execute(async () => 1, AbortSignal.abort(new Error('no')))).rejects.toThrow('no');
    expect(pool.active).toBe(0);
  });

  it('rejects a call queued longer than queueTimeoutMs (one shared timer)', async () => {
    vi.useFakeTimers();
    const clock = { now: () => Date.now() };
    const pool = bulkhead({ name: 'slow', maxConcurrent: 1, maxQueue: 5, queueTimeoutMs: 100, clock });
    const gate = deferred();
    const running = pool.execute(() => gate.promise);
    const queued = [pool.execute(async () => 1), pool.execute(async () => 2)];
    for (const call of queued) call.catch(() => {});
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(101);
    for (const call of queued) {
      await expect(call).rejects.toMatchObject({ reason: 'queue_timeout' });
    }
    expect(pool.queued).toBe(0);
    gate.resolve();
    await running;
    expect(pool.active).toBe(0);
  });

  it('a queued call granted before its queue timeout is not rejected later', async () => {
    vi.useFakeTimers();
    const clock = { now: () => Date.now() };
    const pool = bulkhead({ name: 'granted', maxConcurrent: 1, maxQueue: 1, queueTimeoutMs: 100, clock });
    const gate = deferred();
    const running = pool.execute(() => gate.promise);
    const second = deferred<string>();
    const queued = pool.execute(() => second.promise);
    await vi.advanceTimersByTimeAsync(50);
    gate.resolve();
    await running;
    await vi.advanceTimersByTimeAsync(200);
    second.resolve('done');
    await expect(queued).resolves.toBe('done');
  });

  it('loses no permit under many concurrent calls that succeed, fail and abort', async () => {
    const pool = bulkhead({ name: 'storm', maxConcurrent: 4, maxQueue: 50 });
    let running = 0;
    let peak = 0;
    const calls: Promise<unknown>[] = [];
    for (let i = 0; i < 500; i++) {
      const controller = new AbortController();
      calls.push(
        pool
          .execute(async () => {
            running++;
            peak = Math.max(peak, running);
            await flush();
            running--;
            if (i % 3 === 0) throw new Error('fail');
            return i;
          }, controller.signal)
          .catch(() => undefined),
      );
      if (i % 7 === 0) controller.abort();
      if (i % 50 === 0) await flush();
    }
    await Promise.all(calls);
    expect(peak).toBeLessThanOrEqual(4);
    expect([pool.active, pool.queued]).toEqual([0, 0]);
    // The pool is whole: four calls can still run at once.
    const gates = [deferred(), deferred(), deferred(), deferred()];
    const again = gates.map((gate) => pool.execute(() => gate.promise));
    expect(pool.active).toBe(4);
    for (const gate of gates) gate.resolve();
    await Promise.all(again);
  });

  it('validates options', () => {
    expect(() => bulkhead({ name: 'x', maxConcurrent: 0 })).toThrow(
      'bulkhead: maxConcurrent must be an integer in [1, 1000000000], got 0',
    );
    expect(() => bulkhead({ name: 'x', maxConcurrent: 1, maxQueue: -1 })).toThrow(/maxQueue/);
    expect(() => bulkhead({ name: 'x', maxConcurrent: 1, queueTimeoutMs: 0 })).toThrow(/queueTimeoutMs/);
  });
});
