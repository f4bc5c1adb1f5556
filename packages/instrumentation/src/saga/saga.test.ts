import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TimeoutError } from '../errors.js';
import { isNeverSignal } from '../policies/policy.js';
import { saga } from './saga.js';
import type { SagaStep } from './types.js';

type Order = { id: string; amount: number };

/**
 * A clock of its own per test: deadlines are kept by the package's shared
 * scheduler (one per clock), which must not carry timer state from one
 * test's fake timers into the next.
 */
const freshClock = () => ({ now: () => performance.now() });
const order: Order = { id: 'o-1', amount: 42 };

/** Steps that log what runs, in order; `failAt` makes that action throw. */
function loggingSteps(log: string[], failAt?: string): SagaStep<Order>[] {
  const step = (name: string, compensate = true): SagaStep<Order> => ({
    name,
    action: async (ctx) => {
      log.push(`do ${name}`);
      if (name === failAt) throw new Error(`${name} broke`);
      return `${name}:${ctx.input.id}`;
    },
    ...(compensate ? { compensate: async () => void log.push(`undo ${name}`) } : {}),
  });
  return [step('reserve'), step('charge'), step('ship'), step('notify', false)];
}

describe('saga: the happy path', () => {
  it('runs steps in order and passes each result to the later steps', async () => {
    const seen: Record<string, unknown>[] = [];
    const snapshot = <T>(results: Readonly<Record<string, unknown>>, value: T): T => {
      seen.push({ ...results });
      return value;
    };
    const checkout = saga<Order, string>(
      'checkout',
      [
        { name: 'a', action: (ctx) => snapshot(ctx.results, ctx.input.amount) },
        { name: 'b', action: async (ctx) => snapshot(ctx.results, (ctx.results.a as number) * 2) },
        { name: 'c', action: (ctx) => snapshot(ctx.results, `total ${ctx.results.b}`) },
      ],
      { idGenerator: () => 'saga-1' },
    );
    const run = await checkout.run(order);
    expect(run).toEqual({
      sagaId: 'saga-1',
      status: 'completed',
      result: 'total 84',
      results: { a: 42, b: 84, c: 'total 84' },
    });
    expect(seen).toEqual([{}, { a: 42 }, { a: 42, b: 84 }]);
  });

  it('gives every step the input, the saga id and name, and a live signal', async () => {
    const ctxs: unknown[] = [];
    const s = saga<Order>('checkout', [
      { name: 'a', action: (ctx) => void ctxs.push([ctx.input, ctx.sagaId, ctx.sagaName, ctx.signal.aborted]) },
    ]);
    const run = await s.run(order, { sagaId: 'given-id' });
    expect(run.sagaId).toBe('given-id');
    expect(ctxs).toEqual([[order, 'given-id', 'checkout', false]]);
  });

  it('hands steps nothing can abort the shared never-aborting signal: a real, unaborted AbortSignal, no controller per step', async () => {
    const seen: { signal: AbortSignal; again: AbortSignal; enumerable: boolean }[] = [];
    const compensations: AbortSignal[] = [];
    const s = saga<Order>('checkout', [
      {
        name: 'a',
        action: (ctx) => {
          seen.push({ signal: ctx.signal, again: ctx.signal, enumerable: Object.keys(ctx).includes('signal') });
        },
        compensate: (ctx) => void compensations.push(ctx.signal),
      },
      {
        name: 'b',
        action: () => {
          throw new Error('declined');
        },
      },
    ]);
    expect((await s.run(order)).status).toBe('compensated');
    expect(seen).toHaveLength(1);
    expect(seen[0]!.signal).toBeInstanceOf(AbortSignal);
    expect(seen[0]!.signal.aborted).toBe(false);
    expect(seen[0]!.again).toBe(seen[0]!.signal);
    expect(seen[0]!.enumerable).toBe(true);
    expect(compensations[0]).toBeInstanceOf(AbortSignal);
    expect(isNeverSignal(seen[0]!.signal)).toBe(true);
    expect(isNeverSignal(compensations[0]!)).toBe(true);
  });

  it('generates a distinct id per run by default', async () => {
    const s = saga('x', [{ name: 'a', action: () => 1 }]);
    const [r1, r2] = await Promise.all([s.run(undefined), s.run(undefined)]);
    expect(r1.sagaId).toMatch(/^[0-9a-f-]{36}$/);
    expect(r1.sagaId).not.toBe(r2.sagaId);
  });
});

