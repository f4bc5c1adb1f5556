/**
 * The peers, configured like Faultline's contestants (see CONFIG): opossum
 * and cockatiel as their users would set them up, with the few settings that
 * matter for a fair comparison made explicit.
 */
import {
  BulkheadRejectedError,
  CircuitState,
  BrokenCircuitError as CockatielBrokenCircuitError,
  CountBreaker,
  bulkhead as cockatielBulkhead,
  circuitBreaker as cockatielCircuitBreaker,
  timeout as cockatielTimeout,
  handleAll,
  type IPolicy,
  TimeoutStrategy,
  wrap,
} from 'cockatiel';
import CircuitBreaker from 'opossum';
import { CONFIG, type ContestantSpec, type Path, type Prepared, timeoutFor, tripBreaker } from './contestant.js';
import { NAMES } from './names.js';
import { flakyWork, heldWork, WORK_FAILURE, work } from './work.js';

const alwaysFail = async (_context?: unknown): Promise<never> => {
  throw WORK_FAILURE;
};

function workFor(path: Path): (context?: unknown) => Promise<number> {
  return path === 'failure' ? flakyWork : work;
}

function expectFor(path: Path): Prepared['expect'] {
  if (path === 'failure') return 'mixed';
  if (path === 'open' || path === 'bulkhead-rejected') return 'reject';
  return 'fulfil';
}

export const bare: ContestantSpec = {
  name: NAMES.bare,
  async prepare(path) {
    // The reference for every path: the work alone, through the same loop.
    const fn = workFor(path);
    return { call: () => fn(), expect: path === 'failure' ? 'mixed' : 'fulfil', dispose() {} };
  },
};

// ── opossum ────────────────────────────────────────────────────────────────

/**
 * opossum with `timeout: false` (no timer per call) or with its timeout.
 * `rollingPercentilesEnabled: false` on these paths: with it on, every
 * failure sorts every latency of the last 10 s, so the cost of a failing call
 * depends on how many calls the benchmark itself made before it. That cost is
 * measured on purpose, with the default setting, in the window-load table.
 */
function opossumContestant(name: string, timeout: number | false): ContestantSpec {
  return {
    name,
    async prepare(path) {
      if (path === 'bulkhead-queued') return undefined; // opossum's `capacity` rejects, it never queues
      if (path === 'bulkhead-rejected') {
        // `capacity` is opossum's bulkhead (without a queue). Held calls take every permit; a
        // rejection counts as a failure in opossum, so the threshold is 100 % to keep it closed.
        const held = heldWork();
        const breaker = new CircuitBreaker(held.work, {
          timeout: timeout && timeoutFor(path),
          capacity: CONFIG.fullBulkhead.maxConcurrent,
          errorThresholdPercentage: 100,
          rollingPercentilesEnabled: false,
        });
        const pending = Array.from({ length: CONFIG.fullBulkhead.maxConcurrent }, () =>
          breaker.fire().catch(() => undefined),
        );
        return {
          call: () => breaker.fire(),
          expect: 'reject',
          async dispose() {
            held.release();
            await Promise.allSettled(pending);
            breaker.shutdown();
          },
        };
      }
      const breaker = new CircuitBreaker(workFor(path), {
        timeout,
        errorThresholdPercentage: CONFIG.failureRateThreshold * 100,
        // Like the count windows' minimum number of calls: no verdict on the first few calls.
        volumeThreshold: CONFIG.windowSize,
        resetTimeout: CONFIG.openDurationMs,
        rollingPercentilesEnabled: false,
      });
      if (path === 'open') {
        breaker.open(); // the state a trip leads to; opossum's action is fixed, so it cannot be fed failures here
        if (!breaker.opened) throw new Error(`${name}: did not open`);
      }
      return {
        call: () => breaker.fire(),
        expect: expectFor(path),
        dispose() {
          breaker.shutdown();
          if (path !== 'open' && breaker.opened) throw new Error(`${name}: breaker opened on the ${path} path`);
        },
      };
    },
  };
}

export const opossumNoTimeout = opossumContestant(NAMES.opossum, false);
export const opossumWithTimeout = opossumContestant(NAMES.opossumTimeout, CONFIG.timeoutMs);

// ── cockatiel ──────────────────────────────────────────────────────────────

