import { describe, expect, it } from 'vitest';
import {
  affectedByGroup,
  countFiring,
  displayLabels,
  formatDuration,
  formatValue,
  sortAlerts,
} from '../apps/dashboard/components/alerts/alertFormat';
import { type AlertView, normalizeNotification } from '../apps/dashboard/components/alerts/alertModel';
import {
  controlForField,
  emptyRuleForm,
  mapRuleErrors,
  type RuleFormState,
  ruleFormFromRule,
  ruleInputFromForm,
} from '../apps/dashboard/components/alerts/ruleForm';
import {
  mapSilenceErrors,
  silenceFormForAlert,
  silenceInputFromForm,
} from '../apps/dashboard/components/alerts/silenceForm';
import { toastText } from '../apps/dashboard/components/alerts/toastText';
import { groupAlerts } from '../apps/dashboard/server/alerts/grouping';
import { validateRule } from '../apps/dashboard/server/alerts/ruleSchema';

/**
 * The alerts UI's pure parts against the server's own validation: what the
 * form sends is what the server accepts, and every error path the server
 * produces lands on a form control.
 */
function form(patch: Partial<RuleFormState> = {}): RuleFormState {
  return { ...emptyRuleForm(), name: 'payment breaker open', ...patch };
}

function view(patch: Partial<AlertView> & { labels: Record<string, string> }): AlertView {
  return {
    ruleId: 'r1',
    ruleName: 'rule',
    fingerprint: Math.random().toString(16).slice(2),
    state: 'firing',
    annotations: {},
    value: 1,
    activeAtMs: 1000,
    firedAtMs: 2000,
    resolvedAtMs: null,
    keepFiringSinceMs: null,
    lastEvalMs: 2000,
    lastNotifiedMs: null,
    notifiedState: null,
    silencedBy: null,
    group: null,
    rootCause: null,
    source: 'api',
    ...patch,
  };
}

describe('rule form ↔ API JSON', () => {
  it('a filled-in form is a rule the server accepts, and reads back unchanged', () => {
    const f = form({
      kind: 'edge_error_rate',
      threshold: '0.25',
      forSeconds: '10',
      keepFiringForSeconds: '60',
      severity: 'critical',
      selector: { service: 'order-*', dependency: 'payment-service', breaker: 'ignored', bulkhead: '', saga: '' },
      labels: [{ key: 'team', value: 'payments' }],
      annotations: [{ key: 'summary', value: '{{service}} → {{dependency}} errors' }],
      webhooks: [{ url: 'http://127.0.0.1:9093/hook', name: 'oncall' }],
      ui: true,
    });
    const body = ruleInputFromForm(f);
    expect(body.selector).toEqual({ service: 'order-*', dependency: 'payment-service' });
    expect(body.channels).toEqual([
      { type: 'webhook', url: 'http://127.0.0.1:9093/hook', name: 'oncall' },
      { type: 'ui' },
    ]);
    const result = validateRule(body, { id: 'x' });
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.rule).toMatchObject({
      threshold: 0.25,
      forSeconds: 10,
      keepFiringForSeconds: 60,
      severity: 'critical',
    });
    const back = ruleFormFromRule(result.rule);
    expect(ruleInputFromForm(back)).toEqual(body);
  });

  it('breaker_open sends a null threshold and empty optional fields are left to server defaults', () => {
    const body = ruleInputFromForm(
      form({ threshold: '5', forSeconds: '', annotations: [{ key: 'summary', value: '' }] }),
    );
    expect(body.threshold).toBeNull();
    expect(body).not.toHaveProperty('forSeconds');
    expect(body.annotations).toEqual({});
    expect(validateRule(body).ok).toBe(true);
  });

  it('pausing in the form is enabled: false', () => {
    const body = ruleInputFromForm(form({ enabled: false }));
    expect(body).toMatchObject({ enabled: false, paused: false });
  });

  it('a non-numeric threshold goes to the server as text, so its error names the field', () => {
    const f = form({ kind: 'edge_latency_p99', threshold: 'fast' });
    const result = validateRule(ruleInputFromForm(f));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.field)).toContain('threshold');
    expect(mapRuleErrors(result.errors, f).byControl.has('threshold')).toBe(true);
  });
});

describe('server errors land on form controls', () => {
  it('maps every error path the server produces for a bad form', () => {
    const f = form({
      name: '',
      kind: 'edge_error_rate',
      threshold: '2',
      forSeconds: '-1',
      labels: [
        { key: 'severity', value: 'x' },
        { key: 'bad-name', value: 'y' },
      ],
      annotations: [{ key: 'summary', value: '{{nope}}' }],
      webhooks: [
        { url: 'http://127.0.0.1:9093/ok', name: '' },
        { url: 'ftp://example.com/hook', name: '' },
      ],
    });
    const result = validateRule(ruleInputFromForm(f));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const mapped = mapRuleErrors(result.errors, f);
    // zod stops at the first layer (name, forSeconds); fix them to see the semantic checks.
    expect([...mapped.byControl.keys()].sort()).toEqual(['forSeconds', 'name']);
    expect(mapped.general).toEqual([]);

    const f2 = { ...f, name: 'ok', forSeconds: '0' };
    const second = validateRule(ruleInputFromForm(f2));
    if (second.ok) throw new Error('expected errors');
    const mapped2 = mapRuleErrors(second.errors, f2);
    expect([...mapped2.byControl.keys()].sort()).toEqual([
      'annotations.0',
      'labels.0',
      'labels.1',
      'threshold',
      'webhooks.1.url',
    ]);
    expect(mapped2.general).toEqual([]);
  });

  it('channel indexes past the webhooks are the UI channel; unknown paths are general', () => {
    const f = form({ webhooks: [{ url: 'x', name: '' }] });
    expect(controlForField('channels.0.url', f)).toBe('webhooks.0.url');
    expect(controlForField('channels.0.name', f)).toBe('webhooks.0.name');
    expect(controlForField('channels.1', f)).toBe('ui');
    expect(controlForField('selector.bulkhead', f)).toBeNull(); // no such input for breaker_open
    expect(controlForField('selector.service', f)).toBe('selector.service');
    expect(controlForField('', f)).toBeNull();
    expect(mapRuleErrors([{ field: '', message: 'whole rule' }], f).general).toHaveLength(1);
  });
});

