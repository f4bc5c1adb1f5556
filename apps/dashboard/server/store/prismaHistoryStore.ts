import type { JournalCheckpoint } from '../journal/ingestJournal';
import type { BreakerState, BreakerTransition, OutcomeCounts, RollupBatch, ServiceKind } from '../model/rollups';
import { checkpointStatement } from './checkpointSql';
import type { StoreDatabase } from './databaseUrl';
import type { HistoryStore } from './historyStore';
import { PendingRollups } from './pendingRollups';
import { upsertStatements } from './rollupSql';
import type { SqlDialect } from './sqlDialect';
import { connectStoreClient, type StoreClient } from './storeClient';

export interface PrismaHistoryStoreOptions {
  /** How often queued rollups are written. Default 1000 ms. */
  flushIntervalMs?: number;
  /** A write starts early once this many rows are queued. Default 5000. */
  flushAtRows?: number;
  /**
   * Hard bound of the queue (rows, after merging by key). Beyond it rows with
   * new keys are dropped and counted in `droppedRows`. Default 200 000. The
   * server should stop accepting ingest well before (it sees `pendingCount`).
   */
  maxPendingRows?: number;
  /** Failures of background writes (they are retried at the next interval). Default: console.error. */
  onError?: (error: unknown) => void;
}

export interface LatestBreakerState {
  name: string;
  service: string;
  dependency: string;
  state: BreakerState;
  atMs: number;
}

/**
 * HistoryStore through Prisma on SQLite (better-sqlite3 driver adapter, the
 * default) or PostgreSQL (pg driver adapter); the same code serves both, the
 * few differences in hand-written SQL go through the dialect (sqlDialect.ts).
 *
 * Writes: `enqueue` only merges rows into memory (latest wins per key); a
 * flush loop writes them as multi-row `INSERT … ON CONFLICT DO UPDATE`
 * statements (rollupSql.ts) in one transaction per flush. Measured here with
 * apps/dashboard/scripts/benchStore.ts (50 000 edge rollups, 2-core machine):
 * ≈ 60 000 rows/s new, ≈ 75 000 rows/s updating existing buckets, against
 * ≈ 15 000 with one raw statement per row and ≈ 1 700–3 200 with the
 * client's `upsert` per row.
 *
 * better-sqlite3 is synchronous, so each statement runs on the event loop;
 * statements are kept to a few hundred rows so ingest requests interleave.
 * On PostgreSQL the same statements run over the network, one round trip
 * each, in one transaction (bench/suites/store.ts compares the two).
 *
 * Reads go through the generated client (typed) or small raw queries.
 */
export class PrismaHistoryStore implements HistoryStore {
  private readonly pending: PendingRollups;
  private readonly flushAtRows: number;
  private readonly onError: (error: unknown) => void;
  private readonly timer: NodeJS.Timeout;
  /** Tail of the chain of writes; every flush runs after the previous one. */
  private writing: Promise<void> = Promise.resolve();
  /** Rows taken from the queue by the write under way (0 between writes). */
  private writingRows = 0;
  private earlyFlushScheduled = false;
  /** The newest journal checkpoint enqueued and not yet written (it rides with the next write). */
  private queuedCheckpoint: JournalCheckpoint | null = null;
  /** Journal segments committed so far, by journal id. */
  private readonly committedSegments = new Map<string, number>();
  private closed = false;

  private constructor(
    private readonly prisma: StoreClient,
    private readonly dialect: SqlDialect,
    options: PrismaHistoryStoreOptions,
  ) {
    this.pending = new PendingRollups(options.maxPendingRows ?? 200_000);
    this.flushAtRows = options.flushAtRows ?? 5000;
    this.onError = options.onError ?? ((error) => console.error('[faultline] store write failed; will retry', error));
    this.timer = setInterval(() => this.backgroundFlush(), options.flushIntervalMs ?? 1000);
    this.timer.unref();
  }

