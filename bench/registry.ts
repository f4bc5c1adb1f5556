import type { Suite } from './lib/suite.js';
import { alertsSuite } from './suites/alerts.js';
import { clusterSuite } from './suites/cluster.js';
import { ingestSuite } from './suites/ingest.js';
import { instrumentationSuite } from './suites/instrumentation.js';
import { liveLatencySuite } from './suites/liveLatency.js';
import { modelSuite } from './suites/model.js';
import { sagasSuite } from './suites/sagas.js';
import { soakSuite } from './suites/soak.js';
import { storeSuite } from './suites/store.js';
import { uiSuite } from './suites/ui.js';

/**
 * Every suite `npm run bench` knows, in the order it runs them. To add one,
 * write `bench/suites/<name>.ts` exporting a `Suite` and list it here.
 * Opt-in suites (`optIn`, e.g. the soak) run only when asked for.
 */
export const suites: readonly Suite[] = [
  instrumentationSuite,
  ingestSuite,
  liveLatencySuite,
  soakSuite,
  modelSuite,
  sagasSuite,
  alertsSuite,
  storeSuite,
  clusterSuite,
  uiSuite,
];
