import { randomUUID } from 'node:crypto';
import type { StoreClient } from '../store/storeClient';
import type { AlertmanagerWebhookPayload } from './alertmanagerPayload';

export interface OutboxEntry {
  id: string;
  url: string;
  payload: AlertmanagerWebhookPayload;
}

/**
 * Webhook notifications in the database from the moment they are decided
 * until their delivery is finished with. The evaluator that decided them
 * delivers them; if it dies first, the next lease holder (or the same
 * instance after a restart) finds them here and delivers them: at least once,
 * in the order they were decided.
 */
export class NotificationOutbox {
  /** Writes are chained so entries are stored (and handed on) in decision order. */
  private writing: Promise<unknown> = Promise.resolve();
  private sequence = 0;

  constructor(
    private readonly prisma: StoreClient,
    private readonly clock: () => number,
  ) {}

  /** Store a notification; resolves with its entry once it is durable. */
  add(url: string, payload: AlertmanagerWebhookPayload): Promise<OutboxEntry> {
    // createdAtMs orders entries; the sequence keeps two decided in one millisecond apart.
    const createdAtMs = BigInt(this.clock()) * 1000n + BigInt(this.sequence++ % 1000);
    const entry: OutboxEntry = { id: randomUUID(), url, payload };
    const stored = this.writing.then(() =>
      this.prisma.alertOutbox.create({
        data: { id: entry.id, url, payload: JSON.stringify(payload), createdAtMs },
      }),
    );
    this.writing = stored.catch(() => undefined);
    return stored.then(() => entry);
  }

  /** Delivery is finished with (sent, refused or given up): forget it. */
  async remove(id: string): Promise<void> {
    await this.prisma.alertOutbox.deleteMany({ where: { id } });
  }

  /** Everything not yet finished with, oldest first. */
  async pending(): Promise<OutboxEntry[]> {
    const rows = await this.prisma.alertOutbox.findMany({ orderBy: { createdAtMs: 'asc' } });
    return rows.map((r) => ({ id: r.id, url: r.url, payload: JSON.parse(r.payload) as AlertmanagerWebhookPayload }));
  }
}
