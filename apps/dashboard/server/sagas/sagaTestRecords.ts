/**
 * Saga run records for tests and benchmarks: the reference checkout saga
 * (inventory → payment → receipt) failing at payment and compensated across
 * three services, and seeded bulk runs.
 */
import type { SagaRunRecord, SagaRunStatus, SagaStepRecord } from './sagaRunRecord';

export const T0 = 1_767_225_600_000; // 2026-01-01T00:00:00Z

function stepRecord(
  spanId: string,
  name: string,
  index: number | null,
  kind: 'action' | 'compensation',
  service: string,
  startedAt: number,
  endedAt: number,
  error?: string,
): SagaStepRecord {
  const step: SagaStepRecord = {
    name,
    index,
    kind,
    service,
    status: error ? 'failed' : 'completed',
    startedAt,
    endedAt,
    spanId,
  };
  if (error) step.error = error;
  return step;
}

/** checkout: reserve-inventory ✓ (inventory), charge-payment ✗ (payment), release-inventory ↩ (inventory). */
export function compensatedCheckout(id = 'run-compensated', start = T0): SagaRunRecord {
  return {
    id,
    name: 'checkout',
    status: 'compensated',
    startedAt: start,
    endedAt: start + 400,
    traceId: 'ab'.repeat(16),
    services: ['order-service', 'inventory-service', 'payment-service'],
    steps: [
      stepRecord(`${id}-s1`, 'reserve-inventory', 0, 'action', 'inventory-service', start + 5, start + 105),
      stepRecord(
        `${id}-s2`,
        'charge-payment',
        1,
        'action',
        'payment-service',
        start + 110,
        start + 300,
        'card declined',
      ),
      stepRecord(`${id}-s3`, 'reserve-inventory', 0, 'compensation', 'inventory-service', start + 305, start + 390),
    ],
  };
}

/** A run with `steps` actions over `services` services, completed. */
export function longRun(id: string, steps: number, start = T0, services = 5): SagaRunRecord {
  const list: SagaStepRecord[] = [];
  for (let i = 0; i < steps; i++) {
    list.push(
      stepRecord(
        `${id}-${i}`,
        `step-${i}`,
        i,
        'action',
        `service-${i % services}`,
        start + i * 20,
        start + i * 20 + 15,
      ),
    );
  }
  return {
    id,
    name: 'long',
    status: 'completed',
    startedAt: start,
    endedAt: start + steps * 20,
    traceId: 'cd'.repeat(16),
    services: [...new Set(list.map((s) => s.service))],
    steps: list,
  };
}

const NAMES = ['checkout', 'refund', 'signup', 'transfer', 'shipment'];
const STATUSES: SagaRunStatus[] = ['completed', 'completed', 'completed', 'compensated', 'failed', 'running'];

/** Deterministic pseudo-random runs, one every `spacingMs` from `start`, three steps each. */
export function bulkRuns(count: number, start = T0, spacingMs = 1000, seed = 1): SagaRunRecord[] {
  let state = seed >>> 0 || 1;
  const random = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4_294_967_296;
  };
  const runs: SagaRunRecord[] = [];
  for (let i = 0; i < count; i++) {
    const startedAt = start + i * spacingMs;
    const status = STATUSES[Math.floor(random() * STATUSES.length)] as SagaRunStatus;
    const duration = 50 + Math.floor(random() * 2000);
    const id = `bulk-${seed}-${i.toString().padStart(7, '0')}`;
    runs.push({
      id,
      name: NAMES[Math.floor(random() * NAMES.length)] as string,
      status,
      startedAt,
      endedAt: status === 'running' ? null : startedAt + duration,
      traceId: i.toString(16).padStart(32, '0'),
      services: ['order-service', 'payment-service'],
      steps: [
        stepRecord(`${id}-a`, 'reserve', 0, 'action', 'order-service', startedAt, startedAt + 10),
        stepRecord(`${id}-b`, 'charge', 1, 'action', 'payment-service', startedAt + 10, startedAt + 20),
      ],
    });
  }
  return runs;
}
