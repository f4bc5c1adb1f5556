/**
 * What the URL holds so a link reproduces the view: the moment (`at`, epoch ms;
 * absent = live), the selection (`sel`), the search text (`q`), the filters
 * (`failing=1`, `open=1`) and a simulated failure (`whatif=<service>`; not
 * `failing=`, which is the "only failing" filter). Pure parse/serialise; the
 * pages own the history calls.
 */

export type Selection = { kind: 'node'; id: string } | { kind: 'edge'; source: string; target: string };

export interface MapUrlState {
  at: number | null;
  sel: Selection | null;
  q: string;
  onlyFailing: boolean;
  onlyOpenBreakers: boolean;
  /** Service whose failure is simulated ("what if it fails?"), null when none. */
  whatIf: string | null;
}

export const EMPTY_MAP_STATE: MapUrlState = {
  at: null,
  sel: null,
  q: '',
  onlyFailing: false,
  onlyOpenBreakers: false,
  whatIf: null,
};

/** React Flow id of an edge, and the `sel=edge:` payload: "source->target". */
export function edgeId(source: string, target: string): string {
  return `${source}->${target}`;
}

export function parseEdgeId(id: string): { source: string; target: string } | null {
  const i = id.indexOf('->');
  if (i <= 0 || i + 2 >= id.length) return null;
  return { source: id.slice(0, i), target: id.slice(i + 2) };
}

export function formatSelection(sel: Selection): string {
  return sel.kind === 'node' ? `node:${sel.id}` : `edge:${edgeId(sel.source, sel.target)}`;
}

export function parseSelection(raw: string | null): Selection | null {
  if (!raw) return null;
  if (raw.startsWith('node:') && raw.length > 5) return { kind: 'node', id: raw.slice(5) };
  if (raw.startsWith('edge:')) {
    const e = parseEdgeId(raw.slice(5));
    return e ? { kind: 'edge', ...e } : null;
  }
  return null;
}

export function sameSelection(a: Selection | null, b: Selection | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.kind === 'node' && b.kind === 'node') return a.id === b.id;
  if (a.kind === 'edge' && b.kind === 'edge') return a.source === b.source && a.target === b.target;
  return false;
}

export function parseMapUrlState(params: URLSearchParams): MapUrlState {
  const atRaw = params.get('at');
  const at = atRaw !== null && /^\d+$/.test(atRaw) ? Number(atRaw) : null;
  return {
    at,
    sel: parseSelection(params.get('sel')),
    q: params.get('q') ?? '',
    onlyFailing: params.get('failing') === '1',
    onlyOpenBreakers: params.get('open') === '1',
    whatIf: params.get('whatif') || null,
  };
}

/** Query string (without "?") for a state; default values are left out to keep links short. */
export function formatMapUrlState(state: MapUrlState): string {
  const p = new URLSearchParams();
  if (state.at !== null) p.set('at', String(Math.round(state.at)));
  if (state.sel) p.set('sel', formatSelection(state.sel));
  if (state.q) p.set('q', state.q);
  if (state.onlyFailing) p.set('failing', '1');
  if (state.onlyOpenBreakers) p.set('open', '1');
  if (state.whatIf) p.set('whatif', state.whatIf);
  return p.toString();
}

/** Link to the map with an edge selected (used by the bulkheads page). */
export function mapLinkForEdge(source: string, target: string, at: number | null = null): string {
  const qs = formatMapUrlState({ ...EMPTY_MAP_STATE, at, sel: { kind: 'edge', source, target } });
  return `/?${qs}`;
}
