/**
 * Example transactions for the Score form, always real ones when possible:
 *   1. the demo hold-out examples, when the served model has exactly the demo features (and knows
 *      their categories);
 *   2. otherwise the prediction log: the approved record with the median score and the declined
 *      record with the median score;
 *   3. otherwise only a starting point built from the training statistics (means and most
 *      frequent categories), which is labelled as such.
 * A model that takes raw transactions gets raw rows of the Sparkov data when its definitions read
 * Sparkov's fields, else a starting point built from its definitions and training statistics (the
 * log holds derived features, not raw fields, so it cannot give raw examples).
 */

import type { DerivedFeatures, FeatureSpec, ModelInfo, PredictionRecord, Transaction } from './api';
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

// ---------------------------------------------------------------------------------------------
// Raw transactions (models with feature definitions)

/** Where the raw examples come from (Sparkov generator, MIT; see data/demo/README.md). */
const SPARKOV_SOURCE = "the Sparkov simulation's test file (sparkov_test.csv.gz)";

/**
 * Two raw rows of the Sparkov test file, without the event time and id (the form sends now and a
 * new id) and without names and street (never read). Card numbers are text: they exceed 2^53.
 */
const SPARKOV_LEGITIMATE = {
  row: 102,
  values: {
    cc_num: '4089096483689733451',
    merchant: 'fraud_Deckow-Dare',
    category: 'food_dining',
    amt: 62.49,
    gender: 'M',
    city_pop: 616,
    lat: 40.0967,
    long: -89.5818,
    merch_lat: 39.639666,
    merch_long: -89.520388,
    dob: '1989-10-14',
  },
};
const SPARKOV_FRAUDULENT = {
  row: 1596,
  values: {
    cc_num: '4536996888716062123',
    merchant: 'fraud_Reichert, Shanahan and Hayes',
    category: 'shopping_net',
    amt: 863.62,
    gender: 'F',
    city_pop: 1761,
    lat: 41.2264,
    long: -88.4217,
    merch_lat: 41.379737,
    merch_long: -88.654338,
    dob: '1932-07-18',
  },
};

/** The Sparkov raw examples, when the definitions read only fields those rows have. */
export function rawExamples(derived: DerivedFeatures): Examples | null {
  if (!derived.fields.every((f) => f.name in SPARKOV_LEGITIMATE.values)) return null;
  const example = (e: typeof SPARKOV_LEGITIMATE, label: string): Example => ({
    values: { ...e.values },
    source: `row ${e.row} of ${SPARKOV_SOURCE}, labelled ${label}; time now, new id`,
    origin: `row ${e.row} of ${SPARKOV_SOURCE}`,
  });
  return { legitimate: example(SPARKOV_LEGITIMATE, 'legitimate'), fraudulent: example(SPARKOV_FRAUDULENT, 'fraud') };
}

const YEAR_MS = 365.2425 * 86_400_000;

/**
 * A raw starting point from the definitions: each field the model also takes as it is gets the
 * training mean or most frequent category; a birth date gets the mean age; keys get a made-up
 * identifier. Coordinates and other fields without statistics stay empty (missing).
 */
export function definitionsStart(model: ModelInfo, derived: DerivedFeatures, now = Date.now()): Transaction {
  const stats = statsStart(model.features);
  const values: Transaction = {};
  for (const field of derived.fields) {
    const own = stats[field.name];
    if (own !== undefined && own !== null) values[field.name] = own;
    else if (field.type === 'key') values[field.name] = `example-${field.name}`;
    else if (field.type === 'date') {
      const age = field.read_by.map((n) => stats[n]).find((v) => typeof v === 'number');
      if (typeof age === 'number') values[field.name] = new Date(now - age * YEAR_MS).toISOString().slice(0, 10);
    }
  }
  return values;
}
