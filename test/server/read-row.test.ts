/**
 * ServingModel.readRow (one pass that checks a single /predict row and fills the model's row)
 * against the ajv row validator it stands in for: for thousands of generated bodies, valid and
 * not, on models with numeric, code and named-category features (some named like Object.prototype
 * members, category names at the length limits) under each presence rule and unknown-category
 * policy, the verdict is the same, an accepted body gives the row toRow gives (NaN where missing,
 * unknown names listed in feature order) and a refused one the error ajv names.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { Rng } from '../../src/core/training/random.js';
import type { FeatureSpec } from '../../src/core/engine/ensemble.js';
import type { ModelFile } from '../../src/io/model-file.js';
import { ServingModel, type ServingOptions, type Transaction } from '../../src/server/model-state.js';
import { MAX_CATEGORY_CODE, MAX_CATEGORY_NAME_LENGTH, MAX_TRANSACTION_ID_LENGTH } from '../../src/server/schemas.js';
import { CREDIT_MODEL, loadCached, ULB_MODEL } from './helpers.js';

/** Generated bodies per model and options. */
const BODIES = 3000;
/** Chance that a generated body carries a given feature (before spoiling). */
const KEEP_FEATURE = 0.995;
/** Share of generated bodies each verdict must reach, so that both sides are really exercised. */
const MIN_VERDICT_SHARE = 0.2;

/** One character outside the Basic Multilingual Plane: two UTF-16 units, one character for the schema. */
const ASTRAL = '\u{1F600}';

const LONG_NAME = 'n'.repeat(MAX_CATEGORY_NAME_LENGTH + 1);
/** Within the limit only when surrogate pairs count once (2048 UTF-16 units). */
const ASTRAL_NAME = ASTRAL.repeat(MAX_CATEGORY_NAME_LENGTH);

/**
 * The credit model with its features renamed and extended: names an object inherits (toString,
 * constructor, hasOwnProperty; `__proto__` too when asked), category names an object inherits, one too long for
 * the schema and one that fits only when counted in characters.
 */
async function trickyModel(protoFeature = false): Promise<ModelFile> {
  const file = await loadCached(CREDIT_MODEL);
  const renames: Record<string, string> = {
    duration_months: 'toString',
    job: 'constructor',
    own_telephone: 'hasOwnProperty',
    ...(protoFeature ? { housing: '__proto__' } : {}),
  };
  const features: FeatureSpec[] = file.model.features.map((f) => {
    const g: FeatureSpec = { ...f, name: renames[f.name] ?? f.name };
    if (f.name === 'purpose') g.categories = [...f.categories!, '__proto__', 'constructor', 'toString', LONG_NAME, ASTRAL_NAME];
    return g;
  });
  return { ...file, model: { ...file.model, features } };
}

const NUMBERS: unknown[] = [
  0,
  -0,
  1,
  -1,
  2.5,
  1e308,
  -1e308,
  5e-324,
  Number.MAX_SAFE_INTEGER,
  MAX_CATEGORY_CODE,
  MAX_CATEGORY_CODE + 1,
  1e20,
  NaN,
  Infinity,
  -Infinity,
];
const NOT_NUMBERS: unknown[] = ['1', 'NaN', 'Infinity', '', true, false, {}, [], [1], { value: 1 }];
const ODD_NAMES: unknown[] = [
  'unseen',
  '',
  LONG_NAME,
  ASTRAL_NAME,
  ASTRAL_NAME + ASTRAL,
  'x' + ASTRAL_NAME,
  '\uD800'.repeat(MAX_CATEGORY_NAME_LENGTH + 1),
  'valueOf',
  1,
  true,
  ['A11'],
  { name: 'A11' },
];
const TRANSACTION_IDS: unknown[] = [
  'tx-1',
  '',
  'i'.repeat(MAX_TRANSACTION_ID_LENGTH),
  'i'.repeat(MAX_TRANSACTION_ID_LENGTH + 1),
  ASTRAL.repeat(MAX_TRANSACTION_ID_LENGTH),
  ASTRAL.repeat(MAX_TRANSACTION_ID_LENGTH + 1),
  7,
  null,
  true,
  undefined,
  ['tx'],
];
/** Fields no model here has ("instances" is left out: parseBody takes such a body as a batch). */
const EXTRA_FIELDS = ['extra', '__proto__', 'constructor', 'toString', 'valueOf', 'amt', ''];
const NOT_OBJECTS: unknown[] = [null, undefined, 1, 'body', true, [], [{}]];

function pick<T>(rng: Rng, list: readonly T[]): T {
  return list[rng.int(list.length)];
}

