import { describe, expect, it } from 'vitest';
import { buildPayload, ZERO_TIME } from './alertmanagerPayload';
import type { AlertInstance } from './alertTypes';
import type { AlertGroup } from './grouping';

const T = Date.parse('2026-01-01T00:00:00.000Z');

function inst(over: Partial<AlertInstance>): AlertInstance {
  return {
    ruleId: 'r1',
    ruleName: 'payment errors',
    fingerprint: '1a30ba71cca2921f',
    state: 'firing',
    labels: { alertname: 'payment errors', severity: 'critical', service: 'order', dependency: 'payment' },
    annotations: { summary: 'order → payment failing' },
    value: 0.9,
    activeAtMs: T - 30_000,
    firedAtMs: T,
    resolvedAtMs: null,
    keepFiringSinceMs: null,
    lastEvalMs: T,
    lastNotifiedMs: null,
    notifiedState: null,
    ...over,
  };
}

const group: AlertGroup = {
  key: '{}:{root_cause="payment"}',
  groupLabels: { root_cause: 'payment' },
  rootCause: 'payment',
  affectedServices: ['order', 'user'],
  alerts: [],
};

describe('buildPayload', () => {
  it('has exactly the Alertmanager v4 shape', () => {
    const a = inst({});
    const b = inst({
      fingerprint: 'bc97ff14869b13e3',
      labels: { ...a.labels, service: 'user' },
      state: 'resolved',
      resolvedAtMs: T + 60_000,
    });
    const payload = buildPayload(group, [b, a], { receiver: 'ops', externalUrl: 'http://faultline:3000/' });
    expect(Object.keys(payload)).toEqual([
      'receiver',
      'status',
      'alerts',
      'groupLabels',
      'commonLabels',
      'commonAnnotations',
      'externalURL',
      'version',
      'groupKey',
      'truncatedAlerts',
    ]);
    expect(payload).toEqual({
      receiver: 'ops',
      status: 'firing',
      alerts: [
        {
          status: 'firing',
          labels: a.labels,
          annotations: a.annotations,
          startsAt: '2026-01-01T00:00:00.000Z',
          endsAt: ZERO_TIME,
          generatorURL: 'http://faultline:3000/alerts?rule=r1',
          fingerprint: '1a30ba71cca2921f',
        },
        {
          status: 'resolved',
          labels: b.labels,
          annotations: b.annotations,
          startsAt: '2026-01-01T00:00:00.000Z',
          endsAt: '2026-01-01T00:01:00.000Z',
          generatorURL: 'http://faultline:3000/alerts?rule=r1',
          fingerprint: 'bc97ff14869b13e3',
        },
      ],
      groupLabels: { root_cause: 'payment' },
      commonLabels: { alertname: 'payment errors', severity: 'critical', dependency: 'payment' },
      commonAnnotations: { summary: 'order → payment failing' },
      externalURL: 'http://faultline:3000',
      version: '4',
      groupKey: '{}:{root_cause="payment"}',
      truncatedAlerts: 0,
    });
    expect(Object.keys(payload.alerts[0]!)).toEqual([
      'status',
      'labels',
      'annotations',
      'startsAt',
      'endsAt',
      'generatorURL',
      'fingerprint',
    ]);
  });

  it('is resolved when every alert is, and counts truncated alerts', () => {
    const resolved = [1, 2, 3].map((i) => inst({ fingerprint: `f${i}`, state: 'resolved', resolvedAtMs: T + i }));
    const payload = buildPayload(group, resolved, { receiver: 'ops', externalUrl: 'http://x', maxAlerts: 2 });
    expect(payload.status).toBe('resolved');
    expect(payload.alerts).toHaveLength(2);
    expect(payload.truncatedAlerts).toBe(1);
  });
});
