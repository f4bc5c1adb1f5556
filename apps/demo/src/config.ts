import { defaultUrl, SERVICE_NAMES, type ServiceName, urlVariable } from './topology.js';

/**
 * Every environment variable the demo reads, with its default. The compose
 * test checks docker-compose.yml against this list.
 */
export const ENV = {
  /** OTLP/HTTP base URL services export to (the dashboard, or a Collector's :4318). */
  ENDPOINT: 'FAULTLINE_ENDPOINT',
  /** Bearer token sent with every export (the dashboard's FAULTLINE_INGEST_TOKEN). */
  INGEST_TOKEN: 'FAULTLINE_INGEST_TOKEN',
  /** `protected` | `unprotected`. */
  MODE: 'FAULTLINE_DEMO_MODE',
  /** Time compression: story seconds per real second (30 s timeouts become 30/scale s). */
  TIME_SCALE: 'FAULTLINE_DEMO_TIME_SCALE',
  /** A service's listen address and port. */
  HOST: 'HOST',
  PORT: 'PORT',
  METRIC_INTERVAL_MS: 'FAULTLINE_DEMO_METRIC_INTERVAL_MS',
  /** Share of checkouts traced (metrics always count every call). */
  SAMPLE_RATIO: 'FAULTLINE_DEMO_SAMPLE_RATIO',
  /** payment-service database: pool size and per-query time when idle. */
  DB_POOL_SIZE: 'FAULTLINE_DEMO_DB_POOL_SIZE',
  DB_QUERY_MS: 'FAULTLINE_DEMO_DB_QUERY_MS',
  /** Load generator: normal checkouts per second, spike multiplier, afternoons replayed. */
  BASE_RPS: 'FAULTLINE_DEMO_BASE_RPS',
  SPIKE_FACTOR: 'FAULTLINE_DEMO_SPIKE_FACTOR',
  CYCLES: 'FAULTLINE_DEMO_CYCLES',
} as const;

/** `USER_SERVICE_URL`, `ORDER_SERVICE_URL`, …: where each service is reached. */
export const SERVICE_URL_VARIABLES: readonly string[] = SERVICE_NAMES.map(urlVariable);

export const MODES = ['protected', 'unprotected'] as const;
export type Mode = (typeof MODES)[number];

export const DEFAULTS = {
  endpoint: 'http://127.0.0.1:3000',
  mode: 'protected' as Mode,
  timeScale: 10,
  metricIntervalMs: 1000,
  sampleRatio: 0.2,
  dbPoolSize: 200,
  /** Measured on the 2-core reference machine with the dashboard and six services running (see README). */
  baseRps: 10,
  spikeFactor: 15,
  cycles: 3,
} as const;

export class DemoConfigError extends Error {
  override name = 'DemoConfigError';
}

type Env = Readonly<Record<string, string | undefined>>;

function numberFrom(
  env: Env,
  name: string,
  fallback: number,
  { min, integer = false }: { min: number; integer?: boolean },
) {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
    throw new DemoConfigError(`${name}: expected ${integer ? 'an integer' : 'a number'} >= ${min}, got "${raw}"`);
  }
  return value;
}

export function parseMode(value: string | undefined, origin: string): Mode {
  if (value === undefined || value === '') return DEFAULTS.mode;
  if ((MODES as readonly string[]).includes(value)) return value as Mode;
  throw new DemoConfigError(`${origin}: expected protected or unprotected, got "${value}"`);
}

export function serviceUrls(env: Env): Record<ServiceName, string> {
  const urls = {} as Record<ServiceName, string>;
  for (const name of SERVICE_NAMES) urls[name] = (env[urlVariable(name)] ?? defaultUrl(name)).replace(/\/+$/, '');
  return urls;
}

/** What one service process needs. */
export interface ServiceConfig {
  name: ServiceName;
  host: string;
  port: number;
  endpoint: string;
  ingestToken: string | undefined;
  mode: Mode;
  timeScale: number;
  metricIntervalMs: number;
  sampleRatio: number;
  urls: Record<ServiceName, string>;
  dbPoolSize: number;
  /** Per-query time of the idle database; null for the default (see paymentDatabase.ts). */
  dbQueryMs: number | null;
  baseRps: number;
  spikeFactor: number;
}

export function readServiceConfig(name: ServiceName, env: Env, defaultPort: number): ServiceConfig {
  const dbQuery = env[ENV.DB_QUERY_MS];
  return {
    name,
    host: env[ENV.HOST] || '127.0.0.1',
    port: numberFrom(env, ENV.PORT, defaultPort, { min: 0, integer: true }),
    endpoint: (env[ENV.ENDPOINT] || DEFAULTS.endpoint).replace(/\/+$/, ''),
    ingestToken: env[ENV.INGEST_TOKEN] || undefined,
    mode: parseMode(env[ENV.MODE], ENV.MODE),
    timeScale: numberFrom(env, ENV.TIME_SCALE, DEFAULTS.timeScale, { min: 1 }),
    metricIntervalMs: numberFrom(env, ENV.METRIC_INTERVAL_MS, DEFAULTS.metricIntervalMs, { min: 50, integer: true }),
    sampleRatio: Math.min(1, numberFrom(env, ENV.SAMPLE_RATIO, DEFAULTS.sampleRatio, { min: 0 })),
    urls: serviceUrls(env),
    dbPoolSize: numberFrom(env, ENV.DB_POOL_SIZE, DEFAULTS.dbPoolSize, { min: 1, integer: true }),
    dbQueryMs: dbQuery ? numberFrom(env, ENV.DB_QUERY_MS, 0, { min: 0.1 }) : null,
    baseRps: numberFrom(env, ENV.BASE_RPS, DEFAULTS.baseRps, { min: 0.1 }),
    spikeFactor: numberFrom(env, ENV.SPIKE_FACTOR, DEFAULTS.spikeFactor, { min: 1 }),
  };
}

/** What the load generator needs. */
export interface LoadConfig {
  target: string;
  baseRps: number;
  spikeFactor: number;
  timeScale: number;
  cycles: number;
}

export function readLoadConfig(env: Env): LoadConfig {
  return {
    target: serviceUrls(env)['user-service'],
    baseRps: numberFrom(env, ENV.BASE_RPS, DEFAULTS.baseRps, { min: 0.1 }),
    spikeFactor: numberFrom(env, ENV.SPIKE_FACTOR, DEFAULTS.spikeFactor, { min: 1 }),
    timeScale: numberFrom(env, ENV.TIME_SCALE, DEFAULTS.timeScale, { min: 1 }),
    cycles: numberFrom(env, ENV.CYCLES, DEFAULTS.cycles, { min: 1, integer: true }),
  };
}
