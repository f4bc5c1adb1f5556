import { mkdirSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { parseDatabaseUrl } from './databaseUrl';
import { MIGRATIONS_DIRS, NO_FILTERS, readMigrationsList, withSchemaEngine } from './schemaEngine';

export interface ApplyMigrationsOptions {
  /**
   * Folder of `<timestamp>_<name>/migration.sql`; defaults to the repo's
   * history for the URL's engine: prisma/migrations (SQLite) or
   * prisma/postgresql/migrations (PostgreSQL).
   */
  migrationsDir?: string;
  /** Working directory relative file URLs resolve against; defaults to process.cwd(). */
  cwd?: string;
  onLog?: (line: string) => void;
}

export type ApplyMigrationsResult = {
  /** Migrations applied by this call, oldest first; empty when the database was up to date. */
  applied: string[];
} & (
  | {
      provider: 'sqlite';
      /** Absolute path of the database file. */
      databaseFile: string;
    }
  | { provider: 'postgresql'; url: string }
);

/**
 * Applies every pending migration to the database at `databaseUrl`: for
 * `file:` URLs a SQLite file (created, with its directory, if missing), for
 * `postgresql://` an existing PostgreSQL database. Equivalent to
 * `prisma migrate deploy`: same engine, same `_prisma_migrations` bookkeeping
 * (name, checksum, timestamps), so the CLI and this function can be mixed.
 * Idempotent: a second call applies nothing. A failing migration throws and
 * is recorded as failed; later calls then refuse to run (Prisma's P3009) until
 * it is resolved, as with the CLI. Editing an already applied migration is
 * not detected here (nor by `migrate deploy`); only new folders are applied.
 * On PostgreSQL, instances starting together take turns (an advisory lock),
 * so each migration is applied once.
 */
export async function applyMigrations(
  databaseUrl: `file:${string}`,
  options?: ApplyMigrationsOptions,
): Promise<Extract<ApplyMigrationsResult, { provider: 'sqlite' }>>;
export async function applyMigrations(
  databaseUrl: string,
  options?: ApplyMigrationsOptions,
): Promise<ApplyMigrationsResult>;
export async function applyMigrations(
  databaseUrl: string,
  options: ApplyMigrationsOptions = {},
): Promise<ApplyMigrationsResult> {
  const database = parseDatabaseUrl(databaseUrl, options.cwd);
  const migrationsList = await readMigrationsList(options.migrationsDir ?? MIGRATIONS_DIRS[database.provider]);
  const apply = async () => {
    const { appliedMigrationNames } = await withSchemaEngine({ database, onLog: options.onLog }, (engine) =>
      engine.applyMigrations({ migrationsList, filters: NO_FILTERS }),
    );
    return appliedMigrationNames;
  };
  if (database.provider === 'sqlite') {
    mkdirSync(path.dirname(database.file), { recursive: true });
    return { provider: 'sqlite', databaseFile: database.file, applied: await apply() };
  }
  return { provider: 'postgresql', url: database.url, applied: await withMigrationLock(database.url, apply) };
}

/**
 * Session advisory lock held on a connection of its own while `run` runs.
 * Its key is Faultline's, not the one `prisma migrate` takes (72707369), so
 * it cannot deadlock with the engine should the engine take that one itself.
 */
const MIGRATION_LOCK_KEY = 0x46_4c_54_4d; // 'FLTM'

async function withMigrationLock<T>(url: string, run: () => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {}); // a dropped lock connection surfaces through the query below
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    return await run();
  } finally {
    await client.end().catch(() => {});
  }
}
