/**
 * The real dashboard server as a child process (the test suite's
 * `startDashboard`, API only), plus what the benchmarks read from the outside:
 * its pid, resident set size and `/api/health`.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { type RunningDashboard, startDashboard } from '../../../test/support/dashboard.js';

export interface BenchDashboard extends RunningDashboard {
  readonly pid: number;
}

/**
 * `startDashboard` spawns `node --import tsx server/main.ts` as a direct child
 * of this process but does not hand out its pid: find it among our children.
 */
function dashboardPid(): number {
  const out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  const pids = out
    .split('\n')
    .filter((line) => line.includes('server/main.ts'))
    .map((line) => Number.parseInt(line.trim(), 10));
  if (pids.length !== 1) throw new Error(`expected one dashboard child process, found ${pids.length}:\n${out}`);
  return pids[0]!;
}

export async function startBenchDashboard(env: Record<string, string> = {}): Promise<BenchDashboard> {
  const running = await startDashboard({ ui: false, env });
  return Object.assign(running, { pid: dashboardPid() });
}

/** Resident set size of a process in bytes (Linux `/proc`), or NaN once it is gone. */
export function rssBytes(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** CPU time (user + system) a process has used so far, in seconds (Linux `/proc`). */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th fields overall.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

export interface Health {
  readonly status: string;
  readonly ingestQueueDepth: number;
}

export async function health(url: string): Promise<Health> {
  const res = await fetch(`${url}/api/health`);
  return (await res.json()) as Health;
}
