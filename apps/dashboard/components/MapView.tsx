'use client';
import { ReactFlowProvider } from '@xyflow/react';
import { useSearchParams } from 'next/navigation';
import { startTransition, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api } from '../lib/apiClient';
import { type BreakerTransitionEvent, type DashboardConfig, LIVE_EVENTS, type Topology } from '../lib/apiTypes';
import { breakerLook } from '../lib/breakerStyle';
import { type Rect, WINDOW_MIN_SERVICES, windowGraph } from '../lib/elementWindow';
import { warmElkEngine } from '../lib/elkEngine';
import { DEFAULT_LAYOUT, fastLayeredLayout, layoutGraph, type Positions, structureKey } from '../lib/graphLayout';
import { filterTopology } from '../lib/topologyFilter';
import { applyBreakerTransition, cascadePathIds } from '../lib/topologyUpdates';
import { formatSelection, parseMapUrlState, type Selection } from '../lib/urlState';
import { whatIfHighlight } from '../lib/whatIfView';
import { CascadeBanner } from './CascadeBanner';
import { CascadeMap, type FitRequest } from './CascadeMap';
import { EmptyState } from './EmptyState';
import { useLiveEvent, useLiveTopology } from './LiveProvider';
import { buildFlowElements, type ElementCache, emptyElementCache } from './mapElements';
import { SidePanel, type Simulation } from './SidePanel';
import { TimeScrubber } from './TimeScrubber';
import { pushQuery, replaceQuery } from './useUrlQuery';

const NO_POSITIONS: Positions = new Map();

const DEFAULT_CONFIG: DashboardConfig = { traceUrlTemplate: '', retentionHours: 24 };

interface LayoutState {
  key: string;
  positions: Positions;
  engine: 'elk' | 'fast';
  ms: number;
  /** The fast layout shown while ELK still works on the first one. */
  provisional: boolean;
}

/** How long the first map may wait for ELK before the fast layout is shown in its place. */
const PROVISIONAL_AFTER_MS = 250;

