import { setTimeout as sleep } from 'node:timers/promises';
import { bulkhead, instrumentFunction } from '@faultline/instrumentation';
import { trace } from '@opentelemetry/api';

/**
 * payment-service's database `payment-db`: a connection pool (the package's
 * bulkhead `db-pool`, so the bulkheads page shows it) in front of queries
 * whose time grows with the connections in use — lock and I/O contention.
 * Each query is a guarded call to `payment-db` (a database node on the map):
 *
 *   queryMs(a) = idleMs · (1 + GROWTH · (a / size)²)      a = connections in use
 *
 * By Little's law the pool completes a / queryMs(a) queries per second. That
 * rises with a up to a* = size / √GROWTH, then falls: past it, every extra
 * connection slows all the others more than it adds. Its maximum,
 *
 *   maxRate = a* / queryMs(a*) = size / (2 · √GROWTH · idleMs),
 *
 * is the demand beyond which the pool collapses: all `size` connections
 * busy at queryMs(size) = (1 + GROWTH) · idleMs each, the queue growing,
 * and callers hanging until the acquire timeout (the incident's 30 s).
 */
export const GROWTH = 24;

export interface PaymentDatabaseOptions {
  poolSize: number;
  idleQueryMs: number;
  /** How long a query waits for a connection before failing. */
  acquireTimeoutMs: number;
}

/** Idle query time that puts the collapse at `collapseRps` queries per second. */
export function idleQueryMsFor(poolSize: number, collapseRps: number): number {
  return (poolSize / (2 * Math.sqrt(GROWTH) * collapseRps)) * 1000;
}

export function queryMs(idleMs: number, inUse: number, size: number): number {
  const load = Math.min(1, inUse / size);
  return idleMs * (1 + GROWTH * load * load);
}

export const DATABASE = 'payment-db';

export function paymentDatabase(options: PaymentDatabaseOptions) {
  const pool = bulkhead({
    name: 'db-pool',
    dependency: DATABASE,
    maxConcurrent: options.poolSize,
    maxQueue: options.poolSize * 50,
    queueTimeoutMs: options.acquireTimeoutMs,
  });
  const query = instrumentFunction(
    () => {
      trace.getActiveSpan()?.setAttributes({ 'db.system.name': 'postgresql', 'db.namespace': 'payments' });
      return sleep(queryMs(options.idleQueryMs, pool.active, options.poolSize));
    },
    { dependency: DATABASE, operation: 'query', policy: pool },
  );
  /** One query: wait for a connection, hold it for the current query time. */
  return { pool, query };
}
