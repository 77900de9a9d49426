/**
 * `fraudlens state load --defs F --data history.csv[.gz] [--redis URL] [--key-prefix P] [--sort]`: warms
 * the entity state of derived features from history (docs/features.md, "Entity state").
 */

import type { Command } from 'commander';
import { loadDefinitionsFile } from '../../io/feature-definitions-file.js';
import { DEFAULT_ENTITY_STATE_KEY_PREFIX } from '../../storage/index.js';
import { loadEntityState } from '../state-load.js';
import { csvReadOptions, delimiterOption, type DelimiterFlag } from '../options.js';

interface StateLoadFlags extends DelimiterFlag {
  defs: string;
  data: string;
  redis?: string;
  keyPrefix: string;
  sort?: boolean;
  json?: boolean;
}

export function registerState(program: Command): void {
  const state = program.command('state').description('entity state of derived features (per card, merchant, ...)');
  state
    .command('load')
    .description('warm the entity state from history, so a new deployment does not start with every card looking new')
    .requiredOption('--defs <file>', 'feature definitions (YAML or JSON; those of the served model)')
    .requiredOption('--data <file>', 'raw history: CSV or CSV.gz with a header, sorted by event time')
    .option('--redis <url>', 'write the states to this Redis (redis://host:port); without it they are only computed and counted')
    .option(
      '--key-prefix <prefix>',
      'prefix of the Redis keys (FRAUDLENS_ENTITY_STATE_REDIS_PREFIX)',
      DEFAULT_ENTITY_STATE_KEY_PREFIX,
    )
    .option('--sort', 'sort the file by event time in memory instead of refusing it when unsorted (memory grows with the file)')
    .option('--json', 'print the summary as one JSON object')
    .addOption(delimiterOption())
    .action(async (flags: StateLoadFlags) => {
      const defs = await loadDefinitionsFile(flags.defs);
      const s = await loadEntityState(defs, {
        data: flags.data,
        csv: csvReadOptions(flags),
        redisUrl: flags.redis,
        redisKeyPrefix: flags.keyPrefix,
        sort: flags.sort,
      });
      const eventsPerSecond = Math.round(s.events / Math.max(s.replaySeconds, 1e-9));
      const statesPerSecond = Math.round(s.written / Math.max(s.writeSeconds, 1e-9));
      if (flags.json) {
        process.stdout.write(
          `${JSON.stringify({
            events: s.events,
            duplicates: s.duplicates,
            entities: s.entities,
            replay_seconds: s.replaySeconds,
            events_per_second: eventsPerSecond,
            written: s.written,
            write_seconds: s.writeSeconds,
            states_per_second: s.written > 0 ? statesPerSecond : 0,
            ...(s.namespace !== undefined ? { namespace: s.namespace } : {}),
          })}\n`,
        );
        return;
      }
      const entities = Object.entries(s.entities)
        .map(([name, n]) => `${n} ${name}`)
        .join(', ');
      process.stdout.write(
        `replayed ${s.events} events in ${s.replaySeconds.toFixed(2)} s (${eventsPerSecond} events/s)` +
          `${s.duplicates > 0 ? `, ${s.duplicates} duplicate ids counted once` : ''}; entities: ${entities || 'none'}\n`,
      );
      if (s.namespace !== undefined)
        process.stdout.write(
          `wrote ${s.written} entity states to Redis under ${s.namespace} in ${s.writeSeconds.toFixed(2)} s (${statesPerSecond} states/s)\n`,
        );
    });
}
