/**
 * What the end-to-end tests stand on: a real `fraudlens serve` with the demo model on a free
 * port, the built dashboard, Debian's Chromium driven by playwright-core (never a downloaded
 * browser), and `fraudlens simulate`.
 *
 * The dashboard is opened from the API's own origin when the server serves it at `/`; otherwise
 * from a small static server of the test's own, pointed at the API with `?api_url=` (the API then
 * allows that origin through FRAUDLENS_CORS_ORIGINS). Either way the pages talk to the real API.
 *
 * FRAUDLENS_DIST selects the compiled fraudlens (default: the repository's dist/).
 */

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { chromium, type Browser, type Page } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
/** dashboard/ (this file runs from a compiled copy, so look for the package by name). */
export const DASHBOARD_DIR = findUp(
  here,
  (d) => existsSync(join(d, 'package.json')) && readFileSync(join(d, 'package.json'), 'utf8').includes('"fraudlens-dashboard"'),
);
export const REPO_ROOT = resolve(DASHBOARD_DIR, '..');
export const FRAUDLENS_DIST = resolve(process.env.FRAUDLENS_DIST ?? join(REPO_ROOT, 'dist'));
export const CLI = join(FRAUDLENS_DIST, 'src', 'cli', 'entry.js');
export const DEMO_MODEL = join(REPO_ROOT, 'models', 'demo', 'model.json');
/** A model with feature definitions: it takes raw transactions (fixtures/features/README.md). */
export const RAW_MODEL = join(REPO_ROOT, 'fixtures', 'features', 'model.json');
/** The model of precomputed features (the demo before it took raw transactions) and its hold-out: fixtures/README.md. */
export const PRECOMPUTED_MODEL = join(REPO_ROOT, 'fixtures', 'precomputed', 'model.json');
export const PRECOMPUTED_HOLDOUT = join(REPO_ROOT, 'fixtures', 'precomputed', 'holdout.csv.gz');
export const SCREENSHOTS = join(REPO_ROOT, 'docs', 'screenshots');
const DASHBOARD_BUILD = join(DASHBOARD_DIR, 'dist');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function findUp(start: string, test: (dir: string) => boolean): string {
  let dir = start;
  while (!test(dir)) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no dashboard package above ${start}`);
    dir = up;
  }
  return dir;
}

/** Fails early, with what to do, when something the tests need is missing. */
export function checkPrerequisites(): void {
  if (!existsSync(CLI))
    throw new Error(`no compiled fraudlens CLI at ${CLI}: run \`npm run build\` at the repository root (or set FRAUDLENS_DIST)`);
  if (!existsSync(join(DASHBOARD_BUILD, 'index.html')))
    throw new Error(`no dashboard build at ${DASHBOARD_BUILD}: run \`npm run build\` in dashboard/`);
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium`);
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const s = createNetServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      s.close(() => resolvePort(port));
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it returns a value other than undefined, or fails after `attempts`. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  attempts = 100,
  everyMs = 200,
): Promise<T> {
  let last: unknown;
  for (let i = 0; i < attempts; i++) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    await sleep(everyMs);
  }
  throw new Error(`gave up waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

export interface RunningApi {
  url: string;
  process: ChildProcess;
  /** Everything the server wrote on stderr (shown when a test fails). */
  output: () => string;
  stop: () => Promise<void>;
}

/** The test process's environment without settings that would change the server under test. */
function serverEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env))
    if (
      key === 'API_KEY' ||
      key === 'MODEL_PATH' ||
      key.startsWith('FRAUDLENS_') ||
      key.startsWith('REDIS_') ||
      key === 'LOGGING_HANDLER'
    )
      delete env[key];
  return env;
}

