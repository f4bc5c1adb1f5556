/**
 * Assembles saga runs from spans that arrive in any order, in any batch, from
 * any service: the orchestrator's root span (`saga {name}`), its step spans
 * and step spans of other services that only know the saga id (choreography)
 * all join the run with that id.
 *
 * Memory is bounded: runs without a root span are capped (`maxRunning`, the
 * oldest dropped first); finished runs stay only until drained, plus the
 * `maxFinishedRetained` most recently drained ones so that late step spans
 * (another service's batch arriving after the root) still join them. Spans of
 * a run evicted after that are ignored and counted, never turned into a bogus
 * new run.
 */
import type { IngestSpan } from '../ingest/telemetry';
import type { SagaRunRecord, SagaRunStatus, SagaStepRecord } from './sagaRunRecord';
import { readSagaSpan, type SagaRootSpan } from './spanToSaga';

export interface SagaAssemblerOptions {
  /** Runs whose root span has not arrived, kept at most. Default 10 000. */
  maxRunning?: number;
  /** Finished, drained runs kept to absorb late step spans. Default 1 000. */
  maxFinishedRetained?: number;
  /** Ids of evicted finished runs remembered so their late spans are ignored. Default 10 000. */
  maxEvictedIds?: number;
  /** Steps kept per run (actions and compensations). Default 1 000. */
  maxStepsPerRun?: number;
}

export interface SagaAssemblerStats {
  running: number;
  finished: number;
  /** Runs without a root dropped over `maxRunning`. */
  droppedRuns: number;
  /** Step spans dropped over `maxStepsPerRun`. */
  droppedSteps: number;
  /** Spans of runs already evicted. */
  lateSpansIgnored: number;
}

interface StepEntry {
  step: SagaStepRecord;
  traceId: string;
}

interface RunState {
  id: string;
  name: string | null;
  root: SagaRootSpan | null;
  steps: Map<string, StepEntry>;
  stuck: boolean;
}

const DEFAULTS = { maxRunning: 10_000, maxFinishedRetained: 1_000, maxEvictedIds: 10_000, maxStepsPerRun: 1_000 };

export class SagaAssembler {
  private readonly limits: Required<SagaAssemblerOptions>;
  /** Insertion order = first seen: the front is the oldest. */
  private readonly running = new Map<string, RunState>();
  private readonly finished = new Map<string, RunState>();
  /** Finished runs with nothing left to drain, in drain order: the front is evicted first. */
  private readonly drainedFinished = new Set<string>();
  private readonly evicted = new Set<string>();
  private readonly changed = new Set<string>();
  private droppedRuns = 0;
  private droppedSteps = 0;
  private lateSpansIgnored = 0;

