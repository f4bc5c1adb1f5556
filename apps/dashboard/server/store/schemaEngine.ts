import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';
import type { MigrationList, SchemaEngine, SchemaFilter } from '@prisma/schema-engine-wasm';
import type pg from 'pg';
import type { StoreDatabase, StoreProvider } from './databaseUrl';

/**
 * Prisma's schema engine (the migration engine behind `prisma migrate`) in its
 * WebAssembly build, over a driver adapter: better-sqlite3 for SQLite, pg for
 * PostgreSQL. No native binary, no download.
 *
 * The package's entry point imports its `.wasm` as an ES module, which Node 20
 * only allows under `--experimental-wasm-modules`. We load the same module
 * ourselves instead: the wasm-bindgen glue (`schema_engine_bg.js`) is plain JS,
 * and the `.wasm` beside it is instantiated with that glue as its only import
 * namespace, then handed back to the glue — exactly what the entry point does.
 * So migrations run in-process under `node --import tsx`, vitest, or plain node,
 * with no flags.
 */

type Glue = typeof import('@prisma/schema-engine-wasm/schema_engine_bg') & {
  __wbg_set_wasm(exports: WebAssembly.Exports): void;
};

/** Where Prisma keeps migrations, relative to this file: <repo>/prisma. */
export const PRISMA_DIR = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../../../prisma');
/** SQLite, the default: prisma/schema.prisma and prisma/migrations. */
export const DEFAULT_SCHEMA_PATH = path.join(PRISMA_DIR, 'schema.prisma');
export const DEFAULT_MIGRATIONS_DIR = path.join(PRISMA_DIR, 'migrations');
/** Each engine's schema (same models) and migration history, in Prisma's standard layout. */
export const SCHEMA_PATHS: Readonly<Record<StoreProvider, string>> = {
  sqlite: DEFAULT_SCHEMA_PATH,
  postgresql: path.join(PRISMA_DIR, 'postgresql', 'schema.prisma'),
};
export const MIGRATIONS_DIRS: Readonly<Record<StoreProvider, string>> = {
  sqlite: DEFAULT_MIGRATIONS_DIR,
  postgresql: path.join(PRISMA_DIR, 'postgresql', 'migrations'),
};

export const NO_FILTERS: SchemaFilter = { externalTables: [], externalEnums: [] };

let engineClass: Promise<typeof SchemaEngine> | undefined;

function loadEngineClass(): Promise<typeof SchemaEngine> {
  engineClass ??= (async () => {
    const require = createRequire(import.meta.url);
    const gluePath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const glue = (await import('@prisma/schema-engine-wasm/schema_engine_bg')) as Glue;
    const bytes = readFileSync(path.join(path.dirname(gluePath), 'schema_engine_bg.wasm'));
    const { instance } = await WebAssembly.instantiate(bytes, {
      './schema_engine_bg.js': glue as unknown as WebAssembly.ModuleImports,
    });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return glue.SchemaEngine;
  })();
  return engineClass;
}

export interface SchemaEngineOptions {
  /** The database to work on; for SQLite an absolute path or `:memory:`. */
  database: StoreDatabase;
  /**
   * PostgreSQL only, for diffs from a migration history: an existing, empty,
   * throwaway database the engine may replay migrations into (Prisma's shadow
   * database). SQLite uses an in-memory database.
   */
  shadowDatabaseUrl?: string;
  /** Prisma schema files the engine starts with (needed for schema diffs only). */
  schemaFiles?: { path: string; content: string }[];
  /** Receives the engine's JSON log lines. */
  onLog?: (line: string) => void;
}

/**
 * Runs `use` with a schema engine connected to `database`, then frees the
 * engine and closes every connection it opened (main and shadow), so a SQLite
 * file is released before the application opens it.
 */
export async function withSchemaEngine<T>(
  options: SchemaEngineOptions,
  use: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  const Engine = await loadEngineClass();
  const { base, shadow } = adapterFactories(options);
  const opened: SqlDriverAdapter[] = [];
  // Track connections so they can be disposed; the engine never closes them itself.
  const factory = bindMigrationAwareSqlAdapterFactory({
    provider: base.provider,
    adapterName: base.adapterName,
    connect: async () => track(await base.connect()),
    connectToShadowDb: async () => track(await shadow()),
  });
  function track(adapter: SqlDriverAdapter): SqlDriverAdapter {
    opened.push(adapter);
    if (options.database.provider === 'postgresql') readCharColumnsAsText(adapter);
    return acceptScripts(adapter);
  }
  const engine = await Engine.new(
    { datamodels: options.schemaFiles?.map((f) => [f.path, f.content]) },
    (line: string) => options.onLog?.(line),
    factory,
  );
  try {
    return await use(engine);
  } finally {
    engine.free();
    await Promise.allSettled(opened.map((adapter) => adapter.dispose()));
  }
}

