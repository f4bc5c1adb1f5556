import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENV, SERVICE_URL_VARIABLES } from '../apps/demo/src/config.js';
import { isServiceName, SERVICE_NAMES, TOPOLOGY, urlVariable } from '../apps/demo/src/topology.js';
import {
  COMPOSE_BIN,
  type ComposeFile,
  type ComposeService,
  containerPort,
  dashboardVariables,
  portOf,
  readYaml,
  repoFile,
  validateCompose,
} from './support/composeFiles.js';

/**
 * docker-compose.yml cannot be run here (no Docker engine), so: Debian's
 * docker-compose validates it, and every port, URL and environment variable
 * it sets is checked against what the code actually reads.
 */
const file = repoFile;
const compose = readYaml<ComposeFile>('docker-compose.yml');
const collectorConfig = readYaml<{
  receivers: { otlp: { protocols: { grpc: { endpoint: string }; http: { endpoint: string } } } };
  exporters: Record<string, { endpoint: string; headers?: Record<string, string> }>;
  service: { pipelines: Record<string, { receivers: string[]; exporters: string[] }> };
}>('deploy/otel-collector.yaml');
const dockerfile = readFileSync(file('Dockerfile'), 'utf8');

const demoVariables = new Set<string>([...Object.values(ENV), ...SERVICE_URL_VARIABLES]);

function demoServices(): [string, ComposeService][] {
  return Object.entries(compose.services).filter(([, s]) => s.command?.some((c) => c.startsWith('apps/demo/')));
}

describe('docker-compose.yml', () => {
  it.skipIf(!existsSync(COMPOSE_BIN))(`is valid for ${COMPOSE_BIN} config`, () => {
    expect(validateCompose('docker-compose.yml')).toBe('');
  });
  if (!existsSync(COMPOSE_BIN)) {
    it.skip(
      `docker-compose is not installed at ${COMPOSE_BIN} (apt-get install -y docker-compose): validation skipped`,
    );
  }

  it('sets on the dashboard only variables the dashboard reads, listening where it is published', () => {
    const dashboard = compose.services.dashboard!;
    const known = dashboardVariables();
    for (const name of Object.keys(dashboard.environment ?? {})) expect(known, `dashboard: ${name}`).toContain(name);
    const env = dashboard.environment!;
    expect(env.HOST).toBe('0.0.0.0');
    expect(dashboard.ports?.map(containerPort)).toEqual([Number(env.PORT)]);
    expect(dockerfile).toMatch(new RegExp(`^EXPOSE ${env.PORT}$`, 'm'));
    expect(dashboard.build).toBe('.');
  });

  it('keeps the database on a named volume', () => {
    const env = compose.services.dashboard!.environment!;
    const dbFile = (env.DATABASE_URL ?? '').replace(/^file:/, '');
    const mounts = (compose.services.dashboard!.volumes ?? []).map((v) => v.split(':'));
    const mount = mounts.find(([, target]) => target && dbFile.startsWith(`${target}/`));
    expect(mount, `a volume holding ${dbFile}`).toBeDefined();
    expect(Object.keys(compose.volumes ?? {})).toContain(mount![0]);
  });

  it('points the dashboard at the alert rules shipped in the image', () => {
    const workdir = /^WORKDIR (\S+)$/m.exec(dockerfile)?.[1] ?? '';
    const alerts = compose.services.dashboard!.environment!.FAULTLINE_ALERTS_FILE ?? '';
    expect(alerts.startsWith(`${workdir}/`)).toBe(true);
    expect(existsSync(file(path.relative(workdir, alerts)))).toBe(true);
  });

  it('runs each demo service once, on its port, with only variables the demo reads', () => {
    const seen: string[] = [];
    for (const [composeName, svc] of demoServices()) {
      for (const name of Object.keys(svc.environment ?? {})) {
        expect(demoVariables, `${composeName}: ${name}`).toContain(name);
      }
      const script = svc.command?.find((c) => c.startsWith('apps/demo/')) ?? '';
      expect(existsSync(file(script)), script).toBe(true);
      if (!script.endsWith('/service.ts')) continue;
      const serviceName = svc.command?.at(-1) ?? '';
      expect(isServiceName(serviceName), serviceName).toBe(true);
      expect(composeName).toBe(serviceName);
      if (!isServiceName(serviceName)) continue;
      expect(svc.environment?.[ENV.PORT]).toBe(String(TOPOLOGY[serviceName].port));
      expect(svc.environment?.[ENV.HOST]).toBe('0.0.0.0');
      seen.push(serviceName);
    }
    expect(seen.sort()).toEqual([...SERVICE_NAMES].sort());
  });

  it('gives every demo service the URL each dependency really listens on', () => {
    for (const [composeName, svc] of demoServices()) {
      for (const target of SERVICE_NAMES) {
        const url = svc.environment?.[urlVariable(target)];
        expect(url, `${composeName}: ${urlVariable(target)}`).toBeDefined();
        const u = new URL(url!);
        expect(u.hostname).toBe(target);
        expect(compose.services[target]?.environment?.[ENV.PORT]).toBe(String(portOf(url!)));
      }
    }
  });

  it('sends the demo’s telemetry through the Collector to the dashboard', () => {
    const collector = compose.services['otel-collector']!;
    expect(collector.image).toMatch(/^otel\/opentelemetry-collector-contrib:/);
    const mount = (collector.volumes ?? [])
      .map((v) => v.split(':'))
      .find(([src]) => src === './deploy/otel-collector.yaml');
    expect(mount, 'deploy/otel-collector.yaml mounted').toBeDefined();
    expect(collector.command?.join(' ')).toContain(`--config=${mount![1]}`);

    const { grpc, http } = collectorConfig.receivers.otlp.protocols;
    expect(portOf(`http://${grpc.endpoint}`)).toBe(4317);
    expect(portOf(`http://${http.endpoint}`)).toBe(4318);
    expect((collector.ports ?? []).map(containerPort).sort()).toEqual([4317, 4318]);

    for (const [composeName, svc] of demoServices()) {
      const endpoint = new URL(svc.environment?.[ENV.ENDPOINT] ?? '');
      expect(endpoint.hostname, composeName).toBe('otel-collector');
      expect(portOf(endpoint.href)).toBe(portOf(`http://${http.endpoint}`));
    }

    const dashboardEnv = compose.services.dashboard!.environment!;
    for (const [name, pipeline] of Object.entries(collectorConfig.service.pipelines)) {
      expect(['traces', 'metrics']).toContain(name);
      for (const exporterName of pipeline.exporters) {
        const exporter = collectorConfig.exporters[exporterName]!;
        expect(exporterName.startsWith('otlphttp')).toBe(true);
        const url = new URL(exporter.endpoint);
        expect(url.hostname).toBe('dashboard');
        expect(portOf(url.href)).toBe(Number(dashboardEnv.PORT));
        // The collector is not on the dashboard's loopback: it must present the ingest token.
        expect(exporter.headers?.Authorization).toMatch(/^Bearer \$\{env:FAULTLINE_INGEST_TOKEN\}$/);
      }
    }
    expect(collector.environment?.FAULTLINE_INGEST_TOKEN).toBe(dashboardEnv.FAULTLINE_INGEST_TOKEN);
  });
});
