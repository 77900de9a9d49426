/**
 * Rules beside the model: the reason codes every decision carries, GET /rules and
 * POST /admin/rules/reload. The actions (block, review, allow) are listed once, in
 * src/core/rules (RULE_ACTIONS); here they are plain strings so the contract stays a leaf.
 */

import { Type, type Static } from 'typebox';

import { REASON_KINDS } from './enums.js';
import { StringEnum } from './schema.js';

export const Reason = Type.Object(
  {
    kind: StringEnum(REASON_KINDS, {
      description:
        'rule: the rule that decided; threshold: the model threshold that decided; feature: a feature pushing towards fraud.',
    }),
    code: Type.String({ description: 'Stable code: the rule id, `threshold_<decision>`, or the feature name.' }),
    text: Type.String({ description: 'The reason in words, for a customer-service agent.' }),
    feature: Type.Optional(Type.String()),
    value: Type.Optional(Type.Unsafe<number | string | null>({ type: ['number', 'string', 'null'] })),
    contribution: Type.Optional(Type.Number({ description: 'Log-odds this feature added to the margin (TreeSHAP).' })),
  },
  { additionalProperties: false },
);
export type Reason = Static<typeof Reason>;

export const RuleReport = Type.Object(
  {
    id: Type.String(),
    action: Type.String({ description: 'block (decline), review or allow (approve).' }),
    when: Type.String({ description: 'The condition, in the rule language (docs/rules.md).' }),
    reason: Type.String(),
    order: Type.Integer({
      description: 'Position in evaluation order (block rules, then review, then allow; file order within each).',
    }),
  },
  { additionalProperties: false },
);
export type RuleReport = Static<typeof RuleReport>;

export const RulesReport = Type.Object(
  {
    configured: Type.Boolean({ description: 'False when the server runs without a rules file (FRAUDLENS_RULES_PATH unset).' }),
    version: Type.Union([Type.String(), Type.Null()], { description: '`rules-` and the first 12 hex digits of sha256.' }),
    sha256: Type.Union([Type.String(), Type.Null()]),
    path: Type.Union([Type.String(), Type.Null()]),
    loaded_at: Type.Union([Type.String(), Type.Null()]),
    rules: Type.Array(RuleReport),
  },
  { additionalProperties: false },
);
export type RulesReport = Static<typeof RulesReport>;

export const RulesReloadResponse = Type.Object(
  {
    reloaded: Type.Boolean(),
    previous_version: Type.String(),
    version: Type.String(),
    sha256: Type.String(),
    rules: Type.Integer({ description: 'How many rules are now in force.' }),
  },
  { additionalProperties: false },
);
export type RulesReloadResponse = Static<typeof RulesReloadResponse>;
