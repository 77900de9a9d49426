/**
 * Static checks of the deployment files, with the real tools where Debian has them: both compose
 * files through `docker compose config` (or docker-compose), the nginx server blocks through
 * `nginx -t`, prometheus.yml through `promtool check config`, the CI workflow and the Grafana
 * dashboard as data; plus the properties the deployment promises (healthchecks, limits, read-only
 * config mounts, log rotation, non-root image) read from the files themselves.
 */

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import { startRedisServer } from '../helpers/redis-server.js';
import { writeNginxConfig, nginxBinary } from './configs.js';
import { deployPath, missing, parseYaml, postJson, REPO, run, sampleTransaction, startApi, tempDir, which } from './helpers.js';

type Service = {
  image?: string;
  build?: unknown;
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  logging?: { driver: string; options: Record<string, string> };
  restart?: string;
  deploy?: { resources?: { limits?: Record<string, string> } };
  environment?: Record<string, string>;
  command?: string[];
  secrets?: string[];
  networks?: string[];
  container_name?: string;
  profiles?: string[];
};
type Compose = {
  services: Record<string, Service>;
  networks: Record<string, { internal?: boolean }>;
  secrets?: Record<string, { file: string }>;
};

async function compose(file: string): Promise<Compose> {
  return (await parseYaml(readFileSync(deployPath(file), 'utf8'))) as Compose;
}

/** `docker compose` when the plugin is there, else docker-compose; undefined when neither is. */
function composeCommand(): string[] | undefined {
  if (which('docker') !== undefined && run('docker', ['compose', 'version']).status === 0) return ['docker', 'compose'];
  if (which('docker-compose') !== undefined) return ['docker-compose'];
  return undefined;
}

const noCompose =
  composeCommand() === undefined ? 'needs docker compose or docker-compose (Debian package docker-compose)' : false;

