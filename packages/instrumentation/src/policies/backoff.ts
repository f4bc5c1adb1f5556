import { checkNumber, fail } from './optionChecks.js';

/** How the delay before a retry is randomised. */
export type Jitter =
  /** Uniform in [0, d]: spreads retries the most (AWS "full jitter"). */
  | 'full'
  /** Uniform in [d/2, d]. */
  | 'equal'
  /** Exactly d. */
  | 'none';

/** Exponential backoff: d(n) = min(maxMs, initialMs * multiplier^(n-1)) before retry n. */
export interface BackoffOptions {
  /** Delay before the first retry (ms). Default 100. */
  initialMs?: number;
  /** Upper bound of the delay (ms). Default 10 000. */
  maxMs?: number;
  /** Growth per retry, >= 1. Default 2. */
  multiplier?: number;
  /** Default `'full'`. */
  jitter?: Jitter;
}

/** @internal */
export class Backoff {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly multiplier: number;
  readonly jitter: Jitter;

  constructor(options: BackoffOptions = {}) {
    const P = 'retry';
    this.initialMs = checkNumber(P, 'backoff.initialMs', options.initialMs ?? 100, { min: 0, minInclusive: true });
    this.maxMs = checkNumber(P, 'backoff.maxMs', options.maxMs ?? Math.max(10_000, this.initialMs), {
      min: this.initialMs,
      minInclusive: true,
    });
    this.multiplier = checkNumber(P, 'backoff.multiplier', options.multiplier ?? 2, { min: 1, minInclusive: true });
    this.jitter = options.jitter ?? 'full';
    if (this.jitter !== 'full' && this.jitter !== 'equal' && this.jitter !== 'none') {
      fail(P, 'backoff.jitter', "'full', 'equal' or 'none'", this.jitter);
    }
  }

  /** Delay before retry `retry` (1 = the first retry), `random` in [0, 1). */
  delay(retry: number, random: number): number {
    const base = Math.min(this.maxMs, this.initialMs * this.multiplier ** (retry - 1));
    if (this.jitter === 'full') return base * random;
    if (this.jitter === 'equal') return base / 2 + (base / 2) * random;
    return base;
  }
}
