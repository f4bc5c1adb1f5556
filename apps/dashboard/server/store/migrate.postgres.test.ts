import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningPostgres, startPostgres } from '../../../../test/support/postgres';
import { createMigration } from '../../scripts/createMigration';
import { applyMigrations } from './migrate';
import { MIGRATIONS_DIRS, SCHEMA_PATHS } from './schemaEngine';
import { expectedTables } from './testDatabases';

/** The PostgreSQL history (prisma/postgresql/migrations) on a real server: applied at start, like `migrate deploy`. */

const PG_MIGRATIONS = MIGRATIONS_DIRS.postgresql;
const committed = readdirSync(PG_MIGRATIONS, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

let server: RunningPostgres;
let dir: string;
beforeAll(async () => {
  server = await startPostgres();
  dir = mkdtempSync(path.join(tmpdir(), 'faultline-pg-migrate-'));
});
afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function query<T>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

describe('applyMigrations on PostgreSQL', () => {
  it('applies every migration and records it like migrate deploy', async () => {
    const url = await server.createDatabase();
    expect(await applyMigrations(url)).toEqual({ provider: 'postgresql', url, applied: committed });
    const tables = await query<{ tablename: string }>(
      url,
      `SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`,
    );
    expect(tables.map((t) => t.tablename).sort()).toEqual(expectedTables());
    const rows = await query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
      url,
      'SELECT migration_name, checksum, finished_at FROM _prisma_migrations ORDER BY migration_name',
    );
    expect(rows.map((r) => r.migration_name)).toEqual(committed);
    for (const row of rows) {
      expect(row.finished_at).not.toBeNull();
      const sql = readFileSync(path.join(PG_MIGRATIONS, row.migration_name, 'migration.sql'));
      expect(row.checksum).toBe(createHash('sha256').update(sql).digest('hex'));
    }
  });

  it('is idempotent, and instances starting together apply each migration once', async () => {
    const url = await server.createDatabase();
    const results = await Promise.all([applyMigrations(url), applyMigrations(url), applyMigrations(url)]);
    expect(results.flatMap((r) => r.applied).sort()).toEqual(committed);
    expect(await applyMigrations(url)).toMatchObject({ applied: [] });
    const [count] = await query<{ n: string }>(url, 'SELECT COUNT(*) AS n FROM _prisma_migrations');
    expect(Number(count?.n)).toBe(committed.length);
  });

  it('applies only a new migration on an existing database', async () => {
    const migrationsDir = path.join(dir, 'add-note');
    cpSync(PG_MIGRATIONS, migrationsDir, { recursive: true });
    const url = await server.createDatabase();
    await applyMigrations(url, { migrationsDir });
    const next = path.join(migrationsDir, '29990101000000_add_note');
    cpSync(path.join(migrationsDir, committed[0]!), next, { recursive: true });
    writeFileSync(path.join(next, 'migration.sql'), 'CREATE TABLE "Note" ("id" SERIAL PRIMARY KEY);\n');
    expect(await applyMigrations(url, { migrationsDir })).toMatchObject({ applied: ['29990101000000_add_note'] });
  });

  it('fails loudly on a broken migration and blocks later runs until resolved', async () => {
    const migrationsDir = path.join(dir, 'broken');
    cpSync(PG_MIGRATIONS, migrationsDir, { recursive: true });
    const broken = path.join(migrationsDir, '29990101000000_broken');
    cpSync(path.join(migrationsDir, committed[0]!), broken, { recursive: true });
    writeFileSync(path.join(broken, 'migration.sql'), 'CREATE TABLE "EdgeRollup" ("id" INTEGER);\n');
    const url = await server.createDatabase();
    await expect(applyMigrations(url, { migrationsDir })).rejects.toThrow(/29990101000000_broken/);
    await expect(applyMigrations(url, { migrationsDir })).rejects.toThrow(/failed|P3009/i);
  });
});

describe('createMigration for PostgreSQL', () => {
  it('writes nothing when the committed history, replayed, matches prisma/postgresql/schema.prisma', async () => {
    const migrationsDir = path.join(dir, 'noop');
    cpSync(PG_MIGRATIONS, migrationsDir, { recursive: true });
    expect(
      await createMigration('noop', { provider: 'postgresql', migrationsDir, postgresServerUrl: server.adminUrl }),
    ).toBeNull();
  });

  it('writes the difference as a PostgreSQL migration that applies cleanly', async () => {
    const migrationsDir = path.join(dir, 'note');
    cpSync(PG_MIGRATIONS, migrationsDir, { recursive: true });
    const schemaPath = path.join(dir, 'schema.prisma');
    writeFileSync(
      schemaPath,
      `${readFileSync(SCHEMA_PATHS.postgresql, 'utf8')}\nmodel Note {\n  id   Int    @id @default(autoincrement())\n  text String\n}\n`,
    );
    const options = { provider: 'postgresql' as const, migrationsDir, schemaPath, postgresServerUrl: server.adminUrl };
    const created = await createMigration('Add notes', options);
    expect(path.basename(created!)).toMatch(/^\d{14}_add_notes$/);
    const sql = readFileSync(path.join(created!, 'migration.sql'), 'utf8');
    expect(sql).toContain('CREATE TABLE "Note"');
    expect(sql).toContain('SERIAL');
    expect(sql).not.toContain('EdgeRollup');
    const url = await server.createDatabase();
    expect((await applyMigrations(url, { migrationsDir })).applied.at(-1)).toBe(path.basename(created!));
    expect(await createMigration('again', options)).toBeNull();
  });
});
