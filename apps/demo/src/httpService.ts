import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { context, metrics, propagation, ROOT_CONTEXT, type UpDownCounter } from '@opentelemetry/api';
import { MODES, type Mode } from './config.js';

/**
 * The HTTP shell every demo service runs in: JSON in and out,
 * `http.server.active_requests` for the dashboard's "share of in-flight
 * requests blocked on a dependency" (Node has no thread pool to exhaust: a
 * request waiting on a dependency is the blocked worker), W3C
 * trace context and baggage taken from the caller, and the demo's control
 * endpoint `GET|PUT /_demo/mode`.
 */
export interface DemoRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  body: unknown;
}

export interface Reply {
  status: number;
  body?: unknown;
}

export type Handler = (req: DemoRequest) => Promise<Reply>;

/** `'POST /orders'`, `'DELETE /reservations/:id'`. */
export type Routes = Record<string, Handler>;

export interface HttpServiceOptions {
  name: string;
  host: string;
  port: number;
  routes: Routes;
  mode: { get(): Mode; set(mode: Mode): void };
}

export interface HttpService {
  server: Server;
  url: string;
  close(): Promise<void>;
}

/** Semantic-convention name read by the dashboard. */
const ACTIVE_REQUESTS = 'http.server.active_requests';
const CONTROL_PATH = '/_demo/mode';

interface CompiledRoute {
  method: string;
  parts: string[];
  handler: Handler;
}

function compile(routes: Routes): CompiledRoute[] {
  return Object.entries(routes).map(([key, handler]) => {
    const [method = '', path = ''] = key.split(' ');
    return { method, parts: path.split('/').filter(Boolean), handler };
  });
}

function match(routes: CompiledRoute[], method: string, path: string) {
  const parts = path.split('/').filter(Boolean);
  for (const route of routes) {
    if (route.method !== method || route.parts.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const ok = route.parts.every((p, i) => {
      const actual = parts[i] ?? '';
      if (p.startsWith(':')) {
        params[p.slice(1)] = decodeURIComponent(actual);
        return true;
      }
      return p === actual;
    });
    if (ok) return { handler: route.handler, params };
  }
  return null;
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  if (chunks.length === 0) return undefined;
  const text = Buffer.concat(chunks).toString('utf8');
  return text.length === 0 ? undefined : JSON.parse(text);
}

function send(res: ServerResponse, reply: Reply): void {
  if (res.headersSent || res.destroyed) return;
  const body = reply.body === undefined ? '' : JSON.stringify(reply.body);
  res.writeHead(reply.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export async function startHttpService(options: HttpServiceOptions): Promise<HttpService> {
  const routes = compile(options.routes);
  const active: UpDownCounter = metrics
    .getMeter('@faultline/demo')
    .createUpDownCounter(ACTIVE_REQUESTS, { unit: '{request}', description: 'Requests in flight, queued included.' });

  const control = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'GET')
      return send(res, { status: 200, body: { service: options.name, mode: options.mode.get() } });
    if (req.method !== 'PUT' && req.method !== 'POST')
      return send(res, { status: 405, body: { error: 'use GET or PUT' } });
    const body = (await readBody(req).catch(() => undefined)) as { mode?: unknown } | undefined;
    const mode = body?.mode;
    if (typeof mode !== 'string' || !(MODES as readonly string[]).includes(mode)) {
      return send(res, { status: 400, body: { error: 'body must be {"mode":"protected"|"unprotected"}' } });
    }
    options.mode.set(mode as Mode);
    send(res, { status: 200, body: { service: options.name, mode } });
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://service');
    if (url.pathname === CONTROL_PATH) {
      control(req, res).catch(() => send(res, { status: 500, body: { error: 'control failed' } }));
      return;
    }
    const method = req.method ?? 'GET';
    const attributes = { 'http.request.method': method, 'url.scheme': 'http' };
    active.add(1, attributes);
    res.once('close', () => active.add(-1, attributes));

    const found = match(routes, method, url.pathname);
    if (!found) {
      send(res, { status: 404, body: { error: `no route ${method} ${url.pathname}` } });
      return;
    }
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    // The request keeps running even when the caller gave up: that is how
    // blocked work piles up in the incident.
    readBody(req)
      .then((body) =>
        context.with(parent, () => found.handler({ method, path: url.pathname, params: found.params, body })),
      )
      .then(
        (reply) => send(res, reply),
        (error: unknown) => {
          if (error instanceof SyntaxError) {
            send(res, { status: 400, body: { error: 'invalid JSON' } });
          } else {
            send(res, { status: 500, body: { error: error instanceof Error ? error.message : String(error) } });
          }
        },
      );
  });
  server.keepAliveTimeout = 30_000;
  server.maxRequestsPerSocket = 0;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    server,
    url: `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
