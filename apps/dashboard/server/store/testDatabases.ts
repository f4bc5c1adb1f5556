/**
 * Test fixture: fresh, migrated databases of each engine the store runs on,
 * so the store, saga and alert suites run the same cases against both:
 *
 *   describe.each(STORE_PROVIDERS)('… on %s', (provider) => {
 *     const databases = testDatabases(provider);
 *     it('…', async () => { const url = await databases.freshUrl(); … });
 *   });
 *
 * SQLite: files in a temp directory. PostgreSQL: a throwaway server
 * (test/support/postgres.ts, Debian's binaries) started in the block's
 * beforeAll and stopped in its afterAll; each `freshUrl()` is a new database on it.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { type RunningPostgres, startPostgres } from '../../../../test/support/postgres';
import { parseDatabaseUrl, type StoreProvider } from './databaseUrl';
import { applyMigrations } from './migrate';
import { DEFAULT_SCHEMA_PATH } from './schemaEngine';
import { connectStoreClient, type StoreClient } from './storeClient';

export const STORE_PROVIDERS: readonly StoreProvider[] = ['sqlite', 'postgresql'];

/** The tables a fully migrated database has: one per model in the schema, plus Prisma's bookkeeping, sorted. */
export function expectedTables(): string[] {
  const models = [...readFileSync(DEFAULT_SCHEMA_PATH, 'utf8').matchAll(/^model (\w+) \{/gm)].map((m) => m[1] ?? '');
  return ['_prisma_migrations', ...models].sort();
}

export interface TestDatabases {
  /** A new, empty database's URL (not migrated). */
  freshUrl(): Promise<string>;
  /** A new database with every migration applied, and a client on it (disconnected in afterAll). */
  migratedClient(): Promise<{ url: string; client: StoreClient }>;
  /** Another client on an already migrated database (disconnected in afterAll). */
  clientOn(url: string): Promise<StoreClient>;
  /** The PostgreSQL server (null for SQLite), for tests that look at the server directly. */
  readonly postgres: RunningPostgres | null;
}

export function testDatabases(provider: StoreProvider): TestDatabases {
  let dir = '';
  let postgres: RunningPostgres | null = null;
  let count = 0;
  const clients: StoreClient[] = [];
  beforeAll(async () => {
    if (provider === 'postgresql') postgres = await startPostgres();
    else dir = mkdtempSync(path.join(tmpdir(), 'faultline-test-db-'));
  });
  afterAll(async () => {
    await Promise.allSettled(clients.map((c) => c.$disconnect()));
    if (postgres) await postgres.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const freshUrl = async () => {
    count++;
    if (postgres) return postgres.createDatabase(`faultline_test_${process.pid}_${count}`);
    return `file:${path.join(dir, `test-${count}.db`)}`;
  };
  const clientOn = async (url: string) => {
    const { client } = await connectStoreClient(parseDatabaseUrl(url));
    clients.push(client);
    return client;
  };
  return {
    freshUrl,
    clientOn,
    async migratedClient() {
      const url = await freshUrl();
      await applyMigrations(url);
      return { url, client: await clientOn(url) };
    },
    get postgres() {
      return postgres;
    },
  };
}
