/**
 * Turns a "what if X fails?" answer (`GET /api/whatif`) into what the map
 * draws and says: a role per service, a role per edge, and the words for
 * them. Pure, so the map, the side panel and the tests agree on one mapping.
 */
import type { Containment, WhatIf } from './apiTypes';
import { edgeId } from './urlState';

/**
 * - `failing`: the service whose failure is simulated.
 * - `predicted`: degraded by it even with the protections in place.
 * - `unprotected`: degraded by it only if nothing contained it (the gap
 *   between the two radii: what the breakers and bulkheads save).
 */
export type WhatIfNodeRole = 'failing' | 'predicted' | 'unprotected';

/** `path`: the predicted failure travels along it; `contained`: the edge holds it. */
export type WhatIfEdgeRole = { kind: 'path' } | { kind: 'contained'; by: Containment };

export interface WhatIfHighlight {
  failing: string;
  nodes: ReadonlyMap<string, WhatIfNodeRole>;
  /** Keyed by React Flow edge id ("source->target"). */
  edges: ReadonlyMap<string, WhatIfEdgeRole>;
}

export function whatIfHighlight(result: WhatIf): WhatIfHighlight {
  const nodes = new Map<string, WhatIfNodeRole>();
  for (const name of result.unprotected) nodes.set(name, 'unprotected');
  for (const name of result.predicted) nodes.set(name, 'predicted');
  nodes.set(result.failing, 'failing');
  const edges = new Map<string, WhatIfEdgeRole>();
  for (const id of result.path) edges.set(id, { kind: 'path' });
  for (const c of result.contained) edges.set(edgeId(c.source, c.target), { kind: 'contained', by: c.by });
  return { failing: result.failing, nodes, edges };
}

/** "breaker + bulkhead" / "breaker + short timeout". */
export function containmentLabel(by: Containment): string {
  return by === 'breaker+bulkhead' ? 'breaker + bulkhead' : 'breaker + short timeout';
}

/** What a screen reader hears after the node's own name: "predicted to degrade if payment-service fails". */
export function whatIfNodePhrase(role: WhatIfNodeRole, failing: string): string {
  switch (role) {
    case 'failing':
      return 'simulated failure';
    case 'predicted':
      return `predicted to degrade if ${failing} fails`;
    case 'unprotected':
      return `would degrade if ${failing} fails only without protection`;
  }
}

/** Same for an edge: "carries the simulated failure" / "would contain the simulated failure (breaker + bulkhead)". */
export function whatIfEdgePhrase(role: WhatIfEdgeRole): string {
  return role.kind === 'path'
    ? 'carries the simulated failure'
    : `would contain the simulated failure (${containmentLabel(role.by)})`;
}

/** The tag drawn on a node: an icon and a word, so the role never depends on colour alone. */
export const WHAT_IF_NODE_TAG: Record<WhatIfNodeRole, { glyph: string; text: string }> = {
  failing: { glyph: '⚡', text: 'SIMULATED FAILURE' },
  predicted: { glyph: '▼', text: 'PREDICTED' },
  unprotected: { glyph: '◇', text: 'IF UNPROTECTED' },
};

/** Marks an edge that would contain the failure (a plain geometric glyph: emoji fonts are not everywhere). */
export const CONTAINED_GLYPH = '▣';
