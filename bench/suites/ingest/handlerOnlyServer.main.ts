/**
 * Child process of `handlerOnlyServer.ts`: the dashboard's OTLP/HTTP handler
 * alone on a loopback port, every decoded batch acknowledged and dropped — no
 * model, no journal, no store. What is left of a request's cost is Node's
 * HTTP, reading the body and decoding it: the floor under the real server.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

interface IngestModule {
  createOtlpHandler(options: {
    maxBodyBytes: number;
    accept: () => { ok: true };
  }): (req: IncomingMessage, res: ServerResponse) => void;
}

// Imported through a computed URL, as in decoders.ts (the dashboard uses bundler resolution).
const INGEST_MODULE = new URL('../../../apps/dashboard/server/ingest/index.ts', import.meta.url).href;
const { createOtlpHandler } = (await import(INGEST_MODULE)) as IngestModule;

// The dashboard's default body limit (FAULTLINE_MAX_BODY_BYTES).
const handler = createOtlpHandler({ maxBodyBytes: 16 * 1024 * 1024, accept: () => ({ ok: true }) });
const server = createServer(handler);
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
