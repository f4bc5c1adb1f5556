/**
 * Saga runs in the database: batched writes of assembled runs, keyset-paged
 * listing, single runs with their steps, per-type statistics and retention.
 *
 * Everything goes through raw SQL on the shared Prisma client, written once
 * for SQLite and PostgreSQL (store/sqlDialect.ts says what that allows): multi-row
 * `INSERT … ON CONFLICT DO UPDATE` for writes (one round trip per few hundred
 * rows, as in store/rollupSql.ts), and hand-written reads whose plans are pinned
 * by the indexes in prisma/schema.prisma. Measured with benchSagaRepository.ts
 * (see its header for the figures).
 */
import { dialectOf, type SqlDialect } from '../store/sqlDialect';
import type { StoreClient } from '../store/storeClient';
import type {
  SagaRunDetail,
  SagaRunSummary,
  SagaRunsPage,
  SagaStatsPoint,
  SagaStatus,
  SagaStepView,
} from './sagaApiTypes';
import type { SagaRunRecord, SagaStepRecord } from './sagaRunRecord';
import { mergeRunRows, runRowFromRecord, type SagaRunRow, summaryOf } from './sagaRunRow';

export const MAX_PAGE_SIZE = 500;

export interface SagaListFilter {
  name?: string;
  status?: SagaStatus;
  /** Runs started at or after (epoch ms). */
  from?: number;
  /** Runs started before (epoch ms). */
  to?: number;
  /** 1 … 500. */
  limit: number;
  /** `nextCursor` of the previous page. */
  cursor?: SagaCursor;
}

/** Position after the last run of a page (pages run newest first). */
export interface SagaCursor {
  startedAt: number;
  id: string;
}

export interface SagaStatsQuery {
  name?: string;
  from: number;
  to: number;
  bucketMs: number;
}

export interface SagaRepository {
  /** Stores the runs (merged with what is stored) and their steps; returns the stored summaries. */
  save(records: readonly SagaRunRecord[], nowMs: number): Promise<SagaRunSummary[]>;
  list(filter: SagaListFilter): Promise<SagaRunsPage>;
  get(id: string): Promise<SagaRunDetail | null>;
  stats(query: SagaStatsQuery): Promise<SagaStatsPoint[]>;
  /** Marks stored `running` runs started before `startedBeforeMs` as `stuck`; returns them. */
  markStuck(startedBeforeMs: number, nowMs: number): Promise<SagaRunSummary[]>;
  /** Deletes runs (and their steps) started before `beforeMs`; returns how many runs. */
  prune(beforeMs: number): Promise<number>;
}

export function encodeCursor(cursor: SagaCursor): string {
  return Buffer.from(JSON.stringify([cursor.startedAt, cursor.id])).toString('base64url');
}

/** null when the text is not a cursor this repository issued. */
export function decodeCursor(text: string): SagaCursor | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length !== 2) return null;
    const [startedAt, id] = value as unknown[];
    if (typeof startedAt !== 'number' || !Number.isSafeInteger(startedAt) || typeof id !== 'string') return null;
    return { startedAt, id };
  } catch {
    return null;
  }
}

const RUN_COLUMNS = [
  'id',
  'name',
  'service',
  'status',
  'startedAtMs',
  'endedAtMs',
  'traceId',
  'failedStep',
  'error',
  'services',
  'updatedAtMs',
] as const;
const STEP_COLUMNS = [
  'runId',
  'spanId',
  'name',
  'stepIndex',
  'service',
  'kind',
  'status',
  'error',
  'startedAtMs',
  'endedAtMs',
] as const;
/** Rows per multi-row statement: SQLite allows 32 766 parameters; smaller statements let the event loop breathe. */
const ROWS_PER_STATEMENT = 300;
const RUN_SELECT = `SELECT "id","name","service","status","startedAtMs","endedAtMs","traceId","failedStep","error","services" FROM "SagaRun"`;

interface RunDbRow {
  id: string;
  name: string;
  service: string;
  status: string;
  startedAtMs: bigint | number;
  endedAtMs: bigint | number | null;
  traceId: string | null;
  failedStep: string | null;
  error: string | null;
  services: string;
}

