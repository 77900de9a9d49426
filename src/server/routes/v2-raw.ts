/**
 * Raw transactions over the Open Inference Protocol, for a model with feature definitions: one
 * tensor per raw field (the event time, the transaction id, the fields the definitions name), one
 * row per transaction. The rows become the same raw transactions /predict takes and go through
 * the same path (raw-scoring.ts): features derived from the entity state, each transaction added
 * to it, scored and recorded. Only the tensor layer is here: which tensors, which datatypes.
 *
 * Datatypes: BYTES for text (id, keys, categories, dates, text, a time in a text format), a
 * numeric datatype for numbers and a unix time. Keys are text only: a card number as INT64 or
 * FP64 would lose digits beyond 2^53 and so merge cards. Tensors that name no raw field are
 * ignored, as /predict ignores fields it does not read (a caller can send its message as it is).
 */

import type { V2InputTensor, V2OutputTensor, V2TensorMetadata } from '../../contract/index.js';

import { FraudlensError } from '../../core/errors.js';
import type { FeatureDefinitions } from '../../core/features/definitions.js';
import { compilePlan } from '../../core/features/plan.js';
import type { RawBody, ServingModel } from '../model-state.js';
import { show } from '../schemas.js';

export const NUMERIC_TYPES: ReadonlySet<string> = new Set([
  'FP64',
  'FP32',
  'INT64',
  'INT32',
  'INT16',
  'INT8',
  'UINT64',
  'UINT32',
  'UINT16',
  'UINT8',
]);

/** One raw field as a tensor: its name, the datatype metadata announces, and what it holds. */
interface RawInput {
  name: string;
  datatype: 'BYTES' | 'INT64' | 'FP64';
  /** Why a row cannot do without it, when it cannot (the time, the id, an entity key). */
  required: string | null;
}

interface RawShape {
  inputs: readonly RawInput[];
  byName: ReadonlyMap<string, RawInput>;
  /** The derived features in the order /predict?features=true answers them, with their datatype. */
  derived: readonly { name: string; datatype: 'BYTES' | 'FP64' }[];
}

const shapes = new WeakMap<FeatureDefinitions, RawShape>();

/** The raw inputs and derived outputs of a set of definitions (computed once per definitions). */
export function rawShapeOf(defs: FeatureDefinitions): RawShape {
  let shape = shapes.get(defs);
  if (shape !== undefined) return shape;
  const keys = new Set(Object.values(defs.entities).flat());
  const time = defs.event.time;
  const inputs: RawInput[] = [
    {
      name: time.field,
      datatype: time.format === 'unix_seconds' || time.format === 'unix_millis' ? 'INT64' : 'BYTES',
      required: 'the event time',
    },
    { name: defs.event.id, datatype: 'BYTES', required: 'the transaction id' },
  ];
  for (const [name, type] of Object.entries(defs.fields)) {
    if (name === time.field || name === defs.event.id) continue;
    inputs.push({
      name,
      datatype: type === 'number' ? 'FP64' : 'BYTES',
      required: keys.has(name) ? 'an entity key' : null,
    });
  }
  const plan = compilePlan(defs);
  const derived = plan.names.map((name, i) => ({ name, datatype: plan.isText[i] ? ('BYTES' as const) : ('FP64' as const) }));
  shape = { inputs, byName: new Map(inputs.map((i) => [i.name, i])), derived };
  shapes.set(defs, shape);
  return shape;
}

/** GET /v2/models/{name} inputs of a model with definitions: its raw fields. */
export function rawInputsMetadata(defs: FeatureDefinitions): V2TensorMetadata[] {
  return rawShapeOf(defs).inputs.map((i) => ({ name: i.name, datatype: i.datatype, shape: [-1] }));
}

function fail(code: 'REQUEST_INVALID' | 'INPUT_WRONG_TYPE' | 'INPUT_MISSING_COLUMN', message: string, field: string): never {
  throw new FraudlensError(code, message, { field });
}

/**
 * The rows of a V2 request as raw transactions (name → value; null left out, as missing). Checks
 * the tensors' shapes and datatypes; the values themselves are read by JsonEventReader on the
 * way to the entity state, as for /predict.
 * @throws FraudlensError INPUT_MISSING_COLUMN naming the tensor of the time, id or a key when absent
 */
export function rawRowsFromTensors(m: ServingModel, inputs: readonly V2InputTensor[], rows: number): RawBody[] {
  const shape = rawShapeOf(m.definitions!);
  const out: Record<string, unknown>[] = Array.from({ length: rows }, () => ({}));
  const seen = new Set<string>();
  inputs.forEach((t, i) => {
    if (seen.has(t.name)) fail('REQUEST_INVALID', `inputs[${i}]: tensor "${t.name}" is given twice`, t.name);
    seen.add(t.name);
    if (t.shape[0] !== rows)
      fail('REQUEST_INVALID', `inputs[${i}] ("${t.name}") has ${t.shape[0]} rows but inputs[0] has ${rows}`, t.name);
    const field = shape.byName.get(t.name);
    if (field === undefined) return; // not a raw field the definitions read: ignored, never stored
    if (t.shape.length === 2 && t.shape[1] !== 1)
      fail('REQUEST_INVALID', `inputs[${i}] ("${t.name}") must have shape [n] or [n, 1], got ${JSON.stringify(t.shape)}`, t.name);
    const text = t.datatype === 'BYTES';
    if (!text && !NUMERIC_TYPES.has(t.datatype))
      fail('INPUT_WRONG_TYPE', `inputs[${i}] ("${t.name}"): datatype ${t.datatype} is not BYTES or numeric`, t.name);
    if (text !== (field.datatype === 'BYTES') && !(text && field.required === 'the event time'))
      fail('INPUT_WRONG_TYPE', `inputs[${i}] ("${t.name}") takes ${field.datatype}, got ${t.datatype}`, t.name);
    const data = t.data.length > 0 && Array.isArray(t.data[0]) ? (t.data as unknown[][]).flat() : t.data;
    if (data.length !== rows)
      fail(
        'REQUEST_INVALID',
        `inputs[${i}].data holds ${data.length} values but shape ${JSON.stringify(t.shape)} needs ${rows}`,
        t.name,
      );
    for (let r = 0; r < rows; r++) {
      const v = data[r];
      if (v === null) continue;
      if (text ? typeof v !== 'string' : typeof v !== 'number')
        fail(
          'INPUT_WRONG_TYPE',
          `inputs[${i}].data[${r}] ("${t.name}", ${t.datatype}) must be a ${text ? 'string' : 'number'} or null, got ${show(v)}`,
          t.name,
        );
      out[r][t.name] = v;
    }
  });
  const absent = shape.inputs.find((f) => f.required !== null && !seen.has(f.name));
  if (absent !== undefined)
    fail('INPUT_MISSING_COLUMN', `inputs has no tensor "${absent.name}" (${absent.required})`, absent.name);
  return out;
}

/** Where a refusal from JsonEventReader points: `inputs row 3/amt must be a number…`. */
export const rawRowWhere = (r: number): string => `inputs row ${r}`;

/** One derived feature across the rows, as an output tensor (null: the feature is missing in that row). */
export function derivedOutput(
  name: string,
  datatype: 'BYTES' | 'FP64',
  features: readonly Readonly<Record<string, unknown>>[],
): V2OutputTensor {
  return {
    name,
    datatype,
    shape: [features.length],
    data: features.map((f) => (f[name] ?? null) as number | string | null),
  };
}
