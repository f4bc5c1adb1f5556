/**
 * ELK's layout engine in a Web Worker, so laying out a map never blocks the
 * page (ELK needs over a second cold on 50 services). Importing elkjs's worker
 * build is all it takes: in a worker scope it registers its dispatcher on
 * `self`, and `elk-api` on the page talks to it (see `elkEngine.ts`).
 */
import 'elkjs/lib/elk-worker.min.js';