interface StepDbRow {
  spanId: string;
  name: string;
  stepIndex: bigint | number | null;
  service: string;
  kind: string;
  status: string;
  error: string | null;
  startedAtMs: bigint | number;
  endedAtMs: bigint | number;
}

function toRunRow(r: RunDbRow): SagaRunRow {
  let services: string[] = [];
  try {
    const parsed: unknown = JSON.parse(r.services);
    if (Array.isArray(parsed)) services = parsed.filter((s): s is string => typeof s === 'string');
  } catch {
    // A hand-edited row; the services are cosmetic.
  }
  return {
    id: r.id,
    name: r.name,
    service: r.service,
    status: r.status as SagaStatus,
    startedAtMs: Number(r.startedAtMs),
    endedAtMs: r.endedAtMs === null ? null : Number(r.endedAtMs),
    traceId: r.traceId,
    failedStep: r.failedStep,
    error: r.error,
    services,
  };
}

function toStepView(r: StepDbRow): SagaStepView {
  const step: SagaStepView = {
    name: r.name,
    index: r.stepIndex === null ? null : Number(r.stepIndex),
    kind: r.kind === 'compensation' ? 'compensation' : 'action',
    service: r.service,
    status: r.status,
    startedAt: Number(r.startedAtMs),
    endedAt: Number(r.endedAtMs),
    spanId: r.spanId,
  };
  if (r.error !== null) step.error = r.error;
  return step;
}

