/**
 * Applies pending migrations to DATABASE_URL (default file:./data/faultline.db,
 * relative to the working directory; postgresql://… for PostgreSQL) —
 * `prisma migrate deploy` without the native schema engine. The server does
 * the same at start; this is for deploy pipelines and for inspecting a
 * database before starting.
 *
 *   DATABASE_URL=file:./data/faultline.db node --import tsx apps/dashboard/scripts/migrate.ts
 *   DATABASE_URL=postgresql://faultline@db:5432/faultline node --import tsx apps/dashboard/scripts/migrate.ts
 */
import { DEFAULT_DATABASE_URL, redactDatabaseUrl } from '../server/store/databaseUrl';
import { applyMigrations } from '../server/store/migrate';

const result = await applyMigrations(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL);
const where = result.provider === 'sqlite' ? result.databaseFile : redactDatabaseUrl(result.url);
const { applied } = result;
console.log(
  applied.length === 0
    ? `${where}: up to date`
    : `${where}: applied ${applied.length} migration(s)\n${applied.map((name) => `  ${name}`).join('\n')}`,
);
