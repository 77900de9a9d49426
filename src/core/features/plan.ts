/**
 * The compiled form of validated definitions: every reference resolved to a number once, so the
 * per-event work indexes flat arrays and never looks a name up.
 *
 * An event is held as an EventRecord: its time, its id, the number fields in `numbers` (NaN =
 * missing) and the string fields (keys, categories, text, dates) in `strings` ('' = missing),
 * each at the slot the plan gives it. Offline the record is filled from CSV cells, online from a
 * JSON body; the computation after that is the same code.
 */

import { AGGREGATION_OPS, featureNames, parseWindow, type AggregationOp, type FeatureDefinitions } from './definitions.js';

/** Aggregation op codes used in the hot loop (index into AGG_OP_NAMES). */
export const AGG_OP_NAMES = Object.keys(AGGREGATION_OPS) as AggregationOp[];
export const OP = Object.fromEntries(AGG_OP_NAMES.map((name, i) => [name, i])) as Record<AggregationOp, number>;

/** Per (window, value field) which running statistics an entity keeps. */
export const NEED_MOMENTS = 1;
export const NEED_MIN = 2;
export const NEED_MAX = 4;
export const NEED_LAST = 8;

export interface EntityGroupPlan {
  readonly name: string;
  /** String slots of the key fields (one or two). */
  readonly keySlots: Int32Array;
  /** Distinct windows in seconds, ascending (Infinity = all time). */
  readonly windows: Float64Array;
  /** Number slots of the value fields the aggregations read. */
  readonly valueSlots: Int32Array;
  /** String slots of the fields counted by distinct_count. */
  readonly distinctSlots: Int32Array;
  /** NEED_* flags per (window * valueSlots.length + value index). */
  readonly valueNeeds: Uint8Array;
  /** Whether each (window * distinctSlots.length + distinct index) keeps a counts map. */
  readonly distinctNeeds: Uint8Array;
  /** Largest finite window (0 when all are `all`): how far back the event ring must reach. */
  readonly horizon: number;
  /** The aggregations of this entity: op code, window index, field index (value or distinct), output index. */
  readonly aggOp: Uint8Array;
  readonly aggWindow: Int32Array;
  readonly aggField: Int32Array;
  readonly aggOut: Int32Array;
}

export const ROW_KIND = {
  value_number: 0,
  value_string: 1,
  hour_of_day: 2,
  day_of_week: 3,
  age_years: 4,
  distance_km: 5,
} as const;

export interface FeaturePlan {
  readonly definitions: FeatureDefinitions;
  /** Output feature names in order: row features, aggregations, ratios. */
  readonly names: readonly string[];
  /** Per output feature: true when its value is a string (a `value` of a category, key or text field). */
  readonly isText: readonly boolean[];
  /** Raw field names read into EventRecord.numbers, by slot. */
  readonly numberFields: readonly string[];
  /** Raw field names read into EventRecord.strings, by slot (keys, categories, text, dates). */
  readonly stringFields: readonly string[];
  /** Row features: kind (ROW_KIND), up to four argument slots, output index. */
  readonly rowKind: Uint8Array;
  readonly rowArgs: Int32Array;
  readonly rowOut: Int32Array;
  readonly groups: readonly EntityGroupPlan[];
  /** Ratios: numerator and denominator output indices, output index. */
  readonly ratioNum: Int32Array;
  readonly ratioDen: Int32Array;
  readonly ratioOut: Int32Array;
  /** Event ids are remembered this long for the duplicate rule (seconds). */
  readonly dedupeHorizon: number;
}

/** Duplicate event ids are recognised at least this far apart (seconds), whatever the windows. */
export const MIN_DEDUPE_HORIZON_SECONDS = 86_400;

/** One event as the engine reads it; allocate once per stream with newEventRecord and refill. */
export interface EventRecord {
  time: number;
  id: string;
  readonly numbers: Float64Array;
  readonly strings: string[];
  /**
   * Per string slot, the interned id of the value (KeyInterner; 0 = missing), when the reader
   * interns (CellEventReader does; the JSON reader does not). The offline store reads keys by it.
   */
  readonly ids: Int32Array;
}

export function newEventRecord(plan: FeaturePlan): EventRecord {
  return {
    time: NaN,
    id: '',
    numbers: new Float64Array(plan.numberFields.length),
    strings: new Array<string>(plan.stringFields.length).fill(''),
    ids: new Int32Array(plan.stringFields.length),
  };
}

/**
 * Compiles validated definitions.
 * @example const plan = compilePlan(validateDefinitions(YAML.parse(text)));
 */
