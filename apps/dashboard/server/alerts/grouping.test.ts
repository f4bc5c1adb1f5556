import { describe, expect, it } from 'vitest';
import type { Cascade } from '../../lib/apiTypes';
import type { AlertInstance } from './alertTypes';
import { groupAlerts, groupKey } from './grouping';

function alert(alertname: string, service?: string, dependency?: string): AlertInstance {
  const labels: Record<string, string> = { alertname, severity: 'critical' };
  if (service) labels.service = service;
  if (dependency) labels.dependency = dependency;
  return {
    ruleId: alertname,
    ruleName: alertname,
    fingerprint: `${alertname}:${service}:${dependency}`,
    state: 'firing',
    labels,
    annotations: { summary: `${service} → ${dependency}` },
    value: 1,
    activeAtMs: 0,
    firedAtMs: 0,
    resolvedAtMs: null,
    keepFiringSinceMs: null,
    lastEvalMs: 0,
    lastNotifiedMs: null,
    notifiedState: null,
  };
}

const incident: Cascade = {
  rootCauses: ['payment'],
  blastRadius: ['order', 'user', 'inventory'],
  path: ['user->order', 'order->payment', 'inventory->payment'],
  sentence: 'payment is failing; order, user and inventory are degraded by it',
};

describe('groupAlerts', () => {
  it('a failing dependency with three degraded callers yields one group naming the root cause', () => {
    const groups = groupAlerts(
      [
        alert('breaker open', 'order', 'payment'),
        alert('edge errors', 'inventory', 'payment'),
        alert('edge latency', 'user', 'order'),
        alert('bulkhead saturated', 'user', 'order'),
      ],
      incident,
    );
    expect(groups).toHaveLength(1);
    const [g] = groups;
    expect(g!.rootCause).toBe('payment');
    expect(g!.groupLabels).toEqual({ root_cause: 'payment' });
    expect(g!.key).toBe('{}:{root_cause="payment"}');
    expect(g!.affectedServices).toEqual(['inventory', 'order', 'user']);
    expect(g!.alerts).toHaveLength(4);
    for (const a of g!.alerts) {
      expect(a.annotations.root_cause).toBe('payment');
      expect(a.annotations.cascade).toBe('payment is the root cause; affected: inventory, order, user');
      expect(a.annotations.summary).toBeDefined();
    }
  });

  it('alerts outside the cascade group by rule', () => {
    const groups = groupAlerts(
      [alert('edge errors', 'user', 'profile'), alert('edge errors', 'email', 'smtp'), alert('saga stuck')],
      incident,
    );
    expect(groups.map((g) => g.key).sort()).toEqual(['{}:{alertname="edge errors"}', '{}:{alertname="saga stuck"}']);
    expect(groups.every((g) => g.rootCause === null)).toBe(true);
  });

  it('without a cascade everything groups by rule', () => {
    expect(groupAlerts([alert('a', 'order', 'payment')], null)[0]!.groupLabels).toEqual({ alertname: 'a' });
  });

  it('picks the root cause reachable along the path when there are several', () => {
    const cascade: Cascade = {
      rootCauses: ['payment', 'search-db'],
      blastRadius: ['order', 'user', 'search'],
      path: ['user->order', 'order->payment', 'search->search-db'],
      sentence: '',
    };
    const groups = groupAlerts([alert('x', 'user', 'order'), alert('y', 'search', 'search-db')], cascade);
    expect(groups.map((g) => g.rootCause).sort()).toEqual(['payment', 'search-db']);
  });

  it('prints group keys like Alertmanager', () => {
    expect(groupKey({ b: '2', a: 'x"y' })).toBe('{}:{a="x\\"y", b="2"}');
  });
});
