/**
 * The drift routes:
 *   GET  /drift?window=1h                  the drift report of a window (API key when one is set)
 *   GET  /drift/baseline                   the baseline in force, as the file (API key when set)
 *   PUT  /drift/baseline                   replace it (admin: 403 without API_KEY)
 *   POST /drift/baseline/from-window       re-baseline from a window of live traffic (admin)
 * Without a usable baseline every route but PUT answers 409 DRIFT_NO_BASELINE; predictions are
 * never affected.
 */

import type { FastifyInstance } from 'fastify';

import type { BaselineSaved, DriftReport as DriftReportBody } from '../../contract/index.js';

import { baselineFromJson, serializeBaseline, type DriftBaseline } from '../../core/drift/index.js';
import { FraudlensError, isFraudlensError } from '../../core/errors.js';
import {
  DRIFT_WINDOW_BACKENDS,
  driftWindowBackend,
  parseWindowSpec,
  type DriftWindowBackend,
  type DriftWindowSpec,
} from '../../storage/index.js';
import type { FraudlensContext } from '../context.js';
import { errorResponseSchema } from '../schemas.js';
import type { DriftMonitor, Replacement } from './monitor.js';
import { baselineBodySchema, baselineSavedSchema, driftReportSchema, windowQuerySchema } from './schemas.js';

/**
 * Largest baseline upload. A baseline at the format's limits (100,000 sampled values for each of
 * 30 features) is about 30 MB of JSON; the route is admin-only and the key is checked before the
 * body is read.
 */
export const BASELINE_BODY_LIMIT = 32 * 1024 * 1024;

type WindowQuery = { Querystring: { window: string } };

/** The `window` parameter as a store window; a malformed one is the request's fault (400). */
function windowOf(text: string): DriftWindowSpec {
  try {
    return parseWindowSpec(text);
  } catch (e) {
    if (!isFraudlensError(e)) throw e;
    throw new FraudlensError('REQUEST_INVALID', `querystring/window: ${e.message}`, { field: 'window' });
  }
}

function saved(monitor: DriftMonitor, r: Replacement, source?: string): BaselineSaved {
  const b: DriftBaseline = r.baseline;
  return {
    saved: true,
    path: monitor.baselinePath,
    model_version: b.model_version,
    created_at: b.created_at,
    rows: b.rows,
    window_kept: r.windowKept,
    ...(source !== undefined ? { source } : {}),
  };
}

/** What the configured backend means for the reports, from the storage registry. */
function windowNote(backend: DriftWindowBackend): string {
  const entry = driftWindowBackend(backend);
  if (entry?.shared === true) {
    return `The window is shared by every replica through ${entry.title}; while ${entry.title} is unreachable the report covers this process only (window.source = "local").`;
  }
  const shared = DRIFT_WINDOW_BACKENDS.filter((b) => b.shared).map((b) => b.name);
  return `The window covers this process (window.source = "${backend}"); set FRAUDLENS_DRIFT_BACKEND=${shared.join(' or ')} to share one window between replicas.`;
}

export function registerDriftRoutes(app: FastifyInstance, ctx: FraudlensContext, monitor: DriftMonitor): void {
  const errors = { '4xx': errorResponseSchema, '5xx': errorResponseSchema };
  const backendNote = windowNote(monitor.settings.backend);

  // The handler's type is the contract's report: what the engine builds must fit what clients are promised.
  app.get<WindowQuery>(
    '/drift',
    {
      onRequest: ctx.auth.require('drift:read'),
      schema: {
        tags: ['drift'],
        summary: 'Drift report of a window of recent predictions against the baseline',
        description: `Per feature: the statistic chosen for its type and the baseline size, its p-value or distance, the threshold, the verdict, and both histograms; then the dataset verdict (FRAUDLENS_DRIFT_SHARE) and the drift of the score. A window with too few predictions answers 200 with not_enough_data. ${backendNote} 409 DRIFT_NO_BASELINE without a baseline that fits the model.`,
        querystring: windowQuerySchema,
        response: { 200: driftReportSchema, ...errors },
        ...ctx.auth.security('drift:read'),
      },
    },
    async (request): Promise<DriftReportBody> => monitor.report(windowOf(request.query.window)),
  );

  app.get(
    '/drift/baseline',
    {
      onRequest: ctx.auth.require('drift:read'),
      schema: {
        tags: ['drift'],
        summary: 'The drift baseline in force, as drift_baseline.json',
        response: { 200: baselineBodySchema, ...errors },
        ...ctx.auth.security('drift:read'),
      },
    },
    async (_request, reply) => {
      const text = serializeBaseline(monitor.baseline());
      return reply
        .type('application/json; charset=utf-8')
        .header('content-disposition', 'attachment; filename="drift_baseline.json"')
        .send(text);
    },
  );

  app.put<{ Body: unknown }>(
    '/drift/baseline',
    {
      onRequest: ctx.auth.require('admin'),
      bodyLimit: Math.max(ctx.config.bodyLimit, BASELINE_BODY_LIMIT),
      schema: {
        tags: ['drift'],
        summary: 'Replace the drift baseline',
        description:
          'Disabled (403 FORBIDDEN) unless API_KEY is set. The baseline must parse and fit the served model (same version, features, categories); otherwise 422 BASELINE_INVALID names the field and nothing changes. It is saved atomically to the baseline path (beside the model unless FRAUDLENS_DRIFT_BASELINE_PATH says otherwise) before it is put in force. Other replicas read it on their next POST /admin/reload or restart.',
        body: baselineBodySchema,
        response: { 200: baselineSavedSchema, ...errors },
        ...ctx.auth.security('admin'),
      },
    },
    async (request) => {
      const r = await monitor.replaceBaseline((model) => baselineFromJson(request.body, model.model));
      request.log.info(
        { model: r.baseline.model_version, rows: r.baseline.rows, path: monitor.baselinePath },
        'drift baseline replaced',
      );
      return saved(monitor, r);
    },
  );

  app.post<WindowQuery>(
    '/drift/baseline/from-window',
    {
      onRequest: ctx.auth.require('admin'),
      schema: {
        tags: ['drift'],
        summary: 'Re-baseline from a window of recent predictions',
        description:
          "Disabled (403 FORBIDDEN) unless API_KEY is set. The new baseline keeps the current bins and takes the window's counts on them (every row), its missing counts and its row sample (at most the reservoir size) for the sample-based tests; mean, std, min, max and distinct come from that sample. It is saved like PUT /drift/baseline and the window goes on. 409 DRIFT_NOT_ENOUGH_DATA below 30 predictions.",
        querystring: windowQuerySchema,
        response: { 200: baselineSavedSchema, ...errors },
        ...ctx.auth.security('admin'),
      },
    },
    async (request) => {
      const r = await monitor.rebaselineFromWindow(windowOf(request.query.window));
      request.log.info(
        { rows: r.baseline.rows, window: request.query.window, path: monitor.baselinePath },
        'drift baseline rebuilt from the window',
      );
      return saved(monitor, r, r.source);
    },
  );
}