describe('silence form', () => {
  it('prefills matchers from an alert and sends the end time as epoch ms', () => {
    const now = Date.parse('2025-01-01T12:00:00Z');
    const f = silenceFormForAlert(
      view({
        labels: {
          alertname: 'payment breaker open',
          service: 'order-service',
          dependency: 'payment-service',
          severity: 'critical',
        },
      }),
      now,
    );
    expect(f.matchers.map((m) => m.name)).toEqual(['alertname', 'service', 'dependency']);
    const body = silenceInputFromForm(f);
    expect(body.endsAt).toBe(Date.parse(f.endsAt));
    expect(Number(body.endsAt) - now).toBeGreaterThan(3_600_000);
  });

  it('maps matcher and time errors', () => {
    const mapped = mapSilenceErrors([
      { field: 'matchers.1.value', message: 'is not a valid regular expression' },
      { field: 'endsAt', message: 'must be in the future' },
      { field: 'matchers', message: 'at least one matcher must not match the empty string' },
      { field: 'other', message: '?' },
    ]);
    expect([...mapped.byControl.keys()].sort()).toEqual(['endsAt', 'matchers', 'matchers.1.value']);
    expect(mapped.general).toHaveLength(1);
  });
});

describe('alert display', () => {
  it('formats values per kind', () => {
    expect(formatValue('breaker_open', 1)).toBe('open');
    expect(formatValue('edge_error_rate', 0.48)).toBe('48 %');
    expect(formatValue('edge_latency_p99', 2100.4)).toBe('2100 ms');
    expect(formatValue('bulkhead_rejections', 3.25)).toBe('3.3/s');
    expect(formatValue('edge_error_rate', null)).toBe('—');
    expect(formatDuration(125_000)).toBe('2 min');
    expect(formatDuration(3_900_000)).toBe('1 h 5 min');
  });

  it('sorts firing before pending, critical first; counts unsilenced firing alerts', () => {
    const a = view({ state: 'pending', labels: { severity: 'critical' } });
    const b = view({ state: 'firing', labels: { severity: 'warning' } });
    const c = view({ state: 'firing', labels: { severity: 'critical' }, silencedBy: 's1' });
    expect(sortAlerts([a, b, c])).toEqual([c, b, a]);
    expect(countFiring([a, b, c])).toBe(1);
    expect(displayLabels({ alertname: 'x', team: 't', service: 's', severity: 'critical' })).toEqual([
      ['severity', 'critical'],
      ['service', 's'],
      ['team', 't'],
    ]);
  });

  it('lists the services affected under each root cause', () => {
    const group = '{}:{root_cause="payment-service"}';
    const alerts = [
      view({
        group,
        rootCause: 'payment-service',
        labels: { service: 'order-service', dependency: 'payment-service' },
      }),
      view({ group, rootCause: 'payment-service', labels: { service: 'user-service', dependency: 'order-service' } }),
    ];
    expect(affectedByGroup(alerts).get(group)).toEqual(['order-service', 'user-service']);
  });

  it('toasts name the root cause and the affected services', () => {
    const t = toastText({
      status: 'firing',
      groupKey: '{}:{root_cause="payment-service"}',
      rootCause: 'payment-service',
      alerts: [
        view({
          ruleName: 'breaker',
          labels: {
            alertname: 'breaker',
            severity: 'warning',
            service: 'order-service',
            dependency: 'payment-service',
          },
        }),
        view({
          ruleName: 'errors',
          labels: { alertname: 'errors', severity: 'critical', service: 'user-service', dependency: 'order-service' },
        }),
      ],
    });
    expect(t.title).toBe('Firing: breaker, errors');
    expect(t.severity).toBe('critical');
    expect(t.body).toBe('payment-service is the root cause; affected: order-service, user-service. (2 alerts)');
  });

  it('reads the engine notification as published on the alerts room, and its flattened form', () => {
    const alerts = [
      view({
        ruleName: 'breaker',
        labels: { alertname: 'breaker', service: 'order-service', dependency: 'payment-service' },
      }),
    ];
    const [group] = groupAlerts(alerts, {
      rootCauses: ['payment-service'],
      blastRadius: ['order-service'],
      sentence: '',
    });
    const published = { group, status: 'firing', webhooks: [], ui: true };
    const n = normalizeNotification(JSON.parse(JSON.stringify(published)));
    expect(n).toMatchObject({
      status: 'firing',
      groupKey: '{}:{root_cause="payment-service"}',
      rootCause: 'payment-service',
      affectedServices: ['order-service'],
    });
    expect(n?.alerts?.[0]?.annotations.root_cause).toBe('payment-service');
    expect(
      normalizeNotification({
        status: 'resolved',
        groupKey: 'k',
        rootCause: null,
        alerts: [{ labels: {}, ruleName: 'x' }],
      }),
    ).toMatchObject({ status: 'resolved', groupKey: 'k', rootCause: null, alerts: [{ annotations: {} }] });
    expect(normalizeNotification({ status: 'weird' })).toBeNull();
    expect(normalizeNotification('x')).toBeNull();
  });
});
