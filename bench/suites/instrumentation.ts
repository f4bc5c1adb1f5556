/**
 * The cost of guarding a call: Faultline's policies against opossum and
 * cockatiel, on every path a call can take, with the targets of issue 2
 * ("Performance") checked at the end. See bench/README.md for how to read it.
 */
import {
  CountBreaker,
  bulkhead as cockatielBulkhead,
  circuitBreaker as cockatielCircuitBreaker,
  handleAll,
  wrap,
} from 'cockatiel';
import CircuitBreaker from 'opossum';
import { type Measurement, measureInterleaved, pairedDifference, pairedRatio } from '../lib/interleave.js';
import { formatBytes, formatNumber, formatRange, formatRatio } from '../lib/stats.js';
import type { Check, Suite, SuiteOptions, Table } from '../lib/suite.js';
import { CONFIG, type ContestantSpec } from './instrumentation/contestant.js';
import { faultlineContestants } from './instrumentation/faultline.js';
import { bytesPerInstance, type Flatness, heapAcrossCalls, type PerInstance } from './instrumentation/memory.js';
import { NAMES } from './instrumentation/names.js';
import { isPinned, measureInNursery, NURSERIES, pinnedKey } from './instrumentation/nursery.js';
import { measureSection, SECTIONS, type Section } from './instrumentation/paths.js';
import { contestantSpecs } from './instrumentation/roster.js';
import { measureOptions } from './instrumentation/sampling.js';
import { sdkFloorContestants } from './instrumentation/sdkFloor.js';
import { METRIC_EXPORT_INTERVAL_MS, startBenchTelemetry } from './instrumentation/telemetry.js';
import {
  cockatielWindowCase,
  LARGE_WINDOW,
  opossumWindowCase,
  SMALL_WINDOW,
  type WindowCase,
} from './instrumentation/windowLoad.js';
import { work } from './instrumentation/work.js';

/** Measurements by section key, then by contestant name. */
type Results = Map<string, Map<string, Measurement>>;

function sectionTable(target: Section, measurements: readonly Measurement[]): Table {
  const baseline = measurements.find((m) => m.name === NAMES.bare);
  return {
    title: target.title,
    columns: ['contestant', 'ns/call', 'IQR', 'min–max', '× bare', '+ns over bare', 'calls/sample'],
    rows: measurements.map((m) => [
      m.name,
      formatNumber(m.summary.median),
      formatRange(m.summary.p25, m.summary.p75),
      formatRange(m.summary.min, m.summary.max),
      baseline ? formatRatio(pairedRatio(m, baseline)) : '–',
      baseline && m !== baseline ? formatNumber(pairedDifference(m, baseline)) : '',
      String(m.callsPerSample),
    ]),
  };
}

// ── targets ────────────────────────────────────────────────────────────────

/** The closed/success sections, one per mode and pinned nursery size: the label a target names and the results key. */
const SUCCESS_SECTIONS = (['serial', 'concurrent'] as const).flatMap((mode) =>
  NURSERIES.map((nursery) => ({ label: `${mode} · ${nursery.key}`, key: pinnedKey(`success/${mode}`, nursery) })),
);

function lookup(results: Results, key: string, name: string): Measurement | undefined {
  return results.get(key)?.get(name);
}

/**
 * (Faultline b+b+t with metrics − bare) ≤ (cockatiel bulkhead+breaker − bare), per mode. Checked on calls
 * under an unsampled parent — the production case of "spans unsampled" under the ParentBased sampler — and
 * reported for root calls, which must ask the SDK's sampler (its startSpan alone is in the SDK floor table).
 */
