import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { waitFor } from './waitFor';

/**
 * A throwaway PostgreSQL server for tests and benchmarks: Debian's
 * `postgresql` package binaries (installed by `.ci/run`), a fresh cluster in a
 * temp directory, trust auth on loopback only, fsync off (nothing here needs
 * to survive a power cut). Root cannot run `postgres`, so as root the cluster
 * belongs to the package's `postgres` user.
 */
export interface RunningPostgres {
  /** `postgresql://faultline@127.0.0.1:<port>/postgres` — the maintenance database. */
  adminUrl: string;
  port: number;
  /** Create a fresh, empty database and return its URL. */
  createDatabase(name?: string): Promise<string>;
  stop(): Promise<void>;
}

const USER = 'faultline';
let dbCounter = 0;

export function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(path.join(root, v, 'bin/postgres')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const version = versions[0];
  if (version === undefined) {
    throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql: apt-get install -y postgresql');
  }
  return path.join(root, version, 'bin');
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

function asServerUser(): string[] {
  return process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];
}

export async function startPostgres(): Promise<RunningPostgres> {
  const bin = postgresBinDir();
  const dir = mkdtempSync(path.join(tmpdir(), 'faultline-pg-'));
  const data = path.join(dir, 'data');
  const runAs = asServerUser();
  if (runAs.length > 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
  }
  const run = (file: string, args: string[]) => {
    const [cmd = file, ...rest] = [...runAs, file, ...args];
    return execFileSync(cmd, rest, { stdio: 'pipe' });
  };
  run(path.join(bin, 'initdb'), ['-D', data, '-U', USER, '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const port = await freePort();
  const [cmd = '', ...rest] = [
    ...runAs,
    path.join(bin, 'postgres'),
    '-D',
    data,
    '-p',
    String(port),
    '-k',
    dir,
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'fsync=off',
    '-c',
    'synchronous_commit=off',
    '-c',
    'full_page_writes=off',
    '-c',
    'max_connections=200',
  ];
  const child: ChildProcess = spawn(cmd, rest, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (d: Buffer) => {
    log = (log + d.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const adminUrl = `postgresql://${USER}@127.0.0.1:${port}/postgres`;
  // A test run that dies without stop() must not leave a server behind.
  const stopOnExit = () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    try {
      run(path.join(bin, 'pg_ctl'), ['stop', '-D', data, '-m', 'immediate']);
    } catch {}
  };
  process.once('exit', stopOnExit);
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`postgres exited: ${log}`);
      const client = new pg.Client({ connectionString: adminUrl });
      try {
        await client.connect();
        return true;
      } finally {
        await client.end().catch(() => {});
      }
    },
    { timeoutMs: 30_000, intervalMs: 100, what: `postgres on port ${port}` },
  );
  return {
    adminUrl,
    port,
    async createDatabase(name = `faultline_${process.pid}_${++dbCounter}`) {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
      } finally {
        await client.end();
      }
      return `postgresql://${USER}@127.0.0.1:${port}/${name}`;
    },
    async stop() {
      process.off('exit', stopOnExit);
      if (child.exitCode === null) {
        // Through pg_ctl: `runuser` does not pass signals on to the server.
        // Immediate mode: the data is thrown away anyway.
        try {
          run(path.join(bin, 'pg_ctl'), ['stop', '-D', data, '-m', 'immediate', '-w', '-t', '10']);
        } catch {
          child.kill('SIGKILL');
        }
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
