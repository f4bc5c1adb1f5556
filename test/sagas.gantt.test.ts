import { describe, expect, it } from 'vitest';
import { barLabel, formatDuration, layoutGantt } from '../apps/dashboard/components/sagas/ganttLayout';
import type { SagaRunDetail, SagaStepView } from '../apps/dashboard/server/sagas/sagaApiTypes';

const T0 = 1_767_225_600_000;

function step(
  name: string,
  service: string,
  kind: 'action' | 'compensation',
  at: number,
  ms: number,
  extra: Partial<SagaStepView> = {},
): SagaStepView {
  return {
    name,
    index: null,
    kind,
    service,
    status: 'completed',
    startedAt: T0 + at,
    endedAt: T0 + at + ms,
    spanId: `${service}-${name}-${kind}-${at}`,
    ...extra,
  };
}

function run(steps: SagaStepView[], overrides: Partial<SagaRunDetail> = {}): SagaRunDetail {
  return {
    id: 'r',
    name: 'checkout',
    status: 'compensated',
    service: 'order',
    services: ['order', 'inventory', 'payment'],
    startedAt: T0,
    endedAt: T0 + 1000,
    durationMs: 1000,
    traceId: null,
    failedStep: null,
    error: null,
    steps,
    ...overrides,
  };
}

describe('layoutGantt', () => {
  const compensated = run([
    step('reserve', 'inventory', 'action', 0, 100, { index: 0 }),
    step('charge', 'payment', 'action', 100, 200, { index: 1, status: 'failed', error: 'declined' }),
    step('release-ship', 'shipping', 'compensation', 320, 50),
    step('reserve', 'inventory', 'compensation', 400, 100, { index: 0 }),
  ]);

  it('makes one lane per service with steps, in the run order, then the others', () => {
    const layout = layoutGantt(compensated, { width: 1000, nowMs: T0 });
    expect(layout.lanes.map((l) => l.service)).toEqual(['inventory', 'payment', 'shipping']);
    for (const bar of layout.bars) {
      const lane = layout.lanes[bar.lane]!;
      expect(bar.step.service).toBe(lane.service);
      expect(bar.y).toBeGreaterThanOrEqual(lane.y);
      expect(bar.y + bar.height).toBeLessThanOrEqual(lane.y + lane.height);
    }
  });

  it('places bars on one time axis and leads the undo path from the failure through the compensations in order', () => {
    const layout = layoutGantt(compensated, { width: 1000, labelWidth: 100, nowMs: T0 });
    const [first, failed] = layout.bars.filter((b) => b.step.kind === 'action');
    expect(first?.x).toBe(100);
    expect(failed?.x).toBeCloseTo(100 + (layout.plotWidth * 100) / 1000);
    expect(layout.undoPath.map((b) => `${b.step.kind}:${b.step.name}`)).toEqual([
      'action:charge',
      'compensation:release-ship',
      'compensation:reserve',
    ]);
  });

  it('stacks overlapping steps of one service in sub-rows', () => {
    const layout = layoutGantt(
      run([
        step('a', 'order', 'action', 0, 500),
        step('b', 'order', 'action', 100, 100),
        step('c', 'order', 'action', 600, 10),
      ]),
      { width: 800, nowMs: T0 },
    );
    const [a, b, c] = layout.bars;
    expect(a?.y).not.toBe(b?.y);
    expect(c?.y).toBe(a?.y);
    expect(layout.lanes[0]?.height).toBe(56);
  });

  it('runs the axis to now while the saga is running', () => {
    const layout = layoutGantt(run([step('a', 'order', 'action', 0, 100)], { endedAt: null, status: 'running' }), {
      width: 800,
      nowMs: T0 + 10_000,
    });
    expect(layout.t1).toBe(T0 + 10_000);
  });

  it('names bars with kind, step, service, status, error and duration', () => {
    const layout = layoutGantt(compensated, { width: 1000, nowMs: T0 });
    expect(barLabel(layout.bars.find((b) => b.failed)!)).toBe(
      'Action charge (step 2) on payment, failed: declined, 200 ms, started at +100 ms',
    );
    expect(formatDuration(0)).toBe('0 ms');
    expect(formatDuration(1_800_000)).toBe('30 min');
    expect(formatDuration(61_000)).toBe('1 min 1 s');
  });

  // Its render time is measured by `npm run bench -- --only ui` (50-step timeline), not asserted here.
  it('lays out 50 steps over 6 services, one lane per service', () => {
    const steps = Array.from({ length: 50 }, (_, i) => step(`s${i}`, `svc-${i % 6}`, 'action', i * 40, 30));
    const layout = layoutGantt(run(steps), { width: 1400, nowMs: T0 });
    expect(layout.bars).toHaveLength(50);
    expect(layout.lanes).toHaveLength(6);
  });
});
