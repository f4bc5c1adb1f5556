/**
 * OTLP/HTTP receiver for `POST /v1/traces` and `POST /v1/metrics`, as a plain
 * Node `(req, res)` handler (no framework). Follows the OTLP/HTTP spec:
 * JSON and protobuf bodies, optional gzip, 200 with an Export…ServiceResponse
 * (partial success when items were rejected), 400 undecodable, 413 too large,
 * 415 other media types, 429/503 with Retry-After when the server cannot keep
 * up; error bodies are google.rpc.Status in the request's encoding.
 *
 * Nothing a client sends may crash the process: every failure ends in a
 * response (or, if the client is gone, in nothing).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type DecodeLimits, resolveDecodeLimits } from './decodeContext';
import { DecodeError } from './decodeError';
import { decodeOtlp } from './decodeOtlp';
import { CONTENT_TYPES, type Encoding, exportResponse, type Signal, statusResponse } from './otlpResponse';
import { BodyAbortedError, BodyTimeoutError, gunzipLimited, readRawBody } from './requestBody';
import type { MetricBatch, TraceBatch } from './telemetry';

export type { Signal } from './otlpResponse';

/** What the server's ingest queue says about a decoded batch. */
export type AcceptResult = { ok: true } | { ok: false; status: 429 | 503; retryAfterSeconds: number };

export interface OtlpHandlerOptions {
  /** Largest body accepted on the wire, in bytes. */
  maxBodyBytes: number;
  /** Largest body after gunzip (zip bombs); defaults to `maxBodyBytes`. */
  maxDecompressedBytes?: number;
  /** When set, requests need `Authorization: Bearer <token>`. */
  ingestToken?: string;
  /** Without a token, only loopback clients are served unless this is true. Default false. */
  allowNonLoopbackWithoutToken?: boolean;
  /** Deadline for receiving the whole body. Default 30 000 ms. */
  bodyTimeoutMs?: number;
  /** Decoding limits (attributes per item, string length, nesting, items per request). */
  limits?: Partial<DecodeLimits>;
  /**
   * Hand a decoded batch to the server. `{ ok: true }` acknowledges it (200):
   * from then on it must not be lost (the server journals `request`, the
   * body as decoded from the wire, for that). Otherwise the client is told
   * to retry.
   */
  accept: (
    signal: Signal,
    batch: TraceBatch | MetricBatch,
    request: { encoding: Encoding; body: Buffer },
  ) => AcceptResult | Promise<AcceptResult>;
  /** Unexpected failures (bugs, a throwing `accept`); default logs to stderr. */
  onError?: (err: unknown) => void;
}

const DEFAULT_BODY_TIMEOUT_MS = 30_000;
/**
 * After answering early (e.g. 413 mid-body), how long the connection may
 * linger before it is cut. Cutting it with the unread body still queued sends
 * a reset, which can discard the answer before a busy client has read it, so
 * the client gets a few seconds (2 s lost answers on a loaded 2-core machine).
 */
const LINGER_MS = 5_000;