describe('saga: compensation', () => {
  it('undoes the completed steps in reverse order, never the failed one', async () => {
    const log: string[] = [];
    const run = await saga('checkout', loggingSteps(log, 'ship')).run(order);
    expect(log).toEqual(['do reserve', 'do charge', 'do ship', 'undo charge', 'undo reserve']);
    expect(run.status).toBe('compensated');
    expect(run.failedStep).toBe('ship');
    expect((run.error as Error).message).toBe('ship broke');
    expect(run.undoneCompensations).toBeUndefined();
    expect(run.result).toBeUndefined();
  });

  it('skips steps without a compensation', async () => {
    const log: string[] = [];
    const steps = loggingSteps(log);
    steps.push({ name: 'boom', action: () => Promise.reject(new Error('late')) });
    const run = await saga('checkout', steps).run(order);
    expect(log.slice(4)).toEqual(['undo ship', 'undo charge', 'undo reserve']);
    expect(run.status).toBe('compensated');
  });

  it('gives a compensation its own result, the cause and the attempt', async () => {
    const seen: unknown[] = [];
    const cause = new Error('no stock');
    await saga<Order>('s', [
      {
        name: 'charge',
        action: () => ({ chargeId: 'c-9' }),
        compensate: (ctx) => void seen.push([ctx.result, ctx.cause, ctx.attempt, ctx.results, ctx.input]),
      },
      { name: 'reserve', action: () => Promise.reject(cause) },
    ]).run(order);
    expect(seen).toEqual([[{ chargeId: 'c-9' }, cause, 1, { charge: { chargeId: 'c-9' } }, order]]);
  });

  it('treats a synchronous throw like a rejection', async () => {
    const run = await saga('s', [
      {
        name: 'a',
        action: () => {
          throw new Error('sync');
        },
      },
    ]).run(undefined);
    expect(run).toMatchObject({ status: 'compensated', failedStep: 'a' });
  });
});

describe('saga: compensation failures', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('retries a failing compensation with exponential backoff, then ends failed with what is left undone', async () => {
    const log: string[] = [];
    const tries: number[] = [];
    const steps = loggingSteps(log, 'ship');
    steps[1]!.compensate = (ctx) => {
      tries.push(Date.now());
      throw new Error(`refund failed #${ctx.attempt}`);
    };
    const start = Date.now();
    const pending = saga('checkout', steps, { compensationRetries: 2, compensationBackoffMs: 100 }).run(order);
    await vi.runAllTimersAsync();
    const run = await pending;
    expect(tries.map((t) => t - start)).toEqual([0, 100, 300]);
    expect(log).toEqual(['do reserve', 'do charge', 'do ship']);
    expect(run.status).toBe('failed');
    expect(run.failedStep).toBe('ship');
    expect((run.error as Error).message).toBe('ship broke');
    expect(run.undoneCompensations).toEqual(['charge', 'reserve']);
  });

  it('ends compensated when a retry succeeds', async () => {
    const log: string[] = [];
    const steps = loggingSteps(log, 'ship');
    steps[0]!.compensate = (ctx) => {
      if (ctx.attempt < 3) throw new Error('busy');
      log.push('undo reserve');
    };
    const pending = saga('checkout', steps).run(order);
    await vi.runAllTimersAsync();
    const run = await pending;
    expect(run.status).toBe('compensated');
    expect(log.at(-1)).toBe('undo reserve');
  });

  it('times out a hung compensation attempt and retries it', async () => {
    let calls = 0;
    const pending = saga(
      's',
      [
        {
          name: 'a',
          action: () => 1,
          compensate: () => (++calls === 1 ? new Promise(() => {}) : 'ok'),
          timeoutMs: 50,
        },
        { name: 'b', action: () => Promise.reject(new Error('x')) },
      ],
      { compensationBackoffMs: 0, clock: freshClock() },
    ).run(undefined);
    await vi.runAllTimersAsync();
    expect((await pending).status).toBe('compensated');
    expect(calls).toBe(2);
  });

  it('with no retries, fails after one try', async () => {
    let calls = 0;
    const pending = saga(
      's',
      [
        { name: 'a', action: () => 1, compensate: () => Promise.reject(new Error(`no ${++calls}`)) },
        { name: 'b', action: () => Promise.reject(new Error('x')) },
      ],
      { compensationRetries: 0 },
    ).run(undefined);
    await vi.runAllTimersAsync();
    expect(await pending).toMatchObject({ status: 'failed', undoneCompensations: ['a'] });
    expect(calls).toBe(1);
  });
});

