import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DASHBOARD_DIR = path.join(REPO_ROOT, 'apps/dashboard');

export interface RunningDashboard {
  url: string;
  port: number;
  databaseUrl: string;
  /** Everything the process printed so far (for assertions and failure messages). */
  output(): string;
  /** SIGTERM and wait for exit (the server drains and flushes first). */
  stop(): Promise<number | null>;
  /** SIGKILL: the process dies without any cleanup (crash, OOM kill, pulled plug). */
  kill(): Promise<void>;
}

export interface StartOptions {
  env?: Record<string, string>;
  /** Reuse a database (durability tests); a fresh temp file otherwise. */
  databaseUrl?: string;
  /** Serve the Next.js UI (needs a build); API-only is faster for server tests. */
  ui?: boolean;
  port?: number;
}

/**
 * Each PostgreSQL database gets its own ingest journal directory, kept for
 * restarts on the same database (on SQLite the journal sits next to the file).
 * The server's PostgreSQL default is per host name, which every dashboard of
 * a test run shares.
 */
const journalDirs = new Map<string, string>();

function journalDirFor(databaseUrl: string, instanceId = ''): Record<string, string> {
  if (databaseUrl.startsWith('file:')) return {};
  // Instances of a cluster share the database but not a journal.
  const key = `${databaseUrl} ${instanceId}`;
  let dir = journalDirs.get(key);
  if (dir === undefined) {
    dir = mkdtempSync(path.join(tmpdir(), 'faultline-journal-'));
    journalDirs.set(key, dir);
  }
  return { FAULTLINE_JOURNAL_DIR: dir };
}

/** A temp SQLite URL in its own directory. */
export function tempDatabaseUrl(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'faultline-db-'));
  return `file:${path.join(dir, 'faultline.db')}`;
}

/**
 * Start the real dashboard server as a child process, exactly as `npm start`
 * runs it, on a free loopback port, and resolve once it is listening.
 */
export async function startDashboard(opts: StartOptions = {}): Promise<RunningDashboard> {
  const databaseUrl = opts.databaseUrl ?? tempDatabaseUrl();
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: DASHBOARD_DIR,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(opts.port ?? 0),
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      FAULTLINE_UI: opts.ui === false ? 'false' : 'true',
      ...journalDirFor(databaseUrl, opts.env?.FAULTLINE_INSTANCE_ID),
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`dashboard did not start within 90 s:\n${out}`)), 90_000);
    const check = () => {
      const m = /listening on http:\/\/[^:]+:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`dashboard exited with ${code} before listening:\n${out}`));
    });
  });

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    databaseUrl,
    output: () => out,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}
