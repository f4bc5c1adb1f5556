/**
 * The dashboard's OTLP handler without the rest of the dashboard (see
 * `handlerOnlyServer.main.ts`) as a child process, started the way the
 * dashboard is: the floor the real server's HTTP ingest is compared with.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface HandlerOnlyServer {
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

const MAIN = fileURLToPath(new URL('./handlerOnlyServer.main.ts', import.meta.url));

export function startHandlerOnlyServer(): Promise<HandlerOnlyServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let out = '';
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (!m) return;
      child.stdout.off('data', onData);
      resolve({
        url: m[1]!,
        pid: child.pid!,
        async stop() {
          if (child.exitCode === null) child.kill('SIGTERM');
          await exited;
        },
      });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.once('exit', (code) =>
      reject(new Error(`handler-only server exited with ${code} before listening:\n${out}`)),
    );
  });
}
