/**
 * One demo service as its own process:
 *   node --conditions=source --import tsx apps/demo/src/service.ts order-service
 * Configuration comes from the environment (see config.ts); the mode can be
 * switched while running with `PUT /_demo/mode {"mode":"unprotected"}`.
 */
import { startTelemetry } from '@faultline/instrumentation/setup';
import { DemoConfigError, type Mode, readServiceConfig } from './config.js';
import { type DependencyClient, dependencyClient } from './dependencyClient.js';
import { type Routes, startHttpService } from './httpService.js';
import type { ServiceContext } from './services/context.js';
import { emailRoutes, inventoryRoutes, profileRoutes } from './services/leafServices.js';
import { orderRoutes } from './services/orderService.js';
import { paymentRoutes } from './services/paymentService.js';
import { userRoutes } from './services/userService.js';
import { isServiceName, type ServiceName, TOPOLOGY } from './topology.js';

const ROUTES: Record<ServiceName, (ctx: ServiceContext) => Routes> = {
  'user-service': userRoutes,
  'order-service': orderRoutes,
  'payment-service': paymentRoutes,
  'profile-service': profileRoutes,
  'inventory-service': inventoryRoutes,
  'email-service': emailRoutes,
};

async function main(): Promise<void> {
  const name = process.argv[2] ?? '';
  if (!isServiceName(name)) throw new DemoConfigError(`usage: service.ts <${Object.keys(TOPOLOGY).join('|')}>`);
  const config = readServiceConfig(name, process.env, TOPOLOGY[name].port);
  const telemetry = startTelemetry({
    serviceName: name,
    endpoint: config.endpoint,
    metricIntervalMs: config.metricIntervalMs,
    sampleRatio: config.sampleRatio,
    ...(config.ingestToken ? { headers: { authorization: `Bearer ${config.ingestToken}` } } : {}),
  });

  let mode: Mode = config.mode;
  const clients = new Map<ServiceName, DependencyClient>();
  for (const dependency of TOPOLOGY[name].calls) {
    clients.set(
      dependency,
      dependencyClient(dependency, config.urls[dependency], config.timeScale, () => mode),
    );
  }
  const ctx: ServiceContext = {
    config,
    mode: () => mode,
    client(dependency) {
      const client = clients.get(dependency);
      if (!client) throw new Error(`${name} does not call ${dependency}`);
      return client;
    },
  };

  const service = await startHttpService({
    name,
    host: config.host,
    port: config.port,
    routes: ROUTES[name](ctx),
    mode: {
      get: () => mode,
      set(next) {
        if (next !== mode) console.log(`[${name}] mode ${mode} → ${next}`);
        mode = next;
      },
    },
  });
  console.log(`[${name}] listening on ${service.url} (${mode}, exporting to ${config.endpoint})`);

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    const force = setTimeout(() => process.exit(0), 3000);
    force.unref();
    Promise.allSettled([service.close(), telemetry.shutdown()]).then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof DemoConfigError ? error.message : error);
  process.exit(1);
});
