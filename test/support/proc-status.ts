import { readFileSync, writeFileSync } from 'node:fs';

/** A process's resident memory, from `/proc/<pid>/status`, in MiB. */
export interface ResidentMemory {
  /** `VmRSS`: resident now. */
  rssMiB: number;
  /** `VmHWM`: the peak resident size since the process started. */
  peakMiB: number;
}

function field(status: string, name: string): number {
  const match = new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(status);
  if (!match) throw new Error(`no ${name} in /proc status`);
  return Number(match[1]) / 1024;
}

/** Reads `VmRSS` and `VmHWM` of `pid` (Linux only). */
export function residentMemory(pid: number): ResidentMemory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return { rssMiB: field(status, 'VmRSS'), peakMiB: field(status, 'VmHWM') };
}

/** Starts `VmHWM` again from the current RSS (`clear_refs` 5), for the peak of what follows. */
export function resetPeak(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}
