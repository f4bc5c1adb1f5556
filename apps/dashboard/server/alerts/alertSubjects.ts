import type { BreakerState } from '../../lib/apiTypes';
import type { AlertSnapshot } from './alertTypes';
import type { AlertKind, SelectorField } from './ruleSchema';

/**
 * The things a rule can be about — a breaker, an edge, a bulkhead, a saga
 * type — pulled out of a snapshot once per tick, with their measured value
 * per kind, and indexed by each identity field so rules with exact selectors
 * look their subjects up instead of scanning all of them.
 */
export interface Subject {
  /** Identity values joined: unique per subject within a kind, cheap to compare. */
  key: string;
  /** Identity labels: service / dependency / breaker / bulkhead / saga. */
  identity: Partial<Record<SelectorField, string>>;
  /** The value the rule's condition compares; null = no data (condition false). */
  value: number | null;
  /** Human text for the value (`open`, `48.0 %`, `2100 ms`). */
  valueText: string;
  /** saga_stuck: the oldest running saga. */
  sagaId?: string;
}

export class SubjectIndex {
  readonly all: Subject[];
  private readonly byField = new Map<SelectorField, Map<string, Subject[]>>();

  constructor(subjects: Subject[]) {
    this.all = subjects;
    for (const s of subjects) {
      for (const [field, value] of Object.entries(s.identity) as [SelectorField, string][]) {
        let values = this.byField.get(field);
        if (!values) {
          values = new Map();
          this.byField.set(field, values);
        }
        const list = values.get(value);
        if (list) list.push(s);
        else values.set(value, [s]);
      }
    }
  }

  /** Subjects whose `field` equals `value` exactly. */
  lookup(field: SelectorField, value: string): Subject[] {
    return this.byField.get(field)?.get(value) ?? [];
  }
}

/** Per kind, the subjects of a snapshot. Kinds of one family share subjects but not values. */
export type SubjectsByKind = Record<AlertKind, SubjectIndex>;

const OPEN_STATES: ReadonlySet<BreakerState> = new Set(['open', 'forced_open']);

/** The subject key of an existing instance, rebuilt from its identity labels. */
export function subjectKeyOfLabels(kind: AlertKind, labels: Record<string, string>): string {
  switch (kind) {
    case 'breaker_open':
      return `${labels.service}\u0000${labels.dependency}\u0000${labels.breaker}`;
    case 'edge_error_rate':
    case 'edge_latency_p99':
      return `${labels.service}\u0000${labels.dependency}`;
    case 'bulkhead_saturation':
    case 'bulkhead_rejections':
      return `${labels.service}\u0000${labels.dependency}\u0000${labels.bulkhead}`;
    default:
      return labels.saga ?? '';
  }
}

export function extractSubjects(snapshot: AlertSnapshot, nowMs: number): SubjectsByKind {
  const edges = snapshot.topology.edges;
  const breakers: Subject[] = [];
  const errorRates: Subject[] = [];
  const latencies: Subject[] = [];
  for (const e of edges) {
    const identity = { service: e.source, dependency: e.target };
    const key = `${e.source}\u0000${e.target}`;
    errorRates.push({ key, identity, value: e.errorRate, valueText: percent(e.errorRate) });
    latencies.push({
      key,
      identity,
      value: e.p99Ms,
      valueText: e.p99Ms === null ? 'no data' : `${Math.round(e.p99Ms)} ms`,
    });
    if (e.breaker) {
      breakers.push({
        key: `${key}\u0000${e.breaker.name}`,
        identity: { service: e.source, dependency: e.target, breaker: e.breaker.name },
        value: OPEN_STATES.has(e.breaker.state) ? 1 : 0,
        valueText: e.breaker.state,
      });
    }
  }
  const saturation: Subject[] = [];
  const rejections: Subject[] = [];
  for (const b of snapshot.bulkheads) {
    const identity = { service: b.service, dependency: b.dependency, bulkhead: b.name };
    const key = `${b.service}\u0000${b.dependency}\u0000${b.name}`;
    saturation.push({
      key,
      identity,
      value: b.saturation,
      valueText: b.saturation === null ? 'no limit' : percent(b.saturation),
    });
    rejections.push({ key, identity, value: b.rejectionsPerSec, valueText: `${round(b.rejectionsPerSec)}/s` });
  }
  const compensation: Subject[] = [];
  for (const s of snapshot.sagas?.stats ?? []) {
    // A failed saga also compensated (its compensation failed), so both count.
    const rate = s.runs > 0 ? (s.compensated + s.failed) / s.runs : null;
    compensation.push({
      key: s.name,
      identity: { saga: s.name },
      value: rate,
      valueText: rate === null ? 'no runs' : percent(rate),
    });
  }
  const oldest = new Map<string, { id: string; startedAtMs: number }>();
  for (const r of snapshot.sagas?.running ?? []) {
    const o = oldest.get(r.name);
    if (!o || r.startedAtMs < o.startedAtMs) oldest.set(r.name, { id: r.id, startedAtMs: r.startedAtMs });
  }
  const stuck: Subject[] = [];
  for (const [name, o] of oldest) {
    const ageS = Math.max(0, (nowMs - o.startedAtMs) / 1000);
    stuck.push({ key: name, identity: { saga: name }, value: ageS, valueText: `${Math.round(ageS)} s`, sagaId: o.id });
  }
  return {
    breaker_open: new SubjectIndex(breakers),
    edge_error_rate: new SubjectIndex(errorRates),
    edge_latency_p99: new SubjectIndex(latencies),
    bulkhead_saturation: new SubjectIndex(saturation),
    bulkhead_rejections: new SubjectIndex(rejections),
    saga_compensation_rate: new SubjectIndex(compensation),
    saga_stuck: new SubjectIndex(stuck),
  };
}

function percent(ratio: number): string {
  return `${round(ratio * 100)} %`;
}

function round(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}
