import { DEFAULT_DATABASE_URL, parseDatabaseUrl } from './databaseUrl';
import { applyMigrations } from './migrate';
import { PrismaHistoryStore, type PrismaHistoryStoreOptions } from './prismaHistoryStore';

export interface OpenStoreOptions extends PrismaHistoryStoreOptions {
  /**
   * `file:…` (SQLite; relative paths resolve against `cwd`) or
   * `postgresql://…` / `postgres://…` (PostgreSQL). Default `file:./data/faultline.db`.
   */
  databaseUrl?: string;
  /** Default process.cwd(). */
  cwd?: string;
  /** Default the engine's history: prisma/migrations or prisma/postgresql/migrations. */
  migrationsDir?: string;
}

/**
 * The store the server runs on. Picks the engine from the URL, applies that
 * engine's pending migrations (in-process, WebAssembly schema engine: no
 * flags, no native binary; for SQLite the directory and file are created if
 * missing), then opens the store — the same store type for both engines.
 */
export async function openStore(options: OpenStoreOptions = {}): Promise<PrismaHistoryStore> {
  const { databaseUrl = DEFAULT_DATABASE_URL, cwd, migrationsDir, ...storeOptions } = options;
  const database = parseDatabaseUrl(databaseUrl, cwd);
  await applyMigrations(databaseUrl, { cwd, migrationsDir });
  return PrismaHistoryStore.open(database, storeOptions);
}
