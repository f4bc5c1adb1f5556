import { setTimeout as sleep } from 'node:timers/promises';
import { bulkhead, instrumentFunction } from '@faultline/instrumentation';
import { trace } from '@opentelemetry/api';

/**
 * payment-service's database `payment-db`: a connection pool (the package's
 * bulkhead `db-pool`, so the bulkheads page shows it) in front of queries
 * whose time grows with the connections in use — lock and I/O contention.
 * Each query is a guarded call to `payment-db` (a database node on the map):
 *
 *   queryMs(a) = idleMs · (1 + (a / knee)²)      a = connections in use
 *
 * By Little's law the pool completes a / queryMs(a) queries per second. That
 * rises with a up to a = knee, then falls: past it, every extra connection
 * slows all the others more than it adds. Its maximum,
 *
 *   maxRate = knee / (2 · idleMs),
 *
 * is the demand beyond which the pool collapses: connections pile up until
 * all of them are busy, each query held until the incident's timeout, the
 * queue growing and callers hanging until the acquire timeout (30 s, scaled).
 * Once demand falls below what the full pool completes, it drains and recovers
 * — unless retries keep the demand up.
 */
export interface PaymentDatabaseOptions {
  poolSize: number;
  idleQueryMs: number;
  /** Demand (queries/s) beyond which the pool collapses. */
  collapseRps: number;
  /** How long a query waits for a connection, and the longest a query runs. */
  timeoutMs: number;
}

export const DATABASE = 'payment-db';
/** Per-query time of the idle database unless FAULTLINE_DEMO_DB_QUERY_MS says otherwise. */
export const IDLE_QUERY_MS = 40;

/** Connections in use at which throughput peaks, for a collapse at `collapseRps`. */
export function kneeFor(idleQueryMs: number, collapseRps: number): number {
  return (2 * idleQueryMs * collapseRps) / 1000;
}

export function queryMs(idleMs: number, inUse: number, knee: number, maxMs: number): number {
  return Math.min(maxMs, idleMs * (1 + (inUse / knee) ** 2));
}

export function paymentDatabase(options: PaymentDatabaseOptions) {
  const knee = kneeFor(options.idleQueryMs, options.collapseRps);
  const pool = bulkhead({
    name: 'db-pool',
    dependency: DATABASE,
    maxConcurrent: options.poolSize,
    maxQueue: options.poolSize * 50,
    queueTimeoutMs: options.timeoutMs,
  });
  const query = instrumentFunction(
    () => {
      trace.getActiveSpan()?.setAttributes({ 'db.system.name': 'postgresql', 'db.namespace': 'payments' });
      return sleep(queryMs(options.idleQueryMs, pool.active, knee, options.timeoutMs));
    },
    { dependency: DATABASE, operation: 'query', policy: pool },
  );
  /** One query: wait for a connection, hold it for the current query time. */
  return { pool, knee, query };
}
