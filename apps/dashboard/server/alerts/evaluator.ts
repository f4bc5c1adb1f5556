import {
  extractSubjects,
  type Subject,
  type SubjectIndex,
  type SubjectsByKind,
  subjectKeyOfLabels,
} from './alertSubjects';
import type { AlertInstance, AlertSnapshot, AlertTransition } from './alertTypes';
import { renderTemplate, type TemplateVars } from './annotationTemplate';
import { fingerprintLabels } from './fingerprint';
import { compileGlob, isGlob, type NameMatcher } from './glob';
import type { AlertKind, AlertRule, SelectorField } from './ruleSchema';

/**
 * Pure rule evaluation: rules × snapshot × previous instances → instances and
 * the state transitions of this tick. Same semantics as Prometheus alerting
 * rules (rules/alerting.go):
 *
 *   normal ──cond──▶ pending ──cond held `for`──▶ firing ──¬cond for keepFiringFor──▶ resolved
 *      ▲                │ ¬cond                       ▲                                   │
 *      └────────────────┘                             └──────── cond (new pending) ◀──────┘
 *
 * - `for` = 0 fires on the first evaluation where the condition holds.
 * - keepFiringFor: the first evaluation where a firing alert's condition is
 *   false starts the window (`keepFiringSinceMs`); the alert resolves when
 *   the condition has stayed false for the whole window. Any true evaluation
 *   inside the window clears it, so a flapping subject keeps one firing alert
 *   instead of paging on every flap.
 * - A subject that disappears from the snapshot counts as condition false.
 * - Instances of rules that are deleted, disabled or paused: pending ones
 *   drop to normal, firing ones resolve (receivers get a resolved message).
 * - Resolved instances are kept `resolvedRetentionMs` (default 15 min, as
 *   Prometheus) so the UI shows recent alerts, then dropped.
 *
 * Cost: O(matching subjects) per rule. Exact selector fields are looked up in
 * per-field indexes; globs are compiled once per rule object and cached.
 * Labels and fingerprints are computed only for subjects whose condition
 * holds or that already have an instance.
 */
export interface EvaluateOptions {
  resolvedRetentionMs?: number;
}

export interface EvaluationResult {
  instances: AlertInstance[];
  transitions: AlertTransition[];
}

const DEFAULT_RESOLVED_RETENTION_MS = 15 * 60_000;

export function evaluate(
  rules: readonly AlertRule[],
  snapshot: AlertSnapshot,
  nowMs: number,
  previous: readonly AlertInstance[],
  options: EvaluateOptions = {},
): EvaluationResult {
  const subjects = extractSubjects(snapshot, nowMs);
  const retention = options.resolvedRetentionMs ?? DEFAULT_RESOLVED_RETENTION_MS;
  const previousByRule = new Map<string, Map<string, AlertInstance>>();
  for (const inst of previous) {
    let m = previousByRule.get(inst.ruleId);
    if (!m) {
      m = new Map();
      previousByRule.set(inst.ruleId, m);
    }
    m.set(inst.fingerprint, inst);
  }

  const instances: AlertInstance[] = [];
  const transitions: AlertTransition[] = [];
  const evaluated = new Set<string>();

  for (const rule of rules) {
    if (!rule.enabled || rule.paused) continue;
    evaluated.add(rule.id);
    const compiled = compile(rule);
    const prev = previousByRule.get(rule.id);
    const prevKeys = prev ? subjectKeys(rule.kind, prev) : null;
    const seen = prev ? new Set<string>() : null;
    for (const subject of compiled.candidates(subjects)) {
      const active = holds(rule.kind, subject.value, rule.threshold);
      if (!active && !prevKeys?.has(subject.key)) continue;
      const { labels, fingerprint } = compiled.identify(subject);
      const before = prev?.get(fingerprint);
      if (!active && !before) continue;
      seen?.add(fingerprint);
      const vars = templateVars(rule, subject);
      step(rule, before, active, subject.value, labels, fingerprint, vars, nowMs, retention, instances, transitions);
    }
    if (prev && seen) {
      for (const [fingerprint, before] of prev) {
        if (seen.has(fingerprint)) continue;
        step(rule, before, false, null, before.labels, fingerprint, null, nowMs, retention, instances, transitions);
      }
    }
  }

  // Instances whose rule is gone, disabled or paused.
  for (const [ruleId, prev] of previousByRule) {
    if (evaluated.has(ruleId)) continue;
    for (const before of prev.values()) retire(before, nowMs, retention, instances, transitions);
  }
  return { instances, transitions };
}

