/**
 * Faultline's contestants, configured like the peers (see CONFIG). The
 * package is imported from source (`--conditions=source`).
 *
 * Telemetry follows the package's rule: a call is traced and timed when its
 * outermost policy names a `dependency`. So "faultline breaker" and
 * "faultline timeout" (no dependency) are the bare policies, comparable with
 * cockatiel's, which have no telemetry; the bulkhead+breaker+timeout rows
 * name one and report to the SDK that `telemetry.ts` registers globally.
 */
import {
  BrokenCircuitError,
  BulkheadRejectedError,
  bulkhead,
  type CircuitBreaker,
  type CircuitBreakerOptions,
  circuitBreaker,
  compose,
  type Policy,
  timeout,
} from '@faultline/instrumentation';
import { context } from '@opentelemetry/api';
import type { Contestant } from '../../lib/interleave.js';
import { serialLoop } from '../../lib/loops.js';
import { CONFIG, type ContestantSpec, type Path, type Prepared, timeoutFor, tripBreaker } from './contestant.js';
import { NAMES } from './names.js';
import { type BenchTelemetry, UNSAMPLED_PARENT } from './telemetry.js';
import type { WindowCase } from './windowLoad.js';
import { flakyWork, heldWork, WORK_FAILURE, work } from './work.js';

const DEPENDENCY = 'payment-service';

const alwaysFail = async (_signal?: AbortSignal): Promise<never> => {
  throw WORK_FAILURE;
};

let serial = 0;
/** Unique policy names, so no two contestants share gauge series. */
function uniqueName(prefix: string): string {
  return `${prefix}-${++serial}`;
}

function breakerOptions(dependency: string | undefined): CircuitBreakerOptions {
  return {
    name: uniqueName('breaker'),
    dependency,
    window: { kind: 'count', size: CONFIG.windowSize },
    failureRateThreshold: CONFIG.failureRateThreshold,
    minimumCalls: CONFIG.windowSize,
    openDurationMs: CONFIG.openDurationMs,
  };
}

function bulkheadSizes(path: Path) {
  if (path === 'bulkhead-queued') return CONFIG.saturatedBulkhead;
  if (path === 'bulkhead-rejected') return CONFIG.fullBulkhead;
  return CONFIG.roomyBulkhead;
}

function expectFor(path: Path): Prepared['expect'] {
  if (path === 'failure') return 'mixed';
  if (path === 'open' || path === 'bulkhead-rejected') return 'reject';
  return 'fulfil';
}

async function expectRejection(policy: Policy, isExpected: (error: unknown) => boolean, what: string) {
  let called = false;
  const rejected = await policy
    .execute(async () => {
      called = true;
      return 0;
    })
    .then(() => false, isExpected);
  if (!rejected || called) throw new Error(`${what}: expected an immediate rejection from the policy`);
}

interface Parts {
  readonly breaker: boolean;
  readonly bulkhead: boolean;
  readonly timeout: boolean;
  /** Names a dependency, which turns per-call telemetry on. */
  readonly telemetry: boolean;
  /** Spans sampled into the in-memory exporter (else AlwaysOff). */
  readonly sampled?: boolean;
  /**
   * Each call runs inside the context of an unsampled parent span — an
   * inbound request the service's root sampler dropped — entered per call
   * with `context.with`, whose cost the row includes.
   */
  readonly unsampledParent?: boolean;
}

function faultlineContestant(name: string, parts: Parts, telemetry: BenchTelemetry): ContestantSpec {
  return {
    name,
    async prepare(path) {
      if (path === 'open' && !parts.breaker) return undefined;
      if ((path === 'bulkhead-queued' || path === 'bulkhead-rejected') && !parts.bulkhead) return undefined;
      const dependency = parts.telemetry ? DEPENDENCY : undefined;
      const sizes = bulkheadSizes(path);
      const breaker: CircuitBreaker | undefined = parts.breaker
        ? circuitBreaker(breakerOptions(dependency))
        : undefined;
      const chain: Policy[] = [];
      if (parts.bulkhead) chain.push(bulkhead({ name: uniqueName('pool'), dependency, ...sizes }));
      if (breaker) chain.push(breaker);
      if (parts.timeout) chain.push(timeout({ ms: timeoutFor(path), dependency }));
      const policy = chain.length === 1 ? chain[0]! : compose(...chain);

      // Only the sampled contestant produces spans; it counts and clears them before each of its samples.
      const sampled = parts.sampled === true;
      let spansSeen = 0;
      const beforeSample = parts.telemetry
        ? () => {
            telemetry.sampleSpans(sampled);
            if (sampled) {
              spansSeen += telemetry.spans.getFinishedSpans().length;
              telemetry.spans.reset();
            }
          }
        : undefined;
      beforeSample?.();

      if (path === 'open' && breaker) {
        await tripBreaker(
          () => policy.execute(alwaysFail),
          () => breaker.state === 'open',
          name,
        );
        await expectRejection(policy, (e) => e instanceof BrokenCircuitError, name);
      }
      const held = heldWork();
      let pending: Promise<unknown>[] = [];
      if (path === 'bulkhead-rejected') {
        pending = Array.from({ length: sizes.maxConcurrent + sizes.maxQueue }, () =>
          policy.execute(held.work).catch(() => undefined),
        );
        await expectRejection(policy, (e) => e instanceof BulkheadRejectedError, name);
      }
      const fn = path === 'failure' ? flakyWork : work;
      return {
        call: parts.unsampledParent
          ? () => context.with(UNSAMPLED_PARENT, policy.execute, policy, fn)
          : () => policy.execute(fn),
        expect: expectFor(path),
        beforeSample,
        async dispose() {
          held.release();
          await Promise.allSettled(pending);
          if (path !== 'open' && breaker && breaker.state !== 'closed') {
            throw new Error(`${name}: breaker ${breaker.state} on the ${path} path`);
          }
          if (parts.telemetry) {
            beforeSample?.();
            if (sampled !== spansSeen > 0) throw new Error(`${name}: ${spansSeen} spans exported on the ${path} path`);
          }
        },
      };
    },
  };
}

