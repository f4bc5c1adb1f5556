import { type AlertmanagerWebhookPayload, buildPayload } from './alertmanagerPayload';
import type { InstanceKey, InstanceRepository, RuleRepository, SilenceRepository } from './alertRepository';
import type { AlertInstance, AlertSnapshot, AlertTransition, Silence } from './alertTypes';
import { evaluate, matchSubjects } from './evaluator';
import { type AlertGroup, groupAlerts } from './grouping';
import type { AlertChannel, AlertRule } from './ruleSchema';
import { silencedBy } from './silences';

/**
 * The alerting loop: evaluate (pure) → decide what to notify (grouping,
 * silences, de-duplication) → hand notifications to `notify` → persist
 * changes in the background. `tick` never awaits I/O, so neither the
 * database nor a webhook receiver can stall evaluation.
 *
 * Notification rules (Alertmanager's, reduced to what a single process
 * needs):
 * - a group is notified when one of its alerts starts firing, resolves after
 *   a firing notification, or has been firing for `repeatIntervalMs` since it
 *   was last notified; the notification carries every firing alert of the
 *   group plus those just resolved;
 * - silenced alerts are left out; a resolution is announced only for an
 *   alert whose firing was announced;
 * - instances loaded at start keep their notified state, so a restart does
 *   not page again for alerts that were already firing.
 */
export interface WebhookNotification {
  url: string;
  receiver: string;
  payload: AlertmanagerWebhookPayload;
}

export interface AlertNotification {
  group: AlertGroup;
  status: 'firing' | 'resolved';
  /** One payload per webhook URL among the group's rules' channels. */
  webhooks: WebhookNotification[];
  /** Whether a rule of the group has the `ui` channel (toast). */
  ui: boolean;
}

export interface EngineClock {
  now(): number;
}

export interface AlertEngineOptions {
  rules: RuleRepository;
  instances: InstanceRepository;
  silences?: SilenceRepository;
  /** Called synchronously from tick; must not block (enqueue to a WebhookSender, emit to sockets). */
  notify: (notification: AlertNotification) => void;
  clock?: EngineClock;
  /** Base URL of the dashboard, for generatorURL / externalURL. */
  externalUrl: string;
  /** Re-notify still-firing groups after this long. Default 4 h (Alertmanager's repeat_interval). */
  repeatIntervalMs?: number;
  resolvedRetentionMs?: number;
  /** Alertmanager max_alerts per payload; 0 = unlimited. */
  maxAlertsPerPayload?: number;
  /** Background persistence failures. Default console.error. */
  onError?: (error: unknown) => void;
}

export interface TickResult {
  transitions: AlertTransition[];
  notifications: AlertNotification[];
  evaluationMs: number;
}

/** An instance as the API and UI show it. */
export interface AlertView extends AlertInstance {
  silencedBy: string | null;
  /** Key of the group it belongs to (root cause or rule). */
  group: string | null;
  rootCause: string | null;
  source: 'api' | 'file' | null;
}

const DEFAULT_REPEAT_MS = 4 * 3_600_000;

export class AlertEngine {
  private readonly options: AlertEngineOptions;
  private readonly clock: EngineClock;
  private rules: AlertRule[] = [];
  /** Channels of every rule seen, kept after deletion so resolutions still reach receivers. */
  private readonly channelsByRule = new Map<string, AlertChannel[]>();
  private silences: Silence[] = [];
  private instances: AlertInstance[] = [];
  private lastGroups = new Map<string, AlertGroup>();
  /** Signature of each instance as last persisted, to write only what changed. */
  private persisted = new Map<string, string>();
  private writing: Promise<void> = Promise.resolve();
  private started = false;

  constructor(options: AlertEngineOptions) {
    this.options = options;
    this.clock = options.clock ?? { now: () => Date.now() };
  }

  /** Load rules, silences and stored instances. Call once before the first tick. */
  async start(): Promise<void> {
    await this.reloadRules();
    await this.reloadSilences();
    this.instances = await this.options.instances.load();
    this.persisted = new Map(this.instances.map((i) => [key(i), signature(i)]));
    this.started = true;
  }

  /** Re-read rules after the API or the rule file changed them. */
  async reloadRules(): Promise<void> {
    this.rules = await this.options.rules.list();
    for (const r of this.rules) this.channelsByRule.set(r.id, r.channels);
  }

  async reloadSilences(): Promise<void> {
    this.silences = (await this.options.silences?.list()) ?? [];
  }

  /** Evaluate on the fixed interval. */
  tick(snapshot: AlertSnapshot): TickResult {
    if (!this.started) throw new Error('AlertEngine.start() must complete before tick()');
    const now = this.clock.now();
    const t0 = performance.now();
    const previous = this.instances;
    const { instances, transitions } = evaluate(this.rules, snapshot, now, previous, {
      resolvedRetentionMs: this.options.resolvedRetentionMs,
    });
    const evaluationMs = performance.now() - t0;
    this.instances = instances;
    const notifications = this.decideNotifications(snapshot, now);
    for (const n of notifications) {
      try {
        this.options.notify(n);
      } catch (err) {
        this.reportError(err);
      }
    }
    this.persist(transitions);
    return { transitions, notifications, evaluationMs };
  }