/** Starts `fraudlens serve` with `model` (the demo model by default) on a free port and waits for /health. */
export async function startApi(extraEnv: Record<string, string> = {}, model = DEMO_MODEL): Promise<RunningApi> {
  const port = await freePort();
  let output = '';
  const child = spawn(
    process.execPath,
    [CLI, 'serve', '--host', '127.0.0.1', '--port', String(port), '--model', model, '--log-level', 'warn'],
    {
      cwd: REPO_ROOT,
      env: { ...serverEnv(), ...extraEnv },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  await eventually(
    `fraudlens serve on ${url}`,
    async () => {
      if (child.exitCode !== null) throw new Error(`fraudlens serve exited with ${child.exitCode}: ${output}`);
      const res = await fetch(`${url}/health`);
      return res.ok ? true : undefined;
    },
    150,
    200,
  );
  return {
    url,
    process: child,
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const killed = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]);
      if (!killed) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/**
 * The Content-Security-Policy the dashboard is tested under: nothing inline, nothing from other
 * origins except API calls (the API may live elsewhere, see ?api_url=). A server that serves the
 * dashboard can send the same header on its pages.
 */
export const DASHBOARD_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self' http: https:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** Serves the dashboard build on a free port (for an API that does not serve it itself). */
export async function startStatic(): Promise<{ origin: string; server: Server }> {
  const port = await freePort();
  const server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]);
    const file = normalize(join(DASHBOARD_BUILD, path === '/' ? 'index.html' : path));
    if (!file.startsWith(DASHBOARD_BUILD) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    res
      .writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'content-security-policy': DASHBOARD_CSP,
      })
      .end(readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  return { origin: `http://127.0.0.1:${port}`, server };
}

export interface Stack {
  api: RunningApi;
  /** Where the dashboard is opened (with ?api_url= when it is not served by the API). */
  dashboardUrl: string;
  servedByApi: boolean;
  stop: () => Promise<void>;
}

/** The API and a way to open the dashboard against it. */
export async function startStack(extraEnv: Record<string, string> = {}, model = DEMO_MODEL): Promise<Stack> {
  const statik = await startStatic();
  const api = await startApi({ FRAUDLENS_CORS_ORIGINS: statik.origin, ...extraEnv }, model);
  const root = await fetch(`${api.url}/`).then(
    async (r) => (r.ok ? await r.text() : ''),
    () => '',
  );
  const servedByApi = root.includes('id="root"');
  return {
    api,
    servedByApi,
    dashboardUrl: servedByApi ? `${api.url}/` : `${statik.origin}/?api_url=${encodeURIComponent(api.url)}`,
    async stop() {
      await api.stop();
      await new Promise<void>((r) => statik.server.close(() => r()));
    },
  };
}

/** Debian's Chromium, headless, without any network of its own. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A laptop-sized page that records console errors and failed requests. */
export async function openPage(browser: Browser): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 860 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  return { page, problems };
}

/** The dashboard URL for a page, e.g. route('#/monitoring'). */
export function pageUrl(stack: Stack, hash: string): string {
  return `${stack.dashboardUrl}${hash}`;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

export interface SimulateResult {
  status: number;
  stdout: string;
  stderr: string;
}

function simulateRegistered(): boolean {
  // The root help lists the commands; an unknown command's --help would print it too.
  const r = spawnSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' });
  return r.status === 0 && /^\s+simulate\b/m.test(r.stdout);
}

/**
 * Runs `fraudlens simulate ARGS`: the CLI's own command when main.ts registers it, otherwise the
 * same command module mounted on a fresh commander program in a child process.
 */
export async function runSimulate(args: string[], env: Record<string, string> = {}): Promise<SimulateResult> {
  const direct = simulateRegistered();
  const modulePath = pathToFileURL(join(FRAUDLENS_DIST, 'src', 'cli', 'commands', 'simulate.js')).href;
  const commanderPath = pathToFileURL(join(REPO_ROOT, 'node_modules', 'commander', 'esm.mjs')).href;
  const mount = [
    `import { Command } from ${JSON.stringify(commanderPath)};`,
    `import { registerSimulate } from ${JSON.stringify(modulePath)};`,
    "const program = new Command('fraudlens').exitOverride();",
    'registerSimulate(program);',
    'try { await program.parseAsync(process.argv.slice(1), { from: "user" }); }',
    'catch (e) { process.stderr.write(`fraudlens: error ${e.code}: ${e.message}\\n`); process.exitCode = 2; }',
  ].join('\n');
  const argv = direct ? [CLI, 'simulate', ...args] : ['--input-type=module', '-e', mount, 'simulate', ...args];
  return new Promise((resolveRun) => {
    const child = spawn(process.execPath, argv, {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('exit', (code) => resolveRun({ status: code ?? -1, stdout, stderr }));
  });
}
