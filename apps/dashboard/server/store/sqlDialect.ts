import type { StoreProvider } from './databaseUrl';

/**
 * What differs between the store's engines for the hand-written SQL of the
 * repositories (rollups, sagas). Everything else is written once in the
 * common subset of SQLite and PostgreSQL:
 *
 * - `INSERT … ON CONFLICT (key) DO UPDATE SET c = excluded.c` / `DO NOTHING`,
 *   `UPDATE … RETURNING`, `LIMIT n`, row-value comparisons, window functions
 *   and CTEs work in both.
 * - No boolean arithmetic: `SUM(CASE WHEN … THEN 1 ELSE 0 END)`, never `SUM(a = b)`
 *   (PostgreSQL has no boolean → integer cast in aggregates).
 * - A statement never upserts the same key twice (PostgreSQL refuses "ON
 *   CONFLICT DO UPDATE command cannot affect row a second time"; SQLite
 *   would let the last row win): callers merge by key first.
 * - Integer results (BIGINT columns, COUNT, SUM) come back as `bigint` or
 *   `number` depending on the engine and the expression: repositories pass
 *   them through `Number()` at their boundary. No expression may produce
 *   NUMERIC in PostgreSQL (SUM of a BIGINT does; SUM of an INTEGER does not),
 *   which would arrive as a Decimal.
 *
 * Statements are written with `?` placeholders, SQLite's; `sql()` turns them
 * into the engine's form.
 */
export interface SqlDialect {
  readonly provider: StoreProvider;
  /** The statement with `?` placeholders in this engine's syntax (`$1 … $n` in PostgreSQL). */
  sql(text: string): string;
  /** Statements run once per new client (SQLite: WAL, synchronous, busy timeout). */
  readonly sessionSetup: readonly { sql: string; returnsRows: boolean }[];
}

export const sqliteDialect: SqlDialect = {
  provider: 'sqlite',
  sql: (text) => text,
  sessionSetup: [
    // WAL so readers never wait for the writer; synchronous=NORMAL is durable
    // across process crashes (a power loss may drop the last commits); a busy
    // timeout for the odd external reader (sqlite3 CLI, backups).
    { sql: 'PRAGMA journal_mode = WAL', returnsRows: true },
    { sql: 'PRAGMA synchronous = NORMAL', returnsRows: false },
    { sql: 'PRAGMA busy_timeout = 5000', returnsRows: false },
  ],
};

export const postgresDialect: SqlDialect = {
  provider: 'postgresql',
  sql: numberPlaceholders,
  sessionSetup: [],
};

export function dialectFor(provider: StoreProvider): SqlDialect {
  return provider === 'postgresql' ? postgresDialect : sqliteDialect;
}

/**
 * `?` → `$1`, `$2`, … in order, leaving string literals ('…') and quoted
 * identifiers ("…") alone.
 */
export function numberPlaceholders(text: string): string {
  let out = '';
  let n = 0;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 39 /* ' */ || c === 34 /* " */) {
      const close = text.indexOf(text[i]!, i + 1);
      if (close < 0) break;
      i = close; // doubled quotes ('') are two adjacent literals here: same result
    } else if (c === 63 /* ? */) {
      out += `${text.slice(from, i)}$${++n}`;
      from = i + 1;
    }
  }
  return out + text.slice(from);
}

/**
 * The dialect of each client the store created (PrismaHistoryStore.client),
 * so repositories built on that client (`new PrismaSagaRepository(store.client)`)
 * pick the right SQL without being told. A client made elsewhere (a test's own
 * `new PrismaClient`) is SQLite, the default.
 */
const dialects = new WeakMap<object, SqlDialect>();

export function registerDialect(client: object, dialect: SqlDialect): void {
  dialects.set(client, dialect);
}

export function dialectOf(client: object): SqlDialect {
  return dialects.get(client) ?? sqliteDialect;
}
