import { describeError, statusForError } from '../dependencyClient.js';
import type { Routes } from '../httpService.js';
import type { ServiceContext } from './context.js';

/**
 * user-service: the front door. A checkout loads the customer's profile,
 * then places the order. Protected, a missing profile degrades to defaults
 * instead of failing the checkout.
 */
export function userRoutes(ctx: ServiceContext): Routes {
  const profile = ctx.client('profile-service');
  const order = ctx.client('order-service');

  return {
    'POST /checkout': async ({ body }) => {
      const b = (body ?? {}) as { userId?: string; items?: number; amount?: number };
      const userId = String(b.userId ?? 'anonymous');
      try {
        const p = await profile.call('GET', `/profiles/${encodeURIComponent(userId)}`).catch((error: unknown) => {
          if (ctx.mode() === 'protected') return { status: 200, body: { id: userId, fallback: true } };
          throw error;
        });
        if (p.status >= 500 && ctx.mode() === 'unprotected') return { status: 502, body: { error: 'profile failed' } };
        const placed = await order.call('POST', '/orders', { userId, items: b.items ?? 1, amount: b.amount ?? 10 });
        if (placed.status >= 500) return { status: 502, body: { error: 'order failed', upstream: placed.body } };
        return { status: placed.status, body: placed.body };
      } catch (error) {
        return { status: statusForError(error), body: { error: describeError(error) } };
      }
    },
  };
}
