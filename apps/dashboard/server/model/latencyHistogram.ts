import type { ExponentialHistogramPoint, HistogramPoint, MetricPoint, SummaryPoint } from '../ingest/telemetry';
import { LATENCY_BOUNDS_MS } from './rollups';

/**
 * Latency histograms in the canonical form of the rollups: counts over
 * LATENCY_BOUNDS_MS (plus one overflow bucket). Every incoming histogram —
 * explicit bounds in any unit, exponential, a summary, a bare count/sum — is
 * re-bucketed into this form once, at ingest. After that, histograms from any
 * number of instances merge by adding counts, and percentiles come from the
 * merged counts (never from averaging per-instance percentiles).
 */
export interface CanonicalHistogram {
  count: number;
  sumMs: number;
  /** LATENCY_BOUNDS_MS.length + 1 entries, possibly fractional after re-bucketing. */
  counts: number[];
}

const BOUNDS = LATENCY_BOUNDS_MS;
const N = BOUNDS.length + 1;

export function emptyCounts(): number[] {
  return new Array<number>(N).fill(0);
}

/** Multiplier from a metric's unit to milliseconds. OTel's convention for durations is seconds, so '' means s. */
export function unitToMs(unit: string): number {
  switch (unit) {
    case 'ms':
      return 1;
    case 'us':
    case 'µs':
      return 0.001;
    case 'ns':
      return 1e-6;
    case 'min':
      return 60_000;
    default:
      return 1000;
  }
}

/** Index of the canonical bucket holding `ms` (upper bounds inclusive; last = overflow). */
export function canonicalIndex(ms: number): number {
  for (let i = 0; i < BOUNDS.length; i++) if (ms <= (BOUNDS[i] as number)) return i;
  return BOUNDS.length;
}

/** A contiguous range of values (lo, hi] in ms holding `count` observations. */
interface Range {
  lo: number;
  hi: number;
  count: number;
}

/**
 * Spread each source range over the canonical buckets in proportion to the
 * overlap (values assumed uniform inside a source bucket, the same assumption
 * the percentile interpolation makes). A point range (hi <= lo) lands whole in
 * the bucket containing it.
 */
function distribute(ranges: Range[], counts: number[]): void {
  for (const r of ranges) {
    if (r.count <= 0) continue;
    if (!(r.hi > r.lo)) {
      counts[canonicalIndex(r.hi)] = (counts[canonicalIndex(r.hi)] as number) + r.count;
      continue;
    }
    const width = r.hi - r.lo;
    let lower = 0;
    for (let j = 0; j < N; j++) {
      const upper = j < BOUNDS.length ? (BOUNDS[j] as number) : Number.POSITIVE_INFINITY;
      const overlap = Math.min(upper, r.hi) - Math.max(lower, r.lo);
      if (overlap > 0) counts[j] = (counts[j] as number) + (r.count * overlap) / width;
      lower = upper;
      if (lower >= r.hi) break;
    }
  }
}

function sameAsCanonical(boundsMs: number[]): boolean {
  if (boundsMs.length !== BOUNDS.length) return false;
  for (let i = 0; i < boundsMs.length; i++) {
    const a = boundsMs[i] as number;
    const b = BOUNDS[i] as number;
    if (Math.abs(a - b) > 1e-9 * Math.max(1, b)) return false;
  }
  return true;
}

function fromExplicit(p: HistogramPoint, k: number): CanonicalHistogram {
  const sumMs = p.sum === null ? 0 : p.sum * k;
  const boundsMs = p.bounds.map((b) => b * k);
  if (sameAsCanonical(boundsMs) && p.bucketCounts.length === N) {
    return { count: p.count, sumMs, counts: p.bucketCounts.slice() };
  }
  const counts = emptyCounts();
  const minMs = p.min === null ? null : p.min * k;
  const maxMs = p.max === null ? null : p.max * k;
  if (boundsMs.length === 0) {
    // Count/sum only (e.g. a Micrometer timer without buckets): use min..max, else the mean.
    const mean = p.count > 0 && p.sum !== null ? sumMs / p.count : 0;
    const lo = minMs ?? mean;
    const hi = maxMs ?? mean;
    distribute([{ lo: Math.min(lo, hi), hi, count: p.count }], counts);
    return { count: p.count, sumMs, counts };
  }
  const ranges: Range[] = [];
  for (let i = 0; i < p.bucketCounts.length; i++) {
    const c = p.bucketCounts[i] as number;
    if (c <= 0) continue;
    const upper = i < boundsMs.length ? (boundsMs[i] as number) : null;
    const lowerBound = i === 0 ? Math.max(0, Math.min(minMs ?? 0, boundsMs[0] as number)) : (boundsMs[i - 1] as number);
    // The overflow bucket reaches up to max when known; otherwise all of it sits just above the last bound.
    const hi = upper ?? (maxMs !== null && maxMs > lowerBound ? maxMs : lowerBound + 1e-9);
    ranges.push({ lo: lowerBound, hi, count: c });
  }
  distribute(ranges, counts);
  return { count: p.count, sumMs, counts };
}

