import { describe, expect, it } from 'vitest';
import { STORE_PROVIDERS, testDatabases } from '../store/testDatabases';
import type { AlertmanagerWebhookPayload } from './alertmanagerPayload';
import { NotificationOutbox } from './notificationOutbox';

const payload = (groupKey: string, status: 'firing' | 'resolved') =>
  ({ version: '4', groupKey, status, alerts: [] }) as unknown as AlertmanagerWebhookPayload;

describe.each(STORE_PROVIDERS)('NotificationOutbox on %s', (provider) => {
  const databases = testDatabases(provider);

  it('keeps notifications until they are finished with, in the order they were decided, across clients', async () => {
    const { url, client } = await databases.migratedClient();
    const outbox = new NotificationOutbox(client, () => 1_700_000_000_000);
    // Same millisecond, added without awaiting: the order must still hold.
    const added = await Promise.all([
      outbox.add('http://a/hook', payload('g1', 'firing')),
      outbox.add('http://b/hook', payload('g2', 'firing')),
      outbox.add('http://a/hook', payload('g1', 'resolved')),
    ]);
    await outbox.remove(added[1]!.id);

    // Another instance (its own client) sees what is left, oldest first.
    const successor = new NotificationOutbox(await databases.clientOn(url), Date.now);
    const pending = await successor.pending();
    expect(pending.map((e) => `${e.url} ${e.payload.groupKey} ${e.payload.status}`)).toEqual([
      'http://a/hook g1 firing',
      'http://a/hook g1 resolved',
    ]);
    expect(pending.map((e) => e.id)).toEqual([added[0]!.id, added[2]!.id]);
    await successor.remove(added[0]!.id);
    await successor.remove(added[0]!.id); // already gone: no error
    expect((await outbox.pending()).map((e) => e.id)).toEqual([added[2]!.id]);
  });
});
