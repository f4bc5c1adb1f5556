/**
 * Applies pending migrations to DATABASE_URL (default file:./data/faultline.db,
 * relative to the working directory) — `prisma migrate deploy` without the
 * native schema engine. The server does the same at start; this is for
 * deploy pipelines and for inspecting a database before starting.
 *
 *   DATABASE_URL=file:./data/faultline.db node --import tsx apps/dashboard/scripts/migrate.ts
 */
import { DEFAULT_DATABASE_URL } from '../server/store/databaseUrl';
import { applyMigrations } from '../server/store/migrate';

const { databaseFile, applied } = await applyMigrations(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL);
console.log(
  applied.length === 0
    ? `${databaseFile}: up to date`
    : `${databaseFile}: applied ${applied.length} migration(s)\n${applied.map((name) => `  ${name}`).join('\n')}`,
);