  /** Evaluate at once when a breaker changes state (not waiting for the next tick). */
  onBreakerTransition(snapshot: AlertSnapshot): TickResult {
    return this.tick(snapshot);
  }

  /** Which instances a (not yet saved) rule would produce right now, without state. */
  preview(rule: AlertRule, snapshot: AlertSnapshot): { matched: number; wouldAlert: AlertInstance[] } {
    const now = this.clock.now();
    const matched = matchSubjects(rule, snapshot, now).length;
    const { instances } = evaluate([{ ...rule, enabled: true, paused: false }], snapshot, now, []);
    return { matched, wouldAlert: instances };
  }

  /** Active (pending, firing) and recently resolved instances, with silence and group. */
  alerts(): AlertView[] {
    const now = this.clock.now();
    const groupOf = new Map<string, AlertGroup>();
    for (const g of this.lastGroups.values()) for (const a of g.alerts) groupOf.set(key(a), g);
    const sourceOf = new Map(this.rules.map((r) => [r.id, r.source]));
    return this.instances.map((i) => {
      const g = groupOf.get(key(i));
      return {
        ...i,
        silencedBy: silencedBy(i.labels, this.silences, now),
        group: g?.key ?? null,
        rootCause: g?.rootCause ?? null,
        source: sourceOf.get(i.ruleId) ?? null,
      };
    });
  }

  /** Silences that are active or scheduled. */
  activeSilences(): Silence[] {
    const now = this.clock.now();
    return this.silences.filter((s) => s.endsAtMs > now);
  }

  /** Wait for background writes (tests, shutdown). */
  async flush(): Promise<void> {
    await this.writing;
  }

  private decideNotifications(snapshot: AlertSnapshot, now: number): AlertNotification[] {
    const repeat = this.options.repeatIntervalMs ?? DEFAULT_REPEAT_MS;
    const candidates = this.instances.filter(
      (i) =>
        (i.state === 'firing' || (i.state === 'resolved' && i.notifiedState === 'firing')) &&
        silencedBy(i.labels, this.silences, now) === null,
    );
    const groups = groupAlerts(candidates, snapshot.topology.cascade);
    this.lastGroups = new Map(groups.map((g) => [g.key, g]));
    const byKey = new Map(this.instances.map((i) => [key(i), i]));
    const out: AlertNotification[] = [];
    for (const group of groups) {
      const due = group.alerts.some(
        (a) =>
          (a.state === 'firing' && a.notifiedState !== 'firing') ||
          (a.state === 'resolved' && a.notifiedState === 'firing') ||
          (a.state === 'firing' && a.lastNotifiedMs !== null && now - a.lastNotifiedMs >= repeat),
      );
      if (!due) continue;
      out.push(this.notification(group));
      for (const a of group.alerts) {
        const own = byKey.get(key(a));
        if (!own) continue;
        own.notifiedState = own.state === 'resolved' ? 'resolved' : 'firing';
        own.lastNotifiedMs = now;
      }
    }
    return out;
  }

  private notification(group: AlertGroup): AlertNotification {
    const byUrl = new Map<string, { receiver: string; alerts: AlertInstance[] }>();
    let ui = false;
    for (const a of group.alerts) {
      for (const ch of this.channelsByRule.get(a.ruleId) ?? []) {
        if (ch.type === 'ui') {
          ui = true;
          continue;
        }
        const entry = byUrl.get(ch.url);
        if (entry) entry.alerts.push(a);
        else byUrl.set(ch.url, { receiver: ch.name ?? 'webhook', alerts: [a] });
      }
    }
    const webhooks = [...byUrl].map(([url, { receiver, alerts }]) => ({
      url,
      receiver,
      payload: buildPayload(group, alerts, {
        receiver,
        externalUrl: this.options.externalUrl,
        maxAlerts: this.options.maxAlertsPerPayload,
      }),
    }));
    const status = group.alerts.some((a) => a.state === 'firing') ? 'firing' : 'resolved';
    return { group, status, webhooks, ui };
  }

  private persist(transitions: AlertTransition[]): void {
    const upserts: AlertInstance[] = [];
    const next = new Map<string, string>();
    for (const i of this.instances) {
      const k = key(i);
      const sig = signature(i);
      next.set(k, sig);
      if (this.persisted.get(k) !== sig) upserts.push(structuredClone(i));
    }
    const removed: InstanceKey[] = [];
    for (const k of this.persisted.keys()) {
      if (next.has(k)) continue;
      const [ruleId = '', fingerprint = ''] = k.split('\u0000');
      removed.push({ ruleId, fingerprint });
    }
    this.persisted = next;
    if (upserts.length === 0 && removed.length === 0 && transitions.length === 0) return;
    this.writing = this.writing
      .then(() => this.options.instances.save(upserts, removed, transitions))
      .catch((err) => this.reportError(err));
  }

  private reportError(err: unknown): void {
    (this.options.onError ?? ((e) => console.error('[faultline] alerts:', e)))(err);
  }
}

function key(i: { ruleId: string; fingerprint: string }): string {
  return `${i.ruleId}\u0000${i.fingerprint}`;
}

/** What is worth a database write: state and notification changes, not every new value. */
function signature(i: AlertInstance): string {
  return `${i.state}|${i.activeAtMs}|${i.firedAtMs}|${i.resolvedAtMs}|${i.lastNotifiedMs}|${i.notifiedState}`;
}
