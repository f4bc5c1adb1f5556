import { type AttributeValue, type IngestSpan, SpanKind } from '../ingest/telemetry';
import { ATTR, EVENT, STANDARD } from './contract';
import { LruMap } from './lruMap';
import { parseBreakerState, parseOutcome } from './metricMapping';
import { RecentKeys } from './recentKeys';
import type { BreakerState, Outcome, ServiceKind } from './rollups';

/** What a span tells the model, in the model's terms. */
export type SpanObservation =
  | {
      kind: 'call';
      source: string;
      instance: string;
      target: string;
      targetKind: ServiceKind;
      outcome: Outcome;
      durationMs: number;
      timeMs: number;
    }
  | { kind: 'attempt'; source: string; instance: string; target: string; timeMs: number }
  | {
      kind: 'transition';
      service: string;
      instance: string;
      breaker: string;
      dependency: string;
      from: BreakerState | null;
      to: BreakerState;
      timeMs: number;
    }
  | {
      kind: 'breakerSeen';
      service: string;
      instance: string;
      breaker: string;
      dependency: string;
      state: BreakerState;
      timeMs: number;
    };

interface PendingClient {
  readonly span: IngestSpan;
  readonly arrivedMs: number;
  /** Service of the SERVER span whose parent is this client span, once seen. */
  server: string | null;
  /** `traceId:parentSpanId`, null for a root span. */
  readonly parentKey: string | null;
  /** Its parent is a guarded call, which counted it already. */
  insideGuarded: boolean;
}

/**
 * How long a guarded call's id is kept for a child client span that arrives
 * after it, in pairing waits. Children end first, so this is the rarer order
 * (a fetch aborted by a timeout ends after the guarded call), and the two may
 * be a batch delay apart.
 */
const GUARDED_MEMORY_WAITS = 3;

function str(v: AttributeValue | undefined): string | null {
  if (typeof v === 'string') return v.length > 0 ? v : null;
  if (typeof v === 'number') return String(v);
  return null;
}

/** Database node name from db attributes (namespace, else system), null when not a db call. */
export function databaseName(a: IngestSpan['attributes']): string | null {
  const system = str(a[STANDARD.DB_SYSTEM_NAME]) ?? str(a[STANDARD.DB_SYSTEM]);
  const namespace = str(a[STANDARD.DB_NAMESPACE]) ?? str(a[STANDARD.DB_NAME]);
  if (system === null && namespace === null) return null;
  return namespace ?? system;
}

/**
 * Turns spans into dependency-edge observations, following the OpenTelemetry
 * Collector `servicegraph` connector:
 *
 * - A CLIENT span with `peer.service` is an edge at once (our guarded calls
 *   always carry it); with db attributes (`db.system(.name)`, `db.namespace` /
 *   `db.name`) its target is a database node.
 * - Any other CLIENT span waits up to `waitMs` for its SERVER span (the server
 *   span's parentSpanId is the client's spanId, same trace, another service).
 *   Paired → an edge to the server's service; unpaired → an edge to a virtual
 *   node named after `server.address` / `net.peer.name` (else `unknown`).
 * - A waiting CLIENT span whose parent is one of our guarded calls (a span with
 *   `peer.service` or `resilience.retry.attempt`, e.g. the HTTP client span the
 *   auto-instrumentation creates inside it) is dropped: the guarded call
 *   already counted it. Pending spans resolve only after the wait so the
 *   parent has time to arrive (children end, and are exported, first); a
 *   guarded call that arrives first is remembered, but only while such client
 *   spans are about — a stream of guarded calls alone (every call carrying
 *   `peer.service`) costs no bookkeeping per span.
 * - A span with `resilience.retry.attempt` is an attempt, not a logical call.
 * - Span events `resilience.circuit_breaker.state_change` {from, to} are
 *   breaker transitions at the event's time.
 *
 * Memory: pending client spans, unmatched server spans and remembered guarded
 * ids are each capped at `maxPending`; the oldest are dropped and counted.
 */
