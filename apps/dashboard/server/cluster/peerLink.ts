import type { Server as SocketServer } from 'socket.io';

/**
 * Server-to-server messages between dashboard instances: socket.io's
 * `serverSideEmit` over the Redis adapter, each message tagged with the
 * sending instance. Peers are trusted (they share the Redis), but payloads
 * are still shape-checked by the receiver before use.
 */
export class PeerLink {
  constructor(
    private readonly io: SocketServer,
    readonly instanceId: string,
  ) {}

  publish(event: string, payload: unknown): void {
    this.io.serverSideEmit(event, this.instanceId, payload);
  }

  /** Handle `event` from other instances (never from this one). A throwing handler is logged, not fatal. */
  on(event: string, handler: (origin: string, payload: unknown) => void): void {
    this.io.on(event, (origin: unknown, payload: unknown) => {
      if (typeof origin !== 'string') return;
      try {
        handler(origin, payload);
      } catch (err) {
        console.error(`[faultline] peer message ${event} from ${origin} failed`, err);
      }
    });
  }
}
