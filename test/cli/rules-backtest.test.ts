/**
 * `fraudlens rules test` on a shared data set (the first 5,116 rows of Kaggle's fraudTest.csv)
 * with the raw-transaction fixture model: every count of the backtest is recomputed here
 * independently, from the raw file (parsed with csv-parse), the derived features written by
 * `fraudlens features` and the model's scores, with the rules written as plain JavaScript.
 * Skipped without ../shared. Refusals (a rule naming a field the model lacks) need no shared data.
 */

import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';

import { parse } from 'csv-parse/sync';

import { Predictor, sigmoid } from '../../src/core/engine/predict.js';
import { readModelFile } from '../../src/io/model-file.js';
import { runCli } from '../helpers/cli.js';
import { fixturePath, HAS_SHARED, sharedPath } from '../helpers/paths.js';

const MODEL = fixturePath('features', 'model.json');
const DEFS = fixturePath('features', 'definitions.yaml');
const DATA = sharedPath('data', 'sparkov_fraudTest_head.csv.gz');
/** Sums of amounts in cents add up exactly; the CLI sums doubles in row order, as here. */
const AMOUNT_TOLERANCE = 1e-6;

/** The rule set, allow first in the file on purpose (evaluation order is block, review, allow). */
const RULES = `
version: 1
rules:
  - id: allow_small
    action: allow
    when: amt < 5 and score < 0.9
    reason: Very small amount
  - id: review_night_high
    action: review
    when: (hour >= 22 or hour < 4) and amt > 250
    reason: High amount late at night
  - id: block_bins
    action: block
    when: starts_with(cc_num, ["4", "36"]) and amt > 800
    reason: Large purchase on a card range under attack
  - id: review_new_merchant
    action: review
    when: card_merchant_count == 0 and amt > 500 and card_count_all > 0
    reason: First purchase at this merchant, and a large one
  - id: review_quick_repeat
    action: review
    when: card_seconds_since_last < 30 and amt > 100
    reason: Second purchase within thirty seconds
`;

type Row = Record<string, string>;
type Decision = 'approve' | 'review' | 'decline';

interface Tally {
  transactions: number;
  frauds: number;
  fraud_amount: number | null;
  legitimate: number;
  legitimate_customers: number | null;
}

const num = (s: string): number | null => (s === '' ? null : Number(s));

