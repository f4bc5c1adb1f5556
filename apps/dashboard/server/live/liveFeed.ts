import type { Server as HttpServer } from 'node:http';
import { type Socket, Server as SocketServer } from 'socket.io';
import { LIVE_EVENTS, type Topology } from '../../lib/apiTypes';
import { diffTopology, fullMessage, shadowOf, type TopologyShadow } from './topologyDelta';

/** Topics a browser may subscribe to; anything else is ignored. */
const TOPICS = new Set(['topology', 'bulkheads', 'breakers', 'sagas', 'alerts']);

export interface LiveSnapshotSource {
  /** Monotonic counter bumped whenever the model changed. */
  version(): number;
  topologyNow(): Topology;
  bulkheadsNow(): unknown;
}

export interface LiveFeedOptions {
  /** Push interval for snapshots; transitions are pushed at once regardless. */
  intervalMs?: number;
  /** Extra snapshot topics (e.g. sagas) other modules publish through `publish`. */
}

/**
 * socket.io broadcasting of model changes. Updates go out at most once per
 * interval and only when the model changed; breaker transitions go out the
 * moment they are ingested, because "the edge turns red within a second" is
 * the promise the map makes.
 *
 * Topology: a subscriber gets one full `topology` (numbered `seq`), then
 * `topology:delta`s chained by seq (see topologyDelta.ts); a client that
 * misses one emits `resync` and gets the full state again.
 */
export class LiveFeed {
  readonly io: SocketServer;
  private timer: NodeJS.Timeout | null = null;
  private lastVersion = -1;
  /** What the `topology` room's subscribers hold; null while nobody subscribes. */
  private topologyShadow: TopologyShadow | null = null;
  private topologySeq = 0;
  private shadowSyncedAt = 0;

  constructor(
    httpServer: HttpServer,
    private readonly source: LiveSnapshotSource,
    private readonly options: LiveFeedOptions & { intervalMs?: number } = {},
  ) {
    this.io = new SocketServer(httpServer, { serveClient: false, cors: { origin: false } });
    this.io.on('connection', (socket) => this.onConnection(socket));
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), this.intervalMs());
    this.timer.unref();
  }

  /**
   * Push an event to a topic's subscribers now — on every instance when
   * instances are linked through Redis (sagas, alerts and transitions have
   * one producer each). Model snapshots and topology deltas, which every
   * instance derives from its own copy of the model, go to local sockets only.
   */
  publish(topic: string, event: string, payload: unknown): void {
    this.io.to(topic).emit(event, payload);
  }

  /** Immediate push of a breaker transition to everyone watching the map or breakers. */
  breakerTransition(payload: unknown): void {
    this.io.to(['topology', 'breakers']).emit(LIVE_EVENTS.BREAKER_TRANSITION, payload);
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await new Promise<void>((resolve) => {
      this.io.close(() => resolve());
    });
  }

  private onConnection(socket: Socket): void {
    socket.on(LIVE_EVENTS.SUBSCRIBE, (topics: unknown) => {
      const list = Array.isArray(topics) ? topics : [topics];
      for (const t of list) {
        if (typeof t !== 'string' || !TOPICS.has(t)) continue;
        if (t === 'topology') {
          // Bring the room up to date first (a delta to those already in it), so
          // a new subscriber starts from the same state the next delta builds on.
          if (this.roomSize('topology') === 0) this.topologyShadow = null;
          else if (Date.now() - this.shadowSyncedAt >= this.intervalMs()) this.syncTopology();
        }
        void socket.join(t);
        // A new subscriber gets the current state at once instead of waiting for the next change.
        if (t === 'topology') socket.emit(LIVE_EVENTS.TOPOLOGY, fullMessage(this.roomTopology()));
        if (t === 'bulkheads') socket.emit(LIVE_EVENTS.BULKHEADS, this.source.bulkheadsNow());
      }
    });
    socket.on(LIVE_EVENTS.RESYNC, () => {
      if (socket.rooms.has('topology')) socket.emit(LIVE_EVENTS.TOPOLOGY, fullMessage(this.roomTopology()));
    });
    socket.on('unsubscribe', (topics: unknown) => {
      const list = Array.isArray(topics) ? topics : [topics];
      for (const t of list) if (typeof t === 'string') void socket.leave(t);
    });
  }

  private intervalMs(): number {
    return this.options.intervalMs ?? 1000;
  }

  private roomSize(room: string): number {
    return this.io.sockets.adapter.rooms.get(room)?.size ?? 0;
  }

  /** The room's current state, created from the model when the room has none yet. */
  private roomTopology(): TopologyShadow {
    if (!this.topologyShadow) {
      this.topologyShadow = shadowOf(this.source.topologyNow(), ++this.topologySeq);
      this.shadowSyncedAt = Date.now();
    }
    return this.topologyShadow;
  }

  /** Send the `topology` room what changed since the state it holds (nothing when nothing visible did). */
  private syncTopology(): void {
    if (this.roomSize('topology') === 0) {
      this.topologyShadow = null;
      return;
    }
    const next = this.source.topologyNow();
    this.shadowSyncedAt = Date.now();
    const shadow = this.topologyShadow;
    if (!shadow) {
      this.topologyShadow = shadowOf(next, ++this.topologySeq);
      this.io.local.to('topology').emit(LIVE_EVENTS.TOPOLOGY, fullMessage(this.topologyShadow));
      return;
    }
    const d = diffTopology(shadow, next);
    if (!d) return;
    this.topologyShadow = d.shadow;
    this.topologySeq = d.shadow.seq;
    this.io.local.to('topology').emit(LIVE_EVENTS.TOPOLOGY_DELTA, d.delta);
  }

  private tick(): void {
    const v = this.source.version();
    if (v === this.lastVersion) return;
    this.lastVersion = v;
    try {
      this.syncTopology();
      if ((this.io.sockets.adapter.rooms.get('bulkheads')?.size ?? 0) > 0) {
        this.io.local.to('bulkheads').emit(LIVE_EVENTS.BULKHEADS, this.source.bulkheadsNow());
      }
    } catch (err) {
      console.error('[faultline] live feed tick failed', err);
    }
  }
}
