import { execSync } from 'node:child_process';
import { cpus, freemem, loadavg, totalmem } from 'node:os';

/** What the benchmark ran on, written beside every result. */
export function describeMachine(): Record<string, string | number> {
  const cpu = cpus();
  let os: string = process.platform;
  try {
    os = execSync('. /etc/os-release && echo "$PRETTY_NAME"', { encoding: 'utf8', shell: '/bin/sh' }).trim();
  } catch {
    // not Linux: the platform name is enough
  }
  return {
    cpu: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    memory_gib: Math.round(totalmem() / 2 ** 30),
    free_memory_gib: Math.round(freemem() / 2 ** 30),
    os,
    node: process.version,
    // Other work on a shared machine skews wall-clock figures; the ratios are what compare.
    load_average_1m: Math.round((loadavg()[0] ?? 0) * 100) / 100,
  };
}