export function MapView() {
  const params = useSearchParams();
  const url = useMemo(() => parseMapUrlState(new URLSearchParams(params.toString())), [params]);
  const live = url.at === null;

  const [topology, setTopology] = useState<Topology | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [config, setConfig] = useState<DashboardConfig | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const [liveTransitions, setLiveTransitions] = useState<BreakerTransitionEvent[]>([]);
  const [emphasizePath, setEmphasizePath] = useState(false);
  const [origin, setOrigin] = useState('');

  useEffect(() => {
    setOrigin(window.location.origin);
    const ctrl = new AbortController();
    api
      .config(ctrl.signal)
      .then(setConfig)
      .catch(() => {
        if (!ctrl.signal.aborted) setConfig(DEFAULT_CONFIG);
      });
    const tick = setInterval(() => setNow(Date.now()), 5_000);
    return () => {
      ctrl.abort();
      clearInterval(tick);
    };
  }, []);

  // The snapshot for the viewed moment; live mode then follows the socket.
  useEffect(() => {
    const ctrl = new AbortController();
    setLoadError(null);
    api
      .topology(url.at, ctrl.signal)
      .then((t) => setTopology(t))
      .catch((e: unknown) => {
        if (!ctrl.signal.aborted) setLoadError(e instanceof Error ? e.message : String(e));
      });
    return () => ctrl.abort();
  }, [url.at]);

  useLiveTopology(live, (update) => startTransition(() => setTopology(update)));
  useLiveEvent<BreakerTransitionEvent>(LIVE_EVENTS.BREAKER_TRANSITION, (ev) => {
    setLiveTransitions((prev) => [ev, ...prev].slice(0, 500));
    if (live) setTopology((t) => (t ? applyBreakerTransition(t, ev) : t));
  });

  const filtered = useMemo(
    () =>
      filterTopology(topology ?? { services: [], edges: [] }, {
        q: url.q,
        onlyFailing: url.onlyFailing,
        onlyOpenBreakers: url.onlyOpenBreakers,
      }),
    [topology, url.q, url.onlyFailing, url.onlyOpenBreakers],
  );

  // Layout only when the set of nodes or edges changes; numbers alone never move a node.
  const layoutInput = useMemo(
    () => ({ nodes: filtered.services.map((s) => s.name), edges: filtered.edges }),
    [filtered],
  );
  const key = useMemo(() => structureKey(layoutInput), [layoutInput]);

  // "What if this one fails?": asked again when the moment or the graph's shape changes.
  const [simulation, setSimulation] = useState<Simulation | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new graph shape (key) can change the answer
  useEffect(() => {
    const service = url.whatIf;
    if (!service) {
      setSimulation(null);
      return;
    }
    const ctrl = new AbortController();
    // Keep showing the previous answer for the same service while the new one loads.
    setSimulation((prev) => (prev?.service === service ? prev : { service, status: 'loading' }));
    api
      .whatIf(service, url.at, ctrl.signal)
      .then((result) => setSimulation({ service, status: 'ready', result }))
      .catch((e: unknown) => {
        if (!ctrl.signal.aborted) {
          setSimulation({ service, status: 'error', message: e instanceof Error ? e.message : String(e) });
        }
      });
    return () => ctrl.abort();
  }, [url.whatIf, url.at, key]);
  const onSimulate = useCallback((service: string | null) => replaceQuery({ whatif: service }), []);
  useEffect(() => {
    if (!url.whatIf) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !e.defaultPrevented) onSimulate(null);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [url.whatIf, onSimulate]);
  const highlight = useMemo(
    () => (simulation?.status === 'ready' ? whatIfHighlight(simulation.result) : null),
    [simulation],
  );

  const layoutInputRef = useRef(layoutInput);
  layoutInputRef.current = layoutInput;
  const [layout, setLayout] = useState<LayoutState | null>(null);
  const layoutRef = useRef(layout);
  layoutRef.current = layout;
  // ELK's worker compiles its code while the topology is on its way.
  useEffect(warmElkEngine, []);
  useEffect(() => {
    let cancelled = false;
    const t0 = performance.now();
    const input = layoutInputRef.current;
    // The first map is not kept blank while ELK works: after a moment the fast layout stands in.
    // Later shape changes keep the current map until their layout lands (no double move).
    const standIn =
      layoutRef.current === null
        ? setTimeout(() => {
            if (cancelled || layoutRef.current !== null) return;
            const positions = fastLayeredLayout(input, DEFAULT_LAYOUT);
            setLayout({ key, positions, engine: 'fast', ms: performance.now() - t0, provisional: true });
          }, PROVISIONAL_AFTER_MS)
        : undefined;
    void layoutGraph(input, DEFAULT_LAYOUT).then((r) => {
      clearTimeout(standIn);
      if (cancelled) return;
      // Replacing the stand-in moves the nodes: frame again what was framed last (the
      // stand-in's first view, or a simulation's radius framed since), not the selection
      // made meanwhile, which would zoom onto one node and leave the others off screen.
      if (layoutRef.current?.provisional) refitLast.current = true;
      setLayout({ key, ...r, ms: performance.now() - t0, provisional: false });
    });
    return () => {
      cancelled = true;
      clearTimeout(standIn);
    };
  }, [key]);

  // Frame the view on first layout, after a filter change, and on "show path".
  const [fit, setFit] = useState<FitRequest>({ seq: 0, nodeIds: [] });
  const fitPending = useRef(true);
  const refitLast = useRef(false);
  const lastFit = useRef<string[]>([]);
  const requestFit = useCallback((nodeIds: string[]) => {
    lastFit.current = nodeIds;
    setFit((f) => ({ seq: f.seq + 1, nodeIds }));
  }, []);
  const filterKey = `${url.q}|${url.onlyFailing}|${url.onlyOpenBreakers}`;
  // biome-ignore lint/correctness/useExhaustiveDependencies: the filter key is the trigger
  useEffect(() => {
    fitPending.current = true;
  }, [filterKey]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when a layout lands
  useEffect(() => {
    if (!layout) return;
    if (refitLast.current) {
      refitLast.current = false;
      fitPending.current = false;
      requestFit(lastFit.current);
      return;
    }
    if (!fitPending.current || !topology) return;
    fitPending.current = false;
    const sel = url.sel;
    const ids = sel
      ? sel.kind === 'node'
        ? [sel.id]
        : [sel.source, sel.target]
      : [...topology.cascade.rootCauses, ...topology.cascade.blastRadius];
    // Small maps: show everything unless a link asked for a selection.
    const frameAll = !sel && layout.positions.size <= 150;
    requestFit(frameAll ? [] : ids);
  }, [layout]);

  // Frame a new simulation's radius (the panel opening narrows the canvas; the callers may be off screen).
  const framedSimulation = useRef<string | null>(null);
  useEffect(() => {
    const r = simulation?.status === 'ready' ? simulation.result : null;
    if (!r || framedSimulation.current === r.failing) return;
    framedSimulation.current = r.failing;
    requestFit([r.failing, ...r.unprotected]);
  }, [simulation, requestFit]);
  useEffect(() => {
    if (!url.whatIf) framedSimulation.current = null;
  }, [url.whatIf]);

  const onSelect = useCallback((sel: Selection | null) => {
    replaceQuery({ sel: sel ? formatSelection(sel) : null });
  }, []);
  const onTime = useCallback((at: number | null) => {
    pushQuery({ at: at === null ? null : String(Math.round(at)) });
  }, []);
  const toggle = (name: 'failing' | 'open', on: boolean) => replaceQuery({ [name]: on ? null : '1' });
  const onShowPath = () => {
    const next = !emphasizePath;
    setEmphasizePath(next);
    if (next && topology) {
      requestFit([...topology.cascade.rootCauses, ...topology.cascade.blastRadius]);
    }
  };

  // A big map hands React Flow only the part around the viewport (see elementWindow.ts).
  const [view, setView] = useState<Rect | null>(null);
  const windowed = filtered.services.length > WINDOW_MIN_SERVICES;
  const shown = useMemo(() => {
    if (!windowed || !layout) return filtered;
    if (view === null) return { services: [], edges: [] };
    const size = { width: DEFAULT_LAYOUT.nodeWidth, height: DEFAULT_LAYOUT.nodeHeight };
    return windowGraph(filtered.services, filtered.edges, layout.positions, size, view);
  }, [windowed, layout, view, filtered]);

  const elementCache = useRef<ElementCache>(emptyElementCache());
  const elements = useMemo(() => {
    if (!topology || !layout) return { nodes: [], edges: [] };
    const built = buildFlowElements({
      services: shown.services,
      edges: shown.edges,
      positions: layout.positions,
      layout: DEFAULT_LAYOUT,
      rootCauses: new Set(topology.cascade.rootCauses),
      blastRadius: new Set(topology.cascade.blastRadius),
      pathIds: cascadePathIds(topology),
      matches: filtered.matches,
      selection: url.sel,
      emphasizePath,
      whatIf: highlight,
      previous: elementCache.current,
    });
    elementCache.current = built.cache;
    return built;
  }, [topology, layout, shown, filtered.matches, url.sel, emphasizePath, highlight]);

  const cfg = config ?? DEFAULT_CONFIG;
  const empty = topology !== null && topology.services.length === 0;
  const panel = (url.sel || url.whatIf) && topology && !empty;

  return (
    <div className={`map-view${panel ? '' : ' no-panel'}`} data-testid="map-view" data-live={live}>
      {topology && !empty && (
        <CascadeBanner topology={topology} emphasizePath={emphasizePath} onShowPath={onShowPath} />
      )}
      {!topology || empty ? (
        <div className="map-toolbar" />
      ) : (
        <div className="map-toolbar">
          <button type="button" aria-pressed={url.onlyFailing} onClick={() => toggle('failing', url.onlyFailing)}>
            only failing
          </button>
          <button
            type="button"
            aria-pressed={url.onlyOpenBreakers}
            onClick={() => toggle('open', url.onlyOpenBreakers)}
          >
            only open breakers
          </button>
          <span data-testid="map-stats">
            {filtered.services.length} of {topology.services.length} services · {filtered.edges.length} edges
            {layout
              ? ` · ${layout.engine === 'elk' ? 'ELK' : 'fast'} layout ${Math.round(layout.ms)} ms${layout.provisional ? ', ELK to follow' : ''}`
              : ''}
          </span>
          <span className="legend">
            <span className="sr-only">Legend:</span>
            {(['closed', 'half_open', 'open', 'forced_open', null] as const).map((s) => (
              <Swatch key={s ?? 'none'} state={s} />
            ))}
          </span>
        </div>
      )}
      <div className="map-canvas">
        {loadError && !topology ? (
          <div className="map-status" role="alert">
            Could not load the topology ({loadError}).
          </div>
        ) : !topology ? (
          <div className="map-status">Loading…</div>
        ) : empty ? (
          live ? (
            <EmptyState origin={origin} />
          ) : (
            <div className="map-status">No services reported at this moment.</div>
          )
        ) : (
          <ReactFlowProvider>
            <CascadeMap
              nodes={elements.nodes}
              edges={elements.edges}
              positions={layout?.positions ?? NO_POSITIONS}
              onWindow={setView}
              layout={DEFAULT_LAYOUT}
              fit={fit}
              onSelect={onSelect}
            />
          </ReactFlowProvider>
        )}
        {topology && !empty && filtered.services.length === 0 && (
          <div className="map-status">Nothing matches the search and filters.</div>
        )}
      </div>
      {panel && topology && (
        <SidePanel
          selection={url.sel}
          topology={topology}
          config={config}
          at={url.at}
          liveTransitions={liveTransitions}
          onSelect={onSelect}
          simulation={simulation}
          onSimulate={onSimulate}
        />
      )}
      <TimeScrubber at={url.at} now={now} retentionHours={cfg.retentionHours} onChange={onTime} />
    </div>
  );
}

function Swatch({ state }: { state: Parameters<typeof breakerLook>[0] }) {
  const look = breakerLook(state);
  return (
    <span className="legend-item">
      <svg width="28" height="8" aria-hidden="true">
        <line
          x1="0"
          y1="4"
          x2="28"
          y2="4"
          style={{ stroke: `var(${look.colorVar})` }}
          strokeWidth="3"
          strokeDasharray={look.dash}
        />
      </svg>
      {look.glyph} {look.label.replace('breaker ', '')}
    </span>
  );
}
