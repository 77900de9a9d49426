/**
 * GET /rules: the rules in force beside the model (in evaluation order) and their version.
 * POST /admin/rules/reload: re-reads FRAUDLENS_RULES_PATH, compiles it against the model in force
 * and swaps it in; a file that does not load or compile is refused with its path and the rules in
 * force keep serving. Needs API_KEY (403 without), like /admin/reload.
 */

import type { FastifyInstance } from 'fastify';

import { RulesReloadResponse, RulesReport } from '../../contract/index.js';
import { FraudlensError, isFraudlensError } from '../../core/errors.js';
import type { FraudlensContext } from '../context.js';
import { errorResponseSchema } from '../schemas.js';

export function registerRules(app: FastifyInstance, ctx: FraudlensContext): void {
  app.get(
    '/rules',
    {
      schema: {
        tags: ['model'],
        summary: 'The rules in force beside the model',
        description:
          'Block rules, then review, then allow; the first that matches decides, else the model thresholds. `version` is what each prediction carries as `rules_version`. docs/rules.md describes the file.',
        response: { 200: RulesReport },
      },
    },
    async () => ctx.rules.report(),
  );

  app.post(
    '/admin/rules/reload',
    {
      onRequest: ctx.auth.require('admin'),
      schema: {
        tags: ['admin'],
        summary: 'Reload the rules file (FRAUDLENS_RULES_PATH) atomically',
        description:
          'Disabled (403 FORBIDDEN) unless API_KEY is set. A file that does not parse or compile against the model in force is refused (RULES_INVALID, INPUT_UNREADABLE) with its path, and the rules in force keep serving.',
        response: { 200: RulesReloadResponse, '4xx': errorResponseSchema, '5xx': errorResponseSchema },
        ...ctx.auth.security('admin'),
      },
    },
    async (request) => {
      try {
        const { previous, current, rules } = await ctx.rules.reload();
        request.log.info({ previous, current: current.version, path: current.path }, 'rules reloaded');
        return { reloaded: true, previous_version: previous, version: current.version, sha256: current.sha256, rules };
      } catch (e) {
        request.log.warn(
          { err: isFraudlensError(e) ? e.describe() : e },
          'rules reload refused; the rules in force keep serving',
        );
        if (!isFraudlensError(e) || e.code === 'RULES_NOT_CONFIGURED') throw e;
        // Admin-only route: naming the file and the rule at fault helps whoever fixes it.
        throw new FraudlensError(e.code, `the rules file was refused and the rules in force keep serving: ${e.describe()}`, {
          field: 'FRAUDLENS_RULES_PATH',
        });
      }
    },
  );
}
