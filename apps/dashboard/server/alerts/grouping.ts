import type { Cascade } from '../../lib/apiTypes';
import type { AlertInstance } from './alertTypes';

/**
 * Cascade-aware grouping. One failing dependency drags its callers down, and
 * every caller's rules fire; paging once per caller buries the cause. So an
 * alert whose subject lies in the cascade of a root cause (the cascade
 * analysis of the topology: root causes, blast radius, propagation path) is
 * grouped under that root cause, and the group's notification names the root
 * cause and lists the affected services. Other alerts group by rule, as
 * Alertmanager's default `group_by: [alertname]` would.
 *
 * Which root cause an alert belongs to, in order:
 *  1. its dependency is a root cause (order → payment, payment failing);
 *  2. its service is a root cause (payment's own bulkhead);
 *  3. its dependency is in the blast radius or its edge is on the path
 *     (user → order while order is dragged down by payment): the first root
 *     cause reachable from its service along path edges, or the only root
 *     cause when there is one. A degraded caller's call to a healthy
 *     dependency (user → profile) is not part of the cascade.
 */
export interface AlertGroup {
  /** Alertmanager-style group key: `{}:{root_cause="payment"}` or `{}:{alertname="…"}`. */
  key: string;
  groupLabels: Record<string, string>;
  rootCause: string | null;
  /** Services the grouped alerts are about, root cause excluded, sorted. */
  affectedServices: string[];
  /** The alerts; in cascade groups with `root_cause` and `cascade` annotations added. */
  alerts: AlertInstance[];
}

export function groupAlerts(alerts: readonly AlertInstance[], cascade: Cascade | null | undefined): AlertGroup[] {
  const locate = rootCauseLocator(cascade);
  const groups = new Map<string, { labels: Record<string, string>; root: string | null; alerts: AlertInstance[] }>();
  for (const alert of alerts) {
    const root = locate(alert.labels.service, alert.labels.dependency);
    const labels: Record<string, string> =
      root !== null ? { root_cause: root } : { alertname: alert.labels.alertname ?? alert.ruleName };
    const key = groupKey(labels);
    const g = groups.get(key);
    if (g) g.alerts.push(alert);
    else groups.set(key, { labels, root, alerts: [alert] });
  }
  const out: AlertGroup[] = [];
  for (const [key, g] of groups) {
    const affected = new Set<string>();
    for (const a of g.alerts) {
      for (const name of [a.labels.service, a.labels.dependency]) if (name && name !== g.root) affected.add(name);
    }
    const affectedServices = [...affected].sort();
    let groupAlertsOut = g.alerts;
    if (g.root !== null) {
      const summary =
        affectedServices.length > 0
          ? `${g.root} is the root cause; affected: ${affectedServices.join(', ')}`
          : `${g.root} is the root cause`;
      groupAlertsOut = g.alerts.map((a) => ({
        ...a,
        annotations: { ...a.annotations, root_cause: g.root as string, cascade: summary },
      }));
    }
    out.push({ key, groupLabels: g.labels, rootCause: g.root, affectedServices, alerts: groupAlertsOut });
  }
  return out;
}

/** `{}:{name="value", …}`: the top-level route key, then the group labels sorted, as Alertmanager prints them. */
export function groupKey(groupLabels: Record<string, string>): string {
  return `{}:${labelSetString(groupLabels)}`;
}

export function labelSetString(labels: Record<string, string>): string {
  const parts = Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`);
  return `{${parts.join(', ')}}`;
}

type Locator = (service: string | undefined, dependency: string | undefined) => string | null;

function rootCauseLocator(cascade: Cascade | null | undefined): Locator {
  const roots = new Set(cascade?.rootCauses ?? []);
  if (roots.size === 0) return () => null;
  const blast = new Set(cascade?.blastRadius ?? []);
  const pathEdges = new Set(cascade?.path ?? []);
  const downstream = new Map<string, string[]>();
  for (const e of pathEdges) {
    const [from, to] = e.split('->');
    if (!from || !to) continue;
    const list = downstream.get(from);
    if (list) list.push(to);
    else downstream.set(from, [to]);
  }
  const only = roots.size === 1 ? [...roots][0]! : null;
  const reachable = new Map<string, string | null>();
  const firstRootFrom = (start: string): string | null => {
    const cached = reachable.get(start);
    if (cached !== undefined) return cached;
    const seen = new Set([start]);
    const queue = [start];
    let found: string | null = null;
    while (queue.length > 0 && found === null) {
      const node = queue.shift()!;
      for (const next of downstream.get(node) ?? []) {
        if (roots.has(next)) {
          found = next;
          break;
        }
        if (!seen.has(next)) {
          seen.add(next);
          queue.push(next);
        }
      }
    }
    reachable.set(start, found);
    return found;
  };
  return (service, dependency) => {
    if (dependency !== undefined && roots.has(dependency)) return dependency;
    if (service !== undefined && roots.has(service)) return service;
    if (service === undefined) return null;
    // An edge-like subject is in the cascade when the dependency it waits on
    // is: a degraded caller's call to a healthy dependency is not.
    const inCascade =
      dependency === undefined
        ? blast.has(service)
        : blast.has(dependency) || pathEdges.has(`${service}->${dependency}`);
    if (!inCascade) return null;
    return firstRootFrom(service) ?? (dependency !== undefined ? firstRootFrom(dependency) : null) ?? only;
  };
}