export class SpanPairing {
  private readonly pendingClients = new LruMap<PendingClient>();
  /** Pending client spans by `parentKey`, for a guarded parent that arrives after them. */
  private readonly awaitingParent = new Map<string, PendingClient[]>();
  private readonly pendingServers = new LruMap<{ service: string; arrivedMs: number }>();
  /** Guarded calls seen while client spans without `peer.service` are about. */
  private readonly guarded: RecentKeys;
  /** Until when guarded calls are remembered: a few waits after the last client span without `peer.service`. */
  private rememberGuardedUntilMs = Number.NEGATIVE_INFINITY;
  private droppedPending = 0;

  constructor(
    private readonly waitMs: number,
    private readonly maxPending: number,
  ) {
    this.guarded = new RecentKeys(GUARDED_MEMORY_WAITS * waitMs, maxPending);
  }

  get pending(): number {
    return this.pendingClients.size;
  }

  /** Pending spans and guarded ids dropped because a cap was reached. */
  get dropped(): number {
    return this.droppedPending + this.guarded.dropped;
  }

  ingest(span: IngestSpan, nowMs: number, out: SpanObservation[]): void {
    const a = span.attributes;
    const service = span.resource.service;
    const instance = span.resource.instance ?? '';
    const peer = str(a[ATTR.PEER_SERVICE]);
    const breaker = str(a[ATTR.BREAKER_NAME]);
    const isAttempt = a[ATTR.RETRY_ATTEMPT] !== undefined && a[ATTR.RETRY_ATTEMPT] !== null;

    for (const e of span.events) {
      if (e.name !== EVENT.BREAKER_STATE_CHANGE) continue;
      const to = parseBreakerState(e.attributes[ATTR.TRANSITION_TO]);
      const name = str(e.attributes[ATTR.BREAKER_NAME]) ?? breaker;
      if (!to || !name) continue;
      out.push({
        kind: 'transition',
        service,
        instance,
        breaker: name,
        dependency: str(e.attributes[ATTR.PEER_SERVICE]) ?? peer ?? name,
        from: parseBreakerState(e.attributes[ATTR.TRANSITION_FROM]),
        to,
        timeMs: e.timeMs,
      });
    }
    if (breaker) {
      const state = parseBreakerState(a[ATTR.BREAKER_STATE]);
      if (state) {
        out.push({
          kind: 'breakerSeen',
          service,
          instance,
          breaker,
          dependency: peer ?? breaker,
          state,
          timeMs: span.startTimeMs,
        });
      }
    }
    if (peer !== null || isAttempt) this.noteGuarded(span, nowMs);

    if (span.kind === SpanKind.SERVER) {
      if (span.parentSpanId === null) return;
      const key = `${span.traceId}:${span.parentSpanId}`;
      const client = this.pendingClients.get(key);
      if (client) {
        if (client.span.resource.service !== service) client.server = service;
      } else {
        this.remember(this.pendingServers, key, { service, arrivedMs: nowMs });
      }
      return;
    }
    if (span.kind !== SpanKind.CLIENT) return;
    const timeMs = span.endTimeMs;
    if (isAttempt) {
      if (peer) out.push({ kind: 'attempt', source: service, instance, target: peer, timeMs });
      return;
    }
    const db = databaseName(a);
    if (peer !== null || db !== null) {
      out.push(this.call(span, (peer ?? db) as string, db !== null ? 'database' : 'service'));
      return;
    }
    this.rememberGuardedUntilMs = nowMs + GUARDED_MEMORY_WAITS * this.waitMs;
    const parentKey = span.parentSpanId === null ? null : `${span.traceId}:${span.parentSpanId}`;
    // Its guarded parent arrived first: counted already, and nothing to pair.
    if (parentKey !== null && this.guarded.has(parentKey)) return;
    const key = `${span.traceId}:${span.spanId}`;
    const server = this.pendingServers.get(key);
    if (server) this.pendingServers.delete(key);
    const serverService = server && server.service !== service ? server.service : null;
    const pending: PendingClient = { span, arrivedMs: nowMs, server: serverService, parentKey, insideGuarded: false };
    // The same span exported twice replaces the first copy, which must stop waiting too.
    const copy = this.pendingClients.get(key);
    if (copy !== undefined) this.stopAwaiting(copy);
    if (parentKey !== null) {
      const siblings = this.awaitingParent.get(parentKey);
      if (siblings === undefined) this.awaitingParent.set(parentKey, [pending]);
      else siblings.push(pending);
    }
    this.pendingClients.set(key, pending);
    if (this.pendingClients.size > this.maxPending) {
      const oldest = this.pendingClients.oldest() as { key: string; value: PendingClient };
      this.pendingClients.delete(oldest.key);
      this.stopAwaiting(oldest.value);
      this.droppedPending++;
    }
  }

