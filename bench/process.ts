/**
 * What the benches read of the processes they run: a free port to start a server on, and the CPU
 * time a process has used (from /proc, so a server's own CPU is measured, not the loader's).
 */

import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Where the next port of FRAUDLENS_BENCH_PORTS is looked for (each asked once per process, in turn). */
let nextRangePort = 0;

/**
 * A TCP port on 127.0.0.1 free at the time of asking: any, or one of FRAUDLENS_BENCH_PORTS
 * (`FIRST-LAST`, e.g. 19600-19699) on a host whose users share out port ranges.
 */
export async function freePort(): Promise<number> {
  const range = /^(\d+)-(\d+)$/.exec(process.env.FRAUDLENS_BENCH_PORTS ?? '');
  if (range === null) return listenOn(0);
  const [first, last] = [Number(range[1]), Number(range[2])];
  for (let i = 0; i <= last - first; i++) {
    const port = first + ((nextRangePort + i) % (last - first + 1));
    const bound = await listenOn(port).catch(() => undefined);
    if (bound !== undefined) {
      nextRangePort = bound - first + 1;
      return bound;
    }
  }
  throw new Error(`no free port in FRAUDLENS_BENCH_PORTS=${process.env.FRAUDLENS_BENCH_PORTS}`);
}

/** Listens on `port` (0: any) and lets go again; the port it got. */
async function listenOn(port: number): Promise<number> {
  const s = createServer();
  const failed = once(s, 'error');
  s.listen(port, '127.0.0.1');
  await Promise.race([once(s, 'listening'), failed.then(([e]) => Promise.reject(e as Error))]);
  const got = (s.address() as { port: number }).port;
  s.close();
  await once(s, 'close');
  return got;
}

/** CPU time (user + system) a process has used, in clock ticks. */
export function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces): state is the first, utime the 12th, stime the 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

let ticksPerSecond: number | undefined;

/** Clock ticks per second (CLK_TCK), asked once. */
export function clockTicksPerSecond(): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
  return ticksPerSecond;
}

/** CPU time a process has used, in seconds. */
export function cpuSeconds(pid: number): number {
  return cpuTicks(pid) / clockTicksPerSecond();
}
