import type { Server as SocketServer } from 'socket.io';
import type { RollupBatch } from '../model/rollups';
import type { SagaRunSummary } from '../sagas/sagaApiTypes';
import { Lease, type LeaseTable } from './lease';
import { LeaseKeeper } from './leaseKeeper';
import { PeerLink } from './peerLink';
import { PeerRollups, type RollupSink } from './peerRollups';
import { PeerSagas } from './peerSagas';
import { linkThroughRedis } from './redisAdapter';

const ALERT_EVALUATOR_LEASE = 'alert-evaluator';

export interface ClusterOptions {
  io: SocketServer;
  redisUrl: string;
  instanceId: string;
  leaseMs: number;
  /** The live model, which adopts the rollups peers ingested. */
  model: RollupSink;
  /** The saga alert feed, which observes the runs peers assembled. */
  observeSagas: (runs: readonly SagaRunSummary[]) => void;
  /** Breaker transitions a peer ingested arrived (alerts on breakers evaluate at once). */
  onRemoteTransitions: () => void;
  clock: () => number;
}

/** The job only one instance may run at a time, and what it does on gaining and losing it. */
export interface SingletonJob {
  activate(): Promise<void>;
  deactivate(): Promise<void>;
}

/**
 * This instance as a member of a cluster of dashboards sharing one Redis and
 * one database: socket.io linked through the Redis adapter, what it ingests
 * shared with its peers, and the alert evaluator elected through a lease.
 */
export class Cluster {
  private evaluatorLease: LeaseKeeper | null = null;

  private constructor(
    private readonly options: ClusterOptions,
    private readonly rollups: PeerRollups,
    private readonly sagas: PeerSagas,
    private readonly disconnectRedis: () => Promise<void>,
  ) {}

  /** Link through Redis (fails the start when Redis is unreachable) and start exchanging with peers. */
  static async join(options: ClusterOptions): Promise<Cluster> {
    const redis = await linkThroughRedis(options.io, options.redisUrl);
    const link = new PeerLink(options.io, options.instanceId);
    const rollups = new PeerRollups(link, options.model, (batch) => {
      if (batch.transitions.length > 0) options.onRemoteTransitions();
    });
    const sagas = new PeerSagas(link, options.observeSagas);
    return new Cluster(options, rollups, sagas, () => redis.close());
  }

  /** Rollups this instance changed in the last second (also handed to the store). */
  publishRollups(batch: RollupBatch): void {
    this.rollups.publish(batch);
  }

  publishSagas(runs: readonly SagaRunSummary[]): void {
    this.sagas.publish(runs);
  }

  /** Compete for the alert-evaluator lease; `job` runs only while this instance holds it. */
  async electAlertEvaluator(db: LeaseTable, job: SingletonJob): Promise<void> {
    const { instanceId, leaseMs, clock } = this.options;
    this.evaluatorLease = new LeaseKeeper({
      lease: new Lease(db, ALERT_EVALUATOR_LEASE, instanceId, leaseMs),
      onAcquired: async () => {
        console.log(`[faultline] ${instanceId} now evaluates alerts`);
        await job.activate();
      },
      onLost: () => job.deactivate(),
      clock,
    });
    await this.evaluatorLease.start();
  }

  /** For /api/health. */
  status(): { instanceId: string; alertEvaluator: boolean } {
    return { instanceId: this.options.instanceId, alertEvaluator: this.evaluatorLease?.isHeld() ?? false };
  }

  /** Give up the lease at once (a peer need not wait for it to expire). */
  async resign(): Promise<void> {
    await this.evaluatorLease?.close();
  }

  /** Last step of shutdown, after the socket server closed. */
  async disconnect(): Promise<void> {
    await this.disconnectRedis();
  }
}
