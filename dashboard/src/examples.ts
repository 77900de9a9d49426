/**
 * Example transactions for the Score form, always real ones when possible:
 *   1. the demo hold-out examples, when the served model has exactly the demo features (and knows
 *      their categories);
 *   2. otherwise the prediction log: the approved record with the median score and the declined
 *      record with the median score;
 *   3. otherwise only a starting point built from the training statistics (means and most
 *      frequent categories), which is labelled as such.
 */

import type { FeatureSpec, ModelInfo, PredictionRecord, Transaction } from './api';
import { DEMO_FEATURES, DEMO_SOURCE, TYPICAL_FRAUDULENT, TYPICAL_LEGITIMATE } from './demo-data';

export interface Example {
  values: Transaction;
  /** Where it came from, said under the form, with what is known of it (its label, its decision). */
  source: string;
  /** Where it came from without what is known of it: said once the form's values were edited. */
  origin: string;
}

export interface Examples {
  legitimate: Example | null;
  fraudulent: Example | null;
}

function fits(model: ModelInfo, values: Transaction): boolean {
  return model.features.every((f) => {
    const v = values[f.name];
    if (v === undefined) return false;
    if (v === null) return true;
    if (f.type === 'numeric') return typeof v === 'number';
    if (f.encoding === 'codes') return typeof v === 'number';
    return typeof v === 'string' && (f.categories ?? []).includes(v);
  });
}

/** The demo hold-out examples, if the served model is the demo model's feature set. */
export function demoExamples(model: ModelInfo): Examples | null {
  const names = model.features.map((f) => f.name);
  if (names.length !== DEMO_FEATURES.length || !names.every((n) => DEMO_FEATURES.includes(n))) return null;
  if (!fits(model, TYPICAL_LEGITIMATE.values) || !fits(model, TYPICAL_FRAUDULENT.values)) return null;
  return {
    legitimate: {
      values: { ...TYPICAL_LEGITIMATE.values },
      source: `hold-out row ${TYPICAL_LEGITIMATE.row} of ${DEMO_SOURCE} (labelled legitimate)`,
      origin: `hold-out row ${TYPICAL_LEGITIMATE.row} of ${DEMO_SOURCE}`,
    },
    fraudulent: {
      values: { ...TYPICAL_FRAUDULENT.values },
      source: `hold-out row ${TYPICAL_FRAUDULENT.row} of ${DEMO_SOURCE} (labelled fraud)`,
      origin: `hold-out row ${TYPICAL_FRAUDULENT.row} of ${DEMO_SOURCE}`,
    },
  };
}

function medianBy(records: PredictionRecord[]): PredictionRecord | null {
  if (records.length === 0) return null;
  const sorted = [...records].sort((a, b) => a.score - b.score);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Examples from logged predictions (masked fields make a record unusable). */
export function logExamples(model: ModelInfo, records: PredictionRecord[]): Examples {
  const usable = records.filter((r) => r.model_version === model.version && fits(model, r.features));
  const pick = (decision: 'approve' | 'decline'): Example | null => {
    const r = medianBy(usable.filter((x) => x.decision === decision));
    return r === null
      ? null
      : {
          values: { ...r.features },
          source: `logged prediction ${r.id.slice(0, 8)} (${decision}d at ${r.timestamp})`,
          origin: `logged prediction ${r.id.slice(0, 8)}`,
        };
  };
  return { legitimate: pick('approve'), fraudulent: pick('decline') };
}

/** A starting point from training statistics: numeric means, most frequent categories. */
export function statsStart(features: readonly FeatureSpec[]): Transaction {
  const values: Transaction = {};
  for (const f of features) {
    if (f.type === 'numeric') {
      const mean = f.stats?.mean;
      values[f.name] = typeof mean === 'number' && Number.isFinite(mean) ? Number(mean.toPrecision(4)) : null;
    } else if (f.categories !== undefined && f.categories.length > 0) {
      const freq = f.stats?.frequencies;
      let best = 0;
      if (freq !== undefined) for (let k = 1; k < freq.length; k++) if (freq[k] > freq[best]) best = k;
      values[f.name] = f.categories[best];
    } else {
      values[f.name] = null;
    }
  }
  return values;
}
