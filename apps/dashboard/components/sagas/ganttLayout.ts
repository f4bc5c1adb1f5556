/**
 * Geometry of a saga timeline (pure, no React): one lane per service, bars
 * placed on a shared time axis, overlapping bars of one service stacked in
 * sub-rows, and the undo path — the failed action, then each compensation in
 * the order it ran.
 */
import type { SagaRunDetail, SagaStepView } from '../../server/sagas/sagaApiTypes';

export interface GanttOptions {
  /** Pixel width of the whole chart. */
  width: number;
  /** Width of the lane label column. */
  labelWidth?: number;
  rowHeight?: number;
  /** For runs without an end: the axis runs to now. */
  nowMs: number;
}

export interface GanttBar {
  key: string;
  step: SagaStepView;
  lane: number;
  x: number;
  y: number;
  width: number;
  height: number;
  durationMs: number;
  /** Offset of the step's start from the run's start. */
  offsetMs: number;
  failed: boolean;
}

export interface GanttLane {
  service: string;
  y: number;
  height: number;
}

export interface GanttTick {
  x: number;
  label: string;
  /** Labels near the right edge end at their tick instead of starting there. */
  anchor: 'start' | 'end';
}

export interface GanttLayout {
  width: number;
  height: number;
  plotX: number;
  plotWidth: number;
  axisY: number;
  lanes: GanttLane[];
  bars: GanttBar[];
  ticks: GanttTick[];
  /** Bars of the undo path in order: the failed action first, then the compensations. */
  undoPath: GanttBar[];
  t0: number;
  t1: number;
}

const AXIS_HEIGHT = 24;
const BAR_PAD = 4;
const MIN_BAR_WIDTH = 3;
/** Room under a lane for the failed step's error line. */
const ERROR_LINE = 16;

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  if (ms === 0) return '0 ms';
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  if (minutes < 60) return seconds === 0 ? `${minutes} min` : `${minutes} min ${seconds} s`;
  return minutes % 60 === 0 ? `${minutes / 60} h` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** A round tick step giving about `count` ticks over `spanMs`. */
function tickStep(spanMs: number, count: number): number {
  const raw = spanMs / count;
  const power = 10 ** Math.floor(Math.log10(Math.max(raw, 1e-3)));
  for (const m of [1, 2, 5, 10]) if (m * power >= raw) return m * power;
  return 10 * power;
}

export function layoutGantt(run: SagaRunDetail, options: GanttOptions): GanttLayout {
  const labelWidth = options.labelWidth ?? 160;
  const rowHeight = options.rowHeight ?? 28;
  const width = Math.max(options.width, labelWidth + 200);
  const plotX = labelWidth;
  const plotWidth = width - labelWidth - 16;

  const steps = run.steps;
  const t0 = Math.min(run.startedAt, ...steps.map((s) => s.startedAt));
  const lastEnd = Math.max(run.endedAt ?? options.nowMs, ...steps.map((s) => s.endedAt));
  const t1 = Math.max(lastEnd, t0 + 1);
  const scale = plotWidth / (t1 - t0);

  // Lanes: the run's service order (orchestrator first), then any other service with a step.
  const services = [...new Set([...run.services, ...steps.map((s) => s.service)])].filter((service) =>
    steps.some((s) => s.service === service),
  );
  const lanes: GanttLane[] = [];
  const bars: GanttBar[] = [];
  let y = AXIS_HEIGHT;
  services.forEach((service, laneIndex) => {
    // Greedy sub-rows: a bar goes to the first row whose last bar ended before it starts.
    const rowEnds: number[] = [];
    const placed: { step: SagaStepView; row: number }[] = [];
    for (const step of steps) {
      if (step.service !== service) continue;
      let row = rowEnds.findIndex((end) => end <= step.startedAt);
      if (row === -1) row = rowEnds.push(step.endedAt) - 1;
      else rowEnds[row] = step.endedAt;
      placed.push({ step, row });
    }
    const hasError = placed.some(({ step }) => step.status === 'failed' && step.error);
    const laneHeight = Math.max(1, rowEnds.length) * rowHeight + (hasError ? ERROR_LINE : 0);
    lanes.push({ service, y, height: laneHeight });
    for (const { step, row } of placed) {
      const x = plotX + (step.startedAt - t0) * scale;
      bars.push({
        key: step.spanId,
        step,
        lane: laneIndex,
        x,
        y: y + row * rowHeight + BAR_PAD,
        width: Math.max(MIN_BAR_WIDTH, (step.endedAt - step.startedAt) * scale),
        height: rowHeight - 2 * BAR_PAD,
        durationMs: step.endedAt - step.startedAt,
        offsetMs: step.startedAt - t0,
        failed: step.status === 'failed',
      });
    }
    y += laneHeight;
  });

  const failedAction = bars.find((b) => b.failed && b.step.kind === 'action');
  const compensations = bars
    .filter((b) => b.step.kind === 'compensation' && (!failedAction || b.step.startedAt >= failedAction.step.startedAt))
    .sort((a, b) => a.step.startedAt - b.step.startedAt);
  const undoPath = compensations.length > 0 ? [...(failedAction ? [failedAction] : []), ...compensations] : [];

  const step = tickStep(t1 - t0, Math.max(2, Math.floor(plotWidth / 110)));
  const ticks: GanttTick[] = [];
  for (let t = 0; t <= t1 - t0 + 1e-9; t += step) {
    const x = plotX + t * scale;
    ticks.push({ x, label: `+${formatDuration(t)}`, anchor: x > width - 90 ? 'end' : 'start' });
  }

  return { width, height: y + 8, plotX, plotWidth, axisY: AXIS_HEIGHT, lanes, bars, ticks, undoPath, t0, t1 };
}

/** The accessible name (and tooltip) of a bar. */
export function barLabel(bar: GanttBar): string {
  const kind = bar.step.kind === 'compensation' ? 'Compensation' : 'Action';
  const index = bar.step.index === null ? '' : ` (step ${bar.step.index + 1})`;
  const status = bar.failed ? `failed${bar.step.error ? `: ${bar.step.error}` : ''}` : bar.step.status;
  return `${kind} ${bar.step.name}${index} on ${bar.step.service}, ${status}, ${formatDuration(bar.durationMs)}, started at +${formatDuration(bar.offsetMs)}`;
}
