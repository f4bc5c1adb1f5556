'use client';
import { useEffect, useState } from 'react';
import { api } from '../lib/apiClient';
import type {
  BreakerTransitionEvent,
  DashboardConfig,
  EdgeHistoryPoint,
  Outcome,
  Topology,
  TopologyEdge,
  WhatIf,
} from '../lib/apiTypes';
import { breakerLook, healthLook } from '../lib/breakerStyle';
import {
  formatAmplification,
  formatClock,
  formatDuration,
  formatElapsed,
  formatPercent,
  formatRate,
} from '../lib/format';
import { expandTraceUrl } from '../lib/traceUrl';
import type { Selection } from '../lib/urlState';
import { CONTAINED_GLYPH, containmentLabel, WHAT_IF_NODE_TAG } from '../lib/whatIfView';
import { EdgeHistoryCharts } from './EdgeHistoryCharts';

/** How much history the panel charts and lists, ending at the viewed moment. */
const HISTORY_MS = 15 * 60_000;
const TRANSITIONS_MS = 60 * 60_000;

/** A simulated failure as the panel sees it: asked for, answered, or refused. */
export type Simulation =
  | { service: string; status: 'loading' }
  | { service: string; status: 'ready'; result: WhatIf }
  | { service: string; status: 'error'; message: string };

interface Props {
  selection: Selection | null;
  topology: Topology;
  config: DashboardConfig | null;
  /** Viewed moment; null = live. */
  at: number | null;
  /** Transitions received live since the page opened. */
  liveTransitions: BreakerTransitionEvent[];
  onSelect(sel: Selection | null): void;
  simulation: Simulation | null;
  /** Start simulating a service's failure, or end the simulation (null). */
  onSimulate(service: string | null): void;
}

export function SidePanel(props: Props) {
  const { selection, topology, onSelect, simulation, onSimulate } = props;
  let body: React.ReactNode = null;
  if (selection === null) {
    body = null;
  } else if (selection.kind === 'edge') {
    const edge = topology.edges.find((e) => e.source === selection.source && e.target === selection.target);
    body = edge ? (
      <EdgeDetails {...props} edge={edge} />
    ) : (
      <p className="muted">
        {selection.source} → {selection.target} has no traffic at this moment.
      </p>
    );
  } else {
    body = <NodeDetails {...props} name={selection.id} />;
  }
  return (
    <aside className="side-panel" aria-label="Selection details" data-testid="side-panel">
      <button type="button" className="close" aria-label="Close details" onClick={() => onSelect(null)}>
        ✕
      </button>
      {simulation && <WhatIfSection simulation={simulation} onEnd={() => onSimulate(null)} />}
      {body}
    </aside>
  );
}

const OUTCOME_LABEL: Record<Outcome, string> = {
  success: 'success',
  failure: 'failure',
  timeout: 'timeout',
  short_circuited: 'short-circuited',
  bulkhead_rejected: 'bulkhead rejected',
};

