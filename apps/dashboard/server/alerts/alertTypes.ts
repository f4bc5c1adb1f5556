import type { BulkheadRow, Topology } from '../../lib/apiTypes';

/** Per saga type, over the evaluation window. */
export interface SagaTypeStats {
  name: string;
  runs: number;
  /** Runs that ended compensated (all compensations succeeded). */
  compensated: number;
  /** Runs where a compensation itself failed. */
  failed: number;
}

export interface RunningSaga {
  id: string;
  name: string;
  startedAtMs: number;
}

/** Everything the evaluator reads, taken from the live model at one instant. */
export interface AlertSnapshot {
  topology: Topology;
  bulkheads: BulkheadRow[];
  sagas?: { stats: SagaTypeStats[]; running: RunningSaga[] };
}

/** `normal` is never stored: an instance in normal state does not exist. */
export type AlertState = 'pending' | 'firing' | 'resolved';

export interface AlertInstance {
  ruleId: string;
  ruleName: string;
  /** Prometheus-compatible hash of `labels`; unique per rule. */
  fingerprint: string;
  state: AlertState;
  labels: Record<string, string>;
  /** Rendered annotations. */
  annotations: Record<string, string>;
  /** Last measured value (null when the subject reported none). */
  value: number | null;
  /** When the condition started to hold (start of pending). */
  activeAtMs: number;
  firedAtMs: number | null;
  resolvedAtMs: number | null;
  /** First evaluation where a firing alert's condition no longer held (keepFiringFor window). */
  keepFiringSinceMs: number | null;
  lastEvalMs: number;
  /** Set by the engine when a notification naming this instance was handed to a channel. */
  lastNotifiedMs: number | null;
  /** Which state was last notified, so a resolved alert is announced only if its firing was. */
  notifiedState: 'firing' | 'resolved' | null;
}

export interface AlertTransition {
  ruleId: string;
  ruleName: string;
  fingerprint: string;
  from: AlertState | 'normal';
  to: AlertState | 'normal';
  atMs: number;
  value: number | null;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface Silence {
  id: string;
  matchers: LabelMatcher[];
  startsAtMs: number;
  endsAtMs: number;
  createdBy: string;
  comment: string;
}

export interface LabelMatcher {
  name: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}
