import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BulkheadRejectedError } from '../errors.js';
import { bulkhead } from './bulkhead.js';

/**
 * Reference model: a counter of running calls and an array queue. The real
 * bulkhead (linked-list queue, permit hand-over, abort listeners) must start
 * the same calls in the same order and reject the same ones.
 */
class Model {
  running: number[] = [];
  queue: number[] = [];
  started: number[] = [];

  constructor(
    readonly maxConcurrent: number,
    readonly maxQueue: number,
  ) {}

  start(id: number): 'running' | 'queued' | 'rejected' {
    if (this.running.length < this.maxConcurrent) {
      this.running.push(id);
      this.started.push(id);
      return 'running';
    }
    if (this.queue.length < this.maxQueue) {
      this.queue.push(id);
      return 'queued';
    }
    return 'rejected';
  }

  finish(id: number): void {
    this.running = this.running.filter((r) => r !== id);
    const next = this.queue.shift();
    if (next !== undefined) {
      this.running.push(next);
      this.started.push(next);
    }
  }

  abort(id: number): void {
    this.queue = this.queue.filter((q) => q !== id);
  }
}

type Op = { kind: 'start' } | { kind: 'finish'; pick: number; failed: boolean } | { kind: 'abort'; pick: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.constant<Op>({ kind: 'start' }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('finish' as const), pick: fc.nat(), failed: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('abort' as const), pick: fc.nat() }) },
);

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('bulkhead against a reference model', () => {
  it('starts, queues and rejects the same calls in the same order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 4 }),
        fc.array(opArb, { maxLength: 60 }),
        async (maxConcurrent, maxQueue, ops) => {
          const pool = bulkhead({ name: 'model', maxConcurrent, maxQueue });
          const model = new Model(maxConcurrent, maxQueue);
          const started: number[] = [];
          const finishers = new Map<number, (failed: boolean) => void>();
          const controllers = new Map<number, AbortController>();
          let nextId = 0;
          for (const op of ops) {
            if (op.kind === 'start') {
              const id = nextId++;
              const controller = new AbortController();
              controllers.set(id, controller);
              const result = pool.execute(
                () =>
                  new Promise<void>((resolve, reject) => {
                    started.push(id);
                    finishers.set(id, (failed) => (failed ? reject(new Error('x')) : resolve()));
                  }),
                controller.signal,
              );
              result.catch(() => {});
              if (model.start(id) === 'rejected') await expect(result).rejects.toBeInstanceOf(BulkheadRejectedError);
            } else if (op.kind === 'finish' && model.running.length > 0) {
              const id = model.running[op.pick % model.running.length] as number;
              model.finish(id);
              finishers.get(id)?.(op.failed);
            } else if (op.kind === 'abort' && model.queue.length > 0) {
              const id = model.queue[op.pick % model.queue.length] as number;
              model.abort(id);
              controllers.get(id)?.abort();
            }
            await flush();
            expect(started).toEqual(model.started);
            expect(pool.active).toBe(model.running.length);
            expect(pool.queued).toBe(model.queue.length);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