  /**
   * Connects to an already migrated database (see openStore for the
   * migrating entry point). On SQLite it sets the pragmas the workload
   * wants (sqlDialect.ts): WAL so readers never wait for the writer,
   * synchronous=NORMAL (durable across process crashes; a power loss may
   * drop the last commits), a busy timeout for the odd external reader.
   */
  static async open(database: StoreDatabase, options: PrismaHistoryStoreOptions = {}): Promise<PrismaHistoryStore> {
    const { client, dialect } = await connectStoreClient(database);
    return new PrismaHistoryStore(client, dialect, options);
  }

  /**
   * The one Prisma client of the process, shared with the other repositories
   * (sagas, alerts, leases); `dialectOf(client)` gives its SQL dialect.
   */
  get client(): StoreClient {
    return this.prisma;
  }

  /** sqlite or postgresql. */
  get provider(): StoreDatabase['provider'] {
    return this.dialect.provider;
  }

  /** Rows not yet durable: queued (after merging by key) or in the write under way. */
  get pendingCount(): number {
    return this.pending.size + this.writingRows;
  }

  /** The queue's hard bound. */
  get maxPendingRows(): number {
    return this.pending.maxRows;
  }

  /** Rows dropped because the queue was full, since the store opened. */
  get droppedRows(): number {
    return this.pending.dropped;
  }

  /**
   * Queues `batch`. With a `checkpoint`, the batch (with everything queued
   * before it) holds the effect of every request of that journal up to that
   * segment: the checkpoint is committed in the same transaction as those
   * rows, so a restart replays exactly the requests the database lacks.
   */
  enqueue(batch: RollupBatch, checkpoint?: JournalCheckpoint): void {
    if (this.closed) throw new Error('HistoryStore is closed');
    this.pending.add(batch);
    // An idle server seals nothing new: no need to write the same checkpoint again every second.
    const unchanged =
      checkpoint === undefined ||
      (this.queuedCheckpoint === null && this.committedSegment(checkpoint.journalId) === checkpoint.segment);
    if (!unchanged) this.queuedCheckpoint = checkpoint;
    if (this.pending.size >= this.flushAtRows && !this.earlyFlushScheduled) {
      this.earlyFlushScheduled = true;
      setImmediate(() => {
        this.earlyFlushScheduled = false;
        this.backgroundFlush();
      });
    }
  }

  flush(): Promise<void> {
    const run = this.writing.then(() => this.writePending());
    // Keep the chain alive after a failure; the caller of this flush still sees it.
    this.writing = run.catch(() => undefined);
    return run;
  }

  /** The journal's segment the database holds the effect of (0: none), as of the last commit or {@link readCheckpoint}. */
  committedSegment(journalId: string): number {
    return this.committedSegments.get(journalId) ?? 0;
  }

  /** Reads the journal's checkpoint from the database (at start, before replaying the journal). */
  async readCheckpoint(journalId: string): Promise<number> {
    const row = await this.prisma.ingestCheckpoint.findUnique({ where: { journalId } });
    const segment = row?.segment ?? 0;
    this.committedSegments.set(journalId, Math.max(segment, this.committedSegment(journalId)));
    return segment;
  }

  private backgroundFlush(): void {
    if (this.pending.size === 0 && this.queuedCheckpoint === null) return;
    this.flush().catch(this.onError);
  }

  private async writePending(): Promise<void> {
    if (this.pending.size === 0 && this.queuedCheckpoint === null) return;
    this.writingRows = this.pending.size;
    const batch = this.pending.take();
    const checkpoint = this.queuedCheckpoint;
    this.queuedCheckpoint = null;
    try {
      const statements = upsertStatements(batch);
      if (checkpoint !== null) statements.push(checkpointStatement(checkpoint, Date.now()));
      const { dialect, prisma } = this;
      await prisma.$transaction(statements.map((s) => prisma.$executeRawUnsafe(dialect.sql(s.sql), ...s.params)));
      if (checkpoint !== null) this.committedSegments.set(checkpoint.journalId, checkpoint.segment);
    } catch (error) {
      this.pending.restore(batch);
      // A checkpoint enqueued meanwhile is newer and covers this one.
      this.queuedCheckpoint ??= checkpoint;
      throw error;
    } finally {
      this.writingRows = 0;
    }
  }

