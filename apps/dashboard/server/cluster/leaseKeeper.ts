import type { Lease } from './lease';

export interface LeaseKeeperOptions {
  lease: Lease;
  /** Called when this instance gains the lease (load state, start the job). */
  onAcquired: () => Promise<void> | void;
  /** Called when it is lost or given up (stop the job). */
  onLost: () => Promise<void> | void;
  clock?: () => number;
}

/**
 * Holds a Lease for a singleton job: tries every third of the lease time, so a
 * holder renews twice before expiry and a waiting instance takes over at most
 * ttl + ttl/3 after the holder died. The holder counts itself as holding only
 * until a safety margin before the expiry it last wrote, so a holder cut off
 * from the database stops before anyone else may start.
 */
export class LeaseKeeper {
  private timer: NodeJS.Timeout | null = null;
  private heldUntilMs = 0;
  private holding = false;
  private running: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly clock: () => number;

  constructor(private readonly options: LeaseKeeperOptions) {
    this.clock = options.clock ?? Date.now;
  }

  /** Try at once, then on the renewal interval. */
  async start(): Promise<void> {
    await this.attempt();
    const every = Math.max(100, Math.floor(this.options.lease.ttlMs / 3));
    this.timer = setInterval(() => {
      this.running = this.running.then(() => this.attempt());
    }, every);
    this.timer.unref();
  }

  /** Whether this instance may run the job right now. */
  isHeld(): boolean {
    return this.holding && this.clock() < this.heldUntilMs;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
    if (this.holding) {
      this.holding = false;
      await this.options.onLost();
      await this.options.lease.release().catch((err) => console.error('[faultline] releasing lease failed', err));
    }
  }

  private async attempt(): Promise<void> {
    if (this.closed) return;
    const startedAt = this.clock();
    let held = false;
    try {
      held = await this.options.lease.tryAcquire(startedAt);
    } catch (err) {
      console.error(`[faultline] lease ${this.options.lease.name}: ${(err as Error).message}`);
      held = this.isHeld();
    }
    if (held) this.heldUntilMs = startedAt + this.options.lease.ttlMs - Math.floor(this.options.lease.ttlMs / 5);
    if (held && !this.holding) {
      this.holding = true;
      await this.options.onAcquired();
    } else if (!held && this.holding) {
      this.holding = false;
      await this.options.onLost();
    }
  }
}
