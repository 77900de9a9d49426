/**
 * GET /performance/comparison: the champion and each challenger on the same labelled
 * transactions (core/performance/comparison.ts computes the figures) from the label store's read
 * of every model's verdict per decision (the deciding model's and the shadow ones).
 */

import { CHAMPION_ALIAS, type ComparisonReport, type ModelComparison } from '../contract/index.js';
import { parseWindow } from '../core/features/definitions.js';
import { compareModels, type ComparedModel } from '../core/performance/comparison.js';
import type { LabelStore } from '../storage/labels/contract.js';
import type { FraudlensContext } from './context.js';

/**
 * The comparison over the decisions made in `window` before now. The models compared are the ones
 * served now (champion, then the challengers in force, in their order); a transaction counts
 * when each of them scored it.
 * @param window `<n>s|m|h|d` or `all` (validated by the route's schema)
 */
export async function comparisonReport(ctx: FraudlensContext, store: LabelStore, window: string): Promise<ComparisonReport> {
  const now = Date.now();
  const span = parseWindow(window) * 1000;
  const since = Number.isFinite(span) ? now - span : undefined;
  const read = await store.labelledVerdicts({ since, until: now });
  const lineup = ctx.challengers.current;
  const served = [
    { alias: CHAMPION_ALIAS, version: ctx.models.current.version },
    ...lineup.challengers.map((c) => ({ alias: c.alias, version: c.model.version })),
  ];
  const width = read.aliases.length;
  const columnOf = served.map((m) => read.aliases.indexOf(m.alias));
  // The rows every served model scored.
  const rows: number[] = [];
  for (let r = 0; r < read.count; r++) {
    let all = true;
    for (const c of columnOf) if (c < 0 || Number.isNaN(read.score[r * width + c])) all = false;
    if (all) rows.push(r);
  }
  const n = rows.length;
  const label = new Uint8Array(n);
  const amount = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    label[i] = read.label[rows[i]];
    amount[i] = read.amount[rows[i]];
  }
  const models: ComparedModel[] = served.map((m, k) => {
    const score = new Float64Array(n);
    const decision = new Uint8Array(n);
    const c = columnOf[k];
    for (let i = 0; i < n; i++) {
      score[i] = read.score[rows[i] * width + c];
      decision[i] = read.decision[rows[i] * width + c];
    }
    return { alias: m.alias, score, decision };
  });
  const result = compareModels({ label, amount, models });
  const canary = lineup.canary === null ? null : { alias: lineup.canary.challenger.alias, share: lineup.canary.share };
  const out: ModelComparison[] = result.models.map((f, k) => ({
    ...f,
    model_version: served[k].version,
    role: k === 0 ? 'champion' : 'challenger',
    canary_share: k === 0 ? 1 - (canary?.share ?? 0) : canary?.alias === f.alias ? canary.share : 0,
  }));
  return {
    window,
    from: since === undefined ? null : new Date(since).toISOString(),
    to: new Date(now).toISOString(),
    transactions: result.transactions,
    frauds: result.frauds,
    labelled: read.count,
    canary,
    models: out,
    backend: store.backend,
  };
}
