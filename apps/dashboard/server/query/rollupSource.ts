import { type BreakerTransition, emptyRollupBatch, type RollupBatch } from '../model/rollups';
import type { HistoryStore } from '../store/historyStore';

/** The part of the live model this module needs: its in-memory buckets. */
export interface InMemoryRollups {
  rollups(fromMs: number, toMs: number): RollupBatch;
}

/**
 * One place that answers "give me the rollups for [from, to)": recent buckets
 * come from the live model (always complete, including the bucket being
 * filled), older ones from the store. The split point is the model's memory
 * horizon, so nothing is counted twice.
 */
export class RollupSource {
  constructor(
    private readonly model: InMemoryRollups,
    private readonly store: HistoryStore,
    private readonly memoryHorizonMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  async load(fromMs: number, toMs: number): Promise<RollupBatch> {
    const memStart = this.clock() - this.memoryHorizonMs;
    if (fromMs >= memStart) return this.model.rollups(fromMs, toMs);
    const older = await this.store.loadRollups(fromMs, Math.min(toMs, memStart));
    if (toMs <= memStart) return older;
    return concat(older, this.model.rollups(memStart, toMs));
  }

  /** One breaker's transitions since `sinceMs`, oldest first: stored ones before the horizon, live ones after. */
  async transitions(name: string, sinceMs: number): Promise<BreakerTransition[]> {
    const now = this.clock();
    const memStart = now - this.memoryHorizonMs;
    const live = this.model.rollups(Math.max(sinceMs, memStart), now + 1).transitions.filter((t) => t.name === name);
    if (sinceMs >= memStart) return live.sort(byTime);
    const stored = (await this.store.breakerTransitions(name, sinceMs)).filter((t) => t.atMs < memStart);
    return stored.concat(live).sort(byTime);
  }
}

const byTime = (a: BreakerTransition, b: BreakerTransition) => a.atMs - b.atMs;

function concat(a: RollupBatch, b: RollupBatch): RollupBatch {
  const out = emptyRollupBatch();
  out.edges = a.edges.concat(b.edges);
  out.breakers = a.breakers.concat(b.breakers);
  out.bulkheads = a.bulkheads.concat(b.bulkheads);
  out.services = a.services.concat(b.services);
  out.transitions = a.transitions.concat(b.transitions);
  return out;
}