function overheadChecks(results: Results): Check[] {
  const checks: Check[] = [];
  for (const { label: mode, key } of SUCCESS_SECTIONS) {
    for (const [name, what, reportOnly] of [
      [NAMES.faultlineFull, 'parent unsampled', false],
      [NAMES.faultlineFullRoot, 'root call, AlwaysOff sampler asked', true],
    ] as const) {
      const target = `closed/success ${mode}: overhead of Faultline b+b+t with metrics, spans unsampled (${what}) ≤ cockatiel bulkhead+breaker's`;
      const baseline = lookup(results, key, NAMES.bare);
      const ours = lookup(results, key, name);
      const theirs = lookup(results, key, NAMES.cockatielBulkheadBreaker);
      if (!baseline || !ours || !theirs) {
        checks.push({ target, measured: 'contestant missing', met: null });
        continue;
      }
      const oursOver = pairedDifference(ours, baseline);
      const theirsOver = pairedDifference(theirs, baseline);
      const met = oursOver <= theirsOver;
      checks.push({
        target,
        measured: `+${formatNumber(oursOver)} ns vs +${formatNumber(theirsOver)} ns${reportOnly ? (met ? ' (within)' : " (above: the SDK's startSpan)") : ''}`,
        met: reportOnly ? 'reported' : met,
      });
    }
  }
  return checks;
}

/** Open-circuit rejection ≥ 5× cheaper than each peer's (total cost per call; the work is never reached). */
function fastFailChecks(results: Results): Check[] {
  const checks: Check[] = [];
  for (const mode of ['serial', 'concurrent']) {
    const key = `open/${mode}`;
    for (const ours of [NAMES.faultlineBreaker, NAMES.faultlineFull]) {
      const target = `open fast-fail ${mode}: ${ours} ≥ 5× cheaper than opossum and cockatiel`;
      const mine = lookup(results, key, ours);
      const peers = [NAMES.opossum, NAMES.cockatielBreaker]
        .map((name) => lookup(results, key, name))
        .filter((m): m is Measurement => m !== undefined);
      if (!mine || peers.length === 0) {
        checks.push({ target, measured: 'contestant missing', met: null });
        continue;
      }
      const ratios = peers.map((peer) => ({ name: peer.name, ratio: pairedRatio(peer, mine) }));
      // The chain is also set against cockatiel's same three policies (no telemetry there), for the record only.
      const sameChain =
        ours === NAMES.faultlineFull ? lookup(results, key, NAMES.cockatielBulkheadBreakerTimeout) : undefined;
      const sameChainNote = sameChain ? `; cockatiel b+b+t ${formatRatio(pairedRatio(sameChain, mine))}` : '';
      checks.push({
        target,
        measured: `${formatNumber(mine.summary.median)} ns; ${ratios.map((r) => `${r.name.split(' ')[0]} ${formatRatio(r.ratio)}`).join(', ')}${sameChainNote}`,
        met: ratios.every((r) => r.ratio >= 5),
      });
    }
  }
  return checks;
}

/** Timeout ≥ 10× cheaper than cockatiel's, compared on overhead over the bare call (the stricter reading). */
function timeoutChecks(results: Results): Check[] {
  return SUCCESS_SECTIONS.map(({ label, key }) => {
    const target = `timeout ${label}: Faultline's overhead ≥ 10× below cockatiel's (abortOnReturn: false)`;
    const baseline = lookup(results, key, NAMES.bare);
    const ours = lookup(results, key, NAMES.faultlineTimeout);
    const theirs = lookup(results, key, NAMES.cockatielTimeout);
    if (!baseline || !ours || !theirs) return { target, measured: 'contestant missing', met: null };
    const oursOver = pairedDifference(ours, baseline);
    const theirsOver = pairedDifference(theirs, baseline);
    return {
      target,
      measured: `+${formatNumber(oursOver)} ns vs +${formatNumber(theirsOver)} ns (${formatRatio(theirsOver / Math.max(oursOver, 1))}); totals ${formatRatio(pairedRatio(theirs, ours))}`,
      met: theirsOver >= 10 * Math.max(oursOver, 0),
    };
  });
}

// ── window load ────────────────────────────────────────────────────────────

interface WindowRow {
  readonly library: string;
  readonly small: Measurement;
  readonly large: Measurement;
}

