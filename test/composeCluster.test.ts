import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  COMPOSE_BIN,
  type ComposeFile,
  containerPort,
  dashboardVariables,
  portOf,
  readYaml,
  validateCompose,
} from './support/composeFiles.js';

/**
 * docker-compose.cluster.yml (issue 8): two dashboards on PostgreSQL and
 * Redis behind a Collector routing by service. No Docker engine here, so the
 * file is validated by docker-compose and every address in it is checked
 * against the service that should answer it and the variables the code reads.
 */
const FILE = 'docker-compose.cluster.yml';
/** A compose/Collector `${…}` substitution, as written in the files. */
const ref = (expression: string) => `\${${expression}}`;
const DB_PASSWORD = ref('FAULTLINE_DB_PASSWORD:-faultline');
const compose = readYaml<ComposeFile>(FILE);

interface CollectorConfig {
  receivers: { otlp: { protocols: Partial<Record<'grpc' | 'http', { endpoint: string }>> } };
  exporters: Record<
    string,
    {
      endpoint?: string;
      headers?: Record<string, string>;
      routing_key?: string;
      protocol?: { otlp?: unknown };
      resolver?: { static?: { hostnames: string[] } };
    }
  >;
  service: { pipelines: Record<string, { receivers: string[]; exporters: string[] }> };
}

const dashboards = Object.entries(compose.services).filter(([name]) => name.startsWith('dashboard-'));
const collectorFor = (service: string) =>
  readYaml<CollectorConfig>(
    (compose.services[service]?.volumes ?? [])[0]?.split(':')[0]?.replace(/^\.\//, '') ?? '(no config mounted)',
  );

describe(FILE, () => {
  it.skipIf(!existsSync(COMPOSE_BIN))(`is valid for ${COMPOSE_BIN} config`, () => {
    expect(validateCompose(FILE)).toBe('');
  });

  it('runs two dashboard instances, each setting only variables the dashboard reads', () => {
    expect(dashboards.map(([n]) => n)).toEqual(['dashboard-a', 'dashboard-b']);
    const known = dashboardVariables();
    const ids = new Set<string>();
    for (const [name, svc] of dashboards) {
      for (const variable of Object.keys(svc.environment ?? {}))
        expect(known, `${name}: ${variable}`).toContain(variable);
      const env = svc.environment!;
      expect(svc.ports?.map(containerPort)).toEqual([Number(env.PORT)]);
      ids.add(env.FAULTLINE_INSTANCE_ID ?? '');
    }
    expect(ids.size, 'distinct FAULTLINE_INSTANCE_IDs').toBe(2);
  });

  it('points both instances at the same PostgreSQL and Redis services', () => {
    const pg = compose.services.postgres!;
    const pgEnv = pg.environment!;
    for (const [name, svc] of dashboards) {
      const db = new URL(svc.environment!.DATABASE_URL!.replace(DB_PASSWORD, 'pw'));
      expect(db.protocol, name).toBe('postgresql:');
      expect(db.hostname).toBe('postgres');
      expect(portOf(db.href)).toBe(5432);
      expect(db.username).toBe(pgEnv.POSTGRES_USER);
      expect(db.pathname).toBe(`/${pgEnv.POSTGRES_DB}`);
      expect(svc.environment!.DATABASE_URL).toContain(`:${DB_PASSWORD}@`);
      expect(pgEnv.POSTGRES_PASSWORD).toBe(DB_PASSWORD);

      const redis = new URL(svc.environment!.REDIS_URL!);
      expect(redis.hostname).toBe('redis');
      expect(portOf(redis.href)).toBe(6379);
      expect(svc.depends_on).toEqual(expect.arrayContaining(['postgres', 'redis']));
    }
    expect(compose.volumes).toHaveProperty((pg.volumes?.[0] ?? '').split(':')[0] ?? '');
  });

  it('routes telemetry by service to one collector per instance, which forwards to its own dashboard with the token', () => {
    const gateway = collectorFor('otel-gateway');
    const lb = gateway.exporters.loadbalancing!;
    expect(lb.routing_key).toBe('service');
    expect(lb.protocol?.otlp).toBeDefined();
    for (const pipeline of Object.values(gateway.service.pipelines))
      expect(pipeline.exporters).toEqual(['loadbalancing']);
    expect((compose.services['otel-gateway']!.ports ?? []).map(containerPort).sort()).toEqual([4317, 4318]);

    const targets = lb.resolver?.static?.hostnames ?? [];
    const served = new Set<string>();
    for (const hostPort of targets) {
      const [host = '', port = ''] = hostPort.split(':');
      const collector = compose.services[host];
      expect(collector, `${hostPort} is a service`).toBeDefined();
      const config = collectorFor(host);
      expect(portOf(`http://${config.receivers.otlp.protocols.grpc?.endpoint}`)).toBe(Number(port));
      const dashboardUrl = new URL(collector!.environment!.FAULTLINE_DASHBOARD_URL!);
      const dashboard = compose.services[dashboardUrl.hostname];
      expect(dashboard, `${host} forwards to a dashboard`).toBeDefined();
      expect(portOf(dashboardUrl.href)).toBe(Number(dashboard!.environment!.PORT));
      expect(collector!.environment!.FAULTLINE_INGEST_TOKEN).toBe(dashboard!.environment!.FAULTLINE_INGEST_TOKEN);
      for (const exporterName of Object.values(config.service.pipelines).flatMap((p) => p.exporters)) {
        const exporter = config.exporters[exporterName]!;
        expect(exporter.endpoint).toBe(ref('env:FAULTLINE_DASHBOARD_URL'));
        expect(exporter.headers?.Authorization).toBe(`Bearer ${ref('env:FAULTLINE_INGEST_TOKEN')}`);
      }
      served.add(dashboardUrl.hostname);
    }
    expect([...served].sort()).toEqual(dashboards.map(([n]) => n));
  });
});
