import { hostname } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { parseDatabaseUrl } from '../store/databaseUrl';

/**
 * Server configuration, read once from the environment and validated at the
 * boundary so a typo fails at start with the variable named, not at 3 a.m.
 */
export interface DashboardConfig {
  port: number;
  host: string;
  databaseUrl: string;
  maxBodyBytes: number;
  ingestToken: string | null;
  /** Accept ingest from non-loopback peers without a token. */
  allowRemoteIngest: boolean;
  retentionHours: number;
  adminToken: string | null;
  /** Link template for traces: {service}, {peer}, {traceId} are substituted. */
  traceUrlTemplate: string;
  /** Rules kept in version control (YAML); a missing file means none. */
  alertsFile: string;
  /** Base URL people reach the dashboard at, for links in notifications. */
  publicUrl: string | null;
  /** Where the dashboard app (Next.js) lives; UI is served from here. */
  appDir: string;
  /** Redis for the socket.io adapter and peer model sync; null runs a single instance. */
  redisUrl: string | null;
  /** This instance's name in a cluster (lease holder, logs). */
  instanceId: string;
  /** How long the alert evaluator's lease lasts without renewal (failover time). */
  leaseMs: number;
  /**
   * Directory of the ingest journal (acknowledged requests not yet in the
   * database, replayed after a crash); null turns it off.
   */
  journalDir: string | null;
}

const MiB = 1024 * 1024;

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .regex(/^(file:|postgres(ql)?:\/\/)/, 'must start with file: (SQLite) or postgresql://')
    .default('file:./data/faultline.db'),
  FAULTLINE_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(512 * MiB)
    .default(16 * MiB),
  FAULTLINE_INGEST_TOKEN: z.string().min(1).optional(),
  FAULTLINE_ALLOW_REMOTE_INGEST: z.enum(['true', 'false', '1', '0']).optional(),
  FAULTLINE_RETENTION_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 365)
    .default(24),
  FAULTLINE_ADMIN_TOKEN: z.string().min(1).optional(),
  FAULTLINE_TRACE_URL_TEMPLATE: z.string().default('http://127.0.0.1:16686/trace/{traceId}'),
  FAULTLINE_ALERTS_FILE: z.string().min(1).default('faultline.alerts.yaml'),
  FAULTLINE_PUBLIC_URL: z.url().optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .optional(),
  FAULTLINE_INSTANCE_ID: z.string().min(1).max(200).optional(),
  FAULTLINE_LEASE_MS: z.coerce.number().int().min(1000).max(300_000).default(10_000),
  FAULTLINE_JOURNAL_DIR: z.string().min(1).optional(),
});

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parse the environment; throws ConfigError naming every invalid variable. */
export function readConfig(env: NodeJS.ProcessEnv, appDir: string): DashboardConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    maxBodyBytes: e.FAULTLINE_MAX_BODY_BYTES,
    ingestToken: e.FAULTLINE_INGEST_TOKEN ?? null,
    allowRemoteIngest: e.FAULTLINE_ALLOW_REMOTE_INGEST === 'true' || e.FAULTLINE_ALLOW_REMOTE_INGEST === '1',
    retentionHours: e.FAULTLINE_RETENTION_HOURS,
    adminToken: e.FAULTLINE_ADMIN_TOKEN ?? null,
    traceUrlTemplate: e.FAULTLINE_TRACE_URL_TEMPLATE,
    alertsFile: e.FAULTLINE_ALERTS_FILE,
    publicUrl: e.FAULTLINE_PUBLIC_URL ?? null,
    appDir: path.resolve(appDir),
    redisUrl: e.REDIS_URL ?? null,
    instanceId: e.FAULTLINE_INSTANCE_ID ?? `${hostname()}:${process.pid}`,
    leaseMs: e.FAULTLINE_LEASE_MS,
    journalDir: journalDir(e.FAULTLINE_JOURNAL_DIR, e.DATABASE_URL, e.FAULTLINE_INSTANCE_ID),
  };
}

/**
 * `FAULTLINE_JOURNAL_DIR`, `off` for none. By default the journal sits next
 * to the SQLite file (`faultline.db.journal/`), or, on PostgreSQL, under
 * `./data/journal/<instance id or host name>` — a name that survives a
 * restart, unlike the default instance id (which has the pid in it).
 */
function journalDir(
  configured: string | undefined,
  databaseUrl: string,
  instanceId: string | undefined,
): string | null {
  if (configured === 'off') return null;
  if (configured !== undefined) return path.resolve(configured);
  const database = parseDatabaseUrl(databaseUrl);
  if (database.provider === 'sqlite') return `${database.file}.journal`;
  return path.resolve('data', 'journal', (instanceId ?? hostname()).replace(/[^\w.-]/g, '_'));
}
