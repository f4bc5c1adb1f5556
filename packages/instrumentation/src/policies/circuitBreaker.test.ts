import { describe, expect, it, vi } from 'vitest';
import { BrokenCircuitError, BulkheadRejectedError } from '../errors.js';
import { type CircuitBreakerOptions, circuitBreaker, type StateChangeEvent } from './circuitBreaker.js';

function fakeClock() {
  return {
    t: 0,
    now(): number {
      return this.t;
    },
  };
}

const ok = async () => 'ok';
const boom = async (): Promise<string> => {
  throw new Error('boom');
};

function make(options: Partial<CircuitBreakerOptions> = {}) {
  const clock = fakeClock();
  const breaker = circuitBreaker({
    name: 'payments',
    window: { kind: 'count', size: 10 },
    minimumCalls: 4,
    failureRateThreshold: 0.5,
    openDurationMs: 1_000,
    clock,
    ...options,
  });
  return { breaker, clock };
}

async function settle(promise: Promise<unknown>): Promise<unknown> {
  try {
    return await promise;
  } catch (error) {
    return error;
  }
}

describe('circuitBreaker', () => {
  it('stays closed below minimumCalls, opens at the failure-rate threshold', async () => {
    const { breaker } = make();
    await settle(breaker.execute(boom));
    await settle(breaker.execute(boom));
    await settle(breaker.execute(boom));
    expect(breaker.state).toBe('closed');
    await breaker.execute(ok);
    expect(breaker.state).toBe('open'); // 3 of 4 failed >= 0.5
    expect(breaker.stats()).toMatchObject({ calls: 4, failures: 3, failureRate: 0.75 });
  });

  it('does not open while the failure rate stays below the threshold', async () => {
    const { breaker } = make();
    for (let i = 0; i < 20; i++) await settle(breaker.execute(i % 4 === 0 ? boom : ok));
    expect(breaker.state).toBe('closed');
  });

  it('rejects at once with BrokenCircuitError without calling fn when open', async () => {
    const { breaker } = make();
    breaker.isolate();
    const fn = vi.fn(ok);
    const error = await settle(breaker.execute(fn));
    expect(error).toBeInstanceOf(BrokenCircuitError);
    expect(error).toMatchObject({ breaker: 'payments', state: 'forced_open' });
    expect(fn).not.toHaveBeenCalled();
    expect((error as Error).stack?.split('\n').length).toBe(1); // no stack captured
  });

  it('hands every call rejected in one state the same error, and a fresh one per state', async () => {
    const { breaker, clock } = make({ minimumCalls: 2 });
    await settle(breaker.execute(boom));
    await settle(breaker.execute(boom));
    expect(breaker.state).toBe('open');
    const first = await settle(breaker.execute(ok));
    expect(await settle(breaker.execute(ok))).toBe(first);
    expect(first).toMatchObject({ state: 'open', message: 'circuit breaker "payments" is open' });

    breaker.isolate();
    const isolated = await settle(breaker.execute(ok));
    expect(isolated).not.toBe(first);
    expect(isolated).toMatchObject({ state: 'forced_open' });

    // Reopened after a failed probe: a new stay in `open`, a new error.
    breaker.reset();
    await settle(breaker.execute(boom));
    await settle(breaker.execute(boom));
    const reopened = await settle(breaker.execute(ok));
    expect(reopened).toBeInstanceOf(BrokenCircuitError);
    expect(reopened).not.toBe(first);
    clock.t += 1_000;
    expect(await breaker.execute(ok)).toBe('ok'); // the lazy half-open probe
  });

  it('opens on the slow-call rate', async () => {
    const { breaker, clock } = make({ slowCallDurationMs: 100, slowCallRateThreshold: 0.5 });
    for (let i = 0; i < 4; i++) {
      await breaker.execute(async () => {
        clock.t += i < 2 ? 150 : 10;
        return 'slow?';
      });
    }
    expect(breaker.state).toBe('open');
    expect(breaker.stats().slowCallRate).toBe(0.5);
  });

  it('moves to half_open lazily on the first call after openDurationMs', async () => {
    const { breaker, clock } = make();
    breaker.isolate();
    breaker.reset();
    for (let i = 0; i < 4; i++) await settle(breaker.execute(boom));
    expect(breaker.state).toBe('open');
    clock.t += 999;
    expect(await settle(breaker.execute(ok))).toBeInstanceOf(BrokenCircuitError);
    clock.t += 1;
    expect(breaker.state).toBe('open'); // no timer: nothing happens until a call
    expect(await breaker.execute(ok)).toBe('ok');
    expect(breaker.state).toBe('closed');
  });

  it('admits halfOpenMaxCalls probes and decides only when all have finished', async () => {
    const { breaker, clock } = make({ halfOpenMaxCalls: 2 });
    for (let i = 0; i < 4; i++) await settle(breaker.execute(boom));
    clock.t += 1_000;
    let finishFirst!: () => void;
    const first = breaker.execute(() => new Promise<string>((resolve) => (finishFirst = () => resolve('a'))));
    expect(breaker.state).toBe('half_open');
    let failSecond!: () => void;
    const second = breaker.execute(
      () => new Promise<string>((_, reject) => (failSecond = () => reject(new Error('probe failed')))),
    );
    expect(await settle(breaker.execute(ok))).toBeInstanceOf(BrokenCircuitError); // permits exhausted
    finishFirst();
    await first;
    expect(breaker.state).toBe('half_open');
    failSecond();
    await settle(second);
    expect(breaker.state).toBe('open'); // 1 of 2 failed >= 0.5
  });

  it('closes after successful probes with an empty window', async () => {
    const { breaker, clock } = make({ halfOpenMaxCalls: 2 });
    for (let i = 0; i < 4; i++) await settle(breaker.execute(boom));
    clock.t += 1_000;
    await Promise.all([breaker.execute(ok), breaker.execute(ok)]);
    expect(breaker.state).toBe('closed');
    expect(breaker.stats().calls).toBe(0);
  });

  it('never stays stuck half-open when a probe never returns', async () => {
    const { breaker, clock } = make({ halfOpenMaxWaitMs: 5_000 });
    for (let i = 0; i < 4; i++) await settle(breaker.execute(boom));
    clock.t += 1_000;
    void breaker.execute(() => new Promise<string>(() => {})); // lost probe
    expect(breaker.state).toBe('half_open');
    clock.t += 5_000;
    expect(await settle(breaker.execute(ok))).toBeInstanceOf(BrokenCircuitError);
    expect(breaker.state).toBe('open');
    clock.t += 1_000;
    expect(await breaker.execute(ok)).toBe('ok');
    expect(breaker.state).toBe('closed');
  });

  it('ignores results of calls admitted before a transition', async () => {
    const { breaker } = make();
    let failLate!: () => void;
    const late = breaker.execute(() => new Promise<string>((_, reject) => (failLate = () => reject(new Error('x')))));
    breaker.isolate();
    breaker.reset();
    failLate();
    await settle(late);
    expect(breaker.stats().calls).toBe(0);
  });

  it('counts only errors isFailure accepts; inner rejections are not recorded', async () => {
    const { breaker } = make({ isFailure: (error) => !(error instanceof TypeError) });
    for (let i = 0; i < 10; i++) {
      await settle(
        breaker.execute(async () => {
          throw new TypeError('client bug');
        }),
      );
    }
    expect(breaker.state).toBe('closed');
    expect(breaker.stats()).toMatchObject({ calls: 10, failures: 0 });
    await settle(
      breaker.execute(async () => {
        throw BulkheadRejectedError.create('pool', 'queue_full');
      }),
    );
    expect(breaker.stats().calls).toBe(10);
  });

  it('isolate, reset and disable', async () => {
    const { breaker } = make();
    const events: StateChangeEvent[] = [];
    const unsubscribe = breaker.onStateChange((event) => events.push(event));
    breaker.isolate();
    expect(breaker.state).toBe('forced_open');
    breaker.reset();
    breaker.disable();
    for (let i = 0; i < 10; i++) await settle(breaker.execute(boom));
    expect(breaker.state).toBe('disabled');
    unsubscribe();
    breaker.reset();
    expect(events.map((e) => `${e.from}->${e.to}`)).toEqual([
      'closed->forced_open',
      'forced_open->closed',
      'closed->disabled',
    ]);
    expect(typeof events[0]?.at).toBe('number');
    expect(breaker.state).toBe('closed');
  });

  it('a throwing listener does not break the breaker', async () => {
    const { breaker } = make();
    breaker.onStateChange(() => {
      throw new Error('listener');
    });
    expect(() => breaker.isolate()).not.toThrow();
    expect(breaker.state).toBe('forced_open');
  });

  it('uses a time window', async () => {
    const { breaker, clock } = make({ window: { kind: 'time', seconds: 10 }, minimumCalls: 3 });
    await settle(breaker.execute(boom));
    await settle(breaker.execute(boom));
    clock.t += 20_000; // both fall out
    await settle(breaker.execute(boom));
    await breaker.execute(ok);
    expect(breaker.state).toBe('closed');
    await settle(breaker.execute(boom));
    expect(breaker.state).toBe('open');
  });

  it('validates options with messages naming the option', () => {
    expect(() => make({ failureRateThreshold: 2 })).toThrow(
      'circuitBreaker: failureRateThreshold must be in (0, 1], got 2',
    );
    expect(() => make({ name: '' })).toThrow('circuitBreaker: name must be a non-empty string');
    expect(() => make({ minimumCalls: 20 })).toThrow(
      'circuitBreaker: minimumCalls must be <= window.size (10), got 20',
    );
    expect(() => make({ halfOpenMaxCalls: 1.5 })).toThrow(/halfOpenMaxCalls must be an integer/);
    expect(() => make({ window: { kind: 'time', seconds: 0 } })).toThrow(/window.seconds/);
    expect(() => make({ window: { kind: 'sliding' } as never })).toThrow(/window.kind/);
  });
});
