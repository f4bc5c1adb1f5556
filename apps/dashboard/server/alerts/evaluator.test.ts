import { describe, expect, it } from 'vitest';
import type { AlertInstance, AlertSnapshot } from './alertTypes';
import { evaluate, matchSubjects } from './evaluator';
import type { AlertRule } from './ruleSchema';
import { bulkhead, edge, rule, snapshot } from './testSnapshots';

const T0 = 1_767_225_600_000;
const s = (n: number) => T0 + n * 1000;

/** Runs a rule through a sequence of (second, snapshot) ticks, returning the state after each. */
function run(r: AlertRule, ticks: [number, AlertSnapshot][]) {
  let instances: AlertInstance[] = [];
  const states: string[] = [];
  const transitions: string[] = [];
  for (const [sec, snap] of ticks) {
    const result = evaluate([r], snap, s(sec), instances);
    instances = result.instances;
    states.push(instances.map((i) => i.state).join(',') || 'normal');
    for (const t of result.transitions) transitions.push(`${sec}:${t.from}->${t.to}`);
  }
  return { instances, states, transitions };
}

const open = snapshot({
  edges: [edge('order', 'payment', { breaker: { name: 'payment-cb', state: 'open' } })],
});
const closed = snapshot({
  edges: [edge('order', 'payment', { breaker: { name: 'payment-cb', state: 'closed' } })],
});

describe('state machine', () => {
  it('normal → pending → firing after `for`, then resolved', () => {
    const r = rule({ kind: 'breaker_open', forSeconds: 30 });
    const { states, transitions, instances } = run(r, [
      [0, open],
      [15, open],
      [30, open],
      [45, closed],
    ]);
    expect(states).toEqual(['pending', 'pending', 'firing', 'resolved']);
    expect(transitions).toEqual(['0:normal->pending', '30:pending->firing', '45:firing->resolved']);
    expect(instances[0]).toMatchObject({ activeAtMs: s(0), firedAtMs: s(30), resolvedAtMs: s(45) });
  });

  it('pending that clears before `for` returns to normal without firing', () => {
    const r = rule({ kind: 'breaker_open', forSeconds: 30 });
    const { states, transitions } = run(r, [
      [0, open],
      [10, closed],
      [20, open],
    ]);
    expect(states).toEqual(['pending', 'normal', 'pending']);
    expect(transitions).toEqual(['0:normal->pending', '10:pending->normal', '20:normal->pending']);
  });

  it('for = 0 fires on the first evaluation', () => {
    const { transitions } = run(rule({ kind: 'breaker_open' }), [[0, open]]);
    expect(transitions).toEqual(['0:normal->firing']);
  });

  it('keepFiringFor keeps a flapping alert firing, and resolves after a quiet window', () => {
    const r = rule({ kind: 'breaker_open', keepFiringForSeconds: 60 });
    const { states, transitions } = run(r, [
      [0, open],
      [10, closed], // window starts
      [40, open], // flap: window cleared
      [50, closed], // window restarts at 50
      [100, closed], // 50 s quiet: still firing
      [110, closed], // 60 s quiet: resolved
    ]);
    expect(states).toEqual(['firing', 'firing', 'firing', 'firing', 'firing', 'resolved']);
    expect(transitions).toEqual(['0:normal->firing', '110:firing->resolved']);
  });

  it('a resolved alert that becomes true again starts a new pending period', () => {
    const r = rule({ kind: 'breaker_open', forSeconds: 10 });
    const { transitions, instances } = run(r, [
      [0, open],
      [10, open],
      [20, closed],
      [30, open],
    ]);
    expect(transitions).toEqual([
      '0:normal->pending',
      '10:pending->firing',
      '20:firing->resolved',
      '30:resolved->pending',
    ]);
    expect(instances[0]).toMatchObject({ state: 'pending', activeAtMs: s(30), firedAtMs: null, resolvedAtMs: null });
  });

  it('resolved instances are dropped after the retention', () => {
    const r = rule({ kind: 'breaker_open' });
    let inst = evaluate([r], open, s(0), []).instances;
    inst = evaluate([r], closed, s(1), inst).instances;
    expect(inst.map((i) => i.state)).toEqual(['resolved']);
    expect(evaluate([r], closed, s(1 + 14 * 60), inst).instances).toHaveLength(1);
    expect(evaluate([r], closed, s(1 + 15 * 60), inst).instances).toHaveLength(0);
  });

  it('a subject that disappears counts as false', () => {
    const { transitions } = run(rule({ kind: 'breaker_open' }), [
      [0, open],
      [5, snapshot()],
    ]);
    expect(transitions).toEqual(['0:normal->firing', '5:firing->resolved']);
  });

  it('paused, disabled or deleted rules resolve their firing alerts and drop pending ones', () => {
    const firingRule = rule({ kind: 'breaker_open' });
    const pendingRule = rule({ kind: 'breaker_open', forSeconds: 60 });
    const first = evaluate([firingRule, pendingRule], open, s(0), []);
    expect(first.instances.map((i) => i.state).sort()).toEqual(['firing', 'pending']);
    const paused = evaluate(
      [
        { ...firingRule, paused: true },
        { ...pendingRule, enabled: false },
      ],
      open,
      s(1),
      first.instances,
    );
    expect(paused.transitions.map((t) => `${t.from}->${t.to}`).sort()).toEqual(['firing->resolved', 'pending->normal']);
    const deleted = evaluate([], open, s(1), first.instances);
    expect(deleted.instances.map((i) => i.state)).toEqual(['resolved']);
  });
});

