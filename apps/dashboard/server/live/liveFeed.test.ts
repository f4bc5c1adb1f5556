import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { io as connect, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import {
  LIVE_EVENTS,
  type LiveTopology,
  type Topology,
  type TopologyDelta,
  type TopologyEdge,
} from '../../lib/apiTypes';
import { applyTopologyDelta } from '../../lib/applyTopologyDelta';
import { apiEdge } from '../../lib/testTopology';
import { LiveFeed } from './liveFeed';

const edge = (source: string, target: string, rps: number): TopologyEdge =>
  apiEdge(source, target, { rps, p50Ms: 1, p99Ms: 2 });

const topo = (rpsAB: number): Topology => ({
  at: Date.now(),
  services: ['a', 'b', 'c'].map((name) => ({ name, kind: 'service', health: 'healthy', eventLoopUtilization: null })),
  edges: [edge('a', 'b', rpsAB), edge('b', 'c', 5)],
  cascade: { rootCauses: [], blastRadius: [], sentence: '' },
});

let cleanup: (() => Promise<void>) | null = null;
afterEach(async () => {
  await cleanup?.();
  cleanup = null;
});

async function setup() {
  let version = 0;
  let current = topo(1);
  const http: Server = createServer();
  const feed = new LiveFeed(
    http,
    { version: () => version, topologyNow: () => current, bulkheadsNow: () => [] },
    { intervalMs: 20 },
  );
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  feed.start();
  const port = (http.address() as AddressInfo).port;
  const sockets: Socket[] = [];
  cleanup = async () => {
    for (const s of sockets) s.close();
    await feed.close();
  };
  const client = () => {
    const s = connect(`http://127.0.0.1:${port}`, { transports: ['websocket'] });
    sockets.push(s);
    const inbox: Array<{ event: string; payload: unknown }> = [];
    s.onAny((event: string, payload: unknown) => inbox.push({ event, payload }));
    return { s, inbox };
  };
  return {
    client,
    set(t: Topology) {
      current = t;
      version++;
    },
  };
}

async function until<T>(what: string, f: () => T | undefined): Promise<T> {
  const end = Date.now() + 5000;
  for (;;) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('LiveFeed topology deltas', () => {
  it('a subscriber gets one full topology, then deltas chained by seq that rebuild the model', async () => {
    const feed = await setup();
    const { s, inbox } = feed.client();
    s.emit(LIVE_EVENTS.SUBSCRIBE, ['topology']);
    const full = await until('full topology', () => inbox.find((m) => m.event === LIVE_EVENTS.TOPOLOGY));
    const snap = full.payload as LiveTopology;
    expect(snap.edges).toHaveLength(2);
    expect(typeof snap.seq).toBe('number');

    feed.set(topo(300));
    const d = (await until('delta', () => inbox.find((m) => m.event === LIVE_EVENTS.TOPOLOGY_DELTA)))
      .payload as TopologyDelta;
    expect(d.base).toBe(snap.seq);
    expect(d.seq).toBe(snap.seq + 1);
    expect(d.edgePatches).toEqual([{ source: 'a', target: 'b', rps: 300 }]);
    expect(d.edges).toEqual([]);
    expect(d.services).toEqual([]);
    const applied = applyTopologyDelta(snap, d);
    expect(applied.edges[0]?.rps).toBe(300);

    // A change the UI would not show sends nothing.
    feed.set(topo(300.2));
    await new Promise((r) => setTimeout(r, 100));
    expect(inbox.filter((m) => m.event === LIVE_EVENTS.TOPOLOGY_DELTA)).toHaveLength(1);
    expect(inbox.filter((m) => m.event === LIVE_EVENTS.TOPOLOGY)).toHaveLength(1);
  });

  it('answers resync with the state deltas build on, and a late subscriber joins the same chain', async () => {
    const feed = await setup();
    const first = feed.client();
    first.s.emit(LIVE_EVENTS.SUBSCRIBE, ['topology']);
    await until('full', () => first.inbox.find((m) => m.event === LIVE_EVENTS.TOPOLOGY));
    feed.set(topo(300));
    const d1 = (await until('delta', () => first.inbox.find((m) => m.event === LIVE_EVENTS.TOPOLOGY_DELTA)))
      .payload as TopologyDelta;

    first.s.emit(LIVE_EVENTS.RESYNC);
    const again = (await until('resync answer', () => first.inbox.filter((m) => m.event === LIVE_EVENTS.TOPOLOGY)[1]))
      .payload as LiveTopology;
    expect(again.seq).toBe(d1.seq);
    expect(again.edges.find((e) => e.source === 'a')?.rps).toBe(300);

    const late = feed.client();
    late.s.emit(LIVE_EVENTS.SUBSCRIBE, ['topology']);
    const lateFull = (await until('late full', () => late.inbox.find((m) => m.event === LIVE_EVENTS.TOPOLOGY)))
      .payload as LiveTopology;
    feed.set(topo(4000));
    const d2 = (await until('late delta', () => late.inbox.find((m) => m.event === LIVE_EVENTS.TOPOLOGY_DELTA)))
      .payload as TopologyDelta;
    expect(d2.base).toBe(lateFull.seq);
    const d2first = (
      await until('first delta 2', () => first.inbox.filter((m) => m.event === LIVE_EVENTS.TOPOLOGY_DELTA)[1])
    ).payload as TopologyDelta;
    expect(d2first).toEqual(d2);
  });
});