function placeholders(rows: number, columns: number): string {
  const row = `(${Array.from({ length: columns }, () => '?').join(',')})`;
  return Array.from({ length: rows }, () => row).join(',');
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const quoted = (columns: readonly string[]) => columns.map((c) => `"${c}"`).join(',');
const updateAll = (columns: readonly string[], key: readonly string[]) =>
  columns
    .filter((c) => !key.includes(c))
    .map((c) => `"${c}"=excluded."${c}"`)
    .join(',');

/** Integer percent p: nearest-rank position ceil(p/100 · n) in integer arithmetic. */
const rank = (p: number) => `((${p} * n + 99) / 100)`;

export class PrismaSagaRepository implements SagaRepository {
  private readonly dialect: SqlDialect;

  /**
   * @param prisma the process's one client (PrismaHistoryStore.client); this class never disconnects it.
   * @param dialect default: the client's (store/sqlDialect.ts dialectOf).
   */
  constructor(
    private readonly prisma: StoreClient,
    dialect?: SqlDialect,
  ) {
    this.dialect = dialect ?? dialectOf(prisma);
  }

  private query<T>(sql: string, ...params: unknown[]): Promise<T> {
    return this.prisma.$queryRawUnsafe<T>(this.dialect.sql(sql), ...params);
  }

  private execute(sql: string, ...params: unknown[]) {
    return this.prisma.$executeRawUnsafe(this.dialect.sql(sql), ...params);
  }

  async save(records: readonly SagaRunRecord[], nowMs: number): Promise<SagaRunSummary[]> {
    if (records.length === 0) return [];
    const latest = new Map<string, SagaRunRecord>();
    for (const r of records) latest.set(r.id, r);
    const incoming = [...latest.values()];
    const stored = new Map<string, SagaRunRow>();
    for (const part of chunks(incoming, ROWS_PER_STATEMENT)) {
      const rows = await this.query<RunDbRow[]>(
        `${RUN_SELECT} WHERE "id" IN (${part.map(() => '?').join(',')})`,
        ...part.map((r) => r.id),
      );
      for (const row of rows) stored.set(row.id, toRunRow(row));
    }
    const merged = incoming.map((r) => mergeRunRows(stored.get(r.id), runRowFromRecord(r)));
    // One row per key and statement (PostgreSQL refuses to upsert a row twice
    // in one statement): a span reported twice keeps its last report.
    const stepsByKey = new Map<string, { runId: string; step: SagaStepRecord }>();
    for (const r of incoming)
      for (const step of r.steps) stepsByKey.set(`${r.id}\u0000${step.spanId}`, { runId: r.id, step });
    const steps = [...stepsByKey.values()];

    const statements = [
      ...chunks(merged, ROWS_PER_STATEMENT).map((part) =>
        this.execute(
          `INSERT INTO "SagaRun" (${quoted(RUN_COLUMNS)}) VALUES ${placeholders(part.length, RUN_COLUMNS.length)} ` +
            `ON CONFLICT ("id") DO UPDATE SET ${updateAll(RUN_COLUMNS, ['id'])}`,
          ...part.flatMap((row) => [
            row.id,
            row.name,
            row.service,
            row.status,
            row.startedAtMs,
            row.endedAtMs,
            row.traceId,
            row.failedStep,
            row.error,
            JSON.stringify(row.services),
            nowMs,
          ]),
        ),
      ),
      // Steps are keyed by span: a run reported again replaces its steps one
      // by one and keeps those a partial (late-span) report does not carry.
      ...chunks(steps, ROWS_PER_STATEMENT).map((part) =>
        this.execute(
          `INSERT INTO "SagaStep" (${quoted(STEP_COLUMNS)}) VALUES ${placeholders(part.length, STEP_COLUMNS.length)} ` +
            `ON CONFLICT ("runId","spanId") DO UPDATE SET ${updateAll(STEP_COLUMNS, ['runId', 'spanId'])}`,
          ...part.flatMap(({ runId, step }) => [
            runId,
            step.spanId,
            step.name,
            step.index,
            step.service,
            step.kind,
            step.status,
            step.error ?? null,
            // Span times may carry fractions of a millisecond; columns hold whole ms.
            Math.round(step.startedAt),
            Math.round(step.endedAt),
          ]),
        ),
      ),
    ];
    await this.prisma.$transaction(statements);
    return merged.map(summaryOf);
  }

  async list(filter: SagaListFilter): Promise<SagaRunsPage> {
    const limit = Math.min(Math.max(1, Math.trunc(filter.limit)), MAX_PAGE_SIZE);
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.name !== undefined) {
      where.push('"name" = ?');
      params.push(filter.name);
    }
    if (filter.status !== undefined) {
      where.push('"status" = ?');
      params.push(filter.status);
    }
    if (filter.from !== undefined) {
      where.push('"startedAtMs" >= ?');
      params.push(BigInt(Math.ceil(filter.from)));
    }
    if (filter.to !== undefined) {
      where.push('"startedAtMs" < ?');
      params.push(BigInt(Math.ceil(filter.to)));
    }
    if (filter.cursor !== undefined) {
      // Row-value comparison: one range on the (…, startedAtMs, id) index.
      where.push('("startedAtMs", "id") < (?, ?)');
      params.push(BigInt(filter.cursor.startedAt), filter.cursor.id);
    }
    const sql =
      `${RUN_SELECT}${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ` +
      `ORDER BY "startedAtMs" DESC, "id" DESC LIMIT ${limit + 1}`;
    const rows = (await this.query<RunDbRow[]>(sql, ...params)).map(toRunRow);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      runs: page.map(summaryOf),
      nextCursor: rows.length > limit && last ? encodeCursor({ startedAt: last.startedAtMs, id: last.id }) : null,
    };
  }

  async get(id: string): Promise<SagaRunDetail | null> {
    const [runs, steps] = await Promise.all([
      this.query<RunDbRow[]>(`${RUN_SELECT} WHERE "id" = ?`, id),
      this.query<StepDbRow[]>(
        `SELECT "spanId","name","stepIndex","service","kind","status","error","startedAtMs","endedAtMs" FROM "SagaStep" ` +
          `WHERE "runId" = ? ORDER BY "startedAtMs", COALESCE("stepIndex", 9007199254740991), "kind" = 'compensation', "spanId"`,
        id,
      ),
    ]);
    const run = runs[0];
    if (!run) return null;
    return { ...summaryOf(toRunRow(run)), steps: steps.map(toStepView) };
  }

  /**
   * One statement: bucket by start time, count, and take nearest-rank
   * percentiles of finished runs' durations with window functions — the same
   * definitions as sagaStats() (sagaStats.ts), without moving every run into JS.
   */
  async stats(query: SagaStatsQuery): Promise<SagaStatsPoint[]> {
    const bucket = BigInt(Math.max(1, Math.round(query.bucketMs)));
    const params: unknown[] = [bucket, bucket, BigInt(Math.ceil(query.from)), BigInt(Math.ceil(query.to))];
    let nameFilter = '';
    if (query.name !== undefined) {
      nameFilter = ' AND "name" = ?';
      params.push(query.name);
    }
    const finished = `"status" IN ('completed','compensated','failed') AND "endedAtMs" IS NOT NULL`;
    const rows = await this.query<
      {
        name: string;
        b: bigint | number;
        runs: bigint | number;
        finished: bigint | number;
        undone: bigint | number;
        failed: bigint | number;
        p50: bigint | number | null;
        p95: bigint | number | null;
        p99: bigint | number | null;
      }[]
    >(
      `WITH r AS (
         SELECT "name" AS name, ("startedAtMs" / ?) * ? AS b, "status" AS status,
                CASE WHEN ${finished} THEN "endedAtMs" - "startedAtMs" END AS d
         FROM "SagaRun" WHERE "startedAtMs" >= ? AND "startedAtMs" < ?${nameFilter}
       ),
       agg AS (
         SELECT name, b, COUNT(*) AS runs, COUNT(d) AS finished,
                SUM(CASE WHEN d IS NOT NULL AND status IN ('compensated','failed') THEN 1 ELSE 0 END) AS undone,
                SUM(CASE WHEN d IS NOT NULL AND status = 'failed' THEN 1 ELSE 0 END) AS failed
         FROM r GROUP BY name, b
       ),
       ranked AS (
         SELECT name, b, d,
                ROW_NUMBER() OVER (PARTITION BY name, b ORDER BY d) AS rn,
                COUNT(*) OVER (PARTITION BY name, b) AS n
         FROM r WHERE d IS NOT NULL
       ),
       pct AS (
         SELECT name, b,
                MAX(CASE WHEN rn = ${rank(50)} THEN d END) AS p50,
                MAX(CASE WHEN rn = ${rank(95)} THEN d END) AS p95,
                MAX(CASE WHEN rn = ${rank(99)} THEN d END) AS p99
         FROM ranked GROUP BY name, b
       )
       SELECT agg.name AS name, agg.b AS b, runs, finished, undone, failed, p50, p95, p99
       FROM agg LEFT JOIN pct ON pct.name = agg.name AND pct.b = agg.b
       ORDER BY agg.name, agg.b`,
      ...params,
    );
    return rows.map((row) => {
      const done = Number(row.finished);
      const any = done > 0;
      const num = (v: bigint | number | null) => (v === null ? null : Number(v));
      return {
        name: row.name,
        bucketStartMs: Number(row.b),
        runs: Number(row.runs),
        unfinished: Number(row.runs) - done,
        compensationRate: any ? Number(row.undone) / done : null,
        failureRate: any ? Number(row.failed) / done : null,
        p50Ms: any ? num(row.p50) : null,
        p95Ms: any ? num(row.p95) : null,
        p99Ms: any ? num(row.p99) : null,
      };
    });
  }

  async markStuck(startedBeforeMs: number, nowMs: number): Promise<SagaRunSummary[]> {
    const rows = await this.query<RunDbRow[]>(
      `UPDATE "SagaRun" SET "status" = 'stuck', "updatedAtMs" = ? WHERE "status" = 'running' AND "startedAtMs" < ? ` +
        `RETURNING "id","name","service","status","startedAtMs","endedAtMs","traceId","failedStep","error","services"`,
      BigInt(Math.round(nowMs)),
      BigInt(Math.ceil(startedBeforeMs)),
    );
    return rows.map((r) => summaryOf(toRunRow(r)));
  }

  async prune(beforeMs: number): Promise<number> {
    const before = BigInt(Math.ceil(beforeMs));
    // Steps first and explicitly: the foreign key's ON DELETE CASCADE only
    // acts when the connection enabled foreign_keys.
    const [, runs] = await this.prisma.$transaction([
      this.execute(
        `DELETE FROM "SagaStep" WHERE "runId" IN (SELECT "id" FROM "SagaRun" WHERE "startedAtMs" < ?)`,
        before,
      ),
      this.execute(`DELETE FROM "SagaRun" WHERE "startedAtMs" < ?`, before),
    ]);
    return runs;
  }
}
