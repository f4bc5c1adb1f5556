import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Topology } from '../apps/dashboard/lib/apiTypes';
import { REPO_ROOT, type RunningDashboard, startDashboard } from './support/dashboard';
import { getJson, waitFor } from './support/waitFor';

const run = promisify(execFile);

/** The first TypeScript block under the README's "Add it to your service" heading. */
function readmeExample(): string {
  const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Add it to your service'));
  const m = /```ts\n([\s\S]*?)```/.exec(section);
  if (!m?.[1]) throw new Error('README has no ts example under "Add it to your service"');
  return m[1];
}

describe('the README example', () => {
  let dashboard: RunningDashboard;
  beforeAll(async () => {
    dashboard = await startDashboard({ ui: false });
  });
  afterAll(async () => {
    await dashboard?.stop();
  });

  it('runs as written and its service shows up on the dashboard', async () => {
    const code = readmeExample().replace('http://127.0.0.1:3000', dashboard.url);
    // Inside the repo so the workspace package resolves like it would in a user's project.
    const dir = mkdtempSync(path.join(REPO_ROOT, 'test', '.readme-'));
    const file = path.join(dir, 'example.ts');
    writeFileSync(file, code);
    try {
      const { stdout } = await run(process.execPath, ['--conditions=source', '--import', 'tsx', file], {
        cwd: REPO_ROOT,
        timeout: 60_000,
      });
      expect(stdout).toContain('charged: true');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const topology = await waitFor(
      async () => {
        const t = await getJson<Topology>(`${dashboard.url}/api/topology`);
        return t.edges.some((e) => e.source === 'order-service' && e.target === 'payment-service') ? t : undefined;
      },
      { what: 'the example service on the map' },
    );
    const edge = topology.edges.find((e) => e.target === 'payment-service');
    expect(edge?.outcomes.success).toBe(1);
    expect(edge?.breaker).toEqual({ name: 'payments', state: 'closed' });
  }, 90_000);
});
