import type { AlertmanagerWebhookPayload } from './alertmanagerPayload';
import { nodeHttpTransport, WebhookRefusedError, type WebhookTransport } from './webhookTransport';
import { redactUrl, type WebhookUrlPolicy } from './webhookUrlPolicy';

/**
 * Delivers webhook payloads without ever blocking evaluation: `enqueue` only
 * appends to the receiver's queue and returns; one worker per receiver (per
 * URL) sends in order, retrying with exponential backoff.
 *
 * - Retried: network errors, timeouts, 408, 429 and 5xx. Not retried: other
 *   4xx (the receiver rejects the payload; retrying will not help) and
 *   destinations the URL policy refuses.
 * - Backoff before attempt n+1: min(maxBackoffMs, initialBackoffMs · 2^(n-1)),
 *   scaled by a jitter factor in [0.5, 1) so receivers recovering from an
 *   outage are not hit in lockstep; a `Retry-After` longer than that wins
 *   (capped at maxBackoffMs).
 * - Each receiver's queue is bounded; when full the oldest payload is dropped
 *   (the newer one describes the current state of its group) and counted.
 * - A failing receiver only delays its own queue.
 */
export interface SenderClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: SenderClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms).unref?.()),
};

export interface WebhookSenderOptions {
  /** Default: nodeHttpTransport(policy). */
  transport?: WebhookTransport;
  policy?: WebhookUrlPolicy;
  clock?: SenderClock;
  /** Per receiver. Default 100. */
  maxQueue?: number;
  /** Including the first. Default 6. */
  maxAttempts?: number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Per attempt. Default 10 000. */
  timeoutMs?: number;
  random?: () => number;
  /** Failures and drops; URLs are redacted. Default console.warn. */
  log?: (message: string) => void;
}

export interface SenderStats {
  sent: number;
  failed: number;
  dropped: number;
  retries: number;
  queued: number;
}

interface QueuedPayload {
  body: string;
  /** Called once the payload is finished with: delivered, given up on, or dropped. */
  settled?: () => void;
}

interface Receiver {
  queue: QueuedPayload[];
  running: Promise<void> | null;
}

export class WebhookSender {
  private readonly transport: WebhookTransport;
  private readonly clock: SenderClock;
  private readonly maxQueue: number;
  private readonly maxAttempts: number;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly timeoutMs: number;
  private readonly random: () => number;
  private readonly log: (message: string) => void;
  private readonly receivers = new Map<string, Receiver>();
  private readonly counters = { sent: 0, failed: 0, dropped: 0, retries: 0 };
  private closed = false;

  constructor(options: WebhookSenderOptions = {}) {
    this.transport = options.transport ?? nodeHttpTransport(options.policy ?? { allowedHosts: null });
    this.clock = options.clock ?? realClock;
    this.maxQueue = options.maxQueue ?? 100;
    this.maxAttempts = options.maxAttempts ?? 6;
    this.initialBackoffMs = options.initialBackoffMs ?? 500;
    this.maxBackoffMs = options.maxBackoffMs ?? 30_000;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.random = options.random ?? Math.random;
    this.log = options.log ?? ((m) => console.warn(`[faultline] ${m}`));
  }

  /**
   * Queue a payload for `url`; returns immediately. `settled` runs once the
   * payload is finished with — delivered, given up on, or dropped — so a
   * durable copy (the notification outbox) can be removed; never when the
   * sender was closed first.
   */
  enqueue(url: string, payload: AlertmanagerWebhookPayload, settled?: () => void): void {
    if (this.closed) return;
    let r = this.receivers.get(url);
    if (!r) {
      r = { queue: [], running: null };
      this.receivers.set(url, r);
    }
    if (r.queue.length >= this.maxQueue) {
      r.queue.shift()?.settled?.();
      this.counters.dropped += 1;
      this.log(`webhook ${redactUrl(url)}: queue full (${this.maxQueue}), dropped the oldest notification`);
    }
    r.queue.push({ body: JSON.stringify(payload), settled });
    if (!r.running) r.running = this.work(url, r);
  }

  /** Resolves when every queue is empty and nothing is in flight. */
  async drain(): Promise<void> {
    for (;;) {
      const running = [...this.receivers.values()].map((r) => r.running).filter((p) => p !== null);
      if (running.length === 0) return;
      await Promise.all(running);
    }
  }

  /** Stop accepting payloads and wait for the queued ones. */
  async close(): Promise<void> {
    this.closed = true;
    await this.drain();
  }

  stats(): SenderStats {
    let queued = 0;
    for (const r of this.receivers.values()) queued += r.queue.length;
    return { ...this.counters, queued };
  }

  private async work(url: string, r: Receiver): Promise<void> {
    try {
      for (let item = r.queue.shift(); item !== undefined; item = r.queue.shift()) {
        await this.deliver(url, item.body);
        item.settled?.();
      }
    } finally {
      r.running = null;
      // A payload enqueued between the last shift and here would otherwise wait for the next enqueue.
      if (r.queue.length > 0) r.running = this.work(url, r);
    }
  }

  private async deliver(url: string, body: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      let problem: string;
      let retryAfterMs: number | null = null;
      try {
        const res = await this.transport({ url, body, timeoutMs: this.timeoutMs });
        if (res.status >= 200 && res.status < 300) {
          this.counters.sent += 1;
          return;
        }
        problem = `HTTP ${res.status}`;
        retryAfterMs = res.retryAfterMs;
        if (!(res.status === 408 || res.status === 429 || res.status >= 500)) {
          return this.fail(url, `${problem} (not retried)`);
        }
      } catch (err) {
        if (err instanceof WebhookRefusedError) return this.fail(url, `refused: ${err.message}`);
        problem = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      }
      if (attempt >= this.maxAttempts) return this.fail(url, `${problem} after ${attempt} attempts`);
      this.counters.retries += 1;
      const backoff = Math.min(this.maxBackoffMs, this.initialBackoffMs * 2 ** (attempt - 1));
      const jittered = backoff * (0.5 + this.random() / 2);
      await this.clock.sleep(Math.min(this.maxBackoffMs, Math.max(jittered, retryAfterMs ?? 0)));
    }
  }

  private fail(url: string, message: string): void {
    this.counters.failed += 1;
    // Errors from the transport may echo the URL; never print it unredacted.
    this.log(`webhook ${redactUrl(url)} failed: ${message.split(url).join(redactUrl(url))}`);
  }
}
