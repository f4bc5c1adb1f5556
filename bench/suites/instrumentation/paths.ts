import { type Contestant, type Measurement, type MeasureOptions, measureInterleaved } from '../../lib/interleave.js';
import { concurrentLoop, serialLoop } from '../../lib/loops.js';
import { CONFIG, type ContestantSpec, type Path, type Prepared } from './contestant.js';

export type Mode = 'serial' | 'concurrent';

export interface Section {
  readonly key: string;
  readonly title: string;
  readonly path: Path;
  readonly mode: Mode;
}

const PATH_TITLES: Record<Path, string> = {
  success: 'closed · success',
  failure: 'closed · failure (every other call fails, threshold 90 %)',
  open: 'open · fast-fail',
  'bulkhead-queued': `bulkhead saturated · ${CONFIG.saturatedBulkhead.maxConcurrent} permits, queue ${CONFIG.saturatedBulkhead.maxQueue}`,
  'bulkhead-rejected': 'bulkhead full · rejection',
};

const MODE_TITLES: Record<Mode, string> = {
  serial: 'one call at a time',
  concurrent: `${CONFIG.inFlight} calls in flight`,
};

export function section(path: Path, mode: Mode): Section {
  return { key: `${path}/${mode}`, title: `${PATH_TITLES[path]} — ${MODE_TITLES[mode]}`, path, mode };
}

/** Every path × mode the suite measures. A queue only forms with calls in flight, so that path has no serial row. */
export const SECTIONS: readonly Section[] = [
  section('success', 'serial'),
  section('success', 'concurrent'),
  section('failure', 'serial'),
  section('failure', 'concurrent'),
  section('open', 'serial'),
  section('open', 'concurrent'),
  section('bulkhead-queued', 'concurrent'),
  section('bulkhead-rejected', 'serial'),
  section('bulkhead-rejected', 'concurrent'),
];

/** Prepares every applicable contestant for the section, measures them interleaved, disposes them. */
export async function measureSection(
  target: Section,
  specs: readonly ContestantSpec[],
  options: MeasureOptions,
): Promise<Measurement[]> {
  const prepared: { spec: ContestantSpec; ready: Prepared }[] = [];
  for (const spec of specs) {
    const ready = await spec.prepare(target.path);
    if (ready) prepared.push({ spec, ready });
  }
  try {
    const contestants: Contestant[] = prepared.map(({ spec, ready }) => {
      const label = `${spec.name} ${target.key}`;
      return target.mode === 'serial'
        ? { name: spec.name, loop: serialLoop(label, ready.call, ready.expect), beforeSample: ready.beforeSample }
        : {
            name: spec.name,
            loop: concurrentLoop(label, ready.call, ready.expect, CONFIG.inFlight),
            granularity: CONFIG.inFlight,
            beforeSample: ready.beforeSample,
          };
    });
    return await measureInterleaved(contestants, options);
  } finally {
    for (const { ready } of prepared) await ready.dispose();
  }
}
