import path from 'node:path';

/** Default `DATABASE_URL`: a SQLite file under ./data, relative to the process's working directory. */
export const DEFAULT_DATABASE_URL = 'file:./data/faultline.db';

/** The engines the store runs on. */
export type StoreProvider = 'sqlite' | 'postgresql';

/** Where the store lives, as chosen by `DATABASE_URL`. */
export type StoreDatabase =
  /** `file:…` — an absolute path (SQLite through better-sqlite3). */
  | { provider: 'sqlite'; file: string }
  /** `postgresql://…` or `postgres://…` — passed to node-postgres as its connection string. */
  | { provider: 'postgresql'; url: string };

const POSTGRES_EXAMPLE = 'postgresql://user:password@host:5432/faultline';
const POSTGRES_SCHEME = /^postgres(ql)?:\/\//i;

/**
 * Picks the store's engine from its URL: `file:` is SQLite (see
 * sqliteFilePath), `postgresql://` and `postgres://` are PostgreSQL. Any
 * other scheme is rejected with a message naming both accepted forms.
 */
export function parseDatabaseUrl(databaseUrl: string, cwd: string = process.cwd()): StoreDatabase {
  if (POSTGRES_SCHEME.test(databaseUrl)) return { provider: 'postgresql', url: databaseUrl };
  return { provider: 'sqlite', file: sqliteFilePath(databaseUrl, cwd) };
}

/** A URL fit for logs and error messages: the password, if any, masked. */
export function redactDatabaseUrl(databaseUrl: string): string {
  return databaseUrl.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@:]*:)[^/@]*@/i, '$1***@');
}

/**
 * Absolute path of the SQLite file named by a Prisma-style SQLite URL
 * (`file:./data/faultline.db`, `file:/var/lib/faultline.db`, `file:db.sqlite?connection_limit=1`).
 * Relative paths resolve against `cwd` (the process's working directory, as
 * better-sqlite3 would), so every component agrees on one file.
 * Query parameters are ignored. Schemes other than `file:` are rejected.
 */
export function sqliteFilePath(databaseUrl: string, cwd: string = process.cwd()): string {
  if (!databaseUrl.startsWith('file:')) {
    throw new Error(
      `DATABASE_URL must be a SQLite file URL like ${DEFAULT_DATABASE_URL} or a PostgreSQL URL like ${POSTGRES_EXAMPLE}` +
        ` (postgres:// works too), got "${redactDatabaseUrl(databaseUrl)}"`,
    );
  }
  let file = databaseUrl.slice('file:'.length);
  const query = file.indexOf('?');
  if (query >= 0) file = file.slice(0, query);
  // `file:///abs/path` (RFC 8089 form) → `/abs/path`.
  if (file.startsWith('//')) file = file.replace(/^\/\/[^/]*/, '');
  if (file === '' || file === ':memory:') {
    throw new Error(`DATABASE_URL must name a file (an in-memory database cannot be shared), got "${databaseUrl}"`);
  }
  return path.resolve(cwd, decodeURIComponent(file));
}