describe('kinds', () => {
  const at = s(100);
  const firing = (r: AlertRule, snap: AlertSnapshot) =>
    evaluate([r], snap, at, [])
      .instances.filter((i) => i.state === 'firing')
      .map((i) => i.labels);

  it('breaker_open: open and forced_open fire, half_open does not', () => {
    const snap = snapshot({
      edges: [
        edge('a', 'b', { breaker: { name: 'b1', state: 'open' } }),
        edge('a', 'c', { breaker: { name: 'c1', state: 'forced_open' } }),
        edge('a', 'd', { breaker: { name: 'd1', state: 'half_open' } }),
        edge('a', 'e'),
      ],
    });
    expect(firing(rule({ kind: 'breaker_open' }), snap).map((l) => l.breaker)).toEqual(['b1', 'c1']);
  });

  it('edge_error_rate: strictly above the threshold', () => {
    const snap = snapshot({ edges: [edge('a', 'b', { errorRate: 0.5 }), edge('a', 'c', { errorRate: 0.6 })] });
    expect(firing(rule({ kind: 'edge_error_rate', threshold: 0.5 }), snap).map((l) => l.dependency)).toEqual(['c']);
  });

  it('edge_latency_p99: above the threshold in ms; no data never fires', () => {
    const snap = snapshot({ edges: [edge('a', 'b', { p99Ms: 2100 }), edge('a', 'c', { p99Ms: null })] });
    expect(firing(rule({ kind: 'edge_latency_p99', threshold: 1000 }), snap).map((l) => l.dependency)).toEqual(['b']);
  });

  it('bulkhead_saturation: at or above the threshold; no limit never fires', () => {
    const snap = snapshot({
      bulkheads: [
        bulkhead('order', 'payment', { saturation: 1 }),
        bulkhead('order', 'inventory', { saturation: 0.5 }),
        bulkhead('order', 'email', { saturation: null }),
      ],
    });
    expect(firing(rule({ kind: 'bulkhead_saturation', threshold: 1 }), snap).map((l) => l.bulkhead)).toEqual([
      'order->payment',
    ]);
  });

  it('bulkhead_rejections: above the threshold per second', () => {
    const snap = snapshot({ bulkheads: [bulkhead('order', 'payment', { rejectionsPerSec: 12 }), bulkhead('a', 'b')] });
    expect(firing(rule({ kind: 'bulkhead_rejections', threshold: 5 }), snap)).toHaveLength(1);
  });

  it('saga_compensation_rate: (compensated + failed) / runs above the threshold; no runs never fires', () => {
    const snap = snapshot({
      sagaStats: [
        { name: 'place-order', runs: 10, compensated: 2, failed: 1 },
        { name: 'refund', runs: 10, compensated: 1, failed: 0 },
        { name: 'idle', runs: 0, compensated: 0, failed: 0 },
      ],
    });
    const r = rule({
      kind: 'saga_compensation_rate',
      threshold: 0.2,
      annotations: { summary: '{{saga}} {{valueText}}' },
    });
    const result = evaluate([r], snap, at, []).instances;
    expect(result.map((i) => i.labels.saga)).toEqual(['place-order']);
    expect(result[0]!.annotations.summary).toBe('place-order 30 %');
  });

  it('saga_stuck: one instance per saga type, on the oldest running saga', () => {
    const snap = snapshot({
      running: [
        { id: 's1', name: 'place-order', startedAtMs: at - 400_000 },
        { id: 's2', name: 'place-order', startedAtMs: at - 900_000 },
        { id: 's3', name: 'refund', startedAtMs: at - 10_000 },
      ],
    });
    const r = rule({
      kind: 'saga_stuck',
      threshold: 300,
      annotations: { summary: '{{sagaId}} running {{valueText}}' },
    });
    const result = evaluate([r], snap, at, []).instances;
    expect(result).toHaveLength(1);
    expect(result[0]!.labels.saga).toBe('place-order');
    expect(result[0]!.annotations.summary).toBe('s2 running 900 s');
  });
});

