/**
 * The real dashboard server as a child process (the test suite's
 * `startDashboard`, API only), plus what the benchmarks read from the outside:
 * its pid, resident set size and `/api/health`.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { type RunningDashboard, type StartOptions, startDashboard } from '../../../test/support/dashboard.js';

export interface BenchDashboard extends RunningDashboard {
  readonly pid: number;
}

/** Pids of this process's children running the dashboard (`server/main.ts`). */
function dashboardChildren(): number[] {
  const out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((line) => line.includes('server/main.ts'))
    .map((line) => Number.parseInt(line.trim(), 10));
}

/**
 * `startDashboard` spawns `node --import tsx server/main.ts` as a direct child
 * of this process but does not hand out its pid: find it among our children,
 * as the one that was not there before (dashboards are started one at a time).
 */
export async function startBenchDashboard(
  env: Record<string, string> = {},
  options: Pick<StartOptions, 'databaseUrl'> = {},
): Promise<BenchDashboard> {
  const before = new Set(dashboardChildren());
  const running = await startDashboard({ ui: false, env, ...options });
  const pids = dashboardChildren().filter((pid) => !before.has(pid));
  if (pids.length !== 1) {
    await running.stop();
    throw new Error(`expected one new dashboard child process, found ${pids.length}`);
  }
  return Object.assign(running, { pid: pids[0]! });
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

/** CPU time of the whole machine so far, in seconds summed over its cores: busy (not idle nor waiting for I/O) and total (Linux `/proc/stat`). */
export function machineCpuSeconds(): { readonly busy: number; readonly total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already counted in user).
  const total = fields.slice(0, 8).reduce((sum, value) => sum + value, 0);
  const idle = fields[3]! + fields[4]!;
  return { busy: (total - idle) / 100, total: total / 100 };
}

export interface Health {
  readonly status: string;
  readonly ingestQueueDepth: number;
  /** Acknowledged requests not yet in the database (null when the journal is off). */
  readonly ingestJournalBytes: number | null;
}

export async function health(url: string): Promise<Health> {
  const res = await fetch(`${url}/api/health`);
  return (await res.json()) as Health;
}
