import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { sqliteFilePath } from './databaseUrl';
import { DEFAULT_MIGRATIONS_DIR, NO_FILTERS, readMigrationsList, withSchemaEngine } from './schemaEngine';

export interface ApplyMigrationsOptions {
  /** Folder of `<timestamp>_<name>/migration.sql`; defaults to the repo's prisma/migrations. */
  migrationsDir?: string;
  /** Working directory relative file URLs resolve against; defaults to process.cwd(). */
  cwd?: string;
  onLog?: (line: string) => void;
}

export interface ApplyMigrationsResult {
  /** Absolute path of the database file. */
  databaseFile: string;
  /** Migrations applied by this call, oldest first; empty when the database was up to date. */
  applied: string[];
}

/**
 * Applies every pending migration to the SQLite database at `databaseUrl`,
 * creating the file (and its directory) if missing. Equivalent to
 * `prisma migrate deploy`: same engine, same `_prisma_migrations` bookkeeping
 * (name, checksum, timestamps), so the CLI and this function can be mixed.
 * Idempotent: a second call applies nothing. A failing migration throws and
 * is recorded as failed; later calls then refuse to run (Prisma's P3009) until
 * it is resolved, as with the CLI. Editing an already applied migration is
 * not detected here (nor by `migrate deploy`); only new folders are applied.
 */
export async function applyMigrations(
  databaseUrl: string,
  options: ApplyMigrationsOptions = {},
): Promise<ApplyMigrationsResult> {
  const databaseFile = sqliteFilePath(databaseUrl, options.cwd);
  mkdirSync(path.dirname(databaseFile), { recursive: true });
  const migrationsList = await readMigrationsList(options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR);
  const { appliedMigrationNames } = await withSchemaEngine({ databaseFile, onLog: options.onLog }, (engine) =>
    engine.applyMigrations({ migrationsList, filters: NO_FILTERS }),
  );
  return { databaseFile, applied: appliedMigrationNames };
}