/** Which subjects of the snapshot a rule selects (for the UI's "preview"). */
export function matchSubjects(rule: AlertRule, snapshot: AlertSnapshot, nowMs: number): Subject[] {
  return compile(rule).candidates(extractSubjects(snapshot, nowMs));
}

function holds(kind: AlertKind, value: number | null, threshold: number | null): boolean {
  if (value === null) return false;
  switch (kind) {
    case 'breaker_open':
      return value === 1;
    case 'bulkhead_saturation':
      return value >= (threshold ?? 1);
    default:
      return threshold !== null && value > threshold;
  }
}

function step(
  rule: AlertRule,
  before: AlertInstance | undefined,
  active: boolean,
  value: number | null,
  labels: Record<string, string>,
  fingerprint: string,
  vars: TemplateVars | null,
  nowMs: number,
  retention: number,
  out: AlertInstance[],
  transitions: AlertTransition[],
): void {
  const forMs = rule.forSeconds * 1000;
  const keepMs = rule.keepFiringForSeconds * 1000;
  if (active) {
    if (!before || before.state === 'resolved') {
      const state = forMs === 0 ? 'firing' : 'pending';
      const next: AlertInstance = {
        ruleId: rule.id,
        ruleName: rule.name,
        fingerprint,
        state,
        labels,
        annotations: {},
        value,
        activeAtMs: nowMs,
        firedAtMs: state === 'firing' ? nowMs : null,
        resolvedAtMs: null,
        keepFiringSinceMs: null,
        lastEvalMs: nowMs,
        lastNotifiedMs: before?.lastNotifiedMs ?? null,
        notifiedState: before?.notifiedState ?? null,
      };
      next.annotations = render(rule, vars, next);
      out.push(next);
      transitions.push(transition(next, before?.state ?? 'normal', state, nowMs));
      return;
    }
    const fires = before.state === 'pending' && nowMs - before.activeAtMs >= forMs;
    const state = fires ? 'firing' : before.state;
    const next: AlertInstance = {
      ...before,
      ruleName: rule.name,
      state,
      labels,
      value,
      firedAtMs: fires ? nowMs : before.firedAtMs,
      keepFiringSinceMs: null,
      lastEvalMs: nowMs,
    };
    // Same value, same state, same rule object: the rendered text cannot differ.
    const unchanged = !fires && before.value === value && before.labels === labels;
    next.annotations = unchanged ? before.annotations : render(rule, vars, next);
    out.push(next);
    if (fires) transitions.push(transition(next, 'pending', 'firing', nowMs));
    return;
  }
  if (!before) return;
  if (before.state === 'pending') {
    transitions.push(transition(before, 'pending', 'normal', nowMs));
    return;
  }
  if (before.state === 'firing') {
    const since = before.keepFiringSinceMs ?? nowMs;
    const lastValue = value ?? before.value;
    if (keepMs > 0 && nowMs - since < keepMs) {
      const next = { ...before, keepFiringSinceMs: since, value: lastValue, lastEvalMs: nowMs };
      next.annotations = vars ? render(rule, vars, next) : before.annotations;
      out.push(next);
      return;
    }
    const next: AlertInstance = {
      ...before,
      state: 'resolved',
      value: lastValue,
      resolvedAtMs: nowMs,
      keepFiringSinceMs: null,
      lastEvalMs: nowMs,
    };
    next.annotations = vars ? render(rule, vars, next) : before.annotations;
    out.push(next);
    transitions.push(transition(next, 'firing', 'resolved', nowMs));
    return;
  }
  // resolved: keep for the UI until retention passes.
  if (before.resolvedAtMs !== null && nowMs - before.resolvedAtMs < retention) out.push(before);
}

function retire(
  before: AlertInstance,
  nowMs: number,
  retention: number,
  out: AlertInstance[],
  transitions: AlertTransition[],
): void {
  if (before.state === 'pending') {
    transitions.push(transition(before, 'pending', 'normal', nowMs));
  } else if (before.state === 'firing') {
    const next: AlertInstance = {
      ...before,
      state: 'resolved',
      resolvedAtMs: nowMs,
      keepFiringSinceMs: null,
      lastEvalMs: nowMs,
    };
    out.push(next);
    transitions.push(transition(next, 'firing', 'resolved', nowMs));
  } else if (before.resolvedAtMs !== null && nowMs - before.resolvedAtMs < retention) {
    out.push(before);
  }
}

function transition(
  inst: AlertInstance,
  from: AlertTransition['from'],
  to: AlertTransition['to'],
  atMs: number,
): AlertTransition {
  return {
    ruleId: inst.ruleId,
    ruleName: inst.ruleName,
    fingerprint: inst.fingerprint,
    from,
    to,
    atMs,
    value: inst.value,
    labels: inst.labels,
    annotations: inst.annotations,
  };
}

