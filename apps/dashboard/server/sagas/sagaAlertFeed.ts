import type { RunningSaga, SagaTypeStats } from '../alerts/alertTypes';
import type { SagaRunSummary } from './sagaApiTypes';

/** Bounds: alert evaluation needs recent runs, not history. */
const MAX_TRACKED = 50_000;

/**
 * What saga alert rules read (compensation rate per saga type over a window,
 * sagas still running), kept from the pipeline's per-second changes so an
 * evaluation tick never touches the database.
 */
export class SagaAlertFeed {
  private readonly running = new Map<string, RunningSaga>();
  private finished: { name: string; status: SagaRunSummary['status']; endedAt: number }[] = [];

  constructor(private readonly windowMs: number = 5 * 60_000) {}

  observe(runs: readonly SagaRunSummary[]): void {
    for (const r of runs) {
      if (r.endedAt === null) {
        if (this.running.size < MAX_TRACKED)
          this.running.set(r.id, { id: r.id, name: r.name, startedAtMs: r.startedAt });
      } else {
        this.running.delete(r.id);
        this.finished.push({ name: r.name, status: r.status, endedAt: r.endedAt });
      }
    }
    if (this.finished.length > MAX_TRACKED) this.finished = this.finished.slice(-MAX_TRACKED);
  }

  snapshot(nowMs: number): { stats: SagaTypeStats[]; running: RunningSaga[] } {
    const since = nowMs - this.windowMs;
    this.finished = this.finished.filter((f) => f.endedAt >= since);
    const byName = new Map<string, SagaTypeStats>();
    for (const f of this.finished) {
      let s = byName.get(f.name);
      if (!s) {
        s = { name: f.name, runs: 0, compensated: 0, failed: 0 };
        byName.set(f.name, s);
      }
      s.runs++;
      if (f.status === 'compensated') s.compensated++;
      else if (f.status === 'failed') s.failed++;
    }
    return { stats: [...byName.values()], running: [...this.running.values()] };
  }
}
