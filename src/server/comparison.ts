/**
 * GET /performance/comparison: the champion and each challenger on the same labelled
 * transactions (core/performance/comparison.ts computes the figures) from the label store's read
 * of every model's verdict per decision (the deciding model's and the shadow ones).
 */

import { CHAMPION_ALIAS, type ComparisonReport, type ModelComparison } from '../contract/index.js';
import { parseWindow } from '../core/features/definitions.js';
import { compareModels, type ComparedModel } from '../core/performance/comparison.js';
import type { LabelStore } from '../storage/labels/contract.js';
import type { Lineup } from './challengers.js';
import type { FraudlensContext } from './context.js';
import type { ServingModel } from './model-state.js';

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

/** Windows whose last comparison is kept (the window is the client's: `<n>s|m|h|d` or `all`). */
const MAX_CACHED_WINDOWS = 16;

interface CachedComparison {
  at: number;
  champion: ServingModel;
  lineup: Lineup;
  report: Promise<ComparisonReport>;
}

/**
 * The comparisons of GET /performance/comparison, each read at most `refreshMs` ago
 * (FRAUDLENS_PERFORMANCE_REFRESH_MS, as GET /performance): every open dashboard polls it, and each
 * read goes over every labelled decision of the window. Requests arriving during a read share it;
 * a change of the models served (champion or challengers) reads again at once; a failed read is
 * not kept.
 */
export class ComparisonCache {
  private readonly entries = new Map<string, CachedComparison>();

  constructor(
    private readonly ctx: FraudlensContext,
    private readonly refreshMs: number,
  ) {}

  report(window: string): Promise<ComparisonReport> {
    const now = Date.now();
    const champion = this.ctx.models.current;
    const lineup = this.ctx.challengers.current;
    const kept = this.entries.get(window);
    if (kept !== undefined && now - kept.at < this.refreshMs && kept.champion === champion && kept.lineup === lineup)
      return kept.report;
    const report = comparisonReport(this.ctx, this.ctx.labelStore, window);
    this.entries.delete(window);
    if (this.entries.size >= MAX_CACHED_WINDOWS) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(window, { at: now, champion, lineup, report });
    report.catch(() => {
      if (this.entries.get(window)?.report === report) this.entries.delete(window);
    });
    return report;
  }
}
