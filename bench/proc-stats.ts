import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** A process' resident set size, from `/proc/<pid>/status`. */
export function rssKiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]);
}

/** Clock ticks per second, the unit of the CPU times in `/proc/<pid>/stat`. */
export const CLOCK_TICKS_PER_SECOND = readClockTicks();

function readClockTicks(): number {
  try {
    const ticks = Number(execSync('getconf CLK_TCK').toString().trim());
    return ticks > 0 ? ticks : 100;
  } catch {
    return 100;
  }
}

/**
 * The CPU time a process (all its threads) has used so far, user plus system, in
 * clock ticks: fields 14 and 15 of `/proc/<pid>/stat`, counted after the command
 * name, which is in parentheses and may hold spaces.
 */
export function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state), so field n is fields[n - 3].
  return Number(fields[14 - 3]) + Number(fields[15 - 3]);
}
