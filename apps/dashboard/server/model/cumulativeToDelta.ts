import type { Temporality } from '../ingest/telemetry';
import { LruMap } from './lruMap';

/**
 * A counter or histogram reading: `count` (the counter value, or a histogram's
 * count), and for histograms the canonical bucket counts and sum.
 */
export interface Reading {
  count: number;
  sumMs: number;
  counts: number[] | null;
}

/** What happened in [startMs, endMs]. */
export interface Delta extends Reading {
  startMs: number;
  endMs: number;
}

interface SeriesState extends Reading {
  startMs: number;
  timeMs: number;
}

/**
 * Cumulative → delta conversion per series identity (the caller builds the
 * key from resource service + instance, metric name and attribute set).
 * OpenTelemetry JS exports cumulative temporality by default; delta points
 * pass through unchanged.
 *
 * - First point of a series: if the series started after the model began
 *   listening (`startTimeMs >= listeningSinceMs`), everything it counted is new
 *   and counts in full; otherwise it is only a baseline (counting it would
 *   dump hours of history into one bucket after a dashboard restart).
 * - Reset: a changed `startTimeMs` or a value that went down (process
 *   restart) — the new value is the delta since the new start, as Prometheus'
 *   `increase()` does.
 * - A point not newer than the last one (an exporter retry) is ignored.
 *
 * Memory: at most `maxSeries` states, least recently updated evicted first.
 */
export class CumulativeToDelta {
  private readonly series = new LruMap<SeriesState>();
  /** States evicted because of the cap. */
  evicted = 0;

  constructor(
    private readonly maxSeries: number,
    private readonly listeningSinceMs: number,
  ) {}

  get size(): number {
    return this.series.size;
  }

  /** True when `convert` would return null for a cumulative point of `key` at `timeMs` (not newer than the last). */
  isStale(key: string, timeMs: number): boolean {
    const prev = this.series.get(key);
    return prev !== undefined && timeMs <= prev.timeMs;
  }

  /** The delta for this point, or null when it adds nothing (stale duplicate). */
  convert(key: string, temporality: Temporality, startTimeMs: number, timeMs: number, reading: Reading): Delta | null {
    if (temporality === 'delta') {
      return {
        count: reading.count,
        sumMs: reading.sumMs,
        counts: reading.counts,
        startMs: startTimeMs > 0 && startTimeMs < timeMs ? startTimeMs : timeMs,
        endMs: timeMs,
      };
    }
    const prev = this.series.get(key);
    const next: SeriesState = {
      count: reading.count,
      sumMs: reading.sumMs,
      counts: reading.counts,
      startMs: startTimeMs,
      timeMs,
    };
    if (prev === undefined) {
      this.remember(key, next);
      if (startTimeMs > 0 && startTimeMs >= this.listeningSinceMs && startTimeMs <= timeMs) {
        return {
          count: reading.count,
          sumMs: reading.sumMs,
          counts: reading.counts,
          startMs: startTimeMs,
          endMs: timeMs,
        };
      }
      return {
        count: 0,
        sumMs: 0,
        counts: reading.counts ? reading.counts.map(() => 0) : null,
        startMs: timeMs,
        endMs: timeMs,
      };
    }
    if (timeMs <= prev.timeMs) return null;
    this.remember(key, next);
    const restarted = startTimeMs > 0 && prev.startMs > 0 && startTimeMs !== prev.startMs;
    if (restarted || decreased(prev, reading)) {
      const startMs = restarted && startTimeMs <= timeMs ? Math.max(startTimeMs, prev.timeMs) : prev.timeMs;
      return { count: reading.count, sumMs: reading.sumMs, counts: reading.counts, startMs, endMs: timeMs };
    }
    return {
      count: reading.count - prev.count,
      sumMs: reading.sumMs - prev.sumMs,
      counts: reading.counts ? reading.counts.map((c, i) => c - (prev.counts?.[i] ?? 0)) : null,
      startMs: prev.timeMs,
      endMs: timeMs,
    };
  }

  private remember(key: string, state: SeriesState): void {
    this.series.set(key, state);
    if (this.series.size > this.maxSeries) {
      const oldest = this.series.oldest();
      if (oldest !== undefined) this.series.delete(oldest.key);
      this.evicted++;
    }
  }
}

function decreased(prev: Reading, next: Reading): boolean {
  if (next.count < prev.count) return true;
  if (next.counts && prev.counts) {
    for (let i = 0; i < next.counts.length; i++) {
      // Re-bucketed counts are sums of fractions; tolerate rounding noise.
      if ((next.counts[i] as number) < (prev.counts[i] ?? 0) - 1e-6) return true;
    }
  }
  return false;
}