  async loadRollups(fromMs: number, toMs: number): Promise<RollupBatch> {
    const bucket = { gte: BigInt(Math.ceil(fromMs)), lt: BigInt(Math.ceil(toMs)) };
    const [edges, breakers, bulkheads, services, transitions] = await Promise.all([
      this.prisma.edgeRollup.findMany({ where: { bucketStartMs: bucket }, orderBy: { bucketStartMs: 'asc' } }),
      this.prisma.breakerRollup.findMany({ where: { bucketStartMs: bucket }, orderBy: { bucketStartMs: 'asc' } }),
      this.prisma.bulkheadRollup.findMany({ where: { bucketStartMs: bucket }, orderBy: { bucketStartMs: 'asc' } }),
      this.prisma.serviceRollup.findMany({ where: { bucketStartMs: bucket }, orderBy: { bucketStartMs: 'asc' } }),
      this.prisma.breakerTransition.findMany({ where: { atMs: bucket }, orderBy: [{ atMs: 'asc' }, { id: 'asc' }] }),
    ]);
    return {
      edges: edges.map((r) => ({
        bucketStartMs: Number(r.bucketStartMs),
        source: r.source,
        target: r.target,
        calls: r.calls,
        errors: r.errors,
        outcomes: JSON.parse(r.outcomes) as OutcomeCounts,
        latencyCounts: JSON.parse(r.latencyCounts) as number[],
        latencySumMs: r.latencySumMs,
        retryAttempts: r.retryAttempts,
        inflightMax: r.inflightMax,
        inflightLast: r.inflightLast,
      })),
      breakers: breakers.map((r) => ({
        bucketStartMs: Number(r.bucketStartMs),
        name: r.name,
        service: r.service,
        dependency: r.dependency,
        state: r.state as BreakerState,
        failureRate: r.failureRate,
        slowCallRate: r.slowCallRate,
      })),
      bulkheads: bulkheads.map((r) => ({
        bucketStartMs: Number(r.bucketStartMs),
        service: r.service,
        name: r.name,
        dependency: r.dependency,
        activeLast: r.activeLast,
        activeMax: r.activeMax,
        limit: r.limit,
        queuedLast: r.queuedLast,
        queuedMax: r.queuedMax,
        queueLimit: r.queueLimit,
        rejections: r.rejections,
        saturatedMs: r.saturatedMs,
      })),
      services: services.map((r) => ({
        bucketStartMs: Number(r.bucketStartMs),
        service: r.service,
        kind: r.kind as ServiceKind,
        activeRequests: r.activeRequests,
        eventLoopUtilization: r.eventLoopUtilization,
        eventLoopDelayP99Ms: r.eventLoopDelayP99Ms,
      })),
      transitions: transitions.map(toTransition),
    };
  }

  async breakerTransitions(name: string, sinceMs: number): Promise<BreakerTransition[]> {
    const rows = await this.prisma.breakerTransition.findMany({
      where: { name, atMs: { gte: BigInt(Math.ceil(sinceMs)) } },
      orderBy: [{ atMs: 'asc' }, { id: 'asc' }],
    });
    return rows.map(toTransition);
  }

