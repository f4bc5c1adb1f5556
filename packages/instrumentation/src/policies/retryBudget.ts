import type { Clock } from '../clock.js';
import { checkNumber } from './optionChecks.js';

/**
 * Caps retries to a share of the traffic, so a failing dependency sees at
 * most `(1 + ratio)` times the load instead of `maxAttempts` times (the
 * retry storm of the reference incident).
 */
export interface RetryBudgetOptions {
  /** Retries allowed per first attempt over the window, in [0, 1000]. E.g. 0.2 = 20 % extra load. */
  ratio: number;
  /** Retries always allowed per second, so low traffic can still retry. Default 10. */
  minPerSecond?: number;
  /** Window the ratio is measured over (seconds). Default 10. */
  windowSeconds?: number;
}

const BUCKETS = 10;

/**
 * A retry is allowed while `retries < minPerSecond * windowSeconds + ratio *
 * requests`, both counted over the last `windowSeconds` in 10 buckets (the
 * same rotation as the breaker's time window: O(1) per call, idle gaps
 * clear every stale bucket).
 * @internal
 */
export class RetryBudget {
  private readonly ratio: number;
  private readonly floor: number;
  private readonly bucketMs: number;
  private readonly requests = new Float64Array(BUCKETS);
  private readonly retries = new Float64Array(BUCKETS);
  private epoch = 0;
  private started = false;
  private totalRequests = 0;
  private totalRetries = 0;

  constructor(
    options: RetryBudgetOptions,
    private readonly clock: Clock,
  ) {
    const P = 'retry';
    this.ratio = checkNumber(P, 'budget.ratio', options.ratio, { min: 0, minInclusive: true, max: 1000 });
    const minPerSecond = checkNumber(P, 'budget.minPerSecond', options.minPerSecond ?? 10, {
      min: 0,
      minInclusive: true,
      max: 1e9,
    });
    const windowSeconds = checkNumber(P, 'budget.windowSeconds', options.windowSeconds ?? 10, { min: 0, max: 86_400 });
    this.floor = minPerSecond * windowSeconds;
    this.bucketMs = (windowSeconds * 1000) / BUCKETS;
  }

  /** A logical call started (its first attempt). */
  recordRequest(): void {
    const index = this.advance();
    this.requests[index] = (this.requests[index] ?? 0) + 1;
    this.totalRequests++;
  }

  /** Takes one retry from the budget if it allows one. */
  tryRetry(): boolean {
    const index = this.advance();
    if (this.totalRetries >= this.floor + this.ratio * this.totalRequests) return false;
    this.retries[index] = (this.retries[index] ?? 0) + 1;
    this.totalRetries++;
    return true;
  }

  private advance(): number {
    const epoch = Math.floor(this.clock.now() / this.bucketMs);
    if (!this.started) {
      this.started = true;
      this.epoch = epoch;
    } else if (epoch > this.epoch) {
      const stale = Math.min(epoch - this.epoch, BUCKETS);
      for (let step = 1; step <= stale; step++) {
        const index = bucket(this.epoch + step);
        this.totalRequests -= this.requests[index] ?? 0;
        this.totalRetries -= this.retries[index] ?? 0;
        this.requests[index] = 0;
        this.retries[index] = 0;
      }
      this.epoch = epoch;
    }
    return bucket(this.epoch);
  }
}

function bucket(epoch: number): number {
  const index = epoch % BUCKETS;
  return index < 0 ? index + BUCKETS : index;
}
