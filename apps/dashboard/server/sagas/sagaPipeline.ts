/**
 * Ingest → assembler → database → live feed, on the server's one-second tick.
 *
 *   pipeline.ingest(batch.spans)          // from the OTLP trace handler
 *   const changed = await pipeline.tick(now)  // every second: persist, detect stuck runs
 *   for (const run of changed) io.to('sagas').emit('saga', run)
 *
 * Runs the database has not taken yet (a failed write) stay queued and are
 * written by the next tick, merged with any newer report of the same run.
 */
import { z } from 'zod';
import type { IngestSpan } from '../ingest/telemetry';
import type { SagaRunSummary } from './sagaApiTypes';
import { SagaAssembler } from './sagaAssembler';
import type { SagaRepository } from './sagaRepository';
import type { SagaRunRecord } from './sagaRunRecord';

export const DEFAULT_STUCK_SECONDS = 300;
/** Runs queued for writing at most, should the database stay unavailable; the oldest go first. */
const MAX_QUEUED_RUNS = 50_000;

export interface SagaPipelineOptions {
  repository: SagaRepository;
  /** A run with no end this long after its start is shown as stuck. Default 300 s. */
  stuckAfterMs?: number;
  assembler?: SagaAssembler;
  /** Failed writes (retried next tick). Default console.error. */
  onError?: (error: unknown) => void;
}

/** `FAULTLINE_SAGA_STUCK_SECONDS` (default 300) in ms; throws naming the variable when invalid. */
export function stuckAfterMsFromEnv(env: Record<string, string | undefined>): number {
  const parsed = z.coerce
    .number()
    .positive()
    .max(30 * 86_400)
    .default(DEFAULT_STUCK_SECONDS)
    .safeParse(env.FAULTLINE_SAGA_STUCK_SECONDS || undefined);
  if (!parsed.success) {
    throw new Error(`FAULTLINE_SAGA_STUCK_SECONDS: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  }
  return parsed.data * 1000;
}

export class SagaPipeline {
  readonly assembler: SagaAssembler;
  readonly stuckAfterMs: number;
  private readonly repository: SagaRepository;
  private readonly onError: (error: unknown) => void;
  private readonly queued = new Map<string, SagaRunRecord>();
  private running: Promise<SagaRunSummary[]> | null = null;
  private droppedRuns = 0;

  constructor(options: SagaPipelineOptions) {
    this.repository = options.repository;
    this.assembler = options.assembler ?? new SagaAssembler();
    this.stuckAfterMs = options.stuckAfterMs ?? DEFAULT_STUCK_SECONDS * 1000;
    if (!(Number.isFinite(this.stuckAfterMs) && this.stuckAfterMs > 0)) {
      throw new RangeError('SagaPipeline: stuckAfterMs must be a number > 0');
    }
    this.onError = options.onError ?? ((error) => console.error('[faultline] saga write failed; will retry', error));
  }

  /** Synchronous and cheap: spans that are not saga spans are skipped. */
  ingest(spans: readonly IngestSpan[]): void {
    this.assembler.ingest(spans);
  }

  /**
   * Detects stuck runs, writes every run changed since the last tick and
   * returns their stored summaries (to push to the `sagas` room). A tick
   * called while the previous one still writes waits for it and returns [].
   * `onAllWritten` is called when this tick ran and left nothing queued:
   * every span ingested before the call is then in the database.
   */
  async tick(nowMs: number, onAllWritten?: () => void): Promise<SagaRunSummary[]> {
    if (this.running) {
      await this.running;
      return [];
    }
    this.running = this.runTick(nowMs, onAllWritten);
    try {
      return await this.running;
    } finally {
      this.running = null;
    }
  }

  /** Writes what is queued (server shutdown). */
  async flush(nowMs: number, onAllWritten?: () => void): Promise<void> {
    if (this.running) await this.running;
    await this.tick(nowMs, onAllWritten);
  }

  stats() {
    return { ...this.assembler.stats(), queuedRuns: this.queued.size, droppedQueuedRuns: this.droppedRuns };
  }

  private async runTick(nowMs: number, onAllWritten?: () => void): Promise<SagaRunSummary[]> {
    this.assembler.stuck(nowMs, this.stuckAfterMs);
    for (const record of this.assembler.drainChanged()) {
      this.queued.delete(record.id);
      this.queued.set(record.id, record);
    }
    for (const id of this.queued.keys()) {
      if (this.queued.size <= MAX_QUEUED_RUNS) break;
      this.queued.delete(id);
      this.droppedRuns++;
    }
    const changed = new Map<string, SagaRunSummary>();
    try {
      const batch = [...this.queued.values()];
      if (batch.length > 0) {
        for (const summary of await this.repository.save(batch, nowMs)) changed.set(summary.id, summary);
        for (const record of batch) if (this.queued.get(record.id) === record) this.queued.delete(record.id);
      }
      // Runs stored as running by an earlier process that never finished.
      for (const summary of await this.repository.markStuck(nowMs - this.stuckAfterMs, nowMs)) {
        changed.set(summary.id, summary);
      }
    } catch (error) {
      this.onError(error);
    }
    if (this.queued.size === 0) onAllWritten?.();
    return [...changed.values()];
  }
}
