/** The Open Inference Protocol (KServe V2) REST shapes fraudlens speaks (src/server/routes/v2.ts). */

import { Type, type Static } from 'typebox';

export const V2ServerMetadata = Type.Object(
  { name: Type.String(), version: Type.String(), extensions: Type.Array(Type.String()) },
  { additionalProperties: false },
);
export type V2ServerMetadata = Static<typeof V2ServerMetadata>;
export const V2Live = Type.Object({ live: Type.Boolean() }, { additionalProperties: false });
export type V2Live = Static<typeof V2Live>;
export const V2Ready = Type.Object({ ready: Type.Boolean() }, { additionalProperties: false });
export type V2Ready = Static<typeof V2Ready>;
export const V2ModelReady = Type.Object({ name: Type.String(), ready: Type.Boolean() }, { additionalProperties: false });
export type V2ModelReady = Static<typeof V2ModelReady>;

export const V2ModelParams = Type.Object({
  name: Type.String({ maxLength: 256 }),
  version: Type.Optional(Type.String({ maxLength: 256 })),
});
export type V2ModelParams = Static<typeof V2ModelParams>;

export const V2TensorMetadata = Type.Object(
  { name: Type.String(), datatype: Type.String(), shape: Type.Array(Type.Integer()) },
  { additionalProperties: false },
);
export type V2TensorMetadata = Static<typeof V2TensorMetadata>;
const TensorMetadata = V2TensorMetadata;

export const V2ModelMetadata = Type.Object(
  {
    name: Type.String(),
    versions: Type.Array(Type.String()),
    platform: Type.String(),
    inputs: Type.Array(TensorMetadata),
    outputs: Type.Array(TensorMetadata),
  },
  { additionalProperties: false },
);
export type V2ModelMetadata = Static<typeof V2ModelMetadata>;

const Parameters = Type.Object({}, { additionalProperties: true });

export const V2InputTensor = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 256 }),
    shape: Type.Array(Type.Integer({ minimum: 0 }), { minItems: 1, maxItems: 2 }),
    datatype: Type.String(),
    parameters: Type.Optional(Parameters),
    data: Type.Array(Type.Unknown()),
  },
  { additionalProperties: false },
);
export type V2InputTensor = Static<typeof V2InputTensor>;

export const V2InferRequest = Type.Object(
  {
    id: Type.Optional(Type.String({ maxLength: 256 })),
    parameters: Type.Optional(
      Type.Object(
        {
          explain: Type.Optional(
            Type.Boolean({
              description:
                'Also answer the output tensor `explanation` (FP64, [n, features + 1]): exact TreeSHAP contributions in the model feature order, then the base value.',
            }),
          ),
          features: Type.Optional(
            Type.Boolean({
              description:
                'Models with feature definitions: also answer every derived feature as an output tensor named after it (as /predict?features=true).',
            }),
          ),
        },
        { additionalProperties: true },
      ),
    ),
    inputs: Type.Array(V2InputTensor, { minItems: 1, maxItems: 100_000 }),
    outputs: Type.Optional(
      Type.Array(Type.Object({ name: Type.String(), parameters: Type.Optional(Parameters) }, { additionalProperties: false }), {
        maxItems: 16,
      }),
    ),
  },
  { additionalProperties: false },
);
export type V2InferRequest = Static<typeof V2InferRequest>;

export const V2OutputTensor = Type.Object(
  {
    name: Type.String(),
    shape: Type.Array(Type.Integer()),
    datatype: Type.String(),
    // null: a derived feature missing in that row; booleans: the BOOL output `duplicate`.
    data: Type.Array(Type.Unsafe<number | string | boolean | null>({ type: ['number', 'string', 'boolean', 'null'] })),
  },
  { additionalProperties: false },
);
export type V2OutputTensor = Static<typeof V2OutputTensor>;

export const V2InferResponse = Type.Object(
  {
    model_name: Type.String(),
    model_version: Type.String(),
    id: Type.String(),
    outputs: Type.Array(V2OutputTensor),
    parameters: Type.Optional(
      Type.Object(
        {
          unknown_categories: Type.Optional(
            Type.String({
              description:
                'Comma-separated features whose category name the model does not know in at least one row (scored as missing values).',
            }),
          ),
          state_fallback: Type.Optional(
            Type.Boolean({
              description:
                'Raw transactions: true when the shared entity state could not take some row, whose features then come from the last known state (as state_fallback of /predict).',
            }),
          ),
        },
        {
          additionalProperties: false,
          description:
            'Present only when some row held category names the model does not know or was scored on the fallback state.',
        },
      ),
    ),
  },
  { additionalProperties: false },
);
export type V2InferResponse = Static<typeof V2InferResponse>;