/** A value of the right type for feature f (within range). */
function goodValue(rng: Rng, f: FeatureSpec): unknown {
  if (f.type === 'numeric') return rng.float() < 0.2 ? pick(rng, [0, -0, 1e308, 5e-324]) : (rng.float() - 0.5) * 1e4;
  if (f.encoding === 'codes') return pick(rng, [0, -0, 1, 3, MAX_CATEGORY_CODE]);
  return pick(rng, f.categories!);
}

/** Any value at all for feature f: right, wrong or missing. */
function anyValue(rng: Rng, f: FeatureSpec): unknown {
  switch (rng.int(6)) {
    case 0:
      return null;
    case 1:
      return undefined;
    case 2:
      return pick(rng, NUMBERS);
    case 3:
      return pick(rng, NOT_NUMBERS);
    case 4:
      return pick(rng, ODD_NAMES);
    default:
      return goodValue(rng, f);
  }
}

/**
 * A body: mostly a valid row with a few fields spoilt (deleted, nulled, a wrong or odd value, an
 * extra field, a transaction id), its fields in random order; now and then not an object at all.
 */
function body(rng: Rng, features: readonly FeatureSpec[]): unknown {
  if (rng.float() < 0.03) return pick(rng, NOT_OBJECTS);
  const entries: [string, unknown][] = [];
  for (const f of features) if (rng.float() < KEEP_FEATURE) entries.push([f.name, goodValue(rng, f)]);
  const spoilt = rng.int(4);
  for (let k = 0; k < spoilt; k++) {
    const what = rng.int(10);
    if (what === 0 && entries.length > 0) entries.splice(rng.int(entries.length), 1);
    else if (what === 1) entries.push([pick(rng, EXTRA_FIELDS), pick(rng, [1, null, 'x', undefined])]);
    else if (what === 2) entries.push(['transaction_id', pick(rng, TRANSACTION_IDS)]);
    else if (entries.length > 0) {
      const e = entries[rng.int(entries.length)];
      const f = features.find((g) => g.name === e[0]);
      if (f !== undefined) e[1] = anyValue(rng, f);
    }
  }
  if (rng.float() < 0.2) entries.push(['transaction_id', 'tx-' + rng.int(1000)]);
  for (let i = entries.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [entries[i], entries[j]] = [entries[j], entries[i]];
  }
  // Own properties, __proto__ included (Object.fromEntries defines, as JSON.parse does); a later
  // duplicate overwrites an earlier one in place, as in JSON.
  return Object.fromEntries(entries);
}

interface Outcome {
  accepted: boolean;
  row: number[];
  unknown: number[];
  error: { code: string; message: string; field: string | undefined } | null;
}

/** The verdict of the ajv validator, and the row toRow reads from an accepted body. */
function byAjv(m: ServingModel, b: unknown): Outcome {
  const err = m.rowSchemaError(b);
  if (err !== null)
    return { accepted: false, row: [], unknown: [], error: { code: err.code, message: err.message, field: err.location?.field } };
  const row = Array.from(m.toRow(b as Transaction, new Float64Array(m.names.length)));
  return { accepted: true, row, unknown: Array.from(m.unknownFeatures.subarray(0, m.unknownCount)), error: null };
}

/** The verdict of readRow (and its row), and the error parseBody throws for a refused body. */
function byReadRow(m: ServingModel, b: unknown): Outcome {
  if (m.readRow(b))
    return {
      accepted: true,
      row: Array.from(m.row),
      unknown: Array.from(m.unknownFeatures.subarray(0, m.unknownCount)),
      error: null,
    };
  try {
    m.parseBody(b);
  } catch (e) {
    const err = e as { code: string; message: string; location?: { field?: string } };
    return { accepted: false, row: [], unknown: [], error: { code: err.code, message: err.message, field: err.location?.field } };
  }
  assert.fail(`readRow refused a body that parseBody accepted: ${describeBody(b)}`);
}

function describeBody(b: unknown): string {
  if (typeof b !== 'object' || b === null) return String(b);
  return JSON.stringify(
    Object.entries(b).map(([k, v]) => [k, v === undefined ? '<undefined>' : typeof v === 'number' ? String(v) : v]),
  ).slice(0, 400);
}

function checkSame(m: ServingModel, b: unknown): boolean {
  const want = byAjv(m, b);
  const got = byReadRow(m, b);
  const what = describeBody(b);
  assert.equal(got.accepted, want.accepted, `verdict for ${what}`);
  assert.deepEqual(got.error, want.error, `error for ${what}`);
  // Object.is per column: NaN equals NaN and -0 stays -0, as toRow writes them.
  assert.equal(got.row.length, want.row.length);
  for (let j = 0; j < want.row.length; j++)
    assert.ok(Object.is(got.row[j], want.row[j]), `column ${m.names[j]} for ${what}: ${got.row[j]} vs ${want.row[j]}`);
  assert.deepEqual(got.unknown, want.unknown, `unknown categories for ${what}`);
  return want.accepted;
}