function EdgeDetails({ edge, config, at, liveTransitions }: Props & { edge: TopologyEdge }) {
  const look = breakerLook(edge.breaker?.state);
  const end = at ?? Date.now();
  const [history, setHistory] = useState<EdgeHistoryPoint[] | null>(null);
  const [transitions, setTransitions] = useState<BreakerTransitionEvent[] | null>(null);
  const breakerName = edge.breaker?.name ?? null;

  // Re-read the history every 10 s while live; once for a past moment.
  useEffect(() => {
    const ctrl = new AbortController();
    const load = () => {
      const to = at ?? Date.now();
      api
        .edgeHistory(edge.source, edge.target, to - HISTORY_MS, to, ctrl.signal)
        .then(setHistory)
        .catch(() => {
          if (!ctrl.signal.aborted) setHistory([]);
        });
    };
    setHistory(null);
    load();
    const timer = at === null ? setInterval(load, 10_000) : null;
    return () => {
      ctrl.abort();
      if (timer) clearInterval(timer);
    };
  }, [edge.source, edge.target, at]);

  useEffect(() => {
    if (!breakerName) {
      setTransitions([]);
      return;
    }
    const ctrl = new AbortController();
    const to = at ?? Date.now();
    api
      .breakerTransitions(breakerName, to - TRANSITIONS_MS, ctrl.signal)
      .then(setTransitions)
      .catch(() => {
        if (!ctrl.signal.aborted) setTransitions([]);
      });
    return () => ctrl.abort();
  }, [breakerName, at]);

  const allTransitions = mergeTransitions(
    transitions ?? [],
    at === null ? liveTransitions.filter((t) => t.name === breakerName) : [],
  ).filter((t) => t.atMs <= end);
  const lastChange = allTransitions.find((t) => t.to === edge.breaker?.state);
  const totalOutcomes = Object.values(edge.outcomes).reduce((a, b) => a + b, 0);
  const traceUrl = expandTraceUrl(config?.traceUrlTemplate, { service: edge.source, peer: edge.target });

  return (
    <>
      <h2>
        {edge.source} → {edge.target}
      </h2>
      <p>
        <span
          className="state-chip"
          style={{ color: `var(${look.colorVar})` }}
          data-testid="panel-breaker-state"
          data-state={edge.breaker?.state ?? 'none'}
        >
          <span aria-hidden="true">{look.glyph}</span>
          {look.label}
        </span>{' '}
        {lastChange && <span className="muted">for {formatElapsed(end - lastChange.atMs)}</span>}
      </p>
      <dl className="figures">
        <dt>Throughput</dt>
        <dd>{formatRate(edge.rps)}</dd>
        <dt>Errors</dt>
        <dd>{formatPercent(edge.errorRate)}</dd>
        <dt>p50 / p99</dt>
        <dd>
          {formatDuration(edge.p50Ms)} / {formatDuration(edge.p99Ms)}
        </dd>
        <dt>Retries</dt>
        <dd>{edge.retryAmplification === null ? '–' : `${formatAmplification(edge.retryAmplification)} per call`}</dd>
        <dt>In flight</dt>
        <dd>{edge.inflight ?? '–'}</dd>
        <dt>Caller blocked</dt>
        <dd>{edge.blockedShare === null ? '–' : `${formatPercent(edge.blockedShare)} of its requests`}</dd>
      </dl>

      <h3>Outcomes</h3>
      <ul className="outcomes">
        {(Object.keys(OUTCOME_LABEL) as Outcome[]).map((o) => {
          const share = totalOutcomes ? (edge.outcomes[o] ?? 0) / totalOutcomes : 0;
          return (
            <li key={o}>
              <span>{OUTCOME_LABEL[o]}</span>
              <span className="bar" aria-hidden="true">
                <span className={o} style={{ width: `${share * 100}%` }} />
              </span>
              <span>{formatPercent(share)}</span>
            </li>
          );
        })}
      </ul>

      <h3>Last 15 minutes</h3>
      {history === null ? <p className="muted">Loading…</p> : <EdgeHistoryCharts points={history} at={at} />}

      <h3>Breaker transitions{breakerName ? ` (${breakerName})` : ''}</h3>
      {!breakerName ? (
        <p className="muted">No circuit breaker guards this call.</p>
      ) : allTransitions.length === 0 ? (
        <p className="muted">{transitions === null ? 'Loading…' : 'None in the last hour.'}</p>
      ) : (
        <ol className="transitions" data-testid="panel-transitions">
          {allTransitions.slice(0, 30).map((t) => (
            <li key={`${t.atMs}-${t.from}-${t.to}`}>
              {formatClock(t.atMs)} {breakerLook(t.from).glyph} {t.from} → {breakerLook(t.to).glyph} {t.to}
            </li>
          ))}
        </ol>
      )}

      <h3>Bulkhead</h3>
      {edge.bulkhead ? (
        <dl className="figures">
          <dt>Name</dt>
          <dd>{edge.bulkhead.name}</dd>
          <dt>Active</dt>
          <dd>
            {edge.bulkhead.active} / {edge.bulkhead.limit ?? '∞'}
          </dd>
          <dt>Queued</dt>
          <dd>
            {edge.bulkhead.queued} / {edge.bulkhead.queueLimit ?? '∞'}
          </dd>
          <dt>Rejections</dt>
          <dd>{formatRate(edge.bulkhead.rejectionsPerSec)}</dd>
          <dt>Saturation</dt>
          <dd>
            {formatPercent(edge.bulkhead.saturation)}
            {edge.bulkhead.saturation !== null && edge.bulkhead.saturation >= 1 ? ' ⚠ saturated' : ''}
          </dd>
        </dl>
      ) : (
        <p className="muted">No bulkhead on this call.</p>
      )}

      <h3>Traces</h3>
      {traceUrl ? (
        <a href={traceUrl} target="_blank" rel="noreferrer">
          Traces {edge.source} → {edge.target} ↗
        </a>
      ) : (
        <p className="muted">Set a trace URL template in the dashboard config to link to Jaeger or Tempo.</p>
      )}
    </>
  );
}

