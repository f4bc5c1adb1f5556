import type { SagaRunSummary } from '../sagas/sagaApiTypes';
import type { PeerLink } from './peerLink';

/** Server-side event carrying the saga runs an instance saw start or change. */
export const PEER_SAGAS_EVENT = 'faultline:sagas';

/**
 * Saga alert rules (compensation rate, stuck sagas) read a feed of recent
 * runs kept in memory; in a cluster each instance assembles only the sagas of
 * the services routed to it. Instances therefore pass on the runs they saw
 * change, so whichever instance evaluates alerts sees every saga.
 */
export class PeerSagas {
  constructor(
    private readonly link: PeerLink,
    observe: (runs: readonly SagaRunSummary[]) => void,
  ) {
    link.on(PEER_SAGAS_EVENT, (_origin, runs) => {
      if (Array.isArray(runs)) observe(runs.filter(isRunSummary));
    });
  }

  publish(runs: readonly SagaRunSummary[]): void {
    if (runs.length > 0) this.link.publish(PEER_SAGAS_EVENT, runs);
  }
}

function isRunSummary(value: unknown): value is SagaRunSummary {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  return (
    typeof r.id === 'string' &&
    typeof r.name === 'string' &&
    typeof r.status === 'string' &&
    typeof r.startedAt === 'number' &&
    (r.endedAt === null || typeof r.endedAt === 'number')
  );
}
