import { describe, expect, it } from 'vitest';
import { validateRule } from './ruleSchema';

const issueExample = {
  name: 'payment breaker open',
  kind: 'breaker_open',
  selector: { service: 'order-service', dependency: 'payment-service' },
  threshold: null,
  forSeconds: 30,
  keepFiringForSeconds: 60,
  severity: 'critical',
  labels: { team: 'payments' },
  annotations: { summary: '{{service}} → {{dependency}} breaker is open' },
  channels: [{ type: 'webhook', url: 'http://127.0.0.1:9093/api/v2/alerts' }, { type: 'ui' }],
};

function fields(input: unknown, options = {}): string[] {
  const r = validateRule(input, options);
  return r.ok ? [] : r.errors.map((e) => e.field);
}

describe('validateRule', () => {
  it('accepts the issue example and fills defaults', () => {
    const r = validateRule(issueExample, { id: 'r1' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.rule).toMatchObject({ id: 'r1', source: 'api', enabled: true, paused: false, threshold: null });
    const minimal = validateRule({ name: 'x', kind: 'edge_error_rate', threshold: 0.5 });
    expect(minimal.ok && minimal.rule).toMatchObject({
      forSeconds: 0,
      keepFiringForSeconds: 0,
      severity: 'warning',
      channels: [{ type: 'ui' }],
      selector: {},
    });
  });

  it('requires a threshold for every kind but breaker_open', () => {
    for (const kind of [
      'edge_error_rate',
      'edge_latency_p99',
      'bulkhead_saturation',
      'bulkhead_rejections',
      'saga_compensation_rate',
      'saga_stuck',
    ]) {
      const r = validateRule({ name: 'x', kind });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.errors).toEqual([{ field: 'threshold', message: `is required for kind ${kind}` }]);
    }
    expect(fields({ name: 'x', kind: 'breaker_open' })).toEqual([]);
  });

  it('names the field of each error', () => {
    expect(fields({ ...issueExample, name: '' })).toEqual(['name']);
    expect(fields({ ...issueExample, kind: 'cpu' })).toEqual(['kind']);
    expect(fields({ ...issueExample, forSeconds: -1 })).toEqual(['forSeconds']);
    expect(fields({ ...issueExample, keepFiringForSeconds: 'soon' })).toEqual(['keepFiringForSeconds']);
    expect(fields({ ...issueExample, severity: 'page' })).toEqual(['severity']);
    expect(fields({ ...issueExample, threshold: 'high' })).toEqual(['threshold']);
    expect(fields({ ...issueExample, channels: [{ type: 'sms' }] })).toEqual(['channels.0.type']);
    expect(fields({ ...issueExample, extra: 1 })).toEqual(['']);
    expect(fields({ ...issueExample, kind: 'edge_error_rate', threshold: 5 })).toEqual(['threshold']);
    expect(fields({ ...issueExample, kind: 'edge_latency_p99', threshold: -5 })).toEqual(['threshold']);
  });

  it('rejects selector fields that do not apply to the kind', () => {
    expect(fields({ name: 'x', kind: 'edge_error_rate', threshold: 0.1, selector: { bulkhead: 'b' } })).toEqual([
      'selector.bulkhead',
    ]);
    expect(fields({ name: 'x', kind: 'saga_stuck', threshold: 60, selector: { saga: 'order-*' } })).toEqual([]);
  });

  it('rejects reserved or malformed label names and unknown placeholders', () => {
    expect(fields({ ...issueExample, labels: { alertname: 'x', 'bad-name': 'y' } })).toEqual([
      'labels.alertname',
      'labels.bad-name',
    ]);
    expect(fields({ ...issueExample, annotations: { summary: '{{servce}} is down' } })).toEqual([
      'annotations.summary',
    ]);
    expect(fields({ ...issueExample, annotations: { summary: '{{ labels.team }} {{valueText}}' } })).toEqual([]);
  });

  it('validates webhook URLs against the policy', () => {
    const metadata = { ...issueExample, channels: [{ type: 'webhook', url: 'http://169.254.169.254/' }] };
    expect(fields(metadata)).toEqual(['channels.0.url']);
    const ftp = { ...issueExample, channels: [{ type: 'ui' }, { type: 'webhook', url: 'ftp://x/' }] };
    expect(fields(ftp)).toEqual(['channels.1.url']);
    expect(fields(issueExample, { webhookPolicy: { allowedHosts: ['alerts.example.com'] } })).toEqual([
      'channels.0.url',
    ]);
  });
});
