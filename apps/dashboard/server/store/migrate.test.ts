import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMigration } from '../../scripts/createMigration';
import { applyMigrations } from './migrate';
import { DEFAULT_MIGRATIONS_DIR, DEFAULT_SCHEMA_PATH } from './schemaEngine';
import { expectedTables } from './testDatabases';

const run = promisify(execFile);

const committedMigrations = readdirSync(DEFAULT_MIGRATIONS_DIR, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

function tables(file: string): string[] {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as { name: string }[])
      .map((r) => r.name)
      .filter((name) => name !== 'sqlite_sequence');
  } finally {
    db.close();
  }
}

function migrationRows(file: string) {
  const db = new Database(file, { readonly: true });
  try {
    return db
      .prepare(
        'SELECT migration_name, checksum, finished_at, rolled_back_at, applied_steps_count FROM _prisma_migrations',
      )
      .all() as {
      migration_name: string;
      checksum: string;
      finished_at: string | null;
      rolled_back_at: string | null;
      applied_steps_count: number;
    }[];
  } finally {
    db.close();
  }
}

describe('applyMigrations', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'faultline-migrate-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the data directory and database, applies every migration, and records it like migrate deploy', async () => {
    const result = await applyMigrations('file:./data/faultline.db', { cwd: dir });
    const file = path.join(dir, 'data', 'faultline.db');
    expect(result).toEqual({ provider: 'sqlite', databaseFile: file, applied: committedMigrations });
    expect(tables(file)).toEqual(expectedTables());
    const rows = migrationRows(file);
    expect(rows.map((r) => r.migration_name)).toEqual(committedMigrations);
    for (const row of rows) {
      expect(row.finished_at).not.toBeNull();
      expect(row.rolled_back_at).toBeNull();
      expect(row.applied_steps_count).toBe(1);
      // Prisma's checksum: SHA-256 of the migration.sql bytes, hex.
      const sql = readFileSync(path.join(DEFAULT_MIGRATIONS_DIR, row.migration_name, 'migration.sql'));
      expect(row.checksum).toBe(createHash('sha256').update(sql).digest('hex'));
    }
  });

  it('is idempotent: a second start applies nothing and keeps the history', async () => {
    const url = `file:${path.join(dir, 'x.db')}`;
    await applyMigrations(url);
    const before = migrationRows(path.join(dir, 'x.db'));
    expect(await applyMigrations(url)).toMatchObject({ applied: [] });
    expect(migrationRows(path.join(dir, 'x.db'))).toEqual(before);
  });

  it('applies only the new migration on an existing database', async () => {
    const migrationsDir = path.join(dir, 'migrations');
    cpSync(DEFAULT_MIGRATIONS_DIR, migrationsDir, { recursive: true });
    const url = `file:${path.join(dir, 'x.db')}`;
    await applyMigrations(url, { migrationsDir });
    const next = path.join(migrationsDir, '29990101000000_add_note');
    cpSync(path.join(migrationsDir, committedMigrations[0]!), next, { recursive: true });
    writeFileSync(path.join(next, 'migration.sql'), 'CREATE TABLE "Note" ("id" INTEGER NOT NULL PRIMARY KEY);\n');
    expect(await applyMigrations(url, { migrationsDir })).toMatchObject({ applied: ['29990101000000_add_note'] });
    expect(tables(path.join(dir, 'x.db'))).toContain('Note');
  });

  it('fails loudly on a broken migration and records it as failed', async () => {
    const migrationsDir = path.join(dir, 'migrations');
    cpSync(DEFAULT_MIGRATIONS_DIR, migrationsDir, { recursive: true });
    const broken = path.join(migrationsDir, '29990101000000_broken');
    cpSync(path.join(migrationsDir, committedMigrations[0]!), broken, { recursive: true });
    writeFileSync(path.join(broken, 'migration.sql'), 'CREATE TABLE "EdgeRollup" ("id" INTEGER);\n');
    const url = `file:${path.join(dir, 'x.db')}`;
    await expect(applyMigrations(url, { migrationsDir })).rejects.toThrow(/29990101000000_broken/);
    const failed = migrationRows(path.join(dir, 'x.db')).find((r) => r.migration_name === '29990101000000_broken');
    expect(failed?.finished_at).toBeNull();
    // Like `prisma migrate deploy`: a failed migration blocks later runs until resolved.
    await expect(applyMigrations(url, { migrationsDir })).rejects.toThrow(/failed|P3009/i);
  });

  it('works from a fresh `node --import tsx` process with no extra flags', async () => {
    const script = path.join(dir, 'start.mts');
    const openStore = path.resolve(import.meta.dirname, 'openStore.ts');
    writeFileSync(
      script,
      `import { openStore } from ${JSON.stringify(openStore)};
       const store = await openStore({ databaseUrl: 'file:./data/fresh.db' });
       console.log(JSON.stringify(await store.latestBreakerStates()));
       await store.close();`,
    );
    // The script lives outside the repo, so name tsx's loader by URL (what `--import tsx` resolves to).
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    const { stdout } = await run(process.execPath, ['--import', tsx, script], {
      cwd: dir,
      env: { ...process.env, NODE_OPTIONS: '' },
    }).catch((error: { stderr?: string }) => {
      throw new Error(`child failed: ${error.stderr}`);
    });
    expect(stdout.trim()).toBe('[]');
    expect(existsSync(path.join(dir, 'data', 'fresh.db'))).toBe(true);
    expect(migrationRows(path.join(dir, 'data', 'fresh.db')).map((r) => r.migration_name)).toEqual(committedMigrations);
  });
});

