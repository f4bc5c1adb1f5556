'use client';
/**
 * One socket.io connection per tab, shared by every view. It subscribes to all
 * live topics on each (re)connect; views attach their own listeners with
 * `useLiveEvent`.
 */
import { createContext, type ReactNode, useContext, useEffect, useRef, useState } from 'react';
import type { Socket } from 'socket.io-client';
import { LIVE_EVENTS, type LiveTopology, type Topology, type TopologyDelta } from '../lib/apiTypes';
import { applyTopologyDelta } from '../lib/applyTopologyDelta';

export type LiveStatus = 'connecting' | 'connected' | 'offline';

interface LiveContextValue {
  socket: Socket | null;
  status: LiveStatus;
}

const LiveContext = createContext<LiveContextValue>({ socket: null, status: 'connecting' });

export const LIVE_TOPICS = ['topology', 'bulkheads', 'breakers'] as const;

export function LiveProvider({ children }: { children: ReactNode }) {
  const [value, setValue] = useState<LiveContextValue>({ socket: null, status: 'connecting' });
  useEffect(() => {
    let socket: Socket | null = null;
    let cancelled = false;
    void import('socket.io-client').then(({ io }) => {
      if (cancelled) return;
      const s = io({ transports: ['websocket', 'polling'] });
      socket = s;
      s.on('connect', () => {
        s.emit(LIVE_EVENTS.SUBSCRIBE, [...LIVE_TOPICS]);
        setValue({ socket: s, status: 'connected' });
      });
      s.on('disconnect', () => setValue({ socket: s, status: 'offline' }));
      s.on('connect_error', () => setValue({ socket: s, status: 'offline' }));
      setValue({ socket: s, status: 'connecting' });
    });
    return () => {
      cancelled = true;
      socket?.close();
    };
  }, []);
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}

export function useLive(): LiveContextValue {
  return useContext(LiveContext);
}

/** Calls `handler` for every `event`, while `enabled`. The latest handler is always used. */
export function useLiveEvent<T>(event: string, handler: (payload: T) => void, enabled = true): void {
  const { socket } = useLive();
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => {
    if (!socket || !enabled) return;
    const listener = (payload: T) => ref.current(payload);
    socket.on(event, listener);
    return () => {
      socket.off(event, listener);
    };
  }, [socket, event, enabled]);
}

/** How long to wait for the answer to a `resync` before asking again. */
const RESYNC_RETRY_MS = 5_000;

/**
 * Follows the live topology while `enabled`: a full `topology` replaces the
 * state, each `topology:delta` is applied to it (unchanged services and edges
 * keep their identity). A delta that does not chain onto the last seq seen
 * (a gap, or deltas missed while not live) asks the server to `resync` and is
 * dropped until the full topology arrives. `update` receives a state updater,
 * e.g. `(u) => startTransition(() => setTopology(u))`.
 */
export function useLiveTopology(
  enabled: boolean,
  update: (updater: (current: Topology | null) => Topology | null) => void,
): void {
  const { socket } = useLive();
  const seq = useRef<number | null>(null);
  const resyncAsked = useRef(0);
  useLiveEvent<LiveTopology>(
    LIVE_EVENTS.TOPOLOGY,
    (t) => {
      seq.current = typeof t.seq === 'number' ? t.seq : null;
      resyncAsked.current = 0;
      update(() => t);
    },
    enabled,
  );
  useLiveEvent<TopologyDelta>(
    LIVE_EVENTS.TOPOLOGY_DELTA,
    (d) => {
      if (seq.current === null || d.base !== seq.current) {
        seq.current = null;
        const now = Date.now();
        if (now - resyncAsked.current >= RESYNC_RETRY_MS) {
          resyncAsked.current = now;
          socket?.emit(LIVE_EVENTS.RESYNC);
        }
        return;
      }
      seq.current = d.seq;
      update((t) => (t ? applyTopologyDelta(t, d) : t));
    },
    enabled,
  );
}