describe('compose files', () => {
  for (const file of ['docker-compose.yml', 'docker-compose.prod.yml']) {
    test(`${file} is valid for Compose`, { skip: noCompose }, () => {
      const [cmd, ...args] = composeCommand()!;
      const r = run(cmd, [...args, '-p', 'fraudlens', '-f', deployPath(file), 'config', '--quiet']);
      assert.equal(r.status, 0, `${cmd} ${args.join(' ')} config rejected ${file}:\n${r.stderr}`);
    });
  }

  test('development: scalable API, Redis 7 with memory bound and AOF, nginx and Prometheus after healthy APIs', async () => {
    const c = await compose('docker-compose.yml');
    const { api, redis, nginx, prometheus } = c.services;
    // --scale api=3 needs no fixed name and no host port on the replicas.
    assert.equal(api.container_name, undefined);
    assert.equal(api.ports, undefined);
    assert.ok(api.healthcheck?.test.join(' ').includes('/health'));
    assert.match(api.environment?.DATABASE_URL ?? '', /^postgres:\/\/fraudlens:[^@]+@postgres:5432\/fraudlens$/);
    assert.match(redis.image ?? '', /^redis:7/);
    const redisCmd = (redis.command ?? []).join(' ');
    assert.match(redisCmd, /--maxmemory 256mb/);
    assert.match(redisCmd, /--maxmemory-policy allkeys-lru/);
    assert.match(redisCmd, /--appendonly yes/);
    assert.ok(
      redis.volumes?.some((v) => v.endsWith(':/data')),
      'Redis keeps its append-only file on a volume',
    );
    assert.equal(nginx.depends_on?.api.condition, 'service_healthy');
    assert.equal(prometheus.depends_on?.api.condition, 'service_healthy');
    assert.equal(c.networks.backend.internal, true);
  });

  for (const file of ['docker-compose.yml', 'docker-compose.prod.yml']) {
    test(`${file}: PostgreSQL is the decision store of every replica, with a volume and a health check`, async () => {
      const c = await compose(file);
      const { api, postgres } = c.services;
      // DATABASE_URL (or its secret file) selects the store; Redis keeps drift and rate limits shared.
      assert.equal(api.environment?.LOGGING_HANDLER, undefined, 'no other store is named beside DATABASE_URL');
      assert.ok(api.environment?.DATABASE_URL ?? api.environment?.DATABASE_URL_FILE, 'the API gets the database URL');
      assert.equal(api.environment?.FRAUDLENS_DRIFT_BACKEND, 'redis');
      assert.equal(api.environment?.FRAUDLENS_RATE_LIMIT_STORE, 'redis');
      assert.equal(api.depends_on?.redis.condition, 'service_healthy');
      assert.equal(api.depends_on?.postgres.condition, 'service_healthy', 'the API starts after PostgreSQL answers');
      assert.match(postgres.image ?? '', /^postgres:16/);
      assert.equal(postgres.environment?.POSTGRES_USER, 'fraudlens');
      assert.equal(postgres.environment?.POSTGRES_DB, 'fraudlens');
      assert.deepEqual(postgres.healthcheck?.test, ['CMD', 'pg_isready', '-U', 'fraudlens', '-d', 'fraudlens']);
      assert.ok(
        postgres.volumes?.some((v) => /^postgres-data:\/var\/lib\/postgresql\/data$/.test(v)),
        'PostgreSQL keeps its data on a named volume',
      );
      assert.ok(postgres.networks?.includes('backend'), 'on the network of the API');
    });
  }

  test('production: restart always, limits, no Redis port, API key as a secret', async () => {
    const c = await compose('docker-compose.prod.yml');
    for (const [name, s] of Object.entries(c.services)) {
      assert.equal(s.restart, 'always', `${name} restarts always`);
      assert.ok(s.deploy?.resources?.limits?.memory, `${name} has a memory limit`);
      assert.ok(s.deploy?.resources?.limits?.cpus, `${name} has a CPU limit`);
    }
    assert.equal(c.services.redis.ports, undefined, 'Redis publishes no port');
    assert.deepEqual(c.services.redis.networks, ['backend']);
    assert.equal(c.services.postgres.ports, undefined, 'PostgreSQL publishes no port');
    assert.deepEqual(c.services.postgres.networks, ['backend']);
    // Passwords only in secret files: the API's URL through the entry point, PostgreSQL's own _FILE.
    assert.equal(c.services.api.environment?.DATABASE_URL, undefined, 'the database URL is not in the compose file');
    assert.equal(c.services.api.environment?.DATABASE_URL_FILE, '/run/secrets/database_url');
    assert.equal(c.services.postgres.environment?.POSTGRES_PASSWORD, undefined);
    assert.equal(c.services.postgres.environment?.POSTGRES_PASSWORD_FILE, '/run/secrets/postgres_password');
    assert.deepEqual(c.services.postgres.secrets, ['postgres_password']);
    assert.ok(c.secrets?.database_url.file && c.secrets?.postgres_password.file);
    assert.equal(c.services.api.environment?.API_KEY, undefined, 'the key is not in the compose file');
    assert.equal(c.services.api.environment?.API_KEY_FILE, '/run/secrets/api_key');
    assert.deepEqual(c.services.api.secrets, ['api_key', 'database_url']);
    assert.ok(c.secrets?.api_key.file);
    assert.ok(c.services.nginx.ports?.includes('443:443'));
    assert.ok(c.services.nginx.volumes?.some((v) => v.includes('fraudlens.prod.conf')));
  });

  test('both: every service has healthcheck and rotated logs, config mounts are read-only', async () => {
    for (const file of ['docker-compose.yml', 'docker-compose.prod.yml']) {
      const c = await compose(file);
      for (const [name, s] of Object.entries(c.services)) {
        if (name !== 'grafana') assert.ok(s.healthcheck, `${file}: ${name} has a healthcheck`);
        assert.equal(s.logging?.driver, 'json-file', `${file}: ${name} logs to rotated files`);
        assert.ok(s.logging?.options['max-size'] && s.logging?.options['max-file'], `${file}: ${name} rotates its log`);
        for (const v of s.volumes ?? []) {
          if (v.startsWith('./')) assert.ok(v.endsWith(':ro'), `${file}: ${name} mounts ${v} read-only`);
        }
      }
    }
  });
});

