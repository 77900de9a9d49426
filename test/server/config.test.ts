/** Configuration: names, defaults, precedence, closed schema, frozen result, messages. */

import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { FraudlensError } from '../../src/core/errors.js';
import { DEFAULT_MODEL_PATH, loadConfig, redactConfig, SETTINGS, type ConfigSources } from '../../src/server/config.js';

function configError(sources: ConfigSources, field: string, message: RegExp): void {
  assert.throws(
    () => loadConfig({ envFile: null, ...sources }),
    (e: unknown) => {
      assert.ok(e instanceof FraudlensError, String(e));
      assert.equal(e.code, 'CONFIG_INVALID');
      assert.equal(e.location.field, field);
      assert.match(e.message, message);
      return true;
    },
  );
}

describe('loadConfig', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fraudlens-config-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('has the documented defaults and needs no Redis', () => {
    const c = loadConfig({ env: {}, envFile: null });
    assert.equal(c.port, 8000);
    assert.equal(c.host, '0.0.0.0');
    assert.equal(c.modelPath, DEFAULT_MODEL_PATH);
    assert.equal(c.loggingHandler, 'memory');
    assert.equal(c.logsMaxSize, 5000);
    assert.equal(c.redisUrl, 'redis://localhost:6379/0');
    assert.equal(c.apiKey, null);
    assert.equal(c.workers, 1);
    assert.equal(c.sources.API_PORT, 'default');
    for (const s of SETTINGS) assert.ok(s.reason.length > 20, `${s.key} needs a reason`);
  });

  it('reads the Python names, case-insensitive log level, and builds the Redis URL', () => {
    const c = loadConfig({
      envFile: null,
      env: {
        API_HOST: '127.0.0.1',
        API_PORT: '9001',
        LOG_LEVEL: 'INFO',
        LOGGING_HANDLER: 'redis',
        REDIS_HOST: 'cache',
        REDIS_PORT: '6380',
        REDIS_DB: '2',
        REDIS_LOGS_MAX_SIZE: '100',
        ENV: 'production',
        PATH: '/bin',
      },
    });
    assert.deepEqual(
      [c.host, c.port, c.logLevel, c.loggingHandler, c.logsMaxSize, c.env],
      ['127.0.0.1', 9001, 'info', 'redis', 100, 'production'],
    );
    assert.equal(c.redisUrl, 'redis://cache:6380/2');
    assert.equal(
      loadConfig({ envFile: null, env: { REDIS_URL: 'redis://:pw@r:1/3', REDIS_HOST: 'ignored' } }).redisUrl,
      'redis://:pw@r:1/3',
    );
  });

  it('takes flags over the environment over .env over defaults', async () => {
    const file = join(dir, 'a.env');
    await writeFile(file, 'API_PORT=7001\nFRAUDLENS_BATCH_LIMIT=7\nLOG_LEVEL=warn\nUNRELATED=1\n');
    const c = loadConfig({ envFile: file, env: { LOG_LEVEL: 'debug', API_PORT: '7002' }, flags: { API_PORT: '7003' } });
    assert.equal(c.port, 7003);
    assert.equal(c.logLevel, 'debug');
    assert.equal(c.batchLimit, 7);
    assert.deepEqual([c.sources.API_PORT, c.sources.LOG_LEVEL, c.sources.FRAUDLENS_BATCH_LIMIT], ['flag', 'environment', '.env']);
  });

  it('parses lists and booleans; an empty value means unset', () => {
    const c = loadConfig({
      envFile: null,
      env: {
        FRAUDLENS_PII_FIELDS: ' Amount , Time,',
        FRAUDLENS_DOCS: 'no',
        FRAUDLENS_TRUST_PROXY_HOPS: '1',
        API_KEY: '',
        API_PORT: ' ',
      },
    });
    assert.deepEqual(c.piiFields, ['Amount', 'Time']);
    assert.equal(c.docs, false);
    assert.equal(c.trustProxyHops, 1);
    assert.equal(c.apiKey, null);
    assert.equal(c.port, 8000);
  });

  it('is frozen, deeply', () => {
    const c = loadConfig({ envFile: null, env: { FRAUDLENS_CORS_ORIGINS: 'https://a.example' } });
    assert.ok(Object.isFrozen(c));
    assert.ok(Object.isFrozen(c.corsOrigins));
    assert.throws(() => ((c as { port: number }).port = 1), TypeError);
  });

  it('rejects unknown FRAUDLENS_ names with a suggestion, and ignores other variables', () => {
    configError(
      { env: { FRAUDLENS_BATCH_LIMT: '5' } },
      'FRAUDLENS_BATCH_LIMT',
      /unknown setting FRAUDLENS_BATCH_LIMT \(from the environment\); did you mean FRAUDLENS_BATCH_LIMIT\?/,
    );
    configError(
      { env: { FRAUDLENS_ZZZZZZZZZZZZZZZZZZZZ: '1' } },
      'FRAUDLENS_ZZZZZZZZZZZZZZZZZZZZ',
      /known FRAUDLENS_ settings: /,
    );
    assert.doesNotThrow(() => loadConfig({ envFile: null, env: { FRAUDLENS_DEBUG: '1', HOME: '/root', API_KEYS: 'x' } }));
  });

  it('names the setting, the value and where it came from', () => {
    configError(
      { env: { API_PORT: 'eighty' } },
      'API_PORT',
      /API_PORT must be an integer, got "eighty" \(from the environment\)/,
    );
    configError({ env: { API_PORT: '70000' } }, 'API_PORT', /API_PORT must be <= 65535, got 70000/);
    configError({ flags: { FRAUDLENS_WORKERS: '0' } }, 'FRAUDLENS_WORKERS', /must be >= 1.*flag --workers/);
    configError(
      { env: { LOGGING_HANDLER: 'file' } },
      'LOGGING_HANDLER',
      /must be one of "memory", "stdout", "redis", "postgres", got "file"/,
    );
    configError({ env: { FRAUDLENS_DOCS: 'maybe' } }, 'FRAUDLENS_DOCS', /true or false/);
    configError({ env: { FRAUDLENS_CORS_ORIGINS: 'https://ok.example,not a url' } }, 'FRAUDLENS_CORS_ORIGINS', /\(item 2\)/);
    configError({ env: { REDIS_URL: 'http://x' } }, 'REDIS_URL', /REDIS_URL must match/);
  });

  it('never shows a secret in a message or in the printed config', () => {
    configError(
      { env: { API_KEY: 'short-secret' } },
      'API_KEY',
      /^API_KEY must NOT have fewer than 16 characters, got \(hidden\)/,
    );
    const c = loadConfig({ envFile: null, env: { API_KEY: 's'.repeat(20), REDIS_URL: 'redis://user:hunter2@r:1/0' } });
    const printed = JSON.stringify(redactConfig(c));
    assert.doesNotMatch(printed, /sssss|hunter2/);
  });

  it('reports an unreadable explicit env file; a missing default one is fine', () => {
    configError({ envFile: join(dir, 'absent.env'), env: {} }, 'env-file', /cannot read the env file/);
    assert.doesNotThrow(() => loadConfig({ env: {} }));
  });

  it('validates plugin settings with the same schema and exposes them under extensions', () => {
    const extra = [
      {
        key: 'FRAUDLENS_DRIFT_WINDOW',
        prop: 'driftWindow',
        kind: 'string' as const,
        schema: { enum: ['15m', '1h'] },
        default: '1h',
        reason: 'drift window used when a request does not say',
      },
    ];
    assert.equal(loadConfig({ envFile: null, env: {}, extraSettings: extra }).extensions.driftWindow, '1h');
    assert.equal(
      loadConfig({ envFile: null, env: { FRAUDLENS_DRIFT_WINDOW: '15m' }, extraSettings: extra }).extensions.driftWindow,
      '15m',
    );
    configError({ env: { FRAUDLENS_DRIFT_WINDOW: '2h' }, extraSettings: extra }, 'FRAUDLENS_DRIFT_WINDOW', /must be one of/);
  });
});
