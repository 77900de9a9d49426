/**
 * Helpers of the deployment tests: real API processes from the compiled CLI, Debian binaries
 * (nginx, prometheus, docker-compose) found or reported missing, the shipped configuration files
 * rewritten to this test's ports, and small HTTP and Prometheus-text utilities.
 *
 * Everything listens on 127.0.0.1 on ports chosen free at the time; every process a helper starts
 * is killed when the test process exits, so a failed assertion leaves nothing behind.
 */

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { accessSync, constants, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { freePort, waitUntil } from '../helpers/redis-server.js';

export { freePort, waitUntil };

const HERE = dirname(fileURLToPath(import.meta.url));

/**
 * The repository root: the nearest directory above this file with deploy/Dockerfile (so a build
 * placed outside the repository, with --outDir, falls back to the working directory).
 */
export const REPO = (() => {
  let dir = HERE;
  for (;;) {
    if (existsSync(join(dir, 'deploy', 'Dockerfile')) && existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
})();

export const deployPath = (...parts: string[]): string => join(REPO, 'deploy', ...parts);

/** The compiled CLI next to these compiled tests (dist/test/deploy → dist/src/cli/entry.js). */
export const API_ENTRY = resolve(HERE, '..', '..', 'src', 'cli', 'entry.js');
export const MODEL_PATH = join(REPO, 'models', 'demo', 'model.json');

/** Absolute path of an executable on PATH or in the sbin directories (nginx lives in /usr/sbin). */
export function which(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin'];
  for (const dir of dirs) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * A skip reason when a binary is missing (for `test(name, { skip })`), naming the Debian package
 * that provides it; false when everything is there.
 */
export function missing(binaries: Record<string, string>): string | false {
  const absent = Object.entries(binaries).filter(([bin]) => which(bin) === undefined);
  if (absent.length === 0) return false;
  return `needs ${absent.map(([bin, pkg]) => `${bin} (Debian package ${pkg})`).join(', ')}: apt-get install ${absent.map(([, pkg]) => pkg).join(' ')}`;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `fraudlens-${prefix}-`));
}

const live = new Set<Proc>();
process.on('exit', () => {
  for (const proc of live) proc.killAll();
});

/**
 * A child process whose output is kept (the last 64 kB) for failure messages. It leads its own
 * process group, so `killAll` also ends what it started (a supervisor's children), which would
 * otherwise outlive it and hold its output pipes open.
 */
export class Proc {
  readonly child: ChildProcess;
  output = '';
  private readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(command: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}) {
    this.child = spawn(command, args, { env: options.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    live.add(this);
    const keep = (chunk: Buffer): void => {
      this.output = (this.output + chunk.toString('utf8')).slice(-65_536);
    };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    this.exit = once(this.child, 'exit').then(([code, signal]) => ({
      code: code as number | null,
      signal: signal as NodeJS.Signals | null,
    }));
  }

  /** SIGKILL to the whole process group (the process and everything it started). */
  killAll(): void {
    live.delete(this);
    try {
      if (this.child.pid !== undefined) process.kill(-this.child.pid, 'SIGKILL');
    } catch {
      // the group is already gone
    }
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error('process did not start');
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves with the exit code and signal; rejects after `timeoutMs`. */
  async exited(timeoutMs = 20_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`process ${this.child.pid} still running after ${timeoutMs} ms:\n${this.output}`)),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([this.exit, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Sends `signal` and waits for the exit (SIGKILL after `timeoutMs`). */
  async stop(
    signal: NodeJS.Signals = 'SIGTERM',
    timeoutMs = 15_000,
  ): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (!this.running) return this.exit;
    this.child.kill(signal);
    try {
      return await this.exited(timeoutMs);
    } catch {
      this.killAll();
      return this.exit;
    }
  }
}

/** The environment a child API gets: no inherited settings, only these (and PATH/HOME). */
export function apiEnv(settings: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    API_HOST: '127.0.0.1',
    MODEL_PATH,
    LOG_LEVEL: 'warn',
    ...settings,
  };
}

export interface ApiProcess {
  proc: Proc;
  port: number;
  url: string;
}

/** Resolves once GET url/health answers 200, or rejects (with the process output) after the timeout. */
export async function waitHealthy(url: string, proc?: Proc, timeoutMs = 30_000): Promise<void> {
  await waitUntil(
    async () => {
      if (proc !== undefined && !proc.running) throw new Error(`exited before it was healthy:\n${proc.output}`);
      const r = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) });
      await r.arrayBuffer();
      return r.status === 200;
    },
    { timeoutMs, intervalMs: 50, message: `${url}/health did not answer 200` },
  );
}

/** Starts `fraudlens serve` from the compiled CLI on a free port and waits until it is healthy. */
export async function startApi(settings: Record<string, string> = {}): Promise<ApiProcess> {
  const port = await freePort();
  // The working directory holds no .env file, so only the settings given here apply.
  const proc = new Proc(process.execPath, [API_ENTRY, 'serve'], {
    env: apiEnv({ API_PORT: String(port), ...settings }),
    cwd: tempDir('api'),
  });
  const url = `http://127.0.0.1:${port}`;
  await waitHealthy(url, proc);
  return { proc, port, url };
}

/** A transaction for the demo model: every feature present (numeric: its training mean). */
export function sampleTransaction(variant = 0): Record<string, number | string> {
  // The demo model takes raw transactions: a hold-out one (bench/demo-request.json), with an id
  // and amount of its own per variant.
  const tx = JSON.parse(readFileSync(join(REPO, 'bench', 'demo-request.json'), 'utf8')) as Record<string, number | string>;
  return { ...tx, trans_num: `${tx.trans_num}-${variant}`, amt: Number(tx.amt) * (1 + (variant % 7) / 10) };
}

export async function postJson(
  url: string,
  body: unknown,
  timeoutMs = 10_000,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

export async function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const r = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

/**
 * Sum of the samples of one metric in Prometheus text format whose labels include `labels`.
 * @example metricSum(text, 'fraudlens_predictions_total') // all decisions together
 */
export function metricSum(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (m === null || m[1] !== name) continue;
    const given = m[2] ?? '';
    if (!Object.entries(labels).every(([k, v]) => given.includes(`${k}="${v}"`))) continue;
    sum += Number(m[3]);
  }
  return sum;
}

/**
 * Parses YAML with the `yaml` package when it is installed (it comes with @fastify/swagger), else
 * with Debian's python3-yaml. Both give plain data.
 */
export async function parseYaml(text: string): Promise<unknown> {
  try {
    const name = 'yaml';
    const mod = (await import(name)) as { parse(source: string): unknown };
    return mod.parse(text);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw e;
  }
  const r = spawnSync('python3', ['-c', 'import sys, json, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)'], {
    input: text,
    encoding: 'utf8',
  });
  if (r.status !== 0)
    throw new Error(
      `no YAML parser: neither the yaml package nor python3 with PyYAML (Debian python3-yaml) is available: ${r.stderr}`,
    );
  return JSON.parse(r.stdout) as unknown;
}

/** Runs a command to completion; returns its status and output. */
export function run(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {},
): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(command, args, {
    cwd: options.cwd ?? REPO,
    env: options.env ?? process.env,
    input: options.input,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}
