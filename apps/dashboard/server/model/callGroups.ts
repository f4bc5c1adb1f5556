import { type CallAgg, newCallAgg } from './accumulators';
import { canonicalIndex } from './latencyHistogram';
import { PairMap } from './pairMap';
import type { Outcome, ServiceKind } from './rollups';

/** The calls of one edge in one bucket, summed over a span batch. */
export interface CallGroup {
  readonly start: number;
  readonly source: string;
  readonly target: string;
  readonly targetKind: ServiceKind;
  readonly agg: CallAgg;
}

/**
 * Call observations of one span batch summed per edge and bucket, so the
 * model admits the edge, finds its accumulator and marks it dirty once per
 * group rather than once per span (a 512-span export holds a few dozen edges).
 * A span in another bucket or of another target kind than its edge's group
 * hands the group over first: the sums reach the model in the order they
 * were observed.
 */
export class CallGroups {
  private readonly groups = new PairMap<CallGroup>();

  constructor(private readonly apply: (group: CallGroup) => void) {}

  add(
    source: string,
    target: string,
    targetKind: ServiceKind,
    start: number,
    outcome: Outcome,
    durationMs: number,
  ): void {
    let group = this.groups.get(source, target);
    if (group !== undefined && (group.start !== start || group.targetKind !== targetKind)) {
      this.apply(group);
      group = undefined;
    }
    if (group === undefined) {
      group = { start, source, target, targetKind, agg: newCallAgg() };
      this.groups.set(source, target, group);
    }
    const agg = group.agg;
    const i = canonicalIndex(durationMs);
    agg.calls += 1;
    agg.outcomes[outcome] += 1;
    agg.sumMs += durationMs;
    agg.counts[i] = (agg.counts[i] as number) + 1;
  }

  /** Hand every group to the model and start empty. */
  flush(): void {
    for (const group of this.groups.values()) this.apply(group);
    this.groups.clear();
  }
}