describe('nginx', () => {
  const skip = missing({ nginx: 'nginx', openssl: 'openssl' });

  test('nginx -t accepts the development server block (upstream host rewritten to 127.0.0.1)', { skip }, () => {
    const setup = writeNginxConfig({ upstreamPorts: [18001, 18002, 18003], httpPort: 18080 });
    const r = run(nginxBinary(), ['-t', '-p', setup.dir, '-c', setup.conf, '-e', setup.errorLog]);
    assert.equal(r.status, 0, `nginx -t failed:\n${r.stderr}`);
  });

  test('nginx -t accepts the production (TLS) server block with a certificate in place', { skip }, () => {
    const setup = writeNginxConfig({ file: 'fraudlens.prod.conf', upstreamPorts: [18001], httpPort: 18080, httpsPort: 18443 });
    const certs = join(setup.dir, 'certs');
    mkdirSync(certs, { recursive: true });
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-keyout',
        join(certs, 'privkey.pem'),
        '-out',
        join(certs, 'fullchain.pem'),
      ],
      { stdio: 'ignore' },
    );
    const r = run(nginxBinary(), ['-t', '-p', setup.dir, '-c', setup.conf, '-e', setup.errorLog]);
    assert.equal(r.status, 0, `nginx -t failed:\n${r.stderr}`);
  });
});

describe('prometheus', () => {
  test('promtool accepts deploy/prometheus.yml as shipped', { skip: missing({ promtool: 'prometheus' }) }, () => {
    const r = run('promtool', ['check', 'config', deployPath('prometheus.yml')]);
    assert.equal(r.status, 0, `promtool check config failed:\n${r.stdout}${r.stderr}`);
  });
});

describe('CI workflow', () => {
  test('.github/workflows/ci.yml installs, type-checks, lints and tests on Node 20 and 24 with Redis, and builds the image', async () => {
    const wf = (await parseYaml(readFileSync(join(REPO, '.github', 'workflows', 'ci.yml'), 'utf8'))) as {
      on: unknown;
      jobs: Record<
        string,
        {
          strategy?: { matrix?: { node?: number[] } };
          services?: Record<string, { image: string }>;
          steps: { uses?: string; run?: string }[];
        }
      >;
    };
    assert.ok(wf.on, 'the workflow has triggers');
    const test = Object.values(wf.jobs).find((j) => j.strategy?.matrix?.node !== undefined);
    assert.ok(test, 'a job runs a Node version matrix');
    assert.deepEqual([...test.strategy!.matrix!.node!].sort(), [20, 24]);
    assert.match(test.services?.redis?.image ?? '', /^redis:7/);
    const runs = test.steps.map((s) => s.run ?? '').join('\n');
    for (const step of ['npm ci', 'npm run typecheck', 'npm run lint', 'npm run test'])
      assert.ok(runs.includes(step), `the test job runs ${step}`);
    assert.match(runs, /apt-get install[^\n]*redis-server[^\n]*nginx[^\n]*prometheus/);
    const all = Object.values(wf.jobs).flatMap((j) => j.steps.map((s) => s.run ?? ''));
    assert.ok(
      all.some((r) => r.includes('deploy/verify-image.sh')),
      'a job builds and runs the image',
    );
  });
});

