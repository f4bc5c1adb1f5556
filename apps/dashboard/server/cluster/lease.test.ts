import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../store/openStore';
import type { PrismaHistoryStore } from '../store/prismaHistoryStore';
import { Lease } from './lease';

/** The evaluator lease on a real database: one holder, renewal, expiry takeover, release. */
describe('Lease', () => {
  let dir: string;
  let store: PrismaHistoryStore;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'faultline-lease-'));
    store = await openStore({ databaseUrl: `file:${path.join(dir, 'lease.db')}` });
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
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

  it('concurrent first claims: exactly one wins', async () => {
    const t = 3_000_000;
    const contenders = ['a', 'b', 'c', 'd'].map((h) => new Lease(store.client, 'job-4', h, 10_000));
    const results = await Promise.all(contenders.map((l) => l.tryAcquire(t)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });
});