describe('saga: deadlines and abort', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  /** An action that only ends when its signal aborts, recording the reason. */
  const waitForAbort = (reasons: unknown[]) => (ctx: { signal: AbortSignal }) =>
    new Promise((_, reject) =>
      ctx.signal.addEventListener('abort', () => {
        reasons.push(ctx.signal.reason);
        reject(ctx.signal.reason);
      }),
    );

  it('aborts a step at its deadline and compensates', async () => {
    const reasons: unknown[] = [];
    const log: string[] = [];
    const pending = saga(
      's',
      [
        { name: 'a', action: () => 1, compensate: () => void log.push('undo a') },
        { name: 'slow', action: waitForAbort(reasons) },
      ],
      { stepTimeoutMs: 1000, clock: freshClock() },
    ).run(undefined);
    await vi.advanceTimersByTimeAsync(999);
    expect(reasons).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    const run = await pending;
    expect(reasons[0]).toBeInstanceOf(TimeoutError);
    expect(run.error).toBe(reasons[0]);
    expect(run).toMatchObject({ status: 'compensated', failedStep: 'slow' });
    expect((run.error as TimeoutError).timeoutMs).toBe(1000);
    expect(log).toEqual(['undo a']);
  });

  it('does not wait for a step that ignores its signal', async () => {
    const pending = saga('s', [{ name: 'deaf', action: () => new Promise(() => {}), timeoutMs: 20 }], {
      clock: freshClock(),
    }).run(undefined);
    await vi.advanceTimersByTimeAsync(20);
    expect(await pending).toMatchObject({ status: 'compensated', failedStep: 'deaf' });
  });

  it('lets a step override the saga deadline', async () => {
    const pending = saga(
      's',
      [
        { name: 'quick', action: () => new Promise((r) => setTimeout(r, 300)), timeoutMs: 500 },
        { name: 'long', action: () => new Promise((r) => setTimeout(r, 300)) },
      ],
      { stepTimeoutMs: 200, clock: freshClock() },
    ).run(undefined);
    await vi.runAllTimersAsync();
    expect(await pending).toMatchObject({ status: 'compensated', failedStep: 'long' });
  });

  it('never aborts the signal of a step that finished in time', async () => {
    let signal: AbortSignal | undefined;
    const run = saga(
      's',
      [
        {
          name: 'a',
          action: (ctx) => {
            signal = ctx.signal;
          },
        },
      ],
      { stepTimeoutMs: 100, clock: freshClock() },
    ).run(undefined);
    await run;
    await vi.advanceTimersByTimeAsync(1000);
    expect(signal?.aborted).toBe(false);
  });

  it('aborts a step at its deadline even when the outer signal is linked', async () => {
    const reasons: unknown[] = [];
    const pending = saga('s', [{ name: 'slow', action: waitForAbort(reasons) }], {
      stepTimeoutMs: 50,
      clock: freshClock(),
    }).run(undefined, { signal: new AbortController().signal });
    await vi.advanceTimersByTimeAsync(50);
    expect((await pending).error).toBeInstanceOf(TimeoutError);
    expect(reasons[0]).toBeInstanceOf(TimeoutError);
  });

  it('stops on an outer abort, aborting the running step, then compensates', async () => {
    const reasons: unknown[] = [];
    const log: string[] = [];
    const controller = new AbortController();
    const pending = saga('s', [
      { name: 'a', action: () => 1, compensate: (ctx) => void log.push(`undo a aborted=${ctx.signal.aborted}`) },
      { name: 'b', action: waitForAbort(reasons) },
      { name: 'c', action: () => void log.push('c ran') },
    ]).run(undefined, { signal: controller.signal });
    await vi.advanceTimersByTimeAsync(10);
    controller.abort(new Error('user left'));
    const run = await pending;
    expect(reasons).toEqual([controller.signal.reason]);
    expect(run).toMatchObject({ status: 'compensated', failedStep: 'b', error: controller.signal.reason });
    expect(log).toEqual(['undo a aborted=false']);
  });

  it('does not start when the signal is already aborted', async () => {
    const ran: string[] = [];
    const run = await saga('s', [{ name: 'a', action: () => void ran.push('a') }]).run(undefined, {
      signal: AbortSignal.abort('gone'),
    });
    expect(ran).toEqual([]);
    expect(run).toEqual({ sagaId: run.sagaId, status: 'compensated', results: {}, error: 'gone' });
  });
});

describe('saga: options are validated at construction', () => {
  const ok = { name: 'a', action: () => 1 };
  it.each([
    [() => saga('', [ok]), 'saga: name must be a non-empty string'],
    [() => saga('s', []), 'saga "s": steps must be a non-empty array'],
    [() => saga('s', [ok, ok]), 'saga "s": steps[1].name "a" is used by an earlier step'],
    [() => saga('s', [{ name: 'a' } as SagaStep<unknown>]), 'saga "s": steps[0].action must be a function'],
    [
      () => saga('s', [{ ...ok, timeoutMs: 0 }]),
      'saga "s": steps[0].timeoutMs must be a number of ms in (0, 2147483647], got 0',
    ],
    [() => saga('s', [ok], { stepTimeoutMs: Number.NaN }), 'options.stepTimeoutMs must be a number of ms in'],
    [() => saga('s', [ok], { stepTimeoutMs: 2 ** 31 }), 'options.stepTimeoutMs must be a number of ms in'],
    [() => saga('s', [ok], { clock: {} as never }), 'options.clock must have a now() method'],
    [() => saga('s', [ok], { compensationRetries: 1.5 }), 'options.compensationRetries must be an integer ≥ 0'],
    [() => saga('s', [ok], { compensationBackoffMs: -1 }), 'options.compensationBackoffMs must be a finite number ≥ 0'],
  ])('%#', (build, message) => {
    expect(build).toThrow(message);
  });
});
