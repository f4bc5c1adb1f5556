import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import path from 'node:path';
import { AlertService } from './alerts/alertService';
import { Cluster } from './cluster/cluster';
import type { DashboardConfig } from './config/config';
import { apiRoutes } from './http/apiRoutes';
import { sendJson } from './http/router';
import { createOtlpHandler, type Signal } from './ingest/otlpHandler';
import type { MetricBatch, TraceBatch } from './ingest/telemetry';
import { DurableIngest } from './journal/durableIngest';
import { LiveFeed } from './live/liveFeed';
import { LiveModel } from './model/liveModel';
import { LiveView } from './query/liveView';
import { RollupSource } from './query/rollupSource';
import { PrismaSagaRepository, SAGA_LIVE, SagaPipeline, sagaRoutes, stuckAfterMsFromEnv } from './sagas';
import { SagaAlertFeed } from './sagas/sagaAlertFeed';
import { openStore } from './store/openStore';

export interface DashboardOptions {
  config: DashboardConfig;
  /** Serve the Next.js pages (needs `next build`); false for API-only servers in tests. */
  ui: boolean;
  clock?: () => number;
}

export interface Dashboard {
  server: Server;
  url: string;
  close(): Promise<void>;
}

/** Model state kept in memory; older history is read from the store. */
const MEMORY_HORIZON_MS = 60 * 60 * 1000;
/** Default window for "now" views. */
const LIVE_WINDOW_SECONDS = 60;
/** How often the live model's changed buckets are handed to the store. */
const PERSIST_INTERVAL_MS = 1000;
const PRUNE_INTERVAL_MS = 10 * 60 * 1000;
/** Store queue depth above which ingest answers 503 + Retry-After instead of buffering without bound. */
const MAX_PENDING_ROWS = 150_000;
const ALERT_TICK_MS = 5000;
const ACCEPTED = { ok: true } as const;

/**
 * Compose the dashboard process: OTLP ingest → live model → store, the JSON
 * API, socket.io and (optionally) the Next.js UI on one HTTP server.
 */
