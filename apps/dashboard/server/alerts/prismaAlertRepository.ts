import type { Prisma, PrismaClient } from '../../generated/prisma/client';
import type {
  HistoryQuery,
  InstanceKey,
  InstanceRepository,
  RuleRepository,
  SilenceRepository,
} from './alertRepository';
import type { AlertInstance, AlertState, AlertTransition, LabelMatcher, Silence } from './alertTypes';
import { type AlertRule, validateRule } from './ruleSchema';

/**
 * The alert repositories over Prisma (tables AlertRule, AlertInstance,
 * AlertHistory, Silence of prisma/schema.prisma).
 *
 * Mapping notes — the schema has no columns for some rule fields, so they
 * travel in the rule's `condition` JSON: `{ kind, threshold,
 * keepFiringForSeconds, paused, source }`. `forSeconds` is `forMs / 1000`.
 * An instance's `keepFiringSinceMs` is not stored (a restart restarts the
 * keepFiringFor window); `notifiedState` is derived from `lastNotifiedMs`.
 * Rows are validated when read, so a hand-edited row cannot crash evaluation:
 * invalid ones are skipped and reported through `onError`.
 */
interface StoredCondition {
  kind: string;
  threshold: number | null;
  keepFiringForSeconds: number;
  paused: boolean;
  source: 'api' | 'file';
}

export interface PrismaAlertRepositoryOptions {
  onError?: (error: unknown) => void;
  now?: () => number;
}

export class PrismaRuleRepository implements RuleRepository {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly options: PrismaAlertRepositoryOptions = {},
  ) {}

  async list(): Promise<AlertRule[]> {
    const rows = await this.prisma.alertRule.findMany({ orderBy: { createdAtMs: 'asc' } });
    return rows.map((r) => this.toRule(r)).filter((r): r is AlertRule => r !== null);
  }

  async get(id: string): Promise<AlertRule | null> {
    const row = await this.prisma.alertRule.findUnique({ where: { id } });
    return row ? this.toRule(row) : null;
  }

  async save(rule: AlertRule): Promise<void> {
    const now = BigInt((this.options.now ?? Date.now)());
    const data = toRow(rule);
    await this.prisma.alertRule.upsert({
      where: { id: rule.id },
      create: { id: rule.id, ...data, createdAtMs: now, updatedAtMs: now },
      update: { ...data, updatedAtMs: now },
    });
  }

  async delete(id: string): Promise<boolean> {
    const { count } = await this.prisma.alertRule.deleteMany({ where: { id } });
    return count > 0;
  }

  async replaceFileRules(rules: AlertRule[]): Promise<void> {
    const keep = new Set(rules.map((r) => r.id));
    const stored = await this.list();
    const stale = stored.filter((r) => r.source === 'file' && !keep.has(r.id)).map((r) => r.id);
    if (stale.length > 0) await this.prisma.alertRule.deleteMany({ where: { id: { in: stale } } });
    for (const r of rules) await this.save({ ...r, source: 'file' });
  }

  private toRule(row: RuleRow): AlertRule | null {
    try {
      const condition = JSON.parse(row.condition) as StoredCondition;
      const result = validateRule(
        {
          id: row.id,
          source: condition.source ?? 'api',
          name: row.name,
          kind: condition.kind,
          selector: JSON.parse(row.selector),
          threshold: condition.threshold ?? null,
          forSeconds: Number(row.forMs) / 1000,
          keepFiringForSeconds: condition.keepFiringForSeconds ?? 0,
          severity: row.severity,
          labels: JSON.parse(row.labels),
          annotations: JSON.parse(row.annotations),
          channels: JSON.parse(row.channels),
          enabled: row.enabled,
          paused: condition.paused ?? false,
        },
        { id: row.id },
      );
      if (result.ok) return result.rule;
      throw new Error(`stored alert rule ${row.id} is invalid: ${JSON.stringify(result.errors)}`);
    } catch (err) {
      (this.options.onError ?? console.error)(err);
      return null;
    }
  }
}

type RuleRow = {
  id: string;
  name: string;
  enabled: boolean;
  severity: string;
  condition: string;
  selector: string;
  forMs: bigint;
  labels: string;
  annotations: string;
  channels: string;
};

function toRow(rule: AlertRule) {
  const condition: StoredCondition = {
    kind: rule.kind,
    threshold: rule.threshold,
    keepFiringForSeconds: rule.keepFiringForSeconds,
    paused: rule.paused,
    source: rule.source,
  };
  return {
    name: rule.name,
    enabled: rule.enabled,
    severity: rule.severity,
    condition: JSON.stringify(condition),
    selector: JSON.stringify(rule.selector),
    forMs: BigInt(Math.round(rule.forSeconds * 1000)),
    labels: JSON.stringify(rule.labels),
    annotations: JSON.stringify(rule.annotations),
    channels: JSON.stringify(rule.channels),
  };
}

