/**
 * Order statistics for benchmark samples. Medians and quartiles rather than
 * means: on a shared two-core machine a single descheduled sample can be ten
 * times slower than its neighbours, and one such outlier moves a mean but not
 * a median.
 */

export interface Summary {
  /** Number of samples summarised. */
  readonly n: number;
  readonly min: number;
  readonly p25: number;
  readonly median: number;
  readonly p75: number;
  readonly max: number;
}

/**
 * Percentile by linear interpolation between closest ranks (the "R-7" method
 * used by NumPy and spreadsheets): rank = p·(n−1), interpolated between the
 * two samples around it. `sorted` must be ascending.
 */
export function percentileOfSorted(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = p * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  return a + (b - a) * (rank - lo);
}

export function percentile(values: readonly number[], p: number): number {
  return percentileOfSorted(
    [...values].sort((x, y) => x - y),
    p,
  );
}

export function median(values: readonly number[]): number {
  return percentile(values, 0.5);
}

export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((x, y) => x - y);
  return {
    n: sorted.length,
    min: sorted[0] ?? Number.NaN,
    p25: percentileOfSorted(sorted, 0.25),
    median: percentileOfSorted(sorted, 0.5),
    p75: percentileOfSorted(sorted, 0.75),
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

/** Three significant digits, thousands separated: 43.2, 312, 7 950, 291 000. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return '–';
  const abs = Math.abs(value);
  if (abs >= 1000) return groupThousands(Math.round(value / 10 ** (digits(abs) - 3)) * 10 ** (digits(abs) - 3));
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

function digits(abs: number): number {
  return Math.floor(Math.log10(abs)) + 1;
}

function groupThousands(value: number): string {
  return Math.round(value)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}

/** A ratio like `3.41×`. */
export function formatRatio(value: number): string {
  if (!Number.isFinite(value)) return '–';
  return `${value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2)}×`;
}

/** Byte counts as `1.2 KiB`, `3.4 MiB`; signed, since a heap delta can be negative. */
export function formatBytes(bytes: number): string {
  const abs = Math.abs(bytes);
  const sign = bytes < 0 ? '−' : '';
  if (abs < 1024) return `${sign}${abs.toFixed(0)} B`;
  if (abs < 1024 * 1024) return `${sign}${(abs / 1024).toFixed(1)} KiB`;
  return `${sign}${(abs / (1024 * 1024)).toFixed(1)} MiB`;
}

/** `p25–p75` as a spread column. */
export function formatRange(low: number, high: number): string {
  return `${formatNumber(low)}–${formatNumber(high)}`;
}
