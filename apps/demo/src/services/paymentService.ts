import { randomUUID } from 'node:crypto';
import { BulkheadRejectedError, joinSaga } from '@faultline/instrumentation';
import { describeError, incidentTimeoutMs, statusForError } from '../dependencyClient.js';
import type { Routes } from '../httpService.js';
import { IDLE_QUERY_MS, paymentDatabase } from '../paymentDatabase.js';
import type { ServiceContext } from './context.js';

/**
 * payment-service: each charge runs a query on the pooled database, then
 * asks email-service for a payment receipt. The pool collapses at half the
 * spike's demand (see paymentDatabase.ts).
 */
export function paymentRoutes(ctx: ServiceContext): Routes {
  const { config } = ctx;
  const collapseRps = (config.baseRps * config.spikeFactor) / 2;
  const db = paymentDatabase({
    poolSize: config.dbPoolSize,
    idleQueryMs: config.dbQueryMs ?? IDLE_QUERY_MS,
    collapseRps,
    timeoutMs: incidentTimeoutMs(config.timeScale),
  });
  console.log(
    `[payment-service] db pool of ${config.dbPoolSize}, throughput peaks at ${db.knee.toFixed(1)} connections ` +
      `and collapses beyond ${collapseRps} queries/s`,
  );
  const email = ctx.client('email-service');

  return {
    'POST /charges': ({ body }) =>
      joinSaga('debit-card', async () => {
        const orderId = (body as { orderId?: string } | undefined)?.orderId ?? 'unknown';
        try {
          await db.query();
        } catch (error) {
          if (error instanceof BulkheadRejectedError) {
            return { status: error.reason === 'queue_timeout' ? 504 : 503, body: { error: 'database pool exhausted' } };
          }
          throw error;
        }
        const chargeId = randomUUID();
        try {
          const receipt = await email.call('POST', '/emails', { template: 'payment-receipt', orderId });
          if (receipt.status >= 500 && ctx.mode() === 'unprotected') {
            return { status: 502, body: { error: 'receipt failed' } };
          }
        } catch (error) {
          // Protected: the receipt is best effort; the charge stands.
          if (ctx.mode() === 'unprotected')
            return { status: statusForError(error), body: { error: describeError(error) } };
        }
        return { status: 201, body: { chargeId, orderId } };
      }),
    // Refunds go to a reconciliation queue: they never wait for the pool.
    'POST /charges/:id/refund': async ({ params }) => ({ status: 200, body: { chargeId: params.id, refunded: true } }),
  };
}