async function measureWindows(
  faultlineCases: (windowCalls: number) => Promise<WindowCase[]>,
  options: SuiteOptions,
): Promise<WindowRow[]> {
  const cases: WindowCase[] = [];
  for (const windowCalls of [SMALL_WINDOW, LARGE_WINDOW]) {
    cases.push(opossumWindowCase(windowCalls), await cockatielWindowCase(windowCalls));
    cases.push(...(await faultlineCases(windowCalls)));
  }
  try {
    const measured = await measureInterleaved(
      cases.map((c) => c.contestant),
      { ...measureOptions(options), repetitions: options.quick ? 5 : 7 },
    );
    const byLibrary = new Map<string, Partial<Record<'small' | 'large', Measurement>>>();
    cases.forEach((c, i) => {
      const entry = byLibrary.get(c.library) ?? {};
      entry[c.windowCalls === SMALL_WINDOW ? 'small' : 'large'] = measured[i]!;
      byLibrary.set(c.library, entry);
    });
    return [...byLibrary].map(([library, { small, large }]) => ({ library, small: small!, large: large! }));
  } finally {
    for (const c of cases) await c.dispose();
  }
}

function windowTable(rows: readonly WindowRow[]): Table {
  return {
    title: `closed · failure, one call at a time: ${SMALL_WINDOW / 2} vs ${LARGE_WINDOW / 2} failures in the window`,
    columns: [
      'breaker',
      `ns/call, ${SMALL_WINDOW} calls in window`,
      `ns/call, ${LARGE_WINDOW} calls in window`,
      'large ÷ small',
    ],
    rows: rows.map((r) => [
      r.library,
      `${formatNumber(r.small.summary.median)} (${formatRange(r.small.summary.p25, r.small.summary.p75)})`,
      `${formatNumber(r.large.summary.median)} (${formatRange(r.large.summary.p25, r.large.summary.p75)})`,
      formatRatio(pairedRatio(r.large, r.small)),
    ]),
    notes: [
      'every other call fails, so the window holds half failures; thresholds at 90 % keep every breaker closed',
      'opossum: one bucket rotated by hand and refilled before each sample, 20 calls per sample (its window is time-based; its defaults otherwise)',
    ],
  };
}

function windowChecks(rows: readonly WindowRow[]): Check[] {
  const faultline = rows.filter((r) => r.library.startsWith('faultline'));
  if (faultline.length === 0) {
    return [
      { target: 'per-call cost independent of the window content (O(1))', measured: 'Faultline missing', met: null },
    ];
  }
  // cockatiel's CountBreaker is O(1) by construction (a ring of booleans and two counters): its own
  // large ÷ small ratio is the noise of this run, and widens the tolerance accordingly.
  const reference = rows.find((r) => r.library.startsWith('cockatiel'));
  const noise = reference ? pairedRatio(reference.large, reference.small) : 1;
  const tolerance = Math.max(1.25, 1.25 * noise);
  return faultline.map((r) => {
    const ratio = pairedRatio(r.large, r.small);
    return {
      target: `${r.library}: cost with ${LARGE_WINDOW / 2} failures ≈ with ${SMALL_WINDOW / 2} (ratio ≤ 1.25 × the O(1) reference's)`,
      measured: `${formatNumber(r.small.summary.median)} → ${formatNumber(r.large.summary.median)} ns (${formatRatio(ratio)}; cockatiel ${formatRatio(noise)})`,
      met: ratio <= tolerance,
    };
  });
}

// ── memory ─────────────────────────────────────────────────────────────────

function memoryTables(perInstance: readonly PerInstance[], flat: readonly Flatness[]): Table[] {
  return [
    {
      title: 'heap per policy object',
      columns: ['object', 'instances', 'bytes each'],
      rows: perInstance.map((p) => [p.what, String(p.instances), formatNumber(p.bytesPerInstance)]),
      notes: ['heapUsed after full GC, with all instances reachable, minus before, divided by the count'],
    },
    {
      title: 'heap across calls (100 in flight, after a 10 000-call warm-up; readings after 2 s without calls)',
      columns: ['policy', 'calls', 'heap before', 'heap after', 'change'],
      rows: flat.map((f) => [
        f.what,
        String(f.calls),
        formatBytes(f.heapBefore),
        formatBytes(f.heapAfter),
        formatBytes(f.delta),
      ]),
      notes: ['opossum keeps every latency of its 10 s window while rolling percentiles are on (its default)'],
    },
  ];
}

