import { randomUUID } from 'node:crypto';
import { saga } from '@faultline/instrumentation';
import { type CallResult, compensationClient, describeError, statusForError } from '../dependencyClient.js';
import type { Reply, Routes } from '../httpService.js';
import type { ServiceContext } from './context.js';

/**
 * order-service: a checkout reserves stock, charges the card, confirms the
 * stock and sends a receipt.
 *
 * protected — the checkout is the saga `checkout`: when a step fails, the
 *   stock reservation is released and the charge refunded, and the caller
 *   gets a quick 409 "order cancelled" instead of waiting.
 * unprotected — the same calls in a row; a failure leaves the order half
 *   done (stock reserved, maybe charged) and answers 5xx.
 */
interface OrderInput {
  orderId: string;
  userId: string;
  items: number;
  amount: number;
}

class StepFailed extends Error {
  override name = 'StepFailed';
  constructor(
    readonly step: string,
    readonly result: CallResult,
  ) {
    super(`${step}: HTTP ${result.status}`);
  }
}

function expectOk(step: string, result: CallResult): CallResult {
  if (result.status >= 200 && result.status < 300) return result;
  throw new StepFailed(step, result);
}

function idOf(result: unknown, key: string): string {
  const body = (result as CallResult | undefined)?.body as Record<string, unknown> | undefined;
  return String(body?.[key] ?? 'unknown');
}

export function orderRoutes(ctx: ServiceContext): Routes {
  const inventory = ctx.client('inventory-service');
  const payment = ctx.client('payment-service');
  const email = ctx.client('email-service');
  const undoInventory = compensationClient('inventory-service', ctx.config.urls['inventory-service']);
  const undoPayment = compensationClient('payment-service', ctx.config.urls['payment-service']);

  const reserve = (o: OrderInput) =>
    inventory
      .call('POST', '/reservations', { orderId: o.orderId, items: o.items })
      .then((r) => expectOk('reserve-stock', r));
  const charge = (o: OrderInput) =>
    payment
      .call('POST', '/charges', { orderId: o.orderId, amount: o.amount })
      .then((r) => expectOk('charge-payment', r));
  const confirm = (reservation: unknown) =>
    inventory
      .call('POST', `/reservations/${idOf(reservation, 'reservationId')}/confirm`)
      .then((r) => expectOk('confirm-stock', r));
  const receipt = (o: OrderInput) =>
    email
      .call('POST', '/emails', { template: 'order-confirmation', orderId: o.orderId })
      .then((r) => expectOk('send-receipt', r));

  const checkout = saga<OrderInput>(
    'checkout',
    [
      {
        name: 'reserve-stock',
        action: ({ input }) => reserve(input),
        compensate: ({ result }) =>
          undoInventory
            .call('DELETE', `/reservations/${idOf(result, 'reservationId')}`)
            .then((r) => expectOk('release-stock', r)),
      },
      {
        name: 'charge-payment',
        action: ({ input }) => charge(input),
        compensate: ({ result }) =>
          undoPayment
            .call('POST', `/charges/${idOf(result, 'chargeId')}/refund`)
            .then((r) => expectOk('refund-payment', r)),
      },
      { name: 'confirm-stock', action: ({ results }) => confirm(results['reserve-stock']) },
      {
        // A receipt that cannot be sent now is retried later; it never undoes an order.
        name: 'send-receipt',
        action: ({ input }) => receipt(input).catch(() => ({ status: 202, body: { deferred: true } })),
      },
    ],
    { stepTimeoutMs: 700, compensationRetries: 3, compensationBackoffMs: 50 },
  );

  async function protectedCheckout(order: OrderInput): Promise<Reply> {
    const run = await checkout.run(order, { sagaId: order.orderId });
    if (run.status === 'completed') return { status: 201, body: { orderId: order.orderId, status: 'placed' } };
    if (run.status === 'compensated') {
      return {
        status: 409,
        body: {
          orderId: order.orderId,
          status: 'cancelled',
          failedStep: run.failedStep,
          reason: describeError(run.error),
        },
      };
    }
    return { status: 500, body: { orderId: order.orderId, status: 'failed', owed: run.undoneCompensations } };
  }

  async function unprotectedCheckout(order: OrderInput): Promise<Reply> {
    try {
      const reservation = await reserve(order);
      await charge(order);
      await confirm(reservation);
      await receipt(order);
      return { status: 201, body: { orderId: order.orderId, status: 'placed' } };
    } catch (error) {
      if (error instanceof StepFailed) {
        const status = error.result.status === 409 ? 409 : 502;
        return { status, body: { orderId: order.orderId, status: 'error', step: error.step } };
      }
      return { status: statusForError(error), body: { orderId: order.orderId, error: describeError(error) } };
    }
  }

  return {
    'POST /orders': async ({ body }) => {
      const b = (body ?? {}) as Partial<OrderInput>;
      const order: OrderInput = {
        orderId: randomUUID(),
        userId: String(b.userId ?? 'anonymous'),
        items: Number(b.items ?? 1),
        amount: Number(b.amount ?? 10),
      };
      return ctx.mode() === 'protected' ? protectedCheckout(order) : unprotectedCheckout(order);
    },
  };
}
