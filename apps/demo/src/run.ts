/**
 * `npm run demo`: the dashboard (embedded SQLite, PORT/HOST as for
 * `npm start`), the six services and the load generator replaying the
 * afternoon, each in its own process group. Ctrl-C or SIGTERM stops them all.
 *
 *   npm run demo -- --mode unprotected --base-rps 20 --spike-factor 15 --time-scale 10 --cycles 3
 *
 * While it runs, type `u` or `p` and Enter to switch every service to
 * unprotected / protected mode, or send SIGUSR2 to toggle.
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { DEFAULTS, DemoConfigError, ENV, type Mode, parseMode } from './config.js';
import {
  demoDashboardEnv,
  type ManagedProcess,
  type RunningServices,
  setMode,
  spawnManaged,
  spawnTs,
  startServices,
} from './processes.js';
import { urlVariable } from './topology.js';

const USAGE = `usage: npm run demo -- [--mode protected|unprotected] [--base-rps N] [--spike-factor N] [--time-scale N] [--cycles N]`;

function positive(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0)
    throw new DemoConfigError(`--${name}: expected a positive number, got "${raw}"\n${USAGE}`);
  return n;
}

function parseCli() {
  const { values } = parseArgs({
    options: {
      mode: { type: 'string' },
      'base-rps': { type: 'string' },
      'spike-factor': { type: 'string' },
      'time-scale': { type: 'string' },
      cycles: { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const env = process.env;
  return {
    mode: parseMode(values.mode ?? env[ENV.MODE], '--mode'),
    baseRps: positive('base-rps', values['base-rps'] ?? env[ENV.BASE_RPS], DEFAULTS.baseRps),
    spikeFactor: positive('spike-factor', values['spike-factor'] ?? env[ENV.SPIKE_FACTOR], DEFAULTS.spikeFactor),
    timeScale: positive('time-scale', values['time-scale'] ?? env[ENV.TIME_SCALE], DEFAULTS.timeScale),
    cycles: Math.round(positive('cycles', values.cycles ?? env[ENV.CYCLES], DEFAULTS.cycles)),
  };
}

function prefixed(name: string) {
  return (line: string) => {
    if (line.trim().length > 0) console.log(`${name.padEnd(17)} │ ${line}`);
  };
}

async function main(): Promise<void> {
  const cli = parseCli();
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const started: ManagedProcess[] = [];
  let services: RunningServices | null = null;
  let stopping: Promise<void> | null = null;

  const stopAll = (why: string) => {
    stopping ??= (async () => {
      console.log(`\n[demo] ${why}: stopping ${started.length + (services?.processes.length ?? 0)} processes…`);
      await Promise.all([...started.map((p) => p.stop()), services?.stop()]);
      console.log('[demo] stopped.');
    })();
    return stopping;
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      stopAll(signal).then(() => process.exit(0));
    });
  }

  try {
    const dashboard = spawnManaged('dashboard', npm, ['run', 'start', '--workspace', 'apps/dashboard'], {
      env: { ...process.env, ...demoDashboardEnv() },
      onLine: prefixed('dashboard'),
    });
    started.push(dashboard);
    const listening = await dashboard.waitFor(/listening on (http:\/\/\S+)/, 10 * 60_000);
    const dashboardUrl = listening[1] ?? '';
    const endpoint = dashboardUrl.replace('//0.0.0.0:', '//127.0.0.1:').replace('//[::]:', '//[::1]:');

    console.log(`[demo] starting the six services in ${cli.mode} mode…`);
    services = await startServices({
      endpoint,
      mode: cli.mode,
      timeScale: cli.timeScale,
      env: { [ENV.BASE_RPS]: String(cli.baseRps), [ENV.SPIKE_FACTOR]: String(cli.spikeFactor) },
      onLine: (name, line) => prefixed(name)(line),
    });
    const running = services;

    const load = spawnTs('load', 'load/main.ts', [], {
      env: {
        ...process.env,
        [urlVariable('user-service')]: running.urls['user-service'],
        [ENV.BASE_RPS]: String(cli.baseRps),
        [ENV.SPIKE_FACTOR]: String(cli.spikeFactor),
        [ENV.TIME_SCALE]: String(cli.timeScale),
        [ENV.CYCLES]: String(cli.cycles),
      },
      onLine: prefixed('load'),
    });
    started.push(load);
    load.child.once('exit', () => {
      if (!stopping)
        console.log('[demo] load finished; the dashboard and services stay up for exploring. Ctrl-C stops everything.');
    });

    const open = endpoint.replace('//127.0.0.1:', '//localhost:');
    const cycleSeconds = Math.round(1200 / cli.timeScale);
    console.log(
      [
        '',
        `[demo] ▶ open ${open}  (mode: ${cli.mode})`,
        `[demo]   one afternoon takes ${cycleSeconds} s: normal ${cli.baseRps}/s → spike ${cli.baseRps * cli.spikeFactor}/s → recovery, ${cli.cycles}×`,
        '[demo]   type u⏎ (unprotected) or p⏎ (protected) to switch modes live; Ctrl-C stops everything',
        '',
      ].join('\n'),
    );

    let mode: Mode = cli.mode;
    const switchTo = (next: Mode) => {
      setMode(running.urls, next).then(
        () => {
          mode = next;
          console.log(`[demo] every service is now ${next}`);
        },
        (error: unknown) => console.error(`[demo] switching mode failed: ${String(error)}`),
      );
    };
    process.on('SIGUSR2', () => switchTo(mode === 'protected' ? 'unprotected' : 'protected'));
    if (process.stdin.isTTY) {
      const rl = createInterface({ input: process.stdin });
      rl.on('line', (line) => {
        const key = line.trim().toLowerCase();
        if (key === 'u') switchTo('unprotected');
        else if (key === 'p') switchTo('protected');
      });
    }
  } catch (error) {
    await stopAll('start failed');
    throw error;
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof DemoConfigError ? error.message : error);
  process.exit(1);
});
