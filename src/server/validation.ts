/**
 * Validator compilers for route schemas. Bodies are checked exactly as sent (no type coercion, no
 * defaults, no removed properties: "12" is not a number). Query strings, path parameters and
 * headers arrive as text, so they are coerced ("50" → 50, "true" → true) before the check.
 * Failures reach the one error handler, which names the field (see schemas.validationError).
 */

import { Ajv, type ValidateFunction } from 'ajv';
import type { FastifySchema, FastifySchemaCompiler } from 'fastify';

// OpenAPI annotations (example, tags…) are not validation keywords: strict mode off for route schemas.
const bodyAjv = new Ajv({ strict: false, coerceTypes: false, useDefaults: false, removeAdditional: false, allErrors: false });
const textAjv = new Ajv({ strict: false, coerceTypes: true, useDefaults: true, removeAdditional: false, allErrors: false });

type Compiler = FastifySchemaCompiler<FastifySchema>;

/** The app-wide compiler. */
export const validatorCompiler: Compiler = ({ schema, httpPart }) =>
  (httpPart === 'body' ? bodyAjv : textAjv).compile(schema as object);

const accept = (): boolean => true;

/**
 * For routes that validate their body in the handler against the live model: the body schema
 * is documentation only; the other parts are compiled as usual.
 */
export const docsOnlyBody: Compiler = (def) => (def.httpPart === 'body' ? accept : validatorCompiler(def));

/** A body validator outside Fastify's routes (the gRPC server checks its requests with the REST body schemas). */
export const compileBodyValidator = (schema: object): ValidateFunction => bodyAjv.compile(schema);
