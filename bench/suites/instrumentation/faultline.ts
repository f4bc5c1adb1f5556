import type { ContestantSpec } from './contestant.js';
import type { BenchTelemetry } from './telemetry.js';
import type { WindowCase } from './windowLoad.js';

export interface FaultlineContestants {
  /** Why the Faultline rows are missing, when they are. */
  readonly unavailable?: string;
  readonly specs: readonly ContestantSpec[];
  windowCases(windowCalls: number): Promise<WindowCase[]>;
  readonly perInstance: readonly { what: string; create: () => unknown }[];
  /** The b+b+t policy with metrics, for the heap-across-calls reading. */
  fullPolicyCall?: () => Promise<unknown>;
}

export async function loadFaultline(_telemetry: BenchTelemetry): Promise<FaultlineContestants> {
  return {
    unavailable: 'packages/instrumentation/src/index.ts does not export the policies yet',
    specs: [],
    windowCases: async () => [],
    perInstance: [],
  };
}