export async function startDashboard(opts: DashboardOptions): Promise<Dashboard> {
  const { config } = opts;
  const clock = opts.clock ?? Date.now;
  const store = await openStore({ databaseUrl: config.databaseUrl });
  const sagaRepository = new PrismaSagaRepository(store.client);
  const sagas = new SagaPipeline({ repository: sagaRepository, stuckAfterMs: stuckAfterMsFromEnv(process.env) });
  const sagaAlertFeed = new SagaAlertFeed();
  const model = new LiveModel({ clock, retentionInMemoryMs: MEMORY_HORIZON_MS });

  const now = clock();
  model.restore(await store.loadRollups(now - MEMORY_HORIZON_MS, now + 1), await store.latestBreakerStates());

  /** Where an acknowledged batch goes (`rollups: false`: a journal replay of what the rollups already hold). */
  const apply = (signal: Signal, batch: TraceBatch | MetricBatch, rollups: boolean) => {
    if (signal === 'traces') {
      if (rollups) model.ingestSpans(batch as TraceBatch);
      sagas.ingest((batch as TraceBatch).spans);
    } else if (rollups) {
      model.ingestMetrics(batch as MetricBatch);
    }
  };
  // Requests acknowledged before a crash whose effect the database lacks are replayed first.
  const durable =
    config.journalDir === null ? null : await DurableIngest.open(config.journalDir, store, apply, undefined, clock);
  if (durable && durable.replay.replayed + durable.replay.sagasOnly > 0) {
    console.log(
      `[faultline] ingest journal: replayed ${durable.replay.replayed} acknowledged requests the database lacked` +
        ` (${durable.replay.sagasOnly} more for sagas only)`,
    );
  }

  const rollups = new RollupSource(model, store, MEMORY_HORIZON_MS, clock);

  const liveView = new LiveView(model, clock, LIVE_WINDOW_SECONDS);
  const topologyNow = () => liveView.topology();
  const bulkheadsNow = () => liveView.bulkheads();

  const otlp = createOtlpHandler({
    maxBodyBytes: config.maxBodyBytes,
    ingestToken: config.ingestToken ?? undefined,
    allowNonLoopbackWithoutToken: config.allowRemoteIngest,
    accept: (signal, batch, request) => {
      if (store.pendingCount > MAX_PENDING_ROWS) {
        return { ok: false, status: 503, retryAfterSeconds: 2 };
      }
      // Journaled before the 200, so a crash before the next store commit loses nothing. The model
      // takes the batch now, in the same turn as the append: a seal never falls between the two.
      const written = durable?.append(signal, request.encoding, request.body);
      if (written === false) return { ok: false, status: 503, retryAfterSeconds: 2 };
      apply(signal, batch, true);
      return written === undefined ? ACCEPTED : written.then(() => ACCEPTED);
    },
  });

  let nextHandler: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | null = null;
  let closeNext: (() => Promise<void>) | null = null;
  if (opts.ui) {
    const { default: next } = await import('next');
    const app = next({ dev: false, dir: config.appDir, hostname: config.host, port: config.port });
    await app.prepare();
    nextHandler = app.getRequestHandler() as (req: IncomingMessage, res: ServerResponse) => Promise<void>;
    closeNext = async () => {
      await app.close?.();
    };
  }

  let cluster: Cluster | null = null;
  const router = apiRoutes({
    config,
    model,
    rollups,
    clock,
    pendingRows: () => store.pendingCount,
    journalBytes: () => durable?.bytes ?? null,
    cluster: () => cluster?.status() ?? null,
  });
  sagaRoutes(router, { repository: sagaRepository, clock });

  const server = createServer((req, res) => {
    const pathname = (req.url ?? '/').split('?')[0] ?? '/';
    if (pathname === '/v1/traces' || pathname === '/v1/metrics') {
      otlp(req, res);
      return;
    }
    if (pathname.startsWith('/api/')) {
      if (!router.handle(req, res)) sendJson(res, 404, { error: `no API route ${pathname}` });
      return;
    }
    if (nextHandler) {
      nextHandler(req, res).catch((err) => {
        console.error('[faultline] page error', err);
        sendJson(res, 500, { error: 'internal error' });
      });
      return;
    }
    sendJson(res, 404, { error: 'UI disabled (FAULTLINE_UI=false)' });
  });
  server.keepAliveTimeout = 65_000;

  const live = new LiveFeed(server, { version: () => model.version(), topologyNow, bulkheadsNow });
  // Several instances: socket.io broadcasts and peer model sync go through Redis.
  let alerts: AlertService | null = null;
  if (config.redisUrl !== null) {
    cluster = await Cluster.join({
      io: live.io,
      redisUrl: config.redisUrl,
      instanceId: config.instanceId,
      leaseMs: config.leaseMs,
      model,
      observeSagas: (runs) => sagaAlertFeed.observe(runs),
      // A breaker another instance saw change is evaluated here too, if this instance evaluates.
      onRemoteTransitions: () => setImmediate(() => alerts?.evaluate()),
      clock,
    });
  }
  live.start();
  const sagaTick = setInterval(() => {
    void sagas.tick(clock(), durable?.sagaTickStarting()).then((changed) => {
      sagaAlertFeed.observe(changed);
      cluster?.publishSagas(changed);
      for (const run of changed) live.publish(SAGA_LIVE.ROOM, SAGA_LIVE.EVENT, run);
    });
  }, 1000);
  sagaTick.unref();

  /**
   * Hands the model's changes to the store with the journal checkpoint they
   * cover: the journal is sealed and the model drained in the same turn (no
   * await between), so the checkpoint covers exactly those rows.
   */
  const persistChanges = () => {
    const checkpoint = durable?.sealForDrain();
    const changed = model.drainDirty();
    store.enqueue(changed, checkpoint);
    return changed;
  };
  const persist = setInterval(() => {
    try {
      // Not as publishRollups' argument: `cluster?.` would skip evaluating it on a single instance.
      const changed = persistChanges();
      cluster?.publishRollups(changed);
      durable?.releaseDurable();
    } catch (err) {
      console.error('[faultline] persisting rollups failed', err);
    }
  }, PERSIST_INTERVAL_MS);
  persist.unref();
  const prune = setInterval(() => {
    store
      .prune(clock() - config.retentionHours * 3600_000)
      .catch((err) => console.error('[faultline] prune failed', err));
  }, PRUNE_INTERVAL_MS);
  prune.unref();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;

  // Alerts start once the URL is known (generatorURL links point at it).
  alerts = new AlertService({
    prisma: store.client,
    snapshot: () => ({ topology: topologyNow(), bulkheads: bulkheadsNow(), sagas: sagaAlertFeed.snapshot(clock()) }),
    // Browsers get the alerts and their grouping, never the webhook URLs (they often carry secrets).
    publish: (n) => live.publish('alerts', 'alerts', { status: n.status, group: n.group }),
    externalUrl: config.publicUrl ?? url,
    adminToken: config.adminToken,
    rulesFile: path.resolve(config.alertsFile),
    tickMs: ALERT_TICK_MS,
    clock,
    clustered: cluster !== null,
  });
  const alertService = alerts;
  await alertService.start();
  alertService.mount(router);
  // One evaluator for the cluster, so every alert notifies once.
  await cluster?.electAlertEvaluator(store.client, alertService);

  model.onBreakerTransition((t) => {
    live.breakerTransition(t);
    // Alerts on breakers fire on the transition, not on the next tick.
    setImmediate(() => alertService.evaluate());
  });

  let closing: Promise<void> | null = null;
  return {
    server,
    url,
    close() {
      closing ??= (async () => {
        clearInterval(persist);
        clearInterval(prune);
        clearInterval(sagaTick);
        // Stop taking new requests first, then persist everything acknowledged so far.
        const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await cluster?.resign();
        const lastChanges = persistChanges();
        cluster?.publishRollups(lastChanges);
        await live.close();
        await cluster?.disconnect();
        await alertService.close();
        await sagas.flush(clock(), durable?.sagaTickStarting());
        persistChanges();
        await store.flush();
        // What the flushes made durable leaves the journal; anything a failed write kept is replayed next start.
        await durable?.close();
        await store.close();
        await closeNext?.();
        server.closeAllConnections();
        await serverClosed;
      })();
      return closing;
    },
  };
}
