import { afterAll, beforeAll, describe, it } from 'vitest';
import { type RunningDashboard, startDashboard } from './support/dashboard';
import { runPipelineScenario } from './support/pipelineScenario';

describe('instrumented service → OTLP/HTTP protobuf → dashboard', () => {
  let dashboard: RunningDashboard;
  beforeAll(async () => {
    dashboard = await startDashboard({ ui: false });
  });
  afterAll(async () => {
    await dashboard?.stop();
  });

  it('shows services, the edge, breaker state, bulkhead figures and a live breaker transition', async () => {
    await runPipelineScenario(dashboard, 'protobuf');
  }, 60_000);
});