function subjectKeys(kind: AlertKind, instances: Map<string, AlertInstance>): Set<string> {
  const keys = new Set<string>();
  for (const inst of instances.values()) keys.add(subjectKeyOfLabels(kind, inst.labels));
  return keys;
}

function templateVars(rule: AlertRule, subject: Subject): TemplateVars {
  const id = subject.identity;
  return {
    rule: rule.name,
    kind: rule.kind,
    severity: rule.severity,
    service: id.service,
    dependency: id.dependency,
    breaker: id.breaker,
    bulkhead: id.bulkhead,
    saga: id.saga,
    sagaId: subject.sagaId,
    value: subject.value === null ? '' : String(Math.round(subject.value * 1000) / 1000),
    valueText: subject.valueText,
    threshold: rule.threshold === null ? '' : String(rule.threshold),
    thresholdText: thresholdText(rule),
  };
}

function thresholdText(rule: AlertRule): string {
  const t = rule.threshold;
  if (t === null) return '';
  switch (rule.kind) {
    case 'edge_error_rate':
    case 'bulkhead_saturation':
    case 'saga_compensation_rate':
      return `${Math.round(t * 1000) / 10} %`;
    case 'edge_latency_p99':
      return `${t} ms`;
    case 'bulkhead_rejections':
      return `${t}/s`;
    case 'saga_stuck':
      return `${t} s`;
    default:
      return String(t);
  }
}

function render(rule: AlertRule, vars: TemplateVars | null, inst: AlertInstance): Record<string, string> {
  if (!vars) return inst.annotations;
  const withState = { ...vars, state: inst.state };
  const out: Record<string, string> = {};
  for (const [name, template] of Object.entries(rule.annotations)) {
    out[name] = renderTemplate(template, withState, inst.labels);
  }
  return out;
}

interface CompiledRule {
  candidates(subjects: SubjectsByKind): Subject[];
  /** Labels and fingerprint of the instance for a subject, memoized per subject key. */
  identify(subject: Subject): { labels: Record<string, string>; fingerprint: string };
}

/** Bound of the per-rule label/fingerprint memo; cleared when exceeded (subjects churned). */
const MAX_MEMO_PER_RULE = 10_000;

const compiledRules = new WeakMap<AlertRule, CompiledRule>();

/**
 * A glob's verdicts remembered per name: there are far fewer distinct
 * service names than edges, so each name is tested once per rule.
 */
function memoized(match: NameMatcher): NameMatcher {
  const verdicts = new Map<string, boolean>();
  return (name) => {
    let v = verdicts.get(name);
    if (v === undefined) {
      if (verdicts.size >= MAX_MEMO_PER_RULE) verdicts.clear();
      v = match(name);
      verdicts.set(name, v);
    }
    return v;
  };
}

function compile(rule: AlertRule): CompiledRule {
  const cached = compiledRules.get(rule);
  if (cached) return cached;
  const matchers: [SelectorField, NameMatcher][] = [];
  const exact: [SelectorField, string][] = [];
  for (const [field, pattern] of Object.entries(rule.selector) as [SelectorField, string | undefined][]) {
    if (pattern === undefined) continue;
    if (isGlob(pattern)) matchers.push([field, memoized(compileGlob(pattern))]);
    else exact.push([field, pattern]);
  }
  const matches = (s: Subject): boolean => {
    for (const [field, value] of exact) if (s.identity[field] !== value) return false;
    for (const [field, m] of matchers) {
      const v = s.identity[field];
      if (v === undefined || !m(v)) return false;
    }
    return true;
  };
  const memo = new Map<string, { labels: Record<string, string>; fingerprint: string }>();
  const compiled: CompiledRule = {
    identify(subject) {
      let id = memo.get(subject.key);
      if (!id) {
        if (memo.size >= MAX_MEMO_PER_RULE) memo.clear();
        const labels = {
          ...rule.labels,
          alertname: rule.name,
          severity: rule.severity,
          kind: rule.kind,
          ...subject.identity,
        };
        id = { labels, fingerprint: fingerprintLabels(labels) };
        memo.set(subject.key, id);
      }
      return id;
    },
    candidates(subjects) {
      const index: SubjectIndex = subjects[rule.kind];
      let pool = index.all;
      // Start from the smallest exact-match bucket.
      for (const [field, value] of exact) {
        const bucket = index.lookup(field, value);
        if (bucket.length < pool.length) pool = bucket;
      }
      return pool.filter(matches);
    },
  };
  compiledRules.set(rule, compiled);
  return compiled;
}
