'use client';
import type { Topology } from '../lib/apiTypes';
import { isBreakerTripped } from '../lib/breakerStyle';

interface Props {
  topology: Topology;
  emphasizePath: boolean;
  onShowPath(): void;
}

/** The sentence first: what fails, what it drags down, which breakers and bulkheads hold. */
export function CascadeBanner({ topology, emphasizePath, onShowPath }: Props) {
  const { cascade } = topology;
  const failing = cascade.rootCauses.length > 0;
  const tripped = topology.edges.filter((e) => isBreakerTripped(e.breaker?.state)).length;
  const unhealthy = topology.services.filter((s) => s.health !== 'healthy').length;
  const fallback = failing
    ? `${cascade.rootCauses.join(', ')} failing; ${cascade.blastRadius.length} services degraded by it.`
    : unhealthy
      ? `${unhealthy} of ${topology.services.length} services unhealthy; no cascade detected.`
      : `All ${topology.services.length} services healthy${tripped ? `; ${tripped} breakers not closed` : ''}.`;
  return (
    <section
      className={`cascade-banner${failing ? '' : ' ok'}`}
      aria-label="Cascade summary"
      aria-live="polite"
      data-testid="cascade-banner"
    >
      <span className="icon" aria-hidden="true">
        {failing ? '⚠' : '✓'}
      </span>
      <p>{cascade.sentence || fallback}</p>
      {failing && (
        <button type="button" aria-pressed={emphasizePath} onClick={onShowPath}>
          {emphasizePath ? 'hide path' : 'show path'}
        </button>
      )}
    </section>
  );
}
