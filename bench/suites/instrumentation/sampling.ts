import type { MeasureOptions } from '../../lib/interleave.js';

/** Repetitions and sample length of the per-call sections (fewer and shorter with `--quick`). */
export function measureOptions(options: { quick: boolean; log: (message: string) => void }): MeasureOptions {
  return options.quick
    ? { repetitions: 5, warmupRepetitions: 2, sampleMs: 10, log: options.log, rewarm: true }
    : { repetitions: 9, warmupRepetitions: 2, sampleMs: 40, log: options.log, rewarm: true };
}
