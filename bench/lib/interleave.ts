import { collectGarbage } from './gc.js';
import type { Loop } from './loops.js';
import { median, type Summary, summarize } from './stats.js';

/**
 * Interleaved measurement. Every repetition runs one sample of every
 * contestant, in a fresh shuffled order, so that a burst of noise from a
 * neighbour on the shared machine lands on one sample of several contestants
 * instead of on all samples of one. Ratios between contestants are then taken
 * per repetition (paired), which cancels slow drift of the whole machine.
 */

export interface Contestant {
  readonly name: string;
  readonly loop: Loop;
  /** Calls per sample must be a multiple of this (the batch size of a concurrent loop). */
  readonly granularity?: number;
  /** Skip calibration and run exactly this many calls per sample (for contestants whose cost grows with use). */
  readonly callsPerSample?: number;
  /** Untimed work before each sample, e.g. restoring a window to its intended content. */
  readonly beforeSample?: () => unknown;
}

export interface MeasureOptions {
  readonly repetitions: number;
  readonly warmupRepetitions: number;
  /** Target duration of one sample. */
  readonly sampleMs: number;
  readonly log?: (message: string) => void;
  /**
   * Run a quarter of a sample untimed after the pre-sample GC (see
   * {@link rewarmCalls}). Matters for short samples of fast calls; with 1 s
   * samples the re-optimization is lost in the noise.
   */
  readonly rewarm?: boolean;
}

export interface Measurement {
  readonly name: string;
  readonly callsPerSample: number;
  /** Nanoseconds per call, one entry per measured repetition, in repetition order. */
  readonly samples: readonly number[];
  readonly summary: Summary;
}

/**
 * A loop of calls that settle on the microtask queue never returns to the
 * event loop, so timers due meanwhile (a metric reader's collection, a
 * deadline scheduler's cleanup, opossum's bucket rotation) would wait for the
 * end of the suite. Letting them run between samples keeps each library's
 * periodic work periodic, outside the timed region; it is per second, not
 * per call, so its share of a call's cost is negligible either way.
 */
function turnEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Calls run untimed between the full GC and the timed sample. In V8 a full
 * (mark-compact) GC deoptimizes optimized code that embeds a hidden class no
 * live object has any more ("weak objects", see `--trace-deopt`; Faultline
 * avoids it since 2026-12-04, see its callShapes.ts, peers may not): a plain
 * `await` loop runs ≈ 3× slower for its first few
 * thousand calls after one, and Faultline's bulkhead+breaker+timeout with the
 * OTel SDK ran at 9.4, 8.3, 5.0 and 1.8 µs per call over its first four
 * thousand-call pairs before settling at 1.2 µs. What re-optimization needs is
 * a number of calls, not a share of the sample, so slow contestants (few calls
 * per sample) would suffer most. Timed straight after the GC, a sample mostly
 * measured that. At least 10 000 calls (or a quarter of the sample, if more)
 * now run first, so warm code is measured, as the issue asks, while the
 * garbage of other contestants stays collected.
 */
function rewarmCalls(contestant: Contestant, calls: number): number {
  if (contestant.callsPerSample !== undefined) return 0; // fixed-size samples restore their state in beforeSample
  return roundUp(Math.max(Math.ceil(calls / 4), REWARM_MIN_CALLS), contestant.granularity ?? 1);
}

const REWARM_MIN_CALLS = 10_000;

async function timeSample(contestant: Contestant, calls: number, rewarm: number): Promise<number> {
  await turnEventLoop();
  await contestant.beforeSample?.();
  collectGarbage();
  if (rewarm > 0) await contestant.loop(rewarm);
  const start = process.hrtime.bigint();
  await contestant.loop(calls);
  return Number(process.hrtime.bigint() - start);
}

function roundUp(value: number, granularity: number): number {
  return Math.max(granularity, Math.ceil(value / granularity) * granularity);
}

/**
 * Grow the call count until a sample is long enough to time, then scale it to
 * `sampleMs`. Cold code makes the first samples slow, so the estimate is
 * refined by the warm-up repetitions (see `measureInterleaved`).
 */
async function calibrate(contestant: Contestant, sampleMs: number): Promise<number> {
  if (contestant.callsPerSample !== undefined) return contestant.callsPerSample;
  const granularity = contestant.granularity ?? 1;
  const targetNs = sampleMs * 1e6;
  let calls = roundUp(16, granularity);
  for (;;) {
    const elapsed = await timeSample(contestant, calls, 0);
    if (elapsed >= targetNs / 8 || calls >= 1e8) return rescale(contestant, calls, elapsed, sampleMs);
    calls = roundUp(calls * 4, granularity);
  }
}

/** The call count that would have made a sample of `calls` calls taking `elapsed` ns last `sampleMs`. */
function rescale(contestant: Contestant, calls: number, elapsed: number, sampleMs: number): number {
  if (contestant.callsPerSample !== undefined) return contestant.callsPerSample;
  const scaled = (calls * sampleMs * 1e6) / Math.max(elapsed, 1);
  return roundUp(Math.min(scaled, calls * 16), contestant.granularity ?? 1);
}

/** Fisher–Yates with a small deterministic generator, so a run's order can be reproduced. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    const j = (state >>> 0) % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export async function measureInterleaved(
  contestants: readonly Contestant[],
  options: MeasureOptions,
): Promise<Measurement[]> {
  const calls = new Map<Contestant, number>();
  for (const contestant of contestants) calls.set(contestant, await calibrate(contestant, options.sampleMs));
  const samples = new Map<Contestant, number[]>(contestants.map((c) => [c, []]));
  const total = options.warmupRepetitions + options.repetitions;
  for (let rep = 0; rep < total; rep++) {
    for (const contestant of shuffled(contestants, 0x9e3779b9 + rep * 7919)) {
      const n = calls.get(contestant)!;
      const elapsed = await timeSample(contestant, n, options.rewarm ? rewarmCalls(contestant, n) : 0);
      if (rep >= options.warmupRepetitions) samples.get(contestant)!.push(elapsed / n);
      // Warm code runs faster than the calibration saw: re-aim while warming up.
      else calls.set(contestant, rescale(contestant, n, elapsed, options.sampleMs));
    }
    options.log?.(`  repetition ${rep + 1}/${total}${rep < options.warmupRepetitions ? ' (warm-up)' : ''}`);
  }
  return contestants.map((contestant) => {
    const values = samples.get(contestant)!;
    return {
      name: contestant.name,
      callsPerSample: calls.get(contestant)!,
      samples: values,
      summary: summarize(values),
    };
  });
}

/** Median over repetitions of `a / b`, pairing the samples taken in the same repetition. */
export function pairedRatio(a: Measurement, b: Measurement): number {
  return median(a.samples.map((value, i) => value / b.samples[i]!));
}

/** Median over repetitions of `a − b` (e.g. overhead over the bare call), paired by repetition. */
export function pairedDifference(a: Measurement, b: Measurement): number {
  return median(a.samples.map((value, i) => value - b.samples[i]!));
}
