import type { AlertInstance, AlertTransition, Silence } from './alertTypes';
import type { AlertRule } from './ruleSchema';

/**
 * Persistence ports of the alert engine. Implemented in memory
 * (memoryAlertRepository.ts, tests) and over Prisma (prismaAlertRepository.ts).
 */
export interface RuleRepository {
  list(): Promise<AlertRule[]>;
  get(id: string): Promise<AlertRule | null>;
  /** Insert or replace by id. */
  save(rule: AlertRule): Promise<void>;
  delete(id: string): Promise<boolean>;
  /** Make the stored file rules exactly `rules` (source 'file'); API rules are untouched. */
  replaceFileRules(rules: AlertRule[]): Promise<void>;
}

export interface InstanceKey {
  ruleId: string;
  fingerprint: string;
}

export interface HistoryQuery {
  sinceMs?: number;
  limit?: number;
  ruleId?: string;
}

export interface InstanceRepository {
  /** Every stored instance (pending, firing, recently resolved). */
  load(): Promise<AlertInstance[]>;
  /** One write per tick: changed instances, removed ones, and transitions appended to history. */
  save(upserts: AlertInstance[], removed: InstanceKey[], transitions: AlertTransition[]): Promise<void>;
  /** Newest first. */
  history(query: HistoryQuery): Promise<AlertTransition[]>;
}

export interface SilenceRepository {
  list(): Promise<Silence[]>;
  save(silence: Silence): Promise<void>;
  delete(id: string): Promise<boolean>;
}