function cockatielBreaker() {
  return cockatielCircuitBreaker(handleAll, {
    halfOpenAfter: CONFIG.openDurationMs,
    breaker: new CountBreaker({ threshold: CONFIG.failureRateThreshold, size: CONFIG.windowSize }),
  });
}

/**
 * The equivalent of Faultline's timeout: Aggressive (the caller gets the
 * timeout error at the deadline, not when the work gives up), and
 * `abortOnReturn: false`, i.e. no abort of the signal after a call that
 * settled in time — what Faultline does too. cockatiel's default
 * (`abortOnReturn: true`) is measured as a separate row.
 */
function cockatielTimeoutPolicy(path: Path, abortOnReturn: boolean) {
  return cockatielTimeout(timeoutFor(path), { strategy: TimeoutStrategy.Aggressive, abortOnReturn });
}

type Parts = { breaker: boolean; bulkhead: boolean; timeout: false | 'abortOnReturn:false' | 'abortOnReturn:true' };

function cockatielContestant(name: string, parts: Parts): ContestantSpec {
  return {
    name,
    async prepare(path) {
      if (path === 'open' && !parts.breaker) return undefined;
      if ((path === 'bulkhead-queued' || path === 'bulkhead-rejected') && !parts.bulkhead) return undefined;
      const sizes =
        path === 'bulkhead-queued'
          ? CONFIG.saturatedBulkhead
          : path === 'bulkhead-rejected'
            ? CONFIG.fullBulkhead
            : CONFIG.roomyBulkhead;
      const breaker = parts.breaker ? cockatielBreaker() : undefined;
      const pool = parts.bulkhead ? cockatielBulkhead(sizes.maxConcurrent, sizes.maxQueue) : undefined;
      const chain: IPolicy[] = [];
      if (pool) chain.push(pool);
      if (breaker) chain.push(breaker);
      if (parts.timeout) chain.push(cockatielTimeoutPolicy(path, parts.timeout === 'abortOnReturn:true'));
      const policy = chain.length === 1 ? chain[0]! : wrap(...chain);
      if (path === 'open' && breaker) {
        await tripBreaker(
          () => breaker.execute(alwaysFail),
          () => breaker.state === CircuitState.Open,
          name,
        );
      }
      const held = heldWork();
      let pending: Promise<unknown>[] = [];
      if (path === 'bulkhead-rejected') {
        const slots = sizes.maxConcurrent + sizes.maxQueue;
        pending = Array.from({ length: slots }, () => policy.execute(held.work).catch(() => undefined));
        await policy.execute(work).then(
          () => {
            throw new Error(`${name}: bulkhead did not reject`);
          },
          (error: unknown) => {
            if (!(error instanceof BulkheadRejectedError)) throw error;
          },
        );
      }
      if (path === 'open') {
        await policy.execute(work).then(
          () => {
            throw new Error(`${name}: open breaker let a call through`);
          },
          (error: unknown) => {
            if (!(error instanceof CockatielBrokenCircuitError)) throw error;
          },
        );
      }
      const fn = workFor(path);
      return {
        call: () => policy.execute(fn),
        expect: expectFor(path),
        async dispose() {
          held.release();
          await Promise.allSettled(pending);
          if (path !== 'open' && breaker && breaker.state !== CircuitState.Closed) {
            throw new Error(`${name}: breaker left the closed state on the ${path} path`);
          }
        },
      };
    },
  };
}

export const cockatielBreakerOnly = cockatielContestant(NAMES.cockatielBreaker, {
  breaker: true,
  bulkhead: false,
  timeout: false,
});
export const cockatielBulkheadBreaker = cockatielContestant(NAMES.cockatielBulkheadBreaker, {
  breaker: true,
  bulkhead: true,
  timeout: false,
});
export const cockatielBulkheadBreakerTimeout = cockatielContestant(NAMES.cockatielBulkheadBreakerTimeout, {
  breaker: true,
  bulkhead: true,
  timeout: 'abortOnReturn:false',
});
export const cockatielTimeoutNoAbort = cockatielContestant(NAMES.cockatielTimeout, {
  breaker: false,
  bulkhead: false,
  timeout: 'abortOnReturn:false',
});
export const cockatielTimeoutDefault = cockatielContestant(NAMES.cockatielTimeoutDefault, {
  breaker: false,
  bulkhead: false,
  timeout: 'abortOnReturn:true',
});
