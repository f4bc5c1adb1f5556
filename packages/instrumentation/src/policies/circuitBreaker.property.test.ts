import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BrokenCircuitError } from '../errors.js';
import { type BreakerState, type BreakerWindow, circuitBreaker } from './circuitBreaker.js';

/**
 * A deliberately naive model of the breaker: the window is a plain list of
 * timestamped outcomes filtered on every decision, the state machine a few
 * `if`s. The real breaker (ring buffers, buckets, generations) must agree
 * with it on every admission and every state, for random call sequences.
 */
interface Config {
  window: BreakerWindow;
  minimumCalls: number;
  failureRateThreshold: number;
  slowCallRateThreshold: number;
  slowCallDurationMs: number;
  openDurationMs: number;
  halfOpenMaxCalls: number;
  halfOpenMaxWaitMs: number;
}

interface Record {
  t: number;
  failed: boolean;
  slow: boolean;
}

class Model {
  state: BreakerState = 'closed';
  generation = 0;
  records: Record[] = [];
  openedAt = 0;
  halfOpenedAt = 0;
  probes: { admitted: number; done: Record[] } = { admitted: 0, done: [] };

  constructor(readonly config: Config) {}

  private windowed(now: number): Record[] {
    const w = this.config.window;
    if (w.kind === 'count') return this.records.slice(-w.size);
    const bucketMs = (w.seconds * 1000) / (w.buckets ?? 10);
    const current = Math.floor(now / bucketMs);
    return this.records.filter((r) => Math.floor(r.t / bucketMs) > current - (w.buckets ?? 10));
  }

  private exceeds(records: Record[]): boolean {
    const n = records.length;
    return (
      records.filter((r) => r.failed).length / n >= this.config.failureRateThreshold ||
      records.filter((r) => r.slow).length / n >= this.config.slowCallRateThreshold
    );
  }

  private go(to: BreakerState, now: number): void {
    if (to === this.state) return;
    this.state = to;
    this.generation++;
    this.probes = { admitted: 0, done: [] };
    if (to === 'open') this.openedAt = now;
    if (to === 'half_open') this.halfOpenedAt = now;
    if (to === 'closed') this.records = [];
  }

  /** Returns the generation of an admitted call, or -1. */
  admit(now: number): number {
    if (this.state === 'forced_open') return -1;
    if (this.state === 'open') {
      if (now - this.openedAt < this.config.openDurationMs) return -1;
      this.go('half_open', now);
    }
    if (this.state === 'half_open') {
      if (this.probes.admitted < this.config.halfOpenMaxCalls) {
        this.probes.admitted++;
        return this.generation;
      }
      if (now - this.halfOpenedAt >= this.config.halfOpenMaxWaitMs) this.go('open', now);
      return -1;
    }
    return this.generation;
  }

  finish(generation: number, startedAt: number, now: number, failed: boolean): void {
    if (generation !== this.generation || this.state === 'disabled') return;
    const record = { t: now, failed, slow: now - startedAt >= this.config.slowCallDurationMs };
    if (this.state === 'closed') {
      this.records.push(record);
      const window = this.windowed(now);
      if (window.length >= this.config.minimumCalls && this.exceeds(window)) this.go('open', now);
    } else if (this.state === 'half_open') {
      this.probes.done.push(record);
      if (this.probes.done.length === this.config.halfOpenMaxCalls) {
        this.go(this.exceeds(this.probes.done) ? 'open' : 'closed', now);
      }
    }
  }

  command(name: 'isolate' | 'reset' | 'disable', now: number): void {
    if (name === 'isolate') this.go('forced_open', now);
    if (name === 'disable') this.go('disabled', now);
    if (name === 'reset') {
      if (this.state === 'closed') {
        this.generation++;
        this.records = [];
      } else this.go('closed', now);
    }
  }
}

type Op =
  | { kind: 'start' }
  | { kind: 'finish'; pick: number; failed: boolean }
  | { kind: 'tick'; ms: number }
  | { kind: 'command'; name: 'isolate' | 'reset' | 'disable' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.constant<Op>({ kind: 'start' }) },
  {
    weight: 6,
    arbitrary: fc.record({ kind: fc.constant('finish' as const), pick: fc.nat(), failed: fc.boolean() }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 1, max: 3000 }) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('command' as const),
      name: fc.constantFrom('isolate' as const, 'reset' as const, 'disable' as const),
    }),
  },
);

const configArb: fc.Arbitrary<Config> = fc
  .record({
    window: fc.oneof(
      fc.record({ kind: fc.constant('count' as const), size: fc.integer({ min: 1, max: 8 }) }),
      fc.record({
        kind: fc.constant('time' as const),
        seconds: fc.integer({ min: 1, max: 10 }),
        buckets: fc.integer({ min: 1, max: 5 }),
      }),
    ),
    minimumCalls: fc.integer({ min: 1, max: 8 }),
    failureRateThreshold: fc.constantFrom(0.25, 0.5, 1),
    slowCallRateThreshold: fc.constantFrom(0.5, 1),
    slowCallDurationMs: fc.integer({ min: 100, max: 4000 }),
    openDurationMs: fc.integer({ min: 0, max: 4000 }),
    halfOpenMaxCalls: fc.integer({ min: 1, max: 3 }),
    halfOpenMaxWaitMs: fc.integer({ min: 0, max: 8000 }),
  })
  .map((c) => (c.window.kind === 'count' ? { ...c, minimumCalls: Math.min(c.minimumCalls, c.window.size) } : c));

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('circuitBreaker against a reference model', () => {
  it('agrees on every admission and state', async () => {
    await fc.assert(
      fc.asyncProperty(configArb, fc.array(opArb, { maxLength: 60 }), async (config, ops) => {
        const clock = { t: 0, now: () => clock.t };
        const breaker = circuitBreaker({ name: 'model', clock, ...config });
        const model = new Model(config);
        const pending: { resolve: () => void; reject: () => void; generation: number; startedAt: number }[] = [];
        for (const op of ops) {
          if (op.kind === 'tick') clock.t += op.ms;
          else if (op.kind === 'command') {
            breaker[op.name]();
            model.command(op.name, clock.t);
          } else if (op.kind === 'start') {
            let called = false;
            let control = { resolve: () => {}, reject: () => {} };
            const result = breaker.execute(
              () =>
                new Promise<void>((resolve, reject) => {
                  called = true;
                  control = { resolve: () => resolve(), reject: () => reject(new Error('failed')) };
                }),
            );
            result.catch(() => {});
            const generation = model.admit(clock.t);
            expect(called).toBe(generation >= 0);
            if (called) pending.push({ ...control, generation, startedAt: clock.t });
            else await expect(result).rejects.toBeInstanceOf(BrokenCircuitError);
          } else if (pending.length > 0) {
            const [call] = pending.splice(op.pick % pending.length, 1);
            if (call === undefined) continue;
            if (op.failed) call.reject();
            else call.resolve();
            await flush();
            model.finish(call.generation, call.startedAt, clock.t, op.failed);
          }
          expect(breaker.state).toBe(model.state);
        }
      }),
      { numRuns: 1500 },
    );
  });
});
