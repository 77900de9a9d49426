/**
 * GET /model: what is being served (feature schema, thresholds, metrics, version, file).
 * POST /admin/reload: re-reads MODEL_PATH (with FRAUDLENS_REGISTRY: re-applies the registry's champion) and swaps it in atomically; a file that does not load
 * is refused with its error code and the old model keeps serving. Needs API_KEY (403 without).
 */

import type { FastifyInstance } from 'fastify';

import { ModelReport, ReloadResponse, type DerivedFeatures } from '../../contract/index.js';

import { describeModel } from '../../core/engine/describe.js';
import { fieldReaders } from '../../core/features/describe.js';
import { FraudlensError, isFraudlensError } from '../../core/errors.js';
import type { FeatureDefinitions } from '../../core/features/definitions.js';
import type { FraudlensContext } from '../context.js';
import type { ServingModel } from '../model-state.js';
import { requiredRawFields } from '../raw-transaction-schema.js';
import { errorResponseSchema } from '../schemas.js';

export function modelReport(m: ServingModel): ModelReport {
  const { derived_features: derived, ...summary } = describeModel(m.model);
  // A derived feature without a description of its own is described by its definition, so every
  // client labels it the same way the explanations do.
  const how = new Map((derived?.features ?? []).map((f) => [f.name, f.how]));
  return {
    ...summary,
    // Full feature specs: categories by name, encoding, training statistics.
    features: m.features.map((f) => ({
      name: f.name,
      type: f.type,
      ...(f.type === 'categorical' ? { encoding: f.encoding ?? 'names', categories: f.categories ?? [] } : {}),
      ...((f.description ?? how.get(f.name)) !== undefined ? { description: f.description ?? how.get(f.name) } : {}),
      ...(f.stats !== undefined ? { stats: f.stats } : {}),
    })),
    // A model whose trees TreeSHAP cannot use (covers 0, paths too long) still scores; ?explain=true then answers 422 MODEL_UNSUPPORTED.
    explain: m.explainer !== null ? { available: true } : { available: false, reason: m.explainerError ?? 'unsupported trees' },
    request_schema: m.rowSchema,
    ...(derived !== undefined && m.definitions !== null ? { derived_features: derivedFeatures(m.definitions, derived) } : {}),
    file: { path: m.path, sha256: m.sha256, loaded_at: m.loadedAt },
  };
}

/** The raw side of a model with definitions: event time and id, the other raw fields, what each feeds. */
function derivedFeatures(
  defs: FeatureDefinitions,
  derived: { hash: string; features: { name: string; how: string }[] },
): DerivedFeatures {
  const { time, id, timezone } = defs.event;
  const required = new Set(requiredRawFields(defs));
  const readers = fieldReaders(defs);
  return {
    hash: derived.hash,
    event: { time_field: time.field, time_format: time.format, id_field: id, timezone },
    fields: Object.entries(defs.fields)
      .filter(([name]) => name !== time.field && name !== id)
      .map(([name, type]) => ({ name, type, required: required.has(name), read_by: readers.get(name) ?? [] })),
    features: derived.features,
  };
}

export function registerModel(app: FastifyInstance, ctx: FraudlensContext): void {
  app.get(
    '/model',
    {
      schema: {
        tags: ['model'],
        summary: 'The model being served',
        response: { 200: ModelReport },
      },
    },
    async () => {
      const report = modelReport(ctx.models.current);
      const rules = ctx.rules.version;
      return {
        ...report,
        ...(rules !== undefined ? { rules_version: rules } : {}),
        ...(ctx.registry !== null ? { registry: ctx.registry.report() } : {}),
      };
    },
  );

  app.post(
    '/admin/reload',
    {
      onRequest: ctx.auth.require('admin'),
      schema: {
        tags: ['admin'],
        summary: 'Reload the model file (MODEL_PATH) atomically',
        description:
          'Disabled (403 FORBIDDEN) unless API_KEY is set. A corrupt or unreadable file is refused (MODEL_INVALID, INPUT_UNREADABLE…) and the previous model keeps serving.',
        response: {
          200: ReloadResponse,
          '4xx': errorResponseSchema,
          '5xx': errorResponseSchema,
        },
        ...ctx.auth.security('admin'),
      },
    },
    async (request) => {
      if (ctx.registry !== null) {
        // Served from a registry: MODEL_PATH is not in use; re-apply the registry's champion.
        const previous = ctx.models.current;
        const outcome = await ctx.registry.sync();
        if (!outcome.applied)
          throw new FraudlensError(
            'REGISTRY_INVALID',
            `the registry's champion was refused and the previous model keeps serving: ${ctx.registry.report().last_refusal?.message ?? 'no champion'}`,
            { field: 'FRAUDLENS_REGISTRY' },
          );
        const current = ctx.models.current;
        return {
          reloaded: outcome.swapped,
          previous_version: previous.version,
          model_version: current.version,
          sha256: current.sha256,
          features_changed: previous.names.join('\u0000') !== current.names.join('\u0000'),
        };
      }
      try {
        const { previous, current } = await ctx.models.reload(ctx.config.modelPath);
        ctx.metrics.recordReload(true);
        // New definitions open their state now, so /health reports it before any transaction.
        ctx.entityFeatures.prepare(current);
        const featuresChanged = previous.names.join('\u0000') !== current.names.join('\u0000');
        request.log.info({ previous: previous.version, current: current.version, sha256: current.sha256 }, 'model reloaded');
        return {
          reloaded: true,
          previous_version: previous.version,
          model_version: current.version,
          sha256: current.sha256,
          features_changed: featuresChanged,
        };
      } catch (e) {
        ctx.metrics.recordReload(false);
        request.log.warn(
          { err: isFraudlensError(e) ? e.describe() : e },
          'model reload refused; the previous model keeps serving',
        );
        if (!isFraudlensError(e)) throw e;
        // Admin-only route: naming the file and the failing field helps whoever fixes it.
        throw new FraudlensError(e.code, `the model file was refused and the previous model keeps serving: ${e.describe()}`, {
          field: e.location.field ?? 'MODEL_PATH',
        });
      }
    },
  );
}