  constructor(options: SagaAssemblerOptions = {}) {
    this.limits = { ...DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) };
    for (const [key, value] of Object.entries(this.limits)) {
      if (!Number.isInteger(value) || value < 1) throw new RangeError(`SagaAssembler: ${key} must be an integer ≥ 1`);
    }
  }

  ingest(spans: readonly IngestSpan[]): void {
    for (const span of spans) {
      const saga = readSagaSpan(span);
      if (saga === null) continue;
      if (this.evicted.has(saga.sagaId)) {
        this.lateSpansIgnored++;
        continue;
      }
      const run = this.running.get(saga.sagaId) ?? this.finished.get(saga.sagaId) ?? this.open(saga.sagaId);
      if (saga.type === 'root') {
        run.root = saga;
        run.name = saga.sagaName;
        run.stuck = false;
        if (this.running.delete(run.id)) this.finished.set(run.id, run);
      } else {
        run.name ??= saga.sagaName;
        if (!run.steps.has(saga.step.spanId) && run.steps.size >= this.limits.maxStepsPerRun) {
          this.droppedSteps++;
          continue;
        }
        run.steps.set(saga.step.spanId, { step: saga.step, traceId: saga.traceId });
      }
      this.drainedFinished.delete(run.id);
      this.changed.add(run.id);
    }
    this.capRunning();
  }

  /** Runs changed since the last call, once each; finished ones become evictable. */
  drainChanged(): SagaRunRecord[] {
    const records: SagaRunRecord[] = [];
    for (const id of this.changed) {
      const run = this.running.get(id) ?? this.finished.get(id);
      if (!run) continue;
      records.push(toRecord(run));
      if (run.root) this.drainedFinished.add(id);
    }
    this.changed.clear();
    this.capFinished();
    return records;
  }

  get(id: string): SagaRunRecord | undefined {
    const run = this.running.get(id) ?? this.finished.get(id);
    return run && toRecord(run);
  }

  /**
   * Runs without an end whose start is more than `stuckAfterMs` before `nowMs`.
   * A run found stuck for the first time is marked changed, so the next drain
   * reports (and the store persists) it as `stuck`; its root span arriving
   * later still completes it.
   */
  stuck(nowMs: number, stuckAfterMs: number): SagaRunRecord[] {
    const found: SagaRunRecord[] = [];
    for (const run of this.running.values()) {
      if (startOf(run) > nowMs - stuckAfterMs) continue;
      if (!run.stuck) {
        run.stuck = true;
        this.changed.add(run.id);
      }
      found.push(toRecord(run));
    }
    return found;
  }

  stats(): SagaAssemblerStats {
    return {
      running: this.running.size,
      finished: this.finished.size,
      droppedRuns: this.droppedRuns,
      droppedSteps: this.droppedSteps,
      lateSpansIgnored: this.lateSpansIgnored,
    };
  }

  private open(id: string): RunState {
    const run: RunState = { id, name: null, root: null, steps: new Map(), stuck: false };
    this.running.set(id, run);
    return run;
  }

  private capRunning(): void {
    for (const id of this.running.keys()) {
      if (this.running.size <= this.limits.maxRunning) break;
      this.running.delete(id);
      this.changed.delete(id);
      this.droppedRuns++;
    }
  }

  private capFinished(): void {
    for (const id of this.drainedFinished) {
      if (this.drainedFinished.size <= this.limits.maxFinishedRetained) break;
      this.drainedFinished.delete(id);
      this.finished.delete(id);
      this.evicted.add(id);
    }
    for (const id of this.evicted) {
      if (this.evicted.size <= this.limits.maxEvictedIds) break;
      this.evicted.delete(id);
    }
  }
}

function startOf(run: RunState): number {
  if (run.root) return run.root.startedAt;
  let start = Number.POSITIVE_INFINITY;
  for (const { step } of run.steps.values()) start = Math.min(start, step.startedAt);
  return start;
}

function compareSteps(a: SagaStepRecord, b: SagaStepRecord): number {
  return (
    a.startedAt - b.startedAt ||
    (a.index ?? Number.MAX_SAFE_INTEGER) - (b.index ?? Number.MAX_SAFE_INTEGER) ||
    Number(a.kind === 'compensation') - Number(b.kind === 'compensation') ||
    (a.spanId < b.spanId ? -1 : a.spanId > b.spanId ? 1 : 0)
  );
}

/** Status when the root span did not say: a failed compensation → failed; any undo → compensated. */
function derivedStatus(steps: readonly SagaStepRecord[]): SagaRunStatus {
  const compensations = steps.filter((s) => s.kind === 'compensation');
  if (compensations.some((s) => s.status === 'failed')) return 'failed';
  if (compensations.length > 0 || steps.some((s) => s.status === 'failed')) return 'compensated';
  return 'completed';
}

function toRecord(run: RunState): SagaRunRecord {
  const entries = [...run.steps.values()];
  const steps = entries.map((e) => ({ ...e.step })).sort(compareSteps);
  const { root } = run;
  const status: SagaRunStatus = root ? (root.status ?? derivedStatus(steps)) : run.stuck ? 'stuck' : 'running';
  const earliest = entries.reduce<StepEntry | undefined>(
    (first, e) => (first === undefined || e.step.startedAt < first.step.startedAt ? e : first),
    undefined,
  );
  const participants: { service: string; at: number }[] = steps.map((s) => ({ service: s.service, at: s.startedAt }));
  if (root) participants.push({ service: root.service, at: Number.NEGATIVE_INFINITY });
  participants.sort((a, b) => a.at - b.at);
  return {
    id: run.id,
    name: run.name ?? '',
    status,
    startedAt: startOf(run),
    endedAt: root ? root.endedAt : null,
    traceId: root?.traceId ?? earliest?.traceId ?? '',
    services: [...new Set(participants.map((p) => p.service))],
    steps,
  };
}