describe('images', () => {
  const dockerfile = readFileSync(deployPath('Dockerfile'), 'utf8');

  test('deploy/Dockerfile: multi-stage on node:24-bookworm-slim, production dependencies only, non-root, health check, volume', () => {
    assert.equal((dockerfile.match(/^FROM /gm) ?? []).length, 2, 'a build stage and a runtime stage');
    assert.match(dockerfile, /^ARG NODE_IMAGE=docker\.io\/library\/node:24-bookworm-slim$/m);
    assert.match(dockerfile, /npm ci --omit=dev --ignore-scripts/);
    assert.match(dockerfile, /^USER node$/m);
    assert.match(dockerfile, /^HEALTHCHECK [\s\S]*\/health/m);
    assert.match(dockerfile, /^VOLUME \["\/app\/models"\]/m);
    assert.match(dockerfile, /^ARG NPM_CONFIG_REGISTRY$/m);
    assert.match(dockerfile, /^ARG NPM_CONFIG_CAFILE$/m);
    assert.doesNotMatch(dockerfile, /https?:\/\/(?!localhost|127\.0\.0\.1)/, 'no registry or other host is named');
  });

  test('deploy/Dockerfile.allinone: Debian PostgreSQL and Redis, no packaged cluster, data in the /data volume', () => {
    const allinone = readFileSync(deployPath('Dockerfile.allinone'), 'utf8');
    assert.match(allinone, /apt-get install -y --no-install-recommends postgresql redis-server/);
    // The package's own cluster would sit outside the volume, unused: switched off before it installs.
    assert.match(allinone, /create_main_cluster = false[\s\S]*apt-get install/);
    assert.match(allinone, /ALLINONE_POSTGRES=on/);
    assert.match(allinone, /POSTGRES_DATA_DIR=\/data\/postgres/);
    assert.match(allinone, /^VOLUME \["\/data"/m);
    // The store without PostgreSQL (the start script sets postgres when it runs one).
    assert.match(allinone, /LOGGING_HANDLER=redis/);
    assert.match(allinone, /^USER node$/m);
    assert.match(allinone, /^ENTRYPOINT \["start-allinone\.sh"\]/m);
  });

  test('.dockerignore keeps build output, dependencies and secrets out of the context', () => {
    const ignored = readFileSync(join(REPO, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim());
    for (const entry of ['.git', '**/node_modules', 'dist', '.env', 'deploy/secrets'])
      assert.ok(ignored.includes(entry), `.dockerignore lists ${entry}`);
  });

  test('shell scripts parse (bash -n / sh -n)', () => {
    for (const script of ['start-allinone.sh', 'verify-image.sh'])
      assert.equal(run('bash', ['-n', deployPath(script)]).status, 0, script);
    assert.equal(run('sh', ['-n', deployPath('docker-entrypoint.sh')]).status, 0);
    assert.equal(run('bash', ['-n', join(REPO, 'scripts', 'node24.sh')]).status, 0);
  });

  test('the entry point turns API_KEY_FILE into API_KEY and refuses both at once', () => {
    const dir = tempDir('secret');
    const keyFile = join(dir, 'api_key');
    execFileSync('sh', ['-c', `printf 'a-key-of-at-least-16-chars\\n' > '${keyFile}'`]);
    const env = { PATH: process.env.PATH, API_KEY_FILE: keyFile };
    const ok = run('sh', [deployPath('docker-entrypoint.sh'), 'sh', '-c', 'printf "%s|%s" "$API_KEY" "${API_KEY_FILE:-unset}"'], {
      env,
    });
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal(ok.stdout, 'a-key-of-at-least-16-chars|unset');
    const both = run('sh', [deployPath('docker-entrypoint.sh'), 'true'], { env: { ...env, API_KEY: 'another-key-16-chars' } });
    assert.equal(both.status, 2);
    assert.match(both.stderr, /both API_KEY and API_KEY_FILE/);
    // The production compose file's database URL (with its password) arrives the same way.
    const urlFile = join(dir, 'database_url');
    execFileSync('sh', ['-c', `printf 'postgres://fraudlens:s3cret@postgres:5432/fraudlens\\n' > '${urlFile}'`]);
    const db = run(
      'sh',
      [deployPath('docker-entrypoint.sh'), 'sh', '-c', 'printf "%s|%s" "$DATABASE_URL" "${DATABASE_URL_FILE:-unset}"'],
      {
        env: { PATH: process.env.PATH, DATABASE_URL_FILE: urlFile },
      },
    );
    assert.equal(db.status, 0, db.stderr);
    assert.equal(db.stdout, 'postgres://fraudlens:s3cret@postgres:5432/fraudlens|unset');
  });
});

describe('Makefile', () => {
  test(
    'has the deployment and local targets, and they expand to the expected commands',
    { skip: missing({ make: 'make' }) },
    () => {
      const targets = [
        'docker-build',
        'docker-up',
        'docker-down',
        'docker-logs',
        'docker-logs-api',
        'docker-logs-redis',
        'test',
        'bench',
        'up',
      ];
      const r = run('make', ['-n', ...targets], { env: { ...process.env, COMPOSE: 'docker compose' } });
      assert.equal(r.status, 0, r.stderr);
      const lines = r.stdout.split('\n');
      assert.ok(
        lines.some((l) => /^docker build -f deploy\/Dockerfile -t fraudlens:latest\s+\.$/.test(l)),
        r.stdout,
      );
      assert.ok(lines.includes('docker compose -p fraudlens -f deploy/docker-compose.yml up -d --build --scale api=3'), r.stdout);
      assert.ok(lines.includes('docker compose -p fraudlens -f deploy/docker-compose.yml down'));
      assert.ok(lines.includes('docker compose -p fraudlens -f deploy/docker-compose.yml logs -f --tail=100 api'));
      assert.ok(lines.includes('docker compose -p fraudlens -f deploy/docker-compose.yml logs -f --tail=100 redis'));
      for (const cmd of ['npm test', 'npm run bench', 'npm ci', 'npm start']) assert.ok(lines.includes(cmd), `make runs ${cmd}`);
    },
  );
});

describe('Grafana dashboard', () => {
  test(
    'deploy/grafana/fraudlens.json queries only metrics a running server exports',
    { skip: missing({ 'redis-server': 'redis-server' }) },
    async () => {
      const dashboard = JSON.parse(readFileSync(deployPath('grafana', 'fraudlens.json'), 'utf8')) as {
        panels: { title: string; targets?: { expr: string }[] }[];
      };
      const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
      assert.ok(exprs.length >= 10, 'the dashboard has its panels');
      // The names come from /metrics of a real server with the Redis prediction log (which adds
      // the Redis metrics) after one prediction.
      const redis = await startRedisServer();
      const api = await startApi({ LOGGING_HANDLER: 'redis', REDIS_URL: redis.url });
      let text: string;
      try {
        assert.equal((await postJson(`${api.url}/predict`, sampleTransaction())).status, 200);
        text = await (await fetch(`${api.url}/metrics`)).text();
      } finally {
        await api.proc.stop('SIGKILL');
        await redis.dispose();
      }
      const exported = new Set<string>();
      for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
        exported.add(name);
        if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) exported.add(name + suffix);
      }
      for (const expr of exprs) {
        for (const [name] of expr.matchAll(/fraudlens_[a-z0-9_]+/g))
          assert.ok(exported.has(name), `a panel queries ${name}, which the server does not export`);
      }
      const titles = dashboard.panels.map((p) => p.title.toLowerCase()).join(' | ');
      for (const word of ['request rate', 'latency', 'decision', 'score', 'redis', 'precision', 'recall', 'labelled share'])
        assert.ok(titles.includes(word), `a panel about ${word}`);
      // Every drift and live-performance metric the server exports has a panel.
      const performance = [...exported].filter((n) => n.startsWith('fraudlens_performance_'));
      assert.ok(performance.length >= 8, `the server exports the performance gauges (${performance.join(', ')})`);
      for (const name of [...exported].filter((n) => n.includes('drift') || n.startsWith('fraudlens_performance_'))) {
        assert.ok(
          exprs.some((e) => e.includes(name)),
          `no panel shows ${name}`,
        );
      }
    },
  );
});
