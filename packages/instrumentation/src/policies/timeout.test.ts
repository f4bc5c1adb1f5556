import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TimeoutError } from '../errors.js';
import { DeadlineScheduler, schedulerFor } from './deadlineScheduler.js';
import { timeout } from './timeout.js';

let clock: { now(): number };

beforeEach(() => {
  vi.useFakeTimers();
  // A fresh clock object per test: a fresh shared scheduler.
  clock = { now: () => Date.now() };
});

afterEach(() => {
  vi.useRealTimers();
});

const never = <T>() => new Promise<T>(() => {});

describe('timeout', () => {
  it('rejects with TimeoutError and aborts the signal it handed out', async () => {
    const policy = timeout({ ms: 100, clock });
    let seen: AbortSignal | undefined;
    const call = policy.execute((signal) => {
      seen = signal;
      return never<string>();
    });
    call.catch(() => {});
    await vi.advanceTimersByTimeAsync(99);
    expect(seen?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(2);
    await expect(call).rejects.toBeInstanceOf(TimeoutError);
    expect(seen?.aborted).toBe(true);
    expect(seen?.reason).toBeInstanceOf(TimeoutError);
  });

  it('never aborts the signal of a call that settled in time', async () => {
    const policy = timeout({ ms: 100, clock });
    let seen: AbortSignal | undefined;
    await expect(
      policy.execute(async (signal) => {
        seen = signal;
        return 'fast';
      }),
    ).resolves.toBe('fast');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(seen?.aborted).toBe(false);
  });

  it('uses one timer for any number of pending calls', async () => {
    const policy = timeout({ ms: 100, clock });
    const calls = Array.from({ length: 1_000 }, () => policy.execute(() => never<void>()));
    for (const call of calls) call.catch(() => {});
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(101);
    const results = await Promise.allSettled(calls);
    expect(results.every((r) => r.status === 'rejected' && r.reason instanceof TimeoutError)).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('expires deadlines of different durations in order', async () => {
    const long = timeout({ ms: 300, clock });
    const short = timeout({ ms: 100, clock });
    const order: number[] = [];
    const a = long.execute(() => never()).catch(() => order.push(300));
    const b = short.execute(() => never()).catch(() => order.push(100));
    await vi.advanceTimersByTimeAsync(150);
    expect(order).toEqual([100]);
    await vi.advanceTimersByTimeAsync(200);
    await Promise.all([a, b]);
    expect(order).toEqual([100, 300]);
  });

  it('links the caller signal', async () => {
    const policy = timeout({ ms: 1_000, clock });
    const controller = new AbortController();
    let seen: AbortSignal | undefined;
    const call = policy.execute((signal) => {
      seen = signal;
      return never<void>();
    }, controller.signal);
    controller.abort(new Error('caller'));
    await expect(call).rejects.toThrow('caller');
    expect(seen?.aborted).toBe(true);
    await expect(policy.execute(async () => 1, controller.signal)).rejects.toThrow('caller');
  });

  it('passes the value and the error of the call through', async () => {
    const policy = timeout({ ms: 100, clock });
    await expect(policy.execute(async () => 42)).resolves.toBe(42);
    await expect(
      policy.execute(async () => {
        throw new Error('inner');
      }),
    ).rejects.toThrow('inner');
    await expect(
      policy.execute(() => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
  });

  it('validates ms', () => {
    expect(() => timeout({ ms: 0 })).toThrow('timeout: ms must be in (0, 2147483647], got 0');
    expect(() => timeout({ ms: Number.NaN })).toThrow(/timeout: ms/);
  });
});

describe('DeadlineScheduler', () => {
  it('removes settled entries in O(1) and keeps the others', () => {
    const scheduler = new DeadlineScheduler({ now: () => 0 }, { set: () => 1, clear: () => {} });
    const expired: number[] = [];
    const entries = [0, 1, 2].map((id) => ({ slot: undefined, slotIndex: 0, expire: () => expired.push(id) }));
    for (const entry of entries) scheduler.add(10, entry);
    expect(scheduler.pending).toBe(3);
    scheduler.remove(entries[0] as (typeof entries)[number]);
    scheduler.remove(entries[0] as (typeof entries)[number]);
    expect(scheduler.pending).toBe(2);
  });

  it('is shared per clock', () => {
    expect(schedulerFor(clock)).toBe(schedulerFor(clock));
  });
});