describe('createMigration', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'faultline-create-migration-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes nothing when the committed migrations match the schema', async () => {
    const migrationsDir = path.join(dir, 'migrations');
    cpSync(DEFAULT_MIGRATIONS_DIR, migrationsDir, { recursive: true });
    expect(await createMigration('noop', { migrationsDir })).toBeNull();
    expect(readdirSync(migrationsDir).sort()).toEqual([...committedMigrations, 'migration_lock.toml'].sort());
  });

  it('writes the difference as a new migration folder that applies cleanly', async () => {
    const migrationsDir = path.join(dir, 'migrations');
    cpSync(DEFAULT_MIGRATIONS_DIR, migrationsDir, { recursive: true });
    const schemaPath = path.join(dir, 'schema.prisma');
    writeFileSync(
      schemaPath,
      `${readFileSync(DEFAULT_SCHEMA_PATH, 'utf8')}\nmodel Note {\n  id   Int    @id @default(autoincrement())\n  text String\n}\n`,
    );
    const created = await createMigration('Add notes!', { migrationsDir, schemaPath });
    expect(created).not.toBeNull();
    expect(path.basename(created!)).toMatch(/^\d{14}_add_notes$/);
    const sql = readFileSync(path.join(created!, 'migration.sql'), 'utf8');
    expect(sql).toContain('CREATE TABLE "Note"');
    expect(sql).not.toContain('EdgeRollup');
    const url = `file:${path.join(dir, 'x.db')}`;
    const { applied } = await applyMigrations(url, { migrationsDir });
    expect(applied.at(-1)).toBe(path.basename(created!));
    // And the history now matches the schema.
    expect(await createMigration('again', { migrationsDir, schemaPath })).toBeNull();
  });

  it('starts a history from an empty folder, with the lock file', async () => {
    const migrationsDir = path.join(dir, 'migrations');
    const created = await createMigration('init', { migrationsDir });
    expect(readFileSync(path.join(migrationsDir, 'migration_lock.toml'), 'utf8')).toBe(
      readFileSync(path.join(DEFAULT_MIGRATIONS_DIR, 'migration_lock.toml'), 'utf8'),
    );
    // One migration now holds the whole schema (the committed history reaches it in several steps).
    const sql = readFileSync(path.join(created!, 'migration.sql'), 'utf8');
    for (const table of ['EdgeRollup', 'BreakerTransition', 'SagaRun', 'SagaStep', 'AlertRule']) {
      expect(sql).toContain(`CREATE TABLE "${table}"`);
    }
    expect(await createMigration('again', { migrationsDir })).toBeNull();
  });
});
