import type {
  HistoryQuery,
  InstanceKey,
  InstanceRepository,
  RuleRepository,
  SilenceRepository,
} from './alertRepository';
import type { AlertInstance, AlertTransition, Silence } from './alertTypes';
import type { AlertRule } from './ruleSchema';

/** In-memory repositories: tests, and a server started without a database. */
export class MemoryRuleRepository implements RuleRepository {
  private readonly rules = new Map<string, AlertRule>();

  constructor(initial: AlertRule[] = []) {
    for (const r of initial) this.rules.set(r.id, r);
  }

  async list(): Promise<AlertRule[]> {
    return [...this.rules.values()];
  }

  async get(id: string): Promise<AlertRule | null> {
    return this.rules.get(id) ?? null;
  }

  async save(rule: AlertRule): Promise<void> {
    this.rules.set(rule.id, rule);
  }

  async delete(id: string): Promise<boolean> {
    return this.rules.delete(id);
  }

  async replaceFileRules(rules: AlertRule[]): Promise<void> {
    for (const [id, r] of this.rules) if (r.source === 'file') this.rules.delete(id);
    for (const r of rules) this.rules.set(r.id, { ...r, source: 'file' });
  }
}

export class MemoryInstanceRepository implements InstanceRepository {
  readonly instances = new Map<string, AlertInstance>();
  readonly transitions: AlertTransition[] = [];

  async load(): Promise<AlertInstance[]> {
    return [...this.instances.values()].map((i) => structuredClone(i));
  }

  async save(upserts: AlertInstance[], removed: InstanceKey[], transitions: AlertTransition[]): Promise<void> {
    for (const k of removed) this.instances.delete(`${k.ruleId}\u0000${k.fingerprint}`);
    for (const i of upserts) this.instances.set(`${i.ruleId}\u0000${i.fingerprint}`, structuredClone(i));
    this.transitions.push(...transitions);
  }

  async history(query: HistoryQuery): Promise<AlertTransition[]> {
    return this.transitions
      .filter(
        (t) => (query.sinceMs === undefined || t.atMs >= query.sinceMs) && (!query.ruleId || t.ruleId === query.ruleId),
      )
      .reverse()
      .slice(0, query.limit ?? 100);
  }
}

export class MemorySilenceRepository implements SilenceRepository {
  private readonly silences = new Map<string, Silence>();

  async list(): Promise<Silence[]> {
    return [...this.silences.values()];
  }

  async save(silence: Silence): Promise<void> {
    this.silences.set(silence.id, silence);
  }

  async delete(id: string): Promise<boolean> {
    return this.silences.delete(id);
  }
}