// ── window load ────────────────────────────────────────────────────────────

async function fill(call: () => Promise<unknown>, calls: number): Promise<void> {
  for (let i = 0; i < calls; i++) await call().catch(() => undefined);
}

/**
 * Count window: filled once, its content stays `windowCalls` calls. Time
 * window (one hour, 10 buckets): reset and refilled before every sample of a
 * fixed 1 000 calls, so it holds `windowCalls` to `windowCalls` + 1 000 calls.
 */
async function windowCases(windowCalls: number): Promise<WindowCase[]> {
  const options = { ...breakerOptions(undefined), minimumCalls: 10 };
  const counted = circuitBreaker({ ...options, window: { kind: 'count', size: windowCalls } });
  const countedCall = () => counted.execute(flakyWork);
  await fill(countedCall, windowCalls);
  const timed = circuitBreaker({ ...options, name: uniqueName('breaker'), window: { kind: 'time', seconds: 3600 } });
  const timedCall = () => timed.execute(flakyWork);
  const check = (breaker: CircuitBreaker, what: string) => () => {
    if (breaker.state !== 'closed') throw new Error(`${what}: breaker ${breaker.state}`);
  };
  const countContestant: Contestant = {
    name: `faultline count window ${windowCalls}`,
    loop: serialLoop(`faultline count window ${windowCalls}`, countedCall, 'mixed'),
  };
  const timeContestant: Contestant = {
    name: `faultline time window ${windowCalls}`,
    loop: serialLoop(`faultline time window ${windowCalls}`, timedCall, 'mixed'),
    callsPerSample: 1000,
    async beforeSample() {
      timed.reset();
      await fill(timedCall, windowCalls);
    },
  };
  return [
    {
      library: 'faultline count window',
      windowCalls,
      contestant: countContestant,
      dispose: check(counted, countContestant.name),
    },
    {
      library: 'faultline time window (1 h, 10 buckets)',
      windowCalls,
      contestant: timeContestant,
      dispose: check(timed, timeContestant.name),
    },
  ];
}

// ── everything the suite needs ─────────────────────────────────────────────

export interface FaultlineContestants {
  readonly specs: readonly ContestantSpec[];
  windowCases(windowCalls: number): Promise<WindowCase[]>;
  readonly perInstance: readonly { what: string; create: () => unknown }[];
  /** The bulkhead+breaker+timeout policy with metrics on, for the heap-across-calls reading. */
  fullPolicyCall(): Promise<unknown>;
}

export function faultlineContestants(telemetry: BenchTelemetry): FaultlineContestants {
  const full = compose(
    bulkhead({ name: uniqueName('pool'), dependency: DEPENDENCY, ...CONFIG.roomyBulkhead }),
    circuitBreaker(breakerOptions(DEPENDENCY)),
    timeout({ ms: CONFIG.timeoutMs, dependency: DEPENDENCY }),
  );
  return {
    specs: [
      faultlineContestant(
        NAMES.faultlineBreaker,
        { breaker: true, bulkhead: false, timeout: false, telemetry: false },
        telemetry,
      ),
      faultlineContestant(
        NAMES.faultlineTimeout,
        { breaker: false, bulkhead: false, timeout: true, telemetry: false },
        telemetry,
      ),
      faultlineContestant(
        NAMES.faultlineNoTelemetry,
        { breaker: true, bulkhead: true, timeout: true, telemetry: false },
        telemetry,
      ),
      faultlineContestant(
        NAMES.faultlineFull,
        { breaker: true, bulkhead: true, timeout: true, telemetry: true, sampled: false, unsampledParent: true },
        telemetry,
      ),
      faultlineContestant(
        NAMES.faultlineFullRoot,
        { breaker: true, bulkhead: true, timeout: true, telemetry: true, sampled: false },
        telemetry,
      ),
      faultlineContestant(
        NAMES.faultlineFullSampled,
        { breaker: true, bulkhead: true, timeout: true, telemetry: true, sampled: true },
        telemetry,
      ),
    ],
    windowCases,
    perInstance: [
      { what: 'faultline breaker (count window 100)', create: () => circuitBreaker(breakerOptions(DEPENDENCY)) },
      {
        what: 'faultline breaker (time window 10 s)',
        create: () => circuitBreaker({ ...breakerOptions(DEPENDENCY), window: { kind: 'time', seconds: 10 } }),
      },
      {
        what: 'faultline bulkhead',
        create: () => bulkhead({ name: uniqueName('pool'), dependency: DEPENDENCY, maxConcurrent: 10, maxQueue: 10 }),
      },
    ],
    fullPolicyCall: () => {
      telemetry.sampleSpans(false);
      return context.with(UNSAMPLED_PARENT, full.execute, full, work);
    },
  };
}
