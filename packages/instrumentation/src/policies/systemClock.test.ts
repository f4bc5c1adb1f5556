import { describe, expect, it, vi } from 'vitest';
import { TimeoutError } from '../errors.js';
import { circuitBreaker } from './circuitBreaker.js';
import { compose } from './compose.js';
import { timeout } from './timeout.js';

/**
 * Policies on the default clock take their times from the inline run that
 * calls them (one `performance.now()` at its start and one at its end, see
 * inlineRun.ts). Every other test passes its own clock, so these use real
 * time, briefly: the shared readings must reach a policy executed alone as
 * well as one inside a composition.
 */
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const never = () => new Promise<never>(() => {});

describe('policies on the system clock', () => {
  it('a timeout executed alone rejects at its deadline', async () => {
    const started = performance.now();
    await expect(timeout({ ms: 20 }).execute(never)).rejects.toBeInstanceOf(TimeoutError);
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(19);
    expect(elapsed).toBeLessThan(1_000);
  });

  it('a timeout inside a composition rejects at its deadline', async () => {
    const breaker = circuitBreaker({ name: 'system-clock-composed', minimumCalls: 100 });
    await expect(compose(breaker, timeout({ ms: 20 })).execute(never)).rejects.toBeInstanceOf(TimeoutError);
    expect(breaker.stats().calls).toBe(1);
  });

  it('a breaker executed alone counts slow calls and opens on them', async () => {
    const breaker = circuitBreaker({
      name: 'system-clock-slow',
      window: { kind: 'count', size: 2 },
      minimumCalls: 2,
      slowCallDurationMs: 5,
      slowCallRateThreshold: 1,
    });
    await breaker.execute(async () => 'quick');
    expect(breaker.stats()).toMatchObject({ calls: 1, slowCalls: 0 });
    await breaker.execute(() => wait(15));
    await breaker.execute(() => wait(15));
    expect(breaker.stats().slowCalls).toBe(2);
    expect(breaker.state).toBe('open');
  });

  it('follows fake timers installed after the package loaded (clock.ts reads the global again)', async () => {
    vi.useFakeTimers();
    try {
      const breaker = circuitBreaker({ name: 'system-clock-fake', minimumCalls: 100, slowCallDurationMs: 1_000 });
      const outcome = compose(breaker, timeout({ ms: 5_000 }))
        .execute(never)
        .catch((error: unknown) => error);
      await vi.advanceTimersByTimeAsync(5_001);
      expect(await outcome).toBeInstanceOf(TimeoutError);
      // The 5 s the call took are fake time too: a slow call for the breaker.
      expect(breaker.stats()).toMatchObject({ calls: 1, slowCalls: 1 });
    } finally {
      vi.useRealTimers();
    }
  });
});
