import { DEFAULT_DATABASE_URL } from './databaseUrl';
import { applyMigrations } from './migrate';
import { PrismaHistoryStore, type PrismaHistoryStoreOptions } from './prismaHistoryStore';

export interface OpenStoreOptions extends PrismaHistoryStoreOptions {
  /** Prisma-style SQLite URL; relative paths resolve against `cwd`. Default `file:./data/faultline.db`. */
  databaseUrl?: string;
  /** Default process.cwd(). */
  cwd?: string;
  /** Default the repo's prisma/migrations. */
  migrationsDir?: string;
}

/**
 * The store the server runs on: creates the database directory and file if
 * missing, applies pending migrations (in-process, WebAssembly schema
 * engine: no flags, no native binary), then opens the store.
 */
export async function openStore(options: OpenStoreOptions = {}): Promise<PrismaHistoryStore> {
  const { databaseUrl = DEFAULT_DATABASE_URL, cwd, migrationsDir, ...storeOptions } = options;
  const { databaseFile } = await applyMigrations(databaseUrl, { cwd, migrationsDir });
  return PrismaHistoryStore.open(databaseFile, storeOptions);
}