describe('fraudlens rules test', { skip: !HAS_SHARED && 'needs ../shared (FRAUDLENS_SHARED)' }, () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fraudlens-rules-cli-'));
    await writeFile(join(dir, 'rules.yaml'), RULES);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('counts per rule and per decision what an independent computation counts', async () => {
    const res = await runCli([
      'rules',
      'test',
      '--rules',
      join(dir, 'rules.yaml'),
      '--model',
      MODEL,
      '--data',
      DATA,
      '--customer',
      'cc_num',
      '--json',
    ]);
    assert.equal(res.code, 0, res.stderr);
    const report = JSON.parse(res.stdout) as {
      rows: number;
      frauds: number;
      fraud_amount: number;
      changed: number;
      rules: { id: string; order: number; matched: number; decided: Tally; thresholds_would: Record<Decision, number> }[];
      with_rules: Record<Decision, Tally>;
      thresholds_alone: Record<Decision, Tally>;
    };

    // Independently: raw cells, derived features from `fraudlens features`, scores from the model.
    const raw = parse(gunzipSync(await readFile(DATA)), { columns: true, bom: true }) as Row[];
    const featuresFile = join(dir, 'features.csv');
    const f = await runCli(['features', '--defs', DEFS, '--data', DATA, '--out', featuresFile]);
    assert.equal(f.code, 0, f.stderr);
    const derived = parse(await readFile(featuresFile), { columns: true }) as Row[];
    assert.equal(derived.length, raw.length);
    const { model } = await readModelFile(MODEL);
    const predictor = new Predictor(model.ensemble);
    const x = new Float64Array(model.features.length);
    const scores = derived.map((d, i) => {
      assert.equal(d.trans_num, raw[i].trans_num, `row ${i + 1} in the same order`);
      model.features.forEach((spec, j) => {
        const cell = d[spec.name];
        if (cell === '') x[j] = NaN;
        else if (spec.type === 'categorical') {
          const code = spec.categories!.indexOf(cell);
          x[j] = code < 0 ? NaN : code;
        } else x[j] = Number(cell);
      });
      return sigmoid(predictor.predictRowMargin(x));
    });

    // The rules in evaluation order, as plain JavaScript (a missing value compares false).
    const rules: [id: string, decision: Decision, test: (r: Row, d: Row, score: number) => boolean][] = [
      ['block_bins', 'decline', (r) => (r.cc_num.startsWith('4') || r.cc_num.startsWith('36')) && Number(r.amt) > 800],
      ['review_night_high', 'review', (r, d) => (Number(d.hour) >= 22 || Number(d.hour) < 4) && Number(r.amt) > 250],
      [
        'review_new_merchant',
        'review',
        (r, d) => num(d.card_merchant_count) === 0 && Number(r.amt) > 500 && (num(d.card_count_all) ?? 0) > 0,
      ],
      [
        'review_quick_repeat',
        'review',
        (r, d) => num(d.card_seconds_since_last) !== null && num(d.card_seconds_since_last)! < 30 && Number(r.amt) > 100,
      ],
      ['allow_small', 'approve', (r, _d, s) => Number(r.amt) < 5 && s < 0.9],
    ];
    const { review, decline } = model.thresholds;
    const empty = () => ({ transactions: 0, frauds: 0, fraud_amount: 0, legitimate: 0, customers: new Set<string>() });
    type T = ReturnType<typeof empty>;
    const add = (t: T, r: Row) => {
      t.transactions++;
      if (r.is_fraud === '1') {
        t.frauds++;
        t.fraud_amount += Number(r.amt);
      } else {
        t.legitimate++;
        t.customers.add(r.cc_num);
      }
    };
    const perRule = rules.map(() => ({ tally: empty(), matched: 0, would: { approve: 0, review: 0, decline: 0 } }));
    const withRules = { approve: empty(), review: empty(), decline: empty() };
    const alone = { approve: empty(), review: empty(), decline: empty() };
    let changed = 0;
    raw.forEach((r, i) => {
      const s = scores[i];
      const base: Decision = s >= decline ? 'decline' : s >= review ? 'review' : 'approve';
      let decision = base;
      let decided = false;
      rules.forEach(([, d, test], k) => {
        if (!test(r, derived[i], s)) return;
        perRule[k].matched++;
        if (decided) return;
        decided = true;
        decision = d;
        add(perRule[k].tally, r);
        perRule[k].would[base]++;
      });
      if (decision !== base) changed++;
      add(withRules[decision], r);
      add(alone[base], r);
    });
    const close = (t: T, got: Tally, what: string) => {
      assert.equal(got.transactions, t.transactions, `${what}: transactions`);
      assert.equal(got.frauds, t.frauds, `${what}: frauds`);
      assert.ok(
        Math.abs(got.fraud_amount! - t.fraud_amount) <= AMOUNT_TOLERANCE,
        `${what}: fraud amount ${got.fraud_amount} vs ${t.fraud_amount}`,
      );
      assert.equal(got.legitimate, t.legitimate, `${what}: legitimate`);
      assert.equal(got.legitimate_customers, t.customers.size, `${what}: legitimate customers`);
    };

    assert.equal(report.rows, raw.length);
    assert.equal(report.frauds, raw.filter((r) => r.is_fraud === '1').length);
    assert.deepEqual(
      report.rules.map((r) => r.id),
      rules.map(([id]) => id),
    );
    report.rules.forEach((got, k) => {
      close(perRule[k].tally, got.decided, got.id);
      assert.equal(got.matched, perRule[k].matched, `${got.id}: matched`);
      assert.deepEqual(got.thresholds_would, perRule[k].would, `${got.id}: thresholds alone`);
    });
    for (const d of ['approve', 'review', 'decline'] as const) {
      close(withRules[d], report.with_rules[d], `with rules, ${d}`);
      close(alone[d], report.thresholds_alone[d], `thresholds alone, ${d}`);
    }
    assert.equal(report.changed, changed);
    // The data exercise every rule, or the comparison above proves little.
    for (const r of report.rules) assert.ok(r.decided.transactions > 0, `${r.id} decides some transactions`);
    assert.ok(report.with_rules.decline.frauds > 0 && changed > 0);
  });
});

describe('fraudlens rules test refuses', () => {
  it('a rule naming a field the model lacks, with the file and the rule', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fraudlens-rules-cli-bad-'));
    try {
      const path = join(dir, 'bad.yaml');
      await writeFile(path, 'version: 1\nrules:\n  - { id: a, action: block, when: "card_cnt_1h > 3", reason: r }\n');
      const res = await runCli([
        'rules',
        'test',
        '--rules',
        path,
        '--model',
        MODEL,
        '--data',
        fixturePath('features', 'raw.csv'),
      ]);
      assert.equal(res.code, 2);
      assert.ok(res.stderr.includes(`error RULES_INVALID: ${path}: rules[0].when: unknown name "card_cnt_1h"`), res.stderr);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
