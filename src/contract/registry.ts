/**
 * The model registry over HTTP: GET /admin/models, GET /admin/models/history,
 * POST /admin/models/promote and POST /admin/models/rollback (docs/registry.md), and what /model
 * says of the registry version it serves. The version and alias patterns are declared here, the
 * leaf, and the registry backends import them.
 */

import { Type, type Static } from 'typebox';

import { MapOf, NullableString, StringEnum } from './schema.js';

/** A version: a letter or digit first, then letters, digits, dots, dashes or underscores (≤ 64). */
export const REGISTRY_VERSION_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$';
/** An alias: lowercase, so `Champion` and `champion` cannot name two things (≤ 32). */
export const REGISTRY_ALIAS_PATTERN = '^[a-z][a-z0-9_-]{0,31}$';
/** What a change did: one list, the registry's history and the schema share it. */
export const REGISTRY_ACTIONS = ['add', 'promote', 'rollback', 'remove-alias'] as const;

export const RegistryModelEntry = Type.Object(
  {
    version: Type.String(),
    sha256: Type.String(),
    model_version: Type.String({ description: 'The version inside the model file: what predictions carry as model_version.' }),
    training: Type.Object(
      {
        source: Type.String(),
        created_at: NullableString(),
        rows: Type.Union([Type.Integer(), Type.Null()]),
        metrics: MapOf(Type.Number()),
      },
      { additionalProperties: false },
    ),
    has_definitions: Type.Boolean(),
    rules: Type.Union([
      Type.Object({ file: Type.String(), sha256: Type.String(), version: Type.String() }, { additionalProperties: false }),
      Type.Null(),
    ]),
    added_by: Type.String(),
    added_at: Type.String(),
    note: NullableString(),
  },
  { additionalProperties: false },
);
export type RegistryModelEntry = Static<typeof RegistryModelEntry>;

export const RegistryChangeRecord = Type.Object(
  {
    sequence: Type.Integer({ minimum: 1 }),
    action: StringEnum(REGISTRY_ACTIONS),
    by: Type.String(),
    at: Type.String(),
    alias: NullableString(),
    from_version: NullableString({ description: "The alias's version before the change (null: unset)." }),
    to_version: NullableString({ description: "The alias's version after the change (for add: the version added)." }),
    note: NullableString(),
  },
  { additionalProperties: false },
);
export type RegistryChangeRecord = Static<typeof RegistryChangeRecord>;

/** The registry version this server serves. */
export const RegistryServed = Type.Object(
  {
    version: Type.String(),
    alias: Type.String(),
    sha256: Type.String(),
    sequence: Type.Integer({ description: 'The registry sequence number this server last applied.' }),
    location: Type.String({ description: 'The registry directory.' }),
    refused: Type.Integer({ description: 'Champions refused since start (a file that did not load, rules that do not fit).' }),
    last_refusal: Type.Union([
      Type.Object(
        { version: NullableString(), code: Type.String(), message: Type.String(), at: Type.String() },
        { additionalProperties: false },
      ),
      Type.Null(),
    ]),
    challengers: Type.Array(Type.Object({ alias: Type.String(), version: Type.String() }, { additionalProperties: false }), {
      description: "The registry's other aliases this server scores in the shadow, by alias.",
    }),
    challengers_refusal: Type.Union(
      [
        Type.Object(
          {
            aliases: Type.String({ description: 'The refused lineup, as alias=version, …' }),
            code: Type.String(),
            message: Type.String(),
            at: Type.String(),
          },
          { additionalProperties: false },
        ),
        Type.Null(),
      ],
      {
        description:
          "Set while the registry's challenger aliases name a lineup that was refused (a file that did not load, a challenger the champion does not feed, a canary naming no alias); the challengers listed keep scoring.",
      },
    ),
  },
  { additionalProperties: false },
);
export type RegistryServed = Static<typeof RegistryServed>;

export const RegistryListResponse = Type.Object(
  {
    sequence: Type.Integer(),
    models: Type.Array(RegistryModelEntry),
    aliases: MapOf(Type.String(), { description: 'Alias → version.' }),
    served: RegistryServed,
  },
  { additionalProperties: false },
);
export type RegistryListResponse = Static<typeof RegistryListResponse>;

export const RegistryHistoryResponse = Type.Object(
  { changes: Type.Array(RegistryChangeRecord) },
  { additionalProperties: false },
);
export type RegistryHistoryResponse = Static<typeof RegistryHistoryResponse>;

export const PromoteBody = Type.Object(
  {
    version: Type.String({ pattern: REGISTRY_VERSION_PATTERN }),
    alias: Type.Optional(Type.String({ pattern: REGISTRY_ALIAS_PATTERN, description: 'Default: champion.' })),
  },
  { additionalProperties: false },
);
export type PromoteBody = Static<typeof PromoteBody>;

export const RollbackBody = Type.Object(
  { alias: Type.Optional(Type.String({ pattern: REGISTRY_ALIAS_PATTERN, description: 'Default: champion.' })) },
  { additionalProperties: false },
);
export type RollbackBody = Static<typeof RollbackBody>;

export const RemoveAliasBody = Type.Object(
  {
    alias: Type.String({
      pattern: REGISTRY_ALIAS_PATTERN,
      description: 'The alias to remove: a challenger (the champion cannot be removed).',
    }),
  },
  { additionalProperties: false },
);
export type RemoveAliasBody = Static<typeof RemoveAliasBody>;

export const RegistryChangeResponse = Type.Object(
  {
    change: RegistryChangeRecord,
    applied: Type.Boolean({
      description:
        'Whether this server now serves the champion and challengers the change left (false: one was refused; see served.last_refusal and served.challengers_refusal).',
    }),
    served: RegistryServed,
  },
  { additionalProperties: false },
);
export type RegistryChangeResponse = Static<typeof RegistryChangeResponse>;
