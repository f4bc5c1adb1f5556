import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaClient } from '../../generated/prisma/client';
import type { StoreDatabase } from './databaseUrl';
import { dialectFor, registerDialect, type SqlDialect } from './sqlDialect';

/**
 * The Prisma client the server is written against — the SQLite client's type
 * (generated/prisma). The PostgreSQL client (generated/prisma-postgresql,
 * from prisma/postgresql/schema.prisma) has the same models with the same
 * fields (schemaParity.test.ts keeps the two schemas identical) and the same
 * raw-SQL methods; its type differs only in what this code never uses
 * (`$transaction`'s isolation-level names). It is cast to this type at its
 * one construction point, in connectStoreClient.
 */
export type StoreClient = PrismaClient;

export interface ConnectedClient {
  client: StoreClient;
  dialect: SqlDialect;
}

/**
 * A Prisma client on an already migrated database, with the engine's
 * session set up (SQLite pragmas) and its SQL dialect registered, so
 * `dialectOf(client)` answers for every repository built on it.
 * The PostgreSQL client and driver are loaded only when used.
 */
export async function connectStoreClient(
  database: StoreDatabase,
  options: { onPoolError?: (error: Error) => void } = {},
): Promise<ConnectedClient> {
  const dialect = dialectFor(database.provider);
  let client: StoreClient;
  if (database.provider === 'sqlite') {
    client = new PrismaClient({ adapter: new PrismaBetterSqlite3({ url: database.file, timeout: 5000 }) });
  } else {
    const [{ PrismaClient: PostgresClient }, { PrismaPg }] = await Promise.all([
      import('../../generated/prisma-postgresql/client'),
      import('@prisma/adapter-pg'),
    ]);
    const adapter = new PrismaPg(
      { connectionString: database.url },
      {
        // An idle pooled connection that breaks (server restart) is replaced on
        // next use; without a listener node-postgres would crash the process.
        onPoolError: options.onPoolError ?? ((error) => console.error('[faultline] PostgreSQL connection lost', error)),
      },
    );
    // The one cast between the two generated clients (see StoreClient).
    client = new PostgresClient({ adapter }) as unknown as StoreClient;
  }
  for (const statement of dialect.sessionSetup) {
    if (statement.returnsRows) await client.$queryRawUnsafe(statement.sql);
    else await client.$executeRawUnsafe(statement.sql);
  }
  registerDialect(client, dialect);
  return { client, dialect };
}
