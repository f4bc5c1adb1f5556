/**
 * The test suite's throwaway PostgreSQL and Redis servers
 * (`test/support/postgres.ts`, `test/support/redis.ts`). Those modules use
 * extensionless relative imports (the test project's bundler resolution) and
 * the bench compiles with NodeNext, so they are imported through computed URLs
 * (tsx resolves them at run time) and typed here by what the benchmark calls.
 */

export interface ThrowawayPostgres {
  /** Create a fresh, empty database and return its `postgresql://` URL. */
  createDatabase(name?: string): Promise<string>;
  stop(): Promise<void>;
}

export interface ThrowawayRedis {
  readonly url: string;
  stop(): Promise<void>;
}

const SUPPORT = new URL('../../../test/support/', import.meta.url);

export async function startPostgres(): Promise<ThrowawayPostgres> {
  const module = (await import(new URL('postgres.ts', SUPPORT).href)) as {
    startPostgres(): Promise<ThrowawayPostgres>;
  };
  return module.startPostgres();
}

export async function startRedis(): Promise<ThrowawayRedis> {
  const module = (await import(new URL('redis.ts', SUPPORT).href)) as { startRedis(): Promise<ThrowawayRedis> };
  return module.startRedis();
}
