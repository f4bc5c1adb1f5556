import type { Server as HttpServer } from 'node:http';
import { type Socket, Server as SocketServer } from 'socket.io';
import { LIVE_EVENTS } from '../../lib/apiTypes';

/** Topics a browser may subscribe to; anything else is ignored. */
const TOPICS = new Set(['topology', 'bulkheads', 'breakers', 'sagas', 'alerts']);

export interface LiveSnapshotSource {
  /** Monotonic counter bumped whenever the model changed. */
  version(): number;
  topologyNow(): unknown;
  bulkheadsNow(): unknown;
}

export interface LiveFeedOptions {
  /** Push interval for snapshots; transitions are pushed at once regardless. */
  intervalMs?: number;
  /** Extra snapshot topics (e.g. sagas) other modules publish through `publish`. */
}

/**
 * socket.io broadcasting of model changes. Snapshots go out at most once per
 * interval and only when the model changed; breaker transitions go out the
 * moment they are ingested, because "the edge turns red within a second" is
 * the promise the map makes.
 */
export class LiveFeed {
  readonly io: SocketServer;
  private timer: NodeJS.Timeout | null = null;
  private lastVersion = -1;

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
    this.timer = setInterval(() => this.tick(), this.options.intervalMs ?? 1000);
    this.timer.unref();
  }

  /** Push an event to a topic's subscribers now. */
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
        void socket.join(t);
        // A new subscriber gets the current state at once instead of waiting for the next change.
        if (t === 'topology') socket.emit(LIVE_EVENTS.TOPOLOGY, this.source.topologyNow());
        if (t === 'bulkheads') socket.emit(LIVE_EVENTS.BULKHEADS, this.source.bulkheadsNow());
      }
    });
    socket.on('unsubscribe', (topics: unknown) => {
      const list = Array.isArray(topics) ? topics : [topics];
      for (const t of list) if (typeof t === 'string') void socket.leave(t);
    });
  }

  private tick(): void {
    const v = this.source.version();
    if (v === this.lastVersion) return;
    this.lastVersion = v;
    try {
      if ((this.io.sockets.adapter.rooms.get('topology')?.size ?? 0) > 0) {
        this.io.to('topology').emit(LIVE_EVENTS.TOPOLOGY, this.source.topologyNow());
      }
      if ((this.io.sockets.adapter.rooms.get('bulkheads')?.size ?? 0) > 0) {
        this.io.to('bulkheads').emit(LIVE_EVENTS.BULKHEADS, this.source.bulkheadsNow());
      }
    } catch (err) {
      console.error('[faultline] live feed tick failed', err);
    }
  }
}