  /**
   * Per breaker (service + name), the most recent of: its last transition and
   * its last bucket's end-of-bucket state. A transition wins when it lies in
   * or after the last stored bucket (the bucket may have been written before
   * the transition arrived). `atMs` is when the breaker entered that state:
   * the last transition's time when it led to this state, else the start of
   * the bucket that showed it.
   */
  async latestBreakerStates(): Promise<LatestBreakerState[]> {
    type Row = { service: string; name: string; dependency: string; state: string; atMs: bigint | number };
    const [lastTransitions, lastBuckets] = await Promise.all([
      this.prisma.$queryRawUnsafe<Row[]>(
        `SELECT t."service", t."name", t."dependency", t."to" AS "state", t."atMs"
           FROM "BreakerTransition" t
          WHERE t."id" = (SELECT u."id" FROM "BreakerTransition" u
                           WHERE u."service" = t."service" AND u."name" = t."name"
                           ORDER BY u."atMs" DESC, u."id" DESC LIMIT 1)`,
      ),
      this.prisma.$queryRawUnsafe<Row[]>(
        `SELECT b."service", b."name", b."dependency", b."state", b."bucketStartMs" AS "atMs"
           FROM "BreakerRollup" b
           JOIN (SELECT "service", "name", MAX("bucketStartMs") AS "last" FROM "BreakerRollup" GROUP BY "service", "name") m
             ON m."service" = b."service" AND m."name" = b."name" AND m."last" = b."bucketStartMs"`,
      ),
    ]);
    const key = (r: Row) => `${r.service}\u0000${r.name}`;
    const transitionByKey = new Map(lastTransitions.map((r) => [key(r), r]));
    const result = new Map<string, LatestBreakerState>();
    for (const bucket of lastBuckets) {
      const transition = transitionByKey.get(key(bucket));
      const bucketMs = Number(bucket.atMs);
      if (transition && Number(transition.atMs) >= bucketMs) continue; // the transition is newer; added below
      const since = transition && transition.state === bucket.state ? Number(transition.atMs) : bucketMs;
      result.set(key(bucket), {
        name: bucket.name,
        service: bucket.service,
        dependency: bucket.dependency,
        state: bucket.state as BreakerState,
        atMs: since,
      });
    }
    for (const transition of lastTransitions) {
      if (result.has(key(transition))) continue;
      result.set(key(transition), {
        name: transition.name,
        service: transition.service,
        dependency: transition.dependency,
        state: transition.state as BreakerState,
        atMs: Number(transition.atMs),
      });
    }
    return [...result.values()].sort((a, b) => a.service.localeCompare(b.service) || a.name.localeCompare(b.name));
  }

  /**
   * Deletes rollups whose bucket starts before `olderThanMs`, transitions
   * before it except each breaker's latest (so its state and since-time
   * survive a quiet period), finished saga runs that ended before it, and
   * alert history before it. Runs in one transaction.
   */
  async prune(olderThanMs: number): Promise<number> {
    const cutoff = BigInt(Math.ceil(olderThanMs));
    const counts = await this.prisma.$transaction([
      this.prisma.edgeRollup.deleteMany({ where: { bucketStartMs: { lt: cutoff } } }),
      this.prisma.breakerRollup.deleteMany({ where: { bucketStartMs: { lt: cutoff } } }),
      this.prisma.bulkheadRollup.deleteMany({ where: { bucketStartMs: { lt: cutoff } } }),
      this.prisma.serviceRollup.deleteMany({ where: { bucketStartMs: { lt: cutoff } } }),
      this.prisma.$executeRawUnsafe(
        this.dialect.sql(`DELETE FROM "BreakerTransition" AS t
          WHERE t."atMs" < ?
            AND EXISTS (SELECT 1 FROM "BreakerTransition" n
                         WHERE n."service" = t."service" AND n."name" = t."name"
                           AND (n."atMs" > t."atMs" OR (n."atMs" = t."atMs" AND n."id" > t."id")))`),
        cutoff,
      ),
      this.prisma.sagaRun.deleteMany({ where: { endedAtMs: { lt: cutoff } } }),
      this.prisma.alertHistory.deleteMany({ where: { atMs: { lt: cutoff } } }),
    ]);
    return counts.reduce<number>((sum, c) => sum + (typeof c === 'number' ? c : c.count), 0);
  }

  /** Writes what is queued, stops the flush loop and closes the database. */
  async close(): Promise<void> {
    if (this.closed) return;
    clearInterval(this.timer);
    try {
      await this.flush();
    } finally {
      this.closed = true;
      await this.prisma.$disconnect();
    }
  }
}

function toTransition(r: {
  name: string;
  service: string;
  dependency: string;
  from: string;
  to: string;
  atMs: bigint;
}): BreakerTransition {
  return {
    name: r.name,
    service: r.service,
    dependency: r.dependency,
    from: r.from as BreakerState,
    to: r.to as BreakerState,
    atMs: Number(r.atMs),
  };
}
