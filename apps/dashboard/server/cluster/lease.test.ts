import { beforeAll, describe, expect, it } from 'vitest';
import type { StoreClient } from '../store/storeClient';
import { STORE_PROVIDERS, testDatabases } from '../store/testDatabases';
import { Lease } from './lease';

/** The evaluator lease on each real database engine: one holder, renewal, expiry takeover, release. */
describe.each(STORE_PROVIDERS)('Lease on %s', (provider) => {
  const databases = testDatabases(provider);
  let store: { client: StoreClient };

  beforeAll(async () => {
    store = await databases.migratedClient();
  });

  it('has one holder at a time; the other takes over only after expiry', async () => {
    const a = new Lease(store.client, 'job-1', 'a', 1000);
    const b = new Lease(store.client, 'job-1', 'b', 1000);
    const t = 1_000_000;
    expect(await a.tryAcquire(t)).toBe(true);
    expect(await b.tryAcquire(t + 10)).toBe(false);
    expect(await a.tryAcquire(t + 900)).toBe(true); // renewed until t + 1900
    expect(await b.tryAcquire(t + 1500)).toBe(false);
    expect(await a.currentHolder(t + 1500)).toBe('a');
    // a stops renewing (died): b takes over once the lease has expired.
    expect(await b.tryAcquire(t + 1901)).toBe(true);
    expect(await a.tryAcquire(t + 1902)).toBe(false);
    expect(await b.currentHolder(t + 1902)).toBe('b');
  });

  it('release hands over at once; leases with other names are independent', async () => {
    const a = new Lease(store.client, 'job-2', 'a', 60_000);
    const b = new Lease(store.client, 'job-2', 'b', 60_000);
    const other = new Lease(store.client, 'job-3', 'b', 60_000);
    const t = 2_000_000;
    expect(await a.tryAcquire(t)).toBe(true);
    expect(await other.tryAcquire(t)).toBe(true);
    expect(await b.tryAcquire(t + 1)).toBe(false);
    await a.release();
    expect(await b.tryAcquire(t + 2)).toBe(true);
  });

  it('concurrent first claims and concurrent takeovers: exactly one wins, from separate connections', async () => {
    const { url } = await databases.migratedClient();
    const clients = await Promise.all(['a', 'b', 'c', 'd'].map(() => databases.clientOn(url)));
    const t = 3_000_000;
    const contenders = clients.map((client, i) => new Lease(client, 'job-4', `holder-${i}`, 10_000));
    const results = await Promise.all(contenders.map((l) => l.tryAcquire(t)));
    expect(results.filter(Boolean)).toHaveLength(1);
    // The holder dies; everyone else races for the expired lease.
    const others = contenders.filter((_, i) => !results[i]);
    const takeovers = await Promise.all(others.map((l) => l.tryAcquire(t + 10_001)));
    expect(takeovers.filter(Boolean)).toHaveLength(1);
  });
});
