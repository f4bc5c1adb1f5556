/**
 * The words for an edge and a node: the short label drawn on the map and the
 * accessible name screen readers announce. Both come from the same figures so
 * what is seen and what is heard never disagree.
 */
import type { TopologyEdge, TopologyService } from './apiTypes';
import { breakerLook, healthLook } from './breakerStyle';
import { AMPLIFICATION_LABEL_THRESHOLD, formatAmplification, formatDuration, formatPercent } from './format';

/** "err 48 % · p99 2.0 s" and, when retries amplify load, "×3.1" as a separate part. */
export function edgeLabelParts(edge: TopologyEdge): { main: string; amplification: string | null } {
  const main = `err ${formatPercent(edge.errorRate)} · p99 ${formatDuration(edge.p99Ms)}`;
  const amp =
    edge.retryAmplification !== null && edge.retryAmplification > AMPLIFICATION_LABEL_THRESHOLD
      ? formatAmplification(edge.retryAmplification)
      : null;
  return { main, amplification: amp };
}

/**
 * "order-service → payment-service, breaker open, 48 % errors, p99 2.0 s, retries ×3.1".
 * Throughput is left out on purpose: it changes every second and a name that
 * changes that often is noise to a screen reader (it is in the side panel).
 */
export function edgeAccessibleName(edge: TopologyEdge): string {
  const parts = [`${edge.source} → ${edge.target}`, breakerLook(edge.breaker?.state).label];
  parts.push(`${formatPercent(edge.errorRate)} errors`);
  if (edge.p99Ms !== null) parts.push(`p99 ${formatDuration(edge.p99Ms)}`);
  if (edge.retryAmplification !== null && edge.retryAmplification > AMPLIFICATION_LABEL_THRESHOLD) {
    parts.push(`retries ${formatAmplification(edge.retryAmplification)}`);
  }
  if (edge.bulkhead?.saturation !== null && edge.bulkhead?.saturation !== undefined && edge.bulkhead.saturation >= 1) {
    parts.push('bulkhead saturated');
  }
  return parts.join(', ');
}

export type CascadeRole = 'root-cause' | 'blast-radius' | null;

/** "payment-service, database, failing, root cause, bulkhead saturated". */
export function nodeAccessibleName(service: TopologyService, role: CascadeRole): string {
  const parts = [service.name];
  if (service.kind !== 'service') parts.push(service.kind);
  parts.push(healthLook(service.health).label);
  if (role === 'root-cause') parts.push('root cause');
  if (role === 'blast-radius') parts.push('degraded by the root cause');
  if (service.saturated) parts.push('bulkhead saturated');
  if (service.eventLoopSaturated) parts.push('event loop saturated');
  if (service.errorRate !== undefined && service.errorRate > 0)
    parts.push(`${formatPercent(service.errorRate)} errors`);
  return parts.join(', ');
}
