import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENV, type Mode } from './config.js';
import { type ServiceName, TOPOLOGY, urlVariable } from './topology.js';

/**
 * Child processes of the demo, each the leader of its own process group so
 * that stopping it (SIGTERM, then SIGKILL after a grace period) reaches
 * everything it started in turn (npm → node).
 */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const DEMO_SRC = path.join(REPO_ROOT, 'apps/demo/src');

/** The alert rules the demo ships (and fires). */
export const DEMO_ALERTS_FILE = path.join(REPO_ROOT, 'apps/demo/faultline.alerts.yaml');

/**
 * What the demo adds to the dashboard's environment: its alert rules, unless
 * FAULTLINE_ALERTS_FILE already names a file. `npm run demo` and the
 * end-to-end tests both start the dashboard with this.
 */
export function demoDashboardEnv(env: NodeJS.ProcessEnv = process.env): { FAULTLINE_ALERTS_FILE: string } {
  return { FAULTLINE_ALERTS_FILE: env.FAULTLINE_ALERTS_FILE || DEMO_ALERTS_FILE };
}

export interface ManagedProcess {
  name: string;
  child: ChildProcess;
  output(): string;
  /** Resolves with the first match of `pattern` in the output; rejects if the process exits first or on timeout. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray>;
  stop(graceMs?: number): Promise<void>;
}

export interface SpawnOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Each complete output line, e.g. to print it with a prefix. */
  onLine?: (line: string) => void;
  /** Keep at most this many characters of output. */
  keepChars?: number;
}

export function spawnManaged(
  name: string,
  command: string,
  args: string[],
  options: SpawnOptions = {},
): ManagedProcess {
  const child = spawn(command, args, {
    cwd: options.cwd ?? REPO_ROOT,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const keep = options.keepChars ?? 200_000;
  let out = '';
  let partial = '';
  const onData = (data: Buffer) => {
    const text = data.toString();
    out = (out + text).slice(-keep);
    if (!options.onLine) return;
    partial += text;
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) options.onLine(line);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });

  const signalGroup = (signal: NodeJS.Signals) => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // the group is gone already
    }
  };

  return {
    name,
    child,
    output: () => out,
    waitFor(pattern, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = pattern.exec(out);
          if (!m) return false;
          cleanup();
          resolve(m);
          return true;
        };
        const onExit = (code: number | null) => {
          if (check()) return;
          cleanup();
          reject(new Error(`${name} exited (${code}) before printing ${pattern}:\n${out.slice(-4000)}`));
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`${name} did not print ${pattern} within ${timeoutMs} ms:\n${out.slice(-4000)}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          child.stdout?.off('data', check);
          child.stderr?.off('data', check);
          child.off('exit', onExit);
        };
        if (check()) return;
        child.stdout?.on('data', check);
        child.stderr?.on('data', check);
        child.once('exit', onExit);
      });
    },
    async stop(graceMs = 10_000) {
      // Signal the group even if the leader is gone: its children may not be.
      signalGroup('SIGTERM');
      const timer = setTimeout(() => signalGroup('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
      signalGroup('SIGKILL');
    },
  };
}

/** `node --conditions=source --import tsx <script>` from the repo root. */
export function spawnTs(name: string, script: string, args: string[], options: SpawnOptions = {}): ManagedProcess {
  return spawnManaged(
    name,
    process.execPath,
    ['--conditions=source', '--import', 'tsx', path.join(DEMO_SRC, script), ...args],
    options,
  );
}

export interface ServicesOptions {
  /** OTLP/HTTP base URL the services export to. */
  endpoint: string;
  mode: Mode;
  timeScale: number;
  host?: string;
  /** 0 for any free port (tests); the topology's ports otherwise. */
  port?: (name: ServiceName) => number;
  /** Extra environment for every service. */
  env?: NodeJS.ProcessEnv;
  onLine?: (service: ServiceName, line: string) => void;
  /** Checkouts sent one by one once all are up, so cold code paths do not trip breakers. Default 20. */
  warmUp?: number;
}

export interface RunningServices {
  urls: Record<ServiceName, string>;
  processes: ManagedProcess[];
  stop(): Promise<void>;
}

/** Callees before callers, so each caller is told where its dependencies actually listen. */
const START_ORDER: ServiceName[][] = [
  ['email-service', 'profile-service', 'inventory-service'],
  ['payment-service'],
  ['order-service'],
  ['user-service'],
];

export async function startServices(options: ServicesOptions): Promise<RunningServices> {
  const host = options.host ?? '127.0.0.1';
  const urls = {} as Record<ServiceName, string>;
  const processes: ManagedProcess[] = [];
  const stop = async () => {
    await Promise.all(processes.map((p) => p.stop()));
  };
  try {
    for (const wave of START_ORDER) {
      await Promise.all(
        wave.map(async (name) => {
          const env: NodeJS.ProcessEnv = {
            ...process.env,
            ...options.env,
            [ENV.ENDPOINT]: options.endpoint,
            [ENV.MODE]: options.mode,
            [ENV.TIME_SCALE]: String(options.timeScale),
            [ENV.HOST]: host,
            [ENV.PORT]: String(options.port?.(name) ?? TOPOLOGY[name].port),
          };
          for (const dependency of TOPOLOGY[name].calls) env[urlVariable(dependency)] = urls[dependency];
          const proc = spawnTs(name, 'service.ts', [name], {
            env,
            ...(options.onLine ? { onLine: (line: string) => options.onLine?.(name, line) } : {}),
          });
          processes.push(proc);
          const m = await proc.waitFor(/listening on (http:\/\/\S+)/, 60_000);
          urls[name] = m[1] ?? '';
        }),
      );
    }
    for (let i = 0; i < (options.warmUp ?? 20); i++) {
      const res = await fetch(`${urls['user-service']}/checkout`, { method: 'POST', body: '{"userId":"warm-up"}' });
      await res.arrayBuffer();
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { urls, processes, stop };
}

/** Switch every running service's mode through its control endpoint. */
export async function setMode(urls: Readonly<Record<string, string>>, mode: Mode): Promise<void> {
  await Promise.all(
    Object.entries(urls).map(async ([name, url]) => {
      const res = await fetch(`${url}/_demo/mode`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ mode }),
      });
      if (!res.ok) throw new Error(`${name}: PUT /_demo/mode → ${res.status} ${await res.text()}`);
    }),
  );
}
