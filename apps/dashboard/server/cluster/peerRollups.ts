import type { RollupBatch } from '../model/rollups';
import type { PeerLink } from './peerLink';

/** socket.io server-side event carrying one instance's newly changed rollups. */
export const PEER_ROLLUPS_EVENT = 'faultline:rollups';

export interface RollupSink {
  mergeRemote(batch: RollupBatch): { collisions: string[] };
}

/**
 * Keeps every instance's live model whole when ingestion is partitioned by
 * service: each second an instance hands the rollups it changed to the store
 * and, through here, to its peers (socket.io `serverSideEmit` over the Redis
 * adapter), which adopt them as remote buckets. So the map, the bulkheads and
 * the alert evaluator on any instance see every service, about a second
 * behind the instance that ingested it.
 */
export class PeerRollups {
  private readonly warned = new Set<string>();

  constructor(
    private readonly link: PeerLink,
    sink: RollupSink,
    onMerged: (batch: RollupBatch) => void = () => {},
  ) {
    link.on(PEER_ROLLUPS_EVENT, (origin, batch) => {
      if (!isRollupBatch(batch)) return;
      const { collisions } = sink.mergeRemote(batch);
      this.warnCollisions(origin, collisions);
      onMerged(batch);
    });
  }

  /** Send what this instance changed; nothing when nothing changed. */
  publish(batch: RollupBatch): void {
    if (isEmpty(batch)) return;
    this.link.publish(PEER_ROLLUPS_EVENT, batch);
  }

  /** Two instances ingesting the same series overwrite each other's buckets: say so, once per key. */
  private warnCollisions(origin: string, collisions: string[]): void {
    for (const c of collisions) {
      if (this.warned.has(c)) continue;
      this.warned.add(c);
      console.warn(
        `[faultline] ${c} is ingested by both ${this.link.instanceId} and ${origin}; route telemetry by service ` +
          '(Collector loadbalancing exporter, routing_key: service) so one instance owns each service',
      );
    }
  }
}

function isEmpty(b: RollupBatch): boolean {
  return (
    b.edges.length === 0 &&
    b.breakers.length === 0 &&
    b.bulkheads.length === 0 &&
    b.services.length === 0 &&
    b.transitions.length === 0
  );
}

function isRollupBatch(value: unknown): value is RollupBatch {
  if (typeof value !== 'object' || value === null) return false;
  const b = value as Record<string, unknown>;
  return ['edges', 'breakers', 'bulkheads', 'services', 'transitions'].every((k) => Array.isArray(b[k]));
}