function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`createOtlpHandler: ${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}

/** `(req, res) => void` serving `POST /v1/traces` and `POST /v1/metrics`. */
export function createOtlpHandler(options: OtlpHandlerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const maxBodyBytes = positiveInteger('maxBodyBytes', options.maxBodyBytes);
  const bodyLimits = {
    maxBodyBytes,
    maxDecompressedBytes: positiveInteger('maxDecompressedBytes', options.maxDecompressedBytes ?? maxBodyBytes),
    timeoutMs: positiveInteger('bodyTimeoutMs', options.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS),
  };
  const limits = resolveDecodeLimits(options.limits);
  const tokenDigest = options.ingestToken ? digest(options.ingestToken) : null;
  const allowRemote = options.allowNonLoopbackWithoutToken ?? false;
  const onError = options.onError ?? ((err: unknown) => console.error('[faultline] OTLP ingest error', err));

  function send(
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    encoding: Encoding,
    body: Buffer,
    headers: Record<string, string> = {},
    closeAfter = false,
  ): void {
    if (res.headersSent || res.destroyed) return;
    // A flat name/value list: Node stores it as it is, without copying an object's entries first.
    const head = ['Content-Type', CONTENT_TYPES[encoding], 'Content-Length', String(body.length)];
    for (const name in headers) head.push(name, headers[name] as string);
    if (closeAfter) head.push('Connection', 'close');
    res.writeHead(status, head);
    res.end(body);
    if (closeAfter) {
      // The rest of the body is unwanted: stop reading it, and drop the connection once
      // the answer has had time to reach the client.
      res.once('finish', () => {
        const socket = req.socket;
        const timer = setTimeout(() => socket.destroy(), LINGER_MS);
        timer.unref();
        socket.once('close', () => clearTimeout(timer));
      });
    }
  }

  function fail(
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    encoding: Encoding,
    message: string,
    headers?: Record<string, string>,
  ): void {
    // The body was not (fully) read: close the connection rather than read the rest.
    send(req, res, status, encoding, statusResponse(encoding, status, message), headers, !req.complete);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?', 1)[0];
    const signal: Signal | null = path === '/v1/traces' ? 'traces' : path === '/v1/metrics' ? 'metrics' : null;
    const mediaType = (req.headers['content-type'] ?? '').split(';', 1)[0]!.trim().toLowerCase();
    const encoding: Encoding | null =
      mediaType === 'application/json' ? 'json' : mediaType === 'application/x-protobuf' ? 'protobuf' : null;
    const replyEncoding = encoding ?? 'json';

    if (signal === null) {
      return fail(req, res, 404, replyEncoding, `no OTLP endpoint at ${path}; use /v1/traces or /v1/metrics`);
    }
    if (req.method !== 'POST') {
      return fail(req, res, 405, replyEncoding, `method ${req.method} not allowed; OTLP/HTTP uses POST`, {
        Allow: 'POST',
      });
    }
    if (tokenDigest !== null) {
      const match = /^Bearer[ \t]+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
      if (match === null || !timingSafeEqual(digest(match[1]!), tokenDigest)) {
        const presented = match !== null;
        return fail(
          req,
          res,
          401,
          replyEncoding,
          presented ? 'invalid ingest token' : 'missing bearer token (Authorization: Bearer <token>)',
          {
            'WWW-Authenticate': presented
              ? 'Bearer realm="faultline-ingest", error="invalid_token"'
              : 'Bearer realm="faultline-ingest"',
          },
        );
      }
    } else if (!allowRemote && !isLoopback(req.socket.remoteAddress)) {
      return fail(
        req,
        res,
        403,
        replyEncoding,
        'ingest without a token is open to loopback clients only; set FAULTLINE_INGEST_TOKEN to accept remote senders',
      );
    }
    if (encoding === null) {
      return fail(
        req,
        res,
        415,
        'json',
        `unsupported Content-Type ${JSON.stringify(mediaType || '(none)')}; use application/json or application/x-protobuf`,
      );
    }
    const contentEncoding = (req.headers['content-encoding'] ?? '').trim().toLowerCase();
    const gzip = contentEncoding === 'gzip' || contentEncoding === 'x-gzip';
    if (!gzip && contentEncoding !== '' && contentEncoding !== 'identity') {
      return fail(
        req,
        res,
        415,
        encoding,
        `unsupported Content-Encoding ${JSON.stringify(contentEncoding)}; use gzip or none`,
      );
    }
    const declared = Number(req.headers['content-length']);
    if (declared > maxBodyBytes) {
      return fail(
        req,
        res,
        413,
        encoding,
        `request body of ${declared} bytes exceeds the limit of ${maxBodyBytes} bytes`,
      );
    }

    let batch: TraceBatch | MetricBatch;
    let body: Buffer;
    try {
      body = await readRawBody(req, bodyLimits);
      if (gzip) body = await gunzipLimited(body, bodyLimits.maxDecompressedBytes);
      batch = decodeOtlp(signal, encoding, body, limits);
    } catch (err) {
      if (err instanceof BodyAbortedError) {
        res.destroy();
        return;
      }
      if (err instanceof BodyTimeoutError) return fail(req, res, 408, encoding, err.message);
      if (err instanceof DecodeError) return fail(req, res, err.status, encoding, err.message);
      onError(err);
      return fail(req, res, 500, encoding, 'internal error while decoding the request');
    }

    let result: AcceptResult;
    try {
      const accepted = options.accept(signal, batch, { encoding, body });
      // A synchronous answer (the usual case) needs no extra turn of the microtask queue.
      result = accepted instanceof Promise ? await accepted : accepted;
    } catch (err) {
      onError(err);
      return fail(req, res, 500, encoding, 'internal error while accepting the batch');
    }
    if (!result.ok) {
      const message =
        result.status === 429 ? 'ingest queue full, retry later' : 'ingest temporarily unavailable, retry later';
      return fail(req, res, result.status, encoding, message, {
        'Retry-After': String(Math.max(0, Math.ceil(result.retryAfterSeconds))),
      });
    }
    send(req, res, 200, encoding, exportResponse(signal, encoding, batch.rejected, batch.rejectionMessage));
  }

  return (req, res) => {
    // A client error on either stream must never surface as an uncaught 'error' event.
    req.on('error', () => {});
    res.on('error', () => {});
    handle(req, res).catch((err) => {
      onError(err);
      try {
        fail(req, res, 500, 'json', 'internal error');
      } catch {
        res.destroy();
      }
    });
  };
}