function WhatIfSection({ simulation, onEnd }: { simulation: Simulation; onEnd(): void }) {
  const r = simulation.status === 'ready' ? simulation.result : null;
  const list = (names: string[], testId: string, empty: string) =>
    names.length ? (
      <ul data-testid={testId}>
        {names.map((n) => (
          <li key={n}>{n}</li>
        ))}
      </ul>
    ) : (
      <p className="muted" data-testid={testId}>
        {empty}
      </p>
    );
  return (
    <section
      className="whatif-panel"
      aria-label={`Simulated failure of ${simulation.service}`}
      data-testid="whatif-panel"
    >
      <h3>
        <span aria-hidden="true">{WHAT_IF_NODE_TAG.failing.glyph}</span> What if {simulation.service} fails?
      </h3>
      {simulation.status === 'loading' && <p className="muted">Simulating…</p>}
      {simulation.status === 'error' && (
        <p role="alert">
          Could not simulate the failure of {simulation.service} ({simulation.message}).
        </p>
      )}
      {r && (
        <>
          <p data-testid="whatif-sentence">{r.sentence}.</p>
          <div className="whatif-radii">
            <div>
              <h4>
                <span aria-hidden="true">{WHAT_IF_NODE_TAG.predicted.glyph}</span> Predicted degraded (
                {r.predicted.length})
              </h4>
              {list(r.predicted, 'whatif-predicted', 'No caller.')}
            </div>
            <div>
              <h4>
                <span aria-hidden="true">{WHAT_IF_NODE_TAG.unprotected.glyph}</span> Without protection (
                {r.unprotected.length})
              </h4>
              {list(r.unprotected, 'whatif-unprotected', 'No caller depends on it.')}
            </div>
          </div>
          <h4>Contained at</h4>
          {r.contained.length ? (
            <ul className="whatif-contained" data-testid="whatif-contained">
              {r.contained.map((c) => (
                <li key={`${c.source}->${c.target}`}>
                  <span aria-hidden="true">{CONTAINED_GLYPH}</span> {c.source} → {c.target}: {containmentLabel(c.by)}
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted" data-testid="whatif-contained">
              No edge into the failure would hold it.
            </p>
          )}
        </>
      )}
      <p>
        <button type="button" onClick={onEnd}>
          End simulation
        </button>{' '}
        <span className="muted">or press Esc</span>
      </p>
    </section>
  );
}

function NodeDetails({ name, topology, config, onSelect, simulation, onSimulate }: Props & { name: string }) {
  const service = topology.services.find((s) => s.name === name);
  if (!service) return <p className="muted">{name} did not report at this moment.</p>;
  const look = healthLook(service.health);
  const outgoing = topology.edges.filter((e) => e.source === name);
  const incoming = topology.edges.filter((e) => e.target === name);
  const role = topology.cascade.rootCauses.includes(name)
    ? 'Root cause of the current cascade.'
    : topology.cascade.blastRadius.includes(name)
      ? `Degraded by ${topology.cascade.rootCauses.join(', ')}.`
      : null;
  const traceUrl = expandTraceUrl(config?.traceUrlTemplate, { service: name });
  const bulkheads = outgoing.filter((e) => e.bulkhead);
  const edgeButton = (e: TopologyEdge, other: string) => (
    <li key={`${e.source}->${e.target}`}>
      <button type="button" onClick={() => onSelect({ kind: 'edge', source: e.source, target: e.target })}>
        {other}
      </button>{' '}
      <span className="muted">
        {breakerLook(e.breaker?.state).glyph} {formatRate(e.rps)} · err {formatPercent(e.errorRate)}
      </span>
    </li>
  );
  return (
    <>
      <h2>{service.name}</h2>
      <p>
        <span className="state-chip" style={{ color: `var(${look.colorVar})` }} data-testid="panel-health">
          <span aria-hidden="true">{look.glyph}</span>
          {look.label}
        </span>{' '}
        <span className="muted">{service.kind}</span>
      </p>
      {role && <p>{role}</p>}
      <p>
        <button
          type="button"
          aria-pressed={simulation?.service === name}
          onClick={() => onSimulate(simulation?.service === name ? null : name)}
        >
          <span aria-hidden="true">{WHAT_IF_NODE_TAG.failing.glyph}</span> Simulate failure
        </button>
      </p>
      <dl className="figures">
        <dt>Requests in</dt>
        <dd>{formatRate(service.rps)}</dd>
        <dt>Errors</dt>
        <dd>{formatPercent(service.errorRate)}</dd>
        <dt>Event loop</dt>
        <dd>{service.eventLoopUtilization === null ? '–' : formatPercent(service.eventLoopUtilization)}</dd>
        <dt>Active requests</dt>
        <dd>{service.activeRequests ?? '–'}</dd>
      </dl>
      <h3>Calls ({outgoing.length})</h3>
      {outgoing.length ? (
        <ul className="link-list">{outgoing.map((e) => edgeButton(e, `→ ${e.target}`))}</ul>
      ) : (
        <p className="muted">No outgoing calls.</p>
      )}
      <h3>Called by ({incoming.length})</h3>
      {incoming.length ? (
        <ul className="link-list">{incoming.map((e) => edgeButton(e, `← ${e.source}`))}</ul>
      ) : (
        <p className="muted">No callers seen.</p>
      )}
      <h3>Bulkheads</h3>
      {bulkheads.length ? (
        <ul className="link-list">
          {bulkheads.map((e) => (
            <li key={e.bulkhead!.name}>
              {e.bulkhead!.name}: {e.bulkhead!.active}/{e.bulkhead!.limit ?? '∞'} active, {e.bulkhead!.queued} queued
              {e.bulkhead!.saturation !== null && e.bulkhead!.saturation >= 1 ? ' ⚠ saturated' : ''}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">None reported.</p>
      )}
      <h3>Traces</h3>
      {traceUrl ? (
        <a href={traceUrl} target="_blank" rel="noreferrer">
          Traces of {name} ↗
        </a>
      ) : (
        <p className="muted">Set a trace URL template in the dashboard config to link to Jaeger or Tempo.</p>
      )}
    </>
  );
}

/** Newest first, without duplicates (a live event may also be in the fetched list). */
function mergeTransitions(a: BreakerTransitionEvent[], b: BreakerTransitionEvent[]): BreakerTransitionEvent[] {
  const seen = new Set<string>();
  const out: BreakerTransitionEvent[] = [];
  for (const t of [...a, ...b]) {
    const k = `${t.name}|${t.atMs}|${t.from}|${t.to}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(t);
  }
  return out.sort((x, y) => y.atMs - x.atMs);
}
