/** The one error body every route answers with (the catalogue: docs/errors.md). */
import { Type } from 'typebox';
export const ErrorResponse = Type.Object({
    error: Type.String(),
    code: Type.String(),
    message: Type.String(),
    statusCode: Type.Integer(),
    field: Type.Optional(Type.String()),
}, {
    additionalProperties: false,
    description: 'Every error: a stable `code` from the catalogue (docs/errors.md) and, for input errors, the `field` at fault.',
});
//# sourceMappingURL=errors.js.map