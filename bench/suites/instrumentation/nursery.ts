/**
 * The closed/success sections run twice, each in a child process whose V8
 * young generation ("nursery") is pinned, because on this machine kind the
 * peers' cost depends on its size more than on anything they do.
 *
 * Measured 2026-12-08, same code and harness, only the flag changed:
 * cockatiel's bulkhead+breaker costs ≈ +250–290 ns over the bare call (one
 * call at a time) while V8's semi-spaces stay at 4 MB or less, and
 * ≈ +500–600 ns once they are 8 MB or 16 MB (16 MB is V8's 64-bit maximum,
 * which it grows to in a process that allocates fast with a larger heap:
 * loading the OpenTelemetry SDK and exporters is enough). Faultline's rows
 * move by a few tens of ns. The likely cause is the cache: this machine has
 * 2 MB of L2 per core, and code that allocates more per call walks more of
 * a nursery that no longer fits. In one process V8 picks the size by
 * itself, so the verdict of a target against cockatiel used to depend on
 * the run (≈ +290 ns in earlier sessions, ≈ +600 ns on 2026-12-08, no code
 * change). Pinning both sizes and checking the targets in each makes the
 * verdict a property of the code.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Measurement } from '../../lib/interleave.js';
import type { Section } from './paths.js';

export interface Nursery {
  readonly key: string;
  readonly title: string;
  /** The V8 flag that pins the size, passed to the child process. */
  readonly flag: string;
}

export const NURSERIES: readonly Nursery[] = [
  { key: 'nursery ≤ 4 MB', title: 'V8 semi-spaces ≤ 4 MB', flag: '--max-semi-space-size=4' },
  { key: 'nursery 16 MB', title: 'V8 semi-spaces 16 MB (its maximum)', flag: '--min-semi-space-size=16' },
];

/** Whether `section` is measured once per nursery size in child processes (the sections the overhead and timeout targets read). */
export function isPinned(section: Section): boolean {
  return section.path === 'success';
}

/** Where the measurements of a pinned section in one nursery size are kept (`success/serial · nursery ≤ 4 MB`). */
export function pinnedKey(sectionKey: string, nursery: Nursery): string {
  return `${sectionKey} · ${nursery.key}`;
}

/** What the child process prints on stdout. */
export interface NurseryReport {
  /** Largest size of V8's new space (both semi-spaces) seen after a section, in bytes. */
  readonly newSpaceBytes: number;
  /** Measurements by section key (`success/serial`, …). */
  readonly sections: Record<string, Measurement[]>;
}

/** What the parent asks the child to measure. */
export interface NurseryRequest {
  readonly sections: readonly string[];
  readonly quick: boolean;
  readonly asyncLocalStorage: boolean;
}

const CHILD = fileURLToPath(new URL('./nurseryChild.ts', import.meta.url));

/**
 * Runs `request` in a child node process with `nursery.flag`, with the same
 * module resolution as this process (`--conditions=source --import tsx`
 * come from `process.execArgv`). The child's progress goes to our stderr.
 */
export function measureInNursery(nursery: Nursery, request: NurseryRequest): Promise<NurseryReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [nursery.flag, ...process.execArgv, CHILD, JSON.stringify(request)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) {
        reject(new Error(`bench child (${nursery.flag}) exited with ${code}`));
        return;
      }
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as NurseryReport);
      } catch (error) {
        reject(new Error(`bench child (${nursery.flag}) printed no report: ${String(error)}`));
      }
    });
  });
}
