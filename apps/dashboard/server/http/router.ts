import type { IncomingMessage, ServerResponse } from 'node:http';

/** A request as route handlers see it: parsed URL, path params, nothing else. */
export interface RouteRequest {
  method: string;
  url: URL;
  params: Record<string, string>;
  /** Parsed JSON body for POST/PUT/PATCH (undefined when empty). */
  body: unknown;
  raw: IncomingMessage;
}

/** JSON API bodies are small (rules, silences); anything larger is a mistake or an attack. */
const MAX_JSON_BODY_BYTES = 1024 * 1024;

export type RouteResult = { status: number; body: unknown; headers?: Record<string, string> };
export type RouteHandler = (req: RouteRequest) => Promise<RouteResult> | RouteResult;

interface Route {
  method: string;
  pattern: RegExp;
  keys: string[];
  handler: RouteHandler;
}

/** Thrown by handlers for a client error; becomes a JSON `{ error }` with the status. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Minimal method + path router for the JSON API. Paths use `:name` segments.
 * Kept tiny on purpose: the API is a handful of GETs served beside Next.js.
 */
export class Router {
  private readonly routes: Route[] = [];

  add(method: string, path: string, handler: RouteHandler): this {
    const keys: string[] = [];
    const source = path
      .split('/')
      .map((seg) => {
        if (seg.startsWith(':')) {
          keys.push(seg.slice(1));
          return '([^/]+)';
        }
        return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      })
      .join('/');
    this.routes.push({ method, pattern: new RegExp(`^${source}/?$`), keys, handler });
    return this;
  }

  /** Handle the request if a route matches its path; returns false otherwise. */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    const url = new URL(req.url ?? '/', 'http://localhost');
    let pathMatched = false;
    for (const route of this.routes) {
      const m = route.pattern.exec(url.pathname);
      if (!m) continue;
      pathMatched = true;
      if (route.method !== req.method) continue;
      const params: Record<string, string> = {};
      route.keys.forEach((k, i) => {
        params[k] = decodeURIComponent(m[i + 1] ?? '');
      });
      void this.run(route.handler, { method: req.method, url, params, body: undefined, raw: req }, res);
      return true;
    }
    if (pathMatched) {
      sendJson(res, 405, { error: `method ${req.method} not allowed on ${url.pathname}` });
      return true;
    }
    return false;
  }

  private async run(handler: RouteHandler, req: RouteRequest, res: ServerResponse): Promise<void> {
    try {
      if (req.method === 'POST' || req.method === 'PUT' || req.method === 'PATCH') req.body = await readJson(req.raw);
      const result = await handler(req);
      sendJson(res, result.status, result.body, result.headers);
    } catch (err) {
      if (err instanceof HttpError) {
        sendJson(res, err.status, { error: err.message });
      } else {
        console.error('[faultline] API error', err);
        sendJson(res, 500, { error: 'internal error' });
      }
    }
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_JSON_BODY_BYTES) throw new HttpError(413, `request body over ${MAX_JSON_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (err) {
    throw new HttpError(400, `request body is not valid JSON: ${(err as Error).message}`);
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>): void {
  if (res.headersSent) return;
  if (status === 204) {
    res.writeHead(204, { 'cache-control': 'no-store', ...headers });
    res.end();
    return;
  }
  const text = JSON.stringify(body ?? null);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}
