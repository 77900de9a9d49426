/**
 * Cost of rules beside the model, per transaction, on the demo model and its holdout rows: the
 * prediction alone (toRow + margin), finding the deciding rule among 10 rules (one reused
 * environment, no allocation of its own), and the TreeSHAP values that feature reasons need
 * (paid for review and decline decisions only). Rounds interleave the three so a noisy machine
 * slows them alike; the medians and the ratios to the prediction are reported.
 *
 *   npm run bench -- rules [--rounds 7]
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

import { compileRules, rulesVocabulary, validateRules } from '../src/core/rules/index.js';
import { readModelFile } from '../src/io/model-file.js';
import { ServingModel, type Transaction } from '../src/server/model-state.js';
import { REPO, type Section } from './run.js';

const RULES = [
  ['block_a', 'block', 'category == "shopping_net" and amt > 2000'],
  ['block_b', 'block', 'amt > 5000 and hour in [0, 1, 2, 3, 4]'],
  ['block_c', 'block', 'score > 0.99 and distance_km > 500'],
  ['review_a', 'review', 'hour in [0, 1, 2, 3] and amt >= 300'],
  ['review_b', 'review', 'amt / max(city_pop, 1) > 10'],
  ['review_c', 'review', 'age < 21 and amt > 800'],
  ['review_d', 'review', 'category in ["misc_net", "grocery_pos", "shopping_pos"] and amt > 900 and score > 0.005'],
  ['review_e', 'review', 'missing(gender) and amt > 100'],
  ['allow_a', 'allow', 'amt < 1'],
  ['allow_b', 'allow', 'amt < 3 and score < 0.5'],
] as const;

function holdout(): Transaction[] {
  const lines = gunzipSync(readFileSync(join(REPO, 'data', 'demo', 'holdout.csv.gz')))
    .toString('utf8')
    .trim()
    .split('\n');
  const header = lines[0].split(',');
  const categorical = new Set(['category', 'gender']);
  return lines.slice(1, 20_001).map((line) => {
    const cells = line.split(',');
    const t: Transaction = {};
    header.forEach((h, i) => (t[h] = categorical.has(h) ? cells[i] : Number(cells[i])));
    return t;
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export const section: Section = {
  name: 'rules',
  async run() {
    const args = process.argv.slice(2);
    const at = args.indexOf('--rounds');
    const rounds = at >= 0 ? Number(args[at + 1]) : 7;
    const loaded = await readModelFile(join(REPO, 'models', 'demo', 'model.json'));
    const m = new ServingModel(loaded, { batchLimit: 1000, requireAllFeatures: false });
    const rules = compileRules(
      validateRules({ version: 1, rules: RULES.map(([id, action, when]) => ({ id, action, when, reason: id })) }),
      rulesVocabulary(m.features, null),
    );
    const rows = holdout();
    const scores = rows.map((t) => 1 / (1 + Math.exp(-m.predictor.predictRowMargin(m.toRow(t)))));
    let sink = 0;
    const time = (f: () => void): number => {
      const start = process.hrtime.bigint();
      f();
      return Number(process.hrtime.bigint() - start) / rows.length;
    };
    const predict = () => {
      for (const t of rows) sink += m.predictor.predictRowMargin(m.toRow(t));
    };
    const decide = () => {
      for (let i = 0; i < rows.length; i++) sink += rules.first(scores[i], rows[i], null);
    };
    const shap = () => {
      for (let i = 0; i < 2000; i++) sink += m.explainer!.explainRow(m.toRow(rows[i]), m.contribs)[0];
    };
    const ns = { predict: [] as number[], rules: [] as number[], treeshap: [] as number[] };
    for (let r = 0; r < rounds + 1; r++) {
      const p = time(predict);
      const d = time(decide);
      const s = (time(shap) * rows.length) / 2000;
      if (r === 0) continue; // warm-up
      ns.predict.push(p);
      ns.rules.push(d);
      ns.treeshap.push(s);
    }
    const matched = rows.reduce((n, t, i) => n + (rules.first(scores[i], t, null) >= 0 ? 1 : 0), 0);
    const out = {
      rows: rows.length,
      rules: RULES.length,
      rows_matched: matched,
      rounds,
      ns_per_transaction: { predict: median(ns.predict), rules: median(ns.rules), treeshap: median(ns.treeshap) },
      rules_over_predict: Math.round((median(ns.rules) / median(ns.predict)) * 100) / 100,
      treeshap_over_predict: Math.round((median(ns.treeshap) / median(ns.predict)) * 10) / 10,
      sink: sink !== 0,
    };
    return out;
  },
};