function fromExponential(p: ExponentialHistogramPoint, k: number): CanonicalHistogram {
  const counts = emptyCounts();
  const base = 2 ** (2 ** -p.scale);
  const ranges: Range[] = [{ lo: 0, hi: 0, count: p.zeroCount }];
  p.positive.bucketCounts.forEach((c, i) => {
    const index = p.positive.offset + i;
    ranges.push({ lo: base ** index * k, hi: base ** (index + 1) * k, count: c });
  });
  distribute(ranges, counts);
  return { count: p.count, sumMs: p.sum === null ? 0 : p.sum * k, counts };
}

function fromSummary(p: SummaryPoint, k: number): CanonicalHistogram {
  const counts = emptyCounts();
  const sumMs = p.sum * k;
  // Quantiles give a piecewise-uniform picture: between q_i and q_{i+1} lie (q_{i+1} - q_i) of the observations.
  const qs = p.quantiles.filter((q) => q.quantile >= 0 && q.quantile <= 1).sort((a, b) => a.quantile - b.quantile);
  if (qs.length >= 2) {
    const ranges: Range[] = [];
    for (let i = 1; i < qs.length; i++) {
      const a = qs[i - 1] as { quantile: number; value: number };
      const b = qs[i] as { quantile: number; value: number };
      ranges.push({ lo: a.value * k, hi: b.value * k, count: (b.quantile - a.quantile) * p.count });
    }
    const first = qs[0] as { quantile: number; value: number };
    const last = qs[qs.length - 1] as { quantile: number; value: number };
    ranges.push({ lo: first.value * k, hi: first.value * k, count: first.quantile * p.count });
    ranges.push({ lo: last.value * k, hi: last.value * k, count: (1 - last.quantile) * p.count });
    distribute(ranges, counts);
  } else if (p.count > 0) {
    counts[canonicalIndex(sumMs / p.count)] = p.count;
  }
  return { count: p.count, sumMs, counts };
}

/**
 * Re-bucket a duration metric point into the canonical histogram. A number
 * point (a bare counter) becomes a count without latency: `count` is set and
 * the bucket counts stay zero, since putting them anywhere would invent latency.
 */
export function toCanonical(p: MetricPoint): CanonicalHistogram {
  const k = unitToMs(p.unit);
  switch (p.type) {
    case 'histogram':
      return fromExplicit(p, k);
    case 'exponential_histogram':
      return fromExponential(p, k);
    case 'summary':
      return fromSummary(p, k);
    default:
      return { count: p.value, sumMs: 0, counts: emptyCounts() };
  }
}

/** counts += other (in place). */
export function addCounts(into: number[], other: readonly number[], factor = 1): void {
  for (let i = 0; i < into.length && i < other.length; i++)
    into[i] = (into[i] as number) + (other[i] as number) * factor;
}

/**
 * The q-quantile (0–1) of a canonical histogram, interpolating linearly inside
 * the bucket where the rank falls (lower edge of bucket 0 is 0 ms). A rank in
 * the overflow bucket answers the last bound: "at least 60 s". Null when empty.
 */
export function percentile(counts: readonly number[], q: number): number | null {
  let total = 0;
  for (const c of counts) total += c;
  if (total <= 0) return null;
  const rank = Math.min(Math.max(q, 0), 1) * total;
  let cumulative = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i] as number;
    if (c <= 0) continue;
    if (cumulative + c >= rank) {
      if (i >= BOUNDS.length) return BOUNDS[BOUNDS.length - 1] as number;
      const lo = i === 0 ? 0 : (BOUNDS[i - 1] as number);
      const hi = BOUNDS[i] as number;
      return lo + ((hi - lo) * (rank - cumulative)) / c;
    }
    cumulative += c;
  }
  return BOUNDS[BOUNDS.length - 1] as number;
}
