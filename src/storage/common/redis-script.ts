/**
 * A Lua script run on Redis by its SHA-1 (EVALSHA), with EVAL as the fallback when the server does
 * not know it yet (a restarted server has an empty script cache). Shared by the stores that need
 * a read-then-write to be atomic on the server.
 */

import { createHash } from 'node:crypto';

import type { RedisConnection } from './redis-connection.js';

export class RedisScript {
  readonly sha: string;
  constructor(readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(connection: RedisConnection, keys: readonly string[], args: readonly string[]): Promise<unknown> {
    const client = connection.client;
    // One array of arguments, passed as such: spread, it was copied again by each ioredis layer
    // (one call per transaction on the request path).
    const argv: (string | number)[] = [this.sha, keys.length, ...keys, ...args];
    try {
      return await client.call('evalsha', argv);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      argv[0] = this.source;
      return client.call('eval', argv);
    }
  }
}