export class PrismaInstanceRepository implements InstanceRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async load(): Promise<AlertInstance[]> {
    const rows = await this.prisma.alertInstance.findMany({ include: { rule: { select: { name: true } } } });
    return rows.map((r) => {
      const state = r.state as AlertState;
      const lastNotifiedMs = num(r.lastNotifiedMs);
      const resolvedAtMs = num(r.resolvedAtMs);
      let notifiedState: AlertInstance['notifiedState'] = null;
      if (lastNotifiedMs !== null) {
        notifiedState =
          state === 'resolved' && resolvedAtMs !== null && lastNotifiedMs >= resolvedAtMs ? 'resolved' : 'firing';
      }
      return {
        ruleId: r.ruleId,
        ruleName: r.rule.name,
        fingerprint: r.fingerprint,
        state,
        labels: JSON.parse(r.labels),
        annotations: JSON.parse(r.annotations),
        value: r.value,
        activeAtMs: Number(r.activeAtMs),
        firedAtMs: num(r.firedAtMs),
        resolvedAtMs,
        keepFiringSinceMs: null,
        lastEvalMs: Number(r.lastEvalMs),
        lastNotifiedMs,
        notifiedState,
      };
    });
  }

  async save(upserts: AlertInstance[], removed: InstanceKey[], transitions: AlertTransition[]): Promise<void> {
    // Instances reference their rule; a rule deleted meanwhile took its instances with it (cascade).
    const ruleIds = [...new Set(upserts.map((i) => i.ruleId))];
    const existing = new Set(
      ruleIds.length === 0
        ? []
        : (await this.prisma.alertRule.findMany({ where: { id: { in: ruleIds } }, select: { id: true } })).map(
            (r) => r.id,
          ),
    );
    const ops: Prisma.PrismaPromise<unknown>[] = [
      ...removed.map((k) =>
        this.prisma.alertInstance.deleteMany({ where: { ruleId: k.ruleId, fingerprint: k.fingerprint } }),
      ),
      ...upserts
        .filter((i) => existing.has(i.ruleId))
        .map((i) => {
          const data = {
            state: i.state,
            labels: JSON.stringify(i.labels),
            annotations: JSON.stringify(i.annotations),
            value: i.value,
            activeAtMs: BigInt(i.activeAtMs),
            firedAtMs: big(i.firedAtMs),
            resolvedAtMs: big(i.resolvedAtMs),
            lastEvalMs: BigInt(i.lastEvalMs),
            lastNotifiedMs: big(i.lastNotifiedMs),
          };
          return this.prisma.alertInstance.upsert({
            where: { ruleId_fingerprint: { ruleId: i.ruleId, fingerprint: i.fingerprint } },
            create: { id: `${i.ruleId}:${i.fingerprint}`, ruleId: i.ruleId, fingerprint: i.fingerprint, ...data },
            update: data,
          });
        }),
    ];
    if (transitions.length > 0) {
      ops.push(
        this.prisma.alertHistory.createMany({
          data: transitions.map((t) => ({
            ruleId: t.ruleId,
            ruleName: t.ruleName,
            fingerprint: t.fingerprint,
            fromState: t.from,
            toState: t.to,
            atMs: BigInt(t.atMs),
            value: t.value,
            labels: JSON.stringify(t.labels),
            annotations: JSON.stringify(t.annotations),
          })),
        }),
      );
    }
    if (ops.length > 0) await this.prisma.$transaction(ops);
  }

  async history(query: HistoryQuery): Promise<AlertTransition[]> {
    const rows = await this.prisma.alertHistory.findMany({
      where: {
        ...(query.sinceMs !== undefined ? { atMs: { gte: BigInt(query.sinceMs) } } : {}),
        ...(query.ruleId ? { ruleId: query.ruleId } : {}),
      },
      orderBy: [{ atMs: 'desc' }, { id: 'desc' }],
      take: query.limit ?? 100,
    });
    return rows.map((r) => ({
      ruleId: r.ruleId,
      ruleName: r.ruleName,
      fingerprint: r.fingerprint,
      from: (r.fromState ?? 'normal') as AlertTransition['from'],
      to: r.toState as AlertTransition['to'],
      atMs: Number(r.atMs),
      value: r.value,
      labels: JSON.parse(r.labels),
      annotations: JSON.parse(r.annotations),
    }));
  }
}

export class PrismaSilenceRepository implements SilenceRepository {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly now: () => number = Date.now,
  ) {}

  async list(): Promise<Silence[]> {
    const rows = await this.prisma.silence.findMany({ orderBy: { endsAtMs: 'asc' } });
    return rows.map((r) => ({
      id: r.id,
      matchers: JSON.parse(r.matchers) as LabelMatcher[],
      startsAtMs: Number(r.startsAtMs),
      endsAtMs: Number(r.endsAtMs),
      createdBy: r.createdBy,
      comment: r.comment,
    }));
  }

  async save(s: Silence): Promise<void> {
    const data = {
      matchers: JSON.stringify(s.matchers),
      startsAtMs: BigInt(s.startsAtMs),
      endsAtMs: BigInt(s.endsAtMs),
      createdBy: s.createdBy,
      comment: s.comment,
    };
    await this.prisma.silence.upsert({
      where: { id: s.id },
      create: { id: s.id, ...data, createdAtMs: BigInt(this.now()) },
      update: data,
    });
  }

  async delete(id: string): Promise<boolean> {
    const { count } = await this.prisma.silence.deleteMany({ where: { id } });
    return count > 0;
  }
}

function num(v: bigint | null): number | null {
  return v === null ? null : Number(v);
}

function big(v: number | null): bigint | null {
  return v === null ? null : BigInt(v);
}
