'use client';

import { io, type Socket } from 'socket.io-client';
import { SAGA_LIVE, type SagaRunSummary } from '../../server/sagas/sagaApiTypes';

/**
 * One socket.io connection per tab for the sagas views, subscribed to the
 * `sagas` room; every changed run arrives as a `saga` event with its summary.
 */
type Listener = { onRun: (run: SagaRunSummary) => void; onConnection?: (connected: boolean) => void };

let socket: Socket | null = null;
const listeners = new Set<Listener>();

function isSummary(value: unknown): value is SagaRunSummary {
  const v = value as Partial<SagaRunSummary> | null;
  return !!v && typeof v.id === 'string' && typeof v.status === 'string' && typeof v.startedAt === 'number';
}

function ensureSocket(): Socket {
  if (socket) return socket;
  const s = io({ transports: ['websocket', 'polling'] });
  s.on('connect', () => {
    // Rooms are per connection: subscribe again after every reconnect.
    s.emit('subscribe', [SAGA_LIVE.ROOM]);
    for (const l of listeners) l.onConnection?.(true);
  });
  s.on('disconnect', () => {
    for (const l of listeners) l.onConnection?.(false);
  });
  s.on(SAGA_LIVE.EVENT, (payload: unknown) => {
    const runs = Array.isArray(payload) ? payload : [payload];
    for (const run of runs) if (isSummary(run)) for (const l of listeners) l.onRun(run);
  });
  socket = s;
  return s;
}

/** Start listening; returns the function that stops. The connection closes with the last listener. */
export function listenToSagas(listener: Listener): () => void {
  listeners.add(listener);
  const s = ensureSocket();
  if (s.connected) listener.onConnection?.(true);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && socket) {
      socket.close();
      socket = null;
    }
  };
}