const OPTIONS: ServingOptions[] = [
  { batchLimit: 100, requireAllFeatures: false, unknownCategories: 'missing' },
  { batchLimit: 100, requireAllFeatures: false, unknownCategories: 'reject' },
  { batchLimit: 100, requireAllFeatures: true, unknownCategories: 'missing' },
  { batchLimit: 100, requireAllFeatures: true, unknownCategories: 'reject' },
];

describe('readRow decides and reads as the ajv row validator and toRow', () => {
  for (const [label, load] of [
    ['credit model, features named like Object members', trickyModel],
    ['ULB model (numeric)', () => loadCached(ULB_MODEL)],
    // ajv leaves a property named __proto__ unchecked (readRow then defers to it): verdicts still agree.
    ['credit model with a feature named __proto__', () => trickyModel(true)],
  ] as const) {
    for (const options of OPTIONS) {
      it(`${label}: requireAll=${options.requireAllFeatures}, unknown categories ${options.unknownCategories}`, async () => {
        const m = new ServingModel(await load(), options);
        const rng = new Rng(BODIES + (options.requireAllFeatures ? 1 : 0) + (options.unknownCategories === 'reject' ? 2 : 0));
        let accepted = 0;
        for (let i = 0; i < BODIES; i++) if (checkSame(m, body(rng, m.features))) accepted++;
        assert.ok(accepted >= BODIES * MIN_VERDICT_SHARE, `accepted ${accepted} of ${BODIES}`);
        assert.ok(BODIES - accepted >= BODIES * MIN_VERDICT_SHARE, `refused ${BODIES - accepted} of ${BODIES}`);
      });
    }
  }

  it('the nasty cases, one by one', async () => {
    for (const [file, options] of (await Promise.all([trickyModel(), trickyModel(true)])).flatMap((f) =>
      OPTIONS.map((o) => [f, o] as const),
    )) {
      const m = new ServingModel(file, options);
      const full = (): Record<string, unknown> => {
        const rng = new Rng(1);
        return Object.fromEntries(m.features.map((f) => [f.name, goodValue(rng, f)]));
      };
      const cases: unknown[] = [...NOT_OBJECTS, {}, Object.create(null), full()];
      for (const f of m.features) {
        for (const v of [...NUMBERS, ...NOT_NUMBERS, ...ODD_NAMES, null, undefined]) cases.push({ ...full(), [f.name]: v });
        const without = full();
        delete without[f.name];
        cases.push(without);
      }
      for (const id of TRANSACTION_IDS) cases.push({ ...full(), transaction_id: id });
      for (const extra of EXTRA_FIELDS) cases.push(Object.fromEntries([...Object.entries(full()), [extra, 1]]));
      // JSON.parse makes __proto__ an own field, as Fastify's parser would refuse it before.
      cases.push(JSON.parse('{"__proto__": "A151", "toString": 3}'), JSON.parse('{"__proto__": {"toString": 3}}'));
      // A field the object does not own is not the body's (ajv lists Object.keys).
      cases.push(Object.create({ extra: 1 }) as unknown, Object.assign(Object.create({ extra: 1 }) as object, full()));
      // Two unknown names, sent in the reverse of the feature order: listed in feature order.
      const two = full();
      delete two.checking_status;
      delete two.purpose;
      cases.push({ purpose: 'unseen-1', ...two, checking_status: 'unseen-2' });
      let accepted = 0;
      for (const b of cases) if (checkSame(m, b)) accepted++;
      assert.ok(accepted > 0 && accepted < cases.length);
    }
  });

  it('a feature the body only inherits is missing, as the schema sees it', async () => {
    // toRow would read the inherited value, which the schema never checked; JSON never makes one.
    const m = new ServingModel(await loadCached(ULB_MODEL), OPTIONS[0]);
    const b = Object.assign(Object.create({ Amount: 'not checked' }) as object, { Time: 5 });
    assert.equal(m.rowSchemaError(b), null);
    assert.ok(m.readRow(b));
    assert.ok(Number.isNaN(m.row[m.index.get('Amount')!]));
    assert.equal(m.row[m.index.get('Time')!], 5);
  });

  it('parseBody hands the scorer the filled row of an accepted single transaction', async () => {
    const m = new ServingModel(await trickyModel(), OPTIONS[0]);
    const b = { toString: 12, constructor: 2, purpose: 'unseen', checking_status: 'A12', transaction_id: 'tx-9' };
    const parsed = m.parseBody(b);
    assert.equal(parsed.kind, 'row');
    assert.ok(parsed.kind === 'row' && parsed.values === m.row && parsed.row === b);
    const want = m.toRow(b as Transaction, new Float64Array(m.names.length));
    assert.deepEqual(Array.from(m.row), Array.from(want));
    assert.deepEqual(Array.from(m.unknownFeatures.subarray(0, m.unknownCount)), [m.index.get('purpose')]);
  });
});
