import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { bindMigrationAwareSqlAdapterFactory, type SqlDriverAdapter } from '@prisma/driver-adapter-utils';
import type { MigrationList, SchemaEngine, SchemaFilter } from '@prisma/schema-engine-wasm';

/**
 * Prisma's schema engine (the migration engine behind `prisma migrate`) in its
 * WebAssembly build, over the better-sqlite3 driver adapter. No native binary,
 * no download.
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
export const DEFAULT_SCHEMA_PATH = path.join(PRISMA_DIR, 'schema.prisma');
export const DEFAULT_MIGRATIONS_DIR = path.join(PRISMA_DIR, 'migrations');

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
  /** SQLite file (absolute path) or `:memory:`. */
  databaseFile: string;
  /** Prisma schema files the engine starts with (needed for schema diffs only). */
  schemaFiles?: { path: string; content: string }[];
  /** Receives the engine's JSON log lines. */
  onLog?: (line: string) => void;
}

/**
 * Runs `use` with a schema engine connected to `databaseFile`, then frees the
 * engine and closes every connection it opened (main and shadow), so the file
 * is released before the application opens it.
 */
export async function withSchemaEngine<T>(
  options: SchemaEngineOptions,
  use: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  const Engine = await loadEngineClass();
  const base = new PrismaBetterSqlite3({ url: options.databaseFile });
  const opened: SqlDriverAdapter[] = [];
  // Track connections so they can be disposed; the engine never closes them itself.
  const factory = bindMigrationAwareSqlAdapterFactory({
    provider: base.provider,
    adapterName: base.adapterName,
    connect: async () => track(await base.connect()),
    connectToShadowDb: async () => track(await base.connectToShadowDb()),
  });
  function track(adapter: SqlDriverAdapter): SqlDriverAdapter {
    opened.push(adapter);
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

/**
 * When the engine replays migration history on the shadow database (schema
 * diffs), it sends each whole `migration.sql` through `executeRaw`, which the
 * better-sqlite3 adapter runs as one prepared statement: better-sqlite3 then
 * refuses multi-statement SQL. Such parameterless SQL is a script, so it is
 * retried through the adapter's `executeScript` (SQLite `exec`).
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
  return error instanceof Error && /more than one statement/.test(`${error.message} ${String(error.cause ?? '')}`);
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
