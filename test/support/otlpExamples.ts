import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The example OTLP/JSON requests from the telemetry contract
 * (`../shared/otlp-examples`, copied into the repo so a clone outside this
 * workspace still has them): `trace.json` and `metrics.json`.
 */
export const OTLP_EXAMPLES_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../fixtures/otlp-examples',
);