export function compilePlan(defs: FeatureDefinitions): FeaturePlan {
  const numberFields: string[] = [];
  const stringFields: string[] = [];
  const numberSlot = (f: string): number => {
    let i = numberFields.indexOf(f);
    if (i < 0) i = numberFields.push(f) - 1;
    return i;
  };
  const stringSlot = (f: string): number => {
    let i = stringFields.indexOf(f);
    if (i < 0) i = stringFields.push(f) - 1;
    return i;
  };
  const names = featureNames(defs);
  const outIndex = new Map(names.map((n, i) => [n, i]));
  const isText = names.map(() => false);

  const nRow = defs.row_features.length;
  const rowKind = new Uint8Array(nRow);
  const rowArgs = new Int32Array(nRow * 4).fill(-1);
  const rowOut = new Int32Array(nRow);
  defs.row_features.forEach((f, i) => {
    rowOut[i] = outIndex.get(f.name)!;
    switch (f.kind) {
      case 'value':
        if (defs.fields[f.field] === 'number') {
          rowKind[i] = ROW_KIND.value_number;
          rowArgs[i * 4] = numberSlot(f.field);
        } else {
          rowKind[i] = ROW_KIND.value_string;
          rowArgs[i * 4] = stringSlot(f.field);
          isText[rowOut[i]] = true;
        }
        break;
      case 'hour_of_day':
      case 'day_of_week':
        rowKind[i] = ROW_KIND[f.kind];
        break;
      case 'age_years':
        rowKind[i] = ROW_KIND.age_years;
        rowArgs[i * 4] = stringSlot(f.birth_date);
        break;
      case 'distance_km':
        rowKind[i] = ROW_KIND.distance_km;
        [f.from[0], f.from[1], f.to[0], f.to[1]].forEach((c, j) => (rowArgs[i * 4 + j] = numberSlot(c)));
        break;
    }
  });

  let largestFinite = 0;
  const groups: EntityGroupPlan[] = Object.entries(defs.entities).map(([name, keys]) => {
    const keySlots = Int32Array.from(keys.map(stringSlot));
    const aggs = defs.aggregations.filter((a) => a.entity === name);
    const windows = [...new Set(aggs.map((a) => parseWindow(a.window)))].sort((a, b) => a - b);
    const valueFields = [...new Set(aggs.filter((a) => AGGREGATION_OPS[a.op].field === 'number').map((a) => a.field!))];
    const distinctFields = [...new Set(aggs.filter((a) => a.op === 'distinct_count').map((a) => a.field!))];
    const valueNeeds = new Uint8Array(windows.length * valueFields.length);
    const distinctNeeds = new Uint8Array(windows.length * distinctFields.length);
    const n = aggs.length;
    const plan = {
      name,
      keySlots,
      windows: Float64Array.from(windows),
      valueSlots: Int32Array.from(valueFields.map(numberSlot)),
      distinctSlots: Int32Array.from(distinctFields.map(stringSlot)),
      valueNeeds,
      distinctNeeds,
      horizon: Math.max(0, ...windows.filter(Number.isFinite)),
      aggOp: new Uint8Array(n),
      aggWindow: new Int32Array(n),
      aggField: new Int32Array(n).fill(-1),
      aggOut: new Int32Array(n),
    };
    aggs.forEach((a, i) => {
      const w = windows.indexOf(parseWindow(a.window));
      plan.aggOp[i] = OP[a.op];
      plan.aggWindow[i] = w;
      plan.aggOut[i] = outIndex.get(a.name)!;
      if (a.op === 'distinct_count') {
        const d = distinctFields.indexOf(a.field!);
        plan.aggField[i] = d;
        distinctNeeds[w * distinctFields.length + d] = 1;
      } else if (a.field !== undefined) {
        const v = valueFields.indexOf(a.field);
        plan.aggField[i] = v;
        const need = a.op === 'min' ? NEED_MIN : a.op === 'max' ? NEED_MAX : a.op === 'last' ? NEED_LAST : NEED_MOMENTS;
        valueNeeds[w * valueFields.length + v] |= need;
      }
    });
    largestFinite = Math.max(largestFinite, plan.horizon);
    return plan;
  });

  const nRatio = defs.ratios.length;
  const ratioNum = new Int32Array(nRatio);
  const ratioDen = new Int32Array(nRatio);
  const ratioOut = new Int32Array(nRatio);
  defs.ratios.forEach((r, i) => {
    ratioNum[i] = outIndex.get(r.numerator)!;
    ratioDen[i] = outIndex.get(r.denominator)!;
    ratioOut[i] = outIndex.get(r.name)!;
  });

  return Object.freeze({
    definitions: defs,
    names,
    isText,
    numberFields,
    stringFields,
    rowKind,
    rowArgs,
    rowOut,
    groups,
    ratioNum,
    ratioDen,
    ratioOut,
    dedupeHorizon: Math.max(largestFinite, MIN_DEDUPE_HORIZON_SECONDS),
  });
}