  /** A guarded call: it marks the pending client spans it contains, and is remembered for those still to come. */
  private noteGuarded(span: IngestSpan, nowMs: number): void {
    if (this.awaitingParent.size === 0 && nowMs >= this.rememberGuardedUntilMs) return;
    const key = `${span.traceId}:${span.spanId}`;
    const children = this.awaitingParent.get(key);
    if (children !== undefined) {
      for (const child of children) child.insideGuarded = true;
      this.awaitingParent.delete(key);
    }
    if (nowMs < this.rememberGuardedUntilMs) this.guarded.add(key, nowMs);
  }

  private stopAwaiting(p: PendingClient): void {
    if (p.parentKey === null || p.insideGuarded) return;
    const siblings = this.awaitingParent.get(p.parentKey);
    if (siblings === undefined) return;
    const i = siblings.indexOf(p);
    if (i >= 0) siblings.splice(i, 1);
    if (siblings.length === 0) this.awaitingParent.delete(p.parentKey);
  }

  /** Resolve client spans that waited long enough; forget stale unmatched server spans. */
  expire(nowMs: number, out: SpanObservation[]): void {
    for (let o = this.pendingClients.oldest(); o !== undefined; o = this.pendingClients.oldest()) {
      const p = o.value;
      if (p.arrivedMs + this.waitMs > nowMs) break;
      this.pendingClients.delete(o.key);
      this.stopAwaiting(p);
      if (p.insideGuarded) continue;
      if (p.server !== null) {
        out.push(this.call(p.span, p.server, 'service'));
      } else {
        const a = p.span.attributes;
        const name = str(a[STANDARD.SERVER_ADDRESS]) ?? str(a[STANDARD.NET_PEER_NAME]) ?? 'unknown';
        out.push(this.call(p.span, name, 'virtual'));
      }
    }
    for (let o = this.pendingServers.oldest(); o !== undefined; o = this.pendingServers.oldest()) {
      if (o.value.arrivedMs + this.waitMs > nowMs) break;
      this.pendingServers.delete(o.key);
    }
  }

  private call(span: IngestSpan, target: string, targetKind: ServiceKind): SpanObservation {
    const outcome: Outcome =
      span.attributes[ATTR.OUTCOME] !== undefined
        ? parseOutcome(span.attributes[ATTR.OUTCOME])
        : span.statusCode === 2
          ? 'failure'
          : 'success';
    return {
      kind: 'call',
      source: span.resource.service,
      instance: span.resource.instance ?? '',
      target,
      targetKind,
      outcome,
      durationMs: Math.max(0, span.endTimeMs - span.startTimeMs),
      timeMs: span.endTimeMs,
    };
  }

  private remember<V>(map: LruMap<V>, key: string, value: V): void {
    map.set(key, value);
    if (map.size > this.maxPending) {
      const oldest = map.oldest();
      if (oldest !== undefined) map.delete(oldest.key);
      this.droppedPending++;
    }
  }
}
