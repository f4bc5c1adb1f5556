import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Routes } from '../httpService.js';

/**
 * profile-service, inventory-service and email-service: healthy leaves with
 * a few milliseconds of work each. inventory's confirmation fails now and
 * then (a stock count that moved meanwhile), so some checkouts compensate a
 * payment as well as a reservation.
 */
export const STOCK_CONFLICT_RATE = 0.03;

export function profileRoutes(): Routes {
  return {
    'GET /profiles/:id': async ({ params }) => {
      await sleep(3);
      return { status: 200, body: { id: params.id, name: `Customer ${params.id}`, address: '1 Loopback Lane' } };
    },
  };
}

export function inventoryRoutes(): Routes {
  return {
    'POST /reservations': async () => {
      await sleep(2);
      return { status: 201, body: { reservationId: randomUUID() } };
    },
    'POST /reservations/:id/confirm': async ({ params }) => {
      await sleep(2);
      if (Math.random() < STOCK_CONFLICT_RATE)
        return { status: 409, body: { error: 'stock changed; reservation void' } };
      return { status: 200, body: { reservationId: params.id, confirmed: true } };
    },
    'DELETE /reservations/:id': async ({ params }) => {
      await sleep(1);
      return { status: 200, body: { reservationId: params.id, released: true } };
    },
  };
}

export function emailRoutes(): Routes {
  return {
    'POST /emails': async () => {
      await sleep(4);
      return { status: 202, body: { queued: true } };
    },
  };
}