function adapterFactories(options: SchemaEngineOptions): {
  base: SqlMigrationAwareDriverAdapterFactory;
  shadow: () => Promise<SqlDriverAdapter>;
} {
  const { database } = options;
  if (database.provider === 'sqlite') {
    const base = new PrismaBetterSqlite3({ url: database.file });
    return { base, shadow: () => base.connectToShadowDb() };
  }
  const base = new PrismaPg({ connectionString: database.url });
  const { shadowDatabaseUrl } = options;
  return {
    base,
    // PrismaPg's own connectToShadowDb creates a database beside the main one
    // but then connects through the main connection string (whose database
    // name wins in node-postgres), so the shadow is named explicitly instead.
    shadow: async () => {
      if (!shadowDatabaseUrl) {
        throw new Error('a PostgreSQL shadow database is needed here: pass shadowDatabaseUrl');
      }
      return new PrismaPg({ connectionString: shadowDatabaseUrl }).connect();
    },
  };
}

/**
 * The engine describes a PostgreSQL schema (to diff it) by reading catalog
 * columns of the internal one-byte type `"char"` (pg_constraint.contype,
 * pg_class.relkind, …), which the pg driver adapter cannot map and rejects
 * ("Column type 'char' could not be deserialized"). node-postgres already
 * returns such values as strings, so the column is relabelled text on the
 * adapter's pool — only on the schema engine's own connections.
 */
function readCharColumnsAsText(adapter: SqlDriverAdapter): void {
  const CHAR_OID = 18;
  const TEXT_OID = 25;
  const pool = (adapter as unknown as { underlyingDriver(): pg.Pool }).underlyingDriver();
  const query = pool.query.bind(pool) as (config: unknown) => Promise<pg.QueryResult>;
  const relabel = (result: pg.QueryResult) => {
    for (const field of result.fields ?? []) if (field.dataTypeID === CHAR_OID) field.dataTypeID = TEXT_OID;
    return result;
  };
  (pool as unknown as { query: (config: unknown) => Promise<pg.QueryResult> }).query = (config) =>
    query(config).then(relabel);
}

/**
 * When the engine replays migration history on the shadow database (schema
 * diffs), it sends each whole `migration.sql` through `executeRaw`, which the
 * adapters run as one prepared statement: better-sqlite3 and PostgreSQL's
 * extended protocol then refuse multi-statement SQL. Such parameterless SQL is a script, so it is
 * retried through the adapter's `executeScript` (SQLite `exec`, PostgreSQL's simple query protocol).
 */
function acceptScripts(adapter: SqlDriverAdapter): SqlDriverAdapter {
  const executeRaw = adapter.executeRaw.bind(adapter);
  adapter.executeRaw = async (query) => {
    try {
      return await executeRaw(query);
    } catch (error) {
      if (query.args.length > 0 || !isMultiStatementError(error)) throw error;
      await adapter.executeScript(query.sql);
      return 0;
    }
  };
  return adapter;
}

function isMultiStatementError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { message, cause } = error as { message?: unknown; cause?: unknown };
  return /more than one statement|cannot insert multiple commands into a prepared statement/.test(
    `${String(message)} ${String(cause ?? '')} ${JSON.stringify(cause ?? null)}`,
  );
}

/**
 * The migrations folder in the shape the engine expects — the same listing
 * `prisma migrate deploy` builds: every sub-directory's `migration.sql`, sorted
 * by name, plus `migration_lock.toml`. A missing folder is an empty history.
 */
export async function readMigrationsList(migrationsDir: string): Promise<MigrationList> {
  const lockfilePath = 'migration_lock.toml';
  const lockContent = await readFile(path.join(migrationsDir, lockfilePath), 'utf8').catch(() => null);
  const entries = await readdir(migrationsDir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  const directories = await Promise.all(
    entries
      .filter((entry) => entry.isDirectory())
      .map(async (entry) => {
        const file = 'migration.sql';
        const content = await readFile(path.join(migrationsDir, entry.name, file), 'utf8').then(
          (value) => ({ tag: 'ok' as const, value }),
          (error: Error) => ({ tag: 'error' as const, value: error.message }),
        );
        return { path: entry.name, migrationFile: { path: file, content } };
      }),
  );
  directories.sort((a, b) => a.path.localeCompare(b.path));
  return {
    baseDir: migrationsDir,
    lockfile: { path: lockfilePath, content: lockContent },
    shadowDbInitScript: '',
    migrationDirectories: directories,
  };
}
