import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from './dashboard.js';

/**
 * Reading compose files and Collector configs for the tests that check them
 * against the code (no Docker engine here to run them).
 */
export const COMPOSE_BIN = '/usr/bin/docker-compose';

export interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  depends_on?: string[];
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

export const repoFile = (p: string) => path.join(REPO_ROOT, p);

/** Parse YAML with `<<:` merge keys resolved, as compose does. */
export function readYaml<T>(relativePath: string): T {
  return parse(readFileSync(repoFile(relativePath), 'utf8'), { merge: true }) as T;
}

/** `docker-compose config --quiet`: throws with docker-compose's message on an invalid file. */
export function validateCompose(relativePath: string): string {
  return execFileSync(COMPOSE_BIN, ['-f', relativePath, 'config', '--quiet'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FAULTLINE_INGEST_TOKEN: '', FAULTLINE_DEMO_MODE: '', FAULTLINE_DB_PASSWORD: '' },
  });
}

/** Variables the dashboard reads: its config schema plus main.ts's switch and Node's own. */
export function dashboardVariables(): Set<string> {
  const config = readFileSync(repoFile('apps/dashboard/server/config/config.ts'), 'utf8');
  const schema = config.slice(config.indexOf('z.object({'), config.indexOf('});', config.indexOf('z.object({')));
  const names = [...schema.matchAll(/^\s+([A-Z][A-Z0-9_]*):/gm)].map((m) => m[1] ?? '');
  const main = readFileSync(repoFile('apps/dashboard/server/main.ts'), 'utf8');
  names.push(...[...main.matchAll(/process\.env\.([A-Z][A-Z0-9_]*)/g)].map((m) => m[1] ?? ''));
  return new Set([...names, 'NODE_ENV']);
}

export function portOf(url: string): number {
  const u = new URL(url);
  return Number(
    u.port ||
      (u.protocol === 'https:' ? 443 : u.protocol === 'redis:' ? 6379 : u.protocol === 'postgresql:' ? 5432 : 80),
  );
}

/** The container side of a `host:container` port mapping. */
export function containerPort(mapping: string): number {
  return Number(mapping.split(':').at(-1));
}
