/**
 * `fraudlens models list|add|promote|rollback|history --registry DIR`: the model registry
 * (docs/registry.md). Each command is one registry call; who made a change is `--by NAME`, else
 * $USER. A running server with FRAUDLENS_REGISTRY=DIR picks a new champion up at its next poll.
 */

import type { Command } from 'commander';

import { FraudlensError } from '../../core/errors.js';
import {
  CHAMPION_ALIAS,
  openModelRegistry,
  type RegistryChange,
  type RegistryModel,
  type RegistrySnapshot,
} from '../../storage/index.js';

interface Common {
  registry: string;
  by?: string;
  json?: boolean;
}

/** Who a change is recorded as: --by, else $USER, else "unknown". */
function who(opts: Common): string {
  return opts.by ?? process.env.USER ?? process.env.USERNAME ?? 'unknown';
}

function registryOption(cmd: Command): Command {
  return cmd.requiredOption('--registry <dir>', 'the registry directory');
}

export function registerModels(program: Command): void {
  const models = program
    .command('models')
    .description('the model registry: versions, aliases, promotion, rollback (docs/registry.md)');

  registryOption(models.command('list').description('versions and aliases'))
    .option('--json', 'print one JSON object')
    .action(async (opts: Common) => {
      const snapshot = await openModelRegistry(opts.registry).snapshot();
      process.stdout.write(opts.json ? `${JSON.stringify(snapshot)}\n` : formatList(snapshot));
    });

  registryOption(models.command('add').description('copy a model (and its rules) into the registry as a new version'))
    .requiredOption('--model <file>', 'the model file (fraudlens or XGBoost JSON)')
    .option('--rules <file>', 'a rules file to store beside it (checked against the model)')
    .option('--version <v>', 'the version (default: v<n>, one past the highest)')
    .option('--alias <name>', 'point this alias at the new version (e.g. champion)')
    .option('--note <text>', 'a note kept with the version')
    .option('--by <name>', 'who adds it (default: $USER)')
    .option('--json', 'print one JSON object')
    .action(async (opts: Common & { model: string; rules?: string; version?: string; alias?: string; note?: string }) => {
      const { model, change } = await openModelRegistry(opts.registry).add({
        modelPath: opts.model,
        ...(opts.rules !== undefined ? { rulesPath: opts.rules } : {}),
        ...(opts.version !== undefined ? { version: opts.version } : {}),
        ...(opts.alias !== undefined ? { alias: opts.alias } : {}),
        ...(opts.note !== undefined ? { note: opts.note } : {}),
        by: who(opts),
      });
      if (opts.json) process.stdout.write(`${JSON.stringify({ model, change })}\n`);
      else
        process.stdout.write(
          `added ${model.version} (sha256 ${model.sha256.slice(0, 12)}, model ${model.model_version})${opts.alias ? `; ${opts.alias} → ${model.version}` : ''}\n`,
        );
    });

  registryOption(models.command('promote').description('point an alias (default champion) at a version'))
    .argument('<version>', 'the version to promote')
    .option('--alias <name>', 'the alias', CHAMPION_ALIAS)
    .option('--by <name>', 'who promotes (default: $USER)')
    .option('--json', 'print the change as JSON')
    .action(async (version: string, opts: Common & { alias: string }) => {
      const change = await openModelRegistry(opts.registry).promote(version, opts.alias, who(opts));
      process.stdout.write(opts.json ? `${JSON.stringify(change)}\n` : `${formatChange(change)}\n`);
    });

  registryOption(
    models.command('rollback').description('point an alias (default champion) back at the version it had before its last change'),
  )
    .option('--alias <name>', 'the alias', CHAMPION_ALIAS)
    .option('--by <name>', 'who rolls back (default: $USER)')
    .option('--json', 'print the change as JSON')
    .action(async (opts: Common & { alias: string }) => {
      const change = await openModelRegistry(opts.registry).rollback(opts.alias, who(opts));
      process.stdout.write(opts.json ? `${JSON.stringify(change)}\n` : `${formatChange(change)}\n`);
    });

  registryOption(models.command('remove-alias').description('remove a challenger alias (servers stop scoring it)'))
    .argument('<alias>', 'the alias to remove (not the champion)')
    .option('--by <name>', 'who removes it (default: $USER)')
    .option('--json', 'print the change as JSON')
    .action(async (alias: string, opts: Common) => {
      const change = await openModelRegistry(opts.registry).removeAlias(alias, who(opts));
      process.stdout.write(opts.json ? `${JSON.stringify(change)}\n` : `${formatChange(change)}\n`);
    });

  registryOption(models.command('history').description('every change, oldest first'))
    .option('--json', 'print a JSON array')
    .action(async (opts: Common) => {
      const history = await openModelRegistry(opts.registry).history();
      process.stdout.write(opts.json ? `${JSON.stringify(history)}\n` : history.map((c) => `${formatChange(c)}\n`).join(''));
    });
}

/** One line per change: `#4 2026-12-03T08:00:00Z carol promote champion: v1 → v2`. */
export function formatChange(c: RegistryChange): string {
  const target =
    c.alias !== null ? `${c.alias}: ${c.from_version ?? '(unset)'} → ${c.to_version ?? '(unset)'}` : `${c.to_version}`;
  return `#${c.sequence} ${c.at} ${c.by} ${c.action} ${target}${c.note !== null ? ` (${c.note})` : ''}`;
}

function formatList(s: RegistrySnapshot): string {
  if (s.models.length === 0) throw new FraudlensError('REGISTRY_INVALID', 'the registry holds no model');
  const byVersion = new Map<string, string[]>();
  for (const [alias, version] of Object.entries(s.aliases)) byVersion.set(version, [...(byVersion.get(version) ?? []), alias]);
  const rows = s.models.map((m: RegistryModel) => [
    m.version,
    (byVersion.get(m.version) ?? []).sort().join(','),
    m.model_version,
    m.sha256.slice(0, 12),
    m.training.metrics.pr_auc !== undefined ? m.training.metrics.pr_auc.toFixed(4) : '',
    m.has_definitions ? 'yes' : 'no',
    m.rules?.version ?? '',
    `${m.added_by} ${m.added_at}`,
    m.note ?? '',
  ]);
  const header = ['version', 'aliases', 'model', 'sha256', 'pr_auc', 'definitions', 'rules', 'added', 'note'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n(sequence ${s.sequence})\n`;
}
