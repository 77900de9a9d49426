/**
 * Caching: no response that holds request data (predictions, prediction records, drift
 * baselines) or live state (health, model) may be stored by a browser or proxy cache.
 */

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { buildApp } from '../../src/server/app.js';
import { loadConfig } from '../../src/server/config.js';
import { createDriftPlugin, DRIFT_SETTINGS } from '../../src/server/drift/plugin.js';
import { readModelFile } from '../../src/io/model-file.js';
import { REPO_ROOT } from '../helpers/paths.js';
import type { TestApp } from './helpers.js';

const KEY = 'cache-test-key-0123456789';
const DEMO_MODEL = join(REPO_ROOT, 'fixtures', 'precomputed', 'model.json');

describe('Cache-Control', () => {
  let t: TestApp;
  before(async () => {
    const config = loadConfig({
      envFile: null,
      env: { LOG_LEVEL: 'silent', MODEL_PATH: DEMO_MODEL, API_KEY: KEY },
      extraSettings: DRIFT_SETTINGS,
    });
    const app = await buildApp(config, {
      model: await readModelFile(config.modelPath),
      plugins: [createDriftPlugin({ seed: 7 })],
      processMetrics: false,
      dashboardDir: null,
    });
    t = { app, config };
  });
  after(() => t.app.close());

  it('is no-store on predictions, logs, drift baselines, the model and errors', async () => {
    const headers = { 'x-api-key': KEY };
    const transaction = {
      amt: 12.5,
      category: 'grocery_pos',
      gender: 'F',
      city_pop: 1000,
      age: 40,
      hour: 13,
      day_of_week: 2,
      distance_km: 3,
    };
    const responses = {
      predict: await t.app.inject({ method: 'POST', url: '/predict?explain=true', headers, payload: transaction }),
      logs: await t.app.inject({ url: '/logs', headers }),
      baseline: await t.app.inject({ url: '/drift/baseline', headers }),
      model: await t.app.inject({ url: '/model' }),
      health: await t.app.inject({ url: '/health' }),
      refused: await t.app.inject({ url: '/logs' }),
    };
    assert.equal(responses.predict.statusCode, 200, responses.predict.body);
    assert.equal(responses.logs.statusCode, 200, responses.logs.body);
    assert.equal(responses.baseline.statusCode, 200, responses.baseline.body);
    assert.equal(responses.refused.statusCode, 401);
    for (const [name, res] of Object.entries(responses)) assert.equal(res.headers['cache-control'], 'no-store', name);
  });
});
