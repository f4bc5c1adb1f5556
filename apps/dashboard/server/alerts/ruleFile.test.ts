import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadRuleFile, parseRuleFile, type RuleFileChange, watchRuleFile } from './ruleFile';

const good = `
rules:
  - name: payment breaker open
    kind: breaker_open
    selector: { service: order-service, dependency: payment-service }
    forSeconds: 30
    severity: critical
    annotations:
      summary: "{{service}} → {{dependency}} breaker open"
  - name: slow edges
    kind: edge_latency_p99
    threshold: 1000
`;

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempFile(text?: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'faultline-alerts-'));
  dirs.push(dir);
  const file = path.join(dir, 'faultline.alerts.yaml');
  if (text !== undefined) writeFileSync(file, text);
  return file;
}

describe('parseRuleFile', () => {
  it('loads rules as read-only file rules with stable ids', () => {
    const { rules, errors } = parseRuleFile(good, 'faultline.alerts.yaml');
    expect(errors).toEqual([]);
    expect(rules.map((r) => [r.id, r.source])).toEqual([
      ['file:payment breaker open', 'file'],
      ['file:slow edges', 'file'],
    ]);
  });

  it('accepts a bare list', () => {
    expect(parseRuleFile('- { name: a, kind: breaker_open }', 'f.yaml').rules).toHaveLength(1);
  });

  it('names the file, rule index and field of each error, and rejects the whole file', () => {
    const bad = `${good}\n  - name: no threshold\n    kind: edge_error_rate\n  - name: slow edges\n    kind: breaker_open\n`;
    const { rules, errors } = parseRuleFile(bad, 'faultline.alerts.yaml');
    expect(rules).toEqual([]);
    expect(errors).toEqual([
      { file: 'faultline.alerts.yaml', index: 2, field: 'threshold', message: 'is required for kind edge_error_rate' },
      {
        file: 'faultline.alerts.yaml',
        index: 3,
        field: 'name',
        message: 'duplicate rule name "slow edges" in the file',
      },
    ]);
  });

  it('reports YAML syntax errors', () => {
    const { errors } = parseRuleFile('rules: [ {', 'f.yaml');
    expect(errors[0]).toMatchObject({ file: 'f.yaml', index: null, message: expect.stringMatching(/invalid YAML/) });
  });

  it('a missing file has no rules', async () => {
    expect(await loadRuleFile(tempFile())).toEqual({ rules: [], errors: [] });
  });
});

describe('watchRuleFile', () => {
  it('reports added, changed and removed rules, and keeps the last good rules on errors', async () => {
    const file = tempFile(good);
    const changes: RuleFileChange[] = [];
    let notify: (() => void) | null = null;
    const next = () => new Promise<void>((r) => (notify = r));
    const watcher = await watchRuleFile(
      file,
      (c) => {
        changes.push(c);
        notify?.();
      },
      { debounceMs: 20 },
    );
    try {
      expect(changes[0]!.added.map((r) => r.name)).toEqual(['payment breaker open', 'slow edges']);

      let wait = next();
      writeFileSync(
        file,
        good.replace('threshold: 1000', 'threshold: 2000').replace(/ {2}- name: payment[\s\S]*?summary.*\n/, ''),
      );
      await wait;
      const c = changes.at(-1)!;
      expect(c.changed.map((r) => r.threshold)).toEqual([2000]);
      expect(c.removed.map((r) => r.name)).toEqual(['payment breaker open']);
      expect(c.added).toEqual([]);

      wait = next();
      writeFileSync(file, 'rules:\n  - name: x\n    kind: nope\n');
      await wait;
      const broken = changes.at(-1)!;
      expect(broken.errors[0]).toMatchObject({ index: 0, field: 'kind' });
      expect(watcher.rules.map((r) => r.name)).toEqual(['slow edges']);
    } finally {
      watcher.close();
    }
  });
});
