import path from 'node:path';

/** Default `DATABASE_URL`: a SQLite file under ./data, relative to the process's working directory. */
export const DEFAULT_DATABASE_URL = 'file:./data/faultline.db';

/**
 * Absolute path of the SQLite file named by a Prisma-style SQLite URL
 * (`file:./data/faultline.db`, `file:/var/lib/faultline.db`, `file:db.sqlite?connection_limit=1`).
 * Relative paths resolve against `cwd` (the process's working directory, as
 * better-sqlite3 would), so every component agrees on one file.
 * Query parameters are ignored. Other schemes are rejected: this store is SQLite only.
 */
export function sqliteFilePath(databaseUrl: string, cwd: string = process.cwd()): string {
  if (!databaseUrl.startsWith('file:')) {
    throw new Error(`DATABASE_URL must be a SQLite file URL like ${DEFAULT_DATABASE_URL}, got "${databaseUrl}"`);
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
