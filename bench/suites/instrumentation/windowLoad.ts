/**
 * Does a failing call cost more when the breaker's window is full? The same
 * failing path (every other call fails) measured with a window holding 100
 * calls (50 failures) and 10 000 calls (5 000 failures). An O(1) window costs
 * the same in both; opossum, which concatenates and sorts every latency of its
 * window on each failure, does not.
 */
import { EventEmitter } from 'node:events';
import { CountBreaker, circuitBreaker as cockatielCircuitBreaker, handleAll } from 'cockatiel';
import CircuitBreaker from 'opossum';
import type { Contestant } from '../../lib/interleave.js';
import { serialLoop } from '../../lib/loops.js';
import { CONFIG } from './contestant.js';
import { flakyWork } from './work.js';

export const SMALL_WINDOW = 100;
export const LARGE_WINDOW = 10_000;

/** One library at one window size. */
export interface WindowCase {
  readonly library: string;
  readonly windowCalls: number;
  readonly contestant: Contestant;
  dispose(): unknown;
}

async function fill(call: () => Promise<unknown>, calls: number): Promise<void> {
  for (let i = 0; i < calls; i++) await call().catch(() => undefined);
}

/**
 * opossum with its defaults (percentiles on), except a window that only
 * rotates when told: one bucket, rotated and refilled before every sample, so
 * each sample starts with exactly `windowCalls` calls in the window. Samples
 * are a fixed 20 calls (the window grows by 20 during one).
 */
export function opossumWindowCase(windowCalls: number): WindowCase {
  const rotate = new EventEmitter();
  const breaker = new CircuitBreaker(flakyWork, {
    timeout: false,
    errorThresholdPercentage: CONFIG.failureRateThreshold * 100,
    volumeThreshold: 10,
    resetTimeout: CONFIG.openDurationMs,
    rollingCountBuckets: 1,
    rollingCountTimeout: CONFIG.openDurationMs,
    rotateBucketController: rotate,
  });
  const call = () => breaker.fire();
  return {
    library: 'opossum (defaults: rolling percentiles on)',
    windowCalls,
    contestant: {
      name: `opossum window ${windowCalls}`,
      loop: serialLoop(`opossum window ${windowCalls}`, call, 'mixed'),
      callsPerSample: 20,
      async beforeSample() {
        rotate.emit('rotate');
        await fill(call, windowCalls);
        if (breaker.opened) throw new Error('opossum window case: breaker opened');
      },
    },
    dispose: () => breaker.shutdown(),
  };
}

/** cockatiel's CountBreaker: a ring of `size` booleans, filled once (a count window's content is constant). */
export async function cockatielWindowCase(windowCalls: number): Promise<WindowCase> {
  const policy = cockatielCircuitBreaker(handleAll, {
    halfOpenAfter: CONFIG.openDurationMs,
    breaker: new CountBreaker({ threshold: CONFIG.failureRateThreshold, size: windowCalls }),
  });
  const call = () => policy.execute(flakyWork);
  await fill(call, windowCalls);
  return {
    library: 'cockatiel CountBreaker',
    windowCalls,
    contestant: {
      name: `cockatiel window ${windowCalls}`,
      loop: serialLoop(`cockatiel window ${windowCalls}`, call, 'mixed'),
    },
    dispose() {},
  };
}
