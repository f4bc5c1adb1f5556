import { afterEach, describe, expect, it, vi } from 'vitest';
import { BrokenCircuitError, BulkheadRejectedError } from '../errors.js';
import { Backoff } from './backoff.js';
import { type GiveUpEvent, retry } from './retry.js';

afterEach(() => {
  vi.useRealTimers();
});

function failing(times: number, error: () => unknown = () => new Error('flaky')) {
  let calls = 0;
  const fn = vi.fn(async () => {
    calls++;
    if (calls <= times) throw error();
    return calls;
  });
  return fn;
}

const instant = { initialMs: 0, maxMs: 0 };

describe('retry', () => {
  it('retries until success within maxAttempts', async () => {
    const policy = retry({ maxAttempts: 3, backoff: instant });
    const fn = failing(2);
    await expect(policy.execute(fn)).resolves.toBe(3);
    expect(fn).toHaveBeenCalledTimes(3);
  });

  it('gives up after maxAttempts with a "gave up" event', async () => {
    const policy = retry({ maxAttempts: 3, backoff: instant });
    const events: GiveUpEvent[] = [];
    policy.onGiveUp((event) => events.push(event));
    const fn = failing(10);
    await expect(policy.execute(fn)).rejects.toThrow('flaky');
    expect(fn).toHaveBeenCalledTimes(3);
    expect(events).toEqual([{ attempts: 3, error: expect.any(Error), reason: 'max_attempts' }]);
  });

  it.each([
    ['BrokenCircuitError', () => BrokenCircuitError.create('b', 'open')],
    ['BulkheadRejectedError', () => BulkheadRejectedError.create('p', 'queue_full')],
  ])('never retries a %s', async (_name, error) => {
    const policy = retry({ maxAttempts: 5, backoff: instant, shouldRetry: () => true });
    const reasons: string[] = [];
    policy.onGiveUp((event) => reasons.push(event.reason));
    const fn = failing(10, error);
    await expect(policy.execute(fn)).rejects.toThrow();
    expect(fn).toHaveBeenCalledTimes(1);
    expect(reasons).toEqual(['not_retryable']);
  });

  it('asks shouldRetry', async () => {
    const shouldRetry = vi.fn((_error: unknown, attempt: number) => attempt < 2);
    const policy = retry({ maxAttempts: 5, backoff: instant, shouldRetry });
    const fn = failing(10);
    await expect(policy.execute(fn)).rejects.toThrow();
    expect(fn).toHaveBeenCalledTimes(2);
    expect(shouldRetry.mock.calls.map((call) => call[1])).toEqual([1, 2]);
  });

  it('waits the backoff delay between attempts and stops when the caller aborts', async () => {
    vi.useFakeTimers();
    const policy = retry({ maxAttempts: 5, backoff: { initialMs: 100, multiplier: 2, jitter: 'none' } });
    const delays: number[] = [];
    policy.onRetry((event) => delays.push(event.delayMs));
    const controller = new AbortController();
    const fn = failing(10);
    const call = policy.execute(fn, controller.signal);
    call.catch(() => {});
    await vi.advanceTimersByTimeAsync(0);
    expect(fn).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(fn).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(200);
    expect(fn).toHaveBeenCalledTimes(3);
    controller.abort(new Error('stop'));
    await expect(call).rejects.toThrow('stop');
    expect(delays).toEqual([100, 200, 400]);
  });

  it('caps retries with a budget', async () => {
    const clock = { now: () => 0 };
    const policy = retry({ maxAttempts: 10, backoff: instant, budget: { ratio: 0.5, minPerSecond: 0 }, clock });
    const reasons: string[] = [];
    policy.onGiveUp((event) => reasons.push(event.reason));
    let attempts = 0;
    for (let i = 0; i < 10; i++) {
      await policy
        .execute(async () => {
          attempts++;
          throw new Error('down');
        })
        .catch(() => {});
    }
    // 10 logical calls, budget 0.5 per call: at most ~5 retries in total.
    expect(attempts).toBeLessThanOrEqual(15);
    expect(reasons.filter((r) => r === 'budget_exhausted').length).toBeGreaterThan(0);
  });

  it('validates options', () => {
    expect(() => retry({ maxAttempts: 0 })).toThrow('retry: maxAttempts must be an integer in [1, 1000], got 0');
    expect(() => retry({ backoff: { multiplier: 0.5 } })).toThrow(/backoff.multiplier/);
    expect(() => retry({ backoff: { jitter: 'some' as never } })).toThrow(/backoff.jitter/);
    expect(() => retry({ budget: { ratio: -1 } })).toThrow(/budget.ratio/);
  });
});

describe('Backoff', () => {
  it('grows exponentially up to maxMs, with jitter in range', () => {
    const none = new Backoff({ initialMs: 10, maxMs: 50, multiplier: 2, jitter: 'none' });
    expect([1, 2, 3, 4, 5].map((n) => none.delay(n, 0.5))).toEqual([10, 20, 40, 50, 50]);
    const full = new Backoff({ initialMs: 10, maxMs: 50, jitter: 'full' });
    expect(full.delay(2, 0)).toBe(0);
    expect(full.delay(2, 0.999)).toBeCloseTo(19.98);
    const equal = new Backoff({ initialMs: 10, maxMs: 50, jitter: 'equal' });
    expect(equal.delay(2, 0)).toBe(10);
  });
});