// ── the suite ──────────────────────────────────────────────────────────────

export const instrumentationSuite: Suite = {
  name: 'instrumentation',
  description: 'per-call cost and memory of Faultline policies vs opossum and cockatiel',
  async run(options) {
    const asyncLocalStorage = options.flags.has('als');
    const telemetry = startBenchTelemetry({ asyncLocalStorage });
    const faultline = faultlineContestants(telemetry);
    const specs: ContestantSpec[] = contestantSpecs(faultline);
    const selected = (title: string) => !options.grep || options.grep.test(title);
    const tables: Table[] = [];
    const results: Results = new Map();

    // The sections the overhead and timeout targets read run in child processes, once per pinned
    // nursery size (see instrumentation/nursery.ts); the others here.
    const pinned = SECTIONS.filter((target) => isPinned(target) && selected(target.title));
    for (const nursery of NURSERIES) {
      if (pinned.length === 0) break;
      options.log(`· ${pinned.map((target) => target.title).join(', ')} — child process, ${nursery.flag}`);
      const report = await measureInNursery(nursery, {
        sections: pinned.map((target) => target.key),
        quick: options.quick,
        asyncLocalStorage,
      });
      for (const target of pinned) {
        const measurements = report.sections[target.key] ?? [];
        results.set(pinnedKey(target.key, nursery), new Map(measurements.map((m) => [m.name, m])));
        const table = sectionTable(target, measurements);
        tables.push({
          ...table,
          title: `${table.title} · ${nursery.title}`,
          notes: [`child process with ${nursery.flag}; V8 new space reached ${formatBytes(report.newSpaceBytes)}`],
        });
      }
    }
    for (const target of SECTIONS) {
      if (isPinned(target) || !selected(target.title)) continue;
      options.log(`· ${target.title}`);
      const measurements = await measureSection(target, specs, measureOptions(options));
      results.set(target.key, new Map(measurements.map((m) => [m.name, m])));
      tables.push(sectionTable(target, measurements));
    }

    let floor: Measurement[] = [];
    if (selected('OpenTelemetry SDK floor')) {
      options.log('· OpenTelemetry SDK floor');
      floor = await measureInterleaved(sdkFloorContestants(telemetry), measureOptions(options));
      telemetry.sampleSpans(false);
      telemetry.spans.reset();
      tables.push({
        title: 'OpenTelemetry SDK floor — per operation, no policy around it',
        columns: ['operation', 'ns/op', 'IQR', 'min–max'],
        rows: floor.map((m) => [
          m.name,
          formatNumber(m.summary.median),
          formatRange(m.summary.p25, m.summary.p75),
          formatRange(m.summary.min, m.summary.max),
        ]),
        notes: [
          'what any library pays per call to report one duration and one span through the SDK: the floor under the "metrics" rows',
        ],
      });
    }

    let windows: WindowRow[] = [];
    if (selected('window failures')) {
      options.log('· window load');
      windows = await measureWindows((n) => faultline.windowCases(n), options);
      tables.push(windowTable(windows));
    }

    let perInstance: PerInstance[] = [];
    let flat: Flatness[] = [];
    if (selected('memory heap')) {
      options.log('· memory');
      const count = options.quick ? 2_000 : 10_000;
      perInstance = [
        bytesPerInstance(
          'opossum breaker',
          count,
          () => new CircuitBreaker(work, { timeout: false }),
          (b) => b.shutdown(),
        ),
        bytesPerInstance('cockatiel breaker (CountBreaker 100)', count, () =>
          cockatielCircuitBreaker(handleAll, {
            halfOpenAfter: CONFIG.openDurationMs,
            breaker: new CountBreaker({ threshold: CONFIG.failureRateThreshold, size: CONFIG.windowSize }),
          }),
        ),
        bytesPerInstance('cockatiel bulkhead', count, () => cockatielBulkhead(10, 10)),
        ...faultline.perInstance.map((p) => bytesPerInstance(p.what, count, p.create)),
      ];
      const calls = options.quick ? 200_000 : 1_000_000;
      // Longer than the timeouts (the deadline timer's horizon) and the metric interval.
      const quietMs = CONFIG.timeoutMs + METRIC_EXPORT_INTERVAL_MS;
      const opossum = new CircuitBreaker(work, { timeout: false });
      const cockatiel = wrap(
        cockatielBulkhead(CONFIG.roomyBulkhead.maxConcurrent, CONFIG.roomyBulkhead.maxQueue),
        cockatielCircuitBreaker(handleAll, {
          halfOpenAfter: CONFIG.openDurationMs,
          breaker: new CountBreaker({ threshold: CONFIG.failureRateThreshold, size: CONFIG.windowSize }),
        }),
      );
      flat = [
        await heapAcrossCalls('opossum (timeout: false, defaults)', () => opossum.fire(), calls, quietMs),
        await heapAcrossCalls('cockatiel bulkhead+breaker', () => cockatiel.execute(work), calls, quietMs),
      ];
      opossum.shutdown();
      flat.push(await heapAcrossCalls(NAMES.faultlineFull, faultline.fullPolicyCall, calls, quietMs));
      tables.push(...memoryTables(perInstance, flat));
    }

    const seen = await telemetry.metricsSeen();
    const notes = [
      `breakers: count window of ${CONFIG.windowSize} calls, failure-rate threshold ${CONFIG.failureRateThreshold * 100} %, open for ${CONFIG.openDurationMs / 1000} s once tripped; timeouts ${CONFIG.timeoutMs} ms (never reached)`,
      `bulkheads on the closed paths: ${CONFIG.roomyBulkhead.maxConcurrent} permits + queue ${CONFIG.roomyBulkhead.maxQueue} (never saturated)`,
      `OpenTelemetry SDK registered globally for the whole run: MeterProvider with a reader collecting every ${METRIC_EXPORT_INTERVAL_MS} ms, TracerProvider (ParentBased over AlwaysOff / AlwaysOn into an in-memory exporter), ${asyncLocalStorage ? 'AsyncLocalStorage context manager (--flag als: every row, bare included, pays its promise hooks)' : 'StackContextManager (synchronous context; add --flag als for AsyncLocalStorage)'}`,
      '"parent unsampled": each call enters the context of an unsampled remote parent (an inbound request dropped by the root sampler) with context.with, counted in the row; "root": no parent, so the SDK\'s sampler is asked and a non-recording span made per call',
      `metric pipeline saw ${seen.exports} exports, ${seen.points} data points, ${seen.names.length} metric names${seen.names.length ? ` (${seen.names.join(', ')})` : ''}`,
    ];
    tables.push({ title: 'configuration', columns: [], rows: [], notes });

    const checks: Check[] = [
      ...(results.size > 0 ? [...overheadChecks(results), ...fastFailChecks(results), ...timeoutChecks(results)] : []),
      ...(windows.length > 0 ? windowChecks(windows) : []),
      ...flat
        .filter((f) => f.what === NAMES.faultlineFull)
        .map((f) => ({
          target: `heap flat across ${f.calls} calls (change < 1 MiB)`,
          measured: formatBytes(f.delta),
          met: f.delta < 1024 * 1024,
        })),
    ];
    await telemetry.shutdown();

    const serialise = (m: Measurement) => ({ ...m });
    return {
      tables,
      checks,
      data: {
        sections: Object.fromEntries([...results].map(([key, byName]) => [key, [...byName.values()].map(serialise)])),
        sdkFloor: floor.map(serialise),
        windows: windows.map((w) => ({ library: w.library, small: serialise(w.small), large: serialise(w.large) })),
        memory: { perInstance, flat },
        telemetry: seen,
      },
    };
  },
};
