import type { Router } from '../http/router';
import type { StoreClient } from '../store/storeClient';
import { AlertEngine, type AlertNotification } from './alertEngine';
import type { AlertmanagerWebhookPayload } from './alertmanagerPayload';
import { type AlertRouteHandler, createAlertRoutes } from './alertRoutes';
import type { AlertSnapshot } from './alertTypes';
import { NotificationOutbox, type OutboxEntry } from './notificationOutbox';
import { PrismaInstanceRepository, PrismaRuleRepository, PrismaSilenceRepository } from './prismaAlertRepository';
import { type RuleFileWatcher, watchRuleFile } from './ruleFile';
import { WebhookSender } from './webhookSender';
import { policyFromEnv } from './webhookUrlPolicy';

export interface AlertServiceOptions {
  prisma: StoreClient;
  /** The live model at this instant (topology, bulkheads, sagas). */
  snapshot: () => AlertSnapshot;
  /** UI channel: push a notification to browsers. */
  publish: (notification: AlertNotification) => void;
  externalUrl: string;
  adminToken: string | null;
  /** faultline.alerts.yaml; a missing file means no file rules. */
  rulesFile: string;
  tickMs: number;
  clock: () => number;
  /**
   * Several instances share the database: only the one holding the evaluator
   * lease evaluates and notifies (see activate/deactivate); the others mirror
   * the stored alert state so their API answers the same.
   */
  clustered?: boolean;
}

/**
 * Alerting as one unit the server starts and stops: Prisma-backed rules,
 * instances and silences, the engine ticking on a fixed interval (and at once
 * on breaker transitions), webhooks queued off the evaluation path, and the
 * rule file watched so rules can live in version control.
 */
export class AlertService {
  readonly engine: AlertEngine;
  private readonly sender: WebhookSender;
  private readonly rules: PrismaRuleRepository;
  private readonly instances: PrismaInstanceRepository;
  private readonly silences: PrismaSilenceRepository;
  private readonly outbox: NotificationOutbox;
  /** Outbox entries handed to the sender by this process and not finished with yet. */
  private readonly delivering = new Set<string>();
  private watcher: RuleFileWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  private active: boolean;

  constructor(private readonly options: AlertServiceOptions) {
    this.active = options.clustered !== true;
    const policy = policyFromEnv();
    this.rules = new PrismaRuleRepository(options.prisma, { now: options.clock });
    this.instances = new PrismaInstanceRepository(options.prisma);
    this.silences = new PrismaSilenceRepository(options.prisma);
    this.sender = new WebhookSender({ policy });
    this.outbox = new NotificationOutbox(options.prisma, options.clock);
    this.engine = new AlertEngine({
      rules: this.rules,
      instances: this.instances,
      silences: this.silences,
      externalUrl: options.externalUrl,
      clock: { now: options.clock },
      notify: (n) => {
        for (const w of n.webhooks) this.send(w.url, w.payload);
        if (n.ui) options.publish(n);
      },
    });
  }

  async start(): Promise<void> {
    await this.engine.start();
    if (this.active) await this.resumeOutbox();
    this.watcher = await watchRuleFile(this.options.rulesFile, (change) => {
      if (change.errors.length > 0) {
        for (const e of change.errors) {
          console.error(`[faultline] ${e.file}${e.index === null ? '' : ` rule ${e.index}`} ${e.field}: ${e.message}`);
        }
        return;
      }
      void this.rules
        .replaceFileRules(change.rules)
        .then(() => this.engine.reloadRules())
        .catch((err) => console.error('[faultline] loading alert rules from file failed', err));
    });
    this.timer = setInterval(() => void this.onTick(), this.options.tickMs);
    this.timer.unref();
  }

  /**
   * Become the evaluator (this instance got the lease): reload rules,
   * silences and every instance's state as the previous holder stored it —
   * including what it already notified, so nothing is sent twice and a
   * resolution it did not live to see is still sent — then evaluate.
   */
  async activate(): Promise<void> {
    await this.engine.flush();
    await this.engine.start();
    // What the previous holder decided but did not live to deliver goes first.
    await this.resumeOutbox();
    this.active = true;
    this.evaluate();
  }

  /** Stop evaluating (lease lost or given up); pending state writes finish. */
  async deactivate(): Promise<void> {
    this.active = false;
    await this.engine.flush();
  }

  /** Store the notification, then hand it to the sender; the stored copy goes once delivery is finished with. */
  private send(url: string, payload: AlertmanagerWebhookPayload): void {
    this.outbox.add(url, payload).then(
      (entry) => this.deliver(entry),
      (err) => {
        console.error('[faultline] storing a webhook notification failed; sending it without a durable copy', err);
        this.sender.enqueue(url, payload);
      },
    );
  }

  private deliver(entry: OutboxEntry): void {
    if (this.delivering.has(entry.id)) return;
    this.delivering.add(entry.id);
    this.sender.enqueue(entry.url, entry.payload, () => {
      this.delivering.delete(entry.id);
      this.outbox
        .remove(entry.id)
        .catch((err) => console.error('[faultline] clearing a sent notification failed', err));
    });
  }

  private async resumeOutbox(): Promise<void> {
    for (const entry of await this.outbox.pending()) this.deliver(entry);
  }

  private async onTick(): Promise<void> {
    if (this.options.clustered) {
      try {
        if (!this.active) {
          // Mirror what the evaluator stored, so this instance's API shows the same alerts.
          await this.engine.start();
          return;
        }
        // Rules and silences may have been changed through another instance's API.
        await this.engine.reloadRules();
        await this.engine.reloadSilences();
      } catch (err) {
        console.error('[faultline] alert state refresh failed', err);
        return;
      }
    }
    this.evaluate();
  }

  /** Evaluate now (fixed tick, and immediately on breaker transitions); a no-op unless this instance evaluates. */
  evaluate(): void {
    if (!this.active) return;
    try {
      this.engine.tick(this.options.snapshot());
    } catch (err) {
      console.error('[faultline] alert evaluation failed', err);
    }
  }

  mount(router: Router): void {
    const routes = createAlertRoutes({
      engine: this.engine,
      rules: this.rules,
      instances: this.instances,
      silences: this.silences,
      adminToken: this.options.adminToken,
      webhookPolicy: policyFromEnv(),
      snapshot: this.options.snapshot,
      now: this.options.clock,
    });
    const adapt =
      (h: AlertRouteHandler) =>
      (req: {
        body: unknown;
        params: Record<string, string>;
        url: URL;
        raw: { headers: Record<string, string | string[] | undefined> };
      }) =>
        h({ body: req.body, params: req.params, query: req.url.searchParams, headers: req.raw.headers });
    router
      .add('GET', '/api/alerts/rules', adapt(routes.listRules))
      .add('POST', '/api/alerts/rules', adapt(routes.createRule))
      .add('POST', '/api/alerts/rules/preview', adapt(routes.previewRule))
      .add('GET', '/api/alerts/rules/:id', adapt(routes.getRule))
      .add('PUT', '/api/alerts/rules/:id', adapt(routes.updateRule))
      .add('DELETE', '/api/alerts/rules/:id', adapt(routes.deleteRule))
      .add('GET', '/api/alerts', adapt(routes.listAlerts))
      .add('GET', '/api/alerts/silences', adapt(routes.listSilences))
      .add('POST', '/api/alerts/silences', adapt(routes.createSilence))
      .add('DELETE', '/api/alerts/silences/:id', adapt(routes.deleteSilence));
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.watcher?.close();
    await this.engine.flush();
    await this.sender.close();
  }
}