describe('selectors, labels and annotations', () => {
  const snap = snapshot({
    edges: [
      edge('order', 'payment', { errorRate: 0.9 }),
      edge('order', 'payment-eu', { errorRate: 0.9 }),
      edge('user', 'payment', { errorRate: 0.9 }),
      edge('user', 'profile', { errorRate: 0.9 }),
    ],
  });

  it('matches exact names and globs, one instance per subject', () => {
    const deps = (selector: object) =>
      evaluate([rule({ kind: 'edge_error_rate', threshold: 0.5, selector })], snap, T0, [])
        .instances.map((i) => `${i.labels.service}->${i.labels.dependency}`)
        .sort();
    expect(deps({ dependency: 'payment' })).toEqual(['order->payment', 'user->payment']);
    expect(deps({ dependency: 'payment*' })).toEqual(['order->payment', 'order->payment-eu', 'user->payment']);
    expect(deps({ service: 'u?er', dependency: 'p*' })).toEqual(['user->payment', 'user->profile']);
    expect(deps({ service: 'nobody' })).toEqual([]);
    expect(deps({})).toHaveLength(4);
  });

  it('labels carry identity, rule labels and severity; fingerprints are stable', () => {
    const r = rule({
      name: 'payment errors',
      kind: 'edge_error_rate',
      threshold: 0.5,
      severity: 'critical',
      selector: { service: 'order', dependency: 'payment' },
      labels: { team: 'payments' },
      annotations: {
        summary: '{{service}} → {{dependency}} errors {{valueText}} > {{thresholdText}} ({{labels.team}})',
      },
    });
    const [inst] = evaluate([r], snap, T0, []).instances;
    expect(inst!.labels).toEqual({
      alertname: 'payment errors',
      severity: 'critical',
      kind: 'edge_error_rate',
      service: 'order',
      dependency: 'payment',
      team: 'payments',
    });
    expect(inst!.annotations.summary).toBe('order → payment errors 90 % > 50 % (payments)');
    expect(inst!.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    const [again] = evaluate([{ ...r }], snap, T0 + 1000, []).instances;
    expect(again!.fingerprint).toBe(inst!.fingerprint);
  });

  it('matchSubjects previews what a rule would select', () => {
    const r = rule({ kind: 'edge_error_rate', threshold: 0.95, selector: { service: 'user' } });
    expect(matchSubjects(r, snap, T0).map((x) => x.identity.dependency)).toEqual(['payment', 'profile']);
  });
});
