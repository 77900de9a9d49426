/** The Open Inference Protocol (KServe V2) REST shapes fraudlens speaks (src/server/routes/v2.ts). */
import { Type } from 'typebox';
export const V2ServerMetadata = Type.Object({ name: Type.String(), version: Type.String(), extensions: Type.Array(Type.String()) }, { additionalProperties: false });
export const V2Live = Type.Object({ live: Type.Boolean() }, { additionalProperties: false });
export const V2Ready = Type.Object({ ready: Type.Boolean() }, { additionalProperties: false });
export const V2ModelReady = Type.Object({ name: Type.String(), ready: Type.Boolean() }, { additionalProperties: false });
export const V2ModelParams = Type.Object({
    name: Type.String({ maxLength: 256 }),
    version: Type.Optional(Type.String({ maxLength: 256 })),
});
const TensorMetadata = Type.Object({ name: Type.String(), datatype: Type.String(), shape: Type.Array(Type.Integer()) }, { additionalProperties: false });
export const V2ModelMetadata = Type.Object({
    name: Type.String(),
    versions: Type.Array(Type.String()),
    platform: Type.String(),
    inputs: Type.Array(TensorMetadata),
    outputs: Type.Array(TensorMetadata),
}, { additionalProperties: false });
const Parameters = Type.Object({}, { additionalProperties: true });
export const V2InputTensor = Type.Object({
    name: Type.String({ minLength: 1, maxLength: 256 }),
    shape: Type.Array(Type.Integer({ minimum: 0 }), { minItems: 1, maxItems: 2 }),
    datatype: Type.String(),
    parameters: Type.Optional(Parameters),
    data: Type.Array(Type.Unknown()),
}, { additionalProperties: false });
export const V2InferRequest = Type.Object({
    id: Type.Optional(Type.String({ maxLength: 256 })),
    parameters: Type.Optional(Parameters),
    inputs: Type.Array(V2InputTensor, { minItems: 1, maxItems: 100_000 }),
    outputs: Type.Optional(Type.Array(Type.Object({ name: Type.String(), parameters: Type.Optional(Parameters) }, { additionalProperties: false }), {
        maxItems: 16,
    })),
}, { additionalProperties: false });
export const V2OutputTensor = Type.Object({
    name: Type.String(),
    shape: Type.Array(Type.Integer()),
    datatype: Type.String(),
    data: Type.Array(Type.Unsafe({ type: ['number', 'string'] })),
}, { additionalProperties: false });
export const V2InferResponse = Type.Object({
    model_name: Type.String(),
    model_version: Type.String(),
    id: Type.String(),
    outputs: Type.Array(V2OutputTensor),
    parameters: Type.Optional(Type.Object({
        unknown_categories: Type.String({
            description: 'Comma-separated features whose category name the model does not know in at least one row (scored as missing values).',
        }),
    }, { additionalProperties: false, description: 'Present only when some row held category names the model does not know.' })),
}, { additionalProperties: false });
//# sourceMappingURL=v2.js.map