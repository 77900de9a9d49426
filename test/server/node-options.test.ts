/** The server's Node options: accepted in NODE_OPTIONS, and the same in the image, `npm start` and the list. */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { SERVER_NODE_OPTIONS } from '../../src/server/node-options.js';
import { REPO_ROOT as REPO } from '../helpers/paths.js';

describe('server Node options', () => {
  it('are accepted in NODE_OPTIONS and enlarge the young generation', () => {
    // Node exits with 9 on an option it does not allow in NODE_OPTIONS; the new space must grow past the default's.
    const probe = `const v8 = require('node:v8'); const keep = []; for (let i = 0; i < 2e6; i++) { keep.push({ i }); if (keep.length > 3e5) keep.length = 0; }
      process.stdout.write(String(v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size));`;
    const run = (nodeOptions: string): number => {
      const r = spawnSync(process.execPath, ['-e', probe], {
        env: { ...process.env, NODE_OPTIONS: nodeOptions },
        encoding: 'utf8',
      });
      assert.equal(r.status, 0, r.stderr);
      return Number(r.stdout);
    };
    const withOptions = run(SERVER_NODE_OPTIONS.join(' '));
    const without = run('');
    assert.ok(withOptions > without, `new space ${withOptions} bytes with ${SERVER_NODE_OPTIONS.join(' ')}, ${without} without`);
  });

  it('are what the image and npm start run the server with', () => {
    const dockerfile = readFileSync(join(REPO, 'deploy', 'Dockerfile'), 'utf8');
    const set = /NODE_OPTIONS="([^"]*)"/.exec(dockerfile);
    assert.ok(set !== null, 'deploy/Dockerfile sets no NODE_OPTIONS');
    assert.deepEqual(set[1].split(' '), [...SERVER_NODE_OPTIONS]);
    const start = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts
      .start;
    assert.ok(start.startsWith(`node ${SERVER_NODE_OPTIONS.join(' ')} bin/fraudlens.js serve`), `npm start is: ${start}`);
  });
});
