import { type Clock, systemClock } from '../clock.js';
import { checkName, checkNumber, checkOptionalFunction, checkOptionalName, fail } from './optionChecks.js';

/** The sliding window a breaker computes its rates over. */
export type BreakerWindow =
  /** The last `size` calls. */
  | { kind: 'count'; size: number }
  /** The calls of the last `seconds`, kept in `buckets` buckets (default 10). */
  | { kind: 'time'; seconds: number; buckets?: number };

/** Options of {@link circuitBreaker}. Every default is listed here. */
export interface CircuitBreakerOptions {
  /** Name in telemetry and errors. Required. */
  name: string;
  /** The dependency guarded (`peer.service` of its metrics and call spans). */
  dependency?: string;
  /** Default `{ kind: 'count', size: 100 }`. */
  window?: BreakerWindow;
  /** Open when failed / calls >= this, in (0, 1]. Default 0.5. */
  failureRateThreshold?: number;
  /** No decision before the window holds this many calls, integer >= 1. Default 10. */
  minimumCalls?: number;
  /** A call at least this long (ms) is slow. Default 60 000; `Infinity` disables. */
  slowCallDurationMs?: number;
  /** Open when slow / calls >= this, in (0, 1]. Default 1. */
  slowCallRateThreshold?: number;
  /** How long the breaker stays open before it admits probes (ms). Default 5 000. */
  openDurationMs?: number;
  /** Probe calls admitted in half-open; all must finish to decide. Integer >= 1, default 1. */
  halfOpenMaxCalls?: number;
  /**
   * A half-open breaker whose probes have not all finished after this long
   * (ms) reopens at the next call instead of waiting forever for a lost probe.
   * Default: `slowCallDurationMs` if finite, else 60 000.
   */
  halfOpenMaxWaitMs?: number;
  /**
   * Which errors count as failures; others count as successes. Default: all.
   * `BrokenCircuitError` and `BulkheadRejectedError` from inner policies are
   * never recorded at all (they say nothing about the dependency).
   */
  isFailure?: (error: unknown) => boolean;
  /** Time source (tests). Default `performance.now()`. */
  clock?: Clock;
}

/** Options with every default applied. @internal */
export interface BreakerConfig {
  readonly name: string;
  readonly dependency: string | undefined;
  readonly window: BreakerWindow;
  readonly failureRateThreshold: number;
  readonly minimumCalls: number;
  readonly slowCallDurationMs: number;
  readonly slowCallRateThreshold: number;
  readonly openDurationMs: number;
  readonly halfOpenMaxCalls: number;
  readonly halfOpenMaxWaitMs: number;
  readonly isFailure: (error: unknown) => boolean;
  readonly clock: Clock;
}

const P = 'circuitBreaker';
const MAX_MS = Number.MAX_SAFE_INTEGER;

function checkWindow(window: BreakerWindow | undefined): BreakerWindow {
  if (window === undefined) return { kind: 'count', size: 100 };
  if (window.kind === 'count') {
    return {
      kind: 'count',
      size: checkNumber(P, 'window.size', window.size, { min: 1, minInclusive: true, integer: true, max: 1e7 }),
    };
  }
  if (window.kind === 'time') {
    const seconds = checkNumber(P, 'window.seconds', window.seconds, { min: 0, max: 86_400 });
    const buckets = checkNumber(P, 'window.buckets', window.buckets ?? 10, {
      min: 1,
      minInclusive: true,
      max: 10_000,
      integer: true,
    });
    return { kind: 'time', seconds, buckets };
  }
  return fail(P, 'window.kind', "'count' or 'time'", (window as { kind: unknown }).kind);
}

/** Validates options and applies defaults. @internal */
export function breakerConfig(options: CircuitBreakerOptions): BreakerConfig {
  if (options === null || typeof options !== 'object') fail(P, 'options', 'an object', options);
  const name = checkName(P, 'name', options.name);
  const window = checkWindow(options.window);
  const minimumCalls = checkNumber(P, 'minimumCalls', options.minimumCalls ?? 10, {
    min: 1,
    minInclusive: true,
    integer: true,
    max: 1e7,
  });
  if (window.kind === 'count' && minimumCalls > window.size) {
    fail(P, 'minimumCalls', `<= window.size (${window.size})`, minimumCalls);
  }
  const slowCallDurationMs = checkNumber(P, 'slowCallDurationMs', options.slowCallDurationMs ?? 60_000, { min: 0 });
  return {
    name,
    dependency: checkOptionalName(P, 'dependency', options.dependency),
    window,
    failureRateThreshold: checkNumber(P, 'failureRateThreshold', options.failureRateThreshold ?? 0.5, {
      min: 0,
      max: 1,
    }),
    minimumCalls,
    slowCallDurationMs,
    slowCallRateThreshold: checkNumber(P, 'slowCallRateThreshold', options.slowCallRateThreshold ?? 1, {
      min: 0,
      max: 1,
    }),
    openDurationMs: checkNumber(P, 'openDurationMs', options.openDurationMs ?? 5_000, {
      min: 0,
      minInclusive: true,
      max: MAX_MS,
    }),
    halfOpenMaxCalls: checkNumber(P, 'halfOpenMaxCalls', options.halfOpenMaxCalls ?? 1, {
      min: 1,
      minInclusive: true,
      integer: true,
      max: 1e6,
    }),
    halfOpenMaxWaitMs: checkNumber(
      P,
      'halfOpenMaxWaitMs',
      options.halfOpenMaxWaitMs ?? (Number.isFinite(slowCallDurationMs) ? slowCallDurationMs : 60_000),
      { min: 0, minInclusive: true },
    ),
    isFailure: checkOptionalFunction(P, 'isFailure', options.isFailure) ?? (() => true),
    clock: options.clock ?? systemClock,
  };
}
