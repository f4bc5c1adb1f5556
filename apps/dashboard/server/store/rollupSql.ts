import type {
  BreakerRollup,
  BreakerTransition,
  BulkheadRollup,
  EdgeRollup,
  RollupBatch,
  ServiceRollup,
} from '../model/rollups';

/**
 * Multi-row upserts for rollups: `INSERT … VALUES (…),(…) ON CONFLICT (key)
 * DO UPDATE SET col = excluded.col`, the same text for SQLite and PostgreSQL
 * (`?` placeholders; the store passes each statement through its dialect).
 * One statement per chunk of rows instead of one round trip per row through
 * the client (see the throughput notes in prismaHistoryStore.ts). Column
 * lists mirror prisma/schema.prisma.
 */

export interface Statement {
  sql: string;
  params: unknown[];
}

interface TableSpec<R> {
  table: string;
  columns: readonly string[];
  /** Conflict target: the table's primary key or unique key. */
  key: readonly string[];
  /** `update` replaces the stored row (rollups: latest wins); `ignore` keeps it (append-only events). */
  onConflict: 'update' | 'ignore';
  values(row: R): unknown[];
}

const edgeSpec: TableSpec<EdgeRollup> = {
  table: 'EdgeRollup',
  columns: [
    'bucketStartMs',
    'source',
    'target',
    'calls',
    'errors',
    'outcomes',
    'latencyCounts',
    'latencySumMs',
    'retryAttempts',
    'inflightMax',
    'inflightLast',
  ],
  key: ['bucketStartMs', 'source', 'target'],
  onConflict: 'update',
  values: (r) => [
    r.bucketStartMs,
    r.source,
    r.target,
    r.calls,
    r.errors,
    JSON.stringify(r.outcomes),
    JSON.stringify(r.latencyCounts),
    r.latencySumMs,
    r.retryAttempts,
    r.inflightMax,
    r.inflightLast,
  ],
};

const breakerSpec: TableSpec<BreakerRollup> = {
  table: 'BreakerRollup',
  columns: ['bucketStartMs', 'service', 'name', 'dependency', 'state', 'failureRate', 'slowCallRate'],
  key: ['bucketStartMs', 'service', 'name'],
  onConflict: 'update',
  values: (r) => [r.bucketStartMs, r.service, r.name, r.dependency, r.state, r.failureRate, r.slowCallRate],
};

const bulkheadSpec: TableSpec<BulkheadRollup> = {
  table: 'BulkheadRollup',
  columns: [
    'bucketStartMs',
    'service',
    'name',
    'dependency',
    'activeLast',
    'activeMax',
    'limit',
    'queuedLast',
    'queuedMax',
    'queueLimit',
    'rejections',
    'saturatedMs',
  ],
  key: ['bucketStartMs', 'service', 'name'],
  onConflict: 'update',
  values: (r) => [
    r.bucketStartMs,
    r.service,
    r.name,
    r.dependency,
    r.activeLast,
    r.activeMax,
    r.limit,
    r.queuedLast,
    r.queuedMax,
    r.queueLimit,
    r.rejections,
    r.saturatedMs,
  ],
};

const serviceSpec: TableSpec<ServiceRollup> = {
  table: 'ServiceRollup',
  columns: ['bucketStartMs', 'service', 'kind', 'activeRequests', 'eventLoopUtilization', 'eventLoopDelayP99Ms'],
  key: ['bucketStartMs', 'service'],
  onConflict: 'update',
  values: (r) => [r.bucketStartMs, r.service, r.kind, r.activeRequests, r.eventLoopUtilization, r.eventLoopDelayP99Ms],
};

const transitionSpec: TableSpec<BreakerTransition> = {
  table: 'BreakerTransition',
  columns: ['service', 'name', 'dependency', 'from', 'to', 'atMs'],
  key: ['service', 'name', 'atMs', 'to'],
  onConflict: 'ignore',
  // Transition times come from spans and may carry fractions of a millisecond;
  // the column holds whole ms (PostgreSQL's BIGINT refuses fractions, SQLite
  // would store a REAL). Floor keeps the time inside its 10 s bucket.
  values: (t) => [t.service, t.name, t.dependency, t.from, t.to, Math.floor(t.atMs)],
};

/**
 * SQLite allows 32 766 bound parameters per statement (since 3.32); staying
 * far below keeps each statement short, so the event loop (better-sqlite3 is
 * synchronous) gets a turn between chunks.
 */
export const MAX_PARAMS_PER_STATEMENT = 4000;

const quote = (identifier: string) => `"${identifier}"`;

function upserts<R>(spec: TableSpec<R>, rows: readonly R[], maxParams: number): Statement[] {
  if (rows.length === 0) return [];
  const tuple = `(${spec.columns.map(() => '?').join(',')})`;
  const head = `INSERT INTO ${quote(spec.table)} (${spec.columns.map(quote).join(',')}) VALUES `;
  const updates = spec.columns.filter((c) => !spec.key.includes(c)).map((c) => `${quote(c)}=excluded.${quote(c)}`);
  const tail =
    spec.onConflict === 'update'
      ? ` ON CONFLICT (${spec.key.map(quote).join(',')}) DO UPDATE SET ${updates.join(',')}`
      : ` ON CONFLICT (${spec.key.map(quote).join(',')}) DO NOTHING`;
  const perStatement = Math.max(1, Math.floor(maxParams / spec.columns.length));
  const statements: Statement[] = [];
  for (let i = 0; i < rows.length; i += perStatement) {
    const chunk = rows.slice(i, i + perStatement);
    statements.push({
      sql: head + Array.from(chunk, () => tuple).join(',') + tail,
      params: chunk.flatMap(spec.values),
    });
  }
  return statements;
}

/** Every statement needed to persist `batch`, each with at most `maxParams` bound parameters. */
export function upsertStatements(batch: RollupBatch, maxParams = MAX_PARAMS_PER_STATEMENT): Statement[] {
  return [
    ...upserts(edgeSpec, batch.edges, maxParams),
    ...upserts(breakerSpec, batch.breakers, maxParams),
    ...upserts(bulkheadSpec, batch.bulkheads, maxParams),
    ...upserts(serviceSpec, batch.services, maxParams),
    ...upserts(transitionSpec, batch.transitions, maxParams),
  ];
}
