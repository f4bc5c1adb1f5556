import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDashboard } from './app';
import { ConfigError, readConfig } from './config/config';

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function main(): Promise<void> {
  const config = readConfig(process.env, appDir);
  const ui = process.env.FAULTLINE_UI !== 'false';
  const dashboard = await startDashboard({ config, ui });
  console.log(`Faultline dashboard listening on ${dashboard.url}`);
  console.log(`  OTLP/HTTP endpoint: ${dashboard.url}/v1/traces and ${dashboard.url}/v1/metrics`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[faultline] ${signal}: draining ingest and flushing the store…`);
    dashboard.close().then(
      () => process.exit(0),
      (err) => {
        console.error('[faultline] shutdown failed', err);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err) => {
  if (err instanceof ConfigError) console.error(`[faultline] ${err.message}`);
  else console.error('[faultline] failed to start', err);
  process.exit(1);
});
