import { type BulkheadRow, bulkheadsView } from '../model/bulkheadsView';
import type { LiveModel } from '../model/liveModel';
import { buildTopology, type Topology } from '../model/topology';

/**
 * "Now" as the live feed and the alert evaluator see it: the topology and the
 * bulkheads over the last `windowSeconds`. Both read it several times a
 * second (feed tick, new subscribers, alert tick, every breaker transition),
 * so one view is built per model version and wall-clock second and shared.
 */
export class LiveView {
  private key = '';
  private topologyCache: Topology | null = null;
  private bulkheadsCache: BulkheadRow[] | null = null;

  constructor(
    private readonly model: LiveModel,
    private readonly clock: () => number,
    private readonly windowSeconds: number,
  ) {}

  topology(): Topology {
    this.refresh();
    this.topologyCache ??= buildTopology(this.rollups(), {
      atMs: this.clock(),
      windowSeconds: this.windowSeconds,
      breakerStates: this.model.breakerStates(),
    });
    return this.topologyCache;
  }

  bulkheads(): BulkheadRow[] {
    this.refresh();
    this.bulkheadsCache ??= bulkheadsView(this.rollups(), this.clock(), this.windowSeconds);
    return this.bulkheadsCache;
  }

  private rollups() {
    const now = this.clock();
    return this.model.rollups(now - this.windowSeconds * 1000, now + 1);
  }

  private refresh(): void {
    const key = `${this.model.version()}:${Math.floor(this.clock() / 1000)}`;
    if (key === this.key) return;
    this.key = key;
    this.topologyCache = null;
    this.bulkheadsCache = null;
  }
}
