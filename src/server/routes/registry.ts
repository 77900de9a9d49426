/**
 * The model registry's admin routes (docs/registry.md), admin role:
 *   GET  /admin/models          versions, aliases and what this server serves
 *   GET  /admin/models/history  every change, oldest first
 *   POST /admin/models/promote  {version, alias?}: point an alias (default champion) at a version
 *   POST /admin/models/rollback {alias?}: point it back at the version it had before its last change
 *   POST /admin/models/remove-alias {alias}: stop a challenger
 * A change is recorded as the caller's key name ("anonymous" without keys) and applied at once
 * (the champion, and the challengers: every other alias), without waiting for the poll. Without FRAUDLENS_REGISTRY they answer 409
 * REGISTRY_NOT_CONFIGURED.
 */

import type { FastifyInstance } from 'fastify';

import {
  PromoteBody,
  RegistryChangeResponse,
  RemoveAliasBody,
  RegistryHistoryResponse,
  RegistryListResponse,
  RollbackBody,
  type RegistryChangeRecord,
} from '../../contract/index.js';
import { FraudlensError } from '../../core/errors.js';
import { CHAMPION_ALIAS } from '../../storage/index.js';
import { ANONYMOUS, callerOf } from '../auth.js';
import type { FraudlensContext } from '../context.js';
import type { RegistryFollower } from '../registry-follower.js';
import { errorResponseSchema } from '../schemas.js';

const errors = { '4xx': errorResponseSchema, '5xx': errorResponseSchema };

function configured(ctx: FraudlensContext): RegistryFollower {
  if (ctx.registry === null)
    throw new FraudlensError(
      'REGISTRY_NOT_CONFIGURED',
      'the server was started without FRAUDLENS_REGISTRY: it serves MODEL_PATH and has no model registry',
    );
  return ctx.registry;
}

export function registerRegistry(app: FastifyInstance, ctx: FraudlensContext): void {
  const admin = { onRequest: ctx.auth.require('admin') };

  app.get(
    '/admin/models',
    {
      ...admin,
      schema: {
        tags: ['admin'],
        summary: 'The model registry: versions, aliases and the version served',
        response: { 200: RegistryListResponse, ...errors },
        ...ctx.auth.security('admin'),
      },
    },
    async () => {
      const follower = configured(ctx);
      const snapshot = await follower.registry.snapshot();
      return { sequence: snapshot.sequence, models: snapshot.models, aliases: snapshot.aliases, served: follower.report() };
    },
  );

  app.get(
    '/admin/models/history',
    {
      ...admin,
      schema: {
        tags: ['admin'],
        summary: 'Every change of the model registry, oldest first',
        response: { 200: RegistryHistoryResponse, ...errors },
        ...ctx.auth.security('admin'),
      },
    },
    async () => ({ changes: await configured(ctx).registry.history() }),
  );

  const applied = async (follower: RegistryFollower, change: RegistryChangeRecord) => {
    // The champion and the challengers (every other alias) are applied before answering.
    const outcome = await follower.sync();
    return { change, applied: outcome.applied && outcome.challengersApplied, served: follower.report() };
  };

  app.post(
    '/admin/models/promote',
    {
      ...admin,
      schema: {
        tags: ['admin'],
        summary: 'Point an alias (default champion) at a version; a new champion is served at once',
        description:
          'A champion that does not load is refused: the previous model keeps serving, `applied` is false and `served.last_refusal` says why. Unknown version: 404 REGISTRY_NOT_FOUND.',
        body: PromoteBody,
        response: { 200: RegistryChangeResponse, ...errors },
        ...ctx.auth.security('admin'),
      },
    },
    async (request) => {
      const follower = configured(ctx);
      const body = request.body as PromoteBody;
      const change = await follower.registry.promote(
        body.version,
        body.alias ?? CHAMPION_ALIAS,
        callerOf(request).name ?? ANONYMOUS,
      );
      request.log.info({ change }, 'registry promotion');
      return applied(follower, change);
    },
  );

  app.post(
    '/admin/models/rollback',
    {
      ...admin,
      schema: {
        tags: ['admin'],
        summary: 'Point an alias (default champion) back at the version it had before its last change',
        description:
          'One call undoes the last change of the alias (a rollback too: rolling back twice returns to where it was). An alias never set: 404 REGISTRY_NOT_FOUND; one whose last change had no earlier version: 409 REGISTRY_CONFLICT.',
        body: { ...RollbackBody },
        response: { 200: RegistryChangeResponse, ...errors },
        ...ctx.auth.security('admin'),
      },
    },
    async (request) => {
      const follower = configured(ctx);
      const body = (request.body ?? {}) as RollbackBody;
      const change = await follower.registry.rollback(body.alias ?? CHAMPION_ALIAS, callerOf(request).name ?? ANONYMOUS);
      request.log.info({ change }, 'registry rollback');
      return applied(follower, change);
    },
  );

  app.post(
    '/admin/models/remove-alias',
    {
      ...admin,
      schema: {
        tags: ['admin'],
        summary: 'Remove a challenger alias; the server stops scoring it at once',
        description:
          'The champion cannot be removed (409 REGISTRY_CONFLICT: promote another version instead). An alias never set: 404 REGISTRY_NOT_FOUND.',
        body: RemoveAliasBody,
        response: { 200: RegistryChangeResponse, ...errors },
        ...ctx.auth.security('admin'),
      },
    },
    async (request) => {
      const follower = configured(ctx);
      const body = request.body as RemoveAliasBody;
      const change = await follower.registry.removeAlias(body.alias, callerOf(request).name ?? ANONYMOUS);
      request.log.info({ change }, 'registry alias removed');
      return applied(follower, change);
    },
  );
}
