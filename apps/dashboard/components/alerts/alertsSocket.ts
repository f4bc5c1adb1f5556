'use client';

import { io, type Socket } from 'socket.io-client';
import { LIVE_EVENTS } from '../../lib/apiTypes';
import { type AlertNotificationEvent, normalizeNotification } from './alertModel';

/**
 * One socket.io connection per tab for every alerts component (the header
 * indicator and the alerts page), subscribed to the `alerts` room and, while
 * someone wants them, to breaker transitions (alerts are re-evaluated at
 * once on a transition, so the page refreshes its pending instances then).
 */
export type AlertsListener = {
  onNotification?: (n: AlertNotificationEvent) => void;
  onBreakerTransition?: () => void;
  onConnection?: (connected: boolean) => void;
};

const ALERTS_EVENT = 'alerts';
let socket: Socket | null = null;
const listeners = new Set<AlertsListener>();

function topics(): string[] {
  const wantBreakers = [...listeners].some((l) => l.onBreakerTransition);
  return wantBreakers ? ['alerts', 'breakers'] : ['alerts'];
}

function ensureSocket(): Socket {
  if (socket) return socket;
  const s = io({ transports: ['websocket', 'polling'] });
  s.on('connect', () => {
    // Rooms are per connection: subscribe again after every reconnect.
    s.emit(LIVE_EVENTS.SUBSCRIBE, topics());
    for (const l of listeners) l.onConnection?.(true);
  });
  s.on('disconnect', () => {
    for (const l of listeners) l.onConnection?.(false);
  });
  s.on(ALERTS_EVENT, (raw: unknown) => {
    const n = normalizeNotification(raw);
    if (!n) return;
    for (const l of listeners) l.onNotification?.(n);
  });
  s.on(LIVE_EVENTS.BREAKER_TRANSITION, () => {
    for (const l of listeners) l.onBreakerTransition?.();
  });
  socket = s;
  return s;
}

/** Start listening; returns the function that stops. The connection closes with the last listener. */
export function listenToAlerts(listener: AlertsListener): () => void {
  listeners.add(listener);
  const s = ensureSocket();
  if (s.connected) {
    s.emit(LIVE_EVENTS.SUBSCRIBE, topics());
    listener.onConnection?.(true);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && socket) {
      socket.close();
      socket = null;
    }
  };
}
